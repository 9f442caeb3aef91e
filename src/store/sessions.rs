//! Sessions (buổi học) of classes: the plan generated for a class, each session's edits, and
//! the clash check every save goes through — the same room, lecturer, guest speaker or learner
//! in two sessions that overlap in time (`domain::schedule`). Times are local wall-clock times.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use serde::Serialize;
use time::{Date, PrimitiveDateTime};

use super::audit::{self, Actor};
use super::{DbConn, StoreError, StoreResult};
use crate::db::schema::{
    attendance, class_sessions, classes, enrolments, guest_speakers, programs, rooms, users, venues,
};
use crate::domain::class;
use crate::domain::schedule::{self, Booking, ClashKind};
use crate::domain::teaching_load::{Taught, Teacher};

#[derive(Debug, Clone, Queryable, Selectable, Serialize, PartialEq)]
#[diesel(table_name = class_sessions)]
pub struct Session {
    pub id: i64,
    pub class_id: i64,
    pub seq: i32,
    pub lesson_id: Option<i64>,
    pub title: String,
    pub periods: i32,
    pub starts_at: PrimitiveDateTime,
    pub ends_at: PrimitiveDateTime,
    pub room_id: Option<i64>,
    pub lecturer_user_id: Option<i64>,
    pub guest_speaker_id: Option<i64>,
    pub version: i32,
}

impl Session {
    fn booking(&self) -> Booking {
        Booking {
            session_id: Some(self.id),
            class_id: self.class_id,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            room_id: self.room_id,
            lecturer_id: self.lecturer_user_id,
            guest_speaker_id: self.guest_speaker_id,
        }
    }
}

/// A session as typed or planned.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SessionInput {
    pub lesson_id: Option<i64>,
    pub title: String,
    pub periods: i32,
    pub starts_at: PrimitiveDateTime,
    pub ends_at: PrimitiveDateTime,
    pub room_id: Option<i64>,
    pub lecturer_user_id: Option<i64>,
    pub guest_speaker_id: Option<i64>,
}

/// A session with the names people read: its class, room, venue and teacher.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    #[serde(flatten)]
    pub session: Session,
    /// "Nhận thức về Đảng" — the program's short name.
    pub program_short_name: String,
    /// "Khóa II năm 2026".
    pub class_name: String,
    pub room_name: Option<String>,
    pub room_capacity: Option<i32>,
    pub venue_id: Option<i64>,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub lecturer_name: Option<String>,
    pub guest_name: Option<String>,
    pub guest_title: Option<String>,
}

impl SessionView {
    /// Who teaches: the lecturer, or the guest speaker with their title.
    pub fn teacher(&self) -> Option<String> {
        self.lecturer_name.clone().or_else(|| match (&self.guest_name, &self.guest_title) {
            (Some(name), Some(title)) if !title.is_empty() => Some(format!("{name} ({title})")),
            (Some(name), _) => Some(name.clone()),
            _ => None,
        })
    }
}

/// One clash found for a session, with what the message names.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Clash {
    pub kind: ClashKind,
    pub other_session_id: i64,
    pub other_class_id: i64,
    /// "Nhận thức về Đảng khóa I năm 2026".
    pub other_class: String,
    pub other_seq: i32,
    pub starts_at: PrimitiveDateTime,
    pub ends_at: PrimitiveDateTime,
    /// The room, lecturer, guest speaker or learner both sessions share.
    pub what: String,
}

impl Serialize for ClashKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            ClashKind::Room => "room",
            ClashKind::Lecturer => "lecturer",
            ClashKind::GuestSpeaker => "guest_speaker",
            ClashKind::Learner => "learner",
        })
    }
}

pub fn find(conn: &mut DbConn, id: i64) -> StoreResult<Session> {
    Ok(class_sessions::table.find(id).select(Session::as_select()).get_result(conn)?)
}

/// The sessions of a class in order.
pub fn of_class(conn: &mut DbConn, class_id: i64) -> StoreResult<Vec<Session>> {
    Ok(class_sessions::table
        .filter(class_sessions::class_id.eq(class_id))
        .order(class_sessions::seq)
        .select(Session::as_select())
        .load(conn)?)
}

/// Which sessions a calendar shows.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub class_ids: Option<Vec<i64>>,
    pub venue_id: Option<i64>,
    pub room_id: Option<i64>,
    pub lecturer_user_id: Option<i64>,
    /// The classes this person is enrolled in (a learner's own sessions): read within the same
    /// statement, which stays prepared, where a list of class ids would be parsed each time.
    pub learner_person_id: Option<i64>,
    /// At most this many sessions, the first in time order.
    pub limit: Option<i64>,
}

