//! The attendance sheet of a session: one card per learner with a big button per status, "mark
//! all present" at the top, one save for the whole sheet (one transaction: every line, or none
//! with a message on each wrong one). After the class moved on to assessing the sheet is
//! frozen; staff amend it with a reason. Also the printable sign-in sheet.
//!
//! Form fields, per learner (by enrolment id): `e` (one per line, in order), `s{id}` the status,
//! `r{id}` the reason of an excused absence, `u{id}` the session made up, `v{id}` the version
//! of the line the editor saw (0 when it had none).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::views::{self, Heading, MarkOption};
use super::{SessionPath, is_staff, may_mark, teaching_context};
use crate::domain::attendance::{self as rules, LineProblem, Mark, REASON_MAX_CHARS, SheetState};
use crate::domain::{dates, schedule};
use crate::i18n::{self, Lang};
use crate::store::attendance::{self, LineInput, SaveRequest, SessionContext, SheetLine};
use crate::store::issuers;
use crate::store::orgs::UnitTree;
use crate::store::sessions::SessionView;
use crate::web::auth::extract::{CurrentUser, StaffUser, TeachingUser};
use crate::web::error::{AppError, AppResult};
use crate::web::forms;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

/// One line of the form, as typed (or as stored when the sheet opens).
#[derive(Debug, Clone, Default)]
struct Typed {
    status: String,
    reason: String,
    made_up: String,
    version: i32,
}

/// A sheet as posted (or as stored): the lines in order and what each holds.
#[derive(Debug, Default)]
struct SheetForm {
    order: Vec<i64>,
    lines: HashMap<i64, Typed>,
    amendment_reason: String,
}

impl SheetForm {
    fn stored(lines: &[SheetLine]) -> Self {
        let mut form = SheetForm::default();
        for line in lines {
            let id = line.learner.enrolment_id;
            form.order.push(id);
            let typed = match &line.mark {
                Some(m) => Typed {
                    status: m.status.clone(),
                    reason: m.reason.clone().unwrap_or_default(),
                    made_up: m.made_up_session_id.map(|s| s.to_string()).unwrap_or_default(),
                    version: m.version,
                },
                None => Typed::default(),
            };
            form.lines.insert(id, typed);
        }
        form
    }

    fn from_fields(mut fields: forms::LineFields) -> Self {
        let mut form = SheetForm { amendment_reason: fields.amendment_reason.clone(), ..Default::default() };
        form.lines.reserve(fields.order.len());
        for id in std::mem::take(&mut fields.order) {
            let typed = Typed {
                status: fields.take("s", id),
                reason: forms::text(&fields.take("r", id)),
                made_up: fields.take("u", id).trim().to_owned(),
                version: fields.take("v", id).trim().parse().unwrap_or(0),
            };
            form.order.push(id);
            form.lines.insert(id, typed);
        }
        form
    }

    /// The lines with a status: what a save writes (unmarked lines stay as they are).
    fn inputs(&self) -> Vec<LineInput> {
        self.order
            .iter()
            .filter_map(|id| {
                let typed = &self.lines[id];
                Some(LineInput {
                    enrolment_id: *id,
                    mark: Mark::parse(&typed.status)?,
                    reason: typed.reason.clone(),
                    made_up_session_id: typed.made_up.parse().ok(),
                    seen_version: typed.version,
                })
            })
            .collect()
    }

    fn mark_unmarked_present(&mut self) {
        for typed in self.lines.values_mut().filter(|t| t.status.is_empty()) {
            typed.status = Mark::Present.code().to_owned();
        }
    }
}

#[derive(Debug, Serialize)]
struct LineView {
    n: usize,
    enrolment_id: i64,
    name: String,
    born: String,
    status: String,
    status_label: String,
    reason: String,
    made_up: String,
    made_up_label: Option<String>,
    version: i32,
    error: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Serialize)]
struct SheetView {
    heading: Heading,
    state: &'static str,
    state_message: Option<String>,
    editable: bool,
    amending: bool,
    action: String,
    all_present_href: String,
    lines: Vec<LineView>,
    mark_options: Vec<MarkOption>,
    make_up_options: Vec<Choice>,
    counts: String,
    problems: Vec<String>,
    amendment_reason: String,
    amendment_error: Option<String>,
    checkin_open: bool,
}

fn state_code(state: SheetState) -> &'static str {
    match state {
        SheetState::NotStarted => "not_started",
        SheetState::ClassNotRunning => "class_not_running",
        SheetState::Open => "open",
        SheetState::Frozen => "frozen",
        SheetState::Closed => "closed",
    }
}

/// The message a refused save answers with.
fn refusal_key(state: SheetState) -> &'static str {
    match state {
        SheetState::NotStarted => "attendance.error.not_started",
        SheetState::ClassNotRunning => "attendance.error.class_not_running",
        SheetState::Frozen => "attendance.error.frozen",
        SheetState::Closed => "attendance.error.closed",
        SheetState::Open => "attendance.error.not_frozen",
    }
}

