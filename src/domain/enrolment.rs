//! Enrolment (ghi danh) of a person in a class: a secretary's nomination (đề nghị cử đi học)
//! that staff approve, reject with a reason or put on the waiting list; imports and staff enrol
//! directly; an enrolled learner can be withdrawn with a reason.

use super::class::ClassStatus;
use super::person::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnrolmentStatus {
    Nominated,
    Waitlisted,
    Rejected,
    Enrolled,
    Withdrawn,
}

impl EnrolmentStatus {
    pub const ALL: [EnrolmentStatus; 5] = [
        EnrolmentStatus::Nominated,
        EnrolmentStatus::Waitlisted,
        EnrolmentStatus::Rejected,
        EnrolmentStatus::Enrolled,
        EnrolmentStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EnrolmentStatus::Nominated => "nominated",
            EnrolmentStatus::Waitlisted => "waitlisted",
            EnrolmentStatus::Rejected => "rejected",
            EnrolmentStatus::Enrolled => "enrolled",
            EnrolmentStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_key(self) -> String {
        format!("enrolment.status.{}", self.code())
    }

    /// Whether staff may still decide on it (approve, reject, waitlist).
    pub fn undecided(self) -> bool {
        matches!(self, EnrolmentStatus::Nominated | EnrolmentStatus::Waitlisted)
    }

    /// Whether the person holds a place in the class.
    pub fn holds_place(self) -> bool {
        self == EnrolmentStatus::Enrolled
    }

    /// Whether a person in this state may be nominated again to the same class (a rejected or
    /// withdrawn person may be sent again; everyone else is already there).
    pub fn may_renominate(self) -> bool {
        matches!(self, EnrolmentStatus::Rejected | EnrolmentStatus::Withdrawn)
    }
}

/// What staff decide on a nomination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject { reason: String },
    Waitlist,
}

/// Why a decision cannot be taken now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionRefusal {
    /// The nomination was decided already (enrolled, rejected or withdrawn).
    AlreadyDecided,
    /// Approving would go over the class's capacity.
    ClassFull,
    /// A rejection needs a reason.
    ReasonMissing,
    /// Teaching is over (or the class is not found open): nothing is decided any more.
    ClassNotOpen,
}

impl DecisionRefusal {
    pub fn message_key(self) -> &'static str {
        match self {
            DecisionRefusal::AlreadyDecided => "roster.error.already_decided",
            DecisionRefusal::ClassFull => "roster.error.class_full",
            DecisionRefusal::ReasonMissing => "roster.error.reason_missing",
            DecisionRefusal::ClassNotOpen => "roster.error.class_not_open",
        }
    }
}

impl Decision {
    pub fn code(&self) -> &'static str {
        match self {
            Decision::Approve => "approved",
            Decision::Reject { .. } => "rejected",
            Decision::Waitlist => "waitlisted",
        }
    }
}

/// Checks a decision against the nomination's state and the class's places.
pub fn check_decision(
    status: EnrolmentStatus,
    decision: &Decision,
    enrolled: usize,
    capacity: usize,
) -> Result<EnrolmentStatus, DecisionRefusal> {
    if !status.undecided() {
        return Err(DecisionRefusal::AlreadyDecided);
    }
    match decision {
        Decision::Approve if enrolled >= capacity => Err(DecisionRefusal::ClassFull),
        Decision::Approve => Ok(EnrolmentStatus::Enrolled),
        Decision::Reject { reason } if reason.trim().is_empty() => Err(DecisionRefusal::ReasonMissing),
        Decision::Reject { .. } => Ok(EnrolmentStatus::Rejected),
        Decision::Waitlist => Ok(EnrolmentStatus::Waitlisted),
    }
}

/// The awareness course (NTVD) and the new-member course (DVM), by their program codes.
pub const AWARENESS_PROGRAM: &str = "NTVD";
pub const NEW_MEMBER_PROGRAM: &str = "DVM";

/// The program a person of this status is sent to: a candidate (quần chúng ưu tú) to the
/// awareness course before admission, a probationary member to the new-member course during
/// probation. An official member is sent to neither.
pub fn program_for(status: Status) -> Option<&'static str> {
    match status {
        Status::Candidate => Some(AWARENESS_PROGRAM),
        Status::Probationary => Some(NEW_MEMBER_PROGRAM),
        Status::Official => None,
    }
}

/// The program a person still needs: the one for their status, unless they have completed it.
pub fn needs(status: Status, completed: bool) -> Option<&'static str> {
    program_for(status).filter(|_| !completed)
}

