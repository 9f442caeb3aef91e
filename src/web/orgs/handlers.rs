use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::forms::{CloseForm, MoveForm, NewUnitForm, RenameForm, SecretaryForm};
use super::views::{self, CloseData, DetailData, DetailForms, NewView};
use crate::domain::dates;
use crate::domain::role::Role;
use crate::i18n;
use crate::store::orgs::UnitTree;
use crate::store::{self, DbConn, StoreResult};
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{self, FieldErrors};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

pub async fn tree(_: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (tree, counts) = state.db(|c| Ok((UnitTree::load(c)?, store::orgs::people_counts(c)?))).await?;
    #[derive(serde::Serialize)]
    struct TreeView {
        rows: Vec<views::TreeRow>,
    }
    let view = TreeView { rows: views::tree_rows(page.lang, &tree, &counts) };
    page.titled("orgs.title").render("orgs/tree", &view)
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<String>,
}

/// The form for a new unit; opened from a unit's page, that unit is the parent already.
pub async fn new_form(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    let form = NewUnitForm {
        parent: query.parent.clone().unwrap_or_default(),
        valid_from: dates::format(dates::today()),
        ..Default::default()
    };
    render_new(page, &state, form, FieldErrors::default()).await
}

async fn render_new(page: Page, state: &AppState, form: NewUnitForm, errors: FieldErrors) -> AppResult<HttpResponse> {
    let tree = state.db(UnitTree::load).await?;
    let view = NewView {
        kinds: views::kind_options(page.lang, form.kind.trim()),
        parents: views::parent_options(&tree, &[], forms::id(&form.parent)),
        form,
        errors,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page.titled("orgs.new.title").render_status(status, "orgs/new", &view)
}

pub async fn create(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<NewUnitForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let units = state.db(store::orgs::all).await?;
    let new = match form.validate(page.lang, &units) {
        Ok(new) => new,
        Err(errors) => return render_new(page, &state, form, errors).await,
    };
    let actor = user.actor();
    match state.db(move |c| store::orgs::create(c, &actor, &new).and_then(|id| Ok((id, label_of(c, id)?)))).await {
        Ok((id, label)) => {
            page.flash_text("success", i18n::t_with(page.lang, "orgs.created", &[("name", &label)]));
            Ok(see_other(&format!("/orgs/{id}")))
        }
        Err(AppError::Conflict(key)) => {
            let mut errors = FieldErrors::default();
            errors.add(page.lang, "parent", key);
            render_new(page, &state, form, errors).await
        }
        Err(e) => Err(e),
    }
}

/// A unit's name as pages show it (a chi bộ with its committee).
fn label_of(c: &mut DbConn, id: i64) -> StoreResult<String> {
    Ok(UnitTree::load(c)?.label(id))
}

/// People in a unit and every unit below it.
fn people_in_subtree(c: &mut DbConn, tree: &UnitTree, id: i64) -> StoreResult<i64> {
    let counts = store::orgs::people_counts(c)?;
    Ok(tree.totals(&counts).get(&id).copied().unwrap_or(0))
}

fn load_detail(c: &mut DbConn, id: i64) -> StoreResult<DetailData> {
    let unit = store::orgs::find(c, id)?;
    let tree = UnitTree::load(c)?;
    let secretary_accounts = store::users::list(c)?
        .into_iter()
        .filter(|a| a.active && a.roles.contains(&Role::Secretary))
        .map(|a| (a.id, a.display_name, a.email))
        .collect();
    Ok(DetailData {
        people: people_in_subtree(c, &tree, id)?,
        former_names: store::orgs::former_names(c, id)?,
        secretaries: store::orgs::secretaries_of(c, id)?,
        secretary_accounts,
        tree,
        unit,
    })
}

/// The detail page; with errors it is the answer to a refused change (422), showing the
/// typed values and the reason next to the form concerned.
async fn render_detail(
    page: Page,
    state: &AppState,
    id: i64,
    forms: DetailForms,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let data = state.db(move |c| load_detail(c, id)).await?;
    let view = data.into_view(page.lang, forms, errors);
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let title = view.unit.label.clone();
    page.with_title(title).render_status(status, "orgs/detail", &view)
}

pub async fn detail(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    render_detail(page, &state, path.into_inner(), DetailForms::default(), FieldErrors::default()).await
}

/// After a store call for one of the detail page's forms: on success a redirect with a flash
/// that names what changed; a refusal from the store is shown next to `field`, and nothing has
/// changed.
async fn finish(
    result: AppResult<String>,
    page: Page,
    state: &AppState,
    id: i64,
    forms: DetailForms,
    field: &'static str,
) -> AppResult<HttpResponse> {
    match result {
        Ok(success) => {
            page.flash_text("success", success);
            Ok(see_other(&format!("/orgs/{id}")))
        }
        Err(AppError::Conflict(key)) => {
            let mut errors = FieldErrors::default();
            errors.add(page.lang, field, key);
            render_detail(page, state, id, forms, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn rename(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<RenameForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let form = form.into_inner();
    let current = state.db(move |c| store::orgs::find(c, id)).await?;
    let checked = form.validate(page.lang, &current);
    let forms = DetailForms { rename: form, ..Default::default() };
    let (name, effective) = match checked {
        Ok(v) => v,
        Err(errors) => return render_detail(page, &state, id, forms, errors).await,
    };
    let (actor, lang) = (user.actor(), page.lang);
    let result = state
        .db(move |c| {
            store::orgs::rename(c, &actor, id, &name, effective)?;
            let args = [("old", current.name.as_str()), ("new", name.as_str())];
            Ok(i18n::t_with(lang, "orgs.renamed", &args))
        })
        .await;
    finish(result, page, &state, id, forms, "rename_effective").await
}

pub async fn move_unit(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let units = state.db(move |c| store::orgs::find(c, id).and_then(|_| store::orgs::all(c))).await?;
    let parent = match form.validate(page.lang, &units) {
        Ok(parent) => parent,
        Err(errors) => return render_detail(page, &state, id, DetailForms::default(), errors).await,
    };
    let forms = DetailForms { move_to: Some(parent), ..Default::default() };
    let (actor, lang) = (user.actor(), page.lang);
    let result = state
        .db(move |c| {
            store::orgs::move_unit(c, &actor, id, parent)?;
            let tree = UnitTree::load(c)?;
            let name = tree.label(id);
            Ok(match parent {
                Some(parent) => i18n::t_with(lang, "orgs.moved", &[("name", &name), ("parent", &tree.label(parent))]),
                None => i18n::t_with(lang, "orgs.moved_to_top", &[("name", &name)]),
            })
        })
        .await;
    finish(result, page, &state, id, forms, "move_parent").await
}

fn load_close(c: &mut DbConn, id: i64) -> StoreResult<CloseData> {
    let unit = store::orgs::find(c, id)?;
    let tree = UnitTree::load(c)?;
    Ok(CloseData {
        people: people_in_subtree(c, &tree, id)?,
        secretaries: store::orgs::secretaries_of(c, id)?,
        tree,
        unit,
    })
}

/// The dissolution page: what closing the unit means (its people, its secretaries, the units
/// that must close first), and the form that does it.
async fn render_close(
    page: Page,
    state: &AppState,
    id: i64,
    form: CloseForm,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let data = state.db(move |c| load_close(c, id)).await?;
    let title = i18n::t_with(page.lang, "orgs.close.page_title", &[("name", &data.label())]);
    let view = data.into_view(page.lang, form, errors);
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page.with_title(title).render_status(status, "orgs/close", &view)
}

pub async fn close_form(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let form = CloseForm { closed_on: dates::format(dates::today()) };
    render_close(page, &state, path.into_inner(), form, FieldErrors::default()).await
}

pub async fn close(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<CloseForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let form = form.into_inner();
    let on = match form.validate(page.lang) {
        Ok(on) => on,
        Err(errors) => return render_close(page, &state, id, form, errors).await,
    };
    let (actor, lang) = (user.actor(), page.lang);
    let result = state
        .db(move |c| {
            store::orgs::close(c, &actor, id, on)?;
            Ok(i18n::t_with(lang, "orgs.closed", &[("name", &label_of(c, id)?)]))
        })
        .await;
    match result {
        Ok(success) => {
            page.flash_text("success", success);
            Ok(see_other(&format!("/orgs/{id}")))
        }
        Err(AppError::Conflict(key)) => {
            let mut errors = FieldErrors::default();
            errors.add(page.lang, "closed_on", key);
            render_close(page, &state, id, form, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn secretaries(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<SecretaryForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let form = form.into_inner();
    let data = state.db(move |c| load_detail(c, id)).await?;
    let checked = form.validate(page.lang, &data.assignable(), &data.bound());
    let forms = DetailForms { secretary: form, ..Default::default() };
    let (user_id, bound) = match checked {
        Ok(v) => v,
        Err(errors) => return render_detail(page, &state, id, forms, errors).await,
    };
    let account = data.secretary_accounts.iter().chain(&data.secretaries).find(|(a, _, _)| *a == user_id);
    let account_name = account.map(|(_, name, _)| name.as_str()).unwrap_or_default();
    let key = if bound { "orgs.secretary.assigned" } else { "orgs.secretary.unassigned" };
    let success = i18n::t_with(page.lang, key, &[("user", account_name), ("unit", &data.tree.label(id))]);
    let actor = user.actor();
    let result = state.db(move |c| store::orgs::set_secretary(c, &actor, id, user_id, bound).map(|()| success)).await;
    finish(result, page, &state, id, forms, "secretary").await
}
