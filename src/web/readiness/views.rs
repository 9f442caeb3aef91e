//! Labels of the dossier's states, in the page's language, and the classes of their tags.

use serde::Serialize;

use crate::domain::course_stage::CourseStage;
use crate::domain::person::Status;
use crate::domain::readiness::{Introduction, Overall, RowState};
use crate::domain::{dates, numbers};
use crate::i18n::{self, Lang};

/// A label with the tag class it is shown in.
#[derive(Debug, Clone, Serialize)]
pub struct Tagged {
    pub label: String,
    pub class: &'static str,
}

pub fn row_state(lang: Lang, state: RowState) -> Tagged {
    let (key, class) = match state {
        RowState::Done => ("readiness.row.done", "tag-ok"),
        RowState::NotNeeded => ("readiness.row.not_needed", "tag-muted"),
        RowState::Missing => ("readiness.row.missing", "tag-warn"),
        RowState::Expired => ("readiness.row.expired", "tag-err"),
    };
    Tagged { label: i18n::t(lang, key), class }
}

pub fn overall(lang: Lang, overall: Overall) -> Tagged {
    match overall {
        Overall::Ready => Tagged { label: i18n::t(lang, "readiness.overall.ready"), class: "tag-ok" },
        Overall::Missing { count } => Tagged {
            label: i18n::t_with(lang, "readiness.overall.missing", &[("n", &numbers::format_int(count as i64))]),
            class: "tag-warn",
        },
        Overall::CertificateExpired => {
            Tagged { label: i18n::t(lang, "readiness.overall.certificate_expired"), class: "tag-err" }
        }
        Overall::DocumentsExpired => {
            Tagged { label: i18n::t(lang, "readiness.overall.documents_expired"), class: "tag-err" }
        }
    }
}

pub fn course(lang: Lang, stage: CourseStage, status: Status) -> Tagged {
    let (key, class) = match stage {
        CourseStage::Nominate => ("nominate", "tag-warn"),
        CourseStage::Nominated => ("nominated", "tag-muted"),
        CourseStage::Enrolled => ("enrolled", "tag-muted"),
        CourseStage::Failed => ("failed", "tag-err"),
        CourseStage::Completed => ("completed", "tag-ok"),
        CourseStage::CertificateExpiring => ("certificate_expiring", "tag-warn"),
        CourseStage::CertificateExpired => ("certificate_expired", "tag-err"),
    };
    let course = if status == Status::Candidate { "awareness" } else { "new_member" };
    Tagged { label: i18n::t(lang, &format!("readiness.course.{course}.{key}")), class }
}

pub fn introduction(lang: Lang, intro: Introduction) -> String {
    i18n::t(lang, &format!("readiness.introduction.{}", intro.code()))
}

pub fn status(lang: Lang, status: Status) -> String {
    i18n::t(lang, &status.label_key())
}

pub fn date_opt(date: Option<time::Date>) -> String {
    dates::format_opt(date)
}
