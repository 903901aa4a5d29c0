//! Activities, recruitment requests, activity types and the import history in the browser:
//! lists in both languages, the forms and their errors, candidates, the totals, the type
//! administration, uploads with a bad line, roll-back, and who may do what.

use crate::both;
use crate::support::{Browser, TestApp};
use accord_app::Actor;
use accord_app::import::{Kind, import_file};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Two employers in the north district; returns their ids.
async fn employers(app: &TestApp) -> (i64, i64) {
    let api = app.api(&app.token("am@test.example").await);
    let (s, a) = api
        .send(
            Method::POST,
            "/organisations",
            json!({"ref": "DK-1", "name": "Korsør Bageri ApS", "cvr": "35954716", "account_manager_email": "am@test.example"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (s, b) =
        api.send(Method::POST, "/organisations", json!({"ref": "DK-2", "name": "Slagelse Vognmand I/S"})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap())
}

const ACTIVITIES: &str = "source_id,type,organisation_ref,start_date,end_date,citizen_ref,outcome\n\
F1,work_placement,DK-1,2022-01-03,2022-03-01,CIT-1,hired\n\
F2,Løntilskud,DK-1,2022-02-10,,CIT-2,ongoing\n\
F3,flex_job,DK-2,2023-03-01,,,\n";

const REQUESTS: &str = "source_id,organisation_ref,title,positions,received_date,status,hires\n\
R1,DK-1,Bagere,3,2022-01-10,filled,2\n\
R2,DK-1,Chauffør,2,2022-05-01,open,\n\
R3,DK-2,Lagermedarbejder,1,2023-02-01,filled,1\n";

async fn load(app: &TestApp, kind: Kind, body: &str) {
    let r = import_file(&app.app, &Actor::system(), kind, Some("north"), body.as_bytes(), "fasit.csv", false, |_| {})
        .await
        .unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

/// The id at the end of a redirect to a record.
fn id_in(location: &str, prefix: &str) -> i64 {
    location.trim_start_matches(prefix).split(['#', '/', '?']).next().unwrap().parse().unwrap()
}

/// The id of the first record a page links to under `prefix` (`/activities/`).
fn first_id(html: &str, prefix: &str) -> String {
    html.split(&format!("href=\"{prefix}"))
        .skip(1)
        .map(|s| s.split(['"', '/', '?', '#']).next().unwrap().to_owned())
        .find(|s| s.parse::<i64>().is_ok())
        .unwrap_or_else(|| panic!("no link to a record under {prefix}"))
}

fn version_of(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let start = html.find(marker).expect("a version field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// Uploads a file on the import page; returns status and page.
async fn upload(
    b: &Browser,
    kind: &'static str,
    action: &'static str,
    name: &'static str,
    body: String,
) -> (StatusCode, String) {
    b.get("/organisations/import").await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", b.token())
        .text("kind", kind)
        .text("action", action)
        .part("file", reqwest::multipart::Part::bytes(body.into_bytes()).file_name(name));
    let res = b.client.post(format!("{}/organisations/import", b.base)).multipart(form).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

both! {
    async fn lists_in_english_and_danish_with_their_filters(app) {
        app.seed().await;
        let (dk1, _) = employers(app).await;
        load(app, Kind::Activities, ACTIVITIES).await;
        load(app, Kind::RecruitmentRequests, REQUESTS).await;
        let b = app.signed_in("am@test.example").await;
        let home = b.get("/").await;
        assert!(home.body.contains("href=\"/activities\"") && home.body.contains("href=\"/recruitment-requests\"") && home.body.contains("href=\"/imports\""), "the navigation");
        let list = b.get("/activities").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("<h1>Activities</h1>") && list.body.contains("Activities: 3"));
        assert!(list.body.contains("Work placement") && list.body.contains("Wage subsidy") && list.body.contains("Flex job"));
        assert!(list.body.contains("CIT-1") && list.body.contains("Korsør Bageri ApS") && list.body.contains("Hired"));
        assert!(list.body.contains("href=\"/activities/new\""), "an account manager may record");
        assert!(list.body.contains("/organisations/export?kind=activities&amp;format=csv") && list.body.contains("/organisations/export?kind=activities&amp;format=xlsx"));
        // Filters: type, outcome, a citizen reference exactly, part of a name, dates, the employer.
        assert!(b.get("/activities?type=work_placement").await.body.contains("Activities: 1"));
        assert!(b.get("/activities?outcome=ongoing").await.body.contains("Activities: 2"));
        assert!(b.get("/activities?q=CIT-2").await.body.contains("Activities: 1"));
        assert!(b.get("/activities?q=CIT").await.body.contains("Activities: 0"), "a reference is matched exactly");
        assert!(b.get("/activities?q=vognmand").await.body.contains("Activities: 1"));
        assert!(b.get("/activities?from=2023-01-01&to=2023-12-31").await.body.contains("Activities: 1"));
        let at = b.get(&format!("/activities?organisation={dk1}")).await;
        assert!(at.body.contains("Activities: 2") && at.body.contains("Activities at"));
        let bad = b.get("/activities?from=31.02.2022&outcome=won").await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#from\"") && bad.body.contains("href=\"#outcome\""));
        // Recruitment requests, with the totals of what the filter finds.
        let reqs = b.get("/recruitment-requests").await;
        assert_eq!(reqs.status, StatusCode::OK);
        assert!(reqs.body.contains("<h1>Recruitment requests</h1>") && reqs.body.contains("Recruitment requests: 3"));
        assert!(reqs.body.contains("<dt>Requests</dt><dd>3</dd>") && reqs.body.contains("<dt>Positions</dt><dd>6</dd>") && reqs.body.contains("<dt>Hires</dt><dd>3</dd>"), "{}", reqs.body);
        assert!(reqs.body.contains("3 hires from 3 requests") && reqs.body.contains("100%"));
        let y2022 = b.get("/recruitment-requests?from=2022-01-01&to=2022-12-31").await;
        assert!(y2022.body.contains("<dt>Requests</dt><dd>2</dd>") && y2022.body.contains("2 hires from 2 requests"));
        let open = b.get("/recruitment-requests?status=open").await;
        assert!(open.body.contains("<dt>Hires</dt><dd>0</dd>") && open.body.contains("0 hires from 1 request<"));
        assert!(b.get("/recruitment-requests?q=chauff").await.body.contains("Recruitment requests: 1"));
        assert_eq!(b.get("/recruitment-requests?status=asleep").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(reqs.body.contains("/organisations/export?kind=recruitment-requests&amp;format=xlsx"));
        // Exports through the links.
        let res = b.client.get(format!("{}/organisations/export?kind=activities&format=csv", b.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.text().await.unwrap().contains("F2,wage_subsidy,DK-1,2022-02-10,,CIT-2,ongoing"));
        // Danish: labels, dates and numbers.
        b.get("/language/da?next=/activities").await;
        let da = b.get("/activities").await;
        assert!(da.body.contains("<html lang=\"da\">") && da.body.contains("<h1>Aktiviteter</h1>"));
        assert!(da.body.contains("Virksomhedspraktik") && da.body.contains("Løntilskud") && da.body.contains("Fleksjob"), "Danish type labels");
        assert!(da.body.contains("Ansat") && da.body.contains("I gang") && da.body.contains("03.01.2022"));
        let da = b.get("/recruitment-requests").await;
        assert!(da.body.contains("<h1>Rekrutteringsanmodninger</h1>") && da.body.contains("3 ansættelser ud af 3 anmodninger") && da.body.contains("100 %"));
        assert!(da.body.contains("Besat") && da.body.contains("Åben"));
        // On the employer's page: the latest of each, with the buttons to record more.
        let org = b.get(&format!("/organisations/{dk1}")).await;
        assert!(org.body.contains("id=\"activities\"") && org.body.contains("id=\"requests\""));
        assert!(org.body.contains(&format!("href=\"/activities/new?organisation={dk1}\"")) && org.body.contains(&format!("href=\"/recruitment-requests/new?organisation={dk1}\"")));
        assert!(org.body.contains("Virksomhedspraktik") && org.body.contains("Bagere") && org.body.contains("Chauffør"));
        // The home page lists the account manager's open requests, oldest first.
        b.get("/language/en?next=/").await;
        let home = b.get("/").await;
        assert!(home.body.contains("Your open recruitment requests") && home.body.contains("Chauffør"), "{}", home.body);
        assert!(!home.body[home.body.find("Your open recruitment requests").unwrap()..].split("</table>").next().unwrap().contains("Bagere"), "a filled request is not open");
    }

    async fn recording_an_activity_names_every_wrong_field_then_saves(app) {
        app.seed().await;
        let (dk1, _) = employers(app).await;
        let b = app.signed_in("am@test.example").await;
        let org = b.get(&format!("/organisations/{dk1}")).await;
        assert!(org.body.contains("No activities have been recorded at this employer."));
        let form = b.get(&format!("/activities/new?organisation={dk1}")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("value=\"DK-1\"") && form.body.contains("Korsør Bageri ApS"), "the employer is filled in");
        assert!(form.body.contains("<option value=\"work_placement\">Work placement</option>"));
        assert!(form.body.contains("never a name or a CPR"), "the hint on the citizen reference");
        // The end before the start: both named; a CPR number refused; typed values kept.
        let bad = b
            .post("/activities", &[("type", "work_placement"), ("organisation_ref", "DK-1"), ("start_date", "2024-03-01"), ("end_date", "2024-01-31"), ("citizen_ref", "010203-1234"), ("outcome", "ongoing")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#start_date\"") && bad.body.contains("href=\"#end_date\"") && bad.body.contains("href=\"#citizen_ref\""));
        assert!(bad.body.contains("The start date must be on or before the end date.") && bad.body.contains("The end date must be on or after the start date."));
        assert!(bad.body.contains("must not be a CPR or National Insurance number"));
        assert!(bad.body.contains("value=\"2024-01-31\"") && bad.body.contains("value=\"010203-1234\"") && bad.body.contains("<option value=\"work_placement\" selected>"));
        // An unknown employer and a missing type are named together.
        let bad = b.post("/activities", &[("type", ""), ("organisation_ref", "NOPE"), ("start_date", "2024-03-01")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#organisation_ref\"") && bad.body.contains("href=\"#type\"") && bad.body.contains("Choose the type of activity."));
        assert!(b.get("/activities").await.body.contains("Activities: 0"), "nothing written");
        // Saved.
        let ok = b
            .post("/activities", &[("type", "wage_subsidy"), ("organisation_ref", "DK-1"), ("start_date", "2024-03-01"), ("end_date", ""), ("citizen_ref", "CIT-00042"), ("outcome", "ongoing"), ("account_manager_email", "")])
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let id = id_in(ok.headers["location"].to_str().unwrap(), "/activities/");
        let show = b.get(&format!("/activities/{id}")).await;
        assert_eq!(show.status, StatusCode::OK);
        assert!(show.body.contains("The activity has been recorded.") && show.body.contains("Wage subsidy at Korsør Bageri ApS"));
        assert!(show.body.contains("CIT-00042") && show.body.contains("MAN-0000") && show.body.contains("By hand"));
        assert!(show.body.contains("Name of am@test.example"), "the employer's account manager holds it");
        assert!(show.body.contains("your look at it has been logged"));
        let list = b.get("/activities").await;
        assert!(list.body.contains(&format!("href=\"/activities/{id}\"")));
        let org = b.get(&format!("/organisations/{dk1}")).await;
        assert!(org.body.contains(&format!("href=\"/activities/{id}\"")) && org.body.contains("The latest 1 of 1 activities"));
        // Changed: the outcome; then a stale save shows what changed meanwhile.
        let edit = b.get(&format!("/activities/{id}/edit")).await;
        assert_eq!(edit.status, StatusCode::OK);
        let v = version_of(&edit.body);
        let fields = |outcome: &'static str, version: String| {
            vec![("type", "wage_subsidy".to_owned()), ("organisation_ref", "DK-1".into()), ("start_date", "2024-03-01".into()), ("end_date", "2024-06-30".into()), ("citizen_ref", "CIT-00042".into()), ("outcome", outcome.into()), ("account_manager_email", "am@test.example".into()), ("version", version)]
        };
        let f = fields("hired", v.clone());
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let saved = b.post(&format!("/activities/{id}"), &refs).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        assert!(b.get(&format!("/activities/{id}")).await.body.contains("tag-green\">Hired"));
        let f = fields("cancelled", v);
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let stale = b.post(&format!("/activities/{id}"), &refs).await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert!(stale.body.contains("Outcome") && stale.body.contains("Hired") && stale.body.contains("Cancelled"), "{}", stale.body);
        // In Danish, the form's labels and the type names.
        b.get("/language/da?next=/").await;
        let da = b.get(&format!("/activities/{id}/edit")).await;
        assert!(da.body.contains("Løntilskud") && da.body.contains("Borgerreference") && da.body.contains("aldrig et navn eller et CPR"));
    }

    async fn a_request_with_candidates(app) {
        app.seed().await;
        let (dk1, _) = employers(app).await;
        let b = app.signed_in("am@test.example").await;
        let form = b.get(&format!("/recruitment-requests/new?organisation={dk1}")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("value=\"DK-1\""));
        let bad = b
            .post("/recruitment-requests", &[("organisation_ref", "DK-1"), ("title", ""), ("positions", "0"), ("received_date", "2024-03-01"), ("deadline", "2024-02-01"), ("status", "open"), ("hires", "")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#title\"") && bad.body.contains("href=\"#positions\"") && bad.body.contains("href=\"#deadline\""));
        assert!(bad.body.contains("is not a whole number of positions above 0."));
        let bad = b.post("/recruitment-requests", &[("organisation_ref", "DK-1"), ("title", "Bagere"), ("positions", "2"), ("received_date", "2024-03-01"), ("hires", "3")]).await;
        assert!(bad.body.contains("3 hires are more than the positions asked for."));
        let ok = b
            .post("/recruitment-requests", &[("organisation_ref", "DK-1"), ("title", "Bagere til den nye butik"), ("positions", "2"), ("received_date", "2024-03-01"), ("deadline", "2024-04-01"), ("status", "open"), ("hires", ""), ("account_manager_email", "")])
            .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let id = id_in(ok.headers["location"].to_str().unwrap(), "/recruitment-requests/");
        let show = b.get(&format!("/recruitment-requests/{id}")).await;
        assert!(show.body.contains("Bagere til den nye butik – Korsør Bageri ApS") && show.body.contains("REQ-0000"));
        assert!(show.body.contains("No candidates have been referred yet."));
        // A candidate: a CPR number refused, then referred.
        let bad = b.post(&format!("/recruitment-requests/{id}/candidates"), &[("citizen_ref", "0102031234"), ("outcome", "referred")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("href=\"#citizen_ref\"") && bad.body.contains("must not be a CPR"));
        let bad = b.post(&format!("/recruitment-requests/{id}/candidates"), &[("citizen_ref", ""), ("outcome", "referred")]).await;
        assert!(bad.body.contains("citizen reference.") && bad.body.contains("Enter the candidate"));
        for c in ["CIT-7", "CIT-8"] {
            let r = b.post(&format!("/recruitment-requests/{id}/candidates"), &[("citizen_ref", c), ("outcome", "referred")]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        }
        let show = b.get(&format!("/recruitment-requests/{id}")).await;
        assert!(show.body.contains("The candidate has been added.") && show.body.contains("CIT-7") && show.body.contains("CIT-8"));
        // Its outcome changed to hired.
        let action = show.body.split(&format!("action=\"/recruitment-requests/{id}/candidates/")).nth(1).unwrap().split('"').next().unwrap().to_owned();
        let r = b.post(&format!("/recruitment-requests/{id}/candidates/{action}"), &[("outcome", "hired")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let show = b.get(&format!("/recruitment-requests/{id}")).await;
        assert!(show.body.contains("Candidates: 2 · hired: 1"), "{}", show.body);
        let r = b.post(&format!("/recruitment-requests/{id}/candidates/{action}"), &[("outcome", "promoted")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("is not an outcome of a candidate."));
        // The request filled: changed through its form, and the totals follow.
        let edit = b.get(&format!("/recruitment-requests/{id}/edit")).await;
        let v = version_of(&edit.body);
        let r = b
            .post(&format!("/recruitment-requests/{id}"), &[("organisation_ref", "DK-1"), ("title", "Bagere til den nye butik"), ("positions", "2"), ("received_date", "2024-03-01"), ("deadline", "2024-04-01"), ("status", "filled"), ("hires", "1"), ("account_manager_email", "am@test.example"), ("version", &v)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let stale = b
            .post(&format!("/recruitment-requests/{id}"), &[("organisation_ref", "DK-1"), ("title", "Bagere"), ("positions", "2"), ("received_date", "2024-03-01"), ("status", "open"), ("version", &v)])
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        let list = b.get("/recruitment-requests").await;
        assert!(list.body.contains("<dt>Positions</dt><dd>2</dd>") && list.body.contains("1 hire from 1 request<"));
        assert!(!b.get("/").await.body.contains("Bagere til den nye butik"), "a filled request is no longer open");
    }

    async fn activity_types_kept_by_an_administrator(app) {
        app.seed().await;
        let admin = app.signed_in("admin@test.example").await;
        let page = admin.get("/activity-types").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Virksomhedspraktik") && page.body.contains("work_placement") && page.body.contains("href=\"/activity-types/new\""));
        assert!(!page.body.contains("/delete"), "a type is never deleted");
        assert_eq!(admin.get("/activity-types/new").await.status, StatusCode::OK);
        let bad = admin.post("/activity-types", &[("code", "Summer Job"), ("label_en", ""), ("label_da", "Praktik"), ("position", "5")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("cannot be a code") && bad.body.contains("Enter the name in English.") && bad.body.contains("Another activity type already has this name"));
        let ok = admin.post("/activity-types", &[("code", "summer_job"), ("label_en", "Summer job"), ("label_da", "Sommerjob"), ("aliases", "feriejob\nholiday job"), ("counts", "true"), ("position", "200")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let page = admin.get("/activity-types").await;
        assert!(page.body.contains("summer_job") && page.body.contains("Sommerjob") && page.body.contains("feriejob, holiday job"));
        // Renamed: the code stays.
        assert_eq!(admin.get("/activity-types/summer_job/edit").await.status, StatusCode::OK);
        let ok = admin.post("/activity-types/summer_job", &[("code", "other"), ("label_en", "Summer work"), ("label_da", "Sommerarbejde"), ("aliases", "feriejob"), ("counts", "true"), ("position", "200")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let page = admin.get("/activity-types").await;
        assert!(page.body.contains("Summer work") && page.body.contains("Sommerarbejde") && !page.body.contains("<code>other</code>"));
        // It is offered when recording, by its Danish name to a Danish reader.
        app.add_user("am2@test.example", "account_manager", Some("north")).await;
        let am = app.signed_in("am2@test.example").await;
        am.get("/language/da?next=/").await;
        assert!(am.get("/activities/new").await.body.contains("<option value=\"summer_job\">Sommerarbejde</option>"));
        // Retired: shown as such and no longer offered.
        let ok = admin.post("/activity-types/summer_job", &[("label_en", "Summer work"), ("label_da", "Sommerarbejde"), ("aliases", "feriejob"), ("counts", "true"), ("retired", "true"), ("position", "200")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        assert!(admin.get("/activity-types").await.body.contains("Retired"));
        assert!(!am.get("/activities/new").await.body.contains("summer_job"));
        // Others read the list but keep none.
        let page = am.get("/activity-types").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("href=\"/activity-types/new\"") && !page.body.contains("/edit\""));
        assert_eq!(am.get("/activity-types/new").await.status, StatusCode::FORBIDDEN);
        assert_eq!(am.get("/activity-types/summer_job/edit").await.status, StatusCode::FORBIDDEN);
        let r = am.post("/activity-types", &[("code", "x_job"), ("label_en", "X"), ("label_da", "X")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = am.post("/activity-types/summer_job", &[("label_en", "Y"), ("label_da", "Y")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }

    async fn upload_history_and_roll_back_through_the_pages(app) {
        app.seed().await;
        employers(app).await;
        let b = app.signed_in("am@test.example").await;
        let page = b.get("/organisations/import").await;
        assert!(page.body.contains("<option value=\"activities\">Activities</option>") && page.body.contains("<option value=\"recruitment-requests\">Recruitment requests</option>"));
        assert!(page.body.contains("source_id (kilde-id), type (aktivitetstype), organisation_ref (organisation), start_date (startdato), end_date (slutdato), citizen_ref (borgerreference), outcome (resultat)"));
        assert!(page.body.contains("data-upload-progress") && page.body.contains("/static/upload.js"));
        assert!(b.get("/organisations/import?kind=activities").await.body.contains("<option value=\"activities\" selected>"));
        let js = b.get("/static/upload.js").await;
        assert_eq!(js.status, StatusCode::OK);
        assert!(js.body.contains("XMLHttpRequest") && js.body.contains("upload.addEventListener('progress'"));
        // A bad line is named, and nothing is written.
        let bad = format!("{ACTIVITIES}F4,knitting,DK-1,2022-01-01,,,\n");
        let (s, body) = upload(&b, "activities", "import", "fasit.csv", bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("<td class=\"numeric\">5</td>") && body.contains("<code>type (aktivitetstype)</code>") && body.contains("is not an activity type."), "{body}");
        assert!(b.get("/imports").await.body.contains("Nothing has been imported yet."));
        // Thousands of bad lines: the first are listed, the rest counted.
        let mut many = String::from("source_id,type,organisation_ref,start_date\n");
        for i in 0..5_010 {
            many.push_str(&format!("X{i},knitting,DK-1,2022-01-01\n"));
        }
        let (s, body) = upload(&b, "activities", "check", "many.csv", many).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("The file has 5,010 problems") && body.contains("… and 10 more problems"), "{}", &body[..2000.min(body.len())]);
        // A good file: imported, with the way to its records and the history.
        let (s, body) = upload(&b, "activities", "import", "fasit-2022.csv", ACTIVITIES.to_owned()).await;
        assert_eq!(s, StatusCode::OK);
        assert!(body.contains("3 rows: 3 new") && body.contains("href=\"/imports\"") && body.contains("/activities?import="), "{body}");
        let (s, body) = upload(&b, "recruitment-requests", "import", "anmodninger.csv", REQUESTS.to_owned()).await;
        assert_eq!(s, StatusCode::OK, "{body}");
        let history = b.get("/imports").await;
        assert_eq!(history.status, StatusCode::OK);
        assert!(history.body.contains("fasit-2022.csv") && history.body.contains("anmodninger.csv") && history.body.contains("Name of am@test.example"));
        let records = history.body.split("href=\"/activities?import=").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let list = b.get(&format!("/activities?import={records}")).await;
        assert!(list.body.contains("Activities: 3") && list.body.contains("The records of the import of fasit-2022.csv"));
        let rid = history.body.split("href=\"/imports/").nth(1).unwrap().split('/').next().unwrap().to_owned();
        // Again: nothing new; the newest of activities is now the second import.
        let (_, body) = upload(&b, "activities", "import", "fasit-2022.csv", ACTIVITIES.to_owned()).await;
        assert!(body.contains("3 rows: 0 new, 0 changed, 3 unchanged"));
        let history = b.get("/imports").await;
        assert_eq!(history.body.matches("/roll-back\"").count(), 2, "the newest of each kind");
        // Rolled back through the confirm page: the newest activities import, then the first.
        let roll_back_ids = |html: &str| -> Vec<String> {
            html.split("href=\"/imports/").skip(1).map(|s| s.split('/').next().unwrap().to_owned()).collect()
        };
        let ids = roll_back_ids(&history.body);
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&rid));
        let newest = ids.iter().find(|i| **i != rid).unwrap().clone();
        // An older import says why it cannot be rolled back, not that the role may not.
        let older = b.get(&format!("/imports/{records}/roll-back")).await;
        assert_eq!(older.status, StatusCode::CONFLICT, "{}", older.body);
        assert!(older.body.contains("Roll back the newer import of fasit-2022.csv first."), "{}", older.body);
        assert!(older.body.contains("<title>Error:") && !older.body.contains("Your role does not allow"));
        let confirm = b.get(&format!("/imports/{newest}/roll-back")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(confirm.body.contains("This cannot be undone") && confirm.body.contains("Roll back the import") && confirm.body.contains("fasit-2022.csv"));
        let r = b.post(&format!("/imports/{newest}/roll-back"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let history = b.get("/imports").await;
        assert!(history.body.contains("The import has been rolled back") && history.body.contains("Rolled back"));
        assert!(b.get("/activities").await.body.contains("Activities: 3"), "the first import's records stay");
        let first = roll_back_ids(&history.body).into_iter().find(|i| *i != rid).unwrap();
        assert_ne!(first, newest);
        let r = b.post(&format!("/imports/{first}/roll-back"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert!(b.get("/activities").await.body.contains("Activities: 0"), "what the import added is gone");
        // A record changed since its import stops the roll-back, and is named.
        let reqs = b.get("/recruitment-requests?q=R2").await;
        let req = first_id(&reqs.body, "/recruitment-requests/");
        let edit = b.get(&format!("/recruitment-requests/{req}/edit")).await;
        let v = version_of(&edit.body);
        let r = b.post(&format!("/recruitment-requests/{req}"), &[("organisation_ref", "DK-1"), ("title", "Chauffør"), ("positions", "2"), ("received_date", "2022-05-01"), ("status", "withdrawn"), ("version", &v)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = b.post(&format!("/imports/{rid}/roll-back"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("the record R2 has been changed since"), "{}", r.body);
        // In Danish.
        b.get("/language/da?next=/imports").await;
        let da = b.get("/imports").await;
        assert!(da.body.contains("<h1>Importhistorik</h1>") && da.body.contains("Rullet tilbage"));
    }

    async fn read_only_roles_get_no_buttons_and_are_refused(app) {
        app.seed().await;
        let (dk1, _) = employers(app).await;
        load(app, Kind::Activities, ACTIVITIES).await;
        load(app, Kind::RecruitmentRequests, REQUESTS).await;
        let am = app.signed_in("am@test.example").await;
        let list = am.get("/activities?q=F1").await;
        let act = first_id(&list.body, "/activities/");
        let list = am.get("/recruitment-requests?q=R1").await;
        let req = first_id(&list.body, "/recruitment-requests/");
        let imports = am.get("/imports").await;
        let imp = imports.body.split("href=\"/imports/").nth(1).unwrap().split('/').next().unwrap().to_owned();
        for who in ["committee@test.example", "adviser@test.example"] {
            let b = app.signed_in(who).await;
            let list = b.get("/activities").await;
            assert_eq!(list.status, StatusCode::OK, "{who} reads the list");
            assert!(!list.body.contains("href=\"/activities/new\""), "{who}");
            let show = b.get(&format!("/activities/{act}")).await;
            assert_eq!(show.status, StatusCode::OK);
            assert!(!show.body.contains(&format!("/activities/{act}/edit")), "{who}");
            let show = b.get(&format!("/recruitment-requests/{req}")).await;
            assert_eq!(show.status, StatusCode::OK);
            assert!(!show.body.contains("/edit\"") && !show.body.contains("/candidates\""), "{who} is offered changes");
            let org = b.get(&format!("/organisations/{dk1}")).await;
            assert!(org.body.contains("id=\"activities\"") && !org.body.contains("/activities/new?organisation="), "{who}");
            assert!(!org.body.contains("/recruitment-requests/new?organisation="));
            let home = b.get("/").await;
            assert!(!home.body.contains("href=\"/imports\""), "{who} may not import");
            assert!(!home.body.contains("Your open recruitment requests"));
            let history = b.get("/imports").await;
            assert_eq!(history.status, StatusCode::OK);
            assert!(!history.body.contains("/roll-back\""), "{who}");
            assert_eq!(b.get("/activities/new").await.status, StatusCode::FORBIDDEN);
            assert_eq!(b.get(&format!("/activities/{act}/edit")).await.status, StatusCode::FORBIDDEN);
            assert_eq!(b.get("/recruitment-requests/new").await.status, StatusCode::FORBIDDEN);
            assert_eq!(b.get(&format!("/imports/{imp}/roll-back")).await.status, StatusCode::FORBIDDEN);
            let r = b.post("/activities", &[("type", "work_placement"), ("organisation_ref", "DK-1"), ("start_date", "2024-01-01")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
            let r = b.post(&format!("/activities/{act}"), &[("type", "work_placement"), ("start_date", "2024-01-01"), ("version", "1")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
            let r = b.post("/recruitment-requests", &[("organisation_ref", "DK-1"), ("title", "X"), ("received_date", "2024-01-01")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
            let r = b.post(&format!("/recruitment-requests/{req}/candidates"), &[("citizen_ref", "CIT-9")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
            let r = b.post(&format!("/imports/{imp}/roll-back"), &[]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
            let r = b.post("/activity-types", &[("code", "x_job"), ("label_en", "X"), ("label_da", "X")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        }
        // A partner sees none of it; an account manager of another district finds none of it.
        let partner = app.signed_in("partner@test.example").await;
        assert!(!partner.get("/").await.body.contains("href=\"/activities\""));
        assert_eq!(partner.get("/activities").await.status, StatusCode::FORBIDDEN);
        assert_eq!(partner.get("/recruitment-requests").await.status, StatusCode::FORBIDDEN);
        assert_eq!(partner.get("/activity-types").await.status, StatusCode::FORBIDDEN);
        let south = app.signed_in("south@test.example").await;
        assert_eq!(south.get(&format!("/activities/{act}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(south.get(&format!("/recruitment-requests/{req}")).await.status, StatusCode::NOT_FOUND);
        assert!(south.get("/activities").await.body.contains("Activities: 0"));
        assert!(!south.get("/imports").await.body.contains("fasit.csv"));
    }
}
