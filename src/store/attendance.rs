//! Attendance (điểm danh) rows and the tally eligibility is computed from. The sheet, QR
//! check-in and amendments write here; results, certificates and the portals read the tallies.
//!
//! A whole sheet is saved in one transaction with its lines batched: the roster and the
//! make-up sessions are read and checked first, and each line compared with the version its
//! editor saw (a line someone else saved meanwhile — by hand or by QR — is refused, not
//! overwritten); then one short write transaction inserts the new lines in one statement,
//! updates the changed ones a statement per content (each still guarded by its version),
//! records an amendment in the audit log with its reason, and queues the absence-limit emails
//! of the learners who can no longer become eligible (once per enrolment).

mod grouped_update;

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::classes::{self, Class};
use super::outbox::{self, NewEmail};
use super::programs::{self, Program};
use super::sessions::{self, Session, SessionView};
use super::{DbConn, Scope, StoreError, StoreResult};
use crate::db::schema::{
    attendance, class_sessions, classes as classes_t, enrolments, people, programs as programs_t, users,
};
use crate::domain::attendance::{self as rules, Eligibility, LineProblem, Mark, Tally};
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::{class as class_names, numbers, schedule};

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
    let session_days = session_starts(conn, class_id)?;
    tally_with_sessions(conn, class_id, enrolment_id, &session_days, enrolled_on)
}

/// When each session of a class starts.
fn session_starts(conn: &mut DbConn, class_id: i64) -> StoreResult<Vec<PrimitiveDateTime>> {
    Ok(class_sessions::table
        .filter(class_sessions::class_id.eq(class_id))
        .select(class_sessions::starts_at)
        .load(conn)?)
}

