//! Accounts, their roles and the org units a secretary is bound to.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use time::PrimitiveDateTime;

use super::audit::{self, Actor};
use super::{DbConn, StoreError, StoreResult};
use crate::db::schema::{secretary_units, user_roles, users};
use crate::domain::role::Role;
use crate::domain::{dates, names};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub language: String,
    pub active: bool,
    pub must_change_password: bool,
    pub session_version: i32,
    pub person_id: Option<i64>,
    /// When the one-time password stops working (only while `must_change_password`).
    pub password_expires_at: Option<PrimitiveDateTime>,
}

impl User {
    /// A one-time password past its time: it no longer logs in.
    pub fn one_time_password_expired(&self, now: PrimitiveDateTime) -> bool {
        self.must_change_password && self.password_expires_at.is_some_and(|expires| expires <= now)
    }
}

/// An account with its roles, as the web layer needs it on every request.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    #[serde(flatten)]
    pub user: User,
    pub roles: Vec<Role>,
    pub secretary_units: Vec<i64>,
}

pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn find_by_email(conn: &mut DbConn, email: &str) -> StoreResult<Option<User>> {
    Ok(users::table.filter(users::email.eq(normalize_email(email))).select(User::as_select()).first(conn).optional()?)
}

/// The account linked to a person (a learner's), if any.
pub fn find_by_person(conn: &mut DbConn, person_id: i64) -> StoreResult<Option<User>> {
    Ok(users::table.filter(users::person_id.eq(person_id)).select(User::as_select()).first(conn).optional()?)
}

pub fn find(conn: &mut DbConn, id: i64) -> StoreResult<User> {
    Ok(users::table.find(id).select(User::as_select()).get_result(conn)?)
}

pub fn account(conn: &mut DbConn, id: i64) -> StoreResult<Account> {
    let user = find(conn, id)?;
    let roles = roles_of(conn, id)?;
    let secretary_units = if roles.contains(&Role::Secretary) {
        secretary_units::table
            .filter(secretary_units::user_id.eq(id))
            .select(secretary_units::org_unit_id)
            .order(secretary_units::org_unit_id)
            .load(conn)?
    } else {
        Vec::new()
    };
    Ok(Account { user, roles, secretary_units })
}

pub fn roles_of(conn: &mut DbConn, id: i64) -> StoreResult<Vec<Role>> {
    let codes: Vec<String> =
        user_roles::table.filter(user_roles::user_id.eq(id)).select(user_roles::role).load(conn)?;
    let mut roles: Vec<Role> = codes.iter().filter_map(|c| c.parse().ok()).collect();
    roles.sort();
    Ok(roles)
}

#[derive(Debug, Clone, Serialize)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub roles: Vec<Role>,
    pub secretary_units: Vec<i64>,
    pub person_id: Option<i64>,
    /// Set for a one-time password: it must be changed at the first login and stops working
    /// at this time.
    pub one_time_password_until: Option<PrimitiveDateTime>,
}

pub fn create(conn: &mut DbConn, actor: &Actor, new: &NewUser) -> StoreResult<i64> {
    super::write_tx(conn, |conn| {
        let now = dates::now();
        let email = normalize_email(&new.email);
        if find_by_email(conn, &email)?.is_some() {
            return Err(StoreError::Conflict("account.error.email_taken"));
        }
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::email.eq(&email),
                users::display_name.eq(&new.display_name),
                users::password_hash.eq(&new.password_hash),
                users::person_id.eq(new.person_id),
                users::must_change_password.eq(new.one_time_password_until.is_some()),
                users::password_expires_at.eq(new.one_time_password_until),
                users::created_at.eq(now),
                users::updated_at.eq(now),
            ))
            .returning(users::id)
            .get_result(conn)?;
        write_roles(conn, id, &new.roles, &new.secretary_units)?;
        audit::record(conn, actor, "account", Some(id), "create", None::<&()>, Some(new))?;
        Ok(id)
    })
}

