//! Users, their roles and districts; and the districts themselves.

use crate::entities::{district, organisation, user, user_district, user_role};
use crate::scope::{self, Scope};
use accord_domain::query::{UserColumn, UserSort};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

/// A user with the roles and districts they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub user: user::Model,
    pub roles: Vec<String>,
    pub districts: Vec<district::Model>,
    /// A partner user's organisation.
    pub organisation: Option<organisation::Model>,
}

pub async fn find_by_email<C: ConnectionTrait>(c: &C, email: &str) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find().filter(user::Column::Email.eq(email)).one(c).await
}

pub async fn roles_of<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Vec<String>, DbErr> {
    Ok(user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .order_by_asc(user_role::Column::Role)
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.role)
        .collect())
}

pub async fn districts_of<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Vec<district::Model>, DbErr> {
    let ids: Vec<i64> = user_district::Entity::find()
        .filter(user_district::Column::UserId.eq(user_id))
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.district_id)
        .collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    district::Entity::find().filter(district::Column::Id.is_in(ids)).order_by_asc(district::Column::Name).all(c).await
}

/// Roles and districts of many users in three queries, whatever their number.
pub async fn records<C: ConnectionTrait>(c: &C, users: Vec<user::Model>) -> Result<Vec<UserRecord>, DbErr> {
    if users.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.is_in(ids.clone()))
        .order_by_asc(user_role::Column::Role)
        .all(c)
        .await?;
    let links = user_district::Entity::find().filter(user_district::Column::UserId.is_in(ids)).all(c).await?;
    let districts = district::Entity::find().order_by_asc(district::Column::Name).all(c).await?;
    let org_ids: Vec<i64> = users.iter().filter_map(|u| u.organisation_id).collect();
    let orgs = if org_ids.is_empty() {
        vec![]
    } else {
        organisation::Entity::find().filter(organisation::Column::Id.is_in(org_ids)).all(c).await?
    };
    Ok(users
        .into_iter()
        .map(|u| {
            let mine: Vec<i64> = links.iter().filter(|l| l.user_id == u.id).map(|l| l.district_id).collect();
            UserRecord {
                roles: roles.iter().filter(|r| r.user_id == u.id).map(|r| r.role.clone()).collect(),
                districts: districts.iter().filter(|d| mine.contains(&d.id)).cloned().collect(),
                organisation: orgs.iter().find(|o| Some(o.id) == u.organisation_id).cloned(),
                user: u,
            }
        })
        .collect())
}

/// Every user that is not disabled, with roles and districts.
pub async fn all_enabled<C: ConnectionTrait>(c: &C) -> Result<Vec<UserRecord>, DbErr> {
    let users =
        user::Entity::find().filter(user::Column::Disabled.eq(false)).order_by_asc(user::Column::Name).all(c).await?;
    records(c, users).await
}

pub async fn record<C: ConnectionTrait>(c: &C, u: user::Model) -> Result<UserRecord, DbErr> {
    Ok(records(c, vec![u]).await?.remove(0))
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<UserRecord>, DbErr> {
    match user::Entity::find_by_id(id).one(c).await? {
        Some(u) => Ok(Some(record(c, u).await?)),
        None => Ok(None),
    }
}

/// Users whose name or e-mail contains `q`, in the order asked for, one page at a time.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    q: Option<&str>,
    sort: UserSort,
    page: u64,
    per_page: u64,
) -> Result<(Vec<UserRecord>, u64), DbErr> {
    let mut query = user::Entity::find();
    if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", q.to_lowercase().replace(['%', '_'], ""));
        query = query.filter(
            Condition::any()
                .add(Func::lower(Expr::col(user::Column::Name)).like(pattern.clone()))
                .add(user::Column::Email.like(pattern)),
        );
    }
    let total = query.clone().count(c).await?;
    let by = match sort.column {
        UserColumn::Name => user::Column::Name,
        UserColumn::Email => user::Column::Email,
    };
    let users = crate::sorted(query, by, user::Column::Id, sort.descending)
        .offset((page.saturating_sub(1)) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok((records(c, users).await?, total))
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub now: DateTime<Utc>,
}

