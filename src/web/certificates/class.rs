//! A class's certificates: the preview before issuing, issuing, the sample PDF and the ZIP.

use std::collections::HashMap;
use std::io::Write;

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::{download, valid_until, validity_label};
use crate::domain::class as class_names;
use crate::domain::dates;
use crate::domain::numbers::{format_int, format_tenths};
use crate::domain::results::FinalResult;
use crate::i18n::{self, Lang};
use crate::store::certificates::{self, Candidate, Certificate, IssueContext, Issued};
use crate::store::classes::{self, Class};
use crate::store::programs;
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

#[derive(Serialize)]
struct NotPassing {
    name: String,
    reason: String,
}

#[derive(Serialize)]
pub(crate) struct CertificateLine {
    pub id: i64,
    pub name: String,
    pub number: String,
    pub issued_on: String,
    pub valid_until: String,
    pub validity: String,
    pub tone: &'static str,
    pub emailed: String,
    pub href: String,
    pub pdf_href: String,
}

#[derive(Serialize)]
struct ClassView {
    id: i64,
    class_name: String,
    results_final: bool,
    passing: String,
    to_issue: usize,
    to_issue_text: String,
    issued: String,
    not_passing: Vec<NotPassing>,
    has_sample: bool,
    certificates: Vec<CertificateLine>,
    has_valid: bool,
}

fn reason(lang: Lang, result: FinalResult) -> String {
    match result {
        FinalResult::NotEligible => i18n::t(lang, "certificate.reason.not_eligible"),
        FinalResult::Pending => i18n::t(lang, "certificate.reason.pending"),
        FinalResult::Absent => i18n::t(lang, "certificate.reason.absent"),
        FinalResult::Scored { tenths, .. } => {
            i18n::t_with(lang, "certificate.reason.failed", &[("score", &format_tenths(tenths))])
        }
    }
}

pub(crate) fn lines(
    lang: Lang,
    list: &[Certificate],
    names: &HashMap<i64, String>,
    emailed: &HashMap<i64, bool>,
    today: time::Date,
) -> Vec<CertificateLine> {
    list.iter()
        .map(|c| {
            let (validity, tone) = validity_label(lang, c, today);
            let emailed = match emailed.get(&c.id) {
                Some(true) => i18n::t(lang, "certificate.emailed.sent"),
                Some(false) => i18n::t(lang, "certificate.emailed.queued"),
                None => i18n::t(lang, "certificate.emailed.none"),
            };
            CertificateLine {
                id: c.id,
                name: names.get(&c.id).cloned().unwrap_or_else(|| c.snapshot().doc.full_name),
                number: c.register_number(),
                issued_on: dates::format(c.issued_on),
                valid_until: valid_until(lang, c),
                validity,
                tone,
                emailed,
                href: format!("/certificates/{}", c.id),
                pdf_href: format!("/certificates/{}.pdf", c.id),
            }
        })
        .collect()
}

struct Loaded {
    class: Class,
    program_name: String,
    candidates: Vec<Candidate>,
    list: Vec<Certificate>,
    emailed: HashMap<i64, bool>,
}

async fn load(state: &AppState, id: i64) -> AppResult<Loaded> {
    state
        .db(move |c| {
            let class = classes::find(c, id)?;
            let program_name = programs::find(c, class.program_id)?.name;
            let candidates = certificates::candidates(c, id)?;
            let list = certificates::of_class(c, id)?;
            let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
            let emailed = certificates::emailed(c, &ids)?;
            Ok(Loaded { class, program_name, candidates, list, emailed })
        })
        .await
}

pub async fn show(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let today = state.clock().today();
    let data = load(&state, id.into_inner()).await?;
    let passing = data.candidates.iter().filter(|c| c.result.passed()).count();
    let to_issue = data.candidates.iter().filter(|c| c.to_issue()).count();
    let not_passing = data
        .candidates
        .iter()
        .filter(|c| !c.result.passed())
        .map(|c| NotPassing { name: c.full_name.clone(), reason: reason(lang, c.result) })
        .collect();
    let names: HashMap<i64, String> = HashMap::new();
    let view = ClassView {
        id: data.class.id,
        class_name: class_names::full_name(&data.program_name, data.class.ordinal, data.class.year),
        results_final: certificates::results_final(data.class.status()),
        passing: format_int(passing as i64),
        to_issue,
        to_issue_text: i18n::t_with(lang, "certificate.class.issue_n", &[("n", &format_int(to_issue as i64))]),
        issued: format_int(data.list.iter().filter(|c| c.status == "valid").count() as i64),
        not_passing,
        has_sample: passing > 0,
        has_valid: data.list.iter().any(|c| c.status == "valid"),
        certificates: lines(lang, &data.list, &names, &data.emailed, today),
    };
    page.with_title(i18n::t(lang, "certificate.class.title")).render("certificates/class", &view)
}

pub async fn issue(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let actor = user.actor();
    let public_url = state.config.public_url.clone();
    let domain = state.mail_context().message_id_domain;
    let (today, now) = (state.clock().today(), state.clock().now_utc());
    let result: AppResult<Issued> = state
        .db(move |c| {
            let ctx = IssueContext { actor: &actor, public_url: &public_url, message_id_domain: &domain, today, now };
            certificates::issue(c, &ctx, id)
        })
        .await;
    match result {
        Ok(issued) => {
            state.wake_mail_worker();
            let n = format_int(issued.new.len() as i64);
            if issued.new.is_empty() {
                page.flash("info", "certificate.class.nothing_new");
            } else {
                page.flash_text("success", i18n::t_with(page.lang, "certificate.class.issued", &[("n", &n)]));
            }
        }
        Err(AppError::Conflict(key)) => page.flash("error", key),
        Err(e) => return Err(e),
    }
    Ok(see_other(&format!("/classes/{id}/certificates")))
}

pub async fn sample(_user: StaffUser, state: web::Data<AppState>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let today = state.clock().today();
    let public_url = state.config.public_url.clone();
    let bytes = state.db(move |c| certificates::sample(c, id, today, &public_url)).await?.ok_or(AppError::NotFound)?;
    Ok(download(bytes, "application/pdf", "giay-chung-nhan-mau.pdf"))
}

/// The class's valid certificates as one ZIP, each PDF under its register number and name.
pub async fn zip(_user: StaffUser, state: web::Data<AppState>, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let files = state.db(move |c| certificates::pdfs_of_class(c, id)).await?;
    if files.is_empty() {
        return Err(AppError::NotFound);
    }
    let bytes = web::block(move || zip_of(&files)).await.map_err(|e| AppError::Unexpected(e.into()))??;
    Ok(download(bytes, "application/zip", &format!("giay-chung-nhan-lop-{id}.zip")))
}

fn zip_of(files: &[(Certificate, Vec<u8>)]) -> AppResult<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (c, bytes) in files {
        let name = format!("{:03}-{}-{}.pdf", c.number, c.year, slug(&c.snapshot().doc.full_name));
        writer.start_file(name, options).map_err(|e| AppError::Unexpected(e.into()))?;
        writer.write_all(bytes).map_err(|e| AppError::Unexpected(e.into()))?;
    }
    Ok(writer.finish().map_err(|e| AppError::Unexpected(e.into()))?.into_inner())
}

/// "Nguyễn Thị Hằng" → "nguyen-thi-hang", for file names any system opens.
fn slug(name: &str) -> String {
    let folded = crate::domain::names::fold(name);
    folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}
