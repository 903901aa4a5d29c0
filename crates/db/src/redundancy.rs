//! Redundancy events, job shops, the catalogue of services, worker cases and what they hold,
//! the access log, and the erasure of a case's personal data.

use crate::entities::{
    case_access, case_activity, case_checkin, case_job, case_session, case_tally, case_training, event_organisation,
    event_team, job_shop, person, redundancy_event, support_service, worker_case,
};
use crate::scope::{self, Scope};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder, Statement,
};

versioned_update!(update_event, redundancy_event);
versioned_update!(update_service, support_service);
versioned_update!(update_case, worker_case);
versioned_update!(update_activity, case_activity);
versioned_update!(update_training, case_training);
versioned_update!(update_job, case_job);
versioned_update!(update_checkin, case_checkin);

// ---- events ----

/// The events in scope (in one district when given), newest first.
pub async fn events<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    district: Option<i64>,
) -> Result<Vec<redundancy_event::Model>, DbErr> {
    let mut q = scope::find::<redundancy_event::Entity>(scope);
    if let Some(d) = district {
        q = q.filter(redundancy_event::Column::DistrictId.eq(d));
    }
    q.order_by_desc(redundancy_event::Column::AnnouncedOn).order_by_desc(redundancy_event::Column::Id).all(c).await
}

pub async fn get_event<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    id: i64,
) -> Result<Option<redundancy_event::Model>, DbErr> {
    scope::find::<redundancy_event::Entity>(scope).filter(redundancy_event::Column::Id.eq(id)).one(c).await
}

pub async fn event_organisations<C: ConnectionTrait>(
    c: &C,
    event_id: i64,
) -> Result<Vec<event_organisation::Model>, DbErr> {
    event_organisation::Entity::find()
        .filter(event_organisation::Column::EventId.eq(event_id))
        .order_by_asc(event_organisation::Column::Id)
        .all(c)
        .await
}

/// The users of an event's response team.
pub async fn team<C: ConnectionTrait>(c: &C, event_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(event_team::Entity::find()
        .filter(event_team::Column::EventId.eq(event_id))
        .order_by_asc(event_team::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|t| t.user_id)
        .collect())
}

/// The events whose response team the user is in.
pub async fn teams_of<C: ConnectionTrait>(c: &C, user_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(event_team::Entity::find()
        .filter(event_team::Column::UserId.eq(user_id))
        .all(c)
        .await?
        .into_iter()
        .map(|t| t.event_id)
        .collect())
}

pub async fn job_shops<C: ConnectionTrait>(c: &C, event_id: i64) -> Result<Vec<job_shop::Model>, DbErr> {
    job_shop::Entity::find()
        .filter(job_shop::Column::EventId.eq(event_id))
        .order_by_desc(job_shop::Column::HeldOn)
        .order_by_desc(job_shop::Column::Id)
        .all(c)
        .await
}

// ---- the catalogue ----

pub async fn services<C: ConnectionTrait>(c: &C) -> Result<Vec<support_service::Model>, DbErr> {
    support_service::Entity::find()
        .order_by_asc(support_service::Column::Position)
        .order_by_asc(support_service::Column::Id)
        .all(c)
        .await
}

// ---- cases ----

pub async fn cases_of_event<C: ConnectionTrait>(c: &C, event_id: i64) -> Result<Vec<worker_case::Model>, DbErr> {
    worker_case::Entity::find()
        .filter(worker_case::Column::EventId.eq(event_id))
        .order_by_asc(worker_case::Column::Id)
        .all(c)
        .await
}

/// One page of an event's cases (of one status when given), in the order they were registered,
/// and how many there are in all.
pub async fn cases_page<C: ConnectionTrait>(
    c: &C,
    event_id: i64,
    status: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<worker_case::Model>), DbErr> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let mut q = worker_case::Entity::find().filter(worker_case::Column::EventId.eq(event_id));
    if let Some(s) = status {
        q = q.filter(worker_case::Column::Status.eq(s));
    }
    let total = q.clone().count(c).await?;
    let rows = q.order_by_asc(worker_case::Column::Id).offset(offset).limit(limit).all(c).await?;
    Ok((total, rows))
}

