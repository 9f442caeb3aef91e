//! The class form: numbers and dates typed as people write them ("16/03/2026"), choices by id.
//! The ordinal may be left blank (the next one of the program, organiser and year is taken);
//! the signer, left blank, is the organiser's.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::{class, dates};
use crate::i18n::Lang;
use crate::store::classes::{Class, ClassInput};
use crate::store::issuers::Issuer;
use crate::web::forms::{self, FieldErrors};

#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct ClassForm {
    pub program_id: String,
    pub year: String,
    pub ordinal: String,
    pub issuer_id: String,
    pub co_org_unit_id: String,
    pub venue_id: String,
    pub first_day: String,
    pub last_day: String,
    pub capacity: String,
    pub opening_decision_no: String,
    pub opening_decision_date: String,
    pub signer_delegation: String,
    pub signer_title: String,
    pub signer_name: String,
    /// The version the editor saw (optimistic locking); empty on a new class.
    pub version: String,
}

/// What the ids of the form must be among.
pub struct Choices<'a> {
    pub programs: &'a [i64],
    pub issuers: &'a [Issuer],
    pub venues: &'a [i64],
    pub units: &'a [i64],
}

/// A valid form: the class to store, and its ordinal if one was typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidClass {
    pub input: ClassInput,
    pub ordinal: Option<i32>,
}

fn number(
    errors: &mut FieldErrors,
    lang: Lang,
    field: &'static str,
    input: &str,
    range: std::ops::RangeInclusive<i32>,
    key: &str,
) -> Option<i32> {
    let parsed = input.trim().replace('.', "").parse::<i32>().ok().filter(|n| range.contains(n));
    if parsed.is_none() {
        errors.add(lang, field, key);
    }
    parsed
}

impl ClassForm {
    pub fn from_class(c: &Class) -> Self {
        Self {
            program_id: c.program_id.to_string(),
            year: c.year.to_string(),
            ordinal: c.ordinal.to_string(),
            issuer_id: c.issuer_id.to_string(),
            co_org_unit_id: c.co_org_unit_id.map(|u| u.to_string()).unwrap_or_default(),
            venue_id: c.venue_id.to_string(),
            first_day: dates::format(c.first_day),
            last_day: dates::format(c.last_day),
            capacity: c.capacity.to_string(),
            opening_decision_no: c.opening_decision_no.clone(),
            opening_decision_date: dates::format_opt(c.opening_decision_date),
            signer_delegation: c.signer_delegation.clone(),
            signer_title: c.signer_title.clone(),
            signer_name: c.signer_name.clone(),
            version: c.version.to_string(),
        }
    }

    pub fn from_fields(fields: Vec<(String, String)>) -> Self {
        let mut map: HashMap<String, String> = fields.into_iter().collect();
        let mut get = |k: &str| map.remove(k).unwrap_or_default();
        Self {
            program_id: get("program_id"),
            year: get("year"),
            ordinal: get("ordinal"),
            issuer_id: get("issuer_id"),
            co_org_unit_id: get("co_org_unit_id"),
            venue_id: get("venue_id"),
            first_day: get("first_day"),
            last_day: get("last_day"),
            capacity: get("capacity"),
            opening_decision_no: get("opening_decision_no"),
            opening_decision_date: get("opening_decision_date"),
            signer_delegation: get("signer_delegation"),
            signer_title: get("signer_title"),
            signer_name: get("signer_name"),
            version: get("version"),
        }
    }

