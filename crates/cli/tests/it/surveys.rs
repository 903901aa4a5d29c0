//! The satisfaction survey against a real SMTP server on loopback: one mail per company group
//! (a group holding several agreements included), each with its own link; answering through
//! the links without signing in (saved and continued, bad input shown again beside the
//! question with nothing lost); one answer per link and no answer after the survey closed;
//! the results equal the answers given, figure by figure, with "<5" cells; and an anonymous
//! survey whose stored answers no table links to the company or contact.

use crate::both;
use crate::smtp_sink::Received;
use crate::support::{Browser, TestApp, scalar};
use accord_db::sea_orm::{FromQueryResult, JsonValue, Statement};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

/// Creates an organisation (with a parent, if any) and its contact; the contact's id.
async fn company(app: &TestApp, am: &str, r: &str, parent: Option<&str>, contact: (&str, &str, bool)) -> i64 {
    let mut body = json!({"ref": r, "name": format!("Company {r}")});
    if let Some(p) = parent {
        body["parent_ref"] = json!(p);
    }
    let (s, v) = post(app, am, "/organisations", body).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = post(
        app,
        am,
        "/contacts",
        json!({"organisation_ref": r, "name": contact.0, "email": contact.1, "consent": contact.2}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

fn text(en: &str, da: &str) -> Value {
    json!({"en": en, "da": da})
}

/// A survey with: 1 the satisfaction scale (required), 2 one choice of three (optional),
/// 3 yes or no (required), 4 free text (optional), 5 a matrix of two rows (optional).
async fn survey(app: &TestApp, am: &str, anonymous: bool) -> (i64, Vec<i64>) {
    let closes = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().to_string();
    let (s, v) = post(
        app,
        am,
        "/surveys",
        json!({"year": 2026, "name": "Satisfaction 2026", "closes_on": closes, "anonymous": anonymous}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    for q in [
        json!({"kind": "scale", "required": true, "satisfaction": true, "text": text("How satisfied are you?", "Hvor tilfredse er I?"),
               "section": text("Cooperation", "Samarbejdet")}),
        json!({"kind": "single", "text": text("How often do we meet?", "Hvor tit mødes vi?"),
               "options": [text("Monthly", "Månedligt"), text("Yearly", "Årligt"), text("Never", "Aldrig")]}),
        json!({"kind": "yes_no", "required": true, "text": text("Did you hire?", "Ansatte I?")}),
        json!({"kind": "text", "text": text("What could we do better?", "Hvad kan vi gøre bedre?")}),
        json!({"kind": "matrix", "text": text("Rate…", "Bedøm…"), "rows": [text("speed", "hastighed"), text("match", "match")]}),
    ] {
        let (s, v) = post(app, am, &format!("/surveys/{id}/questions"), q).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (_, v) = app.api(am).get(&format!("/surveys/{id}")).await;
    let qs = v["questions"].as_array().unwrap().iter().map(|q| q["id"].as_i64().unwrap()).collect();
    (id, qs)
}

async fn segment(app: &TestApp, am: &str) -> i64 {
    let (s, v) = post(app, am, "/segments", json!({"name": "Everyone", "filter": {"purpose": "news"}})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

/// The answer link in a mail: its path and query.
fn link_in(text: &str) -> String {
    let i = text.find("/surveys/answer/").unwrap_or_else(|| panic!("no answer link in {text}"));
    text[i..].split(|c: char| c.is_whitespace() || c == '"' || c == '<').next().unwrap().to_owned()
}

/// Posts a questionnaire's form through the link, with the CSRF token of the page last seen.
async fn answer(b: &Browser, link: &str, action: &str, fields: &[(String, &str)]) -> crate::support::Page {
    let mut all: Vec<(&str, String)> = vec![("_csrf", b.token()), ("action", action.to_owned())];
    all.extend(fields.iter().map(|(k, v)| (k.as_str(), (*v).to_owned())));
    b.post_raw(link, &all, None).await
}

/// The answers of one company: scale, choice, yes/no, text, matrix rows.
struct Given {
    scale: &'static str,
    choice: Option<&'static str>,
    hired: &'static str,
    text: Option<&'static str>,
    rows: Option<(&'static str, &'static str)>,
}

fn fields(qs: &[i64], g: &Given) -> Vec<(String, &'static str)> {
    let mut f = vec![(format!("q{}", qs[0]), g.scale), (format!("q{}", qs[2]), g.hired)];
    if let Some(c) = g.choice {
        f.push((format!("q{}", qs[1]), c));
    }
    if let Some(t) = g.text {
        f.push((format!("q{}", qs[3]), t));
    }
    if let Some((a, b)) = g.rows {
        f.push((format!("q{}_0", qs[4]), a));
        f.push((format!("q{}_1", qs[4]), b));
    }
    f
}

fn to(messages: &[Received]) -> Vec<String> {
    let mut out: Vec<String> = messages.iter().flat_map(|m| m.to.clone()).collect();
    out.sort();
    out
}

/// Sends the survey and waits for `n` mails at the sink.
async fn send(app: &TestApp, am: &str, sink: &crate::smtp_sink::Sink, id: i64, seg: i64, n: usize) -> Vec<Received> {
    let (s, v) = post(app, am, &format!("/surveys/{id}/send"), json!({"segment_id": seg, "lang": "en"})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["queued"].as_u64(), Some(n as u64), "{v}");
    sink.wait_for(n, 15).await
}

both! {
    async fn a_survey_reaches_each_group_once_and_its_results_are_the_answers(app, sink) {
        app.seed().await;
        let am = app.token("am@test.example").await;
        // A group of two companies, each with a contact; the first company's is the group's
        // primary contact. Each company holds its own agreement.
        let (s, v) = post(app, &am, "/organisations", json!({"ref": "G", "name": "Group A/S", "level": "group"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        company(app, &am, "G1", Some("G"), ("Gitte", "gitte@g1.test", true)).await;
        company(app, &am, "G2", Some("G"), ("Gorm", "gorm@g2.test", true)).await;
        for r in ["G1", "G2"] {
            let (s, v) = post(app, &am, "/agreements", json!({"organisation_ref": r, "kind": "partnership", "start_date": "2025-01-01"})).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        // Seven companies on their own, and one whose contact gave no consent.
        let mut emails = vec![];
        for i in 1..=7 {
            let e = format!("c{i}@solo.test");
            company(app, &am, &format!("S{i}"), None, (&format!("Contact {i}"), &e, true)).await;
            emails.push(e);
        }
        company(app, &am, "N", None, ("Nils", "nils@none.test", false)).await;
        let (id, qs) = survey(app, &am, false).await;
        let seg = segment(app, &am).await;

        // The recipients before sending: one per group, the one without consent skipped.
        let (s, r) = app.api(&am).get(&format!("/surveys/{id}/recipients?segment_id={seg}")).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let items = r["items"].as_array().unwrap();
        assert_eq!(items.len(), 9, "{r}");
        assert_eq!(items.iter().filter(|i| i["skip"].is_null()).count(), 8, "{r}");
        assert!(items.iter().any(|i| i["contact"] == "Nils" && i["skip"] == "no_consent"), "{r}");
        let staff = app.signed_in("am@test.example").await;
        let page = staff.get(&format!("/surveys/{id}/send?segment_id={seg}&lang=en")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("gitte@g1.test") && !page.body.contains("gorm@g2.test"), "{}", page.body);

        let got = send(app, &am, sink, id, seg, 8).await;
        let mut expected = emails.clone();
        expected.push("gitte@g1.test".into());
        expected.sort();
        assert_eq!(to(&got), expected, "one mail per company group, the group's at its primary contact");
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(sink.received().len(), 8, "nothing more arrives");
        // Sent once only.
        let (s, v) = post(app, &am, &format!("/surveys/{id}/send"), json!({"segment_id": seg})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["survey"].is_string(), "{v}");

        let link_of = |email: &str| {
            let m = got.iter().find(|m| m.to == [email.to_owned()]).unwrap();
            link_in(&m.part("text/plain").unwrap())
        };
        // Seven answer; the group's contact does not.
        let given = [
            Given { scale: "5", choice: Some("0"), hired: "yes", text: Some("More candidates"), rows: Some(("4", "5")) },
            Given { scale: "4", choice: Some("0"), hired: "yes", text: None, rows: Some(("4", "4")) },
            Given { scale: "5", choice: Some("1"), hired: "no", text: Some("Faster answers"), rows: Some(("4", "3")) },
            Given { scale: "4", choice: Some("0"), hired: "yes", text: None, rows: Some(("4", "4")) },
            Given { scale: "2", choice: None, hired: "no", text: None, rows: None },
            Given { scale: "5", choice: Some("0"), hired: "yes", text: None, rows: Some(("3", "4")) },
            Given { scale: "4", choice: Some("0"), hired: "no", text: None, rows: Some(("4", "2")) },
        ];
        for (i, g) in given.iter().enumerate() {
            let link = link_of(&emails[i]);
            let b = app.browser();
            let page = b.get(&link).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            assert!(page.body.contains("How satisfied are you?") && page.body.contains("Company S"), "{}", page.body);
            let all = fields(&qs, g);
            if i % 2 == 0 {
                // Part now, saved; the rest after opening the link again.
                let page = answer(&b, &link, "save", &all[..1]).await;
                assert_eq!(page.status, StatusCode::OK, "{}", page.body);
                let again = b.get(&link).await;
                let checked = format!("name=\"q{}\" type=\"radio\" value=\"{}\" checked", qs[0], g.scale);
                assert!(again.body.contains(&checked), "the saved answer is kept: {}", again.body);
            }
            if i == 1 {
                // A scale value out of range and a required question left out: shown again
                // beside the question, the other answers kept, nothing stored.
                let bad = vec![(format!("q{}", qs[0]), "7"), (format!("q{}", qs[3]), "Kept text")];
                let page = answer(&b, &link, "submit", &bad).await;
                assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
                assert!(page.body.contains(&format!("id=\"q{}-error\"", qs[0])), "{}", page.body);
                assert!(page.body.contains("7&#34; is not a point of the scale") || page.body.contains("7&quot; is not a point of the scale"), "{}", page.body);
                assert!(page.body.contains(&format!("id=\"q{}-error\"", qs[2])), "{}", page.body);
                assert!(page.body.contains("Answer this question."), "{}", page.body);
                assert!(page.body.contains(">Kept text</textarea>"), "{}", page.body);
                assert_eq!(scalar(&app.db.conn, "SELECT COUNT(*) FROM survey_responses").await, Some(i as i64), "nothing stored of this answer");
            }
            let page = answer(&b, &link, "submit", &all).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            assert!(page.body.contains("Thank you for your answers"), "{}", page.body);
            // The link takes one answer.
            let used = b.get(&link).await;
            assert_eq!(used.status, StatusCode::GONE, "{}", used.body);
            assert!(used.body.contains("already been used"), "{}", used.body);
            let again = answer(&b, &link, "submit", &all).await;
            assert_eq!(again.status, StatusCode::GONE, "{}", again.body);
        }
        assert_eq!(scalar(&app.db.conn, "SELECT COUNT(*) FROM survey_responses").await, Some(7));
        // In Danish, by the language switch.
        let group_link = link_of("gitte@g1.test");
        let da = app.browser().get(&format!("{}?lang=da", group_link.split('?').next().unwrap())).await;
        assert!(da.body.contains("Hvor tilfredse er I?") && da.body.contains("In English"), "{}", da.body);

        // The results, figure by figure.
        let (s, r) = app.api(&am).get(&format!("/surveys/{id}/results")).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!((r["invited"].as_u64(), r["answered"].as_u64()), (Some(8), Some(7)), "{r}");
        assert_eq!(r["response_rate"], json!(87.5), "7 of 8");
        assert_eq!(r["satisfaction_share"], json!(85.7), "6 of 7 at 4 or 5");
        let q = &r["questions"];
        let counts = |q: &Value| q["answers"].as_array().unwrap().iter().map(|a| a["count"].clone()).collect::<Vec<_>>();
        let shares = |q: &Value| q["answers"].as_array().unwrap().iter().map(|a| a["share"].clone()).collect::<Vec<_>>();
        // Scale: 0, 1, 0, 3, 3 -> all under five.
        assert_eq!(counts(&q[0]), vec![json!("<5"); 5], "{}", q[0]);
        assert_eq!(q[0]["answered"], json!(7));
        assert_eq!(q[0]["top_two_share"], json!(85.7));
        // One choice: 5 monthly, 1 yearly, 0 never, of 6 who answered.
        assert_eq!(counts(&q[1]), vec![json!(5), json!("<5"), json!("<5")], "{}", q[1]);
        assert_eq!(shares(&q[1])[0], json!(83.3));
        assert_eq!(q[1]["answered"], json!(6));
        // Yes 4 (under five), no 3.
        assert_eq!(counts(&q[2]), vec![json!("<5"), json!("<5")], "{}", q[2]);
        // Free text: two answers, each with its company.
        let texts: Vec<(String, String)> = q[3]["texts"].as_array().unwrap().iter()
            .map(|t| (t["text"].as_str().unwrap().to_owned(), t["organisation"].as_str().unwrap().to_owned())).collect();
        assert_eq!(texts, vec![("More candidates".to_owned(), "Company S1".to_owned()), ("Faster answers".to_owned(), "Company S3".to_owned())]);
        assert_eq!(q[3]["answered"], json!("<5"));
        // Matrix rows of six answers: speed 4,4,4,4,3,4 -> point 4 five times; match all under five.
        let speed = &q[4]["rows"][0];
        assert_eq!(speed["answered"], json!(6));
        assert_eq!(counts(speed), vec![json!("<5"), json!("<5"), json!("<5"), json!(5), json!("<5")], "{speed}");
        assert_eq!(shares(speed)[3], json!(83.3));
        assert_eq!(counts(&q[4]["rows"][1]), vec![json!("<5"); 5]);

        // The page shows the same, in both languages.
        let page = staff.get(&format!("/surveys/{id}/results")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("85.7%") && page.body.contains("87.5%") && page.body.contains("&#60;5"), "{}", page.body);
        staff.get("/language/da").await;
        let page = staff.get(&format!("/surveys/{id}/results")).await;
        assert!(page.body.contains("85,7 %") && page.body.contains("Svarprocent"), "{}", page.body);

        // The export: numbers as numbers, "<5" as text.
        let actor = app.actor("am@test.example").await;
        let csv = accord_app::surveys::export(&app.app, &actor, id, accord_app::files::Format::Csv).await.unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.contains("answered,,,,,7,87.5"), "{csv}");
        assert!(csv.contains("<5"), "{csv}");
        let json_out = accord_app::surveys::export(&app.app, &actor, id, accord_app::files::Format::Json).await.unwrap();
        let j: Value = serde_json::from_slice(&json_out).unwrap();
        assert_eq!(j["satisfaction_share"], json!(85.7));
        let xlsx = accord_app::surveys::export(&app.app, &actor, id, accord_app::files::Format::Xlsx).await.unwrap();
        let t = accord_app::files::read_table(&xlsx).unwrap();
        assert!(t.rows.iter().any(|(_, r)| r[0] == "answered" && (r[5] == "7" || r[5] == "7.0")), "{:?}", t.rows);

        // The questions are fixed once answers came in.
        let (s, v) = post(app, &am, &format!("/surveys/{id}/questions"), json!({"kind": "text", "text": text("Late", "Sent")})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

        // When the survey has closed, the unused link is refused too.
        app.sql(&format!("UPDATE surveys SET closes_on = '2001-01-01' WHERE id = {id}")).await.unwrap();
        let page = app.browser().get(&group_link).await;
        assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
        assert!(page.body.contains("has closed"), "{}", page.body);
        // A link changed by hand is not a link.
        let forged = group_link.replace("/surveys/answer/", "/surveys/answer/9");
        assert_eq!(app.browser().get(&forged).await.status, StatusCode::NOT_FOUND);
    }

    async fn an_anonymous_survey_stores_no_link_to_the_company(app, sink) {
        app.seed().await;
        let am = app.token("am@test.example").await;
        let mut contacts = vec![];
        for i in 1..=2 {
            contacts.push(company(app, &am, &format!("A{i}"), None, (&format!("Anna {i}"), &format!("anna{i}@anon.test"), true)).await);
        }
        let (id, qs) = survey(app, &am, true).await;
        let seg = segment(app, &am).await;
        let got = send(app, &am, sink, id, seg, 2).await;
        let link = link_in(&got.iter().find(|m| m.to == ["anna1@anon.test"]).unwrap().part("text/plain").unwrap());
        let b = app.browser();
        let page = b.get(&link).await;
        assert!(!page.body.contains("Company A1"), "an anonymous questionnaire names no company: {}", page.body);
        let g = Given { scale: "4", choice: Some("2"), hired: "yes", text: Some("MARKER-anonymous-answer"), rows: Some(("2", "3")) };
        answer(&b, &link, "save", &fields(&qs, &g)[..2]).await;
        let page = answer(&b, &link, "submit", &fields(&qs, &g)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);

        // Every table: the rows of the answer name no company or contact, and no row that
        // names the company or contact points to the answer.
        let c = &app.db.conn;
        let backend = c.get_database_backend();
        let list = match backend {
            accord_db::sea_orm::DatabaseBackend::Postgres => "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
            _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%'",
        };
        let response = scalar(c, &format!("SELECT id FROM survey_responses WHERE survey_id = {id}")).await.unwrap();
        let org = scalar(c, &format!("SELECT organisation_id FROM contacts WHERE id = {}", contacts[0])).await.unwrap();
        let mut tables: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for n in JsonValue::find_by_statement(Statement::from_string(backend, list)).all(c).await.unwrap() {
            let name = n["name"].as_str().unwrap().to_owned();
            let rows = JsonValue::find_by_statement(Statement::from_string(backend, format!("SELECT * FROM {name}"))).all(c).await.unwrap();
            tables.insert(name, rows);
        }
        let mut answer_rows = 0;
        for (name, rows) in &tables {
            for row in rows {
                let text = row.to_string();
                let of_answer = text.contains("MARKER-anonymous-answer")
                    || name == "survey_responses"
                    || (name == "survey_answers" && row["response_id"] == json!(response));
                if of_answer {
                    answer_rows += 1;
                    for (k, v) in row.as_object().unwrap() {
                        let links = ["organisation_id", "contact_id", "invitation_id", "actor_user_id"].contains(&k.as_str());
                        assert!(!links || v.is_null(), "{name}: {k} = {v} links the answer");
                    }
                    assert!(!text.contains("anna1@anon.test") && !text.contains("Anna 1"), "{name}: {text}");
                }
                let names_them = row.get("contact_id") == Some(&json!(contacts[0]))
                    || (name == "organisations" && row["id"] == json!(org));
                if names_them {
                    assert!(!text.contains("MARKER"), "{name}: {text}");
                    for (k, v) in row.as_object().unwrap() {
                        assert!(!k.contains("response") || v.is_null(), "{name}: {k} points to the answer");
                    }
                }
            }
        }
        assert!(answer_rows >= 5, "the response and its answers were found: {answer_rows}");
        // The invitation only says that its link was used.
        let inv = &tables["survey_invitations"];
        let used: Vec<&Value> = inv.iter().filter(|r| r["contact_id"] == json!(contacts[0])).collect();
        assert_eq!(used.len(), 1);
        assert!(used[0]["draft"].is_null(), "the saved form is forgotten: {}", used[0]);
        let audit = tables["audit_log"].iter().filter(|r| r["action"] == "answer").collect::<Vec<_>>();
        assert_eq!(audit.len(), 1);
        assert!(!audit[0].to_string().contains(&format!("contact {}", contacts[0])), "{}", audit[0]);
        // The results show the answer, with no company beside the text.
        let (_, r) = app.api(&am).get(&format!("/surveys/{id}/results")).await;
        assert_eq!(r["questions"][3]["texts"], json!([{"text": "MARKER-anonymous-answer", "organisation": null}]), "{r}");
    }
}

both! {
    async fn the_builder_checks_each_question_and_keeps_its_order(app) {
        app.seed().await;
        let am = app.token("am@test.example").await;
        let closes = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive().to_string();
        let (s, v) = post(app, &am, "/surveys", json!({"year": 2026, "name": "", "closes_on": closes})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let (s, v) = post(app, &am, "/surveys", json!({"year": 2026, "name": "Builder", "closes_on": closes})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["id"].as_i64().unwrap();
        for (body, field) in [
            (json!({"kind": "single", "text": text("Q", "S"), "options": [text("only", "kun")]}), "options"),
            (json!({"kind": "scale", "text": text("Q", "S"), "options": [text("a", "a"), text("b", "b")]}), "options"),
            (json!({"kind": "yes_no", "text": text("Q", "S"), "satisfaction": true}), "satisfaction"),
            (json!({"kind": "matrix", "text": text("Q", "S")}), "rows"),
            (json!({"kind": "multiple", "text": text("Q", "S"), "options": [text("a", "a"), json!({"en": "b", "da": " "})]}), "options"),
        ] {
            let (s, v) = post(app, &am, &format!("/surveys/{id}/questions"), body.clone()).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
            assert!(v["error"]["fields"][field].is_string(), "{body}: {v}");
        }
        assert_eq!(scalar(&app.db.conn, "SELECT COUNT(*) FROM survey_questions").await, Some(0), "nothing written");
        // The committee reads but does not build.
        let committee = app.token("committee@test.example").await;
        let (s, _) = post(app, &committee, &format!("/surveys/{id}/questions"), json!({"kind": "text", "text": text("Q", "S")})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Another district's survey is not found.
        let south = app.token("south@test.example").await;
        assert_eq!(app.api(&south).get(&format!("/surveys/{id}")).await.0, StatusCode::NOT_FOUND);

        // Through the pages: add two, the second marked as the satisfaction question, move it up.
        let b = app.signed_in("am@test.example").await;
        b.get(&format!("/surveys/{id}")).await;
        let page = b.post(&format!("/surveys/{id}/questions"), &[("kind", "text"), ("text_en", "First"), ("text_da", "Første")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let page = b.post(&format!("/surveys/{id}/questions"), &[("kind", "scale"), ("text_en", "Second"), ("text_da", ""), ("satisfaction", "on")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert!(page.body.contains("id=\"text_da-error\"") && page.body.contains(">Second</textarea>"), "{}", page.body);
        let page = b.post(&format!("/surveys/{id}/questions"), &[("kind", "scale"), ("text_en", "Second"), ("text_da", "Andet"), ("satisfaction", "on"), ("required", "on")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let (_, v) = app.api(&am).get(&format!("/surveys/{id}")).await;
        let second = v["questions"][1].clone();
        assert_eq!((second["satisfaction"].as_bool(), second["options"].as_array().map(Vec::len)), (Some(true), Some(5)), "{v}");
        b.get(&format!("/surveys/{id}")).await;
        let page = b.post(&format!("/surveys/{id}/questions/{}/move", second["id"]), &[("direction", "up")]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let (_, v) = app.api(&am).get(&format!("/surveys/{id}")).await;
        assert_eq!(v["questions"][0]["text"]["en"], "Second", "{v}");
        // The preview shows the questionnaire as answered, in Danish too.
        let page = b.get(&format!("/surveys/{id}/preview?lang=da")).await;
        assert!(page.body.contains("1. Andet") && page.body.contains("5 – Meget tilfreds"), "{}", page.body);
        // An edit with a stale version is a conflict.
        let qid = second["id"].as_i64().unwrap();
        let body = json!({"kind": "scale", "text": text("Second, edited", "Andet, rettet"), "version": second["version"]});
        let (s, v) = app.api(&am).send(Method::PUT, &format!("/surveys/{id}/questions/{qid}"), body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = app.api(&am).send(Method::PUT, &format!("/surveys/{id}/questions/{qid}"), body).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
    }
}

both! {
    async fn the_demo_survey_gives_the_2022_figures_from_its_answers(app) {
        accord_app::demo::load(&app.app).await.unwrap().unwrap();
        let actor = app.actor("secretariat@accord.example").await;
        let list = accord_app::surveys::list(&app.app, &actor).await.unwrap();
        let s = list.iter().find(|s| s.year == 2022).expect("the 2022 survey");
        let r = accord_app::surveys::results(&app.app, &actor, s.id).await.unwrap();
        use accord_app::surveys::Cell;
        assert_eq!((r.invited, r.answered, r.response_rate), (313, 113, Some(36.1)));
        assert_eq!(r.satisfaction_share, Some(Cell::Value(93.8)));
        assert_eq!(r.questions[1].answered, Cell::Value(104.0));
        assert_eq!(r.questions[1].top_two_share, Some(Cell::Value(92.3)));
        // One invitation per company group: no two invited organisations share a group.
        let c = &app.db.conn;
        let shared = scalar(c, &format!(
            "SELECT COUNT(*) FROM survey_invitations a JOIN organisations o ON o.id = a.organisation_id \
             JOIN survey_invitations b ON b.survey_id = a.survey_id AND b.id <> a.id \
             JOIN organisations p ON p.id = b.organisation_id \
             WHERE a.survey_id = {} AND o.parent_id IS NOT NULL AND (p.parent_id = o.parent_id OR p.id = o.parent_id)", s.id)).await;
        assert_eq!(shared, Some(0));
    }
}

/// Sends a file of answers to `POST /surveys/{id}/responses` as the raw body.
async fn import_answers(
    app: &TestApp,
    token: &str,
    id: i64,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/surveys/{id}/responses?{query}", app.url))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}")))
}

/// The problems of a refused import as (line, column, value).
fn problems(v: &Value) -> Vec<(u64, String, Option<String>)> {
    v["error"]["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("no lines: {v}"))
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["field"].as_str().unwrap().to_owned(),
                l["value"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

const IMPORT_HEADER: &str = "response_id,company,q1,q2,q3,q4,q5.1,q5.2";

both! {
    async fn answers_from_another_tool_are_imported_once_and_count_in_the_results(app, sink) {
        app.seed().await;
        let am = app.token("am@test.example").await;
        let (s, v) = post(app, &am, "/organisations", json!({"ref": "G", "name": "Group A/S", "level": "group"})).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        company(app, &am, "G1", Some("G"), ("Gitte", "gitte@g1.test", true)).await;
        company(app, &am, "G2", Some("G"), ("Gorm", "gorm@g2.test", true)).await;
        for i in 1..=5 {
            company(app, &am, &format!("S{i}"), None, (&format!("Contact {i}"), &format!("c{i}@solo.test"), true)).await;
        }
        // A company the survey is not sent to (no consent).
        company(app, &am, "N", None, ("Nils", "nils@none.test", false)).await;
        let (id, qs) = survey(app, &am, false).await;
        // Before sending, there is nothing to import answers to.
        let file = format!("{IMPORT_HEADER}\nR1,S2,5,Monthly,yes,Good,4,5\n");
        let (s, v) = import_answers(app, &am, id, "", "text/csv", file.into_bytes()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(problems(&v), vec![(0, "survey".to_owned(), Some("Satisfaction 2026".to_owned()))], "{v}");
        let seg = segment(app, &am).await;
        let got = send(app, &am, sink, id, seg, 6).await;
        // S1 answers through its link.
        let link = link_in(&got.iter().find(|m| m.to == ["c1@solo.test"]).unwrap().part("text/plain").unwrap());
        let b = app.browser();
        b.get(&link).await;
        let g = Given { scale: "5", choice: Some("0"), hired: "yes", text: None, rows: Some(("4", "4")) };
        let page = answer(&b, &link, "submit", &fields(&qs, &g)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);

        // A file with problems: every one named by line, column and value; nothing written.
        let bad = format!(
            "{IMPORT_HEADER}\n\
             R1,S2,5,Monthly,yes,Good,4,5\n\
             R2,S1,4,,yes,,,\n\
             R3,G2,7,,no,,,\n\
             R4,NOPE,4,,maybe,,,\n\
             R1,S3,4,,yes,,,\n\
             R5,S3,,,yes,,,\n\
             R6,S4,4,Weekly,no,,,\n\
             R7,N,4,,no,,,\n\
             R8,S5,4,,no,,6,\n"
        );
        let (s, v) = import_answers(app, &am, id, "", "text/csv", bad.into_bytes()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let mut found = problems(&v);
        found.sort();
        let want = |l: u64, c: &str, v: Option<&str>| (l, c.to_owned(), v.map(str::to_owned));
        assert_eq!(found, vec![
            want(3, "company", Some("S1")),
            want(4, "q1", Some("7")),
            want(5, "company", Some("NOPE")),
            want(5, "q3", Some("maybe")),
            want(6, "response_id", Some("R1 (line 2)")),
            want(7, "q1", None),
            want(8, "q2", Some("Weekly")),
            want(9, "company", Some("N")),
            want(10, "q5.1", Some("6")),
        ], "{v}");
        let messages: Vec<&str> = v["error"]["lines"].as_array().unwrap().iter().map(|l| l["message"].as_str().unwrap()).collect();
        assert!(messages.contains(&"The company group of \"S1\" has already answered the survey."), "{messages:?}");
        assert!(messages.contains(&"\"Weekly\" is not one of the options."), "{messages:?}");
        assert_eq!(scalar(&app.db.conn, "SELECT COUNT(*) FROM survey_responses").await, Some(1), "nothing written");

        // A good file: options by label in either language or by number, yes/no in Danish, a
        // company of a group by its member. Checked first, then imported.
        let good = format!(
            "{IMPORT_HEADER}\n\
             R1,S2,5,Monthly,yes,Good,4,5\n\
             R2,G2,4,2,ja,,3,4\n\
             R3,S3,5,Årligt,no,,,\n\
             R4,S4,4,monthly,nej,,,\n\
             R5,S5,2,,no,,,\n"
        );
        let (s, v) = import_answers(app, &am, id, "dry_run=true", "text/csv", good.clone().into_bytes()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, json!({"rows": 5, "added": 5, "unchanged": 0, "dry_run": true}));
        assert_eq!(scalar(&app.db.conn, "SELECT COUNT(*) FROM survey_responses").await, Some(1), "a dry run writes nothing");
        let (s, v) = import_answers(app, &am, id, "", "text/csv", good.clone().into_bytes()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, json!({"rows": 5, "added": 5, "unchanged": 0, "dry_run": false}));
        // The same file again adds nothing.
        let (s, v) = import_answers(app, &am, id, "", "text/csv", good.into_bytes()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v, json!({"rows": 5, "added": 0, "unchanged": 5, "dry_run": false}));
        assert_eq!(scalar(&app.db.conn, "SELECT COUNT(*) FROM survey_responses").await, Some(6));

        // The imported answers count like answers through the link: 6 of 6 groups.
        let (_, r) = app.api(&am).get(&format!("/surveys/{id}/results")).await;
        assert_eq!((r["invited"].as_u64(), r["answered"].as_u64()), (Some(6), Some(6)), "{r}");
        assert_eq!(r["response_rate"], json!(100.0));
        // Scale: 5 (link), 5, 4, 5, 4, 2 -> 5 of 6 satisfied.
        assert_eq!(r["satisfaction_share"], json!(83.3), "{r}");
        assert_eq!(r["questions"][0]["answered"], json!(6));
        // Choice: monthly 3 (link, R1, R4), yearly 2 (R2 by number, R3 in Danish).
        let counts: Vec<Value> = r["questions"][1]["answers"].as_array().unwrap().iter().map(|a| a["count"].clone()).collect();
        assert_eq!(counts, vec![json!("<5"), json!("<5"), json!("<5")], "{r}");
        assert_eq!(r["questions"][1]["answered"], json!(5), "{r}");
        // Yes/no: yes 3 (link, R1, R2), no 3: six answered.
        assert_eq!(r["questions"][2]["answered"], json!(6), "{r}");
        assert_eq!(r["questions"][3]["texts"], json!([{"text": "Good", "organisation": "Company S2"}]), "{r}");
        let mut chosen = vec![];
        for value in [0, 1] {
            chosen.push(scalar(&app.db.conn, &format!(
                "SELECT COUNT(*) FROM survey_answers WHERE question_id = {} AND value = {value}", qs[1])).await);
        }
        assert_eq!(chosen, vec![Some(3), Some(2)], "monthly three times, yearly twice");
        // The group answered through its member's line: its link is now used.
        let group_link = link_in(&got.iter().find(|m| m.to == ["gitte@g1.test"]).unwrap().part("text/plain").unwrap());
        assert_eq!(app.browser().get(&group_link).await.status, StatusCode::GONE);
        // A reader cannot import.
        let committee = app.token("committee@test.example").await;
        let (s, _) = import_answers(app, &committee, id, "", "text/csv", b"response_id".to_vec()).await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // In the browser, English and Danish: the columns, then a file with a problem.
        let staff = app.signed_in("am@test.example").await;
        let page = staff.get(&format!("/surveys/{id}")).await;
        assert!(page.body.contains(&format!("href=\"/surveys/{id}/import\"")), "{}", page.body);
        let page = staff.get(&format!("/surveys/{id}/import")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains(IMPORT_HEADER.replace(',', ", ").as_str()), "{}", page.body);
        let upload = |action: &'static str, body: String| {
            let staff = &staff;
            async move {
                staff.get(&format!("/surveys/{id}/import")).await;
                let form = reqwest::multipart::Form::new()
                    .text("_csrf", staff.token())
                    .text("action", action)
                    .part("file", reqwest::multipart::Part::bytes(body.into_bytes()).file_name("answers.csv"));
                let res = staff.client.post(format!("{}/surveys/{id}/import", staff.base)).multipart(form).send().await.unwrap();
                (res.status(), res.text().await.unwrap())
            }
        };
        let (s, body) = upload("import", format!("{IMPORT_HEADER}\nR9,S5,9,,no,,,\n")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("<code>q1</code>") && body.contains("is not a point of the scale"), "{body}");
        staff.get("/language/da").await;
        let (s, body) = upload("import", format!("{IMPORT_HEADER}\nR1,S2,5,Monthly,yes,Good,4,5\n")).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        assert!(body.contains("1 linjer: 0 svar tilføjet, 1 importeret før"), "{body}");
        assert_eq!(scalar(&app.db.conn, "SELECT COUNT(*) FROM survey_responses").await, Some(6));

        // An XLSX file is read alike; an anonymous survey's file has no company column.
        let (anon, _) = survey(app, &am, true).await;
        let (s, v) = post(app, &am, &format!("/surveys/{anon}/send"), json!({"segment_id": seg, "lang": "en"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let header: Vec<&str> = IMPORT_HEADER.split(',').collect();
        let row = |id: &str| vec![id.to_owned(), "S1".into(), "4".into(), "".into(), "yes".into(), "".into(), "".into(), "".into()];
        let xlsx = accord_app::files::write_table(accord_app::files::Format::Xlsx, "answers", &header, &[row("A1")]).unwrap();
        let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        let (s, v) = import_answers(app, &am, anon, "", xlsx_type, xlsx).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(problems(&v), vec![(1, "company".to_owned(), Some("company".to_owned()))], "{v}");
        let header: Vec<&str> = header.into_iter().filter(|h| *h != "company").collect();
        let row = |id: &str| { let mut r = row(id); r.remove(1); r };
        let rows: Vec<Vec<String>> = (1..=7).map(|i| row(&format!("A{i}"))).collect();
        let xlsx = accord_app::files::write_table(accord_app::files::Format::Xlsx, "answers", &header, &rows).unwrap();
        let (s, v) = import_answers(app, &am, anon, "", xlsx_type, xlsx).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "seven answers to six invitations: {v}");
        assert_eq!(problems(&v), vec![(0, "file".to_owned(), Some("6".to_owned()))], "{v}");
        let xlsx = accord_app::files::write_table(accord_app::files::Format::Xlsx, "answers", &header, &rows[..6]).unwrap();
        let (s, v) = import_answers(app, &am, anon, "", xlsx_type, xlsx).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["added"], json!(6));
        let linked = scalar(&app.db.conn, &format!(
            "SELECT COUNT(*) FROM survey_responses WHERE survey_id = {anon} AND (organisation_id IS NOT NULL OR contact_id IS NOT NULL)")).await;
        assert_eq!(linked, Some(0), "an anonymous survey's imported answers name no company");
        let (_, r) = app.api(&am).get(&format!("/surveys/{anon}/results")).await;
        assert_eq!((r["answered"].as_u64(), r["satisfaction_share"].clone()), (Some(6), json!(100)), "{r}");
    }
}
