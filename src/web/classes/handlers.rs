use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::forms::{Choices, ClassForm};
use super::views::{self, ClassHeading, CurrentValue};
use super::{manages, sections_for, visible};
use crate::domain::class::ClassStatus;
use crate::domain::dates;
use crate::domain::numbers::format_int;
use crate::domain::org::OrgKind;
use crate::i18n::{self, Lang};
use crate::store::audit;
use crate::store::classes::{self, Class, ClassFilter};
use crate::store::issuers::{self, Issuer};
use crate::store::orgs::UnitTree;
use crate::store::programs::{self, Program};
use crate::store::venues::{self, Venue};
use crate::store::{DbConn, StoreResult, sessions};
use crate::web::auth::extract::{StaffUser, TeachingUser};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{self as webforms, FieldErrors};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

/// An option of a select.
#[derive(Debug, Clone, Serialize)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn options<T>(items: &[T], selected: &str, f: impl Fn(&T) -> (String, String)) -> Vec<Opt> {
    items
        .iter()
        .map(|item| {
            let (value, label) = f(item);
            let selected = value == selected.trim();
            Opt { value, label, selected }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The list

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    status: String,
    program: String,
    year: String,
}

#[derive(Serialize)]
struct ListRow {
    id: i64,
    name: String,
    program_code: String,
    status_label: String,
    status_tag: &'static str,
    first_day: time::Date,
    last_day: time::Date,
    venue_name: String,
    issuer_name: String,
    learners: String,
}

#[derive(Serialize)]
struct ListView {
    rows: Vec<ListRow>,
    statuses: Vec<Opt>,
    programs: Vec<Opt>,
    years: Vec<Opt>,
    manages: bool,
    total: String,
}

pub async fn list(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let manages = manages(&user);
    let filter = ClassFilter {
        status: ClassStatus::parse(query.status.trim()),
        program_id: webforms::id(&query.program),
        year: query.year.trim().parse().ok(),
        ids: None,
    };
    let who = user.0.clone();
    let store_filter = filter.clone();
    let (rows, programs, years, counts) = state
        .db(move |c| {
            let mut filter = store_filter;
            let mut all = ClassFilter::default();
            if !manages {
                let taught = sessions::class_ids_taught_by(c, who.id())?;
                filter.ids = Some(taught.clone());
                all.ids = Some(taught);
            }
            let rows = classes::list(c, &filter)?;
            let mut years: Vec<i32> = classes::list(c, &all)?.iter().map(|r| r.year).collect();
            years.sort_unstable_by(|a, b| b.cmp(a));
            years.dedup();
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            Ok((rows, programs::all(c)?, years, classes::enrolled_counts(c, &ids)?))
        })
        .await?;
    let view = ListView {
        total: format_int(rows.len() as i64),
        rows: rows
            .into_iter()
            .map(|r| {
                let status = ClassStatus::parse(&r.status).unwrap_or(ClassStatus::Draft);
                let enrolled = counts.get(&r.id).copied().unwrap_or(0);
                ListRow {
                    id: r.id,
                    name: views::program_and_class(
                        &programs_short(&programs, r.program_id, &r.program_name),
                        r.ordinal,
                        r.year,
                    ),
                    program_code: r.program_code,
                    status_label: views::status_label(lang, status),
                    status_tag: views::status_tag(status),
                    first_day: r.first_day,
                    last_day: r.last_day,
                    venue_name: r.venue_name,
                    issuer_name: r.issuer_name,
                    learners: i18n::t_with(
                        lang,
                        "class.learners_of",
                        &[("n", &format_int(enrolled)), ("capacity", &format_int(i64::from(r.capacity)))],
                    ),
                }
            })
            .collect(),
        statuses: ClassStatus::ALL
            .iter()
            .map(|s| Opt {
                value: s.code().into(),
                label: views::status_label(lang, *s),
                selected: filter.status == Some(*s),
            })
            .collect(),
        programs: options(&programs, &query.program, |p| (p.id.to_string(), p.short_name.clone())),
        years: options(&years, &query.year, |y| (y.to_string(), y.to_string())),
        manages,
    };
    page.titled("class.list_title").render("classes/list", &view)
}

fn programs_short(programs: &[Program], id: i64, fallback: &str) -> String {
    programs.iter().find(|p| p.id == id).map_or_else(|| fallback.to_owned(), |p| p.short_name.clone())
}

// ---------------------------------------------------------------------------------------------
// The form

/// What the class form chooses from.
struct FormData {
    programs: Vec<Program>,
    issuers: Vec<Issuer>,
    venues: Vec<Venue>,
    /// Party committees that may co-organise, labelled, in tree order.
    units: Vec<(i64, String)>,
}

impl FormData {
    fn load(c: &mut DbConn) -> StoreResult<Self> {
        let tree = UnitTree::load(c)?;
        let units = tree
            .depth_first()
            .into_iter()
            .filter(|(u, _)| u.is_open() && !u.kind().is_some_and(OrgKind::is_cell))
            .map(|(u, _)| (u.id, tree.label(u.id)))
            .collect();
        Ok(Self { programs: programs::all(c)?, issuers: issuers::all(c)?, venues: venues::venues(c)?, units })
    }

    fn validate(&self, lang: Lang, form: &ClassForm) -> Result<super::forms::ValidClass, FieldErrors> {
        let programs: Vec<i64> = self.programs.iter().map(|p| p.id).collect();
        let venues: Vec<i64> = self.venues.iter().map(|v| v.id).collect();
        let units: Vec<i64> = self.units.iter().map(|u| u.0).collect();
        form.validate(lang, &Choices { programs: &programs, issuers: &self.issuers, venues: &venues, units: &units })
    }

    /// What a form's choices read as, for the "saved meanwhile" summary.
    fn describe(&self, lang: Lang, form: &ClassForm) -> Vec<(&'static str, String)> {
        let name = |id: &str, items: Vec<(i64, String)>| {
            webforms::id(id)
                .and_then(|id| items.into_iter().find(|(i, _)| *i == id))
                .map(|(_, n)| n)
                .unwrap_or_default()
        };
        let signer = [&form.signer_delegation, &form.signer_title, &form.signer_name]
            .iter()
            .map(|s| webforms::text(s))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" / ");
        let decision = i18n::t_with(
            lang,
            "class.decision_text",
            &[("no", &webforms::text(&form.opening_decision_no)), ("date", form.opening_decision_date.trim())],
        );
        vec![
            ("class.program", name(&form.program_id, self.programs.iter().map(|p| (p.id, p.name.clone())).collect())),
            ("class.year", form.year.trim().to_owned()),
            ("class.ordinal", form.ordinal.trim().to_owned()),
            ("class.issuer", name(&form.issuer_id, self.issuers.iter().map(|i| (i.id, i.name.clone())).collect())),
            ("class.co_org_unit", name(&form.co_org_unit_id, self.units.clone())),
            ("class.venue", name(&form.venue_id, self.venues.iter().map(|v| (v.id, v.name.clone())).collect())),
            ("class.first_day", form.first_day.trim().to_owned()),
            ("class.last_day", form.last_day.trim().to_owned()),
            ("class.capacity", form.capacity.trim().to_owned()),
            (
                "class.opening_decision",
                if form.opening_decision_no.trim().is_empty() { String::new() } else { decision },
            ),
            ("class.signer", signer),
        ]
    }
}

