//! Accounts (tài khoản): the admin creates them with a one-time password, edits their roles,
//! secretary units and whether they are active, and resets passwords.

mod forms;
mod handlers;
mod views;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    // "/accounts/new" before "/accounts/{id}", so "new" is never read as an id.
    r.get("/accounts", handlers::list)
        .get("/accounts/new", handlers::new_form)
        .post("/accounts", handlers::create)
        .get("/accounts/{id}", handlers::edit_form)
        .post("/accounts/{id}", handlers::update)
        .post("/accounts/{id}/reset-password", handlers::reset_password);
}
