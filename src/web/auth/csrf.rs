//! The synchronizer CSRF token, checked in one place for every state-changing request: this
//! middleware reads the token from the `X-CSRF-Token` header or the `csrf_token` field of an
//! urlencoded form, compares it with the session's, and refuses with 403 before any handler
//! runs. The body is put back for the handler.

use actix_session::SessionExt;
use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web::Bytes;

use super::session::SessionState;
use crate::credentials::token::constant_time_eq;
use crate::web::error::AppError;

pub const FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";

pub async fn verify<B: MessageBody>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.call(req).await.map(ServiceResponse::map_into_left_body);
    }
    let expected = SessionState(&req.get_session()).existing_csrf_token();
    let header = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let provided = match header {
        Some(token) => Some(token),
        None if is_urlencoded(&req) => {
            let body = req.extract::<Bytes>().await?;
            let token = form_field(&body, FIELD);
            req.set_payload(body.into());
            token
        }
        None => None,
    };
    match (expected, provided) {
        (Some(expected), Some(provided)) if constant_time_eq(&expected, &provided) => {
            next.call(req).await.map(ServiceResponse::map_into_left_body)
        }
        _ => {
            tracing::warn!("CSRF check failed");
            // A response, not an Err: the error-page middleware outside renders it.
            Ok(req.into_response(AppError::Csrf.error_response()).map_into_right_body())
        }
    }
}

fn is_urlencoded(req: &ServiceRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::form_field;

    #[test]
    fn finds_the_token_among_fields() {
        assert_eq!(form_field(b"a=1&csrf_token=abc%2Bd&b=2", "csrf_token").as_deref(), Some("abc+d"));
        assert_eq!(form_field(b"a=1", "csrf_token"), None);
    }
}
