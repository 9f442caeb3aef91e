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
///
/// A form deserializes straight into it (`web::Form<LineFields>`): a sheet of 200 learners posts
/// 800 fields, and reading them into a list of owned name/value pairs and then keying a map with
/// a `format!`ed name per field was a tenth of the server's time per save (bench/RESULTS.md,
/// issue 8). Names are read in place; a line's field is keyed by its short prefix and its id.
#[derive(Debug, Default)]
pub struct LineFields {
    pub order: Vec<i64>,
    pub amendment_reason: String,
    seen: HashSet<i64>,
    /// The lines' fields in the order posted, sorted by id (stably: the last of a repeated
    /// field wins) when the first is taken; a list grows without rehashing, unlike a map.
    values: Vec<((LinePrefix, i64), String)>,
    sorted: bool,
    /// The fields of the id taken last: a line's fields are taken one after the other, so one
    /// search finds them all.
    last_line: Option<(i64, std::ops::Range<usize>)>,
    /// Fields whose name is not a short prefix and an id (kept, as the page may name any).
    others: HashMap<String, String>,
}

/// The prefix of a line's field name (`s` of `s42`), up to 4 ASCII letters packed in a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct LinePrefix(u32);

impl LinePrefix {
    fn of(prefix: &str) -> Option<Self> {
        let bytes = prefix.as_bytes();
        if bytes.is_empty() || bytes.len() > 4 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let mut packed = [0u8; 4];
        packed[..bytes.len()].copy_from_slice(bytes);
        Some(Self(u32::from_le_bytes(packed)))
    }

    /// A line field's name split into its prefix and its id (`s42` → (`s`, 42)).
    fn split(name: &str) -> Option<(Self, i64)> {
        let digits = name.find(|c: char| c.is_ascii_digit())?;
        let (prefix, id) = name.split_at(digits);
        // Only the canonical spelling of the id, as `format!("{prefix}{id}")` would write it.
        if id.len() > 1 && id.starts_with('0') || !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some((Self::of(prefix)?, id.parse().ok()?))
    }
}

/// What a field's name says it is.
enum FieldName<'a> {
    Line,
    AmendmentReason,
    OfLine(LinePrefix, i64),
    Other(std::borrow::Cow<'a, str>),
}

impl<'a> FieldName<'a> {
    fn read(name: std::borrow::Cow<'a, str>) -> Self {
        match name.as_ref() {
            "e" => Self::Line,
            "amendment_reason" => Self::AmendmentReason,
            other => match LinePrefix::split(other) {
                Some((prefix, id)) => Self::OfLine(prefix, id),
                None => Self::Other(name),
            },
        }
    }
}

impl LineFields {
    /// From a list of pairs, as the tests compare with a posted form.
    #[cfg(test)]
    pub fn parse(fields: Vec<(String, String)>) -> Self {
        let mut out = Self::default();
        for (name, value) in fields {
            out.add(FieldName::read(name.into()), value);
        }
        out
    }

    fn add(&mut self, name: FieldName<'_>, value: String) {
        match name {
            FieldName::Line => {
                if let Ok(id) = value.trim().parse::<i64>()
                    && self.seen.insert(id)
                {
                    self.order.push(id);
                }
            }
            FieldName::AmendmentReason => self.amendment_reason = text(&value),
            FieldName::OfLine(prefix, id) => {
                self.values.push(((prefix, id), value));
                self.sorted = false;
            }
            FieldName::Other(name) => {
                self.others.insert(name.into_owned(), value);
            }
        }
    }

    /// The value of a line's field, taken out: the last one posted under its name.
    fn line_value(&mut self, (prefix, id): (LinePrefix, i64)) -> Option<String> {
        if !self.sorted {
            self.values.sort_by_key(|((_, id), _)| *id);
            self.sorted = true;
            self.last_line = None;
        }
        let range = match &self.last_line {
            Some((last, range)) if *last == id => range.clone(),
            _ => {
                let start = self.values.partition_point(|((_, i), _)| *i < id);
                let end = start + self.values[start..].partition_point(|((_, i), _)| *i == id);
                self.last_line = Some((id, start..end));
                start..end
            }
        };
        let (_, value) = self.values[range].iter_mut().rev().find(|((p, _), _)| *p == prefix)?;
        Some(std::mem::take(value))
    }

