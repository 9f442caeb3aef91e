//! The plan's options and the session form: dates dd/mm/yyyy, times "07:30" (also "7h30"), the
//! teacher as one choice among lecturers and guest speakers ("lecturer:3", "guest:1").

use std::collections::HashMap;

use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use crate::domain::{dates, schedule};
use crate::i18n::Lang;
use crate::store::sessions::{Session, SessionInput};
use crate::web::forms::{self, FieldErrors};

/// Who a session or a plan assigns to teach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeacherChoice {
    Lecturer(i64),
    Guest(i64),
}

impl TeacherChoice {
    pub fn parse(input: &str) -> Option<Self> {
        let (kind, id) = input.trim().split_once(':')?;
        let id = forms::id(id)?;
        match kind {
            "lecturer" => Some(TeacherChoice::Lecturer(id)),
            "guest" => Some(TeacherChoice::Guest(id)),
            _ => None,
        }
    }

    pub fn value(self) -> String {
        match self {
            TeacherChoice::Lecturer(id) => format!("lecturer:{id}"),
            TeacherChoice::Guest(id) => format!("guest:{id}"),
        }
    }

    pub fn of(lecturer: Option<i64>, guest: Option<i64>) -> Option<Self> {
        lecturer.map(TeacherChoice::Lecturer).or(guest.map(TeacherChoice::Guest))
    }

    pub fn lecturer(choice: Option<Self>) -> Option<i64> {
        match choice {
            Some(TeacherChoice::Lecturer(id)) => Some(id),
            _ => None,
        }
    }

    pub fn guest(choice: Option<Self>) -> Option<i64> {
        match choice {
            Some(TeacherChoice::Guest(id)) => Some(id),
            _ => None,
        }
    }
}

/// What the ids of a form must be among.
pub struct Allowed<'a> {
    pub lessons: &'a [i64],
    pub rooms: &'a [i64],
    pub lecturers: &'a [i64],
    pub guests: &'a [i64],
}

impl Allowed<'_> {
    fn teacher_ok(&self, choice: TeacherChoice) -> bool {
        match choice {
            TeacherChoice::Lecturer(id) => self.lecturers.contains(&id),
            TeacherChoice::Guest(id) => self.guests.contains(&id),
        }
    }
}

/// The options of a generated plan. `room` is "none" for no room, empty when not chosen yet
/// (then the page proposes one).
#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct PlanOptions {
    pub slots: String,
    pub room: String,
    pub teacher: String,
}

/// Valid plan options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidPlan {
    pub slots: usize,
    pub room_id: Option<i64>,
    pub teacher: Option<TeacherChoice>,
}

impl PlanOptions {
    pub fn from_fields(fields: Vec<(String, String)>) -> Self {
        let mut map: HashMap<String, String> = fields.into_iter().collect();
        let mut get = |k: &str| map.remove(k).unwrap_or_default();
        Self { slots: get("slots"), room: get("room"), teacher: get("teacher") }
    }

    pub fn validate(&self, lang: Lang, allowed: &Allowed<'_>) -> Result<ValidPlan, FieldErrors> {
        let mut e = FieldErrors::default();
        let slots = match self.slots.trim() {
            "1" => 1,
            "2" => 2,
            _ => {
                e.add(lang, "slots", "plan.error.slots");
                0
            }
        };
        let room_id = match self.room.trim() {
            "" | "none" => None,
            typed => {
                let id = forms::id(typed).filter(|id| allowed.rooms.contains(id));
                if id.is_none() {
                    e.add(lang, "room", "session.error.room");
                }
                id
            }
        };
        let teacher = match self.teacher.trim() {
            "" => None,
            typed => {
                let choice = TeacherChoice::parse(typed).filter(|c| allowed.teacher_ok(*c));
                if choice.is_none() {
                    e.add(lang, "teacher", "session.error.teacher");
                }
                choice
            }
        };
        if e.is_empty() { Ok(ValidPlan { slots, room_id, teacher }) } else { Err(e) }
    }
}

#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct SessionForm {
    pub lesson_id: String,
    pub title: String,
    pub periods: String,
    pub date: String,
    pub starts: String,
    pub ends: String,
    pub room: String,
    pub teacher: String,
    pub version: String,
}

impl SessionForm {
    pub fn from_session(s: &Session) -> Self {
        Self {
            lesson_id: s.lesson_id.map(|l| l.to_string()).unwrap_or_default(),
            title: s.title.clone(),
            periods: s.periods.to_string(),
            date: dates::format(s.starts_at.date()),
            starts: schedule::format_time(s.starts_at.time()),
            ends: schedule::format_time(s.ends_at.time()),
            room: s.room_id.map(|r| r.to_string()).unwrap_or_default(),
            teacher: TeacherChoice::of(s.lecturer_user_id, s.guest_speaker_id).map(|t| t.value()).unwrap_or_default(),
            version: s.version.to_string(),
        }
    }

    pub fn from_fields(fields: Vec<(String, String)>) -> Self {
        let mut map: HashMap<String, String> = fields.into_iter().collect();
        let mut get = |k: &str| map.remove(k).unwrap_or_default();
        Self {
            lesson_id: get("lesson_id"),
            title: get("title"),
            periods: get("periods"),
            date: get("date"),
            starts: get("starts"),
            ends: get("ends"),
            room: get("room"),
            teacher: get("teacher"),
            version: get("version"),
        }
    }

