//! Segments and mailings over the API: saved filters over the contacts at organisations with
//! their reach before anything is sent, and mailings drafted, test-sent and sent through the
//! outbox, with what became of each recipient.

use super::extract::Json;
use super::extract::Path;
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::mailings::{self as m, MailingInput, MailingView, Preview, SegmentFilter, SegmentView};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

list_of!(SegmentList, SegmentView);
list_of!(MailingList, MailingView);

/// Segments the caller may see, newest first.
#[utoipa::path(get, path = "/segments", tag = "segments", params(PageParams),
    responses((status = 200, body = SegmentList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<SegmentList>> {
    Ok(Json((m::list_segments(&state.app, &actor).await?, &pp).into()))
}

/// A segment to save: a name, its district (may be left out when the caller has one), and the
/// filter (the organisation list's query parameters plus the consent `purpose`).
#[derive(Deserialize, ToSchema)]
pub struct NewSegment {
    pub name: String,
    pub district: Option<String>,
    #[serde(deserialize_with = "filter_object")]
    pub filter: SegmentFilter,
}

/// Saves a segment.
#[utoipa::path(post, path = "/segments", tag = "segments", request_body = NewSegment,
    responses((status = 201, body = SegmentView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewSegment>,
) -> WebResult<(StatusCode, Json<SegmentView>)> {
    let v = m::create_segment(&state.app, &actor, &b.name, b.district.as_deref(), &b.filter).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// One segment.
#[utoipa::path(get, path = "/segments/{id}", tag = "segments", params(("id" = i64, Path)),
    responses((status = 200, body = SegmentView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<SegmentView>> {
    Ok(Json(m::get_segment(&state.app, &actor, id).await?))
}

/// How many contacts the segment reaches now (consent for its purpose, an address, not
/// bouncing) and at how many organisations.
#[utoipa::path(get, path = "/segments/{id}/preview", tag = "segments", params(("id" = i64, Path)),
    responses((status = 200, body = Preview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Preview>> {
    Ok(Json(m::preview_segment(&state.app, &actor, id).await?))
}

/// Mailings the caller may see, newest first.
#[utoipa::path(get, path = "/mailings", tag = "mailings", params(PageParams),
    responses((status = 200, body = MailingList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_mailings(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<MailingList>> {
    Ok(Json((m::list_mailings(&state.app, &actor).await?, &pp).into()))
}

/// A mailing to draft. `subject` and `body` may use the merge fields `{{contact_name}}`,
/// `{{company_name}}` and `{{account_manager}}`, and the body `{{registration_link}}` in a
/// mailing that invites to an event; any other is refused, named.
#[derive(Deserialize, ToSchema)]
pub struct NewMailing {
    pub segment_id: i64,
    pub subject: String,
    pub body: String,
    /// `en` or `da`: the language of the mailing's own words (the unsubscribe footer).
    pub lang: Lang,
    /// One recipient per company group: the group's primary contact, else the first company's.
    #[serde(default)]
    pub one_per_group: bool,
    /// An event of the segment's district, not cancelled and not begun, to invite to: each
    /// message then carries its recipient's registration link (where the body puts
    /// `{{registration_link}}`, else after the text) and the event's `.ics` file. The
    /// segment's purpose must be `invitations`.
    #[serde(default)]
    pub event_id: Option<i64>,
}

#[derive(Deserialize, Serialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Da,
}

/// Drafts a mailing to a segment.
#[utoipa::path(post, path = "/mailings", tag = "mailings", request_body = NewMailing,
    responses((status = 201, body = MailingView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_mailing(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewMailing>,
) -> WebResult<(StatusCode, Json<MailingView>)> {
    let input = MailingInput {
        segment_id: b.segment_id.to_string(),
        subject: b.subject,
        body: b.body,
        lang: match b.lang {
            Lang::En => "en",
            Lang::Da => "da",
        }
        .into(),
        one_per_group: b.one_per_group,
        event_id: b.event_id.map(|id| id.to_string()).unwrap_or_default(),
    };
    Ok((StatusCode::CREATED, Json(m::create_mailing(&state.app, &actor, &input).await?)))
}

/// One mailing: its recipients, how many were sent, failed or wait, and each skipped contact
/// with the reason.
#[utoipa::path(get, path = "/mailings/{id}", tag = "mailings", params(("id" = i64, Path)),
    responses((status = 200, body = MailingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_mailing(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<MailingView>> {
    Ok(Json(m::get_mailing(&state.app, &actor, id).await?))
}

/// Sending a mailing: with `cap_override` (the reason, which is audited) the district's
/// frequency cap does not apply to it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SendMailing {
    pub cap_override: Option<String>,
}

/// Sends a draft mailing: every recipient gets one message through the outbox; 422 when it
/// was sent already or no SMTP server is configured.
#[utoipa::path(post, path = "/mailings/{id}/send", tag = "mailings", params(("id" = i64, Path)), request_body = SendMailing,
    responses((status = 200, body = MailingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn send(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<SendMailing>,
) -> WebResult<Json<MailingView>> {
    Ok(Json(m::send(&state.app, &actor, id, b.cap_override.as_deref()).await?))
}

/// Where a test message went.
#[derive(Serialize, ToSchema)]
pub struct TestSent {
    pub to: String,
}

/// Sends the mailing, as its first recipient would get it, to the caller's own address.
#[utoipa::path(post, path = "/mailings/{id}/test", tag = "mailings", params(("id" = i64, Path)),
    responses((status = 200, body = TestSent), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn test_send(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<TestSent>> {
    Ok(Json(TestSent { to: m::test_send(&state.app, &actor, id).await? }))
}

/// A segment's filter is read from a JSON object only: serde would otherwise take an array's
/// items as the fields in order.
fn filter_object<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SegmentFilter, D::Error> {
    use serde::Deserialize;
    use serde::de::Error;
    let v = serde_json::Value::deserialize(d)?;
    if !v.is_object() {
        return Err(D::Error::custom("filter must be a JSON object"));
    }
    serde_json::from_value(v).map_err(D::Error::custom)
}
