//! Before issuing: who of a class gets a certificate, and a sample certificate to look at.

use std::collections::HashMap;

use diesel::prelude::*;
use time::{Date, Duration};

use crate::db::schema::certificates;
use crate::domain::certificate::{self as rules, CertificateStatus, register_number};
use crate::domain::class as class_names;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::results::FinalResult;
use crate::domain::{dates, names};
use crate::i18n::{self, Lang};
use crate::pdf::certificate::{self as pdf, CertificateDoc};
use crate::pdf::parts::{Letterhead, Signer};
use crate::store::classes::Class;
use crate::store::{DbConn, Scope, StoreResult};

use super::{Certificate, Snapshot};

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
    let results = crate::store::results::final_results(conn, class_id)?;
    let roster = crate::store::enrolments::roster(conn, class_id, &[EnrolmentStatus::Enrolled], &Scope::All)?;
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
pub(super) struct Numbering<'a> {
    pub(super) number: i32,
    pub(super) code: &'a str,
    pub(super) issued_on: Date,
    pub(super) expires_on: Option<Date>,
}

/// The document a learner's certificate would print, with the number and code given.
pub(super) fn document(
    conn: &mut DbConn,
    class: &Class,
    person_id: i64,
    band: &str,
    numbering: &Numbering<'_>,
    public_url: &str,
) -> StoreResult<Snapshot> {
    let Numbering { number, code, issued_on, expires_on } = *numbering;
    let program = crate::store::programs::find(conn, class.program_id)?;
    let issuer = crate::store::issuers::find(conn, class.issuer_id)?;
    let venue = crate::store::venues::venue(conn, class.venue_id)?;
    let person = crate::store::people::find(conn, &Scope::All, person_id)?;
    let unit = crate::store::orgs::label(conn, person.org_unit_id)?;
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

pub(super) fn band_code(result: FinalResult) -> String {
    match result {
        FinalResult::Scored { band, .. } => band.label_key().trim_start_matches("band.").to_owned(),
        _ => String::new(),
    }
}

/// A sample PDF of the first learner who would get a certificate, numbered and coded as a
/// sample (nothing is allocated or stored).
pub fn sample(conn: &mut DbConn, class_id: i64, today: Date, public_url: &str) -> StoreResult<Option<Vec<u8>>> {
    let class = crate::store::classes::find(conn, class_id)?;
    let Some(first) = candidates(conn, class_id)?.into_iter().find(|c| c.result.passed()) else {
        return Ok(None);
    };
    let validity = crate::store::programs::find(conn, class.program_id)?.certificate_validity_months;
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
