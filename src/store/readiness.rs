//! Admission and recognition dossiers: the steps an admin edits, what the secretary recorded
//! for each person, and the checklist computed from them with the person's certificates
//! (`domain::readiness`); the probation clock (`domain::probation`) and its month-9 warning
//! emails. Every read and write of a person's dossier is scoped: another unit's person is
//! NotFound.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;
use time::{Date, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::outbox::{self, NewEmail};
use super::{DbConn, Paged, Scope, StoreError, StoreResult};
use crate::db::schema::{
    certificates, classes, enrolments, holidays, org_units, people, programs, readiness_items, readiness_steps, users,
};
use crate::domain::certificate::CertificateStatus;
use crate::domain::class::ClassStatus;
use crate::domain::dates;
use crate::domain::person::{Status, add_months};
use crate::domain::probation::{self, ProbationState};
use crate::domain::readiness::{
    self as rules, CertificateFact, Computed, CourseStage, EnrolmentFact, Facts, Item, ItemStatus, PathKind, Step,
    StepKind,
};

pub const PROGRAM_AWARENESS: &str = "NTVD";
pub const PROGRAM_NEW_MEMBER: &str = "DVM";
pub const TEMPLATE_PROBATION_WARNING: &str = "probation_warning";

// ---------------------------------------------------------------------------------------------
// Steps

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = readiness_steps)]
pub struct StepRecord {
    pub id: i64,
    pub path: String,
    pub position: i32,
    pub code: String,
    pub label: String,
    pub form_code: Option<String>,
    pub kind: String,
    pub program_code: Option<String>,
    pub lapses: bool,
    pub required: bool,
    pub active: bool,
}

impl StepRecord {
    pub fn kind(&self) -> StepKind {
        StepKind::parse(&self.kind).unwrap_or(StepKind::Manual)
    }
    fn to_step(&self) -> Step {
        Step {
            id: self.id,
            position: self.position,
            code: self.code.clone(),
            label: self.label.clone(),
            form_code: self.form_code.clone(),
            kind: self.kind(),
            program_code: self.program_code.clone(),
            lapses: self.lapses,
            required: self.required,
        }
    }
}

/// Every step of both paths, in order, active or not (the admin's page).
pub fn all_steps(conn: &mut DbConn) -> StoreResult<Vec<StepRecord>> {
    Ok(readiness_steps::table
        .order((readiness_steps::path, readiness_steps::position, readiness_steps::id))
        .select(StepRecord::as_select())
        .load(conn)?)
}

pub fn find_step(conn: &mut DbConn, id: i64) -> StoreResult<StepRecord> {
    Ok(readiness_steps::table.find(id).select(StepRecord::as_select()).first(conn)?)
}

fn active_steps(conn: &mut DbConn) -> StoreResult<Vec<StepRecord>> {
    Ok(readiness_steps::table
        .filter(readiness_steps::active.eq(true))
        .order((readiness_steps::position, readiness_steps::id))
        .select(StepRecord::as_select())
        .load(conn)?)
}

/// What an admin may change of a step: its wording, form code, place and whether it counts.
/// The code, kind and path stay: the rules read them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StepInput {
    pub label: String,
    pub form_code: Option<String>,
    pub position: i32,
    pub required: bool,
    pub active: bool,
}

pub fn update_step(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    input: &StepInput,
    now: PrimitiveDateTime,
) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = find_step(conn, id)?;
        diesel::update(readiness_steps::table.find(id))
            .set((
                readiness_steps::label.eq(&input.label),
                readiness_steps::form_code.eq(&input.form_code),
                readiness_steps::position.eq(input.position),
                readiness_steps::required.eq(input.required),
                readiness_steps::active.eq(input.active),
                readiness_steps::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(conn, actor, "readiness_step", Some(id), "update", Some(&before), Some(input))
    })
}

// ---------------------------------------------------------------------------------------------
// The facts of people

/// The person's fields the dossier needs, with their unit's.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct DossierPerson {
    pub id: i64,
    pub full_name: String,
    pub date_of_birth: Date,
    pub status: String,
    pub org_unit_id: i64,
    pub youth_union_member: bool,
    pub planned_meeting_on: Option<Date>,
    pub introduced_by: Option<String>,
    pub admission_decision_date: Option<Date>,
    pub ceremony_date: Option<Date>,
    pub unit_has_youth_union: bool,
    pub unit_has_trade_union: bool,
}

type DossierColumns = (
    people::id,
    people::full_name,
    people::date_of_birth,
    people::status,
    people::org_unit_id,
    people::youth_union_member,
    people::planned_meeting_on,
    people::introduced_by,
    people::admission_decision_date,
    people::ceremony_date,
    org_units::has_youth_union,
    org_units::has_trade_union,
);

