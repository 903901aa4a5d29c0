//! The audit trail: appended in the same transaction as the change it records.

use crate::entities::audit_log;
use crate::scope::{self, Scope};
use accord_domain::AuditFilter;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::Value;

/// What happened, to what, by whom.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub district_id: Option<i64>,
    pub summary: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub ip: Option<String>,
}

pub async fn append<C: ConnectionTrait>(c: &C, e: Entry, at: DateTime<Utc>) -> Result<(), DbErr> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        at: Set(at),
        actor_user_id: Set(e.actor_user_id),
        actor: Set(e.actor),
        action: Set(e.action),
        entity: Set(e.entity),
        entity_id: Set(e.entity_id),
        district_id: Set(e.district_id),
        summary: Set(e.summary),
        before: Set(e.before),
        after: Set(e.after),
        ip: Set(e.ip),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// One page of the trail, newest first. With a district scope, entries that belong to no
/// district (sign-ins, user administration) are only visible to [`Scope::All`].
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &AuditFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    let mut q = scope::find::<audit_log::Entity>(scope);
    if let Some(a) = &f.actor {
        q = q.filter(audit_log::Column::Actor.contains(a.to_lowercase()));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::Column::Action.eq(a.as_str()));
    }
    if let Some(e) = &f.entity {
        q = q.filter(audit_log::Column::Entity.eq(e.as_str()));
    }
    if let Some(id) = &f.entity_id {
        q = q.filter(audit_log::Column::EntityId.eq(id.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(audit_log::Column::At.lt(to));
    }
    let total = q.clone().count(c).await?;
    let rows =
        q.order_by_desc(audit_log::Column::Id).offset(page.saturating_sub(1) * per_page).limit(per_page).all(c).await?;
    Ok((rows, total))
}

/// The distinct actions and entities present, for the filter drop-downs.
pub async fn vocabulary<C: ConnectionTrait>(c: &C) -> Result<(Vec<String>, Vec<String>), DbErr> {
    let actions: Vec<String> = audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Action)
        .distinct()
        .order_by_asc(audit_log::Column::Action)
        .into_tuple()
        .all(c)
        .await?;
    let entities: Vec<String> = audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Entity)
        .distinct()
        .order_by_asc(audit_log::Column::Entity)
        .into_tuple()
        .all(c)
        .await?;
    Ok((actions, entities))
}
