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
use crate::web::forms;
use crate::web::page::Page;
use crate::web::pager::{ListLink, Pager};
use crate::web::people::views::{OptionGroup, unit_groups};
use crate::web::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    show: String,
    /// A unit of the tree (staff and admins: a committee or a chi bộ).
    unit: String,
    page: String,
}

/// Rows per page: a chi bộ's people fit on one; a province's candidates take a few.
const PER_PAGE: i64 = 50;

#[derive(Serialize)]
struct FilterLink {
    href: String,
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
    show: &'static str,
    unit_groups: Vec<OptionGroup>,
    show_unit_filter: bool,
    rows: Vec<Row>,
    show_unit: bool,
    total: String,
    pager: Pager,
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
    let typed_unit = forms::id(&query.unit);
    let page_number = query.page.trim().parse().unwrap_or(1);
    let (paged, tree, scope, unit) = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            let tree = UnitTree::load(c)?;
            // A unit outside the user's units (an old link, a typed number) filters nothing.
            let unit = typed_unit.filter(|u| scope.allows(*u) && tree.get(*u).is_some());
            let narrowed = match unit {
                Some(u) => Scope::Units(tree.subtree(u).into_iter().filter(|id| scope.allows(*id)).collect()),
                None => scope.clone(),
            };
            let paged = readiness::workspace(c, &narrowed, filter, today, (page_number, PER_PAGE))?;
            Ok((paged, tree, scope, unit))
        })
        .await?;
    let lang = page.lang;
    // A secretary of a single chi bộ does not need it on every row.
    let mut units: Vec<i64> = paged.items.iter().map(|r| r.person.org_unit_id).collect();
    units.sort_unstable();
    units.dedup();
    let show_unit = matches!(scope, Scope::All) && unit.is_none() || units.len() > 1;
    let selected = unit.map(|u| u.to_string()).unwrap_or_default();
    let unit_groups = unit_groups(lang, &tree, |u| scope.allows(u.id), true, &selected);
    let show_unit_filter = unit_groups.iter().map(|g| g.options.len()).sum::<usize>() > 1;
    let unit_param = unit.map(|u| format!("unit={u}")).unwrap_or_default();
    let filters = [
        ("", "readiness.list.all", WorkspaceFilter::Open),
        ("show=candidates", "readiness.list.candidates", WorkspaceFilter::Candidates),
        ("show=probationary", "readiness.list.probationary", WorkspaceFilter::Probationary),
    ]
    .into_iter()
    .map(|(param, key, f)| {
        let query = [param, unit_param.as_str()].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("&");
        let href = if query.is_empty() { "/dossiers".to_owned() } else { format!("/dossiers?{query}") };
        FilterLink { href, label: i18n::t(lang, key), current: f == filter }
    })
    .collect();
    let show = match filter {
        WorkspaceFilter::Open => "",
        WorkspaceFilter::Candidates => "candidates",
        WorkspaceFilter::Probationary => "probationary",
    };
    let total = i18n::t_with(lang, "common.total", &[("n", &crate::domain::numbers::format_int(paged.total))]);
    let link = ListLink::new("/dossiers").filter("show", show).filter("unit", &selected);
    let pager = Pager::new(&paged, |n| link.page(n));
    let view = ListView {
        filters,
        show,
        unit_groups,
        show_unit_filter,
        rows: paged.items.into_iter().map(|r| row(lang, r, &tree)).collect(),
        show_unit,
        total,
        pager,
    };
    page.titled("readiness.title").render("readiness/workspace", &view)
}
