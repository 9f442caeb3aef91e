//! The admission targets (chỉ tiêu kết nạp đảng viên) of each party organisation for a term:
//! the list, a form to add one, and a form to change one. Staff and admins set them; every
//! change is logged.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::{Choice, term_label, unit_choices};
use crate::domain::dates;
use crate::domain::numbers::format_int;
use crate::i18n::Lang;
use crate::store::orgs::UnitTree;
use crate::store::reports::{self, Target, TargetInput};
use crate::store::{StoreError, audit::Actor};
use crate::web::auth::extract::StaffUser;
use crate::web::error::AppResult;
use crate::web::forms::{self, FieldErrors};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

/// The largest target accepted (a province admits a few thousand members a year).
const TARGET_MAX: i32 = 100_000;

#[derive(Debug, Default, Deserialize, Clone)]
pub struct TargetForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    term_start: String,
    #[serde(default)]
    term_end: String,
    #[serde(default)]
    target: String,
}

impl TargetForm {
    fn of(t: &Target) -> Self {
        Self {
            unit: t.org_unit_id.to_string(),
            term_start: dates::format(t.term_start),
            term_end: dates::format(t.term_end),
            target: t.target.to_string(),
        }
    }

    fn read(&self, lang: Lang, tree: &UnitTree) -> Result<TargetInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let unit = forms::id(&self.unit).filter(|id| tree.get(*id).is_some());
        if unit.is_none() {
            errors.add(lang, "unit", "report.target.error.unit");
        }
        let start = forms::required_date(&mut errors, lang, "term_start", &self.term_start);
        let end = forms::required_date(&mut errors, lang, "term_end", &self.term_end);
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            errors.add(lang, "term_end", "report.target.error.term");
        }
        let target = self.target.trim().parse::<i32>().ok().filter(|n| (0..=TARGET_MAX).contains(n));
        if target.is_none() {
            errors.add(lang, "target", "report.target.error.target");
        }
        match (unit, start, end, target) {
            (Some(org_unit_id), Some(term_start), Some(term_end), Some(target)) if errors.is_empty() => {
                Ok(TargetInput { org_unit_id, term_start, term_end, target })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Serialize)]
struct TargetRow {
    unit: String,
    term: String,
    target: String,
    href: String,
}

#[derive(Serialize)]
struct FormView {
    /// Where the form posts: "/reports/targets" or "/reports/targets/{id}".
    action: String,
    editing: bool,
    units: Vec<Choice>,
    term_start: String,
    term_end: String,
    target: String,
    errors: FieldErrors,
}

#[derive(Serialize)]
struct ListView {
    rows: Vec<TargetRow>,
    form: FormView,
}

fn form_view(action: String, editing: bool, typed: &TargetForm, tree: &UnitTree, errors: FieldErrors) -> FormView {
    FormView {
        action,
        editing,
        units: unit_choices(tree, forms::id(&typed.unit)),
        term_start: typed.term_start.clone(),
        term_end: typed.term_end.clone(),
        target: typed.target.clone(),
        errors,
    }
}

async fn render_list(page: Page, state: &AppState, typed: &TargetForm, errors: FieldErrors) -> AppResult<HttpResponse> {
    let (list, tree) = state.db(|c| Ok((reports::targets(c)?, UnitTree::load(c)?))).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = ListView {
        rows: list
            .iter()
            .map(|t| TargetRow {
                unit: tree.label(t.org_unit_id),
                term: term_label(t.term_start, t.term_end),
                target: format_int(i64::from(t.target)),
                href: format!("/reports/targets/{}", t.id),
            })
            .collect(),
        form: form_view("/reports/targets".into(), false, typed, &tree, errors),
    };
    page.titled("report.target.title").render_status(status, "reports/targets", &view)
}

pub async fn list(_user: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    render_list(page, &state, &TargetForm::default(), FieldErrors::default()).await
}

/// Saves the typed target; on a refusal, the messages by field.
async fn save(
    state: &AppState,
    actor: Actor,
    id: Option<i64>,
    typed: &TargetForm,
    lang: Lang,
) -> AppResult<Result<i64, FieldErrors>> {
    let tree = state.db(UnitTree::load).await?;
    let input = match typed.read(lang, &tree) {
        Ok(input) => input,
        Err(errors) => return Ok(Err(errors)),
    };
    let outcome = state
        .db(move |c| match reports::save_target(c, &actor, id, &input) {
            Err(StoreError::Conflict(key)) => Ok(Err(key)),
            other => other.map(Ok),
        })
        .await?;
    Ok(outcome.map_err(|key| {
        let mut errors = FieldErrors::default();
        errors.add(lang, "term_start", key);
        errors
    }))
}

pub async fn create(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<TargetForm>,
) -> AppResult<HttpResponse> {
    let typed = form.into_inner();
    match save(&state, user.actor(), None, &typed, page.lang).await? {
        Ok(_) => {
            page.flash("success", "report.target.saved");
            Ok(see_other("/reports/targets"))
        }
        Err(errors) => render_list(page, &state, &typed, errors).await,
    }
}

async fn render_edit(
    page: Page,
    state: &AppState,
    id: i64,
    typed: Option<&TargetForm>,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let (target, tree) = state.db(move |c| Ok((reports::find_target(c, id)?, UnitTree::load(c)?))).await?;
    let stored = TargetForm::of(&target);
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let view = form_view(format!("/reports/targets/{id}"), true, typed.unwrap_or(&stored), &tree, errors);
    page.titled("report.target.edit").render_status(status, "reports/target_edit", &view)
}

pub async fn edit(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    render_edit(page, &state, id.into_inner(), None, FieldErrors::default()).await
}

pub async fn update(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TargetForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    // An unknown id answers 404 before anything is read from the form.
    state.db(move |c| reports::find_target(c, id)).await?;
    let typed = form.into_inner();
    match save(&state, user.actor(), Some(id), &typed, page.lang).await? {
        Ok(_) => {
            page.flash("success", "report.target.saved");
            Ok(see_other("/reports/targets"))
        }
        Err(errors) => render_edit(page, &state, id, Some(&typed), errors).await,
    }
}
