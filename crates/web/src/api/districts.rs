use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::districts::DistrictView;
use accord_app::{AppError, Paging};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct District {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The ISO 4217 code of the district's money: `DKK`, `EUR`, `GBP`, `ISK`, `NOK` or `SEK`.
    pub currency: String,
    /// The district the record belongs to: for a district, its own code.
    pub district: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<DistrictView> for District {
    fn from(d: DistrictView) -> Self {
        District {
            id: d.id,
            district: d.code.clone(),
            code: d.code,
            name: d.name,
            currency: d.currency,
            created_at: d.created_at,
            updated_at: d.updated_at,
            version: d.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DistrictList {
    pub items: Vec<District>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Finds by code or name (any part).
    pub q: Option<String>,
    /// `name`, `code`, `created_at` or `-created_at` (default: newest first).
    #[param(inline)]
    pub sort: Option<super::values::DistrictSortCode>,
}

/// The districts the caller works in.
#[utoipa::path(get, path = "/districts", tag = "districts", params(ListParams, PageParams),
    responses((status = 200, body = DistrictList), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<DistrictList>> {
    let mut all = accord_app::districts::list(&state.app, &actor).await?;
    if let Some(q) = p.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let q = q.to_lowercase();
        all.retain(|d| d.code.contains(&q) || d.name.to_lowercase().contains(&q));
    }
    match p.sort.as_ref().map(|s| s.as_str()).unwrap_or("-created_at") {
        "name" => all.sort_by(|a, b| a.name.cmp(&b.name)),
        "code" => all.sort_by(|a, b| a.code.cmp(&b.code)),
        "created_at" => all.sort_by_key(|d| (d.created_at, d.id)),
        "-created_at" => all.sort_by_key(|d| std::cmp::Reverse((d.created_at, d.id))),
        other => return Err(AppError::field("sort", "sort.unknown", Some(other)).into()),
    }
    let paging = Paging::new(pp.page, pp.per_page);
    let total = all.len() as u64;
    let items = all
        .into_iter()
        .skip(((paging.page - 1) * paging.per_page) as usize)
        .take(paging.per_page as usize)
        .map(District::from)
        .collect();
    Ok(Json(DistrictList { items, total, page: paging.page, per_page: paging.per_page }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewDistrict {
    /// 2–32 lower-case letters, digits and hyphens, starting with a letter.
    #[schema(pattern = "^[a-z][a-z0-9-]{1,31}$")]
    pub code: String,
    pub name: String,
    /// The ISO 4217 code of the district's money (default `DKK`).
    pub currency: Option<String>,
}

/// Creates a district (administrators).
#[utoipa::path(post, path = "/districts", tag = "districts", request_body = NewDistrict,
    responses((status = 201, body = District), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<NewDistrict>,
) -> WebResult<(StatusCode, Json<District>)> {
    let currency = body.currency.as_deref().unwrap_or("DKK");
    let d = accord_app::districts::create_in(&state.app, &actor, &body.code, &body.name, currency).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// One district; another district's id is 404.
#[utoipa::path(get, path = "/districts/{id}", tag = "districts", params(("id" = i64, Path)),
    responses((status = 200, body = District), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<District>> {
    Ok(Json(accord_app::districts::get(&state.app, &actor, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct DistrictPatch {
    #[schema(min_length = 1)]
    pub name: Option<String>,
    /// The ISO 4217 code of the district's money.
    pub currency: Option<String>,
    /// The version read; a stale one is refused with 409.
    pub version: i32,
}

/// Renames a district or sets its currency (administrators). The code does not change.
#[utoipa::path(patch, path = "/districts/{id}", tag = "districts", params(("id" = i64, Path)), request_body = DistrictPatch,
    responses((status = 200, body = District), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<DistrictPatch>,
) -> WebResult<Json<District>> {
    let current = accord_app::districts::get(&state.app, &actor, id).await?;
    let name = body.name.unwrap_or(current.name);
    let currency = body.currency.unwrap_or(current.currency);
    Ok(Json(accord_app::districts::update(&state.app, &actor, id, body.version, &name, &currency).await?.into()))
}
