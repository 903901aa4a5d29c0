//! Job shops, one record whether a redundancy event, a programme or both use it. A job shop
//! has no district of its own: the use case reads its event or programme through the actor's
//! scope before showing or changing it.

use crate::entities::job_shop;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// A job shop's fields as a create or an edit writes them.
pub struct JobShopFields<'a> {
    pub event_id: Option<i64>,
    pub programme_id: Option<i64>,
    pub held_on: NaiveDate,
    pub place: &'a str,
    pub on_premises: bool,
    pub staff: Option<&'a str>,
    pub workers_seen: i32,
    pub services: Option<&'a str>,
}

fn active(f: JobShopFields<'_>, now: DateTime<Utc>) -> job_shop::ActiveModel {
    job_shop::ActiveModel {
        event_id: Set(f.event_id),
        programme_id: Set(f.programme_id),
        held_on: Set(f.held_on),
        place: Set(f.place.to_owned()),
        on_premises: Set(f.on_premises),
        staff: Set(f.staff.map(str::to_owned)),
        workers_seen: Set(f.workers_seen),
        services: Set(f.services.map(str::to_owned)),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// One job shop by its id, whoever's it is: the caller then reads its event or programme
/// through the actor's scope.
pub async fn get_unscoped<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<job_shop::Model>, DbErr> {
    job_shop::Entity::find_by_id(id).one(c).await
}

/// The job shops of a programme, latest first.
pub async fn of_programme<C: ConnectionTrait>(c: &C, programme_id: i64) -> Result<Vec<job_shop::Model>, DbErr> {
    job_shop::Entity::find()
        .filter(job_shop::Column::ProgrammeId.eq(programme_id))
        .order_by_desc(job_shop::Column::HeldOn)
        .order_by_desc(job_shop::Column::Id)
        .all(c)
        .await
}

pub async fn insert<C: ConnectionTrait>(
    c: &C,
    f: JobShopFields<'_>,
    now: DateTime<Utc>,
) -> Result<job_shop::Model, DbErr> {
    let mut am = active(f, now);
    am.created_at = Set(now);
    am.version = Set(1);
    job_shop::Entity::insert(am).exec_with_returning(c).await
}

/// Writes the job shop's fields if it is still at `version`; none when someone else changed
/// it first.
pub async fn update<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    f: JobShopFields<'_>,
    now: DateTime<Utc>,
) -> Result<Option<job_shop::Model>, DbErr> {
    let mut am = active(f, now);
    am.version = Set(version.saturating_add(1));
    let res = job_shop::Entity::update_many()
        .set(am)
        .filter(job_shop::Column::Id.eq(id))
        .filter(job_shop::Column::Version.eq(version))
        .exec(c)
        .await?;
    if res.rows_affected != 1 {
        return Ok(None);
    }
    get_unscoped(c, id).await
}
