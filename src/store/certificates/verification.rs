//! Verification from the QR code: the public lookup, limited per address, and its count.

use diesel::prelude::*;
use time::{Duration, PrimitiveDateTime};

use crate::db::schema::{certificate_verifications, certificates};
use crate::domain::certificate as rules;
use crate::store::{DbConn, StoreResult};

use super::Certificate;
use super::issuing::sha256_hex;
use super::reading::register_numbers;

/// Lookups one address may make in a window before it is refused.
pub const VERIFY_LIMIT: i64 = 30;
pub const VERIFY_WINDOW: Duration = Duration::minutes(10);

#[derive(Debug)]
pub enum Lookup {
    Found(Box<Certificate>, Option<String>),
    Unknown,
    /// Too many lookups from this address.
    Limited,
}

/// Looks a code up for the public page: counts the address's recent lookups first (refused
/// over the limit), then logs this one, found or not. The address is kept only as a hash.
pub fn verify(conn: &mut DbConn, code: &str, address: &str, now: PrimitiveDateTime) -> StoreResult<Lookup> {
    let address_hash = sha256_hex(format!("verify\n{address}").as_bytes());
    crate::store::write_tx(conn, |conn| {
        let recent: i64 = certificate_verifications::table
            .filter(certificate_verifications::address_hash.eq(&address_hash))
            .filter(certificate_verifications::at.gt(now - VERIFY_WINDOW))
            .count()
            .get_result(conn)?;
        if recent >= VERIFY_LIMIT {
            return Ok(Lookup::Limited);
        }
        let found: Option<Certificate> = match rules::normalize_code(code) {
            Some(code) => certificates::table
                .filter(certificates::code.eq(code))
                .select(Certificate::as_select())
                .first(conn)
                .optional()?,
            None => None,
        };
        diesel::insert_into(certificate_verifications::table)
            .values((
                certificate_verifications::at.eq(now),
                certificate_verifications::certificate_id.eq(found.as_ref().map(|c| c.id)),
                certificate_verifications::address_hash.eq(&address_hash),
                certificate_verifications::found.eq(found.is_some()),
            ))
            .execute(conn)?;
        Ok(match found {
            Some(c) => {
                let superseded_by = match c.superseded_by_id {
                    Some(id) => register_numbers(conn, &[id])?.remove(&id),
                    None => None,
                };
                Lookup::Found(Box::new(c), superseded_by)
            }
            None => Lookup::Unknown,
        })
    })
}

/// How many times a certificate was looked up.
pub fn verification_count(conn: &mut DbConn, id: i64) -> StoreResult<i64> {
    Ok(certificate_verifications::table
        .filter(certificate_verifications::certificate_id.eq(id))
        .count()
        .get_result(conn)?)
}
