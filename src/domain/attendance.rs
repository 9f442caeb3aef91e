//! Attendance and eligibility for the final essay. A learner may write the essay when the
//! share of sessions missed (excused or not) is at most the program's maximum (20 % by default,
//! the boundary included), and — when the program says so — with no unexcused absence. A
//! session made up in another class's session of the same lesson counts as attended.

use time::{Date, PrimitiveDateTime};

use super::class::ClassStatus;
use super::program::Rules;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// Có mặt.
    Present,
    /// Đi muộn: attended.
    Late,
    /// Vắng có phép, with a reason.
    Excused,
    /// Vắng không phép.
    Unexcused,
    /// Học bù: attended the same lesson in another class's session.
    MadeUp,
}

impl Mark {
    pub const ALL: [Mark; 5] = [Mark::Present, Mark::Late, Mark::Excused, Mark::Unexcused, Mark::MadeUp];

    pub fn code(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Late => "late",
            Mark::Excused => "excused",
            Mark::Unexcused => "unexcused",
            Mark::MadeUp => "made_up",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn label_key(self) -> String {
        format!("attendance.mark.{}", self.code())
    }

    pub fn attended(self) -> bool {
        matches!(self, Mark::Present | Mark::Late | Mark::MadeUp)
    }
}

/// A learner's attendance over the sessions that count for them (those from their enrolment on).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Sessions of the class that count for this learner.
    pub sessions: u32,
    pub present: u32,
    pub late: u32,
    pub made_up: u32,
    pub excused: u32,
    pub unexcused: u32,
}

impl Tally {
    pub fn add(&mut self, mark: Mark) {
        match mark {
            Mark::Present => self.present += 1,
            Mark::Late => self.late += 1,
            Mark::MadeUp => self.made_up += 1,
            Mark::Excused => self.excused += 1,
            Mark::Unexcused => self.unexcused += 1,
        }
    }

    pub fn attended(&self) -> u32 {
        self.present + self.late + self.made_up
    }

    pub fn absent(&self) -> u32 {
        self.excused + self.unexcused
    }

    /// Sessions not marked yet (future ones, or a sheet not yet taken).
    pub fn unmarked(&self) -> u32 {
        self.sessions.saturating_sub(self.attended() + self.absent())
    }

    /// The share of sessions missed, in permille (rounded down), for display.
    pub fn absence_permille(&self) -> u32 {
        (self.absent() * 1000).checked_div(self.sessions).unwrap_or(0)
    }
}

/// Where a learner stands with respect to the essay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eligibility {
    /// Within the limits, and no more absence can change that: every session is marked.
    Eligible,
    /// Within the limits so far; `absences_left` more absences are still allowed.
    OnTrack { absences_left: u32 },
    /// Over a limit already: no later attendance can make them eligible (must re-enrol).
    CannotBecomeEligible,
}

impl Eligibility {
    /// Whether, as things stand, the learner may write the essay.
    pub fn may_write(self) -> bool {
        !matches!(self, Eligibility::CannotBecomeEligible)
    }
}

/// The most absences a class of `sessions` allows: absences × 1000 ≤ max_permille × sessions,
/// in whole numbers so that 20 % of 10 sessions is exactly 2.
pub fn max_absences(sessions: u32, max_absence_permille: i32) -> u32 {
    (u64::from(sessions) * max_absence_permille.max(0) as u64 / 1000) as u32
}

pub fn eligibility(tally: &Tally, rules: &Rules) -> Eligibility {
    if rules.unexcused_disqualifies && tally.unexcused > 0 {
        return Eligibility::CannotBecomeEligible;
    }
    let allowed = max_absences(tally.sessions, rules.max_absence_permille);
    if tally.absent() > allowed {
        return Eligibility::CannotBecomeEligible;
    }
    if tally.unmarked() == 0 {
        Eligibility::Eligible
    } else {
        Eligibility::OnTrack { absences_left: allowed - tally.absent() }
    }
}

/// Whether a session's sheet may be marked now, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetState {
    /// The session has not started: nobody marks it yet.
    NotStarted,
    /// The class is not running yet (draft or open for nominations).
    ClassNotRunning,
    /// Marked as usual by the session's lecturer or staff.
    Open,
    /// The class moved on to assessing (or its results are locked): attendance is frozen and
    /// changes only by a staff amendment with a reason.
    Frozen,
    /// The class is closed: nothing changes any more.
    Closed,
}

pub fn sheet_state(status: ClassStatus, starts_at: PrimitiveDateTime, now: PrimitiveDateTime) -> SheetState {
    if now < starts_at {
        return SheetState::NotStarted;
    }
    match status {
        ClassStatus::Draft | ClassStatus::Nominating => SheetState::ClassNotRunning,
        ClassStatus::Running => SheetState::Open,
        ClassStatus::Assessing | ClassStatus::Locked => SheetState::Frozen,
        ClassStatus::Closed => SheetState::Closed,
    }
}