/// Whether staff may decide on nominations, import a roster or withdraw a learner while the
/// class is in this status: until teaching ends.
pub fn decisions_open(status: ClassStatus) -> bool {
    matches!(status, ClassStatus::Draft | ClassStatus::Nominating | ClassStatus::Running)
}

/// Why a secretary cannot send this person to this class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NominationRefusal {
    /// The class does not take nominations (not in its nominating status).
    ClassNotOpen,
    /// The class's program is not the one for the person's status.
    WrongProgram,
    /// The person has completed this program already.
    Completed,
    /// Nominated, waitlisted or enrolled in this class already.
    AlreadyInClass,
    /// Nominated, waitlisted or enrolled in another class of the same program that is not over.
    InAnotherClass,
}

impl NominationRefusal {
    pub fn message_key(self) -> &'static str {
        match self {
            NominationRefusal::ClassNotOpen => "nomination.error.class_not_open",
            NominationRefusal::WrongProgram => "nomination.error.wrong_program",
            NominationRefusal::Completed => "nomination.error.completed",
            NominationRefusal::AlreadyInClass => "nomination.error.already_in_class",
            NominationRefusal::InAnotherClass => "nomination.error.in_another_class",
        }
    }
}

/// Checks one nomination: the class takes nominations, its program is the one the person needs,
/// and the person is not already on the way through it (`in_class`: their enrolment in this
/// class, if any; `active_elsewhere`: one in another class of the program that is not over).
pub fn check_nomination(
    class: ClassStatus,
    class_program: &str,
    person: Status,
    completed: bool,
    in_class: Option<EnrolmentStatus>,
    active_elsewhere: bool,
) -> Result<(), NominationRefusal> {
    if !class.takes_nominations() {
        return Err(NominationRefusal::ClassNotOpen);
    }
    if program_for(person) != Some(class_program) {
        return Err(NominationRefusal::WrongProgram);
    }
    if completed {
        return Err(NominationRefusal::Completed);
    }
    if in_class.is_some_and(|s| !s.may_renominate()) {
        return Err(NominationRefusal::AlreadyInClass);
    }
    if active_elsewhere {
        return Err(NominationRefusal::InAnotherClass);
    }
    Ok(())
}

/// Whether an enrolment in this status keeps a person busy with a program (so that they are not
/// sent to a second class of it at the same time).
pub fn is_active(status: EnrolmentStatus, class: ClassStatus) -> bool {
    matches!(status, EnrolmentStatus::Nominated | EnrolmentStatus::Waitlisted | EnrolmentStatus::Enrolled)
        && !matches!(class, ClassStatus::Locked | ClassStatus::Closed)
}

/// Why a learner cannot be withdrawn now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalRefusal {
    /// Only an enrolled learner is withdrawn (a nomination is rejected instead).
    NotEnrolled,
    /// Teaching is over: the results decide what happens.
    ClassNotOpen,
    ReasonMissing,
}

impl WithdrawalRefusal {
    pub fn message_key(self) -> &'static str {
        match self {
            WithdrawalRefusal::NotEnrolled => "roster.error.not_enrolled",
            WithdrawalRefusal::ClassNotOpen => "roster.error.class_not_open",
            WithdrawalRefusal::ReasonMissing => "roster.error.reason_missing",
        }
    }
}

