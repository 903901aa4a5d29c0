//! The reads behind the reports and the dashboard: the few columns of each activity and
//! recruitment request a report counts, the organisations' place in the hierarchy for the
//! company roll-up, agreement counts, and the KPI targets. The counting itself is in
//! `accord_app::reports`, so that the report, its drill-down lists and the targets share it.

use crate::entities::{activity, agreement, kpi_target, organisation, recruitment_request};
use crate::scope::{self, Scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

/// An activity as a report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFact {
    pub id: i64,
    pub r#type: String,
    pub organisation_id: i64,
    pub start_date: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// A recruitment request as a report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFact {
    pub id: i64,
    pub organisation_id: i64,
    pub received_date: NaiveDate,
    pub status: String,
    pub hires: i32,
    pub created_at: DateTime<Utc>,
}

/// Activities in `scope` that start on a day of `[from, to]`.
pub async fn activity_facts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ActivityFact>, DbErr> {
    use activity::Column as A;
    let rows: Vec<(i64, String, i64, NaiveDate, DateTime<Utc>)> = scope::find::<activity::Entity>(scope)
        .select_only()
        .columns([A::Id, A::Type, A::OrganisationId, A::StartDate, A::CreatedAt])
        .filter(A::StartDate.between(from, to))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, r#type, organisation_id, start_date, created_at)| ActivityFact {
            id,
            r#type,
            organisation_id,
            start_date,
            created_at,
        })
        .collect())
}

/// Recruitment requests in `scope` received on a day of `[from, to]`.
pub async fn request_facts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<RequestFact>, DbErr> {
    use recruitment_request::Column as R;
    type Row = (i64, i64, NaiveDate, String, Option<i32>, DateTime<Utc>);
    let rows: Vec<Row> = scope::find::<recruitment_request::Entity>(scope)
        .select_only()
        .columns([R::Id, R::OrganisationId, R::ReceivedDate, R::Status, R::Hires, R::CreatedAt])
        .filter(R::ReceivedDate.between(from, to))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, organisation_id, received_date, status, hires, created_at)| RequestFact {
            id,
            organisation_id,
            received_date,
            status,
            hires: hires.unwrap_or(0),
            created_at,
        })
        .collect())
}

/// The most values one `IN (…)` list carries; SQLite takes at most 32,766 parameters.
const IN_CHUNK: usize = 20_000;

/// For each of `ids`: the organisation it rolls up to — a site's parent, else itself.
pub async fn companies_of<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<HashMap<i64, i64>, DbErr> {
    use organisation::Column as O;
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        let rows: Vec<(i64, String, Option<i64>)> = organisation::Entity::find()
            .select_only()
            .columns([O::Id, O::Level, O::ParentId])
            .filter(O::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        for (id, level, parent) in rows {
            let company = if level == "site" { parent.unwrap_or(id) } else { id };
            out.insert(id, company);
        }
    }
    Ok(out)
}

/// The refs and names of organisations, by id.
pub async fn names_of<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<HashMap<i64, (String, String)>, DbErr> {
    use organisation::Column as O;
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        let rows: Vec<(i64, String, String)> = organisation::Entity::find()
            .select_only()
            .columns([O::Id, O::Ref, O::Name])
            .filter(O::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(c)
            .await?;
        out.extend(rows.into_iter().map(|(id, r, n)| (id, (r, n))));
    }
    Ok(out)
}

/// Activities by id, for one page of a drill-down list.
pub async fn activities_by_ids<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<Vec<activity::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    activity::Entity::find().filter(activity::Column::Id.is_in(ids.iter().copied())).all(c).await
}

/// Recruitment requests by id, for one page of a drill-down list.
pub async fn requests_by_ids<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<Vec<recruitment_request::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    recruitment_request::Entity::find().filter(recruitment_request::Column::Id.is_in(ids.iter().copied())).all(c).await
}

/// Agreements of `kinds` (not drafts) that started in `[from, to]` (`terminated` false), or
/// that were terminated with a last day in it (`terminated` true): their ids.
pub async fn agreements_started_or_terminated<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kinds: &[&str],
    from: NaiveDate,
    to: NaiveDate,
    terminated: bool,
) -> Result<Vec<i64>, DbErr> {
    use agreement::Column as G;
    let q = scope::find::<agreement::Entity>(scope)
        .select_only()
        .column(G::Id)
        .filter(G::Status.ne("draft"))
        .filter(G::Kind.is_in(kinds.iter().copied()));
    let q = if terminated {
        q.filter(G::Status.eq("terminated")).filter(G::TerminatedOn.between(from, to))
    } else {
        q.filter(G::StartDate.between(from, to))
    };
    q.order_by_asc(G::Id).into_tuple().all(c).await
}

/// Agreements by id, in the order given.
pub async fn agreements_by_ids<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<Vec<agreement::Model>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        out.extend(agreement::Entity::find().filter(agreement::Column::Id.is_in(chunk.iter().copied())).all(c).await?);
    }
    let pos: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    out.sort_by_key(|a| pos.get(&a.id).copied().unwrap_or(usize::MAX));
    Ok(out)
}

// ---- KPI targets ----

/// The targets in `scope` (in one district when given), retired ones only when asked.
pub async fn targets<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    district_id: Option<i64>,
    include_retired: bool,
) -> Result<Vec<kpi_target::Model>, DbErr> {
    let mut q = scope::find::<kpi_target::Entity>(scope);
    if let Some(d) = district_id {
        q = q.filter(kpi_target::Column::DistrictId.eq(d));
    }
    if !include_retired {
        q = q.filter(kpi_target::Column::Retired.eq(false));
    }
    q.order_by_desc(kpi_target::Column::PeriodStart).order_by_asc(kpi_target::Column::Name).all(c).await
}

pub async fn get_target<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<kpi_target::Model>, DbErr> {
    scope::find::<kpi_target::Entity>(scope).filter(kpi_target::Column::Id.eq(id)).one(c).await
}

/// Writes `am` over the target if it is still at `version`; false when someone else changed
/// it first.
pub async fn update_target<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    mut am: kpi_target::ActiveModel,
) -> Result<bool, DbErr> {
    am.version = sea_orm::ActiveValue::Set(version + 1);
    let res = kpi_target::Entity::update_many()
        .set(am)
        .filter(Condition::all().add(kpi_target::Column::Id.eq(id)).add(kpi_target::Column::Version.eq(version)))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}
