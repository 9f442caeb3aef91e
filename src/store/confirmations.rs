//! The chi bộ's confirmation of completion (xác nhận hoàn thành): for a learner who holds a valid
//! certificate, their secretary confirms that the chi bộ has received it, with an optional
//! note; the confirmation can be withdrawn with a reason. Both are logged. Kept on the
//! enrolment (`confirmed_by`, `confirmed_at`, `confirmation_note`). A secretary reaches only
//! their own units' people: another's enrolment is NotFound, as is one without a valid
//! certificate.

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::{DbConn, Scope, StoreError, StoreResult};
use crate::db::schema::{certificates, classes, enrolments, people, programs, users};
use crate::domain::certificate::{CertificateStatus, register_number};
use crate::domain::class as class_names;

/// One learner with a valid certificate, and whether their chi bộ confirmed it.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub enrolment_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub org_unit_id: i64,
    pub class_id: i64,
    /// "Khóa II năm 2026".
    pub class_short: String,
    pub program_name: String,
    pub certificate_id: i64,
    /// "07/2026".
    pub register_number: String,
    pub issued_on: Date,
    pub confirmed_at: Option<PrimitiveDateTime>,
    pub confirmed_by: Option<String>,
    pub note: Option<String>,
}

impl Line {
    pub fn confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }
}

type Row = (
    i64,
    i64,
    String,
    i64,
    i64,
    i32,
    i32,
    String,
    i64,
    i32,
    i32,
    Date,
    Option<PrimitiveDateTime>,
    Option<String>,
    Option<String>,
);

fn lines(conn: &mut DbConn, scope: &Scope, class_id: Option<i64>) -> StoreResult<Vec<Line>> {
    let mut q = enrolments::table
        .inner_join(people::table)
        .inner_join(classes::table)
        .inner_join(certificates::table.on(certificates::enrolment_id.eq(enrolments::id)))
        .inner_join(programs::table.on(programs::id.eq(classes::program_id)))
        .left_join(users::table.on(users::id.nullable().eq(enrolments::confirmed_by)))
        .filter(certificates::status.eq(CertificateStatus::Valid.code()))
        .select((
            enrolments::id,
            people::id,
            people::full_name,
            people::org_unit_id,
            classes::id,
            classes::ordinal,
            classes::year,
            programs::name,
            certificates::id,
            certificates::year,
            certificates::number,
            certificates::issued_on,
            enrolments::confirmed_at,
            users::display_name.nullable(),
            enrolments::confirmation_note,
        ))
        .into_boxed();
    if let Scope::Units(ids) = scope {
        q = q.filter(people::org_unit_id.eq_any(ids.clone()));
    }
    if let Some(id) = class_id {
        q = q.filter(classes::id.eq(id));
    }
    let rows: Vec<Row> = q.order((classes::last_day.desc(), classes::id.desc(), people::sort_key.asc())).load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                enrolment_id,
                person_id,
                full_name,
                org_unit_id,
                class_id,
                ordinal,
                year,
                program_name,
                certificate_id,
                cert_year,
                number,
                issued_on,
                confirmed_at,
                confirmed_by,
                note,
            )| Line {
                enrolment_id,
                person_id,
                full_name,
                org_unit_id,
                class_id,
                class_short: class_names::short_name(ordinal, year),
                program_name,
                certificate_id,
                register_number: register_number(number, cert_year),
                issued_on,
                confirmed_at,
                confirmed_by,
                note,
            },
        )
        .collect())
}

/// The learners in scope holding a valid certificate, newest class first, in list order.
pub fn of_scope(conn: &mut DbConn, scope: &Scope) -> StoreResult<Vec<Line>> {
    lines(conn, scope, None)
}

/// A class's learners holding a valid certificate, in list order.
pub fn of_class(conn: &mut DbConn, class_id: i64) -> StoreResult<Vec<Line>> {
    lines(conn, &Scope::All, Some(class_id))
}

/// The enrolment if the scope covers its person and it has a valid certificate.
fn confirmable(conn: &mut DbConn, scope: &Scope, enrolment_id: i64) -> StoreResult<super::enrolments::Enrolment> {
    let enrolment = super::enrolments::find(conn, scope, enrolment_id)?;
    let valid: i64 = certificates::table
        .filter(certificates::enrolment_id.eq(enrolment_id))
        .filter(certificates::status.eq(CertificateStatus::Valid.code()))
        .count()
        .get_result(conn)?;
    if valid == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(enrolment)
}

#[derive(Serialize)]
struct Confirmation<'a> {
    confirmed_by: Option<i64>,
    confirmed_at: Option<PrimitiveDateTime>,
    note: Option<&'a str>,
}

/// Confirms that the chi bộ received the certificate. Already confirmed:
/// Conflict("confirmation.error.already").
pub fn confirm(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    enrolment_id: i64,
    note: Option<&str>,
    now: PrimitiveDateTime,
) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let enrolment = confirmable(conn, scope, enrolment_id)?;
        if enrolment.confirmed_at.is_some() {
            return Err(StoreError::Conflict("confirmation.error.already"));
        }
        diesel::update(enrolments::table.find(enrolment_id))
            .set((
                enrolments::confirmed_by.eq(actor.user_id),
                enrolments::confirmed_at.eq(now),
                enrolments::confirmation_note.eq(note),
                enrolments::version.eq(enrolments::version + 1),
                enrolments::updated_at.eq(now),
            ))
            .execute(conn)?;
        let after = Confirmation { confirmed_by: actor.user_id, confirmed_at: Some(now), note };
        audit::record(conn, actor, "enrolment", Some(enrolment_id), "confirm_completion", None::<&()>, Some(&after))
    })
}

/// Withdraws a confirmation, with the reason (required; the caller checks it is not empty).
/// Not confirmed: Conflict("confirmation.error.not_confirmed").
pub fn withdraw(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    enrolment_id: i64,
    reason: &str,
    now: PrimitiveDateTime,
) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let enrolment = confirmable(conn, scope, enrolment_id)?;
        if enrolment.confirmed_at.is_none() {
            return Err(StoreError::Conflict("confirmation.error.not_confirmed"));
        }
        diesel::update(enrolments::table.find(enrolment_id))
            .set((
                enrolments::confirmed_by.eq(None::<i64>),
                enrolments::confirmed_at.eq(None::<PrimitiveDateTime>),
                enrolments::confirmation_note.eq(None::<String>),
                enrolments::version.eq(enrolments::version + 1),
                enrolments::updated_at.eq(now),
            ))
            .execute(conn)?;
        let before = Confirmation {
            confirmed_by: enrolment.confirmed_by,
            confirmed_at: enrolment.confirmed_at,
            note: enrolment.confirmation_note.as_deref(),
        };
        audit::record_with_reason(
            conn,
            actor,
            "enrolment",
            Some(enrolment_id),
            "withdraw_confirmation",
            Some(&before),
            None::<&()>,
            Some(reason),
        )
    })
}
