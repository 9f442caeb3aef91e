//! Login throttling: failed attempts are counted per account and per address over a window;
//! past the limit, further attempts are refused until the window has passed. Counting failures
//! (not requests) means a user who logs in correctly is never slowed down.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Throttle {
    window: Duration,
    max_per_account: usize,
    max_per_address: usize,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Throttle {
    pub fn new(window: Duration, max_per_account: u32, max_per_address: u32) -> Self {
        Self {
            window,
            max_per_account: max_per_account as usize,
            max_per_address: max_per_address as usize,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// When the account or the address is throttled, the minutes left to wait.
    pub fn blocked_for(&self, account: &str, address: &str) -> Option<u64> {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("throttle lock");
        let mut wait = None;
        for (key, max) in [(account_key(account), self.max_per_account), (address_key(address), self.max_per_address)] {
            if let Some(times) = failures.get_mut(&key) {
                times.retain(|t| now.duration_since(*t) < self.window);
                if times.len() >= max
                    && let Some(oldest) = times.first()
                {
                    let left = self.window.saturating_sub(now.duration_since(*oldest));
                    let minutes = left.as_secs().div_ceil(60).max(1);
                    wait = Some(wait.map_or(minutes, |w: u64| w.max(minutes)));
                }
            }
        }
        wait
    }

    pub fn record_failure(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("throttle lock");
        if failures.len() > 100_000 {
            // Bounded memory under a spray of addresses: forget entries whose window passed.
            failures.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        for key in [account_key(account), address_key(address)] {
            failures.entry(key).or_default().push(now);
        }
    }

    pub fn record_success(&self, account: &str) {
        self.failures.lock().expect("throttle lock").remove(&account_key(account));
    }
}

fn account_key(account: &str) -> String {
    format!("a:{}", account.trim().to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("i:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_is_blocked_after_max_failures() {
        let t = Throttle::new(Duration::from_secs(900), 3, 100);
        for _ in 0..2 {
            t.record_failure("A@x.vn", "1.2.3.4");
        }
        assert_eq!(t.blocked_for("a@x.vn", "1.2.3.4"), None);
        t.record_failure("a@x.vn", "5.6.7.8");
        assert_eq!(t.blocked_for("a@x.vn", "9.9.9.9"), Some(15));
        assert_eq!(t.blocked_for("b@x.vn", "9.9.9.9"), None);
    }

    #[test]
    fn address_is_blocked_across_accounts() {
        let t = Throttle::new(Duration::from_secs(600), 100, 3);
        for i in 0..3 {
            t.record_failure(&format!("u{i}@x.vn"), "1.2.3.4");
        }
        assert_eq!(t.blocked_for("new@x.vn", "1.2.3.4"), Some(10));
        assert_eq!(t.blocked_for("new@x.vn", "4.3.2.1"), None);
    }

    #[test]
    fn success_clears_the_account() {
        let t = Throttle::new(Duration::from_secs(600), 2, 100);
        t.record_failure("a@x.vn", "1.1.1.1");
        t.record_success("a@x.vn");
        t.record_failure("a@x.vn", "1.1.1.1");
        assert_eq!(t.blocked_for("a@x.vn", "1.1.1.1"), None);
    }

    #[test]
    fn window_expires() {
        let t = Throttle::new(Duration::from_millis(30), 1, 100);
        t.record_failure("a@x.vn", "1.1.1.1");
        assert!(t.blocked_for("a@x.vn", "1.1.1.1").is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(t.blocked_for("a@x.vn", "1.1.1.1"), None);
    }
}
