//! School settings (cài đặt): the school's name, its province, who signs its documents and how
//! to reach the training office. The name shows in every page's header, so a saved change is
//! applied at once; emails read the settings when they are sent.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::extract::AdminUser;
use super::error::AppResult;
use super::forms::{self, FieldErrors};
use super::page::{Page, see_other};
use super::routes::Router;
use super::state::AppState;
use crate::domain::person;
use crate::i18n::Lang;
use crate::store::settings::{self, SchoolSettings};

pub fn routes(r: &mut Router) {
    r.get("/settings", edit).post("/settings", save);
}

const NAME_MAX: usize = 200;
const PROVINCE_MAX: usize = 100;
const SIGNER_MAX: usize = 200;
const ADDRESS_MAX: usize = 300;

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct SettingsForm {
    school_name: String,
    province: String,
    signer_title: String,
    signer_name: String,
    office_phone: String,
    office_address: String,
}

impl SettingsForm {
    fn from_settings(s: SchoolSettings) -> Self {
        Self {
            school_name: s.school_name,
            province: s.province,
            signer_title: s.signer_title,
            signer_name: s.signer_name,
            office_phone: s.office_phone,
            office_address: s.office_address,
        }
    }

    fn validate(&self, lang: Lang) -> Result<SchoolSettings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let school_name = forms::required_text(&mut errors, lang, "school_name", &self.school_name, NAME_MAX);
        let province = optional_text(&mut errors, lang, "province", &self.province, PROVINCE_MAX);
        // The signer's title is printed line by line ("KT. HIỆU TRƯỞNG" / "PHÓ HIỆU TRƯỞNG").
        let signer_title = self.signer_title.lines().map(forms::text).filter(|l| !l.is_empty()).collect::<Vec<_>>();
        let signer_title = signer_title.join("\n");
        if signer_title.is_empty() {
            errors.add(lang, "signer_title", "form.required");
        } else if signer_title.chars().count() > SIGNER_MAX {
            errors.add_text(
                "signer_title",
                crate::i18n::t_with(lang, "form.too_long", &[("max", &SIGNER_MAX.to_string())]),
            );
        }
        let signer_name = optional_text(&mut errors, lang, "signer_name", &self.signer_name, SIGNER_MAX);
        // Kept as typed ("0262 3852 555" reads better in an email than "02623852555").
        let office_phone = forms::text(&self.office_phone);
        if !office_phone.is_empty() && person::normalize_phone(&office_phone).is_none() {
            errors.add(lang, "office_phone", "settings.error.office_phone");
        }
        let office_address = optional_text(&mut errors, lang, "office_address", &self.office_address, ADDRESS_MAX);
        if errors.is_empty() {
            Ok(SchoolSettings { school_name, province, signer_title, signer_name, office_phone, office_address })
        } else {
            Err(errors)
        }
    }
}

/// Text that may be empty, at most `max` characters.
fn optional_text(errors: &mut FieldErrors, lang: Lang, field: &'static str, input: &str, max: usize) -> String {
    let value = forms::text(input);
    if value.chars().count() > max {
        errors.add_text(field, crate::i18n::t_with(lang, "form.too_long", &[("max", &max.to_string())]));
    }
    value
}

#[derive(Serialize)]
struct SettingsView {
    form: SettingsForm,
    errors: FieldErrors,
}

async fn edit(_: AdminUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let current = state.db(settings::load).await?;
    let view = SettingsView { form: SettingsForm::from_settings(current), errors: FieldErrors::default() };
    page.titled("settings.title").render("settings/edit", &view)
}

async fn save(
    user: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<SettingsForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let new = match form.validate(page.lang) {
        Ok(new) => new,
        Err(errors) => {
            let view = SettingsView { form, errors };
            return page.titled("settings.title").render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "settings/edit",
                &view,
            );
        }
    };
    let actor = user.actor();
    let saved = new.clone();
    state.db(move |c| settings::save(c, &actor, &saved)).await?;
    state.set_school(new);
    page.flash("success", "settings.saved");
    Ok(see_other("/settings"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signer_title_keeps_its_lines() {
        let form = SettingsForm {
            school_name: " Trường Chính trị tỉnh  Đắk Lắk ".into(),
            province: "Đắk Lắk".into(),
            signer_title: "KT. HIỆU TRƯỞNG\r\n\r\n  PHÓ HIỆU TRƯỞNG ".into(),
            signer_name: String::new(),
            office_phone: " 0262  3852 555 ".into(),
            office_address: String::new(),
        };
        let s = form.validate(Lang::Vi).unwrap();
        assert_eq!(s.office_phone, "0262 3852 555", "the phone is kept as typed, cleaned");
        assert_eq!(s.school_name, "Trường Chính trị tỉnh Đắk Lắk");
        assert_eq!(s.signer_title, "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG");
    }

    #[test]
    fn the_school_name_and_signer_title_are_required() {
        let errors = SettingsForm::default().validate(Lang::Vi).unwrap_err();
        assert!(errors.has("school_name") && errors.has("signer_title"));
        assert!(!errors.has("province") && !errors.has("signer_name"));
        assert!(!errors.has("office_phone") && !errors.has("office_address"), "the office's contact is optional");
    }

    #[test]
    fn each_field_gets_its_own_message() {
        let form = SettingsForm {
            school_name: "Trường Chính trị tỉnh Đắk Lắk".into(),
            province: "Đ".repeat(PROVINCE_MAX + 1),
            signer_title: "HIỆU TRƯỞNG".into(),
            signer_name: String::new(),
            office_phone: "0262 385 ext 5".into(),
            office_address: "a".repeat(ADDRESS_MAX + 1),
        };
        let errors = form.validate(Lang::Vi).unwrap_err();
        let messages = serde_json::to_value(&errors).unwrap();
        assert!(messages["office_phone"].as_str().unwrap().contains("0262 3852 555"), "{messages}");
        assert!(messages["office_address"].as_str().unwrap().contains("300"), "{messages}");
        assert!(messages["province"].as_str().unwrap().contains("100"), "{messages}");
        assert!(!errors.has("school_name") && !errors.has("signer_title"));
    }
}
