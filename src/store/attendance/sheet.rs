//! A session and its sheet: the session with its class and program, who may mark it, its
//! learners in list order with their lines, and the sessions a line may be made up in.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::db::schema::{class_sessions, classes, enrolments, people, programs};
use crate::domain::attendance as rules;
use crate::domain::class as class_names;
use crate::store::classes::Class;
use crate::store::programs::Program;
use crate::store::sessions::{self, Session, SessionView};
use crate::store::{DbConn, Scope, StoreError, StoreResult};

use super::{AttendanceRow, ON_ROSTER, of_session};

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
    crate::store::read_tx(conn, |conn| {
        let (session, class, program) = class_sessions::table
            .inner_join(classes::table.inner_join(programs::table))
            .filter(class_sessions::id.eq(session_id))
            .filter(class_sessions::class_id.eq(class_id))
            .select((Session::as_select(), Class::as_select(), Program::as_select()))
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let session =
            sessions::with_names_of(conn, vec![session], &class, &program)?.pop().ok_or(StoreError::NotFound)?;
        Ok(SessionContext { session, class, program })
    })
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
