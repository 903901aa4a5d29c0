//! Programmes and budgets: outputs counted from participation records equal what the API, the
//! page and the CLI show; outcomes per target group show "<5" for 1 to 4 people everywhere;
//! budget minus spend is exact to the øre; bad input (an end before the start, spend on a
//! closed line, stages out of order) is refused naming the field and writes nothing; stale
//! edits are 409; who may do what; and the demo's figures.

use crate::both;
use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

/// An employer in north and one in south; north's pre-employment course.
async fn setup(app: &TestApp) -> i64 {
    app.seed().await;
    for (email, body) in [
        ("am@test.example", json!({"ref": "ORG1", "name": "Jensen Tømrerfirma ApS"})),
        ("south@test.example", json!({"ref": "SOUTH1", "name": "Southern Employer A/S"})),
    ] {
        let (s, v) = post(app, &app.token(email).await, "/organisations", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let sec = app.token("secretariat@test.example").await;
    let (s, p) = post(
        app,
        &sec,
        "/programmes",
        json!({"kind": "pre_employment_course", "name": "Retail course", "start_date": "2022-02-01",
               "end_date": "2022-03-31", "target_groups": ["long_term_unemployed", "young_people"],
               "target_referrals": 10, "target_job_entries": 4}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    p["id"].as_i64().unwrap()
}

/// Seven people: six long-term unemployed reaching 1 to 5 stages, and one young person who
/// entered a job. What each stage's count must be, per group and in all.
fn people() -> Vec<Value> {
    let mut out = vec![];
    for i in 0..6 {
        let stages = 1 + i % 5;
        let at = |n: usize, d: &str| if stages > n { json!(d) } else { Value::Null };
        out.push(json!({
            "citizen_ref": format!("LTU-{i}"), "target_group": "long_term_unemployed", "referred_on": "2022-02-01",
            "started_on": at(1, "2022-02-07"), "completed_on": at(2, "2022-03-01"), "job_on": at(3, "2022-03-15"),
            "sustained_on": at(4, "2022-09-15"),
        }));
    }
    out.push(json!({"citizen_ref": "YP-1", "target_group": "young_people", "referred_on": "2022-02-02",
        "started_on": "2022-02-07", "completed_on": "2022-03-01", "job_on": "2022-03-10"}));
    out
}

fn counts(people: &[Value], group: Option<&str>) -> [i64; 5] {
    let mut n = [0; 5];
    for p in people.iter().filter(|p| group.is_none_or(|g| p["target_group"] == g)) {
        for (i, f) in ["referred_on", "started_on", "completed_on", "job_on", "sustained_on"].iter().enumerate() {
            n[i] += i64::from(!p[f].is_null());
        }
    }
    n
}

fn shown(n: i64) -> Value {
    if (1..5).contains(&n) { json!("<5") } else { json!(n) }
}

/// Whether the error names `field` (a list's item as `field[N]`).
fn names(v: &Value, field: &str) -> bool {
    v["error"]["fields"]
        .as_object()
        .is_some_and(|f| f.keys().any(|k| k == field || k.starts_with(&format!("{field}["))))
}

const MEASURES: [&str; 5] = ["referrals", "starts", "completions", "job_entries", "sustained_jobs"];

both! {
    async fn outputs_are_counted_from_the_records_everywhere(app) {
        let id = setup(app).await;
        let sec = app.token("secretariat@test.example").await;
        let api = app.api(&sec);
        let path = format!("/programmes/{id}/participants");
        let all = people();
        let (s, v) = post(app, &sec, &path, json!({"participants": all})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        // Recording the same people again changes nothing: one record per reference.
        let (s, _) = post(app, &sec, &path, json!({"participants": all})).await;
        assert_eq!(s, StatusCode::OK);
        let rows = crate::support::scalar(&app.db.conn, &format!("SELECT count(*) FROM programme_participants WHERE programme_id = {id}")).await;
        assert_eq!(rows, Some(7));

        let (_, v) = api.get(&format!("/programmes/{id}")).await;
        let total = counts(&all, None);
        for (i, m) in MEASURES.iter().enumerate() {
            assert_eq!(v["outputs"][i]["measure"], *m);
            assert_eq!(v["outputs"][i]["actual"].as_i64(), Some(total[i]), "{m}: {v}");
        }
        assert_eq!((v["outputs"][0]["target"].as_i64(), v["outputs"][1]["target"].is_null()), (Some(10), true));
        assert_eq!(v["outputs"][3]["target"].as_i64(), Some(4));
        // Outcomes per group: aggregate, "<5" for 1 to 4 people.
        let eq = v["equality"].as_array().unwrap();
        assert_eq!(eq.len(), 2, "{v}");
        for row in eq {
            let g = row["group"].as_str().unwrap();
            let n = counts(&all, Some(g));
            for (i, m) in MEASURES.iter().enumerate() {
                assert_eq!(row[m], shown(n[i]), "{g} {m}: {row}");
            }
        }
        assert_eq!(eq[1]["referrals"], "<5", "one young person is never shown as 1");
        assert_eq!(eq[0]["referrals"], 6);
        // The list says the same.
        let (_, l) = api.get("/programmes").await;
        assert_eq!(l["items"][0]["outputs"], v["outputs"]);

        // The page shows the same figures and "<5".
        let b = app.signed_in("secretariat@test.example").await;
        let page = b.get(&format!("/programmes/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let cells: Vec<&str> = page.body.split("<td class=\"numeric\">").skip(1).map(|c| c.split('<').next().unwrap()).collect();
        // Outputs: target then actual for each measure.
        for (i, _) in MEASURES.iter().enumerate() {
            assert_eq!(cells[i * 2 + 1], total[i].to_string(), "{cells:?}");
        }
        let groups: Vec<String> = eq.iter().flat_map(|r| MEASURES.iter().map(|m| match &r[m] { Value::String(s) => s.replace('<', "&#60;"), n => n.to_string() }).collect::<Vec<_>>()).collect();
        assert_eq!(&cells[10..20], groups.iter().map(String::as_str).collect::<Vec<_>>().as_slice());

        // The command line shows the same, in JSON and CSV.
        let url = app.database_url.clone();
        let sid = id.to_string();
        let (ok, out, err) = tokio::task::spawn_blocking(move || {
            crate::cli::accord(&url, &["report", "programme", "--programme", &sid, "--format", "json"], None)
        }).await.unwrap();
        assert!(ok, "{err}");
        let r: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(r["programme"]["outputs"], v["outputs"]);
        assert_eq!(r["programme"]["equality"], v["equality"]);
        let url = app.database_url.clone();
        let sid = id.to_string();
        let (ok, out, err) = tokio::task::spawn_blocking(move || {
            crate::cli::accord(&url, &["report", "programme", "--programme", &sid, "--format", "csv"], None)
        }).await.unwrap();
        assert!(ok, "{err}");
        assert!(out.contains(&format!("outputs,job_entries,,4,{}\n", total[3])), "{out}");
        assert!(out.contains("equality,referrals,young_people,,<5\n"), "{out}");
        assert!(out.contains("equality,referrals,long_term_unemployed,,6\n"), "{out}");
        let url = app.database_url.clone();
        let (ok, _, err) = tokio::task::spawn_blocking(move || {
            crate::cli::accord(&url, &["report", "programme", "--programme", "999999"], None)
        }).await.unwrap();
        assert!(!ok && err.contains("no programme 999999"), "{err}");
    }

    async fn bad_input_is_refused_naming_the_field(app) {
        let id = setup(app).await;
        let sec = app.token("secretariat@test.example").await;
        let api = app.api(&sec);
        for (body, field) in [
            (json!({"kind": "pre_employment_course", "name": "x", "start_date": "2022-03-01", "end_date": "2022-02-01"}), "end_date"),
            (json!({"kind": "pre_employment_course", "name": " ", "start_date": "2022-03-01"}), "name"),
            (json!({"kind": "cookery", "name": "x", "start_date": "2022-03-01"}), "kind"),
            (json!({"kind": "job_rotation", "name": "x", "start_date": "2022-03-01", "target_groups": ["pensioners"]}), "target_groups"),
            (json!({"kind": "job_rotation", "name": "x", "start_date": "2022-03-01", "target_starts": -1}), "target_starts"),
        ] {
            let (s, v) = post(app, &sec, "/programmes", body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(names(&v, field), "{body}: {field} in {v}");
        }
        assert_eq!(api.get("/programmes").await.1["total"].as_u64(), Some(1), "nothing written");

        let path = format!("/programmes/{id}/participants");
        for (p, field) in [
            (json!({"citizen_ref": "A-1", "referred_on": "2022-02-01", "started_on": "2022-01-15"}), "started_on"),
            (json!({"citizen_ref": "A-1", "referred_on": "2022-02-01", "completed_on": "2022-03-01"}), "completed_on"),
            (json!({"citizen_ref": "A-1", "referred_on": "2022-02-01", "job_on": "2022-03-01", "sustained_on": "2022-02-15"}), "sustained_on"),
            (json!({"citizen_ref": "A-1", "referred_on": "2022-02-01", "target_group": "ethnic_minority"}), "target_group"),
            (json!({"citizen_ref": "010190-1234", "referred_on": "2022-02-01"}), "citizen_ref"),
        ] {
            let (s, v) = post(app, &sec, &path, json!({"participants": [p.clone()]})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{p}: {field} in {v}");
        }
        // All or nothing: a good record beside a bad one is not written; the bad one's line is named.
        let (s, v) = post(app, &sec, &path, json!({"participants": [
            {"citizen_ref": "OK-1", "referred_on": "2022-02-01"},
            {"citizen_ref": "BAD-2", "referred_on": "2022-02-01", "started_on": "2022-01-01"}]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["line 2, started_on"].is_string(), "{v}");
        assert_eq!(api.get(&format!("/programmes/{id}")).await.1["outputs"][0]["actual"].as_i64(), Some(0));

        // Organisations of the programme's district only, once per role.
        let partners = format!("/programmes/{id}/partners");
        let (s, v) = post(app, &sec, &partners, json!({"organisation": "ORG1", "role": "employer"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["partners"][0]["ref"], "ORG1");
        for body in [json!({"organisation": "ORG1", "role": "employer"}), json!({"organisation": "SOUTH1", "role": "employer"})] {
            let (s, v) = post(app, &sec, &partners, body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"]["organisation"].is_string(), "{v}");
        }

        // Edits carry the version: a stale one is 409; an end before the start names the field.
        let (_, p) = api.get(&format!("/programmes/{id}")).await;
        let version = p["version"].as_i64().unwrap();
        let (s, v) = api.send(Method::PATCH, &format!("/programmes/{id}"), json!({"version": version, "end_date": "2022-01-01"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["end_date"].is_string(), "{v}");
        let (s, v) = api.send(Method::PATCH, &format!("/programmes/{id}"), json!({"version": version, "name": "Retail course, spring"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["name"].as_str(), v["version"].as_i64()), (Some("Retail course, spring"), Some(version + 1)));
        let (s, v) = api.send(Method::PATCH, &format!("/programmes/{id}"), json!({"version": version, "name": "Stale"})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");

        // The form says the same in the browser, with an error summary.
        let b = app.signed_in("secretariat@test.example").await;
        let page = b.post("/programmes", &[("kind", "job_rotation"), ("name", "x"), ("start_date", "2022-03-01"), ("end_date", "2022-02-01")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("error-summary") && page.body.contains("href=\"#end_date\""), "{}", page.body);
        let page = b.post("/programmes", &[("kind", "job_rotation"), ("name", "Rotation"), ("start_date", "2022-03-01"), ("target_groups", "employed"), ("target_groups", "young_people")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let (_, l) = api.get("/programmes").await;
        assert_eq!(l["items"][0]["target_groups"], json!(["young_people", "employed"]), "{l}");

        // Every step is in the audit trail.
        let admin = app.api(&app.token("admin@test.example").await);
        let (_, v) = admin.get(&format!("/audit?entity=programme&entity_id={id}")).await;
        let mut actions: Vec<&str> = v["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        actions.sort();
        assert_eq!(actions, ["add_partner", "create", "update"], "{v}");
    }

    async fn budget_minus_spend_is_exact(app) {
        let id = setup(app).await;
        let sec = app.token("secretariat@test.example").await;
        let api = app.api(&sec);
        let (s, l) = post(app, &sec, "/budget-lines", json!({"funding_source": "municipality", "name": "Sekretariatet 2022", "year": 2022, "amount": "1.247.000,00"})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}");
        assert_eq!(l["budget_minor"].as_i64(), Some(124_700_000));
        let line = l["id"].as_i64().unwrap();
        let spend = format!("/budget-lines/{line}/spend");
        // Amounts that floating point would round: ten øre three times, and a quarter's salary.
        for amount in ["0,10", "0.10", "0,10", "221.812,50", "1,234.57"] {
            let (s, v) = post(app, &sec, &spend, json!({"spent_on": "2022-03-31", "amount": amount, "description": "Løn"})).await;
            assert_eq!(s, StatusCode::CREATED, "{amount}: {v}");
        }
        let spent = 10 * 3 + 22_181_250 + 123_457;
        let (_, l) = api.get(&format!("/budget-lines/{line}")).await;
        assert_eq!((l["spent_minor"].as_i64(), l["remaining_minor"].as_i64()), (Some(spent), Some(124_700_000 - spent)), "{l}");
        assert_eq!((l["budget"].as_str(), l["spent"].as_str(), l["remaining"].as_str()), (Some("1247000.00"), Some("223047.37"), Some("1023952.63")));
        for (body, field) in [
            (json!({"spent_on": "2022-03-31", "amount": "12,3456", "description": "x"}), "amount"),
            (json!({"spent_on": "2022-03-31", "amount": "0", "description": "x"}), "amount"),
            (json!({"spent_on": "2022-03-31", "amount": "5", "description": " "}), "description"),
            (json!({"spent_on": "2022-03-31", "amount": "5", "description": "x", "activity_id": 999999}), "activity_id"),
        ] {
            let (s, v) = post(app, &sec, &spend, body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{body}: {v}");
        }
        // A programme's line, and the secretariat's budget of the year with its totals.
        let (s, pl) = post(app, &sec, &format!("/programmes/{id}/budget-lines"), json!({"funding_source": "esf", "name": "ESF", "year": 2022, "amount": "50000"})).await;
        assert_eq!(s, StatusCode::CREATED, "{pl}");
        assert_eq!(pl["programme_id"].as_i64(), Some(id));
        // A programme's line is in the programme's district: a district given is refused.
        let with_district = json!({"district": "AAA", "funding_source": "esf", "name": "ESF", "year": 2022, "amount": "1"});
        let (s, v) = post(app, &sec, &format!("/programmes/{id}/budget-lines"), with_district).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (_, b) = api.get("/budget-lines?year=2022").await;
        assert_eq!(b["lines"].as_array().unwrap().len(), 1, "the programme's line is not the secretariat's: {b}");
        assert_eq!((b["budget_minor"].as_i64(), b["spent_minor"].as_i64(), b["remaining_minor"].as_i64()), (Some(124_700_000), Some(spent), Some(124_700_000 - spent)));
        let (_, b) = api.get(&format!("/programmes/{id}/budget")).await;
        assert_eq!(b["budget_minor"].as_i64(), Some(5_000_000), "{b}");

        // The page writes the money per locale, with the district's currency.
        let browser = app.signed_in("secretariat@test.example").await;
        let page = browser.get("/budget?year=2022").await;
        assert!(page.body.contains("DKK 1,247,000.00") && page.body.contains("DKK 1,023,952.63"), "{}", page.body);
        // A district that keeps its money in pounds shows pounds.
        let admin = app.api(&app.token("admin@test.example").await);
        let (_, d) = admin.get("/districts?q=north").await;
        let north = &d["items"][0];
        let (s, v) = admin.send(Method::PATCH, &format!("/districts/{}", north["id"]), json!({"currency": "GBP", "version": north["version"]})).await;
        assert_eq!((s, v["currency"].as_str()), (StatusCode::OK, Some("GBP")), "{v}");
        let page = browser.get("/budget?year=2022").await;
        assert!(page.body.contains("£1,247,000.00") && !page.body.contains("DKK 1,247,000.00"), "{}", page.body);
        let page = browser.get(&format!("/budget-lines/{line}")).await;
        assert!(page.body.contains("£1,023,952.63") && page.body.contains("£0.10"), "{}", page.body);
        let (s, v) = admin.send(Method::PATCH, &format!("/districts/{}", north["id"]), json!({"currency": "DKK", "version": v["version"]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");

        // The committee report carries the secretariat's budget of the year, on the page too.
        let (s, c) = api.get("/reports/committee?year=2022").await;
        assert_eq!(s, StatusCode::OK, "{c}");
        assert_eq!((c["budget"]["budget_minor"].as_i64(), c["budget"]["remaining_minor"].as_i64()), (Some(124_700_000), Some(124_700_000 - spent)), "{c}");
        let page = browser.get("/reports/committee?year=2022&lang=da").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("1.247.000,00 kr.") && page.body.contains("1.023.952,63 kr."), "{}", page.body);

        // A closed line keeps its spend and takes no more, refused naming the field.
        let (_, l) = api.get(&format!("/budget-lines/{line}")).await;
        let version = l["version"].as_i64().unwrap();
        let (s, v) = post(app, &sec, &format!("/budget-lines/{line}/close"), json!({"version": version + 5})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        let (s, v) = post(app, &sec, &format!("/budget-lines/{line}/close"), json!({"version": version})).await;
        assert_eq!((s, v["closed"].as_bool()), (StatusCode::OK, Some(true)), "{v}");
        let (s, v) = post(app, &sec, &spend, json!({"spent_on": "2022-12-31", "amount": "5", "description": "late"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["amount"].as_str().unwrap().contains("closed"), "{v}");
        assert_eq!(api.get(&format!("/budget-lines/{line}")).await.1["spent_minor"].as_i64(), Some(spent));
    }

    async fn spend_is_imported_all_or_nothing(app) {
        setup(app).await;
        let sec = app.token("secretariat@test.example").await;
        let api = app.api(&sec);
        let (s, l) = post(app, &sec, "/budget-lines", json!({"funding_source": "esf", "name": "ESF 2022", "year": 2022, "amount": "10000"})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}");
        let line = l["id"].as_i64().unwrap().to_string();
        let dir = std::env::temp_dir().join(format!("spend-{}-{}", std::process::id(), line));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.csv");
        std::fs::write(&bad, "spent_on;amount;description\n2022-01-31;1.234,50;Husleje\n2022-02-28;12,3456;Forkert\n2022-03-31;;Tomt\n").unwrap();
        let good = dir.join("good.csv");
        std::fs::write(&good, "spent_on,amount,description,activity_id\n2022-01-31,0.10,Kaffe,\n31-03-2022,\"1,234.57\",Husleje,\n").unwrap();
        let run = |file: std::path::PathBuf, extra: &'static [&'static str]| {
            let url = app.database_url.clone();
            let line = line.clone();
            tokio::task::spawn_blocking(move || {
                let file = file.to_string_lossy().into_owned();
                let mut args = vec!["import", "spend", file.as_str(), "--line", line.as_str()];
                args.extend_from_slice(extra);
                crate::cli::accord(&url, &args, None)
            })
        };
        let (ok, _, err) = run(bad, &[]).await.unwrap();
        assert!(!ok, "{err}");
        assert!(err.contains("line 3, column amount") && err.contains("line 4, column amount") && !err.contains("line 2,"), "{err}");
        assert_eq!(api.get(&format!("/budget-lines/{line}")).await.1["spent_minor"].as_i64(), Some(0), "nothing written");
        let (ok, out, err) = run(good.clone(), &["--dry-run"]).await.unwrap();
        assert!(ok && out.contains("dry run") && out.contains("1234.67"), "{out}{err}");
        assert_eq!(api.get(&format!("/budget-lines/{line}")).await.1["spent_minor"].as_i64(), Some(0), "a dry run writes nothing");
        let (ok, out, err) = run(good, &[]).await.unwrap();
        assert!(ok, "{out}{err}");
        let (_, l) = api.get(&format!("/budget-lines/{line}")).await;
        assert_eq!((l["spent_minor"].as_i64(), l["remaining"].as_str()), (Some(123_467), Some("8765.33")), "{l}");
        std::fs::remove_dir_all(&dir).ok();
    }

    async fn job_shops_are_one_record_with_redundancy_events(app) {
        let id = setup(app).await;
        crate::redundancy::employer(app).await;
        let ev = crate::redundancy::event(app, "Longbridge closure", json!([])).await;
        let eid = ev["id"].as_i64().unwrap();
        let sec = app.token("secretariat@test.example").await;
        let api = app.api(&sec);
        let manager = app.api(&app.token("manager@test.example").await);

        // A job shop of the event alone, as the redundancy feature records it: unchanged.
        let event_shop = json!({"held_on": "2024-03-05", "place": "Q Gate", "on_premises": true,
            "staff": "Jobcentre advisers", "workers_seen": 120, "services": "Benefits advice"});
        let (s, alone) = manager.send(Method::POST, &format!("/redundancy/events/{eid}/job-shops"), event_shop).await;
        assert_eq!(s, StatusCode::CREATED, "{alone}");
        assert_eq!((alone["event_id"].as_i64(), alone["programme_id"].is_null()), (Some(eid), true), "{alone}");

        // A job shop of the recruitment exercise that serves the event as well: one record.
        let path = format!("/programmes/{id}/job-shops");
        let (s, both) = post(app, &sec, &path, json!({"held_on": "2024-03-12", "place": "Store opening suite",
            "on_premises": "true", "workers_seen": "85", "services": "Interviews", "event": eid})).await;
        assert_eq!(s, StatusCode::CREATED, "{both}");
        assert_eq!((both["programme_id"].as_i64(), both["event_id"].as_i64()), (Some(id), Some(eid)), "{both}");
        let jid = both["id"].as_i64().unwrap();
        let (_, of_programme) = api.get(&path).await;
        let ids = |v: &Value| v["items"].as_array().unwrap().iter().map(|j| j["id"].as_i64().unwrap()).collect::<Vec<_>>();
        assert_eq!(ids(&of_programme), vec![jid], "the event's own job shop is not the programme's");
        let (_, of_event) = manager.get(&format!("/redundancy/events/{eid}/job-shops")).await;
        assert_eq!(ids(&of_event), vec![jid, alone["id"].as_i64().unwrap()], "{of_event}");
        // A change through the event is seen through the programme: the same record.
        let (s, v) = manager.send(Method::PATCH, &format!("/redundancy/job-shops/{jid}"), json!({"workers_seen": 90, "version": 1})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["programme_id"].as_i64(), Some(id), "a change leaving the programme out keeps it");
        assert_eq!(api.get(&path).await.1["items"][0]["workers_seen"].as_i64(), Some(90));
        // A stale change is 409; the programme's route changes it at the version read.
        let (s, _) = api.send(Method::PATCH, &format!("/programme-job-shops/{jid}"), json!({"place": "x", "version": 1})).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, v) = api.send(Method::PATCH, &format!("/programme-job-shops/{jid}"), json!({"event": "", "version": 2})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["event_id"].is_null(), "{v}");
        assert_eq!(ids(&manager.get(&format!("/redundancy/events/{eid}/job-shops")).await.1), vec![alone["id"].as_i64().unwrap()]);
        // The event's own job shop is still as recorded.
        let (_, again) = manager.get(&format!("/redundancy/events/{eid}/job-shops")).await;
        assert_eq!(again["items"][0], alone, "unchanged");

        // Bad input is refused naming the field, and nothing is written.
        for (body, field) in [
            (json!({"place": "x", "workers_seen": 1}), "held_on"),
            (json!({"held_on": "2024-03-01", "workers_seen": 1}), "place"),
            (json!({"held_on": "2024-03-01", "place": "x", "workers_seen": -3}), "workers_seen"),
            (json!({"held_on": "2024-03-01", "place": "x", "event": 999999}), "event"),
            (json!({"held_on": "2024-03-01", "place": "x", "event": "abc"}), "event"),
        ] {
            let (s, v) = post(app, &sec, &path, body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{body}: {field} in {v}");
        }
        let (s, v) = api.send(Method::PATCH, &format!("/programme-job-shops/{jid}"), json!({"programme": "", "version": 3})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a job shop of nothing: {v}");
        assert!(v["error"]["fields"]["programme"].is_string(), "{v}");
        assert_eq!(api.get(&path).await.1["total"].as_u64(), Some(1), "nothing written");

        // Who may: the committee reads, and writes nothing; another district sees nothing.
        let committee = app.api(&app.token("committee@test.example").await);
        assert_eq!(committee.get(&path).await.0, StatusCode::OK);
        let (s, _) = committee.send(Method::POST, &path, json!({"held_on": "2024-03-01", "place": "x"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let south = app.api(&app.token("south@test.example").await);
        assert_eq!(south.get(&path).await.0, StatusCode::NOT_FOUND);
        let (s, _) = south.send(Method::PATCH, &format!("/programme-job-shops/{jid}"), json!({"place": "x", "version": 3})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The pages: the form (with an error summary) and the programme's list.
        let b = app.signed_in("secretariat@test.example").await;
        let page = b.get(&format!("/programmes/{id}/job-shops/new")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Longbridge closure"), "the district's events are offered");
        let page = b.post(&path, &[("held_on", ""), ("place", "Library"), ("workers_seen", "3"), ("event", "")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("href=\"#held_on\""), "{}", page.body);
        let page = b.post(&path, &[("held_on", "2024-04-02"), ("place", "Library"), ("workers_seen", "31"), ("event", &eid.to_string())]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let page = b.get(&format!("/programmes/{id}")).await;
        assert!(page.body.contains("Library") && page.body.contains("Store opening suite"), "{}", page.body);
        assert!(page.body.contains(&format!("/redundancy/{eid}#job-shops")), "the event it also serves is linked");
        let page = b.get(&format!("/programme-job-shops/{jid}/edit")).await;
        assert_eq!(page.status, StatusCode::OK);
        let page = b.post(&format!("/programme-job-shops/{jid}"), &[("held_on", "2024-03-12"), ("place", "Suite B"), ("workers_seen", "90"), ("event", ""), ("version", "3")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(api.get(&path).await.1["items"].as_array().unwrap().iter().find(|j| j["id"] == jid).unwrap()["place"], "Suite B");
        // A job shop of the event alone is not the programme's to edit.
        let page = b.get(&format!("/programme-job-shops/{}/edit", alone["id"])).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        // Every change is in the audit trail.
        let admin = app.api(&app.token("admin@test.example").await);
        let (_, v) = admin.get(&format!("/audit?entity=job_shop&entity_id={jid}")).await;
        assert_eq!(v["items"].as_array().unwrap().len(), 4, "{v}");
    }

    async fn programmes_keep_to_their_district_and_role(app) {
        let id = setup(app).await;
        let south = app.api(&app.token("south@test.example").await);
        assert_eq!(south.get(&format!("/programmes/{id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(south.get("/programmes").await.1["total"].as_u64(), Some(0));
        let (s, _) = south.send(Method::POST, &format!("/programmes/{id}/participants"), json!({"participants": [{"citizen_ref": "X-1", "referred_on": "2022-02-01"}]})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let committee = app.api(&app.token("committee@test.example").await);
        assert_eq!(committee.get(&format!("/programmes/{id}")).await.0, StatusCode::OK);
        let (s, _) = committee.send(Method::POST, "/programmes", json!({"kind": "job_rotation", "name": "x", "start_date": "2022-01-01"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = committee.send(Method::POST, "/budget-lines", json!({"funding_source": "esf", "name": "x", "year": 2022, "amount": "1"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let partner = app.api(&app.token("partner@test.example").await);
        assert_eq!(partner.get("/programmes").await.0, StatusCode::FORBIDDEN);
        let c = app.signed_in("committee@test.example").await;
        let page = c.get(&format!("/programmes/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("/participants\""), "the committee is offered no forms");
    }
}

/// The demo's programmes: figures the seeds give, counted from the records loaded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_figures_come_from_the_records() {
    let app = TestApp::sqlite().await;
    accord_app::demo::load(&app.app).await.unwrap();
    let api = app.api(&app.token("secretariat@accord.example").await);
    let (_, l) = api.get("/programmes?per_page=200").await;
    let find = |name: &str| {
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {l}"))
    };
    let ac = find("Jobrotation på Autisme Center Vestsjælland");
    assert_eq!(
        (ac["outputs"][2]["actual"].as_i64(), ac["outputs"][3]["actual"].as_i64()),
        (Some(389), Some(359)),
        "389 trained, 359 substitute jobs"
    );
    let (_, b) = api.get("/budget-lines?district=slagelse&year=2022").await;
    assert_eq!(b["budget_minor"].as_i64(), Some(124_700_000), "{b}");
    assert_eq!(b["budget"], "1247000.00");
    let uk = app.api(&app.token("manager@accord.example").await);
    let (_, l) = uk.get("/programmes?per_page=200").await;
    let names: Vec<&str> = l["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    // The recruitment exercises' job shops, and the redundancy event's as the demo always had them.
    for (n, shops) in [("Touchwood recruitment exercise", 3), ("Bull Ring recruitment exercise", 3)] {
        let p = l["items"].as_array().unwrap().iter().find(|p| p["name"] == n).unwrap();
        let (_, j) = uk.get(&format!("/programmes/{}/job-shops", p["id"])).await;
        assert_eq!(j["total"].as_u64(), Some(shops), "{n}: {j}");
        assert!(
            j["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| s["event_id"].is_null() && s["workers_seen"].as_i64() > Some(0))
        );
    }
    let (_, events) = uk.get("/redundancy/events").await;
    let eid = events["items"][0]["id"].as_i64().unwrap();
    let (_, j) = uk.get(&format!("/redundancy/events/{eid}/job-shops")).await;
    assert!(
        j["total"].as_u64() > Some(0) && j["items"].as_array().unwrap().iter().all(|s| s["programme_id"].is_null()),
        "{j}"
    );
    for n in [
        "Touchwood recruitment exercise",
        "Bull Ring recruitment exercise",
        "Engineering routeway (New Deal Innovation Fund)",
        "Pre-employment course with Asda Small Heath",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    app.finish().await;
}