    /// The session to save; the date must fall within the class's days.
    pub fn validate(
        &self,
        lang: Lang,
        allowed: &Allowed<'_>,
        class_days: (Date, Date),
    ) -> Result<SessionInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let lesson_id = match self.lesson_id.trim() {
            "" => None,
            typed => {
                let id = forms::id(typed).filter(|id| allowed.lessons.contains(id));
                if id.is_none() {
                    e.add(lang, "lesson_id", "session.error.lesson");
                }
                id
            }
        };
        let title = forms::required_text(&mut e, lang, "title", &self.title, 300);
        let periods = self.periods.trim().parse::<i32>().ok().filter(|p| (1..=10).contains(p));
        if periods.is_none() {
            e.add(lang, "periods", "session.error.periods");
        }
        let date = forms::required_date(&mut e, lang, "date", &self.date);
        if let Some(day) = date
            && (day < class_days.0 || day > class_days.1)
        {
            e.add_text(
                "date",
                crate::i18n::t_with(
                    lang,
                    "session.error.outside_class",
                    &[("first", &dates::format(class_days.0)), ("last", &dates::format(class_days.1))],
                ),
            );
        }
        let time = |e: &mut FieldErrors, field: &'static str, input: &str| {
            if input.trim().is_empty() {
                e.add(lang, field, "form.required");
                return None;
            }
            let parsed = schedule::parse_time(input);
            if parsed.is_none() {
                e.add(lang, field, "session.error.time");
            }
            parsed
        };
        let starts = time(&mut e, "starts", &self.starts);
        let ends = time(&mut e, "ends", &self.ends);
        if let (Some(s), Some(t)) = (starts, ends)
            && t <= s
        {
            e.add(lang, "ends", "session.error.ends_before");
        }
        let room_id = match self.room.trim() {
            "" | "none" => None,
            typed => {
                let id = forms::id(typed).filter(|id| allowed.rooms.contains(id));
                if id.is_none() {
                    e.add(lang, "room", "session.error.room");
                }
                id
            }
        };
        let teacher = match self.teacher.trim() {
            "" => None,
            typed => {
                let choice = TeacherChoice::parse(typed).filter(|c| allowed.teacher_ok(*c));
                if choice.is_none() {
                    e.add(lang, "teacher", "session.error.teacher");
                }
                choice
            }
        };
        match (e.is_empty(), date, starts, ends, periods) {
            (true, Some(day), Some(starts), Some(ends), Some(periods)) => Ok(SessionInput {
                lesson_id,
                title,
                periods,
                starts_at: PrimitiveDateTime::new(day, starts),
                ends_at: PrimitiveDateTime::new(day, ends),
                room_id,
                lecturer_user_id: TeacherChoice::lecturer(teacher),
                guest_speaker_id: TeacherChoice::guest(teacher),
            }),
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    const ALLOWED: Allowed<'static> = Allowed { lessons: &[5], rooms: &[2], lecturers: &[3], guests: &[1] };
    const DAYS: (Date, Date) = (date!(2026 - 03 - 16), date!(2026 - 03 - 20));

    fn form() -> SessionForm {
        SessionForm {
            lesson_id: "5".into(),
            title: "Bài 1: Khái quát lịch sử Đảng".into(),
            periods: "5".into(),
            date: "17/03/2026".into(),
            starts: "7h30".into(),
            ends: "11:00".into(),
            room: "2".into(),
            teacher: "guest:1".into(),
            version: "1".into(),
        }
    }

    #[test]
    fn a_valid_session_reads_times_and_the_teacher() {
        let input = form().validate(Lang::Vi, &ALLOWED, DAYS).unwrap();
        assert_eq!(input.starts_at, datetime!(2026-03-17 07:30));
        assert_eq!(input.ends_at, datetime!(2026-03-17 11:00));
        assert_eq!((input.lecturer_user_id, input.guest_speaker_id), (None, Some(1)));
    }

    #[test]
    fn bad_fields_each_get_a_message() {
        let bad = SessionForm {
            date: "23/03/2026".into(),
            starts: "11:00".into(),
            ends: "10:00".into(),
            room: "9".into(),
            teacher: "lecturer:8".into(),
            periods: "0".into(),
            ..form()
        };
        let errors = bad.validate(Lang::Vi, &ALLOWED, DAYS).unwrap_err();
        for field in ["date", "ends", "room", "teacher", "periods"] {
            assert!(errors.has(field), "{field}: {errors:?}");
        }
        let errors = SessionForm { starts: "sáng".into(), ..form() }.validate(Lang::Vi, &ALLOWED, DAYS).unwrap_err();
        assert!(errors.has("starts"));
    }

    #[test]
    fn plan_options() {
        let ok = PlanOptions { slots: "1".into(), room: "none".into(), teacher: "lecturer:3".into() };
        assert_eq!(
            ok.validate(Lang::Vi, &ALLOWED).unwrap(),
            ValidPlan { slots: 1, room_id: None, teacher: Some(TeacherChoice::Lecturer(3)) }
        );
        let bad = PlanOptions { slots: "3".into(), room: "7".into(), teacher: "guest:9".into() };
        let errors = bad.validate(Lang::Vi, &ALLOWED).unwrap_err();
        assert!(errors.has("slots") && errors.has("room") && errors.has("teacher"));
    }
}
