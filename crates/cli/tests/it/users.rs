//! User administration and the committee's read-only role.

use crate::both;
use reqwest::{Method, StatusCode};
use serde_json::json;

both! {
    async fn admin_creates_a_user_in_the_browser(app) {
        app.seed().await;
        let b = app.signed_in("admin@test.example").await;
        assert_eq!(b.get("/users/new").await.status, StatusCode::OK);
        // Invalid input: every field named, what was typed kept, nothing written.
        let page = b
            .post("/users", &[("email", "not-an-address"), ("name", "Ida Berg"), ("districts", "nowhere"), ("password", "short")])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("not-an-address"), "the message names the value");
        assert!(page.body.contains("href=\"#roles\""));
        assert!(page.body.contains("There is no district with the code"));
        assert!(page.body.contains("at least 12 characters"));
        assert!(page.body.contains("value=\"Ida Berg\""));
        assert!(accord_app::users::find_by_email(&app.app, "not-an-address").await.unwrap().is_none());

        let page = b
            .post(
                "/users",
                &[("email", "ida@test.example"), ("name", "Ida Berg"), ("roles", "secretariat"), ("roles", "manager"), ("districts", "north"), ("districts", "south"), ("password", "a good long password")],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let location = page.headers["location"].to_str().unwrap().to_owned();
        let show = b.get(&location).await;
        assert!(show.body.contains("The user has been created."));
        assert!(show.body.contains("Ida Berg") && show.body.contains("Secretariat") && show.body.contains("South District"));
        // The new user can sign in.
        assert_eq!(app.browser().sign_in("ida@test.example", "a good long password").await.status(), StatusCode::SEE_OTHER);
        // The same e-mail again is refused with the field named.
        b.get("/users/new").await;
        let page = b
            .post("/users", &[("email", "IDA@test.example"), ("name", "Ida"), ("roles", "manager"), ("districts", "north"), ("password", "a good long password")])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("A user with the e-mail address ida@test.example already exists."));
    }

    async fn admin_resets_a_password(app) {
        app.seed().await;
        let victim = app.signed_in("am@test.example").await;
        let b = app.signed_in("admin@test.example").await;
        let id = app.user_id("am@test.example").await;
        b.get(&format!("/users/{id}")).await;
        let short = b.post(&format!("/users/{id}/password"), &[("password", "tiny")]).await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        let ok = b.post(&format!("/users/{id}/password"), &[("password", "brand new password")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER);
        assert_eq!(victim.get("/").await.status, StatusCode::SEE_OTHER, "sessions ended");
        assert_eq!(app.browser().sign_in("am@test.example", "brand new password").await.status(), StatusCode::SEE_OTHER);
    }

    async fn committee_gets_403_on_every_write(app) {
        app.seed().await;
        let b = app.signed_in("committee@test.example").await;
        let north = app.district_id("north").await;
        let uid = app.user_id("am@test.example").await;
        for (path, fields) in [
            ("/users".to_owned(), vec![("email", "x@test.example"), ("name", "X"), ("roles", "admin"), ("password", "long enough password")]),
            (format!("/users/{uid}"), vec![("name", "X"), ("roles", "admin"), ("version", "1")]),
            (format!("/users/{uid}/password"), vec![("password", "long enough password")]),
            ("/districts".to_owned(), vec![("code", "east"), ("name", "East")]),
            (format!("/districts/{north}"), vec![("name", "Renamed"), ("version", "1")]),
        ] {
            let page = b.post(&path, &fields).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "POST {path}");
            assert!(page.body.contains("You do not have access to this"));
        }
        for path in ["/users", "/users/new", "/districts/new", "/audit"] {
            assert_eq!(b.get(path).await.status, StatusCode::FORBIDDEN, "GET {path}");
        }
        let api = app.api(&app.token("committee@test.example").await);
        for (method, path, body) in [
            (Method::POST, "/districts".to_owned(), json!({"code": "east", "name": "East"})),
            (Method::PATCH, format!("/districts/{north}"), json!({"name": "East", "version": 1})),
            (Method::POST, "/users".to_owned(), json!({"email": "y@test.example", "name": "Y", "roles": ["admin"], "password": "long enough password"})),
            (Method::PATCH, format!("/users/{uid}"), json!({"name": "Y", "version": 1})),
        ] {
            let (s, v) = api.send(method.clone(), &path, body).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{method} {path}");
            assert_eq!(v["error"]["code"], "forbidden");
        }
        // Nothing was written.
        let (_, me) = api.get("/me").await;
        assert_eq!(me["roles"], json!(["committee"]));
        assert_eq!(accord_app::districts::list(&app.app, &accord_app::Actor::system()).await.unwrap().len(), 2);
    }

    async fn users_api(app) {
        app.seed().await;
        let api = app.api(&app.token("admin@test.example").await);
        let (s, u) = api
            .send(Method::POST, "/users", json!({"email": "ole@test.example", "name": "Ole Hansen", "roles": ["adviser"], "districts": ["south"], "password": "a good long password"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{u}");
        assert_eq!(u["districts"], json!(["south"]));
        let id = u["id"].as_i64().unwrap();
        let (s, u) = api.send(Method::PATCH, &format!("/users/{id}"), json!({"roles": ["adviser", "manager"], "version": 1})).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(u["roles"], json!(["manager", "adviser"]));
        assert_eq!(u["name"], "Ole Hansen");
        let (s, _) = api.send(Method::PATCH, &format!("/users/{id}"), json!({"disabled": true, "version": 1})).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, u) = api.send(Method::PATCH, &format!("/users/{id}"), json!({"disabled": true, "version": 2})).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(u["disabled"], true);
        let (s, v) = api.get("/users?q=ole").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["total"], 1);
        let (s, v) = api.send(Method::POST, "/users", json!({"email": "bad", "name": "", "roles": ["king"], "password": "x"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        for f in ["email", "name", "roles", "password", "districts"] {
            assert!(v["error"]["fields"][f].is_string(), "{f}: {v}");
        }
        // Administrators cannot lock themselves out.
        let me = app.user_id("admin@test.example").await;
        let (s, v) = api.send(Method::PATCH, &format!("/users/{me}"), json!({"disabled": true, "version": 1})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // Non-administrators cannot list users.
        let am = app.api(&app.token("am@test.example").await);
        assert_eq!(am.get("/users").await.0, StatusCode::FORBIDDEN);
    }
}
