//! API tokens (stored as SHA-256 hashes).

use crate::entities::{api_token, user};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

pub async fn insert<C: ConnectionTrait>(
    c: &C,
    user_id: i64,
    name: &str,
    hash: &str,
    prefix: &str,
    now: DateTime<Utc>,
) -> Result<api_token::Model, DbErr> {
    api_token::Entity::insert(api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        token_hash: Set(hash.to_owned()),
        prefix: Set(prefix.to_owned()),
        created_at: Set(now),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
}

/// The live token with this hash and its (enabled) user.
pub async fn find_live<C: ConnectionTrait>(
    c: &C,
    hash: &str,
) -> Result<Option<(api_token::Model, user::Model)>, DbErr> {
    let Some(t) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(c)
        .await?
    else {
        return Ok(None);
    };
    let u = user::Entity::find_by_id(t.user_id).filter(user::Column::Disabled.eq(false)).one(c).await?;
    Ok(u.map(|u| (t, u)))
}

pub async fn touch<C: ConnectionTrait>(c: &C, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn list_for_user<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .order_by_desc(api_token::Column::Id)
        .all(c)
        .await
}

/// Revokes one of the user's own tokens; false when there is no such live token.
pub async fn revoke<C: ConnectionTrait>(c: &C, user_id: i64, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let res = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}
