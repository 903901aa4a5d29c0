//! The access matrix: every route of the router × every role, each outcome checked against the
//! table in `access_matrix.md`. The same walk proves that every form refuses a missing or wrong
//! CSRF token and a foreign `Origin`, that the API never takes a session cookie in place of a
//! token, that every response carries the security headers, and that no page read writes.
//!
//! The routes come from the router's own source (`views/mod.rs`, `lib.rs`) and from the
//! OpenAPI document, so a new route without a row in the table fails the test. Each role walks
//! its own copy of the demo data set, so one role's writes cannot change another's outcomes.
//! `ACCORD_UPDATE_SNAPSHOTS=1` rewrites the table; review the diff before committing it.

use crate::support::{Browser, Snapshot, TestApp, scalar, signed_in_at};
use accord_db::sea_orm::{ConnectionTrait, FromQueryResult, JsonValue, Statement};
use reqwest::{Method, StatusCode};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The columns of the table: who walks the routes.
const ROLES: [(&str, Option<&str>); 9] = [
    ("anonymous", None),
    ("admin", Some("admin@accord.example")),
    ("manager", Some("manager@accord.example")),
    ("secretariat", Some("secretariat@accord.example")),
    ("account_manager", Some("account.manager@accord.example")),
    ("adviser", Some("adviser@accord.example")),
    ("partner", Some("partner@accord.example")),
    ("committee", Some("committee@accord.example")),
    // An account manager of the national unit, which holds none of the records walked.
    ("other_district", Some("lou@accord.example")),
];

/// The districts whose records the routes are walked with; every staff user but the
/// other district's is given both.
const HOME: [&str; 2] = ["slagelse", "birmingham-solihull"];

/// Routes anyone may use without signing in.
const PUBLIC: [(&str, &str); 14] = [
    ("GET", "/login"),
    ("GET", "/events/register/{token}"),
    ("POST", "/events/register/{token}"),
    ("GET", "/events/register/{token}/calendar.ics"),
    // The link in every mail: it withdraws a consent without signing in, once confirmed.
    ("GET", "/unsubscribe/{token}"),
    ("POST", "/unsubscribe/{token}"),
    // A survey's personal link: the questionnaire is answered without signing in.
    ("GET", "/surveys/answer/{token}"),
    ("POST", "/surveys/answer/{token}"),
    ("POST", "/login"),
    ("GET", "/language/{code}"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("GET", "/static/{*file}"),
    ("GET", "/api/v1/openapi.json"),
];

/// Query strings a route needs to do its work rather than ask for them.
const QUERIES: [(&str, &str, &str); 5] = [
    ("GET", "/organisations/export", "kind=organisations"),
    ("GET", "/reports/agreements", "what=in_force&date=2026-01-05"),
    ("GET", "/api/v1/redundancy/cases/{id}", "purpose=guidance"),
    ("POST", "/api/v1/imports", "kind=activities&district=slagelse&dry_run=true"),
    // The demo's first segment, Slagelse's.
    ("GET", "/api/v1/surveys/{id}/recipients", "segment_id=1"),
];

/// Path segments naming records that belong to no district: another district's user may
/// see them, so they are left out of the "another district's ids give 404" check. A signed
/// invitation link (`register`) or survey link (`answer`) opens its page for whoever holds it,
/// signed in or not. Regions belong to no district; a national account is its national unit's
/// (the other district's user here) and is seen too by every district that delivers it.
const GLOBAL: [&str; 10] = [
    "users",
    "districts",
    "activity-types",
    "services",
    "tokens",
    "language",
    "register",
    "answer",
    "regions",
    "national-accounts",
];

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Route {
    pub(crate) method: String,
    pub(crate) path: String,
}

impl Route {
    pub(crate) fn is_api(&self) -> bool {
        self.path.starts_with("/api/")
    }

    pub(crate) fn writes(&self) -> bool {
        self.method != "GET"
    }

    /// Writes that remove what later requests would use run last, and signing out after them.
    pub(crate) fn phase(&self) -> u8 {
        if !self.writes() {
            0
        } else if self.path == "/logout" {
            3
        } else if self.method == "DELETE"
            || ["erase", "roll-back", "rollback", "delete", "revoke"].iter().any(|w| self.path.contains(w))
        {
            2
        } else {
            1
        }
    }

    pub(crate) fn query(&self) -> &'static str {
        QUERIES.iter().find(|(m, p, _)| *m == self.method && *p == self.path).map(|q| q.2).unwrap_or("")
    }

    fn public(&self) -> bool {
        PUBLIC.iter().any(|(m, p)| *m == self.method && *p == self.path)
    }

    /// The literal segment before each parameter, e.g. `cases` and `activities` for
    /// `/cases/{id}/activities/{sub}`.
    fn kinds(&self) -> Vec<String> {
        let segs: Vec<&str> = self.path.split('/').collect();
        (1..segs.len()).filter(|&i| segs[i].starts_with('{')).map(|i| segs[i - 1].to_owned()).collect()
    }
}