/// Sessions that start on the days `from..=to`, in time order, with their names.
pub fn between(conn: &mut DbConn, from: Date, to: Date, filter: &SessionFilter) -> StoreResult<Vec<SessionView>> {
    let start = PrimitiveDateTime::new(from, time::Time::MIDNIGHT);
    let end = PrimitiveDateTime::new(to.next_day().unwrap_or(to), time::Time::MIDNIGHT);
    let mut q = class_sessions::table
        .filter(class_sessions::starts_at.ge(start))
        .filter(class_sessions::starts_at.lt(end))
        .select(Session::as_select())
        .into_boxed();
    if let Some(ids) = &filter.class_ids {
        q = q.filter(class_sessions::class_id.eq_any(ids.clone()));
    }
    if let Some(person) = filter.learner_person_id {
        let enrolled = enrolments::table
            .filter(enrolments::person_id.eq(person))
            .filter(enrolments::status.eq(super::classes::ENROLLED))
            .select(enrolments::class_id);
        q = q.filter(class_sessions::class_id.eq_any(enrolled));
    }
    if let Some(room) = filter.room_id {
        q = q.filter(class_sessions::room_id.eq(room));
    }
    if let Some(lecturer) = filter.lecturer_user_id {
        q = q.filter(class_sessions::lecturer_user_id.eq(lecturer));
    }
    if let Some(venue) = filter.venue_id {
        let room_ids: Vec<i64> = rooms::table.filter(rooms::venue_id.eq(venue)).select(rooms::id).load(conn)?;
        q = q.filter(class_sessions::room_id.eq_any(room_ids));
    }
    if let Some(limit) = filter.limit {
        q = q.limit(limit);
    }
    let sessions: Vec<Session> = q.order((class_sessions::starts_at, class_sessions::id)).load(conn)?;
    with_names(conn, sessions)
}

/// The sessions of a class with their names, in order.
pub fn views_of_class(conn: &mut DbConn, class_id: i64) -> StoreResult<Vec<SessionView>> {
    let sessions = of_class(conn, class_id)?;
    with_names(conn, sessions)
}

/// Adds the names of classes, rooms, venues and teachers, with one query per kind.
pub fn with_names(conn: &mut DbConn, sessions: Vec<Session>) -> StoreResult<Vec<SessionView>> {
    let class_ids: Vec<i64> = sessions.iter().map(|s| s.class_id).collect::<HashSet<_>>().into_iter().collect();
    let class_names: HashMap<i64, (String, String)> = if class_ids.is_empty() {
        HashMap::new()
    } else {
        super::one_or_any!(classes::table.inner_join(programs::table), classes::id, class_ids.as_slice())
            .select((classes::id, programs::short_name, classes::ordinal, classes::year))
            .load::<(i64, String, i32, i32)>(conn)?
            .into_iter()
            .map(|(id, program, ordinal, year)| (id, (program, class::short_name(ordinal, year))))
            .collect()
    };
    with_class_names(conn, sessions, &class_names)
}

/// Sessions of one class with their names, the class and its program already read.
pub fn with_names_of(
    conn: &mut DbConn,
    sessions: Vec<Session>,
    class: &super::classes::Class,
    program: &super::programs::Program,
) -> StoreResult<Vec<SessionView>> {
    let names = (program.short_name.clone(), class::short_name(class.ordinal, class.year));
    with_class_names(conn, sessions, &HashMap::from([(class.id, names)]))
}

