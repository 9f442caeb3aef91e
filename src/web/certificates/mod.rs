//! Certificates (giấy chứng nhận): a class's page (preview of who passes and who does not and
//! why, a sample PDF, issuing, the issued certificates with their validity and whether the
//! email was accepted, the class as a ZIP), one certificate (PDF, revoke with a reason, reissue
//! with a new number), the registers per issuer and year (page that prints, PDF, XLSX), and the
//! learner's own certificates. Staff and admins manage them; a learner downloads only their own
//! (another's answers 404).

mod class;
mod learner;
mod register;
mod single;

use actix_web::HttpResponse;
use actix_web::http::header;

use super::routes::Router;
use crate::domain::certificate::Validity;
use crate::domain::dates;
use crate::i18n::{self, Lang};
use crate::store::certificates::Certificate;

pub fn routes(r: &mut Router) {
    r.get("/classes/{id}/certificates", class::show)
        .post("/classes/{id}/certificates", class::issue)
        .get("/classes/{id}/certificates/sample.pdf", class::sample)
        .get("/classes/{id}/certificates.zip", class::zip)
        .get("/certificates", register::index)
        // Files before pages: "{year}" alone would also match "2026.pdf".
        .get("/certificates/register/{issuer}/{year}.pdf", register::pdf)
        .get("/certificates/register/{issuer}/{year}.xlsx", register::xlsx)
        .get("/certificates/register/{issuer}/{year}", register::show)
        .get("/certificates/{id}.pdf", single::pdf)
        .get("/certificates/{id}", single::show)
        .post("/certificates/{id}/revoke", single::revoke)
        .post("/certificates/{id}/reissue", single::reissue)
        .get("/me/certificates", learner::list)
        .get("/me/certificates/{id}.pdf", learner::pdf);
}

/// A file download.
pub(crate) fn download(bytes: Vec<u8>, content_type: &str, file: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes)
}

/// The validity of a certificate on a day as a label and a tag tone.
pub(crate) fn validity_label(lang: Lang, c: &Certificate, today: time::Date) -> (String, &'static str) {
    let (key, tone) = match c.validity_on(today) {
        Validity::Valid => ("certificate.validity.valid", "ok"),
        Validity::Expired => ("certificate.validity.expired", "warn"),
        Validity::Revoked => ("certificate.validity.revoked", "err"),
        Validity::Superseded => ("certificate.validity.superseded", "muted"),
    };
    (i18n::t(lang, key), tone)
}

/// "04/06/2031", or "Không thời hạn".
pub(crate) fn valid_until(lang: Lang, c: &Certificate) -> String {
    c.valid_until().map(dates::format).unwrap_or_else(|| i18n::t(lang, "certificate.no_expiry"))
}