/// Every route the server answers: the pages from the router's source, the API from its
/// OpenAPI document.
pub(crate) fn routes() -> Vec<Route> {
    let web = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/src");
    let mut out = BTreeSet::new();
    for file in ["views/mod.rs", "lib.rs"] {
        let src = std::fs::read_to_string(format!("{web}/{file}")).unwrap();
        for part in src.split(".route(\"").skip(1) {
            let (path, rest) = part.split_once('"').unwrap();
            let call = &rest[..rest.find("))\n").map(|i| i + 2).unwrap_or(rest.len())];
            let mut found = false;
            for m in ["get", "post", "put", "patch", "delete"] {
                let called = call.match_indices(&format!("{m}(")).any(|(i, _)| {
                    i == 0 || !call.as_bytes()[i - 1].is_ascii_alphanumeric() && call.as_bytes()[i - 1] != b'_'
                });
                if called {
                    out.insert(Route { method: m.to_uppercase(), path: path.to_owned() });
                    found = true;
                }
            }
            assert!(found, "no method found for route {path} in {file}");
        }
    }
    let doc = serde_json::to_value(accord_web::api::openapi()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in ["get", "post", "put", "patch", "delete"] {
            if item.get(m).is_some() {
                out.insert(Route { method: m.to_uppercase(), path: format!("/api/v1{path}") });
            }
        }
    }
    out.insert(Route { method: "GET".into(), path: "/api/v1/openapi.json".into() });
    let mut all: Vec<Route> = out.into_iter().collect();
    all.sort_by_key(|r| (r.phase(), r.path.clone(), r.method.clone()));
    all
}

/// A body of the shape the OpenAPI document gives for an API write, with every required
/// field filled, so the request gets past decoding to the permission check.
fn body_for(doc: &serde_json::Value, route: &Route) -> serde_json::Value {
    let path = route.path.trim_start_matches("/api/v1");
    let op = &doc["paths"][path][route.method.to_lowercase()];
    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
    if schema.is_null() { serde_json::json!({}) } else { example(doc, schema, 0, None) }
}

/// An instance of `schema`: its required fields filled, or with `text` every string field
/// holding `text` (dates and enumerations keep valid values).
pub(crate) fn example(
    doc: &serde_json::Value,
    schema: &serde_json::Value,
    depth: usize,
    text: Option<&str>,
) -> serde_json::Value {
    use serde_json::{Value, json};
    if depth > 8 {
        return Value::Null;
    }
    if let Some(r) = schema.get("$ref").and_then(|r| r.as_str()) {
        let name = r.rsplit('/').next().unwrap();
        return example(doc, &doc["components"]["schemas"][name], depth + 1, text);
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.as_array()).and_then(|a| a.iter().find(|v| !v.is_null())) {
        return first.clone();
    }
    for k in ["oneOf", "anyOf", "allOf"] {
        if let Some(s) = schema.get(k).and_then(|a| a.as_array()).and_then(|a| a.iter().find(|s| s["type"] != "null")) {
            return example(doc, s, depth + 1, text);
        }
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(a) => a.iter().filter_map(|t| t.as_str()).find(|t| *t != "null").unwrap_or("null").to_owned(),
        _ => "object".into(),
    };
    match ty.as_str() {
        "string" => match schema["format"].as_str() {
            Some("date") => json!("2026-01-05"),
            Some("date-time") => json!("2026-01-05T10:00:00Z"),
            _ => json!(text.unwrap_or("x")),
        },
        "integer" | "number" => json!(1),
        "boolean" => json!(false),
        "array" => json!([]),
        "null" => Value::Null,
        _ => {
            let mut out = serde_json::Map::new();
            let required: Vec<&str> =
                schema["required"].as_array().into_iter().flatten().filter_map(|n| n.as_str()).collect();
            for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                let is_text =
                    prop["type"] == "string" || prop["type"].as_array().is_some_and(|t| t.contains(&json!("string")));
                let plain = is_text && prop.get("format").is_none() && prop.get("enum").is_none();
                if required.contains(&name.as_str()) || text.is_some() && plain {
                    out.insert(name.clone(), example(doc, prop, depth + 1, text));
                }
            }
            Value::Object(out)
        }
    }
}

