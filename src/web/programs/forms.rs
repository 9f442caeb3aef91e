//! The program form: rules typed as people write them ("20%" or "0,2", "5,0" or "5.0", "60"),
//! lessons as numbered rows (a form cannot nest lists, so row i is `lesson_title_i`,
//! `lesson_required_i`…; people read row i as "Bài i+1").

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::numbers;
use crate::domain::program::{LessonKind, PERIODS_PER_SESSION, Rules};
use crate::i18n::Lang;
use crate::store::programs::{Lesson, LessonEdit, Program, ProgramChanges};
use crate::web::forms::{self, FieldErrors};

/// Blank rows offered for new lessons.
pub const NEW_LESSON_ROWS: usize = 3;

#[derive(Debug, Default, Clone, Serialize)]
pub struct ProgramForm {
    pub name: String,
    pub short_name: String,
    pub max_absence_ratio: String,
    pub unexcused_disqualifies: bool,
    pub pass_mark: String,
    pub band_excellent: String,
    pub band_good: String,
    pub band_fair: String,
    pub band_average: String,
    pub resits_allowed: String,
    pub certificate_validity_months: String,
    pub default_sessions: String,
    pub certificate_wording: String,
    pub lessons: Vec<LessonRow>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct LessonRow {
    /// The row's place in the form, from 0, as the field names carry it.
    pub index: usize,
    /// What people read: "Bài 1" for the first lesson; activities (discussion, the essay…) are
    /// not numbered and show 0.
    pub number: usize,
    pub id: String,
    pub title: String,
    pub required: bool,
    pub remove: bool,
    /// Periods (tiết), as typed.
    pub periods: String,
    /// Whether the row is an activity rather than a lesson.
    pub activity: bool,
}

/// Lessons are numbered among themselves ("Bài 1" … "Bài 5"); activities between them are not.
fn number_rows(rows: &mut [LessonRow]) {
    let mut n = 0;
    for row in rows {
        if row.activity {
            row.number = 0;
        } else {
            n += 1;
            row.number = n;
        }
    }
}

impl ProgramForm {
    pub fn from_program(p: &Program, lessons: &[Lesson]) -> Self {
        let mut rows: Vec<LessonRow> = lessons
            .iter()
            .enumerate()
            .map(|(index, l)| LessonRow {
                index,
                number: 0,
                id: l.id.to_string(),
                title: l.title.clone(),
                required: l.required,
                remove: false,
                periods: l.periods.to_string(),
                activity: LessonKind::parse(&l.kind) == Some(LessonKind::Activity),
            })
            .collect();
        for index in rows.len()..rows.len() + NEW_LESSON_ROWS {
            rows.push(LessonRow {
                index,
                required: true,
                periods: PERIODS_PER_SESSION.to_string(),
                ..Default::default()
            });
        }
        number_rows(&mut rows);
        Self {
            name: p.name.clone(),
            short_name: p.short_name.clone(),
            max_absence_ratio: numbers::format_percent(p.max_absence_permille),
            unexcused_disqualifies: p.unexcused_disqualifies,
            pass_mark: numbers::format_tenths(p.pass_mark_tenths),
            band_excellent: numbers::format_tenths(p.band_excellent_tenths),
            band_good: numbers::format_tenths(p.band_good_tenths),
            band_fair: numbers::format_tenths(p.band_fair_tenths),
            band_average: numbers::format_tenths(p.band_average_tenths),
            resits_allowed: p.resits_allowed.to_string(),
            certificate_validity_months: p.certificate_validity_months.map(|m| m.to_string()).unwrap_or_default(),
            default_sessions: p.default_sessions.to_string(),
            certificate_wording: p.certificate_wording.clone(),
            lessons: rows,
        }
    }

    /// Reads the posted fields; unknown fields are ignored.
    pub fn from_fields(fields: Vec<(String, String)>) -> Self {
        let map: HashMap<String, String> = fields.into_iter().collect();
        let get = |k: &str| map.get(k).cloned().unwrap_or_default();
        let mut lessons = Vec::new();
        let mut index = 0;
        while map.contains_key(&format!("lesson_title_{index}")) {
            lessons.push(LessonRow {
                index,
                number: index + 1,
                id: get(&format!("lesson_id_{index}")),
                title: get(&format!("lesson_title_{index}")),
                required: forms::checkbox(&get(&format!("lesson_required_{index}"))),
                remove: forms::checkbox(&get(&format!("lesson_remove_{index}"))),
                periods: get(&format!("lesson_periods_{index}")),
                activity: get(&format!("lesson_kind_{index}")) == LessonKind::Activity.code(),
            });
            index += 1;
        }
        number_rows(&mut lessons);
        Self {
            name: get("name"),
            short_name: get("short_name"),
            max_absence_ratio: get("max_absence_ratio"),
            unexcused_disqualifies: forms::checkbox(&get("unexcused_disqualifies")),
            pass_mark: get("pass_mark"),
            band_excellent: get("band_excellent"),
            band_good: get("band_good"),
            band_fair: get("band_fair"),
            band_average: get("band_average"),
            resits_allowed: get("resits_allowed"),
            certificate_validity_months: get("certificate_validity_months"),
            default_sessions: get("default_sessions"),
            certificate_wording: get("certificate_wording"),
            lessons,
        }
    }

