//! The audit log: who changed what, when, with the record before and after.

use diesel::prelude::*;
use serde::Serialize;

use super::{DbConn, StoreResult};
use crate::db::schema::audit_events;
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
        ))
        .execute(conn)?;
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
