//! The home page: what each role needs first.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::auth::extract::Anyone;
use super::error::AppResult;
use super::page::{Page, see_other};
use super::routes::Router;
use super::state::AppState;
use crate::domain::numbers;
use crate::domain::person::Status;
use crate::domain::role::Role;
use crate::i18n::{self, Lang};
use crate::store;

pub fn routes(r: &mut Router) {
    r.get("/", home);
}

#[derive(Serialize, Default)]
struct HomeView {
    is_admin: bool,
    is_staff: bool,
    is_lecturer: bool,
    is_secretary: bool,
    is_learner: bool,
    people_total: String,
    people: Option<PeopleCounts>,
    accounts: i64,
    units: Vec<String>,
    programs: Vec<ProgramCard>,
    me: Option<LearnerCard>,
    learner: Option<super::portal::overview::LearnerOverview>,
}

/// The people of the user's units per status, and the total they add up to.
#[derive(Serialize)]
struct PeopleCounts {
    by_status: Vec<StatusCount>,
    total: String,
}

#[derive(Serialize)]
struct StatusCount {
    label: String,
    n: String,
}

impl PeopleCounts {
    /// Every status is shown, with 0 when nobody has it; a status the code does not know (none
    /// should exist) still counts in the total, under its code.
    fn new(lang: Lang, counts: &[(String, i64)]) -> Self {
        let of = |code: &str| counts.iter().filter(|(s, _)| s == code).map(|(_, n)| n).sum::<i64>();
        let mut by_status: Vec<StatusCount> = Status::ALL
            .into_iter()
            .map(|s| StatusCount { label: i18n::t(lang, &s.label_key()), n: numbers::format_int(of(s.code())) })
            .collect();
        for (code, n) in counts.iter().filter(|(code, _)| Status::parse(code).is_none()) {
            by_status.push(StatusCount { label: code.clone(), n: numbers::format_int(*n) });
        }
        let total = counts.iter().map(|(_, n)| n).sum();
        Self { by_status, total: numbers::format_int(total) }
    }
}

#[derive(Serialize)]
struct ProgramCard {
    id: i64,
    name: String,
    lessons: usize,
}

#[derive(Serialize)]
struct LearnerCard {
    full_name: String,
    status: String,
    unit: String,
}

async fn home(who: Anyone, mut page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let Some(user) = who.0 else {
        return Ok(see_other("/login"));
    };
    if let Some(kept) = page.remembered().await {
        return Ok(kept);
    }
    let lang = page.lang;
    let today = state.clock().today();
    let view = state
        .db(move |c| {
            let mut v = HomeView {
                is_admin: user.has(Role::Admin),
                is_staff: user.has(Role::Staff),
                is_lecturer: user.has(Role::Lecturer),
                is_secretary: user.has(Role::Secretary),
                is_learner: user.has(Role::Learner),
                ..Default::default()
            };
            if v.is_admin {
                v.accounts = store::users::count(c)?;
                v.people_total = numbers::format_int(store::people::count(c)?);
            }
            if v.is_admin || v.is_staff || v.is_secretary {
                let scope = store::orgs::scope_for(c, &user)?;
                v.people = Some(PeopleCounts::new(lang, &store::people::count_by_status(c, &scope)?));
            }
            if v.is_secretary {
                // Units are named with their committee, which takes the tree.
                let tree = store::orgs::UnitTree::load(c)?;
                v.units = user.secretary_units.iter().map(|id| tree.label(*id)).collect();
            }
            if v.is_staff || v.is_admin || v.is_lecturer {
                for p in store::programs::all(c)? {
                    let lessons = store::programs::lessons_of(c, p.id)?.len();
                    v.programs.push(ProgramCard { id: p.id, name: p.name, lessons });
                }
            }
            if let Some(person_id) = user.user.person_id {
                let person = store::people::find(c, &store::Scope::All, person_id)?;
                let unit = store::orgs::label(c, person.org_unit_id)?;
                let status = Status::parse(&person.status).map(|s| i18n::t(lang, &s.label_key())).unwrap_or_default();
                v.me = Some(LearnerCard { full_name: person.full_name(), status, unit });
                if v.is_learner {
                    v.learner = Some(super::portal::overview::load(c, lang, person_id, today)?);
                }
            }
            Ok(v)
        })
        .await?;
    page.titled("home.title").render("home/index", &view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_status_add_up_to_the_total() {
        let counts = [("official".to_owned(), 13), ("candidate".to_owned(), 1130), ("probationary".to_owned(), 61)];
        let shown = PeopleCounts::new(Lang::Vi, &counts);
        let pairs: Vec<(&str, &str)> = shown.by_status.iter().map(|s| (s.label.as_str(), s.n.as_str())).collect();
        assert_eq!(
            pairs,
            vec![("Quần chúng ưu tú", "1.130"), ("Đảng viên dự bị", "61"), ("Đảng viên chính thức", "13")]
        );
        assert_eq!(shown.total, "1.204");
        let none = PeopleCounts::new(Lang::Vi, &[]);
        assert!(none.by_status.iter().all(|s| s.n == "0") && none.total == "0");
    }
}