    /// The changes and lessons to store, or a message per field.
    pub fn validate(
        &self,
        lang: Lang,
        existing_lesson_ids: &[i64],
    ) -> Result<(ProgramChanges, Vec<LessonEdit>), FieldErrors> {
        let mut e = FieldErrors::default();
        let name = forms::required_text(&mut e, lang, "name", &self.name, 200);
        let short_name = forms::required_text(&mut e, lang, "short_name", &self.short_name, 100);
        let wording = forms::required_text(&mut e, lang, "certificate_wording", &self.certificate_wording, 500);
        let mut score = |field: &'static str, input: &str| {
            let parsed = numbers::parse_tenths(input);
            if parsed.is_none() {
                e.add(lang, field, "program.error.score_range");
            }
            parsed.unwrap_or(0)
        };
        let pass_mark = score("pass_mark", &self.pass_mark);
        let excellent = score("band_excellent", &self.band_excellent);
        let good = score("band_good", &self.band_good);
        let fair = score("band_fair", &self.band_fair);
        let average = score("band_average", &self.band_average);
        let absence = numbers::parse_ratio_permille(&self.max_absence_ratio);
        if absence.is_none() {
            e.add(lang, "max_absence_ratio", "program.error.absence_ratio");
        }
        let resits = self.resits_allowed.trim().parse::<i32>().ok().filter(|r| (0..=5).contains(r));
        if resits.is_none() {
            e.add(lang, "resits_allowed", "program.error.resits");
        }
        let validity = match self.certificate_validity_months.trim() {
            "" => Some(None),
            text => text.parse::<i32>().ok().filter(|m| (1..=240).contains(m)).map(Some),
        };
        if validity.is_none() {
            e.add(lang, "certificate_validity_months", "program.error.validity");
        }
        let sessions = self.default_sessions.trim().parse::<i32>().ok().filter(|s| (1..=100).contains(s));
        if sessions.is_none() {
            e.add(lang, "default_sessions", "program.error.sessions");
        }
        let rules = Rules {
            max_absence_permille: absence.unwrap_or(0),
            unexcused_disqualifies: self.unexcused_disqualifies,
            pass_mark_tenths: pass_mark,
            band_excellent_tenths: excellent,
            band_good_tenths: good,
            band_fair_tenths: fair,
            band_average_tenths: average,
            resits_allowed: resits.unwrap_or(0),
            certificate_validity_months: validity.flatten(),
        };
        if e.is_empty()
            && let Some(key) = rules.check()
        {
            let field = match key {
                "program.error.band_below_pass" => "band_average",
                _ => "band_excellent",
            };
            e.add(lang, field, key);
        }
        let mut lessons = Vec::new();
        for row in &self.lessons {
            let title = forms::text(&row.title);
            let id = row.id.trim().parse::<i64>().ok().filter(|id| existing_lesson_ids.contains(id));
            if row.remove || (title.is_empty() && id.is_none()) {
                continue;
            }
            if title.is_empty() || title.chars().count() > 300 {
                e.add(lang, "lessons", "program.error.lesson_title");
                continue;
            }
            // A row from before periods existed (or left blank) keeps one session's worth.
            let periods = match row.periods.trim() {
                "" => Some(PERIODS_PER_SESSION),
                typed => typed.parse::<i32>().ok().filter(|p| (1..=60).contains(p)),
            };
            let Some(periods) = periods else {
                e.add(lang, "lessons", "program.error.lesson_periods");
                continue;
            };
            let kind = if row.activity { LessonKind::Activity } else { LessonKind::Lesson };
            lessons.push(LessonEdit { id, title, required: row.required, periods, kind: kind.code().into() });
        }
        if lessons.is_empty() {
            e.add(lang, "lessons", "program.error.no_lessons");
        }
        if !e.is_empty() {
            return Err(e);
        }
        let changes = ProgramChanges {
            name,
            short_name,
            max_absence_permille: rules.max_absence_permille,
            unexcused_disqualifies: rules.unexcused_disqualifies,
            pass_mark_tenths: rules.pass_mark_tenths,
            band_excellent_tenths: rules.band_excellent_tenths,
            band_good_tenths: rules.band_good_tenths,
            band_fair_tenths: rules.band_fair_tenths,
            band_average_tenths: rules.band_average_tenths,
            resits_allowed: rules.resits_allowed,
            certificate_validity_months: rules.certificate_validity_months,
            default_sessions: sessions.unwrap_or(1),
            certificate_wording: wording,
        };
        Ok((changes, lessons))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn valid() -> Vec<(&'static str, &'static str)> {
        vec![
            ("name", "Lớp bồi dưỡng nhận thức về Đảng"),
            ("short_name", "Nhận thức về Đảng"),
            ("max_absence_ratio", "0,20"),
            ("pass_mark", "5.0"),
            ("band_excellent", "9.0"),
            ("band_good", "8.0"),
            ("band_fair", "7.0"),
            ("band_average", "5.0"),
            ("resits_allowed", "1"),
            ("certificate_validity_months", "60"),
            ("default_sessions", "10"),
            ("certificate_wording", "Đã hoàn thành"),
            ("lesson_id_0", "7"),
            ("lesson_title_0", "Bài một"),
            ("lesson_required_0", "on"),
            ("lesson_id_1", "8"),
            ("lesson_title_1", "Bài hai"),
            ("lesson_remove_1", "on"),
            ("lesson_id_2", ""),
            ("lesson_title_2", "Chuyên đề bổ sung"),
            ("lesson_id_3", ""),
            ("lesson_title_3", ""),
        ]
    }

