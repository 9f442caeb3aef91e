//! `/api/v1/certificates`: certificates (giấy chứng nhận). Staff and admins read the registers,
//! optionally narrowed to a class or a person; a learner reads their own, as on the pages.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::ApiCertificateReader;
use super::error::{ApiResult, ErrorBody};
use super::params::{self, PageInfo, PageParams};
use crate::domain::certificate::{Validity, format_code};
use crate::domain::role::Role;
use crate::store::certificates::{self, Certificate};
use crate::store::{StoreError, StoreResult};
use crate::web::state::AppState;

/// A certificate, as issued (its printed facts are those of the day it was issued).
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateJson {
    pub id: i64,
    /// The register number: "07/2026".
    pub register_number: String,
    pub issuer_id: i64,
    /// The verification code: "ABCD-EFGH-JKMN-PQRS".
    pub code: String,
    /// The public verification page.
    pub verify_url: String,
    pub person_id: i64,
    pub full_name: String,
    pub class_id: i64,
    /// "Khóa II năm 2026".
    pub class_name: String,
    pub program_id: i64,
    pub program: String,
    #[schema(format = Date)]
    pub issued_on: String,
    /// The first day it is no longer valid (60 months after issue); none for programs
    /// without a validity limit.
    #[schema(format = Date)]
    pub expires_on: Option<String>,
    /// valid, revoked or superseded (as recorded).
    pub status: String,
    /// valid, expired, revoked or superseded, today.
    pub validity: String,
    #[schema(format = Date)]
    pub revoked_on: Option<String>,
    pub superseded_by_id: Option<i64>,
    pub reissue_of_id: Option<i64>,
    /// The result's band: excellent, good, fair or average.
    pub band: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CertificatesPage {
    pub items: Vec<CertificateJson>,
    #[serde(flatten)]
    pub page: PageInfo,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct CertificateFilter {
    /// Only this class's certificates.
    #[param(value_type = Option<i64>)]
    pub class_id: Option<String>,
    /// Only this person's certificates.
    #[param(value_type = Option<i64>)]
    pub person_id: Option<String>,
}

fn json(c: Certificate, today: time::Date, public_url: &str) -> CertificateJson {
    let snapshot = c.snapshot();
    let validity = match c.validity_on(today) {
        Validity::Valid => "valid",
        Validity::Expired => "expired",
        Validity::Revoked => "revoked",
        Validity::Superseded => "superseded",
    };
    CertificateJson {
        register_number: c.register_number(),
        verify_url: format!("{}/verify/{}", public_url.trim_end_matches('/'), c.code),
        code: format_code(&c.code),
        id: c.id,
        issuer_id: c.issuer_id,
        person_id: c.person_id,
        full_name: snapshot.doc.full_name,
        class_id: c.class_id,
        class_name: snapshot.class_short,
        program_id: c.program_id,
        program: snapshot.program,
        issued_on: params::date(c.issued_on),
        expires_on: params::opt_date(c.expires_on),
        status: c.status,
        validity: validity.into(),
        revoked_on: params::opt_date(c.revoked_on),
        superseded_by_id: c.superseded_by_id,
        reissue_of_id: c.reissue_of_id,
        band: snapshot.band,
    }
}

/// Staff read every certificate; a learner only their own (another's reads as not found).
fn reads_all(user: &ApiCertificateReader) -> bool {
    user.has(Role::Admin) || user.has(Role::Staff)
}

fn filter_id(raw: &Option<String>) -> ApiResult<Option<i64>> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => params::id(text).map(Some),
    }
}

/// The certificates the token's account may read: newest register first, in number order.
#[utoipa::path(
    get,
    path = "/api/v1/certificates",
    tag = "certificates",
    params(PageParams, CertificateFilter),
    responses(
        (status = 200, description = "One page of certificates", body = CertificatesPage),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The account's role does not read certificates", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    user: ApiCertificateReader,
    state: web::Data<AppState>,
    paging: web::Query<PageParams>,
    filter: web::Query<CertificateFilter>,
) -> ApiResult<HttpResponse> {
    let paging = paging.paging()?;
    let class_id = filter_id(&filter.class_id)?;
    let person_id = filter_id(&filter.person_id)?;
    let own = if reads_all(&user) { None } else { Some(user.user.person_id) };
    let found = state
        .db(move |c| -> StoreResult<Vec<Certificate>> {
            let list = match (own, person_id, class_id) {
                (Some(None), _, _) => Vec::new(),
                (Some(Some(me)), _, _) => certificates::of_person(c, me)?,
                (None, Some(person), _) => certificates::of_person(c, person)?,
                (None, None, Some(class)) => certificates::of_class(c, class)?,
                (None, None, None) => {
                    let mut all = Vec::new();
                    for (issuer, year, _) in certificates::registers(c)? {
                        all.extend(certificates::register(c, issuer, year)?);
                    }
                    all
                }
            };
            Ok(list
                .into_iter()
                .filter(|cert| person_id.is_none_or(|p| cert.person_id == p))
                .filter(|cert| class_id.is_none_or(|k| cert.class_id == k))
                .collect())
        })
        .await?;
    let (page, total) = paging.slice(found);
    let today = state.config.clock.today();
    let items = page.into_iter().map(|c| json(c, today, &state.config.public_url)).collect();
    Ok(HttpResponse::Ok().json(CertificatesPage { items, page: PageInfo::new(paging, total) }))
}

/// One certificate; another learner's answers 404.
#[utoipa::path(
    get,
    path = "/api/v1/certificates/{id}",
    tag = "certificates",
    params(("id" = i64, Path, description = "The certificate's id")),
    responses(
        (status = 200, description = "The certificate", body = CertificateJson),
        (status = 400, description = "The id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The account's role does not read certificates", body = ErrorBody),
        (status = 404, description = "No such certificate in the token's scope", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show(
    user: ApiCertificateReader,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = params::id(&id)?;
    let own = if reads_all(&user) { None } else { Some(user.user.person_id) };
    let cert = state
        .db(move |c| match own {
            None => certificates::find(c, id),
            Some(Some(me)) => certificates::of_person_find(c, me, id),
            Some(None) => Err(StoreError::NotFound),
        })
        .await?;
    let today = state.config.clock.today();
    Ok(HttpResponse::Ok().json(json(cert, today, &state.config.public_url)))
}
