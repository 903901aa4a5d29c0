//! Regions and national accounts over the API: regions of districts (kept by administrators),
//! the national unit's accounts with national employers, and an account's roll-up across the
//! districts that deliver it, under the same rules, audit entries and access as the pages.

use super::extract::Json;
use super::extract::{Path, Query};
use super::values::{AccountStatusCode, Date};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::national::{self as na, AccountInput, AccountView, RegionInput, RegionView, Rollup};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

// ---- regions ----

/// A district of a region.
#[derive(Serialize, ToSchema)]
pub struct RegionDistrict {
    pub code: String,
    pub name: String,
}

/// A group of districts; a user given it works in each of them.
#[derive(Serialize, ToSchema)]
pub struct Region {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub districts: Vec<RegionDistrict>,
    /// The e-mail addresses of the users given the region (shown to administrators only).
    pub users: Vec<String>,
    pub version: i32,
}

impl From<RegionView> for Region {
    fn from(v: RegionView) -> Self {
        Region {
            id: v.id,
            code: v.code,
            name: v.name,
            districts: v.districts.into_iter().map(|d| RegionDistrict { code: d.code, name: d.name }).collect(),
            users: v.users.into_iter().map(|u| u.email).collect(),
            version: v.version,
        }
    }
}

list_of!(RegionList, Region);

