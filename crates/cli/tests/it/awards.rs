//! The annual award: opening a year's award, nominations (who and why), the decision by a
//! manager and its correction, over the API and in the browser; the winner on the
//! organisation's page; who may do what; the audit entries; and a merge carrying nominations
//! and the winner along.

use crate::both;
use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

/// Three employers in north, one in south; north's award for 2022.
async fn setup(app: &TestApp) -> (Vec<i64>, i64) {
    app.seed().await;
    let mut orgs = vec![];
    for (email, body) in [
        ("am@test.example", json!({"ref": "ORG1", "name": "Jensen Tømrerfirma ApS"})),
        ("am@test.example", json!({"ref": "ORG2", "name": "Second Employer A/S"})),
        ("am@test.example", json!({"ref": "ORG3", "name": "Third Employer I/S"})),
        ("south@test.example", json!({"ref": "SOUTH1", "name": "Southern Employer A/S"})),
    ] {
        let (s, v) = post(app, &app.token(email).await, "/organisations", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        orgs.push(v["id"].as_i64().unwrap());
    }
    let sec = app.token("secretariat@test.example").await;
    let (s, a) = post(app, &sec, "/awards", json!({"year": 2022, "name": "Virksomhedsprisen 2022"})).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    (orgs, a["id"].as_i64().unwrap())
}

fn nominees(award: &Value) -> Vec<&str> {
    award["nominations"].as_array().unwrap().iter().map(|n| n["organisation"]["ref"].as_str().unwrap()).collect()
}

both! {
    async fn nominations_and_the_decision_over_the_api(app) {
        let (orgs, id) = setup(app).await;
        let sec = app.token("secretariat@test.example").await;
        let api = app.api(&sec);
        let (_, a) = api.get(&format!("/awards/{id}")).await;
        assert_eq!((a["district"].as_str(), a["year"].as_i64(), a["name"].as_str()), (Some("north"), Some(2022), Some("Virksomhedsprisen 2022")));
        assert!(a["winner"].is_null() && a["decided_on"].is_null(), "{a}");

        // One award per district and year, named by its year.
        let (s, v) = post(app, &sec, "/awards", json!({"year": 2022, "name": "Again"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["year"].is_string(), "{v}");
        let (s, v) = post(app, &sec, "/awards", json!({"year": 2022, "name": "  "})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["name"].is_string(), "{v}");

        // Nominations: by the caller, by a named member of staff, by someone outside.
        let path = format!("/awards/{id}/nominations");
        let (s, a) = post(app, &sec, &path, json!({"organisation": "ORG1", "reason": "Hired three after placements", "nominated_on": "2022-08-15"})).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["nominations"][0]["staff"], "secretariat@test.example");
        assert_eq!(a["nominations"][0]["nominated_on"], "2022-08-15");
        let (s, a) = post(app, &sec, &path, json!({"organisation": "ORG2", "staff": "am@test.example", "reason": "Mentors for apprentices"})).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!(a["nominations"][1]["staff_name"], "Name of am@test.example");
        let (s, a) = post(app, &sec, &path, json!({"organisation": "ORG3", "nominator": "LAR Slagelse", "reason": "Six of ten kept on"})).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        assert_eq!((a["nominations"][2]["nominator"].as_str(), a["nominations"][2]["staff"].is_null()), (Some("LAR Slagelse"), true));
        assert_eq!(nominees(&a), ["ORG1", "ORG2", "ORG3"]);

        // Bad nominations name the field and write nothing.
        let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(1)).to_string();
        for (body, field) in [
            (json!({"organisation": "ORG1", "reason": "again"}), "organisation"),
            (json!({"organisation": "SOUTH1", "reason": "another district's"}), "organisation"),
            (json!({"organisation": "NOPE", "reason": "x"}), "organisation"),
            (json!({"organisation": "ORG1", "reason": " "}), "reason"),
            (json!({"organisation": "ORG1", "reason": "x", "staff": "nobody@test.example"}), "staff"),
            (json!({"organisation": "ORG1", "reason": "x", "staff": "south@test.example"}), "staff"),
            (json!({"organisation": "ORG1", "reason": "x", "staff": "am@test.example", "nominator": "LAR"}), "nominator"),
            (json!({"organisation": "ORG1", "reason": "x", "nominated_on": tomorrow}), "nominated_on"),
        ] {
            let (s, v) = post(app, &sec, &path, body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{body}: {field} in {v}");
        }
        assert_eq!(api.get(&format!("/awards/{id}")).await.1["nominations"].as_array().unwrap().len(), 3, "nothing half-written");

        // Only a manager or an administrator decides.
        let decision = format!("/awards/{id}/decision");
        let body = json!({"winner": "ORG3", "decision_reason": "Six of ten kept on", "decided_on": "2022-11-10"});
        for who in ["secretariat@test.example", "am@test.example", "committee@test.example"] {
            let (s, v) = post(app, &app.token(who).await, &decision, body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
        }
        let manager = app.token("manager@test.example").await;
        // The winner is one of the nominees; another district's organisation is none of them.
        for (winner, field) in [("SOUTH1", "winner"), ("NOPE", "winner"), ("", "winner")] {
            let (s, v) = post(app, &manager, &decision, json!({"winner": winner, "decision_reason": "x"})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{winner}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{winner}: {v}");
        }
        let (s, v) = post(app, &manager, &decision, json!({"winner": "ORG3", "decision_reason": " "})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["decision_reason"].is_string(), "{v}");
        let (s, a) = post(app, &manager, &decision, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!((a["winner"]["id"].as_i64(), a["winner"]["ref"].as_str()), (Some(orgs[2]), Some("ORG3")));
        assert_eq!((a["decided_on"].as_str(), a["decided_by"].as_str()), (Some("2022-11-10"), Some("Name of manager@test.example")));
        assert_eq!(a["decision_reason"], "Six of ten kept on");

        // After the decision, no more nominations: refused naming the field.
        let (s, v) = post(app, &sec, &path, json!({"organisation": "ORG1", "reason": "late"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["organisation"].as_str().unwrap().contains("decided"), "{v}");

        // A correction replaces the winner: still one winner only.
        let version = a["version"].as_i64().unwrap();
        let (s, v) = post(app, &manager, &decision, json!({"winner": "ORG1", "decision_reason": "Corrected", "version": version - 1})).await;
        assert_eq!(s, StatusCode::CONFLICT, "a stale correction: {v}");
        let (s, a) = post(app, &manager, &decision, json!({"winner": "ORG1", "decision_reason": "Corrected", "decided_on": "2022-11-12", "version": version})).await;
        assert_eq!(s, StatusCode::OK, "{a}");
        assert_eq!(a["winner"]["ref"], "ORG1");
        let (_, l) = api.get("/awards?year=2022").await;
        assert_eq!(l["total"].as_u64(), Some(1), "{l}");
        assert_eq!(l["items"][0]["winner"]["ref"], "ORG1");
        let (_, l) = api.get(&format!("/awards?organisation_id={}", orgs[1])).await;
        assert_eq!(l["total"].as_u64(), Some(1), "a nominee's awards: {l}");
        let (_, l) = api.get("/awards?year=2021").await;
        assert_eq!(l["total"].as_u64(), Some(0), "{l}");
        let winners = crate::support::scalar(&app.db.conn, &format!("SELECT count(*) FROM awards WHERE id = {id} AND winner_id IS NOT NULL")).await;
        assert_eq!(winners, Some(1));

        // Markup is kept as text.
        let payload = crate::injection::PAYLOAD;
        let (s, v) = post(app, &sec, "/awards", json!({"year": 2023, "name": payload})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["name"].as_str(), Some(payload));

        // The audit trail has each step, with before and after of the correction.
        let admin = app.api(&app.token("admin@test.example").await);
        let (_, v) = admin.get(&format!("/audit?entity=award&entity_id={id}")).await;
        let mut actions: Vec<&str> = v["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        actions.sort();
        assert_eq!(actions, ["correct_decision", "create", "decide", "nominate", "nominate", "nominate"], "{v}");
        let (_, v) = admin.get(&format!("/audit?entity=award&entity_id={id}&action=correct_decision")).await;
        let e = &v["items"][0];
        assert_eq!((e["before"]["winner"].as_str(), e["after"]["winner"].as_str()), (Some("ORG3"), Some("ORG1")), "{e}");
    }

    async fn awards_keep_to_their_district_and_role(app) {
        let (_, id) = setup(app).await;
        let south = app.token("south@test.example").await;
        let sapi = app.api(&south);
        // Another district's user neither sees north's award nor nominates for it nor decides it.
        assert_eq!(sapi.get(&format!("/awards/{id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(sapi.get("/awards").await.1["total"].as_u64(), Some(0));
        let (s, _) = post(app, &south, &format!("/awards/{id}/nominations"), json!({"organisation": "SOUTH1", "reason": "x"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        app.add_user("south-manager@test.example", "manager", Some("south")).await;
        let sm = app.token("south-manager@test.example").await;
        let (s, _) = post(app, &sm, &format!("/awards/{id}/decision"), json!({"winner": "SOUTH1", "decision_reason": "x"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        // South's own award for the same year is its own.
        let (s, v) = post(app, &south, "/awards", json!({"year": 2022, "name": "Southern award"})).await;
        assert_eq!((s, v["district"].as_str()), (StatusCode::CREATED, Some("south")), "{v}");
        let (s, v) = post(app, &south, "/awards", json!({"district": "north", "year": 2024, "name": "x"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["district"].is_string(), "{v}");

        // The committee and advisers read; only outreach staff open awards and nominate.
        let committee = app.api(&app.token("committee@test.example").await);
        assert_eq!(committee.get(&format!("/awards/{id}")).await.0, StatusCode::OK);
        assert_eq!(committee.send(Method::POST, "/awards", json!({"year": 2030, "name": "x"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(committee.send(Method::POST, &format!("/awards/{id}/nominations"), json!({"organisation": "ORG1", "reason": "x"})).await.0, StatusCode::FORBIDDEN);
        let adviser = app.api(&app.token("adviser@test.example").await);
        assert_eq!(adviser.get("/awards").await.0, StatusCode::OK);
        assert_eq!(adviser.send(Method::POST, &format!("/awards/{id}/nominations"), json!({"organisation": "ORG1", "reason": "x"})).await.0, StatusCode::FORBIDDEN);
        let am = app.api(&app.token("am@test.example").await);
        assert_eq!(am.send(Method::POST, &format!("/awards/{id}/nominations"), json!({"organisation": "ORG1", "reason": "x"})).await.0, StatusCode::CREATED);
        let partner = app.api(&app.token("partner@test.example").await);
        assert_eq!(partner.get("/awards").await.0, StatusCode::FORBIDDEN);

        // The pages answer the same way.
        let b = app.signed_in("south@test.example").await;
        assert_eq!(b.get(&format!("/awards/{id}")).await.status, StatusCode::NOT_FOUND);
        let c = app.signed_in("committee@test.example").await;
        let page = c.get(&format!("/awards/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("/nominations\"") && !page.body.contains("/decision\""), "the committee is offered no forms");
        let s = app.signed_in("secretariat@test.example").await;
        let page = s.get(&format!("/awards/{id}")).await;
        assert!(page.body.contains("/nominations\"") && !page.body.contains("/decision\""), "the secretariat nominates but does not decide");
        assert_eq!(s.post(&format!("/awards/{id}/decision"), &[("winner", "ORG1"), ("decision_reason", "x")]).await.status, StatusCode::FORBIDDEN);
    }

    async fn the_award_in_the_browser_and_on_the_winners_page(app) {
        let (orgs, id) = setup(app).await;
        let b = app.signed_in("secretariat@test.example").await;
        let list = b.get("/awards").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("href=\"/awards\"") && list.body.contains("Virksomhedsprisen 2022"), "{}", list.body);
        // Opening an award for a year already taken is refused next to the field.
        let bad = b.post("/awards", &[("year", "2022"), ("name", "Again")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#year\"") && bad.body.contains("id=\"year-error\""), "{}", bad.body);
        let ok = b.post("/awards", &[("year", "2023"), ("name", "Virksomhedsprisen 2023")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);

        // A nomination from another district is refused naming the field; one of north's is taken.
        let bad = b.post(&format!("/awards/{id}/nominations"), &[("organisation", "SOUTH1"), ("reason", "x"), ("nominated_on", "2022-09-01")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#organisation\"") && bad.body.contains("id=\"organisation-error\""), "{}", bad.body);
        for (org, nominator) in [("ORG1", ""), ("ORG2", "LAR Slagelse")] {
            let ok = b.post(&format!("/awards/{id}/nominations"), &[
                ("organisation", org), ("nominator", nominator), ("staff", ""), ("reason", "Kept six of ten on"), ("nominated_on", "2022-09-01"),
            ]).await;
            assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        }
        let page = b.get(&format!("/awards/{id}")).await;
        assert!(page.body.contains("Name of secretariat@test.example") && page.body.contains("LAR Slagelse") && page.body.contains("Kept six of ten on"), "{}", page.body);

        // The manager decides on the page; the winner's page says so, in Danish too.
        let m = app.signed_in("manager@test.example").await;
        let page = m.get(&format!("/awards/{id}")).await;
        assert!(page.body.contains("action=\"/awards/"), "{}", page.body);
        let bad = m.post(&format!("/awards/{id}/decision"), &[("winner", "ORG2"), ("decision_reason", ""), ("decided_on", "2022-11-10"), ("version", "3")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#decision_reason\""), "{}", bad.body);
        let ok = m.post(&format!("/awards/{id}/decision"), &[("winner", "ORG2"), ("decision_reason", "Mentors"), ("decided_on", "2022-11-10"), ("version", "1")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let winner = m.get(&format!("/organisations/{}", orgs[1])).await;
        assert!(winner.body.contains("Winner of Virksomhedsprisen 2022"), "{}", winner.body);
        assert!(winner.body.contains("Nominations for the award") && winner.body.contains("LAR Slagelse"), "{}", winner.body);
        let other = m.get(&format!("/organisations/{}", orgs[0])).await;
        assert!(!other.body.contains("Winner of") && other.body.contains("Nominations for the award"), "{}", other.body);
        let list = m.get("/awards").await;
        assert!(list.body.contains(&format!("href=\"/organisations/{}\">Second Employer A/S</a>", orgs[1])), "{}", list.body);
        // The award's page no longer offers a nomination.
        let page = b.get(&format!("/awards/{id}")).await;
        assert!(!page.body.contains("/nominations\""), "{}", page.body);
        m.get("/language/da").await;
        let da = m.get(&format!("/organisations/{}", orgs[1])).await;
        assert!(da.body.contains("Modtager af Virksomhedsprisen 2022") && da.body.contains("Indstillinger til prisen"), "{}", da.body);
    }

    async fn merging_moves_nominations_and_the_winner(app) {
        let (orgs, id) = setup(app).await;
        let sec = app.token("secretariat@test.example").await;
        let path = format!("/awards/{id}/nominations");
        for org in ["ORG1", "ORG2", "ORG3"] {
            let (s, v) = post(app, &sec, &path, json!({"organisation": org, "reason": format!("Why {org}")})).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let manager = app.token("manager@test.example").await;
        let (s, v) = post(app, &manager, &format!("/awards/{id}/decision"), json!({"winner": "ORG2", "decision_reason": "x"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        // ORG2 (the winner) goes into ORG3: both were nominated, so ORG3's own nomination stays.
        let admin = app.token("admin@test.example").await;
        let (s, v) = post(app, &admin, &format!("/organisations/{}/merge", orgs[2]), json!({"merge_id": orgs[1]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, a) = app.api(&sec).get(&format!("/awards/{id}")).await;
        assert_eq!(a["winner"]["id"].as_i64(), Some(orgs[2]), "{a}");
        assert_eq!(nominees(&a), ["ORG1", "ORG3"]);
        assert_eq!(a["nominations"][1]["reason"], "Why ORG3");
        // ORG1 goes into ORG3 too: its nomination is dropped the same way; none points nowhere.
        let (s, v) = post(app, &admin, &format!("/organisations/{}/merge", orgs[2]), json!({"merge_id": orgs[0]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (_, a) = app.api(&sec).get(&format!("/awards/{id}")).await;
        assert_eq!(nominees(&a), ["ORG3"]);
        let (_, l) = app.api(&sec).get(&format!("/awards?organisation_id={}", orgs[2])).await;
        assert_eq!(l["total"].as_u64(), Some(1));
    }
}
