//! Where attendance is followed: the list of sessions to mark (today's first) and of classes,
//! and a class's summary — per learner present, absent with and without permission, the
//! share missed and whether they may still write the essay — as a page that prints and as a
//! spreadsheet. Secretaries see their own people only.

use std::collections::{HashMap, HashSet};

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use time::Duration;

use super::is_staff;
use super::views::{self, EligibilityView, TallyView};
use crate::domain::attendance::{self as rules, Mark};
use crate::domain::class::{self as class_names, ClassStatus};
use crate::domain::role::Role;
use crate::domain::{dates, schedule};
use crate::export::xlsx::{self, Cell, Sheet};
use crate::i18n::{self, Lang};
use crate::store::attendance::{self, SummaryLine};
use crate::store::classes::{self, Class, ClassFilter, ClassRow};
use crate::store::orgs::UnitTree;
use crate::store::programs::{self, Program};
use crate::store::sessions::{self, SessionFilter, SessionView};
use crate::store::{Scope, StoreError};
use crate::web::auth::extract::{AttendanceReader, CurrentUser, scope_in};
use crate::web::error::{AppError, AppResult};
use crate::web::page::Page;
use crate::web::state::AppState;

/// Days back the list of sessions reaches (a sheet is usually completed the same week).
const RECENT_DAYS: i64 = 13;

#[derive(Serialize)]
struct SessionLine {
    class_name: String,
    seq: i32,
    title: String,
    when: String,
    room: Option<String>,
    teacher: Option<String>,
    marked: i64,
    sheet_href: String,
    checkin_href: Option<String>,
    signin_href: String,
}

#[derive(Serialize)]
struct ClassLine {
    name: String,
    program: String,
    days: String,
    href: String,
}

#[derive(Serialize)]
struct IndexView {
    teaching: bool,
    today: Vec<SessionLine>,
    recent: Vec<SessionLine>,
    classes: Vec<ClassLine>,
}

/// Classes whose attendance is of interest: from running on.
fn followed(status: &str) -> bool {
    ClassStatus::parse(status).is_some_and(|s| s >= ClassStatus::Running)
}

pub async fn index(user: AttendanceReader, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let staff = is_staff(&user);
    let teaching = staff || user.has(Role::Lecturer);
    let today = state.clock().today();
    let now = state.clock().local_now();
    let account = user.0.clone();
    let user_id = user.id();
    let (sessions, marked, classes) = state
        .db(move |c| {
            let class_ids = if staff {
                None
            } else {
                let mut ids: HashSet<i64> = HashSet::new();
                if account.has(Role::Lecturer) {
                    ids.extend(attendance::classes_taught(c, user_id)?);
                }
                if account.has(Role::Secretary) {
                    let scope = scope_in(c, &account)?;
                    ids.extend(attendance::classes_with_learners_in(c, &scope)?);
                }
                Some(ids.into_iter().collect::<Vec<_>>())
            };
            let classes: Vec<ClassRow> = classes::list(c, &ClassFilter { ids: class_ids, ..Default::default() })?
                .into_iter()
                .filter(|class| followed(&class.status))
                .collect();
            let sessions = if teaching {
                let filter = SessionFilter {
                    class_ids: Some(classes.iter().map(|c| c.id).collect()),
                    lecturer_user_id: (!staff).then_some(user_id),
                    ..Default::default()
                };
                sessions::between(c, today - Duration::days(RECENT_DAYS), today, &filter)?
            } else {
                Vec::new()
            };
            let ids: Vec<i64> = sessions.iter().map(|s| s.session.id).collect();
            let marked = attendance::marked_counts(c, &ids)?;
            Ok((sessions, marked, classes))
        })
        .await?;
    let statuses: HashMap<i64, String> = classes.iter().map(|c| (c.id, c.status.clone())).collect();
    let (mut today_lines, mut recent) = (Vec::new(), Vec::new());
    for s in sessions.iter().rev() {
        let session = &s.session;
        let base = format!("/classes/{}/sessions/{}", session.class_id, session.id);
        let open = statuses.get(&session.class_id).and_then(|st| ClassStatus::parse(st)).is_some_and(|status| {
            rules::checkin_window(status, session.starts_at, session.ends_at, now) == rules::CheckinWindow::Open
        });
        let line = SessionLine {
            class_name: format!("{} — {}", s.program_short_name, s.class_name),
            seq: session.seq,
            title: session.title.clone(),
            when: schedule::format_range(session.starts_at, session.ends_at),
            room: views::room_of(s),
            teacher: if staff { s.teacher() } else { None },
            marked: marked.get(&session.id).copied().unwrap_or(0),
            sheet_href: format!("{base}/attendance"),
            checkin_href: open.then(|| format!("{base}/checkin")),
            signin_href: format!("{base}/sheet"),
        };
        if session.starts_at.date() == today { today_lines.push(line) } else { recent.push(line) }
    }
    // Today's in the order of the day.
    today_lines.reverse();
    let view = IndexView {
        teaching,
        today: today_lines,
        recent,
        classes: classes
            .iter()
            .map(|c| ClassLine {
                name: c.short_name(),
                program: c.program_name.clone(),
                days: format!("{} – {}", dates::format(c.first_day), dates::format(c.last_day)),
                href: format!("/classes/{}/attendance", c.id),
            })
            .collect(),
    };
    let _ = lang;
    page.titled("attendance.index.title").render("attendance/index", &view)
}

