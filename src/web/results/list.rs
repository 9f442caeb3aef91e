//! The results list (bảng điểm) of a class: every enrolled learner in list order with the
//! final result and band, and the counts per band, as a page that prints, a PDF and a
//! spreadsheet; and the class's attendance summary as a PDF. A secretary sees their own people,
//! and the scores only once the results are locked.

use std::collections::HashSet;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::read_scope;
use super::sheet::{ResultView, result_view};
use crate::domain::class::{self as class_names, ClassStatus};
use crate::domain::results::{self as rules, FinalResult};
use crate::domain::{dates, numbers};
use crate::export::xlsx::{self, Cell, Sheet};
use crate::i18n::{self, Lang};
use crate::pdf::{self, Align, Column, ListDocument, Orientation, Table};
use crate::store::classes::{self, Class};
use crate::store::issuers::{self, Issuer};
use crate::store::orgs::UnitTree;
use crate::store::programs::{self, Program};
use crate::store::results::{self as store, ResultLine};
use crate::store::{Scope, attendance, sessions};
use crate::web::attendance::views as attendance_views;
use crate::web::auth::extract::{AttendanceReader, CurrentUser};
use crate::web::error::{AppError, AppResult};
use crate::web::page::Page;
use crate::web::state::AppState;

struct ListData {
    class: Class,
    program: Program,
    issuer: Issuer,
    tree: UnitTree,
    lines: Vec<ResultLine>,
    /// Scores are shown: to staff and lecturers always, to secretaries once locked.
    published: bool,
}

async fn list_data(state: &AppState, user: &CurrentUser, class_id: i64) -> AppResult<ListData> {
    let scope = read_scope(state, user, class_id).await?;
    let scoped = matches!(scope, Scope::Units(_));
    state
        .db(move |c| {
            let class = classes::find(c, class_id)?;
            let program = programs::find(c, class.program_id)?;
            let issuer = issuers::find(c, class.issuer_id)?;
            let tree = UnitTree::load(c)?;
            let lines = store::sheet(c, class_id, &scope)?;
            let published = !scoped || class.status() >= ClassStatus::Locked;
            Ok(ListData { class, program, issuer, tree, lines, published })
        })
        .await
}

fn class_name(data: &ListData) -> String {
    class_names::full_name(&data.program.name, data.class.ordinal, data.class.year)
}

/// The result as the list shows it: hidden from secretaries before locking.
fn shown(lang: Lang, data: &ListData, result: FinalResult) -> ResultView {
    if data.published || result == FinalResult::NotEligible {
        result_view(lang, result)
    } else {
        ResultView {
            label: i18n::t(lang, "results.state.unpublished"),
            score: String::new(),
            band: String::new(),
            tone: "muted",
        }
    }
}

/// ("Xuất sắc", "3 (7%)") for each band, then the learners without a band.
fn summary(lang: Lang, data: &ListData) -> Vec<(String, String)> {
    let finals: Vec<FinalResult> = data.lines.iter().map(|l| l.result).collect();
    let total = finals.len();
    let share = |n: usize| match (n * 1000 + total / 2).checked_div(total) {
        Some(permille) => format!("{n} ({})", numbers::format_percent(permille as i32)),
        None => n.to_string(),
    };
    let mut out = vec![(i18n::t(lang, "results.list.total"), total.to_string())];
    if data.published {
        for (band, n) in rules::band_counts(&finals) {
            out.push((i18n::t(lang, band.label_key()), share(n)));
        }
        let count = |want: FinalResult| finals.iter().filter(|r| **r == want).count();
        out.push((i18n::t(lang, "results.state.absent"), share(count(FinalResult::Absent))));
        let pending = count(FinalResult::Pending);
        if pending > 0 {
            out.push((i18n::t(lang, "results.state.pending"), share(pending)));
        }
    }
    let not_eligible = finals.iter().filter(|r| **r == FinalResult::NotEligible).count();
    out.push((i18n::t(lang, "results.state.not_eligible"), share(not_eligible)));
    out
}

#[derive(Serialize)]
struct Line {
    n: usize,
    name: String,
    born: String,
    unit: String,
    result: ResultView,
}

