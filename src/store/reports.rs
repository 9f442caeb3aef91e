//! The figures of the reports (báo cáo): per class (enrolled, attendance, eligible, results by
//! band, certificates issued and emailed, confirmations by the chi bộ), readiness for admission
//! across the province, admissions against each party organisation's target for the term, and
//! the list of issued certificates for the Party member database. Counts are read with a few
//! grouped queries over the whole selection, never one query per person; a class's eligibility
//! and results need its program's rules and so are read per class (a handful of queries each).

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, Duration};

use super::audit::{self, Actor};
use super::orgs::UnitTree;
use super::{DbConn, StoreError, StoreResult};
use crate::db::schema::{
    admission_targets, certificates, classes, enrolments, issuers, org_units, outbox, people, programs,
};
use crate::domain::attendance as attendance_rules;
use crate::domain::certificate::CertificateStatus;
use crate::domain::class as class_names;
use crate::domain::enrolment::{AWARENESS_PROGRAM, EnrolmentStatus};
use crate::domain::person::Status;
use crate::domain::report;
use crate::domain::results::{FinalResult, band_counts};

/// What a class report covers. Every part is optional; `units` is a party unit's subtree (the
/// learners' chi bộ must be in it).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub program_id: Option<i64>,
    pub class_id: Option<i64>,
    /// Classes whose last day falls in the period (the day results are known).
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub units: Option<Vec<i64>>,
}

/// One class's figures, for the learners the filter covers.
#[derive(Debug, Clone, Serialize)]
pub struct ClassFigures {
    pub class_id: i64,
    pub program_code: String,
    pub program_name: String,
    /// "Khóa II năm 2026".
    pub short_name: String,
    pub first_day: Date,
    pub last_day: Date,
    pub enrolled: i64,
    /// Sessions that counted for the learners, added up, and those they attended.
    pub sessions_due: i64,
    pub sessions_attended: i64,
    pub eligible: i64,
    /// Excellent, good, fair, average, fail (as `domain::results::band_counts`).
    pub bands: [i64; 5],
    pub passed: i64,
    pub certificates: i64,
    pub emailed: i64,
    pub confirmed: i64,
    /// Learners per `domain::report::ATTENDANCE_BUCKETS`.
    pub attendance_buckets: [i64; 4],
}

