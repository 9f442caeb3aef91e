//! Planning what importing a file's rows into a class would do, against the registry and the
//! class (`plan`).

use std::collections::HashMap;

use time::Date;

use super::{Column, Fields, Problem, ReadFile, ReadRow};
use crate::domain::enrolment::{self, EnrolmentStatus};
use crate::domain::names;
use crate::domain::person::{self, AdmissionDatesProblem, Status};

/// Someone already in the registry, as far as matching needs.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownPerson {
    pub id: i64,
    pub full_name: String,
    pub date_of_birth: Date,
    pub citizen_id: Option<String>,
    pub email: Option<String>,
    pub org_unit_id: i64,
    pub status: Option<Status>,
}

/// The people of the registry a file may name, and their enrolments in the class.
#[derive(Debug, Default)]
pub struct Known {
    people: Vec<KnownPerson>,
    ids: HashMap<i64, usize>,
    by_citizen_id: HashMap<String, usize>,
    by_email: HashMap<String, Vec<usize>>,
    by_birth: HashMap<Date, Vec<usize>>,
    /// person id → (enrolment id, status) in the class imported into.
    enrolments: HashMap<i64, (i64, EnrolmentStatus)>,
}

impl Known {
    /// Adds people (each once, whatever the query that found them).
    pub fn add(&mut self, people: impl IntoIterator<Item = KnownPerson>) {
        for p in people {
            if self.ids.contains_key(&p.id) {
                continue;
            }
            let i = self.people.len();
            self.ids.insert(p.id, i);
            if let Some(cid) = &p.citizen_id {
                self.by_citizen_id.insert(cid.clone(), i);
            }
            if let Some(email) = &p.email {
                self.by_email.entry(email.to_lowercase()).or_default().push(i);
            }
            self.by_birth.entry(p.date_of_birth).or_default().push(i);
            self.people.push(p);
        }
    }

    pub fn set_enrolment(&mut self, person_id: i64, enrolment_id: i64, status: EnrolmentStatus) {
        self.enrolments.insert(person_id, (enrolment_id, status));
    }

    pub fn person_ids(&self) -> Vec<i64> {
        self.people.iter().map(|p| p.id).collect()
    }

    fn by_email_and_birth(&self, email: &str, born: Date) -> Vec<&KnownPerson> {
        self.by_email
            .get(email)
            .into_iter()
            .flatten()
            .map(|i| &self.people[*i])
            .filter(|p| p.date_of_birth == born)
            .collect()
    }

    fn by_name_and_birth(&self, full_name: &str, born: Date) -> Vec<&KnownPerson> {
        let folded = names::fold(full_name);
        self.by_birth
            .get(&born)
            .into_iter()
            .flatten()
            .map(|i| &self.people[*i])
            .filter(|p| names::fold(&p.full_name) == folded)
            .collect()
    }

    /// The registry's person a row names: by citizen ID, else by email and date of birth. An
    /// email and date of birth that name someone with another citizen ID is a conflict.
    fn identify(&self, f: &Fields) -> Result<Option<&KnownPerson>, Problem> {
        if let Some(p) = f.citizen_id.as_ref().and_then(|cid| self.by_citizen_id.get(cid)) {
            return Ok(Some(&self.people[*p]));
        }
        let (Some(email), Some(born)) = (&f.email, f.date_of_birth) else { return Ok(None) };
        match self.by_email_and_birth(email, born).as_slice() {
            [] => Ok(None),
            [one] if one.citizen_id.is_some() && f.citizen_id.is_some() => {
                Err(Problem::error("import.row.email_other_citizen_id", vec![("name", one.full_name.clone())]))
            }
            [one] => Ok(Some(*one)),
            _ => Err(Problem::error("import.row.email_ambiguous", Vec::new())),
        }
    }

    /// Whether a row names no one known yet: the store then looks for people born that day,
    /// for the "same name and date of birth" warning.
    pub fn is_unmatched(&self, f: &Fields) -> bool {
        matches!(self.identify(f), Ok(None))
    }
}

/// The class a file is imported into.
#[derive(Debug, Clone)]
pub struct Target {
    /// "NTVD" or "DVM": new people get the status the program is for, unless the file says.
    pub program_code: String,
    pub capacity: usize,
    /// Learners enrolled now.
    pub enrolled: usize,
}

/// What importing does with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A person new to the registry, enrolled.
    Create,
    /// A person of the registry, enrolled.
    Enrol {
        person_id: i64,
    },
    /// A person nominated or waitlisted for the class, whose nomination is approved.
    Approve {
        person_id: i64,
        enrolment_id: i64,
    },
    Skip(Skip),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    AlreadyEnrolled,
    /// Withdrawn from this class: staff enrol them again on purpose, not by a file.
    Withdrawn,
    /// The row has errors.
    Errors,
}