    pub fn validate(&self, lang: Lang, choices: &Choices<'_>) -> Result<ValidClass, FieldErrors> {
        let mut e = FieldErrors::default();
        let pick = |e: &mut FieldErrors, field: &'static str, input: &str, ids: &[i64], key: &str| {
            let id = forms::id(input).filter(|id| ids.contains(id));
            if id.is_none() {
                e.add(lang, field, key);
            }
            id
        };
        let program_id = pick(&mut e, "program_id", &self.program_id, choices.programs, "class.error.program");
        let issuer_ids: Vec<i64> = choices.issuers.iter().map(|i| i.id).collect();
        let issuer_id = pick(&mut e, "issuer_id", &self.issuer_id, &issuer_ids, "class.error.issuer");
        let venue_id = pick(&mut e, "venue_id", &self.venue_id, choices.venues, "class.error.venue");
        let co_org_unit_id = match self.co_org_unit_id.trim() {
            "" => None,
            typed => pick(&mut e, "co_org_unit_id", typed, choices.units, "class.error.co_org_unit"),
        };
        let first_day = forms::required_date(&mut e, lang, "first_day", &self.first_day);
        let last_day = forms::required_date(&mut e, lang, "last_day", &self.last_day);
        if let (Some(first), Some(last)) = (first_day, last_day)
            && let Some(key) = class::dates_problem(first, last)
        {
            e.add(lang, "last_day", key);
        }
        let year = match self.year.trim() {
            "" => first_day.map(|d| d.year()),
            typed => number(&mut e, lang, "year", typed, 2000..=2100, "class.error.year"),
        };
        let ordinal = match self.ordinal.trim() {
            "" => None,
            typed => number(&mut e, lang, "ordinal", typed, 1..=99, "class.error.ordinal"),
        };
        let capacity = number(&mut e, lang, "capacity", &self.capacity, 1..=1000, "class.error.capacity");
        let decision_no = forms::text(&self.opening_decision_no);
        if decision_no.chars().count() > 50 {
            e.add(lang, "opening_decision_no", "class.error.decision_no");
        }
        let decision_date = forms::optional_date(&mut e, lang, "opening_decision_date", &self.opening_decision_date);
        let date_typed = !self.opening_decision_date.trim().is_empty();
        if decision_no.is_empty() && date_typed {
            e.add(lang, "opening_decision_no", "class.error.decision_pair");
        } else if !decision_no.is_empty() && !date_typed {
            e.add(lang, "opening_decision_date", "class.error.decision_pair");
        }
        let mut delegation = forms::text(&self.signer_delegation);
        let mut title = forms::text(&self.signer_title);
        let mut name = forms::text(&self.signer_name);
        // Left blank, the signer is the organiser's.
        if delegation.is_empty()
            && title.is_empty()
            && name.is_empty()
            && let Some(issuer) = choices.issuers.iter().find(|i| Some(i.id) == issuer_id)
        {
            delegation = issuer.signer_delegation.clone();
            title = issuer.signer_title.clone();
            name = issuer.signer_name.clone();
        }
        for (field, value) in [("signer_delegation", &delegation), ("signer_title", &title), ("signer_name", &name)] {
            if value.chars().count() > 100 {
                e.add_text(field, crate::i18n::t_with(lang, "form.too_long", &[("max", "100")]));
            }
        }
        if issuer_id.is_some() && (title.is_empty() || name.is_empty()) {
            e.add(lang, if title.is_empty() { "signer_title" } else { "signer_name" }, "class.error.signer");
        }
        if !e.is_empty() {
            return Err(e);
        }
        let (
            Some(program_id),
            Some(issuer_id),
            Some(venue_id),
            Some(first_day),
            Some(last_day),
            Some(year),
            Some(capacity),
        ) = (program_id, issuer_id, venue_id, first_day, last_day, year, capacity)
        else {
            return Err(e);
        };
        Ok(ValidClass {
            input: ClassInput {
                program_id,
                year,
                ordinal: ordinal.unwrap_or(0),
                issuer_id,
                co_org_unit_id,
                venue_id,
                first_day,
                last_day,
                capacity,
                opening_decision_no: decision_no,
                opening_decision_date: decision_date,
                signer_delegation: delegation,
                signer_title: title,
                signer_name: name,
            },
            ordinal,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn issuer() -> Issuer {
        Issuer {
            id: 4,
            kind: "school".into(),
            superior_name: "TỈNH ỦY ĐẮK LẮK".into(),
            name: "TRƯỜNG CHÍNH TRỊ TỈNH ĐẮK LẮK".into(),
            org_unit_id: None,
            place: "Buôn Ma Thuột".into(),
            signer_delegation: "KT. HIỆU TRƯỞNG".into(),
            signer_title: "PHÓ HIỆU TRƯỞNG".into(),
            signer_name: "Trần Văn Thành".into(),
            active: true,
        }
    }

    fn form() -> ClassForm {
        ClassForm {
            program_id: "1".into(),
            issuer_id: "4".into(),
            venue_id: "2".into(),
            first_day: "16/03/2026".into(),
            last_day: "20/3/2026".into(),
            capacity: "60".into(),
            ..Default::default()
        }
    }

    fn validate(form: &ClassForm) -> Result<ValidClass, FieldErrors> {
        let issuers = [issuer()];
        form.validate(Lang::Vi, &Choices { programs: &[1, 2], issuers: &issuers, venues: &[2], units: &[9] })
    }

    #[test]
    fn blanks_take_the_defaults() {
        let valid = validate(&form()).unwrap();
        assert_eq!(valid.ordinal, None, "the next ordinal is taken");
        assert_eq!(valid.input.year, 2026, "the year of the first day");
        assert_eq!(valid.input.last_day, date!(2026 - 03 - 20));
        assert_eq!(
            (valid.input.signer_delegation.as_str(), valid.input.signer_title.as_str()),
            ("KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"),
            "the organiser's signer"
        );
    }

    #[test]
    fn each_bad_field_gets_its_message() {
        let bad = ClassForm {
            program_id: "7".into(),
            first_day: "31/02/2026".into(),
            capacity: "sáu mươi".into(),
            ordinal: "0".into(),
            co_org_unit_id: "3".into(),
            opening_decision_no: "15-QĐ/TCT".into(),
            ..form()
        };
        let errors = validate(&bad).unwrap_err();
        for field in ["program_id", "first_day", "capacity", "ordinal", "co_org_unit_id", "opening_decision_date"] {
            assert!(errors.has(field), "{field}: {errors:?}");
        }
        let reversed = ClassForm { first_day: "20/03/2026".into(), last_day: "16/03/2026".into(), ..form() };
        assert!(validate(&reversed).unwrap_err().has("last_day"));
    }
}