fn now_state(state: &AppState, ctx: &SessionContext) -> SheetState {
    rules::sheet_state(ctx.class.status(), ctx.session.session.starts_at, state.clock().local_now())
}

/// Everything one rendering of the sheet needs besides the form.
struct Loaded {
    ctx: SessionContext,
    state: SheetState,
    lines: Vec<SheetLine>,
    make_ups: Vec<SessionView>,
}

async fn load(state: &AppState, user: &CurrentUser, class_id: i64, session_id: i64) -> AppResult<Loaded> {
    let ctx = teaching_context(state, user, class_id, session_id).await?;
    with_lines(state, user, ctx).await
}

/// The sheet's lines and make-up options for a session already loaded: a save reads them only
/// when it renders the sheet again (a successful one redirects).
async fn with_lines(state: &AppState, user: &CurrentUser, ctx: SessionContext) -> AppResult<Loaded> {
    let sheet_state = now_state(state, &ctx);
    let session = ctx.session.session.clone();
    let staff = is_staff(user);
    let now = state.clock().local_now();
    let (lines, make_ups) = state
        .db(move |c| {
            let lines = attendance::sheet(c, &session)?;
            let make_ups = if staff { attendance::make_up_options(c, &session, now)? } else { Vec::new() };
            Ok((lines, make_ups))
        })
        .await?;
    Ok(Loaded { ctx, state: sheet_state, lines, make_ups })
}

#[derive(Deserialize)]
pub struct SheetQuery {
    all: Option<String>,
}

pub async fn show(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    path: SessionPath,
    query: web::Query<SheetQuery>,
) -> AppResult<HttpResponse> {
    let (class_id, session_id) = path.into_inner();
    let loaded = load(&state, &user, class_id, session_id).await?;
    let mut form = SheetForm::stored(&loaded.lines);
    if query.all.as_deref() == Some("present") {
        form.mark_unmarked_present();
    }
    render(page, &user, loaded, &form, &[], None, StatusCode::OK)
}

pub async fn save(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    path: SessionPath,
    fields: web::Form<forms::LineFields>,
) -> AppResult<HttpResponse> {
    let (class_id, session_id) = path.into_inner();
    let form = SheetForm::from_fields(fields.into_inner());
    store_and_answer(page, state, &user, (class_id, session_id), form, attendance::SOURCE_SHEET).await
}

pub async fn amend(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: SessionPath,
    fields: web::Form<forms::LineFields>,
) -> AppResult<HttpResponse> {
    let (class_id, session_id) = path.into_inner();
    let form = SheetForm::from_fields(fields.into_inner());
    let reason_error = if form.amendment_reason.is_empty() {
        Some("attendance.error.amendment_reason_required")
    } else if form.amendment_reason.chars().count() > REASON_MAX_CHARS {
        Some("attendance.error.reason_too_long")
    } else {
        None
    };
    // Without a usable reason the sheet is shown again, once its session and state are known;
    // with one, the save reads and checks them in its own trip.
    if let Some(key) = reason_error {
        let ctx = teaching_context(&state, &user, class_id, session_id).await?;
        let sheet_state = now_state(&state, &ctx);
        if sheet_state != SheetState::Frozen {
            return Err(AppError::Conflict(refusal_key(sheet_state)));
        }
        let message = page.t(key);
        let loaded = with_lines(&state, &user, ctx).await?;
        return render(page, &user, loaded, &form, &[], Some(message), StatusCode::UNPROCESSABLE_ENTITY);
    }
    store_and_answer(page, state, &user, (class_id, session_id), form, attendance::SOURCE_AMENDMENT).await
}

