use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::extract::{Anyone, LoggedIn};
use crate::credentials::password::HashError;
use crate::credentials::policy::{self, MAX_LENGTH};
use crate::i18n::{self, Lang};
use crate::store::login_throttle::{self, Keys, Reservation};
use crate::store::users;
use crate::web::error::{AppError, AppResult, RETRY_AFTER_BUSY};
use crate::web::forms::FieldErrors;
use crate::web::page::{Page, see_other};
use crate::web::redirect::local_path;
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

pub async fn login_form(who: Anyone, page: Page, query: web::Query<LoginQuery>) -> AppResult<HttpResponse> {
    if who.0.is_some() {
        return Ok(see_other(local_path(query.next.as_deref().unwrap_or("/"))));
    }
    let form = LoginForm { next: query.next.clone().unwrap_or_default(), ..Default::default() };
    let view = LoginView { form: &form, error: None, logged_out: query.logged_out.is_some() };
    page.titled("auth.login.title").render("auth/login", &view)
}

/// Reserves a password check with the login throttle (see `store::login_throttle`).
async fn reserve(state: &AppState, keys: &Keys) -> AppResult<Reservation> {
    let (keys, limits, now) = (keys.clone(), state.throttle_limits(), state.clock().unix());
    state.db(move |c| login_throttle::reserve(c, &keys, &limits, now)).await
}

/// Verifies a password through the server's hasher. When the hasher is busy the reserved attempt
/// is given back, since it was never checked.
async fn verify_reserved(state: &AppState, keys: &Keys, stored: Option<String>, candidate: &str) -> AppResult<bool> {
    match state.hasher.verify(stored, candidate).await {
        Ok(ok) => Ok(ok),
        Err(HashError::Busy) => {
            let keys = keys.clone();
            state.db(move |c| login_throttle::release(c, &keys)).await?;
            tracing::warn!("password check refused: hashing is busy");
            Err(AppError::Busy)
        }
        Err(e) => Err(e.into()),
    }
}

async fn throttle_succeeded(state: &AppState, keys: &Keys) -> AppResult<()> {
    let keys = keys.clone();
    state.db(move |c| login_throttle::succeeded(c, &keys)).await
}

fn throttled_message(lang: Lang, reservation: Reservation) -> String {
    i18n::t_with(lang, "auth.throttled", &[("minutes", &reservation.wait_minutes().to_string())])
}

pub async fn login(
    _: Anyone,
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let refuse = |page: Page, status: StatusCode, message: String| {
        let view = LoginView { form: &form, error: Some(message), logged_out: false };
        page.titled("auth.login.title").render_status(status, "auth/login", &view)
    };
    let keys = Keys::new(&form.email, &state.client_address(&req));
    let reservation = reserve(&state, &keys).await?;
    if reservation != Reservation::Allowed {
        tracing::warn!("login throttled");
        let message = throttled_message(page.lang, reservation);
        return refuse(page, StatusCode::TOO_MANY_REQUESTS, message);
    }
    // Nothing longer than an email address or a password may be is looked up or hashed.
    let in_bounds = form.email.chars().count() <= MAX_LENGTH && form.password.chars().count() <= MAX_LENGTH;
    let email = form.email.clone();
    let user = if in_bounds { state.db(move |c| users::find_by_email(c, &email)).await? } else { None };
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let verified = if in_bounds { verify_reserved(&state, &keys, stored, &form.password).await } else { Ok(false) };
    let password_ok = match verified {
        Ok(ok) => ok,
        Err(AppError::Busy) => {
            let message = page.t("error.503.message");
            let mut res = refuse(page, StatusCode::SERVICE_UNAVAILABLE, message)?;
            res.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_BUSY));
            return Ok(res);
        }
        Err(e) => return Err(e),
    };
    match user {
        Some(user) if password_ok && user.active && user.one_time_password_expired(state.clock().now_utc()) => {
            tracing::info!(user = user.id, "login with an expired one-time password");
            let message = page.t("auth.one_time_expired");
            refuse(page, StatusCode::UNAUTHORIZED, message)
        }
        Some(user) if password_ok && user.active => {
            throttle_succeeded(&state, &keys).await?;
            page.session().log_in(user.id, user.session_version, state.clock().unix());
            tracing::info!(user = user.id, "login");
            if user.must_change_password {
                return Ok(see_other(super::extract::CHANGE_PASSWORD_PATH));
            }
            Ok(see_other(local_path(&form.next)))
        }
        _ => {
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
    /// A one-time password is being replaced: say why this page comes first.
    must_change: bool,
}

pub async fn password_form(user: LoggedIn, page: Page) -> AppResult<HttpResponse> {
    let view = PasswordView { errors: FieldErrors::default(), must_change: user.user.must_change_password };
    page.titled("password.title").render("auth/password", &view)
}

/// Checks a new password against the policy and its confirmation, with a message on the field at
/// fault.
pub(super) fn check_new(errors: &mut FieldErrors, lang: Lang, new_password: &str, confirm: &str, user: &users::User) {
    if let Some(key) = policy::violation(new_password, &user.email, &user.display_name) {
        errors.add(lang, "new", key);
    } else if new_password != confirm {
        errors.add(lang, "confirm", "password.error.mismatch");
    }
}

/// Wrong current passwords count with the login throttle, like failed logins of the account.
pub async fn change_password(
    user: LoggedIn,
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<PasswordForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let keys = Keys::new(&user.user.email, &state.client_address(&req));
    let reservation = reserve(&state, &keys).await?;
    let status = if reservation != Reservation::Allowed {
        tracing::warn!(user = user.id(), "password change throttled");
        errors.add_text("current", throttled_message(page.lang, reservation));
        StatusCode::TOO_MANY_REQUESTS
    } else {
        let stored = user.user.password_hash.clone();
        let in_bounds = form.current.chars().count() <= MAX_LENGTH;
        if in_bounds && verify_reserved(&state, &keys, stored, &form.current).await? {
            throttle_succeeded(&state, &keys).await?;
        } else {
            errors.add(page.lang, "current", "password.error.current_wrong");
        }
        check_new(&mut errors, page.lang, &form.new, &form.confirm, &user.user);
        StatusCode::UNPROCESSABLE_ENTITY
    };
    if !errors.is_empty() {
        let view = PasswordView { errors, must_change: user.user.must_change_password };
        return page.titled("password.title").render_status(status, "auth/password", &view);
    }
    let hash = state.hasher.hash(&form.new).await?;
    let (id, actor) = (user.id(), user.actor());
    let version = state.db(move |c| users::set_password(c, &actor, id, &hash, None)).await?;
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
    Ok(see_other(local_path(&form.next)))
}