impl Action {
    pub fn takes_place(self) -> bool {
        !matches!(self, Action::Skip(_))
    }

    pub fn key(self) -> &'static str {
        match self {
            Action::Create => "import.action.create",
            Action::Enrol { .. } => "import.action.enrol",
            Action::Approve { .. } => "import.action.approve",
            Action::Skip(Skip::AlreadyEnrolled) => "import.action.skip_enrolled",
            Action::Skip(Skip::Withdrawn) => "import.action.skip_withdrawn",
            Action::Skip(Skip::Errors) => "import.action.skip_errors",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PlannedRow {
    pub line: usize,
    pub fields: Fields,
    /// The status a new person gets (from the file, or the program's).
    pub status: Status,
    /// The registry's person the row was matched with: (id, full name).
    pub matched: Option<(i64, String)>,
    pub action: Action,
    pub problems: Vec<Problem>,
}

impl PlannedRow {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
    pub fn has_warnings(&self) -> bool {
        self.problems.iter().any(|p| !p.is_error())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: usize,
    pub create: usize,
    pub enrol: usize,
    pub approve: usize,
    pub skipped: usize,
    pub with_errors: usize,
    pub with_warnings: usize,
}

impl Summary {
    /// Learners the import adds to the class.
    pub fn enrolling(&self) -> usize {
        self.create + self.enrol + self.approve
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub rows: Vec<PlannedRow>,
    pub ignored_columns: Vec<String>,
}

impl Plan {
    pub fn summary(&self) -> Summary {
        let mut s = Summary { rows: self.rows.len(), ..Default::default() };
        for row in &self.rows {
            match row.action {
                Action::Create => s.create += 1,
                Action::Enrol { .. } => s.enrol += 1,
                Action::Approve { .. } => s.approve += 1,
                Action::Skip(_) => s.skipped += 1,
            }
            s.with_errors += usize::from(row.has_errors());
            s.with_warnings += usize::from(row.has_warnings());
        }
        s
    }
}

/// What importing the rows would do, row by row in file order: who each row is, the checks
/// against the registry and the class, and the places left (rows past the capacity are errors).
pub fn plan(file: ReadFile, known: &Known, target: &Target) -> Plan {
    let default_status = match target.program_code.as_str() {
        enrolment::NEW_MEMBER_PROGRAM => Status::Probationary,
        _ => Status::Candidate,
    };
    // Who earlier rows were, to find a person twice in one file.
    let mut seen_citizen_ids: HashMap<String, usize> = HashMap::new();
    let mut seen_emails: HashMap<(String, Date), usize> = HashMap::new();
    let mut seen_people: HashMap<i64, usize> = HashMap::new();
    let mut taken = 0usize;
    let mut rows = Vec::with_capacity(file.rows.len());
    for ReadRow { line, fields: f, mut problems } in file.rows {
        let (matched, identified) = match known.identify(&f) {
            Ok(found) => (found, true),
            Err(problem) => {
                problems.push(problem);
                (None, false)
            }
        };

        let mut first_seen = None;
        if let Some(cid) = &f.citizen_id {
            first_seen = first_seen.or(seen_citizen_ids.get(cid).copied());
            seen_citizen_ids.entry(cid.clone()).or_insert(line);
        }
        if let (Some(email), Some(born)) = (&f.email, f.date_of_birth) {
            first_seen = first_seen.or(seen_emails.get(&(email.clone(), born)).copied());
            seen_emails.entry((email.clone(), born)).or_insert(line);
        }
        if let Some(p) = matched {
            first_seen = first_seen.or(seen_people.get(&p.id).copied());
            seen_people.entry(p.id).or_insert(line);
        }
        if let Some(first) = first_seen {
            problems.push(Problem::error("import.row.duplicate", vec![("line", first.to_string())]));
        }

        let status = match matched {
            Some(p) => p.status.unwrap_or(default_status),
            None => f.status.unwrap_or(default_status),
        };
        match matched {
            Some(p) => {
                if names::fold(&p.full_name) != names::fold(&f.full_name) {
                    problems.push(Problem::warning("import.row.name_differs", vec![("name", p.full_name.clone())]));
                }
                if f.org_unit_id.is_some_and(|u| u != p.org_unit_id) {
                    problems.push(Problem::warning("import.row.cell_differs", Vec::new()));
                }
            }
            // Who the row is remains open: the checks of a new person would only add noise.
            None if !identified => {}
            None => {
                if f.sex.is_none() && !problems.iter().any(|p| p.key == "import.row.sex") {
                    problems.push(Problem::error("import.row.required", vec![("column", Column::Sex.header().into())]));
                }
                if f.hometown.is_empty() {
                    problems.push(Problem::error(
                        "import.row.required",
                        vec![("column", Column::Hometown.header().into())],
                    ));
                }
                for problem in person::admission_dates_problems(status, f.admission_decision_date, f.ceremony_date) {
                    let key = match problem {
                        AdmissionDatesProblem::DecisionMissing => "import.row.decision_missing",
                        AdmissionDatesProblem::CeremonyMissing => "import.row.ceremony_missing",
                        AdmissionDatesProblem::NotAdmitted => "import.row.not_admitted",
                        AdmissionDatesProblem::CeremonyBeforeDecision => "import.row.ceremony_before_decision",
                    };
                    problems.push(Problem::error(key, Vec::new()));
                }
                if let Some(born) = f.date_of_birth {
                    let same = known.by_name_and_birth(&f.full_name, born);
                    if !same.is_empty() {
                        let names: Vec<&str> = same.iter().map(|p| p.full_name.as_str()).collect();
                        problems
                            .push(Problem::warning("import.row.same_name_birth", vec![("names", names.join(", "))]));
                    }
                }
            }
        }
        if enrolment::program_for(status) != Some(target.program_code.as_str()) {
            problems.push(Problem::warning("import.row.not_for_program", Vec::new()));
        }

        let in_class = matched.and_then(|p| known.enrolments.get(&p.id).map(|e| (p.id, *e)));
        let mut action = match (matched, in_class) {
            (_, Some((_, (_, EnrolmentStatus::Enrolled)))) => {
                problems.push(Problem::warning("import.row.already_enrolled", Vec::new()));
                Action::Skip(Skip::AlreadyEnrolled)
            }
            (_, Some((_, (_, EnrolmentStatus::Withdrawn)))) => {
                problems.push(Problem::warning("import.row.withdrawn", Vec::new()));
                Action::Skip(Skip::Withdrawn)
            }
            (_, Some((person_id, (enrolment_id, EnrolmentStatus::Nominated | EnrolmentStatus::Waitlisted)))) => {
                Action::Approve { person_id, enrolment_id }
            }
            (_, Some((person_id, (_, EnrolmentStatus::Rejected)))) => {
                problems.push(Problem::warning("import.row.previously_rejected", Vec::new()));
                Action::Enrol { person_id }
            }
            (Some(p), None) => Action::Enrol { person_id: p.id },
            (None, _) => Action::Create,
        };
        if problems.iter().any(Problem::is_error) {
            action = Action::Skip(Skip::Errors);
        } else if action.takes_place() {
            if target.enrolled + taken >= target.capacity {
                problems
                    .push(Problem::error("import.row.over_capacity", vec![("capacity", target.capacity.to_string())]));
                action = Action::Skip(Skip::Errors);
            } else {
                taken += 1;
            }
        }
        rows.push(PlannedRow {
            line,
            matched: matched.map(|p| (p.id, p.full_name.clone())),
            fields: f,
            status,
            action,
            problems,
        });
    }
    Plan { rows, ignored_columns: file.ignored_columns }
}

/// The identifiers the rows name, for the store to look people up by.
pub fn citizen_ids(file: &ReadFile) -> Vec<String> {
    file.rows.iter().filter_map(|r| r.fields.citizen_id.clone()).collect()
}

pub fn emails(file: &ReadFile) -> Vec<String> {
    file.rows.iter().filter_map(|r| r.fields.email.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read as read_table;
    use crate::import::roster::fixtures::{HEADER, TODAY, cells, file};
    use crate::import::roster::read;
    use time::macros::date;

    fn target(capacity: usize, enrolled: usize) -> Target {
        Target { program_code: "NTVD".into(), capacity, enrolled }
    }

    fn keys(row: &PlannedRow) -> Vec<&'static str> {
        row.problems.iter().map(|p| p.key).collect()
    }

    fn known_hang() -> Known {
        let mut known = Known::default();
        known.add([KnownPerson {
            id: 7,
            full_name: "Nguyễn Thị Hằng".into(),
            date_of_birth: date!(1998 - 06 - 05),
            citizen_id: Some("066198012345".into()),
            email: Some("hang@example.vn".into()),
            org_unit_id: 8,
            status: Some(Status::Candidate),
        }]);
        known
    }

    #[test]
    fn people_are_matched_by_citizen_id_else_email_and_birth() {
        let known = known_hang();
        let f = file(concat!(
            "Nguyen Thi Hang,05/06/1998,Nữ,Ea Kar,066198012345,,Chi bộ Trường THPT Chu Văn An\n",
            "Nguyễn Thị Hằng,05/06/1998,Nữ,Ea Kar,,HANG@example.vn,Chi bộ Trường THPT Chu Văn An\n",
            "Nguyễn Thị Hằng,05/06/1998,Nữ,Ea Kar,001198000001,hang@example.vn,Chi bộ Trường THPT Chu Văn An\n",
            "Nguyễn Thị Hằng,05/06/1998,Nữ,Ea Kar,001198000002,,Chi bộ Trường THPT Chu Văn An\n",
        ));
        let plan = plan(f, &known, &target(40, 0));
        assert_eq!(plan.rows[0].action, Action::Enrol { person_id: 7 });
        assert!(plan.rows[0].problems.is_empty(), "the same name without diacritics: {:?}", plan.rows[0].problems);
        assert_eq!(plan.rows[1].action, Action::Skip(Skip::Errors));
        assert_eq!(keys(&plan.rows[1]), vec!["import.row.duplicate"], "the same person twice in the file");
        assert_eq!(keys(&plan.rows[2]), vec!["import.row.email_other_citizen_id", "import.row.duplicate"]);
        assert_eq!(plan.rows[3].action, Action::Create);
        assert_eq!(keys(&plan.rows[3]), vec!["import.row.same_name_birth"]);
    }

    #[test]
    fn the_class_decides_what_happens_to_known_people() {
        let mut known = known_hang();
        let row = "Nguyễn Thị Hằng,05/06/1998,Nữ,Ea Kar,066198012345,,Chi bộ Trường THPT Chu Văn An\n";
        for (status, action, key) in [
            (EnrolmentStatus::Enrolled, Action::Skip(Skip::AlreadyEnrolled), Some("import.row.already_enrolled")),
            (EnrolmentStatus::Withdrawn, Action::Skip(Skip::Withdrawn), Some("import.row.withdrawn")),
            (EnrolmentStatus::Nominated, Action::Approve { person_id: 7, enrolment_id: 3 }, None),
            (EnrolmentStatus::Waitlisted, Action::Approve { person_id: 7, enrolment_id: 3 }, None),
            (EnrolmentStatus::Rejected, Action::Enrol { person_id: 7 }, Some("import.row.previously_rejected")),
        ] {
            known.set_enrolment(7, 3, status);
            let plan = plan(file(row), &known, &target(40, 0));
            assert_eq!(plan.rows[0].action, action, "{status:?}");
            assert_eq!(keys(&plan.rows[0]), key.into_iter().collect::<Vec<_>>(), "{status:?}");
        }
    }

    #[test]
    fn rows_past_the_capacity_are_errors() {
        let f = file(concat!(
            "Lê Văn An,01/01/2000,Nam,Ea Kar,066200000001,,Chi bộ Trường THPT Chu Văn An\n",
            "Lê Văn Bình,01/01/2000,Nam,Ea Kar,066200000002,,Chi bộ Trường THPT Chu Văn An\n",
            "Lê Văn Cường,01/01/2000,Nam,Ea Kar,066200000003,,Chi bộ Trường THPT Chu Văn An\n",
        ));
        let plan = plan(f, &Known::default(), &target(40, 38));
        let actions: Vec<Action> = plan.rows.iter().map(|r| r.action).collect();
        assert_eq!(actions, vec![Action::Create, Action::Create, Action::Skip(Skip::Errors)]);
        assert_eq!(keys(&plan.rows[2]), vec!["import.row.over_capacity"]);
        let summary = plan.summary();
        assert_eq!((summary.create, summary.skipped, summary.with_errors, summary.enrolling()), (2, 1, 1, 2));
    }

    #[test]
    fn new_members_need_their_admission_dates() {
        let table = read_table(
            format!(
                "{}Trần Văn Nam,01/01/1995,Nam,Ea Kar,066095000001,,Chi bộ thôn 1 — Đảng bộ xã Ea Kar,Đảng viên dự bị,,\n\
                 Trần Văn Sơn,01/01/1995,Nam,Ea Kar,066095000002,,Chi bộ thôn 1 — Đảng bộ xã Ea Kar,,01/03/2026,15/03/2026\n",
                HEADER.trim_end().to_owned() + ",Đối tượng,Ngày quyết định kết nạp,Ngày lễ kết nạp\n"
            )
            .as_bytes(),
        )
        .unwrap();
        let read = read(&table, &cells(), TODAY).unwrap();
        let dvm = Target { program_code: "DVM".into(), capacity: 40, enrolled: 0 };
        let plan = plan(read, &Known::default(), &dvm);
        assert_eq!(keys(&plan.rows[0]), vec!["import.row.decision_missing", "import.row.ceremony_missing"]);
        assert_eq!(plan.rows[1].status, Status::Probationary, "the program's status when the file does not say");
        assert_eq!(plan.rows[1].action, Action::Create);
    }
}
