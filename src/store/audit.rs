//! The audit log: who changed what, when, with the record before and after.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use super::people::Person;
use super::{DbConn, StoreResult};
use crate::db::schema::{audit_events, org_units, outbox, people, programs, users};
use crate::domain::dates;

/// Who is acting; the label is kept so the log stays readable if the account is removed.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    pub fn system(label: &str) -> Self {
        Self { user_id: None, label: label.to_owned() }
    }
}

/// Records one change. Call it inside the transaction that makes the change.
pub fn record<B: Serialize, A: Serialize>(
    conn: &mut DbConn,
    actor: &Actor,
    entity: &str,
    entity_id: Option<i64>,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> StoreResult<()> {
    record_with_reason(conn, actor, entity, entity_id, action, before, after, None)
}

/// Records one change with the reason its author gave (an amendment of frozen attendance or
/// of locked results). Call it inside the transaction that makes the change.
#[allow(clippy::too_many_arguments)]
pub fn record_with_reason<B: Serialize, A: Serialize>(
    conn: &mut DbConn,
    actor: &Actor,
    entity: &str,
    entity_id: Option<i64>,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
    reason: Option<&str>,
) -> StoreResult<()> {
    let to_json = |v: &dyn erased::Json| v.json();
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::at.eq(dates::now()),
            audit_events::actor_user_id.eq(actor.user_id),
            audit_events::actor_label.eq(&actor.label),
            audit_events::entity.eq(entity),
            audit_events::entity_id.eq(entity_id),
            audit_events::action.eq(action),
            audit_events::before_json.eq(before.map(|b| to_json(&b))),
            audit_events::after_json.eq(after.map(|a| to_json(&a))),
            audit_events::reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records one event per entity of a batch — the same actor, kind of entity and action, each
/// entity with its record after the change — with multi-row inserts. Call it inside the
/// transaction that makes the changes.
pub fn record_each<A: Serialize>(
    conn: &mut DbConn,
    actor: &Actor,
    entity: &str,
    action: &str,
    changes: &[(i64, &A)],
) -> StoreResult<()> {
    let at = dates::now();
    for chunk in changes.chunks(super::INSERT_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(id, after)| {
                (
                    audit_events::at.eq(at),
                    audit_events::actor_user_id.eq(actor.user_id),
                    audit_events::actor_label.eq(actor.label.clone()),
                    audit_events::entity.eq(entity.to_owned()),
                    audit_events::entity_id.eq(Some(*id)),
                    audit_events::action.eq(action.to_owned()),
                    audit_events::before_json.eq(None::<String>),
                    audit_events::after_json.eq(Some(erased::Json::json(after))),
                    audit_events::reason.eq(None::<String>),
                )
            })
            .collect();
        super::with_rows!(rows, |rows| super::on_backend!(&mut *conn, |c| diesel::insert_into(audit_events::table)
            .values(rows)
            .execute(c)?));
    }
    Ok(())
}

mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct AuditEvent {
    pub id: i64,
    pub at: time::PrimitiveDateTime,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
}

pub fn list(
    conn: &mut DbConn,
    filter: &AuditFilter,
    page: i64,
    per_page: i64,
) -> StoreResult<super::Paged<AuditEvent>> {
    let build = || {
        let mut q = audit_events::table.into_boxed();
        if let Some(entity) = &filter.entity {
            q = q.filter(audit_events::entity.eq(entity.clone()));
        }
        if let Some(id) = filter.entity_id {
            q = q.filter(audit_events::entity_id.eq(id));
        }
        q
    };
    let total: i64 = build().count().get_result(conn)?;
    let items = build()
        .order(audit_events::id.desc())
        .limit(per_page)
        .offset((page - 1).max(0) * per_page)
        .select((
            audit_events::id,
            audit_events::at,
            audit_events::actor_user_id,
            audit_events::actor_label,
            audit_events::entity,
            audit_events::entity_id,
            audit_events::action,
            audit_events::before_json,
            audit_events::after_json,
            audit_events::reason,
        ))
        .load(conn)?;
    Ok(super::Paged { items, total, page, per_page })
}

/// The records an audit page mentions by id, by kind.
#[derive(Debug, Default, Clone)]
pub struct Mentioned {
    pub org_units: Vec<i64>,
    pub people: Vec<i64>,
    pub accounts: Vec<i64>,
    pub programs: Vec<i64>,
    pub emails: Vec<i64>,
}

/// Names for the ids a page mentions: an org unit's, a person's, an account's display name, a
/// program's, an email's recipient. An id missing here belongs to a record that is gone.
#[derive(Debug, Default, Clone)]
pub struct Names {
    pub org_units: HashMap<i64, String>,
    pub people: HashMap<i64, String>,
    pub accounts: HashMap<i64, String>,
    pub programs: HashMap<i64, String>,
    pub emails: HashMap<i64, String>,
}

/// Looks the names up with one query per kind, whatever the number of events on the page.
pub fn names(conn: &mut DbConn, mentioned: &Mentioned) -> StoreResult<Names> {
    fn unique(ids: &[i64]) -> Vec<i64> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
    let mut names = Names::default();
    let ids = unique(&mentioned.org_units);
    if !ids.is_empty() {
        names.org_units = org_units::table
            .filter(org_units::id.eq_any(ids))
            .select((org_units::id, org_units::name))
            .load(conn)?
            .into_iter()
            .collect();
    }
    let ids = unique(&mentioned.people);
    if !ids.is_empty() {
        let found: Vec<Person> = people::table.filter(people::id.eq_any(ids)).select(Person::as_select()).load(conn)?;
        names.people = found.iter().map(|p| (p.id, p.full_name())).collect();
    }
    let ids = unique(&mentioned.accounts);
    if !ids.is_empty() {
        names.accounts = users::table
            .filter(users::id.eq_any(ids))
            .select((users::id, users::display_name))
            .load(conn)?
            .into_iter()
            .collect();
    }
    let ids = unique(&mentioned.programs);
    if !ids.is_empty() {
        names.programs = programs::table
            .filter(programs::id.eq_any(ids))
            .select((programs::id, programs::name))
            .load(conn)?
            .into_iter()
            .collect();
    }
    let ids = unique(&mentioned.emails);
    if !ids.is_empty() {
        names.emails = outbox::table
            .filter(outbox::id.eq_any(ids))
            .select((outbox::id, outbox::recipient_email))
            .load(conn)?
            .into_iter()
            .collect();
    }
    Ok(names)
}

/// Who last changed a record and when (UTC), for the "saved meanwhile by …" message of a
/// stale form: the account's current name when there is one, else the label kept in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LastChange {
    pub who: String,
    pub at: time::PrimitiveDateTime,
}

pub fn last_change(conn: &mut DbConn, entity: &str, entity_id: i64) -> StoreResult<Option<LastChange>> {
    let found: Option<(time::PrimitiveDateTime, Option<i64>, String)> = audit_events::table
        .filter(audit_events::entity.eq(entity))
        .filter(audit_events::entity_id.eq(entity_id))
        .order(audit_events::id.desc())
        .select((audit_events::at, audit_events::actor_user_id, audit_events::actor_label))
        .first(conn)
        .optional()?;
    let Some((at, user, label)) = found else { return Ok(None) };
    let name: Option<String> = match user {
        Some(id) => users::table.find(id).select(users::display_name).get_result(conn).optional()?,
        None => None,
    };
    Ok(Some(LastChange { who: name.unwrap_or(label), at }))
}