#[derive(Serialize)]
struct FormView {
    heading: String,
    action: String,
    cancel: String,
    is_new: bool,
    form: ClassForm,
    errors: FieldErrors,
    has_errors: bool,
    programs: Vec<Opt>,
    issuers: Vec<Opt>,
    venues: Vec<Opt>,
    units: Vec<Opt>,
    /// Set when the class was saved by someone else meanwhile.
    stale: Option<String>,
    current: Vec<CurrentValue>,
    /// Whether the program may still change (draft only).
    program_fixed: bool,
    /// Nothing to choose yet: no organiser or no venue has been entered.
    no_issuers: bool,
    no_venues: bool,
}

impl FormView {
    fn new(data: &FormData, form: ClassForm, errors: FieldErrors, class: Option<&Class>, lang: Lang) -> Self {
        let (heading, action, cancel) = match class {
            None => (i18n::t(lang, "class.new_title"), "/classes".to_owned(), "/classes".to_owned()),
            Some(c) => (
                i18n::t_with(lang, "class.edit_title", &[("name", &c.short_name())]),
                format!("/classes/{}/edit", c.id),
                format!("/classes/{}", c.id),
            ),
        };
        Self {
            heading,
            action,
            cancel,
            is_new: class.is_none(),
            has_errors: !errors.is_empty(),
            programs: options(&data.programs, &form.program_id, |p| (p.id.to_string(), p.name.clone())),
            issuers: options(&data.issuers, &form.issuer_id, |i| (i.id.to_string(), i.name.clone())),
            venues: options(&data.venues, &form.venue_id, |v| (v.id.to_string(), v.name.clone())),
            units: options(&data.units, &form.co_org_unit_id, |u| (u.0.to_string(), u.1.clone())),
            program_fixed: class.is_some_and(|c| c.status() != ClassStatus::Draft),
            no_issuers: data.issuers.is_empty(),
            no_venues: data.venues.is_empty(),
            form,
            errors,
            stale: None,
            current: Vec::new(),
        }
    }
}

