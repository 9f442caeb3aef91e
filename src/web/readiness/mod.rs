//! Admission and recognition dossiers: the secretary's workspace (`/dossiers`), one person's
//! dossier with its checklist and probation clock (`/people/{id}/dossier`), and the admin's page
//! of the steps (`/settings/readiness-steps`). Every store call is scoped: another chi bộ's
//! person answers 404.

mod dossier;
mod steps;
pub(crate) mod views;
mod workspace;

use super::routes::Router;

pub fn routes(r: &mut Router) {
    r.get("/dossiers", workspace::list);
    r.get("/people/{id}/dossier", dossier::show);
    r.post("/people/{id}/dossier/facts", dossier::save_facts);
    r.post("/people/{id}/dossier/steps/{step_id}", dossier::confirm);
    r.post("/people/{id}/dossier/steps/{step_id}/undo", dossier::undo);
    r.get("/settings/readiness-steps", steps::list);
    r.post("/settings/readiness-steps/{id}", steps::update);
    r.get("/orgs/{id}/unions", steps::unions_form);
    r.post("/orgs/{id}/unions", steps::save_unions);
}
