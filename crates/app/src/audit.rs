//! Browsing the audit trail.

use crate::{Actor, App, Page, Paging, Permission, Result};
use accord_db::entities::audit_log;
use accord_domain::AuditFilter as Filter;
use chrono::{DateTime, Utc};

/// One entry of the trail: who did what to which record, when, from where, and the values
/// before and after a change.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub district_id: Option<i64>,
    pub summary: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
}

impl From<audit_log::Model> for AuditEntryView {
    fn from(e: audit_log::Model) -> Self {
        AuditEntryView {
            id: e.id,
            at: e.at,
            actor_user_id: e.actor_user_id,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            district_id: e.district_id,
            summary: e.summary,
            before: e.before,
            after: e.after,
            ip: e.ip,
        }
    }
}

/// One page of the trail, newest first.
pub async fn list(app: &App, actor: &Actor, filter: &Filter, paging: Paging) -> Result<Page<AuditEntryView>> {
    actor.require(Permission::ViewAudit)?;
    let (items, total) =
        accord_db::audit::list(&app.db.conn, &actor.scope(), filter, paging.page, paging.per_page).await?;
    Ok(Page { items: items.into_iter().map(Into::into).collect(), total, paging })
}

/// The actions and record kinds that occur, for filter lists.
pub async fn vocabulary(app: &App, actor: &Actor) -> Result<(Vec<String>, Vec<String>)> {
    actor.require(Permission::ViewAudit)?;
    Ok(accord_db::audit::vocabulary(&app.db.conn).await?)
}
