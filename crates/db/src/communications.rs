//! Queries of the communications log. Every read takes the caller's [`Scope`].

use crate::entities::{communication, communication_organisation};
use crate::scope::{self, Scope};
use accord_domain::CommunicationFilter;
use accord_domain::query::{CommunicationColumn, CommunicationSort};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

fn filtered(scope: &Scope, f: &CommunicationFilter) -> sea_orm::Select<communication::Entity> {
    use communication::Column as C;
    let mut q = scope::find::<communication::Entity>(scope);
    if let Some(d) = f.district_id {
        q = q.filter(C::DistrictId.eq(d));
    }
    if let Some(ch) = f.channel {
        q = q.filter(C::Channel.eq(ch.as_str()));
    }
    if let Some(y) = f.year {
        let (Some(from), Some(to)) = (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31)) else {
            // A year no date can have: nothing was published in it.
            return q.filter(C::Id.lt(0));
        };
        q = q.filter(C::PublishedOn.gte(from)).filter(C::PublishedOn.lte(to));
    }
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(Expr::expr(Func::lower(Expr::col(C::Title))).like(crate::search::like_pattern(t)));
    }
    if let Some(o) = f.organisation_id {
        q = q.filter(
            C::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(communication_organisation::Column::CommunicationId)
                    .from(communication_organisation::Entity)
                    .and_where(communication_organisation::Column::OrganisationId.eq(o))
                    .to_owned(),
            ),
        );
    }
    q
}

/// One page of the log in the order asked for, and how many pieces match in all.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &CommunicationFilter,
    sort: CommunicationSort,
    page: u64,
    per_page: u64,
) -> Result<(Vec<communication::Model>, u64), DbErr> {
    let q = filtered(scope, f);
    let total = q.clone().count(c).await?;
    let by = match sort.column {
        CommunicationColumn::PublishedOn => communication::Column::PublishedOn,
        CommunicationColumn::Title => communication::Column::Title,
    };
    let rows = crate::sorted(q, by, communication::Column::Id, sort.descending)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok((rows, total))
}

/// How many pieces the filter matches per year and channel, counted in the database: `(year,
/// channel, count)`, newest year first, channels by name.
pub async fn counts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    f: &CommunicationFilter,
) -> Result<Vec<(i32, String, i64)>, DbErr> {
    use communication::Column as C;
    let year = match c.get_database_backend() {
        DbBackend::Postgres => Expr::cust("CAST(EXTRACT(YEAR FROM published_on) AS INTEGER)"),
        _ => Expr::cust("CAST(substr(published_on, 1, 4) AS INTEGER)"),
    };
    let rows: Vec<(i32, String, i64)> = filtered(scope, f)
        .select_only()
        .column_as(year.clone(), "year")
        .column(C::Channel)
        .column_as(C::Id.count(), "n")
        .group_by(year)
        .group_by(C::Channel)
        .into_tuple()
        .all(c)
        .await?;
    let mut rows = rows;
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(rows)
}

pub async fn get<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<communication::Model>, DbErr> {
    scope::find::<communication::Entity>(scope).filter(communication::Column::Id.eq(id)).one(c).await
}

/// The organisations each of `ids` features: `(communication, organisation)`, in the order
/// they were added.
pub async fn organisations_of<C: ConnectionTrait>(c: &C, ids: Vec<i64>) -> Result<Vec<(i64, i64)>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    communication_organisation::Entity::find()
        .filter(communication_organisation::Column::CommunicationId.is_in(ids))
        .order_by_asc(communication_organisation::Column::Id)
        .all(c)
        .await
        .map(|rows| rows.into_iter().map(|r| (r.communication_id, r.organisation_id)).collect())
}

/// Replaces the organisations a piece features with `organisations`.
pub async fn set_organisations<C: ConnectionTrait>(
    c: &C,
    communication_id: i64,
    organisations: &[i64],
) -> Result<(), DbErr> {
    communication_organisation::Entity::delete_many()
        .filter(communication_organisation::Column::CommunicationId.eq(communication_id))
        .exec(c)
        .await?;
    for o in organisations {
        communication_organisation::Entity::insert(communication_organisation::ActiveModel {
            communication_id: Set(communication_id),
            organisation_id: Set(*o),
            ..Default::default()
        })
        .exec(c)
        .await?;
    }
    Ok(())
}

/// Writes `am` over the piece if it is still at `version`; false when someone else changed it
/// first.
pub async fn update<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    mut am: communication::ActiveModel,
) -> Result<bool, DbErr> {
    am.version = Set(version.saturating_add(1));
    let res = communication::Entity::update_many()
        .set(am)
        .filter(communication::Column::Id.eq(id))
        .filter(communication::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Deletes the piece (and the list of what it features) if it is in the caller's scope.
pub async fn delete<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<bool, DbErr> {
    let Some(row) = get(c, scope, id).await? else { return Ok(false) };
    communication_organisation::Entity::delete_many()
        .filter(communication_organisation::Column::CommunicationId.eq(row.id))
        .exec(c)
        .await?;
    let res = communication::Entity::delete_by_id(row.id).exec(c).await?;
    Ok(res.rows_affected == 1)
}
