//! Attendance and eligibility for the final essay. A learner may write the essay when the
//! share of sessions missed (excused or not) is at most the program's maximum (20 % by default,
//! the boundary included), and — when the program says so — with no unexcused absence. A
//! session made up in another class's session of the same lesson counts as attended.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
