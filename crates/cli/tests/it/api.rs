//! The API's authentication, error bodies and OpenAPI document.

use crate::both;
use reqwest::StatusCode;
use serde_json::json;

both! {
    async fn me_needs_a_valid_token(app) {
        app.seed().await;
        let res = reqwest::get(format!("{}/api/v1/me", app.url)).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert!(res.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthenticated");

        let token = app.token("manager@test.example").await;
        let (s, me) = app.api(&token).get("/me").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(me, json!({"email": "manager@test.example", "name": "Name of manager@test.example", "roles": ["manager"], "districts": ["north"]}));
        assert_eq!(app.api("acc_wrong").get("/me").await.0, StatusCode::UNAUTHORIZED);

        // A session cookie is not an API credential.
        let b = app.signed_in("manager@test.example").await;
        let res = b.client.get(format!("{}/api/v1/me", app.url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }

    async fn tokens_made_in_the_browser_work_until_revoked(app) {
        app.seed().await;
        let b = app.signed_in("secretariat@test.example").await;
        b.get("/account").await;
        let page = b.post("/account/tokens", &[("name", "Case system export")]).await;
        assert_eq!(page.status, StatusCode::OK);
        let start = page.body.find("<code class=\"token\">").unwrap() + "<code class=\"token\">".len();
        let token = page.body[start..start + page.body[start..].find('<').unwrap()].to_owned();
        assert!(token.starts_with("acc_"));
        assert_eq!(app.api(&token).get("/me").await.0, StatusCode::OK);
        // Shown once: the account page does not show it again.
        let again = b.get("/account").await;
        assert!(!again.body.contains(&token));
        assert!(again.body.contains("Case system export"));
        let id: i64 = {
            let marker = "/account/tokens/";
            let s = again.body.find(marker).unwrap() + marker.len();
            again.body[s..s + again.body[s..].find('/').unwrap()].parse().unwrap()
        };
        let res = b.post(&format!("/account/tokens/{id}/revoke"), &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(app.api(&token).get("/me").await.0, StatusCode::UNAUTHORIZED);
    }

    async fn malformed_requests_get_json_errors(app) {
        app.seed().await;
        let token = app.token("admin@test.example").await;
        let client = reqwest::Client::new();
        let res = client
            .post(format!("{}/api/v1/districts", app.url))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert!(res.status().is_client_error());
        let v: serde_json::Value = res.json().await.unwrap();
        assert_eq!(v["error"]["code"], "invalid");
        let (s, v) = app.api(&token).get("/districts/not-a-number").await;
        assert!(s.is_client_error());
        assert!(v["error"]["code"].is_string());
        let (s, v) = app.api(&token).get("/no-such-thing").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v["error"]["code"], "not_found");
    }
}

/// The OpenAPI document is served, and matches the checked-in snapshot: a change to the
/// API's shape must be deliberate (`ACCORD_UPDATE_SNAPSHOTS=1` rewrites it).
#[tokio::test]
async fn openapi_snapshot() {
    let app = crate::support::TestApp::sqlite().await;
    let served: serde_json::Value =
        reqwest::get(format!("{}/api/v1/openapi.json", app.url)).await.unwrap().json().await.unwrap();
    let generated = serde_json::to_value(accord_web::api::openapi()).unwrap();
    assert_eq!(served, generated);
    for path in ["/me", "/districts", "/districts/{id}", "/users", "/users/{id}", "/audit"] {
        assert!(served["paths"][path].is_object(), "{path} is described");
    }
    let pretty = serde_json::to_string_pretty(&served).unwrap() + "\n";
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/openapi.json");
    let update = std::env::var_os("ACCORD_UPDATE_SNAPSHOTS").is_some();
    if update || (!file.exists() && std::env::var_os("CI").is_none()) {
        std::fs::write(&file, &pretty).unwrap();
    }
    let expected = std::fs::read_to_string(&file).unwrap();
    assert_eq!(pretty, expected, "the OpenAPI document changed; review and rerun with ACCORD_UPDATE_SNAPSHOTS=1");
    app.finish().await;
}