const DOSSIER_COLUMNS: DossierColumns = (
    people::id,
    people::full_name,
    people::date_of_birth,
    people::status,
    people::org_unit_id,
    people::youth_union_member,
    people::planned_meeting_on,
    people::introduced_by,
    people::admission_decision_date,
    people::ceremony_date,
    org_units::has_youth_union,
    org_units::has_trade_union,
);

impl DossierPerson {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Candidate)
    }
    fn facts(&self) -> Facts {
        Facts {
            status: self.status(),
            date_of_birth: self.date_of_birth,
            youth_union_member: self.youth_union_member,
            unit_has_youth_union: self.unit_has_youth_union,
            unit_has_trade_union: self.unit_has_trade_union,
            planned_meeting_on: self.planned_meeting_on,
            admission_decision_date: self.admission_decision_date,
            ceremony_date: self.ceremony_date,
        }
    }
    pub fn path(&self) -> PathKind {
        PathKind::for_status(self.status())
    }
}

/// One person in scope, or NotFound.
pub fn dossier_person(conn: &mut DbConn, scope: &Scope, person_id: i64) -> StoreResult<DossierPerson> {
    let person: DossierPerson = people::table
        .inner_join(org_units::table)
        .filter(people::id.eq(person_id))
        .select(DOSSIER_COLUMNS)
        .first(conn)?;
    if scope.allows(person.org_unit_id) { Ok(person) } else { Err(StoreError::NotFound) }
}

/// How many ids one query binds: well under the backends' limits on parameters.
const IDS_PER_QUERY: usize = 5_000;

/// Runs `load` over the ids in chunks and gathers the rows.
fn chunked<T>(
    conn: &mut DbConn,
    ids: &[i64],
    mut load: impl FnMut(&mut DbConn, &[i64]) -> StoreResult<Vec<T>>,
) -> StoreResult<Vec<T>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IDS_PER_QUERY) {
        out.extend(load(conn, chunk)?);
    }
    Ok(out)
}

type ItemRow = (i64, i64, String, Option<Date>, Option<String>, Option<String>, String, PrimitiveDateTime, i32);

