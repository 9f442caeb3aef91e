use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::forms::{AccountForm, AccountInput, Editing};
use super::views::{self, FormView, PasswordView};
use crate::credentials::token;
use crate::i18n;
use crate::mail::invitations;
use crate::store::users::NewUser;
use crate::store::{self, Scope};
use crate::web::auth::extract::AdminUser;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::orgs::views::unit_options;
use crate::web::render::{Page, see_other};
use crate::web::state::AppState;

pub async fn list(_: AdminUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let accounts = state.db(store::users::list).await?;
    let view = views::list_view(page.lang, accounts);
    page.titled("accounts.title").render("accounts/list", &view)
}

/// The form page, new (`account_id` None) or edit; 422 when it carries errors.
async fn render_form(
    page: Page,
    state: &AppState,
    account_id: Option<i64>,
    is_self: bool,
    form: AccountForm,
    errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let person_id = account_id.and_then(|_| crate::web::forms::id(&form.person_id));
    let (units, person) = state
        .db(move |c| {
            let person = match person_id {
                Some(id) => Some(store::people::find(c, &Scope::All, id)?.full_name()),
                None => None,
            };
            Ok((store::orgs::all(c)?, person))
        })
        .await?;
    let view = FormView {
        account_id,
        is_self,
        roles: views::role_options(page.lang, &form),
        units: unit_options(&units, &[], &form.unit_ids()),
        person,
        form,
        errors,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let title = if account_id.is_some() { "accounts.edit.title" } else { "accounts.new.title" };
    page.titled(title).render_status(status, "accounts/form", &view)
}

async fn unit_ids(state: &AppState) -> AppResult<Vec<i64>> {
    Ok(state.db(store::orgs::all).await?.into_iter().map(|u| u.id).collect())
}

pub async fn new_form(_: AdminUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    render_form(page, &state, None, false, AccountForm::default(), FieldErrors::default()).await
}

pub async fn create(
    user: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let form = AccountForm::from_pairs(fields.into_inner());
    let known = unit_ids(&state).await?;
    let input = match form.validate(page.lang, Editing::New, &known) {
        Ok(input) => input,
        Err(errors) => return render_form(page, &state, None, false, form, errors).await,
    };
    if let Some(person_id) = input.person_id {
        let found = state.db(move |c| store::people::find(c, &Scope::All, person_id)).await;
        match found {
            Ok(_) => {}
            Err(AppError::NotFound) => {
                let mut errors = FieldErrors::default();
                errors.add(page.lang, "person_id", "account.error.person_not_found");
                return render_form(page, &state, None, false, form, errors).await;
            }
            Err(e) => return Err(e),
        }
    }
    let AccountInput { email, display_name, roles, units, person_id, .. } = input;
    // No password: the account gets an emailed invitation to set one, queued in the same
    // transaction (nothing secret is ever shown on screen or stored in clear).
    let new = NewUser {
        email,
        display_name,
        password_hash: None,
        roles,
        secretary_units: units,
        person_id,
        one_time_password_until: None,
    };
    let (actor, ctx) = (user.actor(), state.mail_context());
    let email = new.email.clone();
    let created = state
        .db(move |c| {
            store::write_tx(c, |c| {
                let id = store::users::create(c, &actor, &new)?;
                let account = store::users::find(c, id)?;
                invitations::invite(c, &ctx, &account)?;
                Ok(id)
            })
        })
        .await;
    match created {
        Ok(id) => {
            state.wake_mail_worker();
            page.flash_text("success", i18n::t_with(page.lang, "accounts.invited", &[("email", &email)]));
            Ok(see_other(&format!("/accounts/{id}")))
        }
        Err(AppError::Conflict(key)) => {
            let mut errors = FieldErrors::default();
            errors.add(page.lang, "email", key);
            render_form(page, &state, None, false, form, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn edit_form(
    user: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let account = state.db(move |c| store::users::account(c, id)).await?;
    let form = AccountForm::from_account(&account);
    render_form(page, &state, Some(id), id == user.id(), form, FieldErrors::default()).await
}

pub async fn update(
    user: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let account = state.db(move |c| store::users::account(c, id)).await?;
    let mut form = AccountForm::from_pairs(fields.into_inner());
    // Not editable here; shown from the record.
    form.email = account.user.email.clone();
    form.person_id = account.user.person_id.map(|p| p.to_string()).unwrap_or_default();
    let is_self = id == user.id();
    let editing = if is_self { Editing::Own } else { Editing::Other };
    let known = unit_ids(&state).await?;
    let input = match form.validate(page.lang, editing, &known) {
        Ok(input) => input,
        Err(errors) => return render_form(page, &state, Some(id), is_self, form, errors).await,
    };
    let actor = user.actor();
    state
        .db(move |c| store::users::update(c, &actor, id, &input.display_name, &input.roles, &input.units, input.active))
        .await?;
    page.flash("success", "accounts.saved");
    Ok(see_other(&format!("/accounts/{id}")))
}

pub async fn reset_password(
    user: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let account = state.db(move |c| store::users::find(c, id)).await?;
    let password = token::random_password();
    let hash = state.hasher.hash(&password).await?;
    let actor = user.actor();
    let until = state.config.one_time_password_until();
    let version = state.db(move |c| store::users::set_password(c, &actor, id, &hash, Some(until))).await?;
    if id == user.id() {
        // Resetting one's own password ends one's other sessions, not this one.
        page.session().set_session_version(version);
    }
    let view = PasswordView { account_id: id, email: account.email, display_name: account.display_name, password };
    page.titled("accounts.reset.title").render("accounts/password", &view)
}
