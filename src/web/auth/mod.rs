//! Logging in and out, changing one's password, choosing the language; the session and CSRF
//! machinery the rest of the application relies on, and the client address login throttling
//! counts (the counting itself is in `store::login_throttle`, hashing in `credentials`).

pub mod client_address;
pub mod csrf;
pub mod extract;
mod handlers;
mod recovery;
pub mod session;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    r.get("/login", handlers::login_form)
        .post("/login", handlers::login)
        .post("/logout", handlers::logout)
        .get("/account/password", handlers::password_form)
        .post("/account/password", handlers::change_password)
        .post("/language", handlers::set_language)
        .get("/password/forgot", recovery::forgot_form)
        .post("/password/forgot", recovery::forgot)
        .get("/password/reset/{token}", recovery::reset_form)
        .post("/password/reset/{token}", recovery::reset_set)
        .get("/invite/{token}", recovery::invite_form)
        .post("/invite/{token}", recovery::invite_set);
}
