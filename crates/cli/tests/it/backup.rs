//! Backup and restore as docs/operations.md tells an operator to do them: `accord backup`
//! while writers are busy, the copy restored (SQLite: the file put in place; PostgreSQL:
//! `pg_restore` into an empty database), migrated, and a node started on it that passes the
//! smoke checks. Every write acknowledged before the backup began is in the copy.

use crate::both;
use crate::cli::accord;
use crate::crash::{check, write_until_refused};
use crate::support::{Node, PASSWORD, api_at, browser_at};
use accord_db::sea_orm::ConnectionTrait;
use accord_db::{Db, DbOptions};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

both! {
    async fn backup_under_write_load_restores_and_runs(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        let acked = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let writers = tokio::spawn({
            let (u, t, a, s) = (app.url.clone(), token.clone(), Arc::clone(&acked), Arc::clone(&stop));
            async move { write_until_refused(&u, &t, a, 0, s).await }
        });
        // Some writes acknowledged before the backup starts, however busy the machine.
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if acked.lock().unwrap().len() >= 5 {
                break;
            }
        }
        let before: Vec<i64> = acked.lock().unwrap().clone();
        assert!(!before.is_empty(), "the writers are writing");
        let dir = std::env::temp_dir().join(format!("accord_restore_{}_{}", std::process::id(), before.len()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("backup").display().to_string();
        let (url, f) = (app.database_url.clone(), file.clone());
        let (ok, _, err) = tokio::task::spawn_blocking(move || accord(&url, &["backup", &f], None)).await.unwrap();
        assert!(ok, "backup failed: {err}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        stop.store(true, Ordering::Relaxed);
        writers.await.unwrap();
        let (ok, _, err) = tokio::task::spawn_blocking({
            let (url, f) = (app.database_url.clone(), file.clone());
            move || accord(&url, &["backup", &f], None)
        })
        .await
        .unwrap();
        assert!(!ok && err.contains("exists"), "a backup never overwrites a file: {err}");

        // Restore as the operations guide says.
        let restored = if app.database_url.starts_with("sqlite") {
            std::fs::copy(&file, dir.join("accord.db")).unwrap();
            format!("sqlite://{}/accord.db?mode=rw", dir.display())
        } else {
            let admin = Db::connect(&app.database_url, &DbOptions { max_connections: 1 }).await.unwrap();
            let name = format!("accord_restored_{}_{}", std::process::id(), before.len());
            admin.conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            admin.conn.close_by_ref().await.ok();
            let mut u = url::Url::parse(&app.database_url).unwrap();
            u.set_path(&format!("/{name}"));
            let out = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--dbname", u.as_str(), &file])
                .output()
                .unwrap();
            assert!(out.status.success(), "pg_restore failed: {}", String::from_utf8_lossy(&out.stderr));
            u.to_string()
        };
        let (ok, out, err) = tokio::task::spawn_blocking({
            let r = restored.clone();
            move || accord(&r, &["migrate"], None)
        })
        .await
        .unwrap();
        assert!(ok && out.contains("migrations applied"), "{err}");
        check(&restored, &before).await;

        // Smoke: a node on the copy signs a user in and shows and takes their records.
        let node = Node::start(&restored, "warn", &[]).await;
        let b = browser_at(&node.url);
        assert_eq!(b.sign_in("am@test.example", PASSWORD).await.status(), reqwest::StatusCode::SEE_OTHER);
        let list = b.get("/organisations").await;
        assert_eq!(list.status, reqwest::StatusCode::OK);
        assert!(list.body.contains("Crash 0"), "the restored organisations are listed");
        let api = api_at(&node.url, &token);
        let (s, v) = api.get("/organisations?per_page=1").await;
        assert_eq!(s, reqwest::StatusCode::OK);
        assert!(v["total"].as_u64().unwrap() >= before.len() as u64, "{v}");
        let (s, v) = api.send(reqwest::Method::POST, "/organisations", serde_json::json!({"name": "After the restore"})).await;
        assert_eq!(s, reqwest::StatusCode::CREATED, "{v}");
        // The audit log is still append-only in the copy.
        let db = Db::connect(&restored, &DbOptions { max_connections: 1 }).await.unwrap();
        assert!(db.conn.execute_unprepared("UPDATE audit_log SET actor = 'someone else'").await.is_err());
        assert!(db.conn.execute_unprepared("DELETE FROM audit_log").await.is_err());
        db.conn.close_by_ref().await.ok();
        drop(node);
        if !restored.starts_with("sqlite") {
            let admin = Db::connect(&app.database_url, &DbOptions { max_connections: 1 }).await.unwrap();
            let name = url::Url::parse(&restored).unwrap().path().trim_start_matches('/').to_owned();
            let _ = admin.conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
