//! The time the application goes by for sessions, one-time passwords, account links and login
//! throttling. In production it is the system clock; tests move it forward instead of sleeping
//! (`Clock::advance`), so a 60-minute idle limit is tested at 60 minutes and one second.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime, PrimitiveDateTime};

/// The system clock plus an offset that only tests change. Cheap to clone; clones share the
/// offset, so every part of one application (and a second instance built from the same
/// configuration) sees the same time.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_millis: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + Duration::milliseconds(self.offset_millis.load(Ordering::Relaxed))
    }

    /// Now as stored in the database: UTC without an offset.
    pub fn now_utc(&self) -> PrimitiveDateTime {
        let now = self.now();
        PrimitiveDateTime::new(now.date(), now.time())
    }

    /// Now as a wall clock in Vietnam reads it (Asia/Ho_Chi_Minh, UTC+7 all year): what session
    /// times are compared with.
    pub fn local_now(&self) -> PrimitiveDateTime {
        let local = self.now().to_offset(time::macros::offset!(+7));
        PrimitiveDateTime::new(local.date(), local.time())
    }

    /// Today in Vietnam.
    pub fn today(&self) -> time::Date {
        self.local_now().date()
    }

    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Moves this clock (and every clone of it) forward; for tests.
    pub fn advance(&self, by: std::time::Duration) {
        let millis = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_millis.fetch_add(millis, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_offset() {
        let clock = Clock::default();
        let other = clock.clone();
        let before = other.unix();
        clock.advance(std::time::Duration::from_secs(3600));
        let after = other.unix();
        assert!((3600..3610).contains(&(after - before)), "{before} → {after}");
    }
}
