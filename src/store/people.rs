//! The registry of candidates and members (hồ sơ quần chúng, đảng viên): each stored with their
//! full name NFC, the sort name lists are ordered by, a collation key for ordering in SQL and a
//! folded text for diacritic-insensitive search. Every query is scoped.

use diesel::prelude::*;
use serde::Serialize;
use time::Date;

use super::audit::{self, Actor};
use super::{DbConn, Paged, Scope, StoreError, StoreResult};
use crate::db::schema::people;
use crate::domain::{dates, names};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = people)]
pub struct Person {
    pub id: i64,
    pub full_name: String,
    pub sort_name: String,
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
    /// The name as written ("Họ và tên"); a method too, for the callers that read it so.
    pub fn full_name(&self) -> String {
        self.full_name.clone()
    }
}

/// A person as validated by the form, ready to store.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PersonInput {
    pub full_name: String,
    /// Never empty: the form works it out from the full name when left empty.
    pub sort_name: String,
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
        let mut text = names::fold(&self.full_name);
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
            full_name: p.full_name.clone(),
            sort_name: p.sort_name.clone(),
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
    /// People of these units only (a unit and its subtree, say).
    pub org_units: Option<Vec<i64>>,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct PersonRow {
    pub id: i64,
    pub full_name: String,
    pub date_of_birth: Date,
    pub sex: String,
    pub status: String,
    pub org_unit_id: i64,
}

/// One page of people in scope, in official-list order.
pub fn list(conn: &mut DbConn, scope: &Scope, query: &PeopleQuery) -> StoreResult<Paged<PersonRow>> {
    let folded = names::fold(&query.text);
    let build = || {
        let mut q = people::table.into_boxed();
        if let Scope::Units(ids) = scope {
            q = q.filter(people::org_unit_id.eq_any(ids.clone()));
        }
        for word in folded.split_whitespace() {
            q = q.filter(people::search_text.like(super::contains_pattern(word)).escape('\\'));
        }
        if let Some(status) = &query.status {
            q = q.filter(people::status.eq(status.clone()));
        }
        if let Some(units) = &query.org_units {
            q = q.filter(people::org_unit_id.eq_any(units.clone()));
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
            people::full_name,
            people::date_of_birth,
            people::sex,
            people::status,
            people::org_unit_id,
        ))
        .load(conn)?;
    Ok(Paged { items, total, page, per_page })
}

/// A person, if the scope covers their cell; otherwise NotFound, so another unit's person
/// cannot be told apart from one who does not exist.
pub fn find(conn: &mut DbConn, scope: &Scope, id: i64) -> StoreResult<Person> {
    let person: Person = people::table.find(id).select(Person::as_select()).get_result(conn)?;
    if scope.allows(person.org_unit_id) { Ok(person) } else { Err(StoreError::NotFound) }
}

/// Someone already in the registry, as the checks before saving find them. Whether the user
/// may see them is for the caller to decide (a secretary may not, outside their units).
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Existing {
    pub id: i64,
    pub full_name: String,
    pub date_of_birth: Date,
    pub org_unit_id: i64,
}

fn existing_columns() -> (people::id, people::full_name, people::date_of_birth, people::org_unit_id) {
    (people::id, people::full_name, people::date_of_birth, people::org_unit_id)
}

/// Who holds this citizen ID, other than `except`, in any unit.
pub fn citizen_id_holder(conn: &mut DbConn, citizen_id: &str, except: Option<i64>) -> StoreResult<Option<Existing>> {
    let holder: Option<Existing> =
        people::table.filter(people::citizen_id.eq(citizen_id)).select(existing_columns()).first(conn).optional()?;
    Ok(holder.filter(|h| Some(h.id) != except))
}

/// People, other than `except`, in any unit, born on that day whose name is the same but for
/// case, spacing and diacritics ("Nguyen Thi Hang" typed on a phone is "Nguyễn Thị Hằng"):
/// probably the same person entered twice.
pub fn same_name_and_birth(
    conn: &mut DbConn,
    full_name: &str,
    date_of_birth: Date,
    except: Option<i64>,
) -> StoreResult<Vec<Existing>> {
    let folded = names::fold(full_name);
    let born_that_day: Vec<Existing> = people::table
        .filter(people::date_of_birth.eq(date_of_birth))
        .order(people::id.asc())
        .select(existing_columns())
        .load(conn)?;
    Ok(born_that_day.into_iter().filter(|p| Some(p.id) != except && names::fold(&p.full_name) == folded).collect())
}

fn check_citizen_id_free(conn: &mut DbConn, citizen_id: &Option<String>, except: Option<i64>) -> StoreResult<()> {
    if let Some(cid) = citizen_id
        && citizen_id_holder(conn, cid, except)?.is_some()
    {
        return Err(StoreError::Conflict("person.error.citizen_id_taken"));
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
    diesel::dsl::Eq<people::full_name, String>,
    diesel::dsl::Eq<people::sort_name, String>,
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
        people::full_name.eq(input.full_name.clone()),
        people::sort_name.eq(input.sort_name.clone()),
        people::sort_key.eq(names::sort_key(&input.sort_name, &input.full_name)),
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

/// Computes the collation keys a migration could not (it leaves them empty), so lists are in
/// Vietnamese order. Run on connecting, after the migrations; does nothing when every key is set.
pub fn fill_sort_keys(conn: &mut DbConn) -> StoreResult<usize> {
    let empty: Vec<u8> = Vec::new();
    let missing: Vec<(i64, String, String)> = people::table
        .filter(people::sort_key.eq(&empty))
        .select((people::id, people::sort_name, people::full_name))
        .load(conn)?;
    if missing.is_empty() {
        return Ok(0);
    }
    super::write_tx(conn, |conn| {
        for (id, sort_name, full_name) in &missing {
            diesel::update(people::table.find(id))
                .set(people::sort_key.eq(names::sort_key(sort_name, full_name)))
                .execute(conn)?;
        }
        Ok(missing.len())
    })
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

/// Inserts one person and returns the id, without an audit row (an import records one summary
/// event for all it adds). The caller has checked the citizen ID; a taken one is a Conflict.
pub fn insert_one(conn: &mut DbConn, input: &PersonInput, now: time::PrimitiveDateTime) -> StoreResult<i64> {
    Ok(diesel::insert_into(people::table)
        .values((values(input), people::created_at.eq(now), people::updated_at.eq(now)))
        .returning(people::id)
        .get_result(conn)?)
}

/// Inserts people with multi-row statements and returns their ids in the order of `inputs`,
/// without audit rows (an import records one summary event for all it adds). The caller has
/// checked the citizen IDs; a taken one is a Conflict (call it in a transaction, which then
/// undoes the rows already inserted).
pub fn insert_all(conn: &mut DbConn, inputs: &[PersonInput], now: time::PrimitiveDateTime) -> StoreResult<Vec<i64>> {
    let mut ids = Vec::with_capacity(inputs.len());
    for chunk in inputs.chunks(super::INSERT_CHUNK) {
        let rows: Vec<_> =
            chunk.iter().map(|input| (values(input), people::created_at.eq(now), people::updated_at.eq(now))).collect();
        let mut chunk_ids: Vec<i64> =
            super::with_rows!(rows, |rows| super::on_backend!(&mut *conn, |c| diesel::insert_into(people::table)
                .values(rows)
                .returning(people::id)
                .get_results(c)?));
        // One statement numbers its rows in the order of its VALUES; RETURNING's order is not
        // promised, the ids' order is.
        chunk_ids.sort_unstable();
        ids.extend(chunk_ids);
    }
    Ok(ids)
}
