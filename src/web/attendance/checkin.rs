//! QR self check-in. The lecturer opens the screen of the session under way: a QR code that
//! changes every `STEP_SECONDS` (an SVG image of its own, so the page needs no inline markup
//! from code) with the six-digit code beside it, and the roster filling up. A small script
//! from `assets/js/checkin.js` polls the status as JSON and swaps the image; without
//! JavaScript the page refreshes itself.
//!
//! The learner's phone opens `/checkin?t=TOKEN` (logged in; the login page comes back here).
//! A valid scan shows a confirmation carrying a ticket bound to the learner, so a slow tap
//! still counts; the POST marks them present, or late after the configured minutes. A learner
//! may also type the short code. Each refusal says why: another session's code, an old code, a
//! session not started or over, a learner not on the roster, a second check-in.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::views::{self, Heading};
use super::{SessionPath, teaching_context};
use crate::domain::attendance::{self as rules, CheckinWindow, Mark};
use crate::domain::checkin::{self as codes, CodeError};
use crate::domain::schedule;
use crate::i18n::{self, Lang};
use crate::store::attendance::{self, CheckedIn, SessionContext};
use crate::store::sessions::{self, Session};
use crate::web::auth::extract::{LearnerUser, TeachingUser};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

fn window_of(state: &AppState, ctx: &SessionContext) -> CheckinWindow {
    let s = &ctx.session.session;
    rules::checkin_window(ctx.class.status(), s.starts_at, s.ends_at, state.clock().local_now())
}

fn window_code(window: CheckinWindow) -> &'static str {
    match window {
        CheckinWindow::NotStarted => "not_started",
        CheckinWindow::Open => "open",
        CheckinWindow::Ended => "ended",
        CheckinWindow::ClassNotRunning => "class_not_running",
    }
}

/// "Buổi 3: Bài 2. … — 07:30–11:00 ngày 12/03/2026".
fn session_text(lang: Lang, s: &Session) -> String {
    i18n::t_with(
        lang,
        "checkin.session_text",
        &[("seq", &s.seq.to_string()), ("title", &s.title), ("when", &schedule::format_range(s.starts_at, s.ends_at))],
    )
}

// ---------------------------------------------------------------------------------------------
// The lecturer's screen

#[derive(Serialize)]
struct RosterLine {
    enrolment_id: i64,
    name: String,
    status: String,
    label: String,
}

#[derive(Serialize)]
struct ScreenView {
    heading: Heading,
    window: &'static str,
    window_message: Option<String>,
    qr_src: String,
    status_url: String,
    code: String,
    checkin_url: String,
    refresh_seconds: i64,
    count: String,
    lines: Vec<RosterLine>,
}

/// What the screen and its status share: the roster with each line's status, and the count.
async fn roster(state: &AppState, ctx: &SessionContext, lang: Lang) -> AppResult<(Vec<RosterLine>, String)> {
    let session = ctx.session.session.clone();
    let lines = state.db(move |c| attendance::sheet(c, &session)).await?;
    let attended = lines.iter().filter(|l| l.mark.as_ref().and_then(|m| m.mark()).is_some_and(Mark::attended)).count();
    let count = i18n::t_with(
        lang,
        "checkin.screen.count",
        &[("n", &attended.to_string()), ("total", &lines.len().to_string())],
    );
    let lines = lines
        .into_iter()
        .map(|l| {
            let status = l.mark.map(|m| m.status).unwrap_or_default();
            RosterLine {
                enrolment_id: l.learner.enrolment_id,
                name: l.learner.full_name,
                label: views::mark_label(lang, &status),
                status,
            }
        })
        .collect();
    Ok((lines, count))
}

fn qr_src(heading: &Heading, step: i64) -> String {
    format!("{}/qr.svg?step={step}", heading.checkin_href)
}