/// One learner's tally from their marks, with the class's sessions already read.
fn tally_with_sessions(
    conn: &mut DbConn,
    class_id: i64,
    enrolment_id: i64,
    session_days: &[PrimitiveDateTime],
    enrolled_on: Option<Date>,
) -> StoreResult<Tally> {
    let marks: Vec<String> = attendance::table
        .inner_join(class_sessions::table.on(class_sessions::id.eq(attendance::session_id)))
        .filter(class_sessions::class_id.eq(class_id))
        .filter(attendance::enrolment_id.eq(enrolment_id))
        .select(attendance::status)
        .load(conn)?;
    let mut tally = empty_tally(session_days, enrolled_on);
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
    let session_days = session_starts(conn, class_id)?;
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
        out.push((enrolment_id, tally_with_sessions(conn, class_id, enrolment_id, &session_days, enrolled_on)?));
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
// A session and its sheet

/// A session with what its pages need: names, its class and the class's program.
#[derive(Debug, Clone)]
pub struct SessionContext {
    pub session: SessionView,
    pub class: Class,
    pub program: Program,
}

impl SessionContext {
    /// "Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026".
    pub fn class_full_name(&self) -> String {
        class_names::full_name(&self.program.name, self.class.ordinal, self.class.year)
    }
}

/// The session `session_id` of class `class_id` (NotFound when it belongs to another class).
pub fn context(conn: &mut DbConn, class_id: i64, session_id: i64) -> StoreResult<SessionContext> {
    let session = sessions::find(conn, session_id)?;
    if session.class_id != class_id {
        return Err(StoreError::NotFound);
    }
    let session = sessions::with_names(conn, vec![session])?.pop().ok_or(StoreError::NotFound)?;
    let class = classes::find(conn, class_id)?;
    let program = programs::find(conn, class.program_id)?;
    Ok(SessionContext { session, class, program })
}

/// Whether a lecturer teaches at least one session of a class.
pub fn teaches(conn: &mut DbConn, user_id: i64, class_id: i64) -> StoreResult<bool> {
    let n: i64 = class_sessions::table
        .filter(class_sessions::class_id.eq(class_id))
        .filter(class_sessions::lecturer_user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A learner of the class as sheets and summaries list them.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Learner {
    pub enrolment_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub date_of_birth: Date,
    pub org_unit_id: i64,
    pub status: String,
    pub enrolled_on: Option<Date>,
    pub withdrawn_on: Option<Date>,
}

/// The enrolled (and withdrawn) learners of a class in list order, within a scope.
pub fn learners(conn: &mut DbConn, class_id: i64, scope: &Scope) -> StoreResult<Vec<Learner>> {
    let mut q = enrolments::table
        .inner_join(people::table)
        .filter(enrolments::class_id.eq(class_id))
        .filter(enrolments::status.eq_any(ON_ROSTER))
        .select((
            enrolments::id,
            people::id,
            people::full_name,
            people::date_of_birth,
            people::org_unit_id,
            enrolments::status,
            enrolments::enrolled_on,
            enrolments::withdrawn_on,
        ))
        .into_boxed();
    if let Scope::Units(ids) = scope {
        q = q.filter(people::org_unit_id.eq_any(ids.clone()));
    }
    Ok(q.order((people::sort_key.asc(), people::id.asc())).load(conn)?)
}

/// One line of a session's sheet: a learner the session counts for, and their mark if any.
#[derive(Debug, Clone, Serialize)]
pub struct SheetLine {
    pub learner: Learner,
    pub mark: Option<AttendanceRow>,
}

/// The sheet of a session: the learners it counts for (enrolled on or before its day, not
/// withdrawn by then) in list order, with their marks.
pub fn sheet(conn: &mut DbConn, session: &Session) -> StoreResult<Vec<SheetLine>> {
    let day = session.starts_at.date();
    let mut marks: HashMap<i64, AttendanceRow> =
        of_session(conn, session.id)?.into_iter().map(|r| (r.enrolment_id, r)).collect();
    Ok(learners(conn, session.class_id, &Scope::All)?
        .into_iter()
        .filter(|l| rules::on_sheet(day, l.enrolled_on, l.withdrawn_on))
        .map(|learner| {
            let mark = marks.remove(&learner.enrolment_id);
            SheetLine { learner, mark }
        })
        .collect())
}

/// Sessions of other classes with the same lesson, held already: where a learner may have
/// made this session up. Newest first.
pub fn make_up_options(conn: &mut DbConn, session: &Session, now: PrimitiveDateTime) -> StoreResult<Vec<SessionView>> {
    let Some(lesson) = session.lesson_id else {
        return Ok(Vec::new());
    };
    let found: Vec<Session> = class_sessions::table
        .filter(class_sessions::lesson_id.eq(lesson))
        .filter(class_sessions::class_id.ne(session.class_id))
        .filter(class_sessions::starts_at.le(now))
        .order(class_sessions::starts_at.desc())
        .limit(50)
        .select(Session::as_select())
        .load(conn)?;
    sessions::with_names(conn, found)
}

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
    let wanted = match checked_lines(conn, req)? {
        Ok(wanted) => wanted,
        Err(problems) => return Ok(Err(problems)),
    };
    let (session, class, program) = (req.session, req.class, req.program);
    debug_assert!(class.id == session.class_id && program.id == class.program_id);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let current = stored_lines(conn, session.id)?;
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
        match super::write_tx(conn, |conn| write_changes(conn, actor, req, class, program, &changes)) {
            Err(StoreError::Conflict(CHANGED_AFTER_COMPARING)) if attempt == 1 => continue,
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
struct LineContent<'a> {
    status: &'a str,
    reason: Option<&'a str>,
    made_up: Option<i64>,
    source: &'a str,
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

// ---------------------------------------------------------------------------------------------
// The absence limit

/// Queues the absence-limit emails of those of `enrolment_ids` who can no longer become
/// eligible: to the learner (when they have an email) and to their chi bộ's secretaries, once
/// per enrolment (the outbox key): a secretary appointed after the learner went over the limit
/// is not written to. Returns how many learners are over the limit.
pub fn notify_absence_limits(
    conn: &mut DbConn,
    class: &Class,
    program: &Program,
    enrolment_ids: &[i64],
    message_id_domain: &str,
) -> StoreResult<usize> {
    let rules = program.rules();
    let over: Vec<(i64, Tally)> = tallies_each(conn, class.id, enrolment_ids)?
        .into_iter()
        .filter(|(_, t)| rules::eligibility(t, &rules) == Eligibility::CannotBecomeEligible)
        .collect();
    let class_name = class_names::full_name(&program.name, class.ordinal, class.year);
    for (enrolment_id, tally) in &over {
        // A learner over the limit stays over it: most saves find the emails queued already, and
        // one seek in the outbox's keys says so before anything is gathered for them.
        let learner_key = format!("absence-limit:{enrolment_id}");
        if outbox::any_keyed_under(conn, &learner_key)? {
            continue;
        }
        let (person_id, full_name, email, unit): (i64, String, Option<String>, i64) = enrolments::table
            .inner_join(people::table)
            .filter(enrolments::id.eq(enrolment_id))
            .select((people::id, people::full_name, people::email, people::org_unit_id))
            .first(conn)?;
        let email = email.filter(|e| !e.trim().is_empty());
        let secretaries = super::orgs::secretaries_of(conn, unit)?;
        if email.is_none() && secretaries.is_empty() {
            continue;
        }
        let missed = missed_sessions(conn, *enrolment_id)?;
        let allowed = rules::max_absences(tally.sessions, rules.max_absence_permille);
        let data = serde_json::json!({
            "learner": full_name,
            "class": class_name,
            "absent": tally.absent(),
            "excused": tally.excused,
            "unexcused": tally.unexcused,
            "sessions": tally.sessions,
            "allowed": allowed,
            "over_ratio": tally.absent() > allowed,
            "max_ratio": numbers::format_percent(rules.max_absence_permille),
            "unexcused_rule": rules.unexcused_disqualifies,
            "missed": missed,
            "unit": super::orgs::label(conn, unit)?,
        });
        if let Some(email) = email {
            let account: Option<(i64, String)> = users::table
                .filter(users::person_id.eq(person_id))
                .select((users::id, users::language))
                .first(conn)
                .optional()?;
            let mut data = data.clone();
            data["name"] = serde_json::json!(full_name);
            outbox::enqueue(
                conn,
                &NewEmail {
                    key: learner_key.clone(),
                    to_email: email,
                    to_name: full_name.clone(),
                    user_id: account.as_ref().map(|a| a.0),
                    person_id: Some(person_id),
                    template: "absence_limit".into(),
                    language: account.map_or_else(|| "vi".into(), |a| a.1),
                    data,
                    attachment: None,
                },
                message_id_domain,
            )?;
        }
        for (user_id, name, address) in secretaries {
            let language: String = users::table.find(user_id).select(users::language).get_result(conn)?;
            let mut data = data.clone();
            data["name"] = serde_json::json!(name);
            outbox::enqueue(
                conn,
                &NewEmail {
                    key: format!("{learner_key}:secretary:{user_id}"),
                    to_email: address,
                    to_name: name,
                    user_id: Some(user_id),
                    person_id: None,
                    template: "absence_limit_secretary".into(),
                    language,
                    data,
                    attachment: None,
                },
                message_id_domain,
            )?;
        }
    }
    Ok(over.len())
}

/// A session a learner missed, as an email or a page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct MissedSession {
    pub seq: i32,
    pub title: String,
    /// "07:30–11:00 ngày 12/03/2026".
    pub when: String,
    pub excused: bool,
    pub reason: Option<String>,
}

fn missed_sessions(conn: &mut DbConn, enrolment_id: i64) -> StoreResult<Vec<MissedSession>> {
    let rows: Vec<(i32, String, PrimitiveDateTime, PrimitiveDateTime, String, Option<String>)> = attendance::table
        .inner_join(class_sessions::table.on(class_sessions::id.eq(attendance::session_id)))
        .filter(attendance::enrolment_id.eq(enrolment_id))
        .filter(attendance::status.eq_any([Mark::Excused.code(), Mark::Unexcused.code()]))
        .order(class_sessions::seq)
        .select((
            class_sessions::seq,
            class_sessions::title,
            class_sessions::starts_at,
            class_sessions::ends_at,
            attendance::status,
            attendance::reason,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(seq, title, starts_at, ends_at, status, reason)| MissedSession {
            seq,
            title,
            when: schedule::format_range(starts_at, ends_at),
            excused: status == Mark::Excused.code(),
            reason,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// QR self check-in

/// What a check-in did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckedIn {
    /// Marked now, present or late.
    Marked(Mark),
    /// The learner was marked as attending already (by a check-in or the sheet), at that time
    /// (UTC); nothing changed.
    Already(Mark, PrimitiveDateTime),
}

/// Marks a learner present or late for a session, once: a line that already says they
/// attended stays as it is; an absence marked before they arrived becomes their arrival.
pub fn check_in(
    conn: &mut DbConn,
    session_id: i64,
    enrolment_id: i64,
    mark: Mark,
    user_id: i64,
    now: PrimitiveDateTime,
) -> StoreResult<CheckedIn> {
    super::write_tx(conn, |conn| {
        let existing: Option<AttendanceRow> = attendance::table
            .filter(attendance::session_id.eq(session_id))
            .filter(attendance::enrolment_id.eq(enrolment_id))
            .select(AttendanceRow::as_select())
            .first(conn)
            .optional()?;
        match existing {
            Some(row) if row.mark().is_some_and(Mark::attended) => {
                Ok(CheckedIn::Already(row.mark().unwrap_or(Mark::Present), row.marked_at))
            }
            Some(row) => {
                diesel::update(attendance::table.find(row.id))
                    .set((
                        attendance::status.eq(mark.code()),
                        attendance::reason.eq(None::<String>),
                        attendance::made_up_session_id.eq(None::<i64>),
                        attendance::source.eq(SOURCE_QR),
                        attendance::marked_by.eq(user_id),
                        attendance::marked_at.eq(now),
                        attendance::version.eq(row.version + 1),
                    ))
                    .execute(conn)?;
                Ok(CheckedIn::Marked(mark))
            }
            None => {
                diesel::insert_into(attendance::table)
                    .values((
                        attendance::enrolment_id.eq(enrolment_id),
                        attendance::session_id.eq(session_id),
                        attendance::status.eq(mark.code()),
                        attendance::source.eq(SOURCE_QR),
                        attendance::marked_by.eq(user_id),
                        attendance::marked_at.eq(now),
                    ))
                    .execute(conn)?;
                Ok(CheckedIn::Marked(mark))
            }
        }
    })
}

/// The mark of one learner for one session, if any.
pub fn mark_of(conn: &mut DbConn, session_id: i64, enrolment_id: i64) -> StoreResult<Option<AttendanceRow>> {
    Ok(attendance::table
        .filter(attendance::session_id.eq(session_id))
        .filter(attendance::enrolment_id.eq(enrolment_id))
        .select(AttendanceRow::as_select())
        .first(conn)
        .optional()?)
}

/// A person's enrolment that a session counts for (enrolled, on or after their enrolment day).
pub fn enrolment_for_session(conn: &mut DbConn, person_id: i64, session: &Session) -> StoreResult<Option<i64>> {
    let found: Option<(i64, String, Option<Date>, Option<Date>)> = enrolments::table
        .filter(enrolments::person_id.eq(person_id))
        .filter(enrolments::class_id.eq(session.class_id))
        .select((enrolments::id, enrolments::status, enrolments::enrolled_on, enrolments::withdrawn_on))
        .first(conn)
        .optional()?;
    Ok(found
        .filter(|(_, status, from, until)| {
            status == EnrolmentStatus::Enrolled.code() && rules::on_sheet(session.starts_at.date(), *from, *until)
        })
        .map(|(id, ..)| id))
}

/// Sessions under way at `now` (local time) in the running classes a person is enrolled in,
/// with the enrolment: where a typed short code may belong.
pub fn open_sessions_of(conn: &mut DbConn, person_id: i64, now: PrimitiveDateTime) -> StoreResult<Vec<(Session, i64)>> {
    Ok(class_sessions::table
        .inner_join(enrolments::table.on(enrolments::class_id.eq(class_sessions::class_id)))
        .inner_join(classes_t::table.on(classes_t::id.eq(class_sessions::class_id)))
        .filter(enrolments::person_id.eq(person_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Enrolled.code()))
        .filter(classes_t::status.eq("running"))
        .filter(class_sessions::starts_at.le(now))
        .filter(class_sessions::ends_at.gt(now))
        .select((Session::as_select(), enrolments::id))
        .load(conn)?)
}

// ---------------------------------------------------------------------------------------------
// Summaries

/// A learner of a class with their tally, for the class summary.
#[derive(Debug, Clone)]
pub struct SummaryLine {
    pub learner: Learner,
    pub tally: Tally,
}

/// The learners of a class within a scope, in list order, with their tallies.
pub fn summary(conn: &mut DbConn, class_id: i64, scope: &Scope) -> StoreResult<Vec<SummaryLine>> {
    let learners = learners(conn, class_id, scope)?;
    let ids: Vec<i64> = learners.iter().map(|l| l.enrolment_id).collect();
    let mut tallies =
        if matches!(scope, Scope::All) { tallies(conn, class_id)? } else { tallies_of(conn, class_id, &ids)? };
    Ok(learners
        .into_iter()
        .map(|learner| {
            let tally = tallies.remove(&learner.enrolment_id).unwrap_or_default();
            SummaryLine { learner, tally }
        })
        .collect())
}

/// Every mark of the learners of a class, for the session-by-session table of an export:
/// (enrolment, session) → status.
pub fn matrix(conn: &mut DbConn, class_id: i64) -> StoreResult<HashMap<(i64, i64), String>> {
    Ok(attendance::table
        .inner_join(class_sessions::table.on(class_sessions::id.eq(attendance::session_id)))
        .filter(class_sessions::class_id.eq(class_id))
        .select((attendance::enrolment_id, attendance::session_id, attendance::status))
        .load::<(i64, i64, String)>(conn)?
        .into_iter()
        .map(|(e, s, status)| ((e, s), status))
        .collect())
}

/// One of a learner's classes, with their attendance so far.
#[derive(Debug, Clone)]
pub struct LearnerClass {
    pub enrolment_id: i64,
    pub enrolment_status: String,
    pub class: Class,
    pub program: Program,
    pub tally: Tally,
    /// The class's sessions with the learner's mark (None: not marked, or not counted).
    pub sessions: Vec<(Session, Option<AttendanceRow>)>,
}

/// The classes a person is (or was) enrolled in, newest first, with their attendance.
pub fn of_learner(conn: &mut DbConn, person_id: i64) -> StoreResult<Vec<LearnerClass>> {
    of_learner_in(conn, person_id, &crate::domain::class::ClassStatus::ALL, true)
}

/// As `of_learner`, for the classes in the given statuses only (the home page shows those not
/// yet finished, and loads nothing of the others); without `with_sessions` the classes come
/// with their tallies only and no session list (the home page shows the counts).
pub fn of_learner_in(
    conn: &mut DbConn,
    person_id: i64,
    class_statuses: &[crate::domain::class::ClassStatus],
    with_sessions: bool,
) -> StoreResult<Vec<LearnerClass>> {
    // A person has few enrolments: they are read whole with their classes and programs in one
    // statement that stays prepared, and sorted out here.
    let enrolled: Vec<(i64, String, Option<Date>, Class, Program)> = enrolments::table
        .inner_join(classes_t::table.inner_join(programs_t::table))
        .filter(enrolments::person_id.eq(person_id))
        .order(enrolments::id.desc())
        .select((enrolments::id, enrolments::status, enrolments::enrolled_on, Class::as_select(), Program::as_select()))
        .load(conn)?;
    let wanted = |class: &Class| class_statuses.iter().any(|s| s.code() == class.status);
    let enrolled =
        enrolled.into_iter().filter(|(_, status, _, class, _)| ON_ROSTER.contains(&status.as_str()) && wanted(class));
    let mut out = Vec::new();
    for (enrolment_id, enrolment_status, enrolled_on, class, program) in enrolled {
        let class_id = class.id;
        let tally = tally_of_enrolment(conn, class_id, enrolment_id, enrolled_on)?;
        if !with_sessions {
            out.push(LearnerClass { enrolment_id, enrolment_status, class, program, tally, sessions: Vec::new() });
            continue;
        }
        let mut marks: HashMap<i64, AttendanceRow> =
            of_enrolment(conn, enrolment_id)?.into_iter().map(|r| (r.session_id, r)).collect();
        let sessions = sessions::of_class(conn, class_id)?
            .into_iter()
            .map(|s| (s.id, s))
            .map(|(id, s)| (s, marks.remove(&id)))
            .collect();
        out.push(LearnerClass { enrolment_id, enrolment_status, class, program, tally, sessions });
    }
    Ok(out)
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
