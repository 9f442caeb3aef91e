//! Attendance (điểm danh) rows and the tally eligibility is computed from. The sheet, QR
//! check-in and amendments write here; results, certificates and the portals read the tallies.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use super::{DbConn, StoreResult};
use crate::db::schema::{attendance, class_sessions, enrolments};
use crate::domain::attendance::{Mark, Tally};

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

/// The tally of every enrolment of a class: the sessions that count for each learner (those
/// on or after the day they were enrolled) and their marks. Enrolments without marks get an
/// empty tally over their sessions.
pub fn tallies(conn: &mut DbConn, class_id: i64) -> StoreResult<HashMap<i64, Tally>> {
    let learners: Vec<(i64, Option<Date>)> = enrolments::table
        .filter(enrolments::class_id.eq(class_id))
        .select((enrolments::id, enrolments::enrolled_on))
        .load(conn)?;
    let session_days: Vec<(i64, PrimitiveDateTime)> = class_sessions::table
        .filter(class_sessions::class_id.eq(class_id))
        .select((class_sessions::id, class_sessions::starts_at))
        .load(conn)?;
    let marks: Vec<(i64, i64, String)> = attendance::table
        .inner_join(class_sessions::table.on(class_sessions::id.eq(attendance::session_id)))
        .filter(class_sessions::class_id.eq(class_id))
        .select((attendance::enrolment_id, attendance::session_id, attendance::status))
        .load(conn)?;
    let mut out: HashMap<i64, Tally> = HashMap::with_capacity(learners.len());
    for (enrolment, enrolled_on) in &learners {
        let counted = session_days.iter().filter(|(_, at)| enrolled_on.is_none_or(|d| at.date() >= d)).count();
        out.insert(*enrolment, Tally { sessions: counted as u32, ..Default::default() });
    }
    for (enrolment, _, status) in marks {
        if let (Some(tally), Some(mark)) = (out.get_mut(&enrolment), Mark::parse(&status)) {
            tally.add(mark);
        }
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
