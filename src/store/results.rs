//! Results of the final essay (bài thu hoạch): the attempts of each enrolment and the final
//! result they give under the program's rules. Entering scores, re-sits, locking and
//! amendments write here; certificates, reports and the portals read `final_results`.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use super::audit::{self, Actor};
use super::{DbConn, Scope, StoreError, StoreResult, attendance};
use crate::db::schema::{assessments, certificates, classes, enrolments, users};
use crate::domain::attendance::{self as attendance_rules, Tally};
use crate::domain::class::ClassStatus;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::results::{self, FinalResult, LineProblem, Outcome};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = assessments)]
pub struct Assessment {
    pub id: i64,
    pub enrolment_id: i64,
    pub attempt: i32,
    pub previous_id: Option<i64>,
    pub outcome: String,
    pub score_tenths: Option<i32>,
    pub entered_by: Option<i64>,
    pub entered_at: PrimitiveDateTime,
    pub version: i32,
}

impl Assessment {
    pub fn outcome(&self) -> Option<Outcome> {
        Outcome::from_row(&self.outcome, self.score_tenths)
    }
}

/// The attempts of every enrolment of a class, in attempt order.
pub fn attempts(conn: &mut DbConn, class_id: i64) -> StoreResult<HashMap<i64, Vec<Assessment>>> {
    let rows: Vec<Assessment> = assessments::table
        .inner_join(enrolments::table)
        .filter(enrolments::class_id.eq(class_id))
        .order((assessments::enrolment_id, assessments::attempt))
        .select(Assessment::as_select())
        .load(conn)?;
    let mut out: HashMap<i64, Vec<Assessment>> = HashMap::new();
    for row in rows {
        out.entry(row.enrolment_id).or_default().push(row);
    }
    Ok(out)
}

/// Where each enrolled learner of a class stands: eligibility from attendance (over the
/// sessions that count for them) and the last attempt of the essay, under the program's rules.
/// Enrolments that are not (or no longer) enrolled are left out.
pub fn final_results(conn: &mut DbConn, class_id: i64) -> StoreResult<HashMap<i64, FinalResult>> {
    let class = super::classes::find(conn, class_id)?;
    let rules = super::programs::find(conn, class.program_id)?.rules();
    let tallies = super::attendance::tallies(conn, class_id)?;
    let attempts = attempts(conn, class_id)?;
    let enrolled: Vec<i64> = enrolments::table
        .filter(enrolments::class_id.eq(class_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Enrolled.code()))
        .select(enrolments::id)
        .load(conn)?;
    Ok(enrolled
        .into_iter()
        .map(|id| {
            let tally = tallies.get(&id).copied().unwrap_or_default();
            let eligible = attendance_rules::eligibility(&tally, &rules).may_write();
            let outcomes: Vec<Outcome> =
                attempts.get(&id).map(|a| a.iter().filter_map(Assessment::outcome).collect()).unwrap_or_default();
            (id, results::final_result(eligible, &outcomes, &rules))
        })
        .collect())
}

/// The attempts of one enrolment, in attempt order.
pub fn attempts_of(conn: &mut DbConn, enrolment_id: i64) -> StoreResult<Vec<Assessment>> {
    Ok(assessments::table
        .filter(assessments::enrolment_id.eq(enrolment_id))
        .order(assessments::attempt)
        .select(Assessment::as_select())
        .load(conn)?)
}

/// An attempt with the name of who entered it last.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub row: Assessment,
    pub entered_by_name: Option<String>,
}

/// One learner of a results sheet: who they are, their attendance, and their attempts.
#[derive(Debug, Clone)]
pub struct ResultLine {
    pub learner: attendance::Learner,
    pub tally: Tally,
    pub eligible: bool,
    pub attempts: Vec<Attempt>,
    pub result: FinalResult,
}

impl ResultLine {
    pub fn outcomes(&self) -> Vec<Outcome> {
        self.attempts.iter().filter_map(|a| a.row.outcome()).collect()
    }
}

