//! The audit trail: written with every change, readable by administrators and managers,
//! and impossible to change or delete.

use crate::both;
use reqwest::{Method, StatusCode};
use serde_json::json;

both! {
    async fn changes_and_reads_are_recorded(app) {
        app.seed().await;
        let api = app.api(&app.token("admin@test.example").await);
        let (_, d) = api.send(Method::POST, "/districts", json!({"code": "east", "name": "East"})).await;
        let id = d["id"].as_i64().unwrap();
        api.send(Method::PATCH, &format!("/districts/{id}"), json!({"name": "East Coast", "version": 1})).await;
        let uid = app.user_id("am@test.example").await;
        api.get(&format!("/users/{uid}")).await;

        let (s, v) = api.get(&format!("/audit?entity=district&entity_id={id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["total"], 2);
        assert_eq!(v["items"][0]["action"], "update");
        assert_eq!(v["items"][0]["actor"], "admin@test.example");
        assert_eq!(v["items"][0]["before"], json!({"name": "East", "currency": "DKK"}));
        assert_eq!(v["items"][0]["after"], json!({"name": "East Coast", "currency": "DKK"}));
        assert_eq!(v["items"][1]["action"], "create");
        let (_, v) = api.get(&format!("/audit?entity=user&entity_id={uid}&action=read")).await;
        assert_eq!(v["total"], 1, "reading a person's record is logged");
        let (s, v) = api.get("/audit?from=yesterday").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(v["error"]["fields"]["from"].as_str().unwrap().contains("yesterday"));

        // Failed and successful sign-ins are in the trail, without the password typed.
        let b = app.browser();
        b.sign_in("am@test.example", "secret typed wrongly").await;
        let (_, v) = api.get("/audit?action=sign_in_failed").await;
        assert_eq!(v["total"], 1);
        assert!(!v.to_string().contains("secret typed wrongly"));
    }

    async fn the_audit_log_cannot_be_changed(app) {
        app.seed().await;
        let before: i64 = count(app).await;
        assert!(before > 0);
        assert!(app.sql("UPDATE audit_log SET actor = 'someone else'").await.is_err(), "UPDATE refused");
        assert!(app.sql("DELETE FROM audit_log").await.is_err(), "DELETE refused");
        assert_eq!(count(app).await, before);
    }

    async fn who_may_browse_the_audit_log(app) {
        app.seed().await;
        let admin = app.signed_in("admin@test.example").await;
        let page = admin.get("/audit").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Audit log"));
        let filtered = admin.get("/audit?action=create&entity=user").await;
        assert!(filtered.body.contains("Created"));
        let bad = admin.get("/audit?from=31.02.2024").await;
        assert!(bad.body.contains("is not a date"));
        // A manager sees the entries of their districts only.
        let api = app.api(&app.token("admin@test.example").await);
        let south = app.district_id("south").await;
        api.send(Method::PATCH, &format!("/districts/{south}"), json!({"name": "South (renamed)", "version": 1})).await;
        let manager = app.api(&app.token("manager@test.example").await);
        let (s, v) = manager.get("/audit?entity=district").await;
        assert_eq!(s, StatusCode::OK);
        assert!(!v.to_string().contains("South (renamed)"));
        assert_eq!(app.signed_in("manager@test.example").await.get("/audit").await.status, StatusCode::OK);
        for who in ["am@test.example", "secretariat@test.example", "adviser@test.example", "partner@test.example"] {
            assert_eq!(app.signed_in(who).await.get("/audit").await.status, StatusCode::FORBIDDEN, "{who}");
        }
    }
}

async fn count(app: &crate::support::TestApp) -> i64 {
    use accord_db::sea_orm::{EntityTrait, PaginatorTrait};
    accord_db::entities::audit_log::Entity::find().count(&app.db.conn).await.unwrap() as i64
}
