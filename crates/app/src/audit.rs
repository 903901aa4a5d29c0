//! Browsing the audit trail.

use crate::{Actor, App, Page, Paging, Permission, Result};
use accord_db::audit::Filter;
use accord_db::entities::audit_log;

pub async fn list(app: &App, actor: &Actor, filter: &Filter, paging: Paging) -> Result<Page<audit_log::Model>> {
    actor.require(Permission::ViewAudit)?;
    let (items, total) =
        accord_db::audit::list(&app.db.conn, &actor.scope(), filter, paging.page, paging.per_page).await?;
    Ok(Page { items, total, paging })
}

/// The actions and record kinds that occur, for filter lists.
pub async fn vocabulary(app: &App, actor: &Actor) -> Result<(Vec<String>, Vec<String>)> {
    actor.require(Permission::ViewAudit)?;
    Ok(accord_db::audit::vocabulary(&app.db.conn).await?)
}
