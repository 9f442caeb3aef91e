//! Confirmation of completion (xác nhận hoàn thành): the secretary's page listing their people
//! who hold a valid certificate, with a form to confirm that the chi bộ received it (optional
//! note) or to withdraw a confirmation (reason required); and, for staff, a class's learners
//! with their confirmation and the chi bộ that have not answered yet. Another unit's person
//! answers 404, even by a guessed id.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::routes::Router;
use crate::domain::class as class_names;
use crate::domain::dates;
use crate::domain::numbers::format_int;
use crate::i18n::{self, Lang};
use crate::store::confirmations::{self, Line};
use crate::store::orgs::UnitTree;
use crate::store::{StoreError, classes, programs};
use crate::web::auth::extract::{SecretaryUser, StaffUser, scope_in};
use crate::web::error::{AppError, AppResult};
use crate::web::forms;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

/// The longest note or reason kept, in characters.
const TEXT_MAX: usize = 500;

pub fn routes(r: &mut Router) {
    r.get("/confirmations", page)
        .post("/confirmations/{id}/confirm", confirm)
        .post("/confirmations/{id}/withdraw", withdraw)
        .get("/classes/{id}/confirmations", class_page);
}

#[derive(Serialize)]
struct LineView {
    id: i64,
    full_name: String,
    unit: String,
    class_name: String,
    number: String,
    issued_on: String,
    confirmed: bool,
    state: String,
    tone: &'static str,
    confirmed_by: String,
    note: String,
    /// What was typed in this row's form, and the message, after a refusal.
    typed: String,
    error: Option<String>,
}

fn line_view(lang: Lang, line: &Line, tree: &UnitTree) -> LineView {
    let (state, tone) = if line.confirmed() {
        (i18n::t(lang, "confirmation.state.confirmed"), "tag-ok")
    } else {
        (i18n::t(lang, "confirmation.state.waiting"), "tag-warn")
    };
    LineView {
        id: line.enrolment_id,
        full_name: line.full_name.clone(),
        unit: tree.label(line.org_unit_id),
        class_name: format!("{} — {}", line.program_name, line.class_short),
        number: line.register_number.clone(),
        issued_on: dates::format(line.issued_on),
        confirmed: line.confirmed(),
        state,
        tone,
        confirmed_by: match (&line.confirmed_by, line.confirmed_at) {
            (Some(who), Some(at)) => {
                i18n::t_with(lang, "confirmation.by", &[("name", who), ("date", &dates::format(at.date()))])
            }
            (None, Some(at)) => dates::format(at.date()),
            _ => String::new(),
        },
        note: line.note.clone().unwrap_or_default(),
        typed: String::new(),
        error: None,
    }
}

#[derive(Serialize)]
struct SecretaryView {
    units: Vec<String>,
    show_unit: bool,
    lines: Vec<LineView>,
    waiting: String,
}

/// A refused form: the row, what was typed, the message.
struct Refusal {
    id: i64,
    typed: String,
    message: String,
}

async fn secretary_view(
    user: &SecretaryUser,
    lang: Lang,
    state: &AppState,
    refusal: Option<Refusal>,
) -> AppResult<SecretaryView> {
    let who = user.0.clone();
    let (lines, tree) = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            Ok((confirmations::of_scope(c, &scope)?, UnitTree::load(c)?))
        })
        .await?;
    let units: Vec<String> = user.secretary_units.iter().map(|id| tree.label(*id)).collect();
    let several = lines.iter().map(|l| l.org_unit_id).collect::<std::collections::HashSet<_>>().len() > 1;
    let waiting = lines.iter().filter(|l| !l.confirmed()).count();
    let mut views: Vec<LineView> = lines.iter().map(|l| line_view(lang, l, &tree)).collect();
    if let Some(r) = refusal
        && let Some(v) = views.iter_mut().find(|v| v.id == r.id)
    {
        v.typed = r.typed;
        v.error = Some(r.message);
    }
    Ok(SecretaryView {
        units,
        show_unit: several,
        lines: views,
        waiting: i18n::t_with(lang, "confirmation.waiting_n", &[("n", &format_int(waiting as i64))]),
    })
}

