//! A class's roster for staff: the learners enrolled, in the official list order with their chi
//! bộ, which prints as "DANH SÁCH HỌC VIÊN" and downloads as a spreadsheet; the nominations
//! waiting, to approve (while places are left), reject with a reason or put on the waiting list;
//! withdrawal of a learner with a reason. Each decision emails the secretary who nominated, and
//! an approved learner with an email gets an account and its invitation. Also the staff's list
//! of classes with nominations waiting.

use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::views::{ClassInfo, status_label, status_of, status_tag};
use crate::domain::class::ClassStatus;
use crate::domain::enrolment::{Decision, DecisionRefusal, EnrolmentStatus};
use crate::domain::person::{Sex, Status};
use crate::domain::{dates, numbers};
use crate::export::xlsx::{self, Cell, Sheet};
use crate::i18n::{self, Lang};
use crate::mail::invitations::{self, MailContext};
use crate::mail::nominations;
use crate::store::audit::Actor;
use crate::store::classes::{self, ClassFilter};
use crate::store::enrolments::{self, Decided, NominationLine, RosterLine};
use crate::store::orgs::UnitTree;
use crate::store::{DbConn, Scope, StoreError, StoreResult, people, write_tx};
use crate::web::auth::extract::StaffUser;
use crate::web::error::{AppError, AppResult};
use crate::web::forms;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

const REASON_MAX: usize = 500;

// ---------------------------------------------------------------------------------------------
// Classes with nominations waiting

#[derive(Serialize)]
struct ReviewView {
    classes: Vec<ReviewClass>,
}

#[derive(Serialize)]
struct ReviewClass {
    id: i64,
    name: String,
    program: String,
    dates: String,
    enrolled: String,
    waiting: String,
    has_waiting: bool,
}

pub async fn review(_user: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let classes = state
        .db(move |c| {
            let mut out = Vec::new();
            for row in classes::list(c, &ClassFilter::default())? {
                let status = ClassStatus::parse(&row.status).unwrap_or(ClassStatus::Draft);
                if !crate::domain::enrolment::decisions_open(status) {
                    continue;
                }
                let counts = enrolments::counts(c, row.id)?;
                let of =
                    |s: EnrolmentStatus| counts.iter().filter(|(c, _)| c == s.code()).map(|(_, n)| *n).sum::<i64>();
                let waiting = of(EnrolmentStatus::Nominated) + of(EnrolmentStatus::Waitlisted);
                out.push(ReviewClass {
                    id: row.id,
                    name: row.short_name(),
                    program: row.program_name.clone(),
                    dates: format!("{} – {}", dates::format(row.first_day), dates::format(row.last_day)),
                    enrolled: i18n::t_with(
                        lang,
                        "roster.enrolled_of",
                        &[
                            ("n", &numbers::format_int(of(EnrolmentStatus::Enrolled))),
                            ("capacity", &numbers::format_int(row.capacity.into())),
                        ],
                    ),
                    waiting: numbers::format_int(waiting),
                    has_waiting: waiting > 0,
                });
            }
            // Classes with nominations waiting first, then by their first day.
            out.sort_by_key(|c| !c.has_waiting);
            Ok(out)
        })
        .await?;
    page.titled("review.title").render("enrolment/review", &ReviewView { classes })
}

// ---------------------------------------------------------------------------------------------
// The roster page

#[derive(Serialize)]
struct RosterView {
    class: ClassInfo,
    counts: Vec<CountLine>,
    learner_count: String,
    learners: Vec<LearnerLine>,
    pending: Vec<PendingLine>,
    decided: Vec<DecidedLine>,
    full: bool,
    problem: Option<String>,
}

#[derive(Serialize)]
struct CountLine {
    label: String,
    n: String,
}

#[derive(Serialize)]
struct LearnerLine {
    number: usize,
    id: i64,
    full_name: String,
    date_of_birth: String,
    sex: String,
    unit: String,
    enrolled_on: String,
}

#[derive(Serialize)]
struct PendingLine {
    id: i64,
    full_name: String,
    date_of_birth: String,
    person_status: String,
    unit: String,
    status: String,
    status_tag: &'static str,
    waitlisted: bool,
    nominated_by: String,
    nominated_at: String,
    reason: String,
    error: Option<String>,
}

#[derive(Serialize)]
struct DecidedLine {
    full_name: String,
    unit: String,
    status: String,
    status_tag: &'static str,
    reason: String,
    decided_at: String,
}

/// A refused decision shown at its row, with what was typed.
#[derive(Default)]
struct RowProblem {
    enrolment: i64,
    message: String,
    reason: String,
}

struct RosterFacts {
    class: ClassInfo,
    counts: Vec<(String, i64)>,
    learners: Vec<RosterLine>,
    pending: Vec<NominationLine>,
    decided: Vec<NominationLine>,
    tree: UnitTree,
}

