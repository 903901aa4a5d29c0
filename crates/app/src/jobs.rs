//! Background jobs: housekeeping (ended sessions removed, the query planner's statistics
//! refreshed) and the erasure of expired personal data. Every node polls the shared
//! schedule; the database hands each due run to exactly one node (`accord_db::jobs`), so
//! several nodes behind a load balancer neither double the work nor skip it, and a node that
//! dies mid-run leaves the job to another once its lease runs out.

use crate::{App, Result, auth, cases};
use accord_db::jobs as q;
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

/// A job on the schedule.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    pub name: &'static str,
    /// From one run's end to the next run.
    pub every: Duration,
    /// How long a claim holds before another node may take the job over.
    pub lease: Duration,
}

pub const HOUSEKEEPING: Job = Job { name: "housekeeping", every: Duration::minutes(5), lease: Duration::minutes(10) };
pub const ERASE_EXPIRED: Job = Job { name: "erase_expired", every: Duration::hours(6), lease: Duration::hours(1) };
pub const JOBS: [Job; 2] = [HOUSEKEEPING, ERASE_EXPIRED];

/// One run this node made.
#[derive(Debug, Clone)]
pub struct Ran {
    pub job: &'static str,
    pub ok: bool,
    pub outcome: String,
}

async fn run(app: &App, job: &Job, now: DateTime<Utc>) -> Result<String> {
    match job.name {
        "housekeeping" => {
            auth::purge_expired(app).await?;
            app.db.optimize().await?;
            Ok("ended sessions removed; planner statistics refreshed".into())
        }
        "erase_expired" => {
            let n = cases::erase_expired(app, now.date_naive()).await?;
            tracing::info!(
                erased = n,
                retention_months = app.config.retention_months,
                "erased the personal data of worker cases closed longer ago than the retention period"
            );
            Ok(format!("{n} cases erased"))
        }
        other => Err(crate::AppError::Internal(format!("no such job: {other}"))),
    }
}

/// Runs, one after another, every job that is due and that no other node holds.
pub async fn run_due(app: &App, node: &str) -> Result<Vec<Ran>> {
    let mut ran = Vec::new();
    for job in JOBS {
        let now = Utc::now();
        q::ensure(&app.db.conn, job.name, now).await?;
        if !q::claim(&app.db.conn, job.name, node, now, now + job.lease).await? {
            continue;
        }
        let result = run(app, &job, now).await;
        let finished = Utc::now();
        let (ok, outcome) = match result {
            Ok(o) => (true, o),
            Err(e) => {
                tracing::error!(job = job.name, error = %e, "background job failed; it runs again when next due");
                (false, e.to_string())
            }
        };
        q::finish(&app.db.conn, job.name, node, now, finished, finished + job.every, ok, &outcome).await?;
        ran.push(Ran { job: job.name, ok, outcome });
    }
    Ok(ran)
}

/// A name for this process among the nodes: host, process id and a random part.
pub fn node_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname").map(|h| h.trim().to_owned()).unwrap_or_else(|_| "node".into());
    format!("{host}-{}-{}", std::process::id(), &auth::random_token(6)[..6])
}

/// Polls the schedule every [`crate::AppConfig::job_poll`] for as long as the process runs.
pub fn spawn(app: Arc<App>) -> tokio::task::JoinHandle<()> {
    let node = node_id();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(app.config.job_poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = run_due(&app, &node).await {
                tracing::warn!(error = %e, "the job schedule could not be read; trying again");
            }
        }
    })
}