pub async fn get_case<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<worker_case::Model>, DbErr> {
    worker_case::Entity::find_by_id(id).one(c).await
}

pub async fn get_person<C: ConnectionTrait>(c: &C, id: i64) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find_by_id(id).one(c).await
}

/// The people behind these ids, for a list of cases.
pub async fn people<C: ConnectionTrait>(c: &C, ids: &[i64]) -> Result<Vec<person::Model>, DbErr> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::IN_CHUNK) {
        out.extend(person::Entity::find().filter(person::Column::Id.is_in(chunk.iter().copied())).all(c).await?);
    }
    Ok(out)
}

/// The cases whose person has this national ID digest.
pub async fn cases_with_digest<C: ConnectionTrait>(c: &C, digest: &str) -> Result<Vec<worker_case::Model>, DbErr> {
    let ids: Vec<i64> = person::Entity::find()
        .filter(person::Column::IdDigest.eq(digest))
        .all(c)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    worker_case::Entity::find().filter(worker_case::Column::PersonId.is_in(ids)).all(c).await
}

/// Everything a case holds besides the person.
#[derive(Debug, Clone, Default)]
pub struct CaseParts {
    pub sessions: Vec<case_session::Model>,
    pub activities: Vec<case_activity::Model>,
    pub trainings: Vec<case_training::Model>,
    pub jobs: Vec<case_job::Model>,
    pub checkins: Vec<case_checkin::Model>,
}

pub async fn case_parts<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<CaseParts, DbErr> {
    Ok(CaseParts {
        sessions: case_session::Entity::find()
            .filter(case_session::Column::CaseId.eq(case_id))
            .order_by_desc(case_session::Column::HeldOn)
            .order_by_desc(case_session::Column::Id)
            .all(c)
            .await?,
        activities: case_activity::Entity::find()
            .filter(case_activity::Column::CaseId.eq(case_id))
            .order_by_asc(case_activity::Column::Position)
            .order_by_asc(case_activity::Column::Id)
            .all(c)
            .await?,
        trainings: case_training::Entity::find()
            .filter(case_training::Column::CaseId.eq(case_id))
            .order_by_asc(case_training::Column::StartsOn)
            .order_by_asc(case_training::Column::Id)
            .all(c)
            .await?,
        jobs: case_job::Entity::find()
            .filter(case_job::Column::CaseId.eq(case_id))
            .order_by_asc(case_job::Column::StartsOn)
            .order_by_asc(case_job::Column::Id)
            .all(c)
            .await?,
        checkins: case_checkin::Entity::find()
            .filter(case_checkin::Column::CaseId.eq(case_id))
            .order_by_asc(case_checkin::Column::DueOn)
            .order_by_asc(case_checkin::Column::Id)
            .all(c)
            .await?,
    })
}

/// A check-in still to do, with its case, for an adviser's home page.
#[derive(Debug, Clone)]
pub struct DueCheckin {
    pub checkin_id: i64,
    pub case_id: i64,
    pub event_id: i64,
    pub week: i32,
    pub due_on: NaiveDate,
}

/// The check-ins not yet done and due by `until`, of the open cases this adviser owns.
pub async fn due_checkins<C: ConnectionTrait>(
    c: &C,
    adviser_user_id: i64,
    until: NaiveDate,
) -> Result<Vec<DueCheckin>, DbErr> {
    let backend = c.get_database_backend();
    let (p1, p2) = if backend == DbBackend::Postgres { ("$1", "$2") } else { ("?1", "?2") };
    let sql = format!(
        "SELECT k.id, k.case_id, w.event_id, k.week, k.due_on FROM case_checkins k \
         JOIN worker_cases w ON w.id = k.case_id \
         WHERE w.adviser_user_id = {p1} AND w.status IN ('open', 'in_work') AND k.done_on IS NULL AND k.due_on <= {p2} \
         ORDER BY k.due_on, k.id LIMIT 200"
    );
    let rows =
        c.query_all_raw(Statement::from_sql_and_values(backend, sql, [adviser_user_id.into(), until.into()])).await?;
    rows.into_iter()
        .map(|r| {
            Ok(DueCheckin {
                checkin_id: r.try_get_by_index(0)?,
                case_id: r.try_get_by_index(1)?,
                event_id: r.try_get_by_index(2)?,
                week: r.try_get_by_index(3)?,
                due_on: r.try_get_by_index(4)?,
            })
        })
        .collect()
}

