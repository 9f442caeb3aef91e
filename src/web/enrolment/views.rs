//! What the enrolment pages share: a class as their headings name it, and status labels.

use serde::Serialize;

use crate::domain::class;
use crate::domain::dates;
use crate::domain::enrolment::EnrolmentStatus;
use crate::i18n::{self, Lang};
use crate::store::classes::Class;
use crate::store::programs::Program;
use crate::store::{DbConn, StoreResult, classes, programs, venues};

/// A class as the enrolment pages head it.
#[derive(Debug, Clone, Serialize)]
pub struct ClassInfo {
    pub id: i64,
    /// "Khóa II năm 2026".
    pub short_name: String,
    /// "Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026".
    pub full_name: String,
    pub program_code: String,
    pub dates: String,
    pub venue: String,
    pub capacity: i32,
    /// Staff may still decide, import and withdraw.
    pub open: bool,
}

impl ClassInfo {
    pub fn new(class: &Class, program: &Program, venue: String) -> Self {
        Self {
            id: class.id,
            short_name: class.short_name(),
            full_name: class::full_name(&program.name, class.ordinal, class.year),
            program_code: program.code.clone(),
            dates: format!("{} – {}", dates::format(class.first_day), dates::format(class.last_day)),
            venue,
            capacity: class.capacity,
            open: crate::domain::enrolment::decisions_open(class.status()),
        }
    }

    pub fn load(conn: &mut DbConn, id: i64) -> StoreResult<Self> {
        let class = classes::find(conn, id)?;
        let program = programs::find(conn, class.program_id)?;
        let venue = venues::venue(conn, class.venue_id)?.name;
        Ok(Self::new(&class, &program, venue))
    }
}

pub fn status_label(lang: Lang, status: EnrolmentStatus) -> String {
    i18n::t(lang, &status.label_key())
}

pub fn status_of(code: &str) -> EnrolmentStatus {
    EnrolmentStatus::parse(code).unwrap_or(EnrolmentStatus::Nominated)
}

/// The tag colour a status is shown with.
pub fn status_tag(status: EnrolmentStatus) -> &'static str {
    match status {
        EnrolmentStatus::Enrolled => "tag-ok",
        EnrolmentStatus::Nominated | EnrolmentStatus::Waitlisted => "tag-warn",
        EnrolmentStatus::Rejected | EnrolmentStatus::Withdrawn => "tag-muted",
    }
}

/// "Khóa II năm 2026" from its parts.
pub fn short_name(ordinal: i32, year: i32) -> String {
    class::short_name(ordinal, year)
}
