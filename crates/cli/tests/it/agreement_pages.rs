//! Agreements in the browser: list, form, record, lifecycle actions, print, templates,
//! documents, and who may do what.

use crate::both;
use crate::support::{Browser, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A Danish employer (with a site) and an English one in the north district; returns their ids.
async fn employers(app: &TestApp) -> (i64, i64) {
    let api = app.api(&app.token("am@test.example").await);
    let (s, dk) = api
        .send(Method::POST, "/organisations", json!({"ref": "DK-1", "name": "Korsør Bageri ApS", "cvr": "35954716", "address": "Havnegade 1", "postcode": "4220"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{dk}");
    let (s, v) = api
        .send(
            Method::POST,
            "/organisations",
            json!({"ref": "DK-1-S", "name": "Korsør Bageri, Slagelse", "parent_ref": "DK-1"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = api
        .send(
            Method::POST,
            "/contacts",
            json!({"ref": "C-1", "organisation_ref": "DK-1", "name": "Hanne Kristensen", "is_primary": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, uk) = api
        .send(
            Method::POST,
            "/organisations",
            json!({"ref": "UK-1", "name": "Longbridge Motors Ltd", "companies_house": "01234567"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{uk}");
    (dk["id"].as_i64().unwrap(), uk["id"].as_i64().unwrap())
}

/// The agreement id a redirect points at.
fn id_in(location: &str) -> i64 {
    location.trim_start_matches("/agreements/").split(['#', '/', '?']).next().unwrap().parse().unwrap()
}

async fn create(b: &Browser, fields: &[(&str, &str)]) -> i64 {
    b.get("/agreements/new").await;
    let page = b.post("/agreements", fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    id_in(page.headers["location"].to_str().unwrap())
}

fn version_of(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let start = html.find(marker).expect("a version field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

both! {
    async fn list_and_review_in_english_and_danish(app) {
        app.seed().await;
        employers(app).await;
        let b = app.signed_in("am@test.example").await;
        let id = create(&b, &[("organisation_ref", "DK-1"), ("kind", "partnership"), ("language", "da"), ("start_date", "2024-01-01"), ("review_date", "2024-02-01"), ("account_manager_email", "am@test.example")]).await;
        let list = b.get("/agreements").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("<h1>Agreements</h1>") && list.body.contains(&format!("href=\"/agreements/{id}\"")));
        assert!(list.body.contains("Korsør Bageri ApS") && list.body.contains("Partnership agreement") && list.body.contains("Draft"));
        assert!(list.body.contains("href=\"/agreements/new\""), "an account manager may add");
        assert!(list.body.contains("/organisations/export?kind=agreements&amp;format=csv"));
        // Filters: by phase and kind, and an unknown phase is named.
        assert!(b.get("/agreements?phase=active").await.body.contains("Agreements: 0"));
        assert!(b.get("/agreements?phase=draft&kind=partnership&q=bageri").await.body.contains("Agreements: 1"));
        let bad = b.get("/agreements?phase=asleep").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("is not a status an agreement can have"));
        b.get("/language/da?next=/agreements").await;
        let da = b.get("/agreements").await;
        assert!(da.body.contains("<html lang=\"da\">") && da.body.contains("<h1>Aftaler</h1>"));
        assert!(da.body.contains("Partnerskabsaftale") && da.body.contains("Kladde") && da.body.contains("01.01.2024"));
        // Activated, with its review date passed: on the review list, marked overdue.
        let show = b.get(&format!("/agreements/{id}")).await;
        let r = b.post(&format!("/agreements/{id}/activate"), &[("version", &version_of(&show.body))]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let review = b.get("/agreements/review").await;
        assert!(review.body.contains("Til revision") && review.body.contains("Overskredet"), "{}", review.body);
        assert!(review.body.contains("href=\"/agreements/review?mine=0\""), "an account manager sees their own first");
        b.get("/language/en?next=/").await;
        let home = b.get("/").await;
        assert!(home.body.contains("1 of your agreements is due for review"), "the home page counts them");
    }

    async fn create_with_errors_then_activate_terminate_and_renew(app) {
        app.seed().await;
        let (dk, _) = employers(app).await;
        let b = app.signed_in("am@test.example").await;
        // From the employer's page.
        let org = b.get(&format!("/organisations/{dk}")).await;
        assert!(org.body.contains(&format!("href=\"/agreements/new?organisation={dk}\"")));
        let form = b.get(&format!("/agreements/new?organisation={dk}")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("value=\"DK-1\""), "the holder is filled in");
        assert!(form.body.contains("Hanne Kristensen"), "its contact persons can be chosen");
        assert!(form.body.contains("<option value=\"da\" selected>"), "a Danish employer: Danish");
        // The end before the start: both fields named, values kept, nothing written.
        let bad = b
            .post("/agreements", &[("organisation_ref", "DK-1"), ("kind", "partnership"), ("language", "da"), ("start_date", "2024-03-01"), ("end_date", "2024-01-31"), ("purpose", "Fælles rekruttering")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#start_date\"") && bad.body.contains("href=\"#end_date\""));
        assert!(bad.body.contains("The end date must be on or after the start date."));
        assert!(bad.body.contains("The start date must be on or before the end date."));
        assert!(bad.body.contains("Fælles rekruttering") && bad.body.contains("value=\"2024-01-31\""), "typed values kept");
        assert!(b.get("/agreements").await.body.contains("Agreements: 0"));
        // A target without its period is named by its row.
        let bad = b
            .post("/agreements", &[("organisation_ref", "DK-1"), ("kind", "partnership"), ("start_date", "2024-01-01"), ("target_metric", "placements"), ("target_number", "12"), ("target_start", ""), ("target_end", ""), ("target_label", ""), ("target_recorded", "")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#targets[0].period_start\"") && bad.body.contains("Target in row 1:"));
        // Saved, covering every site under the holder, with a target.
        let page = b
            .post(
                "/agreements",
                &[
                    ("organisation_ref", "DK-1"),
                    ("kind", "partnership"),
                    ("language", "da"),
                    ("start_date", "2024-01-01"),
                    ("end_date", "2030-12-31"),
                    ("review_date", "2029-06-01"),
                    ("purpose", "Fælles rekruttering"),
                    ("cover_all", "1"),
                    ("commitments_jobcentre", "En fast kontaktperson\nHurtig matchning"),
                    ("commitments_employer", "Ledige stillinger meldes til jobcentret"),
                    ("target_metric", "placements"), ("target_number", "12"), ("target_start", "2024-01-01"), ("target_end", "2024-12-31"), ("target_label", "Praktikker"), ("target_recorded", ""),
                    ("target_metric", ""), ("target_number", ""), ("target_start", ""), ("target_end", ""), ("target_label", ""), ("target_recorded", ""),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let id = id_in(page.headers["location"].to_str().unwrap());
        let show = b.get(&format!("/agreements/{id}")).await;
        assert!(show.body.contains("AGR-0000") && show.body.contains("Draft"));
        assert!(show.body.contains("Korsør Bageri, Slagelse"), "the site is covered");
        assert!(show.body.contains("En fast kontaktperson") && show.body.contains("Ledige stillinger meldes til jobcentret"));
        assert!(show.body.contains("Praktikker") && show.body.contains("<progress"), "the target with its progress");
        assert!(show.body.contains("Hanne Kristensen"), "the primary contact was taken");
        // Activate.
        let r = b.post(&format!("/agreements/{id}/activate"), &[("version", &version_of(&show.body))]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let show = b.get(&format!("/agreements/{id}")).await;
        assert!(show.body.contains("The agreement is now in force.") && show.body.contains("tag-green"));
        assert!(b.get("/agreements?phase=active").await.body.contains("Agreements: 1"));
        // A stale edit shows what changed.
        let old = version_of(&b.get(&format!("/agreements/{id}/edit")).await.body);
        assert_eq!(b.get(&format!("/agreements/{id}/edit")).await.status, StatusCode::OK);
        let stale = b.post(&format!("/agreements/{id}"), &[("organisation_ref", "DK-1"), ("kind", "partnership"), ("language", "da"), ("start_date", "2024-01-01"), ("end_date", "2030-12-31"), ("purpose", "Noget andet"), ("version", &(old.parse::<i32>().unwrap() - 1).to_string())]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.body.contains("Purpose") && stale.body.contains("Noget andet"));
        // Terminate: every field required, then done.
        let form = b.get(&format!("/agreements/{id}/terminate")).await;
        assert_eq!(form.status, StatusCode::OK);
        let bad = b.post(&format!("/agreements/{id}/terminate"), &[("terminated_on", ""), ("terminated_by", ""), ("reason", "")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Enter the last day the agreement is in force.") && bad.body.contains("Give the reason the agreement ends."));
        let r = b.post(&format!("/agreements/{id}/terminate"), &[("terminated_on", "2025-06-30"), ("terminated_by", "employer"), ("reason", "Afdelingen lukker")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let show = b.get(&format!("/agreements/{id}")).await;
        assert!(show.body.contains("Terminated") && show.body.contains("Afdelingen lukker") && show.body.contains("The employer"));
        assert!(!show.body.contains(&format!("href=\"/agreements/{id}/terminate\"")), "no second termination");
        // Renew: a linked draft.
        assert_eq!(b.get(&format!("/agreements/{id}/renew")).await.status, StatusCode::OK);
        let r = b.post(&format!("/agreements/{id}/renew"), &[("start_date", "2025-07-01"), ("end_date", ""), ("review_date", "")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let next = id_in(r.headers["location"].to_str().unwrap());
        let show = b.get(&format!("/agreements/{next}")).await;
        assert!(show.body.contains("-R2") && show.body.contains("Draft") && show.body.contains(&format!("href=\"/agreements/{id}\"")));
        assert!(show.body.contains("En fast kontaktperson"), "the commitments carried over");
        let old = b.get(&format!("/agreements/{id}")).await;
        assert!(old.body.contains("This agreement has been renewed by") && !old.body.contains(&format!("href=\"/agreements/{id}/renew\"")));
        // The employer's page lists both.
        let org = b.get(&format!("/organisations/{dk}")).await;
        assert!(org.body.contains(&format!("href=\"/agreements/{id}\"")) && org.body.contains(&format!("href=\"/agreements/{next}\"")));
        // The directory filter: the employer held an agreement in force today? Not any more.
        assert!(b.get("/organisations?agreement=none").await.body.contains("Korsør Bageri ApS"));
        assert!(!b.get("/organisations?agreement=partnership").await.body.contains("Korsør Bageri ApS"));
    }

    async fn signing_an_agreement_that_starts_later_does_not_say_it_is_in_force(app) {
        app.seed().await;
        employers(app).await;
        let b = app.signed_in("am@test.example").await;
        let next_year = chrono::Datelike::year(&chrono::Utc::now().date_naive()) + 1;
        let start = format!("{next_year}-01-01");
        let id = create(&b, &[("organisation_ref", "DK-1"), ("kind", "partnership"), ("language", "da"), ("start_date", &start)]).await;
        let show = b.get(&format!("/agreements/{id}")).await;
        let r = b.post(&format!("/agreements/{id}/activate"), &[("version", &version_of(&show.body))]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let show = b.get(&format!("/agreements/{id}")).await;
        assert!(!show.body.contains("now in force"), "it is not in force before it starts");
        assert!(show.body.contains("The agreement is signed. It comes into force on its start date."));
    }

    async fn print_is_in_the_agreements_language(app) {
        app.seed().await;
        employers(app).await;
        let b = app.signed_in("am@test.example").await;
        let da = create(&b, &[("organisation_ref", "DK-1"), ("kind", "strengthened"), ("language", "da"), ("start_date", "2024-01-01"), ("commitments_jobcentre", "En fast kontaktperson"), ("commitments_employer", "Deltager i dialogmøder")]).await;
        let en = create(&b, &[("organisation_ref", "UK-1"), ("kind", "planning_obligation"), ("language", "en"), ("start_date", "2024-01-01"), ("purpose", "Local jobs on the site")]).await;
        // The reader reads English; the Danish agreement prints in Danish.
        let p = b.get(&format!("/agreements/{da}/print")).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("<html lang=\"da\">") && p.body.contains("Styrket partnerskabsaftale"));
        assert!(p.body.contains("Jobcentret forpligter sig til") && p.body.contains("Underskrifter") && p.body.contains("North District"));
        assert!(p.body.contains("CVR-nummer 35954716") && p.body.contains("Havnegade 1, 4220"));
        assert!(p.body.contains("lang=\"en\">Back to the agreement"), "the way back is in the reader's language");
        assert!(!p.body.contains("class=\"site-nav\""), "no navigation");
        assert!(p.body.contains("data-print") && p.body.contains("/static/print.js"));
        let js = b.get("/static/print.js").await;
        assert_eq!(js.status, StatusCode::OK);
        assert!(js.body.contains("window.print()"));
        // A Danish reader, an English agreement.
        b.get("/language/da?next=/").await;
        let p = b.get(&format!("/agreements/{en}/print")).await;
        assert!(p.body.contains("<html lang=\"en\">") && p.body.contains("Local employment obligation (Section 106)"));
        assert!(p.body.contains("The employer commits to") && p.body.contains("Local jobs on the site") && p.body.contains("Signatures"));
        assert!(p.body.contains("lang=\"da\">Tilbage til aftalen"));
    }

    async fn commitment_templates_kept_by_the_secretariat(app) {
        app.seed().await;
        let (dk, _) = employers(app).await;
        let s = app.signed_in("secretariat@test.example").await;
        let page = s.get("/agreements/templates").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("href=\"/agreements/templates/new\""));
        s.get("/agreements/templates/new").await;
        let bad = s.post("/agreements/templates", &[("side", "employer"), ("text_en", ""), ("text_da", "Tager imod praktikanter"), ("position", "-1")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Enter the commitment in English.") && bad.body.contains("is not a whole number of 0 or more"));
        let ok = s.post("/agreements/templates", &[("side", "employer"), ("text_en", "Takes on trainees"), ("text_da", "Tager imod praktikanter"), ("position", "5")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let page = s.get("/agreements/templates").await;
        assert!(page.body.contains("Takes on trainees") && page.body.contains("Tager imod praktikanter"));
        // A new agreement starts with it, in the agreement's language.
        let b = app.signed_in("am@test.example").await;
        let form = b.get(&format!("/agreements/new?organisation={dk}")).await;
        assert!(form.body.contains("Tager imod praktikanter"), "a Danish employer's form has the Danish text");
        // Retired: listed as such, and no longer offered.
        let edit_href = page.body.split("href=\"/agreements/templates/").nth(2).unwrap().split('"').next().unwrap().to_owned();
        let tid = edit_href.trim_end_matches("/edit");
        assert_eq!(s.get(&format!("/agreements/templates/{tid}/edit")).await.status, StatusCode::OK);
        let ok = s.post(&format!("/agreements/templates/{tid}"), &[("side", "employer"), ("text_en", "Takes on trainees"), ("text_da", "Tager imod praktikanter"), ("position", "5"), ("retired", "true")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert!(s.get("/agreements/templates").await.body.contains("Retired"));
        assert!(!b.get(&format!("/agreements/new?organisation={dk}")).await.body.contains("Tager imod praktikanter"));
        // An account manager reads them but keeps none.
        let page = b.get("/agreements/templates").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("href=\"/agreements/templates/new\""));
        assert_eq!(b.get("/agreements/templates/new").await.status, StatusCode::FORBIDDEN);
        let r = b.post("/agreements/templates", &[("side", "employer"), ("text_en", "x"), ("text_da", "y")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }

    async fn documents_upload_and_download(app) {
        app.seed().await;
        employers(app).await;
        let b = app.signed_in("am@test.example").await;
        let id = create(&b, &[("organisation_ref", "DK-1"), ("kind", "partnership"), ("start_date", "2024-01-01")]).await;
        b.get(&format!("/agreements/{id}")).await;
        let upload = |name: &'static str, bytes: Vec<u8>, token: String| {
            let form = reqwest::multipart::Form::new()
                .text("_csrf", token)
                .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
            b.client.post(format!("{}/agreements/{id}/documents", b.base)).multipart(form).send()
        };
        let res = upload("Aftale underskrevet.pdf", b"%PDF-1.4 signed".to_vec(), b.token()).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let show = b.get(&format!("/agreements/{id}")).await;
        assert!(show.body.contains("Aftale underskrevet.pdf"));
        let href = show.body.split(&format!("href=\"/agreements/{id}/documents/")).nth(1).unwrap().split('"').next().unwrap().to_owned();
        let doc = b.client.get(format!("{}/agreements/{id}/documents/{href}", b.base)).send().await.unwrap();
        assert_eq!(doc.status(), StatusCode::OK);
        assert_eq!(doc.headers()["content-type"], "application/pdf");
        assert_eq!(doc.headers()["x-content-type-options"], "nosniff");
        let disposition = doc.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.starts_with("attachment;") && disposition.contains("Aftale%20underskrevet.pdf"), "{disposition}");
        assert_eq!(doc.bytes().await.unwrap().as_ref(), b"%PDF-1.4 signed");
        // An HTML file is served as bytes to download, never as a page.
        let res = upload("evil.html", b"<script>alert(1)</script>".to_vec(), b.token()).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        // An empty file is refused with its reason; a wrong token is refused outright.
        let res = upload("empty.pdf", vec![], b.token()).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains("The file is empty."));
        let res = upload("x.pdf", b"x".to_vec(), "wrong".into()).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let show = b.get(&format!("/agreements/{id}")).await;
        let evil = show.body.split("/documents/").filter_map(|s| s.split('"').next()).find(|s| !s.contains('/') && s.parse::<i64>().is_ok() && s != &href).unwrap().to_owned();
        let doc = b.client.get(format!("{}/agreements/{id}/documents/{evil}", b.base)).send().await.unwrap();
        assert_eq!(doc.headers()["content-type"], "application/octet-stream");
        // Removed.
        let r = b.post(&format!("/agreements/{id}/documents/{href}/delete"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let show = b.get(&format!("/agreements/{id}")).await;
        assert!(!show.body.contains("Aftale underskrevet.pdf"));
        assert_eq!(b.get(&format!("/agreements/{id}/documents/{href}")).await.status, StatusCode::NOT_FOUND);
    }

    async fn read_only_roles_see_no_actions(app) {
        app.seed().await;
        let (dk, _) = employers(app).await;
        let am = app.signed_in("am@test.example").await;
        let id = create(&am, &[("organisation_ref", "DK-1"), ("kind", "partnership"), ("start_date", "2024-01-01")]).await;
        for who in ["committee@test.example", "adviser@test.example"] {
            let b = app.signed_in(who).await;
            let show = b.get(&format!("/agreements/{id}")).await;
            assert_eq!(show.status, StatusCode::OK, "{who} reads it");
            for action in ["/activate\"", "/edit\"", "/terminate\"", "/renew\"", "/documents\" enctype"] {
                assert!(!show.body.contains(&format!("/agreements/{id}{action}")), "{who} is offered {action}");
            }
            assert!(show.body.contains(&format!("/agreements/{id}/print")), "{who} may print");
            assert!(!b.get("/agreements").await.body.contains("href=\"/agreements/new\""));
            assert!(!b.get(&format!("/organisations/{dk}")).await.body.contains("/agreements/new?organisation="));
            assert_eq!(b.get("/agreements/new").await.status, StatusCode::FORBIDDEN);
            assert_eq!(b.get(&format!("/agreements/{id}/edit")).await.status, StatusCode::FORBIDDEN);
            let r = b.post(&format!("/agreements/{id}/activate"), &[("version", "1")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
            let r = b.post("/agreements", &[("organisation_ref", "DK-1"), ("kind", "partnership"), ("start_date", "2024-01-01")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        }
        // A partner sees no agreements at all, and an account manager of another district
        // does not find this one.
        let partner = app.signed_in("partner@test.example").await;
        assert!(!partner.get("/").await.body.contains("href=\"/agreements\""));
        assert_eq!(partner.get(&format!("/agreements/{id}")).await.status, StatusCode::FORBIDDEN);
        let south = app.signed_in("south@test.example").await;
        assert_eq!(south.get(&format!("/agreements/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(south.get(&format!("/agreements/{id}/print")).await.status, StatusCode::NOT_FOUND);
    }
}
