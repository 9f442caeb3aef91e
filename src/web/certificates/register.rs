//! The registers (sổ cấp giấy chứng nhận): one per issuer and year, every number in order with
//! the revoked and superseded ones and their reasons; as a page that prints, a PDF and an XLSX.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::download;
use crate::domain::dates;
use crate::domain::numbers::format_int;
use crate::export::xlsx::{self, Cell, Sheet};
use crate::i18n::{self, Lang};
use crate::pdf::layout::{Align, Orientation};
use crate::pdf::list::{Column, ListDocument, Table};
use crate::pdf::parts::{Letterhead, Signer};
use crate::store::certificates::{self, Certificate};
use crate::store::issuers::{self, Issuer};
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Page;
use crate::web::state::AppState;

#[derive(Serialize)]
struct RegisterLink {
    issuer: String,
    year: i32,
    count: String,
    href: String,
}

#[derive(Serialize)]
struct IndexView {
    registers: Vec<RegisterLink>,
}

pub async fn index(_user: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (registers, issuers) = state.db(|c| Ok((certificates::registers(c)?, issuers::all(c)?))).await?;
    let view = IndexView {
        registers: registers
            .into_iter()
            .map(|(issuer_id, year, last)| RegisterLink {
                issuer: issuers.iter().find(|i| i.id == issuer_id).map(|i| i.name.clone()).unwrap_or_default(),
                year,
                count: format_int(last),
                href: format!("/certificates/register/{issuer_id}/{year}"),
            })
            .collect(),
    };
    page.titled("certificate.register.index_title").render("certificates/registers", &view)
}

/// One line of the register, as every format prints it.
#[derive(Serialize)]
struct Line {
    number: String,
    name: String,
    birth_date: String,
    class_name: String,
    grade: String,
    issued_on: String,
    status: String,
    note: String,
    href: String,
}

fn line_of(lang: Lang, c: &Certificate, numbers: &std::collections::HashMap<i64, String>) -> Line {
    let s = c.snapshot();
    let status_key = format!("certificate.status.{}", c.status);
    let number_of = |id: Option<i64>| id.and_then(|id| numbers.get(&id).cloned()).unwrap_or_default();
    let note = match c.status.as_str() {
        "revoked" => i18n::t_with(
            lang,
            "certificate.register.revoked_note",
            &[
                ("date", &c.revoked_on.map(dates::format).unwrap_or_default()),
                ("reason", c.revoked_reason.as_deref().unwrap_or_default()),
            ],
        ),
        "superseded" => {
            i18n::t_with(lang, "certificate.register.superseded_note", &[("number", &number_of(c.superseded_by_id))])
        }
        _ if c.reissue_of_id.is_some() => {
            i18n::t_with(lang, "certificate.register.reissue_note", &[("number", &number_of(c.reissue_of_id))])
        }
        _ => String::new(),
    };
    Line {
        number: c.register_number(),
        name: s.doc.full_name.clone(),
        birth_date: s.doc.birth_date.clone(),
        class_name: format!("{} {}", s.program, s.class_short),
        grade: s.doc.grade.clone(),
        issued_on: dates::format(c.issued_on),
        status: i18n::t(lang, &status_key),
        note,
        href: format!("/certificates/{}", c.id),
    }
}

#[derive(Serialize)]
struct RegisterView {
    superior: String,
    issuer: String,
    year: i32,
    lines: Vec<Line>,
    pdf_href: String,
    xlsx_href: String,
}

async fn load(state: &AppState, lang: Lang, issuer_id: i64, year: i32) -> AppResult<(Issuer, Vec<Line>)> {
    let (issuer, list, numbers) = state
        .db(move |c| {
            let issuer = issuers::find(c, issuer_id)?;
            let list = certificates::register(c, issuer_id, year)?;
            let linked: Vec<i64> =
                list.iter().flat_map(|c| c.reissue_of_id.into_iter().chain(c.superseded_by_id)).collect();
            let numbers = certificates::register_numbers(c, &linked)?;
            Ok((issuer, list, numbers))
        })
        .await?;
    if list.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((issuer, list.iter().map(|c| line_of(lang, c, &numbers)).collect()))
}

