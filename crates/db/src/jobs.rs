//! The schedule of background jobs, shared by every node on the database. A node claims a
//! due job with one conditional `UPDATE`: on PostgreSQL the row lock makes a second node's
//! claim re-read the row and find it taken; on SQLite writes are serial. Either way exactly
//! one node gets each due run.

use crate::entities::{job, job_run};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// Adds the job to the schedule, due at `first_run_at`, unless it is there already.
pub async fn ensure<C: ConnectionTrait>(c: &C, name: &str, first_run_at: DateTime<Utc>) -> Result<(), DbErr> {
    job::Entity::insert(job::ActiveModel {
        name: Set(name.to_owned()),
        next_run_at: Set(first_run_at),
        locked_by: Set(None),
        locked_until: Set(None),
    })
    .on_conflict(OnConflict::column(job::Column::Name).do_nothing().to_owned())
    .try_insert()
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Claims the job for `node` until `until` if it is due and no live claim holds it. True
/// when this node got it.
pub async fn claim<C: ConnectionTrait>(
    c: &C,
    name: &str,
    node: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = job::Entity::update_many()
        .col_expr(job::Column::LockedBy, Expr::value(node))
        .col_expr(job::Column::LockedUntil, Expr::value(until))
        .filter(job::Column::Name.eq(name))
        .filter(job::Column::NextRunAt.lte(now))
        .filter(Condition::any().add(job::Column::LockedUntil.is_null()).add(job::Column::LockedUntil.lt(now)))
        .exec(c)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Records the run and releases the claim, the job next due at `next_run_at`. Does nothing
/// to the schedule when the claim was lost meanwhile (it outlived its lease).
#[allow(clippy::too_many_arguments)]
pub async fn finish<C: ConnectionTrait>(
    c: &C,
    name: &str,
    node: &str,
    started_at: DateTime<Utc>,
    finished_at: DateTime<Utc>,
    next_run_at: DateTime<Utc>,
    ok: bool,
    outcome: &str,
) -> Result<(), DbErr> {
    job::Entity::update_many()
        .col_expr(job::Column::NextRunAt, Expr::value(next_run_at))
        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(job::Column::Name.eq(name))
        .filter(job::Column::LockedBy.eq(node))
        .exec(c)
        .await?;
    job_run::Entity::insert(job_run::ActiveModel {
        job: Set(name.to_owned()),
        node: Set(node.to_owned()),
        started_at: Set(started_at),
        finished_at: Set(finished_at),
        ok: Set(ok),
        outcome: Set(outcome.to_owned()),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The schedule, by name.
pub async fn list<C: ConnectionTrait>(c: &C) -> Result<Vec<job::Model>, DbErr> {
    job::Entity::find().order_by_asc(job::Column::Name).all(c).await
}

/// The latest runs of a job, newest first.
pub async fn runs<C: ConnectionTrait>(c: &C, name: &str, limit: u64) -> Result<Vec<job_run::Model>, DbErr> {
    use sea_orm::QuerySelect;
    job_run::Entity::find()
        .filter(job_run::Column::Job.eq(name))
        .order_by_desc(job_run::Column::Id)
        .limit(limit)
        .all(c)
        .await
}
