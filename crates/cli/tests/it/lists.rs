//! The list pages' shared parts: sorting by a column through a whitelist, numbered pages and
//! the refusal of a page past the end, the district column and filter, and the empty list
//! that says its filters are why.

use crate::both;
use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Organisations with these names, in `district`, made through the API by the admin.
async fn orgs(app: &TestApp, district: &str, names: &[&str]) {
    let api = app.api(&app.token("admin@test.example").await);
    for name in names {
        let (s, v) = api.send(Method::POST, "/organisations", json!({"name": name, "district": district})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
}

/// Where each of `names` first appears in `body`, which must hold them all.
fn order_of<'a>(body: &str, names: &[&'a str]) -> Vec<&'a str> {
    let mut at: Vec<(usize, &str)> = names
        .iter()
        .map(|n| (body.find(&format!(">{n}</a>")).unwrap_or_else(|| panic!("{n} not listed")), *n))
        .collect();
    at.sort();
    at.into_iter().map(|(_, n)| n).collect()
}

/// The opening tag of the header cell whose link text is `label`.
fn header<'a>(body: &'a str, label: &str) -> &'a str {
    let end = body.find(&format!(">{label}</a></th>")).unwrap_or_else(|| panic!("no header {label}"));
    let start = body[..end].rfind("<th").unwrap();
    &body[start..end]
}

