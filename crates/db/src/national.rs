//! Queries of regions and national accounts. Regions belong to no district: only
//! administrators change them, and their names are shown to anyone. A national account
//! belongs to the national unit that holds it, and is seen too by the districts where its
//! employer has companies or sites: every read of accounts takes the caller's [`Scope`].

use crate::entities::{activity, district, national_account, organisation, recruitment_request};
use crate::entities::{region, region_district, user_region};
use crate::scope::{self, Scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

// ---- regions ----

/// Every region, by name.
pub async fn list_regions<C: ConnectionTrait>(c: &C) -> Result<Vec<region::Model>, DbErr> {
    region::Entity::find().order_by_asc(region::Column::Name).order_by_asc(region::Column::Id).all(c).await
}

pub async fn get_region<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<region::Model>, DbErr> {
    region::Entity::find_by_id(id).one(c).await
}

pub async fn region_by_code<C: ConnectionTrait>(c: &C, code: &str) -> Result<Option<region::Model>, DbErr> {
    region::Entity::find().filter(region::Column::Code.eq(code)).one(c).await
}

/// Which region each district belongs to (districts in none are left out).
pub async fn region_districts<C: ConnectionTrait>(c: &C) -> Result<Vec<region_district::Model>, DbErr> {
    region_district::Entity::find().order_by_asc(region_district::Column::DistrictId).all(c).await
}

/// The users given `region_id`.
pub async fn region_user_ids<C: ConnectionTrait>(c: &C, region_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(user_region::Entity::find()
        .filter(user_region::Column::RegionId.eq(region_id))
        .all(c)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect())
}

/// The districts of the regions a user is given.
pub async fn region_districts_of_user<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Vec<district::Model>, DbErr> {
    let ids: Vec<i64> = region_district::Entity::find()
        .filter(
            region_district::Column::RegionId.in_subquery(
                Query::select()
                    .column(user_region::Column::RegionId)
                    .from(user_region::Entity)
                    .and_where(user_region::Column::UserId.eq(user_id))
                    .to_owned(),
            ),
        )
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

pub async fn insert_region<C: ConnectionTrait>(
    c: &C,
    code: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<region::Model, DbErr> {
    region::Entity::insert(region::ActiveModel {
        code: Set(code.to_owned()),
        name: Set(name.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
}

/// Renames a region if `version` is current; false when it is stale.
pub async fn update_region<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    name: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = region::Entity::update_many()
        .col_expr(region::Column::Name, Expr::value(name))
        .col_expr(region::Column::UpdatedAt, Expr::value(now))
        .col_expr(region::Column::Version, Expr::col(region::Column::Version).add(1))
        .filter(region::Column::Id.eq(id))
        .filter(region::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Makes `district_ids` the region's districts; a district taken from another region leaves it.
pub async fn set_region_districts<C: ConnectionTrait>(
    c: &C,
    region_id: i64,
    district_ids: &[i64],
) -> Result<(), DbErr> {
    region_district::Entity::delete_many().filter(region_district::Column::RegionId.eq(region_id)).exec(c).await?;
    if district_ids.is_empty() {
        return Ok(());
    }
    region_district::Entity::delete_many()
        .filter(region_district::Column::DistrictId.is_in(district_ids.iter().copied()))
        .exec(c)
        .await?;
    region_district::Entity::insert_many(
        district_ids.iter().map(|d| region_district::ActiveModel { district_id: Set(*d), region_id: Set(region_id) }),
    )
    .exec(c)
    .await?;
    Ok(())
}

/// Makes `user_ids` the users given the region.
pub async fn set_region_users<C: ConnectionTrait>(c: &C, region_id: i64, user_ids: &[i64]) -> Result<(), DbErr> {
    user_region::Entity::delete_many().filter(user_region::Column::RegionId.eq(region_id)).exec(c).await?;
    if user_ids.is_empty() {
        return Ok(());
    }
    user_region::Entity::insert_many(
        user_ids.iter().map(|u| user_region::ActiveModel { user_id: Set(*u), region_id: Set(region_id) }),
    )
    .exec(c)
    .await?;
    Ok(())
}

// ---- national accounts ----

/// The groups with a company or a site in the scope's districts (a site sits under a company
/// under the group), as a condition on `organisation_id`.
fn reaches(scope: &Scope) -> Condition {
    let in_scope = scope::condition(scope, organisation::Column::DistrictId);
    let parents = Query::select()
        .column(organisation::Column::ParentId)
        .from(organisation::Entity)
        .cond_where(in_scope.clone())
        .and_where(organisation::Column::ParentId.is_not_null())
        .to_owned();
    let grandparents = Query::select()
        .column(organisation::Column::ParentId)
        .from(organisation::Entity)
        .and_where(organisation::Column::Id.in_subquery(parents.clone()))
        .and_where(organisation::Column::ParentId.is_not_null())
        .to_owned();
    Condition::any()
        .add(national_account::Column::OrganisationId.in_subquery(parents))
        .add(national_account::Column::OrganisationId.in_subquery(grandparents))
}

/// The accounts the scope sees: those its national units hold, and those whose employer has a
/// company or a site in its districts.
fn visible(scope: &Scope) -> sea_orm::Select<national_account::Entity> {
    match scope {
        Scope::All => national_account::Entity::find(),
        Scope::Districts(_) => national_account::Entity::find().filter(
            Condition::any().add(scope::condition(scope, national_account::Column::DistrictId)).add(reaches(scope)),
        ),
    }
}

/// The accounts the scope sees, those on the target list first by their place on it.
pub async fn list_accounts<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<Vec<national_account::Model>, DbErr> {
    visible(scope)
        .order_by_asc(Expr::col(national_account::Column::TargetRank).is_null())
        .order_by_asc(national_account::Column::TargetRank)
        .order_by_asc(national_account::Column::Id)
        .all(c)
        .await
}

pub async fn get_account<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
) -> Result<Option<national_account::Model>, DbErr> {
    visible(scope).filter(national_account::Column::Id.eq(id)).one(c).await
}

/// The accounts the scope sees of the groups `group_ids` (a site's page names its group's).
pub async fn accounts_of_groups<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    group_ids: Vec<i64>,
) -> Result<Vec<national_account::Model>, DbErr> {
    if group_ids.is_empty() {
        return Ok(vec![]);
    }
    visible(scope).filter(national_account::Column::OrganisationId.is_in(group_ids)).all(c).await
}

/// What an account is made of, as a use case has checked it.
pub struct AccountFields<'a> {
    pub district_id: i64,
    pub organisation_id: i64,
    pub manager_id: Option<i64>,
    pub status: &'a str,
    pub target_rank: Option<i32>,
    pub sla_jobs_target: Option<i64>,
    pub sla_start: Option<NaiveDate>,
    pub sla_end: Option<NaiveDate>,
    pub sla_exclusive: bool,
    pub notes: Option<&'a str>,
}

pub async fn insert_account<C: ConnectionTrait>(
    c: &C,
    f: AccountFields<'_>,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<national_account::Model, DbErr> {
    national_account::Entity::insert(national_account::ActiveModel {
        district_id: Set(f.district_id),
        organisation_id: Set(f.organisation_id),
        manager_id: Set(f.manager_id),
        status: Set(f.status.to_owned()),
        target_rank: Set(f.target_rank),
        sla_jobs_target: Set(f.sla_jobs_target),
        sla_start: Set(f.sla_start),
        sla_end: Set(f.sla_end),
        sla_exclusive: Set(f.sla_exclusive),
        notes: Set(f.notes.map(str::to_owned)),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
}

/// Changes an account (its employer and unit stay) if `version` is current; false when stale.
pub async fn update_account<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    f: AccountFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use national_account::Column as A;
    let res = national_account::Entity::update_many()
        .col_expr(A::ManagerId, Expr::value(f.manager_id))
        .col_expr(A::Status, Expr::value(f.status))
        .col_expr(A::TargetRank, Expr::value(f.target_rank))
        .col_expr(A::SlaJobsTarget, Expr::value(f.sla_jobs_target))
        .col_expr(A::SlaStart, Expr::value(f.sla_start))
        .col_expr(A::SlaEnd, Expr::value(f.sla_end))
        .col_expr(A::SlaExclusive, Expr::value(f.sla_exclusive))
        .col_expr(A::Notes, Expr::value(f.notes.map(str::to_owned)))
        .col_expr(A::UpdatedAt, Expr::value(now))
        .col_expr(A::Version, Expr::col(A::Version).add(1))
        .filter(A::Id.eq(id))
        .filter(A::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The companies under a group and the sites under them (and sites directly under it), in
/// every district.
pub async fn members<C: ConnectionTrait>(c: &C, group_id: i64) -> Result<Vec<organisation::Model>, DbErr> {
    let children = organisation::Entity::find().filter(organisation::Column::ParentId.eq(group_id)).all(c).await?;
    let ids: Vec<i64> = children.iter().map(|o| o.id).collect();
    let grandchildren = if ids.is_empty() {
        vec![]
    } else {
        organisation::Entity::find().filter(organisation::Column::ParentId.is_in(ids)).all(c).await?
    };
    let mut out: Vec<organisation::Model> = children.into_iter().chain(grandchildren).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Activities started in `[from, to]` at `org_ids`: per district, day and outcome, how many.
pub async fn activity_counts<C: ConnectionTrait>(
    c: &C,
    org_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, NaiveDate, String, i64)>, DbErr> {
    if org_ids.is_empty() {
        return Ok(vec![]);
    }
    use activity::Column as A;
    activity::Entity::find()
        .select_only()
        .column(A::DistrictId)
        .column(A::StartDate)
        .column(A::Outcome)
        .column_as(Expr::col(A::Id).count(), "n")
        .filter(A::OrganisationId.is_in(org_ids.iter().copied()))
        .filter(A::StartDate.between(from, to))
        .group_by(A::DistrictId)
        .group_by(A::StartDate)
        .group_by(A::Outcome)
        .into_tuple()
        .all(c)
        .await
}

/// Recruitment requests received in `[from, to]` at `org_ids`: per district and day, the
/// vacancies asked for and the hires made.
pub async fn request_sums<C: ConnectionTrait>(
    c: &C,
    org_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, NaiveDate, i64, i64)>, DbErr> {
    if org_ids.is_empty() {
        return Ok(vec![]);
    }
    use recruitment_request::Column as R;
    let rows: Vec<(i64, NaiveDate, Option<i64>, Option<i64>)> = recruitment_request::Entity::find()
        .select_only()
        .column(R::DistrictId)
        .column(R::ReceivedDate)
        .column_as(Expr::col(R::Positions).sum().cast_as("bigint"), "positions")
        .column_as(Expr::col(R::Hires).sum().cast_as("bigint"), "hires")
        .filter(R::OrganisationId.is_in(org_ids.iter().copied()))
        .filter(R::ReceivedDate.between(from, to))
        .group_by(R::DistrictId)
        .group_by(R::ReceivedDate)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|(d, day, p, h)| (d, day, p.unwrap_or(0), h.unwrap_or(0))).collect())
}

/// The activities (newest first, at most `limit`) recorded at `org_ids` in the scope's
/// districts in `[from, to]`: the records behind a district's figures.
pub async fn activities_at<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    org_ids: &[i64],
    from: NaiveDate,
    to: NaiveDate,
    limit: u64,
) -> Result<Vec<activity::Model>, DbErr> {
    if org_ids.is_empty() {
        return Ok(vec![]);
    }
    scope::find::<activity::Entity>(scope)
        .filter(activity::Column::OrganisationId.is_in(org_ids.iter().copied()))
        .filter(activity::Column::StartDate.between(from, to))
        .order_by_desc(activity::Column::StartDate)
        .order_by_desc(activity::Column::Id)
        .limit(limit)
        .all(c)
        .await
}

/// The group of a national account known by `value` as its ref, whatever its district: a
/// company or site of any district may sit under a national employer. `None` when no
/// account's group has the ref, or more than one has.
pub async fn national_group_by_ref<C: ConnectionTrait>(
    c: &C,
    value: &str,
) -> Result<Option<organisation::Model>, DbErr> {
    let mut rows = organisation::Entity::find()
        .filter(organisation::Column::Ref.eq(value.trim()))
        .filter(organisation::Column::Id.in_subquery(
            Query::select().column(national_account::Column::OrganisationId).from(national_account::Entity).to_owned(),
        ))
        .limit(2)
        .all(c)
        .await?;
    Ok(if rows.len() == 1 { rows.pop() } else { None })
}
