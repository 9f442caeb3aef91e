//! Certificates (giấy chứng nhận) and the register they are numbered in (sổ cấp giấy chứng
//! nhận). Issuing, reissuing and revoking happen in one write transaction each. Numbers come
//! from the issuer's register for the year: the register row is locked first (BEGIN IMMEDIATE
//! holds SQLite's write lock; on PostgreSQL the UPDATE locks the row until the transaction
//! ends), and only then is it read who still needs a certificate, so two people issuing at the
//! same moment queue one behind the other: the second finds nothing left to do, and the numbers
//! have no gap and no duplicate.
//!
//! What is printed is taken once, at issue time, into a `Snapshot` (the certificate's
//! `CertificateDoc` plus what the verification page shows), stored with the PDF's bytes and
//! their SHA-256: the file the learner received is the file that verifies.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::{Date, Duration, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::outbox::{self, NewEmail};
use super::{DbConn, Scope, StoreError, StoreResult};
use crate::db::schema::{certificate_registers, certificate_verifications, certificates, people};
use crate::domain::certificate::{
    self as rules, CertificateStatus, ReissueReason, Validity, format_code, register_number,
};
use crate::domain::class::{self as class_names, ClassStatus};
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::results::FinalResult;
use crate::domain::{dates, names};
use crate::i18n::{self, Lang};
use crate::pdf::certificate::{self as pdf, CertificateDoc};
use crate::pdf::parts::{Letterhead, Signer};
use crate::store::classes::Class;

/// The outbox attachment kind of a certificate's PDF: the worker reads the stored bytes.
pub const ATTACHMENT: &str = "certificate";
pub const TEMPLATE_ISSUED: &str = "certificate_issued";
pub const TEMPLATE_NOTICE: &str = "certificate_notice";
pub const TEMPLATE_EXPIRY: &str = "certificate_expiry";

/// A certificate without its PDF bytes.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = certificates)]
pub struct Certificate {
    pub id: i64,
    pub issuer_id: i64,
    pub year: i32,
    pub number: i32,
    pub code: String,
    pub enrolment_id: i64,
    pub person_id: i64,
    pub class_id: i64,
    pub program_id: i64,
    pub issued_on: Date,
    pub expires_on: Option<Date>,
    pub status: String,
    pub revoked_on: Option<Date>,
    pub revoked_reason: Option<String>,
    pub reissue_of_id: Option<i64>,
    pub reissue_reason: Option<String>,
    pub superseded_by_id: Option<i64>,
    pub snapshot_json: String,
    pub sha256: String,
    pub created_by: Option<i64>,
    pub created_at: PrimitiveDateTime,
}

impl Certificate {
    pub fn status(&self) -> CertificateStatus {
        CertificateStatus::parse(&self.status).unwrap_or(CertificateStatus::Valid)
    }
    pub fn register_number(&self) -> String {
        register_number(self.number, self.year)
    }
    pub fn validity_on(&self, day: Date) -> Validity {
        rules::validity_on(self.status(), self.expires_on, day)
    }
    pub fn snapshot(&self) -> Snapshot {
        serde_json::from_str(&self.snapshot_json).unwrap_or_default()
    }
    /// The last valid day, dd/mm/yyyy (the day before the first invalid one).
    pub fn valid_until(&self) -> Option<Date> {
        self.expires_on.map(|d| d - Duration::days(1))
    }
    /// The PDF's file name: "giay-chung-nhan-07-2026.pdf".
    pub fn file_name(&self) -> String {
        format!("giay-chung-nhan-{:02}-{}.pdf", self.number, self.year)
    }
}

/// Everything printed, as it was at issue time, and what the verification page shows.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Snapshot {
    pub doc: CertificateDoc,
    /// The program's name ("Bồi dưỡng nhận thức về Đảng").
    pub program: String,
    /// "Khóa II năm 2026".
    pub class_short: String,
    pub birth_year: i32,
    /// The result's band code ("good").
    pub band: String,
}

impl Snapshot {
    /// "Nguyễn T. H.", for the public page.
    pub fn masked_name(&self) -> String {
        names::short_name(&self.doc.full_name)
    }
}

/// What issuing needs besides the class: who, where the verification page lives, today.
pub struct IssueContext<'a> {
    pub actor: &'a Actor,
    pub public_url: &'a str,
    pub message_id_domain: &'a str,
    pub today: Date,
    pub now: PrimitiveDateTime,
}

