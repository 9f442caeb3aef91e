//! Calendar feeds: the secret links a calendar application subscribes to. A lecturer's and a
//! learner's own link on `/calendar/feeds` (made with a button, revoked and remade there);
//! a class's link on `/classes/{id}/feed`, for staff to share; and the feed itself at
//! `/ical/{token}.ics`, open to whoever holds the link. An unknown, revoked or orphaned token
//! answers the same 404 page, so a probe learns nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::views;
use crate::domain::calendar::{self, FeedKind};
use crate::domain::dates;
use crate::domain::role::Role;
use crate::export::ical;
use crate::i18n::{self, Lang};
use crate::store::calendar::{self as feeds, Feed};
use crate::store::classes::{self, ClassFilter};
use crate::store::{self, StoreError};
use crate::web::auth::extract::{CalendarFeedUser, CurrentUser, Open, StaffUser};
use crate::web::error::{AppError, AppResult};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

/// The addresses of a feed: the https one to paste, and the webcal one a phone opens straight
/// in its calendar application.
#[derive(Serialize)]
struct FeedLink {
    /// The id of the field that shows it.
    field_id: String,
    url: String,
    webcal: String,
    created: String,
}

fn link(public_url: &str, feed: &Feed) -> FeedLink {
    let field_id = format!("feed-url-{}", feed.kind);
    let url = format!("{}/ical/{}.ics", public_url.trim_end_matches('/'), feed.token);
    let webcal = format!("webcal://{}", url.split_once("://").map_or(url.as_str(), |(_, rest)| rest));
    FeedLink { field_id, url, webcal, created: dates::format_timestamp(feed.created_at) }
}

/// What the buttons ask for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Action {
    Create,
    Renew,
    Revoke,
}

impl Action {
    fn parse(code: &str) -> Option<Self> {
        match code {
            "create" => Some(Action::Create),
            "renew" => Some(Action::Renew),
            "revoke" => Some(Action::Revoke),
            _ => None,
        }
    }

