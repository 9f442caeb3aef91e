//! What the class pages show: a class's names and status, the guards as sentences, and the
//! summary of what a stale form's editor missed.

use serde::Serialize;
use time::PrimitiveDateTime;

use crate::domain::class::{self, Blocker, ClassStatus};
use crate::domain::numbers::format_int;
use crate::domain::schedule;
use crate::i18n::{self, Lang};
use crate::store::audit::LastChange;
use crate::store::classes::Class;
use crate::store::programs::Program;

/// A class as a heading names it, with links back to it.
#[derive(Debug, Clone, Serialize)]
pub struct ClassHeading {
    pub id: i64,
    /// "Lớp bồi dưỡng nhận thức về Đảng khóa II năm 2026".
    pub full_name: String,
    /// "Khóa II năm 2026".
    pub short_name: String,
    pub program_short_name: String,
    pub status: String,
    pub status_label: String,
    pub status_tag: &'static str,
}

impl ClassHeading {
    pub fn new(lang: Lang, class: &Class, program: &Program) -> Self {
        let status = class.status();
        Self {
            id: class.id,
            full_name: class::full_name(&program.name, class.ordinal, class.year),
            short_name: class.short_name(),
            program_short_name: program.short_name.clone(),
            status: status.code().into(),
            status_label: status_label(lang, status),
            status_tag: status_tag(status),
        }
    }
}

pub fn status_label(lang: Lang, status: ClassStatus) -> String {
    i18n::t(lang, &status.label_key())
}

/// The tag colour of a status: what needs staff's attention stands out.
pub fn status_tag(status: ClassStatus) -> &'static str {
    match status {
        ClassStatus::Running => "tag-ok",
        ClassStatus::Nominating | ClassStatus::Assessing => "tag-warn",
        ClassStatus::Draft | ClassStatus::Locked | ClassStatus::Closed => "tag-muted",
    }
}

/// "Nhận thức về Đảng khóa II năm 2026": how a class is named among classes of both programs.
pub fn program_and_class(program_short_name: &str, ordinal: i32, year: i32) -> String {
    class::full_name(program_short_name, ordinal, year)
}

/// The sentence staff read for a guard that blocks the next step.
pub fn blocker_sentence(lang: Lang, blocker: &Blocker) -> String {
    let n = |count: &usize| format_int(*count as i64);
    match blocker {
        Blocker::NoSessions => i18n::t(lang, "class.blocker.no_sessions"),
        Blocker::SessionsWithoutRoom(c) => i18n::t_with(lang, "class.blocker.without_room", &[("n", &n(c))]),
        Blocker::SessionsWithoutTeacher(c) => i18n::t_with(lang, "class.blocker.without_teacher", &[("n", &n(c))]),
        Blocker::NoOpeningDecision => i18n::t(lang, "class.blocker.no_opening_decision"),
        Blocker::NoLearners => i18n::t(lang, "class.blocker.no_learners"),
        Blocker::UndecidedNominations(c) => i18n::t_with(lang, "class.blocker.undecided", &[("n", &n(c))]),
        Blocker::SessionsNotOver(end) => i18n::t_with(lang, "class.blocker.not_over", &[("time", &local_time(*end))]),
        Blocker::ResultsMissing(c) => i18n::t_with(lang, "class.blocker.results_missing", &[("n", &n(c))]),
        Blocker::NoResultsDecision => i18n::t(lang, "class.blocker.no_results_decision"),
        Blocker::CertificatesMissing(c) => i18n::t_with(lang, "class.blocker.certificates_missing", &[("n", &n(c))]),
    }
}

/// "11:00 ngày 20/03/2026" for a local wall-clock time.
pub fn local_time(at: PrimitiveDateTime) -> String {
    format!("{} ngày {}", schedule::format_time(at.time()), crate::domain::dates::format(at.date()))
}

/// "Lớp này đã được Lê Thị Thu Hà sửa lúc 14:03 ngày 29/11/2026": why a form was not saved.
pub fn changed_meanwhile(lang: Lang, what_key: &str, last: Option<&LastChange>) -> String {
    let what = i18n::t(lang, what_key);
    match last {
        Some(change) => {
            let local = change.at.assume_utc().to_offset(time::macros::offset!(+7));
            let at = PrimitiveDateTime::new(local.date(), local.time());
            i18n::t_with(lang, "class.stale", &[("what", &what), ("who", &change.who), ("time", &local_time(at))])
        }
        None => i18n::t_with(lang, "class.stale_unknown", &[("what", &what)]),
    }
}

/// One value that changed under a stale form: its label and what is saved now.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CurrentValue {
    pub label: String,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn guards_read_as_sentences() {
        let text = blocker_sentence(Lang::Vi, &Blocker::SessionsWithoutRoom(3));
        assert!(text.contains('3') && text.contains("phòng"), "{text}");
        let text = blocker_sentence(Lang::Vi, &Blocker::SessionsNotOver(datetime!(2026-03-20 17:00)));
        assert!(text.contains("17:00 ngày 20/03/2026"), "{text}");
    }

    #[test]
    fn a_stale_form_names_who_saved_and_when_in_vietnams_time() {
        let last = LastChange { who: "Lê Thị Thu Hà".into(), at: datetime!(2026-11-29 07:03) };
        let text = changed_meanwhile(Lang::Vi, "class.this_class", Some(&last));
        assert!(text.contains("đã được Lê Thị Thu Hà sửa lúc 14:03 ngày 29/11/2026"), "{text}");
    }
}
