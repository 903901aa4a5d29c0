//! The reads behind the reports and the dashboard: the few columns of each activity and
//! recruitment request a report counts, the organisations' place in the hierarchy for the
//! company roll-up, agreement counts, and the KPI targets. The counting itself is in
//! `accord_app::reports`, so that the report, its drill-down lists and the targets share it.

use crate::entities::{activity, agreement, kpi_target, organisation, recruitment_request};
use crate::scope::{self, Scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// An activity as a report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFact {
    pub id: i64,
    pub r#type: String,
    pub organisation_id: i64,
    pub start_date: NaiveDate,
    /// When it was recorded; read only for what starts after the cut-off (being planned).
    pub created_at: Option<DateTime<Utc>>,
}

/// A recruitment request as a report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFact {
    pub id: i64,
    pub organisation_id: i64,
    pub received_date: NaiveDate,
    pub status: String,
    pub hires: i32,
    /// When it was recorded; read only for what comes after the cut-off.
    pub created_at: Option<DateTime<Utc>>,
}

use crate::IN_CHUNK;

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
    started_or_terminated(scope, kinds, from, to, terminated)
        .select_only()
        .column(agreement::Column::Id)
        .order_by_asc(agreement::Column::Id)
        .into_tuple()
        .all(c)
        .await
}

/// How many agreements [`agreements_started_or_terminated`] finds, without reading them.
pub async fn count_agreements_started_or_terminated<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kinds: &[&str],
    from: NaiveDate,
    to: NaiveDate,
    terminated: bool,
) -> Result<u64, DbErr> {
    started_or_terminated(scope, kinds, from, to, terminated).count(c).await
}

fn started_or_terminated(
    scope: &Scope,
    kinds: &[&str],
    from: NaiveDate,
    to: NaiveDate,
    terminated: bool,
) -> sea_orm::Select<agreement::Entity> {
    use agreement::Column as G;
    let q = scope::find::<agreement::Entity>(scope)
        .filter(G::Status.ne("draft"))
        .filter(G::Kind.is_in(kinds.iter().copied()));
    if terminated {
        q.filter(G::Status.eq("terminated")).filter(G::TerminatedOn.between(from, to))
    } else {
        q.filter(G::StartDate.between(from, to))
    }
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
    am.version = sea_orm::ActiveValue::Set(version.saturating_add(1));
    let res = kpi_target::Entity::update_many()
        .set(am)
        .filter(Condition::all().add(kpi_target::Column::Id.eq(id)).add(kpi_target::Column::Version.eq(version)))
        .exec(c)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The change stamp of the records a count of `scope` is made from: the sum of the stamps of
/// its districts and of row 0 (what every district depends on), kept by triggers (migration
/// `m0011_report_changes`). It grows with every committed change to them, and a transaction
/// that has not committed does not change what others read, so a count made after reading the
/// stamp is at least as new as the stamp says.
pub async fn change_stamp<C: ConnectionTrait>(c: &C, scope: &Scope) -> Result<i64, DbErr> {
    let with_shared = match scope {
        Scope::All => Scope::All,
        Scope::Districts(ids) => Scope::Districts(ids.iter().copied().chain([0]).collect()),
    };
    let backend = c.get_database_backend();
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(stamp), 0) AS BIGINT) FROM report_changes WHERE {}",
        scope_sql(&with_shared, "district_id")
    );
    let row = c.query_one_raw(sea_orm::Statement::from_string(backend, sql)).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
}

// ---- the partner report at scale: candidates in rows, everyone else counted in SQL ----

/// `district_id IN (…)` for a raw statement: the ids are numbers, written out.
fn scope_sql(scope: &Scope, column: &str) -> String {
    match scope {
        Scope::All => "1 = 1".to_owned(),
        Scope::Districts(ids) if ids.is_empty() => "1 = 0".to_owned(),
        Scope::Districts(ids) => {
            format!("{column} IN ({})", ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", "))
        }
    }
}

