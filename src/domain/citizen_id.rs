//! Citizen ID (số CCCD / số định danh cá nhân): 12 digits. Digits 1–3 are the province of birth
//! registration, digit 4 encodes century and sex, digits 5–6 the last two digits of the birth
//! year. A mismatch with the recorded sex or year is a warning, never an error, because the
//! register is authoritative and data entry may be the thing that is wrong.

use super::person::Sex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// Digit 4 says the other sex.
    SexMismatch,
    /// Digits 4–6 give another birth year.
    BirthYearMismatch { encoded: i32 },
}

/// True when the text is exactly 12 ASCII digits.
pub fn is_valid(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The number as typed, without the spaces people put between groups ("079 198 012 345").
pub fn normalize(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The soft checks of digits 4–6 against the recorded sex and birth year.
pub fn warnings(id: &str, sex: Sex, birth_year: i32) -> Vec<Warning> {
    if !is_valid(id) {
        return Vec::new();
    }
    let digit4 = i32::from(id.as_bytes()[3] - b'0');
    let year_digits: i32 = id[4..6].parse().unwrap_or(0);
    let century = 1900 + 100 * (digit4 / 2);
    let encoded_female = digit4 % 2 == 1;
    let mut found = Vec::new();
    if encoded_female != (sex == Sex::Female) {
        found.push(Warning::SexMismatch);
    }
    let encoded = century + year_digits;
    if encoded != birth_year {
        found.push(Warning::BirthYearMismatch { encoded });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_digits_only() {
        assert!(is_valid("001203012345"));
        assert!(!is_valid("00120301234"));
        assert!(!is_valid("00120301234a"));
        assert!(!is_valid("0012030123456"));
    }

    #[test]
    fn spaces_between_groups_are_dropped() {
        assert_eq!(normalize(" 079 198 012345 "), "079198012345");
        assert!(!is_valid(&normalize("079 198 0123456")));
    }

    #[test]
    fn matching_id_has_no_warnings() {
        // 2000s male = 2, born 2003.
        assert!(warnings("001203012345", Sex::Male, 2003).is_empty());
        // 1900s female = 1, born 1998.
        assert!(warnings("079198012345", Sex::Female, 1998).is_empty());
    }

    #[test]
    fn mismatches_are_reported() {
        assert_eq!(warnings("001203012345", Sex::Female, 2003), vec![Warning::SexMismatch]);
        assert_eq!(warnings("001203012345", Sex::Male, 2004), vec![Warning::BirthYearMismatch { encoded: 2003 }]);
    }
}
