//! Cross-cutting middleware: security headers on every response, friendly error pages, and a
//! request log that records route patterns (never paths or queries, which may carry tokens).

use std::time::Instant;

use actix_web::HttpResponse;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};

use super::api::error as api;
use super::error::ErrorPage;
use super::page::error_page;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// A year: browsers that saw the site over https keep to https for that long.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// The headers on every response; `https` (the public address is https) adds HSTS, which a
/// browser only honours over https anyway and which would lock a plain-http site out.
pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::CACHE_CONTROL, "no-store"));
    if https { headers.add((header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY)) } else { headers }
}

/// Gives every error status that has no page of its own (an `AppError`, an unknown route, a
/// wrong method, a body that failed to parse) the friendly page in the user's language.
pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(res);
    }
    if res.request().path().starts_with(api::PREFIX) {
        return Ok(api_error(res));
    }
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if is_html {
        return Ok(res);
    }
    let marker =
        res.response().extensions().get::<ErrorPage>().copied().unwrap_or_else(|| ErrorPage::for_status(status));
    let Some(body) = error_page(res.request(), status, marker.title_key, marker.message_key) else {
        return Ok(res);
    };
    let (req, old) = res.into_parts();
    let mut new = HttpResponse::build(status);
    new.content_type("text/html; charset=utf-8");
    for (name, value) in old.headers() {
        if name == header::ALLOW || name == header::RETRY_AFTER {
            new.insert_header((name.clone(), value.clone()));
        }
    }
    Ok(ServiceResponse::new(req, new.body(body)))
}

/// Under `/api/` every error is JSON: the API's own errors are already, and any other (an
/// unknown path, a wrong method, a parameter that did not parse) gets the same shape here.
fn api_error(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if is_json {
        return res;
    }
    let status = res.status();
    let (req, old) = res.into_parts();
    let mut new = api::json_for_status(status);
    for (name, value) in old.headers() {
        if name == header::ALLOW || name == header::RETRY_AFTER {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    ServiceResponse::new(req, new)
}

/// One line per request: method, route pattern, status, milliseconds.
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let res = next.call(req).await?;
    let pattern = res.request().match_pattern().unwrap_or_else(|| "-".into());
    tracing::info!(
        target: "boiduong::http",
        "{} {} {} {}ms",
        method,
        pattern,
        res.status().as_u16(),
        started.elapsed().as_millis()
    );
    Ok(res)
}

pub fn html_header() -> (header::HeaderName, HeaderValue) {
    (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))
}
