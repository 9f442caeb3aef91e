//! The results sheet of a class: one line per enrolled learner in list order with their
//! attendance verdict, earlier attempts and the score (or "absent") of the current one; a
//! re-sit opens the next attempt of a line (`?resit={enrolment}`). One save of the whole sheet
//! is one transaction. After locking, staff amend it with a reason (audited). Staff also review
//! the counts, see the results decision and lock the results here.
//!
//! Form fields, per learner (by enrolment id): `e` (one per line, in order), `s{id}` the score
//! as typed, `x{id}` "absent" when checked, `a{id}` the attempt the line is for, `v{id}` the
//! version of that attempt the editor saw (0 when new).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::may_enter;
use crate::domain::class::{self as class_names, ClassStatus};
use crate::domain::numbers;
use crate::domain::program::Rules;
use crate::domain::results::{self as rules, FinalResult, LineProblem, Outcome};
use crate::domain::{attendance::REASON_MAX_CHARS, dates};
use crate::i18n::{self, Lang};
use crate::store::classes::{self, Class};
use crate::store::programs::{self, Program};
use crate::store::results::{self as store, EntryInput, ResultLine};
use crate::store::{Scope, users};
use crate::web::attendance::is_staff;
use crate::web::attendance::views as attendance_views;
use crate::web::auth::extract::{CurrentUser, StaffUser, TeachingUser};
use crate::web::classes::views as class_views;
use crate::web::error::{AppError, AppResult};
use crate::web::forms;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

/// One line as typed (or as stored when the sheet opens).
#[derive(Debug, Clone, Default)]
struct Typed {
    score: String,
    absent: bool,
    attempt: i32,
    version: i32,
}

#[derive(Debug, Default)]
struct SheetForm {
    order: Vec<i64>,
    lines: HashMap<i64, Typed>,
    amendment_reason: String,
}

impl SheetForm {
    /// The stored sheet: each eligible line on its last attempt (the first when none), or on a
    /// new one for the learner whose re-sit is being entered.
    fn stored(lines: &[ResultLine], resit: Option<i64>) -> Self {
        let mut form = SheetForm::default();
        for line in lines.iter().filter(|l| l.eligible) {
            let id = line.learner.enrolment_id;
            form.order.push(id);
            let typed = match line.attempts.last() {
                Some(last) if resit != Some(id) => Typed {
                    score: last.row.score_tenths.map(numbers::format_tenths).unwrap_or_default(),
                    absent: last.row.outcome == Outcome::Absent.code(),
                    attempt: last.row.attempt,
                    version: last.row.version,
                },
                _ => Typed { attempt: line.attempts.len() as i32 + 1, ..Default::default() },
            };
            form.lines.insert(id, typed);
        }
        form
    }

    fn from_fields(mut fields: forms::LineFields) -> Self {
        let mut form = SheetForm { amendment_reason: fields.amendment_reason.clone(), ..Default::default() };
        for id in std::mem::take(&mut fields.order) {
            let typed = Typed {
                score: fields.take("s", id).trim().chars().take(20).collect(),
                absent: !fields.take("x", id).is_empty(),
                attempt: fields.take("a", id).trim().parse().unwrap_or(1),
                version: fields.take("v", id).trim().parse().unwrap_or(0),
            };
            form.order.push(id);
            form.lines.insert(id, typed);
        }
        form
    }

    /// The lines to write, or the problems of those typed wrong.
    fn inputs(&self) -> Result<Vec<EntryInput>, Vec<(i64, LineProblem)>> {
        let (mut inputs, mut problems) = (Vec::new(), Vec::new());
        for id in &self.order {
            let typed = &self.lines[id];
            match rules::read_line(&typed.score, typed.absent) {
                Ok(None) => {}
                Ok(Some(outcome)) => inputs.push(EntryInput {
                    enrolment_id: *id,
                    attempt: typed.attempt,
                    outcome,
                    seen_version: typed.version,
                }),
                Err(problem) => problems.push((*id, problem)),
            }
        }
        if problems.is_empty() { Ok(inputs) } else { Err(problems) }
    }
}

/// Everything one rendering needs besides the form.
struct Loaded {
    class: Class,
    program: Program,
    lines: Vec<ResultLine>,
    locked_by: Option<String>,
}

async fn load(state: &AppState, user: &CurrentUser, class_id: i64) -> AppResult<Loaded> {
    may_enter(state, user, class_id).await?;
    state
        .db(move |c| {
            let class = classes::find(c, class_id)?;
            let program = programs::find(c, class.program_id)?;
            let lines = store::sheet(c, class_id, &Scope::All)?;
            let locked_by = match class.results_locked_by {
                Some(id) => users::find(c, id).ok().map(|u| u.display_name),
                None => None,
            };
            Ok(Loaded { class, program, lines, locked_by })
        })
        .await
}

