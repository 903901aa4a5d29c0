//! Partnership bodies and action plans: bodies with members, meetings and action items; plans
//! with actions, milestones and progress; the quarterly progress report and its issued
//! snapshot; and what a partner user may see and change.

use crate::both;
use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Three organisations in north: an engineering employer, the council, a college.
async fn organisations(app: &TestApp) {
    let api = app.api(&app.token("am@test.example").await);
    for (r, name, sector, kind) in [
        ("P-1", "Midland Engineering Ltd", "29", "employer"),
        ("P-2", "North Borough Council", "84", "agency"),
        ("P-3", "North College", "85", "provider"),
    ] {
        let (s, v) = api
            .send(Method::POST, "/organisations", json!({"ref": r, "name": name, "sector": sector, "kind": kind}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// A plan with one action and two milestones, one owned by P-1 and one by P-2. Returns the
/// plan's and the milestones' ids.
async fn plan_with_milestones(app: &TestApp, title: &str, owners: (&str, &str)) -> (i64, i64, i64) {
    let api = app.api(&app.token("secretariat@test.example").await);
    let (s, p) = api
        .send(
            Method::POST,
            "/plans",
            json!({"title": title, "theme": "Employment", "period_start": "2004-04-01", "period_end": "2005-03-31"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let (s, a) = api
        .send(
            Method::POST,
            &format!("/plans/{}/actions", id(&p)),
            json!({"reference": "1", "title": "Act", "leads": [owners.0]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let mut ms = vec![];
    for o in [owners.0, owners.1] {
        let (s, m) = api
            .send(
                Method::POST,
                &format!("/actions/{}/milestones", id(&a)),
                json!({"description": format!("Milestone of {o}"), "due_on": "2004-06-01", "due_month": true, "owners": [o]}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        ms.push(id(&m));
    }
    (id(&p), ms[0], ms[1])
}

both! {
    async fn bodies_members_meetings_and_review(app) {
        app.seed().await;
        organisations(app).await;
        let api = app.api(&app.token("secretariat@test.example").await);
        let (s, top) = api
            .send(Method::POST, "/bodies", json!({"name": "City Strategic Partnership", "kind": "strategic_partnership", "frequency": "quarterly"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{top}");
        let (s, coalition) = api
            .send(
                Method::POST,
                "/bodies",
                json!({
                    "name": "Employer Coalition", "kind": "coalition", "parent_id": id(&top),
                    "reports_to_other": "National Employment Panel", "wanted_sectors": ["C", "I"],
                    "target_areas": "Aston\nNechells", "funding_streams": "New Deal Innovation Fund",
                }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{coalition}");
        assert_eq!(coalition["parent"]["name"], "City Strategic Partnership");
        assert_eq!(coalition["target_areas"], json!(["Aston", "Nechells"]));
        // The structure cannot loop: the partnership may not report to its own coalition.
        let (s, v) = api
            .send(Method::PATCH, &format!("/bodies/{}", id(&top)), json!({"parent_id": id(&coalition), "version": top["version"]}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["parent_id"].to_string().contains("Employer Coalition"), "{v}");
        // Bad input names the field and the value.
        let (s, v) = api.send(Method::POST, "/bodies", json!({"name": "", "kind": "club"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["name"].is_string() && v["error"]["fields"]["kind"].to_string().contains("club"), "{v}");

        let cid = id(&coalition);
        let (s, m) = api
            .send(Method::POST, &format!("/bodies/{cid}/members"), json!({"organisation": "P-1", "role": "chair", "representative": "Mike Beasley, Managing Director"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!(m["sector"], "29", "the organisation's own sector by default");
        let (s, v) = api.send(Method::POST, &format!("/bodies/{cid}/members"), json!({"organisation": "P-1"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a second seat: {v}");
        let (s, v) = api.send(Method::POST, &format!("/bodies/{cid}/members"), json!({"organisation": "NOPE-9"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["organisation"].to_string().contains("NOPE-9"), "{v}");
        let (s, _) = api.send(Method::POST, &format!("/bodies/{cid}/members"), json!({"organisation": "P-2", "role": "member"})).await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, b) = api.get(&format!("/bodies/{cid}")).await;
        assert_eq!(b["members"].as_array().unwrap().len(), 2);
        let (_, t) = api.get(&format!("/bodies/{}", id(&top))).await;
        assert_eq!(t["reporting"][0]["name"], "Employer Coalition");

        // The membership review: manufacturing (C) is represented, hospitality (I) is not.
        let b = app.signed_in("secretariat@test.example").await;
        let page = b.get(&format!("/bodies/{cid}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("C – Manufacturing") && page.body.contains("Midland Engineering Ltd"), "{}", page.body);
        assert!(page.body.contains("I – Accommodation and food service activities") && page.body.contains("Not represented"));
        let list = b.get("/bodies").await;
        assert!(list.body.contains("answers to National Employment Panel"), "{}", list.body);

        // A meeting, an action item, and the item made a milestone of a plan's action.
        let (s, meeting) = api
            .send(Method::POST, &format!("/bodies/{cid}/meetings"), json!({"held_on": "2004-07-16", "title": "1st meeting", "decisions": "Widen the membership."}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{meeting}");
        let (s, item) = api
            .send(Method::POST, &format!("/meetings/{}/items", id(&meeting)), json!({"description": "Invite two IT employers", "owner": "P-2", "due_on": "2004-09-30"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{item}");
        let (plan, _, _) = plan_with_milestones(app, "Coalition plan", ("P-1", "P-2")).await;
        let (_, p) = api.get(&format!("/plans/{plan}")).await;
        let action = p["actions"][0]["id"].as_i64().unwrap();
        let (s, ms) = api.send(Method::POST, &format!("/meeting-items/{}/milestone", id(&item)), json!({"action_id": action})).await;
        assert_eq!(s, StatusCode::CREATED, "{ms}");
        assert_eq!(ms["description"], "Invite two IT employers");
        assert_eq!(ms["owners"][0]["reference"], "P-2");
        assert_eq!(ms["due_on"], "2004-09-30");
        let (_, again) = api.send(Method::POST, &format!("/meeting-items/{}/milestone", id(&item)), json!({"action_id": action})).await;
        assert_eq!(again["error"]["code"], "invalid", "an item becomes a milestone once");
        let (_, mt) = api.get(&format!("/meetings/{}", id(&meeting))).await;
        assert_eq!(mt["items"][0]["milestone_id"], ms["id"]);

        // Forms: a body with no name is refused with the field named, and nothing is stored.
        b.get("/bodies/new").await;
        let page = b.post("/bodies", &[("name", ""), ("kind", "coalition")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("href=\"#name\""), "{}", page.body);
        let page = b.post("/bodies", &[("name", "Area group: Aston"), ("kind", "area_group"), ("parent_id", &cid.to_string()), ("wanted_sectors", "C"), ("wanted_sectors", "O")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let (_, all) = api.get("/bodies").await;
        assert_eq!(all["total"], 3);
        let aston = all["items"].as_array().unwrap().iter().find(|x| x["name"] == "Area group: Aston").unwrap();
        assert_eq!(aston["wanted_sectors"], json!(["C", "O"]));

        // Only the secretariat, managers and administrators keep bodies.
        for who in ["am@test.example", "committee@test.example", "adviser@test.example"] {
            let other = app.api(&app.token(who).await);
            let (s, _) = other.send(Method::POST, "/bodies", json!({"name": "X", "kind": "coalition"})).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
            assert_eq!(other.get(&format!("/bodies/{cid}")).await.0, StatusCode::OK, "{who} reads");
        }
        // Another district's staff do not find it.
        let south = app.api(&app.token("south@test.example").await);
        assert_eq!(south.get(&format!("/bodies/{cid}")).await.0, StatusCode::NOT_FOUND);
    }

    async fn a_plan_from_milestones_to_the_issued_progress_report(app) {
        app.seed().await;
        organisations(app).await;
        let api = app.api(&app.token("secretariat@test.example").await);
        let (_, group) = api.send(Method::POST, "/bodies", json!({"name": "Public Sector Employers' Group", "kind": "working_group"})).await;
        for (day, title) in [("2004-07-16", "1st meeting"), ("2004-09-02", "2nd meeting"), ("2004-11-04", "3rd meeting")] {
            let (s, _) = api.send(Method::POST, &format!("/bodies/{}/meetings", id(&group)), json!({"held_on": day, "title": title})).await;
            assert_eq!(s, StatusCode::CREATED);
        }
        let (_, plan) = api
            .send(Method::POST, "/plans", json!({"title": "IMPROVEMENT PLAN ACTIONS 2004/2005", "theme": "Employment", "period_start": "2004-04-01", "period_end": "2005-03-31"}))
            .await;
        let pid = id(&plan);
        let (s, action) = api
            .send(
                Method::POST,
                &format!("/plans/{pid}/actions"),
                json!({"reference": "3.3.1", "title": "Identify how partners can provide employment and training opportunities for residents in Salford.", "body_id": id(&group), "leads": ["P-2", "P-3"]}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{action}");
        let (s, v) = api.send(Method::POST, &format!("/plans/{pid}/actions"), json!({"reference": "3.3.1", "title": "Twice"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a reference is unique in its plan: {v}");
        let aid = id(&action);
        let mk = |description: &str, due: Option<&str>| {
            json!({"description": description, "due_on": due, "due_month": due.is_some(), "owners": ["P-2"], "resource_kind": "tbd"})
        };
        let (_, m1) = api.send(Method::POST, &format!("/actions/{aid}/milestones"), mk("Obtain commitment from Directors of Personnel", Some("2004-06-10"))).await;
        let (_, m2) = api.send(Method::POST, &format!("/actions/{aid}/milestones"), mk("Recruitment procedures to be operational", Some("2005-03-01"))).await;
        let (_, m3) = api.send(Method::POST, &format!("/actions/{aid}/milestones"), mk("Survey of existing workforce", None)).await;
        assert_eq!(m1["due_on"], "2004-06-30", "a month is due by its last day");
        assert_eq!(m3["due_on"], Value::Null);
        assert_eq!(m1["status"], "not_started");
        let upd = |m: &Value, on: &str, status: Option<&str>, comment: &str| {
            (format!("/milestones/{}/updates", id(m)), json!({"written_on": on, "status": status, "comment": comment}))
        };
        for (path, body) in [
            upd(&m1, "2004-07-28", Some("achieved"), "Letter from LSP 28.07.04 to obtain support (including University)"),
            upd(&m2, "2004-09-20", Some("likely_delayed"), "Action to be reviewed at next meeting. Timescales to be agreed."),
            upd(&m2, "2004-11-30", Some("on_track"), "Timescales agreed."),
            upd(&m3, "2004-09-20", None, "Partners to share existing data."),
        ] {
            let (s, v) = api.send(Method::POST, &path, body).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        // An empty update, a status that does not exist and a day in the future are refused.
        let (s, v) = api.send(Method::POST, &format!("/milestones/{}/updates", id(&m3)), json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (_, v) = api.send(Method::POST, &format!("/milestones/{}/updates", id(&m3)), json!({"status": "finished"})).await;
        assert!(v["error"]["fields"]["status"].to_string().contains("finished"), "{v}");
        let (_, v) = api.send(Method::POST, &format!("/milestones/{}/updates", id(&m3)), json!({"written_on": "2999-01-01", "comment": "x"})).await;
        assert!(v["error"]["fields"]["written_on"].is_string(), "{v}");
        let (_, now) = api.get(&format!("/milestones/{}", id(&m2))).await;
        assert_eq!(now["status"], "on_track", "the last status reported");

        // The July–September 2004 report: every milestone as it stood on 30 September.
        let (s, r) = api.get(&format!("/plans/{pid}/progress?quarter=2004-Q3")).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!((r["from"].as_str(), r["to"].as_str()), (Some("2004-07-01"), Some("2004-09-30")));
        let ms = &r["actions"][0]["milestones"];
        assert_eq!(ms[0]["status"], "achieved");
        assert_eq!(ms[1]["status"], "likely_delayed", "November's change is not in the September report");
        assert_eq!(ms[1]["comments"].as_array().unwrap().len(), 1);
        assert_eq!(ms[2]["status"], "not_started");
        assert_eq!(ms[2]["comments"][0]["text"], "Partners to share existing data.");
        assert_eq!(r["actions"][0]["leads"], json!(["North Borough Council", "North College"]));
        let meetings: Vec<&str> = r["actions"][0]["meetings"].as_array().unwrap().iter().map(|m| m["held_on"].as_str().unwrap()).collect();
        assert_eq!(meetings, ["2004-07-16", "2004-09-02"], "the meetings held by the quarter's end");
        assert_eq!(r["summary"], json!({"total": 3, "not_started": 1, "on_track": 0, "achieved": 1, "likely_delayed": 1, "dropped": 0, "overdue": 0}));
        let (_, q4) = api.get(&format!("/plans/{pid}/progress?quarter=2004-Q4")).await;
        assert_eq!(q4["actions"][0]["milestones"][1]["status"], "on_track");
        assert_eq!(q4["actions"][0]["meetings"].as_array().unwrap().len(), 3);
        let (s, v) = api.get(&format!("/plans/{pid}/progress?quarter=2004-Q9")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

        // Issued, the report stays as it was, whatever happens to the plan afterwards.
        let (s, snap) = api.send(Method::POST, &format!("/plans/{pid}/progress-reports"), json!({"quarter": "2004-Q3", "language": "da"})).await;
        assert_eq!(s, StatusCode::CREATED, "{snap}");
        let (s, _) = api
            .send(Method::POST, &format!("/milestones/{}/updates", id(&m3)), json!({"written_on": "2004-09-25", "status": "dropped", "comment": "No longer needed."}))
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let (_, live) = api.get(&format!("/plans/{pid}/progress?quarter=2004-Q3")).await;
        assert_eq!(live["actions"][0]["milestones"][2]["status"], "dropped");
        let (_, kept) = api.get(&format!("/progress-reports/{}", id(&snap))).await;
        assert_eq!(kept["report"], snap["report"]);
        assert_eq!(kept["report"]["actions"][0]["milestones"][2]["status"], "not_started");
        assert_eq!(kept["language"], "da");
        let (_, list) = api.get(&format!("/plans/{pid}/progress-reports")).await;
        assert_eq!(list["total"], 1);
        // Not even the database lets an issued report change.
        assert!(app.sql(&format!("UPDATE progress_snapshots SET body = '{{}}' WHERE id = {}", id(&snap))).await.is_err());
        assert!(app.sql("DELETE FROM progress_snapshots").await.is_err());

        // The printed report in seed 004's layout, in Danish and in English, and as a workbook.
        let b = app.signed_in("secretariat@test.example").await;
        let da = b.get(&format!("/plans/{pid}/progress?quarter=2004-Q3&lang=da")).await;
        assert_eq!(da.status, StatusCode::OK);
        for text in ["IMPROVEMENT PLAN ACTIONS 2004/2005: Statusrapport juli–september 2004", "Ressourcebehov", "Status for milepæle (kommentarer)", "Nået", "Opgivet", "Dato aftales senere", "juni 2004", "1. møde afholdt 16.07.2004", "Vejledning"] {
            assert!(da.body.contains(text), "{text} in {}", da.body);
        }
        let en = b.get(&format!("/plans/{pid}/progress?quarter=2004-Q3&lang=en")).await;
        for text in ["Progress Report July–September 2004", "Action", "Milestones", "Milestone progress (comments)", "Resource implications", "Achieved", "1st meeting held 16/07/2004", "Explanatory notes", "TBD"] {
            assert!(en.body.contains(text), "{text} in {}", en.body);
        }
        let x = b.get(&format!("/plans/{pid}/progress?quarter=2004-Q3&format=xlsx")).await;
        assert_eq!(x.status, StatusCode::OK);
        assert!(x.headers["content-type"].to_str().unwrap().contains("spreadsheetml"));
        let issued = b.get(&format!("/progress-reports/{}", id(&snap))).await;
        assert!(issued.body.contains("Udsendt") && issued.body.contains("Ikke påbegyndt"), "{}", issued.body);

        // Progress through the browser form, then seen on the milestone's page.
        b.get(&format!("/milestones/{}", id(&m2))).await;
        let page = b.post(&format!("/milestones/{}/updates", id(&m2)), &[("written_on", ""), ("status", "achieved"), ("comment", "Procedures in place.")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let page = b.get(&format!("/milestones/{}", id(&m2))).await;
        assert!(page.body.contains("Procedures in place.") && page.body.contains("Achieved"));
        let page = b.post(&format!("/milestones/{}/updates", id(&m2)), &[("comment", ""), ("status", "")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("Give a comment or a new status."));

        // The command line prints and writes the same report.
        let url = app.database_url.clone();
        let pid_s = pid.to_string();
        let (ok, out, err) = crate::cli::accord(&url, &["report", "progress", "--plan", &pid_s, "--quarter", "2004-Q3", "--lang", "da"], None);
        assert!(ok, "{err}");
        assert!(out.contains("Statusrapport juli–september 2004") && out.contains("[Nået]") && out.contains("Dato aftales senere"), "{out}");
        let (ok, out, err) = crate::cli::accord(&url, &["report", "progress", "--plan", &pid_s, "--quarter", "2004-Q3", "--format", "json"], None);
        assert!(ok, "{err}");
        let cli_json: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(cli_json["summary"], live["summary"]);
        let (ok, _, err) = crate::cli::accord(&url, &["report", "progress", "--plan", &pid_s, "--quarter", "autumn"], None);
        assert!(!ok && err.contains("quarter") && err.contains("autumn"), "{err}");

        // A milestone due in ten days is on the home page of the staff member who follows it.
        let soon = (chrono::Utc::now().date_naive() + chrono::Duration::days(10)).to_string();
        let (s, v) = api
            .send(Method::POST, &format!("/actions/{aid}/milestones"), json!({"description": "Sign off the project plan", "due_on": soon, "contact": "secretariat@test.example"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let home = b.get("/").await;
        assert!(home.body.contains("Sign off the project plan"), "{}", home.body);
        let home = app.signed_in("manager@test.example").await.get("/").await;
        assert!(!home.body.contains("Sign off the project plan"), "only on its follower's page");

        // A stale edit is a conflict naming the field.
        let (_, p) = api.get(&format!("/plans/{pid}")).await;
        let v0 = p["version"].clone();
        let (s, _) = api.send(Method::PATCH, &format!("/plans/{pid}"), json!({"notes": "First", "version": v0})).await;
        assert_eq!(s, StatusCode::OK);
        let (s, v) = api.send(Method::PATCH, &format!("/plans/{pid}"), json!({"notes": "Second", "version": v0})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");

        // Everything is in the audit trail.
        let admin = app.api(&app.token("admin@test.example").await);
        let (_, audit) = admin.get("/audit?per_page=200").await;
        let kinds: Vec<String> = audit["items"].as_array().unwrap().iter().map(|e| format!("{} {}", e["action"].as_str().unwrap_or(""), e["entity"].as_str().unwrap_or(""))).collect();
        for k in ["create plan", "create plan_action", "create milestone", "progress milestone", "issue progress_report", "create body", "create meeting"] {
            assert!(kinds.iter().any(|x| x == k), "{k} in {kinds:?}");
        }
    }

    async fn partners_see_their_plans_and_update_only_their_milestones(app) {
        app.seed().await;
        organisations(app).await;
        let admin = app.api(&app.token("admin@test.example").await);
        let pid = app.user_id("partner@test.example").await;
        let (_, u) = admin.get(&format!("/users/{pid}")).await;
        let (s, u) = admin.send(Method::PATCH, &format!("/users/{pid}"), json!({"organisation": "P-1", "version": u["version"]})).await;
        assert_eq!(s, StatusCode::OK, "{u}");
        assert_eq!(u["organisation"], "P-1");
        let (s, v) = admin.send(Method::PATCH, &format!("/users/{pid}"), json!({"organisation": "NOPE", "version": u["version"]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        let (ours, own, theirs) = plan_with_milestones(app, "Plan with P-1", ("P-1", "P-2")).await;
        let (other, _, not_ours) = plan_with_milestones(app, "Plan without P-1", ("P-2", "P-3")).await;
        let partner = app.api(&app.token("partner@test.example").await);
        let (s, list) = partner.get("/plans").await;
        assert_eq!(s, StatusCode::OK);
        let titles: Vec<&str> = list["items"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["Plan with P-1"]);
        assert_eq!(partner.get(&format!("/plans/{other}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(partner.get(&format!("/milestones/{not_ours}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(partner.get(&format!("/plans/{other}/progress?quarter=2004-Q3")).await.0, StatusCode::NOT_FOUND);
        let (_, p) = partner.get(&format!("/plans/{ours}")).await;
        let may: Vec<bool> = p["actions"][0]["milestones"].as_array().unwrap().iter().map(|m| m["may_update"].as_bool().unwrap()).collect();
        assert_eq!(may, [true, false]);

        // Their own milestone: status and comment; anyone else's: refused, and nothing is written.
        let (s, v) = partner.send(Method::POST, &format!("/milestones/{own}/updates"), json!({"status": "on_track", "comment": "Started with two apprentices."})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["updates"][0]["organisation"]["reference"], "P-1");
        let (s, _) = partner.send(Method::POST, &format!("/milestones/{theirs}/updates"), json!({"status": "achieved"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = partner.send(Method::POST, &format!("/milestones/{not_ours}/updates"), json!({"status": "achieved"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (_, m) = admin.get(&format!("/milestones/{theirs}")).await;
        assert_eq!((m["status"].as_str(), m["updates"].as_array().unwrap().len()), (Some("not_started"), 0));
        // They change progress only, never the plan itself.
        let (_, mine) = partner.get(&format!("/milestones/{own}")).await;
        let (s, _) = partner.send(Method::PATCH, &format!("/milestones/{own}"), json!({"description": "Mine now", "version": mine["version"]})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = partner.send(Method::POST, "/plans", json!({"title": "X", "period_start": "2004-01-01", "period_end": "2004-12-31"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = partner.send(Method::POST, &format!("/plans/{ours}/progress-reports"), json!({"quarter": "2004-Q3"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // The same in the browser: the other plan is not found, the other milestone has no form.
        let b = app.signed_in("partner@test.example").await;
        assert_eq!(b.get(&format!("/plans/{other}")).await.status, StatusCode::NOT_FOUND);
        let page = b.get(&format!("/milestones/{theirs}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains(&format!("/milestones/{theirs}/updates")));
        let page = b.get(&format!("/milestones/{own}")).await;
        assert!(page.body.contains(&format!("/milestones/{own}/updates")));
        // The title is the heading; an overdue milestone says so, with what was last reported
        // beside it, never a status tag that contradicts it.
        assert!(page.body.contains("<title>Milestone of P-1 – Accord</title>") && page.body.contains("<h1>Milestone of P-1</h1>"));
        assert!(page.body.contains("Overdue</strong> <span class=\"muted\">(last reported: On track)</span>"), "{}", page.body);
        let status = page.body.split("<dt>Status</dt><dd>").nth(1).and_then(|r| r.split("</dd>").next()).unwrap_or_default();
        assert!(status.contains("Overdue") && !status.contains("tag-blue"), "{status}");
        let page = b.post(&format!("/milestones/{theirs}/updates"), &[("status", "achieved")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        // Their home page lists their organisation's open milestones that are due or overdue.
        let home = b.get("/").await;
        assert!(home.body.contains("Milestone of P-1") && home.body.contains("Overdue"), "{}", home.body);
        assert!(!home.body.contains("Milestone of P-2"));
        let page = b.post(&format!("/milestones/{own}/updates"), &[("status", "achieved"), ("comment", "Done.")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(b.get("/plans/new").await.status, StatusCode::FORBIDDEN);
        let nav = b.get("/").await;
        assert!(nav.body.contains("href=\"/plans\"") && !nav.body.contains("href=\"/organisations\""));

        // Staff who read plans but keep none: the committee and an adviser read, and may not update.
        for who in ["committee@test.example", "adviser@test.example", "am@test.example"] {
            let api = app.api(&app.token(who).await);
            assert_eq!(api.get(&format!("/plans/{other}")).await.0, StatusCode::OK, "{who}");
            let (s, _) = api.send(Method::POST, &format!("/milestones/{theirs}/updates"), json!({"comment": "x"})).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
        }
        // Another district's staff do not find the plan at all.
        let south = app.api(&app.token("south@test.example").await);
        assert_eq!(south.get(&format!("/plans/{ours}")).await.0, StatusCode::NOT_FOUND);
        let (s, _) = south.send(Method::POST, &format!("/milestones/{own}/updates"), json!({"comment": "x"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // The command line makes partner users too.
        let (ok, _, err) = crate::cli::accord(
            &app.database_url,
            &["user", "add", "--email", "partner3@test.example", "--name", "Council partner", "--role", "partner", "--district", "north", "--organisation", "P-2", "--password-stdin"],
            Some("test-password-123\n"),
        );
        assert!(ok, "{err}");
        let council = app.api(&app.token("partner3@test.example").await);
        assert_eq!(council.get("/plans").await.1["total"], 2, "P-2 owns a milestone in both plans");

        // A partner without an organisation sees nothing.
        app.add_user("partner2@test.example", "partner", Some("north")).await;
        let nobody = app.api(&app.token("partner2@test.example").await);
        assert_eq!(nobody.get("/plans").await.1["total"], 0);
        assert_eq!(nobody.get("/bodies").await.1["total"], 0);
        assert_eq!(nobody.get(&format!("/plans/{ours}")).await.0, StatusCode::NOT_FOUND);
    }
}
