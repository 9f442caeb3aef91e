//! Where the province stands: readiness for admission (candidates with a valid awareness
//! certificate not yet admitted, and those whose certificate expires within 90 days), and the
//! admissions of the term against each party organisation's target, with the Youth Union's
//! share, in the committees' own sentences.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use time::Duration;

use super::{Choice, term_label, xlsx_download};
use crate::domain::dates;
use crate::domain::numbers::format_int;
use crate::domain::report::{self, format_percent_2, share_hundredths};
use crate::export::xlsx::{self, Cell, Sheet};
use crate::i18n::{self, Lang};
use crate::store::orgs::UnitTree;
use crate::store::reports::{self, Admissions, EXPIRY_WINDOW_DAYS, Expiring, ReadinessCount};
use crate::web::auth::extract::StaffUser;
use crate::web::error::AppResult;
use crate::web::page::Page;
use crate::web::state::AppState;

// ---------------------------------------------------------------------------------------------
// Readiness

#[derive(Serialize)]
struct ReadyRow {
    unit: String,
    ready: String,
    expiring: String,
}

#[derive(Serialize)]
struct ExpiringRow {
    full_name: String,
    unit: String,
    valid_until: String,
}

#[derive(Serialize)]
struct ReadinessView {
    as_of: String,
    rows: Vec<ReadyRow>,
    total_ready: String,
    total_expiring: String,
    expiring: Vec<ExpiringRow>,
    window: String,
}

async fn load_readiness(state: &AppState) -> AppResult<(Vec<ReadinessCount>, Vec<Expiring>, UnitTree, time::Date)> {
    let today = state.clock().today();
    state
        .db(move |c| {
            let (counts, expiring) = reports::readiness(c, today)?;
            Ok((counts, expiring, UnitTree::load(c)?, today))
        })
        .await
}

/// The units' rows sorted by their label.
fn labelled(counts: &[ReadinessCount], tree: &UnitTree) -> Vec<(String, i64, i64)> {
    let mut rows: Vec<(String, i64, i64)> =
        counts.iter().map(|c| (tree.label(c.org_unit_id), c.ready, c.expiring)).collect();
    rows.sort();
    rows
}

pub async fn readiness(_user: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let (counts, expiring, tree, today) = load_readiness(&state).await?;
    let view = ReadinessView {
        as_of: dates::format(today),
        rows: labelled(&counts, &tree)
            .into_iter()
            .map(|(unit, ready, expiring)| ReadyRow { unit, ready: format_int(ready), expiring: format_int(expiring) })
            .collect(),
        total_ready: format_int(counts.iter().map(|c| c.ready).sum()),
        total_expiring: format_int(counts.iter().map(|c| c.expiring).sum()),
        expiring: expiring
            .iter()
            .map(|e| ExpiringRow {
                full_name: e.full_name.clone(),
                unit: tree.label(e.org_unit_id),
                valid_until: dates::format(e.expires_on - Duration::days(1)),
            })
            .collect(),
        window: i18n::t_with(lang, "report.readiness.window", &[("days", &EXPIRY_WINDOW_DAYS.to_string())]),
    };
    page.titled("report.readiness.title").render("reports/readiness", &view)
}

pub async fn readiness_xlsx(_user: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let t = |k: &str| i18n::t(lang, k);
    let (counts, expiring, tree, today) = load_readiness(&state).await?;
    let as_of = i18n::t_with(lang, "report.as_of", &[("date", &dates::format(today))]);
    let mut rows: Vec<Vec<Cell>> = labelled(&counts, &tree)
        .into_iter()
        .map(|(unit, ready, expiring)| vec![Cell::from(unit), Cell::Int(ready), Cell::Int(expiring)])
        .collect();
    rows.push(vec![
        Cell::from(t("report.total")),
        Cell::Int(counts.iter().map(|c| c.ready).sum()),
        Cell::Int(counts.iter().map(|c| c.expiring).sum()),
    ]);
    let per_unit = Sheet {
        name: t("report.readiness.sheet_units"),
        title: vec![t("report.readiness.title"), as_of.clone()],
        headers: vec![t("report.column.unit"), t("report.readiness.ready"), t("report.readiness.expiring")],
        widths: vec![48.0, 16.0, 16.0],
        rows,
    };
    let list = Sheet {
        name: t("report.readiness.sheet_expiring"),
        title: vec![t("report.readiness.expiring_title"), as_of],
        headers: vec![t("person.full_name"), t("report.column.unit"), t("report.readiness.valid_until")],
        widths: vec![28.0, 48.0, 14.0],
        rows: expiring
            .iter()
            .map(|e| {
                vec![
                    Cell::from(e.full_name.clone()),
                    Cell::from(tree.label(e.org_unit_id)),
                    Cell::Date(e.expires_on - Duration::days(1)),
                ]
            })
            .collect(),
    };
    let bytes = xlsx::workbook(&[per_unit, list]).map_err(|e| anyhow::anyhow!(e))?;
    Ok(xlsx_download(bytes, "san-sang-ket-nap.xlsx"))
}

