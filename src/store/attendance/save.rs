//! Saving a sheet in one transaction with its lines batched: the roster and the make-up
//! sessions are read and checked first, and each line compared with the version its editor saw
//! (a line someone else saved meanwhile — by hand or by QR — is refused, not overwritten); then
//! one short write transaction inserts the new lines in one statement, updates the changed ones
//! a statement per content (each still guarded by its version), records an amendment in the
//! audit log with its reason, and queues the absence-limit emails of the learners who can no
//! longer become eligible (once per enrolment).

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::db::schema::{attendance, class_sessions, enrolments};
use crate::domain::attendance::{self as rules, LineProblem, Mark};
use crate::store::audit::{self, Actor};
use crate::store::classes::Class;
use crate::store::programs::Program;
use crate::store::sessions::Session;
use crate::store::{DbConn, StoreError, StoreResult};

use super::{ON_ROSTER, grouped_update, notify_absence_limits};

/// One learner's line as submitted.
#[derive(Debug, Clone, PartialEq)]
pub struct LineInput {
    pub enrolment_id: i64,
    pub mark: Mark,
    pub reason: String,
    pub made_up_session_id: Option<i64>,
    /// The version of the line the editor saw; 0 when it had no mark.
    pub seen_version: i32,
}

/// A save of some lines of a sheet.
#[derive(Debug, Clone)]
pub struct SaveRequest<'a> {
    pub session: &'a Session,
    /// The session's class and its program, as the caller read them to allow the save.
    pub class: &'a Class,
    pub program: &'a Program,
    pub lines: &'a [LineInput],
    /// SOURCE_SHEET or SOURCE_AMENDMENT.
    pub source: &'static str,
    pub may_record_make_up: bool,
    /// The reason of an amendment (required for one), recorded in the audit log.
    pub amendment_reason: Option<&'a str>,
    /// Local wall-clock time: make-up sessions must have been held by then.
    pub now_local: PrimitiveDateTime,
    /// The same moment in UTC, as the lines record it.
    pub now_utc: PrimitiveDateTime,
    pub message_id_domain: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Saved {
    /// Lines inserted or changed (unchanged lines are not written).
    pub written: usize,
    /// Learners who reached the absence limit with this save (their emails are queued).
    pub reached_limit: usize,
}

/// A stored line as a save compares it.
struct Current {
    /// The line's row: a changed line is updated by it, one seek in the table instead of two.
    id: i64,
    marked_by: Option<i64>,
    status: String,
    reason: Option<String>,
    made_up_session_id: Option<i64>,
    version: i32,
}

impl Current {
    fn holds(&self, mark: Mark, reason: &Option<String>, made_up: Option<i64>) -> bool {
        self.status == mark.code() && &self.reason == reason && self.made_up_session_id == made_up
    }
}

/// A line a save writes: what it stores, and what was stored before (None: a new line).
struct Change<'a> {
    line: &'a LineInput,
    reason: &'a Option<String>,
    made_up: Option<i64>,
    before: Option<&'a Current>,
}

/// Why a write found a line changed after the save compared it (the save compares again).
const CHANGED_AFTER_COMPARING: &str = "attendance.error.changed_meanwhile";

/// Saves the lines of a sheet in one transaction: all of them, or — when a line is wrong or
/// was changed meanwhile — none, with the problems by enrolment.
///
/// Everything a save reads (the roster, the make-up sessions, the stored lines, the class and
/// its rules) is read before it takes SQLite's single write lock, so 32 lecturers saving at
/// once queue only for the write itself: the new lines in one statement, the changed ones in
/// one statement per content, each guarded by the version the save compared (a line changed in
/// between is not overwritten: the write is rolled back and the save compares again, now
/// seeing the change), then the audit event and the absence-limit check, which must see the
/// lines as written.
pub fn save_sheet(
    conn: &mut DbConn,
    actor: &Actor,
    req: &SaveRequest<'_>,
) -> StoreResult<Result<Saved, Vec<(i64, LineProblem)>>> {
    let (session, class, program) = (req.session, req.class, req.program);
    debug_assert!(class.id == session.class_id && program.id == class.program_id);
    // The roster, the make-up sessions and the stored lines are read in one snapshot.
    let (checked, mut current) = crate::store::read_tx(conn, |conn| -> StoreResult<_> {
        Ok((checked_lines(conn, req)?, stored_lines(conn, session.id)?))
    })?;
    let wanted = match checked {
        Ok(wanted) => wanted,
        Err(problems) => return Ok(Err(problems)),
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut conflicts = Vec::new();
        let mut changes: Vec<Change<'_>> = Vec::new();
        for (line, reason, made_up) in &wanted {
            match current.get(&line.enrolment_id) {
                Some(c) if c.holds(line.mark, reason, *made_up) => {}
                Some(c) if c.version != line.seen_version => {
                    conflicts.push((line.enrolment_id, LineProblem::ChangedMeanwhile))
                }
                None if line.seen_version != 0 => conflicts.push((line.enrolment_id, LineProblem::ChangedMeanwhile)),
                before => changes.push(Change { line, reason, made_up: *made_up, before }),
            }
        }
        if !conflicts.is_empty() {
            return Ok(Err(conflicts));
        }
        match crate::store::write_tx(conn, |conn| write_changes(conn, actor, req, class, program, &changes)) {
            Err(StoreError::Conflict(CHANGED_AFTER_COMPARING)) if attempt == 1 => {
                current = stored_lines(conn, session.id)?;
            }
            result => return result.map(Ok),
        }
    }
}

