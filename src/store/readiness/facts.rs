//! The facts of people a dossier is judged on: the person, their items, certificates and enrolments.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::db::schema::{
    certificates, classes, enrolments, holidays, org_units, people, programs, readiness_items, users,
};
use crate::domain::certificate::CertificateStatus;
use crate::domain::class::ClassStatus;
use crate::domain::course_stage::EnrolmentFact;
use crate::domain::person::Status;
use crate::domain::probation::{self, ProbationState};
use crate::domain::readiness::{CertificateFact, Facts, Item, ItemStatus, PathKind};
use crate::store::{DbConn, Scope, StoreError, StoreResult};

use super::{PROGRAM_AWARENESS, PROGRAM_NEW_MEMBER};

/// The person's fields the dossier needs, with their unit's.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = people)]
pub struct DossierPerson {
    pub id: i64,
    pub full_name: String,
    pub date_of_birth: Date,
    pub status: String,
    pub org_unit_id: i64,
    pub youth_union_member: bool,
    pub planned_meeting_on: Option<Date>,
    pub introduced_by: Option<String>,
    pub admission_decision_date: Option<Date>,
    pub ceremony_date: Option<Date>,
    #[diesel(select_expression = org_units::has_youth_union)]
    pub unit_has_youth_union: bool,
    #[diesel(select_expression = org_units::has_trade_union)]
    pub unit_has_trade_union: bool,
}

impl DossierPerson {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Candidate)
    }
    pub(super) fn facts(&self) -> Facts {
        Facts {
            status: self.status(),
            date_of_birth: self.date_of_birth,
            youth_union_member: self.youth_union_member,
            unit_has_youth_union: self.unit_has_youth_union,
            unit_has_trade_union: self.unit_has_trade_union,
            planned_meeting_on: self.planned_meeting_on,
            admission_decision_date: self.admission_decision_date,
            ceremony_date: self.ceremony_date,
        }
    }
    pub fn path(&self) -> PathKind {
        PathKind::for_status(self.status())
    }
}

/// One person in scope, or NotFound.
pub fn dossier_person(conn: &mut DbConn, scope: &Scope, person_id: i64) -> StoreResult<DossierPerson> {
    let person: DossierPerson = people::table
        .inner_join(org_units::table)
        .filter(people::id.eq(person_id))
        .select(DossierPerson::as_select())
        .first(conn)?;
    if scope.allows(person.org_unit_id) { Ok(person) } else { Err(StoreError::NotFound) }
}

/// How many ids one query binds: well under the backends' limits on parameters.
pub(super) const IDS_PER_QUERY: usize = 5_000;

/// Runs `load` over the ids in chunks and gathers the rows.
pub(super) fn chunked<T>(
    conn: &mut DbConn,
    ids: &[i64],
    mut load: impl FnMut(&mut DbConn, &[i64]) -> StoreResult<Vec<T>>,
) -> StoreResult<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        out.extend(load(conn, chunk)?);
    }
    Ok(out)
}

type ItemRow = (i64, i64, String, Option<Date>, Option<String>, Option<String>, String, PrimitiveDateTime, i32);

/// Items recorded for these people, with the name of who confirmed each.
pub(super) fn items_of(conn: &mut DbConn, person_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<Item>>> {
    let rows: Vec<ItemRow> = chunked(conn, person_ids, |conn, person_ids| {
        let q = readiness_items::table.inner_join(users::table.on(users::id.eq(readiness_items::confirmed_by)));
        Ok(crate::store::one_or_any!(q, readiness_items::person_id, person_ids)
            .select((
                readiness_items::person_id,
                readiness_items::step_id,
                readiness_items::status,
                readiness_items::done_on,
                readiness_items::reference,
                readiness_items::note,
                users::display_name,
                readiness_items::confirmed_at,
                readiness_items::version,
            ))
            .load(conn)?)
    })?;
    let mut out: HashMap<i64, Vec<Item>> = HashMap::new();
    for (person_id, step_id, status, done_on, reference, note, by, at, version) in rows {
        let Some(status) = ItemStatus::parse(&status) else { continue };
        out.entry(person_id).or_default().push(Item {
            step_id,
            status,
            done_on,
            reference,
            note,
            confirmed_by: Some(by),
            confirmed_at: Some(at),
            version,
        });
    }
    Ok(out)
}

type CertificateRow = (i64, String, i32, i32, Date, Option<Date>, String);

/// The certificates of these people, with their program's code.
pub(super) fn certificates_of(
    conn: &mut DbConn,
    person_ids: &[i64],
) -> StoreResult<HashMap<i64, Vec<CertificateFact>>> {
    let rows: Vec<CertificateRow> = chunked(conn, person_ids, |conn, person_ids| {
        let q = certificates::table.inner_join(programs::table.on(programs::id.eq(certificates::program_id)));
        Ok(crate::store::one_or_any!(q, certificates::person_id, person_ids)
            .select((
                certificates::person_id,
                programs::code,
                certificates::year,
                certificates::number,
                certificates::issued_on,
                certificates::expires_on,
                certificates::status,
            ))
            .load(conn)?)
    })?;
    let mut out: HashMap<i64, Vec<CertificateFact>> = HashMap::new();
    for (person_id, program_code, year, number, issued_on, expires_on, status) in rows {
        out.entry(person_id).or_default().push(CertificateFact {
            program_code,
            year,
            number,
            issued_on,
            expires_on,
            status: CertificateStatus::parse(&status).unwrap_or(CertificateStatus::Revoked),
        });
    }
    Ok(out)
}

pub(super) fn enrolments_of(conn: &mut DbConn, person_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<EnrolmentFact>>> {
    let rows: Vec<(i64, String, String, String)> = chunked(conn, person_ids, |conn, person_ids| {
        let q = enrolments::table
            .inner_join(classes::table)
            .inner_join(programs::table.on(programs::id.eq(classes::program_id)));
        Ok(crate::store::one_or_any!(q, enrolments::person_id, person_ids)
            .select((enrolments::person_id, programs::code, enrolments::status, classes::status))
            .load(conn)?)
    })?;
    let mut out: HashMap<i64, Vec<EnrolmentFact>> = HashMap::new();
    for (person_id, program_code, status, class_status) in rows {
        let finished = matches!(ClassStatus::parse(&class_status), Some(ClassStatus::Locked | ClassStatus::Closed));
        out.entry(person_id).or_default().push(EnrolmentFact { program_code, status, class_finished: finished });
    }
    Ok(out)
}

pub(super) fn holidays_from(conn: &mut DbConn, from: Date) -> StoreResult<Vec<Date>> {
    Ok(holidays::table.filter(holidays::day.ge(from)).select(holidays::day).load(conn)?)
}

pub(super) fn program_of(path: PathKind) -> &'static str {
    match path {
        PathKind::Admission => PROGRAM_AWARENESS,
        PathKind::Recognition => PROGRAM_NEW_MEMBER,
    }
}

pub(super) fn has_valid(certificates: &[CertificateFact], program: &str) -> bool {
    certificates.iter().any(|c| c.program_code == program && c.status == CertificateStatus::Valid)
}

pub(super) fn probation_of(
    person: &DossierPerson,
    certificates: &[CertificateFact],
    holidays: &[Date],
    today: Date,
) -> Option<ProbationState> {
    let ceremony = person.ceremony_date.filter(|_| person.status() == Status::Probationary)?;
    let dates = probation::dates(ceremony, holidays);
    Some(probation::state(dates, today, has_valid(certificates, PROGRAM_NEW_MEMBER)))
}
