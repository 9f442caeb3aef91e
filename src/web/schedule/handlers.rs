use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use time::{Date, Duration};

use super::forms::{Allowed, PlanOptions, SessionForm, TeacherChoice, ValidPlan};
use super::views::{self, RoomInfo, SessionRow};
use crate::domain::numbers::format_int;
use crate::domain::program::LessonKind;
use crate::domain::role::Role;
use crate::domain::schedule::{self, Booking, PlanError, ProgramItem};
use crate::domain::{class as class_rules, dates};
use crate::i18n::{self, Lang};
use crate::store::classes::{self, Class};
use crate::store::issuers;
use crate::store::programs::{self, Lesson, Program};
use crate::store::sessions::{self, Session, SessionInput};
use crate::store::users::{self, AccountQuery};
use crate::store::venues::{self, GuestSpeaker, Room, Venue};
use crate::store::{DbConn, StoreError, StoreResult, audit};
use crate::web::auth::extract::{CurrentUser, StaffUser, TeachingUser};
use crate::web::classes::views::{ClassHeading, changed_meanwhile};
use crate::web::classes::{manages, visible};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FieldErrors;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

/// Everything the plan and session pages choose from, read in one go.
struct Context {
    class: Class,
    program: Program,
    lessons: Vec<Lesson>,
    venues: Vec<Venue>,
    rooms: Vec<Room>,
    lecturers: Vec<(i64, String)>,
    guests: Vec<GuestSpeaker>,
    /// Learners a room must hold.
    expected: i32,
    has_attendance: bool,
    sessions: usize,
    holidays: Vec<Date>,
}

impl Context {
    fn load(c: &mut DbConn, user: &CurrentUser, id: i64) -> StoreResult<Self> {
        let class = visible(c, user, id)?;
        let program = programs::find(c, class.program_id)?;
        let lessons = programs::lessons_of(c, class.program_id)?;
        let lecturers = users::search(c, &AccountQuery { role: Some(Role::Lecturer), ..Default::default() })?
            .into_iter()
            .filter(|a| a.active)
            .map(|a| (a.id, a.display_name))
            .collect();
        let enrolled = classes::enrolled_counts(c, &[id])?.get(&id).copied().unwrap_or(0);
        // A plan that does not fit says how far it would need: holidays well past the last day.
        let holidays = venues::holidays_between(c, class.first_day, class.first_day + Duration::days(366))?
            .into_iter()
            .map(|h| h.day)
            .collect();
        Ok(Self {
            expected: schedule::expected_learners(enrolled as usize, class.capacity),
            has_attendance: sessions::has_attendance(c, id)?,
            sessions: sessions::of_class(c, id)?.len(),
            venues: venues::venues(c)?,
            rooms: venues::rooms(c, None)?,
            guests: venues::guest_speakers(c)?,
            lecturers,
            lessons,
            program,
            class,
            holidays,
        })
    }

    fn heading(&self, lang: Lang) -> ClassHeading {
        ClassHeading::new(lang, &self.class, &self.program)
    }

