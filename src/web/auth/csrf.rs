//! The synchronizer CSRF token, checked in one place for every state-changing request: this
//! middleware reads the token from the `X-CSRF-Token` header, the `csrf_token` field of an
//! urlencoded form, or the first field of a multipart form (a file upload: the form puts the
//! token before the file), compares it with the session's, and refuses with 403 before any
//! handler runs. What was read of the body is put back for the handler.

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
    // The API reads no cookie (its callers present a bearer token), so a forged cross-site
    // request carries nothing it would accept: there is no session token to check.
    let api = req.path().starts_with(crate::web::api::error::PREFIX);
    if api || matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
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
        None if is_multipart(&req) => multipart_token(&mut req).await,
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

fn is_multipart(req: &ServiceRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"))
}

/// How much of a multipart body is read to find the token: its first part is a few dozen bytes.
const MULTIPART_PREFIX: usize = 16 * 1024;

/// The value of a multipart form's first field when it is the token. Reads at most
/// `MULTIPART_PREFIX` bytes of the body (never the whole file) and puts them back in front of
/// the rest, which the handler then streams with its own size limit.
async fn multipart_token(req: &mut ServiceRequest) -> Option<String> {
    use actix_web::HttpMessage;
    use actix_web::dev::Payload;
    use actix_web::error::PayloadError;
    use futures_util::{StreamExt, stream};
    use std::pin::Pin;

    let mut rest = req.take_payload();
    let mut prefix = actix_web::web::BytesMut::new();
    let mut failed = None;
    while prefix.len() < MULTIPART_PREFIX {
        match rest.next().await {
            Some(Ok(chunk)) => prefix.extend_from_slice(&chunk),
            Some(Err(e)) => {
                failed = Some(e);
                break;
            }
            None => break,
        }
    }
    let prefix = prefix.freeze();
    let token = first_field(req.headers(), prefix.clone()).await;
    let front = stream::iter([Ok::<_, PayloadError>(prefix)]).chain(stream::iter(failed.map(Err)));
    let body: Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(front.chain(rest));
    req.set_payload(Payload::Stream { payload: body });
    token
}

/// The first field of a multipart body (or its beginning), if it is named `csrf_token` and
/// ends within `head`.
async fn first_field(headers: &actix_web::http::header::HeaderMap, head: Bytes) -> Option<String> {
    use futures_util::{StreamExt, stream};
    let mut parts =
        actix_multipart::Multipart::new(headers, stream::iter([Ok::<_, actix_web::error::PayloadError>(head)]));
    let mut field = parts.next().await?.ok()?;
    if field.name() != Some(FIELD) {
        return None;
    }
    let mut value = Vec::new();
    while let Some(chunk) = field.next().await {
        value.extend_from_slice(&chunk.ok()?);
        if value.len() > 256 {
            return None;
        }
    }
    String::from_utf8(value).ok()
}

/// The first field `name` of an urlencoded body, read in place up to it: a sheet posts hundreds
/// of fields after the token, and copying all of them to find it was a twentieth of a save's time.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::{first_field, form_field};

    #[actix_web::test]
    async fn finds_the_token_first_in_a_multipart_form() {
        let mut headers = actix_web::http::header::HeaderMap::new();
        headers.insert(actix_web::http::header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ".parse().unwrap());
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc-123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nHọ và tên";
        assert_eq!(first_field(&headers, body.into()).await.as_deref(), Some("abc-123"), "only a prefix of the file");
        let file_first = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ--\r\n";
        assert_eq!(first_field(&headers, file_first.into()).await, None, "the token must come first");
        let cut = "--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc";
        assert_eq!(first_field(&headers, cut.into()).await, None, "a token cut off is no token");
    }

    #[test]
    fn finds_the_token_among_fields() {
        assert_eq!(form_field(b"a=1&csrf_token=abc%2Bd&b=2", "csrf_token").as_deref(), Some("abc+d"));
        assert_eq!(form_field(b"a=1", "csrf_token"), None);
    }
}