/// Creates accounts as `create` does, each with its roles and its audit event, with multi-row
/// inserts; returns their ids in the order of `news`. An email taken already, or twice in
/// `news`, is a Conflict. Secretaries (bound to org units) go through `create` one by one.
pub fn create_many(conn: &mut DbConn, actor: &Actor, news: &[NewUser]) -> StoreResult<Vec<i64>> {
    if news.iter().any(|n| n.roles.contains(&Role::Secretary)) {
        return news.iter().map(|n| create(conn, actor, n)).collect();
    }
    super::write_tx(conn, |conn| {
        let now = dates::now();
        let emails: Vec<String> = news.iter().map(|n| normalize_email(&n.email)).collect();
        let mut distinct = HashSet::new();
        if !emails.iter().all(|e| distinct.insert(e.as_str())) || !emails_taken(conn, &emails)?.is_empty() {
            return Err(StoreError::Conflict("account.error.email_taken"));
        }
        let mut ids = Vec::with_capacity(news.len());
        for (chunk, emails) in news.chunks(super::INSERT_CHUNK).zip(emails.chunks(super::INSERT_CHUNK)) {
            let rows: Vec<_> = chunk
                .iter()
                .zip(emails)
                .map(|(new, email)| {
                    (
                        users::email.eq(email.clone()),
                        users::display_name.eq(new.display_name.clone()),
                        users::password_hash.eq(new.password_hash.clone()),
                        users::person_id.eq(new.person_id),
                        users::must_change_password.eq(new.one_time_password_until.is_some()),
                        users::password_expires_at.eq(new.one_time_password_until),
                        users::created_at.eq(now),
                        users::updated_at.eq(now),
                    )
                })
                .collect();
            let mut chunk_ids: Vec<i64> =
                super::with_rows!(rows, |rows| super::on_backend!(&mut *conn, |c| diesel::insert_into(users::table)
                    .values(rows)
                    .returning(users::id)
                    .get_results(c)?));
            // One statement numbers its rows in the order of its VALUES; RETURNING's order is
            // not promised, the ids' order is.
            chunk_ids.sort_unstable();
            ids.extend(chunk_ids);
        }
        let roles: Vec<(i64, &'static str)> =
            ids.iter().zip(news).flat_map(|(id, new)| new.roles.iter().map(move |r| (*id, r.code()))).collect();
        for chunk in roles.chunks(super::INSERT_CHUNK) {
            let rows: Vec<_> =
                chunk.iter().map(|(id, role)| (user_roles::user_id.eq(*id), user_roles::role.eq(*role))).collect();
            super::with_rows!(rows, |rows| super::on_backend!(&mut *conn, |c| diesel::insert_into(user_roles::table)
                .values(rows)
                .execute(c)?));
        }
        let changes: Vec<(i64, &NewUser)> = ids.iter().copied().zip(news).collect();
        audit::record_each(conn, actor, "account", "create", &changes)?;
        Ok(ids)
    })
}

/// Which of these (normalized) emails have an account.
pub fn emails_taken(conn: &mut DbConn, emails: &[String]) -> StoreResult<HashSet<String>> {
    let mut taken = HashSet::new();
    for chunk in emails.chunks(super::INSERT_CHUNK) {
        let found: Vec<String> = users::table.filter(users::email.eq_any(chunk)).select(users::email).load(conn)?;
        taken.extend(found);
    }
    Ok(taken)
}

/// The accounts with these ids, in the order of `ids` (missing ones left out).
pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> StoreResult<Vec<User>> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(super::INSERT_CHUNK) {
        let users: Vec<User> = users::table.filter(users::id.eq_any(chunk)).select(User::as_select()).load(conn)?;
        found.extend(users.into_iter().map(|u| (u.id, u)));
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

fn write_roles(conn: &mut DbConn, id: i64, roles: &[Role], units: &[i64]) -> StoreResult<()> {
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(id))).execute(conn)?;
    for role in roles {
        diesel::insert_into(user_roles::table)
            .values((user_roles::user_id.eq(id), user_roles::role.eq(role.code())))
            .execute(conn)?;
    }
    let bound_before: Vec<i64> = secretary_units::table
        .filter(secretary_units::user_id.eq(id))
        .select(secretary_units::org_unit_id)
        .load(conn)?;
    diesel::delete(secretary_units::table.filter(secretary_units::user_id.eq(id))).execute(conn)?;
    if roles.contains(&Role::Secretary) {
        for unit in units {
            // Whatever the caller (a form, the command line), a secretary is newly bound to a chi
            // bộ only; a binding made before that rule may stay until it is removed.
            let kind = super::orgs::find(conn, *unit)?.kind();
            if !bound_before.contains(unit) && !kind.is_some_and(crate::domain::org::OrgKind::may_have_secretary) {
                return Err(super::StoreError::Conflict("org.error.secretary_cell_only"));
            }
            diesel::insert_into(secretary_units::table)
                .values((secretary_units::user_id.eq(id), secretary_units::org_unit_id.eq(unit)))
                .execute(conn)?;
        }
    }
    Ok(())
}

#[derive(Debug, Serialize)]
struct RolesSnapshot<'a> {
    roles: &'a [Role],
    secretary_units: &'a [i64],
    active: bool,
    display_name: &'a str,
}

/// Replaces roles, secretary units, name and the active flag. Deactivating ends the user's
/// sessions (the session version moves on).
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    display_name: &str,
    roles: &[Role],
    units: &[i64],
    active: bool,
) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = account(conn, id)?;
        write_roles(conn, id, roles, units)?;
        let bump = i32::from(before.user.active && !active);
        diesel::update(users::table.find(id))
            .set((
                users::display_name.eq(display_name),
                users::active.eq(active),
                users::session_version.eq(users::session_version + bump),
                users::updated_at.eq(dates::now()),
            ))
            .execute(conn)?;
        fn snapshot(a: &Account) -> RolesSnapshot<'_> {
            RolesSnapshot {
                roles: &a.roles,
                secretary_units: &a.secretary_units,
                active: a.user.active,
                display_name: &a.user.display_name,
            }
        }
        let after = account(conn, id)?;
        audit::record(conn, actor, "account", Some(id), "update", Some(&snapshot(&before)), Some(&snapshot(&after)))
    })
}