pub async fn show(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i32)>,
) -> AppResult<HttpResponse> {
    let (issuer_id, year) = path.into_inner();
    let (issuer, lines) = load(&state, page.lang, issuer_id, year).await?;
    let base = format!("/certificates/register/{issuer_id}/{year}");
    let view = RegisterView {
        superior: issuer.superior_name,
        issuer: issuer.name,
        year,
        lines,
        pdf_href: format!("{base}.pdf"),
        xlsx_href: format!("{base}.xlsx"),
    };
    let title = i18n::t_with(page.lang, "certificate.register.title", &[("year", &year.to_string())]);
    page.with_title(title).render("certificates/register", &view)
}

fn headers(lang: Lang) -> Vec<String> {
    ["number", "name", "birth_date", "class", "grade", "issued_on", "status", "note"]
        .iter()
        .map(|k| i18n::t(lang, &format!("certificate.col.{k}")))
        .collect()
}

pub async fn pdf(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i32)>,
) -> AppResult<HttpResponse> {
    let (issuer_id, year) = path.into_inner();
    let lang = page.lang;
    let (issuer, lines) = load(&state, lang, issuer_id, year).await?;
    let today = state.clock().today();
    let heads = headers(lang);
    let align =
        [Align::Left, Align::Left, Align::Left, Align::Left, Align::Left, Align::Left, Align::Left, Align::Left];
    let doc = ListDocument {
        orientation: Orientation::Landscape,
        letterhead: Letterhead::new(&issuer.superior_name, &issuer.name, &issuer.place, today),
        title: i18n::t(lang, "certificate.register.pdf_title"),
        subtitles: vec![i18n::t_with(lang, "certificate.register.year", &[("year", &year.to_string())])],
        table: Table {
            columns: heads.iter().zip(align).map(|(h, a)| Column::new(h, a)).collect(),
            rows: lines
                .iter()
                .map(|l| {
                    vec![
                        l.number.clone(),
                        l.name.clone(),
                        l.birth_date.clone(),
                        l.class_name.clone(),
                        l.grade.clone(),
                        l.issued_on.clone(),
                        l.status.clone(),
                        l.note.clone(),
                    ]
                })
                .collect(),
            min_row_height: 0.0,
        },
        summary: vec![(i18n::t(lang, "certificate.register.total"), format_int(lines.len() as i64))],
        signer: Some(Signer {
            delegation: issuer.signer_delegation.clone(),
            title: issuer.signer_title.clone(),
            name: issuer.signer_name.clone(),
        }),
        preparer: None,
    };
    let bytes = web::block(move || crate::pdf::list::render(&doc)).await.map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(download(bytes, "application/pdf", &format!("so-cap-giay-chung-nhan-{year}.pdf")))
}

pub async fn xlsx(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i32)>,
) -> AppResult<HttpResponse> {
    let (issuer_id, year) = path.into_inner();
    let lang = page.lang;
    let (issuer, lines) = load(&state, lang, issuer_id, year).await?;
    let sheet = Sheet {
        name: i18n::t_with(lang, "certificate.register.year", &[("year", &year.to_string())]),
        title: vec![
            i18n::t(lang, "certificate.register.pdf_title"),
            format!(
                "{} — {}",
                issuer.name,
                i18n::t_with(lang, "certificate.register.year", &[("year", &year.to_string())])
            ),
        ],
        headers: headers(lang),
        widths: vec![10.0, 28.0, 12.0, 36.0, 12.0, 12.0, 14.0, 40.0],
        rows: lines
            .into_iter()
            .map(|l| {
                vec![
                    Cell::Text(l.number),
                    Cell::Text(l.name),
                    Cell::Text(l.birth_date),
                    Cell::Text(l.class_name),
                    Cell::Text(l.grade),
                    dates::parse(&l.issued_on).map(Cell::Date).unwrap_or(Cell::Text(l.issued_on)),
                    Cell::Text(l.status),
                    Cell::Text(l.note),
                ]
            })
            .collect(),
    };
    let bytes = xlsx::workbook(&[sheet]).map_err(|e| AppError::Unexpected(anyhow::anyhow!("xlsx: {e}")))?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("so-cap-giay-chung-nhan-{year}.xlsx"),
    ))
}
