//! Consent, bouncing and the frequency cap over the API: what a contact has agreed to receive,
//! purpose by purpose with its history, clearing a bouncing address once it is fixed, and the
//! district's cap on how often one contact is mailed. The same rules and audit entries as the
//! contact's mail page and the cap page.

use super::ErrorBody;
use super::extract::{Json, Path, Query};
use super::values::{ConsentPurposeCode, ConsentSourceCode};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::mailings::{self as m, CapView, ContactMail};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A contact's consent for each purpose now, its history (newest first) and its bouncing.
#[utoipa::path(get, path = "/contacts/{id}/mail", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, body = ContactMail), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn contact_mail(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<ContactMail>> {
    Ok(Json(m::contact_mail(&state.app, &actor, id).await?))
}

/// A consent given or withdrawn for one purpose.
#[derive(Deserialize, ToSchema)]
pub struct NewConsent {
    pub purpose: ConsentPurposeCode,
    /// `true`: the contact agrees; `false`: the consent is withdrawn.
    pub given: bool,
    /// Where it came from (default `form`: entered by staff).
    pub source: Option<ConsentSourceCode>,
}

/// Records a consent or its withdrawal; the history keeps what it replaces.
#[utoipa::path(post, path = "/contacts/{id}/consents", tag = "contacts", params(("id" = i64, Path)), request_body = NewConsent,
    responses((status = 201, body = ContactMail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn give_consent(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<NewConsent>,
) -> WebResult<(StatusCode, Json<ContactMail>)> {
    let source = b.source.map(|s| s.get().as_str()).unwrap_or("");
    let v = m::set_consent(&state.app, &actor, id, b.purpose.get().as_str(), Some(b.given), source).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// The contact's address has been checked and fixed: mail may go to it again (audited).
#[utoipa::path(delete, path = "/contacts/{id}/bouncing", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, body = ContactMail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn clear_bouncing(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<ContactMail>> {
    Ok(Json(m::clear_bouncing(&state.app, &actor, id).await?))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct CapParams {
    /// A district code; may be left out by a caller with one district.
    pub district: Option<String>,
}

/// A district's frequency cap: no contact receives more than `max_mailings` mailings within
/// `days` days.
#[derive(Serialize, ToSchema)]
pub struct MailCap {
    /// The district's code.
    pub district: String,
    pub max_mailings: i32,
    pub days: i32,
}

fn cap_body(district: String, c: CapView) -> MailCap {
    MailCap { district, max_mailings: c.max_mailings, days: c.days }
}

/// The district's frequency cap (4 mailings in 30 days until it sets one).
#[utoipa::path(get, path = "/mail-cap", tag = "mailings", params(CapParams),
    responses((status = 200, body = MailCap), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn cap(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<CapParams>,
) -> WebResult<Json<MailCap>> {
    let (d, c) = m::cap(&state.app, &actor, p.district.as_deref()).await?;
    Ok(Json(cap_body(d.code, c)))
}

/// The cap to set: 1–100 mailings within 1–365 days.
#[derive(Deserialize, ToSchema)]
pub struct CapChange {
    /// A district code; may be left out by a caller with one district.
    pub district: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    pub max_mailings: i32,
    #[schema(minimum = 1, maximum = 365)]
    pub days: i32,
}

/// Sets the district's frequency cap (administrators and managers; audited).
#[utoipa::path(put, path = "/mail-cap", tag = "mailings", request_body = CapChange,
    responses((status = 200, body = MailCap), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_cap(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<CapChange>,
) -> WebResult<Json<MailCap>> {
    let district = b.district.as_deref().filter(|d| !d.is_empty());
    let c = m::set_cap(&state.app, &actor, district, &b.max_mailings.to_string(), &b.days.to_string()).await?;
    let (d, _) = m::cap(&state.app, &actor, district).await?;
    Ok(Json(cap_body(d.code, c)))
}
