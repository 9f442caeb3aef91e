//! The admin's page of the dossier steps (label, form code, position, required, active: the form
//! codes were renumbered before and may be again), and the unions of an org unit, which decide
//! who introduces its candidates.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::readiness::StepKind;
use crate::i18n::{self, Lang};
use crate::store::orgs;
use crate::store::readiness::{self, StepInput, StepRecord};
use crate::web::auth::extract::{AdminUser, StaffUser};
use crate::web::error::AppResult;
use crate::web::forms::{self, FieldErrors};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

const LABEL_MAX: usize = 200;
const FORM_CODE_MAX: usize = 20;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct StepForm {
    label: String,
    form_code: String,
    position: String,
    required: String,
    active: String,
}

impl StepForm {
    fn of(s: &StepRecord) -> Self {
        let flag = |b: bool| if b { "on".to_owned() } else { String::new() };
        Self {
            label: s.label.clone(),
            form_code: s.form_code.clone().unwrap_or_default(),
            position: s.position.to_string(),
            required: flag(s.required),
            active: flag(s.active),
        }
    }

    fn validate(&self, lang: Lang) -> Result<StepInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let label = forms::required_text(&mut e, lang, "label", &self.label, LABEL_MAX);
        let form_code = forms::optional_text(&self.form_code);
        if form_code.as_ref().is_some_and(|c| c.chars().count() > FORM_CODE_MAX) {
            forms::required_text(&mut e, lang, "form_code", &self.form_code, FORM_CODE_MAX);
        }
        let position = self.position.trim().parse::<i32>().ok().filter(|p| (1..=99).contains(p));
        if position.is_none() {
            e.add(lang, "position", "readiness.error.position");
        }
        match (position, e.is_empty()) {
            (Some(position), true) => Ok(StepInput {
                label,
                form_code,
                position,
                required: forms::checkbox(&self.required),
                active: forms::checkbox(&self.active),
            }),
            _ => Err(e),
        }
    }
}

#[derive(Serialize)]
struct StepView {
    id: i64,
    code: String,
    kind: String,
    computed: bool,
    form: StepForm,
    errors: FieldErrors,
}

#[derive(Serialize)]
struct PathView {
    title: String,
    steps: Vec<StepView>,
}

#[derive(Serialize)]
struct StepsView {
    paths: Vec<PathView>,
}

async fn render(
    page: Page,
    state: &AppState,
    typed: Option<(i64, StepForm, FieldErrors)>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let steps = state.db(readiness::all_steps).await?;
    let lang = page.lang;
    let mut typed = typed;
    let paths = ["admission", "recognition"]
        .into_iter()
        .map(|path| PathView {
            title: i18n::t(lang, &format!("readiness.path.{path}")),
            steps: steps
                .iter()
                .filter(|s| s.path == path)
                .map(|s| {
                    let (form, errors) = match typed.take_if(|(id, _, _)| *id == s.id) {
                        Some((_, form, errors)) => (form, errors),
                        None => (StepForm::of(s), FieldErrors::default()),
                    };
                    StepView {
                        id: s.id,
                        code: s.code.clone(),
                        kind: i18n::t(lang, &format!("readiness.kind.{}", s.kind().code())),
                        computed: !s.kind().recorded_by_hand() || s.kind() == StepKind::OrganisationIntroduction,
                        form,
                        errors,
                    }
                })
                .collect(),
        })
        .collect();
    page.titled("readiness.steps.title").render_status(status, "readiness/steps", &StepsView { paths })
}

pub async fn list(_: AdminUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    render(page, &state, None, StatusCode::OK).await
}

pub async fn update(
    user: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<StepForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let form = form.into_inner();
    match form.validate(page.lang) {
        Ok(input) => {
            let (actor, now) = (user.actor(), state.config.clock.now_utc());
            state.db(move |c| readiness::update_step(c, &actor, id, &input, now)).await?;
            page.flash("success", "common.saved");
            Ok(see_other(&format!("/settings/readiness-steps#step-{id}")))
        }
        Err(errors) => render(page, &state, Some((id, form, errors)), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UnionsForm {
    has_youth_union: String,
    has_trade_union: String,
}

#[derive(Serialize)]
struct UnionsView {
    id: i64,
    unit: String,
    has_youth_union: bool,
    has_trade_union: bool,
}

pub async fn unions_form(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (unit, (has_youth_union, has_trade_union)) =
        state.db(move |c| Ok((orgs::label(c, id)?, readiness::unit_unions(c, id)?))).await?;
    let title = i18n::t_with(page.lang, "readiness.unions.title_of", &[("unit", &unit)]);
    page.with_title(title).render("readiness/unions", &UnionsView { id, unit, has_youth_union, has_trade_union })
}

pub async fn save_unions(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<UnionsForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (youth, trade) = (forms::checkbox(&form.has_youth_union), forms::checkbox(&form.has_trade_union));
    let actor = user.actor();
    state.db(move |c| readiness::set_unit_unions(c, &actor, id, youth, trade)).await?;
    page.flash("success", "common.saved");
    Ok(see_other(&format!("/orgs/{id}")))
}
