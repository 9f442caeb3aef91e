//! The probation clock of a probationary member (đảng viên dự bị), counted from the admission
//! ceremony: probation ends 12 months later and a member who qualifies is official from that
//! exact date, even when the chi bộ or the committee decides late; the new-member (DVM) course
//! must be finished before it; the secretary is warned at month 9 if it is not; the chi bộ
//! considers recognition within 30 working days after the end. Removal (xóa tên) is never
//! inferred: the clock only warns.

use serde::Serialize;
use time::{Date, Duration, Weekday};

use super::person::add_months;

pub const PROBATION_MONTHS: i32 = 12;
pub const WARNING_MONTH: i32 = 9;
pub const PROPOSAL_WORKING_DAYS: u32 = 30;

/// The dates of one member's probation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProbationDates {
    pub ceremony: Date,
    /// The day probation ends, which is also the day a qualifying member is official from.
    /// Months are calendar months, clamped to the month's end (29/02/2024 → 28/02/2025).
    pub ends_on: Date,
    /// From this day on, a member without the DVM certificate is warned about (month 9).
    pub warning_on: Date,
    /// The last day the chi bộ may propose recognition: 30 working days after the end.
    pub proposal_due: Date,
}

/// The clock for a ceremony date; `holidays` are the days off besides weekends.
pub fn dates(ceremony: Date, holidays: &[Date]) -> ProbationDates {
    let ends_on = ends_on(ceremony);
    ProbationDates {
        ceremony,
        ends_on,
        warning_on: warning_on(ceremony),
        proposal_due: working_days_after(ends_on, PROPOSAL_WORKING_DAYS, holidays),
    }
}

pub fn ends_on(ceremony: Date) -> Date {
    add_months(ceremony, PROBATION_MONTHS)
}

pub fn warning_on(ceremony: Date) -> Date {
    add_months(ceremony, WARNING_MONTH)
}

/// The `n`-th working day after `day` (not counting `day` itself), skipping Saturdays, Sundays
/// and the holidays.
pub fn working_days_after(day: Date, n: u32, holidays: &[Date]) -> Date {
    let mut current = day;
    let mut counted = 0;
    while counted < n {
        current += Duration::days(1);
        let weekend = matches!(current.weekday(), Weekday::Saturday | Weekday::Sunday);
        if !weekend && !holidays.contains(&current) {
            counted += 1;
        }
    }
    current
}

/// Where a member stands on a given day.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ProbationState {
    pub dates: ProbationDates,
    /// Days until the end (0 on the end day, negative after).
    pub days_left: i64,
    /// Whole months since the ceremony (month 10 = 9 full months have passed).
    pub months_in: i32,
    pub ended: bool,
    pub has_new_member_certificate: bool,
    /// Month 9 or later without the DVM certificate, probation not yet over.
    pub warning: bool,
    /// Probation over without the DVM certificate: the chi bộ must look at it (never removal
    /// by the app).
    pub certificate_overdue: bool,
}

pub fn state(dates: ProbationDates, today: Date, has_new_member_certificate: bool) -> ProbationState {
    let ended = today >= dates.ends_on;
    ProbationState {
        dates,
        days_left: (dates.ends_on - today).whole_days(),
        months_in: super::person::age_in_months(dates.ceremony, today).max(0),
        ended,
        has_new_member_certificate,
        warning: !has_new_member_certificate && today >= dates.warning_on && !ended,
        certificate_overdue: !has_new_member_certificate && ended,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn probation_ends_twelve_months_after_the_ceremony_to_the_day() {
        assert_eq!(ends_on(date!(2025 - 03 - 15)), date!(2026 - 03 - 15));
        assert_eq!(ends_on(date!(2025 - 01 - 31)), date!(2026 - 01 - 31));
        // A ceremony on 29 February ends on the last day of February.
        assert_eq!(ends_on(date!(2024 - 02 - 29)), date!(2025 - 02 - 28));
    }

    #[test]
    fn the_warning_is_at_month_nine_clamped_to_the_month_end() {
        assert_eq!(warning_on(date!(2025 - 05 - 31)), date!(2026 - 02 - 28));
        assert_eq!(warning_on(date!(2023 - 05 - 31)), date!(2024 - 02 - 29));
        assert_eq!(warning_on(date!(2025 - 01 - 31)), date!(2025 - 10 - 31));
        assert_eq!(warning_on(date!(2024 - 02 - 29)), date!(2024 - 11 - 29));
    }

    #[test]
    fn the_proposal_is_due_thirty_working_days_after_the_end() {
        // Ends Monday 02/03/2026: six full weeks of working days = 30 → Monday 13/04/2026.
        assert_eq!(working_days_after(date!(2026 - 03 - 02), 30, &[]), date!(2026 - 04 - 13));
        // A holiday in between pushes it one working day.
        assert_eq!(working_days_after(date!(2026 - 03 - 02), 30, &[date!(2026 - 03 - 10)]), date!(2026 - 04 - 14));
        // A holiday on a Sunday changes nothing.
        assert_eq!(working_days_after(date!(2026 - 03 - 02), 30, &[date!(2026 - 03 - 08)]), date!(2026 - 04 - 13));
        // Ending on a Saturday: the count starts on Monday.
        assert_eq!(working_days_after(date!(2026 - 02 - 28), 1, &[]), date!(2026 - 03 - 02));
        let d = dates(date!(2025 - 03 - 02), &[]);
        assert_eq!(d.ends_on, date!(2026 - 03 - 02));
        assert_eq!(d.proposal_due, date!(2026 - 04 - 13));
    }

    #[test]
    fn the_warning_holds_from_month_nine_until_the_end_without_the_certificate() {
        let d = dates(date!(2025 - 01 - 31), &[]);
        assert!(!state(d, date!(2025 - 10 - 30), false).warning);
        assert!(state(d, date!(2025 - 10 - 31), false).warning);
        assert!(!state(d, date!(2025 - 10 - 31), true).warning);
        let last = state(d, date!(2026 - 01 - 30), false);
        assert!(last.warning && !last.ended && last.days_left == 1);
        let end = state(d, date!(2026 - 01 - 31), false);
        assert!(end.ended && !end.warning && end.certificate_overdue && end.days_left == 0);
        assert!(!state(d, date!(2026 - 01 - 31), true).certificate_overdue);
        assert_eq!(state(d, date!(2025 - 11 - 30), false).months_in, 9);
        assert_eq!(state(d, date!(2025 - 12 - 01), false).months_in, 10);
    }
}
