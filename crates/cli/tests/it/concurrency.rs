//! Many writers at once.

use crate::both;
use reqwest::{Method, StatusCode};
use serde_json::json;

both! {
    async fn fifty_concurrent_writers(app) {
        app.seed().await;
        let token = app.token("admin@test.example").await;
        let mut tasks = Vec::new();
        for i in 0..50 {
            let api = app.api(&token);
            tasks.push(tokio::spawn(async move {
                api.send(Method::POST, "/districts", json!({"code": format!("d{i}"), "name": format!("District {i}")})).await
            }));
        }
        for t in tasks {
            let (s, v) = t.await.unwrap();
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (_, v) = app.api(&token).get("/districts?per_page=200").await;
        assert_eq!(v["total"], 52);
    }
}
