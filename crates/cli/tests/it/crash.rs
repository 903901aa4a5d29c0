//! Crash safety: writers post through the API and note every write the server acknowledged;
//! the server is killed with SIGKILL at random moments (and, on PostgreSQL, the database
//! server itself is stopped with `-m immediate`), started again, and every acknowledged write
//! must be there with its audit row, and the database must pass its integrity check.
//!
//! CI runs 20 kills per backend; `ACCORD_CRASH_KILLS=200` is the nightly size. PostgreSQL
//! runs in a private cluster made for the test, so that stopping it hurts no other test.

use crate::support::{Node, scalar};
use accord_app::{Actor, App, AppConfig};
use accord_db::sea_orm::{ConnectionTrait, Statement};
use accord_db::{Db, DbOptions};
use rand::Rng;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn kills() -> usize {
    std::env::var("ACCORD_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(20)
}

/// A PostgreSQL cluster of the test's own, on its own port, stopped and removed on drop.
struct PrivatePg {
    dir: std::path::PathBuf,
    port: u16,
    bin: std::path::PathBuf,
}

/// Runs a PostgreSQL program as the `postgres` user when the test runs as root (the server
/// refuses root), else as the test's user.
fn pg_command(bin: &std::path::Path, program: &str) -> Command {
    let exe = bin.join(program);
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(exe);
        c
    } else {
        Command::new(exe)
    }
}

