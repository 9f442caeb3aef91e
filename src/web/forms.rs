//! Helpers for forms: a message per field, and the conversions every form needs (cleaned text,
//! optional text, search input, dates typed as dd/mm/yyyy, ids from selects, checkboxes). Every
//! piece of typed text goes through `names::clean`, so no control or invisible character (NUL,
//! U+202E, zero-width spaces) reaches the database.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::domain::{dates, names};
use crate::i18n::{self, Lang};

/// Field name → message, shown next to the field when a form is re-rendered.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn add(&mut self, lang: Lang, field: &'static str, key: &str) {
        self.0.entry(field).or_insert_with(|| i18n::t(lang, key));
    }

    pub fn add_text(&mut self, field: &'static str, text: String) {
        self.0.entry(field).or_insert(text);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
}

/// Text as typed: invisible characters removed, NFC, trimmed, inner spaces collapsed.
pub fn text(input: &str) -> String {
    names::clean(input)
}

/// Text of a multi-line field (a textarea): cleaned like `text`, line by line, with its line
/// breaks kept.
pub fn multiline_text(input: &str) -> String {
    names::clean_multiline(input)
}

/// The longest search a list accepts, in characters and in words; what is typed beyond is
/// dropped, so no query grows with its input.
pub const SEARCH_MAX_CHARS: usize = 100;
pub const SEARCH_MAX_WORDS: usize = 8;

/// A search box's text: cleaned, at most `SEARCH_MAX_WORDS` words and `SEARCH_MAX_CHARS`
/// characters.
pub fn search_text(input: &str) -> String {
    let cleaned = text(input);
    let words = cleaned.split(' ').take(SEARCH_MAX_WORDS).collect::<Vec<_>>().join(" ");
    let capped: String = words.chars().take(SEARCH_MAX_CHARS).collect();
    capped.trim_end().to_owned()
}

pub fn optional_text(input: &str) -> Option<String> {
    Some(text(input)).filter(|s| !s.is_empty())
}

/// A required date; the error goes to `field`.
pub fn required_date(errors: &mut FieldErrors, lang: Lang, field: &'static str, input: &str) -> Option<time::Date> {
    if input.trim().is_empty() {
        errors.add(lang, field, "form.required");
        return None;
    }
    let parsed = dates::parse(input);
    if parsed.is_none() {
        errors.add(lang, field, "form.invalid_date");
    }
    parsed
}

pub fn optional_date(errors: &mut FieldErrors, lang: Lang, field: &'static str, input: &str) -> Option<time::Date> {
    if input.trim().is_empty() {
        return None;
    }
    required_date(errors, lang, field, input)
}

pub fn required_text(
    errors: &mut FieldErrors,
    lang: Lang,
    field: &'static str,
    input: &str,
    max_chars: usize,
) -> String {
    let value = text(input);
    if value.is_empty() {
        errors.add(lang, field, "form.required");
    } else if value.chars().count() > max_chars {
        errors.add_text(field, i18n::t_with(lang, "form.too_long", &[("max", &max_chars.to_string())]));
    }
    value
}

pub fn checkbox(input: &str) -> bool {
    matches!(input, "on" | "true" | "1" | "yes")
}

pub fn id(input: &str) -> Option<i64> {
    input.trim().parse().ok().filter(|v| *v > 0)
}

/// A loose email check (imports use the same one).
pub use crate::domain::person::looks_like_email;

/// The fields of a sheet with one line per enrolment (attendance, results): each `e` field names
/// a line (kept in the page's order, each once), `amendment_reason` is the sheet's, and every
/// other field belongs to a line, named by a prefix and the enrolment id (`s42`).
pub struct LineFields {
    pub order: Vec<i64>,
    pub amendment_reason: String,
    values: HashMap<String, String>,
}

impl LineFields {
    pub fn parse(fields: Vec<(String, String)>) -> Self {
        let mut order: Vec<i64> = Vec::new();
        let mut seen = HashSet::new();
        let mut amendment_reason = String::new();
        let mut values = HashMap::with_capacity(fields.len());
        for (name, value) in fields {
            match name.as_str() {
                "e" => {
                    if let Ok(id) = value.trim().parse::<i64>()
                        && seen.insert(id)
                    {
                        order.push(id);
                    }
                }
                "amendment_reason" => amendment_reason = text(&value),
                _ => {
                    values.insert(name, value);
                }
            }
        }
        Self { order, amendment_reason, values }
    }

    /// A line's field, taken out (empty when it was not sent).
    pub fn take(&mut self, prefix: &str, id: i64) -> String {
        self.values.remove(&format!("{prefix}{id}")).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_fields_keep_the_pages_order_once_and_hand_out_each_lines_fields() {
        let posted = [
            ("e", "7"),
            ("s7", "present"),
            ("e", "3"),
            ("e", "7"),
            ("e", "x"),
            ("amendment_reason", " Sai\u{200B} sót "),
            ("s3", "late"),
        ];
        let mut fields = LineFields::parse(posted.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        assert_eq!(fields.order, vec![7, 3]);
        assert_eq!(fields.amendment_reason, "Sai sót");
        assert_eq!(fields.take("s", 3), "late");
        assert_eq!(fields.take("s", 3), "", "taken once");
        assert_eq!(fields.take("r", 7), "");
    }

    #[test]
    fn email_shape() {
        assert!(looks_like_email("hang.nguyen@dak-lak.gov.vn"));
        assert!(!looks_like_email("hang.nguyen"));
        assert!(!looks_like_email("a b@x.vn"));
        assert!(!looks_like_email("a@x"));
    }

    #[test]
    fn search_text_is_cleaned_and_capped() {
        assert_eq!(search_text("  nguyen\u{0} thi\u{200B}  hang "), "nguyen thi hang");
        let many = vec!["an"; 1001].join(" ");
        assert_eq!(search_text(&many), ["an"; SEARCH_MAX_WORDS].join(" "));
        let long = "ư".repeat(500);
        assert_eq!(search_text(&long).chars().count(), SEARCH_MAX_CHARS);
        // Invisible characters between words do not count as words of their own.
        assert_eq!(search_text(&format!("{}nguyen", "\u{200B} ".repeat(20))), "nguyen");
    }

    #[test]
    fn multi_line_fields_keep_their_lines() {
        assert_eq!(multiline_text("KT. HIỆU TRƯỞNG\r\n\u{202E}PHÓ HIỆU TRƯỞNG"), "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG");
        assert_eq!(text("KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG"), "KT. HIỆU TRƯỞNG PHÓ HIỆU TRƯỞNG");
    }

    #[test]
    fn errors_keep_the_first_message_per_field() {
        let mut e = FieldErrors::default();
        e.add(Lang::Vi, "name", "form.required");
        e.add(Lang::Vi, "name", "form.invalid_date");
        assert!(e.has("name"));
        assert_eq!(serde_json::to_value(&e).unwrap()["name"], i18n::t(Lang::Vi, "form.required"));
    }
}
