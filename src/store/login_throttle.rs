//! Login throttling, counted in the database so that several instances sharing it share the
//! limits. An attempt is *reserved* before the password is verified: one write transaction adds
//! it to the counters of its keys — the account with the address it comes from, the account
//! alone, the address alone — and tells whether it may be verified. A refused attempt is rolled
//! back, so it counts nowhere. However many attempts arrive at once, no more than the limit are
//! ever verified: on SQLite the transaction holds the write lock; on PostgreSQL the upsert locks
//! each counter's row until the transaction ends.
//!
//! The pair limit is low and the account limit high, so that someone guessing from a few
//! addresses is stopped quickly without locking the owner out everywhere; the address limit
//! stops one address spraying many accounts. Counters use a fixed window: the first attempt
//! starts it, and when it has passed the count starts again. A successful login clears the
//! account's and the pair's counters and gives the address its reservation back.
//!
//! Keys hold only SHA-256 hashes of the normalised email and the address, so the table holds no
//! addresses, and every row has the same small size whatever was typed.

use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::{BigInt, Integer, Text};
use sha2::{Digest, Sha256};

use super::{DbConn, StoreError, StoreResult};
use crate::credentials::policy::MAX_LENGTH;
use crate::db::schema::login_throttle;

/// The limits and the window they apply over.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Attempts for one account from one address.
    pub pair: u32,
    /// Attempts for one account from anywhere.
    pub account: u32,
    /// Attempts from one address for any account.
    pub address: u32,
    pub window_secs: i64,
}

/// The counters one attempt goes to.
#[derive(Debug, Clone)]
pub struct Keys {
    pair: String,
    account: String,
    address: String,
}

impl Keys {
    /// The email is normalised (trimmed, lower case, at most 254 characters) so that "A@x.vn"
    /// and "a@x.vn " are one account.
    pub fn new(email: &str, address: &str) -> Self {
        let email: String = email.trim().to_lowercase().chars().take(MAX_LENGTH).collect();
        Self {
            pair: format!("p:{}", sha256_hex(&format!("{email}\n{address}"))),
            account: format!("a:{}", sha256_hex(&email)),
            address: format!("i:{}", sha256_hex(address)),
        }
    }

    /// The keys with their limits, in one fixed order (sorted by key) so that two transactions
    /// lock shared rows in the same order and never deadlock.
    fn with_limits(&self, limits: &Limits) -> Vec<(&str, u32)> {
        let mut keys = vec![
            (self.pair.as_str(), limits.pair),
            (self.account.as_str(), limits.account),
            (self.address.as_str(), limits.address),
        ];
        keys.sort();
        keys
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Counted: the password may be verified.
    Allowed,
    /// Not counted: a limit is reached; the seconds until its window ends.
    Refused { wait_secs: i64 },
}

impl Reservation {
    /// Whole minutes to wait, at least one, for the message.
    pub fn wait_minutes(&self) -> i64 {
        match self {
            Reservation::Allowed => 0,
            Reservation::Refused { wait_secs } => ((wait_secs + 59) / 60).max(1),
        }
    }
}

/// Why the reservation transaction ended without committing.
enum Abort {
    Refused(i64),
    Database(DieselError),
}

impl From<DieselError> for Abort {
    fn from(e: DieselError) -> Self {
        Abort::Database(e)
    }
}

#[derive(QueryableByName)]
struct Counter {
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = BigInt)]
    window_start: i64,
}

const UPSERT_SQLITE: &str = "INSERT INTO login_throttle (key, attempts, window_start) VALUES (?, 1, ?) \
     ON CONFLICT (key) DO UPDATE SET \
     attempts = CASE WHEN login_throttle.window_start <= ? THEN 1 ELSE login_throttle.attempts + 1 END, \
     window_start = CASE WHEN login_throttle.window_start <= ? THEN excluded.window_start ELSE login_throttle.window_start END \
     RETURNING attempts, window_start";

const UPSERT_POSTGRES: &str = "INSERT INTO login_throttle (key, attempts, window_start) VALUES ($1, 1, $2) \
     ON CONFLICT (key) DO UPDATE SET \
     attempts = CASE WHEN login_throttle.window_start <= $3 THEN 1 ELSE login_throttle.attempts + 1 END, \
     window_start = CASE WHEN login_throttle.window_start <= $3 THEN excluded.window_start ELSE login_throttle.window_start END \
     RETURNING attempts, window_start";

