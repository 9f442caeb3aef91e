//! One certificate for staff: what it prints, its history, the PDF, revoking and reissuing.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::{download, valid_until, validity_label};
use crate::domain::certificate::{ReissueReason, format_code};
use crate::domain::dates;
use crate::i18n::{self, Lang};
use crate::store::certificates::{self, Certificate, IssueContext};
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

#[derive(Serialize)]
struct Opt {
    value: &'static str,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct ShowView {
    id: i64,
    name: String,
    birth_date: String,
    unit: String,
    class_name: String,
    class_href: String,
    grade: String,
    number: String,
    code: String,
    issued_on: String,
    valid_until: String,
    validity: String,
    tone: &'static str,
    sha256: String,
    verify_url: String,
    revoked_on: Option<String>,
    revoked_reason: Option<String>,
    reissue_of: Option<(String, String)>,
    reissue_reason: Option<String>,
    superseded_by: Option<(String, String)>,
    verifications: i64,
    is_valid: bool,
    reasons: Vec<Opt>,
    revoke_reason: String,
    reissue_note: String,
    errors: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeForm {
    reason: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReissueForm {
    reason: String,
    note: String,
}

struct Typed<'a> {
    revoke_reason: &'a str,
    reissue_reason: &'a str,
    reissue_note: &'a str,
    errors: Vec<String>,
}

async fn render(
    page: Page,
    state: &AppState,
    id: i64,
    status: StatusCode,
    typed: Typed<'_>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let today = state.clock().today();
    let (c, numbers, verifications) = state
        .db(move |conn| {
            let c = certificates::find(conn, id)?;
            let linked: Vec<i64> = c.reissue_of_id.into_iter().chain(c.superseded_by_id).collect();
            let numbers = certificates::register_numbers(conn, &linked)?;
            let verifications = certificates::verification_count(conn, id)?;
            Ok((c, numbers, verifications))
        })
        .await?;
    let s = c.snapshot();
    let (validity, tone) = validity_label(lang, &c, today);
    let link =
        |id: Option<i64>| id.map(|id| (numbers.get(&id).cloned().unwrap_or_default(), format!("/certificates/{id}")));
    let view = ShowView {
        id: c.id,
        name: s.doc.full_name.clone(),
        birth_date: s.doc.birth_date.clone(),
        unit: s.doc.unit.clone(),
        class_name: s.doc.class_name.clone(),
        class_href: format!("/classes/{}/certificates", c.class_id),
        grade: s.doc.grade.clone(),
        number: c.register_number(),
        code: format_code(&c.code),
        issued_on: dates::format(c.issued_on),
        valid_until: valid_until(lang, &c),
        validity,
        tone,
        sha256: c.sha256.clone(),
        verify_url: s.doc.verify_url.clone(),
        revoked_on: c.revoked_on.map(dates::format),
        revoked_reason: c.revoked_reason.clone(),
        reissue_of: link(c.reissue_of_id),
        reissue_reason: c.reissue_reason.as_deref().map(|r| reissue_reason_text(lang, r)),
        superseded_by: link(c.superseded_by_id),
        verifications,
        is_valid: c.status == "valid",
        reasons: ReissueReason::ALL
            .iter()
            .map(|r| Opt {
                value: r.code(),
                label: i18n::t(lang, &r.label_key()),
                selected: r.code() == typed.reissue_reason,
            })
            .collect(),
        revoke_reason: typed.revoke_reason.to_owned(),
        reissue_note: typed.reissue_note.to_owned(),
        errors: typed.errors,
    };
    page.with_title(i18n::t_with(lang, "certificate.show.title", &[("number", &view.number)])).render_status(
        status,
        "certificates/show",
        &view,
    )
}

/// "error: tên viết sai" → "Sai sót: tên viết sai".
fn reissue_reason_text(lang: Lang, stored: &str) -> String {
    let (code, note) = stored.split_once(": ").unwrap_or((stored, ""));
    let label = ReissueReason::parse(code).map(|r| i18n::t(lang, &r.label_key())).unwrap_or_else(|| code.to_owned());
    if note.is_empty() { label } else { format!("{label}: {note}") }
}

pub async fn show(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let typed = Typed { revoke_reason: "", reissue_reason: "", reissue_note: "", errors: Vec::new() };
    render(page, &state, id.into_inner(), StatusCode::OK, typed).await
}

pub async fn pdf(_user: StaffUser, state: web::Data<AppState>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (c, bytes): (Certificate, Vec<u8>) =
        state.db(move |conn| Ok((certificates::find(conn, id)?, certificates::pdf_bytes(conn, id)?))).await?;
    Ok(download(bytes, "application/pdf", &c.file_name()))
}

pub async fn revoke(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<RevokeForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let reason = form.reason.trim().to_owned();
    if reason.is_empty() {
        let errors = vec![i18n::t(page.lang, "certificate.error.reason_required")];
        let typed = Typed { revoke_reason: &form.reason, reissue_reason: "", reissue_note: "", errors };
        return render(page, &state, id, StatusCode::UNPROCESSABLE_ENTITY, typed).await;
    }
    let actor = user.actor();
    let today = state.clock().today();
    match state.db(move |c| certificates::revoke(c, &actor, id, &reason, today)).await {
        Ok(()) => page.flash("success", "certificate.show.revoked"),
        Err(AppError::Conflict(key)) => page.flash("error", key),
        Err(e) => return Err(e),
    }
    Ok(see_other(&format!("/certificates/{id}")))
}

pub async fn reissue(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ReissueForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let Some(reason) = ReissueReason::parse(form.reason.trim()) else {
        let errors = vec![i18n::t(page.lang, "certificate.error.reissue_reason")];
        let typed = Typed { revoke_reason: "", reissue_reason: &form.reason, reissue_note: &form.note, errors };
        return render(page, &state, id, StatusCode::UNPROCESSABLE_ENTITY, typed).await;
    };
    let actor = user.actor();
    let note = form.note.trim().to_owned();
    let public_url = state.config.public_url.clone();
    let domain = state.mail_context().message_id_domain;
    let (today, now) = (state.clock().today(), state.clock().now_utc());
    let result = state
        .db(move |c| {
            let ctx = IssueContext { actor: &actor, public_url: &public_url, message_id_domain: &domain, today, now };
            certificates::reissue(c, &ctx, id, reason, &note)
        })
        .await;
    match result {
        Ok(new) => {
            state.wake_mail_worker();
            page.flash_text(
                "success",
                i18n::t_with(page.lang, "certificate.show.reissued", &[("number", &new.register_number())]),
            );
            Ok(see_other(&format!("/certificates/{}", new.id)))
        }
        Err(AppError::Conflict(key)) => {
            page.flash("error", key);
            Ok(see_other(&format!("/certificates/{id}")))
        }
        Err(e) => Err(e),
    }
}
