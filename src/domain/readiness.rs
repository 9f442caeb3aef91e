//! The readiness checklist of an admission or recognition dossier (domain rules §5): one row per
//! step, in order, each done, not needed, missing or expired, and the dossier's state — ready,
//! missing N items, certificate expired, or documents expired.
//!
//! What is judged against the chi bộ's planned meeting (or today when none is planned):
//! - the course certificate, which the app owns and nobody ticks by hand: valid, missing, or
//!   expired when its first invalid day (`expires_on`) is on or before the meeting day;
//! - the documents that lapse (introductions, the Youth Union or trade-union resolution, the
//!   summaries of opinions): redone when the chi bộ has not considered the candidate within 12
//!   months, so one done on D is expired on a meeting on or after D + 12 months.
//!
//! Who introduces the candidate is not a choice (Điều lệ Art. 4.1): a Youth Union member of youth
//! age (16 to 30, counted to the day) in a unit with a Youth Union is introduced by one member and
//! the Youth Union's committee; in a unit with no Youth Union but a trade union, by one member and
//! the trade union's committee; anyone else by two official members.
//!
//! The steps from the chi bộ's resolution on are what the meeting decides; they are shown but do
//! not count towards the dossier being ready for it.

use serde::Serialize;
use time::Date;

use super::certificate::{CertificateStatus, register_number};
use super::person::{Status, add_months, age_in_months};

/// Documents that lapse are redone after this many months without a decision.
pub const LAPSE_MONTHS: i32 = 12;
/// Youth age (Luật Thanh niên 2020): from 16 until the 31st birthday.
pub const YOUTH_FROM_MONTHS: i32 = 16 * 12;
pub const YOUTH_UNTIL_MONTHS: i32 = 31 * 12;
/// The first step the chi bộ's meeting itself produces; it and the steps after it are outcomes.
pub const MEETING_STEP_CODE: &str = "cell_resolution";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathKind {
    Admission,
    Recognition,
}

impl PathKind {
    pub fn code(self) -> &'static str {
        match self {
            PathKind::Admission => "admission",
            PathKind::Recognition => "recognition",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        [PathKind::Admission, PathKind::Recognition].into_iter().find(|p| p.code() == code)
    }
    /// Candidates follow the admission path; members the recognition path.
    pub fn for_status(status: Status) -> Self {
        match status {
            Status::Candidate => PathKind::Admission,
            Status::Probationary | Status::Official => PathKind::Recognition,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Manual,
    Certificate,
    MembersIntroduction,
    OrganisationIntroduction,
    AdmissionDecision,
    Ceremony,
}

impl StepKind {
    pub const ALL: [StepKind; 6] = [
        StepKind::Manual,
        StepKind::Certificate,
        StepKind::MembersIntroduction,
        StepKind::OrganisationIntroduction,
        StepKind::AdmissionDecision,
        StepKind::Ceremony,
    ];
    pub fn code(self) -> &'static str {
        match self {
            StepKind::Manual => "manual",
            StepKind::Certificate => "certificate",
            StepKind::MembersIntroduction => "members_introduction",
            StepKind::OrganisationIntroduction => "organisation_introduction",
            StepKind::AdmissionDecision => "admission_decision",
            StepKind::Ceremony => "ceremony",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    /// Whether the secretary records this step (the others come from the certificates or the
    /// person's own dates).
    pub fn recorded_by_hand(self) -> bool {
        matches!(self, StepKind::Manual | StepKind::MembersIntroduction | StepKind::OrganisationIntroduction)
    }
}

/// One step of a path, as the admin set it.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub id: i64,
    pub position: i32,
    pub code: String,
    pub label: String,
    pub form_code: Option<String>,
    pub kind: StepKind,
    pub program_code: Option<String>,
    pub lapses: bool,
    pub required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Done,
    NotNeeded,
}

impl ItemStatus {
    pub fn code(self) -> &'static str {
        match self {
            ItemStatus::Done => "done",
            ItemStatus::NotNeeded => "not_needed",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        [ItemStatus::Done, ItemStatus::NotNeeded].into_iter().find(|s| s.code() == code)
    }
}

/// What the secretary recorded for a step.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub step_id: i64,
    pub status: ItemStatus,
    pub done_on: Option<Date>,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<time::PrimitiveDateTime>,
    pub version: i32,
}

/// What the checklist needs to know of the person and their unit.
#[derive(Debug, Clone)]
pub struct Facts {
    pub status: Status,
    pub date_of_birth: Date,
    pub youth_union_member: bool,
    pub unit_has_youth_union: bool,
    pub unit_has_trade_union: bool,
    pub planned_meeting_on: Option<Date>,
    pub admission_decision_date: Option<Date>,
    pub ceremony_date: Option<Date>,
}

/// One of the person's certificates.
#[derive(Debug, Clone)]
pub struct CertificateFact {
    pub program_code: String,
    pub year: i32,
    pub number: i32,
    pub issued_on: Date,
    pub expires_on: Option<Date>,
    pub status: CertificateStatus,
}

/// Who introduces the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Introduction {
    /// Two official members.
    Members,
    /// One official member and the Youth Union's committee (BCH Đoàn cơ sở).
    YouthUnion,
    /// One official member and the trade union's committee (BCH Công đoàn cơ sở).
    TradeUnion,
}

