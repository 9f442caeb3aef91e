//! The audit log (nhật ký thay đổi), for admins: who changed what, when, before and after.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::extract::AdminUser;
use super::error::AppResult;
use super::render::Page;
use super::routes::Router;
use super::state::AppState;
use crate::domain::dates;
use crate::i18n::{self, Lang};
use crate::store::audit::{self, AuditEvent, AuditFilter};

const PER_PAGE: i64 = 50;
const ENTITIES: [&str; 6] = ["person", "org_unit", "program", "account", "settings", "email"];

pub fn routes(r: &mut Router) {
    r.get("/audit", list);
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    entity: String,
    id: String,
    page: String,
}

#[derive(Serialize)]
struct EventRow {
    at: String,
    actor: String,
    entity: String,
    entity_id: Option<i64>,
    action: String,
    before: Option<String>,
    after: Option<String>,
    reason: Option<String>,
}

#[derive(Serialize)]
struct EntityOption {
    code: &'static str,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct AuditView {
    events: Vec<EventRow>,
    entities: Vec<EntityOption>,
    id: String,
    total: i64,
    current_page: i64,
    pages: i64,
    previous: Option<String>,
    next: Option<String>,
}

/// JSON as people read it: indented, and the same text whatever the backend stored.
fn pretty(json: Option<String>) -> Option<String> {
    json.map(|j| {
        serde_json::from_str::<serde_json::Value>(&j)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or(j)
    })
}

fn row(lang: Lang, e: AuditEvent) -> EventRow {
    EventRow {
        at: dates::format_timestamp(e.at),
        actor: e.actor_label,
        entity: i18n::t(lang, &format!("audit.entity.{}", e.entity)),
        entity_id: e.entity_id,
        action: i18n::t(lang, &format!("audit.action.{}", e.action)),
        before: pretty(e.before_json),
        after: pretty(e.after_json),
        reason: e.reason,
    }
}

async fn list(
    _: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let entity = ENTITIES.iter().find(|e| **e == query.entity).map(|e| (*e).to_owned());
    let filter = AuditFilter { entity: entity.clone(), entity_id: query.id.trim().parse().ok() };
    let number = query.page.parse::<i64>().unwrap_or(1).max(1);
    let result = state.db(move |c| audit::list(c, &filter, number, PER_PAGE)).await?;
    let link = |n: i64| format!("/audit?entity={}&id={}&page={n}", entity.clone().unwrap_or_default(), query.id.trim());
    let pages = result.pages();
    let lang = page.lang;
    let view = AuditView {
        entities: ENTITIES
            .iter()
            .map(|code| EntityOption {
                code,
                label: i18n::t(lang, &format!("audit.entity.{code}")),
                selected: Some(*code) == entity.as_deref(),
            })
            .collect(),
        id: query.id.trim().to_owned(),
        total: result.total,
        current_page: result.page,
        pages,
        previous: (result.page > 1).then(|| link(result.page - 1)),
        next: (result.page < pages).then(|| link(result.page + 1)),
        events: result.items.into_iter().map(|e| row(lang, e)).collect(),
    };
    page.titled("audit.title").render("audit/list", &view)
}