/// The figures of every class the filter covers, oldest first.
pub fn class_figures(conn: &mut DbConn, filter: &Filter) -> StoreResult<Vec<ClassFigures>> {
    let mut q = classes::table
        .inner_join(programs::table)
        .select((
            classes::id,
            programs::code,
            programs::name,
            classes::ordinal,
            classes::year,
            classes::first_day,
            classes::last_day,
        ))
        .into_boxed();
    if let Some(p) = filter.program_id {
        q = q.filter(classes::program_id.eq(p));
    }
    if let Some(c) = filter.class_id {
        q = q.filter(classes::id.eq(c));
    }
    if let Some(from) = filter.from {
        q = q.filter(classes::last_day.ge(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(classes::last_day.le(to));
    }
    type ClassHead = (i64, String, String, i32, i32, Date, Date);
    let heads: Vec<ClassHead> = q.order((classes::last_day.asc(), classes::id.asc())).load(conn)?;
    let class_ids: Vec<i64> = heads.iter().map(|h| h.0).collect();

    // Every enrolled learner of these classes the filter covers, with the confirmation.
    let mut learners = enrolments::table
        .inner_join(people::table)
        .filter(enrolments::class_id.eq_any(&class_ids))
        .filter(enrolments::status.eq(EnrolmentStatus::Enrolled.code()))
        .select((enrolments::id, enrolments::class_id, enrolments::confirmed_at.is_not_null()))
        .into_boxed();
    if let Some(units) = &filter.units {
        learners = learners.filter(people::org_unit_id.eq_any(units.clone()));
    }
    let learners: Vec<(i64, i64, bool)> = learners.load(conn)?;
    let enrolment_ids: Vec<i64> = learners.iter().map(|l| l.0).collect();

    // Their valid certificates, and which of them the learner's email went out for.
    let valid: Vec<(i64, i64)> = certificates::table
        .filter(certificates::enrolment_id.eq_any(&enrolment_ids))
        .filter(certificates::status.eq(CertificateStatus::Valid.code()))
        .select((certificates::id, certificates::enrolment_id))
        .load(conn)?;
    let keys: Vec<String> = valid.iter().map(|(id, _)| format!("certificate-issued:{id}")).collect();
    let sent: HashSet<String> = outbox::table
        .filter(outbox::message_key.eq_any(&keys))
        .filter(outbox::status.eq(super::outbox::SENT))
        .select(outbox::message_key)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let certified: HashMap<i64, bool> =
        valid.iter().map(|(id, enrolment)| (*enrolment, sent.contains(&format!("certificate-issued:{id}")))).collect();

    let mut out = Vec::with_capacity(heads.len());
    for (class_id, program_code, program_name, ordinal, year, first_day, last_day) in heads {
        let mine: Vec<&(i64, i64, bool)> = learners.iter().filter(|l| l.1 == class_id).collect();
        if mine.is_empty() && filter.units.is_some() {
            continue;
        }
        let program_id: i64 = classes::table.find(class_id).select(classes::program_id).first(conn)?;
        let rules = super::programs::find(conn, program_id)?.rules();
        let tallies = super::attendance::tallies(conn, class_id)?;
        let results = super::results::final_results(conn, class_id)?;
        let mut f = ClassFigures {
            class_id,
            program_code,
            program_name,
            short_name: class_names::short_name(ordinal, year),
            first_day,
            last_day,
            enrolled: mine.len() as i64,
            sessions_due: 0,
            sessions_attended: 0,
            eligible: 0,
            bands: [0; 5],
            passed: 0,
            certificates: 0,
            emailed: 0,
            confirmed: 0,
            attendance_buckets: [0; 4],
        };
        let mut finals: Vec<FinalResult> = Vec::with_capacity(mine.len());
        for (enrolment, _, confirmed) in mine {
            let tally = tallies.get(enrolment).copied().unwrap_or_default();
            f.sessions_due += i64::from(tally.sessions);
            f.sessions_attended += i64::from(tally.attended());
            f.attendance_buckets[report::attendance_bucket(tally.attended(), tally.sessions)] += 1;
            if attendance_rules::eligibility(&tally, &rules).may_write() {
                f.eligible += 1;
            }
            let result = results.get(enrolment).copied().unwrap_or(FinalResult::Pending);
            f.passed += i64::from(result.passed());
            finals.push(result);
            if let Some(emailed) = certified.get(enrolment) {
                f.certificates += 1;
                f.emailed += i64::from(*emailed);
                f.confirmed += i64::from(*confirmed);
            }
        }
        for (slot, (_, n)) in f.bands.iter_mut().zip(band_counts(&finals)) {
            *slot = n as i64;
        }
        out.push(f);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Readiness across the province

/// Per chi bộ: candidates not yet admitted with a valid awareness certificate, and how many of
/// those certificates stop being valid in the next 90 days.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReadinessCount {
    pub org_unit_id: i64,
    pub ready: i64,
    pub expiring: i64,
}

/// A candidate whose awareness certificate expires soon.
#[derive(Debug, Clone, Serialize)]
pub struct Expiring {
    pub person_id: i64,
    pub full_name: String,
    pub org_unit_id: i64,
    /// The first day the certificate is no longer valid.
    pub expires_on: Date,
}

/// How far ahead "expiring soon" looks.
pub const EXPIRY_WINDOW_DAYS: i64 = 90;

/// The readiness counts per chi bộ (only units with someone ready) and the soon-expiring list.
pub fn readiness(conn: &mut DbConn, today: Date) -> StoreResult<(Vec<ReadinessCount>, Vec<Expiring>)> {
    let awareness: Vec<i64> =
        programs::table.filter(programs::code.eq(AWARENESS_PROGRAM)).select(programs::id).load(conn)?;
    // Candidates not yet admitted holding a valid awareness certificate (no expiry, or later).
    macro_rules! ready_candidates {
        () => {
            certificates::table
                .inner_join(people::table)
                .filter(people::status.eq(Status::Candidate.code()))
                .filter(people::admission_decision_date.is_null())
                .filter(certificates::status.eq(CertificateStatus::Valid.code()))
                .filter(certificates::program_id.eq_any(&awareness))
                .filter(certificates::expires_on.is_null().or(certificates::expires_on.gt(today)))
        };
    }
    // Distinct people (one may hold two valid awareness certificates), counted per unit.
    let holders: Vec<(i64, i64)> =
        ready_candidates!().select((people::org_unit_id, people::id)).distinct().load(conn)?;
    let mut ready: HashMap<i64, i64> = HashMap::new();
    for (unit, _) in holders {
        *ready.entry(unit).or_default() += 1;
    }
    let horizon = today + Duration::days(EXPIRY_WINDOW_DAYS);
    let expiring: Vec<Expiring> = ready_candidates!()
        .filter(certificates::expires_on.le(horizon))
        .order((certificates::expires_on.asc(), people::sort_key.asc()))
        .select((people::id, people::full_name, people::org_unit_id, certificates::expires_on.assume_not_null()))
        .load::<(i64, String, i64, Date)>(conn)?
        .into_iter()
        .map(|(person_id, full_name, org_unit_id, expires_on)| Expiring {
            person_id,
            full_name,
            org_unit_id,
            expires_on,
        })
        .collect();
    let mut counts: Vec<ReadinessCount> = ready
        .into_iter()
        .map(|(org_unit_id, ready)| ReadinessCount {
            org_unit_id,
            ready,
            expiring: expiring
                .iter()
                .filter(|e| e.org_unit_id == org_unit_id)
                .map(|e| e.person_id)
                .collect::<HashSet<_>>()
                .len() as i64,
        })
        .collect();
    counts.sort_by_key(|c| c.org_unit_id);
    Ok((counts, expiring))
}

// ---------------------------------------------------------------------------------------------
// Admissions against the targets of the term

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq, Eq)]
#[diesel(table_name = admission_targets)]
pub struct Target {
    pub id: i64,
    pub org_unit_id: i64,
    pub term_start: Date,
    pub term_end: Date,
    pub target: i32,
}

/// A target as typed (new or changed).
#[derive(Debug, Clone, Serialize)]
pub struct TargetInput {
    pub org_unit_id: i64,
    pub term_start: Date,
    pub term_end: Date,
    pub target: i32,
}

/// Every target, by term (newest first) then unit.
pub fn targets(conn: &mut DbConn) -> StoreResult<Vec<Target>> {
    Ok(admission_targets::table
        .order((admission_targets::term_start.desc(), admission_targets::org_unit_id.asc()))
        .select(Target::as_select())
        .load(conn)?)
}

pub fn find_target(conn: &mut DbConn, id: i64) -> StoreResult<Target> {
    Ok(admission_targets::table.find(id).select(Target::as_select()).first(conn)?)
}

/// Creates (id None) or changes a target, logged. A second target for the same unit and term
/// start is a Conflict("report.target.error.duplicate"); an unknown unit NotFound.
pub fn save_target(conn: &mut DbConn, actor: &Actor, id: Option<i64>, input: &TargetInput) -> StoreResult<i64> {
    super::write_tx(conn, |conn| {
        org_units::table.find(input.org_unit_id).select(org_units::id).first::<i64>(conn)?;
        let clash: Option<i64> = admission_targets::table
            .filter(admission_targets::org_unit_id.eq(input.org_unit_id))
            .filter(admission_targets::term_start.eq(input.term_start))
            .filter(admission_targets::id.ne(id.unwrap_or(-1)))
            .select(admission_targets::id)
            .first(conn)
            .optional()?;
        if clash.is_some() {
            return Err(StoreError::Conflict("report.target.error.duplicate"));
        }
        let values = (
            admission_targets::org_unit_id.eq(input.org_unit_id),
            admission_targets::term_start.eq(input.term_start),
            admission_targets::term_end.eq(input.term_end),
            admission_targets::target.eq(input.target),
        );
        match id {
            None => {
                let new_id: i64 = diesel::insert_into(admission_targets::table)
                    .values(values)
                    .returning(admission_targets::id)
                    .get_result(conn)?;
                audit::record(conn, actor, "admission_target", Some(new_id), "create", None::<&()>, Some(input))?;
                Ok(new_id)
            }
            Some(id) => {
                let before = find_target(conn, id)?;
                diesel::update(admission_targets::table.find(id)).set(values).execute(conn)?;
                audit::record(conn, actor, "admission_target", Some(id), "update", Some(&before), Some(input))?;
                Ok(id)
            }
        }
    })
}

/// The terms targets were set for (start, end), newest first.
pub fn terms(conn: &mut DbConn) -> StoreResult<Vec<(Date, Date)>> {
    Ok(admission_targets::table
        .select((admission_targets::term_start, admission_targets::term_end))
        .distinct()
        .order(admission_targets::term_start.desc())
        .load(conn)?)
}

/// One party organisation's admissions in the term.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Admissions {
    pub target_id: i64,
    pub org_unit_id: i64,
    pub target: i64,
    /// People whose admission decision is dated in the term, in the unit's subtree.
    pub admitted: i64,
    /// Of them, those the Youth Union introduced.
    pub by_youth_union: i64,
}

