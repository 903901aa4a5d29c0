//! The benchmarks' floor: the SQL a page runs, sent straight to the database through the same
//! driver, without routing, permission checks, views or templates.

use accord_app::App;
use accord_db::Db;
use accord_db::sea_orm::{ConnectionTrait, Statement};
use anyhow::{Result, bail};
use std::time::Instant;

fn statements(
    backend: accord_db::sea_orm::DbBackend,
    scope: &accord_db::Scope,
    query: &str,
    arg: &str,
    holders: Option<&[i64]>,
) -> Result<Vec<Statement>> {
    let s = |sql: &str, values: Vec<accord_db::sea_orm::Value>| Statement::from_sql_and_values(backend, sql, values);
    let pg = backend == accord_db::sea_orm::DbBackend::Postgres;
    let p = |n: usize| if pg { format!("${n}") } else { "?".to_owned() };
    Ok(match query {
        "list" | "search" => {
            let filter =
                accord_domain::OrgFilter { q: (query == "search").then(|| arg.to_owned()), ..Default::default() };
            let (count, rows) = accord_db::directory::list_statements(backend, scope, &filter, 1, 50);
            vec![count, rows]
        }
        "page" => {
            let id: i64 = arg.parse().unwrap_or(1);
            vec![
                s(&format!("SELECT * FROM organisations WHERE id = {}", p(1)), vec![id.into()]),
                s(
                    &format!(
                        "SELECT * FROM contacts WHERE organisation_id = {} ORDER BY is_primary DESC, name_norm",
                        p(1)
                    ),
                    vec![id.into()],
                ),
                s(
                    &format!(
                        "SELECT * FROM interactions WHERE organisation_id = {} ORDER BY occurred_on DESC, id DESC LIMIT 20",
                        p(1)
                    ),
                    vec![id.into()],
                ),
                s(&format!("SELECT COUNT(*) FROM interactions WHERE organisation_id = {}", p(1)), vec![id.into()]),
                s(
                    &format!("SELECT * FROM organisations WHERE parent_id = {} ORDER BY name_norm LIMIT 500", p(1)),
                    vec![id.into()],
                ),
            ]
        }
        "agreements" | "agreements-search" => {
            let filter = accord_domain::AgreementFilter {
                q: (query == "agreements-search").then(|| arg.to_owned()),
                today: chrono::Utc::now().date_naive(),
                ..Default::default()
            };
            let (count, rows) = accord_db::agreements::list_statements(backend, scope, &filter, holders, 50)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if holders.is_some() {
                // The search first finds the holders, then their agreements.
                use accord_db::sea_orm::QueryTrait;
                let find = accord_db::agreements::holder_search(backend, scope, arg).build(backend);
                vec![find, count, rows]
            } else {
                vec![count, rows]
            }
        }
        "plan" => {
            // A plan's page and its progress report: the plan, its actions with their leads, the
            // milestones with their owners and progress, and the organisations they name.
            let id: i64 = arg.parse().unwrap_or(1);
            let of_plan = format!("SELECT id FROM plan_actions WHERE plan_id = {}", p(1));
            let of_milestones = format!("SELECT m.id FROM milestones m WHERE m.action_id IN ({of_plan})");
            vec![
                s(&format!("SELECT * FROM plans WHERE id = {}", p(1)), vec![id.into()]),
                s(
                    &format!("SELECT * FROM plan_actions WHERE plan_id = {} ORDER BY position, id", p(1)),
                    vec![id.into()],
                ),
                s(&format!("SELECT * FROM action_leads WHERE action_id IN ({of_plan}) ORDER BY id"), vec![id.into()]),
                s(
                    &format!(
                        "SELECT * FROM milestones WHERE action_id IN ({of_plan}) ORDER BY action_id, position, id"
                    ),
                    vec![id.into()],
                ),
                s(
                    &format!("SELECT * FROM milestone_owners WHERE milestone_id IN ({of_milestones}) ORDER BY id"),
                    vec![id.into()],
                ),
                s(
                    &format!(
                        "SELECT * FROM milestone_updates WHERE milestone_id IN ({of_milestones}) ORDER BY written_on, id"
                    ),
                    vec![id.into()],
                ),
                s(
                    &format!(
                        "SELECT * FROM organisations WHERE id IN (SELECT organisation_id FROM milestone_owners \
                         WHERE milestone_id IN ({of_milestones}))"
                    ),
                    vec![id.into()],
                ),
            ]
        }
        "event" => {
            // A redundancy event's page: the event, its organisations, team and job shops, the
            // stages each of its cases reached, and the first page of its cases with their people.
            let id: i64 = arg.parse().unwrap_or(1);
            let one = |sql: &str| s(&sql.replace("{id}", &p(1)), vec![id.into()]);
            vec![
                one("SELECT * FROM redundancy_events WHERE id = {id}"),
                one("SELECT * FROM event_organisations WHERE event_id = {id} ORDER BY id"),
                one("SELECT * FROM event_team WHERE event_id = {id} ORDER BY id"),
                one("SELECT * FROM job_shops WHERE event_id = {id} ORDER BY held_on DESC, id DESC"),
                one("SELECT w.id, w.event_id, w.assessed_on IS NOT NULL, \
                       EXISTS (SELECT 1 FROM case_activities a WHERE a.case_id = w.id), \
                       EXISTS (SELECT 1 FROM case_trainings t WHERE t.case_id = w.id AND t.status IN ('started', 'completed', 'withdrawn')), \
                       EXISTS (SELECT 1 FROM case_trainings t WHERE t.case_id = w.id AND t.status = 'completed'), \
                       EXISTS (SELECT 1 FROM case_jobs j WHERE j.case_id = w.id), w.status = 'sustained' \
                     FROM worker_cases w WHERE w.event_id = {id} ORDER BY w.id"),
                one("SELECT COUNT(*) FROM worker_cases WHERE event_id = {id}"),
                one("SELECT * FROM worker_cases WHERE event_id = {id} ORDER BY id LIMIT 50"),
                one("SELECT * FROM people WHERE id IN \
                     (SELECT person_id FROM worker_cases WHERE event_id = {id} ORDER BY id LIMIT 50)"),
            ]
        }
        "case" => {
            // A worker's case: the case, its person, its event and all it holds.
            let id: i64 = arg.parse().unwrap_or(1);
            let one = |sql: &str| s(&sql.replace("{id}", &p(1)), vec![id.into()]);
            vec![
                one("SELECT * FROM worker_cases WHERE id = {id}"),
                one("SELECT * FROM people WHERE id = (SELECT person_id FROM worker_cases WHERE id = {id})"),
                one("SELECT * FROM redundancy_events WHERE id = (SELECT event_id FROM worker_cases WHERE id = {id})"),
                one("SELECT * FROM event_team WHERE event_id = (SELECT event_id FROM worker_cases WHERE id = {id})"),
                one("SELECT * FROM case_sessions WHERE case_id = {id} ORDER BY held_on DESC, id DESC"),
                one("SELECT * FROM case_activities WHERE case_id = {id} ORDER BY position, id"),
                one("SELECT * FROM case_trainings WHERE case_id = {id} ORDER BY starts_on, id"),
                one("SELECT * FROM case_jobs WHERE case_id = {id} ORDER BY starts_on, id"),
                one("SELECT * FROM case_checkins WHERE case_id = {id} ORDER BY due_on, id"),
                one("SELECT * FROM case_access WHERE case_id = {id} ORDER BY at, id"),
            ]
        }
        other => {
            bail!("unknown query {other}: use list, search, page, agreements, agreements-search, plan, event or case")
        }
    })
}