    fn flash(self) -> &'static str {
        match self {
            Action::Create => "calendar.feed.created_flash",
            Action::Renew => "calendar.feed.renewed_flash",
            Action::Revoke => "calendar.feed.revoked_flash",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FeedForm {
    kind: String,
    action: String,
}

/// Does what the button asks for on the subject's feed.
async fn apply(state: &AppState, user: &CurrentUser, kind: FeedKind, subject: i64, action: Action) -> AppResult<()> {
    let actor = user.actor();
    let now = state.config.clock.now_utc();
    state
        .db(move |c| {
            match action {
                Action::Create => {
                    feeds::issue(c, &actor, kind, subject, now)?;
                }
                Action::Renew => {
                    feeds::renew(c, &actor, kind, subject, now)?;
                }
                Action::Revoke => {
                    feeds::revoke(c, &actor, kind, subject, now)?;
                }
            }
            Ok(())
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// A lecturer's and a learner's own feed; the classes' feeds for staff.

#[derive(Serialize)]
struct OwnFeed {
    kind: &'static str,
    title: String,
    what: String,
    link: Option<FeedLink>,
}

#[derive(Serialize)]
struct ClassFeedRow {
    id: i64,
    name: String,
    dates: String,
    has_link: bool,
}

#[derive(Serialize)]
struct FeedsView {
    own: Vec<OwnFeed>,
    /// A learner account not tied to a person record has no classes to follow.
    learner_without_person: bool,
    manages: bool,
    classes: Vec<ClassFeedRow>,
}

/// The subject of the reader's own feed of this kind, if they have one.
fn own_subject(user: &CurrentUser, kind: FeedKind) -> Option<i64> {
    match kind {
        FeedKind::Lecturer => user.has(Role::Lecturer).then_some(user.id()),
        FeedKind::Learner => {
            if user.has(Role::Learner) {
                user.user.person_id
            } else {
                None
            }
        }
        FeedKind::Class => None,
    }
}

pub async fn page(user: CalendarFeedUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let lang = page.lang;
    let public_url = state.config.public_url.clone();
    let manages = user.has(Role::Admin) || user.has(Role::Staff);
    let since = calendar::feed_window(state.config.clock.today()).0;
    let lecturer = own_subject(&user, FeedKind::Lecturer);
    let learner = own_subject(&user, FeedKind::Learner);
    let learner_without_person = user.has(Role::Learner) && learner.is_none();
    let view = state
        .db(move |c| {
            let mut own = Vec::new();
            for (kind, subject) in [(FeedKind::Lecturer, lecturer), (FeedKind::Learner, learner)] {
                let Some(subject) = subject else { continue };
                own.push(OwnFeed {
                    kind: kind.code(),
                    title: i18n::t(lang, &format!("calendar.feed.own_title.{}", kind.code())),
                    what: i18n::t(lang, &format!("calendar.feed.own_what.{}", kind.code())),
                    link: feeds::active(c, kind, subject)?.map(|f| link(&public_url, &f)),
                });
            }
            let classes = if manages { class_rows(c, since)? } else { Vec::new() };
            Ok(FeedsView { own, learner_without_person, manages, classes })
        })
        .await?;
    page.titled("calendar.feed.title").render("calendar/feeds", &view)
}

/// The classes that have not ended before the feeds' window, newest first, with whether
/// their feed has a link.
fn class_rows(c: &mut store::DbConn, since: time::Date) -> Result<Vec<ClassFeedRow>, StoreError> {
    let rows: Vec<_> = classes::list(c, &ClassFilter::default())?.into_iter().filter(|r| r.last_day >= since).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let names = feeds::class_full_names(c, &ids)?;
    let linked = feeds::active_of(c, FeedKind::Class, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| ClassFeedRow {
            id: r.id,
            name: names.get(&r.id).cloned().unwrap_or_else(|| r.short_name()),
            dates: format!("{} – {}", dates::format(r.first_day), dates::format(r.last_day)),
            has_link: linked.contains_key(&r.id),
        })
        .collect())
}

pub async fn change(
    user: CalendarFeedUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<FeedForm>,
) -> AppResult<HttpResponse> {
    let kind = FeedKind::parse(&form.kind).ok_or(AppError::BadRequest("error.400.message"))?;
    let action = Action::parse(&form.action).ok_or(AppError::BadRequest("error.400.message"))?;
    // The subject is always the reader's own: a form cannot name someone else's feed.
    let subject = own_subject(&user, kind).ok_or(AppError::NotFound)?;
    apply(&state, &user, kind, subject, action).await?;
    page.flash("success", action.flash());
    Ok(see_other("/calendar/feeds"))
}

// ---------------------------------------------------------------------------------------------
// A class's feed, for staff.

#[derive(Serialize)]
struct ClassFeedView {
    id: i64,
    name: String,
    dates: String,
    link: Option<FeedLink>,
}

pub async fn class_page(
    _: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let public_url = state.config.public_url.clone();
    let view = state
        .db(move |c| {
            let class = classes::find(c, id)?;
            let name = feeds::class_full_names(c, &[id])?.remove(&id).unwrap_or_else(|| class.short_name());
            Ok(ClassFeedView {
                id,
                name,
                dates: format!("{} – {}", dates::format(class.first_day), dates::format(class.last_day)),
                link: feeds::active(c, FeedKind::Class, id)?.map(|f| link(&public_url, &f)),
            })
        })
        .await?;
    let title = i18n::t_with(page.lang, "calendar.feed.class_title", &[("name", &view.name)]);
    page.with_title(title).render("calendar/class_feed", &view)
}

pub async fn class_change(
    user: StaffUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<FeedForm>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let action = Action::parse(&form.action).ok_or(AppError::BadRequest("error.400.message"))?;
    state.db(move |c| classes::find(c, id).map(|_| ())).await?;
    apply(&state, &user, FeedKind::Class, id, action).await?;
    page.flash("success", action.flash());
    Ok(see_other(&format!("/classes/{id}/feed")))
}

// ---------------------------------------------------------------------------------------------
// The feed.

/// Tokens are 43 URL-safe characters; anything else is not looked up.
fn plausible(token: &str) -> bool {
    (16..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub async fn ics(
    _: Open,
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let window = calendar::feed_window(state.config.clock.today());
    let found = if plausible(&token) {
        state
            .db(move |c| {
                let Some(feed) = feeds::by_token(c, &token)? else { return Ok(None) };
                let sessions = feeds::sessions_of(c, &feed, window.0, window.1)?;
                let class_ids: Vec<i64> = sessions.iter().map(|s| s.session.class_id).collect();
                let names = feeds::class_full_names(c, &class_ids)?;
                let name = match feed.kind() {
                    Some(FeedKind::Class) => feeds::class_full_names(c, &[feed.subject_id])?.remove(&feed.subject_id),
                    _ => None,
                };
                Ok(Some((feed, sessions, names, name)))
            })
            .await?
    } else {
        None
    };
    let Some((feed, sessions, names, class_name)) = found else {
        let page = Page::build(&req, None).titled("calendar.feed.missing_title");
        return page.render_status(StatusCode::NOT_FOUND, "calendar/feed_missing", &serde_json::json!({}));
    };
    let school = state.school().school_name;
    let name = match (feed.kind(), class_name) {
        (Some(FeedKind::Class), Some(class)) => class,
        (Some(FeedKind::Lecturer), _) => i18n::t_with(Lang::Vi, "calendar.feed.name.lecturer", &[("school", &school)]),
        _ => i18n::t_with(Lang::Vi, "calendar.feed.name.learner", &[("school", &school)]),
    };
    let host = views::uid_host(&state.config.public_url);
    let events: Vec<ical::Event> = sessions.iter().map(|s| views::event(s, &names, &host)).collect();
    let body = ical::calendar(&name, state.config.clock.now_utc(), &events);
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Content-Disposition", "inline; filename=\"lich-hoc.ics\""))
        .body(body))
}