impl PrivatePg {
    fn new() -> PrivatePg {
        let base = std::path::Path::new("/usr/lib/postgresql");
        let version = std::fs::read_dir(base)
            .unwrap_or_else(|e| panic!("PostgreSQL's programs are needed for this test ({}: {e})", base.display()))
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.join("bin/initdb").exists())
            .max()
            .expect("initdb is needed for this test");
        let bin = version.join("bin");
        let dir =
            std::env::temp_dir().join(format!("accord_pg_{}_{:x}", std::process::id(), rand::rng().random::<u32>()));
        std::fs::create_dir_all(&dir).unwrap();
        let _ = Command::new("chown").args(["postgres:postgres", dir.to_str().unwrap()]).status();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let data = dir.join("data");
        let out = pg_command(&bin, "initdb")
            .args(["-D", data.to_str().unwrap(), "-U", "postgres", "-A", "trust", "--no-sync"])
            .output()
            .unwrap();
        assert!(out.status.success(), "initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        let pg = PrivatePg { dir, port, bin };
        pg.start();
        pg
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        let out = pg_command(&self.bin, "pg_ctl")
            .args(["-D", &self.data(), "-o", &opts, "-l", &log, "-w", "start"])
            .output()
            .unwrap();
        assert!(out.status.success(), "PostgreSQL did not start: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Stops the server as a power cut would: no checkpoint, recovery from the WAL at start.
    fn crash(&self) {
        let out = pg_command(&self.bin, "pg_ctl")
            .args(["-D", &self.data(), "-m", "immediate", "-w", "stop"])
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl stop -m immediate failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Heap and index checks of the whole database (`pg_amcheck`).
    fn amcheck(&self) {
        let out = pg_command(&self.bin, "pg_amcheck")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "--install-missing",
                "--heapallindexed",
                "postgres",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg_amcheck found damage: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let _ = pg_command(&self.bin, "pg_ctl").args(["-D", &self.data(), "-m", "immediate", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A district, an account manager and their API token.
async fn setup(url: &str) -> String {
    let db = Db::connect(url, &DbOptions { max_connections: 2 }).await.unwrap();
    db.migrate().await.unwrap();
    let app = App::new(db.clone(), AppConfig::default());
    let system = Actor::system();
    accord_app::districts::create(&app, &system, "north", "North").await.unwrap();
    let u = accord_app::users::create(
        &app,
        &system,
        &accord_app::users::UserInput {
            email: "am@test.example".into(),
            name: "Writer".into(),
            roles: vec!["account_manager".into()],
            districts: vec!["north".into()],
            password: Some(crate::support::PASSWORD.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let token = accord_app::auth::create_token(&app, &system, u.id, "crash").await.unwrap().0;
    db.conn.close_by_ref().await.ok();
    token
}

/// Four writers creating organisations until the server stops answering (or `stop` is set);
/// every id the server acknowledged with 201 goes into `acked`.
pub(crate) async fn write_until_refused(
    url: &str,
    token: &str,
    acked: Arc<Mutex<Vec<i64>>>,
    round: usize,
    stop: Arc<std::sync::atomic::AtomicBool>,
) {
    let mut tasks = Vec::new();
    for w in 0..4 {
        let (url, token, acked, stop) = (url.to_owned(), token.to_owned(), Arc::clone(&acked), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
            for n in 0.. {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                let tag: u64 = rand::rng().random();
                let body = serde_json::json!({"name": format!("Crash {round} {w} {n} {tag:x}")});
                let Ok(res) =
                    client.post(format!("{url}/api/v1/organisations")).bearer_auth(&token).json(&body).send().await
                else {
                    return;
                };
                let status = res.status();
                let Ok(v) = res.json::<serde_json::Value>().await else { return };
                if status == reqwest::StatusCode::CREATED {
                    acked.lock().unwrap().push(v["id"].as_i64().unwrap());
                } else if status.is_server_error() {
                    // The database went away under the server: not acknowledged.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                } else {
                    panic!("unexpected answer {status}: {v}");
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

/// Every acknowledged organisation and its audit row are in the database.
pub(crate) async fn check(url: &str, acked: &[i64]) {
    let db = Db::connect(url, &DbOptions { max_connections: 1 }).await.unwrap();
    let c = &db.conn;
    let backend = c.get_database_backend();
    let count = async |sql: String| scalar(c, &sql).await.unwrap();
    for chunk in acked.chunks(500) {
        let ids = chunk.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        let found = count(format!("SELECT count(*) FROM organisations WHERE id IN ({ids})")).await;
        assert_eq!(found, chunk.len() as i64, "acknowledged organisations are missing");
        let quoted = chunk.iter().map(|i| format!("'{i}'")).collect::<Vec<_>>().join(",");
        let audited = count(format!(
            "SELECT count(DISTINCT entity_id) FROM audit_log WHERE entity = 'organisation' AND action = 'create' AND entity_id IN ({quoted})"
        ))
        .await;
        assert_eq!(audited, chunk.len() as i64, "acknowledged organisations lack their audit row");
    }
    if db.is_sqlite() {
        for pragma in ["PRAGMA integrity_check", "PRAGMA foreign_key_check"] {
            let rows = c.query_all_raw(Statement::from_string(backend, pragma)).await.unwrap();
            let text: Vec<String> = rows.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect();
            match pragma {
                "PRAGMA integrity_check" => assert_eq!(text, vec!["ok".to_owned()], "{pragma}"),
                _ => assert!(rows.is_empty(), "{pragma}: {} rows", rows.len()),
            }
        }
    }
    c.close_by_ref().await.ok();
}

async fn crash_cycles(url: &str, pg: Option<&PrivatePg>) {
    let token = setup(url).await;
    let acked = Arc::new(Mutex::new(Vec::new()));
    for round in 0..kills() {
        let mut node = Node::start(url, "warn", &[]).await;
        let writers = tokio::spawn({
            let (u, t, a) = (node.url.clone(), token.clone(), Arc::clone(&acked));
            async move { write_until_refused(&u, &t, a, round, Default::default()).await }
        });
        let wait = rand::rng().random_range(30..400);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        // Every third round on PostgreSQL, the database server dies instead, then the node.
        match pg {
            Some(pg) if round % 3 == 2 => {
                pg.crash();
                node.kill();
                pg.start();
            }
            _ => node.kill(),
        }
        writers.await.unwrap();
        let so_far = acked.lock().unwrap().clone();
        check(url, &so_far).await;
    }
    let total = acked.lock().unwrap().len();
    eprintln!("{} kills, {total} acknowledged writes, all found after restart", kills());
    assert!(total >= kills(), "too few writes were acknowledged to prove anything: {total}");
    if let Some(pg) = pg {
        pg.amcheck();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kills_on_sqlite() {
    let dir =
        std::env::temp_dir().join(format!("accord_crash_{}_{:x}", std::process::id(), rand::rng().random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/accord.db?mode=rwc", dir.display());
    crash_cycles(&url, None).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kills_on_postgres() {
    let pg = PrivatePg::new();
    crash_cycles(&pg.url(), Some(&pg)).await;
}