impl Introduction {
    pub fn code(self) -> &'static str {
        match self {
            Introduction::Members => "members",
            Introduction::YouthUnion => "youth_union",
            Introduction::TradeUnion => "trade_union",
        }
    }
    /// How many official members sign an introduction.
    pub fn members_needed(self) -> u8 {
        match self {
            Introduction::Members => 2,
            Introduction::YouthUnion | Introduction::TradeUnion => 1,
        }
    }
}

pub fn is_youth_age(birth: Date, on: Date) -> bool {
    (YOUTH_FROM_MONTHS..YOUTH_UNTIL_MONTHS).contains(&age_in_months(birth, on))
}

/// Who must introduce the candidate, judged on `on` (the meeting day).
pub fn introduction(facts: &Facts, on: Date) -> Introduction {
    if facts.unit_has_youth_union && facts.youth_union_member && is_youth_age(facts.date_of_birth, on) {
        Introduction::YouthUnion
    } else if !facts.unit_has_youth_union && facts.unit_has_trade_union {
        Introduction::TradeUnion
    } else {
        Introduction::Members
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    Done,
    NotNeeded,
    Missing,
    Expired,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub step_id: i64,
    pub code: String,
    pub label: String,
    pub form_code: Option<String>,
    pub kind: StepKind,
    pub required: bool,
    pub state: RowState,
    /// Done on (the certificate's issue date, the person's decision or ceremony date).
    pub date: Option<Date>,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_at: Option<time::PrimitiveDateTime>,
    /// The first day the certificate or document is no longer valid.
    pub expires_on: Option<Date>,
    /// The secretary may confirm or undo it here.
    pub by_hand: bool,
    /// Set by the secretary (undo possible); None when nothing is recorded.
    pub version: Option<i32>,
    /// Counts towards the dossier being ready for the meeting.
    pub before_meeting: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Overall {
    Ready,
    Missing { count: usize },
    CertificateExpired,
    DocumentsExpired,
}

#[derive(Debug, Clone, Serialize)]
pub struct Computed {
    pub path: PathKind,
    /// The day certificates and documents are judged on: the planned meeting, or today.
    pub judged_on: Date,
    pub meeting_planned: bool,
    pub introduction: Introduction,
    /// A youth-age candidate in a unit with a Youth Union must be a Youth Union member.
    pub youth_union_membership_missing: bool,
    pub rows: Vec<Row>,
    pub overall: Overall,
    pub missing: usize,
}

/// The checklist of `path` for one person. `steps` are the path's active steps (any order);
/// `items` what the secretary recorded; `certificates` the person's certificates of any program.
pub fn compute(
    path: PathKind,
    steps: &[Step],
    items: &[Item],
    facts: &Facts,
    certificates: &[CertificateFact],
    today: Date,
) -> Computed {
    let judged_on = facts.planned_meeting_on.unwrap_or(today);
    let introduction = introduction(facts, judged_on);
    let mut ordered: Vec<&Step> = steps.iter().collect();
    ordered.sort_by_key(|s| (s.position, s.id));
    let meeting_position = ordered.iter().find(|s| s.code == MEETING_STEP_CODE).map(|s| (s.position, s.id));
    let rows: Vec<Row> = ordered
        .into_iter()
        .map(|step| {
            let item = items.iter().find(|i| i.step_id == step.id);
            let before_meeting = meeting_position.is_none_or(|m| (step.position, step.id) < m);
            row(step, item, facts, certificates, introduction, judged_on, before_meeting)
        })
        .collect();
    let counted = |state: RowState| rows.iter().filter(move |r| r.before_meeting && r.required && r.state == state);
    let missing = counted(RowState::Missing).count() + counted(RowState::Expired).count();
    let certificate_expired = counted(RowState::Expired).any(|r| r.kind == StepKind::Certificate);
    let documents_expired = counted(RowState::Expired).any(|r| r.kind != StepKind::Certificate);
    let overall = if certificate_expired {
        Overall::CertificateExpired
    } else if documents_expired {
        Overall::DocumentsExpired
    } else if missing > 0 {
        Overall::Missing { count: missing }
    } else {
        Overall::Ready
    };
    Computed {
        path,
        judged_on,
        meeting_planned: facts.planned_meeting_on.is_some(),
        introduction,
        youth_union_membership_missing: path == PathKind::Admission
            && facts.unit_has_youth_union
            && !facts.youth_union_member
            && is_youth_age(facts.date_of_birth, judged_on),
        rows,
        overall,
        missing,
    }
}

fn row(
    step: &Step,
    item: Option<&Item>,
    facts: &Facts,
    certificates: &[CertificateFact],
    introduction: Introduction,
    judged_on: Date,
    before_meeting: bool,
) -> Row {
    let mut row = Row {
        step_id: step.id,
        code: step.code.clone(),
        label: step.label.clone(),
        form_code: step.form_code.clone(),
        kind: step.kind,
        required: step.required,
        state: RowState::Missing,
        date: None,
        reference: None,
        note: None,
        confirmed_by: None,
        confirmed_at: None,
        expires_on: None,
        by_hand: step.kind.recorded_by_hand(),
        version: None,
        before_meeting,
    };
    match step.kind {
        StepKind::Certificate => {
            let program = step.program_code.as_deref().unwrap_or_default();
            if let Some(c) = best_certificate(certificates, program) {
                row.date = Some(c.issued_on);
                row.reference = Some(register_number(c.number, c.year));
                row.expires_on = c.expires_on;
                row.state = match c.expires_on {
                    Some(end) if end <= judged_on => RowState::Expired,
                    _ => RowState::Done,
                };
            }
            return row;
        }
        StepKind::AdmissionDecision | StepKind::Ceremony => {
            let date =
                if step.kind == StepKind::Ceremony { facts.ceremony_date } else { facts.admission_decision_date };
            row.date = date;
            row.state = if date.is_some() { RowState::Done } else { RowState::Missing };
            return row;
        }
        StepKind::OrganisationIntroduction if introduction == Introduction::Members => {
            row.required = false;
            row.by_hand = false;
            row.state = RowState::NotNeeded;
            return row;
        }
        _ => {}
    }
    if let Some(item) = item {
        row.date = item.done_on;
        row.reference = item.reference.clone();
        row.note = item.note.clone();
        row.confirmed_by = item.confirmed_by.clone();
        row.confirmed_at = item.confirmed_at;
        row.version = Some(item.version);
        row.state = match item.status {
            ItemStatus::NotNeeded => RowState::NotNeeded,
            ItemStatus::Done => {
                let lapses_on = item.done_on.filter(|_| step.lapses).map(|d| add_months(d, LAPSE_MONTHS));
                row.expires_on = lapses_on;
                match lapses_on {
                    Some(end) if end <= judged_on => RowState::Expired,
                    _ => RowState::Done,
                }
            }
        };
    }
    row
}

/// The certificate that counts: among the valid ones of the program, the one valid longest
/// (a certificate that does not expire beats any that does).
pub(super) fn best_certificate<'a>(certificates: &'a [CertificateFact], program: &str) -> Option<&'a CertificateFact> {
    certificates
        .iter()
        .filter(|c| c.program_code == program && c.status == CertificateStatus::Valid)
        .max_by_key(|c| (c.expires_on.is_none(), c.expires_on, c.issued_on))
}

