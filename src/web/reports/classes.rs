//! The class report: figures per class for a program, period and party unit, three charts with
//! their tables, the workbook of it all, and the issued certificates for the Party member
//! database.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::{Choice, charts, unit_choices, xlsx_download};
use crate::domain::dates;
use crate::domain::numbers::format_int;
use crate::domain::report::{self, ATTENDANCE_BUCKETS};
use crate::export::xlsx::{self, Cell, Sheet};
use crate::i18n::{self, Lang};
use crate::store::classes::{self as class_store, ClassFilter};
use crate::store::orgs::UnitTree;
use crate::store::programs;
use crate::store::reports::{self, ClassFigures, Filter};
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{self, FieldErrors};
use crate::web::page::Page;
use crate::web::state::AppState;

/// The report's filter as typed in the query string.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct FilterQuery {
    #[serde(default)]
    program: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    unit: String,
}

impl FilterQuery {
    /// The filter, the messages of what could not be read, and the query string to pass on.
    fn read(&self, lang: Lang, tree: &UnitTree) -> (Filter, FieldErrors, String) {
        let mut errors = FieldErrors::default();
        let from = forms::optional_date(&mut errors, lang, "from", &self.from);
        let to = forms::optional_date(&mut errors, lang, "to", &self.to);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.add(lang, "to", "report.error.period");
        }
        let unit = forms::id(&self.unit).filter(|id| tree.get(*id).is_some());
        let filter = Filter {
            program_id: forms::id(&self.program),
            class_id: forms::id(&self.class),
            from,
            to,
            units: unit.map(|u| tree.subtree(u)),
        };
        let query = serde_urlencoded::to_string([
            ("program", self.program.trim()),
            ("class", self.class.trim()),
            ("from", self.from.trim()),
            ("to", self.to.trim()),
            ("unit", self.unit.trim()),
        ])
        .unwrap_or_default();
        (filter, errors, query)
    }
}

#[derive(Serialize)]
struct Row {
    class_name: String,
    program: String,
    period: String,
    enrolled: String,
    attendance: String,
    eligible: String,
    passed: String,
    pass_rate: String,
    bands: Vec<String>,
    certificates: String,
    emailed: String,
    confirmed: String,
    href: String,
}

#[derive(Serialize)]
struct Chart {
    id: &'static str,
    title: String,
    svg: String,
    /// The chart's numbers: label, value (and a second column when there is one).
    rows: Vec<(String, String)>,
    value_header: String,
    label_header: String,
}

#[derive(Serialize)]
struct PageView {
    programs: Vec<Choice>,
    classes: Vec<Choice>,
    units: Vec<Choice>,
    from: String,
    to: String,
    errors: FieldErrors,
    query: String,
    rows: Vec<Row>,
    totals: Option<Row>,
    band_headers: Vec<String>,
    charts: Vec<Chart>,
}

struct Loaded {
    tree: UnitTree,
    programs: Vec<programs::Program>,
    classes: Vec<class_store::ClassRow>,
}

async fn load_choices(state: &AppState) -> AppResult<Loaded> {
    state
        .db(|c| {
            Ok(Loaded {
                tree: UnitTree::load(c)?,
                programs: programs::all(c)?,
                classes: class_store::list(c, &ClassFilter::default())?,
            })
        })
        .await
}

fn band_labels(lang: Lang) -> Vec<String> {
    ["band.excellent", "band.good", "band.fair", "band.average", "band.fail"].iter().map(|k| i18n::t(lang, k)).collect()
}

/// The figures of several classes added up (the totals line).
fn total_of(list: &[ClassFigures]) -> ClassFigures {
    let mut t = ClassFigures {
        class_id: 0,
        program_code: String::new(),
        program_name: String::new(),
        short_name: String::new(),
        first_day: time::Date::MIN,
        last_day: time::Date::MIN,
        enrolled: 0,
        sessions_due: 0,
        sessions_attended: 0,
        eligible: 0,
        bands: [0; 5],
        passed: 0,
        certificates: 0,
        emailed: 0,
        confirmed: 0,
        attendance_buckets: [0; 4],
    };
    for f in list {
        t.enrolled += f.enrolled;
        t.sessions_due += f.sessions_due;
        t.sessions_attended += f.sessions_attended;
        t.eligible += f.eligible;
        t.passed += f.passed;
        t.certificates += f.certificates;
        t.emailed += f.emailed;
        t.confirmed += f.confirmed;
        for i in 0..5 {
            t.bands[i] += f.bands[i];
        }
        for i in 0..4 {
            t.attendance_buckets[i] += f.attendance_buckets[i];
        }
    }
    t
}

