//! Mailings end to end against a real SMTP server on loopback: a segment's reach, consent,
//! one recipient per company group, merge fields escaped in the HTML part, the unsubscribe
//! link in the received mail, bouncing on a 5xx, retries after a 4xx, the frequency cap and
//! its audited override, the contact log, and who may do what.

use crate::both;
use crate::smtp_sink::Received;
use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

/// The employers and their contacts (all in north):
/// - the group "Nordic Group" with its primary contact Grete, and its companies "Nordic
///   Foods" (Carl) and "Nordic Retail" (Cecilie, no consent);
/// - "Smith & <b>Sons</b>" on its own, with Sofie and Sam (consent, but no e-mail).
struct World {
    orgs: BTreeMap<&'static str, i64>,
    contacts: BTreeMap<&'static str, i64>,
}

async fn setup(app: &TestApp) -> World {
    app.seed().await;
    let am = app.token("am@test.example").await;
    let mut orgs = BTreeMap::new();
    for (key, body) in [
        ("group", json!({"ref": "G", "name": "Nordic Group", "level": "group"})),
        ("foods", json!({"ref": "F", "name": "Nordic Foods", "level": "company", "parent_ref": "G"})),
        ("retail", json!({"ref": "R", "name": "Nordic Retail", "level": "company", "parent_ref": "G"})),
        (
            "smith",
            json!({"ref": "S", "name": "Smith & <b>Sons</b>", "level": "company", "sector": "47", "account_manager_email": "am@test.example"}),
        ),
    ] {
        let (s, v) = post(app, &am, "/organisations", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        orgs.insert(key, v["id"].as_i64().unwrap());
    }
    let mut contacts = BTreeMap::new();
    for (key, org, name, email, consent, primary) in [
        ("grete", "G", "Grete Group", Some("grete@nordic.test"), true, true),
        ("carl", "F", "Carl Foods", Some("carl@foods.test"), true, false),
        ("cecilie", "R", "Cecilie Retail", Some("cecilie@retail.test"), false, true),
        ("sofie", "S", "Sofie Smith", Some("sofie@smith.test"), true, true),
        ("sam", "S", "Sam Smith", None, true, false),
    ] {
        let (s, v) = post(
            app,
            &am,
            "/contacts",
            json!({"organisation_ref": org, "name": name, "email": email, "consent": consent, "is_primary": primary}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        contacts.insert(key, v["id"].as_i64().unwrap());
    }
    World { orgs, contacts }
}

async fn segment(app: &TestApp, token: &str, filter: Value) -> i64 {
    let (s, v) = post(app, token, "/segments", json!({"name": "All partners", "filter": filter})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

async fn mailing(app: &TestApp, token: &str, segment_id: i64, one_per_group: bool) -> i64 {
    let (s, v) = post(
        app,
        token,
        "/mailings",
        json!({"segment_id": segment_id, "subject": "News for {{company_name}}", "lang": "en", "one_per_group": one_per_group,
               "body": "Dear {{contact_name}},\n\n{{company_name}} is invited.\n\nRegards, {{account_manager}}"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

/// Sends the mailing and waits until the outbox has nothing left queued for it.
async fn send(app: &TestApp, token: &str, id: i64, body: Value) -> Value {
    let (s, v) = post(app, token, &format!("/mailings/{id}/send"), body).await;
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

fn to(messages: &[Received]) -> Vec<String> {
    let mut out: Vec<String> = messages.iter().flat_map(|m| m.to.clone()).collect();
    out.sort();
    out
}

fn skipped(v: &Value) -> BTreeMap<i64, String> {
    v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["contact_id"].as_i64().unwrap(), s["reason"].as_str().unwrap().to_owned()))
        .collect()
}

both! {
    async fn a_mailing_reaches_the_consenting_once_each(app, sink) {
        let w = setup(app).await;
        let am = app.token("am@test.example").await;
        let seg = segment(app, &am, json!({"purpose": "news"})).await;
        let (s, p) = app.api(&am).get(&format!("/segments/{seg}/preview")).await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(p, json!({"contacts": 3, "organisations": 3}));
        // A filter of the organisation list narrows it: sector 47 is Smith's alone.
        let narrow = segment(app, &am, json!({"purpose": "news", "sector": "47"})).await;
        assert_eq!(app.api(&am).get(&format!("/segments/{narrow}/preview")).await.1, json!({"contacts": 1, "organisations": 1}));

        // A merge field that does not exist is refused, named.
        let (s, v) = post(app, &am, "/mailings", json!({"segment_id": seg, "subject": "Hi", "body": "Dear {{first_name}}", "lang": "en"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["body"].as_str().unwrap().contains("{{first_name}}"), "{v}");

        let id = mailing(app, &am, seg, false).await;
        let v = send(app, &am, id, json!({})).await;
        let got = sink.wait_for(3, 10).await;
        assert_eq!(to(&got), ["carl@foods.test", "grete@nordic.test", "sofie@smith.test"]);
        let ids: BTreeSet<String> = got.iter().map(|m| m.header("Message-ID").unwrap()).collect();
        assert_eq!(ids.len(), 3, "one Message-ID per message");
        assert_eq!((v["recipients"].as_u64(), v["sent"].as_u64(), v["failed"].as_u64()), (Some(5), Some(3), Some(0)), "{v}");
        assert_eq!(skipped(&v), BTreeMap::from([(w.contacts["cecilie"], "no_consent".into()), (w.contacts["sam"], "no_email".into())]));

        // The merge values are in both parts; markup from a merge field is escaped in the HTML.
        let smith = got.iter().find(|m| m.to == ["sofie@smith.test"]).unwrap();
        let text = smith.part("text/plain").unwrap();
        assert!(text.contains("Dear Sofie Smith,") && text.contains("Smith & <b>Sons</b> is invited."), "{text}");
        assert!(text.contains("Regards, Name of am@test.example"), "{text}");
        let html = smith.part("text/html").unwrap();
        assert!(html.contains("Smith &amp; &lt;b&gt;Sons&lt;/b&gt; is invited."), "{html}");
        assert!(!html.contains("<b>Sons"), "{html}");
        assert_eq!(smith.header("Subject").as_deref(), Some("News for Smith & <b>Sons</b>"));
        assert_eq!(smith.from, "partners@jobcentre.test");

        // Each message is in its organisation's contact log.
        let (_, log) = app.api(&am).get(&format!("/interactions?organisation_id={}", w.orgs["smith"])).await;
        assert_eq!(log["total"], 1, "{log}");
        assert_eq!(log["items"][0]["kind"], "email");
        assert_eq!(log["items"][0]["people"], "sofie@smith.test");

        // A second send of the same mailing is refused; nothing more leaves.
        let (s, _) = post(app, &am, &format!("/mailings/{id}/send"), json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        // One recipient per company group: the group's primary contact, and Smith's.
        let before = sink.received().len();
        let id2 = mailing(app, &am, seg, true).await;
        let v2 = send(app, &am, id2, json!({})).await;
        let got = sink.wait_for(before + 2, 10).await;
        assert_eq!(to(&got[before..]), ["grete@nordic.test", "sofie@smith.test"]);
        assert_eq!(v2["sent"], 2, "{v2}");

        // The unsubscribe link in the received mail works without signing in, at once.
        let link = smith.header("List-Unsubscribe").unwrap();
        let link = link.trim_start_matches('<').trim_end_matches('>');
        assert!(text.contains(link), "the text part carries the link too");
        // Opening it asks first (a mail scanner that fetches every link withdraws nothing);
        // the button withdraws the consent.
        let path = link.strip_prefix(app.url.as_str()).expect(link);
        let reader = app.browser();
        let page = reader.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("stop receiving news"), "{}", page.body);
        assert_eq!(app.api(&am).get(&format!("/segments/{seg}/preview")).await.1["contacts"], 3, "nothing withdrawn yet");
        let page = reader.post(path, &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("no more news"), "{}", page.body);
        // A forged link does nothing.
        let forged = format!("{}/unsubscribe/{}-news-{}", app.url, w.contacts["grete"], "0".repeat(32));
        assert_eq!(reqwest::get(&forged).await.unwrap().status(), StatusCode::NOT_FOUND);

        let before = sink.received().len();
        let id3 = mailing(app, &am, seg, false).await;
        let v3 = send(app, &am, id3, json!({})).await;
        let got = sink.wait_for(before + 2, 10).await;
        assert_eq!(to(&got[before..]), ["carl@foods.test", "grete@nordic.test"]);
        assert_eq!(skipped(&v3).get(&w.contacts["sofie"]).map(String::as_str), Some("no_consent"));
        assert_eq!(app.api(&am).get(&format!("/segments/{seg}/preview")).await.1, json!({"contacts": 2, "organisations": 2}));
    }

    async fn bounces_retries_and_the_cap(app, sink) {
        let w = setup(app).await;
        let am = app.token("am@test.example").await;
        let seg = segment(app, &am, json!({"purpose": "news"})).await;
        sink.reject("carl@foods.test");
        sink.defer("grete@nordic.test", 2);
        let id = mailing(app, &am, seg, false).await;
        let v = send(app, &am, id, json!({})).await;
        assert_eq!((v["sent"].as_u64(), v["failed"].as_u64()), (Some(2), Some(1)), "{v}");
        assert_eq!(sink.deferred(), 2, "the 4xx answers were given");
        assert_eq!(to(&sink.received()), ["grete@nordic.test", "sofie@smith.test"], "retried, then delivered once");

        // The 5xx marked Carl's address bouncing: the next mailing skips him.
        let actor = app.actor("am@test.example").await;
        let mail = accord_app::mailings::contact_mail(&app.app, &actor, w.contacts["carl"]).await.unwrap();
        assert!(mail.bouncing && mail.bounces[0].reason.contains("550"), "{mail:?}");
        let id2 = mailing(app, &am, seg, false).await;
        let v2 = send(app, &am, id2, json!({})).await;
        assert_eq!(skipped(&v2).get(&w.contacts["carl"]).map(String::as_str), Some("bouncing"));
        // A person clears it; mail goes to him again (and the clearing is audited).
        sink.accept("carl@foods.test");
        let mail = accord_app::mailings::clear_bouncing(&app.app, &actor, w.contacts["carl"]).await.unwrap();
        assert!(!mail.bouncing && mail.bounces[0].cleared_by.as_deref() == Some("am@test.example"));

        // The cap: one mailing in 30 days. Grete and Sofie have had two, Carl none: they are
        // skipped, he is sent it…
        let manager = app.actor("manager@test.example").await;
        accord_app::mailings::set_cap(&app.app, &manager, Some("north"), "1", "30").await.unwrap();
        assert!(accord_app::mailings::set_cap(&app.app, &actor, Some("north"), "9", "30").await.is_err(), "an account manager may not");
        let e = accord_app::mailings::set_cap(&app.app, &manager, Some("north"), "0", "x").await.unwrap_err();
        assert!(matches!(&e, accord_app::AppError::Invalid(f) if f.0.len() == 2), "{e:?}");
        let before = sink.received().len();
        let id3 = mailing(app, &am, seg, false).await;
        let v3 = send(app, &am, id3, json!({})).await;
        assert_eq!(v3["sent"], 1, "{v3}");
        assert_eq!(skipped(&v3).get(&w.contacts["grete"]).map(String::as_str), Some("cap"));
        assert_eq!(skipped(&v3).get(&w.contacts["sofie"]).map(String::as_str), Some("cap"));
        assert_eq!(to(&sink.received()[before..]), ["carl@foods.test"]);
        let before = sink.received().len();
        // …unless a member of staff overrides it for one mailing, with a reason, audited.
        let id4 = mailing(app, &am, seg, false).await;
        let v4 = send(app, &am, id4, json!({"cap_override": "The fair was moved: everyone must know"})).await;
        assert_eq!(v4["sent"], 3, "{v4}");
        assert_eq!(v4["cap_override"], "The fair was moved: everyone must know");
        assert_eq!(sink.received().len(), before + 3);
        let admin = app.token("admin@test.example").await;
        let (_, audit) = app.api(&admin).get(&format!("/audit?entity=mailing&entity_id={id4}")).await;
        assert!(audit.to_string().contains("The fair was moved"), "{audit}");
    }

    async fn who_may_do_what_with_mailings(app, sink) {
        setup(app).await;
        let am = app.token("am@test.example").await;
        let seg = segment(app, &am, json!({"purpose": "invitations"})).await;
        let id = mailing(app, &am, seg, false).await;
        // The committee reads, and sends nothing.
        let committee = app.token("committee@test.example").await;
        assert_eq!(app.api(&committee).get(&format!("/mailings/{id}")).await.0, StatusCode::OK);
        assert_eq!(post(app, &committee, &format!("/mailings/{id}/send"), json!({})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(post(app, &committee, "/segments", json!({"name": "x", "filter": {"purpose": "news"}})).await.0, StatusCode::FORBIDDEN);
        // Another district sees nothing.
        let south = app.token("south@test.example").await;
        assert_eq!(app.api(&south).get(&format!("/mailings/{id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.api(&south).get(&format!("/segments/{seg}/preview")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.api(&south).get("/mailings").await.1["total"], 0);
        // A bad filter is refused naming the field.
        let (s, v) = post(app, &am, "/segments", json!({"name": "x", "filter": {"purpose": "spam", "agreement_kind": "vip"}})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["filter.purpose"].is_string() && v["error"]["fields"]["filter.agreement_kind"].is_string(), "{v}");
        // A test send goes to the sender alone.
        let (s, v) = post(app, &am, &format!("/mailings/{id}/test"), json!({})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let got = sink.wait_for(1, 10).await;
        assert_eq!(to(&got), ["am@test.example"]);
        assert!(got[0].header("Subject").unwrap().contains("[TEST]"));
        assert_eq!(app.api(&am).get(&format!("/mailings/{id}")).await.1["status"], "draft");
    }
}

both! {
    async fn mailings_in_the_browser(app, sink) {
        let w = setup(app).await;
        let b = app.signed_in("am@test.example").await;
        let p = b.get("/mailings").await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("href=\"/mailings\"") && p.body.contains("New mailing"), "the navigation and the list");

        // A segment from the form, with its reach shown before anything is sent.
        let p = b.post("/segments", &[("name", "Retail"), ("purpose", "nope")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("is not a purpose of consent"), "{}", p.body);
        let p = b.post("/segments", &[("name", "Everyone"), ("purpose", "news")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let seg = p.headers["location"].to_str().unwrap().to_owned();
        let p = b.get(&seg).await;
        assert!(p.body.contains("<strong>3</strong> contacts at <strong>3</strong>"), "{}", p.body);
        let seg_id = seg.rsplit('/').next().unwrap();

        // Compose: an unknown merge field is named; then the preview per recipient.
        let p = b.post("/mailings", &[("segment_id", seg_id), ("lang", "da"), ("subject", "Hej"), ("body", "Kære {{navn}}")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("{{navn}} is not a merge field"), "{}", p.body);
        let p = b
            .post("/mailings", &[("segment_id", seg_id), ("lang", "da"), ("subject", "Hej {{company_name}}"), ("body", "Kære {{contact_name}}"), ("one_per_group", "1")])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let mailing = p.headers["location"].to_str().unwrap().to_owned();
        let p = b.get(&mailing).await;
        assert!(p.body.contains("Kære Sofie Smith") && p.body.contains("Hej Smith &#38; &#60;b&#62;Sons&#60;/b&#62;"), "{}", p.body);
        assert!(!p.body.contains("Kære Carl Foods"), "one per group: the group's primary contact, not Carl");

        // A test to oneself, then the mailing.
        assert_eq!(b.post(&format!("{mailing}/test"), &[]).await.status, StatusCode::SEE_OTHER);
        assert_eq!(sink.wait_for(1, 10).await[0].to, ["am@test.example"]);
        assert_eq!(b.post(&format!("{mailing}/send"), &[("cap_override", "")]).await.status, StatusCode::SEE_OTHER);
        let got = sink.wait_for(3, 10).await;
        assert_eq!(to(&got[1..]), ["grete@nordic.test", "sofie@smith.test"]);
        let danish = got.iter().find(|m| m.to == ["sofie@smith.test"]).unwrap();
        assert!(danish.part("text/plain").unwrap().contains("Afmeld") || danish.part("text/html").unwrap().contains("Afmeld"));
        let p = b.get(&mailing).await;
        // One per group chose only contacts it could reach: nothing is skipped, two were sent.
        assert!(p.body.contains("What became of it") && p.body.contains("<dd>2</dd>"), "the outcome is shown: {}", p.body);

        // Consent on the contact's page: withdrawn, with its history; the cap page.
        let grete = w.contacts["grete"];
        let p = b.post(&format!("/contacts/{grete}/consent"), &[("purpose", "surveys"), ("given", "no")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let p = b.get(&format!("/contacts/{grete}/mail")).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("Record consent to surveys") && p.body.contains("entered by staff"), "{}", p.body);
        let p = b.get("/mailings/cap").await;
        assert!(p.body.contains("<dd>4</dd>") && p.body.contains("<dd>30</dd>"), "an account manager reads the cap: {}", p.body);
        let m = app.signed_in("manager@test.example").await;
        let p = m.post("/mailings/cap", &[("district", "north"), ("max_mailings", "500"), ("days", "30")]).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.body.contains("is not a number of mailings from 1 to 100"), "{}", p.body);
        assert_eq!(m.post("/mailings/cap", &[("district", "north"), ("max_mailings", "2"), ("days", "14")]).await.status, StatusCode::SEE_OTHER);

        // In Danish.
        b.get("/language/da?next=/mailings").await;
        let p = b.get("/mailings").await;
        assert!(p.body.contains("Udsendelser") && p.body.contains("Ny udsendelse"));
    }
}