both! {
    async fn a_header_sorts_by_its_column_and_a_second_click_reverses(app) {
        app.seed().await;
        orgs(app, "north", &["Cedar Tømrer", "alpha Bageri", "Birch VVS"]).await;
        let b = app.signed_in("admin@test.example").await;
        let names = ["Cedar Tømrer", "alpha Bageri", "Birch VVS"];

        let page = b.get("/organisations").await;
        assert_eq!(order_of(&page.body, &names), ["Birch VVS", "alpha Bageri", "Cedar Tømrer"], "newest first by default");
        let name = header(&page.body, "Name");
        assert!(!name.contains("aria-sort"), "{name}");
        assert!(name.contains("href=\"/organisations?sort=name\""), "{name}");

        let page = b.get("/organisations?sort=name").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(order_of(&page.body, &names), ["alpha Bageri", "Birch VVS", "Cedar Tømrer"], "by name, whatever the case");
        let name = header(&page.body, "Name");
        assert!(name.contains("aria-sort=\"ascending\"") && name.contains("href=\"/organisations?sort=-name\""), "{name}");
        assert!(!header(&page.body, "Status").contains("aria-sort"), "only the sorted column says so");
        assert_eq!(page.body.matches("aria-sort=").count(), 1);

        let page = b.get("/organisations?sort=-name&q=r").await;
        assert_eq!(order_of(&page.body, &names), ["Cedar Tømrer", "Birch VVS", "alpha Bageri"]);
        let name = header(&page.body, "Name");
        assert!(name.contains("aria-sort=\"descending\"") && name.contains("href=\"/organisations?q=r&#38;sort=name\""), "the filter is kept: {name}");
        assert!(page.body.contains("<input type=\"hidden\" name=\"sort\" value=\"-name\">"), "the filter form keeps the sort");

        // Another list, another whitelist: the users by e-mail, both ways.
        let page = b.get("/users?sort=-email").await;
        let emails = ["admin@test.example", "south@test.example"];
        let pos = |body: &str, e: &str| body.find(&format!("<td>{e}</td>")).unwrap();
        assert!(pos(&page.body, emails[1]) < pos(&page.body, emails[0]));
        assert!(header(&page.body, "E-mail address").contains("aria-sort=\"descending\""));
        let page = b.get("/users?sort=email").await;
        assert!(pos(&page.body, emails[0]) < pos(&page.body, emails[1]));
    }

    async fn a_sort_outside_the_whitelist_is_refused_and_named(app) {
        app.seed().await;
        orgs(app, "north", &["Cedar Tømrer", "alpha Bageri"]).await;
        let b = app.signed_in("admin@test.example").await;
        for path in [
            "/organisations", "/agreements", "/activities", "/recruitment-requests", "/communications", "/users",
        ] {
            for bad in ["name;DROP TABLE organisation", "id", "--name", "password_hash"] {
                let q = url_encode(bad);
                let page = b.get(&format!("{path}?sort={q}")).await;
                assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {bad}");
                assert!(page.body.contains("is not a sort order this list knows"), "{path} {bad}");
                assert!(page.body.contains(&bad.replace('"', "&#34;")) || page.body.contains(bad), "the value is named: {path} {bad}");
                assert!(page.body.matches("aria-sort=").count() <= 1, "{path}: at most the ordinary order's column");
                assert!(!page.body.contains(&format!("sort={q}\"")), "{path}: no link carries it on");
            }
        }
        // The table is still there, in its ordinary order.
        let page = b.get("/organisations?sort=password_hash").await;
        assert_eq!(order_of(&page.body, &["Cedar Tømrer", "alpha Bageri"]), ["alpha Bageri", "Cedar Tømrer"]);
        // A sort the whitelist has is taken on every list.
        for (path, sort) in [
            ("/agreements", "-review_date"), ("/activities", "outcome"), ("/recruitment-requests", "-positions"),
            ("/communications", "title"), ("/users", "-name"),
        ] {
            let page = b.get(&format!("{path}?sort={sort}")).await;
            assert_eq!(page.status, StatusCode::OK, "{path} {sort}");
        }
    }

    async fn pages_by_number_and_none_past_the_end(app) {
        app.seed().await;
        let names: Vec<String> = (1..=51).map(|i| format!("Firma {i:02}")).collect();
        orgs(app, "north", &names.iter().map(String::as_str).collect::<Vec<_>>()).await;
        let b = app.signed_in("admin@test.example").await;

        let page = b.get("/organisations?sort=name&q=Firma").await;
        assert!(page.body.contains(">Firma 50</a>") && !page.body.contains(">Firma 51</a>"), "50 to a page");
        assert!(page.body.contains("aria-current=\"page\"><span class=\"visually-hidden\">Page </span>1</a>"));
        assert!(page.body.contains("href=\"/organisations?q=Firma&#38;sort=name&#38;page=2\"><span class=\"visually-hidden\">Page </span>2</a>"), "page 2 by number keeps the filter and the sort");
        let page = b.get("/organisations?q=Firma&sort=name&page=2").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(">Firma 51</a>") && !page.body.contains(">Firma 01</a>"));
        assert!(page.body.contains("aria-current=\"page\"><span class=\"visually-hidden\">Page </span>2</a>"));

        let page = b.get("/organisations?q=Firma&sort=name&page=99").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("There is no page 99; the list has 2 pages."), "{}", page.body);
        assert!(page.body.contains("href=\"/organisations?q=Firma&#38;sort=name&#38;page=2\""), "a link to the last page, filters kept");
        assert!(!page.body.contains(">Firma 01</a>"), "no list");

        let page = b.get("/organisations?q=nobody&page=2").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("There is no page 2; the list has 1 page."), "{}", page.body);
        let page = b.get("/users?page=3").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        b.get("/language/da?next=/").await;
        let page = b.get("/communications?page=7").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("Der er ingen side 7; listen har 1 side."), "{}", page.body);
        assert!(page.body.contains("href=\"/communications?page=1\""));
    }

    async fn several_districts_get_a_district_column_and_filter(app) {
        app.seed().await;
        orgs(app, "north", &["Nord Bageri"]).await;
        orgs(app, "south", &["Syd Bageri"]).await;
        let admin = app.signed_in("admin@test.example").await;
        let page = admin.get("/organisations").await;
        assert!(page.body.contains("<select class=\"select\" id=\"district\" name=\"district\">"));
        assert!(page.body.contains("<th scope=\"col\">District</th>"));
        assert!(page.body.contains("<td>North District</td>") && page.body.contains("<td>South District</td>"));
        let page = admin.get("/organisations?district=south").await;
        assert!(page.body.contains(">Syd Bageri</a>") && !page.body.contains(">Nord Bageri</a>"));
        for path in ["/agreements", "/activities", "/recruitment-requests", "/communications"] {
            let page = admin.get(path).await;
            assert!(page.body.contains("<th scope=\"col\">District</th>"), "{path}");
        }
        // One district: neither column nor filter.
        let am = app.signed_in("am@test.example").await;
        for path in ["/organisations", "/agreements", "/activities", "/recruitment-requests", "/communications"] {
            let page = am.get(path).await;
            assert!(!page.body.contains("id=\"district\"") && !page.body.contains(">District</th>"), "{path}");
        }
        assert!(am.get("/organisations").await.body.contains(">Nord Bageri</a>"));
    }

    async fn an_empty_filtered_list_offers_to_clear_the_filters(app) {
        app.seed().await;
        orgs(app, "north", &["Nord Bageri"]).await;
        let b = app.signed_in("admin@test.example").await;
        let page = b.get("/organisations?q=nobody&sort=name").await;
        assert!(page.body.contains("Nothing matches these filters."));
        assert!(page.body.contains("<a href=\"/organisations?sort=name\">Clear filters</a>"), "the sort stays");
        let page = b.get("/communications").await;
        assert!(page.body.contains("<p class=\"list-empty\">Nothing found.</p>"), "the ordinary empty text");
        assert!(!page.body.contains("Clear filters"), "no filters, nothing to clear");
        let page = b.get("/communications?channel=linkedin").await;
        assert!(page.body.contains("<a href=\"/communications\">Clear filters</a>"));
        b.get("/language/da?next=/").await;
        let page = b.get("/activities?q=nobody").await;
        assert!(page.body.contains("Intet passer til disse filtre.") && page.body.contains(">Ryd filtre</a>"));
    }
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