/// Adds the names of rooms, venues and teachers to sessions whose classes are named already.
fn with_class_names(
    conn: &mut DbConn,
    sessions: Vec<Session>,
    class_names: &HashMap<i64, (String, String)>,
) -> StoreResult<Vec<SessionView>> {
    let ids = |f: fn(&Session) -> Option<i64>| -> Vec<i64> {
        let set: HashSet<i64> = sessions.iter().filter_map(f).collect();
        set.into_iter().collect()
    };
    let room_ids = ids(|s| s.room_id);
    let lecturer_ids = ids(|s| s.lecturer_user_id);
    let guest_ids = ids(|s| s.guest_speaker_id);

    // An empty id set skips its query: most sessions have no guest speaker, some no room.
    let room_info: HashMap<i64, (String, i32, i64, String, String)> = if room_ids.is_empty() {
        HashMap::new()
    } else {
        super::one_or_any!(rooms::table.inner_join(venues::table), rooms::id, room_ids.as_slice())
            .select((rooms::id, rooms::name, rooms::capacity, venues::id, venues::name, venues::address))
            .load::<(i64, String, i32, i64, String, String)>(conn)?
            .into_iter()
            .map(|(id, name, capacity, venue_id, venue, address)| (id, (name, capacity, venue_id, venue, address)))
            .collect()
    };
    let lecturers: HashMap<i64, String> = if lecturer_ids.is_empty() {
        HashMap::new()
    } else {
        super::one_or_any!(users::table, users::id, lecturer_ids.as_slice())
            .select((users::id, users::display_name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect()
    };
    let guests: HashMap<i64, (String, String)> = if guest_ids.is_empty() {
        HashMap::new()
    } else {
        super::one_or_any!(guest_speakers::table, guest_speakers::id, guest_ids.as_slice())
            .select((guest_speakers::id, guest_speakers::name, guest_speakers::title))
            .load::<(i64, String, String)>(conn)?
            .into_iter()
            .map(|(id, name, title)| (id, (name, title)))
            .collect()
    };

    Ok(sessions
        .into_iter()
        .map(|s| {
            let (program_short_name, class_name) = class_names.get(&s.class_id).cloned().unwrap_or_default();
            let room = s.room_id.and_then(|r| room_info.get(&r));
            let guest = s.guest_speaker_id.and_then(|g| guests.get(&g));
            SessionView {
                program_short_name,
                class_name,
                room_name: room.map(|r| r.0.clone()),
                room_capacity: room.map(|r| r.1),
                venue_id: room.map(|r| r.2),
                venue_name: room.map(|r| r.3.clone()),
                venue_address: room.map(|r| r.4.clone()),
                lecturer_name: s.lecturer_user_id.and_then(|l| lecturers.get(&l).cloned()),
                guest_name: guest.map(|g| g.0.clone()),
                guest_title: guest.map(|g| g.1.clone()),
                session: s,
            }
        })
        .collect())
}

/// People enrolled in a class (the learners a clash check compares).
fn enrolled_people(conn: &mut DbConn, class_id: i64) -> StoreResult<Vec<i64>> {
    Ok(enrolments::table
        .filter(enrolments::class_id.eq(class_id))
        .filter(enrolments::status.eq(super::classes::ENROLLED))
        .select(enrolments::person_id)
        .load(conn)?)
}

/// The clashes `candidates` (sessions of `class_id`, new ones without an id) would have with
/// the sessions of other classes. Returns (index into candidates, clash).
pub fn clashes(conn: &mut DbConn, class_id: i64, candidates: &[Booking]) -> StoreResult<Vec<(usize, Clash)>> {
    let (Some(from), Some(to)) =
        (candidates.iter().map(|c| c.starts_at).min(), candidates.iter().map(|c| c.ends_at).max())
    else {
        return Ok(Vec::new());
    };
    let others: Vec<Session> = class_sessions::table
        .filter(class_sessions::starts_at.lt(to))
        .filter(class_sessions::ends_at.gt(from))
        .filter(class_sessions::class_id.ne(class_id))
        .select(Session::as_select())
        .load(conn)?;
    let mut found: Vec<(usize, Clash)> = Vec::new();
    if !others.is_empty() {
        let learners: HashSet<i64> = enrolled_people(conn, class_id)?.into_iter().collect();
        // Learners of this class who are also enrolled in each other class, for the message.
        let mut shared: HashMap<i64, Option<i64>> = HashMap::new();
        let other_classes: HashSet<i64> = others.iter().map(|o| o.class_id).collect();
        for other_class in other_classes {
            let common = if learners.is_empty() {
                None
            } else {
                enrolments::table
                    .filter(enrolments::class_id.eq(other_class))
                    .filter(enrolments::status.eq(super::classes::ENROLLED))
                    .filter(enrolments::person_id.eq_any(learners.iter().copied().collect::<Vec<_>>()))
                    .select(enrolments::person_id)
                    .first::<i64>(conn)
                    .optional()?
            };
            shared.insert(other_class, common);
        }
        let views = with_names(conn, others.clone())?;
        for (i, candidate) in candidates.iter().enumerate() {
            for (other, view) in others.iter().zip(&views) {
                let learner = shared.get(&other.class_id).copied().flatten();
                for kind in schedule::clashes(candidate, &other.booking(), learner.is_some()) {
                    let what = match kind {
                        ClashKind::Room => view.room_name.clone().unwrap_or_default(),
                        ClashKind::Lecturer => view.lecturer_name.clone().unwrap_or_default(),
                        ClashKind::GuestSpeaker => view.guest_name.clone().unwrap_or_default(),
                        ClashKind::Learner => person_name(conn, learner.unwrap_or_default())?,
                    };
                    found.push((i, clash(kind, other, view, what)));
                }
            }
        }
    }
    Ok(found)
}

fn clash(kind: ClashKind, other: &Session, view: &SessionView, what: String) -> Clash {
    Clash {
        kind,
        other_session_id: other.id,
        other_class_id: other.class_id,
        // "Nhận thức về Đảng khóa I năm 2026": the class name continues the program's.
        other_class: format!("{} {}", view.program_short_name, view.class_name.replacen("Khóa", "khóa", 1)),
        other_seq: other.seq,
        starts_at: other.starts_at,
        ends_at: other.ends_at,
        what,
    }
}

fn person_name(conn: &mut DbConn, id: i64) -> StoreResult<String> {
    Ok(crate::store::people::find(conn, &super::Scope::All, id)?.full_name())
}

fn booking_of(class_id: i64, session_id: Option<i64>, input: &SessionInput) -> Booking {
    Booking {
        session_id,
        class_id,
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        room_id: input.room_id,
        lecturer_id: input.lecturer_user_id,
        guest_speaker_id: input.guest_speaker_id,
    }
}

/// Whether any session of the class has attendance taken (then the plan is not regenerated).
pub fn has_attendance(conn: &mut DbConn, class_id: i64) -> StoreResult<bool> {
    let n: i64 = attendance::table
        .inner_join(class_sessions::table.on(class_sessions::id.eq(attendance::session_id)))
        .filter(class_sessions::class_id.eq(class_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Replaces a class's whole plan, unless a session clashes (then nothing changes and the
/// clashes come back, by the index of the planned session).
pub fn replace_plan(
    conn: &mut DbConn,
    actor: &Actor,
    class_id: i64,
    plan: &[SessionInput],
) -> StoreResult<Result<usize, Vec<(usize, Clash)>>> {
    super::write_tx(conn, |conn| {
        if has_attendance(conn, class_id)? {
            return Err(StoreError::Conflict("session.error.plan_has_attendance"));
        }
        let bookings: Vec<Booking> = plan.iter().map(|s| booking_of(class_id, None, s)).collect();
        let found = clashes(conn, class_id, &bookings)?;
        if !found.is_empty() {
            return Ok(Err(found));
        }
        diesel::delete(class_sessions::table.filter(class_sessions::class_id.eq(class_id))).execute(conn)?;
        for (i, s) in plan.iter().enumerate() {
            diesel::insert_into(class_sessions::table)
                .values((class_sessions::class_id.eq(class_id), class_sessions::seq.eq(i as i32 + 1), values(s)))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            "class",
            Some(class_id),
            "plan",
            None::<&()>,
            Some(&serde_json::json!({ "sessions": plan.len() })),
        )?;
        Ok(Ok(plan.len()))
    })
}

#[allow(clippy::type_complexity)]
fn values(
    s: &SessionInput,
) -> (
    diesel::dsl::Eq<class_sessions::lesson_id, Option<i64>>,
    diesel::dsl::Eq<class_sessions::title, String>,
    diesel::dsl::Eq<class_sessions::periods, i32>,
    diesel::dsl::Eq<class_sessions::starts_at, PrimitiveDateTime>,
    diesel::dsl::Eq<class_sessions::ends_at, PrimitiveDateTime>,
    diesel::dsl::Eq<class_sessions::room_id, Option<i64>>,
    diesel::dsl::Eq<class_sessions::lecturer_user_id, Option<i64>>,
    diesel::dsl::Eq<class_sessions::guest_speaker_id, Option<i64>>,
) {
    (
        class_sessions::lesson_id.eq(s.lesson_id),
        class_sessions::title.eq(s.title.clone()),
        class_sessions::periods.eq(s.periods),
        class_sessions::starts_at.eq(s.starts_at),
        class_sessions::ends_at.eq(s.ends_at),
        class_sessions::room_id.eq(s.room_id),
        class_sessions::lecturer_user_id.eq(s.lecturer_user_id),
        class_sessions::guest_speaker_id.eq(s.guest_speaker_id),
    )
}

/// Saves one session if nobody saved it since `version` and it clashes with nothing; the
/// clashes come back otherwise (then nothing changed).
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    version: i32,
    input: &SessionInput,
) -> StoreResult<Result<(), Vec<Clash>>> {
    super::write_tx(conn, |conn| {
        let before = find(conn, id)?;
        if before.version != version {
            return Err(StoreError::Conflict("session.error.changed"));
        }
        let candidate = booking_of(before.class_id, Some(id), input);
        let mut found: Vec<Clash> =
            clashes(conn, before.class_id, std::slice::from_ref(&candidate))?.into_iter().map(|(_, c)| c).collect();
        // Two sessions of one class at the same time clash for all its learners.
        let own = views_of_class(conn, before.class_id)?;
        for other in own.iter().filter(|o| o.session.id != id) {
            let range = (other.session.starts_at, other.session.ends_at);
            if schedule::overlaps((candidate.starts_at, candidate.ends_at), range) {
                let what = String::new();
                found.push(clash(ClashKind::Learner, &other.session, other, what));
            }
        }
        if !found.is_empty() {
            return Ok(Err(found));
        }
        diesel::update(class_sessions::table.find(id))
            .set((values(input), class_sessions::version.eq(version + 1)))
            .execute(conn)?;
        audit::record(conn, actor, "session", Some(id), "update", Some(&before), Some(input))?;
        Ok(Ok(()))
    })
}

/// The classes in which a lecturer teaches at least one session: what a lecturer may open.
pub fn class_ids_taught_by(conn: &mut DbConn, lecturer_user_id: i64) -> StoreResult<Vec<i64>> {
    Ok(class_sessions::table
        .filter(class_sessions::lecturer_user_id.eq(lecturer_user_id))
        .select(class_sessions::class_id)
        .distinct()
        .load(conn)?)
}

/// The sessions of one year with who teaches them, for the teaching load; only one lecturer's
/// when `lecturer_user_id` is given (a lecturer reading their own).
pub fn taught_in_year(conn: &mut DbConn, year: i32, lecturer_user_id: Option<i64>) -> StoreResult<Vec<Taught>> {
    let (Ok(first), Ok(next)) = (Date::from_ordinal_date(year, 1), Date::from_ordinal_date(year + 1, 1)) else {
        return Ok(Vec::new());
    };
    let mut q = class_sessions::table
        .filter(class_sessions::starts_at.ge(PrimitiveDateTime::new(first, time::Time::MIDNIGHT)))
        .filter(class_sessions::starts_at.lt(PrimitiveDateTime::new(next, time::Time::MIDNIGHT)))
        .select((
            class_sessions::lecturer_user_id,
            class_sessions::guest_speaker_id,
            class_sessions::starts_at,
            class_sessions::periods,
        ))
        .into_boxed();
    if let Some(lecturer) = lecturer_user_id {
        q = q.filter(class_sessions::lecturer_user_id.eq(lecturer));
    }
    let rows: Vec<(Option<i64>, Option<i64>, PrimitiveDateTime, i32)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(lecturer, guest, starts_at, periods)| {
            let teacher = match (lecturer, guest) {
                (Some(id), _) => Teacher::Lecturer(id),
                (None, Some(id)) => Teacher::Guest(id),
                (None, None) => return None,
            };
            Some(Taught { teacher, day: starts_at.date(), periods })
        })
        .collect())
}

/// The names of teachers: a lecturer's display name, a guest speaker's name with their title.
pub fn teacher_names(conn: &mut DbConn, teachers: &[Teacher]) -> StoreResult<HashMap<Teacher, (String, String)>> {
    let lecturer_ids: Vec<i64> =
        teachers.iter().filter_map(|t| if let Teacher::Lecturer(id) = t { Some(*id) } else { None }).collect();
    let guest_ids: Vec<i64> =
        teachers.iter().filter_map(|t| if let Teacher::Guest(id) = t { Some(*id) } else { None }).collect();
    let mut out = HashMap::new();
    for (id, name) in super::one_or_any!(users::table, users::id, lecturer_ids.as_slice())
        .select((users::id, users::display_name))
        .load::<(i64, String)>(conn)?
    {
        out.insert(Teacher::Lecturer(id), (name, String::new()));
    }
    for (id, name, title) in super::one_or_any!(guest_speakers::table, guest_speakers::id, guest_ids.as_slice())
        .select((guest_speakers::id, guest_speakers::name, guest_speakers::title))
        .load::<(i64, String, String)>(conn)?
    {
        out.insert(Teacher::Guest(id), (name, title));
    }
    Ok(out)
}
