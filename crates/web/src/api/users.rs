use super::extract::Json;
use super::extract::{Path, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use accord_app::Paging;
use accord_app::users::{UserInput, UserView};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    #[schema(schema_with = super::values::email)]
    pub email: String,
    pub name: String,
    #[schema(schema_with = accord_app::schema::codes::<accord_domain::Role>)]
    pub roles: Vec<String>,
    /// Codes of the user's districts.
    pub districts: Vec<String>,
    /// A partner user's organisation (its reference).
    pub organisation: Option<String>,
    pub disabled: bool,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

impl From<UserView> for User {
    fn from(u: UserView) -> Self {
        User {
            id: u.id,
            email: u.email,
            name: u.name,
            roles: u.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            districts: u.districts.into_iter().map(|d| d.code).collect(),
            organisation: u.organisation.map(|o| o.reference),
            disabled: u.disabled,
            last_sign_in_at: u.last_sign_in_at,
            created_at: u.created_at,
            version: u.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<User>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Finds by name or e-mail (any part).
    pub q: Option<String>,
}

/// Staff users (administrators).
#[utoipa::path(get, path = "/users", tag = "users", params(ListParams, PageParams),
    responses((status = 200, body = UserList), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<ListParams>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<UserList>> {
    let paging = Paging::new(pp.page, pp.per_page);
    let r = accord_app::users::list(&state.app, &actor, p.q.as_deref(), Default::default(), paging).await?;
    Ok(Json(UserList {
        items: r.items.into_iter().map(User::from).collect(),
        total: r.total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    #[schema(schema_with = super::values::email)]
    pub email: String,
    pub name: String,
    #[schema(schema_with = accord_app::schema::codes::<accord_domain::Role>)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub districts: Vec<String>,
    /// 12–128 characters.
    #[schema(schema_with = super::values::new_password)]
    pub password: String,
    /// For a partner user (required with the `partner` role): the reference of the
    /// organisation they speak for.
    #[serde(default)]
    pub organisation: Option<String>,
}

/// Creates a user (administrators).
#[utoipa::path(post, path = "/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = User), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<NewUser>,
) -> WebResult<(StatusCode, Json<User>)> {
    let input = UserInput {
        email: b.email,
        name: b.name,
        roles: b.roles,
        districts: b.districts,
        password: Some(b.password),
        organisation: b.organisation,
        disabled: false,
        version: None,
    };
    let u = accord_app::users::create(&state.app, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(u.into())))
}

/// One user (administrators). The read is logged.
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
) -> WebResult<Json<User>> {
    Ok(Json(accord_app::users::get(&state.app, &actor, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct UserPatch {
    pub name: Option<String>,
    #[schema(schema_with = accord_app::schema::codes_or_null::<accord_domain::Role>)]
    pub roles: Option<Vec<String>>,
    pub districts: Option<Vec<String>>,
    /// For a partner user: the reference of their organisation.
    pub organisation: Option<String>,
    /// True disables the user and ends their sessions; false re-enables.
    pub disabled: Option<bool>,
    pub version: i32,
}

/// Changes a user (administrators); fields left out keep their value.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserPatch,
    responses((status = 200, body = User), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<i64>,
    Json(b): Json<UserPatch>,
) -> WebResult<Json<User>> {
    let current = accord_app::users::get(&state.app, &actor, id).await?;
    let input = UserInput {
        email: current.email.clone(),
        name: b.name.unwrap_or(current.name),
        roles: b.roles.unwrap_or_else(|| current.roles.iter().map(|r| r.as_str().to_owned()).collect()),
        districts: b.districts.unwrap_or_else(|| current.districts.iter().map(|d| d.code.clone()).collect()),
        password: None,
        organisation: b.organisation.or_else(|| current.organisation.as_ref().map(|o| o.reference.clone())),
        disabled: b.disabled.unwrap_or(current.disabled),
        version: Some(b.version),
    };
    Ok(Json(accord_app::users::update(&state.app, &actor, id, &input).await?.into()))
}