/// Whether QR self check-in is open: the class is running and the session is under way
/// (from its start, inclusive, to its end, exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinWindow {
    NotStarted,
    Open,
    Ended,
    ClassNotRunning,
}

pub fn checkin_window(
    status: ClassStatus,
    starts_at: PrimitiveDateTime,
    ends_at: PrimitiveDateTime,
    now: PrimitiveDateTime,
) -> CheckinWindow {
    if now < starts_at {
        CheckinWindow::NotStarted
    } else if now >= ends_at {
        CheckinWindow::Ended
    } else if status != ClassStatus::Running {
        CheckinWindow::ClassNotRunning
    } else {
        CheckinWindow::Open
    }
}

/// Whether a learner enrolled from `enrolled_on` (and withdrawn on `withdrawn_on`, if they
/// were) is on the sheet of a session held on `day`: sessions before their enrolment do not
/// count for them, nor those from their withdrawal on.
pub fn on_sheet(day: Date, enrolled_on: Option<Date>, withdrawn_on: Option<Date>) -> bool {
    enrolled_on.is_none_or(|from| day >= from) && withdrawn_on.is_none_or(|until| day < until)
}

/// The longest reason kept with an absence or an amendment.
pub const REASON_MAX_CHARS: usize = 300;

/// What is wrong with one learner's line of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// Vắng có phép needs its reason.
    ReasonRequired,
    ReasonTooLong,
    /// Học bù needs the other class's session the learner attended.
    MadeUpSessionRequired,
    /// The chosen session is not a session of another class with the same lesson, held already.
    MadeUpSessionInvalid,
    /// Only staff record make-ups (they check the other class's sheet).
    MadeUpStaffOnly,
    /// The learner was enrolled after this session (from that day).
    EnrolledLater(Date),
    /// The learner is not on this session's sheet (another class, withdrawn, not enrolled).
    NotOnSheet,
    /// Someone saved this line since the sheet was opened (by hand or by QR check-in).
    ChangedMeanwhile,
}

impl LineProblem {
    pub fn key(&self) -> &'static str {
        match self {
            LineProblem::ReasonRequired => "attendance.error.reason_required",
            LineProblem::ReasonTooLong => "attendance.error.reason_too_long",
            LineProblem::MadeUpSessionRequired => "attendance.error.made_up_required",
            LineProblem::MadeUpSessionInvalid => "attendance.error.made_up_invalid",
            LineProblem::MadeUpStaffOnly => "attendance.error.made_up_staff_only",
            LineProblem::EnrolledLater(_) => "attendance.error.enrolled_later",
            LineProblem::NotOnSheet => "attendance.error.not_on_sheet",
            LineProblem::ChangedMeanwhile => "attendance.error.changed_meanwhile",
        }
    }
}