#[derive(Serialize)]
struct Count {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct ListView {
    class_id: i64,
    class_name: String,
    school: String,
    superior: String,
    decision: Option<String>,
    published: bool,
    scoped: bool,
    show_unit: bool,
    lines: Vec<Line>,
    counts: Vec<Count>,
    pdf_href: String,
    xlsx_href: String,
    sheet_href: Option<String>,
}

pub async fn show(
    user: AttendanceReader,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let class_id = id.into_inner();
    let data = list_data(&state, &user, class_id).await?;
    let lang = page.lang;
    let lines: Vec<Line> = data
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| Line {
            n: i + 1,
            name: l.learner.full_name.clone(),
            born: dates::format(l.learner.date_of_birth),
            unit: data.tree.label(l.learner.org_unit_id),
            result: shown(lang, &data, l.result),
        })
        .collect();
    let units: HashSet<&str> = lines.iter().map(|l| l.unit.as_str()).collect();
    let scoped = !crate::web::attendance::is_staff(&user) && user.has(crate::domain::role::Role::Secretary);
    let view = ListView {
        class_id,
        class_name: class_name(&data),
        school: data.issuer.name.to_uppercase(),
        superior: data.issuer.superior_name.to_uppercase(),
        decision: decision_line(lang, &data.class),
        published: data.published,
        scoped,
        show_unit: units.len() > 1,
        counts: summary(lang, &data).into_iter().map(|(label, value)| Count { label, value }).collect(),
        lines,
        pdf_href: format!("/classes/{class_id}/results.pdf"),
        xlsx_href: format!("/classes/{class_id}/results.xlsx"),
        sheet_href: (user.has(crate::domain::role::Role::Lecturer) || crate::web::attendance::is_staff(&user))
            .then(|| format!("/classes/{class_id}/results")),
    };
    let title = i18n::t_with(lang, "results.list.title_of", &[("class", &view.class_name)]);
    page.with_title(title).render("results/list", &view)
}

/// "Kèm theo Quyết định số 102-QĐ/TCT ngày 20/11/2026".
fn decision_line(lang: Lang, class: &Class) -> Option<String> {
    let date = class.results_decision_date?;
    (!class.results_decision_no.trim().is_empty()).then(|| {
        i18n::t_with(
            lang,
            "results.list.decision",
            &[("no", &class.results_decision_no), ("date", &dates::format(date))],
        )
    })
}

fn letterhead(issuer: &Issuer, on: time::Date) -> pdf::Letterhead {
    pdf::Letterhead::new(&issuer.superior_name, &issuer.name, &issuer.place, on)
}

fn signers(lang: Lang, class: &Class) -> (Option<pdf::Signer>, Option<pdf::Signer>) {
    let signer = pdf::Signer {
        delegation: class.signer_delegation.to_uppercase(),
        title: class.signer_title.to_uppercase(),
        name: class.signer_name.clone(),
    };
    let preparer =
        pdf::Signer { delegation: String::new(), title: i18n::t(lang, "results.list.preparer"), name: String::new() };
    (Some(preparer), Some(signer))
}

fn file_name(prefix: &str, class: &Class, ext: &str) -> String {
    format!("{prefix}-khoa-{}-{}.{ext}", class_names::roman(class.ordinal.max(1) as u32).to_lowercase(), class.year)
}

fn download(content_type: &str, file: String, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type.to_owned()))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes)
}

pub async fn pdf(
    user: AttendanceReader,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let data = list_data(&state, &user, id.into_inner()).await?;
    let lang = page.lang;
    let t = |key: &str| i18n::t(lang, key);
    let (preparer, signer) = signers(lang, &data.class);
    let on = data.class.results_decision_date.unwrap_or_else(|| state.clock().today());
    let mut subtitles = vec![class_name(&data)];
    subtitles.extend(decision_line(lang, &data.class));
    let doc = ListDocument {
        orientation: Orientation::Portrait,
        letterhead: letterhead(&data.issuer, on),
        title: t("results.list.heading"),
        subtitles,
        table: Table {
            columns: vec![
                Column::new(&t("results.col.number"), Align::Center),
                Column::new(&t("results.col.name"), Align::Left),
                Column::new(&t("results.col.born"), Align::Center),
                Column::new(&t("results.col.unit"), Align::Left),
                Column::new(&t("results.col.score"), Align::Center),
                Column::new(&t("results.col.band"), Align::Center),
            ],
            rows: data
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let r = shown(lang, &data, l.result);
                    let note = if r.score.is_empty() { r.label } else { r.band };
                    vec![
                        (i + 1).to_string(),
                        l.learner.full_name.clone(),
                        dates::format(l.learner.date_of_birth),
                        data.tree.label(l.learner.org_unit_id),
                        r.score,
                        note,
                    ]
                })
                .collect(),
            min_row_height: 0.0,
        },
        summary: summary(lang, &data),
        signer,
        preparer,
    };
    let bytes = web::block(move || pdf::list::render(&doc)).await.map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(download("application/pdf", file_name("bang-diem", &data.class, "pdf"), bytes))
}

