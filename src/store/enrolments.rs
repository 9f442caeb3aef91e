//! Enrolments (ghi danh): who is in which class, in what state. This file holds what every
//! feature reads — the roster, a person's enrolments, finding one in scope — and direct
//! enrolment by staff; nominations, decisions and imports add their own functions here.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::classes::Class;
use super::{DbConn, Scope, StoreError, StoreResult};
use crate::db::schema::{certificates, classes, enrolments, people, programs, users};
use crate::domain::class::ClassStatus;
use crate::domain::dates;
use crate::domain::enrolment::{
    self as rules, Decision, DecisionRefusal, EnrolmentStatus, NominationRefusal, WithdrawalRefusal,
};
use crate::domain::person::Status;

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

// ---------------------------------------------------------------------------------------------
// Nominations, decisions, withdrawal

/// Ids are looked up in batches of this many (well under every backend's limit on parameters).
const CHUNK: usize = 500;

/// People who have completed a program: they hold a valid certificate of it that has not
/// expired by `today` (a revoked or superseded one does not count; its reissue does).
pub fn completed(conn: &mut DbConn, program_id: i64, among: &[i64], today: Date) -> StoreResult<HashSet<i64>> {
    let mut done = HashSet::new();
    for chunk in among.chunks(CHUNK) {
        let holders: Vec<i64> = certificates::table
            .filter(certificates::program_id.eq(program_id))
            .filter(certificates::status.eq("valid"))
            .filter(certificates::expires_on.is_null().or(certificates::expires_on.gt(today)))
            .filter(certificates::person_id.eq_any(chunk))
            .select(certificates::person_id)
            .load(conn)?;
        done.extend(holders);
    }
    Ok(done)
}

/// An enrolment with the class it is in, as a person's history shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ClassEnrolment {
    pub enrolment: Enrolment,
    pub program_id: i64,
    pub program_code: String,
    pub class_status: String,
    pub ordinal: i32,
    pub year: i32,
    pub first_day: Date,
}

impl ClassEnrolment {
    pub fn class_status(&self) -> ClassStatus {
        ClassStatus::parse(&self.class_status).unwrap_or(ClassStatus::Draft)
    }
    /// Nominated, waitlisted or enrolled in a class that is not over.
    pub fn is_active(&self) -> bool {
        rules::is_active(self.enrolment.status(), self.class_status())
    }
}

/// Every enrolment of these people, newest class first.
pub fn of_people(conn: &mut DbConn, person_ids: &[i64]) -> StoreResult<Vec<ClassEnrolment>> {
    let mut out = Vec::new();
    for chunk in person_ids.chunks(CHUNK) {
        let rows: Vec<(Enrolment, i64, String, String, i32, i32, Date)> = enrolments::table
            .inner_join(classes::table.inner_join(programs::table))
            .filter(enrolments::person_id.eq_any(chunk))
            .select((
                Enrolment::as_select(),
                classes::program_id,
                programs::code,
                classes::status,
                classes::ordinal,
                classes::year,
                classes::first_day,
            ))
            .load(conn)?;
        out.extend(rows.into_iter().map(
            |(enrolment, program_id, program_code, class_status, ordinal, year, first_day)| ClassEnrolment {
                enrolment,
                program_id,
                program_code,
                class_status,
                ordinal,
                year,
                first_day,
            },
        ));
    }
    out.sort_by(|a, b| b.first_day.cmp(&a.first_day).then(b.enrolment.id.cmp(&a.enrolment.id)));
    Ok(out)
}

/// The enrolments a nomination made, or why each refused person could not be nominated.
pub type Nominated = Result<Vec<i64>, Vec<(i64, NominationRefusal)>>;

