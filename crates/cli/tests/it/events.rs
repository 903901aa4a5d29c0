//! Events for employers: keeping an event under its rules, registrations with a waiting list
//! that moves up, attendance, the last seat under concurrent registrations, the invitation
//! link's page without signing in (tampered and expired links), the calendar files parsed
//! as RFC 5545, who may do what, and the audit entries.

use crate::both;
use crate::support::{TestApp, scalar};
use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

async fn patch(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::PATCH, path, body).await
}

fn at(days: i64) -> String {
    at_hours(days * 24)
}

fn at_hours(hours: i64) -> String {
    (Utc::now() + Duration::hours(hours)).format("%Y-%m-%dT%H:%M").to_string()
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

/// Four employers in north, each with one contact, and one in south: (organisation, contact).
async fn setup(app: &TestApp) -> Vec<(i64, i64)> {
    app.seed().await;
    let mut out = vec![];
    for (email, r, name) in [
        ("am@test.example", "ORG1", "Jensen Tømrerfirma ApS"),
        ("am@test.example", "ORG2", "Second Employer A/S"),
        ("am@test.example", "ORG3", "Third Employer A/S"),
        ("am@test.example", "ORG4", "Fourth Employer A/S"),
        ("south@test.example", "SOUTH1", "Southern Employer A/S"),
    ] {
        let token = app.token(email).await;
        let (s, o) = post(app, &token, "/organisations", json!({"ref": r, "name": name})).await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let (s, c) =
            post(app, &token, "/contacts", json!({"organisation_ref": r, "name": format!("Contact at {r}")})).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        out.push((o["id"].as_i64().unwrap(), c["id"].as_i64().unwrap()));
    }
    out
}

async fn new_event(app: &TestApp, token: &str, capacity: Option<i64>) -> Value {
    let (s, e) = post(
        app,
        token,
        "/events",
        json!({
            "kind": "dialogue_meeting", "title": "Dialogue meeting on apprentices", "theme": "Apprentices",
            "starts_at": at(10), "ends_at": at_hours(10 * 24 + 2),
            "place": "Jobcenter Slagelse", "capacity": capacity.map(|c| c.to_string()),
            "agenda": "1. Welcome\n2. Apprentices"
        }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    e
}

/// The path of an invitation link (the tests' public address is not the test server's).
fn link_path(url: &str) -> String {
    let i = url.find("/events/register/").expect(url);
    url[i..].to_owned()
}

both! {
    async fn events_and_their_registrations_over_the_api(app) {
        let orgs = setup(app).await;
        let am = app.token("am@test.example").await;
        let api = app.api(&am);

        // Bad input names the field: a new event in the past, an end before the start, an
        // unknown kind, no title, a capacity of nothing, a link that is not one.
        for (body, field) in [
            (json!({"kind": "dialogue_meeting", "title": "Past", "starts_at": at(-1), "ends_at": at(1)}), "starts_at"),
            (json!({"kind": "dialogue_meeting", "title": "Back", "starts_at": at(3), "ends_at": at(2)}), "ends_at"),
            (json!({"kind": "party", "title": "Party", "starts_at": at(3), "ends_at": at(4)}), "kind"),
            (json!({"kind": "job_fair", "starts_at": at(3), "ends_at": at(4)}), "title"),
            (json!({"kind": "job_fair", "title": "T", "starts_at": "next week", "ends_at": at(4)}), "starts_at"),
            (json!({"kind": "job_fair", "title": "T", "starts_at": at(3), "ends_at": at(4), "capacity": "0"}), "capacity"),
            (json!({"kind": "job_fair", "title": "T", "starts_at": at(3), "ends_at": at(4), "online_url": "javascript:alert(1)"}), "online_url"),
            (json!({"kind": "job_fair", "title": "T", "starts_at": at(3), "ends_at": at(4), "hosts": "NOPE"}), "hosts"),
        ] {
            let (s, v) = post(app, &am, "/events", body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{body}: {v}");
        }
        assert_eq!(scalar(&app.db.conn, "SELECT COUNT(*) FROM events").await, Some(0), "nothing half-written");

        let e = new_event(app, &am, Some(2)).await;
        let id = e["id"].as_i64().unwrap();
        assert_eq!((e["kind"].as_str(), e["capacity"].as_i64(), e["version"].as_i64()), (Some("dialogue_meeting"), Some(2), Some(1)));
        assert_eq!((e["registered"].as_i64(), e["waiting"].as_i64(), e["invited"].as_i64()), (Some(0), Some(0), Some(0)));

        // Registrations: two seats, then the waiting list in order.
        let (o1, c1) = orgs[0];
        let (s, r1) = post(app, &am, &format!("/events/{id}/registrations"), json!({"organisation_id": o1, "contact_id": c1})).await;
        assert_eq!(s, StatusCode::CREATED, "{r1}");
        assert_eq!((r1["status"].as_str(), r1["attendee"].as_str()), (Some("registered"), Some("Contact at ORG1")));
        let (s, r2) = post(app, &am, &format!("/events/{id}/registrations"), json!({"organisation": "ORG2", "name": "Pia Holm"})).await;
        assert_eq!(s, StatusCode::CREATED, "{r2}");
        assert_eq!((r2["status"].as_str(), r2["attendee"].as_str()), (Some("registered"), Some("Pia Holm")));
        let (_, r3) = post(app, &am, &format!("/events/{id}/registrations"), json!({"organisation": "ORG3", "name": "A"})).await;
        let (_, r4) = post(app, &am, &format!("/events/{id}/registrations"), json!({"organisation": "ORG4", "name": "B"})).await;
        assert_eq!((r3["status"].as_str(), r3["position"].as_i64()), (Some("waiting"), Some(1)), "{r3}");
        assert_eq!((r4["status"].as_str(), r4["position"].as_i64()), (Some("waiting"), Some(2)), "{r4}");

        // A company registers once; the organisation must be of the event's district; who
        // comes must be given, and a contact must be the organisation's.
        for (body, field) in [
            (json!({"organisation": "ORG1", "name": "Again"}), "organisation"),
            (json!({"organisation": "SOUTH1", "name": "X"}), "organisation"),
            (json!({"organisation_id": orgs[4].0, "name": "X"}), "organisation_id"),
            (json!({"name": "X"}), "organisation"),
            (json!({"organisation": "ORG1"}), "name"),
            (json!({"organisation": "ORG2", "contact_id": c1}), "contact_id"),
        ] {
            let (s, v) = post(app, &am, &format!("/events/{id}/registrations"), body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{body}: {v}");
        }

        let (_, list) = api.get(&format!("/events/{id}/registrations")).await;
        let regs: Vec<i64> = [&r1, &r2, &r3, &r4].iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert_eq!(ids(&list), regs);
        let (_, e) = api.get(&format!("/events/{id}")).await;
        assert_eq!((e["registered"].as_i64(), e["waiting"].as_i64()), (Some(2), Some(2)));

        // A capacity below the companies seated is refused naming the field; a stale version
        // is a conflict.
        let (s, v) = patch(app, &am, &format!("/events/{id}"), json!({"capacity": "1", "version": 1})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["capacity"].as_str().unwrap().contains('2'), "{v}");
        let (s, v) = patch(app, &am, &format!("/events/{id}"), json!({"title": "Renamed", "version": 1})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["title"].as_str(), v["version"].as_i64(), v["capacity"].as_i64()), (Some("Renamed"), Some(2), Some(2)));
        let (s, v) = patch(app, &am, &format!("/events/{id}"), json!({"title": "Stale", "version": 1})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");

        // A cancellation gives the seat to the company that waited longest, at once.
        let r1id = regs[0];
        let (s, v) = patch(app, &am, &format!("/event-registrations/{r1id}"), json!({"status": "cancelled", "version": 1})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "cancelled");
        let (_, r3) = api.get(&format!("/event-registrations/{}", regs[2])).await;
        let (_, r4) = api.get(&format!("/event-registrations/{}", regs[3])).await;
        assert_eq!((r3["status"].as_str(), r3["position"].as_i64()), (Some("registered"), None), "{r3}");
        assert_eq!((r4["status"].as_str(), r4["position"].as_i64()), (Some("waiting"), Some(1)), "{r4}");
        // A higher capacity seats the rest of the waiting list.
        let (s, v) = patch(app, &am, &format!("/events/{id}"), json!({"capacity": "5", "version": 2})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["registered"].as_i64(), v["waiting"].as_i64()), (Some(3), Some(0)));
        let (s, v) = patch(app, &am, &format!("/event-registrations/{r1id}"), json!({"status": "cancelled", "version": 2})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["status"].is_string(), "{v}");

        // Attendance: not before the event begins; then attended or no-show.
        let (_, r2) = api.get(&format!("/event-registrations/{}", regs[1])).await;
        let (s, v) = patch(app, &am, &format!("/event-registrations/{}", regs[1]), json!({"attendance": "attended", "version": r2["version"]})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["attendance"].is_string(), "{v}");
        let (s, v) = patch(app, &am, &format!("/events/{id}"), json!({"starts_at": at(-2), "ends_at": at(-1), "version": 3})).await;
        assert_eq!(s, StatusCode::OK, "an existing event may be moved into the past: {v}");
        let (s, v) = patch(app, &am, &format!("/event-registrations/{}", regs[1]), json!({"attendance": "attended", "version": r2["version"]})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["attendance"], "attended");
        let (s, v) = patch(app, &am, &format!("/event-registrations/{}", regs[2]), json!({"attendance": "no_show", "version": 2})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = patch(app, &am, &format!("/event-registrations/{}", regs[3]), json!({"attendance": "late", "version": 2})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (_, e) = api.get(&format!("/events/{id}")).await;
        assert_eq!((e["registered"].as_i64(), e["attended"].as_i64()), (Some(3), Some(1)));
        // An event that is over takes no registration.
        let (s, v) = post(app, &am, &format!("/events/{id}/registrations"), json!({"organisation": "ORG1", "name": "Late"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        // The list: filters and paging in the database.
        let e2 = new_event(app, &am, None).await;
        let (s, v) = post(app, &am, &format!("/events/{}/cancel", e2["id"]), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert!(v["cancelled_at"].is_string());
        let (s, v) = post(app, &am, &format!("/events/{}/cancel", e2["id"]), json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let e2 = e2["id"].as_i64().unwrap();
        let today = Utc::now().date_naive();
        for (query, want) in [
            ("".to_owned(), vec![e2, id]),
            ("when=upcoming".to_owned(), vec![e2]),
            ("when=past".to_owned(), vec![id]),
            ("kind=dialogue_meeting".to_owned(), vec![e2, id]),
            ("kind=job_fair".to_owned(), vec![]),
            (format!("from={today}"), vec![e2]),
            (format!("to={today}"), vec![id]),
            ("district=north".to_owned(), vec![e2, id]),
            ("per_page=1&page=2".to_owned(), vec![id]),
        ] {
            let (s, v) = api.get(&format!("/events?{query}")).await;
            assert_eq!(s, StatusCode::OK, "{query}: {v}");
            assert_eq!(ids(&v), want, "{query}");
        }
        // A value not of the parameter's declared form is a bad request, named.
        for (query, field) in [("kind=party", "kind"), ("when=soon", "when"), ("from=yesterday", "from")] {
            let (s, v) = api.get(&format!("/events?{query}")).await;
            assert_eq!(s, StatusCode::BAD_REQUEST, "{query}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{query}: {v}");
        }

        // Who may do what: the committee reads, writes nothing; another district sees nothing;
        // partners nothing at all.
        let committee = app.token("committee@test.example").await;
        assert_eq!(app.api(&committee).get(&format!("/events/{id}")).await.0, StatusCode::OK);
        assert_eq!(app.api(&committee).get(&format!("/events/{id}/registrations")).await.0, StatusCode::OK);
        assert_eq!(post(app, &committee, "/events", json!({})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(patch(app, &committee, &format!("/event-registrations/{}", regs[1]), json!({"status": "cancelled", "version": 3})).await.0, StatusCode::FORBIDDEN);
        let south = app.token("south@test.example").await;
        assert_eq!(app.api(&south).get(&format!("/events/{id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.api(&south).get(&format!("/event-registrations/{}", regs[1])).await.0, StatusCode::NOT_FOUND);
        assert_eq!(patch(app, &south, &format!("/events/{id}"), json!({"title": "Mine", "version": 3})).await.0, StatusCode::NOT_FOUND);
        let (_, v) = app.api(&south).get("/events").await;
        assert_eq!(v["total"].as_u64(), Some(0));
        let partner = app.token("partner@test.example").await;
        assert_eq!(app.api(&partner).get("/events").await.0, StatusCode::FORBIDDEN);
        let adviser = app.token("adviser@test.example").await;
        assert_eq!(post(app, &adviser, &format!("/events/{e2}/registrations"), json!({"organisation": "ORG1", "name": "X"})).await.0, StatusCode::UNPROCESSABLE_ENTITY, "an adviser may register, not for a cancelled event");

        // Everything is audited.
        let audited = |entity: &str, action: &str| format!("SELECT COUNT(*) FROM audit_log WHERE entity = '{entity}' AND action = '{action}'");
        assert_eq!(scalar(&app.db.conn, &audited("event", "create")).await, Some(2));
        assert_eq!(scalar(&app.db.conn, &audited("event", "update")).await, Some(3));
        assert_eq!(scalar(&app.db.conn, &audited("event", "cancel")).await, Some(1));
        assert_eq!(scalar(&app.db.conn, &audited("event_registration", "register")).await, Some(4));
        assert_eq!(scalar(&app.db.conn, &audited("event_registration", "cancel")).await, Some(1));
        assert_eq!(scalar(&app.db.conn, &audited("event_registration", "move_up")).await, Some(2));
        assert_eq!(scalar(&app.db.conn, &audited("event_registration", "attendance")).await, Some(2));
    }

    async fn the_last_seat_goes_to_one_company_only(app) {
        app.seed().await;
        let am = app.token("am@test.example").await;
        let mut orgs = vec![];
        for i in 0..8 {
            let (s, o) = post(app, &am, "/organisations", json!({"ref": format!("C{i}"), "name": format!("Company {i}")})).await;
            assert_eq!(s, StatusCode::CREATED, "{o}");
            orgs.push(o["id"].as_i64().unwrap());
        }
        let e = new_event(app, &am, Some(1)).await;
        let id = e["id"].as_i64().unwrap();
        let tasks: Vec<_> = orgs
            .iter()
            .map(|o| {
                let api = app.api(&am);
                let o = *o;
                tokio::spawn(async move {
                    api.send(Method::POST, &format!("/events/{id}/registrations"), json!({"organisation_id": o, "name": "Someone"})).await
                })
            })
            .collect();
        let mut statuses = vec![];
        for t in tasks {
            let (s, v) = t.await.unwrap();
            assert_eq!(s, StatusCode::CREATED, "{v}");
            statuses.push(v["status"].as_str().unwrap().to_owned());
        }
        assert_eq!(statuses.iter().filter(|s| *s == "registered").count(), 1, "{statuses:?}");
        let (_, list) = app.api(&am).get(&format!("/events/{id}/registrations")).await;
        let mut positions: Vec<i64> = list["items"].as_array().unwrap().iter().filter_map(|r| r["position"].as_i64()).collect();
        positions.sort_unstable();
        assert_eq!(positions, (1..=7).collect::<Vec<_>>());
    }

    async fn a_company_registers_itself_through_its_invitation_link(app) {
        let orgs = setup(app).await;
        let am = app.token("am@test.example").await;
        let e = new_event(app, &am, Some(1)).await;
        let id = e["id"].as_i64().unwrap();
        let (s, l1) = post(app, &am, &format!("/events/{id}/invitations/{}", orgs[0].1), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{l1}");
        let (_, l2) = post(app, &am, &format!("/events/{id}/invitations/{}", orgs[1].1), json!({})).await;
        let (l1, l2) = (link_path(l1["url"].as_str().unwrap()), link_path(l2["url"].as_str().unwrap()));
        assert!(l1.starts_with("/events/register/"), "{l1}");
        // A contact of another district, or an unknown one, gets no link.
        let (s, v) = post(app, &am, &format!("/events/{id}/invitations/{}", orgs[4].1), json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let committee = app.token("committee@test.example").await;
        assert_eq!(post(app, &committee, &format!("/events/{id}/invitations/{}", orgs[0].1), json!({})).await.0, StatusCode::FORBIDDEN);
        let (_, v) = app.api(&am).get(&format!("/events/{id}")).await;
        assert_eq!(v["invited"].as_i64(), Some(2), "issuing is recorded, once per contact");
        post(app, &am, &format!("/events/{id}/invitations/{}", orgs[0].1), json!({})).await;
        let (_, v) = app.api(&am).get(&format!("/events/{id}")).await;
        assert_eq!(v["invited"].as_i64(), Some(2));

        // The first company registers without signing in and gets the seat.
        let first = app.browser();
        let page = first.get(&l1).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("Dialogue meeting on apprentices") && page.body.contains("You are not registered."), "{}", page.body);
        let page = first.post(&l1, &[("action", "register")]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("You are registered."), "{}", page.body);
        // Its calendar file.
        let ics = first.get(&format!("{l1}/calendar.ics")).await;
        assert_eq!(ics.status, StatusCode::OK);
        assert!(ics.headers["content-type"].to_str().unwrap().starts_with("text/calendar"));
        let cal = parse_ics(&ics.body);
        assert_eq!(cal.get("SUMMARY"), Some("Dialogue meeting on apprentices"));
        assert_eq!(cal.get("UID"), Some(format!("event-{id}@localhost").as_str()));

        // The second, in Danish by its link, lands on the waiting list.
        let second = app.browser();
        let page = second.get(&format!("{l2}?lang=da")).await;
        assert!(page.body.contains("I er ikke tilmeldt."), "{}", page.body);
        let page = second.post(&format!("{l2}?lang=da"), &[("action", "register")]).await;
        assert!(page.body.contains("I er nummer 1 på ventelisten"), "{}", page.body);
        // The first cancels; the second moves up.
        let page = first.post(&l1, &[("action", "cancel")]).await;
        assert!(page.body.contains("Your registration is cancelled.") && page.body.contains("You are not registered."), "{}", page.body);
        let page = second.get(&l2).await;
        assert!(page.body.contains("You are registered."), "{}", page.body);
        let (_, list) = app.api(&am).get(&format!("/events/{id}/registrations")).await;
        let sources: Vec<(&str, &str)> = list["items"].as_array().unwrap().iter().map(|r| (r["status"].as_str().unwrap(), r["source"].as_str().unwrap())).collect();
        assert_eq!(sources, [("cancelled", "self"), ("registered", "self")]);

        // A tampered link, or one made up, is a clear page, not an error dump.
        let mut tampered = l1.clone();
        let last = tampered.pop().unwrap();
        tampered.push(if last == '0' { '1' } else { '0' });
        let other_contact = l1.replacen(&format!(".{}.", orgs[0].1), &format!(".{}.", orgs[2].1), 1);
        for bad in [tampered, other_contact, "/events/register/garbage".to_owned(), "/events/register/1.2.3.zz".to_owned()] {
            let page = app.browser().get(&bad).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{bad}");
            assert!(page.body.contains("This link is not valid."), "{bad}: {}", page.body);
            let page = first.post(&bad, &[("action", "register")]).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{bad}");
        }
        assert_eq!(scalar(&app.db.conn, &format!("SELECT COUNT(*) FROM event_registrations WHERE event_id = {id}")).await, Some(2));

        // The link expires when the event begins.
        let (s, v) = patch(app, &am, &format!("/events/{id}"), json!({"starts_at": at(-1), "ends_at": at(1), "version": 1})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let page = app.browser().get(&l2).await;
        assert_eq!(page.status, StatusCode::GONE);
        assert!(page.body.contains("This link has expired"), "{}", page.body);
        let page = first.post(&l1, &[("action", "register")]).await;
        assert_eq!(page.status, StatusCode::GONE);
        assert_eq!(scalar(&app.db.conn, &format!("SELECT COUNT(*) FROM event_registrations WHERE event_id = {id}")).await, Some(2));
        assert_eq!(scalar(&app.db.conn, "SELECT COUNT(*) FROM audit_log WHERE entity = 'event_registration' AND actor LIKE 'contact %'").await, Some(4));
    }

    async fn calendar_files_are_valid_rfc_5545(app) {
        app.seed().await;
        let am = app.token("am@test.example").await;
        let agenda = "1. Velkommen; kaffe, te\n2. Lærlinge og praktik \\ spørgsmål\n".repeat(4);
        let (s, e) = post(app, &am, "/events", json!({
            "kind": "job_fair", "title": "Jobmesse, Slagelse; forår", "starts_at": "2099-03-05T08:00:00+01:00",
            "ends_at": "2099-03-05T15:30", "place": "Slagelse Hallen", "online_url": "https://example.dk/messe",
            "agenda": agenda
        })).await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let id = e["id"].as_i64().unwrap();
        let browser = app.signed_in("am@test.example").await;
        let page = browser.get(&format!("/events/{id}/calendar.ics")).await;
        assert_eq!(page.status, StatusCode::OK);
        let cal = parse_ics(&page.body);
        assert_eq!(cal.get("SUMMARY"), Some("Jobmesse, Slagelse; forår"));
        assert_eq!(cal.get("DTSTART"), Some("20990305T070000Z"));
        // A time without an offset is the service's (Copenhagen, an hour ahead of UTC in March);
        // the pages and the form show both in it, the calendar file in UTC.
        assert_eq!(cal.get("DTEND"), Some("20990305T143000Z"));
        let shown = browser.get(&format!("/events/{id}")).await;
        assert!(shown.body.contains("08:00–15:30"), "{}", shown.body);
        let form = browser.get(&format!("/events/{id}/edit")).await;
        assert!(form.body.contains("value=\"2099-03-05T08:00\"") && form.body.contains("value=\"2099-03-05T15:30\""), "{}", form.body);
        let (_, v) = app.api(&am).get(&format!("/events/{id}")).await;
        assert_eq!(v["ends_at"], "2099-03-05T14:30:00Z");
        assert_eq!(cal.get("LOCATION"), Some("Slagelse Hallen (https://example.dk/messe)"));
        assert_eq!(cal.get("DESCRIPTION"), Some(agenda.trim_end()));
        assert_eq!(cal.get("STATUS"), Some("CONFIRMED"));
        assert!(cal.get("DTSTAMP").is_some_and(|d| d.len() == 16 && d.ends_with('Z')));
        let uid = cal.get("UID").unwrap().to_owned();
        // A registration's file has the event's UID.
        let (_, o) = post(app, &am, "/organisations", json!({"ref": "ORG1", "name": "Jensen ApS"})).await;
        let (_, r) = post(app, &am, &format!("/events/{id}/registrations"), json!({"organisation_id": o["id"], "name": "Ole"})).await;
        let page = browser.get(&format!("/event-registrations/{}/calendar.ics", r["id"])).await;
        let reg = parse_ics(&page.body);
        assert_eq!(reg.get("UID"), Some(uid.as_str()));
        assert!(reg.get("DESCRIPTION").unwrap().ends_with("Jensen ApS – Ole"));
        // Another district's member of staff gets nothing.
        let south = app.signed_in("south@test.example").await;
        assert_eq!(south.get(&format!("/events/{id}/calendar.ics")).await.status, StatusCode::NOT_FOUND);
    }

    async fn event_pages_in_the_browser(app) {
        let _ = setup(app).await;
        let b = app.signed_in("am@test.example").await;
        let page = b.get("/").await;
        assert!(page.body.contains("href=\"/events\""), "Events is in the main navigation");
        assert_eq!(b.get("/events/new").await.status, StatusCode::OK);
        // A past start is refused naming the field, nothing stored.
        let page = b.post("/events", &[("kind", "dialogue_meeting"), ("title", "Past"), ("starts_at", &at(-3)), ("ends_at", &at(-2))]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("href=\"#starts_at\"") && page.body.contains("cannot start in the past"), "{}", page.body);
        let page = b.post("/events", &[("kind", "network_meeting"), ("title", "Netværk for HR"), ("starts_at", &at(5)), ("ends_at", &at(6)), ("capacity", "1"), ("hosts", "ORG4")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let loc = page.headers["location"].to_str().unwrap().to_owned();
        let show = b.get(&loc).await;
        assert!(show.body.contains("Netværk for HR") && show.body.contains("Fourth Employer A/S"), "{}", show.body);
        // Registering a company: find it, choose its contact, register; the next one waits.
        let form = b.get(&format!("{loc}/register?organisation=ORG1")).await;
        assert!(form.body.contains("Contact at ORG1"), "{}", form.body);
        let contact = form.body.split("name=\"contact_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let org_id = form.body.split("name=\"organisation_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let page = b.post(&format!("{loc}/registrations"), &[("organisation_id", &org_id), ("organisation", "ORG1"), ("contact_id", &contact)]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        b.get(&format!("{loc}/register?organisation=ORG2")).await;
        let page = b.post(&format!("{loc}/registrations"), &[("organisation", "ORG2"), ("name", "")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "who comes is required");
        let page = b.post(&format!("{loc}/registrations"), &[("organisation", "ORG2"), ("name", "Pia")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        let show = b.get(&loc).await;
        assert!(show.body.contains("Waiting list") && show.body.contains("(no. 1)"), "{}", show.body);
        assert!(show.body.contains("href=\"/organisations/"), "companies link to the directory");
        // The invitation link, issued from the page.
        let page = b.post(&format!("{loc}/invitations"), &[("contact_id", &contact), ("organisation", "ORG1")]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("/events/register/"), "{}", page.body);
        // The organisation page lists the event; the list shows it, in Danish too.
        let org = b.get(&format!("/organisations/{org_id}")).await;
        assert!(org.body.contains("Netværk for HR"), "{}", org.body);
        b.get("/language/da?next=/events").await;
        let list = b.get("/events?when=upcoming").await;
        assert!(list.body.contains("Netværksmøde") && list.body.contains("Netværk for HR"), "{}", list.body);
        // The committee reads the page without its buttons.
        let c = app.signed_in("committee@test.example").await;
        let show = c.get(&loc).await;
        assert_eq!(show.status, StatusCode::OK);
        assert!(!show.body.contains("/register\""), "no registering for the committee");
        assert_eq!(c.get("/events/new").await.status, StatusCode::FORBIDDEN);
    }
}

/// The one VEVENT of a calendar file, checked strictly: CRLF line ends only, lines of at
/// most 75 octets, folded lines unfolded, VCALENDAR around one VEVENT, VERSION 2.0 and a
/// PRODID, each property once, and text values unescaped.
pub struct Calendar(Vec<(String, String)>);

impl Calendar {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

pub fn parse_ics(text: &str) -> Calendar {
    assert!(text.ends_with("\r\n"), "ends with CRLF");
    assert!(!text.replace("\r\n", "").contains(['\r', '\n']), "only CRLF line ends");
    let physical: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
    for l in &physical {
        assert!(l.len() <= 75, "{} octets: {l}", l.len());
    }
    let mut lines: Vec<String> = vec![];
    for l in physical {
        if let Some(rest) = l.strip_prefix(' ') {
            lines.last_mut().expect("a continuation follows a line").push_str(rest);
        } else {
            lines.push(l.to_owned());
        }
    }
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0".to_owned()));
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    let begin = lines.iter().position(|l| l == "BEGIN:VEVENT").expect("a VEVENT");
    let end = lines.iter().position(|l| l == "END:VEVENT").expect("its end");
    assert_eq!(lines.iter().filter(|l| l.starts_with("BEGIN:")).count(), 2);
    let mut props: Vec<(String, String)> = vec![];
    for l in &lines[begin + 1..end] {
        let (name, value) = l.split_once(':').expect("NAME:value");
        assert!(name.chars().all(|c| c.is_ascii_uppercase() || c == '-'), "{name}");
        assert!(!props.iter().any(|(n, _)| n == name), "{name} twice");
        let mut out = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') | Some('N') => out.push('\n'),
                    Some(c @ ('\\' | ';' | ',')) => out.push(c),
                    other => panic!("bad escape \\{other:?} in {l}"),
                },
                ';' | ',' if ["SUMMARY", "DESCRIPTION", "LOCATION"].contains(&name) => panic!("unescaped {c} in {l}"),
                c => out.push(c),
            }
        }
        props.push((name.to_owned(), out));
    }
    for required in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"] {
        assert!(props.iter().any(|(n, _)| n == required), "{required} missing");
    }
    Calendar(props)
}
