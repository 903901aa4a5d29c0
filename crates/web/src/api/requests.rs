//! Recruitment requests from employers and the candidates referred to them, over the API in
//! the import columns' names.

use super::activities::{record_filter, s};
use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::activities::{self as act, CandidateInput, CandidateView, RequestInput, RequestView};
use accord_app::{AppError, Paging};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A candidate referred to a request.
#[derive(Serialize, ToSchema)]
pub struct Candidate {
    pub id: i64,
    /// The citizen's pseudonymous reference in the case system.
    pub citizen_ref: String,
    /// referred, interviewed, hired, not_hired or withdrew.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::CandidateOutcome>)]
    pub outcome: String,
    pub created_at: DateTime<Utc>,
}

impl From<CandidateView> for Candidate {
    fn from(c: CandidateView) -> Self {
        Candidate { id: c.id, citizen_ref: c.citizen_ref, outcome: c.outcome, created_at: c.created_at }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecruitmentRequest {
    pub id: i64,
    pub district: String,
    /// The case system's id of the request; `REQ-…` for one recorded by hand without one.
    pub source_id: String,
    pub organisation_id: i64,
    pub organisation_ref: String,
    pub organisation_name: String,
    pub title: String,
    pub occupation: Option<String>,
    pub positions: i32,
    pub received_date: NaiveDate,
    pub deadline: Option<NaiveDate>,
    /// open, filled, filled_elsewhere, withdrawn or expired.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::RequestStatus>)]
    pub status: String,
    /// At most `positions`.
    pub hires: Option<i32>,
    pub account_manager_email: Option<String>,
    pub account_manager_name: Option<String>,
    /// manual or import.
    pub source: String,
    /// The import that brought the request.
    pub import_id: Option<i64>,
    /// On a single record's read (empty in lists).
    pub candidates: Vec<Candidate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<RequestView> for RecruitmentRequest {
    fn from(v: RequestView) -> Self {
        RecruitmentRequest {
            id: v.id,
            district: v.district,
            source_id: v.source_id,
            organisation_id: v.organisation_id,
            organisation_ref: v.organisation_ref,
            organisation_name: v.organisation_name,
            title: v.title,
            occupation: v.occupation,
            positions: v.positions,
            received_date: v.received_date,
            deadline: v.deadline,
            status: v.status,
            hires: v.hires,
            account_manager_email: v.account_manager_email,
            account_manager_name: v.account_manager_name,
            source: v.source,
            import_id: v.import_id,
            candidates: v.candidates.into_iter().map(Candidate::from).collect(),
            created_at: v.created_at,
            updated_at: v.updated_at,
            version: v.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecruitmentRequestList {
    pub items: Vec<RecruitmentRequest>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// Positions in all the requests the filter matches (not only this page).
    pub positions: i64,
    /// Hires in all the requests the filter matches.
    pub hires: i64,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A source id (exactly), or part of the title or of the organisation's name.
    pub q: Option<String>,
    /// open, filled, filled_elsewhere, withdrawn or expired.
    #[param(inline)]
    pub status: Option<super::values::RequestStatusCode>,
    pub organisation_id: Option<i64>,
    /// The account manager's e-mail.
    pub account_manager: Option<String>,
    /// First received date, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last received date, YYYY-MM-DD.
    pub to: Option<String>,
    /// The requests an import brought (its id).
    pub import: Option<i64>,
    /// A district code (default: every district of the caller).
    pub district: Option<String>,
}

/// Recruitment requests the caller may see, newest received first, with the positions and
/// hires among all that match.
#[utoipa::path(get, path = "/recruitment-requests", tag = "recruitment-requests", params(ListParams, PageParams),
    responses((status = 200, body = RecruitmentRequestList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<RecruitmentRequestList>> {
    let mut filter = record_filter(
        &state,
        &actor,
        &p.q,
        p.organisation_id,
        &p.account_manager,
        &p.from,
        &p.to,
        p.import,
        &p.district,
    )
    .await?;
    if let Some(st) = p.status {
        filter.kind = Some(st.get().as_str().to_owned());
    }
    let paging = Paging::new(pp.page, pp.per_page);
    let r = act::list_requests(&state.app, &actor, &filter, Default::default(), paging).await?;
    Ok(Json(RecruitmentRequestList {
        items: r.page.items.into_iter().map(RecruitmentRequest::from).collect(),
        total: r.page.total,
        page: paging.page,
        per_page: paging.per_page,
        positions: r.positions,
        hires: r.hires,
    }))
}

/// A recruitment request to record, in the import columns. `source_id` is made (`REQ-…`)
/// when left out; `positions` defaults to 1, `status` to open, `account_manager_email` to the
/// organisation's.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewRecruitmentRequest {
    pub district: Option<String>,
    pub source_id: Option<String>,
    /// The organisation's ref, CVR, P-number or Companies House number.
    #[schema(min_length = 1)]
    pub organisation_ref: String,
    pub title: String,
    pub occupation: Option<String>,
    #[schema(minimum = 1, maximum = 100_000)]
    pub positions: Option<i64>,
    /// YYYY-MM-DD (also DD-MM-YYYY or DD.MM.YYYY).
    pub received_date: String,
    pub deadline: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::RequestStatus>)]
    pub status: Option<String>,
    #[schema(minimum = 0, maximum = 100_000)]
    pub hires: Option<i64>,
    pub account_manager_email: Option<String>,
}

fn n(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// Records a recruitment request.
#[utoipa::path(post, path = "/recruitment-requests", tag = "recruitment-requests", request_body = NewRecruitmentRequest,
    responses((status = 201, body = RecruitmentRequest), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewRecruitmentRequest>,
) -> WebResult<(StatusCode, Json<RecruitmentRequest>)> {
    let input = RequestInput {
        district: b.district,
        source_id: s(b.source_id),
        organisation_ref: b.organisation_ref,
        title: b.title,
        occupation: s(b.occupation),
        positions: n(b.positions),
        received_date: b.received_date,
        deadline: s(b.deadline),
        status: s(b.status),
        hires: n(b.hires),
        account_manager_email: s(b.account_manager_email),
        version: None,
    };
    let r = act::create_request(&state.app, &actor, None, &input).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// One recruitment request with its candidates. They name citizens (by reference), so the read
/// is logged when there are any.
#[utoipa::path(get, path = "/recruitment-requests/{id}", tag = "recruitment-requests", params(("id" = i64, Path)),
    responses((status = 200, body = RecruitmentRequest), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<RecruitmentRequest>> {
    Ok(Json(act::get_request(&state.app, &actor, id).await?.into()))
}

/// A field that may be left out (`None`), or given as a value or `null` (`Some(None)`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a recruitment request: the fields given (an empty string clears a text field,
/// `null` clears `hires`), and the `version` read.
#[derive(Deserialize, ToSchema)]
pub struct RecruitmentRequestPatch {
    pub source_id: Option<String>,
    /// Empty or left out: the organisation stays.
    pub organisation_ref: Option<String>,
    #[schema(min_length = 1)]
    pub title: Option<String>,
    pub occupation: Option<String>,
    #[schema(minimum = 1, maximum = 100_000)]
    pub positions: Option<i64>,
    #[schema(min_length = 1)]
    pub received_date: Option<String>,
    pub deadline: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::RequestStatus>)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 100_000)]
    pub hires: Option<Option<i64>>,
    pub account_manager_email: Option<String>,
    pub version: i32,
}

/// Changes a recruitment request; a stale `version` is 409 with the current record.
#[utoipa::path(patch, path = "/recruitment-requests/{id}", tag = "recruitment-requests", params(("id" = i64, Path)), request_body = RecruitmentRequestPatch,
    responses((status = 200, body = RecruitmentRequest), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<RecruitmentRequestPatch>,
) -> WebResult<Json<RecruitmentRequest>> {
    // Read without logging a look: the change itself is in the audit trail.
    let current = act::get_request_quietly(&state.app, &actor, id).await?;
    let mut i = RequestInput::from_view(&current);
    let set = |target: &mut String, v: Option<String>| {
        if let Some(v) = v {
            *target = v;
        }
    };
    set(&mut i.source_id, b.source_id);
    set(&mut i.organisation_ref, b.organisation_ref);
    set(&mut i.title, b.title);
    set(&mut i.occupation, b.occupation);
    set(&mut i.positions, b.positions.map(|p| p.to_string()));
    set(&mut i.received_date, b.received_date);
    set(&mut i.deadline, b.deadline);
    set(&mut i.status, b.status);
    set(&mut i.hires, b.hires.map(n));
    set(&mut i.account_manager_email, b.account_manager_email);
    i.version = Some(b.version);
    Ok(Json(act::update_request(&state.app, &actor, id, &i).await?.into()))
}

/// A candidate to refer.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewCandidate {
    /// The citizen's pseudonymous reference in the case system (never a national id or a name).
    #[schema(min_length = 1)]
    pub citizen_ref: String,
    /// referred (default), interviewed, hired, not_hired or withdrew.
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::CandidateOutcome>)]
    pub outcome: Option<String>,
}

/// Refers a candidate to a request; answers the request with its candidates.
#[utoipa::path(post, path = "/recruitment-requests/{id}/candidates", tag = "recruitment-requests", params(("id" = i64, Path)), request_body = NewCandidate,
    responses((status = 201, body = RecruitmentRequest), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_candidate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<NewCandidate>,
) -> WebResult<(StatusCode, Json<RecruitmentRequest>)> {
    let input = CandidateInput { citizen_ref: b.citizen_ref, outcome: s(b.outcome) };
    let r = act::save_candidate(&state.app, &actor, id, None, &input).await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

/// What came of a candidate.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CandidatePatch {
    /// referred, interviewed, hired, not_hired or withdrew; left out, the outcome stays.
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::CandidateOutcome>)]
    pub outcome: Option<String>,
    /// A corrected reference; left out, the reference stays.
    pub citizen_ref: Option<String>,
}

/// Records what came of a candidate; answers the request with its candidates.
#[utoipa::path(patch, path = "/recruitment-requests/{id}/candidates/{candidate_id}", tag = "recruitment-requests",
    params(("id" = i64, Path), ("candidate_id" = i64, Path)), request_body = CandidatePatch,
    responses((status = 200, body = RecruitmentRequest), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_candidate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, candidate_id)): Path<(i64, i64)>,
    Json(b): Json<CandidatePatch>,
) -> WebResult<Json<RecruitmentRequest>> {
    let outcome = match b.outcome {
        Some(o) => o,
        None => {
            let r = act::get_request_quietly(&state.app, &actor, id).await?;
            r.candidates.into_iter().find(|c| c.id == candidate_id).ok_or(AppError::NotFound)?.outcome
        }
    };
    let input = CandidateInput { citizen_ref: s(b.citizen_ref), outcome };
    Ok(Json(act::save_candidate(&state.app, &actor, id, Some(candidate_id), &input).await?.into()))
}