/// The results sheet of a class: its enrolled learners (within a scope) in list order, with
/// their attendance, attempts and final result under the program's rules.
pub fn sheet(conn: &mut DbConn, class_id: i64, scope: &Scope) -> StoreResult<Vec<ResultLine>> {
    let class = super::classes::find(conn, class_id)?;
    let rules = super::programs::find(conn, class.program_id)?.rules();
    let learners: Vec<attendance::Learner> = super::attendance::learners(conn, class_id, scope)?
        .into_iter()
        .filter(|l| l.status == EnrolmentStatus::Enrolled.code())
        .collect();
    let ids: Vec<i64> = learners.iter().map(|l| l.enrolment_id).collect();
    let tallies = super::attendance::tallies_of(conn, class_id, &ids)?;
    let rows: Vec<(Assessment, Option<String>)> = assessments::table
        .inner_join(enrolments::table)
        .left_join(users::table.on(users::id.nullable().eq(assessments::entered_by)))
        .filter(enrolments::class_id.eq(class_id))
        .order((assessments::enrolment_id, assessments::attempt))
        .select((Assessment::as_select(), users::display_name.nullable()))
        .load(conn)?;
    let mut by_enrolment: HashMap<i64, Vec<Attempt>> = HashMap::new();
    for (row, name) in rows {
        by_enrolment.entry(row.enrolment_id).or_default().push(Attempt { row, entered_by_name: name });
    }
    Ok(learners
        .into_iter()
        .map(|learner| {
            let tally = tallies.get(&learner.enrolment_id).copied().unwrap_or_default();
            let eligible = attendance_rules::eligibility(&tally, &rules).may_write();
            let attempts = by_enrolment.remove(&learner.enrolment_id).unwrap_or_default();
            let outcomes: Vec<Outcome> = attempts.iter().filter_map(|a| a.row.outcome()).collect();
            let result = results::final_result(eligible, &outcomes, &rules);
            ResultLine { learner, tally, eligible, attempts, result }
        })
        .collect())
}

/// One line as submitted: the outcome of attempt `attempt` (an existing one to change, or the
/// next one — a re-sit — to add).
#[derive(Debug, Clone, PartialEq)]
pub struct EntryInput {
    pub enrolment_id: i64,
    pub attempt: i32,
    pub outcome: Outcome,
    /// The version of the attempt the editor saw; 0 when it did not exist.
    pub seen_version: i32,
}

