//! What the plan and session pages choose from (the class, its program's lessons, the rooms,
//! lecturers and guest speakers, the holidays), read in one go, and the bookings a plan makes.

use serde::Serialize;
use time::{Date, Duration};

use super::forms::{TeacherChoice, ValidPlan};
use super::views::RoomInfo;
use crate::domain::numbers::format_int;
use crate::domain::program::LessonKind;
use crate::domain::role::Role;
use crate::domain::schedule::{self, Booking, PlanError, ProgramItem};
use crate::i18n::{self, Lang};
use crate::store::classes::{self, Class};
use crate::store::programs::{self, Lesson, Program};
use crate::store::sessions::{self, SessionInput};
use crate::store::users::{self, AccountQuery};
use crate::store::venues::{self, GuestSpeaker, Room, Venue};
use crate::store::{DbConn, StoreResult};
use crate::web::auth::extract::CurrentUser;
use crate::web::classes::views::ClassHeading;
use crate::web::classes::visible;

/// Everything the plan and session pages choose from, read in one go.
pub(super) struct Context {
    pub(super) class: Class,
    pub(super) program: Program,
    pub(super) lessons: Vec<Lesson>,
    pub(super) venues: Vec<Venue>,
    pub(super) rooms: Vec<Room>,
    pub(super) lecturers: Vec<(i64, String)>,
    pub(super) guests: Vec<GuestSpeaker>,
    /// Learners a room must hold.
    pub(super) expected: i32,
    pub(super) has_attendance: bool,
    pub(super) sessions: usize,
    pub(super) holidays: Vec<Date>,
}

impl Context {
    pub(super) fn load(c: &mut DbConn, user: &CurrentUser, id: i64) -> StoreResult<Self> {
        let class = visible(c, user, id)?;
        let program = programs::find(c, class.program_id)?;
        let lessons = programs::lessons_of(c, class.program_id)?;
        let lecturers = users::search(c, &AccountQuery { role: Some(Role::Lecturer), ..Default::default() })?
            .into_iter()
            .filter(|a| a.active)
            .map(|a| (a.id, a.display_name))
            .collect();
        let enrolled = classes::enrolled_counts(c, &[id])?.get(&id).copied().unwrap_or(0);
        // A plan that does not fit says how far it would need: holidays well past the last day.
        let holidays = venues::holidays_between(c, class.first_day, class.first_day + Duration::days(366))?
            .into_iter()
            .map(|h| h.day)
            .collect();
        Ok(Self {
            expected: schedule::expected_learners(enrolled as usize, class.capacity),
            has_attendance: sessions::has_attendance(c, id)?,
            sessions: sessions::of_class(c, id)?.len(),
            venues: venues::venues(c)?,
            rooms: venues::rooms(c, None)?,
            guests: venues::guest_speakers(c)?,
            lecturers,
            lessons,
            program,
            class,
            holidays,
        })
    }

    pub(super) fn heading(&self, lang: Lang) -> ClassHeading {
        ClassHeading::new(lang, &self.class, &self.program)
    }

