//! The page frame. `Page` is what every page's layout needs — language, CSRF token, flash
//! messages, the user and their navigation — and renders a page template (see `crate::render`)
//! with a view model under it.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::http::{Method, StatusCode};
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use serde::Serialize;

use super::auth::extract::{CurrentUser, already_loaded, current_user};
use super::auth::session::{Flash, SessionState};
use super::error::{AppError, AppResult};
use super::remembered::{Lookup, PageKey, Turn};
use super::state::AppState;
use crate::domain::role::Role;
use crate::i18n::{self, Lang};

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct UserSummary {
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
}

#[derive(Serialize)]
pub struct Page {
    pub lang: Lang,
    pub csrf: String,
    pub title: String,
    pub school_name: String,
    pub path: String,
    pub flashes: Vec<Flash>,
    pub user: Option<UserSummary>,
    pub nav: Vec<NavItem>,
    #[serde(skip)]
    state: web::Data<AppState>,
    #[serde(skip)]
    session: Session,
    #[serde(skip)]
    req: HttpRequest,
    /// Where this page is kept once rendered: set when it asked for a kept copy and found none
    /// (see `remembered`).
    #[serde(skip)]
    keep: Option<Keep>,
}

struct Keep {
    version: i64,
    key: PageKey,
    /// This request renders the page for others asking for it at the same time.
    _turn: Option<Turn>,
}

/// What a template receives: the view model's fields, and the page frame under `page`. A view
/// field called `page` would hide the frame (and with it the CSRF token), so it is refused.
fn page_data<V: Serialize>(page: &Page, view: &V) -> anyhow::Result<serde_json::Value> {
    let mut data = serde_json::to_value(view)?;
    let Some(fields) = data.as_object_mut() else {
        anyhow::bail!("a view model must serialize to an object");
    };
    if fields.contains_key("page") {
        anyhow::bail!("a view model must not have a field named `page`");
    }
    fields.insert("page".into(), serde_json::to_value(page)?);
    Ok(data)
}

const NAV: &[(&str, &str, &[Role])] = &[
    ("/", "nav.home", &[]),
    ("/calendar", "nav.calendar", &[]),
    ("/attendance", "nav.attendance", &[Role::Admin, Role::Staff, Role::Lecturer, Role::Secretary]),
    ("/me/results", "nav.my_results", &[Role::Learner]),
    ("/me/certificates", "nav.my_certificates", &[Role::Learner]),
    ("/people", "nav.people", &[Role::Admin, Role::Staff, Role::Secretary]),
    ("/nominations", "nav.nominations", &[Role::Secretary]),
    ("/dossiers", "nav.dossiers", &[Role::Admin, Role::Staff, Role::Secretary]),
    ("/nominations/review", "nav.review", &[Role::Admin, Role::Staff]),
    ("/confirmations", "nav.confirmations", &[Role::Secretary]),
    ("/orgs", "nav.orgs", &[Role::Admin, Role::Staff]),
    ("/classes", "nav.classes", &[Role::Admin, Role::Staff, Role::Lecturer]),
    ("/programs", "nav.programs", &[Role::Admin, Role::Staff, Role::Lecturer]),
    ("/certificates", "nav.certificates", &[Role::Admin, Role::Staff]),
    ("/reports", "nav.reports", &[Role::Admin, Role::Staff]),
    ("/mail", "nav.mail", &[Role::Admin, Role::Staff]),
    ("/accounts", "nav.accounts", &[Role::Admin]),
    ("/audit", "nav.audit", &[Role::Admin]),
    ("/settings", "nav.settings", &[Role::Admin]),
    ("/settings/api-tokens", "nav.api_tokens", &[Role::Admin]),
];

