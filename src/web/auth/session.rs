//! What the signed and encrypted session cookie holds, behind typed accessors: the account and
//! its session version, the CSRF token, when the login happened and the session was last used,
//! the language, and flash messages waiting for the next page. Times are Unix seconds from the
//! application's clock.

use actix_session::Session;
use serde::{Deserialize, Serialize};

use crate::credentials::token::random_token;

const USER_ID: &str = "uid";
const SESSION_VERSION: &str = "sv";
const CSRF: &str = "csrf";
const SEEN: &str = "seen";
const SINCE: &str = "since";
const LANG: &str = "lang";
const FLASH: &str = "flash";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Flash {
    /// "success", "error" or "info".
    pub kind: String,
    pub text: String,
}

pub struct SessionState<'a>(pub &'a Session);

/// Whether a logged-in session may carry on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    Live,
    /// Unused for longer than the idle limit.
    Idle,
    /// Older than the absolute lifetime, however busy.
    TooOld,
}

impl SessionState<'_> {
    pub fn user(&self) -> Option<(i64, i32)> {
        let uid = self.0.get::<i64>(USER_ID).ok().flatten()?;
        let sv = self.0.get::<i32>(SESSION_VERSION).ok().flatten()?;
        Some((uid, sv))
    }

    /// Starts a logged-in session with a new identifier (no session fixation) and a new CSRF
    /// token. Flash messages and the language survive.
    pub fn log_in(&self, user_id: i64, session_version: i32, now: i64) {
        let flash = self.0.get::<Vec<Flash>>(FLASH).ok().flatten();
        let lang = self.0.get::<String>(LANG).ok().flatten();
        // clear + renew, not purge: a purged session cannot be written to again.
        self.0.clear();
        self.0.renew();
        let _ = self.0.insert(USER_ID, user_id);
        let _ = self.0.insert(SESSION_VERSION, session_version);
        let _ = self.0.insert(CSRF, random_token());
        let _ = self.0.insert(SEEN, now);
        let _ = self.0.insert(SINCE, now);
        if let Some(flash) = flash {
            let _ = self.0.insert(FLASH, flash);
        }
        if let Some(lang) = lang {
            let _ = self.0.insert(LANG, lang);
        }
    }

    pub fn set_session_version(&self, session_version: i32) {
        let _ = self.0.insert(SESSION_VERSION, session_version);
    }

    pub fn log_out(&self) {
        self.0.purge();
    }

    /// Whether the session is past its idle limit or its absolute lifetime. A live one records
    /// the visit, at most once a minute so that not every response rewrites the cookie (the idle
    /// time is then counted from up to a minute before the last visit). A session without a
    /// login time (from before it was recorded) is too old.
    pub fn liveness(&self, now: i64, idle_secs: i64, lifetime_secs: i64) -> Liveness {
        let seen = self.0.get::<i64>(SEEN).ok().flatten().unwrap_or(0);
        let since = self.0.get::<i64>(SINCE).ok().flatten().unwrap_or(0);
        if now - since > lifetime_secs {
            return Liveness::TooOld;
        }
        if now - seen > idle_secs {
            return Liveness::Idle;
        }
        if now - seen > 60 {
            let _ = self.0.insert(SEEN, now);
        }
        Liveness::Live
    }

    /// The session's CSRF token, created on first use.
    pub fn csrf_token(&self) -> String {
        if let Some(token) = self.0.get::<String>(CSRF).ok().flatten() {
            return token;
        }
        let token = random_token();
        let _ = self.0.insert(CSRF, &token);
        token
    }

    pub fn existing_csrf_token(&self) -> Option<String> {
        self.0.get::<String>(CSRF).ok().flatten()
    }

    pub fn lang(&self) -> Option<String> {
        self.0.get::<String>(LANG).ok().flatten()
    }

    pub fn set_lang(&self, lang: &str) {
        let _ = self.0.insert(LANG, lang);
    }

    pub fn push_flash(&self, kind: &str, text: String) {
        let mut flashes = self.0.get::<Vec<Flash>>(FLASH).ok().flatten().unwrap_or_default();
        flashes.push(Flash { kind: kind.to_owned(), text });
        let _ = self.0.insert(FLASH, flashes);
    }

    pub fn take_flashes(&self) -> Vec<Flash> {
        self.0.remove_as::<Vec<Flash>>(FLASH).and_then(Result::ok).unwrap_or_default()
    }
}