fn roster_facts(c: &mut DbConn, id: i64) -> StoreResult<RosterFacts> {
    let class = ClassInfo::load(c, id)?;
    Ok(RosterFacts {
        counts: enrolments::counts(c, id)?,
        learners: enrolments::roster(c, id, &[EnrolmentStatus::Enrolled], &Scope::All)?,
        pending: enrolments::nominations(c, id, &[EnrolmentStatus::Nominated, EnrolmentStatus::Waitlisted])?,
        decided: enrolments::nominations(c, id, &[EnrolmentStatus::Rejected, EnrolmentStatus::Withdrawn])?,
        tree: UnitTree::load(c)?,
        class,
    })
}

fn person_status(lang: Lang, code: &str) -> String {
    Status::parse(code).map(|s| i18n::t(lang, &s.label_key())).unwrap_or_default()
}

fn build(lang: Lang, f: RosterFacts, problem: Option<RowProblem>, page_problem: Option<String>) -> RosterView {
    let of = |s: EnrolmentStatus| f.counts.iter().filter(|(c, _)| c == s.code()).map(|(_, n)| *n).sum::<i64>();
    let enrolled = of(EnrolmentStatus::Enrolled);
    let mut counts = vec![CountLine {
        label: i18n::t(lang, "roster.count.enrolled"),
        n: i18n::t_with(
            lang,
            "roster.enrolled_of",
            &[("n", &numbers::format_int(enrolled)), ("capacity", &numbers::format_int(f.class.capacity.into()))],
        ),
    }];
    for status in
        [EnrolmentStatus::Nominated, EnrolmentStatus::Waitlisted, EnrolmentStatus::Rejected, EnrolmentStatus::Withdrawn]
    {
        counts.push(CountLine { label: status_label(lang, status), n: numbers::format_int(of(status)) });
    }
    let tree = &f.tree;
    let learner_count = numbers::format_int(f.learners.len() as i64);
    let learners = f
        .learners
        .iter()
        .enumerate()
        .map(|(i, l)| LearnerLine {
            number: i + 1,
            id: l.enrolment.id,
            full_name: l.full_name.clone(),
            date_of_birth: dates::format(l.date_of_birth),
            sex: Sex::parse(&l.sex).map(|s| i18n::t(lang, s.label_key())).unwrap_or_default(),
            unit: tree.label(l.org_unit_id),
            enrolled_on: dates::format_opt(l.enrolment.enrolled_on),
        })
        .collect();
    let pending = f
        .pending
        .iter()
        .map(|n| {
            let status = status_of(&n.enrolment.status);
            let here = problem.as_ref().filter(|p| p.enrolment == n.enrolment.id);
            PendingLine {
                id: n.enrolment.id,
                full_name: n.full_name.clone(),
                date_of_birth: dates::format(n.date_of_birth),
                person_status: person_status(lang, &n.person_status),
                unit: tree.label(n.org_unit_id),
                status: status_label(lang, status),
                status_tag: status_tag(status),
                waitlisted: status == EnrolmentStatus::Waitlisted,
                nominated_by: n.nominated_by_name.clone().unwrap_or_default(),
                nominated_at: n.enrolment.nominated_at.map(dates::format_timestamp).unwrap_or_default(),
                reason: here.map(|p| p.reason.clone()).unwrap_or_default(),
                error: here.map(|p| p.message.clone()),
            }
        })
        .collect();
    let decided = f
        .decided
        .iter()
        .map(|n| {
            let status = status_of(&n.enrolment.status);
            DecidedLine {
                full_name: n.full_name.clone(),
                unit: tree.label(n.org_unit_id),
                status: status_label(lang, status),
                status_tag: status_tag(status),
                reason: n.enrolment.reason.clone().unwrap_or_default(),
                decided_at: n
                    .enrolment
                    .withdrawn_on
                    .map(dates::format)
                    .or(n.enrolment.decided_at.map(dates::format_timestamp))
                    .unwrap_or_default(),
            }
        })
        .collect();
    RosterView {
        full: enrolled >= i64::from(f.class.capacity),
        class: f.class,
        counts,
        learner_count,
        learners,
        pending,
        decided,
        problem: page_problem,
    }
}

fn render(page: Page, status: StatusCode, view: RosterView) -> AppResult<HttpResponse> {
    let title = i18n::t_with(page.lang, "roster.title_of", &[("class", &view.class.short_name)]);
    page.with_title(title).render_status(status, "enrolment/roster", &view)
}

pub async fn page(
    _user: StaffUser,
    mut page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    if let Some(kept) = page.remembered().await {
        return Ok(kept);
    }
    let id = path.into_inner();
    let facts = state.db(move |c| roster_facts(c, id)).await?;
    let view = build(page.lang, facts, None, None);
    render(page, StatusCode::OK, view)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    decision: String,
    reason: String,
}

