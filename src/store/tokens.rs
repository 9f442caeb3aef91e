//! Single-use, expiring links for invitations and password resets. The link carries a random
//! token; the database keeps only its SHA-256, so a copy of the database opens no account.

use diesel::prelude::*;
use sha2::{Digest, Sha256};
use time::{Duration, PrimitiveDateTime};

use super::{DbConn, StoreResult};
use crate::credentials::token::random_token;
use crate::db::schema::account_tokens;
use crate::domain::dates;

pub const INVITE: &str = "invite";
pub const RESET: &str = "reset";

/// The path of the page that takes a token of this purpose ("/invite/{token}", …).
pub fn link_path(purpose: &str) -> &'static str {
    if purpose == INVITE { "invite" } else { "password/reset" }
}

pub fn lifetime(purpose: &str) -> Duration {
    if purpose == INVITE { Duration::days(7) } else { Duration::hours(2) }
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes a token for the account and returns it (the only time it exists in clear), valid from
/// `now` for the purpose's lifetime.
pub fn create(
    conn: &mut DbConn,
    user_id: i64,
    purpose: &str,
    now: PrimitiveDateTime,
) -> StoreResult<(String, PrimitiveDateTime)> {
    let token = random_token();
    let expires_at = now + lifetime(purpose);
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::user_id.eq(user_id),
            account_tokens::purpose.eq(purpose),
            account_tokens::token_hash.eq(hash(&token)),
            account_tokens::expires_at.eq(expires_at),
            account_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok((token, expires_at))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// Usable: the token's row and its account.
    Valid {
        token_id: i64,
        user_id: i64,
    },
    Expired,
    Used,
    Unknown,
}

pub fn check(conn: &mut DbConn, token: &str, purpose: &str, now: PrimitiveDateTime) -> StoreResult<TokenState> {
    let row: Option<(i64, i64, PrimitiveDateTime, Option<PrimitiveDateTime>)> = account_tokens::table
        .filter(account_tokens::token_hash.eq(hash(token)))
        .filter(account_tokens::purpose.eq(purpose))
        .select((account_tokens::id, account_tokens::user_id, account_tokens::expires_at, account_tokens::used_at))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => TokenState::Unknown,
        Some((_, _, _, Some(_))) => TokenState::Used,
        Some((_, _, expires, None)) if expires <= now => TokenState::Expired,
        Some((token_id, user_id, _, None)) => TokenState::Valid { token_id, user_id },
    })
}

/// Marks the token used; false when another request used it first.
pub fn consume(conn: &mut DbConn, token_id: i64) -> StoreResult<bool> {
    let updated = diesel::update(
        account_tokens::table.filter(account_tokens::id.eq(token_id)).filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(dates::now()))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Ends every unused token of an account for a purpose (a new reset link replaces older ones).
pub fn revoke_unused(conn: &mut DbConn, user_id: i64, purpose: &str) -> StoreResult<()> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq(purpose))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(dates::now()))
    .execute(conn)?;
    Ok(())
}

/// Ends every unused token of an account, whatever its purpose: once a password is set, no
/// older reset or invitation link may set another.
pub fn revoke_all_unused(conn: &mut DbConn, user_id: i64) -> StoreResult<()> {
    diesel::update(
        account_tokens::table.filter(account_tokens::user_id.eq(user_id)).filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(dates::now()))
    .execute(conn)?;
    Ok(())
}
