//! The final essay (bài thu hoạch): attempts, re-sits and the final result. A score is 0–10
//! with one decimal, kept in tenths; "absent from the essay" is its own outcome; a re-sit is a
//! later attempt linked to the one before, allowed as often as the program says; the final
//! result is the last attempt.

use super::program::{Band, Rules};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Scored(i32),
    /// Vắng thu hoạch.
    Absent,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Scored(_) => "scored",
            Outcome::Absent => "absent",
        }
    }

    pub fn from_row(outcome: &str, score_tenths: Option<i32>) -> Option<Self> {
        match (outcome, score_tenths) {
            ("scored", Some(t)) => Some(Outcome::Scored(t)),
            ("absent", _) => Some(Outcome::Absent),
            _ => None,
        }
    }

    pub fn score(self) -> Option<i32> {
        match self {
            Outcome::Scored(t) => Some(t),
            Outcome::Absent => None,
        }
    }
}

/// Where a learner ends up for the certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalResult {
    /// Không đủ điều kiện viết thu hoạch: cannot be scored; re-enrol in a later class.
    NotEligible,
    /// No attempt recorded yet.
    Pending,
    Absent,
    Scored {
        tenths: i32,
        band: Band,
    },
}

impl FinalResult {
    pub fn passed(self) -> bool {
        matches!(self, FinalResult::Scored { band, .. } if band != Band::Fail)
    }
}

/// The final result from the attempts in order (the last one counts).
pub fn final_result(eligible: bool, attempts: &[Outcome], rules: &Rules) -> FinalResult {
    if !eligible {
        return FinalResult::NotEligible;
    }
    match attempts.last() {
        None => FinalResult::Pending,
        Some(Outcome::Absent) => FinalResult::Absent,
        Some(Outcome::Scored(t)) => FinalResult::Scored { tenths: *t, band: rules.band(*t) },
    }
}

/// Why a new attempt cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptRefusal {
    NotEligible,
    /// The last attempt passed: there is nothing to re-sit.
    AlreadyPassed,
    /// The program allows this many re-sits, all used.
    NoResitsLeft(i32),
}

/// Whether another attempt (a re-sit) may be recorded after `attempts`.
pub fn may_add_attempt(eligible: bool, attempts: &[Outcome], rules: &Rules) -> Result<(), AttemptRefusal> {
    if !eligible {
        return Err(AttemptRefusal::NotEligible);
    }
    if let Some(Outcome::Scored(t)) = attempts.last()
        && rules.band(*t) != Band::Fail
    {
        return Err(AttemptRefusal::AlreadyPassed);
    }
    let resits_used = attempts.len().saturating_sub(1) as i32;
    if !attempts.is_empty() && resits_used >= rules.resits_allowed {
        return Err(AttemptRefusal::NoResitsLeft(rules.resits_allowed));
    }
    Ok(())
}

/// Counts per band for a results list ("Xuất sắc: 12, Giỏi: 30, …"), in band order.
pub fn band_counts(results: &[FinalResult]) -> [(Band, usize); 5] {
    let mut counts = [(Band::Excellent, 0), (Band::Good, 0), (Band::Fair, 0), (Band::Average, 0), (Band::Fail, 0)];
    for r in results {
        if let FinalResult::Scored { band, .. } = r
            && let Some(slot) = counts.iter_mut().find(|(b, _)| b == band)
        {
            slot.1 += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_attempt_is_the_final_result() {
        let rules = Rules::defaults(Some(60));
        assert_eq!(final_result(true, &[], &rules), FinalResult::Pending);
        assert_eq!(final_result(false, &[Outcome::Scored(90)], &rules), FinalResult::NotEligible);
        assert_eq!(
            final_result(true, &[Outcome::Scored(40), Outcome::Scored(75)], &rules),
            FinalResult::Scored { tenths: 75, band: Band::Fair }
        );
        assert_eq!(final_result(true, &[Outcome::Absent], &rules), FinalResult::Absent);
        assert!(final_result(true, &[Outcome::Scored(50)], &rules).passed());
        assert!(!final_result(true, &[Outcome::Scored(49)], &rules).passed());
        assert!(!final_result(true, &[Outcome::Absent], &rules).passed());
    }

    #[test]
    fn resits_as_many_as_the_program_allows() {
        let mut rules = Rules::defaults(Some(60));
        assert_eq!(may_add_attempt(true, &[], &rules), Ok(()));
        assert_eq!(may_add_attempt(false, &[], &rules), Err(AttemptRefusal::NotEligible));
        assert_eq!(may_add_attempt(true, &[Outcome::Scored(40)], &rules), Ok(()));
        assert_eq!(may_add_attempt(true, &[Outcome::Absent], &rules), Ok(()));
        assert_eq!(may_add_attempt(true, &[Outcome::Scored(80)], &rules), Err(AttemptRefusal::AlreadyPassed));
        assert_eq!(
            may_add_attempt(true, &[Outcome::Scored(40), Outcome::Scored(45)], &rules),
            Err(AttemptRefusal::NoResitsLeft(1))
        );
        rules.resits_allowed = 0;
        assert_eq!(may_add_attempt(true, &[Outcome::Scored(40)], &rules), Err(AttemptRefusal::NoResitsLeft(0)));
    }

    #[test]
    fn bands_are_counted() {
        let rules = Rules::defaults(Some(60));
        let results: Vec<FinalResult> = [95, 85, 88, 72, 55, 30]
            .into_iter()
            .map(|t| final_result(true, &[Outcome::Scored(t)], &rules))
            .chain([FinalResult::NotEligible, FinalResult::Absent])
            .collect();
        let counts: Vec<usize> = band_counts(&results).iter().map(|(_, n)| *n).collect();
        assert_eq!(counts, vec![1, 2, 1, 1, 1]);
    }

    #[test]
    fn outcomes_read_from_rows() {
        assert_eq!(Outcome::from_row("scored", Some(85)), Some(Outcome::Scored(85)));
        assert_eq!(Outcome::from_row("absent", None), Some(Outcome::Absent));
        assert_eq!(Outcome::from_row("scored", None), None);
    }
}
