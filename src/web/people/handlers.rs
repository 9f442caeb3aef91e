//! People (học viên): the list, a person's page, and the form to add or change one. Every store
//! call takes the user's scope, so a secretary works only with the people of their units.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::forms::PersonForm;
use super::views::{Filters, FormView, ListView, ShowView};
use crate::domain::dates;
use crate::domain::person::Status;
use crate::domain::role::Role;
use crate::i18n::{self, Lang};
use crate::mail::invitations::{self, MailContext};
use crate::store::orgs::{self, OrgUnit};
use crate::store::people::{self, PeopleQuery, Person};
use crate::store::{DbConn, Scope, StoreError, StoreResult, write_tx};
use crate::web::auth::extract::{CurrentUser, PeopleUser, scope_in};
use crate::web::error::AppResult;
use crate::web::forms::{self, FieldErrors};
use crate::web::render::{Page, see_other};
use crate::web::state::AppState;

const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    cell: String,
    page: String,
}

/// Every chi bộ in scope, closed ones too: people may still belong to them.
fn cells_in(conn: &mut DbConn, scope: &Scope) -> StoreResult<Vec<OrgUnit>> {
    Ok(orgs::all(conn)?.into_iter().filter(|u| u.kind().is_some_and(|k| k.is_cell()) && scope.allows(u.id)).collect())
}

pub async fn list(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let filters = Filters { q: query.q.clone(), status: Status::parse(&query.status), cell: forms::id(&query.cell) };
    let mut store_query = PeopleQuery {
        text: filters.q.clone(),
        status: filters.status.map(|s| s.code().to_owned()),
        org_unit_id: filters.cell,
        page: query.page.trim().parse().unwrap_or(1),
        per_page: PER_PAGE,
    };
    let who = user.0.clone();
    let (paged, cells) = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            let mut paged = people::list(c, &scope, &store_query)?;
            // A page past the end (an old link after people left the filter) shows the last one.
            if paged.page > paged.pages() {
                store_query.page = paged.pages();
                paged = people::list(c, &scope, &store_query)?;
            }
            Ok((paged, cells_in(c, &scope)?))
        })
        .await?;
    let view = ListView::new(page.lang, &filters, paged, &cells);
    page.titled("people.title").render("people/list", &view)
}

pub async fn show(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let who = user.0.clone();
    let (person, cell) = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            let person = people::find(c, &scope, id)?;
            let cell = orgs::find(c, person.org_unit_id)?.name;
            Ok((person, cell))
        })
        .await?;
    let staff = user.has(Role::Staff) || user.has(Role::Admin);
    let view = ShowView::new(page.lang, person, cell).with_mail_link(staff);
    page.with_title(view.title()).render("people/show", &view)
}

pub async fn new_form(user: PeopleUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let who = user.0.clone();
    let cells = state.db(move |c| allowed_for_new(c, &who)).await?.cells;
    let ids: Vec<i64> = cells.iter().map(|c| c.id).collect();
    render_form(page, StatusCode::OK, None, PersonForm::blank(&ids), FieldErrors::default(), &cells)
}

pub async fn edit_form(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let who = user.0.clone();
    let (person, allowed) = state.db(move |c| person_and_allowed(c, &who, id)).await?;
    let form = PersonForm::from_person(&person);
    render_form(page, StatusCode::OK, Some(&person), form, FieldErrors::default(), &allowed.cells)
}

/// What a user may do on the form: the rows in their scope and the chi bộ they may choose.
struct Allowed {
    scope: Scope,
    cells: Vec<OrgUnit>,
}

fn allowed_for_new(c: &mut DbConn, who: &CurrentUser) -> StoreResult<Allowed> {
    let scope = scope_in(c, who)?;
    let cells = orgs::open_cells(c, &scope)?;
    Ok(Allowed { scope, cells })
}

/// The person and what may be chosen when editing them: their current chi bộ stays on offer even
/// when it has closed.
fn person_and_allowed(c: &mut DbConn, who: &CurrentUser, id: i64) -> StoreResult<(Person, Allowed)> {
    let mut allowed = allowed_for_new(c, who)?;
    let person = people::find(c, &allowed.scope, id)?;
    if !allowed.cells.iter().any(|u| u.id == person.org_unit_id) {
        allowed.cells.push(orgs::find(c, person.org_unit_id)?);
    }
    Ok((person, allowed))
}

