//! Accounts (tài khoản): the admin finds them by name or email and role, creates them (the new
//! user gets an invitation email to set a password), links a person found by name, edits
//! roles, a secretary's chi bộ and whether the account is active, and resets passwords (a
//! one-time password shown once, to be changed at the next login).

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