pub async fn insert<C: ConnectionTrait>(c: &C, n: NewUser<'_>) -> Result<user::Model, DbErr> {
    let am = user::ActiveModel {
        email: Set(n.email.to_owned()),
        name: Set(n.name.to_owned()),
        password_hash: Set(n.password_hash.to_owned()),
        disabled: Set(false),
        created_at: Set(n.now),
        updated_at: Set(n.now),
        last_sign_in_at: Set(None),
        organisation_id: Set(None),
        version: Set(1),
        ..Default::default()
    };
    user::Entity::insert(am).exec_with_returning(c).await
}

pub async fn set_roles<C: ConnectionTrait>(c: &C, user_id: i64, roles: &[String]) -> Result<(), DbErr> {
    user_role::Entity::delete_many().filter(user_role::Column::UserId.eq(user_id)).exec(c).await?;
    if !roles.is_empty() {
        user_role::Entity::insert_many(
            roles.iter().map(|r| user_role::ActiveModel { user_id: Set(user_id), role: Set(r.clone()) }),
        )
        .exec(c)
        .await?;
    }
    Ok(())
}

pub async fn set_districts<C: ConnectionTrait>(c: &C, user_id: i64, ids: &[i64]) -> Result<(), DbErr> {
    user_district::Entity::delete_many().filter(user_district::Column::UserId.eq(user_id)).exec(c).await?;
    if !ids.is_empty() {
        user_district::Entity::insert_many(
            ids.iter().map(|d| user_district::ActiveModel { user_id: Set(user_id), district_id: Set(*d) }),
        )
        .exec(c)
        .await?;
    }
    Ok(())
}

/// Changes a user's name and disabled flag if `version` is still the stored one. Returns
/// false when it is not (someone else saved first).
pub async fn update<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    name: &str,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = user::Entity::update_many()
        .col_expr(user::Column::Name, Expr::value(name))
        .col_expr(user::Column::Disabled, Expr::value(disabled))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
        .filter(user::Column::Id.eq(id))
        .filter(user::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The organisation a partner user speaks for.
pub async fn set_organisation<C: ConnectionTrait>(c: &C, id: i64, organisation_id: Option<i64>) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::OrganisationId, Expr::value(organisation_id))
        .filter(user::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// Bumps the version of a user whose roles or districts changed without other fields.
pub async fn set_password<C: ConnectionTrait>(c: &C, id: i64, hash: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
        .filter(user::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn mark_signed_in<C: ConnectionTrait>(c: &C, id: i64, now: DateTime<Utc>) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::LastSignInAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// The names of these users, by id.
pub async fn names<C: ConnectionTrait>(c: &C, ids: Vec<i64>) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

pub async fn count<C: ConnectionTrait>(c: &C) -> Result<u64, DbErr> {
    user::Entity::find().count(c).await
}

// ---- districts ----

pub async fn list_districts<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<district::Model>, DbErr> {
    scope::find::<district::Entity>(scope).order_by_asc(district::Column::Name).all(c).await
}

pub async fn get_district<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<district::Model>, DbErr> {
    scope::find::<district::Entity>(scope).filter(district::Column::Id.eq(id)).one(c).await
}

pub async fn district_by_code<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    code: &str,
) -> Result<Option<district::Model>, DbErr> {
    scope::find::<district::Entity>(scope).filter(district::Column::Code.eq(code)).one(c).await
}

pub async fn insert_district<C: ConnectionTrait>(
    c: &C,
    code: &str,
    name: &str,
    currency: &str,
    now: DateTime<Utc>,
) -> Result<district::Model, DbErr> {
    district::Entity::insert(district::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(name.to_owned()),
        currency: Set(currency.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
}

/// Renames a district and sets its currency if `version` is current; false when it is stale.
pub async fn update_district<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    name: &str,
    currency: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = district::Entity::update_many()
        .col_expr(district::Column::Name, Expr::value(name))
        .col_expr(district::Column::Currency, Expr::value(currency))
        .col_expr(district::Column::UpdatedAt, Expr::value(now))
        .col_expr(district::Column::Version, Expr::col(district::Column::Version).add(1))
        .filter(district::Column::Id.eq(id))
        .filter(district::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// How many users each district has, for the districts page.
pub async fn district_user_counts<C: ConnectionTrait>(c: &C) -> Result<Vec<(i64, i64)>, DbErr> {
    user_district::Entity::find()
        .select_only()
        .column(user_district::Column::DistrictId)
        .column_as(user_district::Column::UserId.count(), "n")
        .group_by(user_district::Column::DistrictId)
        .into_tuple()
        .all(c)
        .await
}
