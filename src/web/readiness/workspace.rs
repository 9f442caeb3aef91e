//! The secretary's workspace: every person of their chi bộ with their status, what comes next
//! and the state of their dossier; staff and admins see it across their scope, with the chi bộ.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::views::{self, Tagged};
use crate::domain::dates;
use crate::i18n::{self, Lang};
use crate::store::Scope;
use crate::store::orgs::UnitTree;
use crate::store::readiness::{self, WorkspaceFilter, WorkspaceRow};
use crate::web::auth::extract::{PeopleUser, scope_in};
use crate::web::error::AppResult;
use crate::web::page::Page;
use crate::web::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    show: String,
}

#[derive(Serialize)]
struct FilterLink {
    href: &'static str,
    label: String,
    current: bool,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    full_name: String,
    status: String,
    unit: String,
    course: Tagged,
    dossier: Tagged,
    /// The planned meeting, or the end of probation with the days left.
    when: String,
    warning: bool,
}

#[derive(Serialize)]
struct ListView {
    filters: Vec<FilterLink>,
    rows: Vec<Row>,
    show_unit: bool,
    total: String,
}

fn row(lang: Lang, r: WorkspaceRow, tree: &UnitTree) -> Row {
    let status = r.person.status();
    let when = match &r.probation {
        Some(p) => i18n::t_with(
            lang,
            "readiness.list.probation_ends",
            &[("date", &dates::format(p.dates.ends_on)), ("n", &p.days_left.max(0).to_string())],
        ),
        None => match r.person.planned_meeting_on {
            Some(d) => i18n::t_with(lang, "readiness.list.meeting_on", &[("date", &dates::format(d))]),
            None => i18n::t(lang, "readiness.list.no_meeting"),
        },
    };
    Row {
        id: r.person.id,
        full_name: r.person.full_name.clone(),
        status: views::status(lang, status),
        unit: tree.label(r.person.org_unit_id),
        course: views::course(lang, r.course, status),
        dossier: views::overall(lang, r.overall),
        when,
        warning: r.probation.as_ref().is_some_and(|p| p.warning || p.certificate_overdue),
    }
}

pub async fn list(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let filter = match query.show.as_str() {
        "candidates" => WorkspaceFilter::Candidates,
        "probationary" => WorkspaceFilter::Probationary,
        _ => WorkspaceFilter::Open,
    };
    let who = user.0.clone();
    let today = state.config.clock.today();
    let (rows, tree, scope) = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            let rows = readiness::workspace(c, &scope, filter, today)?;
            Ok((rows, UnitTree::load(c)?, scope))
        })
        .await?;
    let lang = page.lang;
    // A secretary of a single chi bộ does not need it on every row.
    let show_unit = match &scope {
        Scope::All => true,
        Scope::Units(_) => {
            let mut units: Vec<i64> = rows.iter().map(|r| r.person.org_unit_id).collect();
            units.sort_unstable();
            units.dedup();
            units.len() > 1
        }
    };
    let filters = [
        ("/dossiers", "readiness.list.all", WorkspaceFilter::Open),
        ("/dossiers?show=candidates", "readiness.list.candidates", WorkspaceFilter::Candidates),
        ("/dossiers?show=probationary", "readiness.list.probationary", WorkspaceFilter::Probationary),
    ]
    .into_iter()
    .map(|(href, key, f)| FilterLink { href, label: i18n::t(lang, key), current: f == filter })
    .collect();
    let total = i18n::t_with(lang, "common.total", &[("n", &crate::domain::numbers::format_int(rows.len() as i64))]);
    let view = ListView { filters, rows: rows.into_iter().map(|r| row(lang, r, &tree)).collect(), show_unit, total };
    page.titled("readiness.title").render("readiness/workspace", &view)
}