/// Sends people to a class (đề nghị cử đi học), all or none: every person must be in the
/// secretary's scope (else NotFound, as if they did not exist) and pass
/// `domain::enrolment::check_nomination`; otherwise nothing is written and the refusals are
/// returned. A rejected or withdrawn person is nominated again on the same row.
pub fn nominate(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    class_id: i64,
    person_ids: &[i64],
    now: PrimitiveDateTime,
) -> StoreResult<Nominated> {
    super::write_tx(conn, |conn| {
        let class = super::classes::find(conn, class_id)?;
        let program = super::programs::find(conn, class.program_id)?;
        let mut people = Vec::new();
        for id in person_ids {
            people.push(super::people::find(conn, scope, *id)?);
        }
        let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
        let completed = completed(conn, program.id, &ids, now.date())?;
        let history = of_people(conn, &ids)?;
        let mut refusals = Vec::new();
        for person in &people {
            let mine = history.iter().filter(|e| e.enrolment.person_id == person.id);
            let in_class = mine.clone().find(|e| e.enrolment.class_id == class_id).map(|e| e.enrolment.status());
            let elsewhere =
                mine.filter(|e| e.enrolment.class_id != class_id && e.program_id == program.id).any(|e| e.is_active());
            let status = Status::parse(&person.status).unwrap_or(Status::Official);
            let checked = rules::check_nomination(
                class.status(),
                &program.code,
                status,
                completed.contains(&person.id),
                in_class,
                elsewhere,
            );
            if let Err(refusal) = checked {
                refusals.push((person.id, refusal));
            }
        }
        if !refusals.is_empty() {
            return Ok(Err(refusals));
        }
        let mut made = Vec::new();
        for person in &people {
            let id = match of_person_in_class(conn, person.id, class_id)? {
                Some(e) => {
                    diesel::update(enrolments::table.find(e.id))
                        .set((
                            enrolments::status.eq(EnrolmentStatus::Nominated.code()),
                            enrolments::source.eq(SOURCE_NOMINATION),
                            enrolments::nominated_by.eq(actor.user_id),
                            enrolments::nominated_at.eq(now),
                            enrolments::decided_by.eq(None::<i64>),
                            enrolments::decided_at.eq(None::<PrimitiveDateTime>),
                            enrolments::reason.eq(None::<String>),
                            enrolments::enrolled_on.eq(None::<Date>),
                            enrolments::withdrawn_on.eq(None::<Date>),
                            enrolments::version.eq(e.version + 1),
                            enrolments::updated_at.eq(now),
                        ))
                        .execute(conn)?;
                    e.id
                }
                None => diesel::insert_into(enrolments::table)
                    .values((
                        enrolments::class_id.eq(class_id),
                        enrolments::person_id.eq(person.id),
                        enrolments::status.eq(EnrolmentStatus::Nominated.code()),
                        enrolments::source.eq(SOURCE_NOMINATION),
                        enrolments::nominated_by.eq(actor.user_id),
                        enrolments::nominated_at.eq(now),
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
                "nominate",
                None::<&()>,
                Some(&serde_json::json!({ "class_id": class_id, "person_id": person.id })),
            )?;
            made.push(id);
        }
        Ok(Ok(made))
    })
}

/// Takes the class's row lock for the rest of the transaction, so that two decisions or imports
/// at once count the places one after the other (PostgreSQL; SQLite's writers queue anyway).
pub fn lock_class(conn: &mut DbConn, class_id: i64) -> StoreResult<()> {
    let locked =
        diesel::update(classes::table.find(class_id)).set(classes::version.eq(classes::version)).execute(conn)?;
    if locked == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Learners enrolled in a class now.
pub fn enrolled_count(conn: &mut DbConn, class_id: i64) -> StoreResult<usize> {
    let n: i64 = enrolments::table
        .filter(enrolments::class_id.eq(class_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Enrolled.code()))
        .count()
        .get_result(conn)?;
    Ok(n as usize)
}

/// An enrolment of this class (another class's answers NotFound).
pub fn in_class(conn: &mut DbConn, class_id: i64, id: i64) -> StoreResult<Enrolment> {
    Ok(enrolments::table
        .filter(enrolments::id.eq(id))
        .filter(enrolments::class_id.eq(class_id))
        .select(Enrolment::as_select())
        .first(conn)?)
}

/// What a decision changed, for the email to the secretary who nominated.
#[derive(Debug, Clone)]
pub struct Decided {
    pub before: Enrolment,
    pub after: Enrolment,
    pub class: Class,
}

/// Staff decide on a nomination: approve (if a place is left), reject with a reason, or put on
/// the waiting list. Approval enrols the learner from `today`. Nothing changes on a refusal.
pub fn decide(
    conn: &mut DbConn,
    actor: &Actor,
    class_id: i64,
    id: i64,
    decision: &Decision,
    today: Date,
    now: PrimitiveDateTime,
) -> StoreResult<Result<Decided, DecisionRefusal>> {
    super::write_tx(conn, |conn| {
        lock_class(conn, class_id)?;
        let class = super::classes::find(conn, class_id)?;
        let before = in_class(conn, class_id, id)?;
        if !rules::decisions_open(class.status()) {
            return Ok(Err(DecisionRefusal::ClassNotOpen));
        }
        let enrolled = enrolled_count(conn, class_id)?;
        let to = match rules::check_decision(before.status(), decision, enrolled, class.capacity.max(0) as usize) {
            Ok(to) => to,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let reason = match decision {
            Decision::Reject { reason } => Some(reason.trim().to_owned()),
            _ => None,
        };
        diesel::update(enrolments::table.find(id))
            .set((
                enrolments::status.eq(to.code()),
                enrolments::decided_by.eq(actor.user_id),
                enrolments::decided_at.eq(now),
                enrolments::reason.eq(&reason),
                enrolments::enrolled_on.eq((to == EnrolmentStatus::Enrolled).then_some(today)),
                enrolments::version.eq(before.version + 1),
                enrolments::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            "enrolment",
            Some(id),
            decision.code(),
            Some(&serde_json::json!({ "status": before.status })),
            Some(&serde_json::json!({ "status": to.code(), "reason": reason })),
        )?;
        let after = in_class(conn, class_id, id)?;
        Ok(Ok(Decided { before, after, class }))
    })
}

/// Withdraws an enrolled learner (rút khỏi lớp) on `on`, with a reason.
pub fn withdraw(
    conn: &mut DbConn,
    actor: &Actor,
    class_id: i64,
    id: i64,
    reason: &str,
    on: Date,
    now: PrimitiveDateTime,
) -> StoreResult<Result<Decided, WithdrawalRefusal>> {
    super::write_tx(conn, |conn| {
        let class = super::classes::find(conn, class_id)?;
        let before = in_class(conn, class_id, id)?;
        if let Err(refusal) = rules::check_withdrawal(class.status(), before.status(), reason) {
            return Ok(Err(refusal));
        }
        let reason = reason.trim().to_owned();
        diesel::update(enrolments::table.find(id))
            .set((
                enrolments::status.eq(EnrolmentStatus::Withdrawn.code()),
                enrolments::withdrawn_on.eq(on),
                enrolments::reason.eq(&reason),
                enrolments::version.eq(before.version + 1),
                enrolments::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            "enrolment",
            Some(id),
            "withdraw",
            Some(&serde_json::json!({ "status": before.status })),
            Some(&serde_json::json!({ "status": "withdrawn", "reason": reason, "on": dates::iso(on) })),
        )?;
        let after = in_class(conn, class_id, id)?;
        Ok(Ok(Decided { before, after, class }))
    })
}

/// A nomination waiting for staff, or decided, with who sent it.
#[derive(Debug, Clone, Serialize)]
pub struct NominationLine {
    pub enrolment: Enrolment,
    pub full_name: String,
    pub date_of_birth: Date,
    pub person_status: String,
    pub org_unit_id: i64,
    pub nominated_by_name: Option<String>,
}

/// The nominations of a class in one of `statuses`, oldest first (the order they came in).
pub fn nominations(conn: &mut DbConn, class_id: i64, statuses: &[EnrolmentStatus]) -> StoreResult<Vec<NominationLine>> {
    let codes: Vec<&str> = statuses.iter().map(|s| s.code()).collect();
    let rows: Vec<(Enrolment, String, Date, String, i64, Option<String>)> = enrolments::table
        .inner_join(people::table)
        .left_join(users::table.on(users::id.nullable().eq(enrolments::nominated_by)))
        .filter(enrolments::class_id.eq(class_id))
        .filter(enrolments::status.eq_any(codes))
        .order((enrolments::nominated_at.asc(), enrolments::id.asc()))
        .select((
            Enrolment::as_select(),
            people::full_name,
            people::date_of_birth,
            people::status,
            people::org_unit_id,
            users::display_name.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(enrolment, full_name, date_of_birth, person_status, org_unit_id, nominated_by_name)| NominationLine {
            enrolment,
            full_name,
            date_of_birth,
            person_status,
            org_unit_id,
            nominated_by_name,
        })
        .collect())
}

/// Someone a secretary may send to a class: a candidate or a probationary member of their units.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ToTrain {
    pub id: i64,
    pub full_name: String,
    pub date_of_birth: Date,
    pub status: String,
    pub org_unit_id: i64,
    pub ceremony_date: Option<Date>,
}

/// The candidates and probationary members in scope, in list order.
pub fn to_train(conn: &mut DbConn, scope: &Scope) -> StoreResult<Vec<ToTrain>> {
    let mut q = people::table
        .filter(people::status.eq_any([Status::Candidate.code(), Status::Probationary.code()]))
        .into_boxed();
    if let Scope::Units(ids) = scope {
        q = q.filter(people::org_unit_id.eq_any(ids.clone()));
    }
    Ok(q.order((people::sort_key.asc(), people::id.asc()))
        .select((
            people::id,
            people::full_name,
            people::date_of_birth,
            people::status,
            people::org_unit_id,
            people::ceremony_date,
        ))
        .load(conn)?)
}

/// A nomination as its secretary follows it.
#[derive(Debug, Clone, Serialize)]
pub struct SentNomination {
    pub enrolment: Enrolment,
    pub full_name: String,
    pub org_unit_id: i64,
    pub program_code: String,
    pub ordinal: i32,
    pub year: i32,
}

/// The nominations of the people in scope, newest first (at most `limit`).
pub fn sent_nominations(conn: &mut DbConn, scope: &Scope, limit: i64) -> StoreResult<Vec<SentNomination>> {
    let mut q = enrolments::table
        .inner_join(people::table)
        .inner_join(classes::table.inner_join(programs::table))
        .filter(enrolments::source.eq(SOURCE_NOMINATION))
        .into_boxed();
    if let Scope::Units(ids) = scope {
        q = q.filter(people::org_unit_id.eq_any(ids.clone()));
    }
    let rows: Vec<(Enrolment, String, i64, String, i32, i32)> = q
        .order((enrolments::nominated_at.desc(), enrolments::id.desc()))
        .limit(limit)
        .select((
            Enrolment::as_select(),
            people::full_name,
            people::org_unit_id,
            programs::code,
            classes::ordinal,
            classes::year,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(enrolment, full_name, org_unit_id, program_code, ordinal, year)| SentNomination {
            enrolment,
            full_name,
            org_unit_id,
            program_code,
            ordinal,
            year,
        })
        .collect())
}

/// Enrolled learners per class, for the classes given.
pub fn enrolled_counts(conn: &mut DbConn, class_ids: &[i64]) -> StoreResult<HashMap<i64, usize>> {
    let rows: Vec<(i64, i64)> = enrolments::table
        .filter(enrolments::class_id.eq_any(class_ids))
        .filter(enrolments::status.eq(EnrolmentStatus::Enrolled.code()))
        .group_by(enrolments::class_id)
        .select((enrolments::class_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, n)| (id, n as usize)).collect())
}

/// The people of a class whose enrolment is in one of `statuses`, whole, in list order (for the
/// roster's spreadsheet).
pub fn roster_people(
    conn: &mut DbConn,
    class_id: i64,
    statuses: &[EnrolmentStatus],
) -> StoreResult<Vec<(Enrolment, super::people::Person)>> {
    let codes: Vec<&str> = statuses.iter().map(|s| s.code()).collect();
    Ok(enrolments::table
        .inner_join(people::table)
        .filter(enrolments::class_id.eq(class_id))
        .filter(enrolments::status.eq_any(codes))
        .order((people::sort_key.asc(), people::id.asc()))
        .select((Enrolment::as_select(), super::people::Person::as_select()))
        .load(conn)?)
}