/// The lines of a save checked against the roster, the rules and the make-up sessions: what
/// each stores (input, reason, make-up session), or the problems by enrolment.
#[allow(clippy::type_complexity)]
fn checked_lines<'a>(
    conn: &mut DbConn,
    req: &SaveRequest<'a>,
) -> StoreResult<Result<Vec<(&'a LineInput, Option<String>, Option<i64>)>, Vec<(i64, LineProblem)>>> {
    let session = req.session;
    let day = session.starts_at.date();
    let roster: HashMap<i64, (Option<Date>, Option<Date>)> = enrolments::table
        .filter(enrolments::class_id.eq(session.class_id))
        // Not `eq_any`: a statement with an `IN` list is prepared anew on every save.
        .filter(enrolments::status.eq(ON_ROSTER[0]).or(enrolments::status.eq(ON_ROSTER[1])))
        .select((enrolments::id, enrolments::enrolled_on, enrolments::withdrawn_on))
        .load::<(i64, Option<Date>, Option<Date>)>(conn)?
        .into_iter()
        .map(|(id, from, until)| (id, (from, until)))
        .collect();
    let make_up_ids: HashSet<i64> = req.lines.iter().filter_map(|l| l.made_up_session_id).collect();
    let valid_make_ups: HashSet<i64> = if make_up_ids.is_empty() {
        HashSet::new()
    } else {
        class_sessions::table
            .filter(class_sessions::id.eq_any(make_up_ids.into_iter().collect::<Vec<_>>()))
            .select(Session::as_select())
            .load::<Session>(conn)?
            .into_iter()
            .filter(|other| {
                session.lesson_id.is_some()
                    && other.lesson_id == session.lesson_id
                    && other.class_id != session.class_id
                    && other.starts_at <= req.now_local
            })
            .map(|other| other.id)
            .collect()
    };

    let mut problems: Vec<(i64, LineProblem)> = Vec::new();
    let mut wanted = Vec::with_capacity(req.lines.len());
    for line in req.lines {
        match roster.get(&line.enrolment_id) {
            None => {
                problems.push((line.enrolment_id, LineProblem::NotOnSheet));
                continue;
            }
            Some((from, until)) if !rules::on_sheet(day, *from, *until) => {
                let problem = match from {
                    Some(from) if *from > day => LineProblem::EnrolledLater(*from),
                    _ => LineProblem::NotOnSheet,
                };
                problems.push((line.enrolment_id, problem));
                continue;
            }
            Some(_) => {}
        }
        match rules::check_line(line.mark, &line.reason, line.made_up_session_id, req.may_record_make_up) {
            Err(problem) => problems.push((line.enrolment_id, problem)),
            Ok((_, Some(other))) if !valid_make_ups.contains(&other) => {
                problems.push((line.enrolment_id, LineProblem::MadeUpSessionInvalid))
            }
            Ok((reason, made_up)) => wanted.push((line, reason, made_up)),
        }
    }
    Ok(if problems.is_empty() { Ok(wanted) } else { Err(problems) })
}

/// The stored lines of a session, by enrolment.
fn stored_lines(conn: &mut DbConn, session_id: i64) -> StoreResult<HashMap<i64, Current>> {
    Ok(attendance::table
        .filter(attendance::session_id.eq(session_id))
        .select((
            attendance::id,
            attendance::marked_by,
            attendance::enrolment_id,
            attendance::status,
            attendance::reason,
            attendance::made_up_session_id,
            attendance::version,
        ))
        .load::<(i64, Option<i64>, i64, String, Option<String>, Option<i64>, i32)>(conn)?
        .into_iter()
        .map(|(id, marked_by, e, status, reason, made_up_session_id, version)| {
            (e, Current { id, marked_by, status, reason, made_up_session_id, version })
        })
        .collect())
}

