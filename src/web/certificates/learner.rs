//! The learner's own certificates: the list with validity, and the PDF they received.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::{download, valid_until, validity_label};
use crate::domain::certificate::format_code;
use crate::domain::dates;
use crate::store::certificates;
use crate::web::auth::extract::LearnerUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Page;
use crate::web::state::AppState;

#[derive(Serialize)]
struct Line {
    class_name: String,
    number: String,
    code: String,
    issued_on: String,
    valid_until: String,
    validity: String,
    tone: &'static str,
    pdf_href: Option<String>,
    verify_href: String,
    /// The full address of the public verification page, to share with whoever asks.
    verify_url: String,
}

#[derive(Serialize)]
struct ListView {
    certificates: Vec<Line>,
}

pub async fn list(user: LearnerUser, mut page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    if let Some(kept) = page.remembered().await {
        return Ok(kept);
    }
    let lang = page.lang;
    let today = state.clock().today();
    let public_url = state.config.public_url.trim_end_matches('/').to_owned();
    let list = match user.user.person_id {
        Some(person) => state.db(move |c| certificates::of_person(c, person)).await?,
        None => Vec::new(),
    };
    let view = ListView {
        certificates: list
            .iter()
            .map(|c| {
                let (validity, tone) = validity_label(lang, c, today);
                let s = c.snapshot();
                Line {
                    class_name: s.doc.class_name,
                    number: c.register_number(),
                    code: format_code(&c.code),
                    issued_on: dates::format(c.issued_on),
                    valid_until: valid_until(lang, c),
                    validity,
                    tone,
                    // A superseded or revoked certificate is not handed out again.
                    pdf_href: (c.status == "valid").then(|| format!("/me/certificates/{}.pdf", c.id)),
                    verify_href: format!("/verify/{}", c.code),
                    verify_url: format!("{public_url}/verify/{}", c.code),
                }
            })
            .collect(),
    };
    page.titled("certificate.mine.title").render("certificates/mine", &view)
}

pub async fn pdf(user: LearnerUser, state: web::Data<AppState>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let person = user.user.person_id.ok_or(AppError::NotFound)?;
    let (c, bytes) = state
        .db(move |conn| {
            let c = certificates::of_person_find(conn, person, id)?;
            Ok((c, certificates::pdf_bytes(conn, id)?))
        })
        .await?;
    Ok(download(bytes, "application/pdf", &c.file_name()))
}
