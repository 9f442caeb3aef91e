//! QR self check-in: a learner marked present or late once, and the sessions they may check
//! in to now.

use diesel::prelude::*;
use time::{Date, PrimitiveDateTime};

use crate::db::schema::{attendance, class_sessions, classes as classes_t, enrolments};
use crate::domain::attendance::{self as rules, Mark};
use crate::domain::enrolment::EnrolmentStatus;
use crate::store::sessions::Session;
use crate::store::{DbConn, StoreResult};

use super::{AttendanceRow, SOURCE_QR};

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
    crate::store::write_tx(conn, |conn| {
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