pub async fn page(user: SecretaryUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let view = secretary_view(&user, page.lang, &state, None).await?;
    page.titled("confirmation.title").render("confirmations/list", &view)
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// Re-renders the page with the row's message (422), or 404 when the row is not the user's.
async fn refused(user: &SecretaryUser, page: Page, state: &AppState, refusal: Refusal) -> AppResult<HttpResponse> {
    let id = refusal.id;
    let view = secretary_view(user, page.lang, state, Some(refusal)).await?;
    if !view.lines.iter().any(|l| l.id == id) {
        return Err(AppError::NotFound);
    }
    page.titled("confirmation.title").render_status(StatusCode::UNPROCESSABLE_ENTITY, "confirmations/list", &view)
}

pub async fn confirm(
    user: SecretaryUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<NoteForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let lang = page.lang;
    let note = forms::multiline_text(&form.note);
    if note.chars().count() > TEXT_MAX {
        let message = i18n::t_with(lang, "form.too_long", &[("max", &TEXT_MAX.to_string())]);
        return refused(&user, page, &state, Refusal { id, typed: note, message }).await;
    }
    let (who, now) = (user.0.clone(), state.clock().now_utc());
    let typed = note.clone();
    let outcome = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            let note = (!typed.is_empty()).then_some(typed.as_str());
            match confirmations::confirm(c, &who.actor(), &scope, id, note, now) {
                Err(StoreError::Conflict(key)) => Ok(Err(key)),
                other => other.map(Ok),
            }
        })
        .await?;
    match outcome {
        Ok(()) => {
            page.flash("success", "confirmation.done.confirmed");
            Ok(see_other("/confirmations"))
        }
        Err(key) => refused(&user, page, &state, Refusal { id, typed: note, message: i18n::t(lang, key) }).await,
    }
}

pub async fn withdraw(
    user: SecretaryUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let lang = page.lang;
    let reason = forms::multiline_text(&form.reason);
    let problem = if reason.is_empty() {
        Some(i18n::t(lang, "confirmation.error.reason_required"))
    } else if reason.chars().count() > TEXT_MAX {
        Some(i18n::t_with(lang, "form.too_long", &[("max", &TEXT_MAX.to_string())]))
    } else {
        None
    };
    if let Some(message) = problem {
        return refused(&user, page, &state, Refusal { id, typed: reason, message }).await;
    }
    let (who, now) = (user.0.clone(), state.clock().now_utc());
    let typed = reason.clone();
    let outcome = state
        .db(move |c| {
            let scope = scope_in(c, &who)?;
            match confirmations::withdraw(c, &who.actor(), &scope, id, &typed, now) {
                Err(StoreError::Conflict(key)) => Ok(Err(key)),
                other => other.map(Ok),
            }
        })
        .await?;
    match outcome {
        Ok(()) => {
            page.flash("success", "confirmation.done.withdrawn");
            Ok(see_other("/confirmations"))
        }
        Err(key) => refused(&user, page, &state, Refusal { id, typed: reason, message: i18n::t(lang, key) }).await,
    }
}

#[derive(Serialize)]
struct Unanswered {
    unit: String,
    waiting: String,
}

#[derive(Serialize)]
struct ClassView {
    id: i64,
    class_name: String,
    summary: String,
    lines: Vec<LineView>,
    unanswered: Vec<Unanswered>,
}

pub async fn class_page(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let lang = page.lang;
    let (class, program_name, lines, tree) = state
        .db(move |c| {
            let class = classes::find(c, id)?;
            let program_name = programs::find(c, class.program_id)?.name;
            Ok((class, program_name, confirmations::of_class(c, id)?, UnitTree::load(c)?))
        })
        .await?;
    let confirmed = lines.iter().filter(|l| l.confirmed()).count();
    // Chi bộ with at least one learner not confirmed yet, with how many, by label.
    let mut waiting: BTreeMap<String, usize> = BTreeMap::new();
    for line in lines.iter().filter(|l| !l.confirmed()) {
        *waiting.entry(tree.label(line.org_unit_id)).or_default() += 1;
    }
    let view = ClassView {
        id,
        class_name: class_names::full_name(&program_name, class.ordinal, class.year),
        summary: i18n::t_with(
            lang,
            "confirmation.class.summary",
            &[("confirmed", &format_int(confirmed as i64)), ("total", &format_int(lines.len() as i64))],
        ),
        lines: lines.iter().map(|l| line_view(lang, l, &tree)).collect(),
        unanswered: waiting
            .into_iter()
            .map(|(unit, n)| Unanswered {
                unit,
                waiting: i18n::t_with(lang, "confirmation.waiting_n", &[("n", &format_int(n as i64))]),
            })
            .collect(),
    };
    page.titled("confirmation.class.title").render("confirmations/class", &view)
}