pub async fn xlsx(
    user: AttendanceReader,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let data = list_data(&state, &user, id.into_inner()).await?;
    let lang = page.lang;
    let t = |key: &str| i18n::t(lang, key);
    let mut title = vec![t("results.list.heading").to_uppercase(), class_name(&data)];
    title.extend(decision_line(lang, &data.class));
    let mut rows: Vec<Vec<Cell>> = data
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let r = shown(lang, &data, l.result);
            let score = match l.result {
                FinalResult::Scored { tenths, .. } if data.published => Cell::Decimal(f64::from(tenths) / 10.0, 1),
                _ => Cell::Empty,
            };
            vec![
                Cell::Int(i as i64 + 1),
                l.learner.full_name.clone().into(),
                Cell::Date(l.learner.date_of_birth),
                data.tree.label(l.learner.org_unit_id).into(),
                score,
                Cell::Text(if r.band.is_empty() { r.label } else { r.band }),
                Cell::Int(l.attempts.len() as i64),
            ]
        })
        .collect();
    rows.push(vec![Cell::Empty]);
    for (label, value) in summary(lang, &data) {
        rows.push(vec![Cell::Empty, Cell::Text(label), Cell::Text(value)]);
    }
    let sheet = Sheet {
        name: t("results.list.sheet"),
        title,
        headers: ["number", "name", "born", "unit", "score", "band", "attempts"]
            .iter()
            .map(|k| t(&format!("results.col.{k}")))
            .collect(),
        widths: vec![6.0, 28.0, 12.0, 40.0, 8.0, 28.0, 8.0],
        rows,
    };
    let bytes = xlsx::workbook(&[sheet]).map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        file_name("bang-diem", &data.class, "xlsx"),
        bytes,
    ))
}

/// The attendance summary of a class as a PDF (landscape), within the reader's scope.
pub async fn attendance_pdf(
    user: AttendanceReader,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let class_id = id.into_inner();
    let scope = read_scope(&state, &user, class_id).await?;
    let (class, program, issuer, tree, lines, session_count) = state
        .db(move |c| {
            let class = classes::find(c, class_id)?;
            let program = programs::find(c, class.program_id)?;
            let issuer = issuers::find(c, class.issuer_id)?;
            let lines = attendance::summary(c, class_id, &scope)?;
            let count = sessions::of_class(c, class_id)?.len() as u32;
            Ok((class, program, issuer, UnitTree::load(c)?, lines, count))
        })
        .await?;
    let lang = page.lang;
    let t = |key: &str| i18n::t(lang, key);
    let rules_of_program = program.rules();
    let name = class_names::full_name(&program.name, class.ordinal, class.year);
    let mut eligible = 0;
    let rows: Vec<Vec<String>> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let e = attendance_views::eligibility_view(lang, &l.tally, &rules_of_program);
            if e.may_write {
                eligible += 1;
            }
            vec![
                (i + 1).to_string(),
                l.learner.full_name.clone(),
                tree.label(l.learner.org_unit_id),
                format!("{}/{}", l.tally.attended(), l.tally.sessions),
                l.tally.excused.to_string(),
                l.tally.unexcused.to_string(),
                l.tally.made_up.to_string(),
                numbers::format_percent(l.tally.absence_permille() as i32),
                e.short,
            ]
        })
        .collect();
    let (preparer, signer) = signers(lang, &class);
    let doc = ListDocument {
        orientation: Orientation::Landscape,
        letterhead: letterhead(&issuer, state.clock().today()),
        title: t("attendance.summary.heading"),
        subtitles: vec![name, attendance_views::rule_text(lang, &rules_of_program, session_count)],
        table: Table {
            columns: vec![
                Column::new(&t("attendance.col.number"), Align::Center),
                Column::new(&t("attendance.col.name"), Align::Left),
                Column::new(&t("attendance.col.unit"), Align::Left),
                Column::new(&t("attendance.col.attended"), Align::Center),
                Column::new(&t("attendance.mark.excused"), Align::Center),
                Column::new(&t("attendance.mark.unexcused"), Align::Center),
                Column::new(&t("attendance.mark.made_up"), Align::Center),
                Column::new(&t("attendance.col.ratio"), Align::Center),
                Column::new(&t("attendance.col.eligibility"), Align::Center),
            ],
            rows,
            min_row_height: 0.0,
        },
        summary: vec![
            (t("results.list.sessions"), session_count.to_string()),
            (t("attendance.eligibility.eligible"), format!("{eligible}/{}", lines.len())),
        ],
        signer,
        preparer,
    };
    let bytes = web::block(move || pdf::list::render(&doc)).await.map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(download("application/pdf", file_name("diem-danh", &class, "pdf"), bytes))
}
