//! "Kết quả học tập": one card per class the learner is (or was) in, phone first: the class,
//! where they stand for the essay, their attendance in numbers and session by session.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::domain::class::{self as class_names, ClassStatus};
use crate::domain::{dates, schedule};
use crate::i18n;
use crate::store::attendance::{self, LearnerClass};
use crate::web::attendance::views::{self, EligibilityView, TallyView};
use crate::web::auth::extract::LearnerUser;
use crate::web::error::AppResult;
use crate::web::page::Page;
use crate::web::state::AppState;

#[derive(Serialize)]
struct SessionMark {
    seq: i32,
    title: String,
    when: String,
    status: String,
    label: String,
    reason: Option<String>,
}

/// One class on the learner's page. Results (score, band) and the certificate are added here
/// by the parts that produce them.
#[derive(Serialize)]
struct ClassCard {
    class_name: String,
    days: String,
    withdrawn: bool,
    running: bool,
    rule: String,
    tally: TallyView,
    essay: EligibilityView,
    sessions: Vec<SessionMark>,
    /// The essay's final result, once the results are locked.
    result: Option<crate::web::results::ResultView>,
    /// Results are being assessed: the score comes once they are locked.
    result_pending: bool,
}

#[derive(Serialize)]
struct ResultsView {
    no_person: bool,
    /// A class is running: the check-in page (to type a code) is offered.
    running: bool,
    classes: Vec<ClassCard>,
}

pub async fn show(user: LearnerUser, mut page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    if let Some(kept) = page.remembered().await {
        return Ok(kept);
    }
    let lang = page.lang;
    let Some(person_id) = user.user.person_id else {
        return page
            .titled("portal.results.title")
            .render("portal/results", &ResultsView { no_person: true, running: false, classes: vec![] });
    };
    let classes = state
        .db(move |c| {
            let classes = attendance::of_learner(c, person_id)?;
            let mut attempts = std::collections::HashMap::new();
            for lc in classes.iter().filter(|lc| lc.class.status() >= ClassStatus::Locked) {
                attempts.insert(lc.enrolment_id, crate::store::results::attempts_of(c, lc.enrolment_id)?);
            }
            Ok((classes, attempts))
        })
        .await?;
    let (classes, attempts) = classes;
    let cards: Vec<ClassCard> = classes
        .iter()
        .map(|lc: &LearnerClass| {
            let rules_of_program = lc.program.rules();
            let locked = lc.class.status() >= ClassStatus::Locked && lc.enrolment_status != "withdrawn";
            let result = attempts.get(&lc.enrolment_id).filter(|_| locked).map(|rows| {
                let outcomes: Vec<_> = rows.iter().filter_map(|a| a.outcome()).collect();
                let eligible = crate::domain::attendance::eligibility(&lc.tally, &rules_of_program).may_write();
                crate::web::results::result_view(
                    lang,
                    crate::domain::results::final_result(eligible, &outcomes, &rules_of_program),
                )
            });
            ClassCard {
                result_pending: lc.class.status() == ClassStatus::Assessing && lc.enrolment_status != "withdrawn",
                result,
                class_name: class_names::full_name(&lc.program.name, lc.class.ordinal, lc.class.year),
                days: format!("{} – {}", dates::format(lc.class.first_day), dates::format(lc.class.last_day)),
                withdrawn: lc.enrolment_status == "withdrawn",
                running: lc.class.status() == ClassStatus::Running,
                rule: views::rule_text(lang, &rules_of_program, lc.tally.sessions),
                tally: TallyView::of(&lc.tally),
                essay: views::eligibility_view(lang, &lc.tally, &rules_of_program),
                sessions: lc
                    .sessions
                    .iter()
                    .map(|(s, mark)| {
                        let status = mark.as_ref().map(|m| m.status.clone()).unwrap_or_default();
                        SessionMark {
                            seq: s.seq,
                            title: s.title.clone(),
                            when: schedule::format_range(s.starts_at, s.ends_at),
                            label: if status.is_empty() {
                                i18n::t(lang, "portal.results.not_marked")
                            } else {
                                views::mark_label(lang, &status)
                            },
                            reason: mark.as_ref().and_then(|m| m.reason.clone()),
                            status,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let running = cards.iter().any(|c: &ClassCard| c.running && !c.withdrawn);
    page.titled("portal.results.title")
        .render("portal/results", &ResultsView { no_person: false, running, classes: cards })
}
