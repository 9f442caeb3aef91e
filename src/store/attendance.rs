//! Attendance (điểm danh) rows and the tally eligibility is computed from. The sheet, QR
//! check-in and amendments write here; results, certificates and the portals read the tallies.
//!
//! Here: the rows and the tallies, and the lists of classes people start from. Beside it:
//! `sheet` (a session and its sheet), `save` (saving a whole sheet in one transaction, with
//! `grouped_update`, its statement on SQLite), `absence_limit` (the emails of a learner who can
//! no longer become eligible), `checkin` (QR self check-in) and `summary` (a class's tallies and
//! a learner's classes).

mod absence_limit;
mod checkin;
mod grouped_update;
mod save;
mod sheet;
mod summary;

pub use absence_limit::{MissedSession, notify_absence_limits};
pub use checkin::{CheckedIn, check_in, enrolment_for_session, mark_of, open_sessions_of};
pub use save::{LineInput, SaveRequest, Saved, save_sheet};
pub use sheet::{Learner, SessionContext, SheetLine, context, learners, make_up_options, sheet, teaches};
pub use summary::{LearnerClass, SummaryLine, matrix, of_learner, of_learner_in, summary};

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use super::{DbConn, Scope, StoreResult};
use crate::db::schema::{attendance, class_sessions, enrolments, people};
use crate::domain::attendance::{Mark, Tally};

/// How a line was written.
pub const SOURCE_SHEET: &str = "sheet";
pub const SOURCE_QR: &str = "qr";
pub const SOURCE_AMENDMENT: &str = "amendment";

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = attendance)]
pub struct AttendanceRow {
    pub id: i64,
    pub enrolment_id: i64,
    pub session_id: i64,
    pub status: String,
    pub reason: Option<String>,
    pub made_up_session_id: Option<i64>,
    pub source: String,
    pub marked_by: Option<i64>,
    pub marked_at: PrimitiveDateTime,
    pub version: i32,
}

impl AttendanceRow {
    pub fn mark(&self) -> Option<Mark> {
        Mark::parse(&self.status)
    }
}

/// Enrolment statuses whose learners appear on sheets and summaries: the enrolled, and those
/// who withdrew (for the sessions before they did).
const ON_ROSTER: [&str; 2] = ["enrolled", "withdrawn"];

/// The tally of every enrolment of a class: the sessions that count for each learner (those
/// on or after the day they were enrolled) and their marks. Enrolments without marks get an
/// empty tally over their sessions.
pub fn tallies(conn: &mut DbConn, class_id: i64) -> StoreResult<HashMap<i64, Tally>> {
    tallies_among(conn, class_id, None)
}

/// The tallies of some enrolments of a class only (a secretary's summary, the results).
pub fn tallies_of(conn: &mut DbConn, class_id: i64, enrolment_ids: &[i64]) -> StoreResult<HashMap<i64, Tally>> {
    tallies_among(conn, class_id, Some(enrolment_ids))
}

fn tallies_among(conn: &mut DbConn, class_id: i64, only: Option<&[i64]>) -> StoreResult<HashMap<i64, Tally>> {
    let mut q = enrolments::table
        .filter(enrolments::class_id.eq(class_id))
        .select((enrolments::id, enrolments::enrolled_on))
        .into_boxed();
    if let Some(ids) = only {
        q = q.filter(enrolments::id.eq_any(ids.to_vec()));
    }
    let learners: Vec<(i64, Option<Date>)> = q.load(conn)?;
    let starts = session_starts(conn, class_id)?;
    let mut marks = attendance::table
        .inner_join(class_sessions::table.on(class_sessions::id.eq(attendance::session_id)))
        .filter(class_sessions::class_id.eq(class_id))
        .select((attendance::enrolment_id, attendance::session_id, attendance::status))
        .into_boxed();
    if let Some(ids) = only {
        marks = marks.filter(attendance::enrolment_id.eq_any(ids.to_vec()));
    }
    let marks: Vec<(i64, i64, String)> = marks.load(conn)?;
    let mut out: HashMap<i64, Tally> = HashMap::with_capacity(learners.len());
    for (enrolment, enrolled_on) in &learners {
        out.insert(*enrolment, empty_tally(&starts, *enrolled_on));
    }
    for (enrolment, _, status) in marks {
        if let (Some(tally), Some(mark)) = (out.get_mut(&enrolment), Mark::parse(&status)) {
            tally.add(mark);
        }
    }
    Ok(out)
}

/// A learner's tally before their marks: the sessions on or after the day they were enrolled.
fn empty_tally(session_starts: &[PrimitiveDateTime], enrolled_on: Option<Date>) -> Tally {
    let counted = session_starts.iter().filter(|at| enrolled_on.is_none_or(|d| at.date() >= d)).count();
    Tally { sessions: counted as u32, ..Default::default() }
}

/// One learner's tally in a class, as `tallies_among` counts it, with statements that stay
/// prepared (the learner's pages ask for it on every visit).
fn tally_of_enrolment(
    conn: &mut DbConn,
    class_id: i64,
    enrolment_id: i64,
    enrolled_on: Option<Date>,
) -> StoreResult<Tally> {
    let sessions = sessions_counted(conn, class_id, enrolled_on)?;
    tally_with_sessions(conn, class_id, enrolment_id, sessions)
}