pub async fn new_form(_: StaffUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let data = state.db(FormData::load).await?;
    let today = state.config.clock.today();
    let form = ClassForm {
        program_id: data.programs.first().map(|p| p.id.to_string()).unwrap_or_default(),
        issuer_id: data.issuers.iter().find(|i| i.active).map(|i| i.id.to_string()).unwrap_or_default(),
        venue_id: data.venues.iter().find(|v| v.active).map(|v| v.id.to_string()).unwrap_or_default(),
        year: today.year().to_string(),
        capacity: "60".into(),
        ..Default::default()
    };
    let view = FormView::new(&data, form, FieldErrors::default(), None, page.lang);
    page.titled("class.new_title").render("classes/form", &view)
}

pub async fn create(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let data = state.db(FormData::load).await?;
    let form = ClassForm::from_fields(fields.into_inner());
    let refuse = |page: Page, errors: FieldErrors, form: ClassForm| {
        let view = FormView::new(&data, form, errors, None, page.lang);
        page.titled("class.new_title").render_status(StatusCode::UNPROCESSABLE_ENTITY, "classes/form", &view)
    };
    let valid = match data.validate(page.lang, &form) {
        Ok(valid) => valid,
        Err(errors) => return refuse(page, errors, form),
    };
    let actor = user.actor();
    let result = state
        .db(move |c| {
            let mut input = valid.input;
            input.ordinal = match valid.ordinal {
                Some(o) => o,
                None => classes::next_ordinal(c, input.program_id, input.issuer_id, input.year)?,
            };
            let id = classes::create(c, &actor, &input)?;
            Ok((id, input.ordinal, input.year))
        })
        .await;
    match result {
        Ok((id, ordinal, year)) => {
            let program = data.programs.iter().find(|p| form.program_id.trim() == p.id.to_string());
            let name = views::program_and_class(program.map_or("", |p| p.short_name.as_str()), ordinal, year);
            page.flash_text("success", i18n::t_with(page.lang, "class.created", &[("name", &name)]));
            Ok(see_other(&format!("/classes/{id}")))
        }
        Err(AppError::Conflict(key)) => {
            let mut errors = FieldErrors::default();
            errors.add(page.lang, "ordinal", key);
            refuse(page, errors, form)
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// The overview

#[derive(Serialize)]
struct Fact {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct Section {
    href: String,
    label: String,
}

#[derive(Serialize)]
struct ShowView {
    class: ClassHeading,
    facts: Vec<Fact>,
    sections: Vec<Section>,
    manages: bool,
    version: i32,
    /// The next status, when there is one.
    next_label: Option<String>,
    /// Why the class cannot move on yet, as sentences.
    blockers: Vec<String>,
    plan_editable: bool,
    sessions: String,
    /// The results decision form, while results are being assessed.
    results_decision: Option<ResultsDecisionForm>,
}

#[derive(Serialize, Default)]
struct ResultsDecisionForm {
    number: String,
    date: String,
    error: Option<String>,
}

pub async fn show(
    user: TeachingUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let lang = page.lang;
    let who = user.0.clone();
    let now = state.config.clock.local_now();
    let manages = manages(&user);
    let (class, program, issuer, venue, unit, enrolled, facts) = state
        .db(move |c| {
            let class = visible(c, &who, id)?;
            let program = programs::find(c, class.program_id)?;
            let issuer = issuers::find(c, class.issuer_id)?;
            let venue = venues::venue(c, class.venue_id)?;
            let unit = match class.co_org_unit_id {
                Some(u) => Some(crate::store::orgs::label(c, u)?),
                None => None,
            };
            let enrolled = classes::enrolled_counts(c, &[id])?.get(&id).copied().unwrap_or(0);
            let mut facts = classes::facts(c, id)?;
            classes::result_facts(c, &class, &mut facts)?;
            Ok((class, program, issuer, venue, unit, enrolled, facts))
        })
        .await?;
    let status = class.status();
    let blockers: Vec<String> = if manages && status.next().is_some() {
        crate::domain::class::blockers(status, &facts, now).iter().map(|b| views::blocker_sentence(lang, b)).collect()
    } else {
        Vec::new()
    };
    let signer = [&class.signer_delegation, &class.signer_title, &class.signer_name]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.replace('\n', " / "))
        .collect::<Vec<_>>()
        .join(" / ");
    let decision = |no: &str, date: Option<time::Date>| {
        if no.is_empty() {
            i18n::t(lang, "class.no_decision")
        } else {
            i18n::t_with(lang, "class.decision_text", &[("no", no), ("date", &dates::format_opt(date))])
        }
    };
    let fact = |key: &str, value: String| Fact { label: i18n::t(lang, key), value };
    let mut facts_shown = vec![
        fact("class.program", program.name.clone()),
        fact("class.issuer", issuer.name.clone()),
        fact("class.days", format!("{} – {}", dates::format(class.first_day), dates::format(class.last_day))),
        fact(
            "class.venue",
            if venue.address.is_empty() { venue.name.clone() } else { format!("{} ({})", venue.name, venue.address) },
        ),
        fact(
            "class.learners",
            i18n::t_with(
                lang,
                "class.learners_of",
                &[("n", &format_int(enrolled)), ("capacity", &format_int(i64::from(class.capacity)))],
            ),
        ),
        fact("class.opening_decision", decision(&class.opening_decision_no, class.opening_decision_date)),
        fact("class.signer", signer),
    ];
    if let Some(unit) = unit {
        facts_shown.insert(2, fact("class.co_org_unit", unit));
    }
    if status >= ClassStatus::Assessing {
        facts_shown
            .push(fact("class.results_decision", decision(&class.results_decision_no, class.results_decision_date)));
    }
    let view = ShowView {
        facts: facts_shown,
        sections: sections_for(&user)
            .into_iter()
            .map(|(suffix, key)| Section { href: format!("/classes/{id}/{suffix}"), label: i18n::t(lang, key) })
            .collect(),
        manages,
        version: class.version,
        next_label: status.next().filter(|_| manages).map(|s| views::status_label(lang, s)),
        blockers,
        plan_editable: manages && status.plan_editable(),
        sessions: format_int(facts.sessions as i64),
        results_decision: (manages && status == ClassStatus::Assessing).then(|| ResultsDecisionForm {
            number: class.results_decision_no.clone(),
            date: dates::format_opt(class.results_decision_date),
            error: None,
        }),
        class: ClassHeading::new(lang, &class, &program),
    };
    let title = view.class.full_name.clone();
    page.with_title(title).render("classes/show", &view)
}

// ---------------------------------------------------------------------------------------------
// Editing

pub async fn edit_form(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (data, class) = state.db(move |c| Ok((FormData::load(c)?, classes::find(c, id)?))).await?;
    let view = FormView::new(&data, ClassForm::from_class(&class), FieldErrors::default(), Some(&class), page.lang);
    page.with_title(view.heading.clone()).render("classes/form", &view)
}

pub async fn update(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    fields: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let lang = page.lang;
    let (data, class) = state.db(move |c| Ok((FormData::load(c)?, classes::find(c, id)?))).await?;
    let mut form = ClassForm::from_fields(fields.into_inner());
    let mut valid = match data.validate(lang, &form) {
        Ok(valid) => valid,
        Err(errors) => {
            let view = FormView::new(&data, form, errors, Some(&class), lang);
            return page.with_title(view.heading.clone()).render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "classes/form",
                &view,
            );
        }
    };
    valid.input.ordinal = valid.ordinal.unwrap_or(class.ordinal);
    // A form without the version it was read at cannot prove it is not stale.
    let version: i32 = form.version.trim().parse().unwrap_or(0);
    let actor = user.actor();
    let input = valid.input.clone();
    match state.db(move |c| classes::update(c, &actor, id, version, &input)).await {
        Ok(()) => {
            page.flash("success", "common.saved");
            Ok(see_other(&format!("/classes/{id}")))
        }
        Err(AppError::Conflict("class.error.changed")) => {
            let (current, last) =
                state.db(move |c| Ok((classes::find(c, id)?, audit::last_change(c, "class", id)?))).await?;
            let now = ClassForm::from_class(&current);
            form.version = current.version.to_string();
            let mut view = FormView::new(&data, form.clone(), FieldErrors::default(), Some(&current), lang);
            view.stale = Some(views::changed_meanwhile(lang, "class.this_class", last.as_ref()));
            view.current = changed_values(&data, lang, &form, &now);
            page.with_title(view.heading.clone()).render_status(StatusCode::CONFLICT, "classes/form", &view)
        }
        Err(AppError::Conflict(key)) => {
            let mut errors = FieldErrors::default();
            let field = if key == "class.error.program_fixed" { "program_id" } else { "ordinal" };
            errors.add(lang, field, key);
            let view = FormView::new(&data, form, errors, Some(&class), lang);
            page.with_title(view.heading.clone()).render_status(StatusCode::UNPROCESSABLE_ENTITY, "classes/form", &view)
        }
        Err(e) => Err(e),
    }
}

/// The saved values that differ from what the editor typed.
fn changed_values(data: &FormData, lang: Lang, typed: &ClassForm, saved: &ClassForm) -> Vec<CurrentValue> {
    let typed = data.describe(lang, typed);
    let saved = data.describe(lang, saved);
    let norm = |s: &str| webforms::text(s).to_lowercase();
    typed
        .into_iter()
        .zip(saved)
        .filter(|((_, a), (_, b))| {
            // Dates typed as 5/6/2026 equal the saved 05/06/2026.
            match (dates::parse(a), dates::parse(b)) {
                (Some(x), Some(y)) => x != y,
                _ => norm(a) != norm(b),
            }
        })
        .map(|(_, (key, value))| CurrentValue {
            label: i18n::t(lang, key),
            value: if value.is_empty() { i18n::t(lang, "common.none") } else { value },
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Moving forward

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VersionForm {
    version: String,
}

pub async fn advance(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<VersionForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let lang = page.lang;
    let version: i32 = form.version.trim().parse().map_err(|_| AppError::BadRequest("error.400.message"))?;
    let now = state.config.clock.local_now();
    let actor = user.actor();
    let moved = state.db(move |c| classes::advance(c, &actor, id, version, now, classes::result_facts)).await;
    match moved {
        Ok(Ok(to)) => {
            page.flash_text(
                "success",
                i18n::t_with(lang, "class.advanced", &[("status", &views::status_label(lang, to))]),
            );
        }
        Ok(Err(blockers)) => {
            page.flash("error", "class.not_advanced");
            for b in &blockers {
                page.flash_text("error", views::blocker_sentence(lang, b));
            }
        }
        Err(AppError::Conflict(key)) => page.flash("error", key),
        Err(e) => return Err(e),
    }
    Ok(see_other(&format!("/classes/{id}")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    number: String,
    date: String,
    version: String,
}

/// Records the results decision (số, ngày), which locking the results needs.
pub async fn results_decision(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let number = webforms::text(&form.number);
    let date = dates::parse(&form.date);
    let version: i32 = form.version.trim().parse().unwrap_or(0);
    if number.is_empty() || number.chars().count() > 50 || date.is_none() {
        page.flash("error", "class.error.results_decision");
        return Ok(see_other(&format!("/classes/{id}")));
    }
    let actor = user.actor();
    match state.db(move |c| classes::set_results_decision(c, &actor, id, version, &number, date)).await {
        Ok(()) => page.flash("success", "common.saved"),
        Err(AppError::Conflict(key)) => page.flash("error", key),
        Err(e) => return Err(e),
    }
    Ok(see_other(&format!("/classes/{id}")))
}
