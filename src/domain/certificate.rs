//! Certificates (giấy chứng nhận): validity, register numbers and verification codes. The
//! awareness certificate is valid 60 months: valid up to and including the day before the same
//! date 60 months later, expired on that date (a certificate of 15/01/2020 is expired on
//! 15/01/2025).

use time::Date;

use super::person::add_months;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateStatus {
    /// Còn hiệu lực (or expired by date: see `validity_on`).
    Valid,
    /// Đã thu hồi, with a date and reason; stays in the register.
    Revoked,
    /// Đã được cấp lại: replaced by a reissue with a new number.
    Superseded,
}

impl CertificateStatus {
    pub fn code(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "valid",
            CertificateStatus::Revoked => "revoked",
            CertificateStatus::Superseded => "superseded",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        [Self::Valid, Self::Revoked, Self::Superseded].into_iter().find(|s| s.code() == code)
    }
}

/// Why a certificate was reissued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReissueReason {
    /// Sai sót.
    Error,
    /// Mất.
    Lost,
    /// Hư hỏng.
    Damaged,
}

impl ReissueReason {
    pub const ALL: [ReissueReason; 3] = [ReissueReason::Error, ReissueReason::Lost, ReissueReason::Damaged];
    pub fn code(self) -> &'static str {
        match self {
            ReissueReason::Error => "error",
            ReissueReason::Lost => "lost",
            ReissueReason::Damaged => "damaged",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
    pub fn label_key(self) -> String {
        format!("certificate.reissue_reason.{}", self.code())
    }
}

/// The first day a certificate issued on `issued_on` is no longer valid, or None when the
/// program's certificates do not expire.
pub fn expires_on(issued_on: Date, validity_months: Option<i32>) -> Option<Date> {
    validity_months.map(|m| add_months(issued_on, m))
}

/// What a certificate is worth on a given day (the day of a chi bộ meeting, or today).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Valid,
    Expired,
    Revoked,
    Superseded,
}

pub fn validity_on(status: CertificateStatus, expires_on: Option<Date>, day: Date) -> Validity {
    match status {
        CertificateStatus::Revoked => Validity::Revoked,
        CertificateStatus::Superseded => Validity::Superseded,
        CertificateStatus::Valid => match expires_on {
            Some(end) if day >= end => Validity::Expired,
            _ => Validity::Valid,
        },
    }
}

/// Days before expiry when the learner and their secretary are reminded.
pub const REMINDER_DAYS: i64 = 90;

/// Whether a reminder is due on `today`: within the last 90 days before expiry, not expired.
pub fn reminder_due(expires_on: Option<Date>, today: Date) -> bool {
    match expires_on {
        Some(end) => today < end && (end - today).whole_days() <= REMINDER_DAYS,
        None => false,
    }
}

/// The register number as printed: "07/2026" (the number in the issuer's register for the year).
pub fn register_number(number: i32, year: i32) -> String {
    format!("{number:02}/{year}")
}

/// Letters of a verification code: Crockford's base32 without I, L, O, U, so a code read aloud
/// or typed from paper is not confused.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A verification code of 16 characters (80 bits) from random bytes.
pub fn verification_code(random: &[u8; 10]) -> String {
    let mut bits: u128 = 0;
    for b in random {
        bits = (bits << 8) | u128::from(*b);
    }
    (0..16).rev().map(|i| CODE_ALPHABET[((bits >> (i * 5)) & 31) as usize] as char).collect()
}

/// A code as typed back: spaces and dashes dropped, upper case, O→0 and I/L→1 as Crockford
/// reads them. None when it cannot be a code.
pub fn normalize_code(input: &str) -> Option<String> {
    let mut out = String::with_capacity(16);
    for c in input.chars().filter(|c| !matches!(c, ' ' | '-')) {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        };
        if !CODE_ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        out.push(c);
    }
    (out.len() == 16).then_some(out)
}

/// "ABCD-EFGH-JKMN-PQRS", for reading on paper.
pub fn format_code(code: &str) -> String {
    code.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn sixty_months_to_the_day() {
        let end = expires_on(date!(2020 - 01 - 15), Some(60)).unwrap();
        assert_eq!(end, date!(2025 - 01 - 15));
        let valid = CertificateStatus::Valid;
        assert_eq!(validity_on(valid, Some(end), date!(2025 - 01 - 14)), Validity::Valid);
        assert_eq!(validity_on(valid, Some(end), date!(2025 - 01 - 15)), Validity::Expired);
        assert_eq!(validity_on(valid, Some(end), date!(2025 - 02 - 03)), Validity::Expired);
        assert_eq!(validity_on(valid, None, date!(2090 - 01 - 01)), Validity::Valid);
        assert_eq!(validity_on(CertificateStatus::Revoked, Some(end), date!(2021 - 01 - 01)), Validity::Revoked);
        assert_eq!(expires_on(date!(2024 - 02 - 29), Some(60)), Some(date!(2029 - 02 - 28)));
        assert_eq!(expires_on(date!(2024 - 02 - 29), None), None);
    }

    #[test]
    fn reminders_in_the_last_ninety_days() {
        let end = Some(date!(2026 - 06 - 30));
        assert!(!reminder_due(end, date!(2026 - 03 - 31)));
        assert!(reminder_due(end, date!(2026 - 04 - 01)));
        assert!(reminder_due(end, date!(2026 - 06 - 29)));
        assert!(!reminder_due(end, date!(2026 - 06 - 30)));
        assert!(!reminder_due(None, date!(2026 - 06 - 29)));
    }

    #[test]
    fn codes_are_sixteen_unambiguous_letters() {
        let code = verification_code(&[0xff; 10]);
        assert_eq!(code, "ZZZZZZZZZZZZZZZZ");
        let code = verification_code(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(code.len(), 16);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        let shown = format_code(&code);
        assert_eq!(shown.len(), 19);
        assert_eq!(normalize_code(&shown.to_lowercase()), Some(code.clone()));
        assert_eq!(normalize_code("OOOO IIII LLLL 0000"), Some("0000111111110000".into()));
        assert_eq!(normalize_code("ABCD"), None);
        assert_eq!(normalize_code("ABCD-EFGH-JKMN-PQRU"), None, "U is not in the alphabet");
        assert_eq!(normalize_code("ĐBCD-EFGH-JKMN-PQRS"), None);
    }

    #[test]
    fn register_numbers() {
        assert_eq!(register_number(7, 2026), "07/2026");
        assert_eq!(register_number(125, 2026), "125/2026");
        assert_eq!(CertificateStatus::parse("superseded"), Some(CertificateStatus::Superseded));
        assert_eq!(ReissueReason::parse("lost"), Some(ReissueReason::Lost));
    }
}
