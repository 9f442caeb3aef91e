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

/// Why a typed score is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreProblem {
    /// Not a number at all ("abc").
    NotANumber,
    /// A number outside 0–10 ("10.1", "-1").
    OutOfRange,
    /// More than one decimal ("8,55").
    TooPrecise,
}

impl ScoreProblem {
    pub fn key(self) -> &'static str {
        match self {
            ScoreProblem::NotANumber => "results.error.not_a_number",
            ScoreProblem::OutOfRange => "results.error.out_of_range",
            ScoreProblem::TooPrecise => "results.error.too_precise",
        }
    }
}

/// A score as typed: 0 to 10 with at most one decimal, after a comma or a dot ("8,5", "8.5",
/// "10"), in tenths.
pub fn parse_score(input: &str) -> Result<i32, ScoreProblem> {
    let input = input.trim();
    if let Some(tenths) = super::numbers::parse_tenths(input) {
        return Ok(tenths);
    }
    let unsigned = input.strip_prefix('-').unwrap_or(input);
    let (whole, fraction) = unsigned.split_once([',', '.']).unwrap_or((unsigned, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole)
        || !(fraction.is_empty() || digits(fraction))
        || (unsigned.len() > whole.len() && fraction.is_empty())
    {
        return Err(ScoreProblem::NotANumber);
    }
    let negative = input.starts_with('-') && (whole.bytes().any(|b| b != b'0') || fraction.bytes().any(|b| b != b'0'));
    let above_ten = whole.trim_start_matches('0').len() > 2
        || whole.parse::<u32>().is_ok_and(|w| w > 10)
        || (whole.parse::<u32>() == Ok(10) && fraction.bytes().any(|b| b != b'0'));
    if negative || above_ten {
        return Err(ScoreProblem::OutOfRange);
    }
    Err(ScoreProblem::TooPrecise)
}

/// What is wrong with one line of a results sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineProblem {
    Score(ScoreProblem),
    /// Both a score and "absent" were given.
    ScoreAndAbsent,
    /// Không đủ điều kiện viết thu hoạch: cannot be scored.
    NotEligible,
    /// A re-sit the program's rules do not allow.
    Resit(AttemptRefusal),
    /// Only the last attempt may be changed.
    NotLastAttempt,
    /// The learner is not (or no longer) enrolled in the class.
    NotOnList,
    /// Someone saved this line since the editor opened it.
    ChangedMeanwhile,
    /// A valid certificate was issued from this result: it is revoked first, so that the
    /// register and the certificate never disagree with the result.
    Certified,
}

impl LineProblem {
    pub fn key(self) -> &'static str {
        match self {
            LineProblem::Score(p) => p.key(),
            LineProblem::ScoreAndAbsent => "results.error.score_and_absent",
            LineProblem::NotEligible => "results.error.not_eligible",
            LineProblem::Resit(AttemptRefusal::NotEligible) => "results.error.not_eligible",
            LineProblem::Resit(AttemptRefusal::AlreadyPassed) => "results.error.already_passed",
            LineProblem::Resit(AttemptRefusal::NoResitsLeft(_)) => "results.error.no_resits_left",
            LineProblem::NotLastAttempt => "results.error.not_last_attempt",
            LineProblem::Certified => "results.error.certified",
            LineProblem::NotOnList => "results.error.not_on_list",
            LineProblem::ChangedMeanwhile => "results.error.changed_meanwhile",
        }
    }
}

/// Reads one typed line: a score, "absent", or nothing (None: the line is left as it is).
pub fn read_line(score: &str, absent: bool) -> Result<Option<Outcome>, LineProblem> {
    match (score.trim().is_empty(), absent) {
        (true, false) => Ok(None),
        (true, true) => Ok(Some(Outcome::Absent)),
        (false, true) => Err(LineProblem::ScoreAndAbsent),
        (false, false) => parse_score(score).map(|t| Some(Outcome::Scored(t))).map_err(LineProblem::Score),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_read_with_a_comma_or_a_dot_and_refused_with_a_reason() {
        assert_eq!(parse_score("8,5"), Ok(85));
        assert_eq!(parse_score(" 8.5 "), Ok(85));
        assert_eq!(parse_score("10"), Ok(100));
        assert_eq!(parse_score("0"), Ok(0));
        assert_eq!(parse_score("10.1"), Err(ScoreProblem::OutOfRange));
        assert_eq!(parse_score("11"), Err(ScoreProblem::OutOfRange));
        assert_eq!(parse_score("-1"), Err(ScoreProblem::OutOfRange));
        assert_eq!(parse_score("abc"), Err(ScoreProblem::NotANumber));
        assert_eq!(parse_score("8,"), Err(ScoreProblem::NotANumber));
        assert_eq!(parse_score("8,55"), Err(ScoreProblem::TooPrecise));
        assert_eq!(parse_score("10,0"), Ok(100));
        assert_eq!(read_line("", false), Ok(None));
        assert_eq!(read_line("", true), Ok(Some(Outcome::Absent)));
        assert_eq!(read_line("7", true), Err(LineProblem::ScoreAndAbsent));
        assert_eq!(read_line("7", false), Ok(Some(Outcome::Scored(70))));
    }

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