// ---------------------------------------------------------------------------------------------
// A class's summary

/// What a reader may see of a class: everyone (staff, the class's lecturers) or their units'
/// learners (a secretary). A class with nothing for them is NotFound.
async fn class_scope(state: &AppState, user: &CurrentUser, class_id: i64) -> AppResult<Scope> {
    if is_staff(user) {
        return Ok(Scope::All);
    }
    let account = user.clone();
    let user_id = user.id();
    let scope = state
        .db(move |c| {
            if account.has(Role::Lecturer) && attendance::teaches(c, user_id, class_id)? {
                return Ok(Scope::All);
            }
            if account.has(Role::Secretary) {
                let scope = scope_in(c, &account)?;
                if attendance::classes_with_learners_in(c, &scope)?.contains(&class_id) {
                    return Ok(scope);
                }
            }
            Err(StoreError::NotFound)
        })
        .await?;
    Ok(scope)
}

struct ClassData {
    class: Class,
    program: Program,
    lines: Vec<SummaryLine>,
    sessions: Vec<SessionView>,
    tree: UnitTree,
    marks: HashMap<(i64, i64), String>,
}

async fn class_data(state: &AppState, class_id: i64, scope: Scope, with_marks: bool) -> AppResult<ClassData> {
    state
        .db(move |c| {
            let class = classes::find(c, class_id)?;
            let program = programs::find(c, class.program_id)?;
            let lines = attendance::summary(c, class_id, &scope)?;
            let sessions = sessions::views_of_class(c, class_id)?;
            let tree = UnitTree::load(c)?;
            let marks = if with_marks { attendance::matrix(c, class_id)? } else { HashMap::new() };
            Ok(ClassData { class, program, lines, sessions, tree, marks })
        })
        .await
}

#[derive(Serialize)]
struct LearnerLine {
    n: usize,
    name: String,
    born: String,
    unit: String,
    withdrawn: bool,
    tally: TallyView,
    eligibility: EligibilityView,
}

#[derive(Serialize)]
struct SessionRow {
    seq: i32,
    title: String,
    when: String,
    teacher: Option<String>,
    marked: usize,
    sheet_href: Option<String>,
    signin_href: Option<String>,
}

#[derive(Serialize)]
struct Counts {
    learners: usize,
    eligible: usize,
    on_track: usize,
    not_eligible: usize,
}

#[derive(Serialize)]
struct SummaryView {
    class_id: i64,
    class_name: String,
    school: String,
    superior: String,
    rule: String,
    frozen: bool,
    show_unit: bool,
    lines: Vec<LearnerLine>,
    counts: Counts,
    sessions: Vec<SessionRow>,
    xlsx_href: String,
    scoped: bool,
}

pub async fn show(
    user: AttendanceReader,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let class_id = id.into_inner();
    let scope = class_scope(&state, &user, class_id).await?;
    let scoped = matches!(scope, Scope::Units(_));
    let data = class_data(&state, class_id, scope, true).await?;
    let lang = page.lang;
    let rules_of_program = data.program.rules();
    let lines: Vec<LearnerLine> = data
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| LearnerLine {
            n: i + 1,
            name: l.learner.full_name.clone(),
            born: dates::format(l.learner.date_of_birth),
            unit: data.tree.label(l.learner.org_unit_id),
            withdrawn: l.learner.status == "withdrawn",
            tally: TallyView::of(&l.tally),
            eligibility: views::eligibility_view(lang, &l.tally, &rules_of_program),
        })
        .collect();
    let count = |code: &str| lines.iter().filter(|l| l.eligibility.code == code).count();
    let counts = Counts {
        learners: lines.len(),
        eligible: count("eligible"),
        on_track: count("on_track"),
        not_eligible: count("not_eligible"),
    };
    let units: HashSet<&str> = lines.iter().map(|l| l.unit.as_str()).collect();
    let staff = is_staff(&user);
    let ids_in_view: HashSet<i64> = data.lines.iter().map(|l| l.learner.enrolment_id).collect();
    let sessions = data
        .sessions
        .iter()
        .map(|s| {
            let session = &s.session;
            let may_mark = staff || session.lecturer_user_id == Some(user.id());
            let base = format!("/classes/{class_id}/sessions/{}", session.id);
            SessionRow {
                seq: session.seq,
                title: session.title.clone(),
                when: schedule::format_range(session.starts_at, session.ends_at),
                teacher: s.teacher(),
                marked: data.marks.keys().filter(|(e, sid)| *sid == session.id && ids_in_view.contains(e)).count(),
                sheet_href: may_mark.then(|| format!("{base}/attendance")),
                signin_href: may_mark.then(|| format!("{base}/sheet")),
            }
        })
        .collect();
    let issuer_id = data.class.issuer_id;
    let issuer = state.db(move |c| crate::store::issuers::find(c, issuer_id)).await?;
    let class_name = class_names::full_name(&data.program.name, data.class.ordinal, data.class.year);
    let view = SummaryView {
        class_id,
        rule: views::rule_text(lang, &rules_of_program, data.sessions.len() as u32),
        frozen: data.class.status() >= ClassStatus::Assessing,
        show_unit: units.len() > 1,
        counts,
        lines,
        sessions,
        xlsx_href: format!("/classes/{class_id}/attendance.xlsx"),
        scoped,
        school: issuer.name.to_uppercase(),
        superior: issuer.superior_name.to_uppercase(),
        class_name: class_name.clone(),
    };
    page.with_title(i18n::t_with(lang, "attendance.summary.title_of", &[("class", &class_name)]))
        .render("attendance/summary", &view)
}