#[derive(Deserialize)]
pub struct SheetQuery {
    resit: Option<i64>,
}

pub async fn show(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<SheetQuery>,
) -> AppResult<HttpResponse> {
    let loaded = load(&state, &user, id.into_inner()).await?;
    let rules_of_program = loaded.program.rules();
    // A re-sit only where the rules allow one.
    let resit = query.resit.filter(|e| {
        loaded.lines.iter().any(|l| {
            l.learner.enrolment_id == *e && rules::may_add_attempt(l.eligible, &l.outcomes(), &rules_of_program).is_ok()
        })
    });
    let form = SheetForm::stored(&loaded.lines, resit);
    render(page, &user, loaded, &form, &[], None, None, StatusCode::OK)
}

pub async fn save(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    fields: web::Form<forms::LineFields>,
) -> AppResult<HttpResponse> {
    let loaded = load(&state, &user, id.into_inner()).await?;
    let form = SheetForm::from_fields(fields.into_inner());
    if loaded.class.status() != ClassStatus::Assessing {
        // Locked (or not yet open) meanwhile: the sheet again, with what was typed where it
        // can still be saved (staff amend it, with a reason).
        let notice = Some(page.t(refusal_key(loaded.class.status())));
        return render(page, &user, loaded, &form, &[], None, notice, StatusCode::CONFLICT);
    }
    store_and_answer(page, state, &user, loaded, form, false).await
}

