//! A secretary's nominations (cử đi học): their people grouped by the program they still need —
//! candidates the awareness course, probationary members the new-member course, with the end of
//! their probation — each with where they stand and what comes next; the classes taking
//! nominations with their places left; a form per program to send several people at once; and
//! the nominations sent, with staff's decisions. Only the secretary's own units' people appear
//! anywhere, and another unit's person answers 404 even by a guessed id.

use std::collections::{HashMap, HashSet};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::views::{self, status_label, status_tag};
use crate::domain::class::ClassStatus;
use crate::domain::enrolment::{self as rules, EnrolmentStatus, NominationRefusal};
use crate::domain::person::{self, Status};
use crate::domain::{dates, numbers};
use crate::i18n::{self, Lang};
use crate::store::classes::{self, ClassFilter, ClassRow};
use crate::store::enrolments::{self, ClassEnrolment, SentNomination, ToTrain};
use crate::store::orgs::UnitTree;
use crate::store::{DbConn, StoreResult, programs};
use crate::web::auth::extract::{CurrentUser, SecretaryUser, scope_in};
use crate::web::error::AppResult;
use crate::web::forms;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

/// Nominations listed under "sent", newest first.
const SENT_SHOWN: i64 = 100;

/// What the page is made from, read in one go.
struct Facts {
    units: Vec<String>,
    several_units: bool,
    tree: UnitTree,
    people: Vec<ToTrain>,
    completed: HashMap<&'static str, HashSet<i64>>,
    history: Vec<ClassEnrolment>,
    open: Vec<(ClassRow, usize)>,
    sent: Vec<SentNomination>,
}

fn facts(c: &mut DbConn, who: &CurrentUser, today: time::Date) -> StoreResult<Facts> {
    let scope = scope_in(c, who)?;
    let tree = UnitTree::load(c)?;
    let people = enrolments::to_train(c, &scope)?;
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let mut completed = HashMap::new();
    for program in programs::all(c)? {
        for code in [rules::AWARENESS_PROGRAM, rules::NEW_MEMBER_PROGRAM] {
            if program.code == code {
                completed.insert(code, enrolments::completed(c, program.id, &ids, today)?);
            }
        }
    }
    let history = enrolments::of_people(c, &ids)?;
    let open_rows = classes::list(c, &ClassFilter { status: Some(ClassStatus::Nominating), ..Default::default() })?;
    let counts = enrolments::enrolled_counts(c, &open_rows.iter().map(|r| r.id).collect::<Vec<_>>())?;
    let mut open: Vec<(ClassRow, usize)> = open_rows
        .into_iter()
        .map(|r| {
            let places = (r.capacity.max(0) as usize).saturating_sub(counts.get(&r.id).copied().unwrap_or(0));
            (r, places)
        })
        .collect();
    open.sort_by_key(|(r, _)| (r.first_day, r.id));
    let sent = enrolments::sent_nominations(c, &scope, SENT_SHOWN)?;
    let units = who.secretary_units.iter().map(|id| tree.label(*id)).collect();
    Ok(Facts {
        units,
        several_units: who.secretary_units.len() > 1
            || people.iter().map(|p| p.org_unit_id).collect::<HashSet<_>>().len() > 1,
        tree,
        people,
        completed,
        history,
        open,
        sent,
    })
}

#[derive(Serialize)]
struct PageView {
    units: Vec<String>,
    show_unit: bool,
    groups: Vec<Group>,
    open_classes: Vec<OpenClass>,
    sent: Vec<SentLine>,
    problems: Vec<String>,
}

#[derive(Serialize)]
struct Group {
    /// The form's id prefix: "ntvd" or "dvm".
    key: String,
    title: String,
    program_code: &'static str,
    count: String,
    people: Vec<PersonLine>,
    classes: Vec<ClassChoice>,
    single_class: bool,
    is_new_member: bool,
}

#[derive(Serialize)]
struct PersonLine {
    id: i64,
    full_name: String,
    date_of_birth: String,
    unit: String,
    state: String,
    state_tag: &'static str,
    next: String,
    reason: Option<String>,
    probation_ends: String,
    probation_over: bool,
    /// May be ticked: not already on the way through the program.
    selectable: bool,
    checked: bool,
}

