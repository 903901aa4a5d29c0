//! The reports over the API: the partner activity report (the same JSON as `accord report
//! activities --format json`), the records and organisations behind each of its numbers, the
//! dashboard's figures, the committee report, and the KPI targets.

use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use crate::views::reports::ReportParams;
use accord_app::Paging;
use accord_app::reports::{
    self as rep, ActivityReport, CommitteeReport, Dashboard, RecordRow, TargetInput, TargetView, UnitRow,
};
use accord_domain::Lang;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The report's parameters.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportQueryParams {
    /// The calendar year (default: this year).
    pub year: Option<String>,
    /// Count only what started up to and including this day (`YYYY-MM-DD`).
    pub as_of: Option<String>,
    /// A district code; left out: every district the caller may see.
    pub district: Option<String>,
    /// How organisations are counted: `holder` (default), `company` or `site`.
    pub unit: Option<String>,
    /// Another period than the year: its first day (with `to`).
    pub from: Option<String>,
    /// Another period than the year: its last day (with `from`).
    pub to: Option<String>,
    /// The labels' language: `en` (default) or `da`.
    pub lang: Option<String>,
}

impl ReportQueryParams {
    fn params(&self) -> ReportParams {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        ReportParams {
            year: s(&self.year),
            as_of: s(&self.as_of),
            district: s(&self.district),
            unit: s(&self.unit),
            from: s(&self.from),
            to: s(&self.to),
            ..Default::default()
        }
    }

    fn lang(&self) -> Lang {
        self.lang.as_deref().and_then(Lang::parse).unwrap_or(Lang::En)
    }
}

/// Which number's records: `group` and `row` as the report's links give them.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CellParams {
    /// `partner` (default), `outside`, `planned` or `not_counted`.
    #[param(inline)]
    pub group: Option<super::values::GroupCode>,
    /// An activity type's code or `recruitment_request`; left out: every row.
    pub row: Option<String>,
    /// `1`: only requests with hires.
    #[param(inline)]
    pub hired: Option<super::values::FlagCode>,
    /// `1`: only requests filled through the jobcentre.
    #[param(inline)]
    pub filled: Option<super::values::FlagCode>,
}

fn with_cell(mut p: ReportParams, c: &CellParams) -> ReportParams {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    p.group = c.group.as_ref().map(|g| g.0.clone()).unwrap_or_default();
    p.row = s(&c.row);
    p.hired = c.hired.as_ref().map(|g| g.0.clone()).unwrap_or_default();
    p.filled = c.filled.as_ref().map(|g| g.0.clone()).unwrap_or_default();
    p
}

