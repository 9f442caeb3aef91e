//! The home page: what each role needs first.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::auth::extract::Anyone;
use super::error::AppResult;
use super::page::{Page, see_other};
use super::routes::Router;
use super::state::AppState;
use crate::domain::role::Role;
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
    people_total: i64,
    people_in_scope: i64,
    candidates: i64,
    probationary: i64,
    accounts: i64,
    units: Vec<String>,
    programs: Vec<ProgramCard>,
    me: Option<LearnerCard>,
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

async fn home(who: Anyone, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let Some(user) = who.0 else {
        return Ok(see_other("/login"));
    };
    let lang = page.lang;
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
                v.people_total = store::people::count(c)?;
            }
            if v.is_admin || v.is_staff || v.is_secretary {
                let scope = store::orgs::scope_for(c, &user)?;
                for (status, n) in store::people::count_by_status(c, &scope)? {
                    v.people_in_scope += n;
                    match status.as_str() {
                        "candidate" => v.candidates = n,
                        "probationary" => v.probationary = n,
                        _ => {}
                    }
                }
            }
            if v.is_secretary {
                for id in &user.secretary_units {
                    v.units.push(store::orgs::find(c, *id)?.name);
                }
            }
            if v.is_staff || v.is_admin || v.is_lecturer {
                for p in store::programs::all(c)? {
                    let lessons = store::programs::lessons_of(c, p.id)?.len();
                    v.programs.push(ProgramCard { id: p.id, name: p.name, lessons });
                }
            }
            if let Some(person_id) = user.user.person_id {
                let person = store::people::find(c, &store::Scope::All, person_id)?;
                let unit = store::orgs::find(c, person.org_unit_id)?.name;
                let status = crate::domain::person::Status::parse(&person.status)
                    .map(|s| crate::i18n::t(lang, &s.label_key()))
                    .unwrap_or_default();
                v.me = Some(LearnerCard { full_name: person.full_name(), status, unit });
            }
            Ok(v)
        })
        .await?;
    page.titled("home.title").render("home/index", &view)
}
