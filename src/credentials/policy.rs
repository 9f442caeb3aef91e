//! The password policy (OWASP ASVS 5.0, V6.2): at least 8 characters and at most 254 (long
//! passphrases are welcome; the cap bounds what a login makes the server hash), not one of the
//! 10,000 most common passwords, and not the account's email address or the person's name — as
//! the whole password or most of it, ignoring case, diacritics, spaces and punctuation.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::domain::names;

pub const MIN_LENGTH: usize = 8;
/// Also the longest email or password the login form hashes or looks up.
pub const MAX_LENGTH: usize = 254;

/// The list and its source: `assets/passwords/README.md`.
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../../assets/passwords/common-passwords.txt").lines().collect());

/// The first policy rule a new password breaks, as a catalog key.
pub fn violation(password: &str, email: &str, display_name: &str) -> Option<&'static str> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Some("password.error.too_short");
    }
    if length > MAX_LENGTH {
        return Some("password.error.too_long");
    }
    if is_common(password) {
        return Some("password.error.common");
    }
    let typed = compact(password);
    let local_part = email.split('@').next().unwrap_or_default();
    if [email, local_part].iter().any(|e| mostly(&typed, &compact(e))) {
        return Some("password.error.like_email");
    }
    if name_forms(display_name).iter().any(|n| mostly(&typed, n)) {
        return Some("password.error.like_name");
    }
    None
}

pub fn is_common(password: &str) -> bool {
    COMMON.contains(password.trim().to_lowercase().as_str())
}

/// Lower case, without diacritics, letters and digits only: "Nguyễn Văn An" → "nguyenvanan".
fn compact(text: &str) -> String {
    names::fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The forms of a name people build passwords from: the whole name, and its last two words
/// (middle and given name, "Văn An"), each compacted.
fn name_forms(display_name: &str) -> Vec<String> {
    let words: Vec<String> = names::fold(display_name).split_whitespace().map(compact).collect();
    let mut forms = vec![words.concat()];
    if words.len() > 2 {
        forms.push(words[words.len() - 2..].concat());
    }
    forms
}

/// True when `part` (at least 4 characters) makes up half or more of `password`, or the password
/// is a piece of it.
fn mostly(password: &str, part: &str) -> bool {
    let (p, n) = (password.chars().count(), part.chars().count());
    n >= 4 && p > 0 && ((password.contains(part) && 2 * n >= p) || part.contains(password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length() {
        assert_eq!(violation("short", "a@b.vn", "A"), Some("password.error.too_short"));
        assert_eq!(violation(&"dài ".repeat(64), "a@b.vn", "A"), Some("password.error.too_long"));
        assert_eq!(violation(&"x".repeat(MAX_LENGTH), "a@b.vn", "A"), None);
    }

    #[test]
    fn the_list_is_loaded_and_used() {
        assert!(COMMON.len() >= 10_000 - 1, "{}", COMMON.len());
        assert!(COMMON.iter().filter(|p| p.chars().count() >= MIN_LENGTH).count() >= 3000);
        for common in ["password1", "Password1", "12345678", "iloveyou", "sunshine", "football", "qwertyuiop"] {
            assert_eq!(violation(common, "a@b.vn", "A"), Some("password.error.common"), "{common}");
        }
        assert_eq!(violation("Hoa sen trong dam", "a@b.vn", "A"), None);
    }

    #[test]
    fn not_the_email() {
        assert_eq!(violation("nguyenvana@b.vn", "nguyenvana@b.vn", "X"), Some("password.error.like_email"));
        assert_eq!(violation("NguyenVanA", "nguyenvana@b.vn", "X"), Some("password.error.like_email"));
        assert_eq!(violation("nguyenvana2026", "nguyenvana@b.vn", "X"), Some("password.error.like_email"));
        assert_eq!(violation("nguyenva", "nguyenvana@b.vn", "X"), Some("password.error.like_email"));
    }

    #[test]
    fn not_the_name() {
        let name = "Nguyễn Văn Anh";
        for typed in ["Nguyễn Văn Anh", "nguyen van anh", "NguyenVanAnh2026!", "Văn Anh 1990", "vananh12"] {
            assert_eq!(violation(typed, "x@b.vn", name), Some("password.error.like_name"), "{typed}");
        }
        // The name as a small part of a longer sentence is fine.
        assert_eq!(violation("Anh đi học lớp đảng viên mới 2026", "x@b.vn", name), None);
        assert_eq!(violation("Trống đồng Đông Sơn 2026", "x@b.vn", "Đông Sơn"), None);
    }
}
