//! API tokens: an admin issues one for an account, and the JSON API (`web::api`) then acts as
//! that account, with its roles and row scope. Only the SHA-256 of a token is stored; the token
//! itself is shown once, when it is issued. A request finds its token by that hash through the
//! unique index: the index compares digests of what the client sent, which tell an attacker
//! nothing about a stored token, so the lookup leaks no usable timing.

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Duration, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::{DbConn, StoreError, StoreResult};
use crate::db::schema::{api_tokens, users};

/// What every token starts with, so one found in a file or a log is recognised.
pub const TOKEN_START: &str = "bd_";

/// How much of a token the list shows ("bd_" and 8 characters): enough to tell tokens apart,
/// far too little to guess the rest.
const SHOWN_CHARS: usize = TOKEN_START.len() + 8;

/// `last_used_at` is written at most this often per token, not on every request.
pub const USE_RECORD_INTERVAL: Duration = Duration::minutes(1);

/// A token as stored, without its hash.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub user_id: i64,
    pub prefix: String,
    pub created_by: i64,
    pub created_at: PrimitiveDateTime,
    pub last_used_at: Option<PrimitiveDateTime>,
    pub revoked_at: Option<PrimitiveDateTime>,
    pub revoked_by: Option<i64>,
}

/// A token with the account it acts as, for the admin's list.
#[derive(Debug, Clone, Serialize)]
pub struct TokenRow {
    pub token: ApiToken,
    pub user_email: String,
    pub user_name: String,
}

/// A token just issued: the only time its full text exists outside the client.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: i64,
    pub token: String,
}

/// The stored form of a token: SHA-256, lowercase hex.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A new random token: "bd_" and 32 random bytes in URL-safe base64.
pub fn generate() -> String {
    format!("{TOKEN_START}{}", crate::credentials::token::random_token())
}

/// Issues a token acting as `user_id`, audited.
pub fn issue(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: i64,
    name: &str,
    now: PrimitiveDateTime,
) -> StoreResult<Issued> {
    let token = generate();
    let prefix: String = token.chars().take(SHOWN_CHARS).collect();
    let created_by = actor.user_id.ok_or_else(|| StoreError::Other(anyhow::anyhow!("a token is issued by a user")))?;
    super::write_tx(conn, |c| {
        super::users::find(c, user_id)?;
        let id: i64 = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::name.eq(name),
                api_tokens::user_id.eq(user_id),
                api_tokens::token_hash.eq(hash(&token)),
                api_tokens::prefix.eq(&prefix),
                api_tokens::created_by.eq(created_by),
                api_tokens::created_at.eq(now),
            ))
            .returning(api_tokens::id)
            .get_result(c)?;
        let stored = find(c, id)?;
        audit::record(c, actor, "api_token", Some(id), "create", None::<&()>, Some(&stored))?;
        Ok(Issued { id, token: token.clone() })
    })
}

pub fn find(conn: &mut DbConn, id: i64) -> StoreResult<ApiToken> {
    Ok(api_tokens::table.find(id).select(ApiToken::as_select()).get_result(conn)?)
}

/// Every token, those in use first, newest first.
pub fn list(conn: &mut DbConn) -> StoreResult<Vec<TokenRow>> {
    let rows: Vec<(ApiToken, String, String)> = api_tokens::table
        .inner_join(users::table.on(users::id.eq(api_tokens::user_id)))
        .order((api_tokens::revoked_at.is_not_null(), api_tokens::id.desc()))
        .select((ApiToken::as_select(), users::email, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(token, user_email, user_name)| TokenRow { token, user_email, user_name }).collect())
}

/// Revokes a token, audited. A token already revoked is a conflict (the page says so).
pub fn revoke(conn: &mut DbConn, actor: &Actor, id: i64, now: PrimitiveDateTime) -> StoreResult<()> {
    super::write_tx(conn, |c| {
        let before = find(c, id)?;
        if before.revoked_at.is_some() {
            return Err(StoreError::Conflict("api.tokens.already_revoked"));
        }
        diesel::update(api_tokens::table.find(id))
            .set((api_tokens::revoked_at.eq(now), api_tokens::revoked_by.eq(actor.user_id)))
            .execute(c)?;
        let after = find(c, id)?;
        audit::record(c, actor, "api_token", Some(id), "revoke", Some(&before), Some(&after))
    })
}

/// The account a presented token acts as, if the token exists and is not revoked. Records the
/// use, at most once per `USE_RECORD_INTERVAL` (the update only matches an older stamp, so
/// requests at the same time write once).
pub fn authenticate(conn: &mut DbConn, token: &str, now: PrimitiveDateTime) -> StoreResult<Option<i64>> {
    if !token.starts_with(TOKEN_START) || token.len() > 200 {
        return Ok(None);
    }
    let found: Option<(i64, i64, Option<PrimitiveDateTime>)> = api_tokens::table
        .filter(api_tokens::token_hash.eq(hash(token)))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::id, api_tokens::user_id, api_tokens::last_used_at))
        .first(conn)
        .optional()?;
    let Some((id, user_id, last_used_at)) = found else {
        return Ok(None);
    };
    let stale = now - USE_RECORD_INTERVAL;
    if last_used_at.is_none_or(|at| at <= stale) {
        diesel::update(
            api_tokens::table
                .find(id)
                .filter(api_tokens::last_used_at.is_null().or(api_tokens::last_used_at.le(stale))),
        )
        .set(api_tokens::last_used_at.eq(now))
        .execute(conn)?;
    }
    Ok(Some(user_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed_as_sha256_hex() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_START) && a.len() == TOKEN_START.len() + 43, "{a}");
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