    #[test]
    fn a_valid_form_gives_changes_and_lessons() {
        let form = ProgramForm::from_fields(fields(&valid()));
        let (changes, lessons) = form.validate(Lang::Vi, &[7, 8]).unwrap();
        assert_eq!(changes.max_absence_permille, 200);
        assert_eq!(changes.certificate_validity_months, Some(60));
        assert_eq!(
            lessons,
            vec![
                LessonEdit {
                    id: Some(7), title: "Bài một".into(), required: true, periods: 5, kind: "lesson".into()
                },
                LessonEdit {
                    id: None,
                    title: "Chuyên đề bổ sung".into(),
                    required: false,
                    periods: 5,
                    kind: "lesson".into()
                },
            ]
        );
    }

    #[test]
    fn bad_values_are_reported_per_field() {
        let mut pairs = valid();
        pairs.retain(|(k, _)| !matches!(*k, "band_good" | "certificate_validity_months"));
        pairs.push(("band_good", "9.5"));
        pairs.push(("certificate_validity_months", "0"));
        let form = ProgramForm::from_fields(fields(&pairs));
        let errors = form.validate(Lang::Vi, &[7, 8]).unwrap_err();
        assert!(errors.has("certificate_validity_months"));
        let mut pairs = valid();
        pairs.retain(|(k, _)| *k != "band_good");
        pairs.push(("band_good", "9.5"));
        let errors = ProgramForm::from_fields(fields(&pairs)).validate(Lang::Vi, &[7, 8]).unwrap_err();
        assert!(errors.has("band_excellent"), "band order is checked");
    }

    #[test]
    fn the_form_shows_values_the_vietnamese_way_and_reads_them_back() {
        let program = Program {
            id: 1,
            code: "NTVD".into(),
            name: "Lớp bồi dưỡng nhận thức về Đảng".into(),
            short_name: "Nhận thức về Đảng".into(),
            max_absence_permille: 125,
            unexcused_disqualifies: false,
            pass_mark_tenths: 55,
            band_excellent_tenths: 90,
            band_good_tenths: 80,
            band_fair_tenths: 70,
            band_average_tenths: 55,
            resits_allowed: 1,
            certificate_validity_months: Some(60),
            default_sessions: 10,
            certificate_wording: "Đã hoàn thành".into(),
        };
        let lessons = [
            Lesson {
                id: 7, position: 1, title: "Bài một".into(), required: true, periods: 5, kind: "lesson".into()
            },
            Lesson { id: 8, position: 2, title: "Bài hai".into(), required: false, periods: 5, kind: "lesson".into() },
        ];
        let form = ProgramForm::from_program(&program, &lessons);
        assert_eq!((form.max_absence_ratio.as_str(), form.pass_mark.as_str()), ("12,5%", "5,5"));
        assert_eq!(form.band_excellent, "9,0");
        let numbers: Vec<(usize, usize)> = form.lessons.iter().map(|l| (l.index, l.number)).collect();
        assert_eq!(numbers, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)], "rows read from «Bài 1»");
        // What the form shows is what it reads back.
        let shown = [
            ("name", &form.name),
            ("short_name", &form.short_name),
            ("max_absence_ratio", &form.max_absence_ratio),
            ("pass_mark", &form.pass_mark),
            ("band_excellent", &form.band_excellent),
            ("band_good", &form.band_good),
            ("band_fair", &form.band_fair),
            ("band_average", &form.band_average),
            ("resits_allowed", &form.resits_allowed),
            ("certificate_validity_months", &form.certificate_validity_months),
            ("default_sessions", &form.default_sessions),
            ("certificate_wording", &form.certificate_wording),
        ];
        let mut pairs: Vec<(String, String)> = shown.iter().map(|(k, v)| ((*k).to_owned(), (*v).clone())).collect();
        for row in &form.lessons {
            pairs.push((format!("lesson_id_{}", row.index), row.id.clone()));
            pairs.push((format!("lesson_title_{}", row.index), row.title.clone()));
        }
        let (changes, kept) = ProgramForm::from_fields(pairs).validate(Lang::Vi, &[7, 8]).unwrap();
        assert_eq!(
            (changes.max_absence_permille, changes.pass_mark_tenths, changes.band_average_tenths),
            (125, 55, 55)
        );
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn a_lesson_id_of_another_program_is_treated_as_new() {
        let form = ProgramForm::from_fields(fields(&valid()));
        let (_, lessons) = form.validate(Lang::Vi, &[8]).unwrap();
        assert_eq!(lessons[0].id, None);
    }
}
