//! The plan: sessions generated from the program's lessons and activities over the class's
//! teaching days, checked for clashes, saved as a whole.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::context::{Context, Group, bookings};
use super::forms::{Allowed, PlanOptions};
use super::views::{self, SessionRow};
use crate::domain::dates;
use crate::domain::numbers::format_int;
use crate::domain::schedule::PlanError;
use crate::i18n;
use crate::store::sessions;
use crate::web::auth::extract::StaffUser;
use crate::web::classes::views::ClassHeading;
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

#[derive(Serialize)]
struct PlanView {
    class: ClassHeading,
    options: PlanOptions,
    one_a_day: bool,
    rooms: Vec<Group>,
    teachers: Vec<Group>,
    errors: FieldErrors,
    rows: Vec<SessionRow>,
    /// Why nothing can be saved (attendance taken, class past planning, plan does not fit).
    problem: Option<String>,
    /// How many sessions clash, when some do.
    clash_summary: Option<String>,
    summary: Option<String>,
    replaces: Option<String>,
    can_save: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PlanQuery {
    slots: String,
    room: String,
    teacher: String,
}

pub async fn plan_form(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<PlanQuery>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let who = user.0.clone();
    let ctx = state.db(move |c| Context::load(c, &who, id)).await?;
    let q = query.into_inner();
    let options = PlanOptions {
        slots: if q.slots.trim().is_empty() { "2".into() } else { q.slots },
        // First visit: propose a room of the class's venue.
        room: if q.room.trim().is_empty() {
            ctx.proposed_room().map(|r| r.to_string()).unwrap_or_default()
        } else {
            q.room
        },
        teacher: q.teacher,
    };
    plan_page(page, &state, ctx, options, StatusCode::OK, false).await
}

pub async fn plan_save(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let who = user.0.clone();
    let ctx = state.db(move |c| Context::load(c, &who, id)).await?;
    let options = PlanOptions::from_fields(fields.into_inner());
    let (lessons, rooms, lecturers, guests) = ctx.ids();
    let allowed = Allowed { lessons: &lessons, rooms: &rooms, lecturers: &lecturers, guests: &guests };
    let valid = options.validate(page.lang, &allowed);
    let plan = match valid.as_ref().ok().map(|v| ctx.generate(v)) {
        Some(Ok(plan)) if ctx.plan_refusal(page.lang).is_none() => plan,
        _ => {
            let status = if ctx.plan_refusal(page.lang).is_some() {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return plan_page(page, &state, ctx, options, status, true).await;
        }
    };
    let actor = user.actor();
    let count = plan.len();
    match state.db(move |c| sessions::replace_plan(c, &actor, id, &plan)).await {
        Ok(Ok(_)) => {
            page.flash_text("success", i18n::t_with(page.lang, "plan.saved", &[("n", &format_int(count as i64))]));
            Ok(see_other(&format!("/classes/{id}/sessions")))
        }
        // Clashes (or attendance taken meanwhile): the page lists every one.
        Ok(Err(_)) | Err(AppError::Conflict(_)) => {
            let who = user.0.clone();
            let ctx = state.db(move |c| Context::load(c, &who, id)).await?;
            let status = if ctx.has_attendance { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
            plan_page(page, &state, ctx, options, status, true).await
        }
        Err(e) => Err(e),
    }
}

/// The plan page: the options, and the sessions they generate with each one's clashes and
/// room warning. `refused` says a save was just refused.
async fn plan_page(
    page: Page,
    state: &AppState,
    ctx: Context,
    options: PlanOptions,
    status: StatusCode,
    refused: bool,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let (lessons, rooms, lecturers, guests) = ctx.ids();
    let allowed = Allowed { lessons: &lessons, rooms: &rooms, lecturers: &lecturers, guests: &guests };
    let (valid, errors) = match options.validate(lang, &allowed) {
        Ok(v) => (Some(v), FieldErrors::default()),
        Err(e) => (None, e),
    };
    let mut problem = ctx.plan_refusal(lang);
    let mut rows = Vec::new();
    let mut clash_summary = None;
    let mut summary = None;
    if let Some(valid) = valid {
        match ctx.generate(&valid) {
            Err(PlanError::Empty) => problem = problem.or(Some(i18n::t(lang, "plan.empty"))),
            Err(PlanError::DoesNotFit { sessions, needs_until }) => {
                problem = problem.or(Some(i18n::t_with(
                    lang,
                    "plan.does_not_fit",
                    &[
                        ("n", &format_int(sessions as i64)),
                        ("needs", &dates::format(needs_until)),
                        ("last", &dates::format(ctx.class.last_day)),
                    ],
                )))
            }
            Ok(plan) => {
                let class_id = ctx.class.id;
                let candidates = bookings(class_id, &plan);
                let found = state.db(move |c| sessions::clashes(c, class_id, &candidates)).await?;
                let teacher = ctx.teacher_name(valid.teacher);
                for (i, s) in plan.iter().enumerate() {
                    let mut row = SessionRow::planned(
                        lang,
                        i as i32 + 1,
                        &s.title,
                        s.periods,
                        (s.starts_at, s.ends_at),
                        ctx.room_info(s.room_id),
                        teacher.clone(),
                        ctx.expected,
                    );
                    row.clashes = found
                        .iter()
                        .filter(|(at, _)| *at == i)
                        .map(|(_, c)| views::clash_sentence(lang, c, class_id))
                        .collect();
                    rows.push(row);
                }
                let clashing = rows.iter().filter(|r| !r.clashes.is_empty()).count();
                if clashing > 0 {
                    clash_summary = Some(i18n::t_with(
                        lang,
                        if refused { "plan.refused_clashes" } else { "plan.clashes" },
                        &[("n", &format_int(clashing as i64))],
                    ));
                }
                let periods: i64 = plan.iter().map(|s| i64::from(s.periods)).sum();
                if let (Some(first), Some(last)) = (plan.first(), plan.last()) {
                    summary = Some(i18n::t_with(
                        lang,
                        "plan.summary",
                        &[
                            ("n", &format_int(plan.len() as i64)),
                            ("periods", &format_int(periods)),
                            ("first", &dates::format(first.starts_at.date())),
                            ("last", &dates::format(last.starts_at.date())),
                        ],
                    ));
                }
            }
        }
    }
    let can_save = problem.is_none() && errors.is_empty() && clash_summary.is_none() && !rows.is_empty();
    let view = PlanView {
        class: ctx.heading(lang),
        one_a_day: options.slots.trim() == "1",
        rooms: ctx.room_groups(lang, options.room.trim()),
        teachers: ctx.teacher_groups(lang, options.teacher.trim()),
        replaces: (ctx.sessions > 0)
            .then(|| i18n::t_with(lang, "plan.replaces", &[("n", &format_int(ctx.sessions as i64))])),
        options,
        errors,
        rows,
        problem,
        clash_summary,
        summary,
        can_save,
    };
    let title = i18n::t_with(lang, "plan.title_of", &[("name", &view.class.short_name)]);
    page.with_title(title).render_status(status, "schedule/plan", &view)
}
