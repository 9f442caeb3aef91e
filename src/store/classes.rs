//! Classes (lớp/khóa): created from a program, moved forward through their statuses by
//! `advance`, which checks the guards of `domain::class` inside the same transaction. Every
//! change carries the version the editor saw (optimistic locking).

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::{DbConn, StoreError, StoreResult};
use crate::db::schema::{certificates, class_sessions, classes, enrolments, issuers, programs, venues};
use crate::domain::class::{self, Blocker, ClassFacts, ClassStatus};
use crate::domain::dates;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = classes)]
pub struct Class {
    pub id: i64,
    pub program_id: i64,
    pub year: i32,
    pub ordinal: i32,
    pub issuer_id: i64,
    pub co_org_unit_id: Option<i64>,
    pub venue_id: i64,
    pub first_day: Date,
    pub last_day: Date,
    pub capacity: i32,
    pub opening_decision_no: String,
    pub opening_decision_date: Option<Date>,
    pub results_decision_no: String,
    pub results_decision_date: Option<Date>,
    pub signer_delegation: String,
    pub signer_title: String,
    pub signer_name: String,
    pub status: String,
    pub results_locked_at: Option<PrimitiveDateTime>,
    pub results_locked_by: Option<i64>,
    pub version: i32,
}

impl Class {
    pub fn status(&self) -> ClassStatus {
        ClassStatus::parse(&self.status).unwrap_or(ClassStatus::Draft)
    }

    /// "Khóa II năm 2026".
    pub fn short_name(&self) -> String {
        class::short_name(self.ordinal, self.year)
    }
}

/// What staff type for a class; the signer defaults to the issuer's.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClassInput {
    pub program_id: i64,
    pub year: i32,
    pub ordinal: i32,
    pub issuer_id: i64,
    pub co_org_unit_id: Option<i64>,
    pub venue_id: i64,
    pub first_day: Date,
    pub last_day: Date,
    pub capacity: i32,
    pub opening_decision_no: String,
    pub opening_decision_date: Option<Date>,
    pub signer_delegation: String,
    pub signer_title: String,
    pub signer_name: String,
}

/// A class as lists show it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ClassRow {
    pub id: i64,
    pub program_id: i64,
    pub program_code: String,
    pub program_name: String,
    pub year: i32,
    pub ordinal: i32,
    pub status: String,
    pub first_day: Date,
    pub last_day: Date,
    pub capacity: i32,
    pub venue_name: String,
    pub issuer_name: String,
}