fn row(f: &ClassFigures, name: String) -> Row {
    Row {
        class_name: name,
        program: f.program_name.clone(),
        period: if f.class_id == 0 {
            String::new()
        } else {
            format!("{} – {}", dates::format(f.first_day), dates::format(f.last_day))
        },
        enrolled: format_int(f.enrolled),
        attendance: report::ratio_text(f.sessions_attended, f.sessions_due),
        eligible: format_int(f.eligible),
        passed: format_int(f.passed),
        pass_rate: report::ratio_text(f.passed, f.enrolled),
        bands: f.bands.iter().map(|n| format_int(*n)).collect(),
        certificates: format_int(f.certificates),
        emailed: format_int(f.emailed),
        confirmed: format_int(f.confirmed),
        href: if f.class_id == 0 { String::new() } else { format!("/classes/{}", f.class_id) },
    }
}

fn class_label(f: &ClassFigures) -> String {
    format!("{} {}", f.program_code, f.short_name)
}

fn pass_percent(f: &ClassFigures) -> f64 {
    if f.enrolled == 0 { 0.0 } else { f.passed as f64 * 100.0 / f.enrolled as f64 }
}

fn build_charts(lang: Lang, list: &[ClassFigures], total: &ClassFigures) -> anyhow::Result<Vec<Chart>> {
    let class_labels: Vec<String> = list.iter().map(class_label).collect();
    let pass_title = i18n::t(lang, "report.chart.pass_rate");
    let pass = Chart {
        id: "chart-pass",
        svg: charts::line_percent(
            "chart-pass",
            &pass_title,
            &class_labels,
            &list.iter().map(pass_percent).collect::<Vec<_>>(),
        )?,
        title: pass_title,
        rows: list.iter().map(|f| (class_label(f), report::ratio_text(f.passed, f.enrolled))).collect(),
        label_header: i18n::t(lang, "report.column.class"),
        value_header: i18n::t(lang, "report.column.pass_rate"),
    };
    let bands = band_labels(lang);
    let band_title = i18n::t(lang, "report.chart.bands");
    let band = Chart {
        id: "chart-bands",
        svg: charts::bars("chart-bands", &band_title, &bands, &total.bands)?,
        title: band_title,
        rows: bands.iter().cloned().zip(total.bands.iter().map(|n| format_int(*n))).collect(),
        label_header: i18n::t(lang, "report.column.band"),
        value_header: i18n::t(lang, "report.column.learners"),
    };
    let buckets: Vec<String> = ATTENDANCE_BUCKETS.iter().map(|b| (*b).to_owned()).collect();
    let attendance_title = i18n::t(lang, "report.chart.attendance");
    let attendance = Chart {
        id: "chart-attendance",
        svg: charts::bars("chart-attendance", &attendance_title, &buckets, &total.attendance_buckets)?,
        title: attendance_title,
        rows: buckets.iter().cloned().zip(total.attendance_buckets.iter().map(|n| format_int(*n))).collect(),
        label_header: i18n::t(lang, "report.column.attended_share"),
        value_header: i18n::t(lang, "report.column.learners"),
    };
    Ok(vec![pass, band, attendance])
}

