//! Admission and recognition dossiers: the steps an admin edits, what the secretary recorded
//! for each person, and the checklist computed from them with the person's certificates
//! (`domain::readiness`); the probation clock (`domain::probation`) and its month-9 warning
//! emails. Every read and write of a person's dossier is scoped: another unit's person is
//! NotFound.
//!
//! `steps` (the paths' steps), `facts` (what a dossier is judged on, loaded per table for many
//! people at once), `checklist` (one person's), `recording` (what the secretary records),
//! `workspace` (the list, a page at a time) and `probation_warnings` (the month-9 emails).

mod checklist;
mod facts;
mod probation_warnings;
mod recording;
mod steps;
mod workspace;

pub use checklist::{Checklist, checklist};
pub use facts::{DossierPerson, dossier_person};
pub use probation_warnings::queue_probation_warnings;
pub use recording::{DossierFacts, ItemInput, clear, dossier_facts, record, set_facts, set_unit_unions, unit_unions};
pub use steps::{StepInput, StepRecord, all_steps, find_step, update_step};
pub use workspace::{WorkspaceFilter, WorkspaceRow, workspace};

pub const PROGRAM_AWARENESS: &str = "NTVD";
pub const PROGRAM_NEW_MEMBER: &str = "DVM";
pub const TEMPLATE_PROBATION_WARNING: &str = "probation_warning";