/// The partner activity report: new activities and recruitment requests at partner companies
/// in the year (up to `as_of` when given), per activity type, with the distinct organisations
/// they are spread over; the status on the cut-off day; and what happened outside the partner
/// companies.
#[utoipa::path(get, path = "/reports/activities", tag = "reports", params(ReportQueryParams),
    responses((status = 200, body = ActivityReport), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn activities(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ReportQueryParams>,
) -> WebResult<Json<ActivityReport>> {
    let q = p.params().query()?;
    Ok(Json(rep::activity_report(&state.app, &actor, &q, p.lang()).await?))
}

#[derive(Serialize, ToSchema)]
pub struct RecordList {
    pub items: Vec<RecordRow>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// The records behind one number of the report, newest first; `total` equals the number.
#[utoipa::path(get, path = "/reports/activities/records", tag = "reports", params(ReportQueryParams, CellParams, PageParams),
    responses((status = 200, body = RecordList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn records(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ReportQueryParams>,
    Query(c): Query<CellParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<RecordList>> {
    let params = with_cell(p.params(), &c);
    let q = params.query()?;
    let cell = params.cell()?;
    let paging = Paging::new(pp.page, pp.per_page);
    let page = rep::records(&state.app, &actor, &q, &cell, paging, p.lang()).await?;
    Ok(Json(RecordList { items: page.items, total: page.total, page: paging.page, per_page: paging.per_page }))
}

#[derive(Serialize, ToSchema)]
pub struct UnitList {
    pub items: Vec<UnitRow>,
    pub total: u64,
}

/// The organisations behind one number of the report, by name; `total` equals the number.
#[utoipa::path(get, path = "/reports/activities/organisations", tag = "reports", params(ReportQueryParams, CellParams),
    responses((status = 200, body = UnitList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn organisations(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ReportQueryParams>,
    Query(c): Query<CellParams>,
) -> WebResult<Json<UnitList>> {
    let params = with_cell(p.params(), &c);
    let items = rep::organisations(&state.app, &actor, &params.query()?, &params.cell()?).await?;
    Ok(Json(UnitList { total: items.len() as u64, items }))
}

/// The committee report: the report, the year before up to the same day, the comparison by
/// type, and the targets whose period overlaps the year.
#[utoipa::path(get, path = "/reports/committee", tag = "reports", params(ReportQueryParams),
    responses((status = 200, body = CommitteeReport), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn committee(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ReportQueryParams>,
) -> WebResult<Json<CommitteeReport>> {
    let q = p.params().query()?;
    Ok(Json(rep::committee(&state.app, &actor, &q, Utc::now().date_naive(), p.lang()).await?))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DashboardParams {
    /// A district code; left out: every district the caller may see.
    pub district: Option<String>,
    /// The labels' language: `en` (default) or `da`.
    pub lang: Option<String>,
}

/// The dashboard's figures for today: this year against the same days of last year.
#[utoipa::path(get, path = "/dashboard", tag = "reports", params(DashboardParams),
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn dashboard(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<DashboardParams>,
) -> WebResult<Json<Dashboard>> {
    let lang = p.lang.as_deref().and_then(Lang::parse).unwrap_or(Lang::En);
    Ok(Json(rep::dashboard(&state.app, &actor, p.district.as_deref(), Utc::now().date_naive(), lang).await?))
}

// ---- targets ----

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TargetParams {
    pub district: Option<String>,
    /// `true`: retired targets too.
    pub retired: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct TargetList {
    pub items: Vec<TargetView>,
    pub total: u64,
}

/// The KPI targets, each with its value, trajectory and status today.
#[utoipa::path(get, path = "/targets", tag = "targets", params(TargetParams),
    responses((status = 200, body = TargetList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_targets(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<TargetParams>,
) -> WebResult<Json<TargetList>> {
    let items =
        rep::targets(&state.app, &actor, p.district.as_deref(), p.retired.unwrap_or(false), Utc::now().date_naive())
            .await?;
    Ok(Json(TargetList { total: items.len() as u64, items }))
}

/// A target as sent. A change (`PATCH`) keeps the stored value of every field left out.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TargetBody {
    /// A district code; may be left out when the caller has exactly one.
    pub district: Option<String>,
    pub name: Option<String>,
    /// `partner_organisations`, `partner_activities`, `activities_of_type`, `requests_filled`
    /// or `agreements_in_force`.
    #[schema(schema_with = accord_app::schema::code_or_null::<accord_domain::report::KpiMetric>)]
    pub metric: Option<String>,
    /// For `activities_of_type`: the type's code or label.
    pub activity_type: Option<String>,
    /// `holder` (default), `company` or `site`.
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::ReportUnit>)]
    pub unit: Option<String>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    /// A whole number (or its text).
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 100_000_000)]
    pub threshold: Option<serde_json::Value>,
    /// `at_least` (default) or `at_most`.
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::report::Direction>)]
    pub direction: Option<String>,
    pub notes: Option<String>,
    pub retired: Option<bool>,
    /// The version read; required to change a target.
    pub version: Option<i32>,
}

impl TargetBody {
    /// The body over `base`: what the body leaves out stays as in `base`.
    fn input(&self, base: TargetInput) -> TargetInput {
        let pick = |v: &Option<String>, b: String| v.clone().unwrap_or(b);
        TargetInput {
            district: self.district.clone().or(base.district),
            name: pick(&self.name, base.name),
            metric: pick(&self.metric, base.metric),
            activity_type: pick(&self.activity_type, base.activity_type),
            unit: pick(&self.unit, base.unit),
            period_start: pick(&self.period_start, base.period_start),
            period_end: pick(&self.period_end, base.period_end),
            threshold: match &self.threshold {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Null) => String::new(),
                Some(other) => other.to_string(),
                None => base.threshold,
            },
            direction: pick(&self.direction, base.direction),
            notes: pick(&self.notes, base.notes),
            retired: self.retired.unwrap_or(base.retired),
            version: self.version,
        }
    }
}

/// Creates a target (secretariat, managers, administrators).
#[utoipa::path(post, path = "/targets", tag = "targets", request_body = TargetBody,
    responses((status = 201, body = TargetView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_target(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<TargetBody>,
) -> WebResult<(StatusCode, Json<TargetView>)> {
    let v = rep::save_target(&state.app, &actor, None, &body.input(TargetInput::default())).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// One target with its value, trajectory and status today.
#[utoipa::path(get, path = "/targets/{id}", tag = "targets", params(("id" = i64, Path)),
    responses((status = 200, body = TargetView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_target(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<TargetView>> {
    Ok(Json(rep::get_target(&state.app, &actor, id, Utc::now().date_naive()).await?))
}

/// Changes a target at the `version` read; 409 with the current target when someone saved
/// first.
#[utoipa::path(patch, path = "/targets/{id}", tag = "targets", params(("id" = i64, Path)), request_body = TargetBody,
    responses((status = 200, body = TargetView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_target(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<TargetBody>,
) -> WebResult<Json<TargetView>> {
    let current = rep::get_target(&state.app, &actor, id, Utc::now().date_naive()).await?;
    Ok(Json(rep::save_target(&state.app, &actor, Some(id), &body.input(current.input())).await?))
}
