//! Injection and escaping: a payload of script, markup, SQL and spreadsheet formula is typed
//! into every text field of every form the pages show, and sent in every string field of every
//! API body. Afterwards no page holds the markup unescaped, no search breaks, nothing answers
//! 500, every table is still there, and no CSV cell starts a formula.

use crate::access::{Ids, example, fixture, routes};
use crate::support::{Browser, TestApp, signed_in_at};
use reqwest::StatusCode;
use std::collections::BTreeSet;

/// Starts with `=` (a formula to a spreadsheet), carries two kinds of script and closes SQL.
pub(crate) const PAYLOAD: &str = "=HYPERLINK(\"http://x.example\") <script>alert(1)</script>\"'><img src=x onerror=alert(2)>'; DROP TABLE organisations;--";
/// What must never reach a page as markup.
const RAW: [&str; 2] = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>"];

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].replace("&amp;", "&").replace("&quot;", "\"").replace("&#x27;", "'").replace("&#39;", "'"))
}

/// The tags named `name` in `html`, each as its opening tag and what follows up to its end tag.
fn elements<'a>(html: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i..];
        let Some(gt) = after.find('>') else { break };
        let tag = &after[..=gt];
        let body_end = after.find(&close).unwrap_or(gt + 1);
        out.push((tag, &after[(gt + 1).min(body_end)..body_end]));
        rest = &after[gt + 1..];
    }
    out
}

/// A field of a form: its name, the value it shows, and whether a person types text into it.
struct Field {
    name: String,
    shown: String,
    text: bool,
}

/// The fields a browser would send, as a page shows them.
fn fields(body: &str) -> Vec<Field> {
    let mut out = Vec::new();
    for (tag, _) in elements(body, "input") {
        let Some(name) = attr(tag, "name") else { continue };
        let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
        let shown = attr(tag, "value").unwrap_or_default();
        match kind.as_str() {
            "text" | "search" | "email" | "url" | "tel" => out.push(Field { name, shown, text: true }),
            "checkbox" | "radio" if !tag.contains(" checked") => {}
            "submit" | "button" | "file" => {}
            _ => out.push(Field { name, shown, text: false }),
        }
    }
    for (tag, shown) in elements(body, "textarea") {
        if let Some(name) = attr(tag, "name") {
            out.push(Field { name, shown: shown.to_owned(), text: true });
        }
    }
    for (tag, options) in elements(body, "select") {
        let Some(name) = attr(tag, "name") else { continue };
        let opts = elements(options, "option");
        let chosen = opts.iter().find(|(o, _)| o.contains(" selected")).or(opts.first());
        if let Some((o, _)) = chosen {
            out.push(Field { name, shown: attr(o, "value").unwrap_or_default(), text: false });
        }
    }
    out
}

/// The form filled in: every text field holding the payload but those the last answer said
/// were invalid, which keep what the page showed.
fn filled(fields: &[Field], invalid: &BTreeSet<String>) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| {
            let v = if f.text && !invalid.contains(&f.name) { PAYLOAD.to_owned() } else { f.shown.clone() };
            (f.name.clone(), v)
        })
        .collect()
}

/// The fields an answer marks as invalid.
fn invalid_in(html: &str) -> BTreeSet<String> {
    ["input", "textarea", "select"]
        .iter()
        .flat_map(|t| elements(html, t))
        .filter(|(tag, _)| tag.contains("aria-invalid=\"true\""))
        .filter_map(|(tag, _)| attr(tag, "name"))
        .collect()
}

fn assert_escaped(what: &str, body: &str) {
    for raw in RAW {
        assert!(!body.contains(raw), "{what} shows the payload unescaped: …{}…", around(body, raw));
    }
}

fn around<'a>(body: &'a str, needle: &str) -> &'a str {
    let i = body.find(needle).unwrap_or(0);
    let start = (0..=i.saturating_sub(200)).rev().find(|&k| body.is_char_boundary(k)).unwrap_or(0);
    let end = ((i + 200).min(body.len())..=body.len()).find(|&k| body.is_char_boundary(k)).unwrap_or(body.len());
    &body[start..end]
}

/// Forms that end something rather than record it: they take no text.
fn destructive(action: &str) -> bool {
    ["/logout", "erase", "delete", "revoke", "roll-back", "/login", "/language/"].iter().any(|w| action.contains(w))
}

