//! Regions and national accounts: a region given to a user means its districts; a national
//! employer's account held by the national unit, its companies and sites in three districts,
//! each district's share of the roll-up against the national unit's sum, 404 for another
//! district's records, a company counted once across districts, and who may change what.

use crate::both;
use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

async fn patch(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::PATCH, path, body).await
}

/// Districts north, south and east, the national unit `lou`, and a user in each.
async fn districts(app: &TestApp) {
    app.seed().await;
    let system = accord_app::Actor::system();
    accord_app::districts::create(&app.app, &system, "east", "East District").await.unwrap();
    accord_app::districts::create(&app.app, &system, "lou", "Large Organisations Unit").await.unwrap();
    app.add_user("lou@test.example", "account_manager", Some("lou")).await;
    app.add_user("east@test.example", "account_manager", Some("east")).await;
}

async fn created(app: &TestApp, email: &str, path: &str, body: Value) -> Value {
    let (s, v) = post(app, &app.token(email).await, path, body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{path} {body}: {v}");
    v
}

/// The national employer `NAT` held by `lou`, with a company recorded by north and by south
/// under the same Companies House number (one company, two districts), a store under each,
/// and a store in east straight under the group; what each district recorded there, and an
/// activity at an employer outside the account.
async fn national_account(app: &TestApp) -> (i64, Vec<i64>) {
    districts(app).await;
    created(
        app,
        "lou@test.example",
        "/organisations",
        json!({"ref": "NAT", "name": "Asda Stores Group", "level": "group"}),
    )
    .await;
    let a = created(
        app,
        "lou@test.example",
        "/national-accounts",
        json!({
            "organisation": "NAT", "manager": "lou@test.example", "status": "partner", "target_rank": 12,
            "sla_jobs_target": 27000, "sla_start": "2024-01-01", "sla_end": "2028-12-31", "sla_exclusive": true
        }),
    )
    .await;
    let mut sites = vec![];
    for (email, co, site) in [("am@test.example", "NCO", "SINFIN"), ("south@test.example", "SCO", "WISBECH")] {
        created(app, email, "/organisations", json!({"ref": co, "name": "Asda Stores Ltd", "parent_ref": "NAT", "level": "company", "companies_house": "00464777"})).await;
        let s = created(app, email, "/organisations", json!({"ref": site, "name": format!("Asda {site}"), "parent_ref": co, "level": "site", "account_manager_email": email})).await;
        sites.push(s["id"].as_i64().unwrap());
    }
    let s = created(
        app,
        "east@test.example",
        "/organisations",
        json!({"ref": "MARCH", "name": "Asda March", "parent_ref": "NAT", "level": "site"}),
    )
    .await;
    sites.push(s["id"].as_i64().unwrap());
    created(app, "am@test.example", "/organisations", json!({"ref": "OTHER", "name": "Not Asda Ltd"})).await;
    for (email, org, day, outcome) in [
        ("am@test.example", "SINFIN", "2025-03-10", "hired"),
        ("am@test.example", "SINFIN", "2025-03-20", "ongoing"),
        ("am@test.example", "SINFIN", "2025-04-02", "hired"),
        ("am@test.example", "OTHER", "2025-03-10", "hired"),
        ("south@test.example", "WISBECH", "2025-03-15", "hired"),
        ("east@test.example", "MARCH", "2025-05-01", "ended"),
        ("east@test.example", "MARCH", "2023-05-01", "hired"),
    ] {
        created(
            app,
            email,
            "/activities",
            json!({"type": "work_placement", "organisation_ref": org, "start_date": day, "outcome": outcome}),
        )
        .await;
    }
    for (email, org, day, positions, hires) in
        [("am@test.example", "SINFIN", "2025-03-01", 10, 6), ("south@test.example", "WISBECH", "2025-06-01", 4, 2)]
    {
        created(app, email, "/recruitment-requests", json!({"organisation_ref": org, "title": "Store colleague", "received_date": day, "positions": positions, "hires": hires, "status": "filled"})).await;
    }
    (a["id"].as_i64().unwrap(), sites)
}

fn figures(v: &Value) -> [i64; 4] {
    ["activities", "placings", "vacancies", "filled"].map(|k| v[k].as_i64().unwrap())
}

both! {
    async fn a_region_user_sees_every_district_of_the_region_and_nothing_outside_it(app) {
        districts(app).await;
        let admin = app.token("admin@test.example").await;
        let south_org = created(app, "south@test.example", "/organisations", json!({"ref": "S1", "name": "Southern Employer Ltd"})).await;
        let east_org = created(app, "east@test.example", "/organisations", json!({"ref": "E1", "name": "Eastern Employer Ltd"})).await;
        app.add_user("regional@test.example", "manager", Some("north")).await;
        let regional = app.token("regional@test.example").await;
        let api = app.api(&regional);
        let south_path = format!("/organisations/{}", south_org["id"]);
        let east_path = format!("/organisations/{}", east_org["id"]);
        assert_eq!(api.get(&south_path).await.0, StatusCode::NOT_FOUND, "not yet given the region");

        // Only an administrator keeps regions; bad input names its field and writes nothing.
        let body = json!({"code": "midlands", "name": "West Midlands", "districts": ["north", "south"], "users": ["regional@test.example"]});
        let (s, _) = post(app, &app.token("manager@test.example").await, "/regions", body.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        for (bad, field) in [
            (json!({"code": "Mid Lands", "name": "x"}), "code"),
            (json!({"code": "midlands", "name": " "}), "name"),
            (json!({"code": "midlands", "name": "x", "districts": ["nowhere"]}), "districts"),
            (json!({"code": "midlands", "name": "x", "users": ["nobody@test.example"]}), "users"),
        ] {
            let (s, v) = post(app, &admin, "/regions", bad.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{field} in {v}");
        }
        assert_eq!(app.api(&admin).get("/regions").await.1["total"], 0, "nothing half-written");
        let r = created(app, "admin@test.example", "/regions", body).await;
        let codes: Vec<&str> = r["districts"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["north", "south"]);
        assert_eq!(r["users"], json!(["regional@test.example"]));
        let (s, v) = post(app, &admin, "/regions", json!({"code": "midlands", "name": "Again"})).await;
        assert_eq!((s, v["error"]["fields"]["code"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{v}");

        // Given the region, the user sees south's records as north's, and still none of east's.
        let regional = app.token("regional@test.example").await;
        let api = app.api(&regional);
        let (s, o) = api.get(&south_path).await;
        assert_eq!((s, o["ref"].as_str()), (StatusCode::OK, Some("S1")), "{o}");
        assert_eq!(api.get(&east_path).await.0, StatusCode::NOT_FOUND);
        let (_, list) = api.get("/organisations?per_page=200").await;
        let refs: Vec<&str> = list["items"].as_array().unwrap().iter().map(|o| o["ref"].as_str().unwrap()).collect();
        assert!(refs.contains(&"S1") && !refs.contains(&"E1"), "{refs:?}");
        let (_, ds) = api.get("/districts").await;
        let mut codes: Vec<&str> = ds["items"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        codes.sort_unstable();
        assert_eq!(codes, ["north", "south"]);

        // Taking south out of the region takes it from the user; a stale version is 409.
        let path = format!("/regions/{}", r["id"]);
        let (s, v) = patch(app, &admin, &path, json!({"districts": ["north", "east"], "version": r["version"]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, _) = patch(app, &admin, &path, json!({"name": "Stale", "version": r["version"]})).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let api = app.api(&app.token("regional@test.example").await);
        assert_eq!(api.get(&south_path).await.0, StatusCode::NOT_FOUND);
        assert_eq!(api.get(&east_path).await.0, StatusCode::OK);

        // Audited.
        let c = &app.db.conn;
        assert_eq!(crate::support::scalar(c, "SELECT COUNT(*) FROM audit_log WHERE entity = 'region'").await, Some(2));
    }

    async fn each_district_sees_its_own_share_and_the_national_unit_the_sum(app) {
        let (id, sites) = national_account(app).await;
        let path = format!("/national-accounts/{id}/rollup?from=2025-01-01&to=2025-12-31");
        let (s, national) = app.api(&app.token("lou@test.example").await).get(&path).await;
        assert_eq!(s, StatusCode::OK, "{national}");
        assert_eq!(national["national"], true);
        assert_eq!(national["account"]["manager"], "lou@test.example");
        assert_eq!((national["jobs_target"].as_i64(), national["account"]["sla_exclusive"].as_bool()), (Some(27000), Some(true)));
        // Five activities at the account's stores in 2025 (not OTHER's, not 2023's), three
        // ending in a hire; fourteen vacancies, eight filled.
        assert_eq!(figures(&national["total"]), [5, 3, 14, 8]);
        assert_eq!(national["jobs"], 11);
        let by_code = |v: &Value, code: &str| v["districts"].as_array().unwrap().iter().find(|d| d["district"] == code).cloned();
        let mut added = [0i64; 4];
        for (email, code, expected) in [
            ("am@test.example", "north", [3, 2, 10, 6]),
            ("south@test.example", "south", [1, 1, 4, 2]),
            ("east@test.example", "east", [1, 0, 0, 0]),
        ] {
            let row = by_code(&national, code).unwrap();
            assert_eq!(figures(&row["figures"]), expected, "{code} in the national roll-up");
            assert_eq!(row["records"], false, "the national unit sees {code}'s counts, not its records");
            let (s, mine) = app.api(&app.token(email).await).get(&path).await;
            assert_eq!(s, StatusCode::OK, "{mine}");
            assert_eq!(mine["national"], false);
            let ds = mine["districts"].as_array().unwrap();
            assert_eq!(ds.len(), 1, "{code} sees only its own share: {mine}");
            assert_eq!((ds[0]["district"].as_str(), ds[0]["records"].as_bool()), (Some(code), Some(true)));
            assert_eq!(figures(&mine["total"]), expected, "{code}'s own figures");
            for (a, b) in added.iter_mut().zip(expected) {
                *a += b;
            }
            let site_districts: Vec<&str> = mine["sites"].as_array().unwrap().iter().map(|s| s["district"].as_str().unwrap()).collect();
            assert!(!site_districts.is_empty() && site_districts.iter().all(|d| *d == code), "{code}: {site_districts:?}");
            assert!(mine["records"].as_array().unwrap().iter().all(|r| r["district"] == code), "{code}'s records only");
        }
        assert_eq!(added, figures(&national["total"]), "the sum is the districts' figures added");
        // Per month, the same sum.
        let months: Vec<(&str, i64)> = national["months"].as_array().unwrap().iter().map(|m| (m["month"].as_str().unwrap(), m["figures"]["activities"].as_i64().unwrap())).collect();
        assert_eq!(months, [("2025-03", 3), ("2025-04", 1), ("2025-05", 1), ("2025-06", 0)]);
        // The company north and south both record is counted once; east's store is its own.
        assert_eq!(national["companies"], 2, "{national}");
        let per_district: i64 = national["districts"].as_array().unwrap().iter().map(|d| d["companies"].as_i64().unwrap()).sum();
        assert_eq!(per_district, 3);
        // Both account managers: the local one on the store, the national one on the account.
        let (_, mine) = app.api(&app.token("am@test.example").await).get(&path).await;
        assert_eq!(mine["sites"].as_array().unwrap().iter().find(|s| s["ref"] == "SINFIN").unwrap()["local_manager"], "Name of am@test.example");
        assert_eq!(mine["account"]["manager_name"], "Name of lou@test.example");

        // Another district's records of the account are 404: its stores and its activities.
        let api = app.api(&app.token("am@test.example").await);
        assert_eq!(api.get(&format!("/organisations/{}", sites[0])).await.0, StatusCode::OK);
        for other in &sites[1..] {
            assert_eq!(api.get(&format!("/organisations/{other}")).await.0, StatusCode::NOT_FOUND);
        }
        let east_records = app.api(&app.token("east@test.example").await).get(&path).await.1["records"].clone();
        let east_activity = east_records[0]["id"].as_i64().unwrap();
        assert_eq!(api.get(&format!("/activities/{east_activity}")).await.0, StatusCode::NOT_FOUND);
        // A district with no part in the account does not see it at all.
        accord_app::districts::create(&app.app, &accord_app::Actor::system(), "west", "West District").await.unwrap();
        app.add_user("westonly@test.example", "account_manager", Some("west")).await;
        let west = app.api(&app.token("westonly@test.example").await);
        assert_eq!(west.get(&format!("/national-accounts/{id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(west.get(&path).await.0, StatusCode::NOT_FOUND);
        assert_eq!(west.get("/national-accounts").await.1["total"], 0);
        assert_eq!(app.signed_in("westonly@test.example").await.get(&format!("/national-accounts/{id}")).await.status, StatusCode::NOT_FOUND);

        // The pages: the national unit sees every district's counts, north its own stores and
        // records, both names of who looks after a store.
        let page = app.signed_in("lou@test.example").await.get(&format!("/national-accounts/{id}?from=2025-01-01&to=2025-12-31")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("East District") && page.body.contains("South District") && page.body.contains("counts only"), "{}", page.body);
        let page = app.signed_in("am@test.example").await.get(&format!("/national-accounts/{id}?from=2025-01-01&to=2025-12-31")).await;
        assert!(page.body.contains("Asda SINFIN") && !page.body.contains("Asda WISBECH") && !page.body.contains("East District"), "{}", page.body);
        assert!(page.body.contains("Name of am@test.example") && page.body.contains("Name of lou@test.example"));
        // The store's own page names its local account manager and the national one.
        let store = app.signed_in("am@test.example").await.get(&format!("/organisations/{}", sites[0])).await;
        assert!(store.body.contains("Name of am@test.example") && store.body.contains("Name of lou@test.example") && store.body.contains(&format!("/national-accounts/{id}")), "{}", store.body);
        let page = app.signed_in("am@test.example").await.get(&format!("/national-accounts/{id}?from=someday")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "a bad date names the field");

        // The command line gives the national unit's whole roll-up, as JSON and as CSV.
        let url = app.database_url.clone();
        let ids = id.to_string();
        let (ok, out, err) = crate::cli::accord(&url, &["report", "national-account", "--account", &ids, "--from", "2025-01-01", "--to", "2025-12-31"], None);
        assert!(ok, "{err}");
        let cli: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(cli["total"], national["total"]);
        let (ok, out, err) = crate::cli::accord(&url, &["report", "national-account", "--account", &ids, "--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv"], None);
        assert!(ok, "{err}");
        assert!(out.starts_with("level,name,region,activities,placings,vacancies,filled\n"), "{out}");
        assert!(out.contains("\ntotal,Asda Stores Group,,5,3,14,8\n") && out.contains("\ndistrict,north,,3,2,10,6\n"), "{out}");
        let (ok, _, err) = crate::cli::accord(&url, &["report", "national-account", "--account", "9999"], None);
        assert!(!ok && err.contains("9999"), "{err}");
    }

    async fn the_national_unit_keeps_the_account_and_districts_only_read_it(app) {
        let (id, _) = national_account(app).await;
        let lou = app.token("lou@test.example").await;
        let path = format!("/national-accounts/{id}");
        let (_, a) = app.api(&lou).get(&path).await;
        assert_eq!((a["status"].as_str(), a["target_rank"].as_i64(), a["district"].as_str()), (Some("partner"), Some(12), Some("lou")));
        let (_, list) = app.api(&app.token("am@test.example").await).get("/national-accounts").await;
        assert_eq!(list["total"], 1, "north delivers the account, so it sees it");

        let body = json!({"manager": "lou@test.example", "status": "lapsed", "target_rank": 12, "sla_jobs_target": 27000, "version": a["version"]});
        let (s, _) = patch(app, &app.token("am@test.example").await, &path, body.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "a participating district reads, never changes");
        let (s, v) = patch(app, &lou, &path, body.clone()).await;
        assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("lapsed")), "{v}");
        let (s, _) = patch(app, &lou, &path, body).await;
        assert_eq!(s, StatusCode::CONFLICT, "stale version");

        // Bad input names the field and writes nothing.
        for (bad, field) in [
            (json!({"organisation": "NAT", "manager": "lou@test.example", "status": "partner"}), "organisation"),
            (json!({"organisation": "NOPE", "manager": "lou@test.example", "status": "partner"}), "organisation"),
            (json!({"organisation": "NAT", "manager": "am@test.example", "status": "partner"}), "manager"),
            (json!({"organisation": "NAT", "manager": "lou@test.example", "status": "partner", "sla_start": "2025-01-01", "sla_end": "2024-01-01"}), "sla_end"),
        ] {
            let (s, v) = post(app, &lou, "/national-accounts", bad.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{field} in {v}");
        }
        let (s, v) = post(app, &lou, "/national-accounts", json!({"organisation": "NAT", "manager": "lou@test.example", "status": "friends"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // A company, not a group, cannot be a national employer.
        created(app, "lou@test.example", "/organisations", json!({"ref": "LCO", "name": "Some Company Ltd", "level": "company"})).await;
        let (s, v) = post(app, &lou, "/national-accounts", json!({"organisation": "LCO", "manager": "lou@test.example", "status": "prospect"})).await;
        assert_eq!((s, v["error"]["fields"]["organisation"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{v}");
        assert_eq!(app.api(&lou).get("/national-accounts").await.1["total"], 1, "nothing half-written");
        let c = &app.db.conn;
        assert_eq!(crate::support::scalar(c, "SELECT COUNT(*) FROM audit_log WHERE entity = 'national_account'").await, Some(2));
    }
}

/// The national unit's service level agreement with the employer of [`national_account`],
/// covering its stores in north (SINFIN), south (WISBECH) and east (MARCH), with a target of
/// each counted kind over 2025.
async fn national_agreement(app: &TestApp) -> (i64, Vec<i64>) {
    let (_, sites) = national_account(app).await;
    let v = created(
        app,
        "lou@test.example",
        "/agreements",
        json!({
            "ref": "SLA-ASDA", "organisation_ref": "NAT", "kind": "service_level", "status": "active",
            "start_date": "2024-01-01", "end_date": "2028-12-31", "sites": ["SINFIN", "WISBECH", "MARCH"],
            "targets": [
                {"metric": "placements", "target": 100, "period_start": "2025-01-01", "period_end": "2025-12-31"},
                {"metric": "hires", "target": 50, "period_start": "2025-01-01", "period_end": "2025-12-31"},
                {"metric": "jobs_filled", "target": 27000, "period_start": "2025-01-01", "period_end": "2025-12-31"}
            ]
        }),
    )
    .await;
    (v["id"].as_i64().unwrap(), sites)
}

/// Each target's `achieved`, in the order placements, hires, jobs filled.
fn achieved(v: &Value) -> [i64; 3] {
    let t = v["targets"].as_array().unwrap();
    [0, 1, 2].map(|i| t[i]["achieved"].as_i64().unwrap())
}

fn site_refs(v: &Value) -> Vec<&str> {
    v["sites"].as_array().unwrap().iter().map(|s| s["ref"].as_str().unwrap()).collect()
}

both! {
    async fn a_national_agreement_covers_sites_in_three_districts_and_each_sees_its_share(app) {
        let (id, sites) = national_agreement(app).await;
        let path = format!("/agreements/{id}");
        let (s, national) = app.api(&app.token("lou@test.example").await).get(&path).await;
        assert_eq!(s, StatusCode::OK, "{national}");
        assert_eq!(national["participating"], false);
        assert_eq!(site_refs(&national), ["MARCH", "SINFIN", "WISBECH"]);
        let codes: Vec<&str> = national["districts"].as_array().unwrap().iter().map(|d| d["district"].as_str().unwrap()).collect();
        assert_eq!(codes, ["east", "lou", "north", "south"], "the holder's district and the three delivering");
        // 2025 at the three stores: five activities (three ending in a hire), eight hires
        // through recruitment requests; not OTHER's, not 2023's.
        assert_eq!(achieved(&national), [5, 3, 8]);
        assert_eq!(national["targets"][0]["percent"], 5);

        let mut added = [0i64; 3];
        for (email, code, store, expected) in [
            ("am@test.example", "north", "SINFIN", [3, 2, 6]),
            ("south@test.example", "south", "WISBECH", [1, 1, 2]),
            ("east@test.example", "east", "MARCH", [1, 0, 0]),
        ] {
            // The national unit sees each district's share.
            for (i, t) in national["targets"].as_array().unwrap().iter().enumerate() {
                let share = t["shares"].as_array().unwrap().iter().find(|s| s["district"] == code).unwrap();
                assert_eq!(share["achieved"].as_i64(), Some(expected[i]), "{code}'s share of target {i}");
            }
            // The district sees the agreement, its own store and its own figures only.
            let (s, mine) = app.api(&app.token(email).await).get(&path).await;
            assert_eq!(s, StatusCode::OK, "{code}: {mine}");
            assert_eq!(mine["participating"], true);
            assert_eq!(site_refs(&mine), [store], "{code} sees only its own site");
            assert_eq!(mine["districts"].as_array().unwrap().len(), 1, "{mine}");
            assert_eq!(mine["districts"][0]["district"], code);
            assert_eq!(achieved(&mine), expected, "{code}'s own figures");
            for t in mine["targets"].as_array().unwrap() {
                let shares = t["shares"].as_array().unwrap();
                assert!(shares.len() == 1 && shares[0]["district"] == code, "{code}: {t}");
            }
            assert!(mine["contact_ref"].is_null() && mine["contact_name"].is_null());
            for (a, b) in added.iter_mut().zip(expected) {
                *a += b;
            }
            // Read-only: a change, a renewal, a termination and the documents are refused.
            let token = app.token(email).await;
            let (s, _) = patch(app, &token, &path, json!({"purpose": "Ours now", "version": national["version"]})).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{code} changes nothing");
            let (s, _) = post(app, &token, &format!("{path}/renew"), json!({})).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
            let (s, _) = post(app, &token, &format!("{path}/terminate"), json!({"terminated_on": "2025-06-30", "terminated_by": "employer", "reason": "x", "version": national["version"]})).await;
            assert_eq!(s, StatusCode::FORBIDDEN);
            let (s, h) = app.api(&token).get(&format!("{path}/history")).await;
            assert_eq!(s, StatusCode::OK, "{h}");
        }
        assert_eq!(added, achieved(&national), "the sum is the districts' figures added");
        let (_, after) = app.api(&app.token("lou@test.example").await).get(&path).await;
        assert_eq!(after["version"], national["version"], "nothing changed");

        // A district with no site under the agreement does not see it; another district's
        // stores and records stay 404 to a delivering district.
        accord_app::districts::create(&app.app, &accord_app::Actor::system(), "west", "West District").await.unwrap();
        app.add_user("westonly@test.example", "account_manager", Some("west")).await;
        let west = app.api(&app.token("westonly@test.example").await);
        assert_eq!(west.get(&path).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.signed_in("westonly@test.example").await.get(&path).await.status, StatusCode::NOT_FOUND);
        let north = app.api(&app.token("am@test.example").await);
        for other in &sites[1..] {
            assert_eq!(north.get(&format!("/organisations/{other}")).await.0, StatusCode::NOT_FOUND);
        }
        let holder = national["organisation_id"].as_i64().unwrap();
        assert_eq!(north.get(&format!("/organisations/{holder}")).await.0, StatusCode::NOT_FOUND);

        // The pages: the national unit sees every district's share; north its store, its
        // figures and no button to change anything; the store's page lists the agreement.
        let page = app.signed_in("lou@test.example").await.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Districts delivering the agreement") && page.body.contains("Asda WISBECH") && page.body.contains("East District"), "{}", page.body);
        let page = app.signed_in("am@test.example").await.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Asda SINFIN") && !page.body.contains("Asda WISBECH") && !page.body.contains("Asda March"), "{}", page.body);
        assert!(page.body.contains("Your district&#39;s share"), "{}", page.body);
        assert!(!page.body.contains(&format!("/agreements/{id}/edit")) && !page.body.contains("/documents"), "read-only: {}", page.body);
        assert!(!page.body.contains(&format!("href=\"/organisations/{holder}\"")), "the holder is the national unit's record");
        let north_pages = app.signed_in("am@test.example").await;
        for action in ["edit", "terminate", "renew", "print"] {
            let r = north_pages.get(&format!("{path}/{action}")).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{action}");
        }
        let store = app.signed_in("am@test.example").await.get(&format!("/organisations/{}", sites[0])).await;
        assert!(store.body.contains(&format!("/agreements/{id}")) && store.body.contains("SLA-ASDA"), "{}", store.body);
        let (_, listed) = north.get(&format!("/agreements?organisation_id={}", sites[0])).await;
        assert_eq!(listed["total"], 0, "the agreement list stays the district's own agreements: {listed}");
    }

    async fn only_a_national_unit_covers_another_districts_sites_and_only_the_employers(app) {
        national_account(app).await;
        // A district's own agreement still covers only its district's sites.
        let am = app.token("am@test.example").await;
        let (s, v) = post(app, &am, "/agreements", json!({"organisation_ref": "SINFIN", "kind": "partnership", "start_date": "2025-01-01", "sites": ["WISBECH"]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["sites"].as_str().unwrap().contains("WISBECH"), "{v}");
        // The national unit's agreement with another employer than a national account's.
        let lou = app.token("lou@test.example").await;
        created(app, "lou@test.example", "/organisations", json!({"ref": "LOCAL", "name": "Unit Supplier Ltd"})).await;
        let (s, v) = post(app, &lou, "/agreements", json!({"organisation_ref": "LOCAL", "kind": "partnership", "start_date": "2025-01-01", "sites": ["SINFIN"]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["sites"].as_str().unwrap().contains("SINFIN"), "{v}");
        // A national agreement names only the employer's own companies and sites.
        created(app, "south@test.example", "/organisations", json!({"ref": "NOTASDA", "name": "Not Asda South Ltd"})).await;
        let (s, v) = post(app, &lou, "/agreements", json!({"organisation_ref": "NAT", "kind": "service_level", "start_date": "2025-01-01", "sites": ["SINFIN", "NOTASDA"]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let msg = v["error"]["fields"]["sites"].as_str().unwrap();
        assert!(msg.contains("NOTASDA") && msg.contains("national employer"), "{v}");
        assert_eq!(app.api(&lou).get("/agreements").await.1["total"], 0, "nothing half-written");
        let c = &app.db.conn;
        assert_eq!(crate::support::scalar(c, "SELECT COUNT(*) FROM agreement_sites").await, Some(0));
        // A company of the employer in another district is the employer's too.
        let v = created(app, "lou@test.example", "/agreements", json!({"organisation_ref": "NAT", "kind": "service_level", "start_date": "2025-01-01", "sites": ["SCO", "SINFIN"]})).await;
        assert_eq!(site_refs(&v), ["SINFIN", "SCO"], "by name: Asda SINFIN, Asda Stores Ltd");
        // The national unit changes it, keeping its sites in other districts.
        let path = format!("/agreements/{}", v["id"]);
        let (s, v2) = patch(app, &lou, &path, json!({"purpose": "Store openings", "version": v["version"]})).await;
        assert_eq!(s, StatusCode::OK, "{v2}");
        assert_eq!(site_refs(&v2), ["SINFIN", "SCO"]);
    }
}