// ---- outcomes ----

/// What one case (or one erased case) counts for in the outcomes report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFlags {
    pub event_id: i64,
    pub assessed: bool,
    pub planned: bool,
    pub training_started: bool,
    pub training_completed: bool,
    pub reemployed: bool,
    pub sustained: bool,
    /// The funding sources of the worker's retraining.
    pub funding_sources: Vec<String>,
}

/// The flags of every case of these events, and of their erased cases, in one pass each.
pub async fn case_flags<C: ConnectionTrait>(c: &C, event_ids: &[i64]) -> Result<Vec<CaseFlags>, DbErr> {
    let backend = c.get_database_backend();
    let mut out = Vec::new();
    for chunk in event_ids.chunks(1000) {
        let ids = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT w.id, w.event_id, w.assessed_on IS NOT NULL, \
               EXISTS (SELECT 1 FROM case_activities a WHERE a.case_id = w.id), \
               EXISTS (SELECT 1 FROM case_trainings t WHERE t.case_id = w.id AND t.status IN ('started', 'completed', 'withdrawn')), \
               EXISTS (SELECT 1 FROM case_trainings t WHERE t.case_id = w.id AND t.status = 'completed'), \
               EXISTS (SELECT 1 FROM case_jobs j WHERE j.case_id = w.id), \
               w.status = 'sustained' \
             FROM worker_cases w WHERE w.event_id IN ({ids}) ORDER BY w.id"
        );
        let rows = c.query_all_raw(Statement::from_string(backend, sql)).await?;
        let mut index = std::collections::HashMap::new();
        for r in rows {
            let id: i64 = r.try_get_by_index(0)?;
            index.insert(id, out.len());
            out.push(CaseFlags {
                event_id: r.try_get_by_index(1)?,
                assessed: r.try_get_by_index(2)?,
                planned: r.try_get_by_index(3)?,
                training_started: r.try_get_by_index(4)?,
                training_completed: r.try_get_by_index(5)?,
                reemployed: r.try_get_by_index(6)?,
                sustained: r.try_get_by_index(7)?,
                funding_sources: vec![],
            });
        }
        let sql = format!(
            "SELECT t.case_id, t.funding_source FROM case_trainings t JOIN worker_cases w ON w.id = t.case_id \
             WHERE w.event_id IN ({ids}) AND t.funding_source IS NOT NULL ORDER BY t.case_id, t.id"
        );
        for r in c.query_all_raw(Statement::from_string(backend, sql)).await? {
            let id: i64 = r.try_get_by_index(0)?;
            let source: String = r.try_get_by_index(1)?;
            if let Some(&i) = index.get(&id)
                && !out[i].funding_sources.contains(&source)
            {
                out[i].funding_sources.push(source);
            }
        }
        for t in
            case_tally::Entity::find().filter(case_tally::Column::EventId.is_in(chunk.iter().copied())).all(c).await?
        {
            out.push(CaseFlags {
                event_id: t.event_id,
                assessed: t.assessed,
                planned: t.planned,
                training_started: t.training_started,
                training_completed: t.training_completed,
                reemployed: t.reemployed,
                sustained: t.sustained,
                funding_sources: t
                    .funding_sources
                    .unwrap_or_default()
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            });
        }
    }
    Ok(out)
}

// ---- the access log ----

/// One opening of a case: who, why, what was shown, and in which sign-in session.
pub struct Opening<'a> {
    pub user_id: Option<i64>,
    pub actor: &'a str,
    pub purpose: &'a str,
    pub what: &'a str,
    pub session: Option<&'a str>,
}