/// Every region with its districts, by name.
#[utoipa::path(get, path = "/regions", tag = "regions", params(PageParams),
    responses((status = 200, body = RegionList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_regions(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<RegionList>> {
    let all: Vec<Region> = na::list_regions(&state.app, &actor).await?.into_iter().map(Region::from).collect();
    Ok(Json(RegionList::from((all, &pp))))
}

/// One region with its districts.
#[utoipa::path(get, path = "/regions/{id}", tag = "regions", params(("id" = i64, Path)),
    responses((status = 200, body = Region), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_region(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Region>> {
    Ok(Json(na::get_region(&state.app, &actor, id).await?.into()))
}

/// A region to create: its code, name, districts (codes; a district taken from another
/// region leaves it) and the users given it (e-mail addresses).
#[derive(Deserialize, ToSchema)]
pub struct NewRegion {
    #[schema(pattern = "^[a-z][a-z0-9-]{1,31}$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    pub districts: Vec<String>,
    #[serde(default)]
    pub users: Vec<String>,
}

/// Creates a region (administrators); an unknown district or user is 422 naming `districts`
/// or `users`, a code in use 422 naming `code`.
#[utoipa::path(post, path = "/regions", tag = "regions", request_body = NewRegion,
    responses((status = 201, body = Region), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_region(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewRegion>,
) -> WebResult<(StatusCode, Json<Region>)> {
    let input = RegionInput { code: b.code, name: b.name, districts: b.districts, users: b.users, version: None };
    Ok((StatusCode::CREATED, Json(na::create_region(&state.app, &actor, &input).await?.into())))
}

/// A region's changes: fields left out stay as they are.
#[derive(Deserialize, ToSchema)]
pub struct RegionPatch {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    pub districts: Option<Vec<String>>,
    pub users: Option<Vec<String>>,
    /// The version read; a stale one is 409.
    pub version: i32,
}

/// Renames a region and sets its districts and users (administrators).
#[utoipa::path(patch, path = "/regions/{id}", tag = "regions", params(("id" = i64, Path)), request_body = RegionPatch,
    responses((status = 200, body = Region), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_region(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<RegionPatch>,
) -> WebResult<Json<Region>> {
    let current = na::get_region(&state.app, &actor, id).await?;
    if !na::can_manage_regions(&actor) {
        return Err(accord_app::AppError::Forbidden.into());
    }
    let input = RegionInput {
        code: current.code,
        name: b.name.unwrap_or(current.name),
        districts: b.districts.unwrap_or_else(|| current.districts.into_iter().map(|d| d.code).collect()),
        users: b.users.unwrap_or_else(|| current.users.into_iter().map(|u| u.email).collect()),
        version: Some(b.version),
    };
    Ok(Json(na::update_region(&state.app, &actor, id, &input).await?.into()))
}

// ---- national accounts ----

/// The national employer: its group in the directory.
#[derive(Serialize, ToSchema)]
pub struct AccountOrganisation {
    pub id: i64,
    #[schema(rename = "ref")]
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub name: String,
}

/// A national unit's account with a national employer.
#[derive(Serialize, ToSchema)]
pub struct NationalAccount {
    pub id: i64,
    /// The national unit's district code.
    pub district: String,
    pub organisation: AccountOrganisation,
    /// The national account manager: e-mail address and name.
    pub manager: Option<String>,
    pub manager_name: Option<String>,
    #[schema(value_type = AccountStatusCode)]
    pub status: String,
    /// The employer's place on the unit's list of top employers; null: not on it.
    pub target_rank: Option<i32>,
    /// The service level agreement's jobs target, term and exclusivity.
    pub sla_jobs_target: Option<i64>,
    pub sla_start: Option<NaiveDate>,
    pub sla_end: Option<NaiveDate>,
    pub sla_exclusive: bool,
    pub notes: Option<String>,
    pub version: i32,
}

impl From<AccountView> for NationalAccount {
    fn from(v: AccountView) -> Self {
        NationalAccount {
            id: v.id,
            district: v.district,
            organisation: AccountOrganisation {
                id: v.organisation.id,
                r#ref: v.organisation.r#ref,
                name: v.organisation.name,
            },
            manager: v.manager_email,
            manager_name: v.manager_name,
            status: v.status.as_str().to_owned(),
            target_rank: v.target_rank,
            sla_jobs_target: v.sla_jobs_target,
            sla_start: v.sla_start,
            sla_end: v.sla_end,
            sla_exclusive: v.sla_exclusive,
            notes: v.notes,
            version: v.version,
        }
    }
}

list_of!(NationalAccountList, NationalAccount);

/// The accounts the caller sees: their national unit's, and those of employers with a company
/// or a site in their districts; those on the target list first, by place.
#[utoipa::path(get, path = "/national-accounts", tag = "national-accounts", params(PageParams),
    responses((status = 200, body = NationalAccountList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<NationalAccountList>> {
    let all: Vec<NationalAccount> = na::list(&state.app, &actor).await?.into_iter().map(Into::into).collect();
    Ok(Json(NationalAccountList::from((all, &pp))))
}

/// One account; one the caller does not see is 404.
#[utoipa::path(get, path = "/national-accounts/{id}", tag = "national-accounts", params(("id" = i64, Path)),
    responses((status = 200, body = NationalAccount), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<NationalAccount>> {
    Ok(Json(na::get(&state.app, &actor, id).await?.into()))
}

/// An account to open with a national employer: a group of the national unit's directory.
#[derive(Deserialize, ToSchema)]
pub struct NewAccount {
    /// The national unit's code; needed only by callers who work in more than one district.
    pub district: Option<String>,
    /// The group's ref, CVR or P-number.
    #[schema(min_length = 1)]
    pub organisation: String,
    /// The national account manager's e-mail address: a user of the national unit.
    #[schema(min_length = 1)]
    pub manager: String,
    pub status: AccountStatusCode,
    #[schema(minimum = 1, maximum = 10000)]
    pub target_rank: Option<i32>,
    #[schema(minimum = 1, maximum = 10000000)]
    pub sla_jobs_target: Option<i64>,
    pub sla_start: Option<NaiveDate>,
    pub sla_end: Option<NaiveDate>,
    #[serde(default)]
    pub sla_exclusive: bool,
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
}

fn opt_text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Opens an account (the national unit's managers and account managers); a group that has one
/// already is 422 naming `organisation`.
#[utoipa::path(post, path = "/national-accounts", tag = "national-accounts", request_body = NewAccount,
    responses((status = 201, body = NationalAccount), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewAccount>,
) -> WebResult<(StatusCode, Json<NationalAccount>)> {
    let input = AccountInput {
        district: b.district,
        organisation: b.organisation,
        manager: b.manager,
        status: b.status.get().as_str().to_owned(),
        target_rank: opt_text(b.target_rank),
        sla_jobs_target: opt_text(b.sla_jobs_target),
        sla_start: opt_text(b.sla_start),
        sla_end: opt_text(b.sla_end),
        sla_exclusive: b.sla_exclusive,
        notes: b.notes.unwrap_or_default(),
        version: None,
    };
    Ok((StatusCode::CREATED, Json(na::create(&state.app, &actor, &input).await?.into())))
}

/// An account's changes: the whole account as it should be (the employer and the unit stay).
#[derive(Deserialize, ToSchema)]
pub struct AccountPatch {
    #[schema(min_length = 1)]
    pub manager: String,
    pub status: AccountStatusCode,
    #[schema(minimum = 1, maximum = 10000)]
    pub target_rank: Option<i32>,
    #[schema(minimum = 1, maximum = 10000000)]
    pub sla_jobs_target: Option<i64>,
    pub sla_start: Option<NaiveDate>,
    pub sla_end: Option<NaiveDate>,
    #[serde(default)]
    pub sla_exclusive: bool,
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
    /// The version read; a stale one is 409.
    pub version: i32,
}

/// Changes an account (its national unit only: a participating district is 403).
#[utoipa::path(patch, path = "/national-accounts/{id}", tag = "national-accounts", params(("id" = i64, Path)), request_body = AccountPatch,
    responses((status = 200, body = NationalAccount), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<AccountPatch>,
) -> WebResult<Json<NationalAccount>> {
    let input = AccountInput {
        district: None,
        organisation: String::new(),
        manager: b.manager,
        status: b.status.get().as_str().to_owned(),
        target_rank: opt_text(b.target_rank),
        sla_jobs_target: opt_text(b.sla_jobs_target),
        sla_start: opt_text(b.sla_start),
        sla_end: opt_text(b.sla_end),
        sla_exclusive: b.sla_exclusive,
        notes: b.notes.unwrap_or_default(),
        version: Some(b.version),
    };
    Ok(Json(na::update(&state.app, &actor, id, &input).await?.into()))
}

// ---- the roll-up ----

/// What was recorded at the account's companies and sites: activities started, placings
/// (activities ending in a hire), vacancies asked for and filled through recruitment requests.
#[derive(Serialize, ToSchema, Clone, Copy)]
pub struct Figures {
    pub activities: i64,
    pub placings: i64,
    pub vacancies: i64,
    pub filled: i64,
}

impl From<na::Figures> for Figures {
    fn from(f: na::Figures) -> Self {
        Figures { activities: f.activities, placings: f.placings, vacancies: f.vacancies, filled: f.filled }
    }
}

/// A district's share.
#[derive(Serialize, ToSchema)]
pub struct DistrictShare {
    pub district: String,
    pub district_name: String,
    pub region: Option<String>,
    pub sites: i64,
    pub companies: i64,
    pub figures: Figures,
    /// Whether the caller may see the district's records (else counts only).
    pub records: bool,
}

/// A region's share: its districts' figures added, its companies each counted once.
#[derive(Serialize, ToSchema)]
pub struct RegionShare {
    /// Null: the districts in no region.
    pub region: Option<String>,
    pub districts: i64,
    pub companies: i64,
    pub figures: Figures,
}

/// A month's figures.
#[derive(Serialize, ToSchema)]
pub struct MonthShare {
    /// `YYYY-MM`.
    pub month: String,
    pub figures: Figures,
}

/// A company or site of the account in the caller's districts, with its local account manager.
#[derive(Serialize, ToSchema)]
pub struct AccountSite {
    pub id: i64,
    #[schema(rename = "ref")]
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub name: String,
    pub level: String,
    pub district: String,
    pub local_manager: Option<String>,
}

/// An activity behind the figures, in one of the caller's districts.
#[derive(Serialize, ToSchema)]
pub struct AccountRecord {
    pub id: i64,
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub r#type: String,
    pub organisation: String,
    pub district: String,
    pub start_date: NaiveDate,
    pub outcome: String,
}

/// An account's roll-up: every district's figures for its national unit, a participating
/// district's own for it.
#[derive(Serialize, ToSchema)]
pub struct AccountRollup {
    pub account: NationalAccount,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// True when the figures are every district's.
    pub national: bool,
    pub total: Figures,
    /// Distinct companies, each counted once however many districts its sites are in.
    pub companies: i64,
    /// Placings and vacancies filled: what counts toward the agreement's jobs target.
    pub jobs: i64,
    pub jobs_target: Option<i64>,
    pub districts: Vec<DistrictShare>,
    pub regions: Vec<RegionShare>,
    pub months: Vec<MonthShare>,
    pub sites: Vec<AccountSite>,
    pub records: Vec<AccountRecord>,
}

impl From<Rollup> for AccountRollup {
    fn from(r: Rollup) -> Self {
        AccountRollup {
            account: r.account.into(),
            from: r.from,
            to: r.to,
            national: r.national,
            total: r.total.into(),
            companies: r.companies,
            jobs: r.jobs,
            jobs_target: r.jobs_target,
            districts: r
                .districts
                .into_iter()
                .map(|d| DistrictShare {
                    district: d.district,
                    district_name: d.district_name,
                    region: d.region,
                    sites: d.sites,
                    companies: d.companies,
                    figures: d.figures.into(),
                    records: d.records,
                })
                .collect(),
            regions: r
                .regions
                .into_iter()
                .map(|g| RegionShare {
                    region: g.region,
                    districts: g.districts,
                    companies: g.companies,
                    figures: g.figures.into(),
                })
                .collect(),
            months: r.months.into_iter().map(|m| MonthShare { month: m.month, figures: m.figures.into() }).collect(),
            sites: r
                .sites
                .into_iter()
                .map(|s| AccountSite {
                    id: s.id,
                    r#ref: s.r#ref,
                    name: s.name,
                    level: s.level,
                    district: s.district,
                    local_manager: s.local_manager,
                })
                .collect(),
            records: r
                .records
                .into_iter()
                .map(|a| AccountRecord {
                    id: a.id,
                    r#type: a.r#type,
                    organisation: a.organisation,
                    district: a.district,
                    start_date: a.start_date,
                    outcome: a.outcome,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RollupParams {
    /// The first day; left out: the agreement's start, else the first of this year.
    pub from: Option<Date>,
    /// The last day; left out: the agreement's end or today, whichever is first.
    pub to: Option<Date>,
}

/// An account's figures per district, region and month, with the caller's sites and records.
#[utoipa::path(get, path = "/national-accounts/{id}/rollup", tag = "national-accounts", params(("id" = i64, Path), RollupParams),
    responses((status = 200, body = AccountRollup), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rollup(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(p): Query<RollupParams>,
) -> WebResult<Json<AccountRollup>> {
    let r = na::rollup(&state.app, &actor, id, p.from.map(|d| d.0), p.to.map(|d| d.0)).await?;
    Ok(Json(r.into()))
}
