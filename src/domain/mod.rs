//! Pure rules of the school, with no I/O: names and collation, citizen IDs, roles, the org
//! tree's kinds, people's statuses, program rules, dates, how emails address people and how
//! the school names itself. Everything here is unit-tested.

pub mod addressing;
pub mod citizen_id;
pub mod dates;
pub mod names;
pub mod org;
pub mod person;
pub mod program;
pub mod role;
pub mod school;
