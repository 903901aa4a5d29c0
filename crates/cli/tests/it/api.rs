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
        assert!(v["error"]["fields"]["body"].as_str().unwrap().starts_with("The body is not valid JSON"), "{v}");
        let (s, v) = app.api(&token).get("/districts/not-a-number").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(v["error"]["fields"]["id"].as_str().unwrap().starts_with("Path parameter \"id\""), "{v}");
        let (s, v) = app.api(&token).get("/organisations?parent_id=abc").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(v["error"]["fields"]["parent_id"].as_str().unwrap().starts_with("Query parameter \"parent_id\""), "{v}");
        let (s, v) = app.api(&token).send(reqwest::Method::POST, "/districts", json!({"code": 5, "name": "Five"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["code"].as_str().unwrap().starts_with("Body field \"code\""), "{v}");
        let res = client
            .post(format!("{}/api/v1/districts", app.url))
            .bearer_auth(&token)
            .header("content-type", "text/plain")
            .body(r#"{"code": "east", "name": "East"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let v: serde_json::Value = res.json().await.unwrap();
        assert!(v["error"]["fields"]["body"].as_str().unwrap().contains("application/json"), "{v}");
        let (s, v) = app.api(&token).get("/no-such-thing").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v["error"]["code"], "not_found");
        assert_eq!(app.api(&token).get("/districts").await.1["total"], 2, "nothing was written");
    }

    async fn paging_out_of_range_is_refused_naming_the_parameter(app) {
        app.seed().await;
        let token = app.token("admin@test.example").await;
        let api = app.api(&token);
        let lists = [
            "/activities", "/agreements", "/audit", "/contacts", "/imports", "/organisations",
            "/recruitment-requests", "/users", "/districts", "/activity-types", "/bodies", "/plans",
            "/redundancy/events", "/agreement-templates", "/reports/activities/records?year=2024",
        ];
        for list in lists {
            let join = if list.contains('?') { '&' } else { '?' };
            for (query, field) in [
                ("page=9223372036854775807", "page"),
                ("page=0", "page"),
                ("page=-1", "page"),
                ("page=1000001", "page"),
                ("per_page=0", "per_page"),
                ("per_page=201", "per_page"),
                ("per_page=99999999999999999999", "per_page"),
            ] {
                let (s, v) = api.get(&format!("{list}{join}{query}")).await;
                assert_eq!(s, StatusCode::BAD_REQUEST, "{list}{join}{query}: {v}");
                let message = v["error"]["fields"][field].as_str().unwrap_or_else(|| panic!("{list}{join}{query}: {v}"));
                assert!(message.starts_with(&format!("Query parameter \"{field}\"")), "{message}");
            }
            let (s, v) = api.get(&format!("{list}{join}page=1000000&per_page=200")).await;
            assert_eq!(s, StatusCode::OK, "{list}: {v}");
            assert_eq!(v["items"], json!([]), "{list}");
            assert_eq!((v["page"].as_u64(), v["per_page"].as_u64()), (Some(1_000_000), Some(200)), "{list}");
        }
        let (_, v) = api.get("/organisations?page=0").await;
        assert!(v["error"]["fields"]["page"].as_str().unwrap().contains("from 1 to 1000000"), "{v}");
        let (_, v) = api.get("/organisations?per_page=500").await;
        assert!(v["error"]["fields"]["per_page"].as_str().unwrap().contains("from 1 to 200"), "{v}");
        // The pages bring the number into range instead; a list then says there is no such page.
        let b = app.signed_in("admin@test.example").await;
        for page in ["/organisations?page=9223372036854775807", "/activities?page=9223372036854775807"] {
            let res = b.get(page).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{page}");
            assert!(res.body.contains("There is no page 1000000; the list has 1 page."), "{page}");
        }
        assert_eq!(b.get("/audit?page=9223372036854775807").await.status, StatusCode::OK);
    }

    async fn control_characters_are_refused_or_left_out(app) {
        app.seed().await;
        let token = app.token("admin@test.example").await;
        let api = app.api(&token);
        for list in ["/agreements", "/organisations", "/contacts", "/activities", "/users", "/bodies"] {
            let (s, v) = api.get(&format!("{list}?q=a%00b")).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{list}: {v}");
            assert!(v["error"]["fields"]["q"].as_str().unwrap().contains("control character"), "{v}");
        }
        let (s, v) = api.get("/activity-types/a%00b").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(v["error"]["fields"]["code"].is_string(), "{v}");
        let (s, v) = api.send(reqwest::Method::POST, "/districts", json!({"code": "east", "name": "East\u{0}End"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["name"].as_str().unwrap().contains("control character"), "{v}");
        // Tabs and line breaks are text; they are kept.
        let (s, v) = api.send(reqwest::Method::POST, "/districts", json!({"code": "east", "name": "East\tEnd"})).await;
        assert!(s.is_success() || s == StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["name"].as_str().is_none_or(|m| !m.contains("control character")), "{v}");
        // Pages refuse them too, with the error page.
        let b = app.signed_in("admin@test.example").await;
        for page in ["/organisations?q=a%00b", "/agreements?q=abc%00def", "/activities?q=a%01b"] {
            let res = b.get(page).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
            assert!(res.body.contains("<html"), "{page}");
        }
        assert_eq!(b.get("/activity-types/a%00b").await.status, StatusCode::NOT_FOUND);
        // The directory's search itself leaves them out (the command line and other callers).
        assert_eq!(accord_db::search::without_controls("a\u{0}b\u{1b}c"), "abc");
    }

    async fn bodies_are_json_objects(app) {
        app.seed().await;
        let token = app.token("admin@test.example").await;
        let api = app.api(&token);
        let before = api.get("/activity-types/job_rotation").await.1;
        for body in [json!(["Renamed"]), json!("Renamed"), json!(1), json!(null)] {
            let (s, v) = api.send(reqwest::Method::PATCH, "/activity-types/job_rotation", body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"]["body"].as_str().unwrap().starts_with("The body must be a JSON object"), "{v}");
        }
        assert_eq!(api.get("/activity-types/job_rotation").await.1, before, "nothing was renamed");
        let (s, v) = api.send(reqwest::Method::POST, "/organisations", json!([{"name": "By position"}])).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(api.get("/organisations").await.1["total"], 0);
    }

    async fn a_version_no_record_reaches_is_stale_not_an_overflow(app) {
        app.seed().await;
        let token = app.token("admin@test.example").await;
        let api = app.api(&token);
        let (s, services) = api.get("/redundancy/services").await;
        assert_eq!(s, StatusCode::OK, "{services}");
        let id = services[0]["id"].as_i64().unwrap();
        let (s, v) = api.send(reqwest::Method::PATCH, &format!("/redundancy/services/{id}"), json!({"version": i32::MAX})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        let (s, v) = api.send(reqwest::Method::PATCH, &format!("/redundancy/services/{id}"), json!({"version": i64::from(i32::MAX) + 1})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["version"].as_str().unwrap().starts_with("Body field \"version\""), "{v}");
    }

    async fn a_method_a_route_lacks_is_405_with_allow(app) {
        app.seed().await;
        let token = app.token("admin@test.example").await;
        let client = reqwest::Client::new();
        for (method, path, allow) in [
            (reqwest::Method::DELETE, "/organisations", vec!["GET", "POST"]),
            (reqwest::Method::PUT, "/organisations/1", vec!["GET", "PATCH"]),
            (reqwest::Method::POST, "/me", vec!["GET"]),
        ] {
            let res = client.request(method.clone(), format!("{}/api/v1{path}", app.url)).bearer_auth(&token).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            let header = res.headers()["allow"].to_str().unwrap().to_owned();
            for m in allow {
                assert!(header.contains(m), "{method} {path}: Allow: {header}");
            }
            let v: serde_json::Value = res.json().await.unwrap();
            assert_eq!(v["error"]["code"], "method_not_allowed");
        }
    }
}

// What the document declares of a query parameter, the server holds to: a value out of its
// list, form or range, or a parameter given without a value, is refused with 400 naming the
// parameter, never read as "none" or brought into range. A body holds only the fields its
// schema lists, and `3.0` is the whole number 3.
both! {
    async fn query_parameters_are_refused_as_the_document_says(app) {
        app.seed().await;
        let token = app.token("admin@test.example").await;
        let api = app.api(&token);
        for (query, field) in [
            ("/reports/activities?lang=xx", "lang"),
            ("/dashboard?lang=english", "lang"),
            ("/reports/activities?year=", "year"),
            ("/reports/activities?year=1800", "year"),
            ("/reports/activities?to=", "to"),
            ("/reports/activities?as_of=2024-02-30", "as_of"),
            ("/reports/activities?unit=shop", "unit"),
            ("/reports/activities/records?group=elsewhere", "group"),
            ("/activities?to=", "to"),
            ("/activities?outcome=won", "outcome"),
            ("/organisations?kind=bank", "kind"),
            ("/organisations?sort=size", "sort"),
            ("/organisations?q=", "q"),
            ("/organisations?district=North", "district"),
            ("/interactions?kind=fax", "kind"),
            ("/agreements?phase=later", "phase"),
            ("/contacts?sort=-name", "sort"),
        ] {
            let (s, v) = api.get(query).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{query}: {v}");
            assert_eq!(v["error"]["code"], "invalid", "{query}");
            let message = v["error"]["fields"][field].as_str().unwrap_or_else(|| panic!("{query}: {v}"));
            assert!(message.contains(field), "{query}: {message}");
        }
        let (_, v) = api.get("/reports/activities?lang=xx").await;
        assert!(v["error"]["fields"]["lang"].as_str().unwrap().contains("is not one of en, da"), "{v}");
        let (_, v) = api.get("/activities?to=").await;
        assert!(v["error"]["fields"]["to"].as_str().unwrap().contains("without a value"), "{v}");
        // What the document allows is read.
        for query in [
            "/reports/activities?lang=da&year=2024&unit=site",
            "/reports/activities?from=2024-01-01&to=2024-03-31",
            "/reports/activities/records?group=not_counted&hired=1",
            "/organisations?kind=employer&level=site&status=active&sort=-name",
            "/interactions?kind=visit&from=2024-01-01",
            "/agreements?phase=active&kind=partnership&sort=ref",
            "/dashboard?lang=da&district=north",
        ] {
            let (s, v) = api.get(query).await;
            assert_eq!(s, StatusCode::OK, "{query}: {v}");
        }
    }

    async fn bodies_are_read_as_the_document_says(app) {
        app.seed().await;
        let token = app.token("admin@test.example").await;
        let api = app.api(&token);
        let (s, v) = api.send(reqwest::Method::POST, "/districts", json!({"code": "east", "name": "East", "colour": "red"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["colour"].as_str().unwrap().contains("not a field"), "{v}");
        let (s, d) = api.send(reqwest::Method::POST, "/districts", json!({"code": "east", "name": "East"})).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let version = d["version"].as_i64().unwrap();
        let path = format!("/districts/{}", d["id"]);
        let (s, v) = api.send(reqwest::Method::PATCH, &path, json!({"name": "East End", "version": version as f64})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["name"], "East End");
        let (s, v) = api.send(reqwest::Method::PATCH, &path, json!({"name": "East", "version": 1.5})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["version"].is_string(), "{v}");
    }
}

/// The document is exact about values: the vocabularies as enums, days as `format: date`,
/// codes with their pattern, bodies closed, error fields typed.
#[test]
fn openapi_document_is_exact_about_values() {
    let doc = serde_json::to_value(accord_web::api::openapi()).unwrap();
    let op = |id: &str| -> serde_json::Value {
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                if op["operationId"] == id {
                    return op.clone();
                }
            }
        }
        panic!("no operation {id}")
    };
    let param = |id: &str, name: &str| -> serde_json::Value {
        let o = op(id);
        o["parameters"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{id} {name}"))
            ["schema"]
            .clone()
    };
    let schema = |name: &str| doc["components"]["schemas"][name].clone();

    assert_eq!(param("reports_activities", "lang")["enum"], json!(["en", "da"]));
    assert_eq!(param("reports_dashboard", "lang")["enum"], json!(["en", "da"]));
    assert_eq!(param("reports_activities", "unit")["enum"], json!(["holder", "company", "site"]));
    assert_eq!(param("reports_records", "group")["enum"], json!(["partner", "outside", "planned", "not_counted"]));
    for (id, name) in [
        ("reports_activities", "as_of"),
        ("reports_activities", "to"),
        ("activities_list", "from"),
        ("agreements_partners", "date"),
        ("interactions_list", "to"),
    ] {
        assert_eq!(param(id, name)["format"], "date", "{id} {name}");
    }
    let year = param("reports_committee", "year");
    let year_pattern = year["pattern"].as_str().unwrap();
    assert!(year_pattern.contains("199") && year_pattern.contains("2100"), "{year}");
    assert!(param("plans_progress", "quarter")["pattern"].as_str().unwrap().contains("Q[1-4]"));
    assert_eq!(param("organisations_list", "district")["pattern"], "^[a-z][a-z0-9-]{1,31}$");
    assert_eq!(
        param("organisations_list", "kind")["enum"],
        json!(["employer", "agency", "provider", "union", "voluntary"])
    );
    assert_eq!(param("organisations_list", "sort")["enum"], json!(["-created_at", "created_at", "name", "-name"]));
    assert_eq!(
        param("interactions_list", "kind")["enum"],
        json!(["call", "visit", "email", "meeting", "event", "letter"])
    );
    assert!(param("activities_list", "outcome")["enum"].as_array().unwrap().contains(&json!("hired")));
    assert!(param("redundancy_list_cases", "status")["enum"].as_array().unwrap().contains(&json!("in_work")));
    assert_eq!(param("organisations_list", "q")["minLength"], 1);

    let new = schema("NewInteraction");
    assert_eq!(new["additionalProperties"], false);
    let kind = serde_json::to_string(&new["properties"]["kind"]).unwrap();
    assert!(kind.contains(r#""enum":["call","visit","email","meeting","event","letter"]"#), "{kind}");
    assert!(serde_json::to_string(&new["properties"]["occurred_on"]).unwrap().contains("\"format\":\"date\""));
    assert!(new["required"].as_array().unwrap().contains(&json!("summary")));
    assert!(new["properties"]["summary"]["pattern"].is_string());
    // A create requires what the record cannot be without; the update of the same body does not.
    let create = op("bodies_create_meeting");
    assert!(serde_json::to_string(&create["requestBody"]).unwrap().contains("\"required\":[\"held_on\"]"));
    assert_eq!(schema("MeetingInput")["properties"]["held_on"]["format"], "date");
    assert_eq!(schema("NewDistrict")["properties"]["code"]["pattern"], "^[a-z][a-z0-9-]{1,31}$");
    let position = &schema("NewActivityType")["properties"]["position"];
    assert_eq!((position["minimum"].as_i64(), position["maximum"].as_i64()), (Some(0), Some(100_000)), "{position}");

    let detail = schema("ErrorDetail");
    assert_eq!(detail["properties"]["fields"]["additionalProperties"]["type"], "string", "{detail}");
    assert!(detail["properties"]["code"]["enum"].is_null() || detail["properties"]["code"]["$ref"].is_string());
    assert!(schema("ErrorCode")["enum"].as_array().unwrap().contains(&json!("method_not_allowed")));
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
    // What a code generator needs: unique operation ids, parameters where they are, the
    // errors every operation can answer, the bounds the server keeps.
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in served["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "{method} {path}: operationId {id} is not unique");
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                assert_eq!(p["in"] == "path", in_path, "{method} {path}: parameter {name} is declared in {}", p["in"]);
                if name == "page" || name == "per_page" {
                    let max =
                        if name == "page" { accord_app::Paging::MAX_PAGE } else { accord_app::Paging::MAX_PER_PAGE };
                    assert_eq!(
                        (p["schema"]["minimum"].as_u64(), p["schema"]["maximum"].as_u64()),
                        (Some(1), Some(max)),
                        "{method} {path}: {name}"
                    );
                }
            }
            for status in ["400", "401", "403", "404", "422", "500"] {
                assert!(op["responses"][status].is_object(), "{method} {path}: {status} is not documented");
            }
            if method == "patch" && op["requestBody"].is_object() {
                let body = serde_json::to_string(&op["requestBody"]).unwrap();
                let schema = &op["requestBody"]["content"]["application/json"]["schema"];
                let name = schema["$ref"].as_str().map(|r| r.rsplit('/').next().unwrap().to_owned());
                let required = match name {
                    Some(n) => {
                        served["components"]["schemas"][&n]["required"]
                            .as_array()
                            .is_some_and(|r| r.contains(&json!("version")))
                            || served["components"]["schemas"][&n]["properties"]["version"].is_null()
                    }
                    None => body.contains("\"required\":[\"version\"]"),
                };
                assert!(required, "{method} {path}: version is not required");
            }
        }
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
