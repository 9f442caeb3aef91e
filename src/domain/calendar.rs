//! Calendars of sessions: which days a week or month view covers, where its previous and next
//! links lead, which half of the day a session belongs to, how far a subscribed feed reaches, and
//! the kinds of feed. Weeks run Monday to Sunday, as Vietnamese calendars print them.

use time::{Date, Duration, Time, Weekday};

/// A calendar page's span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Week,
    Month,
}

impl View {
    pub fn code(self) -> &'static str {
        match self {
            View::Week => "week",
            View::Month => "month",
        }
    }

    /// The view a query names; anything else is the week.
    pub fn parse(code: &str) -> Self {
        if code == "month" { View::Month } else { View::Week }
    }

    /// The days the view shows around `day`: Monday to Sunday of its week, or the whole weeks
    /// that hold its month (so a month grid starts on a Monday and ends on a Sunday).
    pub fn days(self, day: Date) -> (Date, Date) {
        match self {
            View::Week => {
                let monday = week_start(day);
                (monday, monday + Duration::days(6))
            }
            View::Month => {
                let (first, last) = month_bounds(day);
                (week_start(first), week_start(last) + Duration::days(6))
            }
        }
    }

    /// The day the previous view is shown around: a week earlier, or the first of the previous
    /// month.
    pub fn previous(self, day: Date) -> Date {
        match self {
            View::Week => day - Duration::days(7),
            View::Month => month_bounds(day).0.previous_day().map_or(day, |d| month_bounds(d).0),
        }
    }

    pub fn next(self, day: Date) -> Date {
        match self {
            View::Week => day + Duration::days(7),
            View::Month => month_bounds(day).1.next_day().unwrap_or(day),
        }
    }
}

/// The Monday of the week that holds `day`.
pub fn week_start(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// The first and last day of `day`'s month.
pub fn month_bounds(day: Date) -> (Date, Date) {
    let first = day.replace_day(1).unwrap_or(day);
    let last = first.replace_day(day.month().length(day.year())).unwrap_or(day);
    (first, last)
}

/// Whether two days are in the same month of the same year.
pub fn same_month(a: Date, b: Date) -> bool {
    a.year() == b.year() && a.month() == b.month()
}

/// 1 for Monday … 7 for Sunday; the catalog names the day ("Thứ Hai" … "Chủ nhật").
pub fn weekday_number(day: Date) -> u8 {
    day.weekday().number_from_monday()
}

/// "Thứ Hai", …, "Chủ nhật": how Vietnamese names the days, for text that has no reader's
/// language (a calendar feed). Pages take the name from the catalog instead.
pub fn weekday_vi(day: Date) -> &'static str {
    match day.weekday() {
        Weekday::Monday => "Thứ Hai",
        Weekday::Tuesday => "Thứ Ba",
        Weekday::Wednesday => "Thứ Tư",
        Weekday::Thursday => "Thứ Năm",
        Weekday::Friday => "Thứ Sáu",
        Weekday::Saturday => "Thứ Bảy",
        Weekday::Sunday => "Chủ nhật",
    }
}

/// Half of a school day. Sessions are half-days (07:30–11:00, 13:30–17:00); one that starts
/// at noon or later belongs to the afternoon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HalfDay {
    Morning,
    Afternoon,
}

pub fn half_day(starts_at: Time) -> HalfDay {
    if starts_at.hour() < 12 { HalfDay::Morning } else { HalfDay::Afternoon }
}

/// The days a subscribed feed covers around `today`: two months back (a lecturer looks up what
/// was taught) and a year ahead (every class planned so far). Small enough for a phone to
/// fetch every hour.
pub fn feed_window(today: Date) -> (Date, Date) {
    (today - Duration::days(FEED_DAYS_BACK), today + Duration::days(FEED_DAYS_AHEAD))
}

pub const FEED_DAYS_BACK: i64 = 60;
pub const FEED_DAYS_AHEAD: i64 = 365;

/// Whose sessions a feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// A lecturer's own sessions; the subject is their account.
    Lecturer,
    /// The sessions of the classes a learner is enrolled in; the subject is their person record.
    Learner,
    /// Every session of one class; the subject is the class.
    Class,
}