/// Appends one opening of a case to its access log.
pub async fn log_access<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    o: Opening<'_>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::Set;
    let row = case_access::ActiveModel {
        case_id: Set(case_id),
        user_id: Set(o.user_id),
        actor: Set(o.actor.to_owned()),
        purpose: Set(o.purpose.to_owned()),
        what: Set(o.what.to_owned()),
        at: Set(at),
        session_hash: Set(o.session.map(str::to_owned)),
        ..Default::default()
    };
    case_access::Entity::insert(row).exec_without_returning(c).await?;
    Ok(())
}

/// The openings of a case in one sign-in session by one user since `since`, oldest first.
pub async fn visit_accesses<C: ConnectionTrait>(
    c: &C,
    case_id: i64,
    session_hash: &str,
    user_id: Option<i64>,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<case_access::Model>, DbErr> {
    let mut q = case_access::Entity::find()
        .filter(case_access::Column::CaseId.eq(case_id))
        .filter(case_access::Column::SessionHash.eq(session_hash))
        .filter(case_access::Column::At.gt(since));
    q = match user_id {
        Some(u) => q.filter(case_access::Column::UserId.eq(u)),
        None => q.filter(case_access::Column::UserId.is_null()),
    };
    q.order_by_asc(case_access::Column::At).order_by_asc(case_access::Column::Id).all(c).await
}

pub async fn accesses<C: ConnectionTrait>(c: &C, case_id: i64) -> Result<Vec<case_access::Model>, DbErr> {
    case_access::Entity::find()
        .filter(case_access::Column::CaseId.eq(case_id))
        .order_by_asc(case_access::Column::At)
        .order_by_asc(case_access::Column::Id)
        .all(c)
        .await
}

// ---- erasure ----

/// The closed cases whose retention ended before `cutoff` (closed on or before it).
pub async fn closed_before<C: ConnectionTrait>(c: &C, cutoff: NaiveDate) -> Result<Vec<worker_case::Model>, DbErr> {
    worker_case::Entity::find()
        .filter(worker_case::Column::ClosedOn.lte(cutoff))
        .order_by_asc(worker_case::Column::Id)
        .all(c)
        .await
}

/// Removes a case, everything it holds and its person, leaving `tally` in their place. False
/// when the case is already gone (another node erased it first): nothing is then written.
pub async fn erase_case<C: ConnectionTrait>(
    c: &C,
    case: &worker_case::Model,
    tally: case_tally::ActiveModel,
) -> Result<bool, DbErr> {
    for t in ["case_sessions", "case_activities", "case_trainings", "case_checkins", "case_jobs"] {
        c.execute_raw(Statement::from_string(
            c.get_database_backend(),
            format!("DELETE FROM {t} WHERE case_id = {}", case.id),
        ))
        .await?;
    }
    if worker_case::Entity::delete_by_id(case.id).exec(c).await?.rows_affected != 1 {
        return Ok(false);
    }
    person::Entity::delete_by_id(case.person_id).exec(c).await?;
    tally.insert(c).await?;
    Ok(true)
}

/// After an erasure, makes sure the removed bytes are gone from the database files too: SQLite
/// overwrites freed pages (`secure_delete`) and folds the write-ahead log back into the file;
/// PostgreSQL rewrites the tables that held them.
pub async fn scrub<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    let backend = c.get_database_backend();
    let stmts: &[&str] = if backend == DbBackend::Postgres {
        &[
            "VACUUM FULL people",
            "VACUUM FULL worker_cases",
            "VACUUM FULL case_sessions",
            "VACUUM FULL case_activities",
            "VACUUM FULL case_trainings",
            "VACUUM FULL case_jobs",
            "VACUUM FULL case_checkins",
        ]
    } else {
        &["PRAGMA wal_checkpoint(TRUNCATE)"]
    };
    for s in stmts {
        c.execute_unprepared(s).await?;
    }
    Ok(())
}

/// Any one person's sealed record, to check a data key against: unscoped, because it serves
/// only that check at start-up and leaves the database sealed.
pub async fn any_person_unscoped<C: ConnectionTrait>(c: &C) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find().one(c).await
}