/// Sets a new password hash — one the person chose, or a one-time password (`one_time_until`
/// set: it must be changed at the next login and stops working then) — and moves the session
/// version on, which ends every other session of the account. Every unused reset or invitation
/// link of the account stops working too, whichever way the password was set. Returns the new
/// session version.
pub fn set_password(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    hash: &str,
    one_time_until: Option<PrimitiveDateTime>,
) -> StoreResult<i32> {
    super::write_tx(conn, |conn| {
        super::tokens::revoke_all_unused(conn, id)?;
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(hash),
                users::must_change_password.eq(one_time_until.is_some()),
                users::password_expires_at.eq(one_time_until),
                users::session_version.eq(users::session_version + 1),
                users::updated_at.eq(dates::now()),
            ))
            .execute(conn)?;
        audit::record(conn, actor, "account", Some(id), "set_password", None::<&()>, None::<&()>)?;
        Ok(users::table.find(id).select(users::session_version).get_result(conn)?)
    })
}

/// Moves the session version on, which ends every session of the account: the cookie holds
/// the whole session, so this is how logging out ends it on the server too.
pub fn end_sessions(conn: &mut DbConn, id: i64) -> StoreResult<()> {
    diesel::update(users::table.find(id)).set(users::session_version.eq(users::session_version + 1)).execute(conn)?;
    Ok(())
}

pub fn set_language(conn: &mut DbConn, id: i64, language: &str) -> StoreResult<()> {
    diesel::update(users::table.find(id)).set(users::language.eq(language)).execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub active: bool,
    pub roles: Vec<Role>,
}

pub fn list(conn: &mut DbConn) -> StoreResult<Vec<AccountRow>> {
    let users: Vec<(i64, String, String, bool)> = users::table
        .select((users::id, users::email, users::display_name, users::active))
        .order(users::email)
        .load(conn)?;
    let roles: Vec<(i64, String)> = user_roles::table.select((user_roles::user_id, user_roles::role)).load(conn)?;
    Ok(users
        .into_iter()
        .map(|(id, email, display_name, active)| {
            let mut r: Vec<Role> = roles.iter().filter(|(u, _)| *u == id).filter_map(|(_, c)| c.parse().ok()).collect();
            r.sort();
            AccountRow { id, email, display_name, active, roles: r }
        })
        .collect())
}

/// What the account list is narrowed to: words of the display name or the email (case and
/// diacritics ignored, so "nguyen thi lan" finds "Nguyễn Thị Lan") and one role.
#[derive(Debug, Clone, Default)]
pub struct AccountQuery {
    pub text: String,
    pub role: Option<Role>,
}

/// The accounts matching `query`, by display name in Vietnamese alphabetical order (then email).
/// Accounts are few (staff, secretaries, learners of a province), so the words are matched here
/// on the folded text rather than in SQL, which has no diacritic-insensitive match on both
/// backends.
pub fn search(conn: &mut DbConn, query: &AccountQuery) -> StoreResult<Vec<AccountRow>> {
    let mut q = users::table.select((users::id, users::email, users::display_name, users::active)).into_boxed();
    if let Some(role) = query.role {
        q = q.filter(
            users::id.eq_any(user_roles::table.filter(user_roles::role.eq(role.code())).select(user_roles::user_id)),
        );
    }
    let found: Vec<(i64, String, String, bool)> = q.load(conn)?;
    let words: Vec<String> = names::fold(&query.text).split_whitespace().map(str::to_owned).collect();
    let mut roles: HashMap<i64, Vec<Role>> = HashMap::new();
    for (user, code) in user_roles::table.select((user_roles::user_id, user_roles::role)).load::<(i64, String)>(conn)? {
        roles.entry(user).or_default().extend(code.parse::<Role>().ok());
    }
    let mut rows: Vec<AccountRow> = found
        .into_iter()
        .filter(|(_, email, display_name, _)| {
            let text = names::fold(&format!("{display_name} {email}"));
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .map(|(id, email, display_name, active)| {
            let mut r = roles.remove(&id).unwrap_or_default();
            r.sort();
            AccountRow { id, email, display_name, active, roles: r }
        })
        .collect();
    rows.sort_by(|a, b| names::compare(&a.display_name, &b.display_name).then_with(|| a.email.cmp(&b.email)));
    Ok(rows)
}

pub fn count(conn: &mut DbConn) -> StoreResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}