// ---------------------------------------------------------------------------------------------
// Admissions against the targets

#[derive(Debug, Default, Deserialize)]
pub struct TermQuery {
    #[serde(default)]
    term: String,
}

#[derive(Serialize)]
struct AdmissionRow {
    unit: String,
    target: String,
    admitted: String,
    by_youth_union: String,
    youth_share: String,
    /// "Đảng bộ tỉnh Đắk Lắk đã kết nạp 29 đảng viên mới, vượt 45% so với chỉ tiêu nhiệm kỳ."
    sentence: String,
    youth_sentence: Option<String>,
}

#[derive(Serialize)]
struct AdmissionsView {
    terms: Vec<Choice>,
    term: String,
    term_value: String,
    rows: Vec<AdmissionRow>,
    has_terms: bool,
}

struct Loaded {
    terms: Vec<(time::Date, time::Date)>,
    chosen: Option<(time::Date, time::Date)>,
    rows: Vec<Admissions>,
    tree: UnitTree,
}

/// The term asked for (its start, as yyyy-mm-dd), else the one containing today, else the
/// newest.
async fn load_admissions(state: &AppState, asked: &str) -> AppResult<Loaded> {
    let today = state.clock().today();
    let asked = dates::parse(asked);
    state
        .db(move |c| {
            let terms = reports::terms(c)?;
            let chosen = asked
                .and_then(|a| terms.iter().find(|(s, _)| *s == a))
                .or_else(|| terms.iter().find(|(s, e)| *s <= today && today <= *e))
                .or(terms.first())
                .copied();
            let rows = match chosen {
                Some((start, _)) => reports::admissions(c, start)?,
                None => Vec::new(),
            };
            Ok(Loaded { terms, chosen, rows, tree: UnitTree::load(c)? })
        })
        .await
}

fn admission_row(lang: Lang, a: &Admissions, tree: &UnitTree) -> AdmissionRow {
    let unit = tree.get(a.org_unit_id).map(|u| u.name.clone()).unwrap_or_default();
    AdmissionRow {
        sentence: format!("{unit} {}.", report::admissions_sentence(a.admitted, a.target)),
        youth_sentence: report::youth_union_sentence(a.by_youth_union, a.admitted).map(|s| format!("{s}.")),
        unit,
        target: format_int(a.target),
        admitted: format_int(a.admitted),
        by_youth_union: format_int(a.by_youth_union),
        youth_share: share_hundredths(a.by_youth_union, a.admitted)
            .map(format_percent_2)
            .unwrap_or_else(|| i18n::t(lang, "report.none")),
    }
}

pub async fn admissions(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<TermQuery>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let loaded = load_admissions(&state, &query.term).await?;
    let view = AdmissionsView {
        has_terms: !loaded.terms.is_empty(),
        terms: loaded
            .terms
            .iter()
            .map(|(s, e)| Choice {
                value: dates::iso(*s),
                label: term_label(*s, *e),
                selected: loaded.chosen == Some((*s, *e)),
            })
            .collect(),
        term: loaded.chosen.map(|(s, e)| term_label(s, e)).unwrap_or_default(),
        term_value: loaded.chosen.map(|(s, _)| dates::iso(s)).unwrap_or_default(),
        rows: loaded.rows.iter().map(|a| admission_row(lang, a, &loaded.tree)).collect(),
    };
    page.titled("report.admissions.title").render("reports/admissions", &view)
}

pub async fn admissions_xlsx(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<TermQuery>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let t = |k: &str| i18n::t(lang, k);
    let loaded = load_admissions(&state, &query.term).await?;
    let mut title = vec![t("report.admissions.title")];
    if let Some((s, e)) = loaded.chosen {
        title.push(i18n::t_with(lang, "report.admissions.term_of", &[("term", &term_label(s, e))]));
    }
    let rows = loaded
        .rows
        .iter()
        .map(|a| {
            let view = admission_row(lang, a, &loaded.tree);
            vec![
                Cell::from(view.unit),
                Cell::Int(a.target),
                Cell::Int(a.admitted),
                Cell::Int(a.by_youth_union),
                share_hundredths(a.by_youth_union, a.admitted)
                    .map(|h| Cell::Decimal(h as f64 / 100.0, 2))
                    .unwrap_or(Cell::Empty),
                Cell::from(view.sentence),
                Cell::from(view.youth_sentence),
            ]
        })
        .collect();
    let sheet = Sheet {
        name: t("report.admissions.sheet"),
        title,
        headers: vec![
            t("report.column.unit"),
            t("report.admissions.target"),
            t("report.admissions.admitted"),
            t("report.admissions.by_youth_union"),
            t("report.admissions.youth_share_number"),
            t("report.admissions.sentence"),
            t("report.admissions.youth_sentence"),
        ],
        widths: vec![36.0, 10.0, 10.0, 12.0, 12.0, 60.0, 60.0],
        rows,
    };
    let bytes = xlsx::workbook(&[sheet]).map_err(|e| anyhow::anyhow!(e))?;
    Ok(xlsx_download(bytes, "ket-nap-dang-vien.xlsx"))
}
