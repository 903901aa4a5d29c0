//! Redundancy support: events, job shops, the catalogue of services, worker cases with their
//! sessions, plan, retraining, jobs and check-ins, the access log, the subject access export,
//! erasure, and the outcomes report.

use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::Paging;
use accord_app::cases::{
    self as cs, AccessView, ActivityInput, ActivityView, CaseInput, CaseRow, CaseView, CheckinInput, JobInput, JobView,
    SessionInput, SessionView, SubjectExport, TrainingInput, TrainingView,
};
use accord_app::redundancy::{
    self as rd, EventInput, EventRow, EventView, JobShopInput, JobShopView, OutcomesReport, ServiceInput, ServiceView,
};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

list_of!(EventList, EventRow);
list_of!(JobShopList, JobShopView);

/// One page of an event's cases.
#[derive(Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseRow>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseParams {
    /// Only cases of this status: `open`, `in_work`, `sustained`, `not_sustained` or `withdrawn`.
    #[param(inline)]
    pub status: Option<super::values::CaseStatusCode>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DistrictParam {
    /// A district code: only that district's events.
    pub district: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutcomeParams {
    /// A district code: only that district's events.
    pub district: Option<String>,
    /// One event's id.
    pub event: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpenParams {
    /// Why the case is opened (logged): `guidance`, `plan_review`, `training`, `job_support`,
    /// `check_in`, `correction`, `subject_access` or `supervision`.
    #[param(inline)]
    pub purpose: Option<super::values::AccessPurposeCode>,
    /// `true` to see the personal details unmasked (logged as such).
    pub reveal: Option<bool>,
}

// ---- events ----

/// The redundancy events the caller may read, newest first, with their response figures.
#[utoipa::path(get, path = "/redundancy/events", tag = "redundancy", params(DistrictParam, PageParams),
    responses((status = 200, body = EventList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_events(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<DistrictParam>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<EventList>> {
    Ok(Json((rd::list(&state.app, &actor, p.district.as_deref()).await?, &pp).into()))
}

/// Records a redundancy event (managers, secretariat, advisers, administrators).
#[utoipa::path(post, path = "/redundancy/events", tag = "redundancy", request_body = EventInput,
    responses((status = 201, body = EventView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_event(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<EventInput>,
) -> WebResult<(StatusCode, Json<EventView>)> {
    Ok((StatusCode::CREATED, Json(rd::save(&state.app, &actor, None, &body).await?)))
}

/// An event with its organisations, response team and response at a glance.
#[utoipa::path(get, path = "/redundancy/events/{id}", tag = "redundancy", params(("id" = i64, Path)),
    responses((status = 200, body = EventView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_event(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<EventView>> {
    Ok(Json(rd::get(&state.app, &actor, id).await?))
}

/// Changes an event at the `version` read; fields left out keep their value.
#[utoipa::path(patch, path = "/redundancy/events/{id}", tag = "redundancy", params(("id" = i64, Path)), request_body = EventInput,
    responses((status = 200, body = EventView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_event(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<EventInput>,
) -> WebResult<Json<EventView>> {
    let current = rd::get(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input());
    input.version = version;
    Ok(Json(rd::save(&state.app, &actor, Some(id), &input).await?))
}

/// The job shops of an event, newest first.
#[utoipa::path(get, path = "/redundancy/events/{id}/job-shops", tag = "redundancy", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = JobShopList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_job_shops(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<JobShopList>> {
    Ok(Json((rd::job_shops(&state.app, &actor, id).await?, &pp).into()))
}

/// Records a job shop of an event.
#[utoipa::path(post, path = "/redundancy/events/{id}/job-shops", tag = "redundancy", params(("id" = i64, Path)), request_body = JobShopInput,
    responses((status = 201, body = JobShopView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_job_shop(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<JobShopInput>,
) -> WebResult<(StatusCode, Json<JobShopView>)> {
    Ok((StatusCode::CREATED, Json(rd::save_job_shop(&state.app, &actor, Some(id), None, &body).await?)))
}

/// Changes a job shop at the `version` read; fields left out keep their value.
#[utoipa::path(patch, path = "/redundancy/job-shops/{id}", tag = "redundancy", params(("id" = i64, Path)), request_body = JobShopInput,
    responses((status = 200, body = JobShopView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_job_shop(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<JobShopInput>,
) -> WebResult<Json<JobShopView>> {
    let current = rd::get_job_shop(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input());
    input.version = version;
    Ok(Json(rd::save_job_shop(&state.app, &actor, None, Some(id), &input).await?))
}

// ---- the catalogue ----

/// The catalogue of services advisers pick from.
#[utoipa::path(get, path = "/redundancy/services", tag = "redundancy",
    responses((status = 200, body = [ServiceView]), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_services(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> WebResult<Json<Vec<ServiceView>>> {
    Ok(Json(rd::services(&state.app, &actor).await?))
}

/// Adds a service to the catalogue (the secretariat).
#[utoipa::path(post, path = "/redundancy/services", tag = "redundancy", request_body = ServiceInput,
    responses((status = 201, body = ServiceView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_service(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<ServiceInput>,
) -> WebResult<(StatusCode, Json<ServiceView>)> {
    Ok((StatusCode::CREATED, Json(rd::save_service(&state.app, &actor, None, &body).await?)))
}

/// Changes a service at the `version` read (`active: false` withdraws it from new plans).
#[utoipa::path(patch, path = "/redundancy/services/{id}", tag = "redundancy", params(("id" = i64, Path)), request_body = ServiceInput,
    responses((status = 200, body = ServiceView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_service(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<ServiceInput>,
) -> WebResult<Json<ServiceView>> {
    let current = rd::get_service(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input());
    input.version = version;
    Ok(Json(rd::save_service(&state.app, &actor, Some(id), &input).await?))
}

// ---- cases ----

/// The cases of an event with masked names (its response team and the district's managers).
#[utoipa::path(get, path = "/redundancy/events/{id}/cases", tag = "redundancy", params(("id" = i64, Path), CaseParams, PageParams),
    responses((status = 200, body = CaseList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_cases(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(p): Query<CaseParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<CaseList>> {
    let page =
        cs::list(&state.app, &actor, id, p.status.map(|s| s.get().as_str()), Paging::new(pp.page, pp.per_page)).await?;
    Ok(Json(CaseList { items: page.items, total: page.total, page: page.paging.page, per_page: page.paging.per_page }))
}

/// Registers a worker at an event (its team's advisers, the district's managers).
#[utoipa::path(post, path = "/redundancy/events/{id}/cases", tag = "redundancy", params(("id" = i64, Path)), request_body = CaseInput,
    responses((status = 201, body = CaseView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<CaseInput>,
) -> WebResult<(StatusCode, Json<CaseView>)> {
    Ok((StatusCode::CREATED, Json(cs::register(&state.app, &actor, id, &body).await?)))
}

/// Opens a case for a `purpose`, which the access log records. The personal details come
/// masked unless `reveal=true`. Only the case's adviser, the event team's advisers and the
/// district's managers may: to anyone else the case does not exist (404).
#[utoipa::path(get, path = "/redundancy/cases/{id}", tag = "redundancy", params(("id" = i64, Path), OpenParams),
    responses((status = 200, body = CaseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_case(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(p): Query<OpenParams>,
) -> WebResult<Json<CaseView>> {
    cs::may_open_case(&state.app, &actor, id).await?;
    let purpose = cs::parse_purpose(p.purpose.map(|s| s.get().as_str()))?;
    Ok(Json(cs::open(&state.app, &actor, id, purpose, p.reveal.unwrap_or(false)).await?))
}

/// Changes a case at the `version` read: personal details, assessment, status and closing.
/// Fields left out keep their value.
#[utoipa::path(patch, path = "/redundancy/cases/{id}", tag = "redundancy", params(("id" = i64, Path)), request_body = CaseInput,
    responses((status = 200, body = CaseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_case(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<CaseInput>,
) -> WebResult<Json<CaseView>> {
    Ok(Json(cs::update(&state.app, &actor, id, &body).await?))
}

/// Records a guidance session, job search support, or advice as a referral.
#[utoipa::path(post, path = "/redundancy/cases/{id}/sessions", tag = "redundancy", params(("id" = i64, Path)), request_body = SessionInput,
    responses((status = 201, body = SessionView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_session(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<SessionInput>,
) -> WebResult<(StatusCode, Json<SessionView>)> {
    Ok((StatusCode::CREATED, Json(cs::add_session(&state.app, &actor, id, &body).await?)))
}

/// Adds an activity to the career action plan.
#[utoipa::path(post, path = "/redundancy/cases/{id}/activities", tag = "redundancy", params(("id" = i64, Path)), request_body = ActivityInput,
    responses((status = 201, body = ActivityView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_activity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<ActivityInput>,
) -> WebResult<(StatusCode, Json<ActivityView>)> {
    Ok((StatusCode::CREATED, Json(cs::save_activity(&state.app, &actor, Some(id), None, &body).await?)))
}

/// Changes a plan activity at the `version` read (status, outcome, due date).
#[utoipa::path(patch, path = "/redundancy/activities/{id}", tag = "redundancy", params(("id" = i64, Path)), request_body = ActivityInput,
    responses((status = 200, body = ActivityView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_activity(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<ActivityInput>,
) -> WebResult<Json<ActivityView>> {
    Ok(Json(cs::save_activity(&state.app, &actor, None, Some(id), &body).await?))
}

/// Records retraining or reskilling.
#[utoipa::path(post, path = "/redundancy/cases/{id}/trainings", tag = "redundancy", params(("id" = i64, Path)), request_body = TrainingInput,
    responses((status = 201, body = TrainingView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_training(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<TrainingInput>,
) -> WebResult<(StatusCode, Json<TrainingView>)> {
    Ok((StatusCode::CREATED, Json(cs::save_training(&state.app, &actor, Some(id), None, &body).await?)))
}

/// Changes a course at the `version` read (started, completed, withdrawn).
#[utoipa::path(patch, path = "/redundancy/trainings/{id}", tag = "redundancy", params(("id" = i64, Path)), request_body = TrainingInput,
    responses((status = 200, body = TrainingView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_training(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<TrainingInput>,
) -> WebResult<Json<TrainingView>> {
    Ok(Json(cs::save_training(&state.app, &actor, None, Some(id), &body).await?))
}

/// Records a job start and schedules its check-ins (weeks 1, 4, 8 and 13 unless given).
#[utoipa::path(post, path = "/redundancy/cases/{id}/jobs", tag = "redundancy", params(("id" = i64, Path)), request_body = JobInput,
    responses((status = 201, body = JobView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_job(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<JobInput>,
) -> WebResult<(StatusCode, Json<JobView>)> {
    Ok((StatusCode::CREATED, Json(cs::add_job(&state.app, &actor, id, &body).await?)))
}

/// The case's status after a check-in.
#[derive(Serialize, ToSchema)]
pub struct CheckinResult {
    /// The case's status now: `sustained` after the 13th week in work.
    pub case_status: String,
}

/// Records a check-in at the `version` read, or moves it to another day.
#[utoipa::path(patch, path = "/redundancy/checkins/{id}", tag = "redundancy", params(("id" = i64, Path)), request_body = CheckinInput,
    responses((status = 200, body = CheckinResult), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_checkin(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<CheckinInput>,
) -> WebResult<Json<CheckinResult>> {
    let s = cs::save_checkin(&state.app, &actor, id, &body).await?;
    Ok(Json(CheckinResult { case_status: s.as_str().to_owned() }))
}

/// Who opened the case, when and why.
#[utoipa::path(get, path = "/redundancy/cases/{id}/access-log", tag = "redundancy", params(("id" = i64, Path)),
    responses((status = 200, body = [AccessView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn access_log(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Vec<AccessView>>> {
    Ok(Json(cs::accesses(&state.app, &actor, id).await?))
}

/// The subject access export: everything held about the case's person, with the dates and
/// purposes of every opening but no staff names. Logged.
#[utoipa::path(get, path = "/redundancy/cases/{id}/export", tag = "redundancy", params(("id" = i64, Path)),
    responses((status = 200, body = SubjectExport), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<SubjectExport>> {
    Ok(Json(cs::subject_export(&state.app, &actor, id).await?))
}

/// Erases a closed case's personal data now, at the worker's request (managers). What it
/// counted for stays in the figures.
#[utoipa::path(post, path = "/redundancy/cases/{id}/erase", tag = "redundancy", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn erase(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    cs::erase_now(&state.app, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The outcomes report: per event, per sector and per funding source, with the total.
/// Figures behind 1 to 4 people are `"<5"`.
#[utoipa::path(get, path = "/redundancy/outcomes", tag = "redundancy", params(OutcomeParams),
    responses((status = 200, body = OutcomesReport), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn outcomes(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<OutcomeParams>,
) -> WebResult<Json<OutcomesReport>> {
    Ok(Json(rd::outcomes(&state.app, &actor, p.district.as_deref(), p.event).await?))
}