/// Runs the statements `iterations` times; the median and 95th percentile in milliseconds.
pub async fn run(app: &App, db: &Db, query: &str, iterations: usize, arg: &str, district: &str) -> Result<(f64, f64)> {
    let d = accord_app::districts::by_code(app, &accord_app::Actor::system(), district)
        .await
        .map_err(|e| anyhow::anyhow!("district {district}: {e}"))?;
    let scope = accord_db::Scope::Districts(vec![d.id]);
    let holders = if query == "agreements-search" {
        accord_db::agreements::holder_ids(&db.conn, &scope, arg).await?
    } else {
        None
    };
    let stmts = statements(db.backend(), &scope, query, arg, holders.as_deref())?;
    let mut times = Vec::with_capacity(iterations);
    for i in 0..iterations + 10 {
        let t = Instant::now();
        for st in &stmts {
            db.conn.query_all_raw(st.clone()).await?;
        }
        if i >= 10 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Ok((at(0.5), at(0.95)))
}

/// The partner activity report's figures for a year in one hand-written statement, the best
/// plain SQL we know for them: the covering agreements of the year first; the holder of each
/// activity (and request) at a covered organisation by a subquery on them; everyone else's
/// records counted by an anti-join; then per type and in all, partner or not, with distinct
/// organisations. The report is held against it.
fn report_statement(backend: accord_db::sea_orm::DbBackend, year: i32) -> Statement {
    let pg = backend == accord_db::sea_orm::DbBackend::Postgres;
    let (from, to) = if pg { ("$1", "$2") } else { ("?1", "?2") };
    // The holder through the indexed tables (PostgreSQL does not index a CTE; SQLite plans
    // both the same).
    let holder = |org: &str, day: &str| {
        format!(
            "(SELECT g.organisation_id FROM agreement_sites s JOIN agreements g ON g.id = s.agreement_id \
             WHERE s.organisation_id = {org} AND g.status <> 'draft' \
             AND g.kind IN ('partnership', 'strengthened', 'service_level') AND g.start_date <= {day} \
             AND (g.end_date IS NULL OR g.end_date >= {day}) AND (g.terminated_on IS NULL OR g.terminated_on >= {day}) \
             ORDER BY g.start_date, g.organisation_id LIMIT 1)"
        )
    };
    let sql = format!(
        "WITH cov AS MATERIALIZED ( \
           SELECT s.organisation_id AS o, g.organisation_id AS h, g.start_date AS f, \
             CASE WHEN g.end_date IS NULL THEN g.terminated_on WHEN g.terminated_on IS NULL THEN g.end_date \
                  WHEN g.end_date < g.terminated_on THEN g.end_date ELSE g.terminated_on END AS l \
           FROM agreement_sites s JOIN agreements g ON g.id = s.agreement_id \
           WHERE g.status <> 'draft' AND g.kind IN ('partnership', 'strengthened', 'service_level') \
             AND g.start_date <= {to} AND (g.end_date IS NULL OR g.end_date >= {from}) \
             AND (g.terminated_on IS NULL OR g.terminated_on >= {from})), \
         p AS MATERIALIZED ( \
           SELECT a.type AS t, a.organisation_id AS o, {} AS h FROM activities a \
             JOIN activity_types y ON y.code = a.type AND y.counts \
             WHERE a.start_date BETWEEN {from} AND {to} AND a.organisation_id IN (SELECT o FROM cov) \
           UNION ALL \
           SELECT 'recruitment_request', r.organisation_id, {} FROM recruitment_requests r \
             WHERE r.received_date BETWEEN {from} AND {to} AND r.organisation_id IN (SELECT o FROM cov)), \
         x AS MATERIALIZED ( \
           SELECT t, o FROM p WHERE h IS NULL \
           UNION ALL \
           SELECT a.type, a.organisation_id FROM activities a JOIN activity_types y ON y.code = a.type AND y.counts \
             WHERE a.start_date BETWEEN {from} AND {to} AND a.organisation_id NOT IN (SELECT o FROM cov) \
           UNION ALL \
           SELECT 'recruitment_request', r.organisation_id FROM recruitment_requests r \
             WHERE r.received_date BETWEEN {from} AND {to} AND r.organisation_id NOT IN (SELECT o FROM cov)) \
         SELECT t, 1 AS p, COUNT(*) AS n, COUNT(DISTINCT h) AS u FROM p WHERE h IS NOT NULL GROUP BY t \
         UNION ALL SELECT '*', 1, COUNT(*), COUNT(DISTINCT h) FROM p WHERE h IS NOT NULL \
         UNION ALL SELECT t, 0, COUNT(*), COUNT(DISTINCT o) FROM x GROUP BY t \
         UNION ALL SELECT '*', 0, COUNT(*), COUNT(DISTINCT o) FROM x",
        holder("a.organisation_id", "a.start_date"),
        holder("r.organisation_id", "r.received_date"),
    );
    let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let to = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    Statement::from_sql_and_values(backend, sql, [from.into(), to.into()])
}

fn percentiles(mut times: Vec<f64>) -> (f64, f64) {
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

/// Times the partner activity report for `year` over every district, as the use case makes it
/// and as the hand-written statement does, after checking that both give the same figures.
/// Returns `(report p50, report p95, SQL p50, SQL p95)` in milliseconds.
pub async fn report(app: &App, db: &Db, year: i32, iterations: usize) -> Result<(f64, f64, f64, f64)> {
    use accord_app::reports as rep;
    let q =
        rep::ReportQuery { year, as_of: None, district: None, unit: accord_domain::ReportUnit::Holder, period: None };
    let system = accord_app::Actor::system();
    let stmt = report_statement(db.backend(), year);
    // The same figures both ways, or the comparison means nothing.
    let r =
        rep::activity_report(app, &system, &q, accord_domain::Lang::En).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut by_sql = std::collections::BTreeMap::new();
    for row in db.conn.query_all_raw(stmt.clone()).await? {
        let t: String = row.try_get("", "t")?;
        let p: i32 = row.try_get("", "p")?;
        let n: i64 = row.try_get("", "n")?;
        let u: i64 = row.try_get("", "u")?;
        if n > 0 {
            by_sql.insert((t, p == 1), (n as u64, u as u64));
        }
    }
    let mut by_report = std::collections::BTreeMap::new();
    for (partner, rows, total) in [(true, &r.rows, &r.total), (false, &r.outside.rows, &r.outside.total)] {
        for row in rows {
            by_report.insert((row.r#type.clone(), partner), (row.activities, row.organisations));
        }
        if total.activities > 0 {
            by_report.insert(("*".to_owned(), partner), (total.activities, total.organisations));
        }
    }
    if by_sql != by_report {
        bail!("the report and the hand-written SQL disagree:\nreport {by_report:?}\nSQL    {by_sql:?}");
    }
    let mut report_times = Vec::with_capacity(iterations);
    let mut sql_times = Vec::with_capacity(iterations);
    for i in 0..iterations + 2 {
        // Timed as a count made afresh, not one kept from the iteration before.
        app.counts.clear();
        let t = Instant::now();
        rep::activity_report(app, &system, &q, accord_domain::Lang::En).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let a = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        db.conn.query_all_raw(stmt.clone()).await?;
        let b = t.elapsed().as_secs_f64() * 1000.0;
        if i >= 2 {
            report_times.push(a);
            sql_times.push(b);
        }
    }
    let (a50, a95) = percentiles(report_times);
    let (b50, b95) = percentiles(sql_times);
    Ok((a50, a95, b50, b95))
}
