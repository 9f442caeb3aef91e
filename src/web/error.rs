//! The one error type of the web layer. Responses carry only a status and an `ErrorPage` marker;
//! the `error_pages` middleware turns them into a friendly page in the user's language, because
//! only there are the session, the language and the templates at hand.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};

use crate::store::StoreError;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not logged in")]
    Unauthorized { next: String },
    /// Logged in with a password that must be changed first.
    #[error("the password must be changed first")]
    PasswordChangeRequired,
    /// Too much work queued (password hashing): try again in a moment.
    #[error("busy")]
    Busy,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Marker telling the error-page middleware which message to show.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage {
    pub title_key: &'static str,
    pub message_key: &'static str,
}

impl ErrorPage {
    pub fn for_status(status: StatusCode) -> Self {
        let (title_key, message_key) = match status.as_u16() {
            400 => ("error.400.title", "error.400.message"),
            403 => ("error.403.title", "error.403.message"),
            404 => ("error.404.title", "error.404.message"),
            405 => ("error.405.title", "error.405.message"),
            409 => ("error.409.title", "error.409.message"),
            413 => ("error.413.title", "error.413.message"),
            503 => ("error.503.title", "error.503.message"),
            _ => ("error.500.title", "error.500.message"),
        };
        Self { title_key, message_key }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Unauthorized { .. } | AppError::PasswordChangeRequired => StatusCode::SEE_OTHER,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let AppError::Unauthorized { next } = self {
            let location = format!("/login?next={}", urlencode(next));
            return HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish();
        }
        if let AppError::PasswordChangeRequired = self {
            let location = crate::web::auth::extract::CHANGE_PASSWORD_PATH;
            return HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish();
        }
        if let AppError::Unexpected(e) = self {
            tracing::error!(error = ?e, "request failed");
        }
        let mut page = ErrorPage::for_status(status);
        match self {
            AppError::Csrf => page.message_key = "error.csrf.message",
            AppError::BadRequest(key) | AppError::Conflict(key) => page.message_key = key,
            _ => {}
        }
        let mut builder = HttpResponse::build(status);
        if let AppError::Busy = self {
            builder.insert_header((header::RETRY_AFTER, RETRY_AFTER_BUSY));
        }
        let mut response = builder.finish();
        response.extensions_mut().insert(page);
        response
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(key) => AppError::Conflict(key),
            StoreError::Database(e) => AppError::Unexpected(e.into()),
            StoreError::Other(e) => AppError::Unexpected(e),
        }
    }
}

/// Seconds a client is asked to wait when the server is busy.
pub const RETRY_AFTER_BUSY: &str = "2";

impl From<crate::credentials::password::HashError> for AppError {
    fn from(e: crate::credentials::password::HashError) -> Self {
        match e {
            crate::credentials::password::HashError::Busy => AppError::Busy,
            other => AppError::Unexpected(other.into()),
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Unexpected(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

pub fn urlencode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for b in input.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