/// The ids routes are walked with, by the segment before the parameter.
pub(crate) struct Ids(BTreeMap<String, String>);

async fn one(c: &impl ConnectionTrait, sql: &str) -> i64 {
    scalar(c, sql).await.unwrap_or_else(|| panic!("the demo data has no record for: {sql}"))
}

impl Ids {
    pub(crate) async fn of(app: &TestApp, email: Option<&str>) -> Ids {
        let home = HOME.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(",");
        let in_home = format!("district_id IN (SELECT id FROM districts WHERE code IN ({home}))");
        let c = &app.db.conn;
        let id = async |sql: &str| one(c, sql).await.to_string();
        let mut m = BTreeMap::new();
        let mut put = |k: &str, v: String| {
            m.insert(k.to_owned(), v);
        };
        let org = id(&format!("SELECT min(organisation_id) FROM agreements WHERE {in_home}")).await;
        put("organisations", org.clone());
        let agreement = id(&format!("SELECT min(id) FROM agreements WHERE {in_home}")).await;
        put("agreements", agreement.clone());
        put("contacts", id(&format!("SELECT min(id) FROM contacts WHERE organisation_id = {org}")).await);
        put("interactions", id(&format!("SELECT min(id) FROM interactions WHERE organisation_id = {org}")).await);
        put("users", id("SELECT id FROM users WHERE email = 'account.manager@accord.example'").await);
        put("districts", id("SELECT id FROM districts WHERE code = 'slagelse'").await);
        let owner = email.unwrap_or("account.manager@accord.example");
        put(
            "tokens",
            id(
                &format!(
                    "SELECT min(t.id) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = '{owner}' AND t.name = 'revocable'"
                ),
            )
            .await,
        );
        put("templates", id("SELECT min(id) FROM commitment_templates").await);
        put(
            "documents",
            id(&format!("SELECT min(id) FROM agreement_documents WHERE agreement_id = {agreement}")).await,
        );
        put("activities", id(&format!("SELECT min(id) FROM activities WHERE {in_home}")).await);
        put("communications", id(&format!("SELECT min(id) FROM communications WHERE {in_home}")).await);
        put("awards", id(&format!("SELECT min(id) FROM awards WHERE {in_home}")).await);
        let programme = id(&format!("SELECT min(id) FROM programmes WHERE {in_home}")).await;
        put("programmes", programme.clone());
        // A job shop of a redundancy event, and one of the programme walked.
        put("job-shops", id("SELECT min(id) FROM job_shops WHERE event_id IS NOT NULL").await);
        put(
            "programme-job-shops",
            id(&format!("SELECT min(id) FROM job_shops WHERE programme_id = {programme}")).await,
        );
        // An open line, so that spend on it is taken.
        put("budget-lines", id(&format!("SELECT min(id) FROM budget_lines WHERE closed = false AND {in_home}")).await);
        let survey = id(&format!("SELECT min(id) FROM surveys WHERE {in_home}")).await;
        put("questions", id(&format!("SELECT min(id) FROM survey_questions WHERE survey_id = {survey}")).await);
        put("surveys", survey);
        // A survey link no signature matches: the page answers every caller alike.
        put("answer", "1.4102444800.00000000000000000000000000000000".into());
        put("activity-types", "work_placement".into());
        put("regions", id("SELECT min(id) FROM regions").await);
        put("national-accounts", id("SELECT min(id) FROM national_accounts WHERE sla_jobs_target IS NOT NULL").await);
        put("segments", id(&format!("SELECT min(id) FROM segments WHERE {in_home}")).await);
        // A token no signature matches: the page answers every caller alike.
        put("unsubscribe", "1-news-00000000000000000000000000000000".into());
        put("mailings", id(&format!("SELECT min(id) FROM mailings WHERE {in_home}")).await);
        let request = id("SELECT min(request_id) FROM recruitment_candidates").await;
        put(
            "candidates",
            id(&format!("SELECT min(id) FROM recruitment_candidates WHERE request_id = {request}")).await,
        );
        put("recruitment-requests", request);
        put("imports", id("SELECT min(id) FROM imports").await);
        put("targets", id(&format!("SELECT min(id) FROM kpi_targets WHERE {in_home}")).await);
        for (seg, table) in [
            ("bodies", "bodies"),
            ("members", "body_members"),
            ("meetings", "meetings"),
            ("meeting-items", "meeting_items"),
            ("plans", "plans"),
            ("progress-reports", "progress_snapshots"),
            ("actions", "plan_actions"),
            ("milestones", "milestones"),
            ("redundancy", "redundancy_events"),
            ("services", "support_services"),
        ] {
            put(seg, id(&format!("SELECT min(id) FROM {table}")).await);
        }
        let case = id("SELECT min(case_id) FROM case_checkins WHERE case_id IN (SELECT case_id FROM case_activities) AND case_id IN (SELECT case_id FROM case_trainings)").await;
        for (seg, table) in [
            ("case-activities", "case_activities"),
            ("trainings", "case_trainings"),
            ("checkins", "case_checkins"),
            ("jobs", "case_jobs"),
            ("sessions", "case_sessions"),
        ] {
            put(seg, id(&format!("SELECT min(id) FROM {table} WHERE case_id = {case}")).await);
        }
        put("cases", case);
        // The demo's first upcoming event (made before any a test adds), one of its registrations, a contact of the
        // district to invite, and that contact's invitation link.
        let now = chrono::Utc::now();
        let upcoming = {
            use accord_db::entities::event;
            use accord_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
            event::Entity::find()
                .filter(event::Column::StartsAt.gt(now))
                .filter(event::Column::CancelledAt.is_null())
                .order_by_asc(event::Column::Id)
                .one(c)
                .await
                .unwrap()
                .expect("the demo data has an upcoming event")
        };
        put("events", upcoming.id.to_string());
        put(
            "event-registrations",
            id(&format!("SELECT min(id) FROM event_registrations WHERE event_id = {}", upcoming.id)).await,
        );
        let invitee =
            one(c, &format!("SELECT min(id) FROM contacts WHERE district_id = {}", upcoming.district_id)).await;
        put("invitations", invitee.to_string());
        let link = accord_app::events::invitation_link(&app.app, &accord_app::Actor::system(), upcoming.id, invitee)
            .await
            .unwrap();
        put("register", link.rsplit('/').next().unwrap().to_owned());
        put("language", "da".into());
        put("static", "accord.css".into());
        Ids(m)
    }

