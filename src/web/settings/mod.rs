//! School settings (cài đặt): the school's name, its province and who signs its documents.
//! The name shows in every page's header, so a saved change is applied at once.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::auth::extract::AdminUser;
use super::error::AppResult;
use super::forms::{self, FieldErrors};
use super::render::{Page, see_other};
use super::routes::Router;
use super::state::AppState;
use crate::i18n::Lang;
use crate::store::settings::{self, SchoolSettings};

pub fn routes(r: &mut Router) {
    r.get("/settings", edit).post("/settings", save);
}

const NAME_MAX: usize = 200;
const PROVINCE_MAX: usize = 100;
const SIGNER_MAX: usize = 200;

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct SettingsForm {
    school_name: String,
    province: String,
    signer_title: String,
    signer_name: String,
}

impl SettingsForm {
    fn from_settings(s: SchoolSettings) -> Self {
        Self {
            school_name: s.school_name,
            province: s.province,
            signer_title: s.signer_title,
            signer_name: s.signer_name,
        }
    }

    fn validate(&self, lang: Lang) -> Result<SchoolSettings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let school_name = forms::required_text(&mut errors, lang, "school_name", &self.school_name, NAME_MAX);
        let province = forms::text(&self.province);
        if province.chars().count() > PROVINCE_MAX {
            errors.add(lang, "province", "form.invalid");
        }
        // The signer's title is printed line by line ("KT. HIỆU TRƯỞNG" / "PHÓ HIỆU TRƯỞNG").
        let signer_title = self.signer_title.lines().map(forms::text).filter(|l| !l.is_empty()).collect::<Vec<_>>();
        let signer_title = signer_title.join("\n");
        if signer_title.is_empty() {
            errors.add(lang, "signer_title", "form.required");
        } else if signer_title.chars().count() > SIGNER_MAX {
            errors.add(lang, "signer_title", "form.invalid");
        }
        let signer_name = forms::text(&self.signer_name);
        if signer_name.chars().count() > SIGNER_MAX {
            errors.add(lang, "signer_name", "form.invalid");
        }
        if errors.is_empty() {
            Ok(SchoolSettings { school_name, province, signer_title, signer_name })
        } else {
            Err(errors)
        }
    }
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
        };
        let s = form.validate(Lang::Vi).unwrap();
        assert_eq!(s.school_name, "Trường Chính trị tỉnh Đắk Lắk");
        assert_eq!(s.signer_title, "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG");
    }

    #[test]
    fn the_school_name_and_signer_title_are_required() {
        let errors = SettingsForm::default().validate(Lang::Vi).unwrap_err();
        assert!(errors.has("school_name") && errors.has("signer_title"));
        assert!(!errors.has("province") && !errors.has("signer_name"));
    }
}
