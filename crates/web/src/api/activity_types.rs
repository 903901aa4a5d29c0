//! The activity types over the API: read by everyone who reads the directory, kept by
//! administrators. A type is never deleted and its code never changes, so the records that
//! have it keep it; it is retired instead.

use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::activities::{self as act, TypeInput};
use accord_app::directory as dir;
use accord_app::{Actor, AppError, Paging};
use accord_domain::ActivityType as TypeRecord;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct ActivityType {
    /// What records and files carry; never changes.
    pub code: String,
    pub label_en: String,
    pub label_da: String,
    /// Other names an import file or a record may use for the type.
    pub aliases: Vec<String>,
    /// Whether the type counts in the partner activity report.
    pub counts: bool,
    /// Built into Accord.
    pub builtin: bool,
    /// Refused for new records; records that have it keep it.
    pub retired: bool,
    /// Order in lists.
    pub position: i32,
}

impl From<TypeRecord> for ActivityType {
    fn from(t: TypeRecord) -> Self {
        ActivityType {
            aliases: t.aliases.lines().map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect(),
            code: t.code,
            label_en: t.label_en,
            label_da: t.label_da,
            counts: t.counts,
            builtin: t.builtin,
            retired: t.retired,
            position: t.position,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ActivityTypeList {
    pub items: Vec<ActivityType>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// Every activity type, retired ones too, by position.
#[utoipa::path(get, path = "/activity-types", tag = "activity-types", params(PageParams),
    responses((status = 200, body = ActivityTypeList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<ActivityTypeList>> {
    if !dir::can_view(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let types = act::types(&state.app).await?.types;
    let paging = Paging::new(pp.page, pp.per_page);
    let total = types.len() as u64;
    let items = types
        .into_iter()
        .skip(((paging.page - 1) * paging.per_page) as usize)
        .take(paging.per_page as usize)
        .map(ActivityType::from)
        .collect();
    Ok(Json(ActivityTypeList { items, total, page: paging.page, per_page: paging.per_page }))
}

async fn find(state: &AppState, code: &str) -> WebResult<TypeRecord> {
    let types = act::types(&state.app).await?;
    Ok(types.types.into_iter().find(|t| t.code == code).ok_or(AppError::NotFound)?)
}

/// One activity type.
#[utoipa::path(get, path = "/activity-types/{code}", tag = "activity-types", params(("code" = String, Path)),
    responses((status = 200, body = ActivityType), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
) -> WebResult<Json<ActivityType>> {
    if !dir::can_view(&actor) {
        return Err(AppError::Forbidden.into());
    }
    Ok(Json(find(&state, &code).await?.into()))
}

/// A type to add. No label or alias may already name another type.
#[derive(Deserialize, ToSchema)]
pub struct NewActivityType {
    /// Lower case letters, digits and `_`, starting with a letter, at most 40 characters.
    #[schema(pattern = "^[a-z][a-z0-9_]{0,39}$")]
    pub code: String,
    pub label_en: String,
    pub label_da: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Counts in the partner activity report (default true).
    #[serde(default = "yes")]
    pub counts: bool,
    #[serde(default)]
    pub retired: bool,
    /// Order in lists (default 1000).
    #[schema(minimum = 0, maximum = 100_000)]
    pub position: Option<i32>,
}

fn yes() -> bool {
    true
}

fn require_manage(actor: &Actor) -> WebResult<()> {
    actor.require_write()?;
    if act::can_manage_types(actor) { Ok(()) } else { Err(AppError::Forbidden.into()) }
}

/// Adds an activity type (administrators).
#[utoipa::path(post, path = "/activity-types", tag = "activity-types", request_body = NewActivityType,
    responses((status = 201, body = ActivityType), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewActivityType>,
) -> WebResult<(StatusCode, Json<ActivityType>)> {
    let input = TypeInput {
        code: b.code,
        label_en: b.label_en,
        label_da: b.label_da,
        aliases: b.aliases.join("\n"),
        counts: b.counts,
        retired: b.retired,
        position: b.position.map(|p| p.to_string()).unwrap_or_default(),
    };
    let t = act::save_type(&state.app, &actor, None, &input).await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// Changes to a type: the fields given (`aliases` given replaces the list). The code stays.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ActivityTypePatch {
    pub label_en: Option<String>,
    pub label_da: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub counts: Option<bool>,
    /// `true` retires the type, `false` brings it back.
    pub retired: Option<bool>,
    #[schema(minimum = 0, maximum = 100_000)]
    pub position: Option<i32>,
}

/// Renames, re-aliases, retires or brings back an activity type (administrators). Records keep
/// the type's code.
#[utoipa::path(patch, path = "/activity-types/{code}", tag = "activity-types", params(("code" = String, Path)), request_body = ActivityTypePatch,
    responses((status = 200, body = ActivityType), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(code): Path<String>,
    Json(b): Json<ActivityTypePatch>,
) -> WebResult<Json<ActivityType>> {
    require_manage(&actor)?;
    let t = find(&state, &code).await?;
    let input = TypeInput {
        code: t.code.clone(),
        label_en: b.label_en.unwrap_or(t.label_en),
        label_da: b.label_da.unwrap_or(t.label_da),
        aliases: b.aliases.map(|a| a.join("\n")).unwrap_or(t.aliases),
        counts: b.counts.unwrap_or(t.counts),
        retired: b.retired.unwrap_or(t.retired),
        position: b.position.unwrap_or(t.position).to_string(),
    };
    Ok(Json(act::save_type(&state.app, &actor, Some(&t.code), &input).await?.into()))
}
