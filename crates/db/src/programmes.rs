//! Queries of programmes and budgets: programmes read through the caller's [`Scope`], their
//! organisations and participation records hanging off a programme read through it; budget
//! lines read through the scope, their spend hanging off a line read through it.

use crate::entities::{budget_line, budget_spend, programme, programme_participant, programme_partner};
use crate::scope::{self, Scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// A programme's fields as a create or an edit writes them.
pub struct ProgrammeFields<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub target_groups: &'a str,
    /// Referrals, starts, completions, job entries, sustained jobs.
    pub targets: [Option<i32>; 5],
}

/// A participation record as written: the days of each stage reached.
pub struct ParticipantFields<'a> {
    pub citizen_ref: &'a str,
    pub target_group: Option<&'a str>,
    pub referred_on: NaiveDate,
    pub started_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub job_on: Option<NaiveDate>,
    pub sustained_on: Option<NaiveDate>,
}

/// A new budget line.
pub struct NewLine<'a> {
    pub district_id: i64,
    pub programme_id: Option<i64>,
    pub funding_source: &'a str,
    pub name: &'a str,
    pub year: i32,
    pub amount_minor: i64,
    pub created_by: Option<i64>,
}

/// Money spent on a line.
pub struct NewSpend<'a> {
    pub line_id: i64,
    pub spent_on: NaiveDate,
    pub amount_minor: i64,
    pub description: &'a str,
    pub activity_id: Option<i64>,
    pub created_by: Option<i64>,
}