impl ClassRow {
    pub fn short_name(&self) -> String {
        class::short_name(self.ordinal, self.year)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ClassFilter {
    pub status: Option<ClassStatus>,
    pub program_id: Option<i64>,
    pub year: Option<i32>,
    /// Only classes with these ids (a lecturer's or learner's classes).
    pub ids: Option<Vec<i64>>,
}

pub fn find(conn: &mut DbConn, id: i64) -> StoreResult<Class> {
    Ok(classes::table.find(id).select(Class::as_select()).get_result(conn)?)
}

/// Classes, newest first (by first day).
pub fn list(conn: &mut DbConn, filter: &ClassFilter) -> StoreResult<Vec<ClassRow>> {
    let mut q = classes::table
        .inner_join(programs::table)
        .inner_join(venues::table)
        .inner_join(issuers::table)
        .select((
            classes::id,
            classes::program_id,
            programs::code,
            programs::name,
            classes::year,
            classes::ordinal,
            classes::status,
            classes::first_day,
            classes::last_day,
            classes::capacity,
            venues::name,
            issuers::name,
        ))
        .into_boxed();
    if let Some(status) = filter.status {
        q = q.filter(classes::status.eq(status.code()));
    }
    if let Some(program) = filter.program_id {
        q = q.filter(classes::program_id.eq(program));
    }
    if let Some(year) = filter.year {
        q = q.filter(classes::year.eq(year));
    }
    if let Some(ids) = &filter.ids {
        q = q.filter(classes::id.eq_any(ids.clone()));
    }
    Ok(q.order((classes::first_day.desc(), classes::id.desc())).load(conn)?)
}

/// The ordinal the next class of this program, issuer and year would take.
pub fn next_ordinal(conn: &mut DbConn, program_id: i64, issuer_id: i64, year: i32) -> StoreResult<i32> {
    let max: Option<i32> = classes::table
        .filter(classes::program_id.eq(program_id))
        .filter(classes::issuer_id.eq(issuer_id))
        .filter(classes::year.eq(year))
        .select(diesel::dsl::max(classes::ordinal))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: &ClassInput) -> StoreResult<i64> {
    super::write_tx(conn, |conn| {
        let now = dates::now();
        let id: i64 = diesel::insert_into(classes::table)
            .values((
                values(input),
                classes::status.eq(ClassStatus::Draft.code()),
                classes::created_at.eq(now),
                classes::updated_at.eq(now),
            ))
            .returning(classes::id)
            .get_result(conn)
            .map_err(|e| super::venues::unique_as(e, "class.error.ordinal_taken"))?;
        audit::record(conn, actor, "class", Some(id), "create", None::<&()>, Some(input))?;
        Ok(id)
    })
}

#[allow(clippy::type_complexity)]
fn values(
    input: &ClassInput,
) -> (
    (
        diesel::dsl::Eq<classes::program_id, i64>,
        diesel::dsl::Eq<classes::year, i32>,
        diesel::dsl::Eq<classes::ordinal, i32>,
        diesel::dsl::Eq<classes::issuer_id, i64>,
        diesel::dsl::Eq<classes::co_org_unit_id, Option<i64>>,
        diesel::dsl::Eq<classes::venue_id, i64>,
        diesel::dsl::Eq<classes::first_day, Date>,
    ),
    (
        diesel::dsl::Eq<classes::last_day, Date>,
        diesel::dsl::Eq<classes::capacity, i32>,
        diesel::dsl::Eq<classes::opening_decision_no, String>,
        diesel::dsl::Eq<classes::opening_decision_date, Option<Date>>,
        diesel::dsl::Eq<classes::signer_delegation, String>,
        diesel::dsl::Eq<classes::signer_title, String>,
        diesel::dsl::Eq<classes::signer_name, String>,
    ),
) {
    (
        (
            classes::program_id.eq(input.program_id),
            classes::year.eq(input.year),
            classes::ordinal.eq(input.ordinal),
            classes::issuer_id.eq(input.issuer_id),
            classes::co_org_unit_id.eq(input.co_org_unit_id),
            classes::venue_id.eq(input.venue_id),
            classes::first_day.eq(input.first_day),
        ),
        (
            classes::last_day.eq(input.last_day),
            classes::capacity.eq(input.capacity),
            classes::opening_decision_no.eq(input.opening_decision_no.clone()),
            classes::opening_decision_date.eq(input.opening_decision_date),
            classes::signer_delegation.eq(input.signer_delegation.clone()),
            classes::signer_title.eq(input.signer_title.clone()),
            classes::signer_name.eq(input.signer_name.clone()),
        ),
    )
}

/// Saves a class's details if nobody saved it since `version` (else Conflict
/// "class.error.changed"). The program cannot change once people are nominated to it.
pub fn update(conn: &mut DbConn, actor: &Actor, id: i64, version: i32, input: &ClassInput) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = find(conn, id)?;
        if before.program_id != input.program_id && before.status() != ClassStatus::Draft {
            return Err(StoreError::Conflict("class.error.program_fixed"));
        }
        let updated = diesel::update(classes::table.filter(classes::id.eq(id)).filter(classes::version.eq(version)))
            .set((values(input), classes::version.eq(version + 1), classes::updated_at.eq(dates::now())))
            .execute(conn)
            .map_err(|e| super::venues::unique_as(e, "class.error.ordinal_taken"))?;
        if updated == 0 {
            return Err(StoreError::Conflict("class.error.changed"));
        }
        audit::record(conn, actor, "class", Some(id), "update", Some(&before), Some(input))
    })
}

/// Enrolment statuses that hold a place in the class.
pub const ENROLLED: &str = "enrolled";
pub const NOMINATED: &str = "nominated";

/// The facts the status guards need that the classes and sessions tables hold. Later steps
/// (results, certificates) fill in their own facts before calling `advance`.
pub fn facts(conn: &mut DbConn, id: i64) -> StoreResult<ClassFacts> {
    type Uses = (Option<i64>, Option<i64>, Option<i64>, PrimitiveDateTime);
    let sessions: Vec<Uses> = class_sessions::table
        .filter(class_sessions::class_id.eq(id))
        .select((
            class_sessions::room_id,
            class_sessions::lecturer_user_id,
            class_sessions::guest_speaker_id,
            class_sessions::ends_at,
        ))
        .load(conn)?;
    let counts: Vec<(String, i64)> = enrolments::table
        .filter(enrolments::class_id.eq(id))
        .group_by(enrolments::status)
        .select((enrolments::status, diesel::dsl::count_star()))
        .load(conn)?;
    let count = |status: &str| counts.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n as usize);
    let class = find(conn, id)?;
    Ok(ClassFacts {
        sessions: sessions.len(),
        sessions_without_room: sessions.iter().filter(|s| s.0.is_none()).count(),
        sessions_without_teacher: sessions.iter().filter(|s| s.1.is_none() && s.2.is_none()).count(),
        last_session_ends: sessions.iter().map(|s| s.3).max(),
        enrolled: count(ENROLLED),
        undecided_nominations: count(NOMINATED),
        opening_decision: !class.opening_decision_no.trim().is_empty() && class.opening_decision_date.is_some(),
        results_decision: !class.results_decision_no.trim().is_empty() && class.results_decision_date.is_some(),
        ..Default::default()
    })
}

