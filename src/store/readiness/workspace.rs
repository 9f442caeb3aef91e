//! The secretary's workspace: the people in scope, a page at a time, with their course stage
//! and dossier state.

use diesel::prelude::*;
use serde::Serialize;
use time::Date;

use crate::db::schema::{org_units, people};
use crate::domain::course_stage::{CourseStage, course_stage};
use crate::domain::probation::ProbationState;
use crate::domain::readiness::{self as rules, PathKind, Step};
use crate::store::{DbConn, Paged, Scope, StoreResult, page_within};

use super::facts::{DossierPerson, certificates_of, enrolments_of, holidays_from, items_of, probation_of, program_of};
use super::steps::{StepRecord, active_steps};

/// Which people the workspace lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkspaceFilter {
    /// Candidates and probationary members.
    Open,
    Candidates,
    Probationary,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceRow {
    pub person: DossierPerson,
    pub path: PathKind,
    pub course: CourseStage,
    pub overall: rules::Overall,
    pub missing: usize,
    pub judged_on: Date,
    pub probation: Option<ProbationState>,
}

/// One page of the people in scope with their status, course stage and dossier state, in list
/// order (a page past the end is the last one). A handful of queries whatever the number of
/// people: everything is loaded per table for the page and combined here.
pub fn workspace(
    conn: &mut DbConn,
    scope: &Scope,
    filter: WorkspaceFilter,
    today: Date,
    (page, per_page): (i64, i64),
) -> StoreResult<Paged<WorkspaceRow>> {
    let statuses: &[&str] = match filter {
        WorkspaceFilter::Open => &["candidate", "probationary"],
        WorkspaceFilter::Candidates => &["candidate"],
        WorkspaceFilter::Probationary => &["probationary"],
    };
    let listed = || {
        let mut q = people::table.inner_join(org_units::table).filter(people::status.eq_any(statuses)).into_boxed();
        if let Scope::Units(ids) = scope {
            q = q.filter(people::org_unit_id.eq_any(ids.clone()));
        }
        q
    };
    let total: i64 = listed().count().get_result(conn)?;
    let (page, per_page) = page_within(total, page, per_page);
    let people: Vec<DossierPerson> = listed()
        .order((people::sort_key, people::id))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(DossierPerson::as_select())
        .load(conn)?;
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let steps = active_steps(conn)?;
    let mut items = items_of(conn, &ids)?;
    let mut certificates = certificates_of(conn, &ids)?;
    let mut enrolments = enrolments_of(conn, &ids)?;
    let earliest = people.iter().filter_map(|p| p.ceremony_date).min();
    let holidays = match earliest {
        Some(from) => holidays_from(conn, from)?,
        None => Vec::new(),
    };
    let steps_of = |path: PathKind| -> Vec<Step> {
        steps.iter().filter(|s| s.path == path.code()).map(StepRecord::to_step).collect()
    };
    let (admission, recognition) = (steps_of(PathKind::Admission), steps_of(PathKind::Recognition));
    let rows = people
        .into_iter()
        .map(|person| {
            let path = person.path();
            let steps = if path == PathKind::Admission { &admission } else { &recognition };
            let items = items.remove(&person.id).unwrap_or_default();
            let certs = certificates.remove(&person.id).unwrap_or_default();
            let enrolled = enrolments.remove(&person.id).unwrap_or_default();
            let computed = rules::compute(path, steps, &items, &person.facts(), &certs, today);
            let course = course_stage(program_of(path), &certs, &enrolled, computed.judged_on, today);
            let probation = probation_of(&person, &certs, &holidays, today);
            WorkspaceRow {
                path,
                course,
                overall: computed.overall,
                missing: computed.missing,
                judged_on: computed.judged_on,
                probation,
                person,
            }
        })
        .collect();
    Ok(Paged { items: rows, total, page, per_page })
}
