use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::extract::{Anyone, LoggedIn};
use super::password;
use crate::i18n::{self, Lang};
use crate::store::users;
use crate::web::error::AppResult;
use crate::web::forms::FieldErrors;
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    #[serde(skip_serializing)]
    password: String,
    next: String,
}

#[derive(Serialize)]
struct LoginView<'a> {
    form: &'a LoginForm,
    error: Option<String>,
    logged_out: bool,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    logged_out: Option<String>,
}

/// The address login throttling counts: the peer, or behind a trusted proxy the client it names
/// (otherwise every user behind the proxy would share one address and one limit).
fn client_address(req: &HttpRequest, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for && let Some(client) = req.connection_info().realip_remote_addr() {
        return client.to_owned();
    }
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_default()
}

/// Only local paths, so the login form cannot be used to send people elsewhere.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") { next } else { "/" }
}

pub async fn login_form(who: Anyone, page: Page, query: web::Query<LoginQuery>) -> AppResult<HttpResponse> {
    if who.0.is_some() {
        return Ok(see_other(safe_next(query.next.as_deref().unwrap_or("/"))));
    }
    let form = LoginForm { next: query.next.clone().unwrap_or_default(), ..Default::default() };
    let view = LoginView { form: &form, error: None, logged_out: query.logged_out.is_some() };
    page.titled("auth.login.title").render("auth/login", &view)
}

pub async fn login(
    _: Anyone,
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let address = client_address(&req, state.config.trust_forwarded_for);
    let refuse = |page: Page, status: StatusCode, message: String| {
        let view = LoginView { form: &form, error: Some(message), logged_out: false };
        page.titled("auth.login.title").render_status(status, "auth/login", &view)
    };
    if let Some(minutes) = state.throttle.blocked_for(&form.email, &address) {
        let message = i18n::t_with(page.lang, "auth.throttled", &[("minutes", &minutes.to_string())]);
        tracing::warn!("login throttled");
        return refuse(page, StatusCode::TOO_MANY_REQUESTS, message);
    }
    let email = form.email.clone();
    let user = state.db(move |c| users::find_by_email(c, &email)).await?;
    let candidate = form.password.clone();
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let password_ok = web::block(move || password::verify(stored.as_deref(), &candidate)).await?;
    match user {
        Some(user) if password_ok && user.active => {
            state.throttle.record_success(&form.email);
            page.session().log_in(user.id, user.session_version);
            tracing::info!(user = user.id, "login");
            if user.must_change_password {
                page.flash("info", "auth.must_change_password");
                return Ok(see_other("/account/password"));
            }
            Ok(see_other(safe_next(&form.next)))
        }
        _ => {
            state.throttle.record_failure(&form.email, &address);
            tracing::info!("login failed");
            let message = page.t("auth.login.failed");
            refuse(page, StatusCode::UNAUTHORIZED, message)
        }
    }
}

pub async fn logout(who: Anyone, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    // A copy of the cookie kept from before the logout must not stay valid.
    if let Some(user) = who.0 {
        let id = user.id();
        state.db(move |c| users::end_sessions(c, id)).await?;
    }
    page.session().log_out();
    Ok(see_other("/login?logged_out=1"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

#[derive(Serialize)]
struct PasswordView {
    errors: FieldErrors,
}

pub async fn password_form(_: LoggedIn, page: Page) -> AppResult<HttpResponse> {
    page.titled("password.title").render("auth/password", &PasswordView { errors: FieldErrors::default() })
}

pub async fn change_password(
    user: LoggedIn,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let stored = user.user.password_hash.clone();
    let current = form.current.clone();
    if !web::block(move || password::verify(stored.as_deref(), &current)).await? {
        errors.add(page.lang, "current", "password.error.current_wrong");
    }
    password::check_new(&mut errors, page.lang, &form.new, &form.confirm, &user.user.email);
    if !errors.is_empty() {
        return page.titled("password.title").render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "auth/password",
            &PasswordView { errors },
        );
    }
    let new = form.new;
    let hash = web::block(move || password::hash(&new)).await?;
    let (id, actor) = (user.id(), user.actor());
    let version = state.db(move |c| users::set_password(c, &actor, id, &hash, false)).await?;
    // Other sessions of this account end; this one carries on with the new version.
    page.session().set_session_version(version);
    page.flash("success", "password.changed");
    Ok(see_other("/"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LanguageForm {
    lang: String,
    next: String,
}

pub async fn set_language(
    who: Anyone,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<LanguageForm>,
) -> AppResult<HttpResponse> {
    let lang = Lang::parse(&form.lang).unwrap_or(Lang::Vi);
    page.session().set_lang(lang.code());
    if let Some(user) = who.0 {
        let id = user.id();
        state.db(move |c| users::set_language(c, id, lang.code())).await?;
    }
    Ok(see_other(safe_next(&form.next)))
}
