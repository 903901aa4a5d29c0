//! `TestApp`: Accord started on 127.0.0.1:0 over a new database, and helpers to drive it as a
//! browser or an API client would.

use accord_app::{Actor, App, AppConfig};
use accord_db::sea_orm::ConnectionTrait;
use accord_db::{Db, DbOptions};
use rand::Rng;
use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use std::sync::Arc;

pub const PASSWORD: &str = "test-password-123";

/// Runs the body once on SQLite and once on PostgreSQL, each with its own fresh database.
#[macro_export]
macro_rules! both {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($app: &$crate::support::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::support::TestApp::sqlite().await;
                    run(&app).await;
                    app.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let app = $crate::support::TestApp::postgres().await;
                    run(&app).await;
                    app.finish().await;
                }
            }
        )*
    };
    // With an SMTP sink on loopback that the server sends its mail to.
    ($(async fn $name:ident($app:ident, $sink:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($app: &$crate::support::TestApp, $sink: &$crate::smtp_sink::Sink) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let sink = $crate::smtp_sink::Sink::start().await;
                    let app = $crate::support::TestApp::sqlite_mailing_to(&sink).await;
                    run(&app, &sink).await;
                    app.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let sink = $crate::smtp_sink::Sink::start().await;
                    let app = $crate::support::TestApp::postgres_mailing_to(&sink).await;
                    run(&app, &sink).await;
                    app.finish().await;
                }
            }
        )*
    };
}

/// The configuration of every test server: a fixed data key, so sealed personal data can be
/// read back.
fn test_config() -> AppConfig {
    AppConfig { data_key: Some(accord_app::sealed::DataKey::from_bytes([42; 32])), ..AppConfig::default() }
}

/// The tests' configuration with mail sent to the sink, links to `url`, and quick retries.
fn mail_config(sink: &crate::smtp_sink::Sink) -> impl FnOnce(&str) -> AppConfig + use<> {
    let smtp = sink.url();
    move |url: &str| AppConfig {
        mail: accord_app::outbox::MailConfig {
            smtp: Some(accord_app::outbox::SmtpUrl::parse(&smtp).unwrap()),
            from: "Jobcentre <partners@jobcentre.test>".into(),
            poll: std::time::Duration::from_millis(100),
            retry_base: std::time::Duration::from_millis(100),
            ..Default::default()
        },
        public_url: url.to_owned(),
        ..test_config()
    }
}

/// A filled database to copy from; see [`TestApp::snapshot`].
pub struct Snapshot {
    backend: Backend,
}

impl Snapshot {
    /// A server over a fresh copy of the snapshot.
    pub async fn start(&self) -> TestApp {
        let (url, backend) = match &self.backend {
            Backend::Sqlite { dir } => Backend::sqlite("accord_test", Some(&dir.join("template.db"))),
            Backend::Postgres { admin_url, name } => Backend::postgres(admin_url, "accord_test", Some(name)).await,
        };
        TestApp::start(url, backend).await
    }

    pub async fn remove(self) {
        self.backend.remove().await;
    }
}

pub enum Backend {
    Sqlite { dir: std::path::PathBuf },
    Postgres { admin_url: String, name: String },
}

