//! Who is calling the API: the account of the bearer token in the `Authorization` header, never
//! the session cookie (so the API needs no CSRF token, and a browser that is only logged in gets
//! 401). Like the page extractors, each of these is a handler's first argument and carries the
//! route's access rule into the route table (`Access::Token`).

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::error::ApiError;
use super::limit;
use crate::domain::role::Role;
use crate::store::{StoreError, api_tokens, users};
use crate::web::auth::extract::CurrentUser;
use crate::web::routes::{Access, AccessRule};
use crate::web::state::AppState;

/// The token of an `Authorization: Bearer …` header.
fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The active account of the request's token, or 401.
async fn token_account(req: &HttpRequest) -> Result<CurrentUser, ApiError> {
    let token = bearer(req).ok_or(ApiError::Unauthorized)?;
    let state = req.app_data::<web::Data<AppState>>().expect("AppState is registered").clone();
    // Counted before the database is asked, so a runaway client costs no queries.
    limit::TOKENS
        .admit(&api_tokens::hash(&token), state.config.clock.unix(), limit::PER_MINUTE)
        .map_err(ApiError::TooManyRequests)?;
    let now = state.config.clock.now_utc();
    let account = state
        .db(move |c| match api_tokens::authenticate(c, &token, now)? {
            // An account that no longer exists is no one: 401, like an unknown token.
            Some(user_id) => match users::account(c, user_id) {
                Ok(account) => Ok(Some(account)),
                Err(StoreError::NotFound) => Ok(None),
                Err(e) => Err(e),
            },
            None => Ok(None),
        })
        .await?;
    match account {
        Some(account) if account.user.active => Ok(CurrentUser(Arc::new(account))),
        _ => Err(ApiError::Unauthorized),
    }
}

type ExtractFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

macro_rules! token_extractor {
    ($(#[$doc:meta])* $name:ident, [$($role:ident),+]) => {
        $(#[$doc])*
        pub struct $name(pub CurrentUser);

        impl AccessRule for $name {
            const ACCESS: Access = Access::Token(&[$(Role::$role),+]);
        }

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = ExtractFuture<Self>;
            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let req = req.clone();
                Box::pin(async move {
                    let user = token_account(&req).await?;
                    if Self::ACCESS.allows(&user.roles) {
                        Ok($name(user))
                    } else {
                        tracing::info!(user = user.id(), path = req.path(), "API access denied");
                        Err(ApiError::Forbidden)
                    }
                })
            }
        }

        impl Deref for $name {
            type Target = CurrentUser;
            fn deref(&self) -> &CurrentUser {
                &self.0
            }
        }
    };
}

token_extractor!(
    /// People: staff and admins all, a secretary their units' people, a learner themself.
    ApiPeopleReader, [Admin, Staff, Secretary, Learner]
);
token_extractor!(
    /// Classes and what is in them: staff and admins every class, a lecturer the classes they
    /// teach, a secretary the classes their people attend (their people's lines only), a
    /// learner their own classes (their own lines only).
    ApiClassReader, [Admin, Staff, Lecturer, Secretary, Learner]
);
token_extractor!(
    /// Certificates: staff and admins the registers, a learner their own (as on the pages).
    ApiCertificateReader, [Admin, Staff, Learner]
);

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn only_a_bearer_header_carries_a_token() {
        let with = |v: &str| bearer(&TestRequest::default().insert_header((AUTHORIZATION, v)).to_http_request());
        assert_eq!(with("Bearer bd_abc").as_deref(), Some("bd_abc"));
        assert_eq!(with("bearer  bd_abc ").as_deref(), Some("bd_abc"));
        assert_eq!(with("Basic dXNlcjpwYXNz"), None);
        assert_eq!(with("Bearer "), None);
        assert_eq!(with("bd_abc"), None);
        assert_eq!(bearer(&TestRequest::default().to_http_request()), None);
    }
}
