//! What the schedule pages show: sessions as people read them ("Buổi 3 · Thứ Hai 16/03/2026,
//! 07:30–11:00"), clashes as sentences that name the other class, session, room or person and
//! the time, and the room-size warning.

use serde::Serialize;
use time::{Date, Weekday};

use crate::domain::numbers::format_int;
use crate::domain::schedule::{self, ClashKind, PartOfDay};
use crate::i18n::{self, Lang};
use crate::store::sessions::{Clash, SessionView};

/// "Thứ Hai", "Chủ nhật".
pub fn weekday(lang: Lang, day: Date) -> String {
    let key = match day.weekday() {
        Weekday::Monday => "timetable.weekday.monday",
        Weekday::Tuesday => "timetable.weekday.tuesday",
        Weekday::Wednesday => "timetable.weekday.wednesday",
        Weekday::Thursday => "timetable.weekday.thursday",
        Weekday::Friday => "timetable.weekday.friday",
        Weekday::Saturday => "timetable.weekday.saturday",
        Weekday::Sunday => "timetable.weekday.sunday",
    };
    i18n::t(lang, key)
}

/// The sentence for one clash. `own_class` is the class being planned: a clash with another
/// of its own sessions says so instead of naming the class.
pub fn clash_sentence(lang: Lang, clash: &Clash, own_class: i64) -> String {
    let time = schedule::format_range(clash.starts_at, clash.ends_at);
    let seq = clash.other_seq.to_string();
    if clash.other_class_id == own_class {
        return i18n::t_with(lang, "session.clash.same_class", &[("seq", &seq), ("time", &time)]);
    }
    let key = match clash.kind {
        ClashKind::Room => "session.clash.room",
        ClashKind::Lecturer => "session.clash.lecturer",
        ClashKind::GuestSpeaker => "session.clash.guest_speaker",
        ClashKind::Learner => "session.clash.learner",
    };
    i18n::t_with(lang, key, &[("what", &clash.what), ("class", &clash.other_class), ("seq", &seq), ("time", &time)])
}

/// "Phòng B1 có 40 chỗ, ít hơn 45 học viên của lớp": a warning, the save goes through.
pub fn room_warning(lang: Lang, room: &str, capacity: i32, expected: i32) -> Option<String> {
    schedule::room_too_small(capacity, expected).then(|| {
        i18n::t_with(
            lang,
            "session.room_small",
            &[
                ("room", room),
                ("capacity", &format_int(i64::from(capacity))),
                ("expected", &format_int(i64::from(expected))),
            ],
        )
    })
}

/// A session as lists, cards and the timetable show it.
#[derive(Debug, Clone, Serialize)]
pub struct SessionRow {
    pub id: i64,
    pub seq: i32,
    /// "Buổi 3".
    pub label: String,
    pub weekday: String,
    pub date: Date,
    /// "Sáng", "Chiều".
    pub part: String,
    /// "07:30–11:00".
    pub time: String,
    pub title: String,
    pub periods: String,
    pub room: String,
    pub teacher: String,
    pub warning: Option<String>,
    pub clashes: Vec<String>,
}

/// Where a session is held, as a row shows it.
pub struct RoomInfo<'a> {
    pub name: &'a str,
    pub venue: &'a str,
    pub capacity: i32,
}

impl SessionRow {
    pub fn new(lang: Lang, view: &SessionView, expected: i32) -> Self {
        let s = &view.session;
        let room = match (&view.room_name, &view.venue_name, view.room_capacity) {
            (Some(name), Some(venue), Some(capacity)) => Some(RoomInfo { name, venue, capacity }),
            _ => None,
        };
        let mut row =
            Self::planned(lang, s.seq, &s.title, s.periods, (s.starts_at, s.ends_at), room, view.teacher(), expected);
        row.id = s.id;
        row
    }

    /// A session that may not be saved yet (a plan's preview).
    #[allow(clippy::too_many_arguments)]
    pub fn planned(
        lang: Lang,
        seq: i32,
        title: &str,
        periods: i32,
        (starts_at, ends_at): (time::PrimitiveDateTime, time::PrimitiveDateTime),
        room: Option<RoomInfo<'_>>,
        teacher: Option<String>,
        expected: i32,
    ) -> Self {
        Self {
            id: 0,
            seq,
            label: i18n::t_with(lang, "session.number", &[("n", &seq.to_string())]),
            weekday: weekday(lang, starts_at.date()),
            date: starts_at.date(),
            part: i18n::t(lang, PartOfDay::of(starts_at.time()).label_key()),
            time: format!("{}–{}", schedule::format_time(starts_at.time()), schedule::format_time(ends_at.time())),
            title: title.to_owned(),
            periods: i18n::t_with(lang, "session.periods_n", &[("n", &periods.to_string())]),
            room: room
                .as_ref()
                .map_or_else(|| i18n::t(lang, "session.no_room"), |r| format!("{} — {}", r.name, r.venue)),
            teacher: teacher.unwrap_or_else(|| i18n::t(lang, "session.no_teacher")),
            warning: room.and_then(|r| room_warning(lang, r.name, r.capacity, expected)),
            clashes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn clash(kind: ClashKind, what: &str) -> Clash {
        Clash {
            kind,
            other_session_id: 30,
            other_class_id: 2,
            other_class: "Nhận thức về Đảng khóa I năm 2026".into(),
            other_seq: 3,
            starts_at: datetime!(2026-03-12 07:30),
            ends_at: datetime!(2026-03-12 11:00),
            what: what.into(),
        }
    }

    #[test]
    fn clashes_name_the_other_class_session_and_time() {
        assert_eq!(
            clash_sentence(Lang::Vi, &clash(ClashKind::Room, "A2"), 1),
            "Phòng A2 đã được dùng cho Nhận thức về Đảng khóa I năm 2026, buổi 3, 07:30–11:00 ngày 12/03/2026"
        );
        let lecturer = clash_sentence(Lang::Vi, &clash(ClashKind::Lecturer, "TS. Phạm Minh Tuấn"), 1);
        assert!(lecturer.starts_with("Giảng viên TS. Phạm Minh Tuấn"), "{lecturer}");
        let own = clash_sentence(Lang::Vi, &clash(ClashKind::Learner, ""), 2);
        assert!(own.contains("buổi 3") && own.contains("07:30–11:00 ngày 12/03/2026"), "{own}");
    }

    #[test]
    fn weekdays_and_room_warnings() {
        assert_eq!(weekday(Lang::Vi, date!(2026 - 03 - 16)), "Thứ Hai");
        assert_eq!(weekday(Lang::Vi, date!(2026 - 03 - 22)), "Chủ nhật");
        assert!(room_warning(Lang::Vi, "B1", 40, 40).is_none());
        let warning = room_warning(Lang::Vi, "B1", 40, 45).unwrap();
        assert!(warning.contains("B1") && warning.contains("40") && warning.contains("45"), "{warning}");
    }
}