pub async fn screen(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    path: SessionPath,
) -> AppResult<HttpResponse> {
    let (class_id, session_id) = path.into_inner();
    let ctx = teaching_context(&state, &user, class_id, session_id).await?;
    let lang = page.lang;
    let window = window_of(&state, &ctx);
    let heading = Heading::of(&ctx);
    let unix = state.clock().unix();
    let step = codes::step_at(unix);
    let (lines, count) = roster(&state, &ctx, lang).await?;
    let window_message = match window {
        CheckinWindow::Open => None,
        CheckinWindow::NotStarted => Some(i18n::t_with(lang, "checkin.screen.not_started", &[("when", &heading.when)])),
        other => Some(i18n::t(lang, &format!("checkin.screen.{}", window_code(other)))),
    };
    let open = window == CheckinWindow::Open;
    let view = ScreenView {
        window: window_code(window),
        window_message,
        qr_src: qr_src(&heading, step),
        status_url: format!("{}/status.json", heading.checkin_href),
        code: if open { codes::format_code(&codes::code(&state.checkin_key, session_id, step)) } else { String::new() },
        checkin_url: format!("{}/checkin", state.config.public_url.trim_end_matches('/')),
        refresh_seconds: codes::seconds_left(unix),
        count,
        lines,
        heading,
    };
    page.titled("checkin.screen.title").render("attendance/checkin_screen", &view)
}

#[derive(Serialize)]
struct StatusLine {
    e: i64,
    s: String,
    label: String,
}

#[derive(Serialize)]
struct Status {
    window: &'static str,
    code: String,
    qr: String,
    /// Milliseconds until the code changes: when to ask again at the latest.
    next_ms: i64,
    count: String,
    lines: Vec<StatusLine>,
}

/// The screen's state as JSON, for its script: the code, the QR image's address (it changes
/// with the step) and the roster's statuses.
pub async fn status(user: TeachingUser, state: web::Data<AppState>, path: SessionPath) -> AppResult<HttpResponse> {
    let (class_id, session_id) = path.into_inner();
    let ctx = teaching_context(&state, &user, class_id, session_id).await?;
    let lang = Lang::parse(&user.user.language).unwrap_or(Lang::Vi);
    let window = window_of(&state, &ctx);
    let now_ms = state.clock().now().unix_timestamp_nanos() / 1_000_000;
    let unix = state.clock().unix();
    let step = codes::step_at(unix);
    let (lines, count) = roster(&state, &ctx, lang).await?;
    let open = window == CheckinWindow::Open;
    let heading = Heading::of(&ctx);
    let body = Status {
        window: window_code(window),
        code: if open { codes::format_code(&codes::code(&state.checkin_key, session_id, step)) } else { String::new() },
        qr: if open { qr_src(&heading, step) } else { String::new() },
        next_ms: ((step + 1) * codes::STEP_SECONDS * 1000 - now_ms as i64).max(0),
        count,
        lines: lines.into_iter().map(|l| StatusLine { e: l.enrolment_id, s: l.status, label: l.label }).collect(),
    };
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(body))
}

/// The QR code of the current step as an SVG image (never cached). Only while check-in is open.
pub async fn qr(user: TeachingUser, state: web::Data<AppState>, path: SessionPath) -> AppResult<HttpResponse> {
    let (class_id, session_id) = path.into_inner();
    let ctx = teaching_context(&state, &user, class_id, session_id).await?;
    if window_of(&state, &ctx) != CheckinWindow::Open {
        return Err(AppError::NotFound);
    }
    let step = codes::step_at(state.clock().unix());
    let token = codes::token(&state.checkin_key, session_id, step);
    let url = format!("{}/checkin?t={token}", state.config.public_url.trim_end_matches('/'));
    let svg =
        qr_svg(&url).ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("check-in URL too long for a QR code")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/svg+xml"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(svg))
}

/// A QR code as a standalone SVG document, error correction M (survives a glare on a screen).
fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(code.render::<qrcode::render::svg::Color<'_>>().quiet_zone(true).module_dimensions(8, 8).build())
}

