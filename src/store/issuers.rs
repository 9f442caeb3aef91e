//! Organisers that issue certificates under their own register: the school, a commune political
//! centre or a Party committee, each with its name as documents print it, its place and signer.

use diesel::prelude::*;
use serde::Serialize;

use super::audit::{self, Actor};
use super::{DbConn, StoreResult};
use crate::db::schema::issuers;
use crate::domain::names;

/// Kinds of organiser since the 2025 reform (Quy định 360-QĐ/TW: commune political centres).
pub const KINDS: [&str; 3] = ["school", "commune_centre", "party_committee"];

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = issuers)]
pub struct Issuer {
    pub id: i64,
    pub kind: String,
    /// The superior body printed above the issuer's name ("TỈNH ỦY ĐẮK LẮK").
    pub superior_name: String,
    pub name: String,
    pub org_unit_id: Option<i64>,
    /// Where its documents are dated: "Buôn Ma Thuột, ngày …".
    pub place: String,
    /// "KT. HIỆU TRƯỞNG" when a deputy signs for the head; empty when the head signs.
    pub signer_delegation: String,
    pub signer_title: String,
    pub signer_name: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IssuerInput {
    pub kind: String,
    pub superior_name: String,
    pub name: String,
    pub org_unit_id: Option<i64>,
    pub place: String,
    pub signer_delegation: String,
    pub signer_title: String,
    pub signer_name: String,
    pub active: bool,
}

pub fn all(conn: &mut DbConn) -> StoreResult<Vec<Issuer>> {
    let mut all: Vec<Issuer> = issuers::table.select(Issuer::as_select()).load(conn)?;
    // The school first, then the others by name.
    all.sort_by(|a, b| (a.kind != "school").cmp(&(b.kind != "school")).then_with(|| names::compare(&a.name, &b.name)));
    Ok(all)
}

pub fn find(conn: &mut DbConn, id: i64) -> StoreResult<Issuer> {
    Ok(issuers::table.find(id).select(Issuer::as_select()).get_result(conn)?)
}

pub fn create(conn: &mut DbConn, actor: &Actor, input: &IssuerInput) -> StoreResult<i64> {
    super::write_tx(conn, |conn| {
        let id: i64 = diesel::insert_into(issuers::table)
            .values((
                issuers::kind.eq(&input.kind),
                issuers::superior_name.eq(&input.superior_name),
                issuers::name.eq(&input.name),
                issuers::org_unit_id.eq(input.org_unit_id),
                issuers::place.eq(&input.place),
                issuers::signer_delegation.eq(&input.signer_delegation),
                issuers::signer_title.eq(&input.signer_title),
                issuers::signer_name.eq(&input.signer_name),
                issuers::active.eq(input.active),
            ))
            .returning(issuers::id)
            .get_result(conn)
            .map_err(|e| super::venues::unique_as(e, "issuer.error.name_taken"))?;
        audit::record(conn, actor, "issuer", Some(id), "create", None::<&()>, Some(input))?;
        Ok(id)
    })
}

pub fn update(conn: &mut DbConn, actor: &Actor, id: i64, input: &IssuerInput) -> StoreResult<()> {
    super::write_tx(conn, |conn| {
        let before = find(conn, id)?;
        diesel::update(issuers::table.find(id))
            .set((
                issuers::kind.eq(&input.kind),
                issuers::superior_name.eq(&input.superior_name),
                issuers::name.eq(&input.name),
                issuers::org_unit_id.eq(input.org_unit_id),
                issuers::place.eq(&input.place),
                issuers::signer_delegation.eq(&input.signer_delegation),
                issuers::signer_title.eq(&input.signer_title),
                issuers::signer_name.eq(&input.signer_name),
                issuers::active.eq(input.active),
            ))
            .execute(conn)
            .map_err(|e| super::venues::unique_as(e, "issuer.error.name_taken"))?;
        audit::record(conn, actor, "issuer", Some(id), "update", Some(&before), Some(input))
    })
}