pub async fn page(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<FilterQuery>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let typed = query.into_inner();
    let loaded = load_choices(&state).await?;
    let (filter, errors, query_string) = typed.read(lang, &loaded.tree);
    let list = if errors.is_empty() {
        let filter = filter.clone();
        state.db(move |c| reports::class_figures(c, &filter)).await?
    } else {
        Vec::new()
    };
    let total = total_of(&list);
    let view = PageView {
        programs: loaded
            .programs
            .iter()
            .map(|p| Choice {
                value: p.id.to_string(),
                label: p.name.clone(),
                selected: filter.program_id == Some(p.id),
            })
            .collect(),
        classes: loaded
            .classes
            .iter()
            .map(|c| Choice {
                value: c.id.to_string(),
                label: format!("{} — {}", c.program_name, c.short_name()),
                selected: filter.class_id == Some(c.id),
            })
            .collect(),
        units: unit_choices(&loaded.tree, forms::id(&typed.unit)),
        from: typed.from.clone(),
        to: typed.to.clone(),
        query: query_string,
        rows: list.iter().map(|f| row(f, format!("{} — {}", f.program_name, f.short_name))).collect(),
        totals: (!list.is_empty()).then(|| row(&total, i18n::t(lang, "report.total"))),
        band_headers: band_labels(lang),
        charts: if list.is_empty() { Vec::new() } else { build_charts(lang, &list, &total)? },
        errors,
    };
    let status = if view.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    page.titled("report.title").render_status(status, "reports/classes", &view)
}

/// The class report as a workbook: the figures per class, and each chart's numbers.
pub async fn xlsx(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<FilterQuery>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let tree = state.db(UnitTree::load).await?;
    let (filter, errors, _) = query.read(lang, &tree);
    if !errors.is_empty() {
        return Err(AppError::BadRequest("report filter"));
    }
    let list = state.db(move |c| reports::class_figures(c, &filter)).await?;
    let total = total_of(&list);
    let t = |k: &str| i18n::t(lang, k);
    let title = vec![t("report.title")];
    let mut headers: Vec<String> = [
        "report.column.class",
        "report.column.program",
        "report.column.first_day",
        "report.column.last_day",
        "report.column.enrolled",
        "report.column.sessions_due",
        "report.column.sessions_attended",
        "report.column.eligible",
        "report.column.passed",
    ]
    .iter()
    .map(|k| t(k))
    .collect();
    headers.extend(band_labels(lang));
    headers.extend(
        ["report.column.certificates", "report.column.emailed", "report.column.confirmed"].iter().map(|k| t(k)),
    );
    let mut rows: Vec<Vec<Cell>> = list
        .iter()
        .map(|f| {
            let mut cells = vec![
                Cell::from(f.short_name.clone()),
                Cell::from(f.program_name.clone()),
                Cell::Date(f.first_day),
                Cell::Date(f.last_day),
                Cell::Int(f.enrolled),
                Cell::Int(f.sessions_due),
                Cell::Int(f.sessions_attended),
                Cell::Int(f.eligible),
                Cell::Int(f.passed),
            ];
            cells.extend(f.bands.iter().map(|n| Cell::Int(*n)));
            cells.extend([Cell::Int(f.certificates), Cell::Int(f.emailed), Cell::Int(f.confirmed)]);
            cells
        })
        .collect();
    let mut totals = vec![Cell::from(t("report.total")), Cell::Empty, Cell::Empty, Cell::Empty];
    totals.extend(
        [total.enrolled, total.sessions_due, total.sessions_attended, total.eligible, total.passed].map(Cell::Int),
    );
    totals.extend(total.bands.iter().map(|n| Cell::Int(*n)));
    totals.extend([Cell::Int(total.certificates), Cell::Int(total.emailed), Cell::Int(total.confirmed)]);
    rows.push(totals);
    let by_class =
        Sheet { name: t("report.sheet.classes"), title: title.clone(), headers, widths: vec![22.0, 30.0], rows };
    let pass = Sheet {
        name: t("report.chart.pass_rate"),
        title: vec![t("report.chart.pass_rate")],
        headers: vec![
            t("report.column.class"),
            t("report.column.last_day"),
            t("report.column.passed"),
            t("report.column.enrolled"),
            t("report.column.pass_rate_number"),
        ],
        widths: vec![24.0],
        rows: list
            .iter()
            .map(|f| {
                vec![
                    Cell::from(class_label(f)),
                    Cell::Date(f.last_day),
                    Cell::Int(f.passed),
                    Cell::Int(f.enrolled),
                    Cell::Decimal((pass_percent(f) * 10.0).round() / 10.0, 1),
                ]
            })
            .collect(),
    };
    let bands = Sheet {
        name: t("report.chart.bands"),
        title: vec![t("report.chart.bands")],
        headers: vec![t("report.column.band"), t("report.column.learners")],
        widths: vec![20.0],
        rows: band_labels(lang).into_iter().zip(total.bands).map(|(l, n)| vec![Cell::from(l), Cell::Int(n)]).collect(),
    };
    let attendance = Sheet {
        name: t("report.chart.attendance"),
        title: vec![t("report.chart.attendance")],
        headers: vec![t("report.column.attended_share"), t("report.column.learners")],
        widths: vec![20.0],
        rows: ATTENDANCE_BUCKETS
            .iter()
            .zip(total.attendance_buckets)
            .map(|(l, n)| vec![Cell::from(*l), Cell::Int(n)])
            .collect(),
    };
    let bytes = xlsx::workbook(&[by_class, pass, bands, attendance]).map_err(|e| anyhow::anyhow!(e))?;
    Ok(xlsx_download(bytes, "bao-cao-lop-boi-duong.xlsx"))
}