pub async fn amend(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    fields: web::Form<forms::LineFields>,
) -> AppResult<HttpResponse> {
    let loaded = load(&state, &user, id.into_inner()).await?;
    let form = SheetForm::from_fields(fields.into_inner());
    if loaded.class.status() < ClassStatus::Locked {
        let notice = Some(page.t("results.error.not_locked"));
        return render(page, &user, loaded, &form, &[], None, notice, StatusCode::CONFLICT);
    }
    let reason_error = if form.amendment_reason.is_empty() {
        Some("results.error.amendment_reason_required")
    } else if form.amendment_reason.chars().count() > REASON_MAX_CHARS {
        Some("results.error.reason_too_long")
    } else {
        None
    };
    if let Some(key) = reason_error {
        let message = page.t(key);
        return render(page, &user, loaded, &form, &[], Some(message), None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    store_and_answer(page, state, &user, loaded, form, true).await
}

fn refusal_key(status: ClassStatus) -> &'static str {
    if status < ClassStatus::Assessing { "results.error.not_assessing" } else { "results.error.locked" }
}

async fn store_and_answer(
    page: Page,
    state: web::Data<AppState>,
    user: &CurrentUser,
    loaded: Loaded,
    mut form: SheetForm,
    amending: bool,
) -> AppResult<HttpResponse> {
    let class_id = loaded.class.id;
    let inputs = match form.inputs() {
        Ok(inputs) => inputs,
        Err(problems) => {
            return render(page, user, loaded, &form, &problems, None, None, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let actor = user.actor();
    let now = state.clock().now_utc();
    let reason = amending.then(|| form.amendment_reason.clone());
    let saved = state.db(move |c| store::save(c, &actor, class_id, &inputs, reason.as_deref(), now)).await?;
    match saved {
        Ok(written) => {
            if written == 0 {
                page.flash("info", "results.saved_nothing");
            } else {
                page.flash_text("success", i18n::t_with(page.lang, "results.saved", &[("n", &written.to_string())]));
            }
            Ok(see_other(&format!("/classes/{class_id}/results")))
        }
        Err(problems) => {
            // What is stored now, with who saved it when; a line changed meanwhile takes the new
            // version so that saving again overwrites it knowingly.
            let fresh = load(&state, user, class_id).await?;
            for (id, problem) in &problems {
                if *problem == LineProblem::ChangedMeanwhile
                    && let (Some(typed), Some(line)) =
                        (form.lines.get_mut(id), fresh.lines.iter().find(|l| l.learner.enrolment_id == *id))
                    && let Some(last) = line.attempts.last()
                {
                    typed.attempt = last.row.attempt;
                    typed.version = last.row.version;
                }
            }
            let all_conflicts = problems.iter().all(|(_, p)| *p == LineProblem::ChangedMeanwhile);
            let status = if all_conflicts { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
            render(page, user, fresh, &form, &problems, None, None, status)
        }
    }
}

#[derive(Deserialize)]
pub struct LockForm {
    #[serde(default)]
    version: String,
}

pub async fn lock(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<LockForm>,
) -> AppResult<HttpResponse> {
    let class_id = id.into_inner();
    let version: i32 = form.version.trim().parse().map_err(|_| AppError::BadRequest("error.400.message"))?;
    let actor = user.actor();
    let (now_local, now_utc) = (state.clock().local_now(), state.clock().now_utc());
    let locked = state.db(move |c| store::lock(c, &actor, class_id, version, now_local, now_utc)).await;
    match locked {
        Ok(Ok(())) => page.flash("success", "results.locked"),
        Ok(Err(blockers)) => {
            page.flash("error", "results.not_locked");
            for b in &blockers {
                page.flash_text("error", class_views::blocker_sentence(page.lang, b));
            }
        }
        Err(AppError::Conflict(key)) => page.flash("error", key),
        Err(e) => return Err(e),
    }
    Ok(see_other(&format!("/classes/{class_id}/results")))
}

// ---------------------------------------------------------------------------------------------
// Rendering

#[derive(Serialize)]
struct LineView {
    n: usize,
    enrolment_id: i64,
    name: String,
    born: String,
    eligible: bool,
    input: bool,
    history: Vec<String>,
    attempt: i32,
    attempt_label: Option<String>,
    score: String,
    absent: bool,
    version: i32,
    result: ResultView,
    resit_href: Option<String>,
    error: Option<String>,
}

/// A final result as shown: the label ("8,5 — Giỏi", "Vắng thu hoạch") and a tag's tone.
#[derive(Serialize, Clone)]
pub struct ResultView {
    pub label: String,
    pub score: String,
    pub band: String,
    pub tone: &'static str,
}

pub fn result_view(lang: Lang, result: FinalResult) -> ResultView {
    let t = |key: &str| i18n::t(lang, key);
    match result {
        FinalResult::NotEligible => ResultView {
            label: t("results.state.not_eligible"),
            score: String::new(),
            band: String::new(),
            tone: "err",
        },
        FinalResult::Pending => {
            ResultView { label: t("results.state.pending"), score: String::new(), band: String::new(), tone: "muted" }
        }
        FinalResult::Absent => {
            ResultView { label: t("results.state.absent"), score: String::new(), band: String::new(), tone: "warn" }
        }
        FinalResult::Scored { tenths, band } => {
            let score = numbers::format_tenths(tenths);
            let band_label = t(band.label_key());
            ResultView {
                label: format!("{score} — {band_label}"),
                score,
                band: band_label,
                tone: if result.passed() { "ok" } else { "err" },
            }
        }
    }
}

/// "Lần 1: 4,0 — Không đạt".
fn attempt_text(lang: Lang, attempt: i32, outcome: Option<Outcome>, rules_of_program: &Rules) -> String {
    let value = match outcome {
        Some(Outcome::Scored(t)) => {
            format!("{} — {}", numbers::format_tenths(t), i18n::t(lang, rules_of_program.band(t).label_key()))
        }
        Some(Outcome::Absent) => i18n::t(lang, "results.state.absent"),
        None => String::new(),
    };
    i18n::t_with(lang, "results.attempt_was", &[("n", &attempt.to_string()), ("value", &value)])
}

#[derive(Serialize)]
struct BandCount {
    label: String,
    n: usize,
}

#[derive(Serialize)]
struct Decision {
    number: String,
    date: String,
    recorded: bool,
}

#[derive(Serialize)]
struct SheetView {
    class_id: i64,
    class_name: String,
    status_label: String,
    state_message: Option<String>,
    editable: bool,
    amending: bool,
    action: String,
    lines: Vec<LineView>,
    problems: Vec<String>,
    amendment_reason: String,
    amendment_error: Option<String>,
    counts: Vec<BandCount>,
    pending: usize,
    not_eligible: usize,
    absent: usize,
    may_lock: bool,
    version: i32,
    decision: Decision,
    list_href: String,
    pdf_href: String,
    xlsx_href: String,
}

fn problem_text(lang: Lang, problem: LineProblem) -> String {
    match problem {
        LineProblem::Resit(rules::AttemptRefusal::NoResitsLeft(n)) => {
            i18n::t_with(lang, problem.key(), &[("n", &n.to_string())])
        }
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
    notice: Option<String>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let Loaded { class, program, lines, locked_by } = loaded;
    let rules_of_program = program.rules();
    let class_status = class.status();
    let staff = is_staff(user);
    let amending = staff && class_status >= ClassStatus::Locked;
    let editable = class_status == ClassStatus::Assessing || amending;
    let problem_of: HashMap<i64, LineProblem> = problems.iter().copied().collect();
    let base = format!("/classes/{}/results", class.id);
    let line_views: Vec<LineView> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let id = line.learner.enrolment_id;
            let typed = form.lines.get(&id).cloned().unwrap_or_default();
            let outcomes = line.outcomes();
            // Earlier attempts than the one on the line, as text.
            let history = line
                .attempts
                .iter()
                .filter(|a| a.row.attempt < typed.attempt || !line.eligible)
                .map(|a| attempt_text(lang, a.row.attempt, a.row.outcome(), &rules_of_program))
                .collect();
            let error = problem_of.get(&id).map(|p| match (p, line.attempts.last()) {
                (LineProblem::ChangedMeanwhile, Some(last)) => i18n::t_with(
                    lang,
                    "results.changed_by",
                    &[
                        ("name", last.entered_by_name.as_deref().unwrap_or("?")),
                        ("time", &attendance_views::local_time(last.row.entered_at)),
                        ("value", &attempt_text(lang, last.row.attempt, last.row.outcome(), &rules_of_program)),
                    ],
                ),
                (p, _) => problem_text(lang, *p),
            });
            let may_resit = editable
                && typed.attempt as usize == line.attempts.len()
                && rules::may_add_attempt(line.eligible, &outcomes, &rules_of_program).is_ok()
                && !outcomes.is_empty();
            LineView {
                n: i + 1,
                enrolment_id: id,
                name: line.learner.full_name.clone(),
                born: dates::format(line.learner.date_of_birth),
                eligible: line.eligible,
                input: editable && line.eligible,
                history,
                attempt: typed.attempt,
                attempt_label: (typed.attempt > 1)
                    .then(|| i18n::t_with(lang, "results.resit_n", &[("n", &(typed.attempt - 1).to_string())])),
                score: typed.score,
                absent: typed.absent,
                version: typed.version,
                result: result_view(lang, line.result),
                resit_href: may_resit.then(|| format!("{base}?resit={id}#r{id}")),
                error,
            }
        })
        .collect();
    let on_sheet: std::collections::HashSet<i64> = lines.iter().map(|l| l.learner.enrolment_id).collect();
    let mut problem_lines: Vec<String> = notice.into_iter().collect();
    if !problems.is_empty() {
        let n = problems.iter().filter(|(id, _)| on_sheet.contains(id)).count().to_string();
        problem_lines.push(i18n::t_with(lang, "results.not_saved", &[("n", &n)]));
        for (_, p) in problems.iter().filter(|(id, _)| !on_sheet.contains(id)) {
            problem_lines.push(problem_text(lang, *p));
        }
    }
    let finals: Vec<FinalResult> = lines.iter().map(|l| l.result).collect();
    let counts = rules::band_counts(&finals)
        .iter()
        .map(|(band, n)| BandCount { label: i18n::t(lang, band.label_key()), n: *n })
        .collect();
    let count = |want: FinalResult| finals.iter().filter(|r| **r == want).count();
    let state_message = match class_status {
        ClassStatus::Assessing => None,
        s if s < ClassStatus::Assessing => Some(i18n::t(lang, "results.state_message.not_assessing")),
        _ => Some(match class.results_locked_at {
            Some(at) => i18n::t_with(
                lang,
                "results.state_message.locked_at",
                &[
                    ("date", &dates::format(at.assume_utc().to_offset(time::macros::offset!(+7)).date())),
                    ("time", &attendance_views::local_time(at)),
                    ("name", locked_by.as_deref().unwrap_or("")),
                ],
            ),
            None => i18n::t(lang, "results.state_message.locked"),
        }),
    };
    let view = SheetView {
        class_id: class.id,
        class_name: class_names::full_name(&program.name, class.ordinal, class.year),
        status_label: class_views::status_label(lang, class_status),
        state_message,
        editable,
        amending,
        action: if amending { format!("{base}/amend") } else { base.clone() },
        lines: line_views,
        problems: problem_lines,
        amendment_reason: form.amendment_reason.clone(),
        amendment_error,
        counts,
        pending: count(FinalResult::Pending),
        not_eligible: count(FinalResult::NotEligible),
        absent: count(FinalResult::Absent),
        may_lock: staff && class_status == ClassStatus::Assessing,
        version: class.version,
        decision: Decision {
            recorded: !class.results_decision_no.trim().is_empty() && class.results_decision_date.is_some(),
            number: class.results_decision_no.clone(),
            date: dates::format_opt(class.results_decision_date),
        },
        list_href: format!("{base}/list"),
        pdf_href: format!("/classes/{}/results.pdf", class.id),
        xlsx_href: format!("/classes/{}/results.xlsx", class.id),
    };
    let title = i18n::t_with(lang, "results.title_of", &[("class", &view.class_name)]);
    page.with_title(title).render_status(status, "results/sheet", &view)
}