    /// The route with its parameters filled in.
    pub(crate) fn path(&self, route: &Route) -> String {
        let segs: Vec<&str> = route.path.split('/').collect();
        let mut out = Vec::new();
        for (i, s) in segs.iter().enumerate() {
            if s.starts_with('{') {
                let mut kind = segs[i - 1];
                kind = match kind {
                    "activities" if segs[i - 2] == "redundancy" || i >= 3 && segs[i - 3] == "cases" => {
                        "case-activities"
                    }
                    "agreement-templates" => "templates",
                    "events" if i >= 2 && segs[i - 2] == "redundancy" => "redundancy",
                    k => k,
                };
                let id = self
                    .0
                    .get(kind)
                    .unwrap_or_else(|| panic!("no id for `{kind}` in {}: add it to Ids::of", route.path));
                out.push(id.clone());
            } else {
                out.push((*s).to_owned());
            }
        }
        out.join("/")
    }
}

/// The demo data set, with every staff user but the other district's given both home
/// districts, and a token for each user to revoke.
pub(crate) async fn fixture(postgres: bool) -> Snapshot {
    TestApp::snapshot(postgres, async |app, db| {
        accord_app::demo::load(app).await.unwrap().unwrap();
        let c = &db.conn;
        let home = HOME.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(",");
        let sql = format!(
            "INSERT INTO user_districts (user_id, district_id) SELECT u.id, d.id FROM users u, districts d \
             WHERE d.code IN ({home}) AND u.email NOT IN ('admin@accord.example', 'lou@accord.example') \
             AND NOT EXISTS (SELECT 1 FROM user_districts x WHERE x.user_id = u.id AND x.district_id = d.id)"
        );
        c.execute_unprepared(&sql).await.unwrap();
        // A document on the first agreement, and an import of one activity.
        let system = accord_app::Actor::system();
        let agreement = one(c, "SELECT min(id) FROM agreements WHERE district_id = (SELECT id FROM districts WHERE code = 'slagelse')").await;
        accord_app::agreements::add_document(app, &system, agreement, "signed.pdf", b"%PDF-1.4 signed".to_vec()).await.unwrap();
        let row = c
            .query_one_raw(Statement::from_string(
                c.get_database_backend(),
                "SELECT \"ref\" FROM organisations WHERE id = (SELECT min(organisation_id) FROM agreements \
                 WHERE district_id = (SELECT id FROM districts WHERE code = 'slagelse'))",
            ))
            .await
            .unwrap()
            .unwrap();
        let reference: String = row.try_get_by_index(0).unwrap();
        let csv = format!("source_id,type,organisation_ref,start_date,end_date,citizen_ref,outcome\nM1,work_placement,{reference},2026-01-05,,CIT-M1,ongoing\n");
        let kind = accord_app::import::Kind::Activities;
        let report = accord_app::import::import_file(app, &system, kind, Some("slagelse"), csv.as_bytes(), "m.csv", false, |_| {})
            .await
            .unwrap();
        assert!(report.errors.is_empty(), "the fixture's import failed: {:?}", report.errors);
        let request = one(c, "SELECT min(id) FROM recruitment_requests WHERE district_id = (SELECT id FROM districts WHERE code = 'slagelse')").await;
        let candidate = accord_app::activities::CandidateInput { citizen_ref: "CIT-R1".into(), outcome: "referred".into() };
        accord_app::activities::save_candidate(app, &system, request, None, &candidate).await.unwrap();
        for (_, email) in ROLES {
            if let Some(email) = email {
                let u = accord_app::users::find_by_email(app, email).await.unwrap().unwrap();
                accord_app::auth::create_token(app, &accord_app::Actor::system(), u.id, "revocable").await.unwrap();
            }
        }
    })
    .await
}

