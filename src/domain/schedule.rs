//! The session plan of a class and its clashes. A plan is generated from the program's lessons
//! and activities by their periods, over the class's days (two half-day sessions a day by
//! default, skipping weekends and public holidays); staff then edit it session by session.
//! Every save is checked for clashes: the same room, lecturer, guest speaker or learner in two
//! sessions that overlap in time. Sessions that merely touch do not clash.

use time::{Date, PrimitiveDateTime, Time, Weekday};

use super::program::PERIODS_PER_SESSION;

/// A half-day slot of the timetable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: Time,
    pub end: Time,
}

/// "Buổi sáng" 07:30–11:00 and "Buổi chiều" 13:30–17:00.
pub const DEFAULT_SLOTS: [Slot; 2] = [
    Slot { start: time::macros::time!(07:30), end: time::macros::time!(11:00) },
    Slot { start: time::macros::time!(13:30), end: time::macros::time!(17:00) },
];

/// One lesson or activity to place, in program order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanItem {
    pub lesson_id: Option<i64>,
    pub title: String,
    pub periods: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedSession {
    /// 1-based: "buổi 3".
    pub seq: i32,
    pub lesson_id: Option<i64>,
    pub title: String,
    pub periods: i32,
    pub starts_at: PrimitiveDateTime,
    pub ends_at: PrimitiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// The program has no lessons with periods.
    Empty,
    /// The sessions do not fit between the first and last day; `needs_until` is the last day
    /// the plan would need.
    DoesNotFit { sessions: usize, needs_until: Date },
}

/// Whether classes are held on this day.
pub fn is_teaching_day(day: Date, holidays: &[Date]) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) && !holidays.contains(&day)
}

/// How many sessions an item takes: a session holds `PERIODS_PER_SESSION` periods, so a
/// 10-period lesson takes two.
pub fn sessions_for(periods: i32) -> i32 {
    if periods <= 0 { 0 } else { (periods + PERIODS_PER_SESSION - 1) / PERIODS_PER_SESSION }
}

/// Places the items in order, one per slot, from `first_day` on, over teaching days only.
pub fn plan(
    items: &[PlanItem],
    first_day: Date,
    last_day: Date,
    holidays: &[Date],
    slots: &[Slot],
) -> Result<Vec<PlannedSession>, PlanError> {
    let mut pieces: Vec<(Option<i64>, String, i32)> = Vec::new();
    for item in items {
        let count = sessions_for(item.periods);
        let mut left = item.periods;
        for part in 1..=count {
            let periods = left.min(PERIODS_PER_SESSION);
            left -= periods;
            let title = if count > 1 { format!("{} ({part}/{count})", item.title) } else { item.title.clone() };
            pieces.push((item.lesson_id, title, periods));
        }
    }
    if pieces.is_empty() || slots.is_empty() {
        return Err(PlanError::Empty);
    }
    let mut out = Vec::with_capacity(pieces.len());
    let mut day = first_day;
    let mut pieces = pieces.into_iter();
    let mut seq = 0;
    'days: loop {
        if is_teaching_day(day, holidays) {
            for slot in slots {
                let Some((lesson_id, title, periods)) = pieces.next() else { break 'days };
                seq += 1;
                out.push(PlannedSession {
                    seq,
                    lesson_id,
                    title,
                    periods,
                    starts_at: PrimitiveDateTime::new(day, slot.start),
                    ends_at: PrimitiveDateTime::new(day, slot.end),
                });
            }
        }
        if pieces.len() == 0 {
            break;
        }
        day = day.next_day().expect("dates stay in range");
    }
    let needs_until = out.last().map(|s| s.starts_at.date()).unwrap_or(first_day);
    if needs_until > last_day {
        return Err(PlanError::DoesNotFit { sessions: out.len(), needs_until });
    }
    Ok(out)
}