/// One page of the programmes, newest start first, and how many there are in all.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    page: u64,
    per_page: u64,
) -> Result<(Vec<programme::Model>, u64), DbErr> {
    let q = scope::find::<programme::Entity>(scope);
    let total = q.clone().count(c).await?;
    let rows = q
        .order_by_desc(programme::Column::StartDate)
        .order_by_desc(programme::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(c)
        .await?;
    Ok((rows, total))
}

pub async fn get<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<programme::Model>, DbErr> {
    scope::find::<programme::Entity>(scope).filter(programme::Column::Id.eq(id)).one(c).await
}

pub async fn insert_programme<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    f: ProgrammeFields<'_>,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<programme::Model, DbErr> {
    programme::Entity::insert(programme::ActiveModel {
        district_id: Set(district_id),
        kind: Set(f.kind.to_owned()),
        name: Set(f.name.to_owned()),
        description: Set(f.description.map(str::to_owned)),
        start_date: Set(f.start_date),
        end_date: Set(f.end_date),
        target_groups: Set(f.target_groups.to_owned()),
        target_referrals: Set(f.targets[0]),
        target_starts: Set(f.targets[1]),
        target_completions: Set(f.targets[2]),
        target_job_entries: Set(f.targets[3]),
        target_sustained_jobs: Set(f.targets[4]),
        created_by: Set(created_by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
}

/// Writes the programme's fields if it is still at `version`; false when someone else changed
/// it first.
pub async fn update_programme<C: ConnectionTrait>(
    c: &C,
    id: i64,
    version: i32,
    f: ProgrammeFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let am = programme::ActiveModel {
        kind: Set(f.kind.to_owned()),
        name: Set(f.name.to_owned()),
        description: Set(f.description.map(str::to_owned)),
        start_date: Set(f.start_date),
        end_date: Set(f.end_date),
        target_groups: Set(f.target_groups.to_owned()),
        target_referrals: Set(f.targets[0]),
        target_starts: Set(f.targets[1]),
        target_completions: Set(f.targets[2]),
        target_job_entries: Set(f.targets[3]),
        target_sustained_jobs: Set(f.targets[4]),
        updated_at: Set(now),
        version: Set(version.saturating_add(1)),
        ..Default::default()
    };
    let res = programme::Entity::update_many()
        .set(am)
        .filter(programme::Column::Id.eq(id))
        .filter(programme::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The organisations of each of `programme_ids` with their roles, in the order added.
pub async fn partners_of<C: ConnectionTrait>(
    c: &C,
    programme_ids: Vec<i64>,
) -> Result<Vec<programme_partner::Model>, DbErr> {
    if programme_ids.is_empty() {
        return Ok(vec![]);
    }
    programme_partner::Entity::find()
        .filter(programme_partner::Column::ProgrammeId.is_in(programme_ids))
        .order_by_asc(programme_partner::Column::Id)
        .all(c)
        .await
}

pub async fn insert_partner<C: ConnectionTrait>(
    c: &C,
    programme_id: i64,
    organisation_id: i64,
    role: &str,
    now: DateTime<Utc>,
) -> Result<programme_partner::Model, DbErr> {
    programme_partner::Entity::insert(programme_partner::ActiveModel {
        programme_id: Set(programme_id),
        organisation_id: Set(organisation_id),
        role: Set(role.to_owned()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
}

/// The participation records of a programme, in the order they were referred.
pub async fn participants_of<C: ConnectionTrait>(
    c: &C,
    programme_id: i64,
) -> Result<Vec<programme_participant::Model>, DbErr> {
    programme_participant::Entity::find()
        .filter(programme_participant::Column::ProgrammeId.eq(programme_id))
        .order_by_asc(programme_participant::Column::ReferredOn)
        .order_by_asc(programme_participant::Column::Id)
        .all(c)
        .await
}

/// Adds a participation record, or brings the one of the same reference up to date; true when
/// it was added.
pub async fn save_participant<C: ConnectionTrait>(
    c: &C,
    programme_id: i64,
    p: &ParticipantFields<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let existing = programme_participant::Entity::find()
        .filter(programme_participant::Column::ProgrammeId.eq(programme_id))
        .filter(programme_participant::Column::CitizenRef.eq(p.citizen_ref))
        .one(c)
        .await?;
    let mut am = programme_participant::ActiveModel {
        target_group: Set(p.target_group.map(str::to_owned)),
        referred_on: Set(p.referred_on),
        started_on: Set(p.started_on),
        completed_on: Set(p.completed_on),
        job_on: Set(p.job_on),
        sustained_on: Set(p.sustained_on),
        updated_at: Set(now),
        ..Default::default()
    };
    match existing {
        Some(e) => {
            am.id = Set(e.id);
            programme_participant::Entity::update(am).exec(c).await?;
            Ok(false)
        }
        None => {
            am.programme_id = Set(programme_id);
            am.citizen_ref = Set(p.citizen_ref.to_owned());
            am.created_at = Set(now);
            programme_participant::Entity::insert(am).exec(c).await?;
            Ok(true)
        }
    }
}

/// Locks the programme's row until the transaction ends (PostgreSQL; SQLite's write
/// transaction already holds the database).
pub async fn lock<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<programme::Model>, DbErr> {
    let mut q = programme::Entity::find_by_id(id);
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    q.one(c).await
}

// ---- budgets ----

/// Which budget lines: a programme's, or the secretariat's own (no programme) of a year.
pub enum Lines {
    Programme(i64),
    Secretariat { district_id: Option<i64>, year: Option<i32> },
}

/// The budget lines the caller may see, in the order they were made.
pub async fn lines<C: ConnectionTrait>(c: &C, scope: &Scope, which: Lines) -> Result<Vec<budget_line::Model>, DbErr> {
    use budget_line::Column as L;
    let mut q = scope::find::<budget_line::Entity>(scope);
    match which {
        Lines::Programme(p) => q = q.filter(L::ProgrammeId.eq(p)),
        Lines::Secretariat { district_id, year } => {
            q = q.filter(L::ProgrammeId.is_null());
            if let Some(d) = district_id {
                q = q.filter(L::DistrictId.eq(d));
            }
            if let Some(y) = year {
                q = q.filter(L::Year.eq(y));
            }
        }
    }
    q.order_by_desc(L::Year).order_by_asc(L::Id).all(c).await
}

pub async fn line<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<budget_line::Model>, DbErr> {
    scope::find::<budget_line::Entity>(scope).filter(budget_line::Column::Id.eq(id)).one(c).await
}

pub async fn insert_line<C: ConnectionTrait>(
    c: &C,
    n: NewLine<'_>,
    now: DateTime<Utc>,
) -> Result<budget_line::Model, DbErr> {
    budget_line::Entity::insert(budget_line::ActiveModel {
        district_id: Set(n.district_id),
        programme_id: Set(n.programme_id),
        funding_source: Set(n.funding_source.to_owned()),
        name: Set(n.name.to_owned()),
        year: Set(n.year),
        amount_minor: Set(n.amount_minor),
        closed: Set(false),
        created_by: Set(n.created_by),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
}

/// Closes the line if it is still at `version`; false when someone else changed it first.
pub async fn close_line<C: ConnectionTrait>(c: &C, id: i64, version: i32, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let am = budget_line::ActiveModel {
        closed: Set(true),
        updated_at: Set(now),
        version: Set(version.saturating_add(1)),
        ..Default::default()
    };
    let res = budget_line::Entity::update_many()
        .set(am)
        .filter(budget_line::Column::Id.eq(id))
        .filter(budget_line::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Locks the line's row until the transaction ends, so spend and closing never cross.
pub async fn lock_line<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<budget_line::Model>, DbErr> {
    let mut q = budget_line::Entity::find_by_id(id);
    if c.get_database_backend() == sea_orm::DbBackend::Postgres {
        q = q.lock_exclusive();
    }
    q.one(c).await
}

pub async fn insert_spend<C: ConnectionTrait>(
    c: &C,
    n: NewSpend<'_>,
    now: DateTime<Utc>,
) -> Result<budget_spend::Model, DbErr> {
    budget_spend::Entity::insert(budget_spend::ActiveModel {
        line_id: Set(n.line_id),
        spent_on: Set(n.spent_on),
        amount_minor: Set(n.amount_minor),
        description: Set(n.description.to_owned()),
        activity_id: Set(n.activity_id),
        created_by: Set(n.created_by),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
}

/// The spend on each of `line_ids`, newest first.
pub async fn spend_of<C: ConnectionTrait>(c: &C, line_ids: Vec<i64>) -> Result<Vec<budget_spend::Model>, DbErr> {
    if line_ids.is_empty() {
        return Ok(vec![]);
    }
    budget_spend::Entity::find()
        .filter(budget_spend::Column::LineId.is_in(line_ids))
        .order_by_desc(budget_spend::Column::SpentOn)
        .order_by_desc(budget_spend::Column::Id)
        .all(c)
        .await
}

#[derive(FromQueryResult)]
struct Sum {
    line_id: i64,
    total: Option<i64>,
}

/// The total spent on each of `line_ids` (a line with no spend is left out), summed by the
/// database in integer minor units.
pub async fn spent_by_line<C: ConnectionTrait>(c: &C, line_ids: Vec<i64>) -> Result<HashMap<i64, i64>, DbErr> {
    if line_ids.is_empty() {
        return Ok(HashMap::new());
    }
    use budget_spend::Column as S;
    let rows = budget_spend::Entity::find()
        .select_only()
        .column(S::LineId)
        .column_as(sea_orm::sea_query::Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"), "total")
        .filter(S::LineId.is_in(line_ids))
        .group_by(S::LineId)
        .into_model::<Sum>()
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|r| (r.line_id, r.total.unwrap_or(0))).collect())
}