/// When each session of a class starts.
fn session_starts(conn: &mut DbConn, class_id: i64) -> StoreResult<Vec<PrimitiveDateTime>> {
    Ok(class_sessions::table
        .filter(class_sessions::class_id.eq(class_id))
        .select(class_sessions::starts_at)
        .load(conn)?)
}

/// How many sessions of a class count for a learner enrolled on `enrolled_on`: those of that day
/// and after, as `empty_tally` counts them, by the database (reading every session's start to
/// count them cost more than the rest of a tally).
fn sessions_counted(conn: &mut DbConn, class_id: i64, enrolled_on: Option<Date>) -> StoreResult<u32> {
    let of_class = class_sessions::table.filter(class_sessions::class_id.eq(class_id));
    let n: i64 = match enrolled_on {
        Some(day) => of_class
            .filter(class_sessions::starts_at.ge(PrimitiveDateTime::new(day, time::Time::MIDNIGHT)))
            .count()
            .get_result(conn)?,
        None => of_class.count().get_result(conn)?,
    };
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// One learner's tally from their marks, with the sessions that count for them already counted.
fn tally_with_sessions(conn: &mut DbConn, class_id: i64, enrolment_id: i64, sessions: u32) -> StoreResult<Tally> {
    let marks: Vec<String> = attendance::table
        .inner_join(class_sessions::table.on(class_sessions::id.eq(attendance::session_id)))
        .filter(class_sessions::class_id.eq(class_id))
        .filter(attendance::enrolment_id.eq(enrolment_id))
        .select(attendance::status)
        .load(conn)?;
    let mut tally = Tally { sessions, ..Default::default() };
    for mark in marks.iter().filter_map(|status| Mark::parse(status)) {
        tally.add(mark);
    }
    Ok(tally)
}

/// The tallies of a few enrolments of a class (each once, those of the class only), as
/// `tallies_of` counts them, with statements that stay prepared: the absence-limit check of
/// every save runs this inside the write lock, where an `IN` list prepared anew and a scan of the
/// class's marks cost more than the rest of the check (bench/RESULTS.md, issue 8).
fn tallies_each(conn: &mut DbConn, class_id: i64, enrolment_ids: &[i64]) -> StoreResult<Vec<(i64, Tally)>> {
    let mut seen = HashSet::with_capacity(enrolment_ids.len());
    let mut out = Vec::with_capacity(enrolment_ids.len());
    for &enrolment_id in enrolment_ids {
        if !seen.insert(enrolment_id) {
            continue;
        }
        let enrolled_on: Option<Option<Date>> = enrolments::table
            .filter(enrolments::id.eq(enrolment_id))
            .filter(enrolments::class_id.eq(class_id))
            .select(enrolments::enrolled_on)
            .first(conn)
            .optional()?;
        let Some(enrolled_on) = enrolled_on else { continue };
        let sessions = sessions_counted(conn, class_id, enrolled_on)?;
        out.push((enrolment_id, tally_with_sessions(conn, class_id, enrolment_id, sessions)?));
    }
    Ok(out)
}

/// The marks of one session, by enrolment.
pub fn of_session(conn: &mut DbConn, session_id: i64) -> StoreResult<Vec<AttendanceRow>> {
    Ok(attendance::table.filter(attendance::session_id.eq(session_id)).select(AttendanceRow::as_select()).load(conn)?)
}

/// The marks of one enrolment, by session.
pub fn of_enrolment(conn: &mut DbConn, enrolment_id: i64) -> StoreResult<Vec<AttendanceRow>> {
    Ok(attendance::table
        .filter(attendance::enrolment_id.eq(enrolment_id))
        .select(AttendanceRow::as_select())
        .load(conn)?)
}

// ---------------------------------------------------------------------------------------------
// Where people start

/// The classes a lecturer teaches a session of.
pub fn classes_taught(conn: &mut DbConn, user_id: i64) -> StoreResult<Vec<i64>> {
    Ok(class_sessions::table
        .filter(class_sessions::lecturer_user_id.eq(user_id))
        .select(class_sessions::class_id)
        .distinct()
        .load(conn)?)
}

/// The classes with at least one enrolled (or withdrawn) learner within a scope: a secretary's
/// classes.
pub fn classes_with_learners_in(conn: &mut DbConn, scope: &Scope) -> StoreResult<Vec<i64>> {
    let mut q = enrolments::table
        .inner_join(people::table)
        .filter(enrolments::status.eq_any(ON_ROSTER))
        .select(enrolments::class_id)
        .distinct()
        .into_boxed();
    if let Scope::Units(ids) = scope {
        q = q.filter(people::org_unit_id.eq_any(ids.clone()));
    }
    Ok(q.load(conn)?)
}

/// How many lines each session has, by session.
pub fn marked_counts(conn: &mut DbConn, session_ids: &[i64]) -> StoreResult<HashMap<i64, i64>> {
    Ok(attendance::table
        .filter(attendance::session_id.eq_any(session_ids.to_vec()))
        .group_by(attendance::session_id)
        .select((attendance::session_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect())
}
