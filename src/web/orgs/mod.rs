//! The Party organisation tree (tổ chức đảng): the whole tree, a unit's details and history,
//! and the changes staff make to it — create, rename, move, dissolve (after a page that says
//! what it means), bind secretaries to a chi bộ.

mod forms;
mod handlers;
pub(crate) mod views;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    // "/orgs/new" before "/orgs/{id}", so "new" is never read as an id.
    r.get("/orgs", handlers::tree)
        .get("/orgs/new", handlers::new_form)
        .post("/orgs", handlers::create)
        .get("/orgs/{id}", handlers::detail)
        .post("/orgs/{id}/rename", handlers::rename)
        .post("/orgs/{id}/move", handlers::move_unit)
        .get("/orgs/{id}/close", handlers::close_form)
        .post("/orgs/{id}/close", handlers::close)
        .post("/orgs/{id}/secretaries", handlers::secretaries);
}
