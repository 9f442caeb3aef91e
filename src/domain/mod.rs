//! Pure rules of the school, with no I/O: names and collation, citizen IDs, roles, the org
//! tree's kinds, people's statuses, program rules, dates, numbers as Vietnamese write them and
//! what an audit event changed. Everything here is unit-tested.

pub mod changes;
pub mod citizen_id;
pub mod dates;
pub mod names;
pub mod numbers;
pub mod org;
pub mod person;
pub mod program;
pub mod role;
