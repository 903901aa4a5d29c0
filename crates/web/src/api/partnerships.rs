//! Partnership bodies with their members and meetings; action plans with their actions,
//! milestones, progress updates and quarterly progress reports.

use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::AppError;
use accord_app::partnerships::{
    self as pb, BodyInput, BodyView, ItemInput, ItemView, MeetingInput, MeetingView, MemberInput, MemberView,
};
use accord_app::plans::{
    self as pl, ActionInput, ActionView, MilestoneInput, MilestoneView, PlanInput, PlanView, ProgressReport,
    SnapshotView, UpdateInput,
};
use accord_domain::Quarter;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DistrictParams {
    /// A district code: only that district's records.
    pub district: Option<String>,
    /// Only records whose name or title contains this.
    pub q: Option<String>,
}

list_of!(BodyList, BodyView);
list_of!(PlanList, PlanView);
list_of!(MeetingList, MeetingView);
list_of!(SnapshotList, SnapshotView);

fn contains(hay: &str, q: &Option<String>) -> bool {
    match q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => hay.to_lowercase().contains(&q.to_lowercase()),
        None => true,
    }
}

// ---- bodies ----

/// The partnership bodies the caller may read, by name (a partner user: those their
/// organisation sits in).
#[utoipa::path(get, path = "/bodies", tag = "bodies", params(DistrictParams, PageParams),
    responses((status = 200, body = BodyList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_bodies(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<DistrictParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<BodyList>> {
    let all = pb::list(&state.app, &actor, p.district.as_deref()).await?;
    Ok(Json((all.into_iter().filter(|b| contains(&b.name, &p.q)).collect(), &pp).into()))
}

/// Creates a body (secretariat, managers, administrators).
#[utoipa::path(post, path = "/bodies", tag = "bodies", request_body = BodyInput,
    responses((status = 201, body = BodyView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_body(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<BodyInput>,
) -> WebResult<(StatusCode, Json<BodyView>)> {
    Ok((StatusCode::CREATED, Json(pb::save(&state.app, &actor, None, &body).await?)))
}

/// A body with its members and the bodies reporting to it.
#[utoipa::path(get, path = "/bodies/{id}", tag = "bodies", params(("id" = i64, Path)),
    responses((status = 200, body = BodyView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_body(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<BodyView>> {
    Ok(Json(pb::get(&state.app, &actor, id).await?))
}

/// Changes a body at the `version` read; fields left out keep their value.
#[utoipa::path(patch, path = "/bodies/{id}", tag = "bodies", params(("id" = i64, Path)), request_body = BodyInput,
    responses((status = 200, body = BodyView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_body(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<BodyInput>,
) -> WebResult<Json<BodyView>> {
    let current = pb::get(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input());
    input.version = version;
    Ok(Json(pb::save(&state.app, &actor, Some(id), &input).await?))
}

/// Gives an organisation a seat in a body.
#[utoipa::path(post, path = "/bodies/{id}/members", tag = "bodies", params(("id" = i64, Path)), request_body = MemberInput,
    responses((status = 201, body = MemberView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<MemberInput>,
) -> WebResult<(StatusCode, Json<MemberView>)> {
    Ok((StatusCode::CREATED, Json(pb::save_member(&state.app, &actor, id, None, &body).await?)))
}

/// Changes a seat (representatives, role, sector, the day it was left).
#[utoipa::path(patch, path = "/members/{id}", tag = "bodies", params(("id" = i64, Path)), request_body = MemberInput,
    responses((status = 200, body = MemberView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_member(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<MemberInput>,
) -> WebResult<Json<MemberView>> {
    let current = pb::get_member(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input());
    input.version = version;
    Ok(Json(pb::save_member(&state.app, &actor, current.body_id, Some(id), &input).await?))
}

/// The meetings of a body, newest first.
#[utoipa::path(get, path = "/bodies/{id}/meetings", tag = "bodies", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = MeetingList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_meetings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<MeetingList>> {
    Ok(Json((pb::meetings(&state.app, &actor, id).await?, &pp).into()))
}

/// Records a meeting of a body.
#[utoipa::path(post, path = "/bodies/{id}/meetings", tag = "bodies", params(("id" = i64, Path)), request_body = MeetingInput,
    responses((status = 201, body = MeetingView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_meeting(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<MeetingInput>,
) -> WebResult<(StatusCode, Json<MeetingView>)> {
    Ok((StatusCode::CREATED, Json(pb::save_meeting(&state.app, &actor, id, None, &body).await?)))
}

/// A meeting with its action items.
#[utoipa::path(get, path = "/meetings/{id}", tag = "bodies", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_meeting(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<MeetingView>> {
    Ok(Json(pb::get_meeting(&state.app, &actor, id).await?))
}

/// Changes a meeting at the `version` read; fields left out keep their value.
#[utoipa::path(patch, path = "/meetings/{id}", tag = "bodies", params(("id" = i64, Path)), request_body = MeetingInput,
    responses((status = 200, body = MeetingView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_meeting(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<MeetingInput>,
) -> WebResult<Json<MeetingView>> {
    let current = pb::get_meeting(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input());
    input.version = version;
    Ok(Json(pb::save_meeting(&state.app, &actor, current.body.id, Some(id), &input).await?))
}

/// Adds an action item to a meeting.
#[utoipa::path(post, path = "/meetings/{id}/items", tag = "bodies", params(("id" = i64, Path)), request_body = ItemInput,
    responses((status = 201, body = ItemView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_item(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<ItemInput>,
) -> WebResult<(StatusCode, Json<ItemView>)> {
    Ok((StatusCode::CREATED, Json(pb::add_item(&state.app, &actor, id, &body).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct ToMilestone {
    /// The action the item becomes a milestone of.
    pub action_id: i64,
}

/// Turns a meeting's action item into a milestone of an action.
#[utoipa::path(post, path = "/meeting-items/{id}/milestone", tag = "bodies", params(("id" = i64, Path)), request_body = ToMilestone,
    responses((status = 201, body = MilestoneView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn item_to_milestone(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<ToMilestone>,
) -> WebResult<(StatusCode, Json<MilestoneView>)> {
    Ok((StatusCode::CREATED, Json(pl::item_to_milestone(&state.app, &actor, id, body.action_id).await?)))
}

// ---- plans ----

/// The action plans the caller may read, newest period first (a partner user: those their
/// organisation takes part in). In the list, milestones come with their status but without
/// their progress updates; read a plan for those.
#[utoipa::path(get, path = "/plans", tag = "plans", params(DistrictParams, PageParams),
    responses((status = 200, body = PlanList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_plans(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<DistrictParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<PlanList>> {
    let all = pl::list(&state.app, &actor, p.district.as_deref()).await?;
    Ok(Json((all.into_iter().filter(|x| contains(&x.title, &p.q)).collect(), &pp).into()))
}

/// Creates a plan (secretariat, managers, administrators).
#[utoipa::path(post, path = "/plans", tag = "plans", request_body = PlanInput,
    responses((status = 201, body = PlanView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<PlanInput>,
) -> WebResult<(StatusCode, Json<PlanView>)> {
    Ok((StatusCode::CREATED, Json(pl::save(&state.app, &actor, None, &body).await?)))
}

/// A plan with its actions, milestones and their progress.
#[utoipa::path(get, path = "/plans/{id}", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = PlanView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<PlanView>> {
    Ok(Json(pl::get(&state.app, &actor, id).await?))
}

/// Changes a plan at the `version` read; fields left out keep their value.
#[utoipa::path(patch, path = "/plans/{id}", tag = "plans", params(("id" = i64, Path)), request_body = PlanInput,
    responses((status = 200, body = PlanView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_plan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<PlanInput>,
) -> WebResult<Json<PlanView>> {
    let current = pl::get(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input());
    input.version = version;
    Ok(Json(pl::save(&state.app, &actor, Some(id), &input).await?))
}

/// Adds an action to a plan.
#[utoipa::path(post, path = "/plans/{id}/actions", tag = "plans", params(("id" = i64, Path)), request_body = ActionInput,
    responses((status = 201, body = ActionView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<ActionInput>,
) -> WebResult<(StatusCode, Json<ActionView>)> {
    Ok((StatusCode::CREATED, Json(pl::save_action(&state.app, &actor, id, None, &body).await?)))
}

/// An action with its milestones.
#[utoipa::path(get, path = "/actions/{id}", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = ActionView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<ActionView>> {
    Ok(Json(pl::get_action(&state.app, &actor, id).await?))
}

/// Changes an action at the `version` read; fields left out keep their value.
#[utoipa::path(patch, path = "/actions/{id}", tag = "plans", params(("id" = i64, Path)), request_body = ActionInput,
    responses((status = 200, body = ActionView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_action(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<ActionInput>,
) -> WebResult<Json<ActionView>> {
    let current = pl::get_action(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input());
    input.version = version;
    Ok(Json(pl::save_action(&state.app, &actor, current.plan_id, Some(id), &input).await?))
}

/// Adds a milestone to an action. It starts as `not_started`; progress updates set its status.
#[utoipa::path(post, path = "/actions/{id}/milestones", tag = "plans", params(("id" = i64, Path)), request_body = MilestoneInput,
    responses((status = 201, body = MilestoneView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_milestone(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<MilestoneInput>,
) -> WebResult<(StatusCode, Json<MilestoneView>)> {
    Ok((StatusCode::CREATED, Json(pl::save_milestone(&state.app, &actor, id, None, &body).await?)))
}

/// A milestone with its progress updates.
#[utoipa::path(get, path = "/milestones/{id}", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = MilestoneView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_milestone(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<MilestoneView>> {
    Ok(Json(pl::get_milestone(&state.app, &actor, id).await?))
}

/// Changes a milestone at the `version` read (not its status: post a progress update).
#[utoipa::path(patch, path = "/milestones/{id}", tag = "plans", params(("id" = i64, Path)), request_body = MilestoneInput,
    responses((status = 200, body = MilestoneView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_milestone(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<MilestoneInput>,
) -> WebResult<Json<MilestoneView>> {
    let current = pl::get_milestone(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input());
    input.version = version;
    Ok(Json(pl::save_milestone(&state.app, &actor, current.action_id, Some(id), &input).await?))
}

/// Reports progress on a milestone: a dated comment, a new status, or both. A partner user may
/// do so only for milestones their organisation owns (403 otherwise).
#[utoipa::path(post, path = "/milestones/{id}/updates", tag = "plans", params(("id" = i64, Path)), request_body = UpdateInput,
    responses((status = 201, body = MilestoneView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<UpdateInput>,
) -> WebResult<(StatusCode, Json<MilestoneView>)> {
    Ok((StatusCode::CREATED, Json(pl::add_update(&state.app, &actor, id, &body).await?)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuarterParams {
    /// The quarter, as `2004-Q3`; left out, the last quarter that has ended within the plan's
    /// period.
    #[serde(default)]
    pub quarter: Option<String>,
}

fn quarter(s: &str) -> Result<Quarter, AppError> {
    Quarter::parse(s).map_err(|c| AppError::field("quarter", c, Some(s.trim())))
}

/// The plan's progress report for a quarter, as the records stand now: every milestone with
/// its status at the quarter's end, the comments written by then, and the meetings held.
#[utoipa::path(get, path = "/plans/{id}/progress", tag = "plans", params(("id" = i64, Path), QuarterParams),
    responses((status = 200, body = ProgressReport), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(q): Query<QuarterParams>,
) -> WebResult<Json<ProgressReport>> {
    let quarter = match q.quarter.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => quarter(s)?,
        None => pl::default_quarter(&pl::get(&state.app, &actor, id).await?, chrono::Utc::now().date_naive()),
    };
    Ok(Json(pl::progress(&state.app, &actor, id, quarter).await?))
}

/// The progress reports issued for a plan, newest first.
#[utoipa::path(get, path = "/plans/{id}/progress-reports", tag = "plans", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = SnapshotList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_snapshots(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<SnapshotList>> {
    Ok(Json((pl::snapshots(&state.app, &actor, id).await?, &pp).into()))
}

#[derive(Deserialize, ToSchema)]
pub struct IssueBody {
    /// The quarter, as `2004-Q3`.
    pub quarter: String,
    /// `en` or `da` (default `en`).
    #[serde(default)]
    pub language: Option<String>,
}

/// Issues a quarter's progress report: it is computed now and kept unchanged.
#[utoipa::path(post, path = "/plans/{id}/progress-reports", tag = "plans", params(("id" = i64, Path)), request_body = IssueBody,
    responses((status = 201, body = SnapshotView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<IssueBody>,
) -> WebResult<(StatusCode, Json<SnapshotView>)> {
    pl::may_issue(&state.app, &actor, id).await?;
    let q = quarter(&body.quarter)?;
    let lang = match body.language.as_deref().map(str::trim) {
        None | Some("") => "en",
        Some(l) => accord_domain::Lang::parse(l)
            .ok_or_else(|| accord_app::AppError::field("language", "lang.unknown", Some(l)))?
            .code(),
    };
    Ok((StatusCode::CREATED, Json(pl::issue(&state.app, &actor, id, q, lang).await?)))
}

/// An issued progress report, as it was issued.
#[utoipa::path(get, path = "/progress-reports/{id}", tag = "plans", params(("id" = i64, Path)),
    responses((status = 200, body = SnapshotView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_snapshot(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<SnapshotView>> {
    Ok(Json(pl::snapshot(&state.app, &actor, id).await?))
}
