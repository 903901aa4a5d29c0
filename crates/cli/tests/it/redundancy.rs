//! Redundancy support: an event with its response team, a worker's case from registration to a
//! sustained job, who may open a case and how each opening is logged, the erasure of a closed
//! case down to the bytes of the database files, and the subject access export.

use crate::both;
use crate::support::TestApp;
use accord_db::entities::{case_access, case_tally, person};
use accord_db::sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Statement};
use chrono::{Duration, Months, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// In a worker's name and in the notes of a session: found in the files only through the notes.
const MARKER: &str = "ZQXMARKER4711";
/// Only in a worker's name, which is sealed: never found in the files.
const NAME_MARKER: &str = "ZQXNAMEONLY0815";

/// The tables whose rows an erasure removes.
const ERASED_TABLES: [&str; 7] =
    ["case_sessions", "worker_cases", "people", "case_activities", "case_trainings", "case_jobs", "case_checkins"];

const STAGES: [&str; 7] =
    ["registered", "assessed", "with_plan", "training_started", "training_completed", "reemployed", "sustained"];

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The day `n` days from today, as the API takes it.
fn day(n: i64) -> String {
    (today() + Duration::days(n)).to_string()
}

/// The employer whose job losses the events are about, in north.
pub(crate) async fn employer(app: &TestApp) {
    let api = app.api(&app.token("am@test.example").await);
    let (s, v) = api
        .send(
            Method::POST,
            "/organisations",
            json!({"ref": "R-1", "name": "Longbridge Motors Ltd", "sector": "29", "kind": "employer"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

/// An event at R-1 recorded by the secretariat, with this response team.
pub(crate) async fn event(app: &TestApp, title: &str, team: Value) -> Value {
    let api = app.api(&app.token("secretariat@test.example").await);
    let (s, v) = api
        .send(
            Method::POST,
            "/redundancy/events",
            json!({
                "title": title, "employer": "R-1", "announced_on": "2024-03-01", "jobs_lost": 450,
                "sector": "C", "funding_available": 250000, "team": team,
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

/// How many openings the access log holds, of every case.
async fn openings(app: &TestApp) -> u64 {
    case_access::Entity::find().count(&app.db.conn).await.unwrap()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A request whose answer has no body (204), as a status only.
async fn status_of(api: &crate::support::Api, method: Method, path: &str) -> StatusCode {
    api.client.request(method, format!("{}{path}", api.base)).bearer_auth(&api.token).send().await.unwrap().status()
}

/// The first column of the first row of a query, as text.
async fn text_of(app: &TestApp, sql: &str) -> Option<String> {
    let c = &app.db.conn;
    let row = c.query_one_raw(Statement::from_string(c.get_database_backend(), sql.to_owned())).await.unwrap()?;
    row.try_get_by_index::<Option<String>>(0).unwrap()
}

/// The bytes of the files that hold the case tables, each with a label: for SQLite the database
/// file and its write-ahead log; for PostgreSQL the files of each erased table and its TOAST
/// table (after a checkpoint, so that what is in memory is on disk), labelled with the table.
async fn raw_files(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    if let Some(rest) = app.database_url.strip_prefix("sqlite://") {
        let db = rest.split('?').next().unwrap().to_owned();
        let mut out = vec![(db.clone(), std::fs::read(&db).unwrap_or_else(|e| panic!("cannot read {db}: {e}")))];
        let wal = format!("{db}-wal");
        match std::fs::read(&wal) {
            Ok(b) => out.push((wal, b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("cannot read {wal}: {e}"),
        }
        return out;
    }
    app.sql("CHECKPOINT").await.expect("CHECKPOINT: the test's PostgreSQL user must be a superuser");
    let dir = text_of(app, "SELECT current_setting('data_directory')").await.expect("the data directory");
    let dir = std::path::PathBuf::from(dir);
    if let Err(e) = std::fs::read_dir(&dir) {
        panic!(
            "PostgreSQL's data directory {} is not readable by this test ({e}): run the tests as root or as the \
             postgres user, on the machine PostgreSQL runs on",
            dir.display()
        );
    }
    let mut out = Vec::new();
    for table in ERASED_TABLES {
        let main = text_of(app, &format!("SELECT pg_relation_filepath('{table}')")).await;
        let toast = text_of(
            app,
            &format!(
                "SELECT pg_relation_filepath(reltoastrelid) FROM pg_class \
                 WHERE oid = '{table}'::regclass AND reltoastrelid <> 0"
            ),
        )
        .await;
        for (label, rel) in [(table.to_owned(), main), (format!("{table} (TOAST)"), toast)] {
            let Some(rel) = rel else { continue };
            // A relation over 1 GB continues in `path.1`, `path.2`, ….
            for segment in 0.. {
                let path = if segment == 0 { dir.join(&rel) } else { dir.join(format!("{rel}.{segment}")) };
                match std::fs::read(&path) {
                    Ok(b) => out.push((label.clone(), b)),
                    Err(e) if segment > 0 && e.kind() == std::io::ErrorKind::NotFound => break,
                    Err(e) => panic!(
                        "cannot read {} of {label} in PostgreSQL's data directory ({e}): run the tests as root or \
                         as the postgres user",
                        path.display()
                    ),
                }
            }
        }
    }
    out
}

/// The labels of the files that hold `needle`.
fn holding(files: &[(String, Vec<u8>)], needle: &str) -> Vec<String> {
    files.iter().filter(|(_, b)| contains(b, needle)).map(|(l, _)| l.clone()).collect()
}

both! {
    async fn an_adviser_takes_a_worker_from_registration_to_a_sustained_job(app) {
        app.seed().await;
        employer(app).await;
        let adviser_id = app.user_id("adviser@test.example").await;
        let manager_id = app.user_id("manager@test.example").await;
        // The team may be given as numbers.
        let ev = event(app, "Longbridge closure", json!([adviser_id, manager_id])).await;
        let eid = id(&ev);
        let team: Vec<i64> = ev["team"].as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).collect();
        assert_eq!(team, [adviser_id, manager_id]);
        assert_eq!(ev["employer"]["reference"], "R-1");
        assert_eq!(ev["district"], "north");
        assert_eq!(ev["response"]["registered"], 0, "nought is shown as it is");
        // Only the district's advisers and managers can be in the team.
        let am_id = app.user_id("am@test.example").await;
        let sec = app.api(&app.token("secretariat@test.example").await);
        let (s, v) = sec
            .send(
                Method::POST,
                "/redundancy/events",
                json!({"title": "X", "employer": "R-1", "announced_on": "2024-03-01", "jobs_lost": 10, "team": [am_id.to_string()]}),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["team"].is_string(), "{v}");

        let api = app.api(&app.token("adviser@test.example").await);
        let cases = format!("/redundancy/events/{eid}/cases");
        // A national ID number that is neither a CPR number nor a NI number is refused by name.
        for bad in ["AB123456E", "310290-1234", "12345"] {
            let (s, v) = api.send(Method::POST, &cases, json!({"name": "Jane Smith", "national_id": bad})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
            assert!(v["error"]["fields"]["national_id"].is_string(), "{bad}: {v}");
        }
        let (s, v) = api.send(Method::POST, &cases, json!({"national_id": "AB123456C"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["name"].is_string(), "{v}");

        let (s, case) = api
            .send(
                Method::POST,
                &cases,
                json!({"name": "Jane Smith", "national_id": "ab 12 34 56 c", "email": "jane.smith@example.org",
                    "phone": "07700 900123", "registered_on": day(-120)}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{case}");
        assert_eq!(case["person"]["name"], "J••• S•••");
        assert_eq!(case["person"]["national_id"], "AB •• •• •• C");
        assert_eq!(case["person"]["email"], "••••••");
        assert_eq!(case["person"]["masked"], true);
        assert_eq!((case["status"].as_str(), case["adviser"]["id"].as_i64()), (Some("open"), Some(adviser_id)));
        assert_eq!(case["registered_on"], day(-120));
        let cid = id(&case);
        let path = format!("/redundancy/cases/{cid}");
        // The same worker twice at one event is refused.
        let (s, v) = api.send(Method::POST, &cases, json!({"name": "Jane Smith", "national_id": "AB123456C"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["national_id"].is_string(), "{v}");

        // The initial assessment and the skills-for-life screening.
        let (s, v) = api.send(Method::PATCH, &path, json!({"literacy": "excellent", "version": case["version"]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["literacy"].is_string(), "{v}");
        let (s, assessed) = api
            .send(
                Method::PATCH,
                &path,
                json!({"assessed_on": day(-118), "literacy": "level2", "numeracy": "level1", "digital": "entry",
                    "assessment_notes": "Wants to stay in engineering.", "version": case["version"]}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{assessed}");
        assert_eq!(assessed["assessed_on"], day(-118));
        assert_eq!((assessed["literacy"].as_str(), assessed["digital"].as_str()), (Some("level2"), Some("entry")));
        assert_eq!(assessed["person"]["name"], "J••• S•••", "the details kept, masked");
        let (s, v) = api.send(Method::PATCH, &path, json!({"numeracy": "level2", "version": case["version"]})).await;
        assert_eq!(s, StatusCode::CONFLICT, "a stale version: {v}");

        // A guidance session, and advice on benefits as a referral.
        let sessions = format!("{path}/sessions");
        let (s, g) = api
            .send(Method::POST, &sessions, json!({"kind": "guidance", "held_on": day(-115), "minutes": 45, "notes": "Talked through the options."}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{g}");
        assert_eq!((g["kind"].as_str(), g["minutes"].as_i64()), (Some("guidance"), Some(45)));
        let (s, v) = api.send(Method::POST, &sessions, json!({"kind": "benefits", "held_on": day(-114)})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a referral names to whom: {v}");
        assert!(v["error"]["fields"]["referred_to"].is_string(), "{v}");
        let (s, r) = api
            .send(Method::POST, &sessions, json!({"kind": "benefits", "held_on": day(-114), "referred_to": "Jobcentre Plus benefits team"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!(r["referred_to"], "Jobcentre Plus benefits team");

        // The career action plan: one activity from the catalogue, one described.
        let (s, services) = api.get("/redundancy/services").await;
        assert_eq!(s, StatusCode::OK, "{services}");
        let cv = services.as_array().unwrap().iter().find(|s| s["name_en"] == "Write or update a CV").expect("the CV service").clone();
        assert_eq!(cv["element"], "plan");
        let activities = format!("{path}/activities");
        let (s, a1) = api.send(Method::POST, &activities, json!({"service_id": cv["id"], "due_on": day(-100)})).await;
        assert_eq!(s, StatusCode::CREATED, "{a1}");
        assert_eq!((a1["title"].as_str(), a1["status"].as_str()), (Some("Write or update a CV"), Some("planned")));
        assert_eq!(a1["service_id"], cv["id"]);
        let (s, a2) = api
            .send(Method::POST, &activities, json!({"title": "Visit three engineering employers", "due_on": day(-90)}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{a2}");
        assert_eq!(a2["service_id"], Value::Null);
        let (s, v) = api.send(Method::POST, &activities, json!({"due_on": day(-90)})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "neither a service nor a title: {v}");
        assert!(v["error"]["fields"]["title"].is_string(), "{v}");
        let (s, done) = api
            .send(Method::PATCH, &format!("/redundancy/activities/{}", id(&a1)), json!({"status": "done", "outcome": "CV ready", "version": a1["version"]}))
            .await;
        assert_eq!(s, StatusCode::OK, "{done}");
        assert_eq!((done["status"].as_str(), done["title"].as_str()), (Some("done"), Some("Write or update a CV")));

        // Retraining, started and then completed.
        let (s, t) = api
            .send(
                Method::POST,
                &format!("{path}/trainings"),
                json!({"provider": "North College", "course": "CNC machining", "starts_on": day(-110), "ends_on": day(-101),
                    "cost": 1200, "funding_source": "ESF", "status": "started"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{t}");
        assert_eq!(t["status"], "started");
        let (s, t) = api
            .send(Method::PATCH, &format!("/redundancy/trainings/{}", id(&t)), json!({"status": "completed", "version": t["version"]}))
            .await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert_eq!((t["status"].as_str(), t["funding_source"].as_str(), t["course"].as_str()), (Some("completed"), Some("ESF"), Some("CNC machining")));

        // A job start schedules the check-ins of weeks 1, 4, 8 and 13.
        let start = today() - Duration::days(100);
        let (s, job) = api
            .send(
                Method::POST,
                &format!("{path}/jobs"),
                json!({"employer": "Midland Engineering Ltd", "job_title": "CNC setter", "starts_on": start.to_string(), "hours": "37,5"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{job}");
        assert_eq!(job["hours"], 37.5);
        let checkins = job["checkins"].as_array().unwrap().clone();
        let weeks: Vec<i64> = checkins.iter().map(|k| k["week"].as_i64().unwrap()).collect();
        assert_eq!(weeks, [1, 4, 8, 13]);
        for k in &checkins {
            assert_eq!(k["due_on"], (start + Duration::days(7 * k["week"].as_i64().unwrap())).to_string());
        }
        let (s, c) = api.get(&format!("{path}?purpose=job_support")).await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["status"], "in_work");

        // A check-in done needs whether the worker is still in work.
        let (s, v) = api
            .send(Method::PATCH, &format!("/redundancy/checkins/{}", id(&checkins[0])), json!({"done_on": checkins[0]["due_on"], "version": 1}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["in_work"].is_string(), "{v}");
        for k in &checkins[..3] {
            let (s, v) = api
                .send(Method::PATCH, &format!("/redundancy/checkins/{}", id(k)), json!({"done_on": k["due_on"], "in_work": "yes", "version": k["version"]}))
                .await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(v["case_status"], "in_work", "week {}", k["week"]);
        }
        // Not sustained before the 13th week.
        let (_, c) = api.get(&format!("{path}?purpose=check_in")).await;
        let (s, v) = api.send(Method::PATCH, &path, json!({"status": "sustained", "version": c["version"]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["status"].is_string(), "{v}");
        let last = &checkins[3];
        let (s, v) = api
            .send(Method::PATCH, &format!("/redundancy/checkins/{}", id(last)), json!({"done_on": last["due_on"], "in_work": "yes", "version": last["version"]}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["case_status"], "sustained");

        let (s, c) = api.get(&format!("{path}?purpose=check_in")).await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!(c["status"], "sustained");
        assert_eq!(c["closed_on"], last["due_on"], "closed on the day of the 13th week's check-in");
        let closed = NaiveDate::parse_from_str(last["due_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        assert_eq!(c["erase_after"], closed.checked_add_months(Months::new(24)).unwrap().to_string());
        assert_eq!(c["sessions"].as_array().unwrap().len(), 2);
        let states: Vec<&str> = c["activities"].as_array().unwrap().iter().map(|a| a["status"].as_str().unwrap()).collect();
        assert_eq!(states, ["done", "planned"]);
        assert_eq!(c["trainings"][0]["status"], "completed");
        assert!(c["jobs"][0]["checkins"].as_array().unwrap().iter().all(|k| k["in_work"] == true && k["done_on"].is_string()), "{c}");
        assert_eq!(c["jobs"][0]["ended_on"], Value::Null);

        // The response at a glance: one worker through every stage, so every figure is "<5".
        let (s, e) = api.get(&format!("/redundancy/events/{eid}")).await;
        assert_eq!(s, StatusCode::OK, "{e}");
        for stage in STAGES {
            assert_eq!(e["response"][stage], "<5", "{stage}: {e}");
        }
        let (_, list) = api.get("/redundancy/events").await;
        let row = list["items"].as_array().unwrap().iter().find(|r| r["id"] == eid).expect("the event listed").clone();
        assert_eq!(row["response"]["sustained"], "<5");

        // The outcomes report, which the committee reads too.
        let committee = app.api(&app.token("committee@test.example").await);
        let (s, r) = committee.get("/redundancy/outcomes").await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let esf = r["by_funding"].as_array().unwrap().iter().find(|row| row["label"] == "ESF").expect("a row for ESF").clone();
        assert_eq!(esf["response"]["training_completed"], "<5");
        assert_eq!(r["total"]["registered"], "<5");
        assert_eq!(r["by_event"][0]["event_id"], eid);
        assert_eq!(r["by_sector"][0]["label"], "C");
        let (s, one) = committee.get(&format!("/redundancy/outcomes?event={eid}")).await;
        assert_eq!(s, StatusCode::OK, "{one}");
        assert_eq!(one["total"], r["total"]);
        assert_eq!(committee.get("/redundancy/outcomes?event=999999").await.0, StatusCode::NOT_FOUND);
    }

    async fn only_the_adviser_the_team_and_managers_open_a_case_and_each_opening_is_logged(app) {
        app.seed().await;
        employer(app).await;
        let adviser_id = app.user_id("adviser@test.example").await;
        let colleague_id = app.add_user("colleague@test.example", "adviser", Some("north")).await;
        app.add_user("outsider@test.example", "adviser", Some("north")).await;
        // The team may be given as strings.
        let ev = event(app, "Longbridge closure", json!([adviser_id.to_string(), colleague_id.to_string()])).await;
        let eid = id(&ev);
        let adviser = app.api(&app.token("adviser@test.example").await);
        let (s, case) = adviser
            .send(
                Method::POST,
                &format!("/redundancy/events/{eid}/cases"),
                json!({"name": "Jane Smith", "national_id": "010190-1234", "email": "jane@example.org", "phone": "+45 20 30 40 50"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{case}");
        let cid = id(&case);
        let path = format!("/redundancy/cases/{cid}");

        // To anyone else the case does not exist, and nothing they try is logged or stored.
        let before = openings(app).await;
        for who in [
            "committee@test.example",
            "am@test.example",
            "outsider@test.example",
            "secretariat@test.example",
            "partner@test.example",
            "south@test.example",
        ] {
            let api = app.api(&app.token(who).await);
            for q in ["purpose=guidance", "purpose=supervision&reveal=true"] {
                let (s, v) = api.get(&format!("{path}?{q}")).await;
                assert_eq!(s, StatusCode::NOT_FOUND, "{who} {q}: {v}");
            }
            let (s, v) = api.get(&format!("/redundancy/events/{eid}/cases")).await;
            assert!(matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{who} lists: {s} {v}");
            for (method, p, body) in [
                (Method::PATCH, path.clone(), json!({"name": "Someone Else", "version": case["version"]})),
                (Method::POST, format!("{path}/sessions"), json!({"kind": "guidance", "held_on": day(0), "notes": "x"})),
                (Method::POST, format!("{path}/activities"), json!({"title": "x"})),
                (Method::POST, format!("{path}/trainings"), json!({"provider": "P", "course": "C"})),
                (Method::POST, format!("{path}/jobs"), json!({"employer": "E", "starts_on": day(0)})),
                (Method::POST, format!("/redundancy/events/{eid}/cases"), json!({"name": "New Worker"})),
            ] {
                let (s, v) = api.send(method, &p, body).await;
                assert!(matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{who} {p}: {s} {v}");
            }
            let s = status_of(&api, Method::POST, &format!("{path}/erase")).await;
            assert!(matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{who} erases: {s}");
            assert_eq!(api.get(&format!("{path}/access-log")).await.0, StatusCode::NOT_FOUND, "{who}");
            assert_eq!(api.get(&format!("{path}/export")).await.0, StatusCode::NOT_FOUND, "{who}");
        }
        assert_eq!(openings(app).await, before, "refused openings are not logged");

        // Without a purpose, or with one not on the list, a case does not open either.
        let (s, v) = adviser.get(&path).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["purpose"].is_string(), "{v}");
        let (s, v) = adviser.get(&format!("{path}?purpose=curiosity")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(v["error"]["fields"]["purpose"].is_string(), "{v}");
        assert_eq!(openings(app).await, before);

        // The case's adviser, a colleague in the team and the district's manager open it, masked;
        // each opening is one line of the log.
        for (who, purpose) in [
            ("adviser@test.example", "guidance"),
            ("colleague@test.example", "plan_review"),
            ("manager@test.example", "supervision"),
        ] {
            let api = app.api(&app.token(who).await);
            let n = openings(app).await;
            let (s, v) = api.get(&format!("{path}?purpose={purpose}")).await;
            assert_eq!(s, StatusCode::OK, "{who}: {v}");
            assert_eq!(openings(app).await, n + 1, "{who}");
            assert_eq!(v["person"]["name"], "J••• S•••");
            assert_eq!(v["person"]["national_id"], "010190-••••");
            assert_eq!((v["person"]["email"].as_str(), v["person"]["phone"].as_str()), (Some("••••••"), Some("••••••")));
            assert_eq!(v["person"]["masked"], true);
            let (s, list) = api.get(&format!("/redundancy/events/{eid}/cases")).await;
            assert_eq!(s, StatusCode::OK, "{who}: {list}");
            assert_eq!(list["items"][0]["name"], "J••• S•••");
            assert_eq!(openings(app).await, n + 1, "listing is not opening");
        }
        // The access log is append-only in the database itself.
        assert!(app.sql("UPDATE case_access SET purpose = 'guidance'").await.is_err(), "an access-log line was changed");
        assert!(app.sql("DELETE FROM case_access").await.is_err(), "access-log lines were deleted");
        // Revealed, the details are whole; the log says so.
        let manager = app.api(&app.token("manager@test.example").await);
        let n = openings(app).await;
        let (s, v) = manager.get(&format!("{path}?purpose=correction&reveal=true")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(openings(app).await, n + 1);
        assert_eq!(v["person"]["name"], "Jane Smith");
        assert_eq!(v["person"]["national_id"], "010190-1234");
        assert_eq!(v["person"]["email"], "jane@example.org");
        assert_eq!(v["person"]["masked"], false);
        let (s, log) = adviser.get(&format!("{path}/access-log")).await;
        assert_eq!(s, StatusCode::OK, "{log}");
        let log: Vec<(&str, &str, &str)> = log
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["by"].as_str().unwrap(), a["purpose"].as_str().unwrap(), a["what"].as_str().unwrap()))
            .collect();
        assert_eq!(
            log,
            [
                ("adviser@test.example", "guidance", "case"),
                ("colleague@test.example", "plan_review", "case"),
                ("manager@test.example", "supervision", "case"),
                ("manager@test.example", "correction", "personal_data"),
            ]
        );
        assert_eq!(openings(app).await, n + 1, "reading the log is not opening the case");

        // The team writes to the case; what the others tried is not there.
        let colleague = app.api(&app.token("colleague@test.example").await);
        let (s, v) = colleague
            .send(Method::POST, &format!("{path}/sessions"), json!({"kind": "job_search", "held_on": day(0), "minutes": 30}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, v) = manager.get(&format!("{path}?purpose=supervision&reveal=true")).await;
        assert_eq!(v["person"]["name"], "Jane Smith");
        let kinds: Vec<&str> = v["sessions"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["job_search"]);
        assert!(v["activities"].as_array().unwrap().is_empty() && v["jobs"].as_array().unwrap().is_empty(), "{v}");

        // Out of the team, the colleague no longer finds the case; its own adviser still does.
        let sec = app.api(&app.token("secretariat@test.example").await);
        let (_, e) = sec.get(&format!("/redundancy/events/{eid}")).await;
        let (s, e) = sec.send(Method::PATCH, &format!("/redundancy/events/{eid}"), json!({"team": [], "version": e["version"]})).await;
        assert_eq!(s, StatusCode::OK, "{e}");
        assert_eq!(e["team"], json!([]));
        let n = openings(app).await;
        assert_eq!(colleague.get(&format!("{path}?purpose=guidance")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(colleague.get(&format!("/redundancy/events/{eid}/cases")).await.0, StatusCode::FORBIDDEN);
        assert_eq!(adviser.get(&format!("{path}?purpose=guidance")).await.0, StatusCode::OK);
        assert_eq!(openings(app).await, n + 1);
    }

    async fn erasure_leaves_no_trace_in_the_database_files(app) {
        app.seed().await;
        employer(app).await;
        let adviser_id = app.user_id("adviser@test.example").await;
        let eid = id(&event(app, "Longbridge closure", json!([adviser_id])).await);
        let api = app.api(&app.token("adviser@test.example").await);
        let cases = format!("/redundancy/events/{eid}/cases");
        let (s, case) = api
            .send(
                Method::POST,
                &cases,
                json!({"name": format!("Jane {NAME_MARKER} {MARKER}"), "national_id": "AB123456C",
                    "email": "zqx.jane@example.org", "registered_on": day(-1200)}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{case}");
        let cid = id(&case);
        let path = format!("/redundancy/cases/{cid}");
        // Four more workers, so that the figures are shown as numbers.
        for i in 1..=4 {
            let (s, v) = api.send(Method::POST, &cases, json!({"name": format!("Worker {i}")})).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (s, v) = api
            .send(Method::POST, &format!("{path}/sessions"), json!({"kind": "guidance", "held_on": day(-1190), "notes": format!("Worried about the mortgage ({MARKER}).")}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = api.send(Method::POST, &format!("{path}/activities"), json!({"title": "Apply for vacancies"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = api
            .send(Method::POST, &format!("{path}/trainings"), json!({"provider": "North College", "course": "Welding", "funding_source": "ESF", "status": "completed"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = api.send(Method::POST, &format!("{path}/jobs"), json!({"employer": "Midland Engineering Ltd", "starts_on": day(-1150)})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");

        // The name is sealed: not in the stored values, nor anywhere in the files; the notes are
        // in the files.
        let people = person::Entity::find().all(&app.db.conn).await.unwrap();
        assert_eq!(people.len(), 5);
        for p in &people {
            for m in [MARKER, NAME_MARKER, "Jane", "zqx.jane", "AB123456C"] {
                assert!(!contains(&p.sealed_data, m) && !contains(&p.sealed_key, m), "{m} readable in person {}", p.id);
            }
        }
        let files = raw_files(app).await;
        let hits = holding(&files, MARKER);
        assert!(!hits.is_empty(), "the session's notes are in the files before erasure");
        if app.database_url.starts_with("postgres") {
            assert!(hits.iter().any(|l| l == "case_sessions"), "{hits:?}");
        }
        assert_eq!(holding(&files, NAME_MARKER), Vec::<String>::new(), "the sealed name is in no file");
        assert_eq!(holding(&files, "zqx.jane"), Vec::<String>::new(), "the sealed email is in no file");

        let (_, before) = api.get("/redundancy/outcomes").await;
        assert_eq!(before["total"]["registered"], 5);

        // Closed three years ago: withdrawn, declined.
        let closed_on = today().checked_sub_months(Months::new(36)).unwrap();
        let (_, c) = api.get(&format!("{path}?purpose=correction")).await;
        let (s, v) = api.send(Method::PATCH, &path, json!({"status": "withdrawn", "closed_on": closed_on.to_string(), "version": c["version"]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["closed_reason"].is_string(), "{v}");
        let (s, c) = api
            .send(Method::PATCH, &path, json!({"status": "withdrawn", "closed_reason": "declined", "closed_on": closed_on.to_string(), "version": c["version"]}))
            .await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!((c["status"].as_str(), c["closed_reason"].as_str()), (Some("withdrawn"), Some("declined")));
        let erase_after = closed_on.checked_add_months(Months::new(24)).unwrap();
        assert_eq!(c["erase_after"], erase_after.to_string());

        // Not before the retention period is over.
        let early = closed_on.checked_add_months(Months::new(23)).unwrap();
        assert_eq!(accord_app::cases::erase_expired(&app.app, early).await.unwrap(), 0);
        assert_eq!(api.get(&format!("{path}?purpose=correction")).await.0, StatusCode::OK);
        let logged = openings(app).await;
        assert_eq!(accord_app::cases::erase_expired(&app.app, today()).await.unwrap(), 1);
        assert_eq!(accord_app::cases::erase_expired(&app.app, today()).await.unwrap(), 0, "once");

        // Gone from the files, write-ahead log included. On PostgreSQL, VACUUM FULL keeps a
        // deleted row while any transaction anywhere in the cluster may still see it (another
        // test's, here; a pg_dump, in production), so the scrub is repeated until none can.
        let markers = [MARKER, NAME_MARKER, "zqx.jane", "Worried about the mortgage"];
        let mut files = raw_files(app).await;
        for _ in 0..20 {
            if markers.iter().all(|m| holding(&files, m).is_empty()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            accord_db::redundancy::scrub(&app.db.conn).await.unwrap();
            files = raw_files(app).await;
        }
        for m in markers {
            assert_eq!(holding(&files, m), Vec::<String>::new(), "{m} after erasure");
        }
        let manager = app.api(&app.token("manager@test.example").await);
        for who in [&api, &manager] {
            assert_eq!(who.get(&format!("{path}?purpose=correction")).await.0, StatusCode::NOT_FOUND);
            assert_eq!(who.get(&format!("{path}/export")).await.0, StatusCode::NOT_FOUND);
        }
        assert_eq!(person::Entity::find().count(&app.db.conn).await.unwrap(), 4);
        let (_, list) = manager.get(&cases).await;
        assert_eq!(list["total"], 4, "{list}");

        // What the worker counted for stays, without them.
        assert_eq!(case_tally::Entity::find().count(&app.db.conn).await.unwrap(), 1);
        let (_, after) = api.get("/redundancy/outcomes").await;
        assert_eq!(after["total"], before["total"], "{after}");
        assert_eq!(after["total"]["registered"], 5);
        assert_eq!(after["by_funding"], before["by_funding"]);
        assert!(after["by_funding"].as_array().unwrap().iter().any(|r| r["label"] == "ESF"), "{after}");
        let (_, e) = api.get(&format!("/redundancy/events/{eid}")).await;
        assert_eq!(e["response"]["registered"], 5);
        // The access log outlives the case.
        assert_eq!(openings(app).await, logged);
        // The erasure is in the audit trail.
        let admin = app.api(&app.token("admin@test.example").await);
        let (_, audit) = admin.get("/audit?per_page=200").await;
        assert!(
            audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "erase" && e["entity"] == "worker_case"),
            "{audit}"
        );
        assert!(!audit.to_string().contains(MARKER), "the audit trail holds no personal data");
    }

    async fn the_subject_access_export_holds_everything_but_staff_names(app) {
        app.seed().await;
        employer(app).await;
        let adviser_id = app.user_id("adviser@test.example").await;
        let first = id(&event(app, "Longbridge closure", json!([adviser_id])).await);
        let second = id(&event(app, "Supplier closures", json!([adviser_id])).await);
        let adviser = app.api(&app.token("adviser@test.example").await);
        let manager = app.api(&app.token("manager@test.example").await);
        let register = |eid: i64| {
            let api = &adviser;
            async move {
                let (s, v) = api
                    .send(
                        Method::POST,
                        &format!("/redundancy/events/{eid}/cases"),
                        json!({"name": "Jane Smith", "national_id": "AB123456C", "email": "jane.smith@example.org", "address": "1 High Street"}),
                    )
                    .await;
                assert_eq!(s, StatusCode::CREATED, "{v}");
                id(&v)
            }
        };
        let cid = register(first).await;
        let other = register(second).await;
        let path = format!("/redundancy/cases/{cid}");
        let (s, v) = adviser
            .send(Method::POST, &format!("{path}/sessions"), json!({"kind": "debt", "held_on": day(-3), "referred_to": "Debt counselling", "notes": "Behind on rent."}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = adviser
            .send(Method::POST, &format!("{path}/trainings"), json!({"provider": "North College", "course": "Welding", "funding_source": "ESF"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(adviser.get(&format!("{path}?purpose=guidance")).await.0, StatusCode::OK);
        assert_eq!(manager.get(&format!("{path}?purpose=supervision&reveal=true")).await.0, StatusCode::OK);

        let n = openings(app).await;
        let (s, x) = adviser.get(&format!("{path}/export")).await;
        assert_eq!(s, StatusCode::OK, "{x}");
        assert_eq!(openings(app).await, n + 1, "the export is logged");
        assert_eq!(x["person"]["name"], "Jane Smith");
        assert_eq!(x["person"]["national_id"], "AB123456C");
        assert_eq!(x["person"]["email"], "jane.smith@example.org");
        assert_eq!(x["person"]["address"], "1 High Street");
        assert_eq!(x["person"]["masked"], false);
        assert_eq!(x["retention_months"], 24);
        // Every case with the same national ID number, whole.
        let ids: Vec<i64> = x["cases"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(ids, [cid, other]);
        let mine = &x["cases"][0];
        assert_eq!(mine["person"]["name"], "Jane Smith");
        assert_eq!(mine["sessions"][0]["notes"], "Behind on rent.");
        assert_eq!(mine["sessions"][0]["referred_to"], "Debt counselling");
        assert_eq!(mine["trainings"][0]["funding_source"], "ESF");
        assert_eq!(mine["event"]["title"], "Longbridge closure");
        // The openings, when and why, but not by whom.
        let accesses = x["accesses"].as_array().unwrap();
        assert_eq!(accesses.len(), 2, "{x}");
        for a in accesses {
            let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys.len(), 3, "{a}");
            assert!(a["at"].is_string() && a.get("by").is_none(), "{a}");
        }
        let why: Vec<(&str, &str)> = accesses.iter().map(|a| (a["purpose"].as_str().unwrap(), a["what"].as_str().unwrap())).collect();
        assert_eq!(why, [("guidance", "case"), ("supervision", "personal_data")]);
        // No member of staff is named anywhere in it.
        for c in x["cases"].as_array().unwrap() {
            assert_eq!(c["adviser"]["name"], "", "{c}");
        }
        let text = x.to_string();
        for email in [
            "adviser@test.example",
            "manager@test.example",
            "secretariat@test.example",
            "am@test.example",
            "admin@test.example",
        ] {
            assert!(!text.contains(email), "{email} in {text}");
            assert!(!text.contains(&format!("Name of {email}")), "the name of {email} in {text}");
        }
        assert!(!text.contains("test.example"), "{text}");

        // The staff's log shows the export, and the next export lists it.
        let (_, log) = adviser.get(&format!("{path}/access-log")).await;
        let last = log.as_array().unwrap().last().unwrap().clone();
        assert_eq!((last["what"].as_str(), last["purpose"].as_str()), (Some("export"), Some("subject_access")));
        assert_eq!(last["by"], "adviser@test.example");
        let (_, again) = manager.get(&format!("{path}/export")).await;
        let whats: Vec<&str> = again["accesses"].as_array().unwrap().iter().map(|a| a["what"].as_str().unwrap()).collect();
        assert_eq!(whats, ["case", "personal_data", "export"]);
        assert!(!again.to_string().contains("test.example"));
        // Nobody outside the case exports it.
        for who in ["committee@test.example", "am@test.example", "secretariat@test.example"] {
            let api = app.api(&app.token(who).await);
            assert_eq!(api.get(&format!("{path}/export")).await.0, StatusCode::NOT_FOUND, "{who}");
        }

        // Erased at the worker's request: by a manager, once the case is closed.
        let (s, v) = manager.send(Method::POST, &format!("{path}/erase"), json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "an open case: {v}");
        let (_, c) = adviser.get(&format!("{path}?purpose=correction")).await;
        let (s, v) = adviser.send(Method::PATCH, &path, json!({"status": "withdrawn", "closed_reason": "declined", "version": c["version"]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["closed_on"], day(0));
        assert_eq!(status_of(&adviser, Method::POST, &format!("{path}/erase")).await, StatusCode::FORBIDDEN);
        assert_eq!(status_of(&manager, Method::POST, &format!("{path}/erase")).await, StatusCode::NO_CONTENT);
        assert_eq!(adviser.get(&format!("{path}/export")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(manager.get(&format!("{path}?purpose=correction")).await.0, StatusCode::NOT_FOUND);
        // The other case keeps its data, and now is all there is about her.
        let (s, x) = adviser.get(&format!("/redundancy/cases/{other}/export")).await;
        assert_eq!(s, StatusCode::OK, "{x}");
        let ids: Vec<i64> = x["cases"].as_array().unwrap().iter().map(id).collect();
        assert_eq!(ids, [other]);
        assert_eq!(x["person"]["name"], "Jane Smith");
        assert_eq!(case_tally::Entity::find().count(&app.db.conn).await.unwrap(), 1);
    }

    async fn an_events_cases_come_a_page_at_a_time_and_by_status(app) {
        app.seed().await;
        employer(app).await;
        let adviser_id = app.user_id("adviser@test.example").await;
        let eid = id(&event(app, "Paged closure", json!([adviser_id])).await);
        let api = app.api(&app.token("adviser@test.example").await);
        for n in 1..=3 {
            let (s, v) = api
                .send(Method::POST, &format!("/redundancy/events/{eid}/cases"), json!({"name": format!("Worker Number{n}")}))
                .await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (s, v) = api.get(&format!("/redundancy/events/{eid}/cases?per_page=2")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["total"].as_u64(), v["items"].as_array().map(Vec::len)), (Some(3), Some(2)));
        assert_eq!(v["items"][0]["name"], "W••• N•••");
        let (_, v) = api.get(&format!("/redundancy/events/{eid}/cases?per_page=2&page=2")).await;
        assert_eq!(v["items"].as_array().map(Vec::len), Some(1));
        let (_, v) = api.get(&format!("/redundancy/events/{eid}/cases?status=open")).await;
        assert_eq!(v["total"], 3);
        let (_, v) = api.get(&format!("/redundancy/events/{eid}/cases?status=sustained")).await;
        assert_eq!(v["total"], 0);
        let (s, v) = api.get(&format!("/redundancy/events/{eid}/cases?status=happy")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(v.to_string().contains("status"), "{v}");
        // The event's page shows the same, a page of 50 at a time, filtered by status.
        let page = app.signed_in("adviser@test.example").await.get(&format!("/redundancy/{eid}?status=open")).await;
        assert!(page.body.contains("3 cases"), "{}", page.body);
        assert!(!page.body.contains("Number1"), "names are masked in the list");
    }
}

both! {
    async fn in_the_browser_a_case_asks_why_once_a_visit_and_logs_it_once(app) {
        app.seed().await;
        employer(app).await;
        let adviser_id = app.user_id("adviser@test.example").await;
        let ev = event(app, "Longbridge closure", json!([adviser_id])).await;
        let eid = id(&ev);
        let api = app.api(&app.token("adviser@test.example").await);
        let (s, case) = api
            .send(Method::POST, &format!("/redundancy/events/{eid}/cases"), json!({"name": "Jane Smith", "email": "jane@example.org"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{case}");
        let cid = id(&case);
        let (s, job) = api
            .send(Method::POST, &format!("/redundancy/cases/{cid}/jobs"), json!({"employer": "DHL", "job_title": "Warehouse operative", "starts_on": day(-10)}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{job}");
        let week1 = id(&job["checkins"][0]);

        let b = app.signed_in("adviser@test.example").await;
        let before = openings(app).await;
        // The case asks first, naming the case by its masked name and event, with a way back,
        // and no purpose chosen for the user; asking logs nothing.
        let ask = b.get(&format!("/cases/{cid}")).await;
        assert_eq!(ask.status, StatusCode::OK);
        assert!(ask.body.contains("Why are you opening this case?"), "{}", ask.body);
        assert!(ask.body.contains("J••• S•••") && ask.body.contains("Longbridge closure"), "{}", ask.body);
        assert!(!ask.body.contains("Jane Smith"));
        assert!(ask.body.contains(&format!("href=\"/redundancy/{eid}#cases\"")));
        assert!(!ask.body.contains(" checked"), "no purpose is chosen for the user");
        assert!(ask.body.contains(&format!("name=\"next\" value=\"/cases/{cid}\"")));
        // An address that says why opens nothing: links never carry a purpose.
        let old_link = b.get(&format!("/cases/{cid}?purpose=guidance")).await;
        assert!(old_link.body.contains("Why are you opening this case?"));
        assert_eq!(openings(app).await, before, "asking is not opening");

        // No choice: asked again, naming the field, and nothing is logged.
        let none = b.post(&format!("/cases/{cid}/open"), &[("next", &format!("/cases/{cid}")), ("purpose", "")]).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(none.body.contains("Choose why you are opening the case."));
        assert_eq!(openings(app).await, before);

        // The choice opens the case once; the pages and saves of the visit log nothing more.
        let open = b.post(&format!("/cases/{cid}/open"), &[("next", &format!("/cases/{cid}/checkins/{week1}")), ("purpose", "check_in")]).await;
        assert_eq!(open.status, StatusCode::SEE_OTHER, "{}", open.body);
        assert_eq!(open.headers["location"], format!("/cases/{cid}/checkins/{week1}"), "back to the page that asked");
        assert_eq!(openings(app).await, before + 1);
        // The check-in page says which job, week and due day, asks yes or no, and moves apart.
        let k = b.get(&format!("/cases/{cid}/checkins/{week1}")).await;
        assert_eq!(k.status, StatusCode::OK, "{}", k.body);
        assert!(k.body.contains("Warehouse operative at DHL") && k.body.contains("Week 1"), "{}", k.body);
        assert!(k.body.contains("type=\"radio\" id=\"in_work-yes\"") && !k.body.contains("<select"), "yes/no as a question");
        assert!(k.body.contains("Move the check-in"));
        let version = job["checkins"][0]["version"].to_string();
        let refused = b.post(&format!("/cases/{cid}/checkins/{week1}"), &[("done_on", &day(-3)), ("version", &version)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("Warehouse operative at DHL"), "the refused form still says which check-in");
        let saved = b
            .post(&format!("/cases/{cid}/checkins/{week1}"), &[("done_on", &day(-3)), ("in_work", "yes"), ("version", &version)])
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert_eq!(saved.headers["location"], format!("/cases/{cid}"));
        let shown = b.get(&format!("/cases/{cid}")).await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(!shown.body.contains("purpose="), "no link carries a purpose");
        assert_eq!(openings(app).await, before + 1, "one opening for the whole visit");
        // Showing the personal details is logged once in the visit.
        assert!(b.get(&format!("/cases/{cid}?reveal=1")).await.body.contains("Jane Smith"));
        b.get(&format!("/cases/{cid}?reveal=1")).await;
        assert_eq!(openings(app).await, before + 2);

        // Another sign-in session is another visit: it asks again.
        let other = app.signed_in("adviser@test.example").await;
        assert!(other.get(&format!("/cases/{cid}")).await.body.contains("Why are you opening this case?"));
        // A next page elsewhere is not followed.
        let away = other.post(&format!("/cases/{cid}/open"), &[("next", "https://example.org/"), ("purpose", "guidance")]).await;
        assert_eq!(away.headers["location"], format!("/cases/{cid}"));
        let away = other.post(&format!("/cases/{cid}/open"), &[("next", &format!("/cases/{cid}//example.org")), ("purpose", "guidance")]).await;
        assert_eq!(away.headers["location"], format!("/cases/{cid}"));
        // Someone who may not open the case is not asked either.
        let am = app.signed_in("am@test.example").await;
        assert_eq!(am.get(&format!("/cases/{cid}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(am.post(&format!("/cases/{cid}/open"), &[("purpose", "guidance")]).await.status, StatusCode::NOT_FOUND);
    }
}
