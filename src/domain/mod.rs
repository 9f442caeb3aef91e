//! Pure rules of the school, with no I/O: names and collation, citizen IDs, roles, the org
//! tree's kinds, people's statuses, program rules, numbers and dates, what an audit event changed, how emails
//! address people and how the school names itself, classes and their session plans and clashes, attendance and
//! eligibility, results, certificates. Everything here is unit-tested.

pub mod addressing;
pub mod attendance;
pub mod calendar;
pub mod certificate;
pub mod changes;
pub mod checkin;
pub mod citizen_id;
pub mod class;
pub mod course_stage;
pub mod dates;
pub mod enrolment;
pub mod names;
pub mod numbers;
pub mod org;
pub mod person;
pub mod probation;
pub mod program;
pub mod readiness;
pub mod report;
pub mod results;
pub mod role;
pub mod schedule;
pub mod school;
pub mod teaching_load;
