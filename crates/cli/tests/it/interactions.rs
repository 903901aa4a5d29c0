//! The contact log over the API: logging a contact, the list's filters and paging, one
//! contact, marking its follow-up done, the rules the page keeps, who may do what, and the
//! audit entries.

use crate::both;
use crate::support::TestApp;
use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

/// Users of both districts; two employers in north and one in south.
async fn setup(app: &TestApp) -> (i64, i64, i64) {
    app.seed().await;
    let mut out = vec![];
    for (email, body) in [
        ("am@test.example", json!({"ref": "ORG1", "name": "Jensen Tømrerfirma ApS"})),
        ("am@test.example", json!({"ref": "ORG2", "name": "Second Employer A/S"})),
        ("south@test.example", json!({"ref": "SOUTH1", "name": "Southern Employer A/S"})),
    ] {
        let token = app.token(email).await;
        let (s, v) = post(app, &token, "/organisations", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        out.push(v["id"].as_i64().unwrap());
    }
    (out[0], out[1], out[2])
}

both! {
    async fn interactions_over_the_api(app) {
        let (org1, org2, _) = setup(app).await;
        let am = app.token("am@test.example").await;
        let adviser = app.token("adviser@test.example").await;
        let api = app.api(&am);
        let today = Utc::now().date_naive();
        let yesterday = today - Duration::days(1);

        let (s, a) = post(app, &am, "/interactions", json!({
            "organisation_id": org1, "kind": "visit", "occurred_on": "2024-03-05",
            "people": "Ole Jensen", "summary": "Talked about apprentices.", "follow_up_on": "2024-04-01"
        })).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_i64().unwrap();
        assert_eq!((a["organisation_id"].as_i64(), a["organisation_name"].as_str()), (Some(org1), Some("Jensen Tømrerfirma ApS")));
        assert_eq!((a["kind"].as_str(), a["occurred_on"].as_str()), (Some("visit"), Some("2024-03-05")));
        assert_eq!(a["staff_user_id"].as_i64(), Some(app.user_id("am@test.example").await));
        assert_eq!(a["staff_name"], "Name of am@test.example");
        assert_eq!((a["people"].as_str(), a["summary"].as_str()), (Some("Ole Jensen"), Some("Talked about apprentices.")));
        assert_eq!(a["follow_up_on"], "2024-04-01");
        assert!(a["follow_up_done_at"].is_null());

        // An adviser logs contacts too; the date defaults to today.
        let (s, b) = post(app, &adviser, "/interactions", json!({"organisation_id": org2, "kind": "call", "summary": "A call."})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["occurred_on"], today.to_string());
        let (s, c) = post(app, &am, "/interactions", json!({
            "organisation_id": org2, "kind": "meeting", "occurred_on": yesterday.to_string(), "summary": "A meeting."
        })).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let (b, c) = (b["id"].as_i64().unwrap(), c["id"].as_i64().unwrap());

        // The list: newest first, each filter alone, paged in the database.
        let (s, all) = api.get("/interactions").await;
        assert_eq!(s, StatusCode::OK, "{all}");
        assert_eq!(ids(&all), [b, c, id]);
        assert_eq!((all["total"].as_u64(), all["page"].as_u64(), all["per_page"].as_u64()), (Some(3), Some(1), Some(50)));
        for (query, want) in [
            (format!("organisation_id={org1}"), vec![id]),
            (format!("organisation_id={org2}"), vec![b, c]),
            ("staff=adviser@test.example".to_owned(), vec![b]),
            ("staff=AM@test.example".to_owned(), vec![c, id]),
            (format!("staff_id={}", app.user_id("adviser@test.example").await), vec![b]),
            ("kind=meeting".to_owned(), vec![c]),
            ("kind=Visit".to_owned(), vec![id]),
            ("from=2024-03-05&to=2024-03-05".to_owned(), vec![id]),
            (format!("from={yesterday}"), vec![b, c]),
            ("to=2024-12-31".to_owned(), vec![id]),
            (format!("organisation_id={org2}&kind=call"), vec![b]),
        ] {
            let (s, v) = api.get(&format!("/interactions?{query}")).await;
            assert_eq!(s, StatusCode::OK, "{query}: {v}");
            assert_eq!(ids(&v), want, "{query}");
            assert_eq!(v["total"].as_u64(), Some(want.len() as u64), "{query}");
        }
        let (_, p2) = api.get("/interactions?per_page=2&page=2").await;
        assert_eq!((ids(&p2), p2["total"].as_u64(), p2["page"].as_u64()), (vec![id], Some(3), Some(2)));

        // Bad filters name the parameter.
        for (query, field, status) in [
            ("kind=knitting", "kind", StatusCode::BAD_REQUEST),
            ("staff=nobody@test.example", "staff", StatusCode::UNPROCESSABLE_ENTITY),
            ("from=yesterday", "from", StatusCode::BAD_REQUEST),
            ("to=2024-13-45", "to", StatusCode::BAD_REQUEST),
        ] {
            let (s, v) = api.get(&format!("/interactions?{query}")).await;
            assert_eq!(s, status, "{query}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{query}: {v}");
        }
        let adviser_id = app.user_id("adviser@test.example").await;
        let (s, v) = api.get(&format!("/interactions?staff=am@test.example&staff_id={adviser_id}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["staff"].is_string(), "{v}");

        // One contact.
        let (s, one) = api.get(&format!("/interactions/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(one, a);
        let a = one;
        assert_eq!(api.get("/interactions/999999").await.0, StatusCode::NOT_FOUND);

        // Bad input names the field: an unknown kind, a future date, a follow-up before the
        // contact, no summary.
        let tomorrow = (today + Duration::days(1)).to_string();
        for (body, field) in [
            (json!({"organisation_id": org1, "kind": "knitting", "summary": "x"}), "kind"),
            (json!({"organisation_id": org1, "kind": "call", "occurred_on": tomorrow, "summary": "x"}), "occurred_on"),
            (json!({"organisation_id": org1, "kind": "call", "occurred_on": "2024-03-05", "follow_up_on": "2024-03-01", "summary": "x"}), "follow_up_on"),
            (json!({"organisation_id": org1, "kind": "call", "occurred_on": "5 March", "summary": "x"}), "occurred_on"),
            (json!({"organisation_id": org1, "kind": "call", "summary": "  "}), "summary"),
        ] {
            let (s, v) = post(app, &am, "/interactions", body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{body}: {field} in {v}");
        }
        let (s, v) = post(app, &am, "/interactions", json!({"organisation_id": org1, "kind": "call"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["summary"].as_str().unwrap().contains("missing field"), "a field left out is named: {v}");
        assert_eq!(post(app, &am, "/interactions", json!({"organisation_id": 999999, "kind": "call", "summary": "x"})).await.0, StatusCode::NOT_FOUND);

        // A change at the version read; the fields left out stay as they were.
        assert_eq!(a["version"], 1);
        let (s, p) = app.api(&am).send(Method::PATCH, &format!("/interactions/{id}"), json!({
            "summary": "Talked about two apprentices.", "kind": "meeting", "version": 1
        })).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!((p["summary"].as_str(), p["kind"].as_str(), p["version"].as_i64()), (Some("Talked about two apprentices."), Some("meeting"), Some(2)));
        assert_eq!((p["people"].as_str(), p["occurred_on"].as_str(), p["follow_up_on"].as_str()), (Some("Ole Jensen"), Some("2024-03-05"), Some("2024-04-01")));
        // A stale version: 409 with the current contact and the fields that differ.
        let (s, v) = app.api(&adviser).send(Method::PATCH, &format!("/interactions/{id}"), json!({
            "summary": "Something else.", "version": 1
        })).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["error"]["current"]["summary"], "Talked about two apprentices.", "{v}");
        assert_eq!(v["error"]["current"]["version"], 2, "{v}");
        assert_eq!(v["error"]["changed"], json!(["summary"]), "{v}");
        // The rules of logging hold for a change; an empty string clears `people`.
        for (body, field) in [
            (json!({"kind": "knitting", "version": 2}), "kind"),
            (json!({"occurred_on": tomorrow, "version": 2}), "occurred_on"),
            (json!({"follow_up_on": "2024-03-01", "version": 2}), "follow_up_on"),
        ] {
            let (s, v) = app.api(&am).send(Method::PATCH, &format!("/interactions/{id}"), body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{body}: {field} in {v}");
        }
        let (s, p) = app.api(&am).send(Method::PATCH, &format!("/interactions/{id}"), json!({"people": "", "version": 2})).await;
        assert_eq!((s, p["people"].is_null(), p["version"].as_i64()), (StatusCode::OK, true, Some(3)), "{p}");

        // Marking the follow-up done: once; the second time changes nothing.
        let (s, done) = post(app, &am, &format!("/interactions/{id}/follow-up-done"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{done}");
        let at = done["follow_up_done_at"].clone();
        assert!(at.is_string(), "{done}");
        let (s, again) = post(app, &adviser, &format!("/interactions/{id}/follow-up-done"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{again}");
        assert_eq!(again["follow_up_done_at"], at);

        // Markup, SQL and a formula are kept as text and come back as sent.
        let payload = crate::injection::PAYLOAD;
        let (s, v) = post(app, &am, "/interactions", json!({"organisation_id": org1, "kind": "call", "people": payload, "summary": payload})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (_, v) = api.get(&format!("/interactions/{}", v["id"])).await;
        assert_eq!((v["people"].as_str(), v["summary"].as_str()), (Some(payload), Some(payload)));

        // The audit trail has the creations and the one completion.
        let admin = app.api(&app.token("admin@test.example").await);
        let (_, v) = admin.get(&format!("/audit?entity=interaction&entity_id={id}")).await;
        let mut actions: Vec<&str> = v["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        actions.sort();
        assert_eq!(actions, ["complete_follow_up", "create", "update", "update"], "{v}");
        let (_, v) = admin.get("/audit?entity=interaction&action=create").await;
        assert_eq!(v["total"].as_u64(), Some(4), "{v}");
    }

    async fn interactions_keep_to_their_district_and_role(app) {
        let (org1, _, south_org) = setup(app).await;
        let am = app.token("am@test.example").await;
        let south = app.token("south@test.example").await;
        let (_, a) = post(app, &am, "/interactions", json!({"organisation_id": org1, "kind": "call", "summary": "North.", "follow_up_on": "2099-01-01"})).await;
        let id = a["id"].as_i64().unwrap();
        let (s, sv) = post(app, &south, "/interactions", json!({"organisation_id": south_org, "kind": "call", "summary": "South."})).await;
        assert_eq!(s, StatusCode::CREATED, "{sv}");

        // Another district's user neither sees nor touches north's contacts, nor logs one on
        // north's employer.
        let sapi = app.api(&south);
        assert_eq!(ids(&sapi.get("/interactions").await.1), [sv["id"].as_i64().unwrap()]);
        assert_eq!(sapi.get(&format!("/interactions/{id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(post(app, &south, &format!("/interactions/{id}/follow-up-done"), json!({})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(sapi.send(Method::PATCH, &format!("/interactions/{id}"), json!({"summary": "x", "version": 1})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(post(app, &south, "/interactions", json!({"organisation_id": org1, "kind": "call", "summary": "x"})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(ids(&app.api(&am).get("/interactions").await.1), [id]);

        // The committee reads but writes nothing.
        let committee = app.token("committee@test.example").await;
        let capi = app.api(&committee);
        assert_eq!(capi.get(&format!("/interactions/{id}")).await.0, StatusCode::OK);
        assert_eq!(ids(&capi.get("/interactions").await.1), [id]);
        assert_eq!(post(app, &committee, "/interactions", json!({"organisation_id": org1, "kind": "call", "summary": "x"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(post(app, &committee, &format!("/interactions/{id}/follow-up-done"), json!({})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(capi.send(Method::PATCH, &format!("/interactions/{id}"), json!({"summary": "x", "version": 1})).await.0, StatusCode::FORBIDDEN);

        // A partner is refused everything.
        let partner = app.token("partner@test.example").await;
        let papi = app.api(&partner);
        assert_eq!(papi.get("/interactions").await.0, StatusCode::FORBIDDEN);
        assert_eq!(papi.get(&format!("/interactions/{id}")).await.0, StatusCode::FORBIDDEN);
        assert_eq!(post(app, &partner, "/interactions", json!({"organisation_id": org1, "kind": "call", "summary": "x"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(post(app, &partner, &format!("/interactions/{id}/follow-up-done"), json!({})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(papi.send(Method::PATCH, &format!("/interactions/{id}"), json!({"summary": "x", "version": 1})).await.0, StatusCode::FORBIDDEN);

        // Nothing above changed the contact.
        let (_, now) = app.api(&am).get(&format!("/interactions/{id}")).await;
        assert!(now["follow_up_done_at"].is_null(), "{now}");
        assert_eq!((now["summary"].as_str(), now["version"].as_i64()), (Some("North."), Some(1)));
    }
}