/// The valid certificates issued in the period to the unit's people, in the columns the Party
/// member database takes: họ tên, ngày sinh, số CCCD, chi bộ, loại giấy, số vào sổ, ngày cấp,
/// có giá trị đến, đơn vị cấp.
pub async fn certificates_xlsx(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<FilterQuery>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let tree = state.db(UnitTree::load).await?;
    let (filter, errors, _) = query.read(lang, &tree);
    if !errors.is_empty() {
        return Err(AppError::BadRequest("report filter"));
    }
    let (from, to, units) = (filter.from, filter.to, filter.units.clone());
    let lines = state.db(move |c| reports::issued_certificates(c, from, to, units.as_deref())).await?;
    let t = |k: &str| i18n::t(lang, k);
    let headers = [
        "report.export.full_name",
        "report.export.date_of_birth",
        "report.export.citizen_id",
        "report.export.cell",
        "report.export.kind",
        "report.export.number",
        "report.export.issued_on",
        "report.export.valid_until",
        "report.export.issuer",
    ]
    .iter()
    .map(|k| t(k))
    .collect();
    let rows = lines
        .iter()
        .map(|l| {
            vec![
                Cell::from(l.full_name.clone()),
                Cell::Date(l.date_of_birth),
                Cell::from(l.citizen_id.clone().unwrap_or_default()),
                Cell::from(tree.label(l.org_unit_id)),
                Cell::from(i18n::t_with(
                    lang,
                    "report.export.kind_value",
                    &[("program", &lower_first(&l.program_name))],
                )),
                Cell::from(crate::domain::certificate::register_number(l.number, l.year)),
                Cell::Date(l.issued_on),
                Cell::from(l.expires_on.map(|d| d - time::Duration::days(1))),
                Cell::from(l.issuer_name.clone()),
            ]
        })
        .collect();
    let mut title = vec![t("report.export.title")];
    if from.is_some() || to.is_some() {
        title.push(i18n::t_with(
            lang,
            "report.export.period",
            &[("from", &dates::format_opt(from)), ("to", &dates::format_opt(to))],
        ));
    }
    let sheet = Sheet {
        name: t("report.export.sheet"),
        title,
        headers,
        widths: vec![26.0, 12.0, 15.0, 40.0, 40.0, 11.0, 12.0, 12.0, 34.0],
        rows,
    };
    let bytes = xlsx::workbook(&[sheet]).map_err(|e| anyhow::anyhow!(e))?;
    Ok(xlsx_download(bytes, "giay-chung-nhan-da-cap.xlsx"))
}

/// "Lớp bồi dưỡng …" → "lớp bồi dưỡng …", to follow "Giấy chứng nhận".
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::lower_first;
    use crate::domain::results::band_counts;

    #[test]
    fn the_program_name_follows_the_document_kind_in_lower_case() {
        assert_eq!(lower_first("Lớp bồi dưỡng nhận thức về Đảng"), "lớp bồi dưỡng nhận thức về Đảng");
        assert_eq!(lower_first("Đảng viên mới"), "đảng viên mới");
        assert_eq!(lower_first(""), "");
    }

    #[test]
    fn band_counts_and_labels_have_the_same_order() {
        // The chart's labels follow domain::results::band_counts's order.
        let order: Vec<&str> = band_counts(&[]).iter().map(|(b, _)| b.label_key()).collect();
        assert_eq!(order, ["band.excellent", "band.good", "band.fair", "band.average", "band.fail"]);
    }
}
