//! The calendar page: a week (default) or a month around a day, with the sessions the reader
//! may see — staff and admins everything, filtered by venue, room or lecturer; a lecturer the
//! sessions they teach; a learner their classes'; a secretary the classes their chi bộ's people
//! are enrolled in. Someone with several roles sees what each role gives.

use std::collections::HashSet;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use time::Date;

use super::views::{self, DayView};
use crate::db::DbConn;
use crate::domain::calendar::{self, View};
use crate::domain::dates;
use crate::domain::role::Role;
use crate::i18n::{self, Lang};
use crate::store::sessions::{self, SessionFilter, SessionView};
use crate::store::users::{Account, AccountQuery};
use crate::store::{self, Scope, StoreResult};
use crate::web::auth::extract::LoggedIn;
use crate::web::error::AppResult;
use crate::web::forms;
use crate::web::page::Page;
use crate::web::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CalendarQuery {
    view: String,
    date: String,
    venue: String,
    room: String,
    lecturer: String,
}

/// The staff's filters as read from the query.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Filters {
    venue: Option<i64>,
    room: Option<i64>,
    lecturer: Option<i64>,
}

impl Filters {
    fn any(&self) -> bool {
        self.venue.is_some() || self.room.is_some() || self.lecturer.is_some()
    }
}

