//! Sign-in, sessions, rate limit, CSRF and Origin.

use crate::both;
use crate::support::{Browser, PASSWORD};
use reqwest::StatusCode;

both! {
    async fn sign_in_and_out(app) {
        app.seed().await;
        let b = app.browser();
        let res = b.sign_in("manager@test.example", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()["location"], "/");
        let cookie = Browser::session_cookie(&res).expect("session cookie");
        let set = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
        let session = set.iter().find(|c| c.starts_with("accord_session=")).unwrap();
        assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
        let home = b.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("Name of manager@test.example"));
        assert_eq!(home.headers["cache-control"], "no-store");

        let out = b.post("/logout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        // The old cookie is dead after sign-out, even when replayed.
        let replay = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let res = replay.get(format!("{}/", app.url)).header("cookie", format!("accord_session={cookie}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(res.headers()["location"].to_str().unwrap().starts_with("/login"));
    }

    async fn wrong_password_rerenders_form(app) {
        app.seed().await;
        let b = app.browser();
        b.get("/login").await;
        let page = b.post("/login", &[("email", "manager@test.example"), ("password", "not the password")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("The e-mail address or the password is not right."));
        assert!(page.body.contains("value=\"manager@test.example\""), "typed e-mail kept");
        assert!(page.body.contains("class=\"error-summary\""));
        assert!(page.body.contains("href=\"#email\""));
        // Empty fields are named.
        let page = b.post("/login", &[("email", ""), ("password", "")]).await;
        assert!(page.body.contains("Enter your e-mail address.") && page.body.contains("Enter your password."));
    }

    async fn eleven_wrong_tries_are_rate_limited(app) {
        app.seed().await;
        let b = app.browser();
        b.get("/login").await;
        for i in 1..=10 {
            let page = b.post("/login", &[("email", "am@test.example"), ("password", "wrong wrong wrong")]).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "try {i}");
        }
        let page = b.post("/login", &[("email", "am@test.example"), ("password", "wrong wrong wrong")]).await;
        assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(page.body.contains("Too many attempts"));
        // The right password is refused too while the limit holds.
        let res = b.sign_in("am@test.example", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        // The same address is limited for other accounts as well (per-IP limit).
        let res = b.sign_in("manager@test.example", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    }

    async fn new_session_id_at_every_sign_in(app) {
        app.seed().await;
        let b = app.browser();
        let first = Browser::session_cookie(&b.sign_in("am@test.example", PASSWORD).await).unwrap();
        b.get("/").await;
        b.post("/logout", &[]).await;
        let second = Browser::session_cookie(&b.sign_in("am@test.example", PASSWORD).await).unwrap();
        assert_ne!(first, second);
        let pre_sign_in_csrf = b.token();
        assert_ne!(pre_sign_in_csrf, second, "the pre-sign-in cookie never becomes the session");
        let other = app.browser();
        let res = other.client.get(format!("{}/", app.url)).header("cookie", format!("accord_session={first}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "the first session ended");
    }

    async fn disabling_a_user_ends_their_sessions(app) {
        app.seed().await;
        let victim = app.signed_in("am@test.example").await;
        assert_eq!(victim.get("/districts").await.status, StatusCode::OK);
        let admin = app.signed_in("admin@test.example").await;
        let id = app.user_id("am@test.example").await;
        admin.get(&format!("/users/{id}/edit")).await;
        let page = admin
            .post(&format!("/users/{id}"), &[("name", "Name of am@test.example"), ("roles", "account_manager"), ("districts", "north"), ("disabled", "true"), ("version", "1")])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(victim.get("/districts").await.status, StatusCode::SEE_OTHER);
        let res = app.browser().sign_in("am@test.example", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Re-enabled, the user can sign in again.
        admin.get(&format!("/users/{id}/edit")).await;
        let page = admin
            .post(&format!("/users/{id}"), &[("name", "Name of am@test.example"), ("roles", "account_manager"), ("districts", "north"), ("disabled", "false"), ("version", "2")])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(app.browser().sign_in("am@test.example", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    }

    async fn idle_and_absolute_timeouts(app) {
        app.seed().await;
        let b = app.signed_in("am@test.example").await;
        assert_eq!(b.get("/").await.status, StatusCode::OK);
        let idle = (chrono::Utc::now() - chrono::Duration::minutes(31)).to_rfc3339();
        app.sql(&format!("UPDATE sessions SET last_seen_at = '{idle}'")).await.unwrap();
        assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER, "idle 31 minutes");

        let b = app.signed_in("am@test.example").await;
        let old = (chrono::Utc::now() - chrono::Duration::hours(13)).to_rfc3339();
        app.sql(&format!("UPDATE sessions SET created_at = '{old}'")).await.unwrap();
        assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER, "older than 12 hours");

        let b = app.signed_in("am@test.example").await;
        let recent = (chrono::Utc::now() - chrono::Duration::minutes(29)).to_rfc3339();
        app.sql(&format!("UPDATE sessions SET last_seen_at = '{recent}'")).await.unwrap();
        assert_eq!(b.get("/").await.status, StatusCode::OK, "29 minutes idle is still live");
    }

    async fn forms_need_the_csrf_token_and_our_origin(app) {
        app.seed().await;
        let b = app.signed_in("admin@test.example").await;
        let fields = |csrf: &str| vec![("_csrf", csrf.to_owned()), ("code", "east".to_owned()), ("name", "East".to_owned())];
        let missing = b.post_raw("/districts", &fields("")[1..], None).await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN);
        let wrong = b.post_raw("/districts", &fields("x".repeat(43).as_str()), None).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        let token = b.token();
        let foreign = b.post_raw("/districts", &fields(&token), Some("https://evil.example")).await;
        assert_eq!(foreign.status, StatusCode::FORBIDDEN);
        let ours = b.post_raw("/districts", &fields(&token), Some(&app.url)).await;
        assert_eq!(ours.status, StatusCode::SEE_OTHER);
        // A sign-in form posted from another site is refused as well.
        let anon = app.browser();
        anon.get("/login").await;
        let t = anon.token();
        let res = anon
            .post_raw("/login", &[("_csrf", t), ("email", "admin@test.example".into()), ("password", PASSWORD.into())], Some("https://evil.example"))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }

    async fn sign_in_redirects_back_to_the_page_asked_for(app) {
        app.seed().await;
        let b = app.browser();
        let res = b.get("/districts").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.headers["location"], "/login?next=%2Fdistricts");
        let login = b.get("/login?next=%2Fdistricts").await;
        assert!(login.body.contains("name=\"next\" value=\"/districts\""));
        let page = b.post("/login", &[("email", "am@test.example"), ("password", PASSWORD), ("next", "/districts")]).await;
        assert_eq!(page.headers["location"], "/districts");
        // Another site is never a destination.
        let b = app.browser();
        b.get("/login").await;
        let page = b.post("/login", &[("email", "am@test.example"), ("password", PASSWORD), ("next", "//evil.example/")]).await;
        assert_eq!(page.headers["location"], "/");
    }
}