/// One letter per status for the session-by-session sheet ("C", "M", "B", "P", "K").
fn letter(lang: Lang, status: &str) -> String {
    match Mark::parse(status) {
        Some(mark) => i18n::t(lang, &format!("attendance.letter.{}", mark.code())),
        None => String::new(),
    }
}

pub async fn xlsx(
    user: AttendanceReader,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let class_id = id.into_inner();
    let scope = class_scope(&state, &user, class_id).await?;
    let data = class_data(&state, class_id, scope, true).await?;
    let lang = page.lang;
    let t = |key: &str| i18n::t(lang, key);
    let rules_of_program = data.program.rules();
    let class_name = class_names::full_name(&data.program.name, data.class.ordinal, data.class.year);
    let title = vec![t("attendance.summary.heading").to_uppercase(), class_name.clone()];
    let summary = Sheet {
        name: t("attendance.xlsx.summary_sheet"),
        title: [title.clone(), vec![views::rule_text(lang, &rules_of_program, data.sessions.len() as u32)]].concat(),
        headers: [
            "attendance.col.number",
            "attendance.col.name",
            "attendance.col.born",
            "attendance.col.unit",
            "attendance.col.sessions",
            "attendance.mark.present",
            "attendance.mark.late",
            "attendance.mark.made_up",
            "attendance.mark.excused",
            "attendance.mark.unexcused",
            "attendance.col.ratio",
            "attendance.col.eligibility",
        ]
        .iter()
        .map(|k| t(k))
        .collect(),
        widths: vec![6.0, 28.0, 12.0, 40.0, 8.0, 8.0, 8.0, 8.0, 10.0, 10.0, 10.0, 30.0],
        rows: data
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let e = views::eligibility_view(lang, &l.tally, &rules_of_program);
                vec![
                    Cell::Int(i as i64 + 1),
                    l.learner.full_name.clone().into(),
                    Cell::Date(l.learner.date_of_birth),
                    data.tree.label(l.learner.org_unit_id).into(),
                    Cell::Int(l.tally.sessions.into()),
                    Cell::Int(l.tally.present.into()),
                    Cell::Int(l.tally.late.into()),
                    Cell::Int(l.tally.made_up.into()),
                    Cell::Int(l.tally.excused.into()),
                    Cell::Int(l.tally.unexcused.into()),
                    Cell::Text(crate::domain::numbers::format_percent(l.tally.absence_permille() as i32)),
                    Cell::Text(if e.note.is_empty() { e.label } else { format!("{} ({})", e.label, e.note) }),
                ]
            })
            .collect(),
    };
    let legend = Mark::ALL
        .iter()
        .map(|m| format!("{}: {}", letter(lang, m.code()), t(&m.label_key()).to_lowercase()))
        .collect::<Vec<_>>()
        .join("; ");
    let mut headers = vec![t("attendance.col.number"), t("attendance.col.name")];
    headers.extend(data.sessions.iter().map(|s| {
        i18n::t_with(
            lang,
            "attendance.col.session_day",
            &[("seq", &s.session.seq.to_string()), ("day", &dates::format(s.session.starts_at.date()))],
        )
    }));
    let by_session = Sheet {
        name: t("attendance.xlsx.sessions_sheet"),
        title: [title, vec![legend]].concat(),
        widths: [vec![6.0, 28.0], vec![11.0; data.sessions.len()]].concat(),
        headers,
        rows: data
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut row = vec![Cell::Int(i as i64 + 1), l.learner.full_name.clone().into()];
                row.extend(data.sessions.iter().map(
                    |s| match data.marks.get(&(l.learner.enrolment_id, s.session.id)) {
                        Some(status) => Cell::Text(letter(lang, status)),
                        None => Cell::Empty,
                    },
                ));
                row
            })
            .collect(),
    };
    let bytes = xlsx::workbook(&[summary, by_session]).map_err(|e| AppError::Unexpected(e.into()))?;
    let file = format!(
        "diem-danh-khoa-{}-{}.xlsx",
        class_names::roman(data.class.ordinal.max(1) as u32).to_lowercase(),
        data.class.year
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes))
}