/// The organisations whose records a report looks at one by one: those covered by an
/// agreement of `kinds` in force on some day of the window — and, with `companies`, every
/// organisation of their companies, so that no company is counted both among these and among
/// the rest. The rest are counted in SQL ([`bulk_counts`]).
fn candidates_sql(scope: &Scope, kinds: &[&str], p_from: &str, p_end: &str, companies: bool) -> String {
    let kinds = kinds.iter().map(|k| format!("'{}'", k.replace('\'', ""))).collect::<Vec<_>>().join(", ");
    let covered = format!(
        "SELECT s.organisation_id FROM agreement_sites s JOIN agreements g ON g.id = s.agreement_id \
         WHERE {} AND g.status <> 'draft' AND g.kind IN ({kinds}) AND g.start_date <= {p_end} \
         AND (g.end_date IS NULL OR g.end_date >= {p_from}) AND (g.terminated_on IS NULL OR g.terminated_on >= {p_from})",
        scope_sql(scope, "g.district_id")
    );
    if !companies {
        return covered;
    }
    let company_ids = format!(
        "SELECT CASE WHEN c.level = 'site' AND c.parent_id IS NOT NULL THEN c.parent_id ELSE c.id END \
         FROM organisations c WHERE c.id IN ({covered})"
    );
    format!(
        "SELECT o.id FROM organisations o WHERE o.id IN ({company_ids}) \
         OR (o.level = 'site' AND o.parent_id IN ({company_ids}))"
    )
}

fn placeholders(backend: sea_orm::DbBackend) -> (&'static str, &'static str, &'static str) {
    if backend == sea_orm::DbBackend::Postgres { ("$1", "$2", "$3") } else { ("?1", "?2", "?3") }
}

/// The candidates' activities and requests dated in `[from, end]` (see [`candidates_sql`]);
/// when each was recorded only for those after `cutoff`, the only ones it matters for.
pub async fn candidate_facts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kinds: &[&str],
    window: (NaiveDate, NaiveDate, NaiveDate),
    companies: bool,
) -> Result<(Vec<ActivityFact>, Vec<RequestFact>), DbErr> {
    let (from, cutoff, end) = window;
    let backend = c.get_database_backend();
    let (pf, pc, pe) = placeholders(backend);
    let cand = candidates_sql(scope, kinds, pf, pe, companies);
    let acts = format!(
        "SELECT a.id, a.type, a.organisation_id, a.start_date, \
           CASE WHEN a.start_date > {pc} THEN a.created_at END FROM activities a \
         WHERE {} AND a.start_date BETWEEN {pf} AND {pe} AND a.organisation_id IN ({cand})",
        scope_sql(scope, "a.district_id")
    );
    let reqs = format!(
        "SELECT r.id, r.organisation_id, r.received_date, r.status, r.hires, \
           CASE WHEN r.received_date > {pc} THEN r.created_at END FROM recruitment_requests r \
         WHERE {} AND r.received_date BETWEEN {pf} AND {pe} AND r.organisation_id IN ({cand})",
        scope_sql(scope, "r.district_id")
    );
    let values = || -> Vec<sea_orm::Value> { vec![from.into(), cutoff.into(), end.into()] };
    let mut out_a = Vec::new();
    for row in c.query_all_raw(sea_orm::Statement::from_sql_and_values(backend, acts, values())).await? {
        out_a.push(ActivityFact {
            id: row.try_get_by_index(0)?,
            r#type: row.try_get_by_index(1)?,
            organisation_id: row.try_get_by_index(2)?,
            start_date: row.try_get_by_index(3)?,
            created_at: row.try_get_by_index(4)?,
        });
    }
    let mut out_r = Vec::new();
    for row in c.query_all_raw(sea_orm::Statement::from_sql_and_values(backend, reqs, values())).await? {
        out_r.push(RequestFact {
            id: row.try_get_by_index(0)?,
            organisation_id: row.try_get_by_index(1)?,
            received_date: row.try_get_by_index(2)?,
            status: row.try_get_by_index(3)?,
            hires: row.try_get_by_index::<Option<i32>>(4)?.unwrap_or(0),
            created_at: row.try_get_by_index(5)?,
        });
    }
    Ok((out_a, out_r))
}

/// One group of the records outside the candidates, counted in SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkCount {
    /// The activity type, `recruitment_request`, or `*` for all of them.
    pub row: String,
    /// Whether the type counts toward the partner figures (requests do).
    pub counted: bool,
    pub records: u64,
    /// Distinct organisations (their companies, with `companies`).
    pub organisations: u64,
}

