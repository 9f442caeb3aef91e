//! Classes (lớp): the list, creating one from a program, its overview with the status and the
//! guards still blocking the next step, editing its details with optimistic locking, and moving
//! it forward. Staff and admins manage every class; a lecturer reads the classes they teach
//! (any other class answers 404).

pub mod forms;
mod handlers;
pub mod views;

use std::sync::OnceLock;

use crate::domain::role::Role;
use crate::store::classes::{self, Class};
use crate::store::{DbConn, StoreError, StoreResult, sessions};
use crate::web::auth::extract::CurrentUser;
use crate::web::routes::{Access, Router};

pub fn routes(r: &mut Router) {
    r.get("/classes", handlers::list)
        .post("/classes", handlers::create)
        .get("/classes/new", handlers::new_form)
        .get("/classes/{id}", handlers::show)
        .get("/classes/{id}/edit", handlers::edit_form)
        .post("/classes/{id}/edit", handlers::update)
        .post("/classes/{id}/advance", handlers::advance)
        .post("/classes/{id}/results-decision", handlers::results_decision);
}

/// The sections of a class, linked from its overview: (path under /classes/{id}/, label key).
/// A link shows only once a GET route for it exists and the reader's role may open it, so each
/// feature's branch only has to register its route (extend the list for a new section).
pub const SECTIONS: [(&str, &str); 7] = [
    ("sessions", "class.section.sessions"),
    ("timetable", "class.section.timetable"),
    ("roster", "class.section.roster"),
    ("attendance", "class.section.attendance"),
    ("results", "class.section.results"),
    ("certificates", "class.section.certificates"),
    ("confirmations", "confirmation.class.title"),
];

/// The GET routes of the application with their rules, read once.
fn get_routes() -> &'static [(&'static str, Access)] {
    static ROUTES: OnceLock<Vec<(&'static str, Access)>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        crate::web::route_table()
            .into_iter()
            .filter(|s| s.method == actix_web::http::Method::GET)
            .map(|s| (s.path, s.access))
            .collect()
    })
}

/// The sections this user may open, as (suffix, label key).
pub fn sections_for(user: &CurrentUser) -> Vec<(&'static str, &'static str)> {
    SECTIONS
        .iter()
        .filter(|(suffix, _)| {
            let path = format!("/classes/{{id}}/{suffix}");
            get_routes().iter().any(|(p, access)| *p == path && access.allows(&user.roles))
        })
        .copied()
        .collect()
}

/// Whether the user manages classes (staff, admins) rather than reading their own (lecturers).
pub fn manages(user: &CurrentUser) -> bool {
    user.has(Role::Admin) || user.has(Role::Staff)
}

/// A class this user may see: any class for staff and admins, for a lecturer only a class in
/// which they teach; another one reads as not found.
pub fn visible(conn: &mut DbConn, user: &CurrentUser, id: i64) -> StoreResult<Class> {
    let class = classes::find(conn, id)?;
    if manages(user) || (user.has(Role::Lecturer) && sessions::class_ids_taught_by(conn, user.id())?.contains(&id)) {
        Ok(class)
    } else {
        Err(StoreError::NotFound)
    }
}