/// Two time ranges overlap when each starts before the other ends; touching is not overlapping.
pub fn overlaps(a: (PrimitiveDateTime, PrimitiveDateTime), b: (PrimitiveDateTime, PrimitiveDateTime)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// What a session uses, to compare with another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub session_id: Option<i64>,
    pub class_id: i64,
    pub starts_at: PrimitiveDateTime,
    pub ends_at: PrimitiveDateTime,
    pub room_id: Option<i64>,
    pub lecturer_id: Option<i64>,
    pub guest_speaker_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClashKind {
    Room,
    Lecturer,
    GuestSpeaker,
    /// The same person is a learner of both classes.
    Learner,
}

/// What `candidate` shares with `other` when they overlap in time. Learners are compared by the
/// caller, who knows the rosters: `shared_learners` says whether the two classes share one.
pub fn clashes(candidate: &Booking, other: &Booking, shared_learners: bool) -> Vec<ClashKind> {
    let same_session = candidate.session_id.is_some() && candidate.session_id == other.session_id;
    if same_session || !overlaps((candidate.starts_at, candidate.ends_at), (other.starts_at, other.ends_at)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let same = |a: Option<i64>, b: Option<i64>| a.is_some() && a == b;
    if same(candidate.room_id, other.room_id) {
        out.push(ClashKind::Room);
    }
    if same(candidate.lecturer_id, other.lecturer_id) {
        out.push(ClashKind::Lecturer);
    }
    if same(candidate.guest_speaker_id, other.guest_speaker_id) {
        out.push(ClashKind::GuestSpeaker);
    }
    if shared_learners && candidate.class_id != other.class_id {
        out.push(ClashKind::Learner);
    }
    out
}

/// A lesson or activity of the program, in program order, as the plan reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramItem {
    pub lesson_id: i64,
    pub title: String,
    pub periods: i32,
    pub activity: bool,
}

/// What the plan places: lessons numbered among themselves as schools write them ("Bài 2:
/// Cương lĩnh…"), activities (discussion, the essay) under their own title.
pub fn plan_items(program: &[ProgramItem]) -> Vec<PlanItem> {
    let mut number = 0;
    program
        .iter()
        .map(|item| {
            let title = if item.activity {
                item.title.clone()
            } else {
                number += 1;
                format!("Bài {number}: {}", item.title)
            };
            PlanItem { lesson_id: Some(item.lesson_id), title, periods: item.periods }
        })
        .collect()
}

/// How many learners a room must hold: those enrolled, or — before anyone is enrolled — the
/// class's capacity.
pub fn expected_learners(enrolled: usize, class_capacity: i32) -> i32 {
    if enrolled > 0 { i32::try_from(enrolled).unwrap_or(i32::MAX) } else { class_capacity }
}

/// A room smaller than the class is a warning, not a refusal: staff may know better (a class
/// split for a discussion, learners who will not come).
pub fn room_too_small(room_capacity: i32, expected: i32) -> bool {
    room_capacity < expected
}

/// Morning, afternoon or evening, as a timetable names a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartOfDay {
    Morning,
    Afternoon,
    Evening,
}

impl PartOfDay {
    pub fn of(start: Time) -> Self {
        match start.hour() {
            0..=11 => PartOfDay::Morning,
            12..=17 => PartOfDay::Afternoon,
            _ => PartOfDay::Evening,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            PartOfDay::Morning => "timetable.morning",
            PartOfDay::Afternoon => "timetable.afternoon",
            PartOfDay::Evening => "timetable.evening",
        }
    }
}

/// "07:30–11:00 ngày 12/03/2026", how a clash names a session's time.
pub fn format_range(starts_at: PrimitiveDateTime, ends_at: PrimitiveDateTime) -> String {
    format!(
        "{:02}:{:02}–{:02}:{:02} ngày {}",
        starts_at.hour(),
        starts_at.minute(),
        ends_at.hour(),
        ends_at.minute(),
        super::dates::format(starts_at.date())
    )
}

