//! How many requests one token may make: `PER_MINUTE` in each clock minute, then 429 with
//! `Retry-After` until the next minute. Counted in memory per instance, keyed by the token's
//! hash (never the token), which is enough to stop a runaway integration from crowding out the
//! pages; several instances each allow their own share.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// Requests per token per minute: a sync job reading a thousand people a page at a time stays
/// well inside it.
pub const PER_MINUTE: u32 = 300;

/// Counts per key within the current minute.
#[derive(Debug, Default)]
pub struct Limiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl Limiter {
    /// Counts one request of `key` at `now` (Unix seconds). `Err` carries the seconds to wait.
    pub fn admit(&self, key: &str, now: i64, per_minute: u32) -> Result<(), i64> {
        let minute = now.div_euclid(60);
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > 10_000 {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let entry = windows.entry(key.to_owned()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= per_minute {
            return Err((minute + 1) * 60 - now);
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The instance's limiter.
pub static TOKENS: LazyLock<Limiter> = LazyLock::new(Limiter::default);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_share_each_minute_and_waits_for_the_next() {
        let limiter = Limiter::default();
        let start = 30_000_000 * 60 + 10; // ten seconds into a minute
        for _ in 0..3 {
            assert_eq!(limiter.admit("a", start, 3), Ok(()));
        }
        assert_eq!(limiter.admit("a", start + 5, 3), Err(45), "until the next minute");
        assert_eq!(limiter.admit("b", start + 5, 3), Ok(()), "each key counts apart");
        assert_eq!(limiter.admit("a", start + 50, 3), Ok(()), "a new minute");
    }
}
