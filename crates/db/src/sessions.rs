//! Server-side sessions and the sign-in rate limit.

use crate::entities::{login_failure, session, user};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};

pub async fn create<C: ConnectionTrait>(
    c: &C,
    id_hash: &str,
    user_id: i64,
    csrf: &str,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Entity::insert(session::ActiveModel {
        id: Set(id_hash.to_owned()),
        user_id: Set(user_id),
        csrf_token: Set(csrf.to_owned()),
        created_at: Set(now),
        last_seen_at: Set(now),
        ip: Set(ip.map(str::to_owned)),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// The session and its user, if the session exists, was used after `idle_since`, began
/// after `absolute_since`, and its user is not disabled.
pub async fn find_live<C: ConnectionTrait>(
    c: &C,
    id_hash: &str,
    idle_since: DateTime<Utc>,
    absolute_since: DateTime<Utc>,
) -> Result<Option<(session::Model, user::Model)>, DbErr> {
    let Some(s) = session::Entity::find_by_id(id_hash.to_owned())
        .filter(session::Column::LastSeenAt.gt(idle_since))
        .filter(session::Column::CreatedAt.gt(absolute_since))
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let u = user::Entity::find_by_id(s.user_id).filter(user::Column::Disabled.eq(false)).one(c).await?;
    Ok(u.map(|u| (s, u)))
}

pub async fn touch<C: ConnectionTrait>(c: &C, id_hash: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(id_hash))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn delete<C: ConnectionTrait>(c: &C, id_hash: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(id_hash.to_owned()).exec(c).await?;
    Ok(())
}

pub async fn delete_for_user<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<u64, DbErr> {
    Ok(session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(c).await?.rows_affected)
}

/// Removes sessions past either timeout and rate-limit rows older than `failures_before`.
pub async fn purge<C: ConnectionTrait>(
    c: &C,
    idle_since: DateTime<Utc>,
    absolute_since: DateTime<Utc>,
    failures_before: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::LastSeenAt.lte(idle_since))
                .add(session::Column::CreatedAt.lte(absolute_since)),
        )
        .exec(c)
        .await?;
    login_failure::Entity::delete_many().filter(login_failure::Column::At.lt(failures_before)).exec(c).await?;
    Ok(())
}

pub async fn record_failure<C: ConnectionTrait>(c: &C, email: &str, ip: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    login_failure::Entity::insert(login_failure::ActiveModel {
        email: Set(email.to_owned()),
        ip: Set(ip.to_owned()),
        at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

/// Failed sign-ins since `since` for this account and from this address.
pub async fn failures_since<C: ConnectionTrait>(
    c: &C,
    email: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    let by_email = login_failure::Entity::find()
        .filter(login_failure::Column::Email.eq(email))
        .filter(login_failure::Column::At.gt(since))
        .count(c)
        .await?;
    let by_ip = login_failure::Entity::find()
        .filter(login_failure::Column::Ip.eq(ip))
        .filter(login_failure::Column::At.gt(since))
        .count(c)
        .await?;
    Ok((by_email, by_ip))
}
