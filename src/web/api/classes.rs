//! `/api/v1/classes`: classes and, for one class, its sessions, enrolments, attendance and
//! results, each narrowed to the lines the token's account may read (see `scope`).

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::auth::ApiClassReader;
use super::error::{ApiResult, ErrorBody};
use super::params::{self, PageInfo, PageParams};
use super::scope::{class_ids, class_rows};
use crate::domain::attendance::{Eligibility, Tally, eligibility};
use crate::domain::class::ClassStatus;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::program::Band;
use crate::domain::results::FinalResult;
use crate::store::classes::{self, ClassFilter, ClassRow};
use crate::store::{self, StoreError, programs};
use crate::web::state::AppState;

/// A class.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClassJson {
    pub id: i64,
    /// "Khóa II năm 2026".
    pub name: String,
    pub program_id: i64,
    /// NTVD (nhận thức về Đảng) or DVM (đảng viên mới).
    pub program_code: String,
    pub program_name: String,
    pub year: i32,
    pub ordinal: i32,
    /// draft, nominating, running, assessing, locked or closed.
    pub status: String,
    #[schema(format = Date)]
    pub first_day: String,
    #[schema(format = Date)]
    pub last_day: String,
    pub capacity: i32,
    pub venue: String,
    pub issuer: String,
}

impl From<ClassRow> for ClassJson {
    fn from(r: ClassRow) -> Self {
        Self {
            name: r.short_name(),
            id: r.id,
            program_id: r.program_id,
            program_code: r.program_code,
            program_name: r.program_name,
            year: r.year,
            ordinal: r.ordinal,
            status: r.status,
            first_day: params::date(r.first_day),
            last_day: params::date(r.last_day),
            capacity: r.capacity,
            venue: r.venue_name,
            issuer: r.issuer_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClassesPage {
    pub items: Vec<ClassJson>,
    #[serde(flatten)]
    pub page: PageInfo,
}

/// A session (buổi học) of a class.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionJson {
    pub id: i64,
    /// Buổi 1, 2, …
    pub seq: i32,
    pub title: String,
    pub periods: i32,
    /// Local time in Vietnam, with its offset.
    #[schema(format = DateTime, example = "2026-03-12T07:30:00+07:00")]
    pub starts_at: String,
    #[schema(format = DateTime, example = "2026-03-12T11:00:00+07:00")]
    pub ends_at: String,
    pub room: Option<String>,
    pub venue: Option<String>,
    /// The lecturer, or the guest speaker with their title.
    pub teacher: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    pub items: Vec<SessionJson>,
}

/// A person's enrolment in the class.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentJson {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    #[schema(format = Date)]
    pub date_of_birth: String,
    pub org_unit_id: i64,
    /// nominated, waitlisted, rejected, enrolled or withdrawn.
    pub status: String,
    /// nomination, import or staff.
    pub source: String,
    #[schema(format = Date)]
    pub enrolled_on: Option<String>,
    #[schema(format = Date)]
    pub withdrawn_on: Option<String>,
    /// When the chi bộ confirmed it received the certificate (UTC).
    #[schema(format = DateTime)]
    pub confirmed_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentList {
    pub items: Vec<EnrolmentJson>,
}

/// Counts of a learner's marks over the sessions that count for them.
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyJson {
    pub sessions: u32,
    pub present: u32,
    pub late: u32,
    pub made_up: u32,
    pub excused: u32,
    pub unexcused: u32,
}

impl From<Tally> for TallyJson {
    fn from(t: Tally) -> Self {
        Self {
            sessions: t.sessions,
            present: t.present,
            late: t.late,
            made_up: t.made_up,
            excused: t.excused,
            unexcused: t.unexcused,
        }
    }
}

/// One session's mark for a learner.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkJson {
    pub session_id: i64,
    /// present, late, excused, unexcused or made_up.
    pub status: String,
}

/// A learner's attendance in the class.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceJson {
    pub enrolment_id: i64,
    pub person_id: i64,
    pub full_name: String,
    /// enrolled or withdrawn.
    pub enrolment_status: String,
    pub tally: TallyJson,
    /// eligible, on_track (still within the limits) or not_eligible (over a limit).
    pub eligibility: String,
    /// Absences still allowed while on track.
    pub absences_left: Option<u32>,
    pub marks: Vec<MarkJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceList {
    pub items: Vec<AttendanceJson>,
}

/// One attempt at the essay (bài thu hoạch).
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptJson {
    pub attempt: i32,
    /// scored or absent.
    pub outcome: String,
    /// Out of 10, one decimal.
    #[schema(example = 8.5)]
    pub score: Option<f64>,
}

/// A learner's result in the class.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultJson {
    pub enrolment_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub eligible: bool,
    pub attempts: Vec<AttemptJson>,
    /// not_eligible, pending, absent or scored (the last attempt counts).
    pub result: String,
    #[schema(example = 8.5)]
    pub score: Option<f64>,
    /// excellent, good, fair, average or fail.
    pub band: Option<String>,
    pub passed: bool,
}

