//! Self check-in (tự điểm danh): the codes a lecturer's screen shows and a learner's phone sends
//! back. Everything is signed with HMAC-SHA256 under a key of the installation (derived from
//! BOIDUONG_SECRET_KEY, or random for one run), so nothing is stored per code:
//!
//! - the QR token binds one session to one time step of `STEP_SECONDS`; the screen shows a new
//!   one every step and a token is accepted during its own step and the next (15–30 s), so a
//!   photo sent to someone at home is soon worthless;
//! - the short code (6 digits, for a phone that cannot scan) is derived from the same session
//!   and step;
//! - the ticket carries a valid scan to the learner's confirmation: it binds the session to the
//!   person who scanned and lives `TICKET_SECONDS`, so a slow tap on "Xác nhận" still counts
//!   while the ticket is useless to anyone else.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::{Duration, PrimitiveDateTime};

use super::attendance::Mark;

type HmacSha256 = Hmac<Sha256>;

/// Seconds a QR token and a short code are shown for.
pub const STEP_SECONDS: i64 = 15;
/// Seconds a learner has to confirm after a valid scan.
pub const TICKET_SECONDS: i64 = 120;
/// Bytes of the MAC kept in a token: 96 bits cannot be guessed within a step.
const TOKEN_MAC_BYTES: usize = 12;
const TOKEN_BYTES: usize = 8 + 4 + TOKEN_MAC_BYTES;

/// The signing key. Its bytes never leave this type (not even through `Debug`).
#[derive(Clone)]
pub struct CheckinKey([u8; 32]);

impl std::fmt::Debug for CheckinKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CheckinKey(…)")
    }
}

impl CheckinKey {
    /// The key of an installation with a configured secret: the same on every instance and
    /// after a restart, and unrelated to the cookie key made from the same secret.
    pub fn from_secret(secret: &str) -> Self {
        let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(b"boiduong check-in key v1");
        Self(mac.finalize().into_bytes().into())
    }

    /// A key from random bytes, for a run without a configured secret.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    fn mac(&self, purpose: &[u8], parts: &[i64]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose);
        for part in parts {
            mac.update(&part.to_be_bytes());
        }
        mac
    }
}

/// The time step a moment (Unix seconds) falls in.
pub fn step_at(unix: i64) -> i64 {
    unix.div_euclid(STEP_SECONDS)
}

/// Seconds until the step of `unix` ends (1..=STEP_SECONDS), for the screen's refresh.
pub fn seconds_left(unix: i64) -> i64 {
    STEP_SECONDS - unix.rem_euclid(STEP_SECONDS)
}

/// Why a token, a code or a ticket is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    /// Not one of ours: mistyped, cut short or tampered with.
    Invalid,
    /// Ours, but from a step (or a ticket) that has passed.
    Expired,
}

/// The QR token of a session at a step: URL-safe base64 of the session id, the step and a
/// truncated MAC (32 characters).
pub fn token(key: &CheckinKey, session_id: i64, step: i64) -> String {
    let mut bytes = Vec::with_capacity(TOKEN_BYTES);
    bytes.extend_from_slice(&session_id.to_be_bytes());
    bytes.extend_from_slice(&(step as u32).to_be_bytes());
    let mac = key.mac(b"token", &[session_id, step]).finalize().into_bytes();
    bytes.extend_from_slice(&mac[..TOKEN_MAC_BYTES]);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The session a token was made for, if it is ours and from the step `now_step` or the one
/// before it.
pub fn read_token(key: &CheckinKey, token: &str, now_step: i64) -> Result<i64, CodeError> {
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).map_err(|_| CodeError::Invalid)?;
    if bytes.len() != TOKEN_BYTES {
        return Err(CodeError::Invalid);
    }
    let session_id = i64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"));
    let step = i64::from(u32::from_be_bytes(bytes[8..12].try_into().expect("4 bytes")));
    key.mac(b"token", &[session_id, step]).verify_truncated_left(&bytes[12..]).map_err(|_| CodeError::Invalid)?;
    match now_step - step {
        0 | 1 => Ok(session_id),
        // A step after now was never shown: only someone holding the key could make it.
        age if age < 0 => Err(CodeError::Invalid),
        _ => Err(CodeError::Expired),
    }
}

/// The six-digit code of a session at a step.
pub fn code(key: &CheckinKey, session_id: i64, step: i64) -> String {
    let mac = key.mac(b"code", &[session_id, step]).finalize().into_bytes();
    let n = u32::from_be_bytes(mac[..4].try_into().expect("4 bytes")) % 1_000_000;
    format!("{n:06}")
}