pub fn check_withdrawal(class: ClassStatus, status: EnrolmentStatus, reason: &str) -> Result<(), WithdrawalRefusal> {
    if status != EnrolmentStatus::Enrolled {
        return Err(WithdrawalRefusal::NotEnrolled);
    }
    if !decisions_open(class) {
        return Err(WithdrawalRefusal::ClassNotOpen);
    }
    if reason.trim().is_empty() {
        return Err(WithdrawalRefusal::ReasonMissing);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_follow_the_state_and_capacity() {
        use EnrolmentStatus::*;
        assert_eq!(check_decision(Nominated, &Decision::Approve, 39, 40), Ok(Enrolled));
        assert_eq!(check_decision(Nominated, &Decision::Approve, 40, 40), Err(DecisionRefusal::ClassFull));
        assert_eq!(check_decision(Waitlisted, &Decision::Approve, 10, 40), Ok(Enrolled));
        assert_eq!(check_decision(Nominated, &Decision::Waitlist, 40, 40), Ok(Waitlisted));
        let no_reason = Decision::Reject { reason: "  ".into() };
        assert_eq!(check_decision(Nominated, &no_reason, 0, 40), Err(DecisionRefusal::ReasonMissing));
        let reason = Decision::Reject { reason: "Chưa đủ 18 tuổi".into() };
        assert_eq!(check_decision(Nominated, &reason, 0, 40), Ok(Rejected));
        assert_eq!(check_decision(Enrolled, &Decision::Approve, 0, 40), Err(DecisionRefusal::AlreadyDecided));
        assert_eq!(check_decision(Rejected, &Decision::Waitlist, 0, 40), Err(DecisionRefusal::AlreadyDecided));
    }

    #[test]
    fn codes_round_trip_and_renomination() {
        for s in EnrolmentStatus::ALL {
            assert_eq!(EnrolmentStatus::parse(s.code()), Some(s));
        }
        assert!(EnrolmentStatus::Rejected.may_renominate());
        assert!(!EnrolmentStatus::Enrolled.may_renominate());
        assert!(!EnrolmentStatus::Nominated.may_renominate());
    }

    #[test]
    fn each_status_needs_its_program_until_completed() {
        assert_eq!(needs(Status::Candidate, false), Some(AWARENESS_PROGRAM));
        assert_eq!(needs(Status::Candidate, true), None);
        assert_eq!(needs(Status::Probationary, false), Some(NEW_MEMBER_PROGRAM));
        assert_eq!(needs(Status::Official, false), None);
    }

    #[test]
    fn nominations_are_checked_in_order() {
        use ClassStatus::*;
        use EnrolmentStatus::*;
        let ok = check_nomination(Nominating, "NTVD", Status::Candidate, false, None, false);
        assert_eq!(ok, Ok(()));
        let refused = |class, program, person, completed, in_class, elsewhere| {
            check_nomination(class, program, person, completed, in_class, elsewhere).unwrap_err()
        };
        assert_eq!(refused(Draft, "NTVD", Status::Candidate, false, None, false), NominationRefusal::ClassNotOpen);
        assert_eq!(refused(Running, "NTVD", Status::Candidate, false, None, false), NominationRefusal::ClassNotOpen);
        assert_eq!(refused(Nominating, "DVM", Status::Candidate, false, None, false), NominationRefusal::WrongProgram);
        assert_eq!(refused(Nominating, "DVM", Status::Official, false, None, false), NominationRefusal::WrongProgram);
        assert_eq!(refused(Nominating, "NTVD", Status::Candidate, true, None, false), NominationRefusal::Completed);
        for status in [Nominated, Waitlisted, Enrolled] {
            assert_eq!(
                refused(Nominating, "NTVD", Status::Candidate, false, Some(status), false),
                NominationRefusal::AlreadyInClass
            );
        }
        for status in [Rejected, Withdrawn] {
            assert_eq!(check_nomination(Nominating, "NTVD", Status::Candidate, false, Some(status), false), Ok(()));
        }
        assert_eq!(
            refused(Nominating, "NTVD", Status::Candidate, false, None, true),
            NominationRefusal::InAnotherClass
        );
    }

    #[test]
    fn an_enrolment_keeps_a_person_busy_until_the_class_is_over() {
        assert!(is_active(EnrolmentStatus::Nominated, ClassStatus::Nominating));
        assert!(is_active(EnrolmentStatus::Enrolled, ClassStatus::Assessing));
        assert!(!is_active(EnrolmentStatus::Enrolled, ClassStatus::Closed));
        assert!(!is_active(EnrolmentStatus::Rejected, ClassStatus::Nominating));
    }

    #[test]
    fn withdrawal_needs_an_enrolled_learner_an_open_class_and_a_reason() {
        use ClassStatus::*;
        assert_eq!(check_withdrawal(Running, EnrolmentStatus::Enrolled, "Ốm dài ngày"), Ok(()));
        assert_eq!(check_withdrawal(Running, EnrolmentStatus::Enrolled, " "), Err(WithdrawalRefusal::ReasonMissing));
        assert_eq!(check_withdrawal(Running, EnrolmentStatus::Nominated, "x"), Err(WithdrawalRefusal::NotEnrolled));
        assert_eq!(check_withdrawal(Assessing, EnrolmentStatus::Enrolled, "x"), Err(WithdrawalRefusal::ClassNotOpen));
        assert!(decisions_open(Draft) && decisions_open(Nominating) && decisions_open(Running));
        assert!(!decisions_open(Assessing) && !decisions_open(Closed));
    }
}
