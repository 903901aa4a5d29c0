//! Activities, recruitment requests, candidates, activity types and imports over the API: the
//! rules a record must keep, filters and paging, stale edits, who may do what, the audit of
//! reads, imports with their history and roll-back, and merges moving records.

use crate::both;
use crate::support::TestApp;
use accord_app::directory as dir;
use accord_app::files::Format;
use accord_app::import::Kind;
use accord_domain::{FieldError, Lang};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

async fn patch(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::PATCH, path, body).await
}

/// The English message the API gives for an error code and value.
fn msg(code: &str, value: &str) -> String {
    let e = FieldError { field: String::new(), code: code.into(), value: Some(value.into()), ..Default::default() };
    accord_web::i18n::field_error(Lang::En, &e)
}

/// Sends a file to `POST /imports?{query}` as the raw body.
async fn upload(app: &TestApp, token: &str, query: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/imports?{query}", app.url))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")))
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

fn column(list: &Value, field: &str) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|a| a[field].as_str().unwrap_or("").to_owned()).collect()
}

/// Users of both districts, and two employers in north: ORG1 (CVR 29189749, account manager
/// am@) and ORG2 (none).
async fn setup(app: &TestApp) -> (i64, i64) {
    app.seed().await;
    let token = app.token("am@test.example").await;
    let mut out = vec![];
    for body in [
        json!({"ref": "ORG1", "name": "Jensen Tømrerfirma ApS", "cvr": "29189749", "account_manager_email": "am@test.example"}),
        json!({"ref": "ORG2", "name": "Second Employer A/S"}),
    ] {
        let (s, v) = post(app, &token, "/organisations", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        out.push(v["id"].as_i64().unwrap());
    }
    (out[0], out[1])
}

const ACTIVITIES: &str = "source_id;type;organisation_ref;start_date;end_date;citizen_ref;outcome\r\n\
F1;work_placement;ORG1;03.01.2022;;CIT-1;ongoing\r\n\
F2;Løntilskud;29189749;10-02-2022;2022-05-10;CIT-2;hired\r\n\
F3;Adult apprentice;ORG2;2022-03-01;;;\r\n";

both! {
    async fn activities_over_the_api(app) {
        let (org1, org2) = setup(app).await;
        let token = app.token("am@test.example").await;
        let api = app.api(&token);

        let (s, a) = post(app, &token, "/activities", json!({
            "source_id": "CASE-1", "type": "work_placement", "organisation_ref": "ORG1",
            "start_date": "2023-01-10", "citizen_ref": "CIT-1"
        })).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_i64().unwrap();
        assert_eq!(a["source_id"], "CASE-1");
        assert_eq!(a["type"], "work_placement");
        assert_eq!(a["district"], "north");
        assert_eq!((a["organisation_id"].as_i64(), a["organisation_ref"].as_str()), (Some(org1), Some("ORG1")));
        assert_eq!(a["organisation_name"], "Jensen Tømrerfirma ApS");
        assert_eq!(a["start_date"], "2023-01-10");
        assert!(a["end_date"].is_null());
        assert_eq!(a["citizen_ref"], "CIT-1");
        assert_eq!(a["outcome"], "ongoing", "ongoing when left out");
        assert_eq!(a["account_manager_email"], "am@test.example", "the organisation's account manager");
        assert_eq!((a["source"].as_str(), a["import_id"].as_i64()), (Some("manual"), None));
        assert_eq!(a["version"], 1);
        assert!(a["created_at"].is_string() && a["updated_at"].is_string());

        // Without a source id or a district: one is made; the organisation by its CVR number;
        // the type by its Danish label; dates in the Danish form.
        let (s, m) = post(app, &token, "/activities", json!({
            "type": "Løntilskud", "organisation_ref": "29189749", "start_date": "10.02.2023",
            "end_date": "2023-05-10", "outcome": "hired"
        })).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!(m["source_id"], format!("MAN-{:06}", m["id"].as_i64().unwrap()));
        assert_eq!((m["type"].as_str(), m["organisation_ref"].as_str()), (Some("wage_subsidy"), Some("ORG1")));
        assert_eq!((m["start_date"].as_str(), m["end_date"].as_str()), (Some("2023-02-10"), Some("2023-05-10")));
        assert!(m["citizen_ref"].is_null());
        // English labels, aliases and codes in any case become the code.
        let mut on_org2 = vec![];
        for (i, (name, code)) in [
            ("Adult apprentice", "adult_apprentice"),
            ("voksenlærlinge", "adult_apprentice"),
            ("WORK EXPERIENCE", "work_placement"),
            ("Virksomhedspraktik", "work_placement"),
        ]
        .into_iter()
        .enumerate()
        {
            let body = json!({"type": name, "organisation_ref": "ORG2", "start_date": format!("2023-03-0{}", i + 1), "outcome": if i == 0 { "ended" } else { "" }});
            let (s, v) = post(app, &token, "/activities", body).await;
            assert_eq!(s, StatusCode::CREATED, "{name}: {v}");
            assert_eq!(v["type"], code, "{name}");
            assert!(v["account_manager_email"].is_null(), "ORG2 has no account manager");
            on_org2.push(v["id"].as_i64().unwrap());
        }
        let man = m["id"].as_i64().unwrap();

        // Read, list, filters and paging.
        let (s, got) = api.get(&format!("/activities/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(got["source_id"], "CASE-1");
        let (s, list) = api.get("/activities").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!((list["total"].as_u64(), list["page"].as_u64(), list["per_page"].as_u64()), (Some(6), Some(1), Some(50)));
        let newest_first = [on_org2[3], on_org2[2], on_org2[1], on_org2[0], man, id];
        assert_eq!(ids(&list), newest_first, "newest start first");
        for (query, expected) in [
            ("type=adult_apprentice".to_owned(), vec![on_org2[1], on_org2[0]]),
            ("type=Voksenl%C3%A6rling".to_owned(), vec![on_org2[1], on_org2[0]]),
            ("type=praktik".to_owned(), vec![on_org2[3], on_org2[2], id]),
            ("outcome=hired".to_owned(), vec![man]),
            ("outcome=ended".to_owned(), vec![on_org2[0]]),
            (format!("organisation_id={org1}"), vec![man, id]),
            (format!("organisation_id={org2}&type=work_placement"), vec![on_org2[3], on_org2[2]]),
            ("account_manager=am@test.example".to_owned(), vec![man, id]),
            ("from=2023-02-01&to=2023-03-02".to_owned(), vec![on_org2[1], on_org2[0], man]),
            ("from=01.03.2023".to_owned(), vec![on_org2[3], on_org2[2], on_org2[1], on_org2[0]]),
            ("q=CIT-1".to_owned(), vec![id]),
            ("q=CASE-1".to_owned(), vec![id]),
            ("q=second".to_owned(), on_org2.iter().rev().copied().collect()),
            ("district=north".to_owned(), newest_first.to_vec()),
            ("per_page=2&page=2".to_owned(), vec![on_org2[1], on_org2[0]]),
            ("per_page=4&page=2".to_owned(), vec![man, id]),
        ] {
            let (s, v) = api.get(&format!("/activities?{query}")).await;
            assert_eq!(s, StatusCode::OK, "{query}: {v}");
            assert_eq!(ids(&v), expected, "{query}");
        }
        let (_, v) = api.get("/activities?per_page=2&page=2").await;
        assert_eq!((v["total"].as_u64(), v["page"].as_u64(), v["per_page"].as_u64()), (Some(6), Some(2), Some(2)));
        // A value not of the parameter's declared form is 400; one naming nothing the caller
        // may use (a type, a member of staff, a district) 422.
        for (query, field, status) in [
            ("type=knitting", "type", StatusCode::UNPROCESSABLE_ENTITY),
            ("outcome=won", "outcome", StatusCode::BAD_REQUEST),
            ("from=31.02.2023", "from", StatusCode::BAD_REQUEST),
            ("to=soon", "to", StatusCode::BAD_REQUEST),
            ("account_manager=nobody@test.example", "account_manager", StatusCode::UNPROCESSABLE_ENTITY),
            ("district=south", "district", StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let (s, v) = api.get(&format!("/activities?{query}")).await;
            assert_eq!(s, status, "{query}: {v}");
            assert_eq!(v["error"]["code"], "invalid");
            assert!(v["error"]["fields"][field].is_string(), "{query}: {v}");
        }
        assert_eq!(msg("activity_type.unknown", "knitting"), api.get("/activities?type=knitting").await.1["error"]["fields"]["type"]);

        // What a new activity must keep; nothing refused is written.
        let base = json!({"type": "work_placement", "organisation_ref": "ORG1", "start_date": "2023-06-01"});
        let with = |extra: Value| {
            let mut b = base.clone();
            b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            b
        };
        for (body, fields, why) in [
            (with(json!({"type": "knitting"})), vec![("type", msg("activity_type.unknown", "knitting"))], "unknown type"),
            (with(json!({"citizen_ref": "010203-1234"})), vec![("citizen_ref", msg("citizen_ref.national_id", "010203-1234"))], "a CPR number"),
            (with(json!({"citizen_ref": "0102031234"})), vec![("citizen_ref", msg("citizen_ref.national_id", "0102031234"))], "a CPR number without dash"),
            (with(json!({"citizen_ref": "QQ123456C"})), vec![("citizen_ref", msg("citizen_ref.national_id", "QQ123456C"))], "a National Insurance number"),
            (with(json!({"citizen_ref": "Hans Hansen"})), vec![("citizen_ref", msg("citizen_ref.format", "Hans Hansen"))], "a name"),
            (
                with(json!({"end_date": "2023-05-31"})),
                vec![("start_date", msg("period.end_before_start", "2023-06-01")), ("end_date", msg("period.end_before_start", "2023-05-31"))],
                "end before start",
            ),
            (with(json!({"start_date": "31.02.2023"})), vec![("start_date", msg("date.impossible", "31.02.2023"))], "no such day"),
            (with(json!({"outcome": "won"})), vec![("outcome", msg("activity.outcome_unknown", "won"))], "unknown outcome"),
            (with(json!({"organisation_ref": "NOPE"})), vec![("organisation_ref", msg("org.unknown", "NOPE"))], "unknown organisation"),
            (with(json!({"account_manager_email": "nobody@test.example"})), vec![("account_manager_email", String::new())], "unknown account manager"),
            (json!({"organisation_ref": "ORG1"}), vec![("type", msg("field.required", "")), ("start_date", msg("field.required", ""))], "required fields"),
            (with(json!({"source_id": "CASE-1"})), vec![("source_id", msg("activity.duplicate", "CASE-1"))], "a source id in use"),
        ] {
            let (s, v) = post(app, &token, "/activities", body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {v}");
            assert_eq!(v["error"]["code"], "invalid", "{why}");
            for (field, message) in fields {
                assert!(v["error"]["fields"][field].is_string(), "{why}: {field} in {v}");
                if !message.is_empty() {
                    assert_eq!(v["error"]["fields"][field], message, "{why}");
                }
            }
        }
        let (s, v) = post(app, &token, "/activities", json!({"organisation_ref": "ORG1", "type": "work_placement"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(v["error"]["fields"].as_object().unwrap().keys().collect::<Vec<_>>(), ["start_date"], "only what is wrong is named");
        assert_eq!(api.get("/activities").await.1["total"], 6, "nothing refused was written");

        // Changes carry the version read; only the fields given change.
        let path = format!("/activities/{id}");
        let (s, v) = patch(app, &token, &path, json!({"outcome": "hired", "end_date": "2023-04-30", "version": 1})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["outcome"].as_str(), v["end_date"].as_str(), v["version"].as_i64()), (Some("hired"), Some("2023-04-30"), Some(2)));
        assert_eq!((v["type"].as_str(), v["citizen_ref"].as_str(), v["source_id"].as_str()), (Some("work_placement"), Some("CIT-1"), Some("CASE-1")));
        assert_eq!(v["account_manager_email"], "am@test.example");
        let (s, v) = patch(app, &token, &path, json!({"outcome": "ended", "version": 1})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["error"]["code"], "conflict");
        assert_eq!((v["error"]["current"]["outcome"].as_str(), v["error"]["current"]["version"].as_i64()), (Some("hired"), Some(2)));
        assert_eq!(v["error"]["changed"], json!(["outcome"]));
        let (s, v) = patch(app, &token, &path, json!({"end_date": "2022-12-31", "version": 2})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["start_date"].is_string() && v["error"]["fields"]["end_date"].is_string(), "{v}");
        for bad in ["Hans Hansen", "010203-1234"] {
            let (s, v) = patch(app, &token, &path, json!({"citizen_ref": bad, "version": 2})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert!(v["error"]["fields"]["citizen_ref"].is_string(), "{v}");
        }
        let (s, v) = patch(app, &token, &path, json!({"type": "Jobrotation", "version": 2})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["type"].as_str(), v["version"].as_i64()), (Some("job_rotation"), Some(3)));
        let (s, v) = patch(app, &token, &path, json!({"citizen_ref": "", "end_date": "", "organisation_ref": "ORG2", "version": 3})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["citizen_ref"].is_null() && v["end_date"].is_null(), "an empty string clears: {v}");
        assert_eq!((v["organisation_ref"].as_str(), v["organisation_id"].as_i64()), (Some("ORG2"), Some(org2)));
        assert_eq!(v["source_id"], "CASE-1");
        let (s, v) = patch(app, &token, &path, json!({"source_id": "F2-MAN", "version": 4})).await;
        assert_eq!((s, v["source_id"].as_str()), (StatusCode::OK, Some("F2-MAN")));
        let (s, v) = patch(app, &token, &format!("/activities/{man}"), json!({"source_id": "F2-MAN", "version": 1})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a source id in use: {v}");
        assert!(v["error"]["fields"]["source_id"].is_string());
        let (s, v) = patch(app, &token, &path, json!({"outcome": "hired"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a version is needed: {v}");
        assert_eq!(api.get("/activities/999999").await.0, StatusCode::NOT_FOUND);
        assert_eq!(patch(app, &token, "/activities/999999", json!({"outcome": "hired", "version": 1})).await.0, StatusCode::NOT_FOUND);
    }

    async fn retired_types_are_refused_for_new_records_and_kept_on_old_ones(app) {
        setup(app).await;
        let token = app.token("am@test.example").await;
        let admin = app.token("admin@test.example").await;
        let (_, old) = post(app, &token, "/activities", json!({"type": "job_rotation", "organisation_ref": "ORG1", "start_date": "2022-01-01"})).await;
        let (_, other) = post(app, &token, "/activities", json!({"type": "flex_job", "organisation_ref": "ORG1", "start_date": "2022-01-01"})).await;
        let (s, t) = patch(app, &admin, "/activity-types/job_rotation", json!({"retired": true})).await;
        assert_eq!(s, StatusCode::OK, "{t}");
        assert_eq!((t["retired"].as_bool(), t["builtin"].as_bool()), (Some(true), Some(true)));

        for name in ["job_rotation", "Jobrotation", "Job rotation"] {
            let (s, v) = post(app, &token, "/activities", json!({"type": name, "organisation_ref": "ORG1", "start_date": "2023-01-01"})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {v}");
            assert_eq!(v["error"]["fields"]["type"], msg("activity_type.retired", name));
        }
        // The activity that has it keeps it through other changes.
        let (s, v) = patch(app, &token, &format!("/activities/{}", old["id"]), json!({"outcome": "hired", "version": 1})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["type"].as_str(), v["outcome"].as_str()), (Some("job_rotation"), Some("hired")));
        let (s, v) = patch(app, &token, &format!("/activities/{}", old["id"]), json!({"type": "Job rotation", "version": 2})).await;
        assert_eq!(s, StatusCode::OK, "its own type by label: {v}");
        // Another activity cannot take it up.
        let (s, v) = patch(app, &token, &format!("/activities/{}", other["id"]), json!({"type": "job_rotation", "version": 1})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["fields"]["type"], msg("activity_type.retired", "job_rotation"));
        // Records with it are still found by it.
        let (_, list) = app.api(&token).get("/activities?type=job_rotation").await;
        assert_eq!(ids(&list), [old["id"].as_i64().unwrap()]);
        // An import is held to the same rule.
        let file = "source_id,type,organisation_ref,start_date\nR1,Jobrotation,ORG1,2023-01-01\n";
        let (s, v) = upload(app, &token, "kind=activities", "text/csv", file.into()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!((v["error"]["lines"][0]["line"].as_i64(), v["error"]["lines"][0]["code"].as_str()), (Some(2), Some("activity_type.retired")));
        // Brought back, it is taken again.
        let (s, _) = patch(app, &admin, "/activity-types/job_rotation", json!({"retired": false})).await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = post(app, &token, "/activities", json!({"type": "Jobrotation", "organisation_ref": "ORG1", "start_date": "2023-01-01"})).await;
        assert_eq!((s, v["type"].as_str()), (StatusCode::CREATED, Some("job_rotation")));
    }

    async fn recruitment_requests_and_candidates_over_the_api(app) {
        let (org1, _) = setup(app).await;
        let token = app.token("am@test.example").await;
        let api = app.api(&token);
        let (s, r) = post(app, &token, "/recruitment-requests", json!({
            "source_id": "RQ-1", "organisation_ref": "ORG1", "title": "Warehouse operative", "occupation": "Lagerarbejder",
            "positions": 5, "received_date": "2023-01-05", "deadline": "2023-02-01", "hires": 2
        })).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let id = r["id"].as_i64().unwrap();
        assert_eq!((r["source_id"].as_str(), r["district"].as_str(), r["organisation_id"].as_i64()), (Some("RQ-1"), Some("north"), Some(org1)));
        assert_eq!((r["title"].as_str(), r["occupation"].as_str()), (Some("Warehouse operative"), Some("Lagerarbejder")));
        assert_eq!((r["positions"].as_i64(), r["hires"].as_i64(), r["status"].as_str()), (Some(5), Some(2), Some("open")));
        assert_eq!((r["received_date"].as_str(), r["deadline"].as_str()), (Some("2023-01-05"), Some("2023-02-01")));
        assert_eq!((r["source"].as_str(), r["version"].as_i64()), (Some("manual"), Some(1)));
        assert_eq!(r["account_manager_email"], "am@test.example");
        assert_eq!(r["candidates"], json!([]));
        let (s, m) = post(app, &token, "/recruitment-requests", json!({"organisation_ref": "ORG2", "title": "Chef", "received_date": "01.03.2023"})).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        let man = m["id"].as_i64().unwrap();
        assert_eq!(m["source_id"], format!("REQ-{man:06}"));
        assert_eq!((m["positions"].as_i64(), m["status"].as_str(), m["hires"].as_i64()), (Some(1), Some("open"), None));

        let base = json!({"organisation_ref": "ORG1", "title": "Baker", "received_date": "2023-04-01"});
        let with = |extra: Value| {
            let mut b = base.clone();
            b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            b
        };
        for (body, field, message, why) in [
            (with(json!({"positions": 3, "hires": 4})), "hires", msg("request.hires_over_positions", "4"), "more hires than positions"),
            (with(json!({"hires": 2})), "hires", msg("request.hires_over_positions", "2"), "one position by default"),
            (with(json!({"positions": 0})), "positions", msg("number.positive", "0"), "no positions"),
            (with(json!({"hires": -1})), "hires", msg("number.not_negative", "-1"), "negative hires"),
            (with(json!({"deadline": "2023-03-31"})), "deadline", msg("request.deadline_before_received", "2023-03-31"), "deadline before received"),
            (with(json!({"status": "done"})), "status", msg("request.status_unknown", "done"), "unknown status"),
            (with(json!({"title": ""})), "title", msg("field.required", ""), "no title"),
            (with(json!({"source_id": "RQ-1"})), "source_id", msg("request.duplicate", "RQ-1"), "a source id in use"),
        ] {
            let (s, v) = post(app, &token, "/recruitment-requests", body).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {v}");
            assert_eq!(v["error"]["fields"][field], message, "{why}: {v}");
        }

        // The list adds the positions and hires of every request the filter matches.
        let (s, list) = api.get("/recruitment-requests").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!(ids(&list), [man, id], "newest received first");
        assert_eq!((list["total"].as_u64(), list["positions"].as_i64(), list["hires"].as_i64()), (Some(2), Some(6), Some(2)));
        assert_eq!((list["page"].as_u64(), list["per_page"].as_u64()), (Some(1), Some(50)));
        assert_eq!(list["items"][0]["candidates"], json!([]));
        for (query, expected, positions, hires) in [
            ("status=open".to_owned(), vec![man, id], 6, 2),
            ("status=filled".to_owned(), vec![], 0, 0),
            ("q=warehouse".to_owned(), vec![id], 5, 2),
            ("q=RQ-1".to_owned(), vec![id], 5, 2),
            ("q=second".to_owned(), vec![man], 1, 0),
            (format!("organisation_id={org1}"), vec![id], 5, 2),
            ("account_manager=am@test.example".to_owned(), vec![id], 5, 2),
            ("from=2023-02-01".to_owned(), vec![man], 1, 0),
            ("to=2023-02-01".to_owned(), vec![id], 5, 2),
            ("district=north&per_page=1&page=2".to_owned(), vec![id], 6, 2),
        ] {
            let (s, v) = api.get(&format!("/recruitment-requests?{query}")).await;
            assert_eq!(s, StatusCode::OK, "{query}: {v}");
            assert_eq!(ids(&v), expected, "{query}");
            assert_eq!((v["positions"].as_i64(), v["hires"].as_i64()), (Some(positions), Some(hires)), "{query}");
        }
        for (query, field, status) in [
            ("status=done", "status", StatusCode::BAD_REQUEST),
            ("from=x", "from", StatusCode::BAD_REQUEST),
            ("account_manager=x@test.example", "account_manager", StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let (s, v) = api.get(&format!("/recruitment-requests?{query}")).await;
            assert_eq!(s, status, "{query}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{query}: {v}");
        }

        // Changes with a version; null clears the hires.
        let path = format!("/recruitment-requests/{id}");
        let (s, v) = patch(app, &token, &path, json!({"status": "filled", "hires": 5, "version": 1})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["status"].as_str(), v["hires"].as_i64(), v["version"].as_i64()), (Some("filled"), Some(5), Some(2)));
        assert_eq!((v["title"].as_str(), v["positions"].as_i64(), v["deadline"].as_str()), (Some("Warehouse operative"), Some(5), Some("2023-02-01")));
        let (s, v) = patch(app, &token, &path, json!({"status": "withdrawn", "version": 1})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!((v["error"]["current"]["status"].as_str(), v["error"]["current"]["version"].as_i64()), (Some("filled"), Some(2)));
        assert_eq!(v["error"]["changed"], json!(["status"]));
        let (s, v) = patch(app, &token, &path, json!({"positions": 4, "version": 2})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "fewer positions than hires: {v}");
        assert!(v["error"]["fields"]["hires"].is_string());
        let (s, v) = patch(app, &token, &path, json!({"hires": null, "deadline": "", "positions": 4, "version": 2})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["hires"].is_null() && v["deadline"].is_null(), "{v}");
        assert_eq!((v["positions"].as_i64(), v["status"].as_str()), (Some(4), Some("filled")), "left out: kept");
        let (_, list) = api.get("/recruitment-requests").await;
        assert_eq!((list["positions"].as_i64(), list["hires"].as_i64()), (Some(5), Some(0)));

        // Candidates: referred, then what came of them.
        let cpath = format!("/recruitment-requests/{id}/candidates");
        let (s, v) = post(app, &token, &cpath, json!({"citizen_ref": "CIT-7"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["id"], id);
        assert_eq!(v["candidates"].as_array().unwrap().len(), 1);
        assert_eq!((v["candidates"][0]["citizen_ref"].as_str(), v["candidates"][0]["outcome"].as_str()), (Some("CIT-7"), Some("referred")));
        let cid = v["candidates"][0]["id"].as_i64().unwrap();
        let (s, v) = post(app, &token, &cpath, json!({"citizen_ref": "CIT-8", "outcome": "interviewed"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(column(&json!({"items": v["candidates"]}), "outcome"), ["referred", "interviewed"]);
        for (body, field, message) in [
            (json!({"citizen_ref": "010203-1234"}), "citizen_ref", msg("citizen_ref.national_id", "010203-1234")),
            (json!({"citizen_ref": "Hans Hansen"}), "citizen_ref", msg("citizen_ref.format", "Hans Hansen")),
            (json!({}), "citizen_ref", msg("field.required", "")),
            (json!({"citizen_ref": "CIT-9", "outcome": "won"}), "outcome", msg("candidate.outcome_unknown", "won")),
        ] {
            let (s, v) = post(app, &token, &cpath, body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert_eq!(v["error"]["fields"][field], message, "{body}");
        }
        let (s, v) = patch(app, &token, &format!("{cpath}/{cid}"), json!({"outcome": "hired"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["candidates"][0]["outcome"], "hired");
        let (s, v) = patch(app, &token, &format!("{cpath}/{cid}"), json!({"citizen_ref": "CIT-77"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["candidates"][0]["citizen_ref"].as_str(), v["candidates"][0]["outcome"].as_str()), (Some("CIT-77"), Some("hired")), "outcome left out: kept");
        let (s, v) = patch(app, &token, &format!("{cpath}/{cid}"), json!({"outcome": "won"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, v) = patch(app, &token, &format!("{cpath}/{cid}"), json!({"citizen_ref": "0102031234"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(patch(app, &token, &format!("{cpath}/999999"), json!({"outcome": "hired"})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(patch(app, &token, &format!("{cpath}/999999"), json!({})).await.0, StatusCode::NOT_FOUND);
        let other = format!("/recruitment-requests/{man}/candidates/{cid}");
        assert_eq!(patch(app, &token, &other, json!({"outcome": "hired"})).await.0, StatusCode::NOT_FOUND, "another request's candidate");
        assert_eq!(patch(app, &token, &other, json!({})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(post(app, &token, "/recruitment-requests/999999/candidates", json!({"citizen_ref": "CIT-1"})).await.0, StatusCode::NOT_FOUND);
        let (s, v) = api.get(&path).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(column(&json!({"items": v["candidates"]}), "citizen_ref"), ["CIT-77", "CIT-8"]);
        assert_eq!(api.get("/recruitment-requests/999999").await.0, StatusCode::NOT_FOUND);
    }

    async fn read_only_roles_and_other_districts(app) {
        setup(app).await;
        let token = app.token("am@test.example").await;
        let (_, a) = post(app, &token, "/activities", json!({"type": "work_placement", "organisation_ref": "ORG1", "start_date": "2023-01-01", "citizen_ref": "CIT-1"})).await;
        let (_, r) = post(app, &token, "/recruitment-requests", json!({"organisation_ref": "ORG1", "title": "Baker", "received_date": "2023-01-01"})).await;
        let (_, r) = post(app, &token, &format!("/recruitment-requests/{}/candidates", r["id"]), json!({"citizen_ref": "CIT-2"})).await;
        let (a_path, r_path) = (format!("/activities/{}", a["id"]), format!("/recruitment-requests/{}", r["id"]));
        let c_path = format!("{r_path}/candidates/{}", r["candidates"][0]["id"]);
        let new_activity = json!({"type": "work_placement", "organisation_ref": "ORG1", "start_date": "2023-02-01"});
        let new_request = json!({"organisation_ref": "ORG1", "title": "Cook", "received_date": "2023-02-01"});

        // The committee reads and changes nothing; so does an adviser.
        for email in ["committee@test.example", "adviser@test.example"] {
            let t = app.token(email).await;
            let api = app.api(&t);
            for path in ["/activities", a_path.as_str(), "/recruitment-requests", r_path.as_str(), "/activity-types"] {
                assert_eq!(api.get(path).await.0, StatusCode::OK, "{email} reads {path}");
            }
            for (method, path, body) in [
                (Method::POST, "/activities".to_owned(), new_activity.clone()),
                (Method::PATCH, a_path.clone(), json!({"outcome": "hired", "version": 1})),
                (Method::POST, "/recruitment-requests".to_owned(), new_request.clone()),
                (Method::PATCH, r_path.clone(), json!({"status": "filled", "version": 1})),
                (Method::POST, format!("{r_path}/candidates"), json!({"citizen_ref": "CIT-3"})),
                (Method::PATCH, c_path.clone(), json!({"outcome": "hired"})),
                (Method::POST, "/activity-types".to_owned(), json!({"code": "x", "label_en": "X", "label_da": "X"})),
                (Method::PATCH, "/activity-types/flex_job".to_owned(), json!({"label_en": "Flexi job"})),
                (Method::POST, "/imports/1/rollback".to_owned(), json!({})),
            ] {
                let (s, v) = api.send(method.clone(), &path, body).await;
                assert_eq!(s, StatusCode::FORBIDDEN, "{email}: {method} {path}: {v}");
                assert_eq!(v["error"]["code"], "forbidden");
            }
            let (s, _) = upload(app, &t, "kind=activities", "text/csv", "source_id,type,organisation_ref,start_date\nX,work_placement,ORG1,2023-01-01\n".into()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{email} imports");
        }
        // A partner sees none of it.
        let partner = app.token("partner@test.example").await;
        for path in ["/activities", a_path.as_str(), "/recruitment-requests", r_path.as_str(), "/activity-types", "/activity-types/flex_job", "/imports"] {
            assert_eq!(app.api(&partner).get(path).await.0, StatusCode::FORBIDDEN, "partner reads {path}");
        }
        assert_eq!(post(app, &partner, "/activities", new_activity.clone()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(patch(app, &partner, &a_path, json!({"outcome": "hired", "version": 1})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(post(app, &partner, "/recruitment-requests", new_request.clone()).await.0, StatusCode::FORBIDDEN);
        // Another district's records are not there.
        let south = app.token("south@test.example").await;
        let api = app.api(&south);
        for path in [a_path.as_str(), r_path.as_str()] {
            let (s, v) = api.get(path).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(v["error"]["code"], "not_found");
        }
        assert_eq!(patch(app, &south, &a_path, json!({"outcome": "hired", "version": 1})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(patch(app, &south, &r_path, json!({"status": "filled", "version": 1})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(post(app, &south, &format!("{r_path}/candidates"), json!({"citizen_ref": "CIT-3"})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(patch(app, &south, &c_path, json!({"outcome": "hired"})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(api.get("/activities").await.1["total"], 0);
        assert_eq!(api.get("/recruitment-requests").await.1["total"], 0);
        let (s, v) = post(app, &south, "/activities", new_activity.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "another district's organisation is unknown: {v}");
        assert_eq!(v["error"]["fields"]["organisation_ref"], msg("org.unknown", "ORG1"));
        // An administrator sees every district.
        let admin = app.api(&app.token("admin@test.example").await);
        assert_eq!(admin.get(&a_path).await.0, StatusCode::OK);
        assert_eq!(admin.get("/activities").await.1["total"], 1);
        let (s, v) = admin.send(Method::POST, "/activities", new_activity.clone()).await;
        assert_eq!((s, v["district"].as_str()), (StatusCode::CREATED, Some("north")), "the district from the organisation: {v}");
        // Without credentials.
        assert_eq!(app.api("acc_wrong").get("/activities").await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.api("acc_wrong").get("/imports").await.0, StatusCode::UNAUTHORIZED);
    }

    async fn reading_an_activity_that_names_a_citizen_is_audited(app) {
        setup(app).await;
        let token = app.token("am@test.example").await;
        let api = app.api(&token);
        let (_, named) = post(app, &token, "/activities", json!({"type": "work_placement", "organisation_ref": "ORG1", "start_date": "2023-01-01", "citizen_ref": "CIT-1"})).await;
        let (_, anonymous) = post(app, &token, "/activities", json!({"type": "work_placement", "organisation_ref": "ORG1", "start_date": "2023-01-02"})).await;
        for _ in 0..2 {
            assert_eq!(api.get(&format!("/activities/{}", named["id"])).await.0, StatusCode::OK);
        }
        assert_eq!(api.get(&format!("/activities/{}", anonymous["id"])).await.0, StatusCode::OK);
        assert_eq!(api.get("/activities").await.0, StatusCode::OK);
        let (s, _) = patch(app, &token, &format!("/activities/{}", named["id"]), json!({"outcome": "hired", "version": 1})).await;
        assert_eq!(s, StatusCode::OK);

        let admin = app.api(&app.token("admin@test.example").await);
        let (_, v) = admin.get(&format!("/audit?entity=activity&entity_id={}&action=read", named["id"])).await;
        assert_eq!(v["total"], 2, "each read, not the list or the change: {v}");
        assert_eq!(v["items"][0]["actor"], "am@test.example");
        let (_, v) = admin.get(&format!("/audit?entity=activity&entity_id={}&action=read", anonymous["id"])).await;
        assert_eq!(v["total"], 0, "no citizen named, nothing to log: {v}");
        let (_, v) = admin.get(&format!("/audit?entity=activity&entity_id={}", named["id"])).await;
        let actions: Vec<String> = column(&v, "action");
        assert_eq!(actions, ["update", "read", "read", "create"]);
        assert_eq!((v["items"][0]["before"]["outcome"].as_str(), v["items"][0]["after"]["outcome"].as_str()), (Some("ongoing"), Some("hired")));
        // A request's candidates name citizens too: its read is logged once it has any.
        let (_, r) = post(app, &token, "/recruitment-requests", json!({"organisation_ref": "ORG1", "title": "Baker", "received_date": "2023-01-01"})).await;
        let r_path = format!("/recruitment-requests/{}", r["id"]);
        assert_eq!(api.get(&r_path).await.0, StatusCode::OK);
        let reads = format!("/audit?entity=recruitment_request&entity_id={}&action=read", r["id"]);
        assert_eq!(admin.get(&reads).await.1["total"], 0, "no candidates, nothing to log");
        let (s, v) = post(app, &token, &format!("{r_path}/candidates"), json!({"citizen_ref": "CIT-5"})).await;
        assert_eq!(s, StatusCode::CREATED);
        let candidate = format!("{r_path}/candidates/{}", v["candidates"][0]["id"]);
        assert_eq!(patch(app, &token, &candidate, json!({"citizen_ref": "CIT-6"})).await.0, StatusCode::OK);
        assert_eq!(patch(app, &token, &r_path, json!({"title": "Head baker", "version": 1})).await.0, StatusCode::OK);
        assert_eq!(admin.get(&reads).await.1["total"], 0, "changes are logged as changes, not reads");
        assert_eq!(api.get(&r_path).await.0, StatusCode::OK);
        let (_, v) = admin.get(&reads).await;
        assert_eq!((v["total"].as_u64(), v["items"][0]["actor"].as_str()), (Some(1), Some("am@test.example")));
        // A manager of the district sees the reads too.
        let manager = app.api(&app.token("manager@test.example").await);
        let (_, v) = manager.get(&format!("/audit?entity=activity&entity_id={}&action=read", named["id"])).await;
        assert_eq!(v["total"], 2);
    }

    async fn activity_types_over_the_api(app) {
        setup(app).await;
        let admin = app.token("admin@test.example").await;
        let am = app.token("am@test.example").await;
        let (s, list) = app.api(&am).get("/activity-types").await;
        assert_eq!(s, StatusCode::OK, "{list}");
        assert_eq!((list["total"].as_u64(), list["page"].as_u64(), list["per_page"].as_u64()), (Some(12), Some(1), Some(50)));
        let codes = column(&list, "code");
        for code in ["work_placement", "wage_subsidy", "flex_job", "utility_job", "personal_assistance", "job_rotation", "adult_apprentice", "job_placing", "new_deal_start", "work_trial", "pre_employment_training", "apprenticeship"] {
            assert!(codes.contains(&code.to_owned()), "{code} built in");
        }
        let wp = list["items"].as_array().unwrap().iter().find(|t| t["code"] == "work_placement").unwrap();
        assert_eq!(wp["label_en"], "Work placement");
        assert_eq!(wp["label_da"], "Virksomhedspraktik");
        assert_eq!(wp["aliases"], json!(["praktik", "work experience"]));
        assert_eq!((wp["builtin"].as_bool(), wp["retired"].as_bool(), wp["counts"].as_bool()), (Some(true), Some(false), Some(true)));
        assert!(wp["position"].is_i64());
        let (_, page) = app.api(&am).get("/activity-types?per_page=5&page=3").await;
        assert_eq!(page["items"].as_array().unwrap().len(), 2);

        // Administrators add types; nobody else does.
        let new = json!({"code": "mentor_scheme", "label_en": "Mentor scheme", "label_da": "Mentorordning", "aliases": ["mentor", "mentorforløb"]});
        let (s, v) = post(app, &am, "/activity-types", new.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        let (s, t) = post(app, &admin, "/activity-types", new.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{t}");
        assert_eq!(t, json!({"code": "mentor_scheme", "label_en": "Mentor scheme", "label_da": "Mentorordning", "aliases": ["mentor", "mentorforløb"], "counts": true, "builtin": false, "retired": false, "position": 1000}));
        assert_eq!(app.api(&am).get("/activity-types/mentor_scheme").await.1, t);
        assert_eq!(app.api(&am).get("/activity-types").await.1["total"], 13);
        let (_, a) = post(app, &am, "/activities", json!({"type": "mentorforløb", "organisation_ref": "ORG1", "start_date": "2023-01-01"})).await;
        assert_eq!(a["type"], "mentor_scheme", "by its alias");

        // No name may lead to two types; codes are unique and well formed.
        for (body, field, message) in [
            (json!({"code": "placement2", "label_en": "Work placement", "label_da": "Praktik 2"}), "label_en", msg("activity_type.name_taken", "Work placement (work_placement)")),
            (json!({"code": "placement2", "label_en": "Placement 2", "label_da": "løntilskud"}), "label_da", msg("activity_type.name_taken", "løntilskud (wage_subsidy)")),
            (json!({"code": "placement2", "label_en": "Placement 2", "label_da": "Praktik 2", "aliases": ["praktik"]}), "aliases", msg("activity_type.name_taken", "praktik (work_placement)")),
            (json!({"code": "placement2", "label_en": "Placement 2", "label_da": "Praktik 2", "aliases": ["flex_job"]}), "aliases", msg("activity_type.name_taken", "flex_job (flex_job)")),
            (json!({"code": "praktik", "label_en": "Placement 2", "label_da": "Praktik 2"}), "code", msg("activity_type.name_taken", "praktik (work_placement)")),
            (json!({"code": "mentor", "label_en": "Mentors", "label_da": "Mentorer"}), "code", msg("activity_type.name_taken", "mentor (mentor_scheme)")),
            (json!({"code": "mentor_scheme", "label_en": "Mentors", "label_da": "Mentorer"}), "code", msg("activity_type.duplicate", "mentor_scheme")),
            (json!({"code": "Mentor Scheme", "label_en": "Mentors", "label_da": "Mentorer"}), "code", msg("activity_type.code_format", "Mentor Scheme")),
            (json!({"code": "placement2", "label_en": "", "label_da": "Praktik 2"}), "label_en", msg("field.required", "")),
        ] {
            let (s, v) = post(app, &admin, "/activity-types", body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert_eq!(v["error"]["fields"][field], message, "{body}: {v}");
        }
        let who = app.actor("admin@test.example").await;
        let clash = accord_app::activities::TypeInput { code: "placement2".into(), label_en: "Work placement".into(), label_da: "Praktik 2".into(), ..Default::default() };
        let err = accord_app::activities::save_type(&app.app, &who, None, &clash).await.unwrap_err();
        assert!(matches!(&err, accord_app::AppError::Invalid(e) if e.0.iter().any(|f| f.field == "label_en" && f.code == "activity_type.name_taken")), "{err:?}");

        // A rename keeps the code, so records keep their type; the new name finds it.
        let (s, v) = patch(app, &admin, "/activity-types/mentor_scheme", json!({"label_en": "Mentoring", "position": 5})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["code"].as_str(), v["label_en"].as_str(), v["label_da"].as_str(), v["position"].as_i64()), (Some("mentor_scheme"), Some("Mentoring"), Some("Mentorordning"), Some(5)));
        assert_eq!(v["aliases"], json!(["mentor", "mentorforløb"]), "left out: kept");
        let (s, v) = patch(app, &admin, "/activity-types/work_placement", json!({"label_en": "Company placement", "aliases": ["praktikforløb"], "counts": false})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["code"].as_str(), v["builtin"].as_bool(), v["counts"].as_bool()), (Some("work_placement"), Some(true), Some(false)));
        assert_eq!(v["aliases"], json!(["praktikforløb"]), "a list given replaces");
        let (_, got) = app.api(&am).get(&format!("/activities/{}", a["id"])).await;
        assert_eq!(got["type"], "mentor_scheme");
        for (name, code) in [("Mentoring", "mentor_scheme"), ("Company placement", "work_placement"), ("praktikforløb", "work_placement")] {
            let (s, v) = post(app, &am, "/activities", json!({"type": name, "organisation_ref": "ORG1", "start_date": "2023-01-01"})).await;
            assert_eq!((s, v["type"].as_str()), (StatusCode::CREATED, Some(code)), "{name}: {v}");
        }
        let (s, v) = patch(app, &admin, "/activity-types/mentor_scheme", json!({"label_da": "Fleksjob"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["fields"]["label_da"], msg("activity_type.name_taken", "Fleksjob (flex_job)"));
        let (s, v) = patch(app, &admin, "/activity-types/mentor_scheme", json!({"label_en": "Mentor scheme"})).await;
        assert_eq!(s, StatusCode::OK, "its own former name is free: {v}");
        assert_eq!(patch(app, &am, "/activity-types/mentor_scheme", json!({"label_en": "x"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(patch(app, &admin, "/activity-types/no_such_type", json!({"label_en": "x"})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.api(&am).get("/activity-types/no_such_type").await.0, StatusCode::NOT_FOUND);
        // Every change is in the audit trail.
        let (_, v) = app.api(&admin).get("/audit?entity=activity_type&entity_id=mentor_scheme").await;
        assert_eq!(column(&v, "action"), ["update", "update", "create"]);
    }

    async fn imports_over_the_api(app) {
        setup(app).await;
        let token = app.token("am@test.example").await;
        let api = app.api(&token);

        // A dry run counts and writes nothing.
        let (s, v) = upload(app, &token, "kind=activities&dry_run=true", "text/csv", ACTIVITIES.into()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, json!({"kind": "activities", "rows": 3, "added": 3, "updated": 0, "unchanged": 0, "dry_run": true, "import_id": null}));
        assert_eq!(api.get("/activities").await.1["total"], 0);
        assert_eq!(api.get("/imports").await.1["total"], 0);

        // A bad file: every bad line named, nothing written, nothing in the history.
        let bad = "source_id,type,organisation_ref,start_date,end_date,citizen_ref,outcome\n\
N1,work_placement,ORG1,2022-01-03,,,\n\
N2,knitting,ORG1,2022-01-03,,,\n\
N3,work_placement,NOPE,2022-01-03,,,\n\
N4,work_placement,ORG1,2022-05-01,2022-04-01,,\n\
N5,work_placement,ORG1,2022-05-01,,010203-1234,\n\
N6,work_placement,ORG1,2022-05-01,,Hans Hansen,\n\
N1,work_placement,ORG1,2022-01-03,,,\n";
        for dry in ["false", "true"] {
            let (s, v) = upload(app, &token, &format!("kind=activities&dry_run={dry}&filename=bad.csv"), "text/csv", bad.into()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            let e = &v["error"];
            assert_eq!(e["code"], "invalid");
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
            assert_eq!((e["more"].as_u64(), e["rows"].as_u64()), (Some(0), Some(7)));
            let lines: Vec<(i64, &str, &str)> = e["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| (l["line"].as_i64().unwrap(), l["field"].as_str().unwrap(), l["code"].as_str().unwrap()))
                .collect();
            assert_eq!(lines, [
                (3, "type", "activity_type.unknown"),
                (4, "organisation_ref", "org.unknown"),
                (5, "start_date", "period.end_before_start"),
                (5, "end_date", "period.end_before_start"),
                (6, "citizen_ref", "citizen_ref.national_id"),
                (7, "citizen_ref", "citizen_ref.format"),
                (8, "source_id", "import.source_repeated"),
            ], "{dry}");
            assert_eq!(e["lines"][0]["value"], "knitting");
            assert_eq!(e["lines"][0]["message"], msg("activity_type.unknown", "knitting"));
            assert_eq!(e["fields"]["type"], msg("activity_type.unknown", "knitting"));
            assert_eq!(e["fields"]["citizen_ref"], msg("citizen_ref.national_id", "010203-1234"), "the first per column");
        }
        let (s, v) = upload(app, &token, "kind=activities", "text/csv", "source_id,type,start_date,colour\nX,work_placement,2022-01-01,red\n".into()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let header: Vec<(&str, &str)> = v["error"]["lines"].as_array().unwrap().iter().map(|l| (l["field"].as_str().unwrap(), l["code"].as_str().unwrap())).collect();
        assert!(header.contains(&("header", "import.unknown_columns")) && header.contains(&("organisation_ref", "import.missing_column")), "{header:?}");
        let (s, v) = upload(app, &token, "kind=activities", "text/csv", Vec::new()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "an empty body: {v}");
        assert!(!v["error"]["lines"].as_array().unwrap().is_empty());
        let (s, v) = upload(app, &token, "kind=knitting", "text/csv", ACTIVITIES.into()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["fields"]["kind"], msg("import.kind_unknown", "knitting"));
        assert_eq!((v["error"]["code"].as_str(), v["error"]["lines"].as_array().map(Vec::len)), (Some("invalid"), Some(0)), "the import's shape: {v}");
        let (s, v) = upload(app, &token, "kind=activities&district=south", "text/csv", ACTIVITIES.into()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not the caller's district: {v}");
        assert!(v["error"]["fields"]["district"].is_string(), "{v}");
        let (s, v) = upload(app, &token, "dry_run=true", "text/csv", ACTIVITIES.into()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "no kind: {v}");
        assert_eq!(api.get("/activities").await.1["total"], 0);
        assert_eq!(api.get("/imports").await.1["total"], 0);

        // A good file is written and listed in the history; again, it changes nothing.
        let (s, first) = upload(app, &token, "kind=activities&filename=fasit-2022.csv", "text/csv", ACTIVITIES.into()).await;
        assert_eq!(s, StatusCode::OK, "{first}");
        assert_eq!((first["rows"].as_u64(), first["added"].as_u64(), first["dry_run"].as_bool()), (Some(3), Some(3), Some(false)));
        let first_id = first["import_id"].as_i64().expect("an import in the history");
        let (_, list) = api.get(&format!("/activities?import={first_id}")).await;
        assert_eq!(list["total"], 3);
        assert_eq!(column(&list, "source"), ["import", "import", "import"]);
        assert_eq!(column(&list, "source_id"), ["F3", "F2", "F1"]);
        assert_eq!(column(&list, "type"), ["adult_apprentice", "wage_subsidy", "work_placement"]);
        assert_eq!(list["items"][0]["import_id"], first_id);
        let (s, again) = upload(app, &token, "kind=activities&district=north", "text/csv", ACTIVITIES.into()).await;
        assert_eq!(s, StatusCode::OK, "{again}");
        assert_eq!((again["added"].as_u64(), again["updated"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(0), Some(3)));
        // The export of what is stored, as XLSX, imports back as unchanged.
        let xlsx = accord_app::import::export(&app.app, &app.actor("am@test.example").await, Kind::Activities, Format::Xlsx, Some("north")).await.unwrap();
        let (s, v) = upload(app, &token, "kind=activities&filename=export.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["rows"].as_u64(), v["unchanged"].as_u64()), (Some(3), Some(3)));
        // A corrected file updates the one changed record.
        let corrected = "source_id,type,organisation_ref,start_date,outcome\nF1,work_placement,ORG1,2022-01-03,hired\n";
        let (s, fix) = upload(app, &token, "kind=activities&filename=fix.csv", "text/csv", corrected.into()).await;
        assert_eq!(s, StatusCode::OK, "{fix}");
        assert_eq!((fix["added"].as_u64(), fix["updated"].as_u64()), (Some(0), Some(1)));
        let fix_id = fix["import_id"].as_i64().unwrap();
        let (_, f1) = api.get("/activities?q=F1").await;
        assert_eq!((f1["items"][0]["outcome"].as_str(), f1["items"][0]["citizen_ref"].as_str()), (Some("hired"), Some("CIT-1")));
        // Recruitment requests too.
        let requests = "source_id,organisation_ref,title,positions,received_date,status,hires\nQ1,ORG1,Baker,3,2022-02-01,filled,2\nQ2,ORG2,Cook,,2022-03-01,,\n";
        let (s, q) = upload(app, &token, "kind=recruitment-requests&filename=requests.csv", "text/csv", requests.into()).await;
        assert_eq!(s, StatusCode::OK, "{q}");
        assert_eq!((q["kind"].as_str(), q["added"].as_u64()), (Some("recruitment-requests"), Some(2)));
        let (_, list) = api.get(&format!("/recruitment-requests?import={}", q["import_id"])).await;
        assert_eq!((list["total"].as_u64(), list["positions"].as_i64(), list["hires"].as_i64()), (Some(2), Some(4), Some(2)));
        let (s, v) = upload(app, &token, "kind=recruitment-requests", "text/csv", "source_id,organisation_ref,title,positions,received_date,hires\nQ3,ORG1,Baker,1,2022-02-01,2\n".into()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!((v["error"]["lines"][0]["line"].as_i64(), v["error"]["lines"][0]["code"].as_str()), (Some(2), Some("request.hires_over_positions")));

        // The history: newest first, the newest of each kind can be rolled back.
        let (s, h) = api.get("/imports").await;
        assert_eq!(s, StatusCode::OK, "{h}");
        assert_eq!((h["total"].as_u64(), h["page"].as_u64(), h["per_page"].as_u64()), (Some(5), Some(1), Some(50)));
        assert_eq!(column(&h, "filename"), ["requests.csv", "fix.csv", "export.xlsx", "api-upload", "fasit-2022.csv"]);
        assert_eq!(column(&h, "kind"), ["recruitment-requests", "activities", "activities", "activities", "activities"]);
        let can: Vec<bool> = h["items"].as_array().unwrap().iter().map(|i| i["can_roll_back"].as_bool().unwrap()).collect();
        assert_eq!(can, [true, true, false, false, false]);
        assert_eq!(h["items"][4]["rows"], 3);
        assert_eq!(h["items"][4]["added"], 3);
        assert_eq!(h["items"][4]["district"], "north");
        assert_eq!(h["items"][4]["user_name"], "Name of am@test.example");
        let (_, p) = api.get("/imports?per_page=2&page=2").await;
        assert_eq!((p["total"].as_u64(), column(&p, "filename")), (Some(5), vec!["export.xlsx".to_owned(), "api-upload".to_owned()]));
        let (_, p) = api.get("/imports?per_page=2&page=1").await;
        assert_eq!(p["items"][1]["can_roll_back"], true, "still the newest activities import");

        // Roll-back: only the newest of its kind.
        let (s, v) = post(app, &token, &format!("/imports/{first_id}/rollback"), json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let named = v["error"]["fields"]["import"].clone();
        assert!(["api-upload", "export.xlsx", "fix.csv"].iter().any(|f| named == msg("import.newer_exists", f)), "names a newer import: {v}");
        let (s, v) = post(app, &token, &format!("/imports/{fix_id}/rollback"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["id"], fix_id);
        assert!(v["rolled_back_at"].is_string());
        assert_eq!(v["can_roll_back"], false);
        let (_, f1) = api.get("/activities?q=F1").await;
        assert_eq!(f1["items"][0]["outcome"], "ongoing", "restored");
        let (s, v) = post(app, &token, &format!("/imports/{fix_id}/rollback"), json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["fields"]["import"], msg("import.already_rolled_back", "fix.csv"));
        let (_, h) = api.get("/imports").await;
        assert_eq!(h["items"][2]["can_roll_back"], true, "the export import is the newest now");
        // A record changed since its import keeps the import from being rolled back.
        let (_, q2) = api.get("/recruitment-requests?q=Q2").await;
        let (s, _) = patch(app, &token, &format!("/recruitment-requests/{}", q2["items"][0]["id"]), json!({"status": "filled", "hires": 1, "version": 1})).await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = post(app, &token, &format!("/imports/{}/rollback", q["import_id"]), json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["fields"]["import"], msg("import.changed_since", "Q2"));
        assert_eq!(api.get("/recruitment-requests").await.1["total"], 2, "nothing removed");
        // Rolled back newest first, the imports take away what they brought.
        for (filename, left) in [("export.xlsx", 3), ("api-upload", 3), ("fasit-2022.csv", 0)] {
            let (_, h) = api.get("/imports").await;
            let i = h["items"].as_array().unwrap().iter().find(|i| i["filename"] == filename).unwrap();
            assert_eq!(i["can_roll_back"], true, "{filename}");
            let (s, v) = post(app, &token, &format!("/imports/{}/rollback", i["id"]), json!({})).await;
            assert_eq!(s, StatusCode::OK, "{filename}: {v}");
            assert_eq!(api.get("/activities").await.1["total"], left, "{filename}");
        }
        assert_eq!(post(app, &token, "/imports/999999/rollback", json!({})).await.0, StatusCode::NOT_FOUND);
        let south = app.token("south@test.example").await;
        assert_eq!(post(app, &south, &format!("/imports/{first_id}/rollback"), json!({})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.api(&south).get("/imports").await.1["total"], 0);
        // The committee reads the history but imports nothing.
        let committee = app.token("committee@test.example").await;
        let (s, h) = app.api(&committee).get("/imports").await;
        assert_eq!((s, h["total"].as_u64()), (StatusCode::OK, Some(5)));
        assert!(h["items"].as_array().unwrap().iter().all(|i| i["can_roll_back"] == false));
    }

    async fn imports_take_files_larger_than_other_requests(app) {
        setup(app).await;
        let token = app.token("am@test.example").await;
        // About 3 MB: over the 2 MB other requests may be. The header is wrong, so it is read
        // and refused quickly.
        let mut big = String::from("source_id,type,organisation_ref,start_date,colour\n");
        while big.len() < 3 * 1024 * 1024 {
            big.push_str("X1,work_placement,ORG1,2022-01-01,a rather long colour name to fill the file\n");
        }
        let (s, v) = upload(app, &token, "kind=activities", "text/csv", big.clone().into()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "read, not refused for its size: {v}");
        assert_eq!(v["error"]["lines"][0]["code"], "import.unknown_columns");
        // Other routes keep their limit.
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/activities", app.url))
            .bearer_auth(&token)
            .json(&json!({"type": big}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        // A large good file is written.
        let mut good = String::from("source_id,type,organisation_ref,start_date,citizen_ref\n");
        let mut n = 0;
        while good.len() < 3 * 1024 * 1024 {
            n += 1;
            good.push_str(&format!("BIG-{n:07},work_placement,ORG1,2022-01-01,CITIZEN-REFERENCE-{n:09}\n"));
        }
        let (s, v) = upload(app, &token, "kind=activities", "text/csv", good.into()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["added"], n);
        assert_eq!(app.api(&token).get("/activities?per_page=1").await.1["total"], n);
    }

    async fn merging_organisations_moves_activities_and_requests(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        let api = app.api(&token);
        let mut org_ids = vec![];
        for (r, name) in [("KEEP", "Bilka Slagelse"), ("DUP", "Bilka Slagelse (dublet)")] {
            let (_, v) = post(app, &token, "/organisations", json!({"ref": r, "name": name})).await;
            org_ids.push(v["id"].as_i64().unwrap());
        }
        let (keep, dup) = (org_ids[0], org_ids[1]);
        let (_, a_keep) = post(app, &token, "/activities", json!({"type": "work_placement", "organisation_ref": "KEEP", "start_date": "2023-01-01"})).await;
        let (_, a_dup) = post(app, &token, "/activities", json!({"type": "flex_job", "organisation_ref": "DUP", "start_date": "2023-02-01", "citizen_ref": "CIT-1"})).await;
        let (_, r_dup) = post(app, &token, "/recruitment-requests", json!({"organisation_ref": "DUP", "title": "Butcher", "positions": 2, "hires": 1, "received_date": "2023-01-01"})).await;
        let file = "source_id,type,organisation_ref,start_date\nIMP-1,work_trial,DUP,2023-03-01\n";
        let (s, _) = upload(app, &token, "kind=activities", "text/csv", file.into()).await;
        assert_eq!(s, StatusCode::OK);

        let sec = app.actor("secretariat@test.example").await;
        dir::merge(&app.app, &sec, keep, dup).await.unwrap();

        let (_, v) = api.get(&format!("/activities/{}", a_dup["id"])).await;
        assert_eq!((v["organisation_id"].as_i64(), v["organisation_ref"].as_str()), (Some(keep), Some("KEEP")));
        assert_eq!(v["organisation_name"], "Bilka Slagelse");
        let (_, v) = api.get(&format!("/recruitment-requests/{}", r_dup["id"])).await;
        assert_eq!((v["organisation_id"].as_i64(), v["organisation_ref"].as_str()), (Some(keep), Some("KEEP")));
        let (_, list) = api.get(&format!("/activities?organisation_id={keep}")).await;
        assert_eq!(list["total"], 3);
        assert!(ids(&list).contains(&a_keep["id"].as_i64().unwrap()));
        assert_eq!(api.get(&format!("/activities?organisation_id={dup}")).await.1["total"], 0);
        let (_, list) = api.get(&format!("/recruitment-requests?organisation_id={keep}")).await;
        assert_eq!((list["total"].as_u64(), list["positions"].as_i64(), list["hires"].as_i64()), (Some(1), Some(2), Some(1)));
        assert_eq!(api.get(&format!("/recruitment-requests?organisation_id={dup}")).await.1["total"], 0);
        // The merged record's ref still finds the survivor, by hand and in a file.
        let (s, v) = post(app, &token, "/activities", json!({"type": "work_placement", "organisation_ref": "DUP", "start_date": "2023-04-01"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["organisation_id"], keep);
        let (s, v) = upload(app, &token, "kind=activities", "text/csv", "source_id,type,organisation_ref,start_date\nIMP-2,work_trial,DUP,2023-05-01\n".into()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(api.get(&format!("/activities?organisation_id={keep}")).await.1["total"], 5);
        // The moved records still change as before.
        let (s, v) = patch(app, &token, &format!("/activities/{}", a_dup["id"]), json!({"outcome": "hired", "version": a_dup["version"]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["organisation_ref"], "KEEP");
    }
}
