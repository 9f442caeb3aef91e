//! Setting a password from an emailed link (invitation or reset), and asking for a reset link.
//! The forgot-password answer is the same whether or not the address has an account.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::extract::Anyone;
use crate::mail::invitations;
use crate::store::audit::Actor;
use crate::store::tokens::{self, TokenState};
use crate::store::users::{self, User};
use crate::web::error::AppResult;
use crate::web::forms::{FieldErrors, looks_like_email};
use crate::web::page::{Page, see_other};
use crate::web::state::AppState;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

#[derive(Serialize)]
struct ForgotView<'a> {
    form: &'a ForgotForm,
    sent: bool,
    errors: FieldErrors,
}

pub async fn forgot_form(_: Anyone, page: Page) -> AppResult<HttpResponse> {
    let form = ForgotForm::default();
    page.titled("recovery.forgot.title")
        .render("auth/forgot", &ForgotView { form: &form, sent: false, errors: FieldErrors::default() })
}

pub async fn forgot(
    _: Anyone,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<ForgotForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let email = form.email.trim().to_lowercase();
    if !looks_like_email(&email) {
        let mut errors = FieldErrors::default();
        errors.add(page.lang, "email", "recovery.error.email");
        let view = ForgotView { form: &form, sent: false, errors };
        return page.titled("recovery.forgot.title").render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "auth/forgot",
            &view,
        );
    }
    let (ctx, now) = (state.mail_context(), state.clock().now_utc());
    let queued = state
        .db(move |c| {
            crate::store::write_tx(c, |c| match users::find_by_email(c, &email)? {
                Some(user) if user.active => invitations::reset(c, &ctx, &user, now),
                _ => Ok(false),
            })
        })
        .await?;
    if queued {
        state.wake_mail_worker();
    }
    // The same page either way: it must not tell whether the address has an account.
    let view = ForgotView { form: &form, sent: true, errors: FieldErrors::default() };
    page.titled("recovery.forgot.title").render("auth/forgot", &view)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SetPasswordForm {
    new: String,
    confirm: String,
}

#[derive(Serialize)]
struct SetPasswordView {
    action: String,
    email: String,
    errors: FieldErrors,
}

#[derive(Serialize)]
struct InvalidLinkView {
    message: String,
}

fn invalid_link(page: Page, state: TokenState) -> AppResult<HttpResponse> {
    let (status, key) = match state {
        TokenState::Expired => (StatusCode::GONE, "recovery.link.expired"),
        TokenState::Used => (StatusCode::GONE, "recovery.link.used"),
        _ => (StatusCode::NOT_FOUND, "recovery.link.unknown"),
    };
    let view = InvalidLinkView { message: page.t(key) };
    page.titled("recovery.link.title").render_status(status, "auth/link_invalid", &view)
}

/// The token's state and, when it is usable, its account.
async fn lookup(state: &AppState, token: &str, purpose: &'static str) -> AppResult<(TokenState, Option<User>)> {
    let (token, now) = (token.to_owned(), state.clock().now_utc());
    state
        .db(move |c| {
            let s = tokens::check(c, &token, purpose, now)?;
            let user = match s {
                TokenState::Valid { user_id, .. } => Some(users::find(c, user_id)?),
                _ => None,
            };
            Ok((s, user))
        })
        .await
}

fn action(purpose: &str, token: &str) -> String {
    format!("/{}/{token}", tokens::link_path(purpose))
}

async fn show(page: Page, state: web::Data<AppState>, token: String, purpose: &'static str) -> AppResult<HttpResponse> {
    let (token_state, user) = lookup(&state, &token, purpose).await?;
    let Some(user) = user else {
        return invalid_link(page, token_state);
    };
    let view = SetPasswordView { action: action(purpose, &token), email: user.email, errors: FieldErrors::default() };
    page.titled(title_key(purpose)).render("auth/set_password", &view)
}

fn title_key(purpose: &str) -> &'static str {
    if purpose == tokens::INVITE { "recovery.invite.title" } else { "recovery.reset.title" }
}

async fn set(
    page: Page,
    state: web::Data<AppState>,
    token: String,
    purpose: &'static str,
    form: SetPasswordForm,
) -> AppResult<HttpResponse> {
    let (token_state, user) = lookup(&state, &token, purpose).await?;
    let (TokenState::Valid { token_id, .. }, Some(user)) = (token_state, user) else {
        return invalid_link(page, token_state);
    };
    let mut errors = FieldErrors::default();
    super::handlers::check_new(&mut errors, page.lang, &form.new, &form.confirm, &user);
    if !errors.is_empty() {
        let view = SetPasswordView { action: action(purpose, &token), email: user.email, errors };
        return page.titled(title_key(purpose)).render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "auth/set_password",
            &view,
        );
    }
    let hash = state.hasher.hash(&form.new).await?;
    let actor = Actor { user_id: Some(user.id), label: user.email.clone() };
    let used = state
        .db(move |c| {
            crate::store::write_tx(c, |c| {
                // Consumed in the same transaction as the change: of two submissions, one wins.
                // Setting the password ends the account's other links and sessions.
                if !tokens::consume(c, token_id)? {
                    return Ok(false);
                }
                users::set_password(c, &actor, user.id, &hash, None)?;
                Ok(true)
            })
        })
        .await?;
    if !used {
        return invalid_link(page, TokenState::Used);
    }
    page.flash("success", "recovery.password_set");
    Ok(see_other("/login"))
}

pub async fn invite_form(
    _: Anyone,
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    show(page, state, token.into_inner(), tokens::INVITE).await
}

pub async fn invite_set(
    _: Anyone,
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<SetPasswordForm>,
) -> AppResult<HttpResponse> {
    set(page, state, token.into_inner(), tokens::INVITE, form.into_inner()).await
}

pub async fn reset_form(
    _: Anyone,
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> AppResult<HttpResponse> {
    show(page, state, token.into_inner(), tokens::RESET).await
}

pub async fn reset_set(
    _: Anyone,
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<SetPasswordForm>,
) -> AppResult<HttpResponse> {
    set(page, state, token.into_inner(), tokens::RESET, form.into_inner()).await
}
