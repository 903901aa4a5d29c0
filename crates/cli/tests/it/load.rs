//! Load: 200 concurrent connections against one `accord serve` process for
//! `ACCORD_LOAD_SECONDS` (10 in CI, 60 for the full run), each looping over a mix of pages,
//! searches, API reads and API writes as signed-in staff. Every answer must be the expected
//! one — no error, no "database is locked" — and the server's memory must not grow once warm.
//! The release-build figures for the same mix are in docs/benchmarks.md (`scripts/bench-load`).

use crate::both;
use crate::support::{Browser, Node, PASSWORD, browser_at};
use reqwest::StatusCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 200;

fn seconds() -> u64 {
    std::env::var("ACCORD_LOAD_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10)
}

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    errors: AtomicU64,
}

/// One connection's loop: the mix, in turn, until `until`.
async fn connection(
    base: String,
    cookie: String,
    token: String,
    n: usize,
    until: Instant,
    tally: Arc<Tally>,
) -> Vec<String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let mut problems = Vec::new();
    let mut i = n;
    while Instant::now() < until {
        i += 1;
        let (what, req) = match i % 6 {
            0 => ("home", client.get(format!("{base}/"))),
            1 => ("list", client.get(format!("{base}/organisations"))),
            2 => ("search", client.get(format!("{base}/organisations?q=load"))),
            3 => ("api list", client.get(format!("{base}/api/v1/organisations?per_page=20")).bearer_auth(&token)),
            4 => ("api me", client.get(format!("{base}/api/v1/me")).bearer_auth(&token)),
            _ => (
                "api create",
                client
                    .post(format!("{base}/api/v1/organisations"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"name": format!("Load {n} {i} {:x}", rand::random::<u32>())})),
            ),
        };
        let req = if what.starts_with("api") { req } else { req.header("cookie", format!("accord_session={cookie}")) };
        match req.timeout(Duration::from_secs(30)).send().await {
            Ok(res) => {
                let s = res.status();
                let body = res.bytes().await;
                let want = if what == "api create" { StatusCode::CREATED } else { StatusCode::OK };
                if s == want && body.is_ok() {
                    tally.ok.fetch_add(1, Ordering::Relaxed);
                } else {
                    tally.errors.fetch_add(1, Ordering::Relaxed);
                    let text = body
                        .map(|b| String::from_utf8_lossy(&b).chars().take(200).collect::<String>())
                        .unwrap_or_default();
                    problems.push(format!("{what}: {s} {text}"));
                }
            }
            Err(e) => {
                tally.errors.fetch_add(1, Ordering::Relaxed);
                problems.push(format!("{what}: {e}"));
            }
        }
    }
    problems
}

async fn drive(node: &Node, cookie: &str, token: &str, secs: u64) -> (u64, Vec<String>) {
    let tally = Arc::new(Tally::default());
    let until = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for n in 0..CONNECTIONS {
        tasks.push(tokio::spawn(connection(
            node.url.clone(),
            cookie.to_owned(),
            token.to_owned(),
            n,
            until,
            Arc::clone(&tally),
        )));
    }
    let mut problems = Vec::new();
    for t in tasks {
        problems.extend(t.await.unwrap());
    }
    (tally.ok.load(Ordering::Relaxed), problems)
}

both! {
    async fn two_hundred_connections_without_an_error_or_growth(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        let node = Node::start(&app.database_url, "warn", &[]).await;
        let b: Browser = browser_at(&node.url);
        let res = b.sign_in("am@test.example", PASSWORD).await;
        let cookie = Browser::session_cookie(&res).unwrap();

        let (warm, problems) = drive(&node, &cookie, &token, 3).await;
        assert!(problems.is_empty(), "{} errors while warming up, e.g. {:?}", problems.len(), &problems[..problems.len().min(5)]);
        let warm_rss = node.rss_kb();
        let secs = seconds();
        let started = Instant::now();
        let (ok, problems) = drive(&node, &cookie, &token, secs).await;
        let took = started.elapsed().as_secs_f64();
        let after_rss = node.rss_kb();
        eprintln!(
            "{CONNECTIONS} connections for {secs} s: {ok} answers ({:.0}/s), 0 errors expected, {} found; memory {} MB warm, {} MB after ({warm} warm-up answers)",
            ok as f64 / took,
            problems.len(),
            warm_rss / 1024,
            after_rss / 1024
        );
        assert!(problems.is_empty(), "{} errors under load, e.g. {:?}", problems.len(), &problems[..problems.len().min(5)]);
        assert!(ok > CONNECTIONS as u64 * secs / 4, "the server answered only {ok} requests");
        // The caches and pools are full after the warm-up: what is left is the writes' own
        // growth of the database pages the server holds, a few megabytes.
        assert!(after_rss < warm_rss + warm_rss / 4 + 16 * 1024, "memory grew from {warm_rss} kB to {after_rss} kB");
        let (s, me) = app.api(&token).get("/me").await;
        assert_eq!(s, StatusCode::OK, "{me}");
    }
}
