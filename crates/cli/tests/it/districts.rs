//! Districts and the district scoping every later record relies on.

use crate::both;
use reqwest::{Method, StatusCode};
use serde_json::json;

both! {
    async fn users_see_only_their_districts(app) {
        app.seed().await;
        let south = app.district_id("south").await;
        let north = app.district_id("north").await;
        let b = app.signed_in("am@test.example").await;
        let list = b.get("/districts").await;
        assert!(list.body.contains("North District"));
        assert!(!list.body.contains("South District"));
        assert_eq!(b.get(&format!("/districts/{north}")).await.status, StatusCode::OK);
        assert_eq!(b.get(&format!("/districts/{south}")).await.status, StatusCode::NOT_FOUND);

        let api = app.api(&app.token("am@test.example").await);
        let (s, v) = api.get("/districts").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["total"], 1);
        assert_eq!(v["items"][0]["code"], "north");
        assert_eq!(v["items"][0]["district"], "north");
        let (s, v) = api.get(&format!("/districts/{south}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v["error"]["code"], "not_found");

        // An administrator sees both.
        let admin = app.api(&app.token("admin@test.example").await);
        let (_, v) = admin.get("/districts?sort=code").await;
        assert_eq!(v["total"], 2);
        assert_eq!(v["items"][0]["code"], "north");
        let (_, v) = admin.get("/districts?q=sou").await;
        assert_eq!(v["total"], 1);
        let (s, v) = admin.get("/districts?sort=nonsense").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(v["error"]["fields"]["sort"].as_str().unwrap().contains("nonsense"));
        let (_, v) = admin.get("/districts?per_page=1&page=2&sort=code").await;
        assert_eq!(v["items"][0]["code"], "south");
        assert_eq!(v["page"], 2);
        assert_eq!(v["per_page"], 1);
    }

    async fn create_and_rename_with_versions(app) {
        app.seed().await;
        let api = app.api(&app.token("admin@test.example").await);
        let (s, d) = api.send(Method::POST, "/districts", json!({"code": "east", "name": "East District"})).await;
        assert_eq!(s, StatusCode::CREATED);
        assert_eq!(d["version"], 1);
        let id = d["id"].as_i64().unwrap();
        let (s, v) = api.send(Method::POST, "/districts", json!({"code": "east", "name": "Again"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["code"].as_str().unwrap().contains("east"));
        let (s, v) = api.send(Method::POST, "/districts", json!({"code": "East!", "name": ""})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["code"].as_str().unwrap().contains("East!"));
        assert!(v["error"]["fields"]["name"].is_string());

        let (s, d) = api.send(Method::PATCH, &format!("/districts/{id}"), json!({"name": "East and Coast", "version": 1})).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(d["version"], 2);
        // A stale version is refused and the current record is shown.
        let (s, v) = api.send(Method::PATCH, &format!("/districts/{id}"), json!({"name": "Overwrite", "version": 1})).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(v["error"]["code"], "conflict");
        assert_eq!(v["error"]["current"]["name"], "East and Coast");
        assert_eq!(v["error"]["changed"], json!(["name"]));
        let (_, d) = api.get(&format!("/districts/{id}")).await;
        assert_eq!(d["name"], "East and Coast");

        // Its money: Danish kroner unless told; another currency is named, a wrong one refused.
        assert_eq!(d["currency"], "DKK");
        let (s, v) = api.send(Method::PATCH, &format!("/districts/{id}"), json!({"currency": "XYZ", "version": 2})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["currency"].as_str().unwrap().contains("\"XYZ\" is not a currency"), "{v}");
        let (s, v) = api.send(Method::PATCH, &format!("/districts/{id}"), json!({"currency": "gbp", "version": 2})).await;
        assert_eq!((s, v["currency"].as_str(), v["name"].as_str()), (StatusCode::OK, Some("GBP"), Some("East and Coast")), "{v}");
        let (s, w) = api.send(Method::POST, "/districts", json!({"code": "west", "name": "West", "currency": "SEK"})).await;
        assert_eq!((s, w["currency"].as_str()), (StatusCode::CREATED, Some("SEK")), "{w}");
        // In the browser, in Danish: the form offers the currencies by name.
        let b = app.signed_in("admin@test.example").await;
        b.get("/language/da").await;
        let form = b.get(&format!("/districts/{id}/edit")).await;
        assert!(form.body.contains("<option value=\"GBP\" selected>GBP – britiske pund</option>"), "{}", form.body);
        let page = b.post(&format!("/districts/{id}"), &[("name", "East and Coast"), ("currency", "NOPE"), ("version", "3")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("&#34;NOPE&#34; er ikke en valuta"), "{}", page.body);
        let page = b.post(&format!("/districts/{id}"), &[("name", "East and Coast"), ("currency", "EUR"), ("version", "3")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert!(b.get(&format!("/districts/{id}")).await.body.contains("EUR – euro"));
    }

    async fn a_stale_form_shows_what_changed(app) {
        app.seed().await;
        let north = app.district_id("north").await;
        let one = app.signed_in("admin@test.example").await;
        let two = app.signed_in("admin@test.example").await;
        one.get(&format!("/districts/{north}/edit")).await;
        two.get(&format!("/districts/{north}/edit")).await;
        let saved = one.post(&format!("/districts/{north}"), &[("name", "North (first)"), ("version", "1")]).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        let stale = two.post(&format!("/districts/{north}"), &[("name", "North (second)"), ("version", "1")]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.body.contains("Someone else changed this record"));
        assert!(stale.body.contains("North (first)"), "shows the saved value");
        assert!(stale.body.contains("value=\"North (second)\""), "keeps what was typed");
        assert!(stale.body.contains("name=\"version\" value=\"2\""), "offers the current version");
        let again = two.post(&format!("/districts/{north}"), &[("name", "North (second)"), ("version", "2")]).await;
        assert_eq!(again.status, StatusCode::SEE_OTHER);
    }
}