impl Page {
    pub fn build(req: &HttpRequest, user: Option<&CurrentUser>) -> Self {
        let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered");
        let session = req.get_session();
        let s = SessionState(&session);
        let lang = user
            .and_then(|u| Lang::parse(&u.user.language))
            .or_else(|| s.lang().as_deref().and_then(Lang::parse))
            .unwrap_or(Lang::Vi);
        let path = req.path().to_owned();
        let nav = match user {
            None => Vec::new(),
            Some(u) => NAV
                .iter()
                .filter(|(_, _, roles)| roles.is_empty() || roles.iter().any(|r| u.has(*r)))
                .map(|(href, key, _)| NavItem {
                    href,
                    label: i18n::t(lang, key),
                    active: if *href == "/" { path == "/" } else { path.starts_with(href) },
                })
                .collect(),
        };
        let user = user.map(|u| UserSummary {
            name: u.user.display_name.clone(),
            email: u.user.email.clone(),
            roles: u.roles.iter().map(|r| i18n::t(lang, r.label_key())).collect(),
        });
        Self {
            lang,
            csrf: s.csrf_token(),
            title: String::new(),
            school_name: state.school().school_name,
            path,
            flashes: s.take_flashes(),
            user,
            nav,
            state: state.clone(),
            session,
            req: req.clone(),
            keep: None,
        }
    }

    /// The message for `key` in this page's language.
    pub fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }

    pub fn titled(mut self, key: &str) -> Self {
        self.title = self.t(key);
        self
    }

    pub fn with_title(mut self, title: String) -> Self {
        self.title = title;
        self
    }

    /// Queues a message for the page after the redirect.
    pub fn flash(&self, kind: &str, key: &str) {
        SessionState(&self.session).push_flash(kind, self.t(key));
    }

    pub fn flash_text(&self, kind: &str, text: String) {
        SessionState(&self.session).push_flash(kind, text);
    }

    pub fn session(&self) -> SessionState<'_> {
        SessionState(&self.session)
    }

    pub fn render<V: Serialize>(&self, template: &str, view: &V) -> AppResult<HttpResponse> {
        self.render_status(StatusCode::OK, template, view)
    }

    pub fn render_status<V: Serialize>(&self, status: StatusCode, template: &str, view: &V) -> AppResult<HttpResponse> {
        let body = Bytes::from(self.state.templates.render_value(template, page_data(self, view)?)?);
        if let Some(keep) = self.keep.as_ref().filter(|_| status == StatusCode::OK) {
            self.state.remembered.keep_page(keep.version, keep.key.clone(), body.clone());
        }
        Ok(html(status, body))
    }

    /// This page as rendered before for the same account, session, language, address and
    /// minute, if the database has not changed since (see `remembered`); otherwise None, and
    /// the page is kept when it renders. For pages that are a function of those and the rows
    /// only, asked after their access rule has passed.
    pub async fn remembered(&mut self) -> Option<HttpResponse> {
        let user = already_loaded(&self.req)?;
        if !self.flashes.is_empty() || self.req.method() != Method::GET {
            return None;
        }
        let version = self.state.data_version(&self.req)?;
        let key = PageKey {
            user_id: user.id(),
            session_version: user.user.session_version,
            csrf: self.csrf.clone(),
            lang: self.lang,
            uri: self.req.uri().path_and_query().map_or(self.path.as_str(), |p| p.as_str()).to_owned(),
            minute: self.state.clock().unix().div_euclid(60),
        };
        match self.state.remembered.page_or_turn(version, &key).await {
            Lookup::Kept(body) => Some(html(StatusCode::OK, body)),
            Lookup::Render(turn) => {
                self.keep = Some(Keep { version, key, _turn: turn });
                None
            }
        }
    }
}

fn html(status: StatusCode, body: Bytes) -> HttpResponse {
    HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body)
}

impl FromRequest for Page {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = current_user(&req).await?;
            Ok(Page::build(&req, user.as_ref()))
        })
    }
}

/// A page for an error status, in the user's language, with whatever is known of the user.
pub fn error_page(req: &HttpRequest, status: StatusCode, title_key: &str, message_key: &str) -> Option<String> {
    let user = already_loaded(req);
    let page = Page::build(req, user.as_ref()).titled(title_key);
    #[derive(Serialize)]
    struct ErrorView {
        status: u16,
        message: String,
    }
    let view = ErrorView { status: status.as_u16(), message: page.t(message_key) };
    page.state.templates.render_value("error", page_data(&page, &view).ok()?).ok()
}

/// A redirect after a successful POST (303 See Other, so the browser follows with GET).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((actix_web::http::header::LOCATION, location)).finish()
}
