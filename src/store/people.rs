//! People to be trained (học viên): stored with their names NFC, a collation key for ordering
//! in SQL and a folded text for diacritic-insensitive search. Every query is scoped.

use diesel::prelude::*;
use serde::Serialize;
use time::Date;

use super::audit::{self, Actor};
use super::{DbConn, Paged, Scope, StoreError, StoreResult};
use crate::db::schema::{org_units, people};
use crate::domain::{dates, names};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = people)]
pub struct Person {
    pub id: i64,
    pub family_name: String,
    pub middle_name: String,
    pub given_name: String,
    pub date_of_birth: Date,
    pub sex: String,
    pub hometown: String,
    pub citizen_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub org_unit_id: i64,
    pub status: String,
    pub admission_decision_date: Option<Date>,
    pub ceremony_date: Option<Date>,
}

impl Person {
    pub fn full_name(&self) -> String {
        names::full_name(&self.family_name, &self.middle_name, &self.given_name)
    }
}

/// A person as validated by the form, ready to store.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PersonInput {
    pub family_name: String,
    pub middle_name: String,
    pub given_name: String,
    pub date_of_birth: Date,
    pub sex: String,
    pub hometown: String,
    pub citizen_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub org_unit_id: i64,
    pub status: String,
    pub admission_decision_date: Option<Date>,
    pub ceremony_date: Option<Date>,
}

impl PersonInput {
    fn search_text(&self) -> String {
        let mut text = names::fold(&names::full_name(&self.family_name, &self.middle_name, &self.given_name));
        for extra in [&self.citizen_id, &self.email, &self.phone].into_iter().flatten() {
            text.push(' ');
            text.push_str(&extra.to_lowercase());
        }
        text
    }
}