/// What the handler reports after a decision: the learner's name, and the address an
/// invitation went to.
struct Done {
    name: String,
    invited: Option<String>,
    emailed: bool,
}

/// A decision with what follows it, in one transaction: the learner's account and invitation on
/// approval, and the nominating secretary's email.
#[allow(clippy::too_many_arguments)]
fn decide_and_tell(
    c: &mut DbConn,
    actor: &Actor,
    mail: &MailContext,
    class_id: i64,
    id: i64,
    decision: &Decision,
    today: time::Date,
    now: time::PrimitiveDateTime,
) -> StoreResult<Result<Done, DecisionRefusal>> {
    write_tx(c, |c| {
        let decided = match enrolments::decide(c, actor, class_id, id, decision, today, now)? {
            Ok(decided) => decided,
            Err(refusal) => return Ok(Err(refusal)),
        };
        tell(c, actor, mail, &decided, *decision == Decision::Approve).map(Ok)
    })
}

fn tell(c: &mut DbConn, actor: &Actor, mail: &MailContext, decided: &Decided, enrolled: bool) -> StoreResult<Done> {
    let person = people::find(c, &Scope::All, decided.after.person_id)?;
    let invited =
        if enrolled { invitations::invite_learner(c, mail, actor, &person)?.and(person.email.clone()) } else { None };
    let emailed = nominations::decision(c, mail, decided)?;
    Ok(Done { name: person.full_name, invited, emailed })
}

pub async fn decide(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<DecisionForm>,
) -> AppResult<HttpResponse> {
    let (class_id, id) = path.into_inner();
    let lang = page.lang;
    let reason = forms::text(&form.reason);
    let decision = match form.decision.as_str() {
        "approve" => Decision::Approve,
        "waitlist" => Decision::Waitlist,
        "reject" => Decision::Reject { reason: reason.clone() },
        _ => return Err(AppError::BadRequest("roster.error.decision")),
    };
    if reason.chars().count() > REASON_MAX {
        let message = i18n::t_with(lang, "form.too_long", &[("max", &REASON_MAX.to_string())]);
        return refuse_at_row(page, &state, class_id, RowProblem { enrolment: id, message, reason }).await;
    }
    let (actor, mail, clock) = (user.actor(), state.mail_context(), state.clock().clone());
    let chosen = decision.clone();
    let outcome = state
        .db(move |c| decide_and_tell(c, &actor, &mail, class_id, id, &chosen, clock.today(), clock.now_utc()))
        .await?;
    match outcome {
        Ok(done) => {
            let key = match decision {
                Decision::Approve => "roster.done.approved",
                Decision::Reject { .. } => "roster.done.rejected",
                Decision::Waitlist => "roster.done.waitlisted",
            };
            page.flash_text("success", i18n::t_with(lang, key, &[("name", &done.name)]));
            if let Some(email) = &done.invited {
                page.flash_text("info", i18n::t_with(lang, "person.invited", &[("email", email)]));
            }
            if done.emailed {
                page.flash("info", "roster.done.secretary_emailed");
            }
            if done.emailed || done.invited.is_some() {
                state.wake_mail_worker();
            }
            Ok(see_other(&format!("/classes/{class_id}/roster")))
        }
        Err(refusal @ (DecisionRefusal::ClassFull | DecisionRefusal::ReasonMissing)) => {
            let message = i18n::t(lang, refusal.message_key());
            refuse_at_row(page, &state, class_id, RowProblem { enrolment: id, message, reason }).await
        }
        Err(refusal) => {
            page.flash("error", refusal.message_key());
            Ok(see_other(&format!("/classes/{class_id}/roster")))
        }
    }
}

async fn refuse_at_row(page: Page, state: &AppState, class_id: i64, problem: RowProblem) -> AppResult<HttpResponse> {
    let facts = state.db(move |c| roster_facts(c, class_id)).await?;
    let lang = page.lang;
    render(page, StatusCode::UNPROCESSABLE_ENTITY, build(lang, facts, Some(problem), None))
}

// ---------------------------------------------------------------------------------------------
// Withdrawal

#[derive(Serialize)]
struct WithdrawView {
    class: ClassInfo,
    enrolment: i64,
    full_name: String,
    unit: String,
    enrolled_on: String,
    reason: String,
    error: Option<String>,
}

async fn withdraw_view(
    state: &AppState,
    class_id: i64,
    id: i64,
    reason: String,
    error: Option<String>,
) -> AppResult<WithdrawView> {
    state
        .db(move |c| {
            let class = ClassInfo::load(c, class_id)?;
            let enrolment = enrolments::in_class(c, class_id, id)?;
            if enrolment.status() != EnrolmentStatus::Enrolled {
                return Err(StoreError::NotFound);
            }
            let person = people::find(c, &Scope::All, enrolment.person_id)?;
            Ok(WithdrawView {
                class,
                enrolment: id,
                unit: crate::store::orgs::label(c, person.org_unit_id)?,
                full_name: person.full_name,
                enrolled_on: dates::format_opt(enrolment.enrolled_on),
                reason,
                error,
            })
        })
        .await
}

