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
//!
//! Here: the certificate, its snapshot and what issuing needs. Beside it: `preview` (who gets
//! one, and a sample), `issuing` (issue, reissue, revoke), `emails` (to the learner, the
//! secretaries, and before expiry), `reading` (by person, class and register) and
//! `verification` (the public lookup from the QR code).

mod emails;
mod issuing;
mod preview;
mod reading;
mod verification;

pub use emails::{emailed, queue_reminders};
pub use issuing::{Issued, issue, reissue, revoke, sha256_hex};
pub use preview::{Candidate, candidates, sample};
pub use reading::{
    find, of_class, of_person, of_person_find, pdf_bytes, pdfs_of_class, register, register_numbers, registers,
};
pub use verification::{Lookup, VERIFY_LIMIT, VERIFY_WINDOW, verification_count, verify};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, PrimitiveDateTime};

use super::audit::Actor;
use crate::db::schema::certificates;
use crate::domain::certificate::{self as rules, CertificateStatus, Validity, register_number};
use crate::domain::class::ClassStatus;
use crate::domain::names;
use crate::pdf::certificate::CertificateDoc;

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
