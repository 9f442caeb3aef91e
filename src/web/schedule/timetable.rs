//! The printable timetable of a class.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::views::SessionRow;
use crate::domain::{class as class_rules, dates};
use crate::i18n;
use crate::store::issuers;
use crate::store::programs;
use crate::store::sessions;
use crate::store::venues;
use crate::web::auth::extract::TeachingUser;
use crate::web::classes::views::ClassHeading;
use crate::web::classes::visible;
use crate::web::error::AppResult;
use crate::web::page::Page;
use crate::web::state::AppState;

#[derive(Serialize)]
struct TimetableView {
    class: ClassHeading,
    superior_name: String,
    issuer_name: String,
    /// "Buôn Ma Thuột, ngày 29 tháng 11 năm 2026".
    place_and_date: String,
    days: String,
    venue: String,
    rows: Vec<SessionRow>,
    signer_lines: Vec<String>,
    signer_name: String,
    title_upper: String,
}

pub async fn timetable(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let lang = page.lang;
    let who = user.0.clone();
    let (class, program, issuer, venue, sessions) = state
        .db(move |c| {
            let class = visible(c, &who, id)?;
            let program = programs::find(c, class.program_id)?;
            let issuer = issuers::find(c, class.issuer_id)?;
            let venue = venues::venue(c, class.venue_id)?;
            Ok((class, program, issuer, venue, sessions::views_of_class(c, id)?))
        })
        .await?;
    let today = state.config.clock.today();
    // Staff sign the timetable: no room warnings on paper, and a room of the class's own venue
    // (named in the heading) by its name alone.
    let rows = sessions
        .iter()
        .map(|s| {
            let mut row = SessionRow::new(lang, s, 0);
            if let (Some(name), Some(venue_id)) = (&s.room_name, s.venue_id)
                && venue_id == class.venue_id
            {
                row.room = name.clone();
            }
            row
        })
        .collect();
    let mut signer_lines: Vec<String> = Vec::new();
    for part in [&class.signer_delegation, &class.signer_title] {
        signer_lines.extend(part.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned));
    }
    let place = if issuer.place.is_empty() { venue.place.clone() } else { issuer.place.clone() };
    let view = TimetableView {
        class: ClassHeading::new(lang, &class, &program),
        superior_name: issuer.superior_name,
        issuer_name: issuer.name,
        place_and_date: format!("{place}, {}", dates::format_long(today)),
        days: i18n::t_with(
            lang,
            "timetable.days",
            &[("first", &dates::format(class.first_day)), ("last", &dates::format(class.last_day))],
        ),
        venue: if venue.address.is_empty() { venue.name } else { format!("{} ({})", venue.name, venue.address) },
        title_upper: class_rules::full_name(&program.name, class.ordinal, class.year).to_uppercase(),
        rows,
        signer_lines,
        signer_name: class.signer_name,
    };
    let title = i18n::t_with(lang, "timetable.title_of", &[("name", &view.class.short_name)]);
    page.with_title(title).render("schedule/timetable", &view)
}
