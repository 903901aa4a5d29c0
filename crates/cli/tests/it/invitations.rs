//! Invitations to an event sent as mailings, against a real SMTP server on loopback: the
//! rules of such a mailing, one message per consenting contact with its own working
//! registration link and the event's calendar file attached (parsed as RFC 5545), the
//! companies counted as invited, and the segment of the companies that attended an event.

use crate::both;
use crate::events::parse_ics;
use crate::smtp_sink::Received;
use crate::support::{TestApp, scalar};
use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

async fn patch(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::PATCH, path, body).await
}

fn at(hours: i64) -> String {
    (Utc::now() + Duration::hours(hours)).format("%Y-%m-%dT%H:%M").to_string()
}

/// Three employers in north: Alpha (Anna, consent), Beta (Bo, consent; Britt, none) and
/// Gamma (Gert, who withdrew his consent to invitations but not to news). Returns the
/// contacts' ids by name and the organisations' by ref.
async fn setup(app: &TestApp) -> (Vec<(&'static str, i64)>, Vec<(&'static str, i64)>) {
    app.seed().await;
    let am = app.token("am@test.example").await;
    let mut orgs = vec![];
    for (r, name) in [("A", "Alpha ApS"), ("B", "Beta A/S"), ("G", "Gamma I/S")] {
        let (s, v) = post(app, &am, "/organisations", json!({"ref": r, "name": name})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        orgs.push((r, v["id"].as_i64().unwrap()));
    }
    let mut contacts = vec![];
    for (key, org, name, email, consent) in [
        ("anna", "A", "Anna Alpha", "anna@alpha.test", true),
        ("bo", "B", "Bo Beta", "bo@beta.test", true),
        ("britt", "B", "Britt Beta", "britt@beta.test", false),
        ("gert", "G", "Gert Gamma", "gert@gamma.test", true),
    ] {
        let (s, v) = post(
            app,
            &am,
            "/contacts",
            json!({"organisation_ref": org, "name": name, "email": email, "consent": consent}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        contacts.push((key, v["id"].as_i64().unwrap()));
    }
    let gert = contacts[3].1;
    let b = app.signed_in("am@test.example").await;
    b.get(&format!("/contacts/{gert}")).await;
    let page = b.post(&format!("/contacts/{gert}/consent"), &[("purpose", "invitations"), ("given", "no")]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    (contacts, orgs)
}

async fn new_event(app: &TestApp, token: &str, title: &str, capacity: i64) -> Value {
    let (s, e) = post(
        app,
        token,
        "/events",
        json!({"kind": "dialogue_meeting", "title": title, "starts_at": at(240), "ends_at": at(242),
               "place": "Jobcenter, Slagelse; room 2", "capacity": capacity.to_string(),
               "agenda": "Welcome, coffee; apprentices, and what the service offers them. ".repeat(3)}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    e
}

async fn segment(app: &TestApp, token: &str, filter: Value) -> i64 {
    let (s, v) = post(app, token, "/segments", json!({"name": "Invitees", "filter": filter})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

/// Sends the mailing and waits until the outbox has nothing left queued for it.
async fn send(app: &TestApp, token: &str, id: i64) -> Value {
    let (s, v) = post(app, token, &format!("/mailings/{id}/send"), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    for _ in 0..300 {
        let (_, v) = app.api(token).get(&format!("/mailings/{id}")).await;
        if v["queued"] == 0 {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the mailing {id} was not delivered");
}

/// The registration link in a text: its path (the tests' public address is not the server's).
fn link_in(text: &str) -> String {
    let i = text.find("/events/register/").unwrap_or_else(|| panic!("no registration link in {text}"));
    text[i..].split(|c: char| c.is_whitespace() || c == '"' || c == '<').next().unwrap().to_owned()
}

/// Checks the calendar file beyond what [`parse_ics`] does: every BEGIN has its END, in order.
fn check_nesting(ics: &str) {
    let unfolded = ics.replace("\r\n ", "");
    let mut open: Vec<&str> = vec![];
    for l in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        if let Some(c) = l.strip_prefix("BEGIN:") {
            open.push(c);
        } else if let Some(c) = l.strip_prefix("END:") {
            assert_eq!(open.pop(), Some(c), "END:{c} closes what was opened");
        }
    }
    assert!(open.is_empty(), "{open:?} left open");
}

fn to(messages: &[Received]) -> Vec<String> {
    let mut out: Vec<String> = messages.iter().flat_map(|m| m.to.clone()).collect();
    out.sort();
    out
}

both! {
    async fn an_invitation_mailing_carries_each_recipients_link_and_the_calendar(app, sink) {
        let (_, orgs) = setup(app).await;
        let am = app.token("am@test.example").await;
        let e = new_event(app, &am, "Dialogue meeting, apprentices", 1).await;
        let id = e["id"].as_i64().unwrap();
        let news = segment(app, &am, json!({"purpose": "news"})).await;
        let invitations = segment(app, &am, json!({"purpose": "invitations"})).await;
        let body = "Dear {{contact_name}},\n\n{{company_name}} is invited to our dialogue meeting.\n\nRegister here: {{registration_link}}";
        let mailing = |segment_id: i64, event_id: Value, body: &str| {
            json!({"segment_id": segment_id, "subject": "Invitation for {{company_name}}", "body": body, "lang": "en", "event_id": event_id})
        };

        // Bad input names the field and writes nothing.
        let south = app.token("south@test.example").await;
        let elsewhere = new_event(app, &south, "In the south", 5).await;
        let cancelled = new_event(app, &am, "Called off", 5).await;
        let (s, v) = post(app, &am, &format!("/events/{}/cancel", cancelled["id"]), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        for (input, field) in [
            (mailing(news, json!(id), body), "segment_id"),
            (mailing(invitations, json!(999_999), body), "event_id"),
            (mailing(invitations, elsewhere["id"].clone(), body), "event_id"),
            (mailing(invitations, cancelled["id"].clone(), body), "event_id"),
            (mailing(invitations, Value::Null, body), "event_id"),
        ] {
            let (s, v) = post(app, &am, "/mailings", input.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{input}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{input}: {v}");
        }
        assert_eq!(scalar(&app.db.conn, "SELECT COUNT(*) FROM mailings").await, Some(0), "nothing half-written");

        let (s, m) = post(app, &am, "/mailings", mailing(invitations, json!(id), body)).await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
        assert_eq!((m["event_id"].as_i64(), m["event_title"].as_str()), (Some(id), Some("Dialogue meeting, apprentices")));
        let mid = m["id"].as_i64().unwrap();
        // The preview shows each recipient's link.
        let staff = app.signed_in("am@test.example").await;
        let page = staff.get(&format!("/mailings/{mid}")).await;
        assert!(page.body.contains("/events/register/"), "{}", page.body);

        let v = send(app, &am, mid).await;
        assert_eq!((v["sent"].as_u64(), v["failed"].as_u64()), (Some(2), Some(0)), "{v}");
        let got = sink.wait_for(2, 10).await;
        assert_eq!(to(&got), ["anna@alpha.test", "bo@beta.test"], "the consenting contacts, once each");
        let mut links = BTreeSet::new();
        for msg in &got {
            let head = msg.header("Content-Type").unwrap();
            assert!(head.starts_with("multipart/mixed"), "{head}");
            let text = msg.part("text/plain").unwrap();
            let html = msg.part("text/html").unwrap();
            let link = link_in(&text);
            assert!(text.contains("Register here: http"), "{text}");
            assert!(html.contains(&format!("{link}\">")), "the HTML part links the same: {html}");
            assert!(!text.contains("{{"), "{text}");
            links.insert(link);
            // The calendar file, attached as a published event.
            let i = msg.data.find("Content-Type: text/calendar").expect("a calendar part");
            let part_head = msg.data[i..].split("\r\n\r\n").next().unwrap();
            assert!(part_head.contains("method=PUBLISH"), "{part_head}");
            assert!(msg.data.contains("Content-Disposition: attachment; filename=\"invitation.ics\""), "{}", msg.data);
            let ics = msg.part("text/calendar").unwrap();
            check_nesting(&ics);
            let cal = parse_ics(&ics);
            assert_eq!(cal.get("SUMMARY"), Some("Dialogue meeting, apprentices"));
            let start = chrono::DateTime::parse_from_rfc3339(e["starts_at"].as_str().unwrap()).unwrap();
            assert_eq!(cal.get("DTSTART"), Some(start.format("%Y%m%dT%H%M%SZ").to_string().as_str()));
            assert!(cal.get("UID").unwrap().starts_with(&format!("event-{id}@")), "the event's own UID");
            assert!(ics.contains("METHOD:PUBLISH\r\n"), "{ics}");
        }
        assert_eq!(links.len(), 2, "each recipient has a link of its own");
        let (_, ev) = app.api(&am).get(&format!("/events/{id}")).await;
        assert_eq!((ev["invited"].as_i64(), ev["registered"].as_i64()), (Some(2), Some(0)), "both companies count as invited");

        // Following the links: Anna's company takes the only seat, Bo's waits; Anna cancels
        // and Bo's company moves up.
        let anna = got.iter().find(|m| m.to == ["anna@alpha.test"]).unwrap();
        let bo = got.iter().find(|m| m.to == ["bo@beta.test"]).unwrap();
        let (la, lb) = (link_in(&anna.part("text/plain").unwrap()), link_in(&bo.part("text/plain").unwrap()));
        let a = app.browser();
        assert!(a.get(&la).await.body.contains("You are not registered."));
        let page = a.post(&la, &[("action", "register")]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("You are registered.") && page.body.contains("Alpha ApS"), "{}", page.body);
        let b = app.browser();
        b.get(&lb).await;
        let page = b.post(&lb, &[("action", "register")]).await;
        assert!(page.body.contains("waiting list"), "{}", page.body);
        let page = a.post(&la, &[("action", "cancel")]).await;
        assert!(page.body.contains("Your registration is cancelled."), "{}", page.body);
        assert!(b.get(&lb).await.body.contains("You are registered."));
        let (_, ev) = app.api(&am).get(&format!("/events/{id}")).await;
        assert_eq!((ev["invited"].as_i64(), ev["registered"].as_i64(), ev["waiting"].as_i64()), (Some(2), Some(1), Some(0)));
        let beta = orgs.iter().find(|o| o.0 == "B").unwrap().1;
        let page = staff.get(&format!("/events/{id}")).await;
        assert!(page.body.contains(&format!("/organisations/{beta}")) && page.body.contains("Invite by mail"), "{}", page.body);

        // A body without the merge field gets the link after its text, in both parts.
        let before = sink.received().len();
        let (s, m2) = post(app, &am, "/mailings", mailing(invitations, json!(id), "Dear {{contact_name}}, you are invited.")).await;
        assert_eq!(s, StatusCode::CREATED, "{m2}");
        send(app, &am, m2["id"].as_i64().unwrap()).await;
        let got = sink.wait_for(before + 2, 10).await;
        let anna2 = got[before..].iter().find(|m| m.to == ["anna@alpha.test"]).unwrap();
        let text = anna2.part("text/plain").unwrap();
        assert_eq!(link_in(&text), la, "the same contact, the same link");
        assert!(text.contains("Register, or cancel, here:"), "{text}");
        assert!(anna2.part("text/html").unwrap().contains(&format!("{la}\">")));
        let (_, ev) = app.api(&am).get(&format!("/events/{id}")).await;
        assert_eq!(ev["invited"].as_i64(), Some(2), "a company is invited once");

        // The test send carries a link and the calendar file too.
        let before = sink.received().len();
        let (s, m3) = post(app, &am, "/mailings", mailing(invitations, json!(id), body)).await;
        assert_eq!(s, StatusCode::CREATED, "{m3}");
        let (s, v) = post(app, &am, &format!("/mailings/{}/test", m3["id"]), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let got = sink.wait_for(before + 1, 10).await;
        let test = &got[before];
        assert_eq!(test.to, ["am@test.example"]);
        assert!(test.part("text/plain").unwrap().contains("/events/register/"));
        parse_ics(&test.part("text/calendar").unwrap());
    }

    async fn the_segment_of_the_companies_that_attended_an_event(app, sink) {
        let (contacts, orgs) = setup(app).await;
        let _ = sink;
        let am = app.token("am@test.example").await;
        let e = new_event(app, &am, "Network meeting", 10).await;
        let id = e["id"].as_i64().unwrap();
        let org = |r: &str| orgs.iter().find(|o| o.0 == r).unwrap().1;
        let contact = |k: &str| contacts.iter().find(|c| c.0 == k).unwrap().1;
        let mut regs = vec![];
        for (o, c) in [(org("A"), contact("anna")), (org("B"), contact("bo")), (org("G"), contact("gert"))] {
            let (s, r) = post(app, &am, &format!("/events/{id}/registrations"), json!({"organisation_id": o, "contact_id": c})).await;
            assert_eq!(s, StatusCode::CREATED, "{r}");
            regs.push(r);
        }
        // The event is held; Alpha and Beta come, Gamma does not.
        let (s, v) = patch(app, &am, &format!("/events/{id}"), json!({"starts_at": at(-3), "ends_at": at(-1), "version": e["version"]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        for (r, attendance) in regs.iter().zip(["attended", "attended", "no_show"]) {
            let (s, v) = patch(app, &am, &format!("/event-registrations/{}", r["id"]), json!({"attendance": attendance, "version": r["version"]})).await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }

        // Anna and Bo (Britt has no consent) at Alpha and Beta.
        let seg = segment(app, &am, json!({"purpose": "news", "attended_event": id})).await;
        let (_, p) = app.api(&am).get(&format!("/segments/{seg}/preview")).await;
        assert_eq!(p, json!({"contacts": 2, "organisations": 2}));
        let (_, v) = app.api(&am).get(&format!("/segments/{seg}")).await;
        assert_eq!(v["filter"]["attended_event"].as_i64(), Some(id), "{v}");
        // With another criterion too: for invitations, Gert is out anyway; Anna and Bo stay.
        let seg2 = segment(app, &am, json!({"purpose": "invitations", "attended_event": id, "q": "Alpha"})).await;
        assert_eq!(app.api(&am).get(&format!("/segments/{seg2}/preview")).await.1, json!({"contacts": 1, "organisations": 1}));

        // An unknown event, or another district's, is refused, named.
        let south = app.token("south@test.example").await;
        let elsewhere = new_event(app, &south, "In the south", 5).await;
        for bad in [json!(999_999), elsewhere["id"].clone()] {
            let (s, v) = post(app, &am, "/segments", json!({"name": "Bad", "filter": {"purpose": "news", "attended_event": bad}})).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert!(v["error"]["fields"]["filter.attended_event"].is_string(), "{v}");
        }

        // The segment form offers the district's past events and shows the criterion.
        let staff = app.signed_in("am@test.example").await;
        let page = staff.get("/segments/new").await;
        assert!(page.body.contains(&format!("<option value=\"{id}\"")), "{}", page.body);
        assert!(!page.body.contains("In the south"), "another district's event is not offered");
        let page = staff.post("/segments", &[("name", "Came to the network meeting"), ("purpose", "news"), ("attended_event", &id.to_string())]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let page = staff.get(page.headers["location"].to_str().unwrap()).await;
        assert!(page.body.contains("Attended event") && page.body.contains("Network meeting"), "{}", page.body);
        let page = staff.post("/segments", &[("name", "Bad"), ("purpose", "news"), ("attended_event", "nope")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert!(page.body.contains("href=\"#attended_event\""), "the error summary links the field: {}", page.body);
    }
}