/// Whether a class's results are final, so certificates may be issued from them.
pub fn results_final(status: ClassStatus) -> bool {
    status >= ClassStatus::Locked
}

// ---------------------------------------------------------------------------------------------
// Preview

/// One enrolled learner of a class as issuing sees them.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub enrolment_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub result: FinalResult,
    /// Their valid certificate, when they have one.
    pub certificate: Option<Certificate>,
}

impl Candidate {
    pub fn to_issue(&self) -> bool {
        self.result.passed() && self.certificate.is_none()
    }
}

/// The enrolled learners of a class in list order, with their final result and certificate.
pub fn candidates(conn: &mut DbConn, class_id: i64) -> StoreResult<Vec<Candidate>> {
    let results = super::results::final_results(conn, class_id)?;
    let roster = super::enrolments::roster(conn, class_id, &[EnrolmentStatus::Enrolled], &Scope::All)?;
    let mut valid: HashMap<i64, Certificate> = certificates::table
        .filter(certificates::class_id.eq(class_id))
        .filter(certificates::status.eq(CertificateStatus::Valid.code()))
        .select(Certificate::as_select())
        .load(conn)?
        .into_iter()
        .map(|c| (c.enrolment_id, c))
        .collect();
    Ok(roster
        .into_iter()
        .map(|line| Candidate {
            enrolment_id: line.enrolment.id,
            person_id: line.enrolment.person_id,
            full_name: line.full_name,
            result: results.get(&line.enrolment.id).copied().unwrap_or(FinalResult::Pending),
            certificate: valid.remove(&line.enrolment.id),
        })
        .collect())
}

/// What identifies one certificate in the register, and its dates.
struct Numbering<'a> {
    number: i32,
    code: &'a str,
    issued_on: Date,
    expires_on: Option<Date>,
}

/// The document a learner's certificate would print, with the number and code given.
fn document(
    conn: &mut DbConn,
    class: &Class,
    person_id: i64,
    band: &str,
    numbering: &Numbering<'_>,
    public_url: &str,
) -> StoreResult<Snapshot> {
    let Numbering { number, code, issued_on, expires_on } = *numbering;
    let program = super::programs::find(conn, class.program_id)?;
    let issuer = super::issuers::find(conn, class.issuer_id)?;
    let venue = super::venues::venue(conn, class.venue_id)?;
    let person = super::people::find(conn, &Scope::All, person_id)?;
    let unit = super::orgs::label(conn, person.org_unit_id)?;
    let venue_text = if venue.address.trim().is_empty() {
        venue.name.clone()
    } else {
        format!("{}, {}", venue.name, venue.address.trim())
    };
    let band_label = if band.is_empty() { String::new() } else { i18n::t(Lang::Vi, &format!("band.{band}")) };
    let doc = CertificateDoc {
        letterhead: Letterhead::new(&issuer.superior_name, &issuer.name, &issuer.place, issued_on),
        wording: program.certificate_wording.clone(),
        full_name: names::clean(&person.full_name),
        birth_date: dates::format(person.date_of_birth),
        home_town: person.hometown.clone(),
        unit,
        class_name: class_names::full_name(&program.name, class.ordinal, class.year),
        studied_from: dates::format(class.first_day),
        studied_to: dates::format(class.last_day),
        venue: venue_text,
        grade: band_label,
        register_number: register_number(number, issued_on.year()),
        valid_until: expires_on.map(|d| dates::format(d - Duration::days(1))),
        code: code.to_owned(),
        verify_url: CertificateDoc::verify_url(public_url, code),
        signer: Signer {
            delegation: class.signer_delegation.clone(),
            title: class.signer_title.clone(),
            name: class.signer_name.clone(),
        },
    };
    Ok(Snapshot {
        doc,
        program: program.name.clone(),
        class_short: class_names::short_name(class.ordinal, class.year),
        birth_year: person.date_of_birth.year(),
        band: band.to_owned(),
    })
}

fn band_code(result: FinalResult) -> String {
    match result {
        FinalResult::Scored { band, .. } => band.label_key().trim_start_matches("band.").to_owned(),
        _ => String::new(),
    }
}

