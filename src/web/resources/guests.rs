//! Guest speakers (báo cáo viên): recorded by name and title, without an account.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::{Field, RecordForm};
use crate::i18n::{self, Lang};
use crate::store::venues::{self, GuestSpeaker, GuestSpeakerInput};
use crate::web::auth::extract::StaffUser;
use crate::web::error::AppResult;
use crate::web::forms::{self, FieldErrors};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

#[derive(Debug, Default, Clone)]
struct GuestForm {
    name: String,
    title: String,
    organisation: String,
    active: bool,
}

impl GuestForm {
    fn of(g: &GuestSpeaker) -> Self {
        Self { name: g.name.clone(), title: g.title.clone(), organisation: g.organisation.clone(), active: g.active }
    }

    fn read(fields: Vec<(String, String)>) -> Self {
        let map: HashMap<String, String> = fields.into_iter().collect();
        let get = |k: &str| map.get(k).cloned().unwrap_or_default();
        Self {
            name: get("name"),
            title: get("title"),
            organisation: get("organisation"),
            active: forms::checkbox(&get("active")),
        }
    }

    fn validate(&self, lang: Lang) -> Result<GuestSpeakerInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = forms::required_text(&mut e, lang, "name", &self.name, 100);
        let title = forms::required_text(&mut e, lang, "title", &self.title, 200);
        let organisation = forms::text(&self.organisation);
        if organisation.chars().count() > 200 {
            e.add_text("organisation", i18n::t_with(lang, "form.too_long", &[("max", "200")]));
        }
        if e.is_empty() { Ok(GuestSpeakerInput { name, title, organisation, active: self.active }) } else { Err(e) }
    }

    fn fields(&self, lang: Lang) -> Vec<Field> {
        vec![
            Field::text(lang, "name", "guest.name", &self.name, 100).required(),
            Field::text(lang, "title", "guest.title_label", &self.title, 200).required().hint(lang, "guest.title_hint"),
            Field::text(lang, "organisation", "guest.organisation", &self.organisation, 200),
            Field::checkbox(lang, "active", "guest.active", self.active),
        ]
    }
}

#[derive(Serialize)]
struct ListView {
    guests: Vec<GuestSpeaker>,
}

pub async fn list(_: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let guests = state.db(venues::guest_speakers).await?;
    page.titled("guest.list_title").render("resources/guests", &ListView { guests })
}

#[derive(Serialize)]
struct FormView {
    heading: String,
    form: RecordForm,
}

fn form_view(lang: Lang, heading: String, action: String, form: &GuestForm, errors: &FieldErrors) -> FormView {
    FormView { heading, form: RecordForm::new(lang, action, Some("/guest-speakers"), form.fields(lang), errors) }
}

pub async fn new_form(_: StaffUser, page: Page) -> AppResult<HttpResponse> {
    let form = GuestForm { active: true, ..Default::default() };
    let view = form_view(page.lang, page.t("guest.new"), "/guest-speakers".into(), &form, &FieldErrors::default());
    page.titled("guest.new").render("resources/form", &view)
}

pub async fn create(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let form = GuestForm::read(fields.into_inner());
    match form.validate(page.lang) {
        Ok(input) => {
            let actor = user.actor();
            state.db(move |c| venues::create_guest_speaker(c, &actor, &input)).await?;
            page.flash("success", "common.saved");
            Ok(see_other("/guest-speakers"))
        }
        Err(errors) => {
            let view = form_view(page.lang, page.t("guest.new"), "/guest-speakers".into(), &form, &errors);
            page.titled("guest.new").render_status(StatusCode::UNPROCESSABLE_ENTITY, "resources/form", &view)
        }
    }
}

pub async fn edit_form(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let guest = state.db(move |c| venues::guest_speaker(c, id)).await?;
    let view = form_view(
        page.lang,
        guest.name.clone(),
        format!("/guest-speakers/{id}"),
        &GuestForm::of(&guest),
        &FieldErrors::default(),
    );
    page.with_title(guest.name).render("resources/form", &view)
}

pub async fn update(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let guest = state.db(move |c| venues::guest_speaker(c, id)).await?;
    let form = GuestForm::read(fields.into_inner());
    match form.validate(page.lang) {
        Ok(input) => {
            let actor = user.actor();
            state.db(move |c| venues::update_guest_speaker(c, &actor, id, &input)).await?;
            page.flash("success", "common.saved");
            Ok(see_other("/guest-speakers"))
        }
        Err(errors) => {
            let view = form_view(page.lang, guest.name.clone(), format!("/guest-speakers/{id}"), &form, &errors);
            page.with_title(guest.name).render_status(StatusCode::UNPROCESSABLE_ENTITY, "resources/form", &view)
        }
    }
}
