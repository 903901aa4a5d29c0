//! Activities at employers over the API, in the import columns' names.

use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::activities::{self as act, ActivityInput, ActivityView};
use accord_app::directory as dir;
use accord_app::{Actor, AppError, Paging};
use accord_domain::RecordFilter;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct Activity {
    pub id: i64,
    pub district: String,
    /// The case system's id of the activity; `MAN-…` for one recorded by hand without one.
    pub source_id: String,
    /// The activity type's code.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    pub organisation_id: i64,
    pub organisation_ref: String,
    pub organisation_name: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    /// The citizen's pseudonymous reference in the case system (never a national id or a name).
    pub citizen_ref: Option<String>,
    /// ongoing, hired, ended or cancelled.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::ActivityOutcome>)]
    pub outcome: String,
    pub account_manager_email: Option<String>,
    pub account_manager_name: Option<String>,
    /// manual or import.
    pub source: String,
    /// The import that brought the activity.
    pub import_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<ActivityView> for Activity {
    fn from(v: ActivityView) -> Self {
        Activity {
            id: v.id,
            district: v.district,
            source_id: v.source_id,
            kind: v.r#type,
            organisation_id: v.organisation_id,
            organisation_ref: v.organisation_ref,
            organisation_name: v.organisation_name,
            start_date: v.start_date,
            end_date: v.end_date,
            citizen_ref: v.citizen_ref,
            outcome: v.outcome,
            account_manager_email: v.account_manager_email,
            account_manager_name: v.account_manager_name,
            source: v.source,
            import_id: v.import_id,
            created_at: v.created_at,
            updated_at: v.updated_at,
            version: v.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ActivityList {
    pub items: Vec<Activity>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A source id or citizen reference (exactly), or part of the organisation's name.
    pub q: Option<String>,
    /// An activity type: its code, English or Danish label, or an alias.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// ongoing, hired, ended or cancelled.
    #[param(inline)]
    pub outcome: Option<super::values::ActivityOutcomeCode>,
    pub organisation_id: Option<i64>,
    /// The account manager's e-mail.
    pub account_manager: Option<String>,
    /// First start date, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last start date, YYYY-MM-DD.
    pub to: Option<String>,
    /// The activities an import brought (its id).
    pub import: Option<i64>,
    /// A district code (default: every district of the caller).
    pub district: Option<String>,
}

pub(super) fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The filter both lists share: organisation, account manager, dates, import and district.
#[allow(clippy::too_many_arguments)]
pub(super) async fn record_filter(
    state: &AppState,
    actor: &Actor,
    q: &Option<String>,
    organisation_id: Option<i64>,
    account_manager: &Option<String>,
    from: &Option<String>,
    to: &Option<String>,
    import: Option<i64>,
    district: &Option<String>,
) -> WebResult<RecordFilter> {
    let mut filter =
        RecordFilter { q: given(q).map(str::to_owned), organisation_id, import_id: import, ..Default::default() };
    if let Some(email) = given(account_manager) {
        filter.account_manager_id = Some(dir::account_manager_by_email(&state.app, email).await?);
    }
    let date = |field: &str, v: &Option<String>| match given(v) {
        None => Ok(None),
        Some(d) => dir::parse_date(d).map(Some).map_err(|code| AppError::field(field, code, Some(d))),
    };
    filter.from = date("from", from)?;
    filter.to = date("to", to)?;
    if let Some(code) = given(district) {
        filter.district_id = Some(dir::pick_district(&state.app, actor, Some(code)).await?.id);
    }
    Ok(filter)
}

/// Activities the caller may see, newest start first.
#[utoipa::path(get, path = "/activities", tag = "activities", params(ListParams, PageParams),
    responses((status = 200, body = ActivityList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<ActivityList>> {
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
    if let Some(t) = given(&p.kind) {
        let types = act::types(&state.app).await?;
        let found = types.find(t).ok_or_else(|| AppError::field("type", "activity_type.unknown", Some(t)))?;
        filter.kind = Some(found.code.clone());
    }
    if let Some(o) = p.outcome {
        filter.outcome = Some(o.get().as_str().to_owned());
    }
    let paging = Paging::new(pp.page, pp.per_page);
    let r = act::list_activities(&state.app, &actor, &filter, Default::default(), paging).await?;
    Ok(Json(ActivityList {
        items: r.items.into_iter().map(Activity::from).collect(),
        total: r.total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// An activity to record, in the import columns. `source_id` is made (`MAN-…`) when left out;
/// `district` may be left out when the caller has one district or the organisation is found
/// in one; `outcome` defaults to ongoing and `account_manager_email` to the organisation's.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewActivity {
    pub district: Option<String>,
    pub source_id: Option<String>,
    /// The type's code, English or Danish label, or an alias.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    /// The organisation's ref, CVR, P-number or Companies House number.
    #[schema(min_length = 1)]
    pub organisation_ref: String,
    /// YYYY-MM-DD (also DD-MM-YYYY or DD.MM.YYYY).
    #[schema(min_length = 1)]
    pub start_date: String,
    pub end_date: Option<String>,
    pub citizen_ref: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::ActivityOutcome>)]
    pub outcome: Option<String>,
    pub account_manager_email: Option<String>,
}

pub(super) fn s(v: Option<String>) -> String {
    v.unwrap_or_default()
}

/// Records an activity.
#[utoipa::path(post, path = "/activities", tag = "activities", request_body = NewActivity,
    responses((status = 201, body = Activity), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewActivity>,
) -> WebResult<(StatusCode, Json<Activity>)> {
    let input = ActivityInput {
        district: b.district,
        source_id: s(b.source_id),
        r#type: b.kind,
        organisation_ref: b.organisation_ref,
        start_date: b.start_date,
        end_date: s(b.end_date),
        citizen_ref: s(b.citizen_ref),
        outcome: s(b.outcome),
        account_manager_email: s(b.account_manager_email),
        version: None,
    };
    let a = act::create_activity(&state.app, &actor, None, &input).await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// One activity. It names a citizen (by reference), so the read is logged.
#[utoipa::path(get, path = "/activities/{id}", tag = "activities", params(("id" = i64, Path)),
    responses((status = 200, body = Activity), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Activity>> {
    Ok(Json(act::get_activity(&state.app, &actor, id).await?.into()))
}

/// Changes to an activity: the fields given (an empty string clears a field), and the
/// `version` read.
#[derive(Deserialize, ToSchema)]
pub struct ActivityPatch {
    pub source_id: Option<String>,
    /// The type's code, English or Danish label, or an alias. A type retired since the
    /// activity was recorded may stay on it.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: Option<String>,
    #[schema(min_length = 1)]
    pub organisation_ref: Option<String>,
    #[schema(min_length = 1)]
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub citizen_ref: Option<String>,
    #[schema(schema_with = accord_app::schema::code_or_empty::<accord_domain::ActivityOutcome>)]
    pub outcome: Option<String>,
    pub account_manager_email: Option<String>,
    pub version: i32,
}

/// Changes an activity; a stale `version` is 409 with the current record.
#[utoipa::path(patch, path = "/activities/{id}", tag = "activities", params(("id" = i64, Path)), request_body = ActivityPatch,
    responses((status = 200, body = Activity), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<ActivityPatch>,
) -> WebResult<Json<Activity>> {
    // Read without logging a look: the change itself is in the audit trail.
    let current = act::get_activity_quietly(&state.app, &actor, id).await?;
    let mut i = ActivityInput::from_view(&current);
    let set = |target: &mut String, v: Option<String>| {
        if let Some(v) = v {
            *target = v;
        }
    };
    set(&mut i.source_id, b.source_id);
    set(&mut i.r#type, b.kind);
    set(&mut i.organisation_ref, b.organisation_ref);
    set(&mut i.start_date, b.start_date);
    set(&mut i.end_date, b.end_date);
    set(&mut i.citizen_ref, b.citizen_ref);
    set(&mut i.outcome, b.outcome);
    set(&mut i.account_manager_email, b.account_manager_email);
    i.version = Some(b.version);
    Ok(Json(act::update_activity(&state.app, &actor, id, &i).await?.into()))
}