/// A link to the calendar that keeps the filters.
fn href(view: View, day: Date, filters: &Filters) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if view == View::Month {
        pairs.push(("view", "month".into()));
    }
    pairs.push(("date", dates::iso(day)));
    for (name, value) in [("venue", filters.venue), ("room", filters.room), ("lecturer", filters.lecturer)] {
        if let Some(id) = value {
            pairs.push((name, id.to_string()));
        }
    }
    format!("/calendar?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// Whose sessions the reader sees.
enum Reach {
    /// Staff and admins: every session, narrowed by the filters.
    Everything(Filters),
    /// Everyone else: the sessions they teach, and those of the classes they (or their chi
    /// bộ's people) are enrolled in.
    Own { lecturer: Option<i64>, learner_person: Option<i64>, secretary: bool },
}

impl Reach {
    fn of(account: &Account, filters: Filters) -> Self {
        let has = |r: Role| account.roles.contains(&r);
        if has(Role::Admin) || has(Role::Staff) {
            return Reach::Everything(filters);
        }
        Reach::Own {
            lecturer: has(Role::Lecturer).then_some(account.user.id),
            learner_person: if has(Role::Learner) { account.user.person_id } else { None },
            secretary: has(Role::Secretary),
        }
    }

    fn sessions(&self, c: &mut DbConn, account: &Account, from: Date, to: Date) -> StoreResult<Vec<SessionView>> {
        let (lecturer, learner_person, secretary) = match self {
            Reach::Everything(f) => {
                let filter = SessionFilter {
                    venue_id: f.venue,
                    room_id: f.room,
                    lecturer_user_id: f.lecturer,
                    ..Default::default()
                };
                return sessions::between(c, from, to, &filter);
            }
            Reach::Own { lecturer, learner_person, secretary } => (*lecturer, *learner_person, *secretary),
        };
        let mut found = Vec::new();
        if let Some(user_id) = lecturer {
            let filter = SessionFilter { lecturer_user_id: Some(user_id), ..Default::default() };
            found.extend(sessions::between(c, from, to, &filter)?);
        }
        if let Some(person) = learner_person {
            let filter = SessionFilter { learner_person_id: Some(person), ..Default::default() };
            found.extend(sessions::between(c, from, to, &filter)?);
        }
        let mut class_ids: Vec<i64> = Vec::new();
        if secretary && let Scope::Units(units) = store::orgs::scope_for(c, account)? {
            class_ids.extend(store::calendar::classes_of_units(c, &units)?);
        }
        if !class_ids.is_empty() {
            let filter = SessionFilter { class_ids: Some(class_ids), ..Default::default() };
            found.extend(sessions::between(c, from, to, &filter)?);
        }
        // A lecturer who is also enrolled elsewhere could meet a session twice.
        let mut seen = HashSet::new();
        found.retain(|s| seen.insert(s.session.id));
        found.sort_by_key(|s| (s.session.starts_at, s.session.id));
        Ok(found)
    }
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct ChoiceGroup {
    label: Option<String>,
    options: Vec<Choice>,
}

#[derive(Serialize)]
struct FilterForm {
    venues: Vec<Choice>,
    room_groups: Vec<ChoiceGroup>,
    lecturers: Vec<Choice>,
    active: bool,
    clear_href: String,
}

fn choice(id: i64, label: String, selected: Option<i64>) -> Choice {
    Choice { value: id.to_string(), label, selected: selected == Some(id) }
}

fn filter_form(c: &mut DbConn, filters: &Filters, clear_href: String) -> StoreResult<FilterForm> {
    let venues = store::venues::venues(c)?;
    let rooms = store::venues::rooms(c, None)?;
    let lecturers = store::users::search(c, &AccountQuery { text: String::new(), role: Some(Role::Lecturer) })?;
    let room_groups = venues
        .iter()
        .map(|v| ChoiceGroup {
            label: Some(v.name.clone()),
            options: rooms
                .iter()
                .filter(|r| r.venue_id == v.id)
                .map(|r| choice(r.id, r.name.clone(), filters.room))
                .collect(),
        })
        .filter(|g| !g.options.is_empty())
        .collect();
    Ok(FilterForm {
        venues: venues.iter().map(|v| choice(v.id, v.name.clone(), filters.venue)).collect(),
        room_groups,
        lecturers: lecturers.into_iter().map(|l| choice(l.id, l.display_name, filters.lecturer)).collect(),
        active: filters.any(),
        clear_href,
    })
}

#[derive(Serialize)]
struct CalendarView {
    view: &'static str,
    /// The day the view is shown around (yyyy-mm-dd), kept by the filter form.
    date_iso: String,
    /// "T2" … "CN", the month grid's column heads.
    weekday_short: Vec<String>,
    is_month: bool,
    /// "Tuần 16/03/2026 – 22/03/2026" or "Tháng 3 năm 2026".
    heading: String,
    days: Vec<DayView>,
    /// Columns of the week grid (5 to 7).
    columns: usize,
    count: usize,
    prev_href: String,
    next_href: String,
    today_href: String,
    week_href: String,
    month_href: String,
    shows_today: bool,
    filters: Option<FilterForm>,
    /// What the reader sees, when it is not everything.
    scope_note: Option<String>,
    feeds_link: bool,
}

fn heading(lang: Lang, view: View, day: Date, (from, to): (Date, Date)) -> String {
    match view {
        View::Week => {
            i18n::t_with(lang, "calendar.week_heading", &[("from", &dates::format(from)), ("to", &dates::format(to))])
        }
        View::Month => i18n::t_with(
            lang,
            "calendar.month_heading",
            &[("month", &u8::from(day.month()).to_string()), ("year", &day.year().to_string())],
        ),
    }
}

fn scope_note(lang: Lang, account: &Account) -> Option<String> {
    let has = |r: Role| account.roles.contains(&r);
    if has(Role::Admin) || has(Role::Staff) {
        return None;
    }
    let parts: Vec<String> = [
        (Role::Lecturer, "calendar.scope.lecturer"),
        (Role::Learner, "calendar.scope.learner"),
        (Role::Secretary, "calendar.scope.secretary"),
    ]
    .into_iter()
    .filter(|(role, _)| has(*role))
    .map(|(_, key)| i18n::t(lang, key))
    .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

pub async fn calendar(
    user: LoggedIn,
    mut page: Page,
    state: web::Data<AppState>,
    query: web::Query<CalendarQuery>,
) -> AppResult<HttpResponse> {
    if let Some(kept) = page.remembered().await {
        return Ok(kept);
    }
    let lang = page.lang;
    let today = state.config.clock.today();
    let view = View::parse(&query.view);
    // A date that does not read falls back to today rather than to an error: it only moves the view.
    let day = dates::parse(&query.date).unwrap_or(today);
    let account = user.account();
    let manages = account.roles.iter().any(|r| matches!(r, Role::Admin | Role::Staff));
    let filters = if manages {
        Filters { venue: forms::id(&query.venue), room: forms::id(&query.room), lecturer: forms::id(&query.lecturer) }
    } else {
        Filters::default()
    };
    let span = view.days(day);
    let link = move |v: View, d: Date| href(v, d, &filters);
    let reach = Reach::of(&account, filters);
    let feeds_link = account.roles.iter().any(|r| !matches!(r, Role::Secretary));
    let scope_note = scope_note(lang, &account);
    let (sessions, filter_form) = state
        .db(move |c| {
            let sessions = reach.sessions(c, &account, span.0, span.1)?;
            let form = if manages { Some(filter_form(c, &filters, link(view, day))?) } else { None };
            Ok((sessions, form))
        })
        .await?;
    // Only the staff's pages link to the class pages, which are theirs.
    let month = (view == View::Month).then_some(day);
    let mut days = views::days(lang, &sessions, span, month, today, manages, link);
    if view == View::Week {
        days = views::week_days(days);
    }
    let model = CalendarView {
        view: view.code(),
        date_iso: dates::iso(day),
        weekday_short: (1..=7).map(|n| i18n::t(lang, &format!("calendar.weekday_short.{n}"))).collect(),
        is_month: view == View::Month,
        heading: heading(lang, view, day, span),
        columns: days.len(),
        // A month counts its own days' sessions, not those of the grid's days from other months.
        count: sessions
            .iter()
            .filter(|s| month.is_none_or(|m| calendar::same_month(m, s.session.starts_at.date())))
            .count(),
        shows_today: (span.0..=span.1).contains(&today),
        days,
        prev_href: link(view, view.previous(day)),
        next_href: link(view, view.next(day)),
        today_href: link(view, today),
        week_href: link(View::Week, day),
        month_href: link(View::Month, day),
        filters: filter_form.map(|mut f| {
            f.clear_href = href(view, day, &Filters::default());
            f
        }),
        scope_note,
        feeds_link,
    };
    page.titled("calendar.title").render("calendar/calendar", &model)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn links_keep_the_filters() {
        let f = Filters { venue: Some(2), room: None, lecturer: Some(7) };
        assert_eq!(
            href(View::Month, date!(2026 - 03 - 16), &f),
            "/calendar?view=month&date=2026-03-16&venue=2&lecturer=7"
        );
        assert_eq!(href(View::Week, date!(2026 - 03 - 16), &Filters::default()), "/calendar?date=2026-03-16");
    }
}