/// The admissions of each organisation with a target for the term starting on `term_start`,
/// in tree order. One grouped count of the admitted per unit, added up over each subtree.
pub fn admissions(conn: &mut DbConn, term_start: Date) -> StoreResult<Vec<Admissions>> {
    let list: Vec<Target> = admission_targets::table
        .filter(admission_targets::term_start.eq(term_start))
        .select(Target::as_select())
        .load(conn)?;
    let Some(term_end) = list.iter().map(|t| t.term_end).max() else { return Ok(Vec::new()) };
    let counts: Vec<(i64, Option<String>, i64)> = people::table
        .filter(people::admission_decision_date.ge(term_start))
        .filter(people::admission_decision_date.le(term_end))
        .group_by((people::org_unit_id, people::introduced_by))
        .select((people::org_unit_id, people::introduced_by, diesel::dsl::count_star()))
        .load(conn)?;
    let tree = UnitTree::load(conn)?;
    let order: HashMap<i64, usize> = tree.depth_first().iter().enumerate().map(|(i, (u, _))| (u.id, i)).collect();
    let mut out: Vec<Admissions> = list
        .iter()
        .map(|t| {
            let subtree: HashSet<i64> = tree.subtree(t.org_unit_id).into_iter().collect();
            let (mut admitted, mut by_youth_union) = (0, 0);
            for (unit, introduced_by, n) in &counts {
                if subtree.contains(unit) {
                    admitted += n;
                    if introduced_by.as_deref() == Some("youth_union") {
                        by_youth_union += n;
                    }
                }
            }
            Admissions {
                target_id: t.id,
                org_unit_id: t.org_unit_id,
                target: i64::from(t.target),
                admitted,
                by_youth_union,
            }
        })
        .collect();
    out.sort_by_key(|a| order.get(&a.org_unit_id).copied().unwrap_or(usize::MAX));
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Issued certificates for the Party member database

/// One valid certificate, in the columns the Party member database takes.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedLine {
    pub full_name: String,
    pub date_of_birth: Date,
    pub citizen_id: Option<String>,
    pub org_unit_id: i64,
    pub program_name: String,
    pub year: i32,
    pub number: i32,
    pub issued_on: Date,
    pub expires_on: Option<Date>,
    pub issuer_name: String,
}

