//! The audit log (nhật ký thay đổi), for admins: who changed what and when, each event read as
//! a sentence with the changed fields, the raw record behind a "Chi tiết" toggle.

mod views;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::extract::AdminUser;
use super::error::AppResult;
use super::page::Page;
use super::pager::{ListLink, Pager};
use super::routes::Router;
use super::state::AppState;
use crate::domain::numbers;
use crate::i18n;
use crate::store::audit::{self, AuditFilter};
use views::{EventView, Reader};

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
struct EntityOption {
    code: &'static str,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct AuditView {
    events: Vec<EventView>,
    entities: Vec<EntityOption>,
    id: String,
    total: String,
    pager: Pager,
}

async fn list(
    _: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> AppResult<HttpResponse> {
    let entity = ENTITIES.iter().find(|e| **e == query.entity).map(|e| (*e).to_owned());
    let entity_id: Option<i64> = query.id.trim().parse().ok();
    let filter = AuditFilter { entity: entity.clone(), entity_id };
    let number = query.page.parse::<i64>().unwrap_or(1).max(1);
    let (result, events, names) = state
        .db(move |c| {
            let mut result = audit::list(c, &filter, number, PER_PAGE)?;
            let events: Vec<views::Parsed> = std::mem::take(&mut result.items).into_iter().map(views::parse).collect();
            let names = audit::names(c, &views::mentioned(&events))?;
            Ok((result, events, names))
        })
        .await?;
    let id_param = entity_id.map(|id| id.to_string()).unwrap_or_default();
    let link = ListLink::new("/audit").filter("entity", entity.as_deref().unwrap_or_default()).filter("id", &id_param);
    let lang = page.lang;
    let reader = Reader { lang, names: &names };
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
        total: numbers::format_int(result.total),
        pager: Pager::new(&result, |n| link.page(n)),
        events: events.iter().map(|e| reader.event(e)).collect(),
    };
    page.titled("audit.title").render("audit/list", &view)
}
