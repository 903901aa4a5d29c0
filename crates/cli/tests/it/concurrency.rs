//! Many writers at once, more than the connection pool holds.

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

    async fn fifty_concurrent_activity_writers_with_reads_inside_their_transactions(app) {
        // An activity's save reads names for its audit row while it holds the write lock:
        // more writers than the pool has connections must still all get through.
        app.seed().await;
        let token = app.token("am@test.example").await;
        let (s, v) = app.api(&token).send(Method::POST, "/organisations", json!({"ref": "W-1", "name": "Writers Ltd"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let mut tasks = Vec::new();
        for i in 0..50 {
            let api = app.api(&token);
            tasks.push(tokio::spawn(async move {
                let body = json!({"source_id": format!("C-{i}"), "type": "work_placement", "organisation_ref": "W-1", "start_date": "2025-03-01"});
                api.send(Method::POST, "/activities", body).await
            }));
        }
        for t in tasks {
            let (s, v) = t.await.unwrap();
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let (_, v) = app.api(&token).get("/activities?per_page=1").await;
        assert_eq!(v["total"], 50);
    }
}
