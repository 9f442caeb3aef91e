//! The person form: what was typed, kept as text so it can be shown again, and its validation
//! into a `PersonInput`. The name is one field ("Họ và tên"); the sort name is worked out from it
//! when left empty and can be typed when the rule does not fit.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::citizen_id::{self, Warning};
use crate::domain::person::{self, AdmissionDatesProblem, Sex, Status};
use crate::domain::{dates, names};
use crate::i18n::Lang;
use crate::store::people::{Person, PersonInput};
use crate::store::readiness::DossierFacts;
use crate::web::forms::{self, FieldErrors};

const FULL_NAME_MAX: usize = 100;
const SORT_NAME_MAX: usize = 50;
const HOMETOWN_MAX: usize = 200;
const EMAIL_MAX: usize = 254;

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct PersonForm {
    pub full_name: String,
    /// Empty means "work it out from the full name".
    pub sort_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub hometown: String,
    pub citizen_id: String,
    pub email: String,
    pub phone: String,
    pub org_unit_id: String,
    pub status: String,
    pub admission_decision_date: String,
    pub ceremony_date: String,
    /// Ticked after the form warned of someone with the same name and date of birth.
    pub confirm_same: String,
    /// The dossier's facts (see `store::readiness`), kept apart from `PersonInput`.
    pub planned_meeting_on: String,
    pub youth_union_member: String,
}

impl PersonForm {
    /// An empty form; with a single chi bộ to choose from, it is chosen already.
    pub fn blank(cells: &[i64]) -> Self {
        let org_unit_id = match cells {
            [only] => only.to_string(),
            _ => String::new(),
        };
        Self { status: Status::Candidate.code().into(), org_unit_id, ..Default::default() }
    }

    pub fn from_person(p: &Person) -> Self {
        // A sort name that the rule gives is shown empty, so that it follows a corrected name.
        let sort_name =
            if p.sort_name == names::derive_sort_name(&p.full_name) { String::new() } else { p.sort_name.clone() };
        Self {
            full_name: p.full_name.clone(),
            sort_name,
            date_of_birth: dates::format(p.date_of_birth),
            sex: p.sex.clone(),
            hometown: p.hometown.clone(),
            citizen_id: p.citizen_id.clone().unwrap_or_default(),
            email: p.email.clone().unwrap_or_default(),
            phone: p.phone.clone().unwrap_or_default(),
            org_unit_id: p.org_unit_id.to_string(),
            status: p.status.clone(),
            admission_decision_date: dates::format_opt(p.admission_decision_date),
            ceremony_date: dates::format_opt(p.ceremony_date),
            confirm_same: String::new(),
            planned_meeting_on: String::new(),
            youth_union_member: String::new(),
        }
    }

    /// With the dossier's facts as stored.
    pub fn with_dossier_facts(mut self, facts: &DossierFacts) -> Self {
        self.planned_meeting_on = dates::format_opt(facts.planned_meeting_on);
        self.youth_union_member = if facts.youth_union_member { "on".into() } else { String::new() };
        self
    }

    /// The dossier's facts as typed (the date was checked by `validate`).
    pub fn dossier_facts(&self) -> DossierFacts {
        DossierFacts {
            planned_meeting_on: dates::parse(&self.planned_meeting_on),
            youth_union_member: forms::checkbox(&self.youth_union_member),
        }
    }

    /// The sort name the list will use: the typed one, or the one the rule gives.
    pub fn effective_sort_name(&self) -> String {
        match forms::text(&self.sort_name) {
            typed if typed.is_empty() => names::derive_sort_name(&forms::text(&self.full_name)),
            typed => typed,
        }
    }

    pub fn confirmed_same(&self) -> bool {
        forms::checkbox(&self.confirm_same)
    }

    /// The person to store, or a message per wrong field. `cells` are the chi bộ the user may
    /// put the person in.
    pub fn validate(&self, lang: Lang, cells: &[i64], today: Date) -> Result<PersonInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let full_name = forms::required_text(&mut e, lang, "full_name", &self.full_name, FULL_NAME_MAX);
        optional_text(&mut e, lang, "sort_name", &self.sort_name, SORT_NAME_MAX);
        let sort_name = self.effective_sort_name();
        let date_of_birth = forms::required_date(&mut e, lang, "date_of_birth", &self.date_of_birth);
        if date_of_birth.is_some_and(|d| d >= today) {
            e.add(lang, "date_of_birth", "person.error.birth_future");
        }
        let sex = choice(&mut e, lang, "sex", &self.sex, Sex::parse);
        let hometown = forms::required_text(&mut e, lang, "hometown", &self.hometown, HOMETOWN_MAX);

