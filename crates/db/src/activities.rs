//! Queries of activities, recruitment requests and their candidates. Every read takes the
//! caller's [`Scope`].

use crate::entities::{activity, organisation, recruitment_candidate, recruitment_request};
use crate::scope::{self, Scope};
use accord_domain::query::{ActivityColumn, ActivitySort, RecordFilter, RequestColumn, RequestSort};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

fn org_names(q: &str) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(organisation::Column::Id)
        .from(organisation::Entity)
        .and_where(organisation::Column::NameNorm.like(crate::search::like_pattern(q)))
        .to_owned()
}

fn activities(scope: &Scope, f: &RecordFilter) -> sea_orm::Select<activity::Entity> {
    use activity::Column as A;
    let mut q = scope::find::<activity::Entity>(scope);
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(A::SourceId.eq(t))
                .add(A::CitizenRef.eq(t))
                .add(A::OrganisationId.in_subquery(org_names(t))),
        );
    }
    if let Some(k) = f.kind.as_deref().filter(|k| !k.is_empty()) {
        q = q.filter(A::Type.eq(k));
    }
    if let Some(o) = f.outcome.as_deref().filter(|o| !o.is_empty()) {
        q = q.filter(A::Outcome.eq(o));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(A::OrganisationId.eq(o));
    }
    if let Some(am) = f.account_manager_id {
        q = q.filter(A::AccountManagerId.eq(am));
    }
    if let Some(d) = f.from {
        q = q.filter(A::StartDate.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(A::StartDate.lte(d));
    }
    if let Some(i) = f.import_id {
        q = q.filter(A::ImportId.eq(i));
    }
    if let Some(d) = f.district_id {
        q = q.filter(A::DistrictId.eq(d));
    }
    q
}

/// One page of activities in the order asked for, and how many match in all.
pub async fn list_activities<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &RecordFilter,
    sort: ActivitySort,
    page: u64,
    per_page: u64,
) -> Result<(Vec<activity::Model>, u64), DbErr> {
    use activity::Column as A;
    let q = activities(scope, f);
    let total = q.clone().count(c).await?;
    let by = match sort.column {
        ActivityColumn::StartDate => A::StartDate,
        ActivityColumn::SourceId => A::SourceId,
        ActivityColumn::Type => A::Type,
        ActivityColumn::CitizenRef => A::CitizenRef,
        ActivityColumn::Outcome => A::Outcome,
    };
    let rows = crate::sorted(q, by, A::Id, sort.descending)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok((rows, total))
}

pub async fn get_activity<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<activity::Model>, DbErr> {
    scope::find::<activity::Entity>(scope).filter(activity::Column::Id.eq(id)).one(c).await
}

pub async fn activity_by_source<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    source_id: &str,
) -> Result<Option<activity::Model>, DbErr> {
    activity::Entity::find()
        .filter(activity::Column::DistrictId.eq(district_id))
        .filter(activity::Column::SourceId.eq(source_id))
        .one(c)
        .await
}

/// How many activities of each type use it (`types` in use cannot be deleted).
pub async fn type_in_use<C: ConnectionTrait>(c: &C, code: &str) -> Result<bool, DbErr> {
    Ok(activity::Entity::find().filter(activity::Column::Type.eq(code)).limit(1).one(c).await?.is_some())
}

fn requests(scope: &Scope, f: &RecordFilter) -> sea_orm::Select<recruitment_request::Entity> {
    use recruitment_request::Column as R;
    let mut q = scope::find::<recruitment_request::Entity>(scope);
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(R::SourceId.eq(t))
                .add(
                    Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(R::Title)))
                        .like(crate::search::like_pattern(t)),
                )
                .add(R::OrganisationId.in_subquery(org_names(t))),
        );
    }
    if let Some(k) = f.kind.as_deref().filter(|k| !k.is_empty()) {
        q = q.filter(R::Status.eq(k));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(R::OrganisationId.eq(o));
    }
    if let Some(am) = f.account_manager_id {
        q = q.filter(R::AccountManagerId.eq(am));
    }
    if let Some(d) = f.from {
        q = q.filter(R::ReceivedDate.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(R::ReceivedDate.lte(d));
    }
    if let Some(i) = f.import_id {
        q = q.filter(R::ImportId.eq(i));
    }
    if let Some(d) = f.district_id {
        q = q.filter(R::DistrictId.eq(d));
    }
    q
}

