//! Enrolments (ghi danh): who is in which class, in what state. This file holds what every
//! feature reads — the roster, a person's enrolments, finding one in scope — and direct
//! enrolment by staff; nominations, decisions and imports add their own functions here.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::{DbConn, Scope, StoreError, StoreResult};
use crate::db::schema::{enrolments, people};
use crate::domain::dates;
use crate::domain::enrolment::EnrolmentStatus;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = enrolments)]
pub struct Enrolment {
    pub id: i64,
    pub class_id: i64,
    pub person_id: i64,
    pub status: String,
    pub source: String,
    pub nominated_by: Option<i64>,
    pub nominated_at: Option<PrimitiveDateTime>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<PrimitiveDateTime>,
    pub reason: Option<String>,
    pub enrolled_on: Option<Date>,
    pub withdrawn_on: Option<Date>,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<PrimitiveDateTime>,
    pub confirmation_note: Option<String>,
    pub version: i32,
}

impl Enrolment {
    pub fn status(&self) -> EnrolmentStatus {
        EnrolmentStatus::parse(&self.status).unwrap_or(EnrolmentStatus::Nominated)
    }
}

/// A line of a class's roster: the enrolment with the person's name and chi bộ, in the
/// official list order (sort name, then the whole name).
#[derive(Debug, Clone, Serialize)]
pub struct RosterLine {
    pub enrolment: Enrolment,
    pub full_name: String,
    pub date_of_birth: Date,
    pub sex: String,
    pub org_unit_id: i64,
    pub email: Option<String>,
}

/// The people of a class whose enrolment is in one of `statuses`, in list order. A scoped
/// caller (a secretary) sees only the people of their units.
pub fn roster(
    conn: &mut DbConn,
    class_id: i64,
    statuses: &[EnrolmentStatus],
    scope: &Scope,
) -> StoreResult<Vec<RosterLine>> {
    let codes: Vec<&str> = statuses.iter().map(|s| s.code()).collect();
    let mut q = enrolments::table
        .inner_join(people::table)
        .filter(enrolments::class_id.eq(class_id))
        .filter(enrolments::status.eq_any(codes))
        .into_boxed();
    if let Scope::Units(ids) = scope {
        q = q.filter(people::org_unit_id.eq_any(ids.clone()));
    }
    let rows: Vec<(Enrolment, String, Date, String, i64, Option<String>)> = q
        .order((people::sort_key.asc(), people::id.asc()))
        .select((
            Enrolment::as_select(),
            people::full_name,
            people::date_of_birth,
            people::sex,
            people::org_unit_id,
            people::email,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(enrolment, full_name, date_of_birth, sex, org_unit_id, email)| RosterLine {
            enrolment,
            full_name,
            date_of_birth,
            sex,
            org_unit_id,
            email,
        })
        .collect())
}

/// Counts per status for a class.
pub fn counts(conn: &mut DbConn, class_id: i64) -> StoreResult<Vec<(String, i64)>> {
    Ok(enrolments::table
        .filter(enrolments::class_id.eq(class_id))
        .group_by(enrolments::status)
        .select((enrolments::status, diesel::dsl::count_star()))
        .load(conn)?)
}

/// An enrolment, if the scope covers its person; otherwise NotFound.
pub fn find(conn: &mut DbConn, scope: &Scope, id: i64) -> StoreResult<Enrolment> {
    let (enrolment, org_unit): (Enrolment, i64) = enrolments::table
        .inner_join(people::table)
        .filter(enrolments::id.eq(id))
        .select((Enrolment::as_select(), people::org_unit_id))
        .first(conn)?;
    if scope.allows(org_unit) { Ok(enrolment) } else { Err(StoreError::NotFound) }
}

/// A person's enrolments, newest class first.
pub fn of_person(conn: &mut DbConn, person_id: i64) -> StoreResult<Vec<Enrolment>> {
    Ok(enrolments::table
        .filter(enrolments::person_id.eq(person_id))
        .order(enrolments::id.desc())
        .select(Enrolment::as_select())
        .load(conn)?)
}

/// The enrolment of a person in a class, if any.
pub fn of_person_in_class(conn: &mut DbConn, person_id: i64, class_id: i64) -> StoreResult<Option<Enrolment>> {
    Ok(enrolments::table
        .filter(enrolments::person_id.eq(person_id))
        .filter(enrolments::class_id.eq(class_id))
        .select(Enrolment::as_select())
        .first(conn)
        .optional()?)
}

/// How a person came to be enrolled.
pub const SOURCE_NOMINATION: &str = "nomination";
pub const SOURCE_IMPORT: &str = "import";
pub const SOURCE_STAFF: &str = "staff";

/// Enrols a person directly (staff or an import), from `on` (attendance counts from that day).
/// A person already enrolled stays as they are (Ok(false)); a rejected or withdrawn one is
/// enrolled again.
pub fn enrol(
    conn: &mut DbConn,
    actor: &Actor,
    class_id: i64,
    person_id: i64,
    source: &str,
    on: Date,
) -> StoreResult<bool> {
    super::write_tx(conn, |conn| {
        let now = dates::now();
        let id = match of_person_in_class(conn, person_id, class_id)? {
            Some(e) if e.status() == EnrolmentStatus::Enrolled => return Ok(false),
            Some(e) => {
                diesel::update(enrolments::table.find(e.id))
                    .set((
                        enrolments::status.eq(EnrolmentStatus::Enrolled.code()),
                        enrolments::decided_by.eq(actor.user_id),
                        enrolments::decided_at.eq(now),
                        enrolments::enrolled_on.eq(on),
                        enrolments::withdrawn_on.eq(None::<Date>),
                        enrolments::reason.eq(None::<String>),
                        enrolments::version.eq(e.version + 1),
                        enrolments::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                e.id
            }
            None => diesel::insert_into(enrolments::table)
                .values((
                    enrolments::class_id.eq(class_id),
                    enrolments::person_id.eq(person_id),
                    enrolments::status.eq(EnrolmentStatus::Enrolled.code()),
                    enrolments::source.eq(source),
                    enrolments::decided_by.eq(actor.user_id),
                    enrolments::decided_at.eq(now),
                    enrolments::enrolled_on.eq(on),
                    enrolments::created_at.eq(now),
                    enrolments::updated_at.eq(now),
                ))
                .returning(enrolments::id)
                .get_result(conn)?,
        };
        audit::record(
            conn,
            actor,
            "enrolment",
            Some(id),
            "enrol",
            None::<&()>,
            Some(&serde_json::json!({ "class_id": class_id, "person_id": person_id, "source": source })),
        )?;
        Ok(true)
    })
}
