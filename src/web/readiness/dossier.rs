//! One person's dossier: the checklist rows in order, a form per row the secretary records
//! (confirm with a date, reference and note, or undo), the planned meeting and Youth Union
//! membership, and for a probationary member the probation clock.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::views::{self, Tagged};
use crate::domain::dates;
use crate::domain::readiness::{ItemStatus, PathKind, RowState, StepKind};
use crate::i18n::{self, Lang};
use crate::store::readiness::{self, Checklist, DossierFacts, ItemInput};
use crate::web::auth::extract::{PeopleUser, scope_in};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{self, FieldErrors};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

const REFERENCE_MAX: usize = 100;
const NOTE_MAX: usize = 500;

/// A step's form as typed.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub status: String,
    pub done_on: String,
    pub reference: String,
    pub note: String,
    /// The version shown ("" when nothing was recorded).
    pub version: String,
}

impl StepForm {
    fn validate(&self, lang: Lang, today: time::Date) -> Result<ItemInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let status = ItemStatus::parse(self.status.trim());
        if status.is_none() {
            e.add(lang, "status", "form.required");
        }
        let done_on = if status == Some(ItemStatus::Done) {
            forms::required_date(&mut e, lang, "done_on", &self.done_on)
        } else {
            forms::optional_date(&mut e, lang, "done_on", &self.done_on)
        };
        if done_on.is_some_and(|d| d > today) {
            e.add(lang, "done_on", "readiness.error.future");
        }
        let reference = limited(&mut e, lang, "reference", &self.reference, REFERENCE_MAX);
        let note = forms::multiline_text(&self.note);
        if note.chars().count() > NOTE_MAX {
            forms::required_text(&mut e, lang, "note", &note, NOTE_MAX);
        }
        match (status, e.is_empty()) {
            (Some(status), true) => {
                Ok(ItemInput { status, done_on, reference, note: Some(note).filter(|n| !n.is_empty()) })
            }
            _ => Err(e),
        }
    }

    fn version(&self) -> Option<i32> {
        self.version.trim().parse().ok()
    }
}

fn limited(e: &mut FieldErrors, lang: Lang, field: &'static str, input: &str, max: usize) -> Option<String> {
    let value = forms::optional_text(input);
    if value.as_ref().is_some_and(|v| v.chars().count() > max) {
        forms::required_text(e, lang, field, input, max);
    }
    value
}

/// The planned meeting and Youth Union membership, as typed.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct FactsForm {
    pub planned_meeting_on: String,
    pub youth_union_member: String,
}

impl FactsForm {
    fn of(c: &Checklist) -> Self {
        Self {
            planned_meeting_on: dates::format_opt(c.person.planned_meeting_on),
            youth_union_member: if c.person.youth_union_member { "on".into() } else { String::new() },
        }
    }
    fn validate(&self, lang: Lang) -> Result<DossierFacts, FieldErrors> {
        let mut e = FieldErrors::default();
        let planned_meeting_on = forms::optional_date(&mut e, lang, "planned_meeting_on", &self.planned_meeting_on);
        if !e.is_empty() {
            return Err(e);
        }
        Ok(DossierFacts { planned_meeting_on, youth_union_member: forms::checkbox(&self.youth_union_member) })
    }
}

#[derive(Serialize)]
struct RowView {
    step_id: i64,
    number: usize,
    label: String,
    form_code: Option<String>,
    state: Tagged,
    date: String,
    reference: Option<String>,
    note: Option<String>,
    confirmed_by: Option<String>,
    confirmed_at: String,
    expires_on: String,
    /// Why the secretary cannot tick it here.
    source_hint: Option<String>,
    after_meeting: bool,
    by_hand: bool,
    recorded: bool,
    version: String,
    form: StepForm,
    errors: FieldErrors,
    /// The form is opened (it was sent with a mistake).
    open: bool,
    done_selected: bool,
}

#[derive(Serialize)]
struct ProbationView {
    ceremony: String,
    ends_on: String,
    days_left: String,
    ended: bool,
    warning_on: String,
    proposal_due: String,
    certificate: Tagged,
    warning: bool,
    overdue: bool,
}

#[derive(Serialize)]
struct DossierView {
    person_id: i64,
    full_name: String,
    status: String,
    unit: String,
    path_title: String,
    overall: Tagged,
    course: Tagged,
    judged_on: String,
    meeting_planned: bool,
    is_admission: bool,
    introduction: String,
    youth_union_membership_missing: bool,
    rows: Vec<RowView>,
    facts: FactsForm,
    facts_errors: FieldErrors,
    probation: Option<ProbationView>,
    error: Option<String>,
    today: String,
}

