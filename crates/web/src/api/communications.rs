//! The communications log over the API: the secretariat's own outreach, under the same rules,
//! audit entries and access as the pages.

use super::extract::Json;
use super::extract::{Path, Query};
use super::values::ChannelCode;
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::communications::{self as comm, CommunicationInput, CommunicationView, FeaturedOrg};
use accord_app::{AppError, Paging};
use accord_domain::CommunicationFilter;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An organisation from the directory that a piece features.
#[derive(Serialize, ToSchema)]
pub struct FeaturedOrganisation {
    pub id: i64,
    #[schema(rename = "ref")]
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub name: String,
}

impl From<FeaturedOrg> for FeaturedOrganisation {
    fn from(o: FeaturedOrg) -> Self {
        FeaturedOrganisation { id: o.id, r#ref: o.r#ref, name: o.name }
    }
}

/// A piece of the secretariat's outreach.
#[derive(Serialize, ToSchema)]
pub struct Communication {
    pub id: i64,
    /// The district's code.
    pub district: String,
    /// Where it was published.
    #[schema(value_type = ChannelCode)]
    pub channel: String,
    pub published_on: NaiveDate,
    pub title: String,
    /// The `http` or `https` address, when it was published online.
    pub url: Option<String>,
    /// Views, readers or recipients, when known.
    pub reach: Option<i64>,
    pub organisations: Vec<FeaturedOrganisation>,
    pub version: i32,
}

impl From<CommunicationView> for Communication {
    fn from(v: CommunicationView) -> Self {
        Communication {
            id: v.id,
            district: v.district,
            channel: v.channel,
            published_on: v.published_on,
            title: v.title,
            url: v.url,
            reach: v.reach,
            organisations: v.organisations.into_iter().map(Into::into).collect(),
            version: v.version,
        }
    }
}

list_of!(CommunicationList, Communication);

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A district code; left out: every district the caller may see.
    pub district: Option<String>,
    pub channel: Option<ChannelCode>,
    /// Published in this calendar year.
    #[param(minimum = 1900, maximum = 9999)]
    pub year: Option<i32>,
    /// Part of the title (case ignored).
    pub q: Option<String>,
    /// Pieces that feature this organisation.
    pub organisation_id: Option<i64>,
}

/// The district a filter names, checked against the caller's districts.
async fn district_id(state: &AppState, actor: &accord_app::Actor, code: &Option<String>) -> WebResult<Option<i64>> {
    match code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => Ok(Some(accord_app::directory::pick_district(&state.app, actor, Some(c)).await?.id)),
    }
}

/// The communications log the caller may see, newest first.
#[utoipa::path(get, path = "/communications", tag = "communications", params(ListParams, PageParams),
    responses((status = 200, body = CommunicationList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<CommunicationList>> {
    if let Some(y) = p.year
        && !(1900..=9999).contains(&y)
    {
        return Err(AppError::field("year", "comm.year_format", Some(&y.to_string())).into());
    }
    let f = CommunicationFilter {
        district_id: district_id(&state, &actor, &p.district).await?,
        channel: p.channel.map(ChannelCode::get),
        year: p.year,
        q: p.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
        organisation_id: p.organisation_id,
    };
    let paging = Paging::new(pp.page, pp.per_page);
    let r = comm::list(&state.app, &actor, &f, Default::default(), paging).await?;
    Ok(Json(CommunicationList {
        items: r.items.into_iter().map(Communication::from).collect(),
        total: r.total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// One piece of outreach.
#[utoipa::path(get, path = "/communications/{id}", tag = "communications", params(("id" = i64, Path)),
    responses((status = 200, body = Communication), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Communication>> {
    Ok(Json(comm::get(&state.app, &actor, id).await?.into()))
}

/// A piece of outreach to record. `published_on` may not be in the future; `url` must be an
/// `http` or `https` address; `organisations` names organisations of the district by their
/// ref, CVR or P-number.
#[derive(Deserialize, ToSchema)]
pub struct NewCommunication {
    /// The district's code; needed only by callers who work in more than one.
    pub district: Option<String>,
    pub channel: ChannelCode,
    pub published_on: NaiveDate,
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[schema(pattern = "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s]+$", max_length = 500)]
    pub url: Option<String>,
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub reach: Option<i64>,
    #[serde(default)]
    pub organisations: Vec<String>,
}

/// Records a piece of outreach.
#[utoipa::path(post, path = "/communications", tag = "communications", request_body = NewCommunication,
    responses((status = 201, body = Communication), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewCommunication>,
) -> WebResult<(StatusCode, Json<Communication>)> {
    let input = CommunicationInput {
        district: b.district,
        channel: b.channel.get().as_str().to_owned(),
        published_on: b.published_on.to_string(),
        title: b.title,
        url: b.url.unwrap_or_default(),
        reach: b.reach.map(|r| r.to_string()).unwrap_or_default(),
        organisations: b.organisations.join("\n"),
        version: None,
    };
    let v = comm::create(&state.app, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// A field that may be left out (`None`), or given as a value or `null` (`Some(None)`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a piece: the fields given (`null` or an empty string clears `url`, `null` clears
/// `reach`, a list replaces `organisations`), and the `version` read.
#[derive(Deserialize, ToSchema)]
pub struct CommunicationPatch {
    pub channel: Option<ChannelCode>,
    pub published_on: Option<NaiveDate>,
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, pattern = "^([Hh][Tt][Tt][Pp][Ss]?://[^\\s]+)?$", max_length = 500)]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 1_000_000_000)]
    pub reach: Option<Option<i64>>,
    pub organisations: Option<Vec<String>>,
    pub version: i32,
}

/// Changes a piece under the rules of recording one; a stale `version` is 409 with the current
/// piece and the fields that differ.
#[utoipa::path(patch, path = "/communications/{id}", tag = "communications", params(("id" = i64, Path)), request_body = CommunicationPatch,
    responses((status = 200, body = Communication), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<CommunicationPatch>,
) -> WebResult<Json<Communication>> {
    let current = comm::get(&state.app, &actor, id).await?;
    let mut i = CommunicationInput::from_view(&current);
    if let Some(c) = b.channel {
        i.channel = c.get().as_str().to_owned();
    }
    if let Some(d) = b.published_on {
        i.published_on = d.to_string();
    }
    if let Some(t) = b.title {
        i.title = t;
    }
    if let Some(u) = b.url {
        i.url = u.unwrap_or_default();
    }
    if let Some(r) = b.reach {
        i.reach = r.map(|r| r.to_string()).unwrap_or_default();
    }
    if let Some(o) = b.organisations {
        i.organisations = o.join("\n");
    }
    i.version = Some(b.version);
    Ok(Json(comm::update(&state.app, &actor, id, &i).await?.into()))
}

/// Deletes a piece; the audit trail keeps what it was.
#[utoipa::path(delete, path = "/communications/{id}", tag = "communications", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    comm::delete(&state.app, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
