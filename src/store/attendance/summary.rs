//! Summaries: a class's learners with their tallies, the class's marks as a matrix, and a
//! learner's classes with theirs.

use std::collections::HashMap;

use diesel::prelude::*;
use time::Date;

use crate::db::schema::{attendance, class_sessions, classes as classes_t, enrolments, programs as programs_t};
use crate::domain::attendance::Tally;
use crate::store::classes::Class;
use crate::store::programs::Program;
use crate::store::sessions::{self, Session};
use crate::store::{DbConn, Scope, StoreResult};

use super::{AttendanceRow, Learner, ON_ROSTER, learners, of_enrolment, tallies, tallies_of, tally_of_enrolment};

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
