//! Teaching load (khối lượng giảng dạy): sessions and periods per lecturer and guest speaker,
//! per month and for the year, on a page and as a spreadsheet. Staff see everyone; a lecturer
//! sees their own.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::names;
use crate::domain::numbers::format_int;
use crate::domain::teaching_load::{self, Load, Teacher, Totals};
use crate::export::xlsx::{self, Cell, Sheet};
use crate::i18n::{self, Lang};
use crate::store::sessions;
use crate::web::auth::extract::TeachingUser;
use crate::web::classes::manages;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Page;
use crate::web::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoadQuery {
    year: String,
    month: String,
}

/// The filters as read: a year (this year by default) and an optional month.
fn filters(query: &LoadQuery, this_year: i32) -> (i32, Option<u8>) {
    let year = query.year.trim().parse().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or(this_year);
    let month = query.month.trim().parse().ok().filter(|m| (1..=12).contains(m));
    (year, month)
}

/// One line of the load, with the teacher's name.
#[derive(Debug, Clone, Serialize)]
struct Line {
    name: String,
    kind: String,
    month: Option<u8>,
    month_label: String,
    sessions: u32,
    periods: i64,
    sessions_text: String,
    periods_text: String,
}

struct Computed {
    by_month: Vec<Line>,
    by_year: Vec<Line>,
}

async fn compute(
    state: &AppState,
    user: &TeachingUser,
    year: i32,
    month: Option<u8>,
    lang: Lang,
) -> AppResult<Computed> {
    let own = (!manages(user)).then(|| user.id());
    let (load, names): (Load, _) = state
        .db(move |c| {
            let taught = sessions::taught_in_year(c, year, own)?;
            let load = teaching_load::load(&taught, year, month);
            let teachers: Vec<Teacher> = load.by_year.keys().copied().collect();
            Ok((load, sessions::teacher_names(c, &teachers)?))
        })
        .await?;
    let line = |teacher: &Teacher, month: Option<u8>, totals: &Totals| {
        let (name, title) = names.get(teacher).cloned().unwrap_or_default();
        let kind = match teacher {
            Teacher::Lecturer(_) => i18n::t(lang, "load.lecturer"),
            Teacher::Guest(_) if title.is_empty() => i18n::t(lang, "load.guest"),
            Teacher::Guest(_) => format!("{} ({title})", i18n::t(lang, "load.guest")),
        };
        Line {
            name,
            kind,
            month,
            month_label: month
                .map(|m| i18n::t_with(lang, "load.month_of", &[("month", &m.to_string()), ("year", &year.to_string())]))
                .unwrap_or_default(),
            sessions: totals.sessions,
            periods: totals.periods,
            sessions_text: format_int(i64::from(totals.sessions)),
            periods_text: format_int(totals.periods),
        }
    };
    let mut by_month: Vec<Line> = load.by_month.iter().map(|((t, m), totals)| line(t, Some(*m), totals)).collect();
    let mut by_year: Vec<Line> = load.by_year.iter().map(|(t, totals)| line(t, None, totals)).collect();
    by_month.sort_by(|a, b| names::compare(&a.name, &b.name).then(a.month.cmp(&b.month)));
    by_year.sort_by(|a, b| names::compare(&a.name, &b.name));
    Ok(Computed { by_month, by_year })
}

#[derive(Serialize)]
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct LoadView {
    by_month: Vec<Line>,
    by_year: Vec<Line>,
    years: Vec<Opt>,
    months: Vec<Opt>,
    heading: String,
    xlsx: String,
    own: bool,
}

fn heading(lang: Lang, year: i32, month: Option<u8>) -> String {
    match month {
        Some(m) => i18n::t_with(lang, "load.heading_month", &[("month", &m.to_string()), ("year", &year.to_string())]),
        None => i18n::t_with(lang, "load.heading_year", &[("year", &year.to_string())]),
    }
}

pub async fn page(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<LoadQuery>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let this_year = state.config.clock.today().year();
    let (year, month) = filters(&query, this_year);
    let computed = compute(&state, &user, year, month, lang).await?;
    let mut xlsx = format!("/teaching-load.xlsx?year={year}");
    if let Some(m) = month {
        xlsx.push_str(&format!("&month={m}"));
    }
    let view = LoadView {
        by_month: computed.by_month,
        by_year: computed.by_year,
        years: (this_year - 3..=this_year + 1)
            .rev()
            .chain((!(this_year - 3..=this_year + 1).contains(&year)).then_some(year))
            .map(|y| Opt { value: y.to_string(), label: y.to_string(), selected: y == year })
            .collect(),
        months: (1..=12u8)
            .map(|m| Opt {
                value: m.to_string(),
                label: i18n::t_with(lang, "load.month", &[("month", &m.to_string())]),
                selected: Some(m) == month,
            })
            .collect(),
        heading: heading(lang, year, month),
        xlsx,
        own: !manages(&user),
    };
    page.titled("load.title").render("schedule/load", &view)
}

pub async fn spreadsheet(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<LoadQuery>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let (year, month) = filters(&query, state.config.clock.today().year());
    let computed = compute(&state, &user, year, month, lang).await?;
    let t = |key: &str| i18n::t(lang, key);
    let title = vec![state.school().school_name.to_uppercase(), heading(lang, year, month).to_uppercase()];
    let monthly = Sheet {
        name: t("load.by_month"),
        title: title.clone(),
        headers: vec![t("load.teacher"), t("load.kind"), t("load.month_col"), t("load.sessions"), t("load.periods")],
        widths: vec![32.0, 28.0, 10.0, 10.0, 10.0],
        rows: computed
            .by_month
            .iter()
            .map(|l| {
                vec![
                    Cell::from(l.name.clone()),
                    Cell::from(l.kind.clone()),
                    Cell::Int(i64::from(l.month.unwrap_or(0))),
                    Cell::Int(i64::from(l.sessions)),
                    Cell::Int(l.periods),
                ]
            })
            .collect(),
    };
    let yearly = Sheet {
        name: t("load.by_year"),
        title,
        headers: vec![t("load.teacher"), t("load.kind"), t("load.sessions"), t("load.periods")],
        widths: vec![32.0, 28.0, 10.0, 10.0],
        rows: computed
            .by_year
            .iter()
            .map(|l| {
                vec![
                    Cell::from(l.name.clone()),
                    Cell::from(l.kind.clone()),
                    Cell::Int(i64::from(l.sessions)),
                    Cell::Int(l.periods),
                ]
            })
            .collect(),
    };
    let bytes = xlsx::workbook(&[monthly, yearly]).map_err(|e| AppError::Unexpected(e.into()))?;
    let file = match month {
        Some(m) => format!("khoi-luong-giang-day-{year}-{m:02}.xlsx"),
        None => format!("khoi-luong-giang-day-{year}.xlsx"),
    };
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")))
        .body(bytes))
}
