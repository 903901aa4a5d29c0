//! Events the service holds for employers, their organisers, co-hosts, registrations and
//! issued invitations (not the redundancy events of [`crate::redundancy`]).

use crate::entities::{event, event_host, event_invitation, event_registration, event_staff};
use crate::scope::{self, Scope};
use sea_orm::prelude::DateTimeUtc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::OnConflict,
};

versioned_update!(update_event, event);
versioned_update!(update_registration, event_registration);

/// Which events a list shows.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub district: Option<i64>,
    pub kind: Option<String>,
    /// Starting at or after.
    pub from: Option<DateTimeUtc>,
    /// Starting before.
    pub to: Option<DateTimeUtc>,
    /// Only events not yet ended (`Some(true)`, soonest first) or already ended
    /// (`Some(false)`, latest first), as of `now`.
    pub upcoming: Option<bool>,
    pub now: Option<DateTimeUtc>,
}

/// One page of the events in scope that the filter matches, and their count.
pub async fn list_events<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &EventFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<event::Model>, u64), DbErr> {
    let mut q = scope::find::<event::Entity>(scope);
    if let Some(d) = f.district {
        q = q.filter(event::Column::DistrictId.eq(d));
    }
    if let Some(k) = &f.kind {
        q = q.filter(event::Column::Kind.eq(k.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(event::Column::StartsAt.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(event::Column::StartsAt.lt(to));
    }
    let now = f.now.unwrap_or_else(chrono::Utc::now);
    q = match f.upcoming {
        Some(true) => q.filter(event::Column::EndsAt.gte(now)).order_by_asc(event::Column::StartsAt),
        _ => {
            if f.upcoming == Some(false) {
                q = q.filter(event::Column::EndsAt.lt(now));
            }
            q.order_by_desc(event::Column::StartsAt)
        }
    };
    let total = q.clone().count(c).await?;
    let rows =
        q.order_by_asc(event::Column::Id).offset(page.saturating_sub(1) * per_page).limit(per_page).all(c).await?;
    Ok((rows, total))
}

pub async fn get_event<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<event::Model>, DbErr> {
    scope::find::<event::Entity>(scope).filter(event::Column::Id.eq(id)).one(c).await
}

/// The event, its row locked until the transaction ends (PostgreSQL; SQLite's write
/// transaction holds the whole database already): registrations for one event take turns.
pub async fn lock_event<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<event::Model>, DbErr> {
    scope::find::<event::Entity>(scope).filter(event::Column::Id.eq(id)).lock_exclusive().one(c).await
}

/// The organising staff of these events (event id, user id).
pub async fn staff_of<C: ConnectionTrait>(c: &C, event_ids: &[i64]) -> Result<Vec<(i64, i64)>, DbErr> {
    if event_ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(event_staff::Entity::find()
        .filter(event_staff::Column::EventId.is_in(event_ids.iter().copied()))
        .order_by_asc(event_staff::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.event_id, r.user_id))
        .collect())
}

/// The co-hosting organisations of these events (event id, organisation id).
pub async fn hosts_of<C: ConnectionTrait>(c: &C, event_ids: &[i64]) -> Result<Vec<(i64, i64)>, DbErr> {
    if event_ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(event_host::Entity::find()
        .filter(event_host::Column::EventId.is_in(event_ids.iter().copied()))
        .order_by_asc(event_host::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.event_id, r.organisation_id))
        .collect())
}

/// Replaces an event's organisers and co-hosts.
pub async fn set_people<C: ConnectionTrait>(c: &C, event_id: i64, staff: &[i64], hosts: &[i64]) -> Result<(), DbErr> {
    event_staff::Entity::delete_many().filter(event_staff::Column::EventId.eq(event_id)).exec(c).await?;
    event_host::Entity::delete_many().filter(event_host::Column::EventId.eq(event_id)).exec(c).await?;
    if !staff.is_empty() {
        event_staff::Entity::insert_many(staff.iter().map(|u| event_staff::ActiveModel {
            event_id: Set(event_id),
            user_id: Set(*u),
            ..Default::default()
        }))
        .exec(c)
        .await?;
    }
    if !hosts.is_empty() {
        event_host::Entity::insert_many(hosts.iter().map(|o| event_host::ActiveModel {
            event_id: Set(event_id),
            organisation_id: Set(*o),
            ..Default::default()
        }))
        .exec(c)
        .await?;
    }
    Ok(())
}

/// An event's registrations, in the order they were made.
pub async fn registrations_of<C: ConnectionTrait>(
    c: &C,
    event_id: i64,
) -> Result<Vec<event_registration::Model>, DbErr> {
    event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .order_by_asc(event_registration::Column::Id)
        .all(c)
        .await
}

pub async fn get_registration<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<event_registration::Model>, DbErr> {
    event_registration::Entity::find_by_id(id).one(c).await
}

/// How many companies hold a seat at the event.
pub async fn seated<C: ConnectionTrait>(c: &C, event_id: i64) -> Result<u64, DbErr> {
    event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(event_registration::Column::Status.eq("registered"))
        .count(c)
        .await
}

/// The registration that has waited longest for a seat.
pub async fn first_waiting<C: ConnectionTrait>(
    c: &C,
    event_id: i64,
) -> Result<Option<event_registration::Model>, DbErr> {
    event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(event_registration::Column::Status.eq("waiting"))
        .order_by_asc(event_registration::Column::Id)
        .one(c)
        .await
}

/// Registrations and invitations counted per event.
#[derive(Debug, Clone, Default, FromQueryResult)]
pub struct EventCounts {
    pub event_id: i64,
    pub registered: i64,
    pub waiting: i64,
    pub attended: i64,
}

/// The registered, waiting and attended companies of these events.
pub async fn counts_of<C: ConnectionTrait>(c: &C, event_ids: &[i64]) -> Result<Vec<EventCounts>, DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait};
    if event_ids.is_empty() {
        return Ok(vec![]);
    }
    let when = |col: event_registration::Column, v: &str| Expr::case(Expr::col(col).eq(v), 1).finally(0).sum();
    event_registration::Entity::find()
        .select_only()
        .column(event_registration::Column::EventId)
        .expr_as(when(event_registration::Column::Status, "registered"), "registered")
        .expr_as(when(event_registration::Column::Status, "waiting"), "waiting")
        .expr_as(when(event_registration::Column::Attendance, "attended"), "attended")
        .filter(event_registration::Column::EventId.is_in(event_ids.iter().copied()))
        .group_by(event_registration::Column::EventId)
        .into_model::<EventCounts>()
        .all(c)
        .await
}

