//! The annual award over the API: the awards of a district's years, nominations and the
//! decision, under the same rules, audit entries and access as the pages.

use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::Paging;
use accord_app::awards::{self as aw, AwardInput, AwardOrg, AwardView, DecisionInput, NominationInput, NominationView};
use accord_domain::AwardFilter;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An organisation from the directory, nominated for or winner of an award.
#[derive(Serialize, ToSchema)]
pub struct AwardOrganisation {
    pub id: i64,
    #[schema(rename = "ref")]
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub name: String,
}

impl From<AwardOrg> for AwardOrganisation {
    fn from(o: AwardOrg) -> Self {
        AwardOrganisation { id: o.id, r#ref: o.r#ref, name: o.name }
    }
}

/// An organisation nominated for an award: by a staff member (`staff`) or by someone outside
/// (`nominator`), and why.
#[derive(Serialize, ToSchema)]
pub struct Nomination {
    pub id: i64,
    pub organisation: AwardOrganisation,
    /// The e-mail address of the staff member who nominated it.
    pub staff: Option<String>,
    pub staff_name: Option<String>,
    /// Who nominated it, when not a member of staff (a partner organisation, say).
    pub nominator: Option<String>,
    pub reason: String,
    pub nominated_on: NaiveDate,
}

impl From<NominationView> for Nomination {
    fn from(n: NominationView) -> Self {
        Nomination {
            id: n.id,
            organisation: n.organisation.into(),
            staff: n.staff_email,
            staff_name: n.staff_name,
            nominator: n.nominator,
            reason: n.reason,
            nominated_on: n.nominated_on,
        }
    }
}

/// A district's award of one year, its nominations and, once decided, its winner.
#[derive(Serialize, ToSchema)]
pub struct Award {
    pub id: i64,
    /// The district's code.
    pub district: String,
    pub year: i32,
    /// Such as "Virksomhedsprisen 2022".
    pub name: String,
    /// The day of the decision; null until decided.
    pub decided_on: Option<NaiveDate>,
    /// The winner among the nominees; null until decided.
    pub winner: Option<AwardOrganisation>,
    /// The decision's reason.
    pub decision_reason: Option<String>,
    /// The name of who decided.
    pub decided_by: Option<String>,
    /// In the order they were made.
    pub nominations: Vec<Nomination>,
    pub version: i32,
}

impl From<AwardView> for Award {
    fn from(v: AwardView) -> Self {
        Award {
            id: v.id,
            district: v.district,
            year: v.year,
            name: v.name,
            decided_on: v.decided_on,
            winner: v.winner.map(Into::into),
            decision_reason: v.decision_reason,
            decided_by: v.decided_by,
            nominations: v.nominations.into_iter().map(Into::into).collect(),
            version: v.version,
        }
    }
}

list_of!(AwardList, Award);

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A district code; left out: every district the caller may see.
    pub district: Option<String>,
    /// The award's year.
    pub year: Option<String>,
    /// Awards this organisation was nominated for or won.
    pub organisation_id: Option<i64>,
}

/// The awards the caller may see, newest year first, each with its nominations and winner.
#[utoipa::path(get, path = "/awards", tag = "awards", params(ListParams, PageParams),
    responses((status = 200, body = AwardList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<AwardList>> {
    let district_id = match p.district.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(accord_app::directory::pick_district(&state.app, &actor, Some(c)).await?.id),
    };
    // The extractor has read `year` as a year already.
    let year = p.year.as_deref().and_then(|y| accord_domain::award::year(y).ok());
    let f = AwardFilter { district_id, year, organisation_id: p.organisation_id };
    let paging = Paging::new(pp.page, pp.per_page);
    let r = aw::list(&state.app, &actor, &f, paging).await?;
    Ok(Json(AwardList {
        items: r.items.into_iter().map(Award::from).collect(),
        total: r.total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// One award with its nominations and its winner.
#[utoipa::path(get, path = "/awards/{id}", tag = "awards", params(("id" = i64, Path)),
    responses((status = 200, body = Award), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Award>> {
    Ok(Json(aw::get(&state.app, &actor, id).await?.into()))
}

/// A year's award to open: one per district and year.
#[derive(Deserialize, ToSchema)]
pub struct NewAward {
    /// The district's code; needed only by callers who work in more than one.
    pub district: Option<String>,
    #[schema(minimum = 1990, maximum = 2100)]
    pub year: i32,
    /// Such as "Virksomhedsprisen 2022".
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

/// Opens a year's award in a district; a second award for the same district and year is 422
/// naming `year`.
#[utoipa::path(post, path = "/awards", tag = "awards", request_body = NewAward,
    responses((status = 201, body = Award), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewAward>,
) -> WebResult<(StatusCode, Json<Award>)> {
    let input = AwardInput { district: b.district, year: b.year.to_string(), name: b.name };
    let v = aw::create(&state.app, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// A nomination: an organisation of the award's district (its ref, CVR or P-number), who
/// nominated it (a staff member's e-mail in `staff`, or someone outside in `nominator`; with
/// neither, the caller) and why.
#[derive(Deserialize, ToSchema)]
pub struct NewNomination {
    #[schema(min_length = 1)]
    pub organisation: String,
    pub staff: Option<String>,
    #[schema(max_length = 200)]
    pub nominator: Option<String>,
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
    /// Left out: today; never in the future.
    pub nominated_on: Option<NaiveDate>,
}

/// Records a nomination for an award not yet decided; after the decision, and for an
/// organisation already nominated, 422 naming `organisation`.
#[utoipa::path(post, path = "/awards/{id}/nominations", tag = "awards", params(("id" = i64, Path)), request_body = NewNomination,
    responses((status = 201, body = Award), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn nominate(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<NewNomination>,
) -> WebResult<(StatusCode, Json<Award>)> {
    let input = NominationInput {
        organisation: b.organisation,
        staff: b.staff.unwrap_or_default(),
        nominator: b.nominator.unwrap_or_default(),
        reason: b.reason,
        nominated_on: b.nominated_on.map(|d| d.to_string()).unwrap_or_default(),
    };
    let v = aw::nominate(&state.app, &actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// The decision: the winner among the nominees (ref, CVR or P-number) and why.
#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    #[schema(min_length = 1)]
    pub winner: String,
    #[schema(min_length = 1, max_length = 2000)]
    pub decision_reason: String,
    /// Left out: today; never in the future.
    pub decided_on: Option<NaiveDate>,
    /// The award's version as read; a stale one is 409.
    pub version: Option<i32>,
}

/// Decides the award (managers and administrators only); deciding again corrects the
/// decision. A winner not among the nominees is 422 naming `winner`.
#[utoipa::path(post, path = "/awards/{id}/decision", tag = "awards", params(("id" = i64, Path)), request_body = DecisionBody,
    responses((status = 200, body = Award), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<DecisionBody>,
) -> WebResult<Json<Award>> {
    let input = DecisionInput {
        winner: b.winner,
        decision_reason: b.decision_reason,
        decided_on: b.decided_on.map(|d| d.to_string()).unwrap_or_default(),
        version: b.version,
    };
    Ok(Json(aw::decide(&state.app, &actor, id, &input).await?.into()))
}
