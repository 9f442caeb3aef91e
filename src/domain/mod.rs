//! Pure rules of the school, with no I/O: names and collation, numbers, citizen IDs, roles, the org
//! tree's kinds, people's statuses, program rules and dates. Everything here is unit-tested.

pub mod citizen_id;
pub mod dates;
pub mod names;
pub mod numbers;
pub mod org;
pub mod person;
pub mod program;
pub mod role;
