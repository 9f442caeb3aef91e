//! Password hashing (Argon2id with the OWASP parameters m=19 MiB, t=2, p=1 — the crate's
//! defaults) and the password policy: long enough, not common, not the email.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::LazyLock;

pub const MIN_LENGTH: usize = 8;

pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashing with valid params").to_string()
}

/// A hash of a random password, verified against when the account does not exist, so that a
/// login attempt takes as long for an unknown email as for a known one.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash(&crate::web::auth::token::random_token()));

pub fn verify(stored: Option<&str>, password: &str) -> bool {
    let stored = stored.unwrap_or(DUMMY_HASH.as_str());
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// The first policy rule a new password breaks, as a catalog key.
pub fn policy_violation(password: &str, email: &str) -> Option<&'static str> {
    const COMMON: [&str; 12] = [
        "12345678",
        "123456789",
        "1234567890",
        "password",
        "password1",
        "matkhau123",
        "qwertyui",
        "11111111",
        "abc12345",
        "iloveyou",
        "admin123",
        "88888888",
    ];
    if password.chars().count() < MIN_LENGTH {
        return Some("password.error.too_short");
    }
    if COMMON.contains(&password.to_lowercase().as_str()) {
        return Some("password.error.common");
    }
    if password.eq_ignore_ascii_case(email)
        || email.split('@').next().is_some_and(|local| password.eq_ignore_ascii_case(local))
    {
        return Some("password.error.like_email");
    }
    None
}

/// Checks a new password and its confirmation, with a message on the field at fault.
pub fn check_new(
    errors: &mut crate::web::forms::FieldErrors,
    lang: crate::i18n::Lang,
    new: &str,
    confirm: &str,
    email: &str,
) {
    if let Some(key) = policy_violation(new, email) {
        errors.add(lang, "new", key);
    } else if new != confirm {
        errors.add(lang, "confirm", "password.error.mismatch");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let h = hash("mật khẩu dài");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(Some(&h), "mật khẩu dài"));
        assert!(!verify(Some(&h), "mật khẩu khác"));
        assert!(!verify(None, "anything"));
        assert!(!verify(Some("not a hash"), "x"));
    }

    #[test]
    fn policy() {
        assert_eq!(policy_violation("short", "a@b.vn"), Some("password.error.too_short"));
        assert_eq!(policy_violation("password1", "a@b.vn"), Some("password.error.common"));
        assert_eq!(policy_violation("nguyenvana", "nguyenvana@b.vn"), Some("password.error.like_email"));
        assert_eq!(policy_violation("Hoa sen trong dam", "a@b.vn"), None);
    }
}