/// Saves a sheet in one trip to the database, the session read, the right to mark it and its
/// state checked in the same trip: a sheet is saved again and again while a class is marked, and
/// each trip is a wait for a turn at the database (bench/RESULTS.md, issue 8).
async fn store_and_answer(
    page: Page,
    state: web::Data<AppState>,
    user: &CurrentUser,
    (class_id, session_id): (i64, i64),
    mut form: SheetForm,
    source: &'static str,
) -> AppResult<HttpResponse> {
    let inputs = form.inputs();
    let (actor, marker) = (user.actor(), user.clone());
    let staff = is_staff(user);
    let (now_local, now_utc) = (state.clock().local_now(), state.clock().now_utc());
    let domain = state.mail_context().message_id_domain;
    let reason = (source == attendance::SOURCE_AMENDMENT).then(|| form.amendment_reason.clone());
    // A save marks an open sheet; an amendment a frozen one.
    let expected = if reason.is_some() { SheetState::Frozen } else { SheetState::Open };
    let (ctx, result) = state
        .db(move |c| {
            let ctx = attendance::context(c, class_id, session_id)?;
            if !may_mark(&marker, &ctx) {
                return Ok(Err(AppError::NotFound));
            }
            let sheet_state = rules::sheet_state(ctx.class.status(), ctx.session.session.starts_at, now_local);
            if sheet_state != expected {
                return Ok(Err(AppError::Conflict(refusal_key(sheet_state))));
            }
            let saved = attendance::save_sheet(
                c,
                &actor,
                &SaveRequest {
                    session: &ctx.session.session,
                    class: &ctx.class,
                    program: &ctx.program,
                    lines: &inputs,
                    source,
                    may_record_make_up: staff,
                    amendment_reason: reason.as_deref(),
                    now_local,
                    now_utc,
                    message_id_domain: &domain,
                },
            )?;
            Ok(Ok((ctx, saved)))
        })
        .await??;
    match result {
        Ok(saved) => {
            let seq = ctx.session.session.seq.to_string();
            if saved.written == 0 {
                page.flash("info", "attendance.saved_nothing");
            } else {
                let n = saved.written.to_string();
                page.flash_text("success", i18n::t_with(page.lang, "attendance.saved", &[("n", &n), ("seq", &seq)]));
            }
            if saved.reached_limit > 0 {
                state.wake_mail_worker();
                let n = saved.reached_limit.to_string();
                page.flash_text("warning", i18n::t_with(page.lang, "attendance.limit_reached", &[("n", &n)]));
            }
            Ok(see_other(&Heading::of(&ctx).sheet_href))
        }
        Err(problems) => {
            // Read after the refused save: a line saved meanwhile shows what it holds now.
            let loaded = with_lines(&state, user, ctx).await?;
            // A line saved meanwhile takes its new version, so saving again overwrites it
            // knowingly; the other lines keep the version their editor saw.
            for (id, problem) in &problems {
                if *problem == LineProblem::ChangedMeanwhile
                    && let (Some(typed), Some(line)) =
                        (form.lines.get_mut(id), loaded.lines.iter().find(|l| l.learner.enrolment_id == *id))
                {
                    typed.version = line.mark.as_ref().map_or(0, |m| m.version);
                }
            }
            let all_conflicts = problems.iter().all(|(_, p)| *p == LineProblem::ChangedMeanwhile);
            let status = if all_conflicts { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
            render(page, user, loaded, &form, &problems, None, status)
        }
    }
}

fn problem_text(lang: Lang, problem: &LineProblem) -> String {
    match problem {
        LineProblem::EnrolledLater(day) => i18n::t_with(lang, problem.key(), &[("date", &dates::format(*day))]),
        other => i18n::t(lang, other.key()),
    }
}

#[allow(clippy::too_many_arguments)]
fn render(
    page: Page,
    user: &CurrentUser,
    loaded: Loaded,
    form: &SheetForm,
    problems: &[(i64, LineProblem)],
    amendment_error: Option<String>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let Loaded { ctx, state: sheet_state, lines, make_ups } = loaded;
    let heading = Heading::of(&ctx);
    let staff = is_staff(user);
    let amending = sheet_state == SheetState::Frozen && staff;
    let editable = sheet_state == SheetState::Open || amending;
    let problem_of: HashMap<i64, &LineProblem> = problems.iter().map(|(id, p)| (*id, p)).collect();
    let make_up_label: HashMap<i64, String> = make_ups.iter().map(|s| (s.session.id, make_up_text(lang, s))).collect();

    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut views_of_lines = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let id = line.learner.enrolment_id;
        let stored = line.mark.as_ref();
        *counts.entry(stored.map_or("unmarked", |m| m.status.as_str())).or_default() += 1;
        let typed = form.lines.get(&id).cloned().unwrap_or_default();
        let problem = problem_of.get(&id).copied();
        let note = stored.and_then(|m| views::source_note(lang, &m.source, m.marked_at));
        // A line changed meanwhile says to what, and when.
        let error = match (problem, stored) {
            (Some(LineProblem::ChangedMeanwhile), Some(m)) => Some(i18n::t_with(
                lang,
                "attendance.changed_to",
                &[("status", &views::mark_label(lang, &m.status)), ("time", &views::local_time(m.marked_at))],
            )),
            (Some(p), _) => Some(problem_text(lang, p)),
            (None, _) => None,
        };
        views_of_lines.push(LineView {
            n: i + 1,
            enrolment_id: id,
            name: line.learner.full_name.clone(),
            born: dates::format(line.learner.date_of_birth),
            status_label: views::mark_label(lang, &typed.status),
            made_up_label: typed.made_up.parse::<i64>().ok().and_then(|s| make_up_label.get(&s).cloned()),
            status: typed.status,
            reason: typed.reason,
            made_up: typed.made_up,
            version: typed.version,
            error,
            note,
        });
    }
    let on_sheet: std::collections::HashSet<i64> = lines.iter().map(|l| l.learner.enrolment_id).collect();
    let mut problem_lines: Vec<String> = Vec::new();
    if !problems.is_empty() {
        let n = problems.iter().filter(|(id, _)| on_sheet.contains(id)).count().to_string();
        problem_lines.push(i18n::t_with(lang, "attendance.not_saved", &[("n", &n)]));
        for (_, problem) in problems.iter().filter(|(id, _)| !on_sheet.contains(id)) {
            problem_lines.push(problem_text(lang, problem));
        }
    }
    let counts = Mark::ALL
        .iter()
        .map(|m| m.code())
        .chain(["unmarked"])
        .filter_map(|code| {
            let n = counts.get(code).copied().unwrap_or(0);
            let label =
                if code == "unmarked" { i18n::t(lang, "attendance.unmarked") } else { views::mark_label(lang, code) };
            (n > 0).then(|| format!("{label}: {n}"))
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let starts = ctx.session.session.starts_at;
    let state_message = match sheet_state {
        SheetState::Open => None,
        SheetState::NotStarted => Some(i18n::t_with(
            lang,
            "attendance.state.not_started",
            &[("time", &schedule::format_range(starts, ctx.session.session.ends_at))],
        )),
        SheetState::Frozen if amending => Some(i18n::t(lang, "attendance.state.amending")),
        other => Some(i18n::t(lang, &format!("attendance.state.{}", state_code(other)))),
    };
    // The check-in screen while the class runs: it says itself when the session is not on.
    let checkin_open = ctx.class.status() == crate::domain::class::ClassStatus::Running;
    let view = SheetView {
        action: if amending { format!("{}/amend", heading.sheet_href) } else { heading.sheet_href.clone() },
        all_present_href: format!("{}?all=present", heading.sheet_href),
        state: state_code(sheet_state),
        state_message,
        editable,
        amending,
        lines: views_of_lines,
        mark_options: views::mark_options(lang, staff && !make_ups.is_empty()),
        make_up_options: make_ups
            .iter()
            .map(|s| Choice { value: s.session.id.to_string(), label: make_up_text(lang, s) })
            .collect(),
        counts,
        problems: problem_lines,
        amendment_reason: form.amendment_reason.clone(),
        amendment_error,
        checkin_open,
        heading,
    };
    let title = i18n::t_with(lang, "attendance.sheet_title", &[("seq", &view.heading.seq.to_string())]);
    page.with_title(title).render_status(status, "attendance/sheet", &view)
}

/// "Nhận thức về Đảng Khóa III năm 2026, buổi 3 — 07:30–11:00 ngày 20/03/2026".
fn make_up_text(lang: Lang, s: &SessionView) -> String {
    i18n::t_with(
        lang,
        "attendance.make_up_option",
        &[
            ("class", &format!("{} {}", s.program_short_name, s.class_name)),
            ("seq", &s.session.seq.to_string()),
            ("when", &schedule::format_range(s.session.starts_at, s.session.ends_at)),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// The sign-in sheet

#[derive(Serialize)]
struct SigninLine {
    n: usize,
    name: String,
    born: String,
    unit: String,
}

#[derive(Serialize)]
struct SigninView {
    heading: Heading,
    school: String,
    superior: String,
    day_long: String,
    lines: Vec<SigninLine>,
    total: usize,
}

/// The list learners sign at the session, printed from the browser (A4, no navigation).
pub async fn signin(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    path: SessionPath,
) -> AppResult<HttpResponse> {
    let (class_id, session_id) = path.into_inner();
    let ctx = teaching_context(&state, &user, class_id, session_id).await?;
    let session = ctx.session.session.clone();
    let issuer_id = ctx.class.issuer_id;
    let (lines, tree, issuer) = state
        .db(move |c| Ok((attendance::sheet(c, &session)?, UnitTree::load(c)?, issuers::find(c, issuer_id)?)))
        .await?;
    let view = SigninView {
        heading: Heading::of(&ctx),
        superior: issuer.superior_name.to_uppercase(),
        school: issuer.name.to_uppercase(),
        day_long: format!("{}, {}", issuer.place, dates::format_long(ctx.session.session.starts_at.date())),
        total: lines.len(),
        lines: lines
            .iter()
            .enumerate()
            .map(|(i, l)| SigninLine {
                n: i + 1,
                name: l.learner.full_name.clone(),
                born: dates::format(l.learner.date_of_birth),
                unit: tree.label(l.learner.org_unit_id),
            })
            .collect(),
    };
    let title = i18n::t_with(page.lang, "attendance.signin.title_of", &[("seq", &view.heading.seq.to_string())]);
    page.with_title(title).render("attendance/signin", &view)
}