// ---------------------------------------------------------------------------------------------
// The learner

#[derive(Serialize)]
struct Message {
    kind: &'static str,
    text: String,
}

#[derive(Serialize)]
struct Confirm {
    ticket: String,
    class_name: String,
    session: String,
}

#[derive(Serialize)]
struct OpenSession {
    class_name: String,
    session: String,
    status: Option<String>,
}

#[derive(Serialize, Default)]
struct LearnerView {
    message: Option<Message>,
    confirm: Option<Confirm>,
    open_sessions: Vec<OpenSession>,
    code: String,
    code_error: Option<String>,
    no_person: bool,
}

#[derive(Deserialize)]
pub struct CheckinQuery {
    t: Option<String>,
}

#[derive(Deserialize)]
pub struct CheckinForm {
    ticket: Option<String>,
    code: Option<String>,
}

/// A refusal: the page with its message (422), the code form and the sessions under way.
async fn refuse(
    page: Page,
    state: &AppState,
    person_id: i64,
    text: String,
    mut view: LearnerView,
) -> AppResult<HttpResponse> {
    view.message = Some(Message { kind: "error", text });
    view.open_sessions = open_sessions(state, person_id, page.lang).await?;
    page.titled("checkin.title").render_status(StatusCode::UNPROCESSABLE_ENTITY, "attendance/checkin", &view)
}

/// The sessions under way in the learner's classes, with their marks.
async fn open_sessions(state: &AppState, person_id: i64, lang: Lang) -> AppResult<Vec<OpenSession>> {
    let now = state.clock().local_now();
    let found = state
        .db(move |c| {
            let open = attendance::open_sessions_of(c, person_id, now)?;
            let mut out = Vec::with_capacity(open.len());
            for (session, enrolment) in open {
                let mark = attendance::mark_of(c, session.id, enrolment)?;
                let view = sessions::with_names(c, vec![session])?.pop();
                out.extend(view.map(|v| (v, mark)));
            }
            Ok(out)
        })
        .await?;
    Ok(found
        .into_iter()
        .map(|(view, mark)| OpenSession {
            class_name: format!("{} — {}", view.program_short_name, view.class_name),
            session: session_text(lang, &view.session),
            status: mark.map(|m| {
                i18n::t_with(
                    lang,
                    "checkin.marked_at",
                    &[("status", &views::mark_label(lang, &m.status)), ("time", &views::local_time(m.marked_at))],
                )
            }),
        })
        .collect())
}

pub async fn learner_form(
    user: LearnerUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<CheckinQuery>,
) -> AppResult<HttpResponse> {
    let Some(person_id) = user.user.person_id else {
        let view = LearnerView { no_person: true, ..Default::default() };
        return page.titled("checkin.title").render("attendance/checkin", &view);
    };
    let lang = page.lang;
    let Some(token) = query.into_inner().t.filter(|t| !t.trim().is_empty()) else {
        let view = LearnerView { open_sessions: open_sessions(&state, person_id, lang).await?, ..Default::default() };
        return page.titled("checkin.title").render("attendance/checkin", &view);
    };
    let unix = state.clock().unix();
    let session_id = match codes::read_token(&state.checkin_key, &token, codes::step_at(unix)) {
        Ok(id) => id,
        Err(e) => {
            return refuse(page, &state, person_id, page_text(lang, code_error_key(e)), LearnerView::default()).await;
        }
    };
    let target = match target_of(&state, person_id, session_id, lang).await? {
        Ok(target) => target,
        Err(text) => return refuse(page, &state, person_id, text, LearnerView::default()).await,
    };
    let session = &target.ctx.session.session;
    if let Some(existing) = target.existing.as_ref().filter(|m| m.mark().is_some_and(Mark::attended)) {
        let text = already_text(lang, &existing.status, existing.marked_at);
        let view = LearnerView {
            message: Some(Message { kind: "info", text }),
            open_sessions: open_sessions(&state, person_id, lang).await?,
            ..Default::default()
        };
        return page.titled("checkin.title").render("attendance/checkin", &view);
    }
    let view = LearnerView {
        confirm: Some(Confirm {
            ticket: codes::ticket(&state.checkin_key, session.id, person_id, unix),
            class_name: target.ctx.class_full_name(),
            session: session_text(lang, session),
        }),
        ..Default::default()
    };
    page.titled("checkin.title").render("attendance/checkin", &view)
}