/// Items recorded for these people, with the name of who confirmed each.
fn items_of(conn: &mut DbConn, person_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<Item>>> {
    let rows: Vec<ItemRow> = chunked(conn, person_ids, |conn, person_ids| {
        let q = readiness_items::table.inner_join(users::table.on(users::id.eq(readiness_items::confirmed_by)));
        Ok(super::one_or_any!(q, readiness_items::person_id, person_ids)
            .select((
                readiness_items::person_id,
                readiness_items::step_id,
                readiness_items::status,
                readiness_items::done_on,
                readiness_items::reference,
                readiness_items::note,
                users::display_name,
                readiness_items::confirmed_at,
                readiness_items::version,
            ))
            .load(conn)?)
    })?;
    let mut out: HashMap<i64, Vec<Item>> = HashMap::new();
    for (person_id, step_id, status, done_on, reference, note, by, at, version) in rows {
        let Some(status) = ItemStatus::parse(&status) else { continue };
        out.entry(person_id).or_default().push(Item {
            step_id,
            status,
            done_on,
            reference,
            note,
            confirmed_by: Some(by),
            confirmed_at: Some(at),
            version,
        });
    }
    Ok(out)
}

type CertificateRow = (i64, String, i32, i32, Date, Option<Date>, String);

/// The certificates of these people, with their program's code.
fn certificates_of(conn: &mut DbConn, person_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<CertificateFact>>> {
    let rows: Vec<CertificateRow> = chunked(conn, person_ids, |conn, person_ids| {
        let q = certificates::table.inner_join(programs::table.on(programs::id.eq(certificates::program_id)));
        Ok(super::one_or_any!(q, certificates::person_id, person_ids)
            .select((
                certificates::person_id,
                programs::code,
                certificates::year,
                certificates::number,
                certificates::issued_on,
                certificates::expires_on,
                certificates::status,
            ))
            .load(conn)?)
    })?;
    let mut out: HashMap<i64, Vec<CertificateFact>> = HashMap::new();
    for (person_id, program_code, year, number, issued_on, expires_on, status) in rows {
        out.entry(person_id).or_default().push(CertificateFact {
            program_code,
            year,
            number,
            issued_on,
            expires_on,
            status: CertificateStatus::parse(&status).unwrap_or(CertificateStatus::Revoked),
        });
    }
    Ok(out)
}

fn enrolments_of(conn: &mut DbConn, person_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<EnrolmentFact>>> {
    let rows: Vec<(i64, String, String, String)> = chunked(conn, person_ids, |conn, person_ids| {
        let q = enrolments::table
            .inner_join(classes::table)
            .inner_join(programs::table.on(programs::id.eq(classes::program_id)));
        Ok(super::one_or_any!(q, enrolments::person_id, person_ids)
            .select((enrolments::person_id, programs::code, enrolments::status, classes::status))
            .load(conn)?)
    })?;
    let mut out: HashMap<i64, Vec<EnrolmentFact>> = HashMap::new();
    for (person_id, program_code, status, class_status) in rows {
        let finished = matches!(ClassStatus::parse(&class_status), Some(ClassStatus::Locked | ClassStatus::Closed));
        out.entry(person_id).or_default().push(EnrolmentFact { program_code, status, class_finished: finished });
    }
    Ok(out)
}

fn holidays_from(conn: &mut DbConn, from: Date) -> StoreResult<Vec<Date>> {
    Ok(holidays::table.filter(holidays::day.ge(from)).select(holidays::day).load(conn)?)
}

fn program_of(path: PathKind) -> &'static str {
    match path {
        PathKind::Admission => PROGRAM_AWARENESS,
        PathKind::Recognition => PROGRAM_NEW_MEMBER,
    }
}

fn has_valid(certificates: &[CertificateFact], program: &str) -> bool {
    certificates.iter().any(|c| c.program_code == program && c.status == CertificateStatus::Valid)
}

fn probation_of(
    person: &DossierPerson,
    certificates: &[CertificateFact],
    holidays: &[Date],
    today: Date,
) -> Option<ProbationState> {
    let ceremony = person.ceremony_date.filter(|_| person.status() == Status::Probationary)?;
    let dates = probation::dates(ceremony, holidays);
    Some(probation::state(dates, today, has_valid(certificates, PROGRAM_NEW_MEMBER)))
}

// ---------------------------------------------------------------------------------------------
// One person's checklist

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
    let course = rules::course_stage(program_of(path), &certificates, &enrolments, computed.judged_on, today);
    let holidays = match person.ceremony_date {
        Some(ceremony) => holidays_from(conn, ceremony)?,
        None => Vec::new(),
    };
    let probation = probation_of(&person, &certificates, &holidays, today);
    let unit_label = super::orgs::label(conn, person.org_unit_id)?;
    Ok(Checklist { person, unit_label, computed, course, probation })
}

// ---------------------------------------------------------------------------------------------
// Recording

/// What the secretary confirms for a step.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemInput {
    pub status: ItemStatus,
    pub done_on: Option<Date>,
    pub reference: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Queryable, Serialize)]
struct ItemRecord {
    id: i64,
    status: String,
    done_on: Option<Date>,
    reference: Option<String>,
    note: Option<String>,
    confirmed_by: i64,
    version: i32,
}

fn item_record(conn: &mut DbConn, person_id: i64, step_id: i64) -> StoreResult<Option<ItemRecord>> {
    Ok(readiness_items::table
        .filter(readiness_items::person_id.eq(person_id))
        .filter(readiness_items::step_id.eq(step_id))
        .select((
            readiness_items::id,
            readiness_items::status,
            readiness_items::done_on,
            readiness_items::reference,
            readiness_items::note,
            readiness_items::confirmed_by,
            readiness_items::version,
        ))
        .first(conn)
        .optional()?)
}

/// The step, if this person's path has it active and the secretary records it by hand; the
/// certificate row and the person's own dates are refused.
fn recordable_step(conn: &mut DbConn, person: &DossierPerson, step_id: i64) -> StoreResult<StepRecord> {
    let step = find_step(conn, step_id)?;
    if !step.active || step.path != person.path().code() {
        return Err(StoreError::NotFound);
    }
    if !step.kind().recorded_by_hand() {
        return Err(StoreError::Conflict("readiness.error.not_by_hand"));
    }
    Ok(step)
}