/// The valid certificates issued in the period to people of the units (all when None), in
/// register order.
pub fn issued_certificates(
    conn: &mut DbConn,
    from: Option<Date>,
    to: Option<Date>,
    units: Option<&[i64]>,
) -> StoreResult<Vec<IssuedLine>> {
    let mut q = certificates::table
        .inner_join(people::table)
        .inner_join(issuers::table)
        .inner_join(programs::table.on(programs::id.eq(certificates::program_id)))
        .filter(certificates::status.eq(CertificateStatus::Valid.code()))
        .select((
            people::full_name,
            people::date_of_birth,
            people::citizen_id,
            people::org_unit_id,
            programs::name,
            certificates::year,
            certificates::number,
            certificates::issued_on,
            certificates::expires_on,
            issuers::name,
        ))
        .into_boxed();
    if let Some(from) = from {
        q = q.filter(certificates::issued_on.ge(from));
    }
    if let Some(to) = to {
        q = q.filter(certificates::issued_on.le(to));
    }
    if let Some(units) = units {
        q = q.filter(people::org_unit_id.eq_any(units.to_vec()));
    }
    type Row = (String, Date, Option<String>, i64, String, i32, i32, Date, Option<Date>, String);
    let rows: Vec<Row> = q.order((certificates::issuer_id, certificates::year, certificates::number)).load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                full_name,
                date_of_birth,
                citizen_id,
                org_unit_id,
                program_name,
                year,
                number,
                issued_on,
                expires_on,
                issuer_name,
            )| {
                IssuedLine {
                    full_name,
                    date_of_birth,
                    citizen_id,
                    org_unit_id,
                    program_name,
                    year,
                    number,
                    issued_on,
                    expires_on,
                    issuer_name,
                }
            },
        )
        .collect())
}
