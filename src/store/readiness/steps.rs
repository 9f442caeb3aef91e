//! The steps of the admission and recognition paths, as an admin edits them.

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use crate::db::schema::readiness_steps;
use crate::domain::readiness::{Step, StepKind};
use crate::store::audit::{self, Actor};
use crate::store::{DbConn, StoreResult};

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
    pub(super) fn to_step(&self) -> Step {
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

pub(super) fn active_steps(conn: &mut DbConn) -> StoreResult<Vec<StepRecord>> {
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
    crate::store::write_tx(conn, |conn| {
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
