//! What the calendar pages show of sessions: days with their sessions split into morning and
//! afternoon, each session with its time, lesson, class, room and venue, and teacher; and the
//! events of a feed, with the same words.

use std::collections::HashMap;

use serde::Serialize;
use time::Date;

use crate::domain::calendar::{self, HalfDay, View};
use crate::domain::dates;
use crate::domain::schedule::format_time;
use crate::export::ical;
use crate::i18n::{self, Lang};
use crate::store::sessions::SessionView;

/// "Nhận thức về Đảng khóa II năm 2026": the program's short name, then the class.
pub fn class_label(s: &SessionView) -> String {
    format!("{} {}", s.program_short_name, s.class_name.replacen("Khóa", "khóa", 1))
}

/// "Thứ Hai, 16/03/2026".
pub fn day_long(lang: Lang, day: Date) -> String {
    format!("{}, {}", i18n::t(lang, &format!("calendar.weekday.{}", calendar::weekday_number(day))), dates::format(day))
}

/// The teacher's label and name: a lecturer, or a guest speaker with their title.
fn teacher(lang: Lang, s: &SessionView) -> Option<(String, String)> {
    let key = if s.session.lecturer_user_id.is_some() { "calendar.lecturer" } else { "calendar.guest_speaker" };
    s.teacher().map(|name| (i18n::t(lang, key), name))
}

/// "A2, Cơ sở Buôn Ma Thuột": the room and its venue.
fn place(s: &SessionView) -> String {
    [s.room_name.as_deref(), s.venue_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ")
}

#[derive(Debug, Serialize)]
pub struct SessionCard {
    pub id: i64,
    pub class_id: i64,
    pub seq: i32,
    /// "07:30–11:00".
    pub time: String,
    pub lesson: String,
    pub class_label: String,
    /// The class page, for those who manage classes.
    pub class_href: Option<String>,
    pub place: String,
    pub teacher_label: Option<String>,
    pub teacher: Option<String>,
}

impl SessionCard {
    pub fn new(lang: Lang, s: &SessionView, link_class: bool) -> Self {
        let (teacher_label, teacher) = teacher(lang, s).unzip();
        Self {
            id: s.session.id,
            class_id: s.session.class_id,
            seq: s.session.seq,
            time: format!("{}–{}", format_time(s.session.starts_at.time()), format_time(s.session.ends_at.time())),
            lesson: s.session.title.clone(),
            class_label: class_label(s),
            class_href: link_class.then(|| format!("/classes/{}", s.session.class_id)),
            place: place(s),
            teacher_label,
            teacher,
        }
    }
}

/// One day of a view.
#[derive(Debug, Serialize)]
pub struct DayView {
    /// yyyy-mm-dd, for ids and links.
    pub iso: String,
    /// "Thứ Hai, 16/03/2026".
    pub long: String,
    /// The day of the month, as the month grid shows it.
    pub number: u8,
    pub today: bool,
    /// A day of the previous or next month in a month grid.
    pub outside: bool,
    pub weekend: bool,
    pub morning: Vec<SessionCard>,
    pub afternoon: Vec<SessionCard>,
    pub empty: bool,
    /// The week view of this day (month view).
    pub href: String,
}

/// The days `from..=to` with their sessions. `month` is the month a month grid shows (days
/// of other months are marked `outside`).
pub fn days(
    lang: Lang,
    sessions: &[SessionView],
    (from, to): (Date, Date),
    month: Option<Date>,
    today: Date,
    link_class: bool,
    href: impl Fn(View, Date) -> String,
) -> Vec<DayView> {
    let mut by_day: HashMap<Date, Vec<&SessionView>> = HashMap::new();
    for s in sessions {
        by_day.entry(s.session.starts_at.date()).or_default().push(s);
    }
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        let (mut morning, mut afternoon) = (Vec::new(), Vec::new());
        for s in by_day.remove(&day).unwrap_or_default() {
            let card = SessionCard::new(lang, s, link_class);
            match calendar::half_day(s.session.starts_at.time()) {
                HalfDay::Morning => morning.push(card),
                HalfDay::Afternoon => afternoon.push(card),
            }
        }
        out.push(DayView {
            iso: dates::iso(day),
            long: day_long(lang, day),
            number: day.day(),
            today: day == today,
            outside: month.is_some_and(|m| !calendar::same_month(m, day)),
            weekend: calendar::weekday_number(day) > 5,
            empty: morning.is_empty() && afternoon.is_empty(),
            morning,
            afternoon,
            href: href(View::Week, day),
        });
        let Some(next) = day.next_day() else { break };
        day = next;
    }
    out
}

/// The days a week view shows: Monday to Friday, and Saturday or Sunday when something happens
/// on it or it is today (a week of five columns reads better than seven with two empty).
pub fn week_days(days: Vec<DayView>) -> Vec<DayView> {
    days.into_iter().filter(|d| !d.weekend || !d.empty || d.today).collect()
}

/// A session as an event of a feed: the same words as the pages, in Vietnamese (a feed has
/// no reader's language), with the venue's address for the map.
pub fn event(s: &SessionView, full_names: &HashMap<i64, String>, host: &str) -> ical::Event {
    let lang = Lang::Vi;
    let label = class_label(s);
    let full_name = full_names.get(&s.session.class_id).cloned().unwrap_or_else(|| label.clone());
    let location = [s.room_name.as_deref(), s.venue_name.as_deref(), s.venue_address.as_deref()]
        .into_iter()
        .flatten()
        .filter(|part| !part.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let line = |key: &str, value: &str| format!("{}: {value}", i18n::t(lang, key));
    let mut description = vec![
        line("calendar.class", &full_name),
        line("calendar.lesson", &s.session.title),
        line("calendar.session_number", &s.session.seq.to_string()),
        line("calendar.periods", &s.session.periods.to_string()),
    ];
    if let Some((label, name)) = teacher(lang, s) {
        description.push(format!("{label}: {name}"));
    }
    ical::Event {
        uid: format!("session-{}@{host}", s.session.id),
        // Versions start at 1, a new event's sequence at 0.
        sequence: s.session.version - 1,
        starts_at: s.session.starts_at,
        ends_at: s.session.ends_at,
        summary: format!("{} — {label}", s.session.title),
        location,
        description: description.join("\n"),
    }
}

/// The host part of the public address, for events' UIDs ("truongchinhtri.daklak.gov.vn").
pub fn uid_host(public_url: &str) -> String {
    let rest = public_url.split_once("://").map_or(public_url, |(_, rest)| rest);
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    if host.is_empty() { "boiduong".to_owned() } else { host.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_hosts() {
        assert_eq!(uid_host("https://truongchinhtri.daklak.gov.vn/"), "truongchinhtri.daklak.gov.vn");
        assert_eq!(uid_host("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(uid_host(""), "boiduong");
    }
}
