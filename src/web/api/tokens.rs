//! The admin's page of API tokens (`/settings/api-tokens`): issue a token for an account, see
//! which exist (by name, account, prefix and last use) and revoke one. A new token is shown in
//! full once, on the page the issuing redirects to, and is then gone: it travels there in the
//! session (an encrypted cookie) and is removed as soon as it is shown.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::domain::dates;
use crate::store::api_tokens::{self, TokenRow};
use crate::store::users::{self, AccountRow};
use crate::web::auth::extract::AdminUser;
use crate::web::error::AppResult;
use crate::web::forms::{self, FieldErrors};
use crate::web::page::{Page, see_other};
use crate::web::routes::Router;
use crate::web::state::AppState;

pub const PATH: &str = "/settings/api-tokens";

/// The session key the new token waits under until the page shows it.
const ISSUED_KEY: &str = "api_token_issued";

const NAME_MAX: usize = 100;

pub fn routes(r: &mut Router) {
    r.get(PATH, page).post(PATH, issue).post("/settings/api-tokens/{id}/revoke", revoke);
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct IssueForm {
    name: String,
    user_id: String,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    name: String,
    account: String,
    email: String,
    prefix: String,
    created_at: String,
    last_used_at: String,
    revoked_at: Option<String>,
}

impl From<TokenRow> for Row {
    fn from(r: TokenRow) -> Self {
        Self {
            id: r.token.id,
            name: r.token.name,
            account: r.user_name,
            email: r.user_email,
            prefix: r.token.prefix,
            created_at: dates::format_timestamp(r.token.created_at),
            last_used_at: r.token.last_used_at.map(dates::format_timestamp).unwrap_or_default(),
            revoked_at: r.token.revoked_at.map(dates::format_timestamp),
        }
    }
}

#[derive(Serialize)]
struct AccountOption {
    id: i64,
    label: String,
    selected: bool,
}

#[derive(Serialize)]
struct TokensView {
    rows: Vec<Row>,
    accounts: Vec<AccountOption>,
    form: IssueForm,
    errors: FieldErrors,
    /// The token just issued, shown this once.
    issued: Option<String>,
    public_url: String,
}

async fn render(
    page: Page,
    state: &AppState,
    form: IssueForm,
    errors: FieldErrors,
    issued: Option<String>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (rows, accounts) = state.db(|c| Ok((api_tokens::list(c)?, users::list(c)?))).await?;
    let selected = form.user_id.trim().to_owned();
    let accounts = accounts
        .into_iter()
        .filter(|a: &AccountRow| a.active)
        .map(|a| AccountOption {
            selected: a.id.to_string() == selected,
            label: format!("{} ({})", a.display_name, a.email),
            id: a.id,
        })
        .collect();
    let view = TokensView {
        rows: rows.into_iter().map(Row::from).collect(),
        accounts,
        form,
        errors,
        issued,
        public_url: state.config.public_url.trim_end_matches('/').to_owned(),
    };
    page.titled("api.tokens.title").render_status(status, "api/tokens", &view)
}

async fn page(_: AdminUser, page: Page, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let issued = page.session().0.remove_as::<String>(ISSUED_KEY).and_then(Result::ok);
    render(page, &state, IssueForm::default(), FieldErrors::default(), issued, StatusCode::OK).await
}

async fn issue(
    user: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<IssueForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let name = forms::required_text(&mut errors, page.lang, "name", &form.name, NAME_MAX);
    let owner = forms::id(&form.user_id);
    let active = match owner {
        Some(id) => state.db(move |c| Ok(users::find(c, id).ok().filter(|u| u.active).is_some())).await?,
        None => false,
    };
    if !active {
        errors.add(page.lang, "user_id", "api.tokens.error.account");
    }
    let (Some(owner), true) = (owner, errors.is_empty()) else {
        return render(page, &state, form, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let actor = user.actor();
    let now = state.config.clock.now_utc();
    let issued = state.db(move |c| api_tokens::issue(c, &actor, owner, &name, now)).await?;
    page.session().0.insert(ISSUED_KEY, issued.token).map_err(|e| anyhow::anyhow!("session: {e}"))?;
    page.flash("success", "api.tokens.issued");
    Ok(see_other(PATH))
}

async fn revoke(
    user: AdminUser,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let actor = user.actor();
    let now = state.config.clock.now_utc();
    match state.db(move |c| api_tokens::revoke(c, &actor, id, now)).await {
        Ok(()) => page.flash("success", "api.tokens.revoked"),
        Err(crate::web::error::AppError::Conflict(key)) => page.flash("info", key),
        Err(e) => return Err(e),
    }
    Ok(see_other(PATH))
}
