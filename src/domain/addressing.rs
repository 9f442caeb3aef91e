//! How an email addresses its reader. Party writing calls members "đồng chí"; everyone else is
//! "anh/chị". The greeting and the body use the same form: "Kính gửi" never goes with "bạn".
//!
//! A recipient with a person record is addressed by that record's status. An account without
//! one is addressed by its roles: the school's own people (admins, staff, lecturers) and chi bộ
//! secretaries are cadres of the Party's training system — a secretary is a member by
//! definition, and the staff and lecturers of a Party school are members as a rule — so they are
//! "đồng chí", as the school's internal correspondence calls them. A learner account without a
//! record (its status unknown) is "anh/chị", which is correct for anyone.

use super::person::Status;
use super::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    /// "đồng chí": Party members, and the school's cadres.
    Comrade,
    /// "anh/chị": candidates, and anyone whose status is unknown.
    AnhChi,
}

impl Address {
    pub fn for_recipient(status: Option<Status>, roles: &[Role]) -> Self {
        match status {
            Some(Status::Probationary | Status::Official) => Address::Comrade,
            Some(Status::Candidate) => Address::AnhChi,
            None if roles.iter().any(|r| *r != Role::Learner) => Address::Comrade,
            None => Address::AnhChi,
        }
    }

    /// "Kính gửi đồng chí {name}," or "Kính gửi anh/chị {name},".
    pub fn greeting_key(self) -> &'static str {
        match self {
            Address::Comrade => "email.greeting.comrade",
            Address::AnhChi => "email.greeting.anh_chi",
        }
    }

    /// The same form in the body: "đồng chí" or "anh/chị" (English: "you").
    pub fn you_key(self) -> &'static str {
        match self {
            Address::Comrade => "email.you.comrade",
            Address::AnhChi => "email.you.anh_chi",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_comrades_and_candidates_anh_chi() {
        assert_eq!(Address::for_recipient(Some(Status::Official), &[Role::Learner]), Address::Comrade);
        assert_eq!(Address::for_recipient(Some(Status::Probationary), &[]), Address::Comrade);
        assert_eq!(Address::for_recipient(Some(Status::Candidate), &[Role::Learner]), Address::AnhChi);
    }

    #[test]
    fn without_a_record_the_roles_decide() {
        for role in [Role::Admin, Role::Staff, Role::Lecturer, Role::Secretary] {
            assert_eq!(Address::for_recipient(None, &[role, Role::Learner]), Address::Comrade, "{role}");
        }
        assert_eq!(Address::for_recipient(None, &[Role::Learner]), Address::AnhChi);
        assert_eq!(Address::for_recipient(None, &[]), Address::AnhChi, "an address with no account");
    }

    #[test]
    fn the_record_wins_over_the_roles() {
        assert_eq!(Address::for_recipient(Some(Status::Candidate), &[Role::Staff]), Address::AnhChi);
    }
}
