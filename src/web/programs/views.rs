//! What the program pages show.

use serde::Serialize;

use crate::domain::numbers::{format_int, format_percent, format_tenths};
use crate::domain::program::{self, LessonKind};
use crate::domain::schedule;
use crate::i18n::{self, Lang};
use crate::store::programs::{Lesson, Program};

#[derive(Serialize)]
pub struct ProgramSummary {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub lessons: String,
    pub validity: String,
    pub max_absence_ratio: String,
    pub pass_mark: String,
}

#[derive(Serialize)]
pub struct ProgramDetail {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub max_absence_ratio: String,
    pub unexcused_disqualifies: bool,
    pub pass_mark: String,
    pub bands: Vec<BandRow>,
    pub resits_allowed: String,
    pub validity: String,
    pub default_sessions: String,
    pub certificate_wording: String,
    pub lessons: Vec<LessonLine>,
    /// "50 tiết, 10 buổi": the length the session plan is generated from.
    pub total_periods: String,
    pub total_sessions: String,
}

/// A lesson as the program page lists it: "Bài 1", "Bài 2"… in the program's order, the
/// activities between them unnumbered, each with its periods.
#[derive(Serialize)]
pub struct LessonLine {
    /// 0 for an activity.
    pub number: usize,
    pub title: String,
    pub required: bool,
    pub periods: String,
}

#[derive(Serialize)]
pub struct BandRow {
    pub label: String,
    pub from: String,
}

pub fn validity_label(lang: Lang, months: Option<i32>) -> String {
    match months {
        Some(m) => i18n::t_with(lang, "program.validity_months", &[("n", &format_int(i64::from(m)))]),
        None => i18n::t(lang, "program.no_expiry"),
    }
}

impl ProgramSummary {
    pub fn new(lang: Lang, p: &Program, lessons: usize) -> Self {
        Self {
            id: p.id,
            code: p.code.clone(),
            name: p.name.clone(),
            lessons: format_int(lessons as i64),
            validity: validity_label(lang, p.certificate_validity_months),
            max_absence_ratio: format_percent(p.max_absence_permille),
            pass_mark: format_tenths(p.pass_mark_tenths),
        }
    }
}

impl ProgramDetail {
    pub fn new(lang: Lang, p: Program, lessons: Vec<Lesson>) -> Self {
        let band = |b: program::Band, tenths: i32| BandRow {
            label: i18n::t(lang, b.label_key()),
            from: format_tenths(tenths),
        };
        Self {
            id: p.id,
            bands: vec![
                band(program::Band::Excellent, p.band_excellent_tenths),
                band(program::Band::Good, p.band_good_tenths),
                band(program::Band::Fair, p.band_fair_tenths),
                band(program::Band::Average, p.band_average_tenths),
            ],
            max_absence_ratio: format_percent(p.max_absence_permille),
            pass_mark: format_tenths(p.pass_mark_tenths),
            validity: validity_label(lang, p.certificate_validity_months),
            code: p.code,
            name: p.name,
            short_name: p.short_name,
            unexcused_disqualifies: p.unexcused_disqualifies,
            resits_allowed: format_int(i64::from(p.resits_allowed)),
            default_sessions: format_int(i64::from(p.default_sessions)),
            certificate_wording: p.certificate_wording,
            total_periods: format_int(lessons.iter().map(|l| i64::from(l.periods)).sum()),
            total_sessions: format_int(lessons.iter().map(|l| i64::from(schedule::sessions_for(l.periods))).sum()),
            lessons: lessons
                .into_iter()
                .scan(0, |n, l| {
                    let activity = LessonKind::parse(&l.kind) == Some(LessonKind::Activity);
                    if !activity {
                        *n += 1;
                    }
                    let number = if activity { 0 } else { *n };
                    Some(LessonLine {
                        number,
                        title: l.title,
                        required: l.required,
                        periods: format_int(i64::from(l.periods)),
                    })
                })
                .collect(),
        }
    }
}