/// What was typed into one of the forms, shown again with its messages.
#[derive(Default)]
struct Typed {
    step: Option<(i64, StepForm, FieldErrors)>,
    facts: Option<(FactsForm, FieldErrors)>,
    error: Option<String>,
}

fn view(lang: Lang, c: Checklist, typed: Typed, today: time::Date) -> DossierView {
    let status = c.person.status();
    let rows = c
        .computed
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let source_hint = match r.kind {
                StepKind::Certificate => Some("readiness.hint.certificate"),
                StepKind::AdmissionDecision | StepKind::Ceremony => Some("readiness.hint.person_dates"),
                StepKind::OrganisationIntroduction if r.state == RowState::NotNeeded => {
                    Some("readiness.hint.not_needed_introduction")
                }
                _ => None,
            }
            .map(|k| i18n::t(lang, k));
            let (form, errors, open) = match &typed.step {
                Some((id, form, errors)) if *id == r.step_id => (form.clone(), errors.clone(), true),
                _ => (
                    StepForm {
                        status: if r.state == RowState::NotNeeded { "not_needed" } else { "done" }.into(),
                        done_on: r.date.map(dates::format).unwrap_or_else(|| dates::format(today)),
                        reference: r.reference.clone().unwrap_or_default(),
                        note: r.note.clone().unwrap_or_default(),
                        version: r.version.map(|v| v.to_string()).unwrap_or_default(),
                    },
                    FieldErrors::default(),
                    false,
                ),
            };
            RowView {
                step_id: r.step_id,
                number: i + 1,
                label: r.label.clone(),
                form_code: r.form_code.clone(),
                state: views::row_state(lang, r.state),
                date: views::date_opt(r.date),
                reference: r.reference.clone(),
                note: r.note.clone(),
                confirmed_by: r.confirmed_by.clone(),
                confirmed_at: r.confirmed_at.map(dates::format_timestamp).unwrap_or_default(),
                expires_on: views::date_opt(r.expires_on),
                source_hint,
                after_meeting: !r.before_meeting,
                by_hand: r.by_hand,
                recorded: r.version.is_some(),
                version: r.version.map(|v| v.to_string()).unwrap_or_default(),
                done_selected: form.status != "not_needed",
                form,
                errors,
                open,
            }
        })
        .collect();
    let probation = c.probation.as_ref().map(|p| ProbationView {
        ceremony: dates::format(p.dates.ceremony),
        ends_on: dates::format(p.dates.ends_on),
        days_left: if p.ended {
            i18n::t(lang, "readiness.probation.ended")
        } else {
            i18n::t_with(lang, "readiness.probation.days_left", &[("n", &p.days_left.to_string())])
        },
        ended: p.ended,
        warning_on: dates::format(p.dates.warning_on),
        proposal_due: dates::format(p.dates.proposal_due),
        certificate: if p.has_new_member_certificate {
            Tagged { label: i18n::t(lang, "readiness.probation.certificate_done"), class: "tag-ok" }
        } else {
            Tagged {
                label: i18n::t(lang, "readiness.probation.certificate_missing"),
                class: if p.warning || p.certificate_overdue { "tag-err" } else { "tag-warn" },
            }
        },
        warning: p.warning,
        overdue: p.certificate_overdue,
    });
    let (facts, facts_errors) = typed.facts.unwrap_or_else(|| (FactsForm::of(&c), FieldErrors::default()));
    DossierView {
        person_id: c.person.id,
        full_name: c.person.full_name.clone(),
        status: views::status(lang, status),
        unit: c.unit_label.clone(),
        path_title: i18n::t(lang, &format!("readiness.path.{}", c.computed.path.code())),
        overall: views::overall(lang, c.computed.overall),
        course: views::course(lang, c.course, status),
        judged_on: dates::format(c.computed.judged_on),
        meeting_planned: c.computed.meeting_planned,
        is_admission: c.computed.path == PathKind::Admission,
        introduction: views::introduction(lang, c.computed.introduction),
        youth_union_membership_missing: c.computed.youth_union_membership_missing,
        rows,
        facts,
        facts_errors,
        probation,
        error: typed.error,
        today: dates::format(today),
    }
}

