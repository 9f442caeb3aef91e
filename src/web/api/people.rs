//! `/api/v1/people`: people (đảng viên and quần chúng) in the token's scope.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiPeopleReader;
use super::error::{ApiResult, ErrorBody};
use super::params::{self, PageInfo, PageParams};
use super::scope::{Rows, people_rows};
use crate::store::orgs::UnitTree;
use crate::store::people::{self, PeopleQuery, Person, PersonRow};
use crate::store::{Paged, Scope};
use crate::web::state::AppState;

/// A person as lists show them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonSummary {
    pub id: i64,
    pub full_name: String,
    #[schema(format = Date, example = "1998-04-21")]
    pub date_of_birth: String,
    /// M (nam) or F (nữ).
    pub sex: String,
    /// candidate (quần chúng), probationary (đảng viên dự bị) or official (đảng viên chính thức).
    pub status: String,
    pub org_unit_id: i64,
    /// The chi bộ with its party committee: "Chi bộ thôn 1 — Đảng bộ xã Ea Kar".
    pub org_unit: String,
}

/// A person with the details of their record.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDetail {
    #[serde(flatten)]
    pub summary: PersonSummary,
    pub hometown: String,
    pub citizen_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[schema(format = Date)]
    pub admission_decision_date: Option<String>,
    #[schema(format = Date)]
    pub ceremony_date: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeoplePage {
    pub items: Vec<PersonSummary>,
    #[serde(flatten)]
    pub page: PageInfo,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PeopleFilter {
    /// Words of the name, citizen id, email or phone (diacritics ignored).
    pub q: Option<String>,
    /// candidate, probationary or official.
    pub status: Option<String>,
}

fn summary(p: &PersonRow, tree: &UnitTree) -> PersonSummary {
    PersonSummary {
        id: p.id,
        full_name: p.full_name.clone(),
        date_of_birth: params::date(p.date_of_birth),
        sex: p.sex.clone(),
        status: p.status.clone(),
        org_unit_id: p.org_unit_id,
        org_unit: tree.label(p.org_unit_id),
    }
}

/// A person's record as a list line.
fn row_of(p: &Person) -> PersonRow {
    PersonRow {
        id: p.id,
        full_name: p.full_name.clone(),
        date_of_birth: p.date_of_birth,
        sex: p.sex.clone(),
        status: p.status.clone(),
        org_unit_id: p.org_unit_id,
    }
}

/// The people the token's account may read, in official-list order.
#[utoipa::path(
    get,
    path = "/api/v1/people",
    tag = "people",
    params(PageParams, PeopleFilter),
    responses(
        (status = 200, description = "One page of people", body = PeoplePage),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The account's role does not read people", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    user: ApiPeopleReader,
    state: web::Data<AppState>,
    paging: web::Query<PageParams>,
    filter: web::Query<PeopleFilter>,
) -> ApiResult<HttpResponse> {
    let paging = paging.paging()?;
    let who = user.0.clone();
    let filter = filter.into_inner();
    let (paged, tree) = state
        .db(move |c| {
            let tree = UnitTree::load(c)?;
            let query = PeopleQuery {
                text: filter.q.unwrap_or_default(),
                status: filter.status.filter(|s| !s.trim().is_empty()),
                org_units: None,
                page: paging.page,
                per_page: paging.per_page,
            };
            let paged = match people_rows(c, &who)? {
                Rows::All => people::list(c, &Scope::All, &query)?,
                Rows::Units(ids) => people::list(c, &Scope::Units(ids), &query)?,
                // A learner: their own record, alone.
                Rows::Own(own) => {
                    let mine: Vec<PersonRow> = own
                        .map(|id| people::find(c, &Scope::All, id))
                        .transpose()?
                        .filter(|p| query.status.as_ref().is_none_or(|s| *s == p.status))
                        .map(|p| row_of(&p))
                        .into_iter()
                        .collect();
                    let total = mine.len() as i64;
                    let items = if paging.page == 1 { mine } else { Vec::new() };
                    Paged { items, total, page: paging.page, per_page: paging.per_page }
                }
            };
            Ok((paged, tree))
        })
        .await?;
    let items = paged.items.iter().map(|p| summary(p, &tree)).collect();
    Ok(HttpResponse::Ok().json(PeoplePage { items, page: PageInfo::new(paging, paged.total) }))
}

/// One person; another unit's person (or another learner) answers 404.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}",
    tag = "people",
    params(("id" = i64, Path, description = "The person's id")),
    responses(
        (status = 200, description = "The person", body = PersonDetail),
        (status = 400, description = "The id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The account's role does not read people", body = ErrorBody),
        (status = 404, description = "No such person in the token's scope", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show(user: ApiPeopleReader, state: web::Data<AppState>, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let id = params::id(&id)?;
    let who = user.0.clone();
    let (person, tree) = state
        .db(move |c| {
            let person = people::find(c, &Scope::All, id)?;
            if !people_rows(c, &who)?.keeps(person.id, person.org_unit_id) {
                return Err(crate::store::StoreError::NotFound);
            }
            Ok((person, UnitTree::load(c)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(PersonDetail {
        summary: summary(&row_of(&person), &tree),
        hometown: person.hometown,
        citizen_id: person.citizen_id,
        email: person.email,
        phone: person.phone,
        admission_decision_date: params::opt_date(person.admission_decision_date),
        ceremony_date: params::opt_date(person.ceremony_date),
    }))
}