/// The activities and requests dated in `[from, cutoff]` at organisations that are not
/// candidates: none of them is partner activity. Counted without leaving the database, per
/// type (`totals` false) or in all (`totals` true, row `*`), with their distinct
/// organisations. One statement that materialises the rows once and groups them both ways
/// took as long as these two in the `sqlite3` shell, and needs `MATERIALIZED`.
pub async fn bulk_counts<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kinds: &[&str],
    window: (NaiveDate, NaiveDate, NaiveDate),
    companies: bool,
    totals: bool,
) -> Result<Vec<BulkCount>, DbErr> {
    let (from, cutoff, end) = window;
    let backend = c.get_database_backend();
    let (pf, pc, pe) = placeholders(backend);
    let cand = candidates_sql(scope, kinds, pf, pe, companies);
    let unit = |alias: &str| {
        if companies {
            format!(
                "(SELECT CASE WHEN o.level = 'site' AND o.parent_id IS NOT NULL THEN o.parent_id ELSE o.id END \
                 FROM organisations o WHERE o.id = {alias}.organisation_id)"
            )
        } else {
            format!("{alias}.organisation_id")
        }
    };
    let (select, group) = if totals { ("'*' AS t, k", "k") } else { ("t, k", "t, k") };
    let sql = format!(
        "SELECT {select}, COUNT(*) AS n, COUNT(DISTINCT u) AS d FROM ( \
           SELECT a.type AS t, CASE WHEN y.counts THEN 1 ELSE 0 END AS k, {} AS u FROM activities a \
             JOIN activity_types y ON y.code = a.type \
             WHERE {} AND a.start_date BETWEEN {pf} AND {pc} AND a.organisation_id NOT IN ({cand}) \
           UNION ALL \
           SELECT 'recruitment_request', 1, {} FROM recruitment_requests r \
             WHERE {} AND r.received_date BETWEEN {pf} AND {pc} AND r.organisation_id NOT IN ({cand})) b \
         GROUP BY {group}",
        unit("a"),
        scope_sql(scope, "a.district_id"),
        unit("r"),
        scope_sql(scope, "r.district_id"),
    );
    let stmt = sea_orm::Statement::from_sql_and_values(backend, sql, [from.into(), cutoff.into(), end.into()]);
    let mut out = Vec::new();
    for row in c.query_all_raw(stmt).await? {
        let k: i32 = row.try_get_by_index(1)?;
        out.push(BulkCount {
            row: row.try_get_by_index(0)?,
            counted: k == 1,
            records: row.try_get_by_index::<i64>(2)? as u64,
            organisations: row.try_get_by_index::<i64>(3)? as u64,
        });
    }
    Ok(out)
}

/// The records behind a bulk count: `(id, is_request, type, organisation, date)` of the
/// activities and requests dated in `[from, cutoff]` at organisations that are not candidates.
pub async fn bulk_records<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    kinds: &[&str],
    window: (NaiveDate, NaiveDate, NaiveDate),
    companies: bool,
) -> Result<Vec<(i64, bool, String, i64, NaiveDate)>, DbErr> {
    let (from, cutoff, end) = window;
    let backend = c.get_database_backend();
    let (pf, pc, pe) = placeholders(backend);
    let cand = candidates_sql(scope, kinds, pf, pe, companies);
    let sql = format!(
        "SELECT a.id, 0, a.type, a.organisation_id, a.start_date FROM activities a \
           WHERE {} AND a.start_date BETWEEN {pf} AND {pc} AND a.organisation_id NOT IN ({cand}) \
         UNION ALL \
         SELECT r.id, 1, 'recruitment_request', r.organisation_id, r.received_date FROM recruitment_requests r \
           WHERE {} AND r.received_date BETWEEN {pf} AND {pc} AND r.organisation_id NOT IN ({cand})",
        scope_sql(scope, "a.district_id"),
        scope_sql(scope, "r.district_id"),
    );
    let stmt = sea_orm::Statement::from_sql_and_values(backend, sql, [from.into(), cutoff.into(), end.into()]);
    let mut out = Vec::new();
    for row in c.query_all_raw(stmt).await? {
        let is_request: i32 = row.try_get_by_index(1)?;
        out.push((
            row.try_get_by_index(0)?,
            is_request == 1,
            row.try_get_by_index(2)?,
            row.try_get_by_index(3)?,
            row.try_get_by_index(4)?,
        ));
    }
    Ok(out)
}