    fn room_info(&self, id: Option<i64>) -> Option<RoomInfo<'_>> {
        let room = self.rooms.iter().find(|r| Some(r.id) == id)?;
        let venue = self.venues.iter().find(|v| v.id == room.venue_id).map_or("", |v| v.name.as_str());
        Some(RoomInfo { name: &room.name, venue, capacity: room.capacity })
    }

    fn teacher_name(&self, choice: Option<TeacherChoice>) -> Option<String> {
        match choice? {
            TeacherChoice::Lecturer(id) => self.lecturers.iter().find(|l| l.0 == id).map(|l| l.1.clone()),
            TeacherChoice::Guest(id) => self
                .guests
                .iter()
                .find(|g| g.id == id)
                .map(|g| if g.title.is_empty() { g.name.clone() } else { format!("{} ({})", g.name, g.title) }),
        }
    }

    fn ids(&self) -> (Vec<i64>, Vec<i64>, Vec<i64>, Vec<i64>) {
        (
            self.lessons.iter().map(|l| l.id).collect(),
            self.rooms.iter().map(|r| r.id).collect(),
            self.lecturers.iter().map(|l| l.0).collect(),
            self.guests.iter().map(|g| g.id).collect(),
        )
    }

    /// A room of the class's venue large enough for it (the smallest such), else its largest.
    fn proposed_room(&self) -> Option<i64> {
        let mut own: Vec<&Room> = self.rooms.iter().filter(|r| r.active && r.venue_id == self.class.venue_id).collect();
        own.sort_by_key(|r| r.capacity);
        own.iter().find(|r| r.capacity >= self.expected).or(own.last()).map(|r| r.id)
    }

    /// The rooms as select groups, one per venue, the class's venue first.
    fn room_groups(&self, lang: Lang, selected: &str) -> Vec<Group> {
        let mut venues: Vec<&Venue> = self.venues.iter().collect();
        venues.sort_by_key(|v| v.id != self.class.venue_id);
        venues
            .into_iter()
            .map(|v| Group {
                label: v.name.clone(),
                options: self
                    .rooms
                    .iter()
                    .filter(|r| r.venue_id == v.id && (r.active || r.id.to_string() == selected))
                    .map(|r| Opt {
                        value: r.id.to_string(),
                        label: i18n::t_with(
                            lang,
                            "room.option",
                            &[("name", &r.name), ("capacity", &format_int(i64::from(r.capacity)))],
                        ),
                        selected: r.id.to_string() == selected,
                    })
                    .collect(),
            })
            .filter(|g| !g.options.is_empty())
            .collect()
    }

    fn teacher_groups(&self, lang: Lang, selected: &str) -> Vec<Group> {
        let pick = |choice: TeacherChoice, label: String| {
            let value = choice.value();
            Opt { selected: value == selected, value, label }
        };
        vec![
            Group {
                label: i18n::t(lang, "session.lecturers"),
                options: self
                    .lecturers
                    .iter()
                    .map(|(id, name)| pick(TeacherChoice::Lecturer(*id), name.clone()))
                    .collect(),
            },
            Group {
                label: i18n::t(lang, "session.guests"),
                options: self
                    .guests
                    .iter()
                    .filter(|g| g.active || TeacherChoice::Guest(g.id).value() == selected)
                    .map(|g| {
                        let label =
                            if g.title.is_empty() { g.name.clone() } else { format!("{} — {}", g.name, g.title) };
                        pick(TeacherChoice::Guest(g.id), label)
                    })
                    .collect(),
            },
        ]
        .into_iter()
        .filter(|g| !g.options.is_empty())
        .collect()
    }

    /// The sessions the options generate over the class's teaching days.
    fn generate(&self, opts: &ValidPlan) -> Result<Vec<SessionInput>, PlanError> {
        let items: Vec<ProgramItem> = self
            .lessons
            .iter()
            .map(|l| ProgramItem {
                lesson_id: l.id,
                title: l.title.clone(),
                periods: l.periods,
                activity: LessonKind::parse(&l.kind) == Some(LessonKind::Activity),
            })
            .collect();
        let slots = &schedule::DEFAULT_SLOTS[..opts.slots.min(schedule::DEFAULT_SLOTS.len())];
        let planned = schedule::plan(
            &schedule::plan_items(&items),
            self.class.first_day,
            self.class.last_day,
            &self.holidays,
            slots,
        )?;
        Ok(planned
            .into_iter()
            .map(|p| SessionInput {
                lesson_id: p.lesson_id,
                title: p.title,
                periods: p.periods,
                starts_at: p.starts_at,
                ends_at: p.ends_at,
                room_id: opts.room_id,
                lecturer_user_id: TeacherChoice::lecturer(opts.teacher),
                guest_speaker_id: TeacherChoice::guest(opts.teacher),
            })
            .collect())
    }

    /// Why the plan cannot be (re)generated now, if it cannot.
    fn plan_refusal(&self, lang: Lang) -> Option<String> {
        if self.has_attendance {
            Some(i18n::t(lang, "plan.has_attendance"))
        } else if !self.class.status().plan_editable() {
            Some(i18n::t(lang, "plan.closed"))
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Serialize)]
struct Opt {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Debug, Clone, Serialize)]
struct Group {
    label: String,
    options: Vec<Opt>,
}

fn bookings(class_id: i64, plan: &[SessionInput]) -> Vec<Booking> {
    plan.iter()
        .map(|s| Booking {
            session_id: None,
            class_id,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            room_id: s.room_id,
            lecturer_id: s.lecturer_user_id,
            guest_speaker_id: s.guest_speaker_id,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The plan

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

// ---------------------------------------------------------------------------------------------
// The sessions

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

// ---------------------------------------------------------------------------------------------
// The printable timetable

#[derive(Serialize)]
struct TimetableView {
    class: ClassHeading,
    superior_name: String,
    issuer_name: String,
    /// "Buôn Ma Thuột, ngày 29 tháng 11 năm 2026".
    place_and_date: String,
    days: String,
    venue: String,
    rows: Vec<SessionRow>,
    signer_lines: Vec<String>,
    signer_name: String,
    title_upper: String,
}

pub async fn timetable(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let lang = page.lang;
    let who = user.0.clone();
    let (class, program, issuer, venue, sessions) = state
        .db(move |c| {
            let class = visible(c, &who, id)?;
            let program = programs::find(c, class.program_id)?;
            let issuer = issuers::find(c, class.issuer_id)?;
            let venue = venues::venue(c, class.venue_id)?;
            Ok((class, program, issuer, venue, sessions::views_of_class(c, id)?))
        })
        .await?;
    let today = state.config.clock.today();
    // Staff sign the timetable: no room warnings on paper, and a room of the class's own venue
    // (named in the heading) by its name alone.
    let rows = sessions
        .iter()
        .map(|s| {
            let mut row = SessionRow::new(lang, s, 0);
            if let (Some(name), Some(venue_id)) = (&s.room_name, s.venue_id)
                && venue_id == class.venue_id
            {
                row.room = name.clone();
            }
            row
        })
        .collect();
    let mut signer_lines: Vec<String> = Vec::new();
    for part in [&class.signer_delegation, &class.signer_title] {
        signer_lines.extend(part.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned));
    }
    let place = if issuer.place.is_empty() { venue.place.clone() } else { issuer.place.clone() };
    let view = TimetableView {
        class: ClassHeading::new(lang, &class, &program),
        superior_name: issuer.superior_name,
        issuer_name: issuer.name,
        place_and_date: format!("{place}, {}", dates::format_long(today)),
        days: i18n::t_with(
            lang,
            "timetable.days",
            &[("first", &dates::format(class.first_day)), ("last", &dates::format(class.last_day))],
        ),
        venue: if venue.address.is_empty() { venue.name } else { format!("{} ({})", venue.name, venue.address) },
        title_upper: class_rules::full_name(&program.name, class.ordinal, class.year).to_uppercase(),
        rows,
        signer_lines,
        signer_name: class.signer_name,
    };
    let title = i18n::t_with(lang, "timetable.title_of", &[("name", &view.class.short_name)]);
    page.with_title(title).render("schedule/timetable", &view)
}