/// Records (or changes) a step of a person's dossier. `expected_version` is the version the
/// form showed (None when nothing was recorded): a change made meanwhile is refused.
#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    person_id: i64,
    step_id: i64,
    input: &ItemInput,
    expected_version: Option<i32>,
    today: Date,
    now: PrimitiveDateTime,
) -> StoreResult<()> {
    let user_id = actor.user_id.ok_or(StoreError::Conflict("error.forbidden"))?;
    super::write_tx(conn, |conn| {
        let person = dossier_person(conn, scope, person_id)?;
        let step = recordable_step(conn, &person, step_id)?;
        let before = item_record(conn, person_id, step_id)?;
        if before.as_ref().map(|b| b.version) != expected_version {
            return Err(StoreError::Conflict("readiness.error.changed_meanwhile"));
        }
        let values = (
            readiness_items::status.eq(input.status.code()),
            readiness_items::done_on.eq(input.done_on),
            readiness_items::reference.eq(&input.reference),
            readiness_items::note.eq(&input.note),
            readiness_items::confirmed_by.eq(user_id),
            readiness_items::confirmed_at.eq(now),
        );
        let id = match &before {
            Some(b) => {
                diesel::update(readiness_items::table.find(b.id))
                    .set((values, readiness_items::version.eq(b.version + 1)))
                    .execute(conn)?;
                b.id
            }
            None => {
                diesel::insert_into(readiness_items::table)
                    .values((
                        readiness_items::person_id.eq(person_id),
                        readiness_items::step_id.eq(step_id),
                        values,
                        readiness_items::version.eq(1),
                    ))
                    .execute(conn)?;
                item_record(conn, person_id, step_id)?.ok_or(StoreError::NotFound)?.id
            }
        };
        if step.kind() == StepKind::MembersIntroduction {
            let introduced_by = (input.status == ItemStatus::Done).then(|| {
                let on = person.planned_meeting_on.unwrap_or(today);
                rules::introduction(&person.facts(), on).code()
            });
            diesel::update(people::table.find(person_id)).set(people::introduced_by.eq(introduced_by)).execute(conn)?;
        }
        let after = json!({ "person_id": person_id, "step": step.code, "item": input });
        audit::record(conn, actor, "readiness_item", Some(id), "record", before.as_ref(), Some(&after))
    })
}

/// Removes what was recorded for a step (an undo), if it is still the version shown.
pub fn clear(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    person_id: i64,
    step_id: i64,
    expected_version: i32,
) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let person = dossier_person(conn, scope, person_id)?;
        let step = recordable_step(conn, &person, step_id)?;
        let Some(before) = item_record(conn, person_id, step_id)? else {
            return Err(StoreError::Conflict("readiness.error.changed_meanwhile"));
        };
        if before.version != expected_version {
            return Err(StoreError::Conflict("readiness.error.changed_meanwhile"));
        }
        diesel::delete(readiness_items::table.find(before.id)).execute(conn)?;
        if step.kind() == StepKind::MembersIntroduction {
            diesel::update(people::table.find(person_id))
                .set(people::introduced_by.eq(None::<String>))
                .execute(conn)?;
        }
        let after = json!({ "person_id": person_id, "step": step.code });
        audit::record(conn, actor, "readiness_item", Some(before.id), "clear", Some(&before), Some(&after))
    })
}

/// What the secretary says of the person on the dossier page: the planned meeting and Youth
/// Union membership.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DossierFacts {
    pub planned_meeting_on: Option<Date>,
    pub youth_union_member: bool,
}

pub fn set_facts(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    person_id: i64,
    input: &DossierFacts,
    today: Date,
) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let person = dossier_person(conn, scope, person_id)?;
        let before = DossierFacts {
            planned_meeting_on: person.planned_meeting_on,
            youth_union_member: person.youth_union_member,
        };
        // The person form saves them every time: an unchanged save leaves no trace.
        if &before == input {
            return Ok(());
        }
        diesel::update(people::table.find(person_id))
            .set((
                people::planned_meeting_on.eq(input.planned_meeting_on),
                people::youth_union_member.eq(input.youth_union_member),
            ))
            .execute(conn)?;
        // Who introduces depends on membership and age on the meeting day: a recorded
        // introduction follows them.
        let introduced = readiness_items::table
            .inner_join(readiness_steps::table)
            .filter(readiness_items::person_id.eq(person_id))
            .filter(readiness_steps::kind.eq(StepKind::MembersIntroduction.code()))
            .filter(readiness_items::status.eq(ItemStatus::Done.code()))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if introduced {
            let facts = Facts {
                planned_meeting_on: input.planned_meeting_on,
                youth_union_member: input.youth_union_member,
                ..person.facts()
            };
            let on = input.planned_meeting_on.unwrap_or(today);
            diesel::update(people::table.find(person_id))
                .set(people::introduced_by.eq(rules::introduction(&facts, on).code()))
                .execute(conn)?;
        }
        audit::record(conn, actor, "person", Some(person_id), "dossier_facts", Some(&before), Some(input))
    })
}

