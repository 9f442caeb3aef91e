//! What the program pages show.

use serde::Serialize;

use crate::domain::program::{self, format_ratio, format_tenths};
use crate::i18n::{self, Lang};
use crate::store::programs::{Lesson, Program};

#[derive(Serialize)]
pub struct ProgramSummary {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub lessons: usize,
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
    pub resits_allowed: i32,
    pub validity: String,
    pub default_sessions: i32,
    pub certificate_wording: String,
    pub lessons: Vec<Lesson>,
}

#[derive(Serialize)]
pub struct BandRow {
    pub label: String,
    pub from: String,
}

pub fn validity_label(lang: Lang, months: Option<i32>) -> String {
    match months {
        Some(m) => i18n::t_with(lang, "program.validity_months", &[("n", &m.to_string())]),
        None => i18n::t(lang, "program.no_expiry"),
    }
}

impl ProgramSummary {
    pub fn new(lang: Lang, p: &Program, lessons: usize) -> Self {
        Self {
            id: p.id,
            code: p.code.clone(),
            name: p.name.clone(),
            lessons,
            validity: validity_label(lang, p.certificate_validity_months),
            max_absence_ratio: format_ratio(p.max_absence_permille),
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
            max_absence_ratio: format_ratio(p.max_absence_permille),
            pass_mark: format_tenths(p.pass_mark_tenths),
            validity: validity_label(lang, p.certificate_validity_months),
            code: p.code,
            name: p.name,
            short_name: p.short_name,
            unexcused_disqualifies: p.unexcused_disqualifies,
            resits_allowed: p.resits_allowed,
            default_sessions: p.default_sessions,
            certificate_wording: p.certificate_wording,
            lessons,
        }
    }
}
