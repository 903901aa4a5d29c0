//! Accord as separate `accord serve` processes on one database, as it is deployed: two nodes
//! share sessions and split the background jobs so that each due run happens once; and what a
//! node logs, even at the most verbose level, holds no secret and no national ID number.

use crate::both;
use crate::redundancy::{employer, event};
use crate::support::{Browser, DATA_KEY_HEX, Node, PASSWORD, TestApp, api_at, browser_at, signed_in_at};
use accord_db::entities::{job, job_run};
use accord_db::sea_orm::sea_query::Expr;
use accord_db::sea_orm::{EntityTrait, PaginatorTrait};
use chrono::Utc;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;

/// Makes every job due now.
async fn make_due(app: &TestApp) {
    job::Entity::update_many()
        .col_expr(job::Column::NextRunAt, Expr::value(Utc::now() - chrono::Duration::seconds(1)))
        .exec(&app.db.conn)
        .await
        .unwrap();
}

async fn runs(app: &TestApp) -> u64 {
    job_run::Entity::find().count(&app.db.conn).await.unwrap()
}

/// Waits until no job is being run: the test server's own poller runs the due jobs when it
/// starts, and a run of it that straddled a round's first count would be counted in the round.
async fn until_idle(app: &TestApp) {
    for _ in 0..200 {
        let now = Utc::now();
        let jobs = job::Entity::find().all(&app.db.conn).await.unwrap();
        if jobs.iter().all(|j| j.locked_by.is_none() || j.locked_until.is_some_and(|t| t < now)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("a job stayed locked for 5 seconds");
}

both! {
    async fn each_due_job_runs_once_however_many_nodes_ask(app) {
        // The test server's own poller ran the jobs at start; make them due and let eight
        // nodes race for them.
        accord_app::jobs::run_due(&app.app, "warm-up").await.unwrap();
        for round in 0..3 {
            until_idle(app).await;
            make_due(app).await;
            let before = runs(app).await;
            let mut tasks = Vec::new();
            for n in 0..8 {
                let a = std::sync::Arc::clone(&app.app);
                tasks.push(tokio::spawn(async move { accord_app::jobs::run_due(&a, &format!("node-{n}")).await.unwrap() }));
            }
            let mut ran = Vec::new();
            for t in tasks {
                ran.extend(t.await.unwrap());
            }
            assert_eq!(runs(app).await - before, accord_app::jobs::JOBS.len() as u64, "round {round}: {ran:?}");
            assert!(ran.iter().all(|r| r.ok), "{ran:?}");
            // Nothing is due any more.
            assert!(accord_app::jobs::run_due(&app.app, "late").await.unwrap().is_empty());
        }
    }

    async fn no_secret_reaches_the_log(app) {
        app.seed().await;
        employer(app).await;
        let adviser = app.user_id("adviser@test.example").await;
        let ev = event(app, "Closure", json!([adviser])).await;
        let token = app.token("adviser@test.example").await;
        // The most verbose logging an operator can ask for: every SQL statement, every request.
        let node = Node::start(&app.database_url, "trace", &[]).await;
        let wrong = "Wrong-Secret-Pw-9876";
        let b = browser_at(&node.url);
        assert_ne!(b.sign_in("am@test.example", wrong).await.status(), StatusCode::SEE_OTHER);
        let res = b.sign_in("am@test.example", PASSWORD).await;
        let cookie = Browser::session_cookie(&res).expect("a session cookie");
        b.get("/organisations?q=secret").await;
        let csrf = b.token();
        let api = api_at(&node.url, &token);
        let (s, me) = api.get("/me").await;
        assert_eq!(s, StatusCode::OK, "{me}");
        let cases = format!("/redundancy/events/{}/cases", ev["id"]);
        let (s, v) = api.send(Method::POST, &cases, json!({"name": "Jane Smith", "national_id": "010190-1234"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = api.send(Method::POST, &cases, json!({"name": "John Smith", "national_id": "AB123456C"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, _) = api.get(&format!("/redundancy/cases/{}?purpose=guidance&reveal=true", v["id"])).await;
        assert_eq!(s, StatusCode::OK);
        // A token that is not one, and a session cookie that is not one.
        let forged = "acc_forgedtokenforgedtokenforged";
        let _ = reqwest::Client::new().get(format!("{}/api/v1/me", node.url)).bearer_auth(forged).send().await.unwrap();
        let _ = reqwest::Client::new()
            .get(format!("{}/", node.url))
            .header("cookie", "accord_session=forgedcookieforgedcookieforged")
            .send()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let log = node.log_text();
        for seen in ["route=/login", "status=422", "route=/api/v1/redundancy/events/{id}/cases", "status=401"] {
            assert!(log.contains(seen), "the log was captured and holds {seen}: {log}");
        }
        assert!(!log.contains('\u{1b}'), "no terminal colours in a log file");
        for (what, secret) in [
            ("the password", PASSWORD),
            ("a wrong password", wrong),
            ("the session cookie", cookie.as_str()),
            ("the CSRF token", csrf.as_str()),
            ("the API token", token.as_str()),
            ("a forged API token", forged),
            ("a forged session cookie", "forgedcookieforgedcookieforged"),
            ("a CPR number", "010190-1234"),
            ("a CPR number without its hyphen", "0101901234"),
            ("a National Insurance number", "AB123456C"),
            ("the data key", DATA_KEY_HEX),
            ("a worker's name", "Jane Smith"),
        ] {
            assert!(!log.contains(secret), "{what} is in the log");
        }
    }
}

/// Two nodes on one PostgreSQL database, nothing in front of them but their two ports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_sessions_and_split_the_jobs() {
    let app = TestApp::postgres().await;
    app.seed().await;
    let env = [("ACCORD_JOB_POLL_SECONDS", "1")];
    let a = Node::start(&app.database_url, "warn", &env).await;
    let b = Node::start(&app.database_url, "warn", &env).await;

    // A session made on one node works on the other; a form shown by one is taken by the other.
    let on_a = signed_in_at(&a.url, "am@test.example", PASSWORD).await;
    let page = on_a.get("/organisations/new").await;
    assert_eq!(page.status, StatusCode::OK);
    let on_b = Browser { base: b.url.clone(), client: on_a.client.clone(), csrf: std::sync::Mutex::new(on_a.token()) };
    assert_eq!(on_b.get("/").await.status, StatusCode::OK, "the session made on A is not known on B");
    let created = on_b.post("/organisations", &[("name", "Made on B"), ("postcode", "4200")]).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let location = created.headers["location"].to_str().unwrap().to_owned();
    assert!(on_a.get(&location).await.body.contains("Made on B"));
    // Signing out on B ends the session on A.
    assert_eq!(on_b.post("/logout", &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(on_a.get("/").await.status, StatusCode::SEE_OTHER, "the session outlived sign-out on the other node");

    // Each due job runs once, on one of the nodes.
    let jobs = accord_app::jobs::JOBS.len() as u64;
    let settle = async |want: u64| {
        for _ in 0..150 {
            if runs(&app).await >= want {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Give the other node time to make a second, wrong, run.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        runs(&app).await
    };
    let start = settle(jobs).await;
    for round in 1..=3 {
        make_due(&app).await;
        assert_eq!(
            settle(start + jobs * round).await,
            start + jobs * round,
            "round {round}: a job ran twice or not at all"
        );
    }
    drop((a, b));
    app.finish().await;
}

/// Behind a TLS-terminating proxy (`--tls-proxy`): HSTS on every answer, and cookies that are
/// `Secure`, `HttpOnly` and bound to the host by their `__Host-` prefix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent() {
    let app = TestApp::sqlite().await;
    app.seed().await;
    let node = Node::start(&app.database_url, "warn", &[("ACCORD_TLS_PROXY", "true")]).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for path in ["/login", "/", "/api/v1/me", "/static/accord.css"] {
        let res = client.get(format!("{}{path}", node.url)).send().await.unwrap();
        let hsts = res.headers().get("strict-transport-security").and_then(|h| h.to_str().ok()).unwrap_or("");
        assert!(hsts.contains("max-age=31536000"), "{path}: HSTS is {hsts:?}");
    }
    let res = client.get(format!("{}/login", node.url)).send().await.unwrap();
    let cookies: Vec<String> =
        res.headers().get_all("set-cookie").iter().map(|c| c.to_str().unwrap().to_owned()).collect();
    assert!(!cookies.is_empty());
    for c in &cookies {
        assert!(c.starts_with("__Host-") && c.contains("; Secure") && c.contains("Path=/"), "{c}");
    }
    assert!(cookies.iter().any(|c| c.starts_with("__Host-accord_csrf=") && c.contains("HttpOnly")), "{cookies:?}");
    drop(node);
    app.finish().await;
}