        let cid = citizen_id::normalize(&self.citizen_id);
        if !cid.is_empty() && !citizen_id::is_valid(&cid) {
            e.add(lang, "citizen_id", "person.error.citizen_id_format");
        }
        let email = forms::optional_text(&self.email).map(|m| m.to_lowercase());
        if email.as_deref().is_some_and(|m| !forms::looks_like_email(m) || m.chars().count() > EMAIL_MAX) {
            e.add(lang, "email", "person.error.email");
        }
        let phone = match self.phone.trim() {
            "" => None,
            typed => {
                let normalized = person::normalize_phone(typed);
                if normalized.is_none() {
                    e.add(lang, "phone", "person.error.phone");
                }
                normalized
            }
        };

        let org_unit_id = forms::id(&self.org_unit_id);
        match org_unit_id {
            None if self.org_unit_id.trim().is_empty() => e.add(lang, "org_unit_id", "form.required"),
            Some(id) if cells.contains(&id) => {}
            _ => e.add(lang, "org_unit_id", "person.error.cell"),
        }
        let status = choice(&mut e, lang, "status", &self.status, Status::parse);
        let decision = forms::optional_date(&mut e, lang, "admission_decision_date", &self.admission_decision_date);
        let ceremony = forms::optional_date(&mut e, lang, "ceremony_date", &self.ceremony_date);
        forms::optional_date(&mut e, lang, "planned_meeting_on", &self.planned_meeting_on);
        if let Some(status) = status {
            for problem in person::admission_dates_problems(status, decision, ceremony) {
                let (field, key) = match problem {
                    AdmissionDatesProblem::DecisionMissing => ("admission_decision_date", "form.required"),
                    AdmissionDatesProblem::CeremonyMissing => ("ceremony_date", "form.required"),
                    AdmissionDatesProblem::NotAdmitted => ("status", "person.error.dates_need_member"),
                    AdmissionDatesProblem::CeremonyBeforeDecision => {
                        ("ceremony_date", "person.error.ceremony_before_decision")
                    }
                };
                e.add(lang, field, key);
            }
        }

        let (true, Some(date_of_birth), Some(sex), Some(org_unit_id), Some(status)) =
            (e.is_empty(), date_of_birth, sex, org_unit_id, status)
        else {
            return Err(e);
        };
        Ok(PersonInput {
            full_name,
            sort_name,
            date_of_birth,
            sex: sex.code().into(),
            hometown,
            citizen_id: Some(cid).filter(|c| !c.is_empty()),
            email,
            phone,
            org_unit_id,
            status: status.code().into(),
            admission_decision_date: decision,
            ceremony_date: ceremony,
        })
    }

    /// The soft CCCD checks on what was typed, once the number, the sex and the date read.
    pub fn warnings(&self) -> Vec<Warning> {
        match (Sex::parse(self.sex.trim()), dates::parse(&self.date_of_birth)) {
            (Some(sex), Some(birth)) => {
                citizen_id::warnings(&citizen_id::normalize(&self.citizen_id), sex, birth.year())
            }
            _ => Vec::new(),
        }
    }
}

fn optional_text(e: &mut FieldErrors, lang: Lang, field: &'static str, input: &str, max: usize) {
    let value = forms::text(input);
    if value.chars().count() > max {
        // required_text words the length message; the value is not empty, so that is all it says.
        forms::required_text(e, lang, field, &value, max);
    }
}

