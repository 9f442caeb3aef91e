use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::forms::{CloseForm, MoveForm, NewUnitForm, RenameForm, SecretaryForm};
use super::views::{self, DetailData, DetailForms, NewView};
use crate::domain::role::Role;
use crate::store::{self, DbConn, StoreResult};
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

pub async fn tree(_: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (units, counts) = state.db(|c| Ok((store::orgs::all(c)?, store::orgs::people_counts(c)?))).await?;
    #[derive(serde::Serialize)]
    struct TreeView {
        rows: Vec<views::TreeRow>,
    }
    let view = TreeView { rows: views::tree_rows(page.lang, &units, &counts) };
    page.titled("orgs.title").render("orgs/tree", &view)
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<String>,
}

pub async fn new_form(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> AppResult<HttpResponse> {
    let form = NewUnitForm {
        parent: query.parent.clone().unwrap_or_default(),
        valid_from: crate::domain::dates::format(crate::domain::dates::today()),
        ..Default::default()
    };
    render_new(page, &state, form, FieldErrors::default()).await
}

async fn render_new(page: Page, state: &AppState, form: NewUnitForm, errors: FieldErrors) -> AppResult<HttpResponse> {
    let units = state.db(store::orgs::all).await?;
    let selected: Vec<i64> = crate::web::forms::id(&form.parent).into_iter().collect();
    let view = NewView {
        kinds: views::kind_options(page.lang, form.kind.trim()),
        parents: views::unit_options(&units, &[], &selected),
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
    match state.db(move |c| store::orgs::create(c, &actor, &new)).await {
        Ok(id) => {
            page.flash("success", "orgs.created");
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

fn load_detail(c: &mut DbConn, id: i64) -> StoreResult<DetailData> {
    let unit = store::orgs::find(c, id)?;
    let people = store::orgs::people_counts(c)?.into_iter().find(|(u, _)| *u == id).map_or(0, |(_, n)| n);
    let secretary_accounts = store::users::list(c)?
        .into_iter()
        .filter(|a| a.active && a.roles.contains(&Role::Secretary))
        .map(|a| (a.id, a.display_name, a.email))
        .collect();
    Ok(DetailData {
        units: store::orgs::all(c)?,
        former_names: store::orgs::former_names(c, id)?,
        secretaries: store::orgs::secretaries_of(c, id)?,
        secretary_accounts,
        people,
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
    let title = view.unit.name.clone();
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

/// After a store call for one of the detail page's forms: on success a redirect with a flash;
/// a refusal from the store is shown next to `field`, and nothing has changed.
async fn finish(
    result: AppResult<()>,
    page: Page,
    state: &AppState,
    id: i64,
    forms: DetailForms,
    field: &'static str,
    success_key: &str,
) -> AppResult<HttpResponse> {
    match result {
        Ok(()) => {
            page.flash("success", success_key);
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
    let actor = user.actor();
    let result = state.db(move |c| store::orgs::rename(c, &actor, id, &name, effective)).await;
    finish(result, page, &state, id, forms, "rename_effective", "orgs.renamed").await
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
    let actor = user.actor();
    let result = state.db(move |c| store::orgs::move_unit(c, &actor, id, parent)).await;
    finish(result, page, &state, id, forms, "move_parent", "orgs.moved").await
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
    let checked = form.validate(page.lang);
    let forms = DetailForms { close: form, ..Default::default() };
    let on = match checked {
        Ok(on) => on,
        Err(errors) => return render_detail(page, &state, id, forms, errors).await,
    };
    let actor = user.actor();
    let result = state.db(move |c| store::orgs::close(c, &actor, id, on)).await;
    finish(result, page, &state, id, forms, "closed_on", "orgs.closed").await
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
    let actor = user.actor();
    let result = state.db(move |c| store::orgs::set_secretary(c, &actor, id, user_id, bound)).await;
    let success = if bound { "orgs.secretary.assigned" } else { "orgs.secretary.unassigned" };
    finish(result, page, &state, id, forms, "secretary", success).await
}
