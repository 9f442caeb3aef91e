//! A class (lớp/khóa) of a program: how schools name it ("Khóa II năm 2026") and the status it
//! moves through — forward only, each step guarded by what the next one needs.

use time::{Date, PrimitiveDateTime};

/// The roman numeral schools write a class's ordinal with ("Khóa II", "Khóa XIV").
pub fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

/// "Khóa II năm 2026": the class's own name within its program.
pub fn short_name(ordinal: i32, year: i32) -> String {
    format!("Khóa {} năm {year}", roman(ordinal.max(1) as u32))
}

/// "Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026", as documents and emails write it.
pub fn full_name(program_name: &str, ordinal: i32, year: i32) -> String {
    format!("{program_name} khóa {} năm {year}", roman(ordinal.max(1) as u32))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClassStatus {
    /// Being prepared: dates, venue, session plan.
    Draft,
    /// Open for secretaries' nominations.
    Nominating,
    /// Sessions are being taught; attendance is taken.
    Running,
    /// Teaching is over; essays are marked. Attendance is frozen (amendments only, with a reason).
    Assessing,
    /// Results are recognised by decision and locked (amendments only, with a reason).
    Locked,
    /// Certificates issued; the class is archived.
    Closed,
}

impl ClassStatus {
    pub const ALL: [ClassStatus; 6] = [
        ClassStatus::Draft,
        ClassStatus::Nominating,
        ClassStatus::Running,
        ClassStatus::Assessing,
        ClassStatus::Locked,
        ClassStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClassStatus::Draft => "draft",
            ClassStatus::Nominating => "nominating",
            ClassStatus::Running => "running",
            ClassStatus::Assessing => "assessing",
            ClassStatus::Locked => "locked",
            ClassStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_key(self) -> String {
        format!("class.status.{}", self.code())
    }

    /// The one status this one may move to.
    pub fn next(self) -> Option<Self> {
        match self {
            ClassStatus::Draft => Some(ClassStatus::Nominating),
            ClassStatus::Nominating => Some(ClassStatus::Running),
            ClassStatus::Running => Some(ClassStatus::Assessing),
            ClassStatus::Assessing => Some(ClassStatus::Locked),
            ClassStatus::Locked => Some(ClassStatus::Closed),
            ClassStatus::Closed => None,
        }
    }

    /// Whether secretaries may nominate their people.
    pub fn takes_nominations(self) -> bool {
        self == ClassStatus::Nominating
    }

    /// Whether the session plan may still change (dates, rooms, teachers).
    pub fn plan_editable(self) -> bool {
        matches!(self, ClassStatus::Draft | ClassStatus::Nominating | ClassStatus::Running)
    }

    /// Whether attendance is taken as usual; later it changes only by an audited amendment.
    pub fn attendance_open(self) -> bool {
        self == ClassStatus::Running
    }

    /// Whether essay scores are entered as usual; once locked they change only by amendment.
    pub fn results_open(self) -> bool {
        matches!(self, ClassStatus::Running | ClassStatus::Assessing)
    }
}

/// What the guards look at, gathered by the store.
#[derive(Debug, Clone, Default)]
pub struct ClassFacts {
    pub sessions: usize,
    /// Sessions without a room.
    pub sessions_without_room: usize,
    /// Sessions with neither a lecturer nor a guest speaker.
    pub sessions_without_teacher: usize,
    /// When the last session ends (local time), if there are sessions.
    pub last_session_ends: Option<PrimitiveDateTime>,
    pub enrolled: usize,
    /// Nominations not yet decided (nominated, not approved, rejected or waitlisted).
    pub undecided_nominations: usize,
    pub opening_decision: bool,
    pub results_decision: bool,
    /// Enrolled learners without a final result (a score, "absent from the essay", or
    /// "not eligible").
    pub results_missing: usize,
    /// Passing learners without a valid certificate.
    pub certificates_missing: usize,
}

/// Why a class may not move on yet; each becomes a sentence for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    NoSessions,
    SessionsWithoutRoom(usize),
    SessionsWithoutTeacher(usize),
    NoOpeningDecision,
    NoLearners,
    UndecidedNominations(usize),
    SessionsNotOver(PrimitiveDateTime),
    ResultsMissing(usize),
    NoResultsDecision,
    CertificatesMissing(usize),
}

/// What stands in the way of moving from `from` to its next status, now. Empty: it may move.
pub fn blockers(from: ClassStatus, facts: &ClassFacts, now: PrimitiveDateTime) -> Vec<Blocker> {
    let mut out = Vec::new();
    match from {
        ClassStatus::Draft => {
            if facts.sessions == 0 {
                out.push(Blocker::NoSessions);
            }
        }
        ClassStatus::Nominating => {
            if facts.sessions == 0 {
                out.push(Blocker::NoSessions);
            }
            if facts.sessions_without_room > 0 {
                out.push(Blocker::SessionsWithoutRoom(facts.sessions_without_room));
            }
            if facts.sessions_without_teacher > 0 {
                out.push(Blocker::SessionsWithoutTeacher(facts.sessions_without_teacher));
            }
            if !facts.opening_decision {
                out.push(Blocker::NoOpeningDecision);
            }
            if facts.enrolled == 0 {
                out.push(Blocker::NoLearners);
            }
            if facts.undecided_nominations > 0 {
                out.push(Blocker::UndecidedNominations(facts.undecided_nominations));
            }
        }
        ClassStatus::Running => match facts.last_session_ends {
            Some(end) if end > now => out.push(Blocker::SessionsNotOver(end)),
            Some(_) => {}
            None => out.push(Blocker::NoSessions),
        },
        ClassStatus::Assessing => {
            if facts.results_missing > 0 {
                out.push(Blocker::ResultsMissing(facts.results_missing));
            }
            if !facts.results_decision {
                out.push(Blocker::NoResultsDecision);
            }
        }
        ClassStatus::Locked => {
            if facts.certificates_missing > 0 {
                out.push(Blocker::CertificatesMissing(facts.certificates_missing));
            }
        }
        ClassStatus::Closed => {}
    }
    out
}

/// Checks a class's dates: the last day is not before the first, and a class lasts at most a
/// few weeks (a typo in the year would otherwise plan a class over a year).
pub fn dates_problem(first_day: Date, last_day: Date) -> Option<&'static str> {
    if last_day < first_day {
        Some("class.error.last_before_first")
    } else if (last_day - first_day).whole_days() > 60 {
        Some("class.error.too_long")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn roman_numerals() {
        let cases = [(1, "I"), (2, "II"), (4, "IV"), (9, "IX"), (14, "XIV"), (40, "XL"), (1994, "MCMXCIV")];
        for (n, r) in cases {
            assert_eq!(roman(n), r, "{n}");
        }
        assert_eq!(short_name(2, 2026), "Khóa II năm 2026");
        assert_eq!(
            full_name("Lớp bồi dưỡng nhận thức về Đảng", 2, 2026),
            "Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026"
        );
    }

    #[test]
    fn status_moves_forward_only_and_round_trips() {
        let mut s = ClassStatus::Draft;
        let mut seen = vec![s];
        while let Some(next) = s.next() {
            assert!(next > s);
            s = next;
            seen.push(s);
        }
        assert_eq!(seen, ClassStatus::ALL);
        for s in ClassStatus::ALL {
            assert_eq!(ClassStatus::parse(s.code()), Some(s));
        }
        assert!(ClassStatus::Nominating.takes_nominations() && !ClassStatus::Running.takes_nominations());
        assert!(ClassStatus::Running.attendance_open() && !ClassStatus::Assessing.attendance_open());
        assert!(ClassStatus::Assessing.results_open() && !ClassStatus::Locked.results_open());
    }

    #[test]
    fn each_step_has_its_guards() {
        let now = datetime!(2026-03-20 12:00);
        let empty = ClassFacts::default();
        assert_eq!(blockers(ClassStatus::Draft, &empty, now), vec![Blocker::NoSessions]);

        let ready = ClassFacts { sessions: 10, enrolled: 40, opening_decision: true, ..Default::default() };
        assert!(blockers(ClassStatus::Nominating, &ready, now).is_empty());
        let not_ready = ClassFacts {
            sessions_without_room: 2,
            sessions_without_teacher: 1,
            opening_decision: false,
            enrolled: 0,
            undecided_nominations: 3,
            ..ready.clone()
        };
        assert_eq!(
            blockers(ClassStatus::Nominating, &not_ready, now),
            vec![
                Blocker::SessionsWithoutRoom(2),
                Blocker::SessionsWithoutTeacher(1),
                Blocker::NoOpeningDecision,
                Blocker::NoLearners,
                Blocker::UndecidedNominations(3),
            ]
        );

        let running = ClassFacts { last_session_ends: Some(datetime!(2026-03-20 17:00)), ..ready.clone() };
        assert_eq!(
            blockers(ClassStatus::Running, &running, now),
            vec![Blocker::SessionsNotOver(datetime!(2026-03-20 17:00))]
        );
        assert!(blockers(ClassStatus::Running, &running, datetime!(2026-03-20 17:00)).is_empty());

        let assessing = ClassFacts { results_missing: 4, ..ready.clone() };
        assert_eq!(
            blockers(ClassStatus::Assessing, &assessing, now),
            vec![Blocker::ResultsMissing(4), Blocker::NoResultsDecision]
        );
        let locked = ClassFacts { certificates_missing: 1, ..ready };
        assert_eq!(blockers(ClassStatus::Locked, &locked, now), vec![Blocker::CertificatesMissing(1)]);
    }

    #[test]
    fn class_dates() {
        assert_eq!(dates_problem(date!(2026 - 03 - 16), date!(2026 - 03 - 20)), None);
        assert_eq!(dates_problem(date!(2026 - 03 - 16), date!(2026 - 03 - 15)), Some("class.error.last_before_first"));
        assert_eq!(dates_problem(date!(2026 - 03 - 16), date!(2027 - 03 - 20)), Some("class.error.too_long"));
    }
}
