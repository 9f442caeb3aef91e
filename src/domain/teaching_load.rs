//! Teaching load (khối lượng giảng dạy): how many sessions and periods each teacher — a
//! lecturer with an account or a guest speaker — has in the plan, per month and per year. The
//! school pays and reports by these figures, so they are counted from the sessions as planned,
//! including those not yet taught.

use std::collections::BTreeMap;

use time::Date;

/// Who teaches a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Teacher {
    Lecturer(i64),
    Guest(i64),
}

/// One session as the load counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taught {
    pub teacher: Teacher,
    pub day: Date,
    pub periods: i32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub sessions: u32,
    pub periods: i64,
}

impl Totals {
    fn add(&mut self, periods: i32) {
        self.sessions += 1;
        self.periods += i64::from(periods.max(0));
    }
}

/// The load of one year: per teacher and month (1–12), and per teacher for the whole year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Load {
    pub by_month: BTreeMap<(Teacher, u8), Totals>,
    pub by_year: BTreeMap<Teacher, Totals>,
}

/// Adds up the sessions of `year`; sessions of other years are left out. With `month`, the
/// monthly figures keep only that month (the yearly ones stay whole, for comparison).
pub fn load(sessions: &[Taught], year: i32, month: Option<u8>) -> Load {
    let mut out = Load::default();
    for s in sessions.iter().filter(|s| s.day.year() == year) {
        let m = u8::from(s.day.month());
        out.by_year.entry(s.teacher).or_default().add(s.periods);
        if month.is_none_or(|wanted| wanted == m) {
            out.by_month.entry((s.teacher, m)).or_default().add(s.periods);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn sessions_and_periods_add_up_per_month_and_year() {
        let tuan = Teacher::Lecturer(3);
        let guest = Teacher::Guest(1);
        let sessions = [
            Taught { teacher: tuan, day: date!(2026 - 03 - 16), periods: 5 },
            Taught { teacher: tuan, day: date!(2026 - 03 - 16), periods: 5 },
            Taught { teacher: tuan, day: date!(2026 - 03 - 31), periods: 3 },
            Taught { teacher: tuan, day: date!(2026 - 04 - 01), periods: 5 },
            Taught { teacher: guest, day: date!(2026 - 04 - 02), periods: 5 },
            // Another year is not counted.
            Taught { teacher: tuan, day: date!(2025 - 12 - 31), periods: 5 },
        ];
        let all = load(&sessions, 2026, None);
        assert_eq!(all.by_month[&(tuan, 3)], Totals { sessions: 3, periods: 13 });
        assert_eq!(all.by_month[&(tuan, 4)], Totals { sessions: 1, periods: 5 });
        assert_eq!(all.by_month[&(guest, 4)], Totals { sessions: 1, periods: 5 });
        assert_eq!(all.by_year[&tuan], Totals { sessions: 4, periods: 18 });
        assert_eq!(all.by_year.len(), 2);
        assert_eq!(all.by_month.len(), 3);

        let april = load(&sessions, 2026, Some(4));
        assert_eq!(april.by_month.len(), 2, "only April's rows");
        assert_eq!(april.by_year[&tuan], Totals { sessions: 4, periods: 18 }, "the year stays whole");
        assert!(load(&sessions, 2024, None).by_year.is_empty());
    }
}