/// What one request came to: the status, or `login` for a redirect to the sign-in page.
fn outcome(status: StatusCode, headers: &reqwest::header::HeaderMap) -> String {
    let location = headers.get("location").and_then(|l| l.to_str().ok()).unwrap_or("");
    if status == StatusCode::SEE_OTHER && location.starts_with("/login") {
        "login".into()
    } else {
        status.as_u16().to_string()
    }
}

fn check_headers(route: &Route, headers: &reqwest::header::HeaderMap) {
    let csp = headers.get("content-security-policy").and_then(|h| h.to_str().ok()).unwrap_or("");
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"),
        "{} {}: content-security-policy is {csp:?}",
        route.method,
        route.path
    );
    assert_eq!(headers.get("x-content-type-options").map(|h| h.as_bytes()), Some(&b"nosniff"[..]), "{route:?}");
    assert_eq!(headers.get("x-frame-options").map(|h| h.as_bytes()), Some(&b"DENY"[..]), "{route:?}");
    let cache = headers.get("cache-control").and_then(|h| h.to_str().ok()).unwrap_or("");
    if route.path.starts_with("/static/") {
        assert!(cache.contains("immutable"), "{route:?}: {cache}");
    } else {
        assert_eq!(cache, "no-store", "{route:?}: pages may show personal data");
    }
}

