//! Enrolment (ghi danh) of a person in a class: a secretary's nomination (đề nghị cử đi học)
//! that staff approve, reject with a reason or put on the waiting list; imports and staff enrol
//! directly; an enrolled learner can be withdrawn with a reason.

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
}