async fn render(
    page: Page,
    user: &PeopleUser,
    state: &AppState,
    person_id: i64,
    typed: Typed,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let who = user.0.clone();
    let today = state.config.clock.today();
    let checklist = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            readiness::checklist(c, &scope, person_id, today)
        })
        .await?;
    let title = i18n::t_with(page.lang, "readiness.dossier_of", &[("name", &checklist.person.full_name)]);
    let view = view(page.lang, checklist, typed, today);
    page.with_title(title).render_status(status, "readiness/dossier", &view)
}

pub async fn show(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    render(page, &user, &state, path.into_inner(), Typed::default(), StatusCode::OK).await
}

fn dossier_path(person_id: i64) -> String {
    format!("/people/{person_id}/dossier")
}

pub async fn confirm(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<StepForm>,
) -> AppResult<HttpResponse> {
    let (person_id, step_id) = path.into_inner();
    let form = form.into_inner();
    let today = state.config.clock.today();
    let input = match form.validate(page.lang, today) {
        Ok(input) => input,
        Err(errors) => {
            let typed = Typed { step: Some((step_id, form, errors)), ..Default::default() };
            return render(page, &user, &state, person_id, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let (who, actor, version, now) = (user.0.clone(), user.actor(), form.version(), state.config.clock.now_utc());
    let saved = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            readiness::record(c, &actor, &scope, person_id, step_id, &input, version, today, now)
        })
        .await;
    finish(page, &user, &state, person_id, saved, "readiness.confirmed").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UndoForm {
    version: String,
}

pub async fn undo(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<UndoForm>,
) -> AppResult<HttpResponse> {
    let (person_id, step_id) = path.into_inner();
    let version: i32 = form.version.trim().parse().unwrap_or(0);
    let (who, actor) = (user.0.clone(), user.actor());
    let cleared = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            readiness::clear(c, &actor, &scope, person_id, step_id, version)
        })
        .await;
    finish(page, &user, &state, person_id, cleared, "readiness.undone").await
}

/// After a change: back to the dossier with a message; a refused change (the certificate row,
/// a change made meanwhile) shows the dossier again with the reason.
async fn finish(
    page: Page,
    user: &PeopleUser,
    state: &AppState,
    person_id: i64,
    result: AppResult<()>,
    done_key: &str,
) -> AppResult<HttpResponse> {
    match result {
        Ok(()) => {
            page.flash("success", done_key);
            Ok(see_other(&dossier_path(person_id)))
        }
        Err(AppError::Conflict(key)) => {
            let status = if key == "readiness.error.changed_meanwhile" {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let typed = Typed { error: Some(page.t(key)), ..Default::default() };
            render(page, user, state, person_id, typed, status).await
        }
        Err(e) => Err(e),
    }
}

pub async fn save_facts(
    user: PeopleUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<FactsForm>,
) -> AppResult<HttpResponse> {
    let person_id = path.into_inner();
    let form = form.into_inner();
    let input = match form.validate(page.lang) {
        Ok(input) => input,
        Err(errors) => {
            let typed = Typed { facts: Some((form, errors)), ..Default::default() };
            return render(page, &user, &state, person_id, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let (who, actor, today) = (user.0.clone(), user.actor(), state.config.clock.today());
    let saved = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            readiness::set_facts(c, &actor, &scope, person_id, &input, today)
        })
        .await;
    finish(page, &user, &state, person_id, saved, "common.saved").await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: time::Date = date!(2026 - 11 - 29);

    fn form(status: &str, done_on: &str) -> StepForm {
        StepForm { status: status.into(), done_on: done_on.into(), ..Default::default() }
    }

    #[test]
    fn a_confirmation_needs_a_date_not_in_the_future() {
        let errors = |f: StepForm| serde_json::to_value(f.validate(Lang::Vi, TODAY).unwrap_err()).unwrap();
        assert_eq!(errors(form("done", ""))["done_on"], i18n::t(Lang::Vi, "form.required").as_str());
        assert_eq!(errors(form("done", "30/11/2026"))["done_on"], i18n::t(Lang::Vi, "readiness.error.future").as_str());
        assert_eq!(errors(form("maybe", "01/11/2026"))["status"], i18n::t(Lang::Vi, "form.required").as_str());
        let mut long = form("done", "01/11/2026");
        long.reference = "x".repeat(101);
        assert!(errors(long)["reference"].is_string());
        let ok = form("done", "29/11/2026").validate(Lang::Vi, TODAY).unwrap();
        assert_eq!((ok.status, ok.done_on, ok.reference), (ItemStatus::Done, Some(TODAY), None));
        let not_needed = form("not_needed", "").validate(Lang::Vi, TODAY).unwrap();
        assert_eq!((not_needed.status, not_needed.done_on), (ItemStatus::NotNeeded, None));
    }
}