/// Adds one attempt to a counter (starting a new window when the old one has passed) and
/// returns the counter; on PostgreSQL the row stays locked until the transaction ends.
fn count(conn: &mut DbConn, key: &str, now: i64, window_secs: i64) -> Result<Counter, DieselError> {
    let expired_before = now - window_secs;
    match conn {
        DbConn::Sqlite(c) => diesel::sql_query(UPSERT_SQLITE)
            .bind::<Text, _>(key)
            .bind::<BigInt, _>(now)
            .bind::<BigInt, _>(expired_before)
            .bind::<BigInt, _>(expired_before)
            .get_result(c),
        DbConn::Postgres(c) => diesel::sql_query(UPSERT_POSTGRES)
            .bind::<Text, _>(key)
            .bind::<BigInt, _>(now)
            .bind::<BigInt, _>(expired_before)
            .get_result(c),
    }
}

/// Checks and counts an attempt in one write transaction (see the module comment).
pub fn reserve(conn: &mut DbConn, keys: &Keys, limits: &Limits, now: i64) -> StoreResult<Reservation> {
    sweep_now_and_then(conn, now, limits.window_secs)?;
    let outcome = super::write_tx(conn, |conn| {
        let mut wait: Option<i64> = None;
        for (key, limit) in keys.with_limits(limits) {
            let counter = count(conn, key, now, limits.window_secs)?;
            if counter.attempts > i32::try_from(limit).unwrap_or(i32::MAX) {
                let left = (counter.window_start + limits.window_secs - now).max(1);
                wait = Some(wait.map_or(left, |w| w.max(left)));
            }
        }
        match wait {
            Some(left) => Err(Abort::Refused(left)),
            None => Ok(()),
        }
    });
    match outcome {
        Ok(()) => Ok(Reservation::Allowed),
        Err(Abort::Refused(wait_secs)) => Ok(Reservation::Refused { wait_secs }),
        Err(Abort::Database(e)) => Err(StoreError::from(e)),
    }
}

/// After a successful login (or a right current password): the account's and the pair's
/// counters start again, and the address gets its reservation back.
pub fn succeeded(conn: &mut DbConn, keys: &Keys) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        diesel::delete(login_throttle::table.filter(login_throttle::key.eq_any([&keys.pair, &keys.account])))
            .execute(conn)?;
        diesel::update(
            login_throttle::table.filter(login_throttle::key.eq(&keys.address)).filter(login_throttle::attempts.gt(0)),
        )
        .set(login_throttle::attempts.eq(login_throttle::attempts - 1))
        .execute(conn)?;
        Ok(())
    })
}

/// Gives back a reserved attempt that was never verified (the server was too busy to hash it).
pub fn release(conn: &mut DbConn, keys: &Keys) -> StoreResult<()> {
    diesel::update(
        login_throttle::table
            .filter(login_throttle::key.eq_any([&keys.pair, &keys.account, &keys.address]))
            .filter(login_throttle::attempts.gt(0)),
    )
    .set(login_throttle::attempts.eq(login_throttle::attempts - 1))
    .execute(conn)?;
    Ok(())
}

/// Deletes counters whose window has passed, about once in 64 attempts, so the table holds only
/// the current windows' keys. On PostgreSQL rows another transaction holds are skipped.
fn sweep_now_and_then(conn: &mut DbConn, now: i64, window_secs: i64) -> StoreResult<()> {
    let mut dice = [0u8; 1];
    if getrandom::fill(&mut dice).is_err() || dice[0] % 64 != 0 {
        return Ok(());
    }
    sweep(conn, now, window_secs).map(|_| ())
}

/// Deletes the counters whose window has passed; returns how many.
pub fn sweep(conn: &mut DbConn, now: i64, window_secs: i64) -> StoreResult<usize> {
    let expired_before = now - window_secs;
    let deleted = match conn {
        DbConn::Sqlite(_) => {
            diesel::delete(login_throttle::table.filter(login_throttle::window_start.le(expired_before)))
                .execute(conn)?
        }
        DbConn::Postgres(c) => diesel::sql_query(
            "DELETE FROM login_throttle WHERE key IN (SELECT key FROM login_throttle WHERE window_start <= $1 \
             FOR UPDATE SKIP LOCKED)",
        )
        .bind::<BigInt, _>(expired_before)
        .execute(c)?,
    };
    Ok(deleted)
}
