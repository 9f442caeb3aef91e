//! The sessions of a class, and each session's edit with the clash check.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::context::{Context, Group, Opt};
use super::forms::{Allowed, SessionForm};
use super::views::{self, SessionRow};
use crate::domain::numbers::format_int;
use crate::domain::program::LessonKind;
use crate::domain::schedule;
use crate::i18n::{self, Lang};
use crate::store::classes;
use crate::store::programs;
use crate::store::sessions::{self, Session};
use crate::store::{StoreError, audit};
use crate::web::auth::extract::{CurrentUser, StaffUser, TeachingUser};
use crate::web::classes::views::{ClassHeading, changed_meanwhile};
use crate::web::classes::{manages, visible};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

#[derive(Serialize)]
struct SessionsView {
    class: ClassHeading,
    rows: Vec<SessionRow>,
    manages: bool,
    editable: bool,
    total: String,
}

pub async fn list(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let lang = page.lang;
    let who = user.0.clone();
    let (class, program, sessions, expected) = state
        .db(move |c| {
            let class = visible(c, &who, id)?;
            let program = programs::find(c, class.program_id)?;
            let enrolled = classes::enrolled_counts(c, &[id])?.get(&id).copied().unwrap_or(0);
            let expected = schedule::expected_learners(enrolled as usize, class.capacity);
            Ok((class, program, sessions::views_of_class(c, id)?, expected))
        })
        .await?;
    let manages = manages(&user);
    let view = SessionsView {
        class: ClassHeading::new(lang, &class, &program),
        total: format_int(sessions.len() as i64),
        rows: sessions.iter().map(|s| SessionRow::new(lang, s, expected)).collect(),
        editable: manages && class.status().plan_editable(),
        manages,
    };
    let title = i18n::t_with(lang, "session.list_title_of", &[("name", &view.class.short_name)]);
    page.with_title(title).render("schedule/sessions", &view)
}

#[derive(Serialize)]
struct SessionFormView {
    class: ClassHeading,
    session_id: i64,
    seq: i32,
    label: String,
    form: SessionForm,
    errors: FieldErrors,
    has_errors: bool,
    lessons: Vec<Opt>,
    rooms: Vec<Group>,
    teachers: Vec<Group>,
    clashes: Vec<String>,
    warning: Option<String>,
    stale: Option<String>,
    current: Option<SessionRow>,
    editable: bool,
}

fn session_form_view(
    lang: Lang,
    ctx: &Context,
    session: &Session,
    form: SessionForm,
    errors: FieldErrors,
) -> SessionFormView {
    let mut number = 0;
    let lessons = ctx
        .lessons
        .iter()
        .map(|l| {
            let activity = LessonKind::parse(&l.kind) == Some(LessonKind::Activity);
            let label = if activity {
                l.title.clone()
            } else {
                number += 1;
                format!("Bài {number}: {}", l.title)
            };
            Opt { value: l.id.to_string(), selected: l.id.to_string() == form.lesson_id.trim(), label }
        })
        .collect();
    let warning = crate::web::forms::id(&form.room)
        .and_then(|r| ctx.room_info(Some(r)))
        .and_then(|r| views::room_warning(lang, r.name, r.capacity, ctx.expected));
    SessionFormView {
        class: ctx.heading(lang),
        session_id: session.id,
        seq: session.seq,
        label: i18n::t_with(lang, "session.number", &[("n", &session.seq.to_string())]),
        lessons,
        rooms: ctx.room_groups(lang, form.room.trim()),
        teachers: ctx.teacher_groups(lang, form.teacher.trim()),
        has_errors: !errors.is_empty(),
        editable: ctx.class.status().plan_editable(),
        form,
        errors,
        clashes: Vec::new(),
        warning,
        stale: None,
        current: None,
    }
}

async fn session_context(
    state: &AppState,
    user: &CurrentUser,
    class_id: i64,
    session_id: i64,
) -> AppResult<(Context, Session)> {
    let who = user.clone();
    state
        .db(move |c| {
            let ctx = Context::load(c, &who, class_id)?;
            let session = sessions::find(c, session_id)?;
            if session.class_id != class_id {
                return Err(StoreError::NotFound);
            }
            Ok((ctx, session))
        })
        .await
}

pub async fn edit_form(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (id, sid) = path.into_inner();
    let (ctx, session) = session_context(&state, &user, id, sid).await?;
    let view =
        session_form_view(page.lang, &ctx, &session, SessionForm::from_session(&session), FieldErrors::default());
    let title = format!("{} · {}", view.label, view.class.short_name);
    page.with_title(title).render("schedule/session_form", &view)
}

pub async fn update(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let (id, sid) = path.into_inner();
    let lang = page.lang;
    let (ctx, session) = session_context(&state, &user, id, sid).await?;
    let mut form = SessionForm::from_fields(fields.into_inner());
    let (lessons, rooms, lecturers, guests) = ctx.ids();
    let allowed = Allowed { lessons: &lessons, rooms: &rooms, lecturers: &lecturers, guests: &guests };
    let title = |v: &SessionFormView| format!("{} · {}", v.label, v.class.short_name);
    if !ctx.class.status().plan_editable() {
        let view = session_form_view(lang, &ctx, &session, form, FieldErrors::default());
        return page.with_title(title(&view)).render_status(StatusCode::CONFLICT, "schedule/session_form", &view);
    }
    let input = match form.validate(lang, &allowed, (ctx.class.first_day, ctx.class.last_day)) {
        Ok(input) => input,
        Err(errors) => {
            let view = session_form_view(lang, &ctx, &session, form, errors);
            return page.with_title(title(&view)).render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "schedule/session_form",
                &view,
            );
        }
    };
    let version: i32 = form.version.trim().parse().unwrap_or(0);
    let actor = user.actor();
    let saved = input.clone();
    match state.db(move |c| sessions::update(c, &actor, sid, version, &saved)).await {
        Ok(Ok(())) => {
            page.flash("success", "common.saved");
            if let Some(warning) =
                ctx.room_info(input.room_id).and_then(|r| views::room_warning(lang, r.name, r.capacity, ctx.expected))
            {
                page.flash_text("warning", warning);
            }
            Ok(see_other(&format!("/classes/{id}/sessions")))
        }
        Ok(Err(clashes)) => {
            let mut view = session_form_view(lang, &ctx, &session, form, FieldErrors::default());
            view.clashes = clashes.iter().map(|c| views::clash_sentence(lang, c, id)).collect();
            page.with_title(title(&view)).render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "schedule/session_form",
                &view,
            )
        }
        Err(AppError::Conflict("session.error.changed")) => {
            let (current, last) = state
                .db(move |c| {
                    let found = sessions::find(c, sid)?;
                    let current = sessions::with_names(c, vec![found])?.remove(0);
                    Ok((current, audit::last_change(c, "session", sid)?))
                })
                .await?;
            form.version = current.session.version.to_string();
            let mut view = session_form_view(lang, &ctx, &current.session, form, FieldErrors::default());
            view.stale = Some(changed_meanwhile(lang, "session.this_session", last.as_ref()));
            view.current = Some(SessionRow::new(lang, &current, ctx.expected));
            page.with_title(title(&view)).render_status(StatusCode::CONFLICT, "schedule/session_form", &view)
        }
        Err(e) => Err(e),
    }
}