enum Outcome {
    /// Saved; the address an account invitation went to, if one was sent.
    Saved(i64, Option<String>),
    Invalid(FieldErrors),
}

/// Validation and saving in one go on the blocking pool: the chi bộ allowed are read in the same
/// connection that saves.
fn save(
    c: &mut DbConn,
    lang: Lang,
    who: &CurrentUser,
    form: &PersonForm,
    allowed: &Allowed,
    id: Option<i64>,
    mail: &MailContext,
) -> StoreResult<Outcome> {
    let cell_ids: Vec<i64> = allowed.cells.iter().map(|u| u.id).collect();
    let input = match form.validate(lang, &cell_ids, dates::today()) {
        Ok(input) => input,
        Err(errors) => return Ok(Outcome::Invalid(errors)),
    };
    let scope = &allowed.scope;
    let actor = who.actor();
    // A person with an email gets a learner account and its invitation in the same transaction.
    let result = write_tx(c, |c| {
        let id = match id {
            None => people::create(c, &actor, scope, &input)?,
            Some(id) => people::update(c, &actor, scope, id, &input).map(|()| id)?,
        };
        let person = people::find(c, scope, id)?;
        let invited = invitations::invite_learner(c, mail, &actor, &person)?.and(person.email);
        Ok((id, invited))
    });
    let mut errors = FieldErrors::default();
    match result {
        Ok((id, invited)) => return Ok(Outcome::Saved(id, invited)),
        // The citizen ID is the only unique field; a race past the store's check lands here too.
        Err(StoreError::Conflict(key)) => {
            let key = if key.starts_with("person.") { key } else { "person.error.citizen_id_taken" };
            errors.add(lang, "citizen_id", key);
        }
        Err(StoreError::NotFound) if id.is_none() => errors.add(lang, "org_unit_id", "person.error.cell"),
        Err(e) => return Err(e),
    }
    Ok(Outcome::Invalid(errors))
}

pub async fn create(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<PersonForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let (lang, who, typed, mail) = (page.lang, user.0.clone(), form.clone(), state.mail_context());
    let (outcome, allowed) = state
        .db(move |c| {
            let allowed = allowed_for_new(c, &who)?;
            Ok((save(c, lang, &who, &typed, &allowed, None, &mail)?, allowed))
        })
        .await?;
    match outcome {
        Outcome::Saved(id, invited) => saved(&page, &state, id, invited),
        Outcome::Invalid(errors) => {
            render_form(page, StatusCode::UNPROCESSABLE_ENTITY, None, form, errors, &allowed.cells)
        }
    }
}

pub async fn update(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<PersonForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let form = form.into_inner();
    let (lang, who, typed, mail) = (page.lang, user.0.clone(), form.clone(), state.mail_context());
    let (outcome, person, allowed) = state
        .db(move |c| {
            let (person, allowed) = person_and_allowed(c, &who, id)?;
            Ok((save(c, lang, &who, &typed, &allowed, Some(id), &mail)?, person, allowed))
        })
        .await?;
    match outcome {
        Outcome::Saved(id, invited) => saved(&page, &state, id, invited),
        Outcome::Invalid(errors) => {
            render_form(page, StatusCode::UNPROCESSABLE_ENTITY, Some(&person), form, errors, &allowed.cells)
        }
    }
}

fn saved(page: &Page, state: &AppState, id: i64, invited: Option<String>) -> AppResult<HttpResponse> {
    page.flash("success", "common.saved");
    if let Some(email) = invited {
        state.wake_mail_worker();
        page.flash_text("info", i18n::t_with(page.lang, "person.invited", &[("email", &email)]));
    }
    Ok(see_other(&format!("/people/{id}")))
}

fn render_form(
    page: Page,
    status: StatusCode,
    person: Option<&Person>,
    form: PersonForm,
    errors: FieldErrors,
    cells: &[OrgUnit],
) -> AppResult<HttpResponse> {
    let heading = match person {
        None => page.t("people.new"),
        Some(p) => i18n::t_with(page.lang, "people.edit_title", &[("name", &p.full_name())]),
    };
    let view = FormView::new(page.lang, heading.clone(), person.map(|p| p.id), form, errors, cells);
    page.with_title(heading).render_status(status, "people/form", &view)
}
