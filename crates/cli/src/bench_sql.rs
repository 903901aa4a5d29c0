//! The benchmarks' floor: the SQL a page runs, sent straight to the database through the same
//! driver, without routing, permission checks, views or templates.

use accord_app::App;
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
            let filter = accord_db::directory::OrgFilter {
                q: (query == "search").then(|| arg.to_owned()),
                ..Default::default()
            };
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
            let filter = accord_db::agreements::AgreementFilter {
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
        other => bail!("unknown query {other}: use list, search, page, agreements or agreements-search"),
    })
}

/// Runs the statements `iterations` times; the median and 95th percentile in milliseconds.
pub async fn run(app: &App, query: &str, iterations: usize, arg: &str, district: &str) -> Result<(f64, f64)> {
    let d = accord_app::districts::by_code(app, &accord_app::Actor::system(), district)
        .await
        .map_err(|e| anyhow::anyhow!("district {district}: {e}"))?;
    let scope = accord_db::Scope::Districts(vec![d.id]);
    let holders = if query == "agreements-search" {
        accord_db::agreements::holder_ids(&app.db.conn, &scope, arg).await?
    } else {
        None
    };
    let stmts = statements(app.db.backend(), &scope, query, arg, holders.as_deref())?;
    let mut times = Vec::with_capacity(iterations);
    for i in 0..iterations + 10 {
        let t = Instant::now();
        for st in &stmts {
            app.db.conn.query_all_raw(st.clone()).await?;
        }
        if i >= 10 {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Ok((at(0.5), at(0.95)))
}