/// The write of a save, inside its transaction: the changed lines, the amendment's audit event,
/// the absence-limit emails. Fails with CHANGED_AFTER_COMPARING when a line's version is no
/// longer the one compared.
fn write_changes(
    conn: &mut DbConn,
    actor: &Actor,
    req: &SaveRequest<'_>,
    class: &Class,
    program: &Program,
    changes: &[Change<'_>],
) -> StoreResult<Saved> {
    let session = req.session;
    let news: Vec<NewLine<'_>> = changes
        .iter()
        .filter(|change| change.before.is_none())
        .map(|change| NewLine {
            enrolment_id: change.line.enrolment_id,
            session_id: session.id,
            status: change.line.mark.code(),
            reason: change.reason.as_deref(),
            made_up_session_id: change.made_up,
            source: req.source,
            marked_by: actor.user_id,
            marked_at: req.now_utc,
        })
        .collect();
    // A line added since the save compared is a line changed meanwhile.
    insert_lines(conn, &news).map_err(|e| match e {
        StoreError::Conflict(_) => StoreError::Conflict(CHANGED_AFTER_COMPARING),
        other => other,
    })?;
    // The changed lines, one statement for each content and version they had (a sheet marked
    // present by a lecturer is one or two statements, not one per learner), each line
    // overwritten only if its version is still the one compared. (Status, reason, make-up
    // session, version compared, whether who marked it or its make-up session change) → the rows
    // of the lines that take them.
    type Content<'a> = (&'a str, Option<&'a str>, Option<i64>, i32, bool);
    let mut groups: HashMap<Content<'_>, Vec<i64>> = HashMap::new();
    for change in changes {
        if let Some(before) = change.before {
            let references_change = before.marked_by != actor.user_id || before.made_up_session_id != change.made_up;
            groups
                .entry((
                    change.line.mark.code(),
                    change.reason.as_deref(),
                    change.made_up,
                    before.version,
                    references_change,
                ))
                .or_default()
                .push(before.id);
        }
    }
    for ((status, reason, made_up, version, references_change), line_ids) in &groups {
        let count = line_ids.len();
        let content = LineContent { status, reason: *reason, made_up: *made_up, source: req.source };
        let changed = if let DbConn::Sqlite(c) = conn {
            let references = references_change
                .then_some(grouped_update::References { made_up_session_id: *made_up, marked_by: actor.user_id });
            grouped_update::run(c, session.id, line_ids, *version, &content, references, req.now_utc)?
        } else {
            diesel::update(
                attendance::table
                    .filter(attendance::session_id.eq(session.id))
                    .filter(attendance::id.eq_any(line_ids))
                    .filter(attendance::version.eq(version)),
            )
            .set((
                attendance::status.eq(content.status),
                attendance::reason.eq(content.reason),
                attendance::made_up_session_id.eq(content.made_up),
                attendance::source.eq(content.source),
                attendance::marked_by.eq(actor.user_id),
                attendance::marked_at.eq(req.now_utc),
                attendance::version.eq(version + 1),
            ))
            .execute(conn)?
        };
        if changed != count {
            return Err(StoreError::Conflict(CHANGED_AFTER_COMPARING));
        }
    }
    if let Some(reason) = req.amendment_reason {
        let before: Vec<serde_json::Value> = changes
            .iter()
            .filter_map(|change| {
                let c = change.before?;
                Some(serde_json::json!({ "enrolment_id": change.line.enrolment_id, "status": c.status, "reason": c.reason }))
            })
            .collect();
        let after: Vec<serde_json::Value> = changes
            .iter()
            .map(|change| {
                serde_json::json!({
                    "enrolment_id": change.line.enrolment_id,
                    "status": change.line.mark.code(),
                    "reason": change.reason,
                    "made_up_session_id": change.made_up,
                })
            })
            .collect();
        if !after.is_empty() {
            audit::record_with_reason(
                conn,
                actor,
                "session",
                Some(session.id),
                "amend_attendance",
                Some(&before),
                Some(&after),
                Some(reason),
            )?;
        }
    }
    // Only a new absence can take a learner over the limit.
    let absent: Vec<i64> =
        changes.iter().filter(|change| !change.line.mark.attended()).map(|change| change.line.enrolment_id).collect();
    let reached_limit = if absent.is_empty() {
        0
    } else {
        notify_absence_limits(conn, class, program, &absent, req.message_id_domain)?
    };
    Ok(Saved { written: changes.len(), reached_limit })
}

/// What a group of changed lines takes.
pub(super) struct LineContent<'a> {
    pub(super) status: &'a str,
    pub(super) reason: Option<&'a str>,
    pub(super) made_up: Option<i64>,
    pub(super) source: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = attendance)]
struct NewLine<'a> {
    enrolment_id: i64,
    session_id: i64,
    status: &'a str,
    reason: Option<&'a str>,
    made_up_session_id: Option<i64>,
    source: &'a str,
    marked_by: Option<i64>,
    marked_at: PrimitiveDateTime,
}

/// Inserts lines with one multi-row statement per backend (diesel's multi-backend connection
/// has no batch insert), a few hundred rows at a time to stay under SQLite's parameter limit.
fn insert_lines(conn: &mut DbConn, lines: &[NewLine<'_>]) -> StoreResult<()> {
    for chunk in lines.chunks(500) {
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(attendance::table).values(chunk).execute(c)?,
            DbConn::Postgres(c) => diesel::insert_into(attendance::table).values(chunk).execute(c)?,
        };
    }
    Ok(())
}
