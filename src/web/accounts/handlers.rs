use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::forms::{AccountForm, AccountInput, Editing, Intent};
use super::views::{self, FormView, PasswordView, PersonOption};
use crate::credentials::token;
use crate::db::DbConn;
use crate::domain::dates;
use crate::domain::role::Role;
use crate::i18n;
use crate::mail::invitations;
use crate::store::people::{PeopleQuery, PersonRow};
use crate::store::users::{AccountQuery, NewUser};
use crate::store::{self, Scope, StoreResult};
use crate::web::auth::extract::AdminUser;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

/// At most this many people are offered after a search; a longer name narrows it down.
const PERSON_RESULTS: i64 = 20;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    role: String,
}

pub async fn list(
    _: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let ListQuery { q, role } = query.into_inner();
    let role = role.parse::<Role>().ok();
    let search = AccountQuery { text: q.clone(), role };
    let accounts = state.db(move |c| store::users::search(c, &search)).await?;
    let view = views::list_view(page.lang, accounts, q, role);
    page.titled("accounts.title").render("accounts/list", &view)
}

/// A person found by the search, as offered, with their chi bộ labelled by its committee.
fn person_option(row: &PersonRow, tree: &store::orgs::UnitTree, checked: bool) -> PersonOption {
    PersonOption {
        id: row.id,
        name: row.full_name.clone(),
        born: dates::format(row.date_of_birth),
        cell: tree.label(row.org_unit_id),
        checked,
    }
}

/// The person chosen so far, with their chi bộ; None when the id names nobody.
fn chosen_person(c: &mut DbConn, id: i64) -> StoreResult<Option<PersonOption>> {
    let person = match store::people::find(c, &Scope::All, id) {
        Ok(person) => person,
        Err(store::StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(PersonOption {
        id,
        name: person.full_name(),
        born: dates::format(person.date_of_birth),
        cell: store::orgs::label(c, person.org_unit_id)?,
        checked: true,
    }))
}

/// What a search for the person to link found.
struct Found {
    people: Vec<PersonOption>,
    /// How many match in all; only the first `PERSON_RESULTS` are offered.
    total: i64,
}

/// People whose name matches the typed text (case and diacritics ignored, as on the people
/// list), in list order.
fn find_people(c: &mut DbConn, text: &str, chosen: Option<i64>) -> StoreResult<Found> {
    let query = PeopleQuery { text: text.to_owned(), page: 1, per_page: PERSON_RESULTS, ..Default::default() };
    let page = store::people::list(c, &Scope::All, &query)?;
    let tree = store::orgs::UnitTree::load(c)?;
    Ok(Found {
        people: page.items.iter().map(|row| person_option(row, &tree, Some(row.id) == chosen)).collect(),
        total: page.total,
    })
}

/// Whose form is shown: a new account, or an existing one with the secretary units it has now.
struct Target {
    account_id: Option<i64>,
    is_self: bool,
    current_units: Vec<i64>,
}

impl Target {
    fn new_account() -> Self {
        Self { account_id: None, is_self: false, current_units: Vec::new() }
    }
}

/// The form page; 422 when it carries errors. `search` asks for the people whose name was
/// typed.
async fn render_form(
    page: Page,
    state: &AppState,
    target: Target,
    mut form: AccountForm,
    errors: FieldErrors,
    search: bool,
) -> AppResult<HttpResponse> {
    let Target { account_id, is_self, current_units } = target;
    let person_id = crate::web::forms::id(&form.person_id);
    let text = form.person_query.trim().to_owned();
    let search = search && !text.is_empty();
    if search {
        form.searched_query = text.clone();
    }
    let (units, person, found) = state
        .db(move |c| {
            let person = match person_id {
                Some(id) => chosen_person(c, id)?,
                None => None,
            };
            let found = if search { Some(find_people(c, &text, person_id)?) } else { None };
            Ok((store::orgs::all(c)?, person, found))
        })
        .await?;
    // The chosen person stays on offer (first) whatever a new search found.
    let mut person_choices: Vec<PersonOption> = person.iter().cloned().collect();
    let (no_match, more) = match found {
        Some(found) => {
            let flags = (found.people.is_empty(), found.total > found.people.len() as i64);
            person_choices.extend(found.people.into_iter().filter(|p| Some(p.id) != person_id));
            flags
        }
        None => (false, false),
    };
    let assignable = views::assignable_units(&units, &current_units);
    let view = FormView {
        account_id,
        is_self,
        roles: views::role_options(page.lang, &form),
        unit_groups: views::unit_groups(&units, &assignable, &form.unit_ids()),
        no_match,
        more,
        person_limit: PERSON_RESULTS,
        person,
        person_choices,
        form,
        errors,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let title = if account_id.is_some() { "accounts.edit.title" } else { "accounts.new.title" };
    page.titled(title).render_status(status, "accounts/form", &view)
}

/// The units a secretary may be given on this form (see `views::assignable_units`).
async fn assignable(state: &AppState, current: Vec<i64>) -> AppResult<Vec<i64>> {
    let units = state.db(store::orgs::all).await?;
    Ok(views::assignable_units(&units, &current))
}

pub async fn new_form(_: AdminUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    render_form(page, &state, Target::new_account(), AccountForm::default(), FieldErrors::default(), false).await
}

pub async fn create(
    user: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let mut form = AccountForm::from_pairs(fields.into_inner());
    if form.resolved_intent() == Intent::FindPerson {
        return render_form(page, &state, Target::new_account(), form, FieldErrors::default(), true).await;
    }
    let known = assignable(&state, Vec::new()).await?;
    let input = match form.validate(page.lang, Editing::New, &known) {
        Ok(input) => input,
        Err(errors) => return render_form(page, &state, Target::new_account(), form, errors, false).await,
    };
    if let Some(person_id) = input.person_id {
        let found = state.db(move |c| store::people::find(c, &Scope::All, person_id)).await;
        match found {
            Ok(_) => {}
            Err(AppError::NotFound) => {
                let mut errors = FieldErrors::default();
                errors.add(page.lang, "person_id", "account.error.person_not_found");
                form.person_id.clear();
                return render_form(page, &state, Target::new_account(), form, errors, false).await;
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
            render_form(page, &state, Target::new_account(), form, errors, false).await
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
    let target = Target { account_id: Some(id), is_self: id == user.id(), current_units: account.secretary_units };
    render_form(page, &state, target, form, FieldErrors::default(), false).await
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
    let current = account.secretary_units.clone();
    let known = assignable(&state, current.clone()).await?;
    let input = match form.validate(page.lang, editing, &known) {
        Ok(input) => input,
        Err(errors) => {
            let target = Target { account_id: Some(id), is_self, current_units: current };
            return render_form(page, &state, target, form, errors, false).await;
        }
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