/// The PostgreSQL server the tests make their databases on.
fn admin_url() -> String {
    std::env::var("ACCORD_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl Backend {
    /// A new SQLite database in a folder of its own: empty, or a copy of `template`.
    fn sqlite(prefix: &str, template: Option<&std::path::Path>) -> (String, Backend) {
        let dir = std::env::temp_dir().join(unique(prefix));
        std::fs::create_dir_all(&dir).unwrap();
        if let Some(t) = template {
            std::fs::copy(t, dir.join("accord.db")).unwrap();
        }
        (format!("sqlite://{}/accord.db?mode=rwc", dir.display()), Backend::Sqlite { dir })
    }

    /// A new PostgreSQL database on `admin_url`'s server: empty, or a copy of `template`.
    async fn postgres(admin_url: &str, prefix: &str, template: Option<&str>) -> (String, Backend) {
        let admin = Db::connect(admin_url, &DbOptions { max_connections: 1 })
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL is needed for this test and did not answer at {admin_url}: {e}"));
        let name = unique(prefix);
        let from = template.map(|t| format!(" TEMPLATE {t}")).unwrap_or_default();
        admin.conn.execute_unprepared(&format!("CREATE DATABASE {name}{from}")).await.unwrap();
        admin.conn.close_by_ref().await.ok();
        let mut url = url::Url::parse(admin_url).unwrap();
        url.set_path(&format!("/{name}"));
        (url.to_string(), Backend::Postgres { admin_url: admin_url.to_owned(), name })
    }

    pub async fn remove(&self) {
        match self {
            Backend::Sqlite { dir } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Backend::Postgres { admin_url, name } => {
                if let Ok(admin) = Db::connect(admin_url, &DbOptions { max_connections: 1 }).await {
                    let _ =
                        admin.conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                }
            }
        }
    }
}

/// A new, empty database on SQLite or on the tests' PostgreSQL server, and its URL: for tests
/// that run `accord` processes over it without a test server of their own.
pub async fn empty_database(postgres: bool) -> (String, Backend) {
    if postgres {
        Backend::postgres(&admin_url(), "accord_test", None).await
    } else {
        Backend::sqlite("accord_test", None)
    }
}

pub struct TestApp {
    pub url: String,
    pub app: Arc<App>,
    /// The database under the app, for tests that check raw storage or move time.
    pub db: Db,
    pub database_url: String,
    backend: Backend,
    server: tokio::task::JoinHandle<()>,
}

fn unique(prefix: &str) -> String {
    let n: u64 = rand::rng().random();
    format!("{prefix}_{}_{n:x}", std::process::id())
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        let (url, backend) = Backend::sqlite("accord_test", None);
        Self::start(url, backend).await
    }

    pub async fn postgres() -> TestApp {
        let (url, backend) = Backend::postgres(&admin_url(), "accord_test", None).await;
        Self::start(url, backend).await
    }

    /// A server whose mail goes to the sink, retried after a tenth of a second.
    pub async fn sqlite_mailing_to(sink: &crate::smtp_sink::Sink) -> TestApp {
        let (url, backend) = Backend::sqlite("accord_test", None);
        Self::start_with(url, backend, mail_config(sink)).await
    }

    pub async fn postgres_mailing_to(sink: &crate::smtp_sink::Sink) -> TestApp {
        let (url, backend) = Backend::postgres(&admin_url(), "accord_test", None).await;
        Self::start_with(url, backend, mail_config(sink)).await
    }

    /// A new database filled by `fill` once, from which each `Snapshot::start` makes a fresh
    /// copy (a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL): for tests
    /// that need the same large fixture many times over.
    pub async fn snapshot<F>(postgres: bool, fill: F) -> Snapshot
    where
        F: AsyncFnOnce(&App, &Db),
    {
        let (url, backend) = if postgres {
            Backend::postgres(&admin_url(), "accord_tmpl", None).await
        } else {
            Backend::sqlite("accord_tmpl", None)
        };
        let db = Db::connect(&url, &DbOptions { max_connections: 4 }).await.expect("connect");
        db.migrate().await.expect("migrate");
        let app = App::new(db.clone(), test_config());
        fill(&app, &db).await;
        if let Backend::Sqlite { dir } = &backend {
            let file = dir.join("template.db");
            db.conn.execute_unprepared(&format!("VACUUM INTO '{}'", file.display())).await.unwrap();
        }
        db.conn.close_by_ref().await.ok();
        Snapshot { backend }
    }

    pub async fn start(database_url: String, backend: Backend) -> TestApp {
        Self::start_with(database_url, backend, |_| test_config()).await
    }

    /// A server whose settings `config` makes, given the server's own address.
    pub async fn start_with(database_url: String, backend: Backend, config: impl FnOnce(&str) -> AppConfig) -> TestApp {
        let db = Db::connect(&database_url, &DbOptions { max_connections: 8 }).await.expect("connect");
        db.migrate().await.expect("migrate");
        // Migrating again changes nothing.
        db.migrate().await.expect("migrate twice");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = App::new(db.clone(), config(&url));
        let state = accord_web::AppState::new(app, accord_web::WebConfig::default());
        let app = Arc::clone(&state.app);
        let server = tokio::spawn(async move {
            accord_web::serve(state, listener).await.unwrap();
        });
        TestApp { url, app, db, database_url, backend, server }
    }

    pub async fn finish(self) {
        self.server.abort();
        let _ = self.server.await;
        self.db.conn.close_by_ref().await.ok();
        self.backend.remove().await;
    }

    /// Two districts, `north` and `south`, and users: an admin, one user per other role in
    /// north, and an account manager in south.
    pub async fn seed(&self) {
        let system = Actor::system();
        accord_app::districts::create(&self.app, &system, "north", "North District").await.unwrap();
        accord_app::districts::create(&self.app, &system, "south", "South District").await.unwrap();
        for (email, role, district) in [
            ("admin@test.example", "admin", None),
            ("manager@test.example", "manager", Some("north")),
            ("secretariat@test.example", "secretariat", Some("north")),
            ("am@test.example", "account_manager", Some("north")),
            ("adviser@test.example", "adviser", Some("north")),
            ("partner@test.example", "partner", Some("north")),
            ("committee@test.example", "committee", Some("north")),
            ("south@test.example", "account_manager", Some("south")),
        ] {
            self.add_user(email, role, district).await;
        }
    }

    pub async fn add_user(&self, email: &str, role: &str, district: Option<&str>) -> i64 {
        accord_app::users::create(
            &self.app,
            &Actor::system(),
            &accord_app::users::UserInput {
                email: email.into(),
                name: format!("Name of {email}"),
                roles: vec![role.into()],
                districts: district.map(|d| vec![d.to_owned()]).unwrap_or_default(),
                password: Some(PASSWORD.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id
    }

    pub async fn user_id(&self, email: &str) -> i64 {
        accord_app::users::find_by_email(&self.app, email).await.unwrap().unwrap().id
    }

    /// The actor of a user, as a request of theirs would have it.
    pub async fn actor(&self, email: &str) -> Actor {
        let id = self.user_id(email).await;
        accord_app::auth::actor_of_user(&self.app, id, None).await.unwrap()
    }

    pub async fn district_id(&self, code: &str) -> i64 {
        accord_app::districts::by_code(&self.app, &Actor::system(), code).await.unwrap().id
    }

    /// An API token for the user.
    pub async fn token(&self, email: &str) -> String {
        let id = self.user_id(email).await;
        accord_app::auth::create_token(&self.app, &Actor::system(), id, "test").await.unwrap().0
    }

    /// A browser: keeps cookies, does not follow redirects.
    pub fn browser(&self) -> Browser {
        browser_at(&self.url)
    }

    /// A browser signed in as `email`.
    pub async fn signed_in(&self, email: &str) -> Browser {
        signed_in_at(&self.url, email, PASSWORD).await
    }

    pub fn api(&self, token: &str) -> Api {
        api_at(&self.url, token)
    }

    /// Runs SQL directly (for tests that move time or check raw storage).
    pub async fn sql(&self, sql: &str) -> Result<(), accord_db::DbErr> {
        self.db.conn.execute_unprepared(sql).await.map(|_| ())
    }
}

/// A browser for the server at `url`: keeps cookies, does not follow redirects.
pub fn browser_at(url: &str) -> Browser {
    Browser {
        base: url.to_owned(),
        client: Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap(),
        csrf: std::sync::Mutex::new(String::new()),
    }
}

/// A browser signed in as `email` with `password` at the server at `url`.
pub async fn signed_in_at(url: &str, email: &str, password: &str) -> Browser {
    let b = browser_at(url);
    let res = b.sign_in(email, password).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign-in of {email} at {url} failed");
    b.get("/").await;
    b
}

/// An API client of the server at `url`, with this bearer token.
pub fn api_at(url: &str, token: &str) -> Api {
    Api { base: format!("{url}/api/v1"), token: token.to_owned(), client: Client::new() }
}

/// The first column of the first row `sql` gives, as a number (`None` for no row or NULL).
pub async fn scalar(c: &impl ConnectionTrait, sql: &str) -> Option<i64> {
    let row = c.query_one_raw(accord_db::sea_orm::Statement::from_string(c.get_database_backend(), sql.to_owned()));
    row.await.unwrap().and_then(|r| r.try_get_by_index(0).ok())
}

/// The hex form of the tests' data key, for `accord` processes started by a test.
pub const DATA_KEY_HEX: &str = "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a";

/// `accord serve` as its own process on a test's database, its log in a file.
pub struct Node {
    pub url: String,
    pub log: std::path::PathBuf,
    child: std::process::Child,
}

impl Node {
    /// Starts a node and waits until it answers `/healthz`.
    pub async fn start(database_url: &str, rust_log: &str, env: &[(&str, &str)]) -> Node {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = std::env::temp_dir().join(unique("accord_node")).with_extension("log");
        let file = std::fs::File::create(&log).unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_accord"));
        cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("ACCORD_DATABASE_URL", database_url)
            .env("ACCORD_DATA_KEY", DATA_KEY_HEX)
            .env("RUST_LOG", rust_log)
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let node = Node { url: format!("http://127.0.0.1:{port}"), log, child };
        node.wait_healthy().await;
        node
    }

    async fn wait_healthy(&self) {
        let client = Client::new();
        for _ in 0..300 {
            if let Ok(r) = client.get(format!("{}/healthz", self.url)).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the node at {} did not start: {}", self.url, self.log_text());
    }

    /// The node's resident memory now, in kilobytes.
    pub fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no shutdown, no flush.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(&self.log);
    }
}

pub struct Browser {
    pub base: String,
    pub client: Client,
    /// The CSRF token of the last page that had a form.
    pub csrf: std::sync::Mutex<String>,
}

/// The value of the first hidden `_csrf` field in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

pub struct Page {
    pub status: StatusCode,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Browser {
    pub async fn get(&self, path: &str) -> Page {
        let res = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        self.page(res).await
    }

    async fn page(&self, res: Response) -> Page {
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        if let Some(t) = csrf_in(&body) {
            *self.csrf.lock().unwrap() = t;
        }
        Page { status, body, headers }
    }

    pub fn token(&self) -> String {
        self.csrf.lock().unwrap().clone()
    }

    /// Posts a form with the CSRF token of the last page seen.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = vec![("_csrf", self.token())];
        all.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        self.post_raw(path, &all, None).await
    }

    pub async fn post_raw(&self, path: &str, fields: &[(&str, String)], origin: Option<&str>) -> Page {
        let mut req = self.client.post(format!("{}{path}", self.base)).form(fields);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let res = req.send().await.unwrap();
        self.page(res).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.get("/login").await;
        let fields = [("_csrf", self.token()), ("email", email.to_owned()), ("password", password.to_owned())];
        self.client.post(format!("{}/login", self.base)).form(&fields).send().await.unwrap()
    }

    /// The session cookie's value, if any.
    pub fn session_cookie(res: &Response) -> Option<String> {
        res.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("accord_session=").map(|rest| rest.split(';').next().unwrap_or("").to_owned()))
    }
}

pub struct Api {
    pub base: String,
    pub token: String,
    pub client: Client,
}

impl Api {
    pub async fn get(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let res = self.client.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.unwrap();
        Self::json(res).await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        let res = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        Self::json(res).await
    }

    async fn json(res: Response) -> (StatusCode, serde_json::Value) {
        let status = res.status();
        let text = res.text().await.unwrap();
        let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
        (status, v)
    }
}