    /// A line's field, taken out (empty when it was not sent).
    pub fn take(&mut self, prefix: &str, id: i64) -> String {
        let taken = match LinePrefix::of(prefix) {
            Some(prefix) if id >= 0 => self.line_value((prefix, id)),
            // A prefix that is not a few letters: the name as the page wrote it, read the way
            // the posted names were.
            _ => {
                let name = format!("{prefix}{id}");
                match LinePrefix::split(&name) {
                    Some(key) => self.line_value(key),
                    None => self.others.remove(&name),
                }
            }
        };
        taken.unwrap_or_default()
    }
}

impl<'de> serde::Deserialize<'de> for LineFields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(LineFieldsVisitor)
    }
}

struct LineFieldsVisitor;

impl<'de> serde::de::Visitor<'de> for LineFieldsVisitor {
    type Value = LineFields;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the fields of a sheet")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<LineFields, A::Error> {
        let mut out = LineFields::default();
        while let Some(name) = map.next_key_seed(NameSeed)? {
            let value: String = map.next_value()?;
            out.add(name, value);
        }
        Ok(out)
    }
}

/// Reads a field's name without copying it, unless it is kept whole.
struct NameSeed;

impl<'de> serde::de::DeserializeSeed<'de> for NameSeed {
    type Value = FieldName<'static>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for NameSeed {
    type Value = FieldName<'static>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok(match FieldName::read(name.into()) {
            FieldName::Line => FieldName::Line,
            FieldName::AmendmentReason => FieldName::AmendmentReason,
            FieldName::OfLine(prefix, id) => FieldName::OfLine(prefix, id),
            FieldName::Other(name) => FieldName::Other(name.into_owned().into()),
        })
    }

    fn visit_string<E: serde::de::Error>(self, name: String) -> Result<Self::Value, E> {
        Ok(FieldName::read(name.into()))
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
    fn line_fields_are_found_whatever_order_they_are_posted_and_taken_in() {
        let body = "e=7&s7=a&e=3&s3=b&r7=c&s7=d&r3=e&u12=f";
        let mut fields: LineFields = serde_urlencoded::from_str(body).unwrap();
        assert_eq!(fields.take("s", 7), "d", "the last s7 posted, after the fields of 3");
        assert_eq!(fields.take("s", 3), "b");
        assert_eq!(fields.take("r", 7), "c", "back to 7 after 3");
        assert_eq!(fields.take("u", 7), "", "a field 7 was not sent");
        assert_eq!(fields.take("r", 3), "e");
        assert_eq!(fields.take("u", 12), "f", "a line not in the order");
        assert_eq!(fields.take("s", 7), "", "taken once");
        assert_eq!(fields.take("s", 8), "", "an id with no field");
    }

    #[test]
    fn line_fields_read_from_a_posted_form_as_from_pairs() {
        let body = "csrf_token=t&e=7&s7=present&r7=%E1%BB%90m+n%E1%BA%B7ng&e=3&s3=late&v3=2&s042=x&xy15=a\
                    &s-5=b&amendment_reason=+Sai+s%C3%B3t+&e=7&s7=late&%73%39=decoded&long_prefix9=c";
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap();
        let mut posted: LineFields = serde_urlencoded::from_str(body).unwrap();
        let mut listed = LineFields::parse(pairs);
        assert_eq!(posted.order, vec![7, 3]);
        assert_eq!(posted.order, listed.order);
        assert_eq!(posted.amendment_reason, "Sai sót");
        assert_eq!(posted.amendment_reason, listed.amendment_reason);
        for (prefix, id) in [
            ("s", 7),
            ("r", 7),
            ("s", 3),
            ("v", 3),
            ("s", 42),
            ("s", -5),
            ("s", 9),
            ("xy", 15),
            ("x", 15),
            ("long_prefix", 9),
        ] {
            assert_eq!(posted.take(prefix, id), listed.take(prefix, id), "{prefix}{id}");
        }
        let mut again: LineFields = serde_urlencoded::from_str(body).unwrap();
        assert_eq!(again.take("s", 7), "late", "the last of a repeated field");
        assert_eq!(again.take("r", 7), "Ốm nặng");
        assert_eq!(again.take("s", 9), "decoded", "an encoded name");
        assert_eq!(again.take("s", 42), "", "s042 is not s42");
        assert_eq!(again.take("s", -5), "b");
        assert_eq!(again.take("xy", 15), "a");
        assert_eq!(again.take("long_prefix", 9), "c");
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