async fn fill_every_form(app: &TestApp, b: &Browser, pages: &[String], stored: &mut usize) -> usize {
    let mut posted = 0;
    let mut seen = BTreeSet::new();
    for path in pages {
        let page = b.get(path).await;
        assert_ne!(page.status, StatusCode::INTERNAL_SERVER_ERROR, "GET {path}");
        for (tag, body) in elements(&page.body, "form") {
            if attr(tag, "method").as_deref() != Some("post") || tag.contains("multipart") {
                continue;
            }
            let action = attr(tag, "action").unwrap_or_else(|| path.split('?').next().unwrap().to_owned());
            if destructive(&action) || !seen.insert(action.clone()) {
                continue;
            }
            let shown = fields(body);
            let mut invalid = BTreeSet::new();
            // Up to three tries, each keeping the payload out of the fields the last refused.
            for _ in 0..3 {
                let res =
                    b.client.post(format!("{}{action}", app.url)).form(&filled(&shown, &invalid)).send().await.unwrap();
                let status = res.status();
                let location = res.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_owned);
                let text = res.text().await.unwrap();
                assert!(
                    status.as_u16() < 500,
                    "POST {action} (from {path}) answered {status}: {}",
                    around(&text, "error")
                );
                assert_escaped(&format!("the answer to POST {action}"), &text);
                if let Some(l) = location.filter(|l| l.starts_with('/')) {
                    let next = b.get(&l).await;
                    assert_ne!(next.status, StatusCode::INTERNAL_SERVER_ERROR, "GET {l} after POST {action}");
                    assert_escaped(&format!("{l} after POST {action}"), &next.body);
                    *stored += 1;
                    break;
                }
                let more = invalid_in(&text);
                if status != StatusCode::UNPROCESSABLE_ENTITY || more.is_subset(&invalid) {
                    break;
                }
                invalid.extend(more);
            }
            posted += 1;
        }
    }
    posted
}