/// Every row of every table a page read must leave alone, as text. The audit and case
/// access logs record reads by design, sessions their last use, tokens theirs; the job
/// schedule is the background jobs' own.
async fn contents(app: &TestApp) -> BTreeMap<String, String> {
    let c = &app.db.conn;
    let backend = c.get_database_backend();
    let list = match backend {
        accord_db::sea_orm::DatabaseBackend::Postgres => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'"
        }
    };
    let names = JsonValue::find_by_statement(Statement::from_string(backend, list)).all(c).await.unwrap();
    let mut out = BTreeMap::new();
    for n in names {
        let name = n["name"].as_str().unwrap().to_owned();
        if ["audit_log", "case_access", "sessions", "api_tokens", "login_failures", "jobs", "job_runs"]
            .contains(&name.as_str())
        {
            continue;
        }
        let rows =
            JsonValue::find_by_statement(Statement::from_string(backend, format!("SELECT * FROM {name} ORDER BY 1")))
                .all(c)
                .await
                .unwrap();
        out.insert(name, serde_json::to_string(&rows).unwrap());
    }
    out
}

/// One role's column: the outcome of every route.
async fn walk(
    snapshot: Arc<Snapshot>,
    routes: Arc<Vec<Route>>,
    role: &'static str,
    email: Option<&'static str>,
) -> Vec<String> {
    let doc = serde_json::to_value(accord_web::api::openapi()).unwrap();
    let app = snapshot.start().await;
    let ids = Ids::of(&app, email).await;
    let browser: Browser = match email {
        Some(e) => signed_in_at(&app.url, e, accord_app::demo::DEMO_PASSWORD).await,
        None => {
            let b = app.browser();
            b.get("/login").await;
            b
        }
    };
    let token = match email {
        Some(e) => Some(app.token(e).await),
        None => None,
    };
    let base = app.url.clone();
    let mut column = Vec::new();
    let mut before = Some(contents(&app).await);
    for route in routes.iter() {
        if route.writes()
            && let Some(before) = before.take()
        {
            let after = contents(&app).await;
            for (table, rows) in &before {
                assert!(after.get(table) == Some(rows), "{role}: a page read changed the table {table}");
            }
        }
        let path = ids.path(route);
        let url = match route.query() {
            "" => format!("{base}{path}"),
            q => format!("{base}{path}?{q}"),
        };
        let method = Method::from_bytes(route.method.as_bytes()).unwrap();
        let res = if route.is_api() {
            if route.writes() {
                // A session cookie is no credential for the API: no cross-site request can
                // act through it.
                let res =
                    browser.client.request(method.clone(), &url).json(&serde_json::json!({})).send().await.unwrap();
                assert_eq!(
                    res.status(),
                    StatusCode::UNAUTHORIZED,
                    "{role}: {} {path} with a session cookie only",
                    route.method
                );
            }
            let mut req = reqwest::Client::new().request(method, &url);
            if let Some(t) = &token {
                req = req.bearer_auth(t);
            }
            if route.path == "/api/v1/imports" {
                req = req.header("content-type", "text/csv").body("source_id,type,organisation_ref,start_date\n");
            } else if route.writes() {
                req = req.json(&body_for(&doc, route));
            }
            req.send().await.unwrap()
        } else if route.writes() {
            let refused = browser.post_raw(&path, &[], None).await;
            assert!(
                refused.status == StatusCode::FORBIDDEN || email.is_none() && refused.status == StatusCode::SEE_OTHER,
                "{role}: {} {path} without a CSRF token answered {}",
                route.method,
                refused.status
            );
            let wrong = browser.post_raw(&path, &[("_csrf", "A".repeat(43))], None).await;
            assert!(
                wrong.status == StatusCode::FORBIDDEN || email.is_none() && wrong.status == StatusCode::SEE_OTHER,
                "{role}: {} {path} with a wrong CSRF token answered {}",
                route.method,
                wrong.status
            );
            let foreign =
                browser.post_raw(&path, &[("_csrf", browser.token())], Some("https://attacker.example")).await;
            assert_eq!(foreign.status, StatusCode::FORBIDDEN, "{role}: {} {path} from a foreign origin", route.method);
            browser.client.request(method, &url).form(&[("_csrf", browser.token())]).send().await.unwrap()
        } else {
            browser.client.get(&url).send().await.unwrap()
        };
        check_headers(route, res.headers());
        let result = outcome(res.status(), res.headers());
        let _ = res.bytes().await;
        column.push(result);
    }
    // The walk signed out at the end: the old cookie is dead.
    if email.is_some() {
        assert_eq!(browser.get("/").await.status, StatusCode::SEE_OTHER, "{role}: the session outlived sign-out");
    }
    app.finish().await;
    column
}

const TABLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/access_matrix.md");

fn render(routes: &[Route], columns: &[Vec<String>]) -> String {
    let mut s = String::from(
        "# Access matrix\n\nEvery route × every role, as `accord` answers it over the demo data set \
         (checked by `access::matrix` in the integration tests; `ACCORD_UPDATE_SNAPSHOTS=1` rewrites it). \
         Page writes are sent with a valid CSRF token and an empty form, API writes with a body holding \
         only the required fields, so a `422` means the caller got past the permission check to validation. `login` is a redirect to the sign-in page.\n\n",
    );
    s.push_str("| method | route |");
    for (r, _) in ROLES {
        s.push_str(&format!(" {r} |"));
    }
    s.push_str("\n|---|---|");
    s.push_str(&"---|".repeat(ROLES.len()));
    s.push('\n');
    for (i, r) in routes.iter().enumerate() {
        s.push_str(&format!("| {} | `{}` |", r.method, r.path));
        for c in columns {
            s.push_str(&format!(" {} |", c[i]));
        }
        s.push('\n');
    }
    s
}

fn parse(table: &str) -> BTreeMap<(String, String), Vec<String>> {
    table
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| method"))
        .map(|l| {
            let cells: Vec<String> =
                l.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`').to_owned()).collect();
            ((cells[0].clone(), cells[1].clone()), cells[2..].to_vec())
        })
        .collect()
}

async fn matrix(postgres: bool) {
    let routes = Arc::new(routes());
    let snapshot = Arc::new(fixture(postgres).await);
    let mut tasks = Vec::new();
    for (role, email) in ROLES {
        tasks.push(tokio::spawn(walk(Arc::clone(&snapshot), Arc::clone(&routes), role, email)));
    }
    let mut columns = Vec::new();
    for t in tasks {
        columns.push(t.await.unwrap());
    }
    Arc::into_inner(snapshot).unwrap().remove().await;

    let now = render(&routes, &columns);
    if std::env::var_os("ACCORD_UPDATE_SNAPSHOTS").is_some() && !postgres {
        std::fs::write(TABLE, &now).unwrap();
    }
    // Rules that hold whatever the table says.
    for (i, r) in routes.iter().enumerate() {
        let anon = &columns[0][i];
        if !r.public() {
            let want = if r.is_api() { "401" } else { "login" };
            assert_eq!(anon, want, "anonymous {} {}", r.method, r.path);
        }
        let kinds = r.kinds();
        if !kinds.is_empty() && !kinds.iter().any(|k| GLOBAL.contains(&k.as_str()) || k == "static") {
            let other = &columns[ROLES.len() - 1][i];
            assert!(
                other == "404" || other == "403",
                "another district's user got {other} for {} {}",
                r.method,
                r.path
            );
        }
    }

    let want = parse(&std::fs::read_to_string(TABLE).unwrap_or_default());
    let got = parse(&now);
    let mut problems = Vec::new();
    for (key, cells) in &got {
        match want.get(key) {
            None => problems.push(format!("{} {}: no row in the table", key.0, key.1)),
            Some(w) => {
                for (j, (g, w)) in cells.iter().zip(w).enumerate() {
                    if g != w {
                        problems.push(format!("{} {} as {}: expected {w}, got {g}", key.0, key.1, ROLES[j].0));
                    }
                }
            }
        }
    }
    for key in want.keys().filter(|k| !got.contains_key(*k)) {
        problems.push(format!("{} {}: in the table but not a route", key.0, key.1));
    }
    assert!(problems.is_empty(), "the access matrix differs:\n{}", problems.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_sqlite() {
    matrix(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_postgres() {
    matrix(true).await;
}

#[test]
fn every_route_is_found() {
    let all = routes();
    assert!(all.len() > 200, "only {} routes found: has the router's source changed shape?", all.len());
    assert!(all.contains(&Route { method: "POST".into(), path: "/cases/{id}/erase".into() }));
    assert!(all.contains(&Route { method: "GET".into(), path: "/api/v1/me".into() }));
}