/// "07:30" → a time of day; also "7:30", "7h30", "07.30".
pub fn parse_time(input: &str) -> Option<Time> {
    let input = input.trim().to_lowercase();
    let (h, m) = input.split_once([':', 'h', '.']).unwrap_or((&input, "0"));
    let m = if m.is_empty() { "0" } else { m };
    let (h, m): (u8, u8) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    Time::from_hms(h, m, 0).ok()
}

pub fn format_time(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime, time};

    fn awareness_course() -> Vec<PlanItem> {
        [("Bài 1", 5), ("Bài 2", 10), ("Bài 3", 5), ("Bài 4", 5), ("Bài 5", 5), ("Thảo luận", 5)]
            .into_iter()
            .chain([("Tham quan", 5), ("Ôn tập", 5), ("Viết thu hoạch, bế giảng", 5)])
            .enumerate()
            .map(|(i, (title, periods))| PlanItem { lesson_id: Some(i as i64 + 1), title: title.into(), periods })
            .collect()
    }

    #[test]
    fn fifty_periods_make_ten_sessions_over_five_days() {
        // Monday 16/03/2026 to Friday 20/03/2026.
        let plan =
            plan(&awareness_course(), date!(2026 - 03 - 16), date!(2026 - 03 - 20), &[], &DEFAULT_SLOTS).unwrap();
        assert_eq!(plan.len(), 10);
        assert_eq!(plan[0].starts_at, datetime!(2026-03-16 07:30));
        assert_eq!(plan[0].ends_at, datetime!(2026-03-16 11:00));
        assert_eq!(plan[1].title, "Bài 2 (1/2)");
        assert_eq!(plan[1].starts_at, datetime!(2026-03-16 13:30));
        assert_eq!(plan[2].title, "Bài 2 (2/2)");
        assert_eq!(plan[2].lesson_id, Some(2));
        assert_eq!(plan[9].title, "Viết thu hoạch, bế giảng");
        assert_eq!(plan[9].starts_at, datetime!(2026-03-20 13:30));
        assert_eq!(plan.iter().map(|s| s.periods).sum::<i32>(), 50);
        assert_eq!(plan.iter().map(|s| s.seq).collect::<Vec<_>>(), (1..=10).collect::<Vec<_>>());
    }

    #[test]
    fn weekends_and_holidays_are_skipped() {
        // Thursday 30/04 and Friday 01/05/2026 are public holidays; the weekend follows.
        let holidays = [date!(2026 - 04 - 30), date!(2026 - 05 - 01)];
        let plan =
            plan(&awareness_course(), date!(2026 - 04 - 29), date!(2026 - 05 - 10), &holidays, &DEFAULT_SLOTS).unwrap();
        let days: Vec<Date> = plan.iter().map(|s| s.starts_at.date()).collect();
        assert_eq!(days[0], date!(2026 - 04 - 29));
        assert_eq!(days[2], date!(2026 - 05 - 04), "Monday after the holidays and the weekend");
        assert_eq!(*days.last().unwrap(), date!(2026 - 05 - 07));
    }

    #[test]
    fn a_plan_that_does_not_fit_says_how_long_it_needs() {
        let err =
            plan(&awareness_course(), date!(2026 - 03 - 16), date!(2026 - 03 - 18), &[], &DEFAULT_SLOTS).unwrap_err();
        assert_eq!(err, PlanError::DoesNotFit { sessions: 10, needs_until: date!(2026 - 03 - 20) });
        assert_eq!(plan(&[], date!(2026 - 03 - 16), date!(2026 - 03 - 18), &[], &DEFAULT_SLOTS), Err(PlanError::Empty));
    }

    #[test]
    fn one_slot_a_day_when_asked() {
        let plan =
            plan(&awareness_course(), date!(2026 - 03 - 16), date!(2026 - 03 - 31), &[], &DEFAULT_SLOTS[..1]).unwrap();
        assert_eq!(plan.len(), 10);
        assert!(plan.iter().all(|s| s.starts_at.time() == time!(07:30)));
        assert_eq!(plan[9].starts_at.date(), date!(2026 - 03 - 27));
    }

    fn booking(session: i64, class: i64, from: PrimitiveDateTime, to: PrimitiveDateTime) -> Booking {
        Booking {
            session_id: Some(session),
            class_id: class,
            starts_at: from,
            ends_at: to,
            room_id: Some(1),
            lecturer_id: Some(7),
            guest_speaker_id: None,
        }
    }

    #[test]
    fn overlapping_sessions_clash_touching_ones_do_not() {
        let a = booking(1, 1, datetime!(2026-03-12 07:30), datetime!(2026-03-12 11:00));
        let overlapping = booking(2, 2, datetime!(2026-03-12 10:00), datetime!(2026-03-12 12:00));
        let touching = booking(3, 2, datetime!(2026-03-12 11:00), datetime!(2026-03-12 12:00));
        assert_eq!(clashes(&a, &overlapping, false), vec![ClashKind::Room, ClashKind::Lecturer]);
        assert!(clashes(&a, &touching, false).is_empty());
        assert!(clashes(&a, &a.clone(), true).is_empty(), "a session does not clash with itself");

        let mut elsewhere = overlapping.clone();
        elsewhere.room_id = Some(2);
        elsewhere.lecturer_id = None;
        assert!(clashes(&a, &elsewhere, false).is_empty());
        assert_eq!(clashes(&a, &elsewhere, true), vec![ClashKind::Learner]);

        let mut guest = a.clone();
        guest.guest_speaker_id = Some(3);
        let mut guest_elsewhere = elsewhere.clone();
        guest_elsewhere.guest_speaker_id = Some(3);
        assert_eq!(clashes(&guest, &guest_elsewhere, false), vec![ClashKind::GuestSpeaker]);
    }

    #[test]
    fn lessons_are_numbered_among_themselves_and_activities_keep_their_titles() {
        let program = [
            ProgramItem { lesson_id: 10, title: "Khái quát lịch sử Đảng".into(), periods: 5, activity: false },
            ProgramItem { lesson_id: 11, title: "Cương lĩnh".into(), periods: 10, activity: false },
            ProgramItem { lesson_id: 12, title: "Thảo luận".into(), periods: 5, activity: true },
            ProgramItem { lesson_id: 13, title: "Điều lệ Đảng".into(), periods: 5, activity: false },
        ];
        let items = plan_items(&program);
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["Bài 1: Khái quát lịch sử Đảng", "Bài 2: Cương lĩnh", "Thảo luận", "Bài 3: Điều lệ Đảng"]);
        assert_eq!(items[1].lesson_id, Some(11));
        let plan = plan(&items, date!(2026 - 03 - 16), date!(2026 - 03 - 20), &[], &DEFAULT_SLOTS).unwrap();
        assert_eq!(plan[1].title, "Bài 2: Cương lĩnh (1/2)");
        assert_eq!(plan[2].title, "Bài 2: Cương lĩnh (2/2)");
    }

    #[test]
    fn a_room_is_measured_against_the_enrolled_or_else_the_capacity() {
        assert_eq!(expected_learners(0, 60), 60);
        assert_eq!(expected_learners(45, 60), 45);
        assert!(room_too_small(40, 45));
        assert!(!room_too_small(45, 45), "a room exactly as large is large enough");
        assert_eq!(PartOfDay::of(time!(07:30)), PartOfDay::Morning);
        assert_eq!(PartOfDay::of(time!(13:30)), PartOfDay::Afternoon);
        assert_eq!(PartOfDay::of(time!(18:00)), PartOfDay::Evening);
    }

    #[test]
    fn times_read_and_print() {
        assert_eq!(parse_time("07:30"), Some(time!(07:30)));
        assert_eq!(parse_time("7h30"), Some(time!(07:30)));
        assert_eq!(parse_time("13"), Some(time!(13:00)));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(parse_time("sáng"), None);
        assert_eq!(
            format_range(datetime!(2026-03-12 07:30), datetime!(2026-03-12 11:00)),
            "07:30–11:00 ngày 12/03/2026"
        );
    }
}
