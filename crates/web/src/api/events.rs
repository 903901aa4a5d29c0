//! Events for employers over the API: dialogue meetings, job fairs, network and information
//! meetings, the award ceremony, with the companies registered or waiting for a seat and
//! their attendance; under the same rules, audit entries and access as the event pages. Not
//! the redundancy events of `/redundancy/events`.

use super::extract::Json;
use super::extract::{Path, Query};
use super::values::{EventKindCode, EventWhenCode};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::Paging;
use accord_app::events::{
    self as ev, EmployerEventInput, EmployerEventView, EventListFilter, RegistrationChange, RegistrationInput,
    RegistrationView,
};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One page of events.
#[derive(Serialize, ToSchema)]
pub struct EmployerEventList {
    pub items: Vec<EmployerEventView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

list_of!(RegistrationList, RegistrationView);

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A district code: only that district's events.
    pub district: Option<String>,
    /// Only events of this kind.
    #[param(inline)]
    pub kind: Option<EventKindCode>,
    /// First start date, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last start date, YYYY-MM-DD.
    pub to: Option<String>,
    /// `upcoming` (not yet ended, soonest first) or `past` (ended, latest first).
    #[param(inline)]
    pub when: Option<EventWhenCode>,
}

/// The events the caller may read: upcoming ones soonest first, the others latest first.
#[utoipa::path(get, path = "/events", tag = "events", params(ListParams, PageParams),
    responses((status = 200, body = EmployerEventList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<EmployerEventList>> {
    let f = EventListFilter {
        district: p.district,
        kind: p.kind.map(|k| k.0.as_str().to_owned()),
        from: p.from,
        to: p.to,
        when: p.when.map(|w| w.0),
    };
    let paging = Paging::new(pp.page, pp.per_page);
    let r = ev::list(&state.app, &actor, &f, paging).await?;
    Ok(Json(EmployerEventList { items: r.items, total: r.total, page: paging.page, per_page: paging.per_page }))
}

/// Creates an event; it may not start in the past.
#[utoipa::path(post, path = "/events", tag = "events", request_body = EmployerEventInput,
    responses((status = 201, body = EmployerEventView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(body): Json<EmployerEventInput>,
) -> WebResult<(StatusCode, Json<EmployerEventView>)> {
    Ok((StatusCode::CREATED, Json(ev::save(&state.app, &actor, None, &body).await?)))
}

/// An event with its organisers, co-hosts and counts of invited, registered, waiting and
/// attending companies.
#[utoipa::path(get, path = "/events/{id}", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = EmployerEventView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<EmployerEventView>> {
    Ok(Json(ev::get(&state.app, &actor, id).await?))
}

/// Changes an event at the `version` read; fields left out keep their value. A capacity below
/// the companies seated is refused; a higher one seats companies from the waiting list.
#[utoipa::path(patch, path = "/events/{id}", tag = "events", params(("id" = i64, Path)), request_body = EmployerEventInput,
    responses((status = 200, body = EmployerEventView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<EmployerEventInput>,
) -> WebResult<Json<EmployerEventView>> {
    let current = ev::get(&state.app, &actor, id).await?;
    let version = body.version;
    let mut input = body.over(current.input(state.app.config.time_zone));
    input.version = version;
    Ok(Json(ev::save(&state.app, &actor, Some(id), &input).await?))
}

/// Cancels an event; it keeps its registrations and takes no more.
#[utoipa::path(post, path = "/events/{id}/cancel", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = EmployerEventView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<EmployerEventView>> {
    Ok(Json(ev::cancel(&state.app, &actor, id).await?))
}

/// The registrations of an event, in the order they were made, with the place of each on
/// the waiting list.
#[utoipa::path(get, path = "/events/{id}/registrations", tag = "events", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = RegistrationList), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_registrations(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<RegistrationList>> {
    Ok(Json((ev::registrations(&state.app, &actor, id).await?, &pp).into()))
}

/// Registers a company: a seat while there is one, else the waiting list (`status`
/// `waiting`, with its `position`).
#[utoipa::path(post, path = "/events/{id}/registrations", tag = "events", params(("id" = i64, Path)), request_body = RegistrationInput,
    responses((status = 201, body = RegistrationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_registration(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<RegistrationInput>,
) -> WebResult<(StatusCode, Json<RegistrationView>)> {
    Ok((StatusCode::CREATED, Json(ev::register(&state.app, &actor, id, &body).await?)))
}

/// One registration.
#[utoipa::path(get, path = "/event-registrations/{id}", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = RegistrationView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_registration(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<RegistrationView>> {
    Ok(Json(ev::get_registration(&state.app, &actor, id).await?))
}

/// Cancels a registration (`status: cancelled`; the company that has waited longest moves up)
/// or records attendance once the event has begun, at the `version` read.
#[utoipa::path(patch, path = "/event-registrations/{id}", tag = "events", params(("id" = i64, Path)), request_body = RegistrationChange,
    responses((status = 200, body = RegistrationView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_registration(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(body): Json<RegistrationChange>,
) -> WebResult<Json<RegistrationView>> {
    Ok(Json(ev::change_registration(&state.app, &actor, id, &body).await?))
}

/// The invitation link of one contact.
#[derive(Serialize, ToSchema)]
pub struct InvitationLink {
    /// Opens the company's registration page without signing in, until the event begins.
    pub url: String,
}

/// Issues a contact's invitation link (recorded: the company then counts as invited).
#[utoipa::path(post, path = "/events/{id}/invitations/{contact_id}", tag = "events", params(("id" = i64, Path), ("contact_id" = i64, Path)),
    responses((status = 200, body = InvitationLink), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, contact_id)): Path<(i64, i64)>,
) -> WebResult<Json<InvitationLink>> {
    Ok(Json(InvitationLink { url: ev::invitation_link(&state.app, &actor, id, contact_id).await? }))
}
