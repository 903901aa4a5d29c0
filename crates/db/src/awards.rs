//! Queries of the annual award: the awards of a district's years, their nominations and the
//! decision. Every read of awards takes the caller's [`Scope`]; the nominations hang off an
//! award read through it.

use crate::entities::{award, award_nomination, user};
use crate::scope::{self, Scope};
use accord_domain::AwardFilter;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// A new award of a district's year.
pub struct NewAward<'a> {
    pub district_id: i64,
    pub year: i32,
    pub name: &'a str,
    pub created_by: Option<i64>,
}

/// A new nomination: by a staff member, or by someone outside named in words.
pub struct NewNomination<'a> {
    pub award_id: i64,
    pub organisation_id: i64,
    pub nominated_by: Option<i64>,
    pub nominator: Option<&'a str>,
    pub reason: &'a str,
    pub nominated_on: NaiveDate,
    pub created_by: Option<i64>,
}

/// The decision: the winner, when, why and who took it.
pub struct Decision<'a> {
    pub winner_id: i64,
    pub decided_on: NaiveDate,
    pub reason: &'a str,
    pub decided_by: Option<i64>,
}

fn filtered(scope: &Scope, f: &AwardFilter) -> sea_orm::Select<award::Entity> {
    use award::Column as C;
    let mut q = scope::find::<award::Entity>(scope);
    if let Some(d) = f.district_id {
        q = q.filter(C::DistrictId.eq(d));
    }
    if let Some(y) = f.year {
        q = q.filter(C::Year.eq(y));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(
            Condition::any().add(C::WinnerId.eq(o)).add(
                C::Id.in_subquery(
                    Query::select()
                        .column(award_nomination::Column::AwardId)
                        .from(award_nomination::Entity)
                        .and_where(award_nomination::Column::OrganisationId.eq(o))
                        .to_owned(),
                ),
            ),
        );
    }
    q
}

/// One page of the awards, newest year first, and how many match in all.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &AwardFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<award::Model>, u64), DbErr> {
    let q = filtered(scope, f);
    let total = q.clone().count(c).await?;
    let rows = q
        .order_by_desc(award::Column::Year)
        .order_by_asc(award::Column::DistrictId)
        .order_by_desc(award::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok((rows, total))
}

pub async fn get<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<award::Model>, DbErr> {
    scope::find::<award::Entity>(scope).filter(award::Column::Id.eq(id)).one(c).await
}

/// The awards `organisation_id` won, newest year first.
pub async fn won_by<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    organisation_id: i64,
) -> Result<Vec<award::Model>, DbErr> {
    scope::find::<award::Entity>(scope)
        .filter(award::Column::WinnerId.eq(organisation_id))
        .order_by_desc(award::Column::Year)
        .all(c)
        .await
}

/// The nominations of each of `award_ids`, in the order they were made.
pub async fn nominations_of<C: ConnectionTrait>(
    c: &C,
    award_ids: Vec<i64>,
) -> Result<Vec<award_nomination::Model>, DbErr> {
    if award_ids.is_empty() {
        return Ok(vec![]);
    }
    award_nomination::Entity::find()
        .filter(award_nomination::Column::AwardId.is_in(award_ids))
        .order_by_asc(award_nomination::Column::NominatedOn)
        .order_by_asc(award_nomination::Column::Id)
        .all(c)
        .await
}

/// The nominations of `organisation_id` for the awards the caller may see, with their award,
/// newest year first.
pub async fn nominations_of_organisation<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    organisation_id: i64,
) -> Result<Vec<(award::Model, award_nomination::Model)>, DbErr> {
    let noms = award_nomination::Entity::find()
        .filter(award_nomination::Column::OrganisationId.eq(organisation_id))
        .all(c)
        .await?;
    if noms.is_empty() {
        return Ok(vec![]);
    }
    let awards = scope::find::<award::Entity>(scope)
        .filter(award::Column::Id.is_in(noms.iter().map(|n| n.award_id).collect::<Vec<_>>()))
        .order_by_desc(award::Column::Year)
        .all(c)
        .await?;
    Ok(awards
        .into_iter()
        .filter_map(|a| {
            let n = noms.iter().find(|n| n.award_id == a.id)?.clone();
            Some((a, n))
        })
        .collect())
}

/// The names and e-mail addresses of the staff members `ids`, by id.
pub async fn staff_names<C: ConnectionTrait>(c: &C, ids: Vec<i64>) -> Result<HashMap<i64, (String, String)>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, (u.name, u.email)))
        .collect())
}

pub async fn insert_award<C: ConnectionTrait>(
    c: &C,
    n: NewAward<'_>,
    now: DateTime<Utc>,
) -> Result<award::Model, DbErr> {
    award::Entity::insert(award::ActiveModel {
        district_id: Set(n.district_id),
        year: Set(n.year),
        name: Set(n.name.to_owned()),
        decided_on: Set(None),
        winner_id: Set(None),
        decision_reason: Set(None),
        decided_by: Set(None),
        created_by: Set(n.created_by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
}

pub async fn insert_nomination<C: ConnectionTrait>(
    c: &C,
    n: NewNomination<'_>,
    now: DateTime<Utc>,
) -> Result<award_nomination::Model, DbErr> {
    award_nomination::Entity::insert(award_nomination::ActiveModel {
        award_id: Set(n.award_id),
        organisation_id: Set(n.organisation_id),
        nominated_by: Set(n.nominated_by),
        nominator: Set(n.nominator.map(str::to_owned)),
        reason: Set(n.reason.to_owned()),
        nominated_on: Set(n.nominated_on),
        created_by: Set(n.created_by),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
}

/// Records (or corrects) the decision on the award if it is still at `version`; false when
/// someone else changed it first.
pub async fn decide<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    d: Decision<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let am = award::ActiveModel {
        winner_id: Set(Some(d.winner_id)),
        decided_on: Set(Some(d.decided_on)),
        decision_reason: Set(Some(d.reason.to_owned())),
        decided_by: Set(d.decided_by),
        updated_at: Set(now),
        version: Set(version.saturating_add(1)),
        ..Default::default()
    };
    let res = award::Entity::update_many()
        .set(am)
        .filter(award::Column::Id.eq(id))
        .filter(award::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Locks the award's row until the transaction ends (PostgreSQL; SQLite's write transaction
/// already holds the database), so a nomination and a decision never cross.
pub async fn lock<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<award::Model>, DbErr> {
    let mut q = award::Entity::find_by_id(id);
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    q.one(c).await
}