/// Moves a class to its next status if the guards allow, in one transaction. `add_facts` lets
/// the caller complete the facts (results, certificates) with the same connection. Returns the
/// new status, or the blockers (then nothing changed).
pub fn advance(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i32,
    now: PrimitiveDateTime,
    add_facts: impl FnOnce(&mut DbConn, &Class, &mut ClassFacts) -> StoreResult<()>,
) -> StoreResult<Result<ClassStatus, Vec<Blocker>>> {
    super::write_tx(conn, |conn| {
        let class = find(conn, id)?;
        if class.version != version {
            return Err(StoreError::Conflict("class.error.changed"));
        }
        let from = class.status();
        let Some(to) = from.next() else {
            return Err(StoreError::Conflict("class.error.closed"));
        };
        let mut facts = facts(conn, id)?;
        add_facts(conn, &class, &mut facts)?;
        let blockers = class::blockers(from, &facts, now);
        if !blockers.is_empty() {
            return Ok(Err(blockers));
        }
        diesel::update(classes::table.filter(classes::id.eq(id)).filter(classes::version.eq(version)))
            .set((
                classes::status.eq(to.code()),
                classes::version.eq(version + 1),
                classes::updated_at.eq(dates::now()),
            ))
            .execute(conn)?;
        if to == ClassStatus::Locked {
            // However the results were locked, the class says when and by whom.
            diesel::update(classes::table.find(id))
                .set((classes::results_locked_at.eq(Some(dates::now())), classes::results_locked_by.eq(actor.user_id)))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            "class",
            Some(id),
            "advance",
            Some(&serde_json::json!({ "status": from.code() })),
            Some(&serde_json::json!({ "status": to.code() })),
        )?;
        Ok(Ok(to))
    })
}

/// The facts of the later steps that the assessments and certificates tables hold: enrolled
/// learners without a final result (eligible, and no attempt recorded), and passing learners
/// without a valid certificate. Pass it to `advance` as `add_facts`.
pub fn result_facts(conn: &mut DbConn, class: &Class, facts: &mut ClassFacts) -> StoreResult<()> {
    use crate::domain::results::FinalResult;
    let results = super::results::final_results(conn, class.id)?;
    let certified: Vec<i64> = certificates::table
        .filter(certificates::class_id.eq(class.id))
        .filter(certificates::status.eq("valid"))
        .select(certificates::enrolment_id)
        .load(conn)?;
    let missing = results.values().filter(|r| **r == FinalResult::Pending).count();
    let uncertified = results.iter().filter(|(id, r)| r.passed() && !certified.contains(id)).count();
    facts.results_missing = missing;
    facts.certificates_missing = uncertified;
    Ok(())
}

/// Records the decision recognising the results (quyết định công nhận kết quả), which locking
/// the results needs.
pub fn set_results_decision(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i32,
    number: &str,
    date: Option<Date>,
) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = find(conn, id)?;
        let updated = diesel::update(classes::table.filter(classes::id.eq(id)).filter(classes::version.eq(version)))
            .set((
                classes::results_decision_no.eq(number),
                classes::results_decision_date.eq(date),
                classes::version.eq(version + 1),
                classes::updated_at.eq(dates::now()),
            ))
            .execute(conn)?;
        if updated == 0 {
            return Err(StoreError::Conflict("class.error.changed"));
        }
        audit::record(
            conn,
            actor,
            "class",
            Some(id),
            "results_decision",
            Some(&serde_json::json!({ "no": before.results_decision_no, "date": before.results_decision_date })),
            Some(&serde_json::json!({ "no": number, "date": date })),
        )
    })
}

/// Sets a status without the guards: only for loading past classes (the demo school, an import
/// of earlier years), where the history is recorded rather than lived. Audited.
pub fn restore_status(conn: &mut DbConn, actor: &Actor, id: i64, status: ClassStatus) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = find(conn, id)?;
        diesel::update(classes::table.find(id))
            .set((
                classes::status.eq(status.code()),
                classes::version.eq(before.version + 1),
                classes::updated_at.eq(dates::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            "class",
            Some(id),
            "restore_status",
            Some(&serde_json::json!({ "status": before.status })),
            Some(&serde_json::json!({ "status": status.code() })),
        )
    })
}

/// Learners enrolled in each of these classes (classes without any are left out).
pub fn enrolled_counts(conn: &mut DbConn, class_ids: &[i64]) -> StoreResult<std::collections::HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = enrolments::table
        .filter(enrolments::class_id.eq_any(class_ids))
        .filter(enrolments::status.eq(ENROLLED))
        .group_by(enrolments::class_id)
        .select((enrolments::class_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
