//! Programs (chương trình bồi dưỡng): the two courses, their lessons and their rules. Staff and
//! lecturers read them; the admin edits them.

mod forms;
mod handlers;
mod views;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    r.get("/programs", handlers::list)
        .get("/programs/{id}", handlers::show)
        .get("/programs/{id}/edit", handlers::edit_form)
        .post("/programs/{id}", handlers::update);
}