impl FeedKind {
    pub fn code(self) -> &'static str {
        match self {
            FeedKind::Lecturer => "lecturer",
            FeedKind::Learner => "learner",
            FeedKind::Class => "class",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "lecturer" => Some(FeedKind::Lecturer),
            "learner" => Some(FeedKind::Learner),
            "class" => Some(FeedKind::Class),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, time};

    #[test]
    fn a_week_runs_monday_to_sunday() {
        // 18/03/2026 is a Wednesday.
        assert_eq!(View::Week.days(date!(2026 - 03 - 18)), (date!(2026 - 03 - 16), date!(2026 - 03 - 22)));
        assert_eq!(View::Week.days(date!(2026 - 03 - 16)), (date!(2026 - 03 - 16), date!(2026 - 03 - 22)));
        assert_eq!(View::Week.days(date!(2026 - 03 - 22)), (date!(2026 - 03 - 16), date!(2026 - 03 - 22)));
        // Across a year's end.
        assert_eq!(View::Week.days(date!(2027 - 01 - 01)), (date!(2026 - 12 - 28), date!(2027 - 01 - 03)));
        assert_eq!(View::Week.previous(date!(2026 - 03 - 18)), date!(2026 - 03 - 11));
        assert_eq!(View::Week.next(date!(2026 - 03 - 18)), date!(2026 - 03 - 25));
    }

    #[test]
    fn a_month_grid_holds_whole_weeks() {
        // March 2026 begins on a Sunday and ends on a Tuesday.
        let (from, to) = View::Month.days(date!(2026 - 03 - 18));
        assert_eq!((from, to), (date!(2026 - 02 - 23), date!(2026 - 04 - 05)));
        assert_eq!((to - from).whole_days() + 1, 42);
        // February 2027 begins on a Monday and ends on a Sunday: exactly four weeks.
        assert_eq!(View::Month.days(date!(2027 - 02 - 10)), (date!(2027 - 02 - 01), date!(2027 - 02 - 28)));
        assert_eq!(month_bounds(date!(2028 - 02 - 10)), (date!(2028 - 02 - 01), date!(2028 - 02 - 29)));
    }

    #[test]
    fn months_step_to_their_first_day() {
        assert_eq!(View::Month.previous(date!(2026 - 03 - 31)), date!(2026 - 02 - 01));
        assert_eq!(View::Month.next(date!(2026 - 01 - 31)), date!(2026 - 02 - 01));
        assert_eq!(View::Month.next(date!(2026 - 12 - 15)), date!(2027 - 01 - 01));
        assert_eq!(View::Month.previous(date!(2026 - 01 - 15)), date!(2025 - 12 - 01));
        assert!(same_month(date!(2026 - 03 - 01), date!(2026 - 03 - 31)));
        assert!(!same_month(date!(2026 - 03 - 01), date!(2027 - 03 - 01)));
    }

    #[test]
    fn views_and_kinds_read_back() {
        assert_eq!(View::parse("month"), View::Month);
        assert_eq!(View::parse("tuan"), View::Week);
        assert_eq!(View::parse(View::Week.code()), View::Week);
        for kind in [FeedKind::Lecturer, FeedKind::Learner, FeedKind::Class] {
            assert_eq!(FeedKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(FeedKind::parse("secretary"), None);
    }

    #[test]
    fn days_and_halves_the_vietnamese_way() {
        assert_eq!(weekday_vi(date!(2026 - 03 - 16)), "Thứ Hai");
        assert_eq!(weekday_vi(date!(2026 - 03 - 22)), "Chủ nhật");
        assert_eq!(weekday_number(date!(2026 - 03 - 22)), 7);
        assert_eq!(half_day(time!(07:30)), HalfDay::Morning);
        assert_eq!(half_day(time!(11:59)), HalfDay::Morning);
        assert_eq!(half_day(time!(12:00)), HalfDay::Afternoon);
        assert_eq!(half_day(time!(13:30)), HalfDay::Afternoon);
        assert_eq!(feed_window(date!(2026 - 03 - 16)), (date!(2026 - 01 - 15), date!(2027 - 03 - 16)));
    }
}
