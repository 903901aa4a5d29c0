use super::extract::Json;
use crate::ctx::ApiActor;
use crate::error::WebResult;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub email: String,
    pub name: String,
    /// Role codes: admin, manager, secretariat, account_manager, adviser, partner, committee.
    pub roles: Vec<String>,
    /// Codes of the districts the caller works in.
    pub districts: Vec<String>,
}

/// The caller.
#[utoipa::path(get, path = "/me", tag = "me",
    responses((status = 200, body = Me), (status = 401, body = super::ErrorBody)))]
pub async fn me(ApiActor(actor): ApiActor) -> WebResult<Json<Me>> {
    Ok(Json(Me {
        email: actor.email.clone(),
        name: actor.name.clone(),
        roles: actor.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        districts: actor.districts.iter().map(|d| d.code.clone()).collect(),
    }))
}
