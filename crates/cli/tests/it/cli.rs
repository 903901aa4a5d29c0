//! The `accord` binary, as an operator uses it.

use crate::both;
use std::io::Write;
use std::process::{Command, Stdio};

pub(crate) fn accord(url: &str, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .env("ACCORD_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

both! {
    async fn operator_sets_up_accord_from_the_command_line(app) {
        let url = app.database_url.clone();
        let run = move |args: Vec<&'static str>, stdin: Option<&'static str>| {
            let url = url.clone();
            async move { tokio::task::spawn_blocking(move || accord(&url, &args, stdin)).await.unwrap() }
        };
        let (ok, out, _) = run(vec!["migrate"], None).await;
        assert!(ok && out.contains("migrations applied"));
        let (ok, _, _) = run(vec!["district", "add", "--code", "slagelse", "--name", "Jobcenter Slagelse"], None).await;
        assert!(ok);
        let (ok, _, err) = run(vec!["district", "add", "--code", "Bad Code", "--name", "X"], None).await;
        assert!(!ok && err.contains("code") && err.contains("Bad Code"), "{err}");
        let (ok, _, err) = run(
            vec!["user", "add", "--email", "mette@slagelse.example", "--name", "Mette Jensen", "--role", "secretariat", "--district", "slagelse", "--password-stdin"],
            Some("a long enough password\n"),
        )
        .await;
        assert!(ok, "{err}");
        let (ok, _, err) = run(
            vec!["user", "add", "--email", "x@slagelse.example", "--name", "X", "--role", "secretariat", "--district", "slagelse", "--password-stdin"],
            Some("short\n"),
        )
        .await;
        assert!(!ok && err.contains("password"), "{err}");
        let (ok, token, err) = run(vec!["token", "add", "--email", "mette@slagelse.example"], None).await;
        assert!(ok, "{err}");
        let token = token.trim().to_owned();
        assert!(token.starts_with("acc_") && !token.contains(' '), "only the token on stdout");
        let (s, me) = app.api(&token).get("/me").await;
        assert_eq!(s, reqwest::StatusCode::OK);
        assert_eq!(me["districts"], serde_json::json!(["slagelse"]));
        let (ok, _, err) = run(vec!["token", "add", "--email", "nobody@slagelse.example"], None).await;
        assert!(!ok && err.contains("nobody@slagelse.example"));
        let (ok, out, _) = run(vec!["district", "list"], None).await;
        assert!(ok && out.contains("slagelse\tJobcenter Slagelse"));
        // Agreements in and out through files; a bad line is named on stderr and nothing is written.
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("accord-cli-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let orgs = dir.join("orgs.csv");
        std::fs::write(&orgs, "ref,name,cvr\nA,Jensen Tømrerfirma ApS,29189749\n").unwrap();
        let agreements = dir.join("agreements.csv");
        std::fs::write(&agreements, "ref,organisation_ref,kind,start_date,end_date\nP1,A,partnership,2020-01-01,2019-01-01\n").unwrap();
        let (orgs, agreements): (&'static str, &'static str) =
            (Box::leak(orgs.display().to_string().into_boxed_str()), Box::leak(agreements.display().to_string().into_boxed_str()));
        let (ok, _, err) = run(vec!["import", "organisations", orgs], None).await;
        assert!(ok, "{err}");
        let (ok, _, err) = run(vec!["import", "agreements", agreements], None).await;
        assert!(!ok && err.contains("line 2") && err.contains("end_date") && err.contains("start_date"), "{err}");
        let (ok, out, _) = run(vec!["export", "agreements"], None).await;
        assert!(ok && out.lines().count() == 1 && out.starts_with("ref,organisation_ref,kind,start_date"), "{out}");
        std::fs::write(agreements, "ref,organisation_ref,kind,start_date\nP1,29189749,partnership,01.01.2020\n").unwrap();
        let (ok, _, err) = run(vec!["import", "agreements", agreements], None).await;
        assert!(ok, "{err}");
        let (ok, out, _) = run(vec!["export", "agreements", "--format", "json"], None).await;
        assert!(ok && out.contains("\"P1\"") && out.contains("2020-01-01"), "{out}");
        std::fs::remove_dir_all(&dir).ok();
    }
}

both! {
    async fn an_import_killed_halfway_leaves_the_database_as_it_was(app) {
        app.seed().await;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("accord-kill-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let orgs = dir.join("orgs.csv");
        std::fs::write(&orgs, "ref,name\nA,Jensen Tømrerfirma ApS\n").unwrap();
        let small = dir.join("small.csv");
        std::fs::write(&small, "source_id,type,organisation_ref,start_date\nS1,work_placement,A,2022-01-01\nS2,wage_subsidy,A,2022-02-01\n").unwrap();
        let big = dir.join("big.csv");
        let mut body = String::from("source_id,type,organisation_ref,start_date,outcome\n");
        for i in 0..400_000 {
            body.push_str(&format!("B{i},work_placement,A,2022-03-01,ongoing\n"));
        }
        std::fs::write(&big, body).unwrap();
        let url = app.database_url.clone();
        let path = |p: &std::path::Path| p.display().to_string();
        let (orgs, small, big) = (path(&orgs), path(&small), path(&big));
        let (u, s) = (url.clone(), small.clone());
        let (ok, _, err) = tokio::task::spawn_blocking(move || {
            assert!(accord(&u, &["import", "organisations", &orgs, "--district", "north"], None).0);
            let small = s;
            accord(&u, &["import", "activities", &small, "--district", "north"], None)
        })
        .await
        .unwrap();
        assert!(ok, "{err}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(["import", "activities", &big, "--district", "north"])
            .env("ACCORD_DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        assert!(child.try_wait().unwrap().is_none(), "the import must still be running when it is killed");
        child.kill().unwrap();
        child.wait().unwrap();
        let u = url.clone();
        let (ok, out, err) = tokio::task::spawn_blocking(move || {
            accord(&u, &["import", "activities", &small, "--district", "north", "--dry-run"], None)
        })
        .await
        .unwrap();
        assert!(ok && out.contains("2 rows: 0 added, 0 updated, 2 unchanged"), "{out}{err}");
        let (_, v) = app.api(&app.token("admin@test.example").await).get("/audit?per_page=200").await;
        let imports = v["items"].as_array().unwrap().iter().filter(|e| e["action"] == "import" && e["entity"] == "activities").count();
        assert_eq!(imports, 1, "only the small file's import is recorded");
        let u = url.clone();
        let (ok, out, _) = tokio::task::spawn_blocking(move || accord(&u, &["export", "activities"], None)).await.unwrap();
        assert!(ok && out.lines().count() == 3, "the header and the two rows: {out}");
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// `accord backup` writes a copy that opens as an Accord database with the same data.
#[tokio::test]
async fn backup_of_sqlite() {
    let app = crate::support::TestApp::sqlite().await;
    app.seed().await;
    let dir = std::env::temp_dir().join(format!("accord_backup_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("copy.db");
    let url = app.database_url.clone();
    let f = file.to_str().unwrap().to_owned();
    let (ok, _, err) = tokio::task::spawn_blocking(move || accord(&url, &["backup", &f], None)).await.unwrap();
    assert!(ok, "{err}");
    let copy_url = format!("sqlite://{}?mode=rw", file.display());
    let (ok, out, err) =
        tokio::task::spawn_blocking(move || accord(&copy_url, &["district", "list"], None)).await.unwrap();
    assert!(ok, "{err}");
    assert!(out.contains("north") && out.contains("south"));
    let url = app.database_url.clone();
    let f = file.to_str().unwrap().to_owned();
    let (ok, _, err) = tokio::task::spawn_blocking(move || accord(&url, &["backup", &f], None)).await.unwrap();
    assert!(!ok && err.contains("exists"), "never overwrites");
    std::fs::remove_dir_all(&dir).ok();
    app.finish().await;
}