/// A sample PDF of the first learner who would get a certificate, numbered and coded as a
/// sample (nothing is allocated or stored).
pub fn sample(conn: &mut DbConn, class_id: i64, today: Date, public_url: &str) -> StoreResult<Option<Vec<u8>>> {
    let class = super::classes::find(conn, class_id)?;
    let Some(first) = candidates(conn, class_id)?.into_iter().find(|c| c.result.passed()) else {
        return Ok(None);
    };
    let validity = super::programs::find(conn, class.program_id)?.certificate_validity_months;
    let snapshot = document(
        conn,
        &class,
        first.person_id,
        &band_code(first.result),
        &Numbering {
            number: 0,
            code: "0000000000000000",
            issued_on: today,
            expires_on: rules::expires_on(today, validity),
        },
        public_url,
    )?;
    Ok(Some(pdf::render(&snapshot.doc)))
}

// ---------------------------------------------------------------------------------------------
// Issuing

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
        let created = super::write_tx(conn, |conn| {
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
    super::write_tx(conn, |conn| {
        let class = super::classes::find(conn, class_id)?;
        if !results_final(class.status()) {
            return Err(StoreError::Conflict("certificate.error.not_locked"));
        }
        lock_register(conn, class.issuer_id, ctx.today.year())?;
        // Read after the lock: a concurrent issue that went first is committed and seen here.
        let candidates = candidates(conn, class_id)?;
        let validity = super::programs::find(conn, class.program_id)?.certificate_validity_months;
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
    super::write_tx(conn, |conn| {
        let issuer_id: i64 = certificates::table.find(id).select(certificates::issuer_id).first(conn)?;
        lock_register(conn, issuer_id, ctx.today.year())?;
        // Read after the lock: a reissue of the same certificate that went first is seen here.
        let old = find(conn, id)?;
        if old.status() != CertificateStatus::Valid {
            return Err(StoreError::Conflict("certificate.error.not_valid"));
        }
        let class = super::classes::find(conn, old.class_id)?;
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
    super::write_tx(conn, |conn| {
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

// ---------------------------------------------------------------------------------------------
// Emails

fn learner_of(conn: &mut DbConn, person_id: i64) -> StoreResult<(String, Option<String>, Option<i64>, String)> {
    let person = super::people::find(conn, &Scope::All, person_id)?;
    let account = super::users::find_by_person(conn, person_id)?;
    let language = account.as_ref().map(|u| u.language.clone()).unwrap_or_else(|| "vi".into());
    let email = person.email.clone().filter(|e| !e.trim().is_empty()).or(account.as_ref().map(|u| u.email.clone()));
    Ok((person.full_name, email, account.map(|u| u.id), language))
}

fn email_data(c: &Certificate, s: &Snapshot) -> serde_json::Value {
    json!({
        "name": s.doc.full_name,
        "learner": s.doc.full_name,
        "class_name": s.doc.class_name,
        "register_number": c.register_number(),
        "issued_on": dates::format(c.issued_on),
        "valid_until": c.valid_until().map(dates::format),
        "code": format_code(&c.code),
        "verify_url": s.doc.verify_url,
    })
}

/// The learner's email with the PDF attached (read from the certificate when it is sent).
fn queue_learner_email(conn: &mut DbConn, domain: &str, c: &Certificate, s: &Snapshot) -> StoreResult<bool> {
    let (name, email, user_id, language) = learner_of(conn, c.person_id)?;
    let Some(email) = email else { return Ok(false) };
    let message = NewEmail {
        key: format!("certificate-issued:{}", c.id),
        to_email: email,
        to_name: name,
        user_id,
        person_id: Some(c.person_id),
        template: TEMPLATE_ISSUED.into(),
        language,
        data: email_data(c, s),
        attachment: Some((ATTACHMENT.into(), c.id)),
    };
    outbox::enqueue(conn, &message, domain)
}

/// One notice per secretary listing their people's new certificates.
fn queue_secretary_notices(conn: &mut DbConn, domain: &str, class: &Class, new: &[Certificate]) -> StoreResult<()> {
    let Some(first) = new.first() else { return Ok(()) };
    let mut per_secretary: BTreeMap<i64, (String, String, String, Vec<serde_json::Value>)> = BTreeMap::new();
    for c in new {
        let unit: i64 = people::table.find(c.person_id).select(people::org_unit_id).first(conn)?;
        let s = c.snapshot();
        for (user_id, name, email) in super::orgs::secretaries_of(conn, unit)? {
            let language = super::users::find(conn, user_id)?.language;
            per_secretary.entry(user_id).or_insert_with(|| (name, email, language, Vec::new())).3.push(json!({
                "name": s.doc.full_name,
                "register_number": c.register_number(),
                "valid_until": c.valid_until().map(dates::format),
            }));
        }
    }
    let program = super::programs::find(conn, class.program_id)?;
    for (user_id, (name, email, language, learners)) in per_secretary {
        let message = NewEmail {
            key: format!("certificate-notice:{}:{}:{user_id}", class.id, first.id),
            to_email: email,
            to_name: name.clone(),
            user_id: Some(user_id),
            person_id: None,
            template: TEMPLATE_NOTICE.into(),
            language,
            data: json!({
                "name": name,
                "class_name": class_names::full_name(&program.name, class.ordinal, class.year),
                "learners": learners,
            }),
            attachment: None,
        };
        outbox::enqueue(conn, &message, domain)?;
    }
    Ok(())
}

/// Queues the expiry reminders due on `today`: for each valid certificate that expires within
/// `REMINDER_DAYS`, once to the learner and once to each secretary of their unit. Returns how
/// many messages were queued (a second run the same day queues none).
pub fn queue_reminders(conn: &mut DbConn, domain: &str, today: Date) -> StoreResult<usize> {
    let horizon = today + Duration::days(rules::REMINDER_DAYS);
    let due: Vec<Certificate> = certificates::table
        .filter(certificates::status.eq(CertificateStatus::Valid.code()))
        .filter(certificates::expires_on.gt(today))
        .filter(certificates::expires_on.le(horizon))
        .order(certificates::id)
        .select(Certificate::as_select())
        .load(conn)?;
    let mut queued = 0;
    for c in due.into_iter().filter(|c| rules::reminder_due(c.expires_on, today)) {
        super::write_tx(conn, |conn| {
            let s = c.snapshot();
            let mut data = email_data(&c, &s);
            data["expires_on"] = json!(c.expires_on.map(dates::format));
            let (name, email, user_id, language) = learner_of(conn, c.person_id)?;
            if let Some(email) = email {
                let message = NewEmail {
                    key: format!("certificate-expiry:{}:learner", c.id),
                    to_email: email,
                    to_name: name,
                    user_id,
                    person_id: Some(c.person_id),
                    template: TEMPLATE_EXPIRY.into(),
                    language,
                    data: data.clone(),
                    attachment: None,
                };
                queued += usize::from(outbox::enqueue(conn, &message, domain)?);
            }
            let unit: i64 = people::table.find(c.person_id).select(people::org_unit_id).first(conn)?;
            for (secretary, name, email) in super::orgs::secretaries_of(conn, unit)? {
                let mut data = data.clone();
                data["name"] = json!(name);
                let message = NewEmail {
                    key: format!("certificate-expiry:{}:secretary:{secretary}", c.id),
                    to_email: email,
                    to_name: name,
                    user_id: Some(secretary),
                    person_id: None,
                    template: TEMPLATE_EXPIRY.into(),
                    language: super::users::find(conn, secretary)?.language,
                    data,
                    attachment: None,
                };
                queued += usize::from(outbox::enqueue(conn, &message, domain)?);
            }
            Ok::<_, StoreError>(())
        })?;
    }
    Ok(queued)
}

/// Whether the learner's email about a certificate was accepted by the mail server.
pub fn emailed(conn: &mut DbConn, ids: &[i64]) -> StoreResult<HashMap<i64, bool>> {
    use crate::db::schema::outbox as o;
    let keys: Vec<String> = ids.iter().map(|id| format!("certificate-issued:{id}")).collect();
    let rows: Vec<(String, String)> =
        o::table.filter(o::message_key.eq_any(&keys)).select((o::message_key, o::status)).load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, status)| {
            key.strip_prefix("certificate-issued:")
                .and_then(|id| id.parse().ok())
                .map(|id: i64| (id, status == outbox::SENT))
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Reading

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

// ---------------------------------------------------------------------------------------------
// Verification

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
    super::write_tx(conn, |conn| {
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
