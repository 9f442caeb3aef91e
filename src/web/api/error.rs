//! The API's one error shape: `{"error": {"code": "not_found", "message": "…"}}` with the
//! matching HTTP status. Handlers return `ApiError`; whatever fails before a handler runs (an
//! unknown path, a wrong method, a query that does not parse) is turned into the same shape by
//! the error-page middleware through `json_for_status`, so no API client ever gets an HTML page.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::{self, Lang};
use crate::store::StoreError;
use crate::web::error::AppError;

/// Every path under this prefix answers in JSON.
pub const PREFIX: &str = "/api/";

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A parameter is not what the API expects; the key names the message.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("no valid token")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The token's requests of this minute are used up; the seconds until the next one.
    #[error("too many requests")]
    TooManyRequests(i64),
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Unexpected(anyhow::Error),
}

/// The body of every error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// bad_request, unauthorized, forbidden, not_found, method_not_allowed,
    /// too_many_requests, internal_error or unavailable.
    #[schema(example = "not_found")]
    pub code: String,
    /// What went wrong, in Vietnamese.
    pub message: String,
}

/// The code and default message key of a status.
fn code_of(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("bad_request", "api.error.bad_request"),
        401 => ("unauthorized", "api.error.unauthorized"),
        403 => ("forbidden", "api.error.forbidden"),
        404 => ("not_found", "api.error.not_found"),
        405 => ("method_not_allowed", "api.error.method_not_allowed"),
        413 => ("payload_too_large", "api.error.payload_too_large"),
        429 => ("too_many_requests", "api.error.too_many_requests"),
        503 => ("unavailable", "api.error.unavailable"),
        _ => ("internal_error", "api.error.internal"),
    }
}

/// An error response with the standard body.
pub fn json_error(status: StatusCode, message_key: &str) -> HttpResponse {
    let (code, _) = code_of(status);
    let body = ErrorBody { error: ErrorDetail { code: code.into(), message: i18n::t(Lang::Vi, message_key) } };
    let mut res = HttpResponse::build(status);
    if status == StatusCode::UNAUTHORIZED {
        res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
    }
    res.json(body)
}

/// The standard body for a status reached without a handler (unknown path, wrong method …).
pub fn json_for_status(status: StatusCode) -> HttpResponse {
    json_error(status, code_of(status).1)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        match self {
            ApiError::BadRequest(key) => json_error(status, key),
            ApiError::TooManyRequests(wait) => {
                let mut res = json_for_status(status);
                res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(*wait));
                res
            }
            ApiError::Busy => {
                let mut res = json_for_status(status);
                let wait = header::HeaderValue::from_static(crate::web::error::RETRY_AFTER_BUSY);
                res.headers_mut().insert(header::RETRY_AFTER, wait);
                res
            }
            ApiError::Unexpected(e) => {
                tracing::error!(error = ?e, "API request failed");
                json_for_status(status)
            }
            _ => json_for_status(status),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => ApiError::NotFound,
            AppError::Forbidden => ApiError::Forbidden,
            AppError::Busy => ApiError::Busy,
            AppError::BadRequest(key) => ApiError::BadRequest(key),
            AppError::Unexpected(e) => ApiError::Unexpected(e),
            other => ApiError::Unexpected(anyhow::anyhow!("{other}")),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_the_api_answers_has_its_code_and_a_vietnamese_message() {
        for (status, code) in [
            (400, "bad_request"),
            (401, "unauthorized"),
            (403, "forbidden"),
            (404, "not_found"),
            (405, "method_not_allowed"),
            (429, "too_many_requests"),
            (500, "internal_error"),
        ] {
            let status = StatusCode::from_u16(status).unwrap();
            let (found, key) = code_of(status);
            assert_eq!(found, code);
            assert_ne!(i18n::t(Lang::Vi, key), key, "{key} has no message");
        }
    }
}
