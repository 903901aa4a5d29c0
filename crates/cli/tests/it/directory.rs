//! The employer directory in the browser and through the API.

use crate::both;
use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn org(app: &TestApp, token: &str, body: Value) -> Value {
    let (s, v) = app.api(token).send(Method::POST, "/organisations", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

both! {
    async fn identifiers_are_checked_and_named(app) {
        app.seed().await;
        let b = app.signed_in("am@test.example").await;
        b.get("/organisations/new").await;
        let page = b
            .post("/organisations", &[("name", "Korsør Bageri ApS"), ("cvr", "35954717"), ("p_number", "123"), ("sector", "00"), ("companies_house", "XYZ")])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("The CVR number &#34;35954717&#34; is not valid") || page.body.contains("The CVR number &quot;35954717&quot; is not valid"), "{}", page.body);
        assert!(page.body.contains("P-number &#34;123&#34; must be 10 digits") || page.body.contains("P-number &quot;123&quot; must be 10 digits"));
        assert!(page.body.contains("is not a sector code"));
        assert!(page.body.contains("href=\"#cvr\"") && page.body.contains("href=\"#p_number\"") && page.body.contains("href=\"#sector\""));
        assert!(page.body.contains("value=\"Korsør Bageri ApS\""), "typed values kept");
        let (_, v) = app.api(&app.token("admin@test.example").await).get("/organisations").await;
        assert_eq!(v["total"], 0, "nothing written");

        let page = b.post("/organisations", &[("name", "Korsør Bageri ApS"), ("cvr", "35954716"), ("sector", "10.71"), ("postcode", "4220")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let show = b.get(page.headers["location"].to_str().unwrap()).await;
        assert!(show.body.contains("10 Manufacture of food products"));
        assert!(show.body.contains("ORG-0000"), "a reference was made");
    }

    async fn duplicates_are_refused_and_similar_names_warned(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        let first = org(app, &token, json!({"name": "Slagelse VVS ApS", "cvr": "35954716", "postcode": "4200"})).await;
        let (s, v) = app.api(&token).send(Method::POST, "/organisations", json!({"name": "Another", "cvr": "35954716"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["cvr"].as_str().unwrap().contains("Slagelse VVS ApS"));
        let b = app.signed_in("am@test.example").await;
        b.get("/organisations/new").await;
        let page = b.post("/organisations", &[("name", "Another"), ("cvr", "35954716")]).await;
        assert!(page.body.contains(&format!("href=\"/organisations/{}\"", first["id"])), "links to the existing record");
        // A similar name at the same postcode: a warning that can be confirmed.
        let page = b.post("/organisations", &[("name", "Slagelse VVS og Blik"), ("postcode", "4200")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("has a similar name at the same postcode"));
        assert!(page.body.contains("name=\"confirm_similar\""));
        let page = b.post("/organisations", &[("name", "Slagelse VVS og Blik"), ("postcode", "4200"), ("confirm_similar", "true")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        // Sites share their company's CVR; a site's P-number is its own.
        let site = json!({"name": "Slagelse VVS, Korsør", "level": "site", "parent_ref": first["ref"], "cvr": "35954716", "p_number": "1003388394"});
        org(app, &token, site).await;
        let (s, v) = app.api(&token).send(Method::POST, "/organisations", json!({"name": "Other site", "level": "site", "p_number": "1003388394"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["p_number"].is_string());
    }

    async fn hierarchy_and_roll_up(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        let api = app.api(&token);
        let g = org(app, &token, json!({"ref": "G", "name": "Salling Group A/S", "level": "group"})).await;
        let c = org(app, &token, json!({"ref": "C", "name": "Netto", "parent_ref": "G"})).await;
        assert_eq!(c["level"], "company");
        let s1 = org(app, &token, json!({"ref": "S1", "name": "Netto Slagelse", "parent_ref": "C"})).await;
        assert_eq!(s1["level"], "site", "under a company, a site");
        org(app, &token, json!({"ref": "S2", "name": "Netto Korsør", "parent_ref": "C"})).await;
        // No cycles: the group cannot become part of its own site.
        let (s, v) = api.send(Method::PATCH, &format!("/organisations/{}", g["id"]), json!({"parent_ref": "S1", "level": "company", "version": 1})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["parent_ref"].as_str().unwrap().contains("S1"));
        let (s, _) = api.send(Method::PATCH, &format!("/organisations/{}", c["id"]), json!({"parent_ref": "C", "version": 1})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "not its own parent");
        let (_, all) = api.get("/organisations").await;
        assert_eq!(all["total"], 4);
        let (_, top) = api.get("/organisations?rollup=true").await;
        assert_eq!(top["total"], 1);
        assert_eq!(top["items"][0]["ref"], "G");
        let (_, sites) = api.get(&format!("/organisations?parent_id={}", c["id"])).await;
        assert_eq!(sites["total"], 2);
        let b = app.signed_in("am@test.example").await;
        let page = b.get(&format!("/organisations/{}", s1["id"])).await;
        assert!(page.body.contains("Salling Group A/S") && page.body.contains("class=\"breadcrumbs\""), "the chain above is shown");
        let list = b.get("/organisations?rollup=1").await;
        assert!(list.body.contains("Salling Group A/S") && !list.body.contains("Netto Korsør"));
    }

    async fn search_finds_by_fragment_identifier_and_contact(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        let api = app.api(&token);
        let a = org(app, &token, json!({"ref": "A", "name": "Jensen Tømrerfirma ApS", "cvr": "29189749"})).await;
        org(app, &token, json!({"ref": "B", "name": "Korsør Bageri", "companies_house": "SC123456", "p_number": "1003388394"})).await;
        let (s, _) = api.send(Method::POST, "/contacts", json!({"organisation_ref": "A", "name": "Hanne Kristensen", "email": "hanne@jensen.example"})).await;
        assert_eq!(s, StatusCode::CREATED);
        for (q, expected) in [("tømrer", "A"), ("TØMRER", "A"), ("29189749", "A"), ("sc123456", "B"), ("1003388394", "B"), ("hanne kri", "A"), ("hanne@jensen.example", "A"), ("bager", "B")] {
            let (_, v) = api.get(&format!("/organisations?q={}", url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>())).await;
            assert_eq!(v["total"], 1, "{q}: {v}");
            assert_eq!(v["items"][0]["ref"], expected, "{q}");
        }
        let (_, v) = api.get("/organisations?q=%25").await;
        assert_eq!(v["total"], 2, "a wildcard character matches nothing special");
        let b = app.signed_in("am@test.example").await;
        let page = b.get("/organisations?q=hanne").await;
        assert!(page.body.contains(&format!("/organisations/{}", a["id"])));
        assert!(page.body.contains("Organisations: 1"));
    }

    async fn merge_moves_everything_and_keeps_identifiers(app) {
        app.seed().await;
        let token = app.token("secretariat@test.example").await;
        let api = app.api(&token);
        let keep = org(app, &token, json!({"ref": "KEEP", "name": "Bilka Slagelse", "cvr": "29189749"})).await;
        let dup = org(app, &token, json!({"ref": "DUP", "name": "Bilka Slagelse (dublet)", "cvr": "35954716"})).await;
        api.send(Method::POST, "/contacts", json!({"organisation_ref": "DUP", "name": "Ole Dam"})).await;
        let b = app.signed_in("secretariat@test.example").await;
        b.get(&format!("/organisations/{}", dup["id"])).await;
        let page = b.post(&format!("/organisations/{}/interactions", dup["id"]), &[("kind", "call"), ("summary", "Talked about placements")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        // An account manager may not merge.
        let am = app.api(&app.token("am@test.example").await);
        let (s, _) = am.send(Method::POST, &format!("/organisations/{}/merge", keep["id"]), json!({"merge_id": dup["id"]})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        b.get(&format!("/organisations/{}/merge", keep["id"])).await;
        let page = b.post(&format!("/organisations/{}/merge", keep["id"]), &[("merge_ref", "35954716")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let show = b.get(&format!("/organisations/{}", keep["id"])).await;
        assert!(show.body.contains("Ole Dam"), "contacts moved");
        assert!(show.body.contains("Talked about placements"), "log moved");
        assert!(show.body.contains("DUP") && show.body.contains("35954716"), "identifiers kept");
        assert_eq!(api.get(&format!("/organisations/{}", dup["id"])).await.0, StatusCode::NOT_FOUND);
        // The list's total (kept by triggers) follows the merge's delete.
        let (_, all) = api.get("/organisations").await;
        assert_eq!(all["total"], 1);
        assert_eq!(all["items"].as_array().unwrap().len(), 1);
        let (_, v) = api.get("/organisations?q=35954716").await;
        assert_eq!(v["items"][0]["ref"], "KEEP", "the old CVR finds the survivor");
        let (_, v) = app.api(&app.token("admin@test.example").await).get(&format!("/audit?entity=organisation&entity_id={}&action=merge", keep["id"])).await;
        assert_eq!(v["total"], 1);
        // Importing a contact for the old ref lands on the survivor.
        let (s, c) = api.send(Method::POST, "/contacts", json!({"organisation_ref": "DUP", "name": "Via alias"})).await;
        assert_eq!(s, StatusCode::CREATED);
        assert_eq!(c["organisation_id"], keep["id"]);
    }

    async fn account_managers_history_and_hand_over(app) {
        app.seed().await;
        app.add_user("am2@test.example", "account_manager", Some("north")).await;
        let token = app.token("secretariat@test.example").await;
        let api = app.api(&token);
        let a = org(app, &token, json!({"name": "Alpha", "account_manager_email": "am@test.example"})).await;
        org(app, &token, json!({"name": "Beta", "account_manager_email": "am@test.example"})).await;
        let (s, v) = api.send(Method::POST, "/organisations", json!({"name": "Gamma", "account_manager_email": "south@test.example"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "an account manager of another district");
        assert!(v["error"]["fields"]["account_manager_email"].as_str().unwrap().contains("south@test.example"));
        let b = app.signed_in("secretariat@test.example").await;
        b.get("/organisations/handover").await;
        let page = b.post("/organisations/handover", &[("from", "am@test.example"), ("to", "am@test.example")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = b.post("/organisations/handover", &[("from", "am@test.example"), ("to", "am2@test.example")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let (_, v) = api.get("/organisations?account_manager=am2@test.example").await;
        assert_eq!(v["total"], 2);
        let (_, v) = api.get("/organisations?account_manager=am@test.example").await;
        assert_eq!(v["total"], 0);
        let show = b.get(&format!("/organisations/{}", a["id"])).await;
        assert!(show.body.contains("Name of am@test.example") && show.body.contains("Name of am2@test.example"), "both periods shown");
        // An account manager cannot hand over.
        let am = app.signed_in("am@test.example").await;
        assert_eq!(am.get("/organisations/handover").await.status, StatusCode::FORBIDDEN);
    }

    async fn contact_log_follow_ups_and_coordination(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        let o = org(app, &token, json!({"name": "Rosted Maskinfabrik"})).await;
        let id = o["id"].as_i64().unwrap();
        let am = app.signed_in("am@test.example").await;
        am.get(&format!("/organisations/{id}")).await;
        let bad = am.post(&format!("/organisations/{id}/interactions"), &[("kind", "call"), ("summary", ""), ("occurred_on", "2099-01-01")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("in the future") && bad.body.contains("href=\"#summary\""));
        let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string();
        let ok = am.post(&format!("/organisations/{id}/interactions"), &[("kind", "visit"), ("summary", "Visited the workshop"), ("people", "Jens, the owner"), ("follow_up_on", &soon)]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let home = am.get("/").await;
        assert!(home.body.contains("Your follow-ups due") && home.body.contains("Rosted Maskinfabrik"));
        // Two colleagues get in touch too: the page warns the next one.
        for who in ["secretariat@test.example", "manager@test.example"] {
            let b = app.signed_in(who).await;
            b.get(&format!("/organisations/{id}")).await;
            let r = b.post(&format!("/organisations/{id}/interactions"), &[("kind", "call"), ("summary", "Called about a vacancy")]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
        }
        let page = am.get(&format!("/organisations/{id}")).await;
        assert!(page.body.contains("Coordinate before you get in touch"));
        assert!(page.body.contains("3 colleagues"));
        // Marking the follow-up done takes it off the home page.
        let marker = "/interactions/";
        let start = page.body.find(marker).unwrap() + marker.len();
        let iid: i64 = page.body[start..start + page.body[start..].find('/').unwrap()].parse().unwrap();
        let done = am.post(&format!("/interactions/{iid}/done"), &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert!(!am.get("/").await.body.contains("Rosted Maskinfabrik"));
        // A committee member reads but cannot log.
        let committee = app.signed_in("committee@test.example").await;
        let page = committee.get(&format!("/organisations/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Log a contact"));
        let r = committee.post(&format!("/organisations/{id}/interactions"), &[("kind", "call"), ("summary", "x")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }

    async fn other_districts_and_roles(app) {
        app.seed().await;
        let north = org(app, &app.token("am@test.example").await, json!({"name": "North Employer"})).await;
        let id = north["id"].as_i64().unwrap();
        let south = app.signed_in("south@test.example").await;
        assert_eq!(south.get(&format!("/organisations/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(south.get(&format!("/organisations/{id}/edit")).await.status, StatusCode::NOT_FOUND);
        let api = app.api(&app.token("south@test.example").await);
        assert_eq!(api.get(&format!("/organisations/{id}")).await.0, StatusCode::NOT_FOUND);
        let (_, v) = api.get("/organisations").await;
        assert_eq!(v["total"], 0);
        let (s, _) = api.send(Method::PATCH, &format!("/organisations/{id}"), json!({"name": "Taken", "version": 1})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let partner = app.signed_in("partner@test.example").await;
        assert_eq!(partner.get("/organisations").await.status, StatusCode::FORBIDDEN);
        let committee = app.api(&app.token("committee@test.example").await);
        let (s, _) = committee.send(Method::POST, "/organisations", json!({"name": "X"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = committee.send(Method::PATCH, &format!("/organisations/{id}"), json!({"name": "X", "version": 1})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }

    async fn organisation_and_contact_edits_carry_versions(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        let api = app.api(&token);
        let o = org(app, &token, json!({"name": "Versioned", "ward": "Korsør"})).await;
        let id = o["id"].as_i64().unwrap();
        let (s, v) = api.send(Method::PATCH, &format!("/organisations/{id}"), json!({"ward": "Skælskør", "version": 1})).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["version"], 2);
        assert_eq!(v["name"], "Versioned", "fields left out keep their value");
        let (s, v) = api.send(Method::PATCH, &format!("/organisations/{id}"), json!({"ward": "Dalmose", "version": 1})).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(v["error"]["current"]["ward"], "Skælskør");
        assert_eq!(v["error"]["changed"], json!(["ward"]));
        // The browser: a stale form shows what changed and keeps what was typed.
        let b = app.signed_in("am@test.example").await;
        b.get(&format!("/organisations/{id}/edit")).await;
        let page = b.post(&format!("/organisations/{id}"), &[("name", "Versioned"), ("ward", "Vemmelev"), ("status", "active"), ("kind", "employer"), ("version", "1")]).await;
        assert_eq!(page.status, StatusCode::CONFLICT);
        assert!(page.body.contains("Skælskør") && page.body.contains("value=\"Vemmelev\""));
        // Contacts too.
        let (_, c) = api.send(Method::POST, "/contacts", json!({"organisation_ref": o["ref"], "name": "Pia Holm", "email": "pia@example.dk", "is_primary": true})).await;
        let cid = c["id"].as_i64().unwrap();
        let (s, c2) = api.send(Method::PATCH, &format!("/contacts/{cid}"), json!({"phone": "+45 12 34 56 78", "version": 1})).await;
        assert_eq!(s, StatusCode::OK, "{c2}");
        let (s, _) = api.send(Method::PATCH, &format!("/contacts/{cid}"), json!({"phone": "+45 87 65 43 21", "version": 1})).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, v) = api.send(Method::PATCH, &format!("/contacts/{cid}"), json!({"email": "not an address", "version": 2})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["email"].as_str().unwrap().contains("not an address"));
        // One primary contact at a time.
        api.send(Method::POST, "/contacts", json!({"organisation_ref": o["ref"], "name": "Ole Berg", "is_primary": true})).await;
        let (_, first) = api.get(&format!("/contacts/{cid}")).await;
        assert_eq!(first["is_primary"], false);
    }
}
