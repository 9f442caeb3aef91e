//! What the secretary records: a step confirmed or undone, the dossier's facts; each audited.

use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;
use time::{Date, PrimitiveDateTime};

use crate::db::schema::{org_units, people, readiness_items, readiness_steps};
use crate::domain::readiness::{self as rules, Facts, ItemStatus, StepKind};
use crate::store::audit::{self, Actor};
use crate::store::{DbConn, Scope, StoreError, StoreResult};

use super::facts::{DossierPerson, dossier_person};
use super::steps::{StepRecord, find_step};

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
    crate::store::write_tx(conn, |conn| {
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
    crate::store::write_tx(conn, |conn| {
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
    crate::store::write_tx(conn, |conn| {
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
    crate::store::write_tx(conn, |conn| {
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
