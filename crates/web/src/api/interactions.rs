//! The contact log over the API: every call, visit and meeting with an employer, under the
//! same rules, audit entries and access as the organisation page's contact form.

use super::activities::{given, s};
use super::extract::Json;
use super::extract::{Path, Query};
use super::values::InteractionKindCode;
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::directory::{self as dir, InteractionFilter, InteractionInput, InteractionView};
use accord_app::{AppError, Paging};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct Interaction {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    /// call, visit, email, meeting, event or letter.
    #[schema(schema_with = accord_app::schema::code::<accord_domain::InteractionKind>)]
    pub kind: String,
    pub occurred_on: NaiveDate,
    /// The member of staff who had the contact.
    pub staff_user_id: i64,
    pub staff_name: String,
    /// Who took part on the employer's side.
    pub people: Option<String>,
    pub summary: String,
    pub follow_up_on: Option<NaiveDate>,
    /// When the follow-up was marked done.
    pub follow_up_done_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl From<InteractionView> for Interaction {
    fn from(v: InteractionView) -> Self {
        Interaction {
            id: v.id,
            organisation_id: v.organisation_id,
            organisation_name: v.organisation_name,
            kind: v.kind,
            occurred_on: v.occurred_on,
            staff_user_id: v.staff_user_id,
            staff_name: v.staff_name,
            people: v.people,
            summary: v.summary,
            follow_up_on: v.follow_up_on,
            follow_up_done_at: v.follow_up_done_at,
            version: v.version,
        }
    }
}

list_of!(InteractionList, Interaction);

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    pub organisation_id: Option<i64>,
    /// The member of staff's e-mail.
    pub staff: Option<String>,
    /// The member of staff's id.
    pub staff_id: Option<i64>,
    /// call, visit, email, meeting, event or letter.
    #[param(inline)]
    pub kind: Option<InteractionKindCode>,
    /// First contact date, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last contact date, YYYY-MM-DD.
    pub to: Option<String>,
}

/// Logged contacts the caller may see, newest first.
#[utoipa::path(get, path = "/interactions", tag = "interactions", params(ListParams, PageParams),
    responses((status = 200, body = InteractionList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<InteractionList>> {
    let mut f =
        InteractionFilter { organisation_id: p.organisation_id, staff_user_id: p.staff_id, ..Default::default() };
    if let Some(email) = given(&p.staff) {
        let id = dir::staff_by_email(&state.app, "staff", email).await?;
        if f.staff_user_id.is_some_and(|given| given != id) {
            return Err(AppError::field("staff", "interaction.staff_mismatch", Some(email)).into());
        }
        f.staff_user_id = Some(id);
    }
    if let Some(k) = p.kind {
        f.kind = Some(k.get().as_str().to_owned());
    }
    let date = |field: &str, v: &Option<String>| match given(v) {
        None => Ok(None),
        Some(d) => dir::parse_date(d).map(Some).map_err(|code| AppError::field(field, code, Some(d))),
    };
    f.from = date("from", &p.from)?;
    f.to = date("to", &p.to)?;
    let paging = Paging::new(pp.page, pp.per_page);
    let r = dir::list_interactions(&state.app, &actor, &f, paging).await?;
    Ok(Json(InteractionList {
        items: r.items.into_iter().map(Interaction::from).collect(),
        total: r.total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// One logged contact.
#[utoipa::path(get, path = "/interactions/{id}", tag = "interactions", params(("id" = i64, Path)),
    responses((status = 200, body = Interaction), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Interaction>> {
    Ok(Json(dir::get_interaction(&state.app, &actor, id).await?.into()))
}

/// A contact to log; the caller is the member of staff who had it. `occurred_on` defaults to
/// today and may not be in the future; `follow_up_on` may not be before it.
#[derive(Deserialize, ToSchema)]
pub struct NewInteraction {
    pub organisation_id: i64,
    /// call, visit, email, meeting, event or letter.
    #[schema(value_type = InteractionKindCode, inline)]
    pub kind: String,
    /// YYYY-MM-DD (also DD-MM-YYYY or DD.MM.YYYY).
    pub occurred_on: Option<String>,
    /// Who took part on the employer's side.
    pub people: Option<String>,
    pub summary: String,
    pub follow_up_on: Option<String>,
}

/// Logs a contact with an employer.
#[utoipa::path(post, path = "/interactions", tag = "interactions", request_body = NewInteraction,
    responses((status = 201, body = Interaction), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewInteraction>,
) -> WebResult<(StatusCode, Json<Interaction>)> {
    let input = InteractionInput {
        kind: b.kind,
        occurred_on: s(b.occurred_on),
        people: s(b.people),
        summary: b.summary,
        follow_up_on: s(b.follow_up_on),
        // An integration sends what it means to: only a person is asked about a repeat.
        confirm_repeat: "yes".into(),
    };
    let v = dir::log_interaction(&state.app, &actor, b.organisation_id, &input).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// Marks the contact's follow-up done (once; marking it again changes nothing).
#[utoipa::path(post, path = "/interactions/{id}/follow-up-done", tag = "interactions", params(("id" = i64, Path)),
    responses((status = 200, body = Interaction), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn complete_follow_up(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<Interaction>> {
    dir::complete_follow_up(&state.app, &actor, id).await?;
    Ok(Json(dir::get_interaction(&state.app, &actor, id).await?.into()))
}

/// Changes to a logged contact: the fields given (an empty string clears `people` or
/// `follow_up_on`), and the `version` read.
#[derive(Deserialize, ToSchema)]
pub struct InteractionPatch {
    /// call, visit, email, meeting, event or letter.
    #[schema(value_type = Option<InteractionKindCode>, inline)]
    pub kind: Option<String>,
    pub occurred_on: Option<String>,
    pub people: Option<String>,
    #[schema(min_length = 1)]
    pub summary: Option<String>,
    pub follow_up_on: Option<String>,
    pub version: i32,
}

/// Changes a logged contact under the rules of logging one; a stale `version` is 409 with the
/// current contact and the fields that differ.
#[utoipa::path(patch, path = "/interactions/{id}", tag = "interactions", params(("id" = i64, Path)), request_body = InteractionPatch,
    responses((status = 200, body = Interaction), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<InteractionPatch>,
) -> WebResult<Json<Interaction>> {
    let current = dir::get_interaction(&state.app, &actor, id).await?;
    let mut i = InteractionInput::from_view(&current);
    let set = |target: &mut String, v: Option<String>| {
        if let Some(v) = v {
            *target = v;
        }
    };
    set(&mut i.kind, b.kind);
    set(&mut i.occurred_on, b.occurred_on);
    set(&mut i.people, b.people);
    set(&mut i.summary, b.summary);
    set(&mut i.follow_up_on, b.follow_up_on);
    Ok(Json(dir::update_interaction(&state.app, &actor, id, &i, b.version).await?.into()))
}
