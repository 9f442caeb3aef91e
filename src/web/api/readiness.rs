//! `/api/v1/people/{id}/readiness`: a person's admission (or recognition) dossier as the
//! secretary's page computes it — each step's state, what is missing, and for a probationary
//! member the probation clock.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::ApiPeopleReader;
use super::error::{ApiResult, ErrorBody};
use super::params;
use super::scope::{Rows, people_rows};
use crate::domain::readiness::{Overall, RowState};
use crate::store::StoreError;
use crate::store::readiness::{self, Checklist};
use crate::web::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    pub person_id: i64,
    /// admission (a candidate's dossier) or recognition (a probationary member's).
    pub path: String,
    /// ready, missing, certificate_expired or documents_expired.
    pub state: String,
    /// Required steps not done yet.
    pub missing: usize,
    /// The day certificates and documents are judged on: the planned chi bộ meeting, or today.
    #[schema(format = Date, example = "2027-03-15")]
    pub judged_on: String,
    pub meeting_planned: bool,
    /// Who introduces the candidate: members (two official members), youth_union or
    /// trade_union (one member and that organisation's resolution).
    pub introduction: String,
    pub steps: Vec<ReadinessStep>,
    pub probation: Option<Probation>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessStep {
    pub code: String,
    pub label: String,
    pub form_code: Option<String>,
    pub required: bool,
    /// done, not_needed, missing or expired.
    pub state: String,
    #[schema(format = Date)]
    pub date: Option<String>,
    pub reference: Option<String>,
    pub confirmed_by: Option<String>,
    /// The first day the certificate or document no longer counts.
    #[schema(format = Date)]
    pub expires_on: Option<String>,
    /// Computed from the school's records (the course certificate, the admission dates), never
    /// ticked by hand.
    pub computed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Probation {
    #[schema(format = Date)]
    pub ceremony_date: String,
    /// The day probation ends, and the day a qualifying member is official from.
    #[schema(format = Date)]
    pub ends_on: String,
    #[schema(format = Date)]
    pub warning_on: String,
    /// The last day the chi bộ may propose recognition (30 working days after the end).
    #[schema(format = Date)]
    pub proposal_due: String,
    pub days_left: i64,
    pub has_new_member_certificate: bool,
    /// Month 9 or later without the new-member certificate.
    pub warning: bool,
}

fn state_code(state: RowState) -> &'static str {
    match state {
        RowState::Done => "done",
        RowState::NotNeeded => "not_needed",
        RowState::Missing => "missing",
        RowState::Expired => "expired",
    }
}

impl From<&Checklist> for Readiness {
    fn from(c: &Checklist) -> Self {
        let computed = &c.computed;
        Readiness {
            person_id: c.person.id,
            path: computed.path.code().into(),
            state: match computed.overall {
                Overall::Ready => "ready",
                Overall::Missing { .. } => "missing",
                Overall::CertificateExpired => "certificate_expired",
                Overall::DocumentsExpired => "documents_expired",
            }
            .into(),
            missing: computed.missing,
            judged_on: params::date(computed.judged_on),
            meeting_planned: computed.meeting_planned,
            introduction: computed.introduction.code().into(),
            steps: computed
                .rows
                .iter()
                .map(|r| ReadinessStep {
                    code: r.code.clone(),
                    label: r.label.clone(),
                    form_code: r.form_code.clone(),
                    required: r.required,
                    state: state_code(r.state).into(),
                    date: params::opt_date(r.date),
                    reference: r.reference.clone(),
                    confirmed_by: r.confirmed_by.clone(),
                    expires_on: params::opt_date(r.expires_on),
                    computed: !r.by_hand,
                })
                .collect(),
            probation: c.probation.as_ref().map(|p| Probation {
                ceremony_date: params::date(p.dates.ceremony),
                ends_on: params::date(p.dates.ends_on),
                warning_on: params::date(p.dates.warning_on),
                proposal_due: params::date(p.dates.proposal_due),
                days_left: p.days_left,
                has_new_member_certificate: p.has_new_member_certificate,
                warning: p.warning,
            }),
        }
    }
}

/// One person's dossier; another unit's person (or another learner) answers 404.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/readiness",
    tag = "people",
    params(("id" = i64, Path, description = "The person's id")),
    responses(
        (status = 200, description = "The person's dossier, step by step", body = Readiness),
        (status = 400, description = "The id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The account's role does not read people", body = ErrorBody),
        (status = 404, description = "No such person in the token's scope", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show(user: ApiPeopleReader, state: web::Data<AppState>, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let id = params::id(&id)?;
    let who = user.0.clone();
    let today = state.clock().today();
    let checklist = state
        .db(move |c| {
            let rows = people_rows(c, &who)?;
            if let Rows::Own(own) = &rows
                && *own != Some(id)
            {
                return Err(StoreError::NotFound);
            }
            readiness::checklist(c, &rows.store_scope(), id, today)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Readiness::from(&checklist)))
}