/// The planned meeting and Youth Union membership of a person in scope.
pub fn dossier_facts(conn: &mut DbConn, scope: &Scope, person_id: i64) -> StoreResult<DossierFacts> {
    let person = dossier_person(conn, scope, person_id)?;
    Ok(DossierFacts { planned_meeting_on: person.planned_meeting_on, youth_union_member: person.youth_union_member })
}

/// A unit's organisations, which decide who introduces its candidates.
pub fn set_unit_unions(
    conn: &mut DbConn,
    actor: &Actor,
    unit_id: i64,
    has_youth_union: bool,
    has_trade_union: bool,
) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before: (bool, bool) = org_units::table
            .find(unit_id)
            .select((org_units::has_youth_union, org_units::has_trade_union))
            .first(conn)?;
        diesel::update(org_units::table.find(unit_id))
            .set((org_units::has_youth_union.eq(has_youth_union), org_units::has_trade_union.eq(has_trade_union)))
            .execute(conn)?;
        let before = json!({ "has_youth_union": before.0, "has_trade_union": before.1 });
        let after = json!({ "has_youth_union": has_youth_union, "has_trade_union": has_trade_union });
        audit::record(conn, actor, "org_unit", Some(unit_id), "unions", Some(&before), Some(&after))
    })
}

pub fn unit_unions(conn: &mut DbConn, unit_id: i64) -> StoreResult<(bool, bool)> {
    Ok(org_units::table.find(unit_id).select((org_units::has_youth_union, org_units::has_trade_union)).first(conn)?)
}

// ---------------------------------------------------------------------------------------------
// The secretary's workspace

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
    let per_page = per_page.clamp(1, 500);
    let page = page.clamp(1, ((total + per_page - 1) / per_page).max(1));
    let people: Vec<DossierPerson> = listed()
        .order((people::sort_key, people::id))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select(DOSSIER_COLUMNS)
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
            let course = rules::course_stage(program_of(path), &certs, &enrolled, computed.judged_on, today);
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

// ---------------------------------------------------------------------------------------------
// Probation warnings

/// Queues the month-9 warnings due on `today`: for each probationary member from month 9 until
/// the end of probation without a valid new-member certificate, one email to each secretary of
/// their chi bộ, with a link to the dossier. The key names the person and the ceremony date, so each is sent once (and
/// again only if the ceremony date is corrected). Returns how many were queued.
pub fn queue_probation_warnings(conn: &mut DbConn, domain: &str, public_url: &str, today: Date) -> StoreResult<usize> {
    // Ceremonies between 12 months and 9 months ago (a day of slack on either side for the
    // clamping of month ends; the rule below decides).
    let from = add_months(today, -probation::PROBATION_MONTHS) - time::Duration::days(3);
    let until = add_months(today, -probation::WARNING_MONTH) + time::Duration::days(3);
    let members: Vec<DossierPerson> = people::table
        .inner_join(org_units::table)
        .filter(people::status.eq(Status::Probationary.code()))
        .filter(people::ceremony_date.ge(from))
        .filter(people::ceremony_date.le(until))
        .order(people::id)
        .select(DOSSIER_COLUMNS)
        .load(conn)?;
    let ids: Vec<i64> = members.iter().map(|p| p.id).collect();
    let certificates = certificates_of(conn, &ids)?;
    let holidays = holidays_from(conn, from)?;
    let mut queued = 0;
    for person in &members {
        let certs = certificates.get(&person.id).map(Vec::as_slice).unwrap_or_default();
        let Some(state) = probation_of(person, certs, &holidays, today) else { continue };
        if !state.warning {
            continue;
        }
        let unit = super::orgs::label(conn, person.org_unit_id)?;
        for (secretary, name, email) in super::orgs::secretaries_of(conn, person.org_unit_id)? {
            let language = super::users::find(conn, secretary)?.language;
            let message = NewEmail {
                key: format!("probation-warning:{}:{}:{secretary}", person.id, dates::iso(state.dates.ceremony)),
                to_email: email,
                to_name: name.clone(),
                user_id: Some(secretary),
                person_id: None,
                template: TEMPLATE_PROBATION_WARNING.into(),
                language,
                data: json!({
                    "name": name,
                    "member": person.full_name,
                    "unit": unit,
                    "ceremony": dates::format(state.dates.ceremony),
                    "ends_on": dates::format(state.dates.ends_on),
                    "days_left": state.days_left,
                    "link": format!("{}/people/{}/dossier", public_url.trim_end_matches('/'), person.id),
                }),
                attachment: None,
            };
            queued += super::write_tx(conn, |c| outbox::enqueue(c, &message, domain).map(usize::from))?;
        }
    }
    Ok(queued)
}