fn page_text(lang: Lang, key: &str) -> String {
    i18n::t(lang, key)
}

fn code_error_key(e: CodeError) -> &'static str {
    match e {
        CodeError::Invalid => "checkin.error.invalid",
        CodeError::Expired => "checkin.error.expired",
    }
}

fn already_text(lang: Lang, status: &str, at: time::PrimitiveDateTime) -> String {
    i18n::t_with(
        lang,
        "checkin.already",
        &[("status", &views::mark_label(lang, status)), ("time", &views::local_time(at))],
    )
}

/// A session a learner may check in to now, with their enrolment and current mark.
struct Target {
    ctx: SessionContext,
    enrolment_id: i64,
    existing: Option<attendance::AttendanceRow>,
}

/// The session of a valid code, if the learner may check in to it now; otherwise the message
/// saying why not.
async fn target_of(state: &AppState, person_id: i64, session_id: i64, lang: Lang) -> AppResult<Result<Target, String>> {
    let now = state.clock().local_now();
    let found = state
        .db(move |c| {
            let session = match sessions::find(c, session_id) {
                Ok(s) => s,
                Err(crate::store::StoreError::NotFound) => return Ok(None),
                Err(e) => return Err(e),
            };
            let ctx = attendance::context(c, session.class_id, session_id)?;
            let enrolment = attendance::enrolment_for_session(c, person_id, &session)?;
            let existing = match enrolment {
                Some(e) => attendance::mark_of(c, session_id, e)?,
                None => None,
            };
            let elsewhere = attendance::open_sessions_of(c, person_id, now)?;
            let elsewhere = sessions::with_names(c, elsewhere.into_iter().map(|(s, _)| s).collect())?;
            Ok(Some((ctx, enrolment, existing, elsewhere)))
        })
        .await?;
    let Some((ctx, enrolment, existing, elsewhere)) = found else {
        return Ok(Err(i18n::t(lang, "checkin.error.invalid")));
    };
    let session = &ctx.session.session;
    let when = schedule::format_range(session.starts_at, session.ends_at);
    let class_name = ctx.class_full_name();
    let Some(enrolment_id) = enrolment else {
        // A code of another class's session: say which, and where the learner should be.
        return Ok(Err(match elsewhere.first() {
            Some(mine) => i18n::t_with(
                lang,
                "checkin.error.other_session",
                &[
                    ("other", &format!("{} — {}", ctx.session.program_short_name, ctx.session.class_name)),
                    ("mine", &format!("{} — {}", mine.program_short_name, mine.class_name)),
                ],
            ),
            None => i18n::t_with(lang, "checkin.error.not_enrolled", &[("class", &class_name)]),
        }));
    };
    let refusal = match window_of(state, &ctx) {
        CheckinWindow::Open => None,
        CheckinWindow::NotStarted => Some(i18n::t_with(lang, "checkin.error.not_started", &[("when", &when)])),
        CheckinWindow::Ended => Some(i18n::t_with(lang, "checkin.error.ended", &[("when", &when)])),
        CheckinWindow::ClassNotRunning => Some(i18n::t(lang, "checkin.error.class_not_running")),
    };
    Ok(match refusal {
        Some(text) => Err(text),
        None => Ok(Target { ctx, enrolment_id, existing }),
    })
}

