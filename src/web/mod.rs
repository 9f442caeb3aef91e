//! The web layer: one folder per feature, each with its routes, handlers, forms and view
//! models; templates live in `templates/<feature>/`. `page` is the page frame every handler
//! renders into, `pager` the one pager of every list; the templates themselves are compiled by
//! `crate::render`.

pub mod accounts;
pub mod api;
pub mod assets;
pub mod attendance;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod certificates;
pub mod classes;
pub mod confirmations;
pub mod enrolment;
pub mod error;
pub mod forms;
pub mod health;
pub mod home;
pub mod mail;
pub mod middleware;
pub mod orgs;
pub mod page;
pub mod pager;
pub mod people;
pub mod portal;
pub mod programs;
pub mod readiness;
pub mod redirect;
pub mod remembered;
pub mod reports;
pub mod resources;
pub mod results;
pub mod routes;
pub mod schedule;
pub mod settings;
pub mod state;
pub mod verify;

use routes::{RouteSpec, Router};

/// Every route of the application with its access rule.
pub fn router() -> Router {
    let mut r = Router::default();
    health::routes(&mut r);
    assets::routes(&mut r);
    auth::routes(&mut r);
    home::routes(&mut r);
    people::routes(&mut r);
    orgs::routes(&mut r);
    programs::routes(&mut r);
    accounts::routes(&mut r);
    audit::routes(&mut r);
    mail::routes(&mut r);
    settings::routes(&mut r);
    classes::routes(&mut r);
    schedule::routes(&mut r);
    resources::routes(&mut r);
    calendar::routes(&mut r);
    enrolment::routes(&mut r);
    attendance::routes(&mut r);
    portal::routes(&mut r);
    certificates::routes(&mut r);
    verify::routes(&mut r);
    results::routes(&mut r);
    readiness::routes(&mut r);
    api::routes(&mut r);
    confirmations::routes(&mut r);
    reports::routes(&mut r);
    r
}

/// The route table, for the route × role test and the documentation.
pub fn route_table() -> Vec<RouteSpec> {
    router().specs().to_vec()
}
