//! Reading certificates: one, a class's, a person's, a register's, with their PDFs.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::certificates;
use crate::domain::certificate::{CertificateStatus, register_number};
use crate::store::{DbConn, StoreError, StoreResult};

use super::Certificate;

pub fn find(conn: &mut DbConn, id: i64) -> StoreResult<Certificate> {
    Ok(certificates::table.find(id).select(Certificate::as_select()).first(conn)?)
}

/// The stored PDF.
pub fn pdf_bytes(conn: &mut DbConn, id: i64) -> StoreResult<Vec<u8>> {
    Ok(certificates::table.find(id).select(certificates::pdf).first(conn)?)
}

/// A learner's own certificate (another person's is NotFound).
pub fn of_person_find(conn: &mut DbConn, person_id: i64, id: i64) -> StoreResult<Certificate> {
    let c = find(conn, id)?;
    if c.person_id == person_id { Ok(c) } else { Err(StoreError::NotFound) }
}

/// Every certificate of a class (valid, revoked and superseded), in register order.
pub fn of_class(conn: &mut DbConn, class_id: i64) -> StoreResult<Vec<Certificate>> {
    Ok(certificates::table
        .filter(certificates::class_id.eq(class_id))
        .order((certificates::year, certificates::number))
        .select(Certificate::as_select())
        .load(conn)?)
}

/// The valid certificates of a class with their PDFs, for the ZIP.
pub fn pdfs_of_class(conn: &mut DbConn, class_id: i64) -> StoreResult<Vec<(Certificate, Vec<u8>)>> {
    let list: Vec<Certificate> =
        of_class(conn, class_id)?.into_iter().filter(|c| c.status() == CertificateStatus::Valid).collect();
    list.into_iter()
        .map(|c| {
            let bytes = pdf_bytes(conn, c.id)?;
            Ok((c, bytes))
        })
        .collect()
}

pub fn of_person(conn: &mut DbConn, person_id: i64) -> StoreResult<Vec<Certificate>> {
    Ok(certificates::table
        .filter(certificates::person_id.eq(person_id))
        .order(certificates::id.desc())
        .select(Certificate::as_select())
        .load(conn)?)
}

/// A register: every number of an issuer's year, in order.
pub fn register(conn: &mut DbConn, issuer_id: i64, year: i32) -> StoreResult<Vec<Certificate>> {
    Ok(certificates::table
        .filter(certificates::issuer_id.eq(issuer_id))
        .filter(certificates::year.eq(year))
        .order(certificates::number)
        .select(Certificate::as_select())
        .load(conn)?)
}

/// The registers that hold certificates, newest first: (issuer, year, how many numbers).
pub fn registers(conn: &mut DbConn) -> StoreResult<Vec<(i64, i32, i64)>> {
    Ok(certificates::table
        .group_by((certificates::issuer_id, certificates::year))
        .order((certificates::year.desc(), certificates::issuer_id))
        .select((certificates::issuer_id, certificates::year, diesel::dsl::count_star()))
        .load(conn)?)
}

pub fn register_numbers(conn: &mut DbConn, ids: &[i64]) -> StoreResult<HashMap<i64, String>> {
    let rows: Vec<(i64, i32, i32)> = certificates::table
        .filter(certificates::id.eq_any(ids))
        .select((certificates::id, certificates::number, certificates::year))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, n, y)| (id, register_number(n, y))).collect())
}
