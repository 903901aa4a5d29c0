//! Consent purpose by purpose from the contacts import (and back out in its export), and
//! consent, bouncing and the frequency cap over the API: who may do what, bad input named by
//! field, the history kept, and the audit entries.

use crate::both;
use crate::support::TestApp;
use accord_app::files::Format;
use accord_app::import::{Kind, export, import};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn import_file(app: &TestApp, kind: Kind, bytes: &[u8]) -> accord_app::import::ImportReport {
    import(&app.app, &accord_app::Actor::system(), kind, Some("north"), bytes, false).await.unwrap()
}

/// The consent per purpose the API reports for a contact, as `(news, invitations, surveys)`.
async fn consents(app: &TestApp, token: &str, contact: i64) -> (bool, bool, bool) {
    let (s, v) = app.api(token).get(&format!("/contacts/{contact}/mail")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let given = |p: &str| {
        v["consents"].as_array().unwrap().iter().find(|c| c["purpose"] == p).unwrap()["given"].as_bool().unwrap()
    };
    (given("news"), given("invitations"), given("surveys"))
}

async fn contact_id(app: &TestApp, token: &str, name: &str) -> i64 {
    let (_, v) = app.api(token).get("/contacts?per_page=100").await;
    v["items"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()["id"].as_i64().unwrap()
}

async fn audit_actions(app: &TestApp, contact: i64) -> Vec<String> {
    let admin = app.token("admin@test.example").await;
    let (_, v) = app.api(&admin).get(&format!("/audit?entity=contact&entity_id={contact}&per_page=100")).await;
    v["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

both! {
    async fn the_contacts_import_sets_consent_purpose_by_purpose(app) {
        app.seed().await;
        let orgs = "ref,name\nA,Jensen Tømrerfirma ApS\nB,Second Employer A/S\n";
        assert!(import_file(app, Kind::Organisations, orgs.as_bytes()).await.errors.is_empty());
        // A bad flag names its column and line, and nothing is written.
        let bad = "ref,organisation_ref,name,email,consent,consent_news,consent_invitations,consent_surveys\n\
                   K1,A,Hanne Kristensen,hanne@example.dk,yes,no,,\n\
                   K2,B,Ib Holm,ib@example.dk,no,,ja,maybe\n";
        let r = import_file(app, Kind::Contacts, bad.as_bytes()).await;
        assert_eq!(r.added, 0);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!((r.errors[0].line, r.errors[0].error.field.as_str()), (3, "consent_surveys"));
        assert_eq!(r.errors[0].error.value.as_deref(), Some("maybe"));
        let am = app.token("am@test.example").await;
        let (_, v) = app.api(&am).get("/contacts").await;
        assert_eq!(v["total"], 0, "nothing written");

        // Hanne: general consent, but not to news. Ib: no general consent, but invitations.
        let good = bad.replace(",maybe", ",");
        let r = import_file(app, Kind::Contacts, good.as_bytes()).await;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.added, 2);
        let hanne = contact_id(app, &am, "Hanne Kristensen").await;
        let ib = contact_id(app, &am, "Ib Holm").await;
        assert_eq!(consents(app, &am, hanne).await, (false, true, true));
        assert_eq!(consents(app, &am, ib).await, (false, true, false));
        let (_, v) = app.api(&am).get(&format!("/contacts/{hanne}/mail")).await;
        assert_eq!(v["history"][0]["source"], "import");
        assert_eq!(v["history"][0]["purpose"], "news");
        assert!(audit_actions(app, hanne).await.contains(&"consent_withdrawn".to_owned()));
        assert!(audit_actions(app, ib).await.contains(&"consent_given".to_owned()));

        // The same file again changes nothing; nor does the export read back in, which has the
        // consent that holds now in the same columns.
        let r = import_file(app, Kind::Contacts, good.as_bytes()).await;
        assert_eq!((r.added, r.updated, r.unchanged), (0, 0, 2));
        for format in [Format::Csv, Format::Xlsx] {
            let out = export(&app.app, &accord_app::Actor::system(), Kind::Contacts, format, Some("north")).await.unwrap();
            if format == Format::Csv {
                let text = String::from_utf8_lossy(&out).to_string();
                let header = text.lines().next().unwrap().trim_start_matches('\u{feff}').to_owned();
                assert!(header.ends_with("consent_news,consent_invitations,consent_surveys") || header.ends_with("consent_news;consent_invitations;consent_surveys"), "{header}");
            }
            let again = import_file(app, Kind::Contacts, &out).await;
            assert!(again.errors.is_empty(), "{:?}", again.errors);
            assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 2), "{format:?}");
        }
        // A purpose changed by itself counts as a change; an empty cell leaves it.
        let r = import_file(app, Kind::Contacts, b"ref,organisation_ref,name,consent_news\nK1,A,Hanne Kristensen,yes\nK2,B,Ib Holm,\n").await;
        assert_eq!((r.added, r.updated, r.unchanged), (0, 1, 1), "{:?}", r.errors);
        assert_eq!(consents(app, &am, hanne).await, (true, true, true));
        assert_eq!(consents(app, &am, ib).await, (false, true, false));
    }

    async fn consent_bouncing_and_the_cap_over_the_api(app) {
        app.seed().await;
        let am = app.token("am@test.example").await;
        let (s, o) = app.api(&am).send(Method::POST, "/organisations", json!({"ref": "ORG1", "name": "Jensen Tømrerfirma ApS"})).await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let (s, c) = app.api(&am).send(Method::POST, "/contacts", json!({"organisation_ref": "ORG1", "name": "Hanne", "email": "hanne@example.dk", "consent": true})).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = c["id"].as_i64().unwrap();
        assert_eq!(consents(app, &am, id).await, (true, true, true));
        let (_, v) = app.api(&am).get(&format!("/contacts/{id}/mail")).await;
        assert_eq!(v["bouncing"], false);
        assert!(v["consents"][0]["since"].is_null(), "the general flag holds: {v}");

        let path = format!("/contacts/{id}/consents");
        let (s, v) = app.api(&am).send(Method::POST, &path, json!({"purpose": "surveys", "given": false})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["history"][0]["source"], "form");
        assert_eq!(v["history"][0]["recorded_by"], "am@test.example");
        assert_eq!(consents(app, &am, id).await, (true, true, false));
        let (s, _) = app.api(&am).send(Method::POST, &path, json!({"purpose": "surveys", "given": true, "source": "contact"})).await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, v) = app.api(&am).get(&format!("/contacts/{id}/mail")).await;
        assert_eq!(v["history"].as_array().unwrap().len(), 2, "the withdrawal stays in the history: {v}");
        assert_eq!(v["history"][0]["source"], "contact");
        assert_eq!(
            audit_actions(app, id).await.iter().filter(|a| a.starts_with("consent_")).count(),
            2
        );
        // Bad input names the field; nothing is recorded.
        for (body, field) in [
            (json!({"purpose": "spam", "given": true}), "purpose"),
            (json!({"purpose": "news"}), "given"),
            (json!({"purpose": "news", "given": true, "source": "rumour"}), "source"),
        ] {
            let (s, v) = app.api(&am).send(Method::POST, &path, body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"].get(field).is_some(), "{body}: {v}");
        }
        assert_eq!(app.api(&am).get(&format!("/contacts/{id}/mail")).await.1["history"].as_array().unwrap().len(), 2);
        // Who may: the committee reads nothing here and changes nothing; another district's
        // staff do not find the contact.
        let committee = app.token("committee@test.example").await;
        let (s, _) = app.api(&committee).send(Method::POST, &path, json!({"purpose": "news", "given": false})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let south = app.token("south@test.example").await;
        assert_eq!(app.api(&south).get(&format!("/contacts/{id}/mail")).await.0, StatusCode::NOT_FOUND);
        let (s, _) = app.api(&south).send(Method::POST, &path, json!({"purpose": "news", "given": false})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // Clearing a bounce that is not there changes nothing and writes no audit entry.
        let before = audit_actions(app, id).await.len();
        let (s, v) = app.api(&am).send(Method::DELETE, &format!("/contacts/{id}/bouncing"), Value::Null).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["bouncing"], false);
        assert_eq!(audit_actions(app, id).await.len(), before);

        // The cap: the default until a manager sets one; an account manager may read it only.
        let (s, v) = app.api(&am).get("/mail-cap").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, json!({"district": "north", "max_mailings": 4, "days": 30}));
        let (s, _) = app.api(&am).send(Method::PUT, "/mail-cap", json!({"max_mailings": 2, "days": 14})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let manager = app.token("manager@test.example").await;
        let (s, v) = app.api(&manager).send(Method::PUT, "/mail-cap", json!({"max_mailings": 101, "days": 0})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"].get("max_mailings").is_some() && v["error"]["fields"].get("days").is_some(), "{v}");
        let (s, v) = app.api(&manager).send(Method::PUT, "/mail-cap", json!({"max_mailings": 2, "days": 14})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, json!({"district": "north", "max_mailings": 2, "days": 14}));
        assert_eq!(app.api(&am).get("/mail-cap?district=north").await.1["max_mailings"], 2);
        // The admin works in every district, so names one.
        let admin = app.token("admin@test.example").await;
        let (s, v) = app.api(&admin).get("/mail-cap").await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"].get("district").is_some(), "{v}");
        assert_eq!(app.api(&admin).get("/mail-cap?district=south").await.1["max_mailings"], 4);
    }
}