/// Saves the lines of a results sheet in one transaction: all of them, or — when a line is
/// wrong or was changed meanwhile — none, with the problems by enrolment. Every change is
/// audited; an amendment (after locking) with its reason. Returns how many attempts were
/// written.
pub fn save(
    conn: &mut DbConn,
    actor: &Actor,
    class_id: i64,
    lines: &[EntryInput],
    amendment_reason: Option<&str>,
    now_utc: PrimitiveDateTime,
) -> StoreResult<Result<usize, Vec<(i64, LineProblem)>>> {
    super::write_tx(conn, |conn| {
        let current: HashMap<i64, ResultLine> =
            sheet(conn, class_id, &Scope::All)?.into_iter().map(|l| (l.learner.enrolment_id, l)).collect();
        let class = super::classes::find(conn, class_id)?;
        let rules = super::programs::find(conn, class.program_id)?.rules();
        let certified: Vec<i64> = certificates::table
            .filter(certificates::class_id.eq(class_id))
            .filter(certificates::status.eq("valid"))
            .select(certificates::enrolment_id)
            .load(conn)?;
        let mut problems = Vec::new();
        let mut updates: Vec<(&EntryInput, &Assessment)> = Vec::new();
        let mut inserts: Vec<(&EntryInput, Option<i64>)> = Vec::new();
        for line in lines {
            let Some(now) = current.get(&line.enrolment_id) else {
                problems.push((line.enrolment_id, LineProblem::NotOnList));
                continue;
            };
            if !now.eligible {
                problems.push((line.enrolment_id, LineProblem::NotEligible));
                continue;
            }
            let count = now.attempts.len() as i32;
            if line.attempt >= 1 && line.attempt <= count {
                let stored = &now.attempts[(line.attempt - 1) as usize].row;
                if stored.outcome() == Some(line.outcome) {
                    continue;
                }
                if certified.contains(&line.enrolment_id) {
                    problems.push((line.enrolment_id, LineProblem::Certified));
                } else if stored.version != line.seen_version {
                    problems.push((line.enrolment_id, LineProblem::ChangedMeanwhile));
                } else if line.attempt != count {
                    problems.push((line.enrolment_id, LineProblem::NotLastAttempt));
                } else {
                    updates.push((line, stored));
                }
            } else if certified.contains(&line.enrolment_id) {
                problems.push((line.enrolment_id, LineProblem::Certified));
            } else if line.attempt == count + 1 && line.seen_version == 0 {
                match results::may_add_attempt(true, &now.outcomes(), &rules) {
                    Ok(()) => inserts.push((line, now.attempts.last().map(|a| a.row.id))),
                    Err(refusal) => problems.push((line.enrolment_id, LineProblem::Resit(refusal))),
                }
            } else {
                problems.push((line.enrolment_id, LineProblem::ChangedMeanwhile));
            }
        }
        if !problems.is_empty() {
            return Ok(Err(problems));
        }
        let action = if amendment_reason.is_some() { "amend_result" } else { "enter_result" };
        let value = |e: i64, attempt: i32, o: Outcome| serde_json::json!({ "enrolment_id": e, "attempt": attempt, "outcome": o.code(), "score_tenths": o.score() });
        for (line, stored) in &updates {
            let changed = diesel::update(
                assessments::table
                    .filter(assessments::id.eq(stored.id))
                    .filter(assessments::version.eq(stored.version)),
            )
            .set((
                assessments::outcome.eq(line.outcome.code()),
                assessments::score_tenths.eq(line.outcome.score()),
                assessments::entered_by.eq(actor.user_id),
                assessments::entered_at.eq(now_utc),
                assessments::version.eq(stored.version + 1),
            ))
            .execute(conn)?;
            if changed != 1 {
                return Err(StoreError::Conflict("results.error.changed_meanwhile"));
            }
            let before = stored.outcome().map(|o| value(line.enrolment_id, stored.attempt, o));
            audit::record_with_reason(
                conn,
                actor,
                "assessment",
                Some(stored.id),
                action,
                before.as_ref(),
                Some(&value(line.enrolment_id, line.attempt, line.outcome)),
                amendment_reason,
            )?;
        }
        for (line, previous_id) in &inserts {
            let id: i64 = diesel::insert_into(assessments::table)
                .values((
                    assessments::enrolment_id.eq(line.enrolment_id),
                    assessments::attempt.eq(line.attempt),
                    assessments::previous_id.eq(previous_id),
                    assessments::outcome.eq(line.outcome.code()),
                    assessments::score_tenths.eq(line.outcome.score()),
                    assessments::entered_by.eq(actor.user_id),
                    assessments::entered_at.eq(now_utc),
                    assessments::version.eq(1),
                ))
                .returning(assessments::id)
                .get_result(conn)?;
            audit::record_with_reason(
                conn,
                actor,
                "assessment",
                Some(id),
                action,
                None::<&serde_json::Value>,
                Some(&value(line.enrolment_id, line.attempt, line.outcome)),
                amendment_reason,
            )?;
        }
        Ok(Ok(updates.len() + inserts.len()))
    })
}

/// Locks a class's results: moves it from assessing to locked through the guards (every
/// eligible learner has a result, the results decision is recorded) and records when and by
/// whom. Returns the blockers when it cannot.
pub fn lock(
    conn: &mut DbConn,
    actor: &Actor,
    class_id: i64,
    version: i32,
    now_local: PrimitiveDateTime,
    now_utc: PrimitiveDateTime,
) -> StoreResult<Result<(), Vec<crate::domain::class::Blocker>>> {
    super::write_tx(conn, |conn| {
        let class = super::classes::find(conn, class_id)?;
        if class.status() != ClassStatus::Assessing {
            return Err(StoreError::Conflict("results.error.not_assessing"));
        }
        match super::classes::advance(conn, actor, class_id, version, now_local, super::classes::result_facts)? {
            Err(blockers) => Ok(Err(blockers)),
            Ok(_) => {
                mark_locked(conn, class_id, actor.user_id, now_utc)?;
                Ok(Ok(()))
            }
        }
    })
}

/// Records when and by whom a class's results were locked (also for classes loaded as history).
pub fn mark_locked(conn: &mut DbConn, class_id: i64, by: Option<i64>, at: PrimitiveDateTime) -> StoreResult<()> {
    diesel::update(classes::table.find(class_id))
        .set((classes::results_locked_at.eq(Some(at)), classes::results_locked_by.eq(by)))
        .execute(conn)?;
    Ok(())
}