pub async fn learner_submit(
    user: LearnerUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<CheckinForm>,
) -> AppResult<HttpResponse> {
    let Some(person_id) = user.user.person_id else {
        let view = LearnerView { no_person: true, ..Default::default() };
        return page.titled("checkin.title").render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "attendance/checkin",
            &view,
        );
    };
    let lang = page.lang;
    let form = form.into_inner();
    let unix = state.clock().unix();
    let session_id = if let Some(ticket) = form.ticket.filter(|t| !t.trim().is_empty()) {
        match codes::read_ticket(&state.checkin_key, &ticket, unix) {
            Ok((session_id, ticket_person)) if ticket_person == person_id => session_id,
            Ok(_) => {
                return refuse(
                    page,
                    &state,
                    person_id,
                    page_text(lang, "checkin.error.invalid"),
                    LearnerView::default(),
                )
                .await;
            }
            Err(CodeError::Expired) => {
                return refuse(
                    page,
                    &state,
                    person_id,
                    page_text(lang, "checkin.error.ticket_expired"),
                    LearnerView::default(),
                )
                .await;
            }
            Err(CodeError::Invalid) => {
                return refuse(
                    page,
                    &state,
                    person_id,
                    page_text(lang, "checkin.error.invalid"),
                    LearnerView::default(),
                )
                .await;
            }
        }
    } else {
        let typed = form.code.unwrap_or_default();
        let code_refusal = |key: &str| LearnerView {
            code: typed.trim().to_owned(),
            code_error: Some(i18n::t(lang, key)),
            ..Default::default()
        };
        let Some(code) = codes::normalize_code(&typed) else {
            let view = code_refusal("checkin.error.code_format");
            return render_code_refusal(page, &state, person_id, view).await;
        };
        let now = state.clock().local_now();
        let open = state.db(move |c| attendance::open_sessions_of(c, person_id, now)).await?;
        if open.is_empty() {
            let view = code_refusal("checkin.error.no_open_session");
            return render_code_refusal(page, &state, person_id, view).await;
        }
        let step = codes::step_at(unix);
        match open.iter().find(|(s, _)| codes::code_matches(&state.checkin_key, s.id, &code, step)) {
            Some((session, _)) => session.id,
            None => {
                let view = code_refusal("checkin.error.code_wrong");
                return render_code_refusal(page, &state, person_id, view).await;
            }
        }
    };
    let target = match target_of(&state, person_id, session_id, lang).await? {
        Ok(target) => target,
        Err(text) => return refuse(page, &state, person_id, text, LearnerView::default()).await,
    };
    let session = target.ctx.session.session.clone();
    let mark = codes::mark_for(session.starts_at, state.clock().local_now(), state.config.checkin_late_minutes);
    let (user_id, now_utc, enrolment_id) = (user.id(), state.clock().now_utc(), target.enrolment_id);
    let done = state.db(move |c| attendance::check_in(c, session.id, enrolment_id, mark, user_id, now_utc)).await?;
    let text = match done {
        CheckedIn::Marked(mark) => i18n::t_with(
            lang,
            "checkin.done",
            &[
                ("status", &i18n::t(lang, &mark.label_key())),
                ("session", &session_text(lang, &target.ctx.session.session)),
                ("class", &target.ctx.class_full_name()),
            ],
        ),
        CheckedIn::Already(mark, at) => already_text(lang, mark.code(), at),
    };
    page.flash_text(if matches!(done, CheckedIn::Marked(_)) { "success" } else { "info" }, text);
    Ok(see_other("/checkin"))
}

async fn render_code_refusal(
    page: Page,
    state: &AppState,
    person_id: i64,
    mut view: LearnerView,
) -> AppResult<HttpResponse> {
    view.open_sessions = open_sessions(state, person_id, page.lang).await?;
    page.titled("checkin.title").render_status(StatusCode::UNPROCESSABLE_ENTITY, "attendance/checkin", &view)
}