/// A line as typed: its mark, the reason (kept for excused absences only) and the make-up
/// session (kept for make-ups only). Returns what is stored, or the first problem.
pub fn check_line(
    mark: Mark,
    reason: &str,
    made_up_session_id: Option<i64>,
    may_record_make_up: bool,
) -> Result<(Option<String>, Option<i64>), LineProblem> {
    let reason = reason.trim();
    match mark {
        Mark::Excused if reason.is_empty() => Err(LineProblem::ReasonRequired),
        Mark::Excused if reason.chars().count() > REASON_MAX_CHARS => Err(LineProblem::ReasonTooLong),
        Mark::Excused => Ok((Some(reason.to_owned()), None)),
        Mark::MadeUp if !may_record_make_up => Err(LineProblem::MadeUpStaffOnly),
        Mark::MadeUp => match made_up_session_id {
            Some(id) => Ok((None, Some(id))),
            None => Err(LineProblem::MadeUpSessionRequired),
        },
        Mark::Present | Mark::Late | Mark::Unexcused => Ok((None, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn tally(sessions: u32, marks: &[Mark]) -> Tally {
        let mut t = Tally { sessions, ..Default::default() };
        for m in marks {
            t.add(*m);
        }
        t
    }

    #[test]
    fn twenty_percent_is_the_boundary_included() {
        let rules = Rules::defaults(Some(60));
        use Mark::*;
        let two_absent = [Present, Present, Present, Late, MadeUp, Present, Present, Present, Excused, Unexcused];
        assert_eq!(eligibility(&tally(10, &two_absent), &rules), Eligibility::Eligible);
        let three_absent = [Present, Present, Present, Late, Excused, Present, Present, Present, Excused, Unexcused];
        assert_eq!(eligibility(&tally(10, &three_absent), &rules), Eligibility::CannotBecomeEligible);
        assert_eq!(max_absences(10, 200), 2);
        assert_eq!(max_absences(11, 200), 2);
        assert_eq!(max_absences(15, 200), 3);
        assert_eq!(tally(10, &two_absent).absence_permille(), 200);
    }

    #[test]
    fn unexcused_absence_disqualifies_only_when_the_program_says_so() {
        let mut rules = Rules::defaults(Some(60));
        let t = tally(10, &[Mark::Unexcused]);
        assert_eq!(eligibility(&t, &rules), Eligibility::OnTrack { absences_left: 1 });
        rules.unexcused_disqualifies = true;
        assert_eq!(eligibility(&t, &rules), Eligibility::CannotBecomeEligible);
        let excused = tally(10, &[Mark::Excused]);
        assert_eq!(eligibility(&excused, &rules), Eligibility::OnTrack { absences_left: 1 });
    }

    #[test]
    fn a_made_up_session_counts_as_attended() {
        let rules = Rules::defaults(Some(60));
        let t = tally(5, &[Mark::MadeUp, Mark::Present, Mark::Present, Mark::Present, Mark::Late]);
        assert_eq!(t.attended(), 5);
        assert_eq!(eligibility(&t, &rules), Eligibility::Eligible);
        // Without the make-up the learner would be at 1 of 5 = 20 %: still eligible, but on track.
        let t = tally(5, &[Mark::Present, Mark::Present, Mark::Present, Mark::Late]);
        assert_eq!(eligibility(&t, &rules), Eligibility::OnTrack { absences_left: 1 });
    }

    #[test]
    fn codes_round_trip() {
        for m in Mark::ALL {
            assert_eq!(Mark::parse(m.code()), Some(m));
        }
        assert!(Mark::Late.attended() && !Mark::Excused.attended());
    }

    #[test]
    fn a_sheet_opens_at_the_start_and_freezes_when_the_class_moves_on() {
        let start = datetime!(2026-03-12 07:30);
        let before = datetime!(2026-03-12 07:29:59);
        assert_eq!(sheet_state(ClassStatus::Running, start, before), SheetState::NotStarted);
        assert_eq!(sheet_state(ClassStatus::Running, start, start), SheetState::Open);
        assert_eq!(sheet_state(ClassStatus::Assessing, start, start), SheetState::Frozen);
        assert_eq!(sheet_state(ClassStatus::Locked, start, start), SheetState::Frozen);
        assert_eq!(sheet_state(ClassStatus::Closed, start, start), SheetState::Closed);
        assert_eq!(sheet_state(ClassStatus::Nominating, start, start), SheetState::ClassNotRunning);
    }

    #[test]
    fn check_in_is_open_from_the_start_to_the_end() {
        let (start, end) = (datetime!(2026-03-12 07:30), datetime!(2026-03-12 11:00));
        let at = |t| checkin_window(ClassStatus::Running, start, end, t);
        assert_eq!(at(datetime!(2026-03-12 07:29)), CheckinWindow::NotStarted);
        assert_eq!(at(start), CheckinWindow::Open);
        assert_eq!(at(datetime!(2026-03-12 10:59:59)), CheckinWindow::Open);
        assert_eq!(at(end), CheckinWindow::Ended);
        assert_eq!(checkin_window(ClassStatus::Assessing, start, end, start), CheckinWindow::ClassNotRunning);
    }

    #[test]
    fn sessions_count_from_the_enrolment_day_until_the_withdrawal() {
        let day = date!(2026 - 03 - 12);
        assert!(on_sheet(day, Some(day), None));
        assert!(!on_sheet(day, Some(date!(2026 - 03 - 13)), None));
        assert!(on_sheet(day, None, Some(date!(2026 - 03 - 13))));
        assert!(!on_sheet(day, None, Some(day)));
    }

    #[test]
    fn an_excused_absence_needs_a_reason_and_a_make_up_its_session() {
        assert_eq!(check_line(Mark::Excused, "  ", None, true), Err(LineProblem::ReasonRequired));
        assert_eq!(check_line(Mark::Excused, " Ốm ", None, true), Ok((Some("Ốm".into()), None)));
        assert_eq!(check_line(Mark::Excused, &"x".repeat(301), None, true), Err(LineProblem::ReasonTooLong));
        assert_eq!(check_line(Mark::MadeUp, "", None, true), Err(LineProblem::MadeUpSessionRequired));
        assert_eq!(check_line(Mark::MadeUp, "", Some(5), false), Err(LineProblem::MadeUpStaffOnly));
        assert_eq!(check_line(Mark::MadeUp, "x", Some(5), true), Ok((None, Some(5))));
        assert_eq!(check_line(Mark::Present, "ghi chú", Some(5), false), Ok((None, None)));
    }
}
