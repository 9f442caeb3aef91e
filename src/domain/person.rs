//! People to be trained: their sex, their status on the path to membership, the probation clock.

use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            _ => None,
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Sex::Male => "person.sex.M",
            Sex::Female => "person.sex.F",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Quần chúng ưu tú, on the way to admission.
    Candidate,
    /// Đảng viên dự bị: admitted, 12 months of probation from the ceremony.
    Probationary,
    /// Đảng viên chính thức.
    Official,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Candidate, Status::Probationary, Status::Official];

    pub fn code(self) -> &'static str {
        match self {
            Status::Candidate => "candidate",
            Status::Probationary => "probationary",
            Status::Official => "official",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
    pub fn label_key(self) -> String {
        format!("person.status.{}", self.code())
    }
}

/// Probation lasts 12 months from the admission ceremony.
pub fn probation_ends(ceremony: Date) -> Date {
    add_months(ceremony, 12)
}

/// Adds calendar months, clamping to the month's last day (31/01 + 1 month = 28 or 29/02).
pub fn add_months(date: Date, months: i32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let year = total.div_euclid(12);
    let month = time::Month::try_from((total.rem_euclid(12) + 1) as u8).expect("1..=12");
    let last_day = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, date.day().min(last_day)).expect("clamped day is valid")
}

/// Age in whole months on a given day (admission eligibility is counted in months).
pub fn age_in_months(birth: Date, on: Date) -> i32 {
    let mut months =
        (on.year() - birth.year()) * 12 + i32::from(u8::from(on.month())) - i32::from(u8::from(birth.month()));
    if on.day() < birth.day() {
        months -= 1;
    }
    months
}

/// A problem with the admission dates for the chosen status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdmissionDatesProblem {
    /// A probationary member needs the date of the admission decision.
    DecisionMissing,
    /// A probationary member needs the ceremony date: probation is counted from it.
    CeremonyMissing,
    /// A candidate has not been admitted, so admission dates would be wrong data.
    NotAdmitted,
    /// The ceremony follows the decision, never the other way round.
    CeremonyBeforeDecision,
}

/// Checks the admission dates against the status. Official members may keep their dates or not
/// (older records often lack them).
pub fn admission_dates_problems(
    status: Status,
    decision: Option<Date>,
    ceremony: Option<Date>,
) -> Vec<AdmissionDatesProblem> {
    let mut found = Vec::new();
    match status {
        Status::Candidate => {
            if decision.is_some() || ceremony.is_some() {
                found.push(AdmissionDatesProblem::NotAdmitted);
            }
        }
        Status::Probationary => {
            if decision.is_none() {
                found.push(AdmissionDatesProblem::DecisionMissing);
            }
            if ceremony.is_none() {
                found.push(AdmissionDatesProblem::CeremonyMissing);
            }
        }
        Status::Official => {}
    }
    if let (Some(d), Some(c)) = (decision, ceremony)
        && c < d
    {
        found.push(AdmissionDatesProblem::CeremonyBeforeDecision);
    }
    found
}

/// A phone number as typed ("0912 345 678", "+84 912.345.678") without its separators, or None
/// when it is not one: an optional leading +, then 8 to 15 digits.
pub fn normalize_phone(input: &str) -> Option<String> {
    let input = input.trim();
    let (plus, rest) = match input.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", input),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '(' | ')' => {}
            _ => return None,
        }
    }
    (8..=15).contains(&digits.len()).then(|| format!("{plus}{digits}"))
}

/// A loose email check: something@something.something, no spaces. Forms and imports use it.
pub fn looks_like_email(input: &str) -> bool {
    let Some((local, domain)) = input.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !input.chars().any(char::is_whitespace)
        && input.matches('@').count() == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn probation_is_twelve_months() {
        assert_eq!(probation_ends(date!(2026 - 03 - 15)), date!(2027 - 03 - 15));
        assert_eq!(probation_ends(date!(2024 - 02 - 29)), date!(2025 - 02 - 28));
    }

    #[test]
    fn months_are_added_with_clamping() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 11 - 30), 60), date!(2031 - 11 - 30));
    }

    #[test]
    fn age_counts_whole_months() {
        assert_eq!(age_in_months(date!(2008 - 05 - 20), date!(2026 - 05 - 19)), 215);
        assert_eq!(age_in_months(date!(2008 - 05 - 20), date!(2026 - 05 - 20)), 216);
    }

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
        assert_eq!(Sex::parse("F"), Some(Sex::Female));
        assert_eq!(Sex::parse("X"), None);
    }

    #[test]
    fn probationary_members_need_both_dates() {
        use AdmissionDatesProblem::*;
        let (d, c) = (Some(date!(2026 - 03 - 01)), Some(date!(2026 - 03 - 15)));
        assert!(admission_dates_problems(Status::Probationary, d, c).is_empty());
        assert_eq!(admission_dates_problems(Status::Probationary, None, None), vec![DecisionMissing, CeremonyMissing]);
        assert_eq!(admission_dates_problems(Status::Probationary, d, None), vec![CeremonyMissing]);
        assert_eq!(admission_dates_problems(Status::Probationary, c, d), vec![CeremonyBeforeDecision]);
        assert_eq!(admission_dates_problems(Status::Candidate, d, None), vec![NotAdmitted]);
        assert!(admission_dates_problems(Status::Candidate, None, None).is_empty());
        assert!(admission_dates_problems(Status::Official, None, None).is_empty());
        assert!(admission_dates_problems(Status::Official, d, c).is_empty());
    }

    #[test]
    fn phones_lose_their_separators() {
        assert_eq!(normalize_phone(" 0912 345.678 ").as_deref(), Some("0912345678"));
        assert_eq!(normalize_phone("+84 (912) 345-678").as_deref(), Some("+84912345678"));
        assert_eq!(normalize_phone("0912"), None);
        assert_eq!(normalize_phone("0912 345 67a"), None);
        assert_eq!(normalize_phone("1234567890123456"), None);
    }
}
