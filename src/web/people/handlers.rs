//! The registry of candidates and members: the list, a person's page, and the form to add or
//! change one. Every store call takes the user's scope, so a secretary works only with the people
//! of their units, and learns nothing of anyone else's beyond what the checks below must say.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::forms::PersonForm;
use super::views::{Filters, FormView, ListView, PersonLink, Refusal, SamePeople, ShowView};
use crate::domain::person::Status;
use crate::domain::role::Role;
use crate::domain::{dates, names};
use crate::i18n::{self, Lang};
use crate::mail::invitations::{self, MailContext};
use crate::store::orgs::{self, UnitTree};
use crate::store::people::{self, PeopleQuery, Person, PersonInput};
use crate::store::readiness;
use crate::store::{DbConn, Scope, StoreError, StoreResult, write_tx};
use crate::web::auth::extract::{CurrentUser, PeopleUser, scope_in};
use crate::web::error::AppResult;
use crate::web::forms;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

const PER_PAGE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    /// Any unit of the tree; `cell` is its older name, still read from old links.
    unit: String,
    cell: String,
    page: String,
}

pub async fn list(
    user: PeopleUser,
    mut page: Page,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    if let Some(kept) = page.remembered().await {
        return Ok(kept);
    }
    let unit_typed = if query.unit.trim().is_empty() { &query.cell } else { &query.unit };
    let mut filters =
        Filters { q: forms::search_text(&query.q), status: Status::parse(&query.status), unit: forms::id(unit_typed) };
    let mut store_query = PeopleQuery {
        text: filters.q.clone(),
        status: filters.status.map(|s| s.code().to_owned()),
        org_units: None,
        page: query.page.trim().parse().unwrap_or(1),
        per_page: PER_PAGE,
    };
    let (who, unit) = (user.0.clone(), filters.unit);
    let (paged, tree, scope, unit) = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            let tree = UnitTree::load(c)?;
            // A unit outside the user's units (an old link, a typed number) filters nothing.
            let unit = unit.filter(|u| scope.allows(*u) && tree.get(*u).is_some());
            store_query.org_units = unit.map(|u| tree.subtree(u).into_iter().filter(|id| scope.allows(*id)).collect());
            let mut paged = people::list(c, &scope, &store_query)?;
            // A page past the end (an old link after people left the filter) shows the last one.
            if paged.page > paged.pages() {
                store_query.page = paged.pages();
                paged = people::list(c, &scope, &store_query)?;
            }
            Ok((paged, tree, scope, unit))
        })
        .await?;
    filters.unit = unit;
    let view = ListView::new(page.lang, &filters, paged, &tree, &scope);
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
    let (person, unit) = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            let person = people::find(c, &scope, id)?;
            let unit = orgs::label(c, person.org_unit_id)?;
            Ok((person, unit))
        })
        .await?;
    let staff = user.has(Role::Staff) || user.has(Role::Admin);
    let view = ShowView::new(page.lang, person, unit).with_mail_link(staff);
    page.with_title(view.title()).render("people/show", &view)
}

pub async fn new_form(user: PeopleUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let who = user.0.clone();
    let allowed = state.db(move |c| allowed_for_new(c, &who)).await?;
    let form = PersonForm::blank(&allowed.cells);
    render_form(page, StatusCode::OK, None, form, Refusal::default(), &allowed)
}

pub async fn edit_form(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let who = user.0.clone();
    let (person, allowed, facts) = state
        .db(move |c| {
            let (person, allowed) = person_and_allowed(c, &who, id)?;
            let facts = readiness::dossier_facts(c, &allowed.scope, id)?;
            Ok((person, allowed, facts))
        })
        .await?;
    let form = PersonForm::from_person(&person).with_dossier_facts(&facts);
    render_form(page, StatusCode::OK, Some(&person), form, Refusal::default(), &allowed)
}

/// What a user may do on the form: the rows in their scope, the tree to name units, and the
/// chi bộ they may choose.
struct Allowed {
    scope: Scope,
    tree: UnitTree,
    cells: Vec<i64>,
}

fn allowed_for_new(c: &mut DbConn, who: &CurrentUser) -> StoreResult<Allowed> {
    let scope = scope_in(c, who)?;
    let cells = orgs::open_cells(c, &scope)?.into_iter().map(|u| u.id).collect();
    Ok(Allowed { scope, tree: UnitTree::load(c)?, cells })
}

/// The person and what may be chosen when editing them: their current chi bộ stays on offer even
/// when it has closed.
fn person_and_allowed(c: &mut DbConn, who: &CurrentUser, id: i64) -> StoreResult<(Person, Allowed)> {
    let mut allowed = allowed_for_new(c, who)?;
    let person = people::find(c, &allowed.scope, id)?;
    if !allowed.cells.contains(&person.org_unit_id) {
        allowed.cells.push(person.org_unit_id);
    }
    Ok((person, allowed))
}

enum Outcome {
    /// Saved: the id, the name, whether it was new, the address an invitation went to.
    Saved {
        id: i64,
        name: String,
        created: bool,
        invited: Option<String>,
    },
    Refused(Refusal),
}