impl From<&Person> for PersonInput {
    fn from(p: &Person) -> Self {
        Self {
            family_name: p.family_name.clone(),
            middle_name: p.middle_name.clone(),
            given_name: p.given_name.clone(),
            date_of_birth: p.date_of_birth,
            sex: p.sex.clone(),
            hometown: p.hometown.clone(),
            citizen_id: p.citizen_id.clone(),
            email: p.email.clone(),
            phone: p.phone.clone(),
            org_unit_id: p.org_unit_id,
            status: p.status.clone(),
            admission_decision_date: p.admission_decision_date,
            ceremony_date: p.ceremony_date,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct PeopleQuery {
    /// Free text: folded, so "nguyen thi hang" finds "Nguyễn Thị Hằng".
    pub text: String,
    pub status: Option<String>,
    pub org_unit_id: Option<i64>,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct PersonRow {
    pub id: i64,
    pub family_name: String,
    pub middle_name: String,
    pub given_name: String,
    pub date_of_birth: Date,
    pub sex: String,
    pub status: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
}

/// One page of people in scope, in official-list order.
pub fn list(conn: &mut DbConn, scope: &Scope, query: &PeopleQuery) -> StoreResult<Paged<PersonRow>> {
    let folded = names::fold(&query.text);
    let build = || {
        let mut q = people::table.inner_join(org_units::table).into_boxed();
        if let Scope::Units(ids) = scope {
            q = q.filter(people::org_unit_id.eq_any(ids.clone()));
        }
        for word in folded.split_whitespace() {
            q = q.filter(people::search_text.like(super::contains_pattern(word)).escape('\\'));
        }
        if let Some(status) = &query.status {
            q = q.filter(people::status.eq(status.clone()));
        }
        if let Some(unit) = query.org_unit_id {
            q = q.filter(people::org_unit_id.eq(unit));
        }
        q
    };
    let total: i64 = build().count().get_result(conn)?;
    let per_page = query.per_page.clamp(1, 500);
    let page = query.page.max(1);
    let items = build()
        .order((people::sort_key.asc(), people::id.asc()))
        .limit(per_page)
        .offset((page - 1) * per_page)
        .select((
            people::id,
            people::family_name,
            people::middle_name,
            people::given_name,
            people::date_of_birth,
            people::sex,
            people::status,
            people::org_unit_id,
            org_units::name,
        ))
        .load(conn)?;
    Ok(Paged { items, total, page, per_page })
}

/// A person, if the scope covers their cell; otherwise NotFound, so another unit's person
/// cannot be told apart from one who does not exist.
pub fn find(conn: &mut DbConn, scope: &Scope, id: i64) -> StoreResult<Person> {
    let person: Person = people::table.find(id).select(Person::as_select()).first(conn)?;
    if scope.allows(person.org_unit_id) { Ok(person) } else { Err(StoreError::NotFound) }
}

fn check_citizen_id_free(conn: &mut DbConn, citizen_id: &Option<String>, except: Option<i64>) -> StoreResult<()> {
    if let Some(cid) = citizen_id {
        let other: Option<i64> =
            people::table.filter(people::citizen_id.eq(cid)).select(people::id).first(conn).optional()?;
        if other.is_some() && other != except {
            return Err(StoreError::Conflict("person.error.citizen_id_taken"));
        }
    }
    Ok(())
}

pub fn create(conn: &mut DbConn, actor: &Actor, scope: &Scope, input: &PersonInput) -> StoreResult<i64> {
    if !scope.allows(input.org_unit_id) {
        return Err(StoreError::NotFound);
    }
    super::write_tx(conn, |conn| {
        check_citizen_id_free(conn, &input.citizen_id, None)?;
        let now = dates::now();
        let id: i64 = diesel::insert_into(people::table)
            .values((values(input), people::created_at.eq(now), people::updated_at.eq(now)))
            .returning(people::id)
            .get_result(conn)?;
        audit::record(conn, actor, "person", Some(id), "create", None::<&()>, Some(input))?;
        Ok(id)
    })
}

#[allow(clippy::type_complexity)]
fn values(
    input: &PersonInput,
) -> (
    diesel::dsl::Eq<people::family_name, String>,
    diesel::dsl::Eq<people::middle_name, String>,
    diesel::dsl::Eq<people::given_name, String>,
    diesel::dsl::Eq<people::sort_key, Vec<u8>>,
    diesel::dsl::Eq<people::search_text, String>,
    diesel::dsl::Eq<people::date_of_birth, Date>,
    diesel::dsl::Eq<people::sex, String>,
    diesel::dsl::Eq<people::hometown, String>,
    diesel::dsl::Eq<people::citizen_id, Option<String>>,
    diesel::dsl::Eq<people::email, Option<String>>,
    diesel::dsl::Eq<people::phone, Option<String>>,
    diesel::dsl::Eq<people::org_unit_id, i64>,
    diesel::dsl::Eq<people::status, String>,
    diesel::dsl::Eq<people::admission_decision_date, Option<Date>>,
    diesel::dsl::Eq<people::ceremony_date, Option<Date>>,
) {
    (
        people::family_name.eq(input.family_name.clone()),
        people::middle_name.eq(input.middle_name.clone()),
        people::given_name.eq(input.given_name.clone()),
        people::sort_key.eq(names::sort_key(&input.family_name, &input.middle_name, &input.given_name)),
        people::search_text.eq(input.search_text()),
        people::date_of_birth.eq(input.date_of_birth),
        people::sex.eq(input.sex.clone()),
        people::hometown.eq(input.hometown.clone()),
        people::citizen_id.eq(input.citizen_id.clone()),
        people::email.eq(input.email.clone()),
        people::phone.eq(input.phone.clone()),
        people::org_unit_id.eq(input.org_unit_id),
        people::status.eq(input.status.clone()),
        people::admission_decision_date.eq(input.admission_decision_date),
        people::ceremony_date.eq(input.ceremony_date),
    )
}

pub fn update(conn: &mut DbConn, actor: &Actor, scope: &Scope, id: i64, input: &PersonInput) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = PersonInput::from(&find(conn, scope, id)?);
        if !scope.allows(input.org_unit_id) {
            return Err(StoreError::NotFound);
        }
        if before == *input {
            return Ok(());
        }
        check_citizen_id_free(conn, &input.citizen_id, Some(id))?;
        diesel::update(people::table.find(id))
            .set((values(input), people::updated_at.eq(dates::now())))
            .execute(conn)?;
        audit::record(conn, actor, "person", Some(id), "update", Some(&before), Some(input))
    })
}

/// People in scope per status, in one query.
pub fn count_by_status(conn: &mut DbConn, scope: &Scope) -> StoreResult<Vec<(String, i64)>> {
    let mut q = people::table.group_by(people::status).select((people::status, diesel::dsl::count_star())).into_boxed();
    if let Scope::Units(ids) = scope {
        q = q.filter(people::org_unit_id.eq_any(ids.clone()));
    }
    Ok(q.load(conn)?)
}

pub fn count(conn: &mut DbConn) -> StoreResult<i64> {
    Ok(people::table.count().get_result(conn)?)
}

/// Inserts many people in one transaction, without audit rows per person (the demo loader and
/// imports record one summary event instead).
pub fn insert_many(conn: &mut DbConn, inputs: &[PersonInput]) -> StoreResult<()> {
    let now = dates::now();
    super::write_tx(conn, |conn| {
        for input in inputs {
            diesel::insert_into(people::table)
                .values((values(input), people::created_at.eq(now), people::updated_at.eq(now)))
                .execute(conn)?;
        }
        Ok(())
    })
}
