//! Issuing, reissuing and revoking: one write transaction each, numbered from the issuer's
//! register for the year, locked first.

use diesel::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use time::Date;

use crate::db::schema::{certificate_registers, certificates};
use crate::domain::certificate::{self as rules, CertificateStatus, ReissueReason};
use crate::domain::dates;
use crate::pdf::certificate as pdf;
use crate::store::audit::{self, Actor};
use crate::store::classes::Class;
use crate::store::{DbConn, StoreError, StoreResult};

use super::emails::{queue_learner_email, queue_secretary_notices};
use super::preview::{Numbering, band_code, candidates, document};
use super::reading::find;
use super::{Certificate, IssueContext, results_final};

/// Makes sure the issuer's register for the year exists and locks it for this transaction.
fn lock_register(conn: &mut DbConn, issuer_id: i64, year: i32) -> StoreResult<()> {
    let the_register = || {
        certificate_registers::table
            .filter(certificate_registers::issuer_id.eq(issuer_id))
            .filter(certificate_registers::year.eq(year))
    };
    let exists: i64 = the_register().count().get_result(conn)?;
    if exists == 0 {
        // In a savepoint: losing the race to create the row (PostgreSQL) leaves the caller's
        // transaction usable, and the row is there.
        let created = crate::store::write_tx(conn, |conn| {
            diesel::insert_into(certificate_registers::table)
                .values((
                    certificate_registers::issuer_id.eq(issuer_id),
                    certificate_registers::year.eq(year),
                    certificate_registers::last_number.eq(0),
                ))
                .execute(conn)
        });
        match created.map_err(StoreError::from) {
            Ok(_) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    // A write to the row: on PostgreSQL it holds the row lock until commit.
    diesel::update(the_register())
        .set(certificate_registers::last_number.eq(certificate_registers::last_number))
        .execute(conn)?;
    Ok(())
}

/// The next number of a locked register.
fn next_number(conn: &mut DbConn, issuer_id: i64, year: i32) -> StoreResult<i32> {
    Ok(diesel::update(
        certificate_registers::table
            .filter(certificate_registers::issuer_id.eq(issuer_id))
            .filter(certificate_registers::year.eq(year)),
    )
    .set(certificate_registers::last_number.eq(certificate_registers::last_number + 1))
    .returning(certificate_registers::last_number)
    .get_result(conn)?)
}

fn new_code() -> String {
    let mut random = [0u8; 10];
    getrandom::fill(&mut random).expect("the OS random source is available");
    rules::verification_code(&random)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

struct NewCertificate<'a> {
    class: &'a Class,
    enrolment_id: i64,
    person_id: i64,
    band: String,
    expires_on: Option<Date>,
    reissue_of: Option<(i64, String)>,
}

/// Numbers, renders and stores one certificate in a transaction whose register is locked.
fn create(conn: &mut DbConn, ctx: &IssueContext<'_>, new: &NewCertificate<'_>) -> StoreResult<Certificate> {
    let year = ctx.today.year();
    let number = next_number(conn, new.class.issuer_id, year)?;
    let code = new_code();
    let snapshot = document(
        conn,
        new.class,
        new.person_id,
        &new.band,
        &Numbering { number, code: &code, issued_on: ctx.today, expires_on: new.expires_on },
        ctx.public_url,
    )?;
    let bytes = pdf::render(&snapshot.doc);
    let sha = sha256_hex(&bytes);
    let id: i64 = diesel::insert_into(certificates::table)
        .values((
            certificates::issuer_id.eq(new.class.issuer_id),
            certificates::year.eq(year),
            certificates::number.eq(number),
            certificates::code.eq(&code),
            certificates::enrolment_id.eq(new.enrolment_id),
            certificates::person_id.eq(new.person_id),
            certificates::class_id.eq(new.class.id),
            certificates::program_id.eq(new.class.program_id),
            certificates::issued_on.eq(ctx.today),
            certificates::expires_on.eq(new.expires_on),
            certificates::status.eq(CertificateStatus::Valid.code()),
            certificates::reissue_of_id.eq(new.reissue_of.as_ref().map(|(id, _)| *id)),
            certificates::reissue_reason.eq(new.reissue_of.as_ref().map(|(_, r)| r.clone())),
            certificates::snapshot_json.eq(serde_json::to_string(&snapshot).map_err(anyhow::Error::from)?),
            certificates::pdf.eq(&bytes),
            certificates::sha256.eq(&sha),
            certificates::created_by.eq(ctx.actor.user_id),
            certificates::created_at.eq(ctx.now),
        ))
        .returning(certificates::id)
        .get_result(conn)?;
    let certificate = find(conn, id)?;
    audit::record(
        conn,
        ctx.actor,
        "certificate",
        Some(id),
        if new.reissue_of.is_some() { "reissue" } else { "issue" },
        None::<&()>,
        Some(&json!({
            "register_number": certificate.register_number(),
            "enrolment_id": new.enrolment_id,
            "sha256": sha,
            "reissue_of_id": new.reissue_of.as_ref().map(|(id, _)| *id),
            "reissue_reason": new.reissue_of.as_ref().map(|(_, r)| r.clone()),
        })),
    )?;
    queue_learner_email(conn, ctx.message_id_domain, &certificate, &snapshot)?;
    Ok(certificate)
}

#[derive(Debug, Clone, Default)]
pub struct Issued {
    /// The certificates made now, in register order.
    pub new: Vec<Certificate>,
    /// Passing learners who already had one.
    pub already: usize,
}

/// Issues a certificate to every passing learner of a class whose results are final who has
/// none. Running it again issues nothing new.
pub fn issue(conn: &mut DbConn, ctx: &IssueContext<'_>, class_id: i64) -> StoreResult<Issued> {
    crate::store::write_tx(conn, |conn| {
        let class = crate::store::classes::find(conn, class_id)?;
        if !results_final(class.status()) {
            return Err(StoreError::Conflict("certificate.error.not_locked"));
        }
        lock_register(conn, class.issuer_id, ctx.today.year())?;
        // Read after the lock: a concurrent issue that went first is committed and seen here.
        let candidates = candidates(conn, class_id)?;
        let validity = crate::store::programs::find(conn, class.program_id)?.certificate_validity_months;
        let expires_on = rules::expires_on(ctx.today, validity);
        let mut issued = Issued::default();
        for candidate in &candidates {
            if !candidate.result.passed() {
                continue;
            }
            if candidate.certificate.is_some() {
                issued.already += 1;
                continue;
            }
            let new = NewCertificate {
                class: &class,
                enrolment_id: candidate.enrolment_id,
                person_id: candidate.person_id,
                band: band_code(candidate.result),
                expires_on,
                reissue_of: None,
            };
            issued.new.push(create(conn, ctx, &new)?);
        }
        queue_secretary_notices(conn, ctx.message_id_domain, &class, &issued.new)?;
        Ok(issued)
    })
}

/// Replaces a valid certificate (an error, a loss, damage): a new number and code in this
/// year's register, the data as they are now (a corrected name shows), the same band and expiry;
/// the old one is marked superseded and stays in the register.
pub fn reissue(
    conn: &mut DbConn,
    ctx: &IssueContext<'_>,
    id: i64,
    reason: ReissueReason,
    note: &str,
) -> StoreResult<Certificate> {
    crate::store::write_tx(conn, |conn| {
        let issuer_id: i64 = certificates::table.find(id).select(certificates::issuer_id).first(conn)?;
        lock_register(conn, issuer_id, ctx.today.year())?;
        // Read after the lock: a reissue of the same certificate that went first is seen here.
        let old = find(conn, id)?;
        if old.status() != CertificateStatus::Valid {
            return Err(StoreError::Conflict("certificate.error.not_valid"));
        }
        let class = crate::store::classes::find(conn, old.class_id)?;
        let superseded = diesel::update(
            certificates::table.find(id).filter(certificates::status.eq(CertificateStatus::Valid.code())),
        )
        .set(certificates::status.eq(CertificateStatus::Superseded.code()))
        .execute(conn)?;
        if superseded != 1 {
            return Err(StoreError::Conflict("certificate.error.not_valid"));
        }
        let note = note.trim();
        let why = if note.is_empty() { reason.code().to_owned() } else { format!("{}: {note}", reason.code()) };
        let new = NewCertificate {
            class: &class,
            enrolment_id: old.enrolment_id,
            person_id: old.person_id,
            band: old.snapshot().band,
            expires_on: old.expires_on,
            reissue_of: Some((old.id, why)),
        };
        let created = create(conn, ctx, &new)?;
        diesel::update(certificates::table.find(id))
            .set(certificates::superseded_by_id.eq(created.id))
            .execute(conn)?;
        audit::record(
            conn,
            ctx.actor,
            "certificate",
            Some(id),
            "supersede",
            Some(&json!({ "status": old.status })),
            Some(&json!({ "status": "superseded", "superseded_by": created.register_number() })),
        )?;
        Ok(created)
    })
}

/// Revokes a valid certificate with a reason; it stays in the register and on the verification
/// page as revoked.
pub fn revoke(conn: &mut DbConn, actor: &Actor, id: i64, reason: &str, today: Date) -> StoreResult<()> {
    crate::store::write_tx(conn, |conn| {
        let old = find(conn, id)?;
        if old.status() != CertificateStatus::Valid {
            return Err(StoreError::Conflict("certificate.error.not_valid"));
        }
        // Conditional, so that of two people acting on it at once only one changes it.
        let revoked = diesel::update(
            certificates::table.find(id).filter(certificates::status.eq(CertificateStatus::Valid.code())),
        )
        .set((
            certificates::status.eq(CertificateStatus::Revoked.code()),
            certificates::revoked_on.eq(today),
            certificates::revoked_reason.eq(reason.trim()),
        ))
        .execute(conn)?;
        if revoked != 1 {
            return Err(StoreError::Conflict("certificate.error.not_valid"));
        }
        audit::record_with_reason(
            conn,
            actor,
            "certificate",
            Some(id),
            "revoke",
            Some(&json!({ "status": old.status })),
            Some(&json!({ "status": "revoked", "revoked_on": dates::iso(today) })),
            Some(reason.trim()),
        )
    })
}