/// The checks that need the registry, before saving: a citizen ID is one person's; a person
/// with the same name and date of birth is probably already there. A secretary hears of people
/// outside their units only that the office should be asked, never who they are.
fn check_against_registry(
    c: &mut DbConn,
    lang: Lang,
    form: &PersonForm,
    input: &PersonInput,
    allowed: &Allowed,
    before: Option<&Person>,
) -> StoreResult<Option<Refusal>> {
    let except = before.map(|p| p.id);
    if let Some(cid) = &input.citizen_id
        && let Some(holder) = people::citizen_id_holder(c, cid, except)?
    {
        let mut refusal = Refusal::default();
        if allowed.scope.allows(holder.org_unit_id) {
            refusal.errors.add(lang, "citizen_id", "person.error.citizen_id_taken_by");
            refusal.citizen_id_holder = Some(PersonLink::new(&holder, &allowed.tree));
        } else {
            refusal.errors.add(lang, "citizen_id", "person.error.citizen_id_elsewhere");
        }
        return Ok(Some(refusal));
    }
    // Editing someone without touching their name or birth date asks nothing again.
    let name_or_birth_changed = before.is_none_or(|p| {
        names::fold(&p.full_name) != names::fold(&input.full_name) || p.date_of_birth != input.date_of_birth
    });
    if form.confirmed_same() || !name_or_birth_changed {
        return Ok(None);
    }
    let found = people::same_name_and_birth(c, &input.full_name, input.date_of_birth, except)?;
    let (visible, elsewhere): (Vec<_>, Vec<_>) = found.iter().partition(|p| allowed.scope.allows(p.org_unit_id));
    let same = SamePeople {
        visible: visible.into_iter().map(|p| PersonLink::new(p, &allowed.tree)).collect(),
        elsewhere: !elsewhere.is_empty(),
    };
    Ok((!same.is_empty()).then(|| Refusal { same, ..Default::default() }))
}

/// Validation, the registry checks and saving in one go on the blocking pool: the chi bộ
/// allowed are read in the same connection that saves.
fn save(
    c: &mut DbConn,
    lang: Lang,
    who: &CurrentUser,
    form: &PersonForm,
    allowed: &Allowed,
    before: Option<&Person>,
    mail: &MailContext,
) -> StoreResult<Outcome> {
    let input = match form.validate(lang, &allowed.cells, dates::today()) {
        Ok(input) => input,
        Err(errors) => return Ok(Outcome::Refused(errors.into())),
    };
    if let Some(refusal) = check_against_registry(c, lang, form, &input, allowed, before)? {
        return Ok(Outcome::Refused(refusal));
    }
    let scope = &allowed.scope;
    let actor = who.actor();
    // A person with an email gets a learner account and its invitation in the same transaction.
    let result = write_tx(c, |c| {
        let id = match before {
            None => people::create(c, &actor, scope, &input)?,
            Some(p) => people::update(c, &actor, scope, p.id, &input).map(|()| p.id)?,
        };
        readiness::set_facts(c, &actor, scope, id, &form.dossier_facts(), dates::today())?;
        let person = people::find(c, scope, id)?;
        let invited = invitations::invite_learner(c, mail, &actor, &person)?.and(person.email);
        Ok((id, invited))
    });
    let mut refusal = Refusal::default();
    match result {
        Ok((id, invited)) => {
            return Ok(Outcome::Saved { id, name: input.full_name, created: before.is_none(), invited });
        }
        // The citizen ID is the only unique field: here a save raced past the check above.
        Err(StoreError::Conflict(_)) => {
            let key = match scope {
                Scope::All => "person.error.citizen_id_taken",
                Scope::Units(_) => "person.error.citizen_id_elsewhere",
            };
            refusal.errors.add(lang, "citizen_id", key);
        }
        Err(StoreError::NotFound) if before.is_none() => refusal.errors.add(lang, "org_unit_id", "person.error.cell"),
        Err(e) => return Err(e),
    }
    Ok(Outcome::Refused(refusal))
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
        Outcome::Saved { id, name, created, invited } => saved(&page, &state, id, &name, created, invited),
        Outcome::Refused(refusal) => render_form(page, StatusCode::UNPROCESSABLE_ENTITY, None, form, refusal, &allowed),
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
            Ok((save(c, lang, &who, &typed, &allowed, Some(&person), &mail)?, person, allowed))
        })
        .await?;
    match outcome {
        Outcome::Saved { id, name, created, invited } => saved(&page, &state, id, &name, created, invited),
        Outcome::Refused(refusal) => {
            render_form(page, StatusCode::UNPROCESSABLE_ENTITY, Some(&person), form, refusal, &allowed)
        }
    }
}

fn saved(
    page: &Page,
    state: &AppState,
    id: i64,
    name: &str,
    created: bool,
    invited: Option<String>,
) -> AppResult<HttpResponse> {
    let key = if created { "people.added" } else { "people.changed" };
    page.flash_text("success", i18n::t_with(page.lang, key, &[("name", name)]));
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
    refusal: Refusal,
    allowed: &Allowed,
) -> AppResult<HttpResponse> {
    let heading = match person {
        None => page.t("people.new"),
        Some(p) => i18n::t_with(page.lang, "people.edit_title", &[("name", &p.full_name)]),
    };
    let view =
        FormView::new(page.lang, heading.clone(), person.map(|p| p.id), form, refusal, &allowed.tree, &allowed.cells);
    page.with_title(heading).render_status(status, "people/form", &view)
}
