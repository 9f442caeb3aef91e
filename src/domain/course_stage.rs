//! Where a person stands with the course their path needs (NTVD for candidates, DVM for
//! probationary members), and so what the secretary does next: nominate them, wait for the
//! school's decision, follow their class, or send them to a new class before their certificate
//! runs out — within the reminder window, or by the chi bộ's planned meeting (today when none is
//! planned). The certificate that counts is the one the readiness checklist counts.

use serde::Serialize;
use time::Date;

use super::readiness::{CertificateFact, best_certificate};

/// Where a person stands with the course their path needs (NTVD for candidates, DVM for
/// probationary members): what the secretary does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CourseStage {
    /// No certificate and no nomination: nominate them.
    Nominate,
    /// Nominated or waitlisted, the school has not decided.
    Nominated,
    /// In a class that has not finished.
    Enrolled,
    /// Their class finished without a certificate for them.
    Failed,
    /// A valid certificate.
    Completed,
    /// A valid certificate that expires within the reminder window or before the meeting.
    CertificateExpiring,
    /// Only expired certificates, no new class.
    CertificateExpired,
}

/// One of the person's enrolments in a class of the program.
#[derive(Debug, Clone)]
pub struct EnrolmentFact {
    pub program_code: String,
    /// nominated | waitlisted | rejected | enrolled | withdrawn
    pub status: String,
    /// The class's results are final (locked or closed).
    pub class_finished: bool,
}

pub fn course_stage(
    program: &str,
    certificates: &[CertificateFact],
    enrolments: &[EnrolmentFact],
    judged_on: Date,
    today: Date,
) -> CourseStage {
    let certificate = best_certificate(certificates, program);
    let of_program = || enrolments.iter().filter(|e| e.program_code == program);
    let in_class = || of_program().any(|e| e.status == "enrolled" && !e.class_finished);
    let usable = certificate.filter(|c| c.expires_on.is_none_or(|end| end > today));
    if let Some(c) = usable {
        let expiring =
            c.expires_on.is_some_and(|end| super::certificate::reminder_due(Some(end), today) || end <= judged_on);
        return match (expiring, in_class()) {
            (false, _) => CourseStage::Completed,
            // Already sent to a new class before the old certificate runs out.
            (true, true) => CourseStage::Enrolled,
            (true, false) => CourseStage::CertificateExpiring,
        };
    }
    if in_class() {
        CourseStage::Enrolled
    } else if of_program().any(|e| matches!(e.status.as_str(), "nominated" | "waitlisted") && !e.class_finished) {
        CourseStage::Nominated
    } else if certificate.is_some() {
        CourseStage::CertificateExpired
    } else if of_program().any(|e| e.status == "enrolled" && e.class_finished) {
        CourseStage::Failed
    } else {
        CourseStage::Nominate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::readiness::tests::{MEETING, TODAY, certificate};
    use time::macros::date;

    #[test]
    fn the_course_stage_says_what_comes_next() {
        let e = |status: &str, finished: bool| EnrolmentFact {
            program_code: "NTVD".into(),
            status: status.into(),
            class_finished: finished,
        };
        let stage = |certs: &[CertificateFact], enrolments: &[EnrolmentFact]| {
            course_stage("NTVD", certs, enrolments, MEETING, TODAY)
        };
        assert_eq!(stage(&[], &[]), CourseStage::Nominate);
        assert_eq!(stage(&[], &[e("nominated", false)]), CourseStage::Nominated);
        assert_eq!(stage(&[], &[e("rejected", false)]), CourseStage::Nominate);
        assert_eq!(stage(&[], &[e("enrolled", false)]), CourseStage::Enrolled);
        assert_eq!(stage(&[], &[e("enrolled", true)]), CourseStage::Failed);
        let good = certificate(date!(2024 - 05 - 10), date!(2029 - 05 - 10));
        assert_eq!(stage(&[good], &[e("enrolled", true)]), CourseStage::Completed);
        // Expires 90 days after today: reminded, so expiring.
        let soon = certificate(date!(2022 - 02 - 27), date!(2027 - 02 - 27));
        assert_eq!(stage(&[soon], &[]), CourseStage::CertificateExpiring);
        // Valid today, expired on the meeting: expiring, unless already in a new class.
        let before_meeting = certificate(date!(2021 - 12 - 15), date!(2026 - 12 - 15));
        assert_eq!(stage(std::slice::from_ref(&before_meeting), &[]), CourseStage::CertificateExpiring);
        assert_eq!(stage(&[before_meeting], &[e("enrolled", false)]), CourseStage::Enrolled);
        let expired = certificate(date!(2021 - 01 - 15), date!(2026 - 01 - 15));
        assert_eq!(stage(std::slice::from_ref(&expired), &[]), CourseStage::CertificateExpired);
        assert_eq!(stage(&[expired], &[e("nominated", false)]), CourseStage::Nominated);
    }
}
