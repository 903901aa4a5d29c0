//! Pages as a browser gets them: languages, headers, errors, navigation per role.

use crate::both;
use reqwest::StatusCode;

both! {
    async fn security_headers_on_every_page(app) {
        app.seed().await;
        let b = app.signed_in("admin@test.example").await;
        for path in ["/", "/login", "/districts", "/users", "/audit", "/account", "/no-such-page", "/api/v1/me", "/healthz"] {
            let page = b.get(path).await;
            let h = &page.headers;
            let csp = h["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(h["referrer-policy"], "same-origin", "{path}");
            assert_eq!(h["cache-control"], "no-store", "{path}");
            assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
        }
        let css = b.get("/static/accord.css").await;
        assert_eq!(css.status, StatusCode::OK);
        assert!(css.headers["cache-control"].to_str().unwrap().contains("immutable"));
    }

    async fn danish_and_english(app) {
        app.seed().await;
        let b = app.browser();
        let en = b.get("/login").await;
        assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("Sign in to Accord"));
        let switch = b.get("/language/da?next=%2Flogin").await;
        assert_eq!(switch.status, StatusCode::SEE_OTHER);
        assert_eq!(switch.headers["location"], "/login");
        let da = b.get("/login").await;
        assert!(da.body.contains("<html lang=\"da\">") && da.body.contains("Log ind i Accord"));
        let page = b.post("/login", &[("email", "am@test.example"), ("password", "forkert forkert")]).await;
        assert!(page.body.contains("E-mailadressen eller adgangskoden er forkert."));
        // Accept-Language decides when no choice was made.
        let res = reqwest::Client::new().get(format!("{}/login", app.url)).header("accept-language", "da-DK,da;q=0.9,en;q=0.5").send().await.unwrap();
        assert!(res.text().await.unwrap().contains("Log ind i Accord"));
        // Dates and numbers follow the language.
        let b = app.signed_in("admin@test.example").await;
        b.get("/language/da?next=/").await;
        let users = b.get("/users").await;
        assert!(users.body.contains("Brugere: 8"), "caption in Danish");
        assert!(users.body.contains(" kl. "), "Danish time format");
        assert_eq!(b.get("/language/xx?next=/").await.status, StatusCode::NOT_FOUND);
    }

    async fn navigation_follows_the_role(app) {
        app.seed().await;
        let admin = app.signed_in("admin@test.example").await.get("/").await.body;
        assert!(admin.contains("href=\"/users\"") && admin.contains("href=\"/audit\""));
        let manager = app.signed_in("manager@test.example").await.get("/").await.body;
        assert!(!manager.contains("href=\"/users\"") && manager.contains("href=\"/audit\""));
        let am = app.signed_in("am@test.example").await.get("/").await.body;
        assert!(!am.contains("href=\"/users\"") && !am.contains("href=\"/audit\""));
        assert!(am.contains("North District"), "the header names the district");
        assert!(am.contains("aria-current=\"page\""));
    }

    async fn friendly_error_pages(app) {
        app.seed().await;
        let b = app.signed_in("am@test.example").await;
        let page = b.get("/no-such-page").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("Page not found") && page.body.contains("href=\"/\""));
        let page = b.get("/users/999999").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        b.get("/language/da?next=/").await;
        let page = b.get("/no-such-page").await;
        assert!(page.body.contains("Siden findes ikke"));
    }

    async fn health_and_metrics(app) {
        let res = reqwest::get(format!("{}/healthz", app.url)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.text().await.unwrap(), "ok");
        let text = reqwest::get(format!("{}/metrics", app.url)).await.unwrap().text().await.unwrap();
        assert!(text.contains("accord_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"), "{text}");
        assert!(text.contains("# TYPE accord_http_request_duration_seconds histogram"));
    }
}
