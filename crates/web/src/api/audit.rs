use super::extract::{Json, Query};
use super::{ErrorBody, PageParams};
use crate::ctx::ApiActor;
use crate::error::WebResult;
use crate::state::AppState;
use crate::views::audit::AuditQuery;
use accord_app::Paging;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub summary: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditEntry>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Params {
    /// Part of the actor's e-mail.
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// First day, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD.
    pub to: Option<String>,
}

/// The audit trail, newest first (administrators: all; managers: their districts).
#[utoipa::path(get, path = "/audit", tag = "audit", params(Params, PageParams),
    responses((status = 200, body = AuditList), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(p): Query<Params>,
    Query(pp): Query<PageParams>,
) -> WebResult<Json<AuditList>> {
    let q = AuditQuery {
        actor: p.actor.unwrap_or_default(),
        action: p.action.unwrap_or_default(),
        entity: p.entity.unwrap_or_default(),
        entity_id: p.entity_id.unwrap_or_default(),
        from: p.from.unwrap_or_default(),
        to: p.to.unwrap_or_default(),
        page: None,
    };
    let filter = q.filter().map_err(accord_app::AppError::Invalid)?;
    let paging = Paging::new(pp.page, pp.per_page);
    let r = accord_app::audit::list(&state.app, &actor, &filter, paging).await?;
    Ok(Json(AuditList {
        items: r
            .items
            .into_iter()
            .map(|e| AuditEntry {
                id: e.id,
                at: e.at,
                actor: e.actor,
                action: e.action,
                entity: e.entity,
                entity_id: e.entity_id,
                summary: e.summary,
                before: e.before,
                after: e.after,
            })
            .collect(),
        total: r.total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}
