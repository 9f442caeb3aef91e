//! What a session plan uses besides the program: venues (cơ sở) and their rooms, guest
//! speakers (báo cáo viên, without an account), the public holidays the plan skips, and the
//! organisers that issue certificates under their own register. Staff and admins keep them.

mod guests;
mod holidays;
mod issuers;
mod venues;

use serde::Serialize;

use super::routes::Router;
use crate::i18n::{self, Lang};
use crate::web::forms::FieldErrors;

pub fn routes(r: &mut Router) {
    r.get("/venues", venues::list)
        .post("/venues", venues::create)
        .get("/venues/new", venues::new_form)
        .get("/venues/{id}", venues::show)
        .post("/venues/{id}", venues::update)
        .post("/venues/{id}/rooms", venues::add_room)
        .get("/venues/{id}/rooms/{rid}", venues::room_form)
        .post("/venues/{id}/rooms/{rid}", venues::update_room)
        .get("/guest-speakers", guests::list)
        .post("/guest-speakers", guests::create)
        .get("/guest-speakers/new", guests::new_form)
        .get("/guest-speakers/{id}", guests::edit_form)
        .post("/guest-speakers/{id}", guests::update)
        .get("/holidays", holidays::list)
        .post("/holidays", holidays::add)
        .post("/holidays/delete", holidays::remove)
        .get("/issuers", issuers::list)
        .post("/issuers", issuers::create)
        .get("/issuers/new", issuers::new_form)
        .get("/issuers/{id}", issuers::edit_form)
        .post("/issuers/{id}", issuers::update);
}

#[derive(Debug, Clone, Serialize)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One field of `partials/record_form.hbs`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    /// "text", "checkbox" or "select".
    pub kind: &'static str,
    pub value: String,
    pub checked: bool,
    pub options: Vec<Opt>,
    /// The empty first option of a select, if it has one.
    pub blank: Option<String>,
    pub required: bool,
    pub maxlength: Option<u32>,
    pub inputmode: Option<&'static str>,
    pub placeholder: Option<String>,
    pub hint: Option<String>,
    pub error: Option<String>,
    /// The element's id (unique on the page: the form's prefix and the name).
    pub id: String,
    /// The ids of the hint and error, for aria-describedby.
    pub described: Option<String>,
}

impl Field {
    pub fn text(lang: Lang, name: &'static str, label_key: &str, value: &str, max: u32) -> Self {
        Self {
            name,
            label: i18n::t(lang, label_key),
            kind: "text",
            value: value.to_owned(),
            maxlength: Some(max),
            ..Default::default()
        }
    }

    pub fn checkbox(lang: Lang, name: &'static str, label_key: &str, checked: bool) -> Self {
        Self { name, label: i18n::t(lang, label_key), kind: "checkbox", checked, ..Default::default() }
    }

    pub fn select(lang: Lang, name: &'static str, label_key: &str, options: Vec<Opt>) -> Self {
        Self { name, label: i18n::t(lang, label_key), kind: "select", options, ..Default::default() }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn numeric(mut self) -> Self {
        self.inputmode = Some("numeric");
        self
    }

    pub fn hint(mut self, lang: Lang, key: &str) -> Self {
        self.hint = Some(i18n::t(lang, key));
        self
    }

    pub fn placeholder(mut self, text: &str) -> Self {
        self.placeholder = Some(text.to_owned());
        self
    }

    pub fn blank(mut self, lang: Lang, key: &str) -> Self {
        self.blank = Some(i18n::t(lang, key));
        self
    }
}

/// Puts each field's error next to it, gives it an id unique on the page (`prefix` tells two
/// forms of one page apart) and links hints and errors for screen readers.
pub fn with_errors(mut fields: Vec<Field>, errors: &FieldErrors, prefix: &str) -> Vec<Field> {
    let errors = serde_json::to_value(errors).unwrap_or_default();
    for f in &mut fields {
        f.error = errors.get(f.name).and_then(|v| v.as_str()).map(str::to_owned);
        f.id = format!("{prefix}-{}", f.name);
        let mut ids = Vec::new();
        if f.hint.is_some() {
            ids.push(format!("{}-hint", f.id));
        }
        if f.error.is_some() {
            ids.push(format!("{}-error", f.id));
        }
        f.described = (!ids.is_empty()).then(|| ids.join(" "));
    }
    fields
}

/// A form of `partials/record_form.hbs`.
#[derive(Debug, Clone, Serialize)]
pub struct RecordForm {
    pub action: String,
    pub cancel: Option<String>,
    pub submit: String,
    pub fields: Vec<Field>,
    pub has_errors: bool,
}

impl RecordForm {
    pub fn new(lang: Lang, action: String, cancel: Option<&str>, fields: Vec<Field>, errors: &FieldErrors) -> Self {
        Self::with_prefix(lang, "f", action, cancel, fields, errors)
    }

    pub fn with_prefix(
        lang: Lang,
        prefix: &str,
        action: String,
        cancel: Option<&str>,
        fields: Vec<Field>,
        errors: &FieldErrors,
    ) -> Self {
        Self {
            action,
            cancel: cancel.map(str::to_owned),
            submit: i18n::t(lang, "common.save"),
            fields: with_errors(fields, errors, prefix),
            has_errors: !errors.is_empty(),
        }
    }
}

/// A positive whole number within `range`, as typed ("1.200" is read as 1200).
pub fn whole_number(input: &str, range: std::ops::RangeInclusive<i32>) -> Option<i32> {
    input.trim().replace('.', "").parse::<i32>().ok().filter(|n| range.contains(n))
}