fn choice<T>(
    e: &mut FieldErrors,
    lang: Lang,
    field: &'static str,
    input: &str,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    let parsed = parse(input.trim());
    if parsed.is_none() {
        e.add(lang, field, if input.trim().is_empty() { "form.required" } else { "form.invalid" });
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 06 - 01);

    fn good() -> PersonForm {
        PersonForm {
            full_name: " Nguye\u{302}\u{303}n  Thị\u{200B} Thu Hằng".into(),
            date_of_birth: "05/06/1998".into(),
            sex: "F".into(),
            hometown: "Ea Kar, Đắk Lắk".into(),
            citizen_id: "066 198 012345".into(),
            email: "Hang@Example.VN".into(),
            phone: "0912 345 678".into(),
            org_unit_id: "7".into(),
            status: "candidate".into(),
            ..Default::default()
        }
    }

    fn errors(form: &PersonForm) -> serde_json::Value {
        serde_json::to_value(form.validate(Lang::Vi, &[7], TODAY).expect_err("invalid")).unwrap()
    }

    #[test]
    fn a_good_form_becomes_clean_input() {
        let input = good().validate(Lang::Vi, &[7], TODAY).unwrap();
        assert_eq!(input.full_name, "Nguyễn Thị Thu Hằng");
        assert_eq!(input.sort_name, "Hằng");
        assert_eq!(input.date_of_birth, date!(1998 - 06 - 05));
        assert_eq!(input.citizen_id.as_deref(), Some("066198012345"));
        assert_eq!(input.email.as_deref(), Some("hang@example.vn"));
        assert_eq!(input.phone.as_deref(), Some("0912345678"));
        assert_eq!(input.org_unit_id, 7);
        assert!(good().warnings().is_empty());
    }

    #[test]
    fn each_wrong_field_gets_its_message() {
        type Change = fn(&mut PersonForm);
        let cases: [(Change, &str, &str); 10] = [
            (|f| f.full_name = " \u{200B} ".into(), "full_name", "form.required"),
            (|f| f.sort_name = "x".repeat(51), "sort_name", "form.too_long"),
            (|f| f.date_of_birth = "31/02/1998".into(), "date_of_birth", "form.invalid_date"),
            (|f| f.date_of_birth = "02/06/2026".into(), "date_of_birth", "person.error.birth_future"),
            (|f| f.citizen_id = "0661980123456".into(), "citizen_id", "person.error.citizen_id_format"),
            (|f| f.email = "hang@".into(), "email", "person.error.email"),
            (|f| f.phone = "12ab".into(), "phone", "person.error.phone"),
            (|f| f.org_unit_id = "8".into(), "org_unit_id", "person.error.cell"),
            (|f| f.status = "probationary".into(), "admission_decision_date", "form.required"),
            (|f| f.admission_decision_date = "01/01/2026".into(), "status", "person.error.dates_need_member"),
        ];
        for (change, field, key) in cases {
            let mut form = good();
            change(&mut form);
            let message = i18n::t(Lang::Vi, key);
            assert_ne!(message, key, "{key} is in the catalog");
            let shown = errors(&form)[field].as_str().unwrap_or_default().to_owned();
            let expected = message.split('{').next().unwrap_or_default();
            assert!(shown.starts_with(expected), "{field}: {shown}");
        }
    }

    #[test]
    fn probationary_members_need_ordered_dates() {
        let mut form = good();
        form.status = "probationary".into();
        form.admission_decision_date = "10/03/2026".into();
        form.ceremony_date = "01/03/2026".into();
        assert_eq!(errors(&form)["ceremony_date"], i18n::t(Lang::Vi, "person.error.ceremony_before_decision").as_str());
        form.ceremony_date = "15/03/2026".into();
        let input = form.validate(Lang::Vi, &[7], TODAY).unwrap();
        assert_eq!(input.ceremony_date, Some(date!(2026 - 03 - 15)));
    }

    #[test]
    fn the_sort_name_is_worked_out_unless_typed() {
        let mut form = good();
        form.full_name = "Y Ngông Niê Kdăm".into();
        assert_eq!(form.validate(Lang::Vi, &[7], TODAY).unwrap().sort_name, "Ngông");
        form.full_name = "H\u{2019}Hen Niê".into();
        assert_eq!(form.validate(Lang::Vi, &[7], TODAY).unwrap().sort_name, "Hen");
        form.sort_name = " Niê ".into();
        assert_eq!(form.validate(Lang::Vi, &[7], TODAY).unwrap().sort_name, "Niê");
    }

    #[test]
    fn a_sort_name_the_rule_gives_is_shown_empty_on_the_edit_form() {
        let input = good().validate(Lang::Vi, &[7], TODAY).unwrap();
        let mut person = Person {
            id: 1,
            full_name: input.full_name,
            sort_name: input.sort_name,
            date_of_birth: input.date_of_birth,
            sex: input.sex,
            hometown: input.hometown,
            citizen_id: None,
            email: None,
            phone: None,
            org_unit_id: 7,
            status: input.status,
            admission_decision_date: None,
            ceremony_date: None,
        };
        assert_eq!(PersonForm::from_person(&person).sort_name, "");
        person.sort_name = "Thu Hằng".into();
        assert_eq!(PersonForm::from_person(&person).sort_name, "Thu Hằng");
    }

    #[test]
    fn typed_mismatch_is_a_warning_not_an_error() {
        let mut form = good();
        form.sex = "M".into();
        assert!(form.validate(Lang::Vi, &[7], TODAY).is_ok());
        assert_eq!(form.warnings(), vec![Warning::SexMismatch]);
    }
}