pub async fn withdraw_form(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (class_id, id) = path.into_inner();
    let view = withdraw_view(&state, class_id, id, String::new(), None).await?;
    let title = i18n::t_with(page.lang, "withdraw.title_of", &[("name", &view.full_name)]);
    page.with_title(title).render("enrolment/withdraw", &view)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    reason: String,
}

pub async fn withdraw(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<WithdrawForm>,
) -> AppResult<HttpResponse> {
    let (class_id, id) = path.into_inner();
    let lang = page.lang;
    let reason = forms::multiline_text(&form.reason);
    let too_long = reason.chars().count() > REASON_MAX;
    let (actor, mail, clock) = (user.actor(), state.mail_context(), state.clock().clone());
    let typed = reason.clone();
    let outcome = if too_long {
        Err(i18n::t_with(lang, "form.too_long", &[("max", &REASON_MAX.to_string())]))
    } else {
        state
            .db(move |c| {
                write_tx(c, |c| {
                    match enrolments::withdraw(c, &actor, class_id, id, &typed, clock.today(), clock.now_utc())? {
                        Ok(decided) => tell(c, &actor, &mail, &decided, false).map(Ok),
                        Err(refusal) => Ok(Err(refusal)),
                    }
                })
            })
            .await?
            .map_err(|refusal| i18n::t(lang, refusal.message_key()))
    };
    match outcome {
        Ok(done) => {
            page.flash_text("success", i18n::t_with(lang, "withdraw.done", &[("name", &done.name)]));
            if done.emailed {
                page.flash("info", "roster.done.secretary_emailed");
                state.wake_mail_worker();
            }
            Ok(see_other(&format!("/classes/{class_id}/roster")))
        }
        Err(message) => {
            let view = withdraw_view(&state, class_id, id, reason, Some(message)).await?;
            let title = i18n::t_with(lang, "withdraw.title_of", &[("name", &view.full_name)]);
            page.with_title(title).render_status(StatusCode::UNPROCESSABLE_ENTITY, "enrolment/withdraw", &view)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The spreadsheet

pub async fn spreadsheet(
    _user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let lang = page.lang;
    let (class, rows, tree) = state
        .db(move |c| {
            Ok((
                ClassInfo::load(c, id)?,
                enrolments::roster_people(c, id, &[EnrolmentStatus::Enrolled])?,
                UnitTree::load(c)?,
            ))
        })
        .await?;
    let headers = [
        "roster.xlsx.number",
        "person.full_name",
        "person.date_of_birth",
        "person.sex_label",
        "person.hometown",
        "person.citizen_id",
        "person.email",
        "person.phone",
        "person.org_unit",
        "person.status_label",
        "roster.xlsx.enrolled_on",
    ]
    .iter()
    .map(|k| i18n::t(lang, k))
    .collect();
    let rows = rows
        .iter()
        .enumerate()
        .map(|(i, (enrolment, p))| {
            vec![
                Cell::Int(i as i64 + 1),
                p.full_name.clone().into(),
                Cell::Date(p.date_of_birth),
                Sex::parse(&p.sex).map(|s| i18n::t(lang, s.label_key())).unwrap_or_default().into(),
                p.hometown.clone().into(),
                p.citizen_id.clone().into(),
                p.email.clone().into(),
                p.phone.clone().into(),
                tree.label(p.org_unit_id).into(),
                person_status(lang, &p.status).into(),
                enrolment.enrolled_on.into(),
            ]
        })
        .collect();
    let sheet = Sheet {
        name: i18n::t(lang, "roster.xlsx.sheet"),
        title: vec![
            i18n::t(lang, "roster.print_title").to_uppercase(),
            class.full_name.clone(),
            format!("{} · {}", class.dates, class.venue),
        ],
        headers,
        widths: vec![6.0, 28.0, 12.0, 9.0, 24.0, 15.0, 28.0, 14.0, 40.0, 20.0, 12.0],
        rows,
    };
    let bytes = xlsx::workbook(&[sheet]).map_err(|e| AppError::Unexpected(e.into()))?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, XLSX_TYPE))
        .insert_header((CONTENT_DISPOSITION, attachment(&format!("danh-sach-hoc-vien-lop-{id}.xlsx"))))
        .body(bytes))
}

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A Content-Disposition for a download under an ASCII name made by the server.
pub fn attachment(file_name: &str) -> String {
    format!("attachment; filename=\"{file_name}\"")
}
