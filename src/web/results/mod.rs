//! Results of the final essay (kết quả bài thu hoạch): the sheet on which scores, "absent" and
//! re-sits are entered while the class is assessed; the review, the results decision and the
//! lock; amendments after locking (staff, with a reason, audited); the results list (bảng
//! điểm) with the counts per band as a page that prints, a PDF and a spreadsheet; and the
//! attendance summary as a PDF.
//!
//! Access: the sheet belongs to staff and to the lecturers who teach a session of the class
//! (they mark the essays; another class answers 404); locking and amendments to staff. The
//! results list to staff, the class's lecturers and — for their own people, and with scores
//! only once locked — secretaries.

mod list;
mod sheet;

pub use sheet::{ResultView, result_view};

use super::attendance::is_staff;
use super::auth::extract::{CurrentUser, scope_in};
use super::error::AppResult;
use super::routes::Router;
use super::state::AppState;
use crate::domain::role::Role;
use crate::store::{Scope, StoreError, attendance};

pub fn routes(r: &mut Router) {
    r.get("/classes/{id}/results", sheet::show)
        .post("/classes/{id}/results", sheet::save)
        .post("/classes/{id}/results/amend", sheet::amend)
        .post("/classes/{id}/results/lock", sheet::lock)
        .get("/classes/{id}/results/list", list::show)
        .get("/classes/{id}/results.pdf", list::pdf)
        .get("/classes/{id}/results.xlsx", list::xlsx)
        .get("/classes/{id}/attendance.pdf", list::attendance_pdf);
}

/// Whether `user` may enter results in the class: staff any, a lecturer one they teach in
/// (anything else is NotFound).
async fn may_enter(state: &AppState, user: &CurrentUser, class_id: i64) -> AppResult<()> {
    if is_staff(user) {
        return Ok(());
    }
    let user_id = user.id();
    let lecturer = user.has(Role::Lecturer);
    state
        .db(
            move |c| {
                if lecturer && attendance::teaches(c, user_id, class_id)? { Ok(()) } else { Err(StoreError::NotFound) }
            },
        )
        .await
}

/// What a reader may see of a class's lists: everyone (staff, the class's lecturers) or their
/// units' learners (a secretary). A class with nothing for them is NotFound.
async fn read_scope(state: &AppState, user: &CurrentUser, class_id: i64) -> AppResult<Scope> {
    if is_staff(user) {
        return Ok(Scope::All);
    }
    let account = user.clone();
    let user_id = user.id();
    state
        .db(move |c| {
            if account.has(Role::Lecturer) && attendance::teaches(c, user_id, class_id)? {
                return Ok(Scope::All);
            }
            if account.has(Role::Secretary) {
                let scope = scope_in(c, &account)?;
                if attendance::classes_with_learners_in(c, &scope)?.contains(&class_id) {
                    return Ok(scope);
                }
            }
            Err(StoreError::NotFound)
        })
        .await
}
