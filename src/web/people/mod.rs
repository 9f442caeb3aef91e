//! People (học viên): list with search, filters and pages; a person's page; add and edit.

mod forms;
mod handlers;
pub mod views;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    r.get("/people", handlers::list);
    r.post("/people", handlers::create);
    r.get("/people/new", handlers::new_form);
    r.get("/people/{id}", handlers::show);
    r.post("/people/{id}", handlers::update);
    r.get("/people/{id}/edit", handlers::edit_form);
}