    pub(super) fn room_info(&self, id: Option<i64>) -> Option<RoomInfo<'_>> {
        let room = self.rooms.iter().find(|r| Some(r.id) == id)?;
        let venue = self.venues.iter().find(|v| v.id == room.venue_id).map_or("", |v| v.name.as_str());
        Some(RoomInfo { name: &room.name, venue, capacity: room.capacity })
    }

    pub(super) fn teacher_name(&self, choice: Option<TeacherChoice>) -> Option<String> {
        match choice? {
            TeacherChoice::Lecturer(id) => self.lecturers.iter().find(|l| l.0 == id).map(|l| l.1.clone()),
            TeacherChoice::Guest(id) => self
                .guests
                .iter()
                .find(|g| g.id == id)
                .map(|g| if g.title.is_empty() { g.name.clone() } else { format!("{} ({})", g.name, g.title) }),
        }
    }

    pub(super) fn ids(&self) -> (Vec<i64>, Vec<i64>, Vec<i64>, Vec<i64>) {
        (
            self.lessons.iter().map(|l| l.id).collect(),
            self.rooms.iter().map(|r| r.id).collect(),
            self.lecturers.iter().map(|l| l.0).collect(),
            self.guests.iter().map(|g| g.id).collect(),
        )
    }

    /// A room of the class's venue large enough for it (the smallest such), else its largest.
    pub(super) fn proposed_room(&self) -> Option<i64> {
        let mut own: Vec<&Room> = self.rooms.iter().filter(|r| r.active && r.venue_id == self.class.venue_id).collect();
        own.sort_by_key(|r| r.capacity);
        own.iter().find(|r| r.capacity >= self.expected).or(own.last()).map(|r| r.id)
    }

    /// The rooms as select groups, one per venue, the class's venue first.
    pub(super) fn room_groups(&self, lang: Lang, selected: &str) -> Vec<Group> {
        let mut venues: Vec<&Venue> = self.venues.iter().collect();
        venues.sort_by_key(|v| v.id != self.class.venue_id);
        venues
            .into_iter()
            .map(|v| Group {
                label: v.name.clone(),
                options: self
                    .rooms
                    .iter()
                    .filter(|r| r.venue_id == v.id && (r.active || r.id.to_string() == selected))
                    .map(|r| Opt {
                        value: r.id.to_string(),
                        label: i18n::t_with(
                            lang,
                            "room.option",
                            &[("name", &r.name), ("capacity", &format_int(i64::from(r.capacity)))],
                        ),
                        selected: r.id.to_string() == selected,
                    })
                    .collect(),
            })
            .filter(|g| !g.options.is_empty())
            .collect()
    }

    pub(super) fn teacher_groups(&self, lang: Lang, selected: &str) -> Vec<Group> {
        let pick = |choice: TeacherChoice, label: String| {
            let value = choice.value();
            Opt { selected: value == selected, value, label }
        };
        vec![
            Group {
                label: i18n::t(lang, "session.lecturers"),
                options: self
                    .lecturers
                    .iter()
                    .map(|(id, name)| pick(TeacherChoice::Lecturer(*id), name.clone()))
                    .collect(),
            },
            Group {
                label: i18n::t(lang, "session.guests"),
                options: self
                    .guests
                    .iter()
                    .filter(|g| g.active || TeacherChoice::Guest(g.id).value() == selected)
                    .map(|g| {
                        let label =
                            if g.title.is_empty() { g.name.clone() } else { format!("{} — {}", g.name, g.title) };
                        pick(TeacherChoice::Guest(g.id), label)
                    })
                    .collect(),
            },
        ]
        .into_iter()
        .filter(|g| !g.options.is_empty())
        .collect()
    }

    /// The sessions the options generate over the class's teaching days.
    pub(super) fn generate(&self, opts: &ValidPlan) -> Result<Vec<SessionInput>, PlanError> {
        let items: Vec<ProgramItem> = self
            .lessons
            .iter()
            .map(|l| ProgramItem {
                lesson_id: l.id,
                title: l.title.clone(),
                periods: l.periods,
                activity: LessonKind::parse(&l.kind) == Some(LessonKind::Activity),
            })
            .collect();
        let slots = &schedule::DEFAULT_SLOTS[..opts.slots.min(schedule::DEFAULT_SLOTS.len())];
        let planned = schedule::plan(
            &schedule::plan_items(&items),
            self.class.first_day,
            self.class.last_day,
            &self.holidays,
            slots,
        )?;
        Ok(planned
            .into_iter()
            .map(|p| SessionInput {
                lesson_id: p.lesson_id,
                title: p.title,
                periods: p.periods,
                starts_at: p.starts_at,
                ends_at: p.ends_at,
                room_id: opts.room_id,
                lecturer_user_id: TeacherChoice::lecturer(opts.teacher),
                guest_speaker_id: TeacherChoice::guest(opts.teacher),
            })
            .collect())
    }

    /// Why the plan cannot be (re)generated now, if it cannot.
    pub(super) fn plan_refusal(&self, lang: Lang) -> Option<String> {
        if self.has_attendance {
            Some(i18n::t(lang, "plan.has_attendance"))
        } else if !self.class.status().plan_editable() {
            Some(i18n::t(lang, "plan.closed"))
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Opt {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) selected: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct Group {
    pub(super) label: String,
    pub(super) options: Vec<Opt>,
}

pub(super) fn bookings(class_id: i64, plan: &[SessionInput]) -> Vec<Booking> {
    plan.iter()
        .map(|s| Booking {
            session_id: None,
            class_id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            room_id: s.room_id,
            lecturer_id: s.lecturer_user_id,
            guest_speaker_id: s.guest_speaker_id,
        })
        .collect()
}
