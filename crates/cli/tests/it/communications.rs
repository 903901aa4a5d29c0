//! The communications log: recording, changing and deleting pieces of outreach over the API
//! and in the browser, the list's filters and paging, the counts per year and channel on the
//! dashboard (against the raw rows), who may do what, and the audit entries.

use crate::both;
use crate::support::TestApp;
use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

/// A `DELETE` whose success has no body: its status.
async fn delete(app: &TestApp, token: &str, path: &str) -> StatusCode {
    let api = app.api(token);
    api.client.delete(format!("{}{path}", api.base)).bearer_auth(token).send().await.unwrap().status()
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

/// Two employers in north, one in south.
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
    async fn communications_over_the_api(app) {
        let (org1, org2, _) = setup(app).await;
        let sec = app.token("secretariat@test.example").await;
        let api = app.api(&sec);
        let today = Utc::now().date_naive();

        let (s, a) = post(app, &sec, "/communications", json!({
            "channel": "linkedin", "published_on": "2022-03-01", "title": "Ny partnerskabsaftale",
            "url": "https://www.linkedin.com/posts/1", "reach": 1250, "organisations": ["ORG1", "ORG2"]
        })).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let a_id = a["id"].as_i64().unwrap();
        assert_eq!((a["district"].as_str(), a["channel"].as_str(), a["published_on"].as_str()), (Some("north"), Some("linkedin"), Some("2022-03-01")));
        assert_eq!((a["reach"].as_i64(), a["version"].as_i64()), (Some(1250), Some(1)));
        let featured: Vec<i64> = a["organisations"].as_array().unwrap().iter().map(|o| o["id"].as_i64().unwrap()).collect();
        assert_eq!(featured, [org1, org2]);
        assert_eq!(a["organisations"][0]["name"], "Jensen Tømrerfirma ApS");
        let (s, b) = post(app, &sec, "/communications", json!({
            "channel": "press", "published_on": "2022-11-20", "title": "Jobmessen slog rekord", "url": "http://www.sn.dk/slagelse/jobmesse"
        })).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert!(b["reach"].is_null() && b["organisations"].as_array().unwrap().is_empty(), "{b}");
        let (s, c) = post(app, &sec, "/communications", json!({
            "channel": "newsletter", "published_on": today.to_string(), "title": "Nyhedsbrev om partnerskaber", "reach": 0
        })).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        assert!(c["url"].is_null(), "{c}");
        let (b_id, c_id) = (b["id"].as_i64().unwrap(), c["id"].as_i64().unwrap());

        // The list: newest first, each filter alone, paged in the database.
        let (s, all) = api.get("/communications").await;
        assert_eq!(s, StatusCode::OK, "{all}");
        assert_eq!(ids(&all), [c_id, b_id, a_id]);
        assert_eq!(all["total"].as_u64(), Some(3));
        for (query, want) in [
            ("channel=press".to_owned(), vec![b_id]),
            ("year=2022".to_owned(), vec![b_id, a_id]),
            (format!("year={}", today.format("%Y")), vec![c_id]),
            ("q=PARTNERSKAB".to_owned(), vec![c_id, a_id]),
            ("q=jobmesse".to_owned(), vec![b_id]),
            ("district=north".to_owned(), vec![c_id, b_id, a_id]),
            (format!("organisation_id={org2}"), vec![a_id]),
            ("year=2022&channel=linkedin".to_owned(), vec![a_id]),
            ("year=1999".to_owned(), vec![]),
        ] {
            let (s, v) = api.get(&format!("/communications?{query}")).await;
            assert_eq!(s, StatusCode::OK, "{query}: {v}");
            assert_eq!(ids(&v), want, "{query}");
            assert_eq!(v["total"].as_u64(), Some(want.len() as u64), "{query}");
        }
        let (_, p2) = api.get("/communications?per_page=2&page=2").await;
        assert_eq!((ids(&p2), p2["total"].as_u64(), p2["page"].as_u64()), (vec![a_id], Some(3), Some(2)));
        // A filter that cannot be read is refused naming it.
        let (s, v) = api.get("/communications?channel=tiktok").await;
        assert!(s.is_client_error(), "{v}");
        let (s, v) = api.get("/communications?district=south").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["district"].is_string(), "{v}");

        // Bad input names the field.
        let tomorrow = (today + Duration::days(1)).to_string();
        for (body, field) in [
            (json!({"channel": "press", "published_on": tomorrow, "title": "x"}), "published_on"),
            (json!({"channel": "press", "published_on": "2022-01-01", "title": "  "}), "title"),
            (json!({"channel": "press", "published_on": "2022-01-01", "title": "x", "url": "javascript:alert(1)"}), "url"),
            (json!({"channel": "press", "published_on": "2022-01-01", "title": "x", "url": "www.sn.dk"}), "url"),
            (json!({"channel": "press", "published_on": "2022-01-01", "title": "x", "url": "https://sn.dk/a b"}), "url"),
            (json!({"channel": "press", "published_on": "2022-01-01", "title": "x", "reach": -1}), "reach"),
            (json!({"channel": "press", "published_on": "2022-01-01", "title": "x", "organisations": ["NOPE"]}), "organisations"),
            (json!({"channel": "press", "published_on": "2022-01-01", "title": "x", "organisations": ["SOUTH1"]}), "organisations"),
        ] {
            let (s, v) = post(app, &sec, "/communications", body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{body}: {field} in {v}");
        }
        let (s, v) = post(app, &sec, "/communications", json!({"channel": "tiktok", "published_on": "2022-01-01", "title": "x"})).await;
        assert!(s.is_client_error(), "{v}");
        assert!(v.to_string().contains("channel"), "{v}");
        assert_eq!(api.get("/communications").await.1["total"].as_u64(), Some(3), "nothing half-written");

        // A change at the version read; the fields left out stay as they were.
        let (s, p) = api.send(Method::PATCH, &format!("/communications/{a_id}"), json!({
            "title": "Ny partnerskabsaftale med Jensen", "reach": null, "organisations": ["ORG1"], "version": 1
        })).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!((p["title"].as_str(), p["reach"].is_null(), p["version"].as_i64()), (Some("Ny partnerskabsaftale med Jensen"), true, Some(2)));
        assert_eq!((p["channel"].as_str(), p["url"].as_str()), (Some("linkedin"), Some("https://www.linkedin.com/posts/1")));
        assert_eq!(p["organisations"].as_array().unwrap().len(), 1, "{p}");
        // A stale version: 409 with the current piece and the fields that differ.
        let (s, v) = api.send(Method::PATCH, &format!("/communications/{a_id}"), json!({"title": "Something else", "version": 1})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["error"]["current"]["version"], 2, "{v}");
        assert_eq!(v["error"]["changed"], json!(["title"]), "{v}");
        let (s, v) = api.send(Method::PATCH, &format!("/communications/{a_id}"), json!({"url": "ftp://x.dk/y", "version": 2})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["url"].is_string(), "{v}");
        let (s, p) = api.send(Method::PATCH, &format!("/communications/{a_id}"), json!({"url": null, "version": 2})).await;
        assert_eq!((s, p["url"].is_null()), (StatusCode::OK, true), "{p}");

        // Markup, SQL and a formula are kept as text and come back as sent.
        let payload = crate::injection::PAYLOAD;
        let (s, v) = post(app, &sec, "/communications", json!({"channel": "other", "published_on": "2022-01-01", "title": payload})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let injected = v["id"].as_i64().unwrap();
        assert_eq!(api.get(&format!("/communications/{injected}")).await.1["title"].as_str(), Some(payload));

        // Delete: gone from the list, then not found.
        let s = delete(app, &sec, &format!("/communications/{b_id}")).await;
        assert_eq!(s, StatusCode::NO_CONTENT);
        assert_eq!(api.get(&format!("/communications/{b_id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(ids(&api.get("/communications?channel=press").await.1), Vec::<i64>::new());

        // The audit trail has each change, with the district.
        let admin = app.api(&app.token("admin@test.example").await);
        let (_, v) = admin.get(&format!("/audit?entity=communication&entity_id={a_id}")).await;
        let mut actions: Vec<&str> = v["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        actions.sort();
        assert_eq!(actions, ["create", "update", "update"], "{v}");
        let (_, v) = admin.get(&format!("/audit?entity=communication&entity_id={b_id}&action=delete")).await;
        assert_eq!(v["total"].as_u64(), Some(1), "{v}");
    }

    async fn communications_keep_to_their_district_and_role(app) {
        let (_, _, _) = setup(app).await;
        let sec = app.token("secretariat@test.example").await;
        let south = app.token("south@test.example").await;
        let (_, a) = post(app, &sec, "/communications", json!({"channel": "linkedin", "published_on": "2022-03-01", "title": "North"})).await;
        let id = a["id"].as_i64().unwrap();
        let (s, sv) = post(app, &south, "/communications", json!({"channel": "press", "published_on": "2022-03-02", "title": "South"})).await;
        assert_eq!(s, StatusCode::CREATED, "{sv}");
        assert_eq!(sv["district"], "south");

        // Another district's user neither sees nor touches north's pieces, nor records one there.
        let sapi = app.api(&south);
        assert_eq!(ids(&sapi.get("/communications").await.1), [sv["id"].as_i64().unwrap()]);
        assert_eq!(sapi.get(&format!("/communications/{id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(sapi.send(Method::PATCH, &format!("/communications/{id}"), json!({"title": "x", "version": 1})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(sapi.send(Method::DELETE, &format!("/communications/{id}"), json!({})).await.0, StatusCode::NOT_FOUND);
        let (s, v) = post(app, &south, "/communications", json!({"district": "north", "channel": "press", "published_on": "2022-01-01", "title": "x"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["district"].is_string(), "{v}");
        // Nor its counts on the dashboard.
        let (_, d) = sapi.get("/dashboard").await;
        assert_eq!(d["communications"], json!([{"year": 2022, "channels": [
            {"channel": "linkedin", "count": 0}, {"channel": "press", "count": 1}, {"channel": "website", "count": 0},
            {"channel": "newsletter", "count": 0}, {"channel": "other", "count": 0}], "total": 1}]));

        // The committee reads but writes nothing; an account manager writes; an adviser reads.
        let committee = app.api(&app.token("committee@test.example").await);
        assert_eq!(committee.get(&format!("/communications/{id}")).await.0, StatusCode::OK);
        assert_eq!(ids(&committee.get("/communications").await.1), [id]);
        assert_eq!(committee.send(Method::POST, "/communications", json!({"channel": "press", "published_on": "2022-01-01", "title": "x"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(committee.send(Method::PATCH, &format!("/communications/{id}"), json!({"title": "x", "version": 1})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(committee.send(Method::DELETE, &format!("/communications/{id}"), json!({})).await.0, StatusCode::FORBIDDEN);
        let adviser = app.api(&app.token("adviser@test.example").await);
        assert_eq!(adviser.get("/communications").await.0, StatusCode::OK);
        assert_eq!(adviser.send(Method::POST, "/communications", json!({"channel": "press", "published_on": "2022-01-01", "title": "x"})).await.0, StatusCode::FORBIDDEN);
        let am = app.api(&app.token("am@test.example").await);
        assert_eq!(am.send(Method::POST, "/communications", json!({"channel": "press", "published_on": "2022-01-01", "title": "x"})).await.0, StatusCode::CREATED);

        // A partner is refused everything.
        let partner = app.api(&app.token("partner@test.example").await);
        assert_eq!(partner.get("/communications").await.0, StatusCode::FORBIDDEN);
        assert_eq!(partner.get(&format!("/communications/{id}")).await.0, StatusCode::FORBIDDEN);
        assert_eq!(partner.send(Method::POST, "/communications", json!({"channel": "press", "published_on": "2022-01-01", "title": "x"})).await.0, StatusCode::FORBIDDEN);

        // The pages answer the same way.
        let b = app.signed_in("south@test.example").await;
        assert_eq!(b.get(&format!("/communications/{id}/edit")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(b.get(&format!("/communications/{id}/delete")).await.status, StatusCode::NOT_FOUND);
        assert!(!b.get("/communications").await.body.contains(">North<"));
        let c = app.signed_in("committee@test.example").await;
        let list = c.get("/communications").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("North") && !list.body.contains("/communications/new"), "the committee is offered no writing");
        assert_eq!(c.get("/communications/new").await.status, StatusCode::FORBIDDEN);
        assert_eq!(c.post(&format!("/communications/{id}/delete"), &[]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.api(&sec).get(&format!("/communications/{id}")).await.1["version"], 1, "nothing above changed it");
    }

    async fn counts_per_year_and_channel_are_those_of_the_raw_rows(app) {
        let (_, _, _) = setup(app).await;
        let system = accord_app::Actor::system();
        let north = app.district_id("north").await;
        let south = app.district_id("south").await;
        // Pieces spread over three years, five channels and two districts, unevenly.
        let channels = ["linkedin", "press", "website", "newsletter", "other"];
        for i in 0..97u32 {
            let district = if i % 5 == 0 { "south" } else { "north" };
            let year = 2020 + (i * 7 % 3) as i32;
            let input = accord_app::communications::CommunicationInput {
                district: Some(district.into()),
                channel: channels[((i * 3 + i / 7) % 5) as usize].into(),
                published_on: format!("{year}-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                title: format!("Piece {i}"),
                ..Default::default()
            };
            accord_app::communications::create(&app.app, &system, &input).await.unwrap();
        }
        // Year-end days fall in their own year.
        for (day, ch) in [("2021-12-31", "press"), ("2022-01-01", "press")] {
            let input = accord_app::communications::CommunicationInput {
                district: Some("north".into()), channel: ch.into(), published_on: day.into(), title: day.into(), ..Default::default()
            };
            accord_app::communications::create(&app.app, &system, &input).await.unwrap();
        }

        // The raw rows, counted here.
        use accord_db::sea_orm::{EntityTrait, QueryFilter, ColumnTrait};
        use accord_db::entities::communication;
        let raw = |district: Option<i64>| {
            let conn = app.db.conn.clone();
            async move {
                let mut q = communication::Entity::find();
                if let Some(d) = district {
                    q = q.filter(communication::Column::DistrictId.eq(d));
                }
                let mut out: BTreeMap<i32, BTreeMap<String, i64>> = BTreeMap::new();
                for r in q.all(&conn).await.unwrap() {
                    *out.entry(chrono::Datelike::year(&r.published_on)).or_default().entry(r.channel).or_default() += 1;
                }
                out
            }
        };
        let shown = |v: &Value| {
            let mut out: BTreeMap<i32, BTreeMap<String, i64>> = BTreeMap::new();
            let mut years = vec![];
            for y in v["communications"].as_array().unwrap() {
                let year = y["year"].as_i64().unwrap() as i32;
                years.push(year);
                let mut total = 0;
                for c in y["channels"].as_array().unwrap() {
                    let n = c["count"].as_i64().unwrap();
                    total += n;
                    if n > 0 {
                        out.entry(year).or_default().insert(c["channel"].as_str().unwrap().to_owned(), n);
                    }
                }
                assert_eq!(y["total"].as_i64(), Some(total), "{y}");
            }
            let mut sorted = years.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(years, sorted, "newest year first");
            out
        };
        let admin = app.api(&app.token("admin@test.example").await);
        let (s, all) = admin.get("/dashboard").await;
        assert_eq!(s, StatusCode::OK, "{all}");
        let want_all = raw(None).await;
        assert_eq!(want_all.values().flat_map(|m| m.values()).sum::<i64>(), 99);
        assert_eq!(shown(&all), want_all);
        assert_eq!(shown(&admin.get("/dashboard?district=north").await.1), raw(Some(north)).await);
        assert_eq!(shown(&admin.get("/dashboard?district=south").await.1), raw(Some(south)).await);
        // North's secretariat sees north's counts only; the list's totals agree per cell.
        let sec = app.api(&app.token("secretariat@test.example").await);
        let north_counts = raw(Some(north)).await;
        assert_eq!(shown(&sec.get("/dashboard").await.1), north_counts);
        for (year, chans) in &north_counts {
            for (ch, n) in chans {
                let (_, v) = sec.get(&format!("/communications?year={year}&channel={ch}&per_page=1")).await;
                assert_eq!(v["total"].as_i64(), Some(*n), "{year} {ch}");
            }
        }

        // The dashboard page shows the same table, each count leading to its pieces.
        let b = app.signed_in("secretariat@test.example").await;
        let page = b.get("/dashboard").await;
        assert_eq!(page.status, StatusCode::OK);
        let n_2022_press = north_counts[&2022]["press"];
        assert!(page.body.contains(&format!("href=\"/communications?year=2022&#38;channel=press\">{n_2022_press}</a>")), "{}", page.body);
    }

    async fn communications_in_the_browser(app) {
        let (_, _, _) = setup(app).await;
        let b = app.signed_in("secretariat@test.example").await;
        let list = b.get("/communications").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("href=\"/communications\""), "the log is in the main navigation");
        let form = b.get("/communications/new").await;
        assert_eq!(form.status, StatusCode::OK);
        // A bad link and a future date are refused naming the fields; nothing is stored.
        let tomorrow = (Utc::now().date_naive() + Duration::days(1)).to_string();
        let bad = b.post("/communications", &[
            ("channel", "press"), ("published_on", &tomorrow), ("title", "Jobmesse"), ("url", "javascript:alert(1)"), ("reach", "mange"),
        ]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        for anchor in ["href=\"#published_on\"", "href=\"#url\"", "href=\"#reach\""] {
            assert!(bad.body.contains(anchor), "{anchor}");
        }
        assert!(bad.body.contains("is not a web address"), "{}", bad.body);
        let ok = b.post("/communications", &[
            ("channel", "press"), ("published_on", "2022-05-01"), ("title", "Jobmesse i Slagelse"), ("url", "https://www.sn.dk/x"), ("reach", "12.300"), ("organisations", "ORG1"),
        ]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let list = b.get("/communications?year=2022").await;
        assert!(list.body.contains("Jobmesse i Slagelse") && list.body.contains("12,300") && list.body.contains("Jensen Tømrerfirma ApS"), "{}", list.body);
        let before_edit = list.body.split("/edit\"").next().unwrap();
        let id: i64 = before_edit.rsplit('/').next().unwrap().parse().unwrap();

        // An edit after someone else's is shown as a conflict, not saved over theirs.
        let edit = b.get(&format!("/communications/{id}/edit")).await;
        assert_eq!(edit.status, StatusCode::OK);
        let sec = app.api(&app.token("secretariat@test.example").await);
        assert_eq!(sec.send(Method::PATCH, &format!("/communications/{id}"), json!({"title": "Their title", "version": 1})).await.0, StatusCode::OK);
        let stale = b.post(&format!("/communications/{id}"), &[
            ("version", "1"), ("channel", "press"), ("published_on", "2022-05-01"), ("title", "My title"), ("url", ""), ("reach", ""), ("organisations", ""),
        ]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.body.contains("Their title") && stale.body.contains("name=\"version\" value=\"2\""), "{}", stale.body);
        let saved = b.post(&format!("/communications/{id}"), &[
            ("version", "2"), ("channel", "press"), ("published_on", "2022-05-01"), ("title", "My title"), ("url", ""), ("reach", ""), ("organisations", ""),
        ]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);

        // Deleting asks first, in Danish too.
        let confirm = b.get(&format!("/communications/{id}/delete")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(confirm.body.contains("My title"));
        b.get("/language/da").await;
        let da = b.get(&format!("/communications/{id}/delete")).await;
        assert!(da.body.contains("Ja, slet den"), "{}", da.body);
        let gone = b.post(&format!("/communications/{id}/delete"), &[]).await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER);
        assert_eq!(sec.get(&format!("/communications/{id}")).await.0, StatusCode::NOT_FOUND);
        let list = b.get("/communications").await;
        assert!(list.body.contains("Kommunikationslog") && list.body.contains("Formidlingen er slettet."), "{}", list.body);
    }
}