/// A code as typed ("482 913", "482-913") → its six digits, or None.
pub fn normalize_code(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '.').collect();
    (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// "482913" → "482 913", easier to read off a screen.
pub fn format_code(code: &str) -> String {
    if code.len() == 6 { format!("{} {}", &code[..3], &code[3..]) } else { code.to_owned() }
}

/// Whether a normalized code is the session's code of `now_step` or of the step before it.
pub fn code_matches(key: &CheckinKey, session_id: i64, typed: &str, now_step: i64) -> bool {
    [now_step, now_step - 1].into_iter().any(|step| {
        let expected = code(key, session_id, step);
        // Compared in constant time: the code is a secret of the room.
        expected.len() == typed.len() && expected.bytes().zip(typed.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    })
}

/// A ticket for `person_id` to confirm their check-in to `session_id`, issued at `issued_unix`.
pub fn ticket(key: &CheckinKey, session_id: i64, person_id: i64, issued_unix: i64) -> String {
    let mac = key.mac(b"ticket", &[session_id, person_id, issued_unix]).finalize().into_bytes();
    format!("{session_id}.{person_id}.{issued_unix}.{}", URL_SAFE_NO_PAD.encode(&mac[..16]))
}

/// The session and person of a ticket that is ours and younger than `TICKET_SECONDS`.
pub fn read_ticket(key: &CheckinKey, ticket: &str, now_unix: i64) -> Result<(i64, i64), CodeError> {
    let parts: Vec<&str> = ticket.trim().split('.').collect();
    let [session, person, issued, mac] = parts.as_slice() else {
        return Err(CodeError::Invalid);
    };
    let number = |s: &str| s.parse::<i64>().map_err(|_| CodeError::Invalid);
    let (session_id, person_id, issued_unix) = (number(session)?, number(person)?, number(issued)?);
    let mac = URL_SAFE_NO_PAD.decode(mac).map_err(|_| CodeError::Invalid)?;
    if mac.len() != 16 {
        return Err(CodeError::Invalid);
    }
    key.mac(b"ticket", &[session_id, person_id, issued_unix])
        .verify_truncated_left(&mac)
        .map_err(|_| CodeError::Invalid)?;
    match now_unix - issued_unix {
        age if age < 0 => Err(CodeError::Invalid),
        age if age > TICKET_SECONDS => Err(CodeError::Expired),
        _ => Ok((session_id, person_id)),
    }
}

/// Present, or late when the learner checks in more than `late_minutes` after the start.
pub fn mark_for(starts_at: PrimitiveDateTime, at: PrimitiveDateTime, late_minutes: u32) -> Mark {
    if at > starts_at + Duration::minutes(i64::from(late_minutes)) { Mark::Late } else { Mark::Present }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn key() -> CheckinKey {
        CheckinKey::from_secret(&"k".repeat(64))
    }

    #[test]
    fn a_token_is_accepted_in_its_step_and_the_next_only() {
        let k = key();
        let t = token(&k, 42, 1000);
        assert_eq!(t.len(), 32);
        assert_eq!(read_token(&k, &t, 1000), Ok(42));
        assert_eq!(read_token(&k, &t, 1001), Ok(42));
        assert_eq!(read_token(&k, &t, 1002), Err(CodeError::Expired));
        assert_eq!(read_token(&k, &t, 999), Err(CodeError::Invalid), "a step never shown");
    }

    #[test]
    fn a_token_cannot_be_moved_to_another_session_or_made_without_the_key() {
        let k = key();
        let t = token(&k, 42, 1000);
        let mut bytes = URL_SAFE_NO_PAD.decode(&t).unwrap();
        bytes[7] = 43;
        assert_eq!(read_token(&k, &URL_SAFE_NO_PAD.encode(&bytes), 1000), Err(CodeError::Invalid));
        let other = CheckinKey::from_secret(&"x".repeat(64));
        assert_eq!(read_token(&other, &t, 1000), Err(CodeError::Invalid));
        assert_eq!(read_token(&k, "abc", 1000), Err(CodeError::Invalid));
        assert_eq!(read_token(&k, &t[..31], 1000), Err(CodeError::Invalid));
        assert_ne!(token(&k, 42, 1000), token(&k, 42, 1001), "the token changes every step");
    }

    #[test]
    fn codes_are_six_digits_of_the_step_and_typed_loosely() {
        let k = key();
        let c = code(&k, 42, 1000);
        assert_eq!(c.len(), 6);
        assert!(c.bytes().all(|b| b.is_ascii_digit()));
        assert!(code_matches(&k, 42, &c, 1000));
        assert!(code_matches(&k, 42, &c, 1001));
        assert!(!code_matches(&k, 42, &c, 1002));
        assert_ne!(code(&k, 43, 1000), c, "another session has another code");
        assert_eq!(normalize_code(" 482 913 "), Some("482913".into()));
        assert_eq!(normalize_code("482-913"), Some("482913".into()));
        assert_eq!(normalize_code("48291"), None);
        assert_eq!(normalize_code("48291a"), None);
        assert_eq!(format_code("482913"), "482 913");
    }

    #[test]
    fn a_ticket_binds_session_and_person_for_two_minutes() {
        let k = key();
        let t = ticket(&k, 7, 99, 1_000_000);
        assert_eq!(read_ticket(&k, &t, 1_000_000 + TICKET_SECONDS), Ok((7, 99)));
        assert_eq!(read_ticket(&k, &t, 1_000_000 + TICKET_SECONDS + 1), Err(CodeError::Expired));
        let forged = t.replacen("7.99.", "7.98.", 1);
        assert_eq!(read_ticket(&k, &forged, 1_000_000), Err(CodeError::Invalid));
        assert_eq!(read_ticket(&k, "7.99", 1_000_000), Err(CodeError::Invalid));
    }

    #[test]
    fn late_is_strictly_after_the_grace_minutes() {
        let start = datetime!(2026-03-12 07:30);
        assert_eq!(mark_for(start, datetime!(2026-03-12 07:45), 15), Mark::Present);
        assert_eq!(mark_for(start, datetime!(2026-03-12 07:45:01), 15), Mark::Late);
        assert_eq!(mark_for(start, datetime!(2026-03-12 07:31), 0), Mark::Late);
    }

    #[test]
    fn steps_and_the_seconds_left() {
        assert_eq!(step_at(30), 2);
        assert_eq!(step_at(44), 2);
        assert_eq!(seconds_left(30), 15);
        assert_eq!(seconds_left(44), 1);
    }

    #[test]
    fn keys_differ_by_secret_and_hide_their_bytes() {
        let a = token(&key(), 1, 1);
        let b = token(&CheckinKey::from_secret(&"j".repeat(64)), 1, 1);
        assert_ne!(a, b);
        assert_eq!(format!("{:?}", key()), "CheckinKey(…)");
    }
}
