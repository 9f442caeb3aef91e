//! One person's checklist, computed from their facts.

use serde::Serialize;
use time::Date;

use crate::domain::course_stage::{CourseStage, course_stage};
use crate::domain::probation::ProbationState;
use crate::domain::readiness::{self as rules, Computed, Step};
use crate::store::{DbConn, Scope, StoreResult};

use super::facts::{
    DossierPerson, certificates_of, dossier_person, enrolments_of, holidays_from, items_of, probation_of, program_of,
};
use super::steps::{StepRecord, active_steps};

/// A person's dossier: the checklist of their path, the course stage, and for a probationary
/// member the probation clock. Serializable: the portal and the API show it as it is.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub person: DossierPerson,
    pub unit_label: String,
    #[serde(flatten)]
    pub computed: Computed,
    pub course: CourseStage,
    pub probation: Option<ProbationState>,
}

pub fn checklist(conn: &mut DbConn, scope: &Scope, person_id: i64, today: Date) -> StoreResult<Checklist> {
    let person = dossier_person(conn, scope, person_id)?;
    let path = person.path();
    let steps: Vec<Step> =
        active_steps(conn)?.iter().filter(|s| s.path == path.code()).map(StepRecord::to_step).collect();
    let ids = [person_id];
    let items = items_of(conn, &ids)?.remove(&person_id).unwrap_or_default();
    let certificates = certificates_of(conn, &ids)?.remove(&person_id).unwrap_or_default();
    let enrolments = enrolments_of(conn, &ids)?.remove(&person_id).unwrap_or_default();
    let facts = person.facts();
    let computed = rules::compute(path, &steps, &items, &facts, &certificates, today);
    let course = course_stage(program_of(path), &certificates, &enrolments, computed.judged_on, today);
    let holidays = match person.ceremony_date {
        Some(ceremony) => holidays_from(conn, ceremony)?,
        None => Vec::new(),
    };
    let probation = probation_of(&person, &certificates, &holidays, today);
    let unit_label = crate::store::orgs::label(conn, person.org_unit_id)?;
    Ok(Checklist { person, unit_label, computed, course, probation })
}