/// The invitations issued for an event.
pub async fn invitations_of<C: ConnectionTrait>(c: &C, event_id: i64) -> Result<Vec<event_invitation::Model>, DbErr> {
    event_invitation::Entity::find()
        .filter(event_invitation::Column::EventId.eq(event_id))
        .order_by_asc(event_invitation::Column::Id)
        .all(c)
        .await
}

/// Records that a contact's invitation link was issued (once per event and contact).
pub async fn record_invitation<C: ConnectionTrait>(
    c: &C,
    event_id: i64,
    organisation_id: i64,
    contact_id: i64,
    issued_by: Option<i64>,
    at: DateTimeUtc,
) -> Result<(), DbErr> {
    event_invitation::Entity::insert(event_invitation::ActiveModel {
        event_id: Set(event_id),
        organisation_id: Set(organisation_id),
        contact_id: Set(contact_id),
        issued_by: Set(issued_by),
        issued_at: Set(at),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([event_invitation::Column::EventId, event_invitation::Column::ContactId])
            .do_nothing()
            .to_owned(),
    )
    .try_insert()
    .exec(c)
    .await?;
    Ok(())
}

/// The events in scope an organisation registered for (not cancelled), latest first.
pub async fn events_of_organisation<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    organisation_id: i64,
) -> Result<Vec<(event::Model, event_registration::Model)>, DbErr> {
    let regs = event_registration::Entity::find()
        .filter(event_registration::Column::OrganisationId.eq(organisation_id))
        .filter(event_registration::Column::Status.ne("cancelled"))
        .all(c)
        .await?;
    if regs.is_empty() {
        return Ok(vec![]);
    }
    let events = scope::find::<event::Entity>(scope)
        .filter(event::Column::Id.is_in(regs.iter().map(|r| r.event_id)))
        .order_by_desc(event::Column::StartsAt)
        .all(c)
        .await?;
    Ok(events.into_iter().filter_map(|e| regs.iter().find(|r| r.event_id == e.id).cloned().map(|r| (e, r))).collect())
}

/// An event by id whoever asks: for the holder of a signed invitation link, whose signature
/// is the authority (checked before this is called).
pub async fn get_event_unscoped<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<event::Model>, DbErr> {
    event::Entity::find_by_id(id).one(c).await
}

/// The event locked as [`lock_event`] does, for the holder of a checked invitation link.
pub async fn lock_event_unscoped<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<event::Model>, DbErr> {
    event::Entity::find_by_id(id).lock_exclusive().one(c).await
}

/// The key of a purpose: the one stored, or `fresh` stored now when there is none yet (the
/// first of several nodes to store one wins, and all read the same back).
pub async fn link_key<C: ConnectionTrait>(c: &C, purpose: &str, fresh: &str) -> Result<String, DbErr> {
    use crate::entities::link_key;
    if let Some(k) = link_key::Entity::find_by_id(purpose.to_owned()).one(c).await? {
        return Ok(k.secret);
    }
    link_key::Entity::insert(link_key::ActiveModel {
        purpose: Set(purpose.to_owned()),
        secret: Set(fresh.to_owned()),
        created_at: Set(chrono::Utc::now()),
    })
    .on_conflict(OnConflict::column(link_key::Column::Purpose).do_nothing().to_owned())
    .try_insert()
    .exec(c)
    .await?;
    Ok(link_key::Entity::find_by_id(purpose.to_owned())
        .one(c)
        .await?
        .map(|k| k.secret)
        .unwrap_or_else(|| fresh.to_owned()))
}

/// A registration of this organisation for the event that is not cancelled, if any.
pub async fn active_registration<C: ConnectionTrait>(
    c: &C,
    event_id: i64,
    organisation_id: i64,
) -> Result<Option<event_registration::Model>, DbErr> {
    event_registration::Entity::find()
        .filter(event_registration::Column::EventId.eq(event_id))
        .filter(event_registration::Column::OrganisationId.eq(organisation_id))
        .filter(event_registration::Column::Status.ne("cancelled"))
        .order_by_desc(event_registration::Column::Id)
        .one(c)
        .await
}
