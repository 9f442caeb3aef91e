//! Public holidays (ngày nghỉ lễ): the days a generated plan skips. Staff enter each year's
//! days as the government announces them (Tết and the day added to 2/9 change every year).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::dates;
use crate::i18n::{self, Lang};
use crate::store::venues::{self, Holiday};
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{self, FieldErrors};
use crate::web::page::{Page, see_other};
use crate::web::schedule::views::weekday;
use crate::web::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct YearQuery {
    year: String,
}

#[derive(Serialize)]
struct Row {
    day: Date,
    iso: String,
    weekday: String,
    name: String,
}

#[derive(Serialize)]
struct YearLink {
    year: i32,
    href: String,
    current: bool,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct HolidayForm {
    day: String,
    name: String,
}

#[derive(Serialize)]
struct ListView {
    year: i32,
    rows: Vec<Row>,
    years: Vec<YearLink>,
    form: HolidayForm,
    errors: FieldErrors,
}

async fn render(
    page: Page,
    state: &AppState,
    year: i32,
    form: HolidayForm,
    errors: FieldErrors,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let lang: Lang = page.lang;
    let (Ok(first), Ok(last)) = (Date::from_ordinal_date(year, 1), Date::from_ordinal_date(year + 1, 1)) else {
        return Err(AppError::NotFound);
    };
    let holidays: Vec<Holiday> =
        state.db(move |c| venues::holidays_between(c, first, last.previous_day().unwrap_or(last))).await?;
    let this_year = state.config.clock.today().year();
    let view = ListView {
        year,
        rows: holidays
            .into_iter()
            .map(|h| Row { iso: dates::iso(h.day), weekday: weekday(lang, h.day), day: h.day, name: h.name })
            .collect(),
        years: (this_year - 1..=this_year + 1)
            .map(|y| YearLink { year: y, href: format!("/holidays?year={y}"), current: y == year })
            .collect(),
        form,
        errors,
    };
    let title = i18n::t_with(lang, "holiday.title_of", &[("year", &year.to_string())]);
    page.with_title(title).render_status(status, "resources/holidays", &view)
}

pub async fn list(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<YearQuery>,
) -> AppResult<HttpResponse> {
    let this_year = state.config.clock.today().year();
    let year = query.year.trim().parse().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or(this_year);
    render(page, &state, year, HolidayForm::default(), FieldErrors::default(), StatusCode::OK).await
}

pub async fn add(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<HolidayForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let lang = page.lang;
    let mut errors = FieldErrors::default();
    let day = forms::required_date(&mut errors, lang, "day", &form.day);
    let name = forms::required_text(&mut errors, lang, "name", &form.name, 100);
    let year = day.map_or_else(|| state.config.clock.today().year(), |d| d.year());
    if let (Some(day), true) = (day, errors.is_empty()) {
        let actor = user.actor();
        let holiday = Holiday { day, name };
        match state.db(move |c| venues::add_holiday(c, &actor, &holiday)).await {
            Ok(()) => {
                page.flash("success", "common.saved");
                return Ok(see_other(&format!("/holidays?year={year}")));
            }
            Err(AppError::Conflict(key)) => errors.add(lang, "day", key),
            Err(e) => return Err(e),
        }
    }
    render(page, &state, year, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RemoveForm {
    day: String,
}

pub async fn remove(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<RemoveForm>,
) -> AppResult<HttpResponse> {
    let Some(day) = dates::parse(&form.day) else {
        page.flash("error", "holiday.error.unknown");
        return Ok(see_other("/holidays"));
    };
    let actor = user.actor();
    match state.db(move |c| venues::remove_holiday(c, &actor, day)).await {
        Ok(()) => {
            page.flash_text("success", i18n::t_with(page.lang, "holiday.removed", &[("day", &dates::format(day))]))
        }
        Err(AppError::NotFound) => page.flash("error", "holiday.error.unknown"),
        Err(e) => return Err(e),
    }
    Ok(see_other(&format!("/holidays?year={}", day.year())))
}
