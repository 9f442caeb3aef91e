//! The public verification page (/verify/CODE), opened from a certificate's QR code: valid,
//! expired, revoked (with the date and reason) or superseded by another number, with the masked
//! name, year of birth, program, class, issue date, register number and the SHA-256 of the file
//! issued — nothing about Party status or contact details. Every lookup is logged; one address
//! gets `VERIFY_LIMIT` lookups per window. An unknown code answers 404 with the same page, the
//! same wording for any code and the same queries as a known one.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::auth::extract::Anyone;
use super::certificates::validity_label;
use super::error::AppResult;
use super::page::Page;
use super::routes::Router;
use super::state::AppState;
use crate::domain::certificate::Validity;
use crate::domain::certificate::format_code;
use crate::domain::dates;
use crate::store::certificates::{self, Lookup};

pub fn routes(r: &mut Router) {
    // `{token}`: the code is a secret-like key, and the route table treats it as one.
    r.get("/verify", form).get("/verify/{token}", show);
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CodeQuery {
    code: String,
}

/// A code typed from paper ("7k3m-q9tx …"): to its page, read as Crockford's alphabet reads it.
pub async fn form(_who: Anyone, page: Page, query: web::Query<CodeQuery>) -> AppResult<HttpResponse> {
    let typed = query.code.trim();
    if !typed.is_empty() {
        let code = crate::domain::certificate::normalize_code(typed)
            .unwrap_or_else(|| typed.chars().filter(char::is_ascii_alphanumeric).take(32).collect::<String>());
        if !code.is_empty() {
            return Ok(super::page::see_other(&format!("/verify/{code}")));
        }
    }
    page.titled("verify.title").render("verify/form", &serde_json::json!({ "code": typed }))
}

#[derive(Serialize, Default)]
struct Found {
    validity: String,
    tone: &'static str,
    status: String,
    name: String,
    birth_year: i32,
    program: String,
    class_name: String,
    issued_on: String,
    valid_until: String,
    number: String,
    code: String,
    sha256: String,
    revoked_on: Option<String>,
    revoked_reason: Option<String>,
    superseded_by: Option<String>,
}

#[derive(Serialize)]
struct VerifyView {
    found: Option<Found>,
    limited: bool,
}

pub async fn show(
    _who: Anyone,
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let address = state.client_address(&req);
    let now = state.clock().now_utc();
    let today = state.clock().today();
    let code = code.into_inner();
    let lookup = state.db(move |c| certificates::verify(c, &code, &address, now)).await?;
    let page = page.titled("verify.title");
    let (status, view) = match lookup {
        Lookup::Found(c, superseded_by) => {
            let s = c.snapshot();
            let (validity, tone) = validity_label(lang, &c, today);
            let found = Found {
                validity,
                tone,
                status: validity_code(c.validity_on(today)).to_owned(),
                name: s.masked_name(),
                birth_year: s.birth_year,
                program: s.program.clone(),
                class_name: s.doc.class_name.clone(),
                issued_on: dates::format(c.issued_on),
                valid_until: super::certificates::valid_until(lang, &c),
                number: c.register_number(),
                code: format_code(&c.code),
                sha256: c.sha256.clone(),
                revoked_on: c.revoked_on.map(dates::format),
                revoked_reason: c.revoked_reason.clone(),
                superseded_by,
            };
            (StatusCode::OK, VerifyView { found: Some(found), limited: false })
        }
        Lookup::Unknown => (StatusCode::NOT_FOUND, VerifyView { found: None, limited: false }),
        Lookup::Limited => (StatusCode::TOO_MANY_REQUESTS, VerifyView { found: None, limited: true }),
    };
    let mut res = page.render_status(status, "verify/show", &view)?;
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    res.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
    if status == StatusCode::TOO_MANY_REQUESTS {
        let seconds = certificates::VERIFY_WINDOW.whole_seconds().to_string();
        if let Ok(v) = header::HeaderValue::from_str(&seconds) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    Ok(res)
}

fn validity_code(v: Validity) -> &'static str {
    match v {
        Validity::Valid => "valid",
        Validity::Expired => "expired",
        Validity::Revoked => "revoked",
        Validity::Superseded => "superseded",
    }
}
