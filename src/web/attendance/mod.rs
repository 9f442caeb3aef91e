//! Attendance (điểm danh): the sheet of a session (marked on a phone, one card per learner, one
//! transaction per save), amendments after the class moved on to assessing (staff, with a
//! reason, audited), QR self check-in (the lecturer's screen with a rotating code, the
//! learner's confirmation), the printable sign-in sheet, the class summary with eligibility
//! and its spreadsheet, and the list of sessions to mark.
//!
//! Access: the sheet, the check-in screen and the sign-in sheet belong to the session's
//! lecturer and to staff (another lecturer's session answers 404); the class summary to staff,
//! the class's lecturers and — for their own people only — secretaries; check-in to learners.

mod checkin;
mod sheet;
mod summary;
pub mod views;

use actix_web::web;

use super::auth::extract::CurrentUser;
use super::error::{AppError, AppResult};
use super::routes::Router;
use super::state::AppState;
use crate::domain::role::Role;
use crate::store::attendance::{self, SessionContext};

pub fn routes(r: &mut Router) {
    r.get("/attendance", summary::index)
        .get("/classes/{id}/attendance", summary::show)
        .get("/classes/{id}/attendance.xlsx", summary::xlsx)
        .get("/classes/{id}/sessions/{sid}/attendance", sheet::show)
        .post("/classes/{id}/sessions/{sid}/attendance", sheet::save)
        .post("/classes/{id}/sessions/{sid}/attendance/amend", sheet::amend)
        .get("/classes/{id}/sessions/{sid}/sheet", sheet::signin)
        .get("/classes/{id}/sessions/{sid}/checkin", checkin::screen)
        .get("/classes/{id}/sessions/{sid}/checkin/status.json", checkin::status)
        .get("/classes/{id}/sessions/{sid}/checkin/qr.svg", checkin::qr)
        .get("/checkin", checkin::learner_form)
        .post("/checkin", checkin::learner_submit);
}

/// Staff and admins work on every class.
pub fn is_staff(user: &CurrentUser) -> bool {
    user.has(Role::Admin) || user.has(Role::Staff)
}

/// A session of a class that `user` may mark: staff any, a lecturer their own (another
/// lecturer's session, like a missing one, is NotFound).
pub async fn teaching_context(
    state: &AppState,
    user: &CurrentUser,
    class_id: i64,
    session_id: i64,
) -> AppResult<SessionContext> {
    let ctx = state.db(move |c| attendance::context(c, class_id, session_id)).await?;
    if may_mark(user, &ctx) { Ok(ctx) } else { Err(AppError::NotFound) }
}

/// Whether `user` may mark the session of `ctx`: staff any, a lecturer their own.
pub fn may_mark(user: &CurrentUser, ctx: &SessionContext) -> bool {
    is_staff(user) || ctx.session.session.lecturer_user_id == Some(user.id())
}

/// The path of a class and session, from the route.
pub type SessionPath = web::Path<(i64, i64)>;