/// `TODAY`, `MEETING` and `certificate` serve `course_stage`'s tests too.
#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) const TODAY: Date = date!(2026 - 11 - 29);
    pub(crate) const MEETING: Date = date!(2026 - 12 - 15);

    fn step(id: i64, code: &str, kind: StepKind, lapses: bool) -> Step {
        Step {
            id,
            position: id as i32,
            code: code.into(),
            label: code.into(),
            form_code: None,
            kind,
            program_code: (kind == StepKind::Certificate).then(|| "NTVD".into()),
            lapses,
            required: true,
        }
    }

    fn admission_steps() -> Vec<Step> {
        use StepKind::*;
        vec![
            step(1, "sympathizer", Manual, false),
            step(2, "awareness_certificate", Certificate, false),
            step(3, "application", Manual, false),
            step(4, "biography", Manual, false),
            step(5, "background_check", Manual, false),
            step(6, "members_introduction", MembersIntroduction, true),
            step(7, "organisation_introduction", OrganisationIntroduction, true),
            step(8, "remarks", Manual, true),
            step(9, "cell_resolution", Manual, false),
            step(10, "committee_resolution", Manual, false),
            step(11, "admission_decision", AdmissionDecision, false),
            step(12, "ceremony", Ceremony, false),
        ]
    }

    fn facts() -> Facts {
        Facts {
            status: Status::Candidate,
            date_of_birth: date!(1990 - 01 - 01),
            youth_union_member: false,
            unit_has_youth_union: true,
            unit_has_trade_union: false,
            planned_meeting_on: Some(MEETING),
            admission_decision_date: None,
            ceremony_date: None,
        }
    }

    fn done(step_id: i64, on: Date) -> Item {
        Item {
            step_id,
            status: ItemStatus::Done,
            done_on: Some(on),
            reference: Some(format!("{step_id}-NQ")),
            note: None,
            confirmed_by: Some("Bí thư".into()),
            confirmed_at: None,
            version: 1,
        }
    }

    pub(crate) fn certificate(issued_on: Date, expires_on: Date) -> CertificateFact {
        CertificateFact {
            program_code: "NTVD".into(),
            year: issued_on.year(),
            number: 7,
            issued_on,
            expires_on: Some(expires_on),
            status: CertificateStatus::Valid,
        }
    }

    fn all_done() -> Vec<Item> {
        [1, 3, 4, 5, 6, 8].into_iter().map(|id| done(id, date!(2026 - 10 - 01))).collect()
    }

    fn compute_with(items: &[Item], facts: &Facts, certs: &[CertificateFact]) -> Computed {
        compute(PathKind::Admission, &admission_steps(), items, facts, certs, TODAY)
    }

    fn state_of<'a>(c: &'a Computed, code: &str) -> &'a Row {
        c.rows.iter().find(|r| r.code == code).unwrap()
    }

    #[test]
    fn a_complete_dossier_is_ready_and_its_rows_stay_in_order() {
        let certs = [certificate(date!(2024 - 05 - 10), date!(2029 - 05 - 10))];
        let c = compute_with(&all_done(), &facts(), &certs);
        assert_eq!(c.overall, Overall::Ready, "{:?}", c.rows);
        assert_eq!(c.rows.iter().map(|r| r.step_id).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
        let cert = state_of(&c, "awareness_certificate");
        assert_eq!((cert.state, cert.reference.as_deref()), (RowState::Done, Some("07/2024")));
        assert!(!cert.by_hand, "the certificate row is never ticked by hand");
        assert_eq!(state_of(&c, "organisation_introduction").state, RowState::NotNeeded);
        // The meeting's own outcomes are shown but do not count.
        assert_eq!(state_of(&c, "cell_resolution").state, RowState::Missing);
        assert!(!state_of(&c, "cell_resolution").before_meeting);
    }

    #[test]
    fn missing_items_are_counted() {
        let items: Vec<Item> = all_done().into_iter().filter(|i| i.step_id != 4 && i.step_id != 5).collect();
        let certs = [certificate(date!(2024 - 05 - 10), date!(2029 - 05 - 10))];
        let c = compute_with(&items, &facts(), &certs);
        assert_eq!(c.overall, Overall::Missing { count: 2 });
        assert_eq!(compute_with(&items, &facts(), &[]).overall, Overall::Missing { count: 3 });
    }

    #[test]
    fn not_needed_counts_as_settled() {
        let mut items = all_done();
        items.retain(|i| i.step_id != 5);
        items.push(Item { status: ItemStatus::NotNeeded, done_on: None, ..done(5, TODAY) });
        let certs = [certificate(date!(2024 - 05 - 10), date!(2029 - 05 - 10))];
        assert_eq!(compute_with(&items, &facts(), &certs).overall, Overall::Ready);
    }

    #[test]
    fn the_certificate_is_judged_on_the_meeting_day() {
        // Issued 15/12/2021: its first invalid day is 15/12/2026.
        let certs = [certificate(date!(2021 - 12 - 15), date!(2026 - 12 - 15))];
        let mut f = facts();
        for (meeting, expected) in [
            (date!(2026 - 12 - 14), Overall::Ready),
            (date!(2026 - 12 - 15), Overall::CertificateExpired),
            (date!(2026 - 12 - 16), Overall::CertificateExpired),
        ] {
            f.planned_meeting_on = Some(meeting);
            assert_eq!(compute_with(&all_done(), &f, &certs).overall, expected, "meeting {meeting}");
        }
        // With no meeting planned, today is the day.
        f.planned_meeting_on = None;
        let c = compute_with(&all_done(), &f, &certs);
        assert_eq!((c.overall, c.judged_on, c.meeting_planned), (Overall::Ready, TODAY, false));
    }

    #[test]
    fn revoked_certificates_do_not_count_and_the_longest_valid_one_does() {
        let mut revoked = certificate(date!(2025 - 01 - 10), date!(2030 - 01 - 10));
        revoked.status = CertificateStatus::Revoked;
        let old = certificate(date!(2021 - 01 - 10), date!(2026 - 01 - 10));
        let c = compute_with(&all_done(), &facts(), &[revoked.clone()]);
        assert_eq!(state_of(&c, "awareness_certificate").state, RowState::Missing);
        let c = compute_with(&all_done(), &facts(), &[revoked, old.clone()]);
        assert_eq!(c.overall, Overall::CertificateExpired);
        let newer = certificate(date!(2025 - 06 - 01), date!(2030 - 06 - 01));
        let c = compute_with(&all_done(), &facts(), &[old, newer]);
        assert_eq!(state_of(&c, "awareness_certificate").date, Some(date!(2025 - 06 - 01)));
    }

    #[test]
    fn lapsing_documents_expire_twelve_months_after_they_were_done() {
        let certs = [certificate(date!(2024 - 05 - 10), date!(2029 - 05 - 10))];
        let mut items = all_done();
        items.retain(|i| i.step_id != 6);
        let mut f = facts();
        for (done_on, expected) in [
            (date!(2025 - 12 - 16), Overall::Ready),
            (date!(2025 - 12 - 15), Overall::DocumentsExpired),
            (date!(2025 - 12 - 14), Overall::DocumentsExpired),
        ] {
            let mut items = items.clone();
            items.push(done(6, done_on));
            let c = compute_with(&items, &f, &certs);
            assert_eq!(c.overall, expected, "done on {done_on}");
            assert_eq!(state_of(&c, "members_introduction").expires_on, Some(add_months(done_on, 12)));
        }
        // A document that does not lapse stays good.
        items.retain(|i| i.step_id != 3);
        items.push(done(3, date!(2020 - 01 - 01)));
        items.push(done(6, date!(2026 - 01 - 01)));
        f.planned_meeting_on = None;
        assert_eq!(compute_with(&items, &f, &certs).overall, Overall::Ready);
    }

    #[test]
    fn an_expired_certificate_outranks_lapsed_documents_and_missing_items() {
        let certs = [certificate(date!(2021 - 01 - 10), date!(2026 - 01 - 10))];
        let items = vec![done(6, date!(2020 - 01 - 01))];
        let c = compute_with(&items, &facts(), &certs);
        assert_eq!(c.overall, Overall::CertificateExpired);
        assert_eq!(c.missing, 7);
    }

    #[test]
    fn introductions_follow_age_and_unit() {
        let mut f = facts();
        f.youth_union_member = true;
        // Born 16/12/1995: 30 years old on the meeting of 15/12/2026 until the day before 31.
        f.date_of_birth = date!(1995 - 12 - 16);
        assert_eq!(introduction(&f, MEETING), Introduction::YouthUnion);
        f.date_of_birth = date!(1995 - 12 - 15);
        assert_eq!(introduction(&f, MEETING), Introduction::Members, "31 on the meeting day");
        // Sixteen on the day: youth.
        f.date_of_birth = date!(2010 - 12 - 15);
        assert_eq!(introduction(&f, MEETING), Introduction::YouthUnion);
        f.date_of_birth = date!(2010 - 12 - 16);
        assert_eq!(introduction(&f, MEETING), Introduction::Members);
        // Youth age but not a member.
        f.date_of_birth = date!(2000 - 01 - 01);
        f.youth_union_member = false;
        assert_eq!(introduction(&f, MEETING), Introduction::Members);
        // No Youth Union, a trade union.
        f.unit_has_youth_union = false;
        f.unit_has_trade_union = true;
        assert_eq!(introduction(&f, MEETING), Introduction::TradeUnion);
        f.unit_has_trade_union = false;
        assert_eq!(introduction(&f, MEETING), Introduction::Members);
        assert_eq!(Introduction::YouthUnion.members_needed(), 1);
    }

    #[test]
    fn the_organisation_row_is_required_only_when_an_organisation_introduces() {
        let certs = [certificate(date!(2024 - 05 - 10), date!(2029 - 05 - 10))];
        let mut f = facts();
        f.youth_union_member = true;
        f.date_of_birth = date!(2000 - 01 - 01);
        let c = compute_with(&all_done(), &f, &certs);
        let row = state_of(&c, "organisation_introduction");
        assert!(row.required && row.by_hand && row.state == RowState::Missing);
        assert_eq!(c.overall, Overall::Missing { count: 1 });
        let mut items = all_done();
        items.push(done(7, date!(2026 - 10 - 01)));
        assert_eq!(compute_with(&items, &f, &certs).overall, Overall::Ready);
        // A youth-age candidate who is not a member is pointed out.
        f.youth_union_member = false;
        assert!(compute_with(&items, &f, &certs).youth_union_membership_missing);
    }

    #[test]
    fn decision_and_ceremony_take_the_persons_dates() {
        let mut f = facts();
        f.admission_decision_date = Some(date!(2026 - 10 - 20));
        f.ceremony_date = Some(date!(2026 - 11 - 02));
        let c = compute_with(&[], &f, &[]);
        let decision = state_of(&c, "admission_decision");
        assert_eq!(
            (decision.state, decision.date, decision.by_hand),
            (RowState::Done, f.admission_decision_date, false)
        );
        assert_eq!(state_of(&c, "ceremony").date, Some(date!(2026 - 11 - 02)));
    }

    #[test]
    fn codes_round_trip() {
        for k in StepKind::ALL {
            assert_eq!(StepKind::parse(k.code()), Some(k));
        }
        assert_eq!(PathKind::parse("recognition"), Some(PathKind::Recognition));
        assert_eq!(ItemStatus::parse("not_needed"), Some(ItemStatus::NotNeeded));
        assert_eq!(PathKind::for_status(Status::Probationary), PathKind::Recognition);
    }
}