async fn corpus(postgres: bool) {
    let snapshot = fixture(postgres).await;
    let app = snapshot.start().await;
    let all = routes();
    let doc = serde_json::to_value(accord_web::api::openapi()).unwrap();
    let mut forms = 0;
    let mut stored = 0;
    for email in ["manager@accord.example", "admin@accord.example"] {
        let ids = Ids::of(&app, Some(email)).await;
        let b = signed_in_at(&app.url, email, accord_app::demo::DEMO_PASSWORD).await;
        let pages: Vec<String> = all
            .iter()
            .filter(|r| r.method == "GET" && !r.is_api() && !r.path.contains("static") && !r.path.contains("language"))
            .map(|r| ids.path(r))
            .collect();
        forms += fill_every_form(&app, &b, &pages, &mut stored).await;

        // Every string field of every API body.
        let token = app.token(email).await;
        let client = reqwest::Client::new();
        for r in all.iter().filter(|r| r.is_api() && r.writes() && r.phase() == 1 && r.path != "/api/v1/imports") {
            let path = r.path.trim_start_matches("/api/v1");
            let schema =
                &doc["paths"][path][r.method.to_lowercase()]["requestBody"]["content"]["application/json"]["schema"];
            if schema.is_null() {
                continue;
            }
            let body = example(&doc, schema, 0, Some(PAYLOAD));
            let method = reqwest::Method::from_bytes(r.method.as_bytes()).unwrap();
            let res = client
                .request(method, format!("{}{}", app.url, ids.path(r)))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let text = res.text().await.unwrap();
            assert!(status.as_u16() < 500, "{} {} answered {status}: {text}", r.method, r.path);
            assert!(text.starts_with('{') || text.is_empty(), "{} {}: not JSON: {text}", r.method, r.path);
        }

        // Every page again, and every list searched for the payload.
        let q: String = url::form_urlencoded::byte_serialize(PAYLOAD.as_bytes()).collect();
        for path in &pages {
            let page = b.get(path).await;
            assert_ne!(page.status, StatusCode::INTERNAL_SERVER_ERROR, "GET {path}");
            // A calendar file holds text as RFC 5545 escapes it, not as HTML does (the events
            // tests parse it); everything else is a page.
            let html = !page
                .headers
                .get("content-type")
                .is_some_and(|t| t.to_str().unwrap_or("").starts_with("text/calendar"));
            if html {
                assert_escaped(path, &page.body);
            }
            if html && !path.contains('?') && !path.ends_with("/new") && !path.ends_with("/edit") {
                let searched = b.get(&format!("{path}?q={q}")).await;
                assert!(searched.status.as_u16() < 500, "GET {path}?q=… answered {}", searched.status);
                assert_escaped(&format!("{path}?q=…"), &searched.body);
            }
        }
    }
    eprintln!("{forms} forms filled in, {stored} of them saved with the payload");
    assert!(forms > 60, "only {forms} forms were filled in");
    assert!(stored > forms / 3, "only {stored} of {forms} forms took the payload");

    // The payload was stored as text, and the tables are all there.
    let b = signed_in_at(&app.url, "manager@accord.example", accord_app::demo::DEMO_PASSWORD).await;
    let (s, v) = app.api(&app.token("manager@accord.example").await).get("/organisations?per_page=200").await;
    assert_eq!(s, StatusCode::OK);
    let stored = v["items"].as_array().unwrap().iter().filter(|o| o["name"].as_str() == Some(PAYLOAD)).count();
    assert!(stored > 0, "no organisation was stored with the payload as its name");

    // No CSV cell begins a formula.
    for export in [
        "/organisations/export?kind=organisations&format=csv",
        "/organisations/export?kind=contacts&format=csv",
        "/organisations/export?kind=agreements&format=csv",
        "/organisations/export?kind=activities&format=csv",
        "/organisations/export?kind=recruitment-requests&format=csv",
        "/reports/activities/records?format=csv",
        "/redundancy/outcomes?format=csv",
    ] {
        let file = b.get(export).await;
        assert_eq!(file.status, StatusCode::OK, "{export}");
        let mut reader = csv_cells(&file.body);
        let formula = reader.find(|c| c.starts_with(['=', '+', '-', '@']) && c.parse::<f64>().is_err());
        assert!(formula.is_none(), "{export}: the cell {formula:?} starts a formula");
        if export.contains("kind=organisations") {
            assert!(
                file.body.contains(&format!("'{}", &PAYLOAD[..12])),
                "{export}: the payload is neutralised, not dropped"
            );
        }
    }
    app.finish().await;
    snapshot.remove().await;
}

/// The cells of a CSV file (RFC 4180 quoting).
fn csv_cells(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cell.is_empty() => quoted = true,
            (',' | '\n', false) => cells.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            (c, _) => cell.push(c),
        }
    }
    cells.push(cell);
    cells.into_iter()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payloads_come_back_escaped_on_sqlite() {
    corpus(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payloads_come_back_escaped_on_postgres() {
    corpus(true).await;
}

#[test]
fn forms_are_read_as_a_browser_reads_them() {
    let html = r#"<form method="post" action="/x"><input type="hidden" name="_csrf" value="t"><input name="a" value="1"><input type="date" name="d" value="2026-01-01"><input type="checkbox" name="c" value="on"><input type="checkbox" name="k" value="on" checked><textarea name="n">old</textarea><select name="s"><option value="1">One</option><option value="2" selected>Two</option></select></form>"#;
    let (_, body) = elements(html, "form")[0];
    let shown = fields(body);
    let fields = filled(&shown, &BTreeSet::new());
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("_csrf"), Some("t"));
    assert_eq!(get("a"), Some(PAYLOAD));
    assert_eq!(get("d"), Some("2026-01-01"));
    assert_eq!(get("c"), None);
    assert_eq!(get("k"), Some("on"));
    assert_eq!(get("n"), Some(PAYLOAD));
    assert_eq!(get("s"), Some("2"));
    let again = filled(&shown, &invalid_in(r#"<input name="a" value="x" aria-invalid="true">"#));
    assert_eq!(again.iter().find(|(n, _)| n == "a").map(|(_, v)| v.as_str()), Some("1"));
    let cells: Vec<String> = csv_cells("a,\"b \"\"q\"\"\",'=x\n1,2,3\n").collect();
    assert_eq!(cells, ["a", "b \"q\"", "'=x", "1", "2", "3", ""]);
}