/// One page of recruitment requests in the order asked for, and how many match in all.
pub async fn list_requests<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &RecordFilter,
    sort: RequestSort,
    page: u64,
    per_page: u64,
) -> Result<(Vec<recruitment_request::Model>, u64), DbErr> {
    use recruitment_request::Column as R;
    let q = requests(scope, f);
    let total = q.clone().count(c).await?;
    let by = match sort.column {
        RequestColumn::ReceivedDate => R::ReceivedDate,
        RequestColumn::Title => R::Title,
        RequestColumn::Positions => R::Positions,
        RequestColumn::Status => R::Status,
    };
    let rows = crate::sorted(q, by, R::Id, sort.descending)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok((rows, total))
}

/// Requests, positions and hires among the requests the filter matches.
pub async fn request_totals<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &RecordFilter,
) -> Result<(i64, i64, i64), DbErr> {
    use recruitment_request::Column as R;
    let row: Option<(i64, Option<i64>, Option<i64>)> = requests(scope, f)
        .select_only()
        .column_as(R::Id.count(), "n")
        .column_as(Expr::col(R::Positions).sum().cast_as("bigint"), "p")
        .column_as(Expr::col(R::Hires).sum().cast_as("bigint"), "h")
        .into_tuple()
        .one(c)
        .await?;
    Ok(row.map(|(n, p, h)| (n, p.unwrap_or(0), h.unwrap_or(0))).unwrap_or((0, 0, 0)))
}

pub async fn get_request<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
) -> Result<Option<recruitment_request::Model>, DbErr> {
    scope::find::<recruitment_request::Entity>(scope).filter(recruitment_request::Column::Id.eq(id)).one(c).await
}

pub async fn request_by_source<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    source_id: &str,
) -> Result<Option<recruitment_request::Model>, DbErr> {
    recruitment_request::Entity::find()
        .filter(recruitment_request::Column::DistrictId.eq(district_id))
        .filter(recruitment_request::Column::SourceId.eq(source_id))
        .one(c)
        .await
}

pub async fn candidates_of<C: ConnectionTrait>(
    c: &C,
    request_id: i64,
) -> Result<Vec<recruitment_candidate::Model>, DbErr> {
    recruitment_candidate::Entity::find()
        .filter(recruitment_candidate::Column::RequestId.eq(request_id))
        .order_by_asc(recruitment_candidate::Column::Id)
        .all(c)
        .await
}

/// Open requests of an account manager, oldest first (at most 50).
pub async fn open_requests_of<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    account_manager_id: i64,
) -> Result<Vec<recruitment_request::Model>, DbErr> {
    scope::find::<recruitment_request::Entity>(scope)
        .filter(recruitment_request::Column::AccountManagerId.eq(account_manager_id))
        .filter(recruitment_request::Column::Status.eq("open"))
        .order_by_asc(recruitment_request::Column::ReceivedDate)
        .limit(50)
        .all(c)
        .await
}

/// Writes `am` over the record if it is still at `version`; false when someone else changed
/// it first.
pub async fn update_activity<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    mut am: activity::ActiveModel,
) -> Result<bool, DbErr> {
    am.version = sea_orm::ActiveValue::Set(version.saturating_add(1));
    let res = activity::Entity::update_many()
        .set(am)
        .filter(activity::Column::Id.eq(id))
        .filter(activity::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

pub async fn update_request<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    mut am: recruitment_request::ActiveModel,
) -> Result<bool, DbErr> {
    am.version = sea_orm::ActiveValue::Set(version.saturating_add(1));
    let res = recruitment_request::Entity::update_many()
        .set(am)
        .filter(recruitment_request::Column::Id.eq(id))
        .filter(recruitment_request::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}