/// The results of a class. Secretaries and learners read them once the results are locked;
/// before that `published` is false and the list is empty.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultList {
    pub published: bool,
    pub items: Vec<ResultJson>,
}

fn band_code(band: Band) -> &'static str {
    match band {
        Band::Excellent => "excellent",
        Band::Good => "good",
        Band::Fair => "fair",
        Band::Average => "average",
        Band::Fail => "fail",
    }
}

/// The classes the token's account may read, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/classes",
    tag = "classes",
    params(PageParams),
    responses(
        (status = 200, description = "One page of classes", body = ClassesPage),
        (status = 400, description = "A parameter is not valid", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    user: ApiClassReader,
    state: web::Data<AppState>,
    paging: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let paging = paging.paging()?;
    let who = user.0.clone();
    let rows = state
        .db(move |c| {
            let ids = class_ids(c, &who)?;
            classes::list(c, &ClassFilter { ids, ..ClassFilter::default() })
        })
        .await?;
    let (rows, total) = paging.slice(rows);
    let items = rows.into_iter().map(ClassJson::from).collect();
    Ok(HttpResponse::Ok().json(ClassesPage { items, page: PageInfo::new(paging, total) }))
}

/// One class; a class the account may not read answers 404.
#[utoipa::path(
    get,
    path = "/api/v1/classes/{id}",
    tag = "classes",
    params(("id" = i64, Path, description = "The class's id")),
    responses(
        (status = 200, description = "The class", body = ClassJson),
        (status = 400, description = "The id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such class in the token's scope", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show(user: ApiClassReader, state: web::Data<AppState>, id: web::Path<String>) -> ApiResult<HttpResponse> {
    let id = params::id(&id)?;
    let who = user.0.clone();
    let row = state
        .db(move |c| {
            class_rows(c, &who, id)?;
            classes::list(c, &ClassFilter { ids: Some(vec![id]), ..ClassFilter::default() })?
                .into_iter()
                .next()
                .ok_or(StoreError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ClassJson::from(row)))
}

/// The sessions of a class, in order.
#[utoipa::path(
    get,
    path = "/api/v1/classes/{id}/sessions",
    tag = "classes",
    params(("id" = i64, Path, description = "The class's id")),
    responses(
        (status = 200, description = "The sessions", body = SessionList),
        (status = 400, description = "The id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such class in the token's scope", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn sessions(
    user: ApiClassReader,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = params::id(&id)?;
    let who = user.0.clone();
    let views = state
        .db(move |c| {
            class_rows(c, &who, id)?;
            store::sessions::views_of_class(c, id)
        })
        .await?;
    let items = views
        .into_iter()
        .map(|v| SessionJson {
            teacher: v.teacher(),
            id: v.session.id,
            seq: v.session.seq,
            title: v.session.title,
            periods: v.session.periods,
            starts_at: params::local_time(v.session.starts_at),
            ends_at: params::local_time(v.session.ends_at),
            room: v.room_name,
            venue: v.venue_name,
        })
        .collect();
    Ok(HttpResponse::Ok().json(SessionList { items }))
}

/// The enrolments of a class in list order: every status for staff and the class's
/// lecturers, a secretary's people only, a learner's own.
#[utoipa::path(
    get,
    path = "/api/v1/classes/{id}/enrolments",
    tag = "classes",
    params(("id" = i64, Path, description = "The class's id")),
    responses(
        (status = 200, description = "The enrolments", body = EnrolmentList),
        (status = 400, description = "The id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such class in the token's scope", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn enrolments(
    user: ApiClassReader,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = params::id(&id)?;
    let who = user.0.clone();
    let lines = state
        .db(move |c| {
            let (_, rows) = class_rows(c, &who, id)?;
            let lines = store::enrolments::roster(c, id, &EnrolmentStatus::ALL, &rows.store_scope())?;
            Ok(lines.into_iter().filter(|l| rows.keeps(l.enrolment.person_id, l.org_unit_id)).collect::<Vec<_>>())
        })
        .await?;
    let items = lines
        .into_iter()
        .map(|l| EnrolmentJson {
            id: l.enrolment.id,
            person_id: l.enrolment.person_id,
            full_name: l.full_name,
            date_of_birth: params::date(l.date_of_birth),
            org_unit_id: l.org_unit_id,
            status: l.enrolment.status,
            source: l.enrolment.source,
            enrolled_on: params::opt_date(l.enrolment.enrolled_on),
            withdrawn_on: params::opt_date(l.enrolment.withdrawn_on),
            confirmed_at: l.enrolment.confirmed_at.map(params::utc_time),
        })
        .collect();
    Ok(HttpResponse::Ok().json(EnrolmentList { items }))
}

/// The attendance of a class's learners: tallies, eligibility and each session's mark.
#[utoipa::path(
    get,
    path = "/api/v1/classes/{id}/attendance",
    tag = "classes",
    params(("id" = i64, Path, description = "The class's id")),
    responses(
        (status = 200, description = "The attendance", body = AttendanceList),
        (status = 400, description = "The id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such class in the token's scope", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn attendance(
    user: ApiClassReader,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = params::id(&id)?;
    let who = user.0.clone();
    let (lines, marks, rules) = state
        .db(move |c| {
            let (class, rows) = class_rows(c, &who, id)?;
            let lines: Vec<_> = store::attendance::summary(c, id, &rows.store_scope())?
                .into_iter()
                .filter(|l| rows.keeps(l.learner.person_id, l.learner.org_unit_id))
                .collect();
            let rules = programs::find(c, class.program_id)?.rules();
            Ok((lines, store::attendance::matrix(c, id)?, rules))
        })
        .await?;
    let items = lines
        .into_iter()
        .map(|l| {
            let mut own: Vec<MarkJson> = marks
                .iter()
                .filter(|((enrolment, _), _)| *enrolment == l.learner.enrolment_id)
                .map(|((_, session), status)| MarkJson { session_id: *session, status: status.clone() })
                .collect();
            own.sort_by_key(|m| m.session_id);
            let (eligibility, absences_left) = match eligibility(&l.tally, &rules) {
                Eligibility::Eligible => ("eligible", None),
                Eligibility::OnTrack { absences_left } => ("on_track", Some(absences_left)),
                Eligibility::CannotBecomeEligible => ("not_eligible", None),
            };
            AttendanceJson {
                enrolment_id: l.learner.enrolment_id,
                person_id: l.learner.person_id,
                full_name: l.learner.full_name,
                enrolment_status: l.learner.status,
                tally: l.tally.into(),
                eligibility: eligibility.into(),
                absences_left,
                marks: own,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(AttendanceList { items }))
}

/// The results of a class: each enrolled learner's attempts and final result.
#[utoipa::path(
    get,
    path = "/api/v1/classes/{id}/results",
    tag = "classes",
    params(("id" = i64, Path, description = "The class's id")),
    responses(
        (status = 200, description = "The results", body = ResultList),
        (status = 400, description = "The id is not a positive whole number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such class in the token's scope", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn results(
    user: ApiClassReader,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = params::id(&id)?;
    let who = user.0.clone();
    let (published, lines) = state
        .db(move |c| {
            let (class, rows) = class_rows(c, &who, id)?;
            // As on the pages: secretaries and learners see results once they are locked.
            let published = rows.is_all() || class.status() >= ClassStatus::Locked;
            if !published {
                return Ok((false, Vec::new()));
            }
            let lines: Vec<_> = store::results::sheet(c, id, &rows.store_scope())?
                .into_iter()
                .filter(|l| rows.keeps(l.learner.person_id, l.learner.org_unit_id))
                .collect();
            Ok((true, lines))
        })
        .await?;
    let items = lines
        .into_iter()
        .map(|l| {
            let attempts = l
                .attempts
                .iter()
                .map(|a| AttemptJson {
                    attempt: a.row.attempt,
                    outcome: a.row.outcome.clone(),
                    score: a.row.score_tenths.map(params::score),
                })
                .collect();
            let (result, score, band) = match l.result {
                FinalResult::NotEligible => ("not_eligible", None, None),
                FinalResult::Pending => ("pending", None, None),
                FinalResult::Absent => ("absent", None, None),
                FinalResult::Scored { tenths, band } => {
                    ("scored", Some(params::score(tenths)), Some(band_code(band).to_owned()))
                }
            };
            ResultJson {
                enrolment_id: l.learner.enrolment_id,
                person_id: l.learner.person_id,
                full_name: l.learner.full_name,
                eligible: l.eligible,
                attempts,
                result: result.into(),
                score,
                band,
                passed: l.result.passed(),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(ResultList { published, items }))
}
