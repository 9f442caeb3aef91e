//! The JSON API for integrations, under `/api/v1`, read-only for now. A caller presents an API
//! token that an admin issued for an account (`tokens`, the admin page) and acts as that
//! account: its roles and its row scope, the same as on the pages (`scope`). Errors have one
//! JSON shape (`error`). The OpenAPI document at `/api/openapi.json` is generated from the
//! handlers' own `#[utoipa::path]` attributes, and a test checks it against the route table
//! both ways, so the document and the routes cannot drift apart.

pub mod auth;
pub mod certificates;
pub mod classes;
pub mod error;
pub mod limit;
pub mod params;
pub mod people;
pub mod readiness;
pub mod scope;
mod tokens;

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::auth::extract::Open;
use super::routes::Router;

pub const OPENAPI_PATH: &str = "/api/openapi.json";

pub fn routes(r: &mut Router) {
    r.get(OPENAPI_PATH, openapi)
        .get("/api/v1/people", people::list)
        .get("/api/v1/people/{id}", people::show)
        .get("/api/v1/people/{id}/readiness", readiness::show)
        .get("/api/v1/classes", classes::list)
        .get("/api/v1/classes/{id}", classes::show)
        .get("/api/v1/classes/{id}/sessions", classes::sessions)
        .get("/api/v1/classes/{id}/enrolments", classes::enrolments)
        .get("/api/v1/classes/{id}/attendance", classes::attendance)
        .get("/api/v1/classes/{id}/results", classes::results)
        .get("/api/v1/certificates", certificates::list)
        .get("/api/v1/certificates/{id}", certificates::show);
    tokens::routes(r);
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Boiduong API",
        description = "Read-only JSON API of Boiduong. Authenticate with `Authorization: Bearer <token>`, \
                       a token an admin issues under Settings → API tokens; the token acts as its account, \
                       with that account's roles and scope. Errors: `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        people::list,
        people::show,
        readiness::show,
        classes::list,
        classes::show,
        classes::sessions,
        classes::enrolments,
        classes::attendance,
        classes::results,
        certificates::list,
        certificates::show,
    ),
    modifiers(&Common),
    tags(
        (name = "people", description = "People in the token's scope"),
        (name = "classes", description = "Classes, their sessions, enrolments, attendance and results"),
        (name = "certificates", description = "Certificates"),
    )
)]
pub struct ApiDoc;

/// What every path shares: the `bearer` security scheme they refer to, and the answers any
/// request may get (429 past the token's share of the minute, 500).
struct Common;

impl Modify for Common {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token issued by an admin (starts with bd_)"))
                    .build(),
            ),
        );
        let error = |description: &str| {
            let body = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
            ResponseBuilder::new().description(description).content("application/json", body).build()
        };
        let shared = [
            (
                "429",
                error("Too many requests with this token this minute: retry after the Retry-After header's seconds"),
            ),
            ("500", error("The server failed")),
        ];
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for operation in operations.into_iter().flatten() {
                for (status, response) in &shared {
                    operation.responses.responses.insert((*status).into(), response.clone().into());
                }
            }
        }
    }
}

/// The document, as served.
pub fn openapi_json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serializes"))
}

async fn openapi(_: Open) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(openapi_json())
}
