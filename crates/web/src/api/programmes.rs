//! Programmes and budgets over the API: programmes with their organisations, outputs against
//! targets (counted from participation records) and outcomes per target group ("<5" for 1 to
//! 4 people); budget lines per programme or for the secretariat, spend in minor units, under
//! the same rules, audit entries and access as the pages.

use super::extract::Json;
use super::extract::{Path, Query};
use super::values::{FundingSourceCode, PartnerRoleCode, ProgrammeKindCode, TargetGroupCode};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::Paging;
use accord_app::job_shops::{JobShopInput, JobShopView};
use accord_app::programmes::{
    self as pg, Budget, LineInput, LineView, ParticipantInput, PartnerInput, ProgrammeInput, ProgrammeView, SpendInput,
};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

list_of!(ProgrammeList, ProgrammeView);

fn text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The programmes the caller may see, newest start first, each with its outputs.
#[utoipa::path(get, path = "/programmes", tag = "programmes", params(PageParams),
    responses((status = 200, body = ProgrammeList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<ProgrammeList>> {
    let paging = Paging::new(pp.page, pp.per_page);
    let r = pg::list(&state.app, &actor, paging).await?;
    Ok(Json(ProgrammeList { items: r.items, total: r.total, page: paging.page, per_page: paging.per_page }))
}

/// One programme: its organisations, outputs against targets and outcomes per target group.
#[utoipa::path(get, path = "/programmes/{id}", tag = "programmes", params(("id" = i64, Path)),
    responses((status = 200, body = ProgrammeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<ProgrammeView>> {
    Ok(Json(pg::get(&state.app, &actor, id).await?))
}

/// A programme to set up.
#[derive(Deserialize, ToSchema)]
pub struct NewProgramme {
    /// The district's code; needed only by callers who work in more than one.
    pub district: Option<String>,
    pub kind: ProgrammeKindCode,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    pub start_date: NaiveDate,
    /// On or after the start.
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroupCode>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_referrals: Option<i32>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_starts: Option<i32>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_completions: Option<i32>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_job_entries: Option<i32>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_sustained_jobs: Option<i32>,
}

/// Sets up a programme; an end before the start is 422 naming `end_date`.
#[utoipa::path(post, path = "/programmes", tag = "programmes", request_body = NewProgramme,
    responses((status = 201, body = ProgrammeView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewProgramme>,
) -> WebResult<(StatusCode, Json<ProgrammeView>)> {
    let input = ProgrammeInput {
        district: b.district,
        kind: b.kind.get().as_str().to_owned(),
        name: b.name,
        description: b.description.unwrap_or_default(),
        start_date: b.start_date.to_string(),
        end_date: text(b.end_date),
        target_groups: b.target_groups.into_iter().map(|g| g.get().as_str().to_owned()).collect(),
        target_referrals: text(b.target_referrals),
        target_starts: text(b.target_starts),
        target_completions: text(b.target_completions),
        target_job_entries: text(b.target_job_entries),
        target_sustained_jobs: text(b.target_sustained_jobs),
        version: None,
    };
    Ok((StatusCode::CREATED, Json(pg::create(&state.app, &actor, &input).await?)))
}

/// The fields to change; those left out keep their values. A target of null keeps the target;
/// clear one from the page.
#[derive(Deserialize, ToSchema)]
pub struct ProgrammePatch {
    /// The programme's version as read; a stale one is 409.
    pub version: i32,
    pub kind: Option<ProgrammeKindCode>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub target_groups: Option<Vec<TargetGroupCode>>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_referrals: Option<i32>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_starts: Option<i32>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_completions: Option<i32>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_job_entries: Option<i32>,
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_sustained_jobs: Option<i32>,
}

/// Edits a programme at the version read: 409 when someone changed it first, 422 naming the
/// field for bad input (an end before the start names `end_date`).
#[utoipa::path(patch, path = "/programmes/{id}", tag = "programmes", params(("id" = i64, Path)), request_body = ProgrammePatch,
    responses((status = 200, body = ProgrammeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<ProgrammePatch>,
) -> WebResult<Json<ProgrammeView>> {
    let v = pg::get(&state.app, &actor, id).await?;
    let target = |i: usize, new: Option<i32>| text(new.map(i64::from).or(v.outputs[i].target));
    let input = ProgrammeInput {
        district: None,
        kind: b.kind.map(|k| k.get().as_str().to_owned()).unwrap_or_else(|| v.kind.clone()),
        name: b.name.unwrap_or_else(|| v.name.clone()),
        description: b.description.or_else(|| v.description.clone()).unwrap_or_default(),
        start_date: b.start_date.unwrap_or(v.start_date).to_string(),
        end_date: text(b.end_date.or(v.end_date)),
        target_groups: match b.target_groups {
            Some(g) => g.into_iter().map(|g| g.get().as_str().to_owned()).collect(),
            None => v.target_groups.clone(),
        },
        target_referrals: target(0, b.target_referrals),
        target_starts: target(1, b.target_starts),
        target_completions: target(2, b.target_completions),
        target_job_entries: target(3, b.target_job_entries),
        target_sustained_jobs: target(4, b.target_sustained_jobs),
        version: Some(b.version),
    };
    Ok(Json(pg::update(&state.app, &actor, id, &input).await?))
}

/// An organisation of the programme's district and its role there.
#[derive(Deserialize, ToSchema)]
pub struct NewPartner {
    /// The organisation's ref, CVR, P-number or Companies House number.
    #[schema(min_length = 1)]
    pub organisation: String,
    pub role: PartnerRoleCode,
}

/// Adds an organisation to the programme in a role; the same organisation in the same role
/// twice, or one of another district, is 422 naming `organisation`.
#[utoipa::path(post, path = "/programmes/{id}/partners", tag = "programmes", params(("id" = i64, Path)), request_body = NewPartner,
    responses((status = 201, body = ProgrammeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_partner(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<NewPartner>,
) -> WebResult<(StatusCode, Json<ProgrammeView>)> {
    let input = PartnerInput { organisation: b.organisation, role: b.role.get().as_str().to_owned() };
    Ok((StatusCode::CREATED, Json(pg::add_partner(&state.app, &actor, id, &input).await?)))
}

/// One person's participation, by pseudonymous reference: the days of the stages reached.
#[derive(Deserialize, ToSchema)]
pub struct Participation {
    /// The case system's reference; never a name or an identity number.
    #[schema(min_length = 1, max_length = 64)]
    pub citizen_ref: String,
    /// The programme's eligibility flag: one of its target groups.
    pub target_group: Option<TargetGroupCode>,
    pub referred_on: NaiveDate,
    pub started_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub job_on: Option<NaiveDate>,
    pub sustained_on: Option<NaiveDate>,
}

/// Participation records to save, all or nothing.
#[derive(Deserialize, ToSchema)]
pub struct Participations {
    #[schema(min_items = 1, max_items = 1000)]
    pub participants: Vec<Participation>,
}

/// Records participation: a reference already in the programme has its record brought up to
/// date. All or nothing; with more than one record, an error's field starts `line N, `. A
/// target group the programme is not aimed at is 422 naming `target_group`; a stage before the
/// one it follows names its field.
#[utoipa::path(post, path = "/programmes/{id}/participants", tag = "programmes", params(("id" = i64, Path)), request_body = Participations,
    responses((status = 200, body = ProgrammeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_participants(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<Participations>,
) -> WebResult<Json<ProgrammeView>> {
    let inputs: Vec<ParticipantInput> = b
        .participants
        .into_iter()
        .map(|p| ParticipantInput {
            citizen_ref: p.citizen_ref,
            target_group: p.target_group.map(|g| g.get().as_str().to_owned()).unwrap_or_default(),
            referred_on: p.referred_on.to_string(),
            started_on: text(p.started_on),
            completed_on: text(p.completed_on),
            job_on: text(p.job_on),
            sustained_on: text(p.sustained_on),
        })
        .collect();
    if inputs.len() > 1000 {
        return Err(accord_app::AppError::field("participants", "programme.too_many", Some("1000")).into());
    }
    Ok(Json(pg::record_participants(&state.app, &actor, id, &inputs).await?))
}

/// A programme's budget: its lines with budget, spend and what remains, in minor units.
#[utoipa::path(get, path = "/programmes/{id}/budget", tag = "programmes", params(("id" = i64, Path)),
    responses((status = 200, body = Budget), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn programme_budget(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Budget>> {
    Ok(Json(pg::programme_budget(&state.app, &actor, id).await?))
}

/// A budget line to open.
#[derive(Deserialize, ToSchema)]
pub struct NewLine {
    /// For a secretariat line: the district's code, needed only by callers who work in more
    /// than one. A programme's line is in the programme's district.
    pub district: Option<String>,
    pub funding_source: FundingSourceCode,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(minimum = 1990, maximum = 2100)]
    pub year: i32,
    /// In major units as written: `1247000`, `1247000.00`, `1.247.000,00`.
    #[schema(min_length = 1, max_length = 30)]
    pub amount: String,
}

/// A budget line of a programme to open: it is in the programme's district.
#[derive(Deserialize, ToSchema)]
pub struct NewProgrammeLine {
    pub funding_source: FundingSourceCode,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(minimum = 1990, maximum = 2100)]
    pub year: i32,
    /// In major units as written: `1247000`, `1247000.00`, `1.247.000,00`.
    #[schema(min_length = 1, max_length = 30)]
    pub amount: String,
}

impl From<NewProgrammeLine> for NewLine {
    fn from(b: NewProgrammeLine) -> Self {
        NewLine { district: None, funding_source: b.funding_source, name: b.name, year: b.year, amount: b.amount }
    }
}

fn line_input(b: NewLine) -> LineInput {
    LineInput {
        district: b.district,
        funding_source: b.funding_source.get().as_str().to_owned(),
        name: b.name,
        year: b.year.to_string(),
        amount: b.amount,
    }
}

/// Opens a budget line of the programme; an amount that is not money is 422 naming `amount`.
#[utoipa::path(post, path = "/programmes/{id}/budget-lines", tag = "programmes", params(("id" = i64, Path)), request_body = NewProgrammeLine,
    responses((status = 201, body = LineView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_programme_line(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<NewProgrammeLine>,
) -> WebResult<(StatusCode, Json<LineView>)> {
    Ok((StatusCode::CREATED, Json(pg::create_line(&state.app, &actor, Some(id), &line_input(b.into())).await?)))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct LineParams {
    /// A district code; left out: every district the caller may see.
    pub district: Option<String>,
    /// The budget's year.
    pub year: Option<String>,
}

/// The secretariat's own budget (lines of no programme), with totals in minor units.
#[utoipa::path(get, path = "/budget-lines", tag = "programmes", params(LineParams),
    responses((status = 200, body = Budget), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn secretariat_budget(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<LineParams>,
) -> WebResult<Json<Budget>> {
    let year = p.year.as_deref().and_then(|y| accord_domain::report::parse_year(y).ok());
    let district = p.district.as_deref().map(str::trim).filter(|d| !d.is_empty());
    Ok(Json(pg::secretariat_budget(&state.app, &actor, district, year).await?))
}

/// Opens a line of the secretariat's own budget.
#[utoipa::path(post, path = "/budget-lines", tag = "programmes", request_body = NewLine,
    responses((status = 201, body = LineView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_line(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewLine>,
) -> WebResult<(StatusCode, Json<LineView>)> {
    Ok((StatusCode::CREATED, Json(pg::create_line(&state.app, &actor, None, &line_input(b)).await?)))
}

/// One budget line with its spend.
#[utoipa::path(get, path = "/budget-lines/{id}", tag = "programmes", params(("id" = i64, Path)),
    responses((status = 200, body = LineView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_line(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<LineView>> {
    Ok(Json(pg::get_line(&state.app, &actor, id).await?))
}

/// Money spent on a line.
#[derive(Deserialize, ToSchema)]
pub struct NewSpend {
    pub spent_on: NaiveDate,
    /// In major units as written: `1250.50`, `1.250,50`; more than nought.
    #[schema(min_length = 1, max_length = 30)]
    pub amount: String,
    #[schema(min_length = 1, max_length = 200)]
    pub description: String,
    /// An activity of the line's district the money went to.
    pub activity_id: Option<i64>,
}

/// Records spend on an open line; spend on a closed line is 422 naming `amount`.
#[utoipa::path(post, path = "/budget-lines/{id}/spend", tag = "programmes", params(("id" = i64, Path)), request_body = NewSpend,
    responses((status = 201, body = LineView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_spend(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<NewSpend>,
) -> WebResult<(StatusCode, Json<LineView>)> {
    let input = SpendInput {
        spent_on: b.spent_on.to_string(),
        amount: b.amount,
        description: b.description,
        activity_id: text(b.activity_id),
    };
    Ok((StatusCode::CREATED, Json(pg::record_spend(&state.app, &actor, id, &input).await?)))
}

/// The line's version as read.
#[derive(Deserialize, ToSchema)]
pub struct CloseBody {
    /// A stale one is 409.
    pub version: Option<i32>,
}

/// Closes a line: it keeps its spend and takes no more.
#[utoipa::path(post, path = "/budget-lines/{id}/close", tag = "programmes", params(("id" = i64, Path)), request_body = CloseBody,
    responses((status = 200, body = LineView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close_line(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<CloseBody>,
) -> WebResult<Json<LineView>> {
    Ok(Json(pg::close_line(&state.app, &actor, id, b.version).await?))
}

// ---- job shops ----

list_of!(ProgrammeJobShopList, JobShopView);

/// The job shops of a programme (a recruitment exercise), newest first; the same records a
/// redundancy event lists when a job shop serves both.
#[utoipa::path(get, path = "/programmes/{id}/job-shops", tag = "programmes", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = ProgrammeJobShopList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_job_shops(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<ProgrammeJobShopList>> {
    Ok(Json((pg::job_shops(&state.app, &actor, id).await?, &pp).into()))
}

/// Records a job shop of a programme; `event` may name a redundancy event of the same district
/// that the job shop also serves.
#[utoipa::path(post, path = "/programmes/{id}/job-shops", tag = "programmes", params(("id" = i64, Path)), request_body = JobShopInput,
    responses((status = 201, body = JobShopView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_job_shop(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<JobShopInput>,
) -> WebResult<(StatusCode, Json<JobShopView>)> {
    Ok((StatusCode::CREATED, Json(pg::save_job_shop(&state.app, &actor, Some(id), None, &body).await?)))
}

/// Changes a programme's job shop at the `version` read; fields left out keep their value.
#[utoipa::path(patch, path = "/programme-job-shops/{id}", tag = "programmes", params(("id" = i64, Path)), request_body = JobShopInput,
    responses((status = 200, body = JobShopView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_job_shop(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<JobShopInput>,
) -> WebResult<Json<JobShopView>> {
    let current = accord_app::job_shops::get(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input());
    input.version = version;
    Ok(Json(pg::save_job_shop(&state.app, &actor, None, Some(id), &input).await?))
}