#[derive(Serialize)]
struct ClassChoice {
    id: i64,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct OpenClass {
    name: String,
    program: String,
    dates: String,
    venue: String,
    places: String,
    full: bool,
}

#[derive(Serialize)]
struct SentLine {
    full_name: String,
    unit: String,
    class_name: String,
    status: String,
    status_tag: &'static str,
    nominated_at: String,
    decided_at: String,
    reason: Option<String>,
}

/// What was typed, to show again after a refusal.
#[derive(Default)]
struct Typed {
    class_id: Option<i64>,
    people: HashSet<i64>,
    program: Option<String>,
}

fn build(lang: Lang, facts: Facts, typed: &Typed, problems: Vec<String>, today: time::Date) -> PageView {
    let Facts { units, several_units, tree, people, completed, history, open, sent } = facts;
    let empty = HashSet::new();
    let mut groups = Vec::new();
    for (code, status, title_key) in [
        (rules::AWARENESS_PROGRAM, Status::Candidate, "nomination.group.awareness"),
        (rules::NEW_MEMBER_PROGRAM, Status::Probationary, "nomination.group.new_member"),
    ] {
        let done = completed.get(code).unwrap_or(&empty);
        let lines: Vec<PersonLine> = people
            .iter()
            .filter(|p| Status::parse(&p.status) == Some(status))
            .filter(|p| rules::needs(status, done.contains(&p.id)) == Some(code))
            .map(|p| person_line(lang, p, code, &history, &tree, typed, today))
            .collect();
        let classes: Vec<ClassChoice> = open
            .iter()
            .filter(|(r, _)| r.program_code == code)
            .map(|(r, places)| ClassChoice {
                id: r.id,
                label: i18n::t_with(
                    lang,
                    "nomination.class_option",
                    &[
                        ("class", &r.short_name()),
                        ("first_day", &dates::format(r.first_day)),
                        ("last_day", &dates::format(r.last_day)),
                        ("places", &numbers::format_int(*places as i64)),
                    ],
                ),
                selected: typed.class_id == Some(r.id),
            })
            .collect();
        groups.push(Group {
            key: code.to_lowercase(),
            title: i18n::t(lang, title_key),
            program_code: code,
            count: numbers::format_int(lines.len() as i64),
            people: lines,
            single_class: classes.len() == 1,
            classes,
            is_new_member: code == rules::NEW_MEMBER_PROGRAM,
        });
    }
    let open_classes = open
        .iter()
        .map(|(r, places)| OpenClass {
            name: r.short_name(),
            program: r.program_name.clone(),
            dates: format!("{} – {}", dates::format(r.first_day), dates::format(r.last_day)),
            venue: r.venue_name.clone(),
            places: numbers::format_int(*places as i64),
            full: *places == 0,
        })
        .collect();
    let sent = sent
        .into_iter()
        .map(|s| {
            let status = views::status_of(&s.enrolment.status);
            SentLine {
                full_name: s.full_name,
                unit: tree.label(s.org_unit_id),
                class_name: format!(
                    "{} — {}",
                    program_short(lang, &s.program_code),
                    views::short_name(s.ordinal, s.year)
                ),
                status: status_label(lang, status),
                status_tag: status_tag(status),
                nominated_at: s.enrolment.nominated_at.map(dates::format_timestamp).unwrap_or_default(),
                decided_at: s.enrolment.decided_at.map(dates::format_timestamp).unwrap_or_default(),
                reason: s.enrolment.reason.filter(|r| !r.is_empty()),
            }
        })
        .collect();
    PageView { units, show_unit: several_units, groups, open_classes, sent, problems }
}

fn program_short(lang: Lang, code: &str) -> String {
    match code {
        rules::AWARENESS_PROGRAM => i18n::t(lang, "nomination.program.awareness"),
        rules::NEW_MEMBER_PROGRAM => i18n::t(lang, "nomination.program.new_member"),
        other => other.to_owned(),
    }
}

/// Where a person stands with the program they need, and what comes next.
fn person_line(
    lang: Lang,
    p: &ToTrain,
    code: &str,
    history: &[ClassEnrolment],
    tree: &UnitTree,
    typed: &Typed,
    today: time::Date,
) -> PersonLine {
    let in_program: Vec<&ClassEnrolment> =
        history.iter().filter(|e| e.enrolment.person_id == p.id && e.program_code == code).collect();
    let current = in_program.iter().find(|e| e.is_active()).or_else(|| in_program.first()).copied();
    let (state, state_tag, next, reason, selectable) = match current {
        None => (i18n::t(lang, "nomination.state.not_sent"), "tag-muted", "nomination.next.choose", None, true),
        Some(e) => {
            let status = e.enrolment.status();
            let class = views::short_name(e.ordinal, e.year);
            let state = i18n::t_with(lang, &format!("nomination.state.{}", status.code()), &[("class", &class)]);
            let (next, selectable) = match (status, e.is_active()) {
                (EnrolmentStatus::Nominated, true) => ("nomination.next.wait", false),
                (EnrolmentStatus::Waitlisted, true) => ("nomination.next.wait_place", false),
                (EnrolmentStatus::Enrolled, true) => ("nomination.next.attend", false),
                _ => ("nomination.next.choose_again", true),
            };
            let reason = e.enrolment.reason.clone().filter(|r| !r.is_empty());
            (state, status_tag(status), next, reason, selectable)
        }
    };
    let probation_ends = p.ceremony_date.map(person::probation_ends);
    PersonLine {
        id: p.id,
        full_name: p.full_name.clone(),
        date_of_birth: dates::format(p.date_of_birth),
        unit: tree.label(p.org_unit_id),
        state,
        state_tag,
        next: i18n::t(lang, next),
        reason,
        probation_ends: probation_ends.map(dates::format).unwrap_or_default(),
        probation_over: probation_ends.is_some_and(|d| d <= today),
        selectable,
        checked: selectable && typed.people.contains(&p.id) && typed.program.as_deref() == Some(code),
    }
}

pub async fn page(user: SecretaryUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let who = user.0.clone();
    let today = state.clock().today();
    let facts = state.db(move |c| facts(c, &who, today)).await?;
    let view = build(page.lang, facts, &Typed::default(), Vec::new(), state.clock().today());
    page.titled("nomination.title").render("enrolment/nominations", &view)
}

pub async fn nominate(
    user: SecretaryUser,
    page: Page,
    state: web::Data<AppState>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let mut typed = Typed::default();
    let mut problems = Vec::new();
    let mut bad_ids = false;
    for (name, value) in fields.into_inner() {
        match name.as_str() {
            "class" => typed.class_id = forms::id(&value),
            "person" => match forms::id(&value) {
                Some(id) => {
                    typed.people.insert(id);
                }
                None => bad_ids = true,
            },
            "program" => typed.program = Some(value),
            _ => {}
        }
    }
    if bad_ids {
        return Err(crate::web::error::AppError::NotFound);
    }
    if typed.people.is_empty() {
        problems.push(i18n::t(lang, "nomination.error.pick_people"));
    }
    if typed.class_id.is_none() {
        problems.push(i18n::t(lang, "nomination.error.pick_class"));
    }
    let (who, actor, now) = (user.0.clone(), user.actor(), state.clock().now_utc());
    if problems.is_empty() {
        let class_id = typed.class_id.unwrap_or_default();
        let mut people: Vec<i64> = typed.people.iter().copied().collect();
        people.sort_unstable();
        let who2 = who.clone();
        let outcome = state
            .db(move |c| {
                let scope = scope_in(c, &who2)?;
                let result = enrolments::nominate(c, &actor, &scope, class_id, &people, now)?;
                let class = classes::find(c, class_id)?;
                let mut names = HashMap::new();
                for id in &people {
                    names.insert(*id, crate::store::people::find(c, &scope, *id)?.full_name);
                }
                Ok((result, class.short_name(), names))
            })
            .await?;
        match outcome {
            (Ok(made), class_name, _) => {
                let n = numbers::format_int(made.len() as i64);
                page.flash_text("success", i18n::t_with(lang, "nomination.done", &[("n", &n), ("class", &class_name)]));
                return Ok(see_other("/nominations"));
            }
            (Err(refusals), _, names) => {
                for (person, refusal) in refusals {
                    let name = names.get(&person).cloned().unwrap_or_default();
                    problems.push(refusal_line(lang, &name, refusal));
                }
            }
        }
    }
    let today = state.clock().today();
    let facts = state.db(move |c| facts(c, &who, today)).await?;
    let view = build(lang, facts, &typed, problems, state.clock().today());
    page.titled("nomination.title").render_status(StatusCode::UNPROCESSABLE_ENTITY, "enrolment/nominations", &view)
}

fn refusal_line(lang: Lang, name: &str, refusal: NominationRefusal) -> String {
    format!("{name}: {}", i18n::t(lang, refusal.message_key()))
}
