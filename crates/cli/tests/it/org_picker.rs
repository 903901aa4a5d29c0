//! Naming an organisation in a form: a part of its name (in any case, Danish letters too), its
//! CVR number or its reference; several matches offered to choose from, none named with what
//! was searched, another district's never found; and the suggestions while typing.

use crate::both;
use crate::support::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// In north: ORG1 "Jensen Tømrerfirma ApS" (CVR 29189749, postcode 4200), ORG2 "Jensen & Søn
/// Smedie", ORG3 "Ålborg Økologi"; in south: SOUTH1 "Østerby Tømrer".
async fn setup(app: &TestApp) {
    app.seed().await;
    let north = app.api(&app.token("am@test.example").await);
    for body in [
        json!({"ref": "ORG1", "name": "Jensen Tømrerfirma ApS", "cvr": "29189749", "postcode": "4200", "ward": "Slagelse"}),
        json!({"ref": "ORG2", "name": "Jensen & Søn Smedie"}),
        json!({"ref": "ORG3", "name": "Ålborg Økologi"}),
    ] {
        let (s, v) = north.send(Method::POST, "/organisations", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let south = app.api(&app.token("south@test.example").await);
    let (s, v) = south.send(Method::POST, "/organisations", json!({"ref": "SOUTH1", "name": "Østerby Tømrer"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

fn activity(org: &str) -> Value {
    json!({"type": "work_placement", "organisation_ref": org, "start_date": "2024-03-01"})
}

both! {
    async fn a_form_takes_a_part_of_a_name_a_cvr_number_or_a_reference(app) {
        setup(app).await;
        let api = app.api(&app.token("am@test.example").await);
        for (typed, org) in [("TØMRERFIRMA", "ORG1"), ("ålborg øko", "ORG3"), ("29189749", "ORG1"), ("ORG2", "ORG2"), ("  søn smed ", "ORG2")] {
            let (s, v) = api.send(Method::POST, "/activities", activity(typed)).await;
            assert_eq!(s, StatusCode::CREATED, "{typed}: {v}");
            assert_eq!(v["organisation_ref"], org, "{typed}");
        }
        // Agreements name their holder the same way.
        let (s, v) = api
            .send(Method::POST, "/agreements", json!({"organisation_ref": "økologi", "kind": "partnership", "start_date": "2024-01-01"}))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        assert_eq!(v["organisation_ref"], "ORG3");
    }

    async fn several_matches_or_none_are_refused_naming_the_field(app) {
        setup(app).await;
        let api = app.api(&app.token("am@test.example").await);
        let (s, v) = api.send(Method::POST, "/activities", activity("jensen")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["fields"]["organisation_ref"], "2 organisations match \"jensen\": choose one.");
        // Another district's organisation is not found, as one that does not exist.
        // So is one whose name only shares a letter with it.
        for typed in ["Østerby", "SOUTH1", "nothing like it", "Å"] {
            let (s, v) = api.send(Method::POST, "/activities", activity(typed)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{typed}: {v}");
            assert_eq!(
                v["error"]["fields"]["organisation_ref"],
                format!("No organisation in this district has a name, CVR number or reference matching \"{typed}\"."),
            );
        }
        let (_, list) = api.get("/activities").await;
        assert_eq!(list["total"], 0, "nothing written: {list}");
        // Wildcards typed are no wildcards.
        let (s, _) = api.send(Method::POST, "/activities", activity("%")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn the_page_offers_the_matches_and_takes_the_one_chosen(app) {
        setup(app).await;
        let b = app.signed_in("am@test.example").await;
        b.get("/activities/new").await;
        let form = [("type", "work_placement"), ("organisation_ref", "jensen"), ("start_date", "2024-03-01"), ("outcome", "ongoing")];
        let bad = b.post("/activities", &form).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("2 organisations match &#34;jensen&#34;: choose one."), "{}", bad.body);
        assert!(bad.body.contains("<legend>Choose the organisation you mean</legend>"));
        for r in ["ORG1", "ORG2"] {
            assert!(bad.body.contains(&format!("name=\"organisation_ref.choice\" value=\"{r}\"")), "{r}");
        }
        assert!(bad.body.contains("Jensen Tømrerfirma ApS") && bad.body.contains("CVR 29189749 · ORG1 · 4200 Slagelse"));
        assert!(!bad.body.contains("value=\"ORG3\""), "only the matches are offered");
        // The choice stands in for the typed text.
        let mut chosen = form.to_vec();
        chosen.push(("organisation_ref.choice", "ORG2"));
        let ok = b.post("/activities", &chosen).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
        let show = b.get(ok.headers["location"].to_str().unwrap()).await;
        assert!(show.body.contains("Jensen &#38; Søn Smedie"), "{}", show.body);
        // "None of these" searches the typed text again; in Danish too.
        b.get("/language/da?next=/activities/new").await;
        let mut again = form.to_vec();
        again.push(("organisation_ref.choice", ""));
        let da = b.post("/activities", &again).await;
        assert_eq!(da.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(da.body.contains("2 organisationer matcher &#34;jensen&#34;: vælg én.") && da.body.contains("Vælg den organisation, du mener"));
        let none = b.post("/activities", &[("type", "work_placement"), ("organisation_ref", "Østerby"), ("start_date", "2024-03-01")]).await;
        assert!(none.body.contains("Ingen organisation i området har et navn, CVR-nummer eller en reference, der matcher &#34;Østerby&#34;."));
        assert!(!none.body.contains("organisation_ref.choice"));
        // Past twenty matches the first twenty are offered, and the page says there are more.
        let api = app.api(&app.token("am@test.example").await);
        for n in 0..20 {
            let (s, v) = api.send(Method::POST, "/organisations", json!({"name": format!("Hansen Transport {n:02}")})).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        b.get("/language/en?next=/activities/new").await;
        let many = b.post("/activities", &[("type", "work_placement"), ("organisation_ref", "hansen"), ("start_date", "2024-03-01")]).await;
        assert!(many.body.contains("20 organisations match &#34;hansen&#34;: choose one."), "exactly twenty: all offered");
        assert!(!many.body.contains("Only the first, by name, are listed"));
        let (s, _) = api.send(Method::POST, "/organisations", json!({"name": "Hansen Transport 20"})).await;
        assert_eq!(s, StatusCode::CREATED);
        let many = b.post("/activities", &[("type", "work_placement"), ("organisation_ref", "hansen"), ("start_date", "2024-03-01")]).await;
        assert!(many.body.contains("21 organisations match &#34;hansen&#34;: choose one."));
        assert!(many.body.contains("Only the first, by name, are listed: type more of the name to narrow the search."));
        assert_eq!(many.body.matches("name=\"organisation_ref.choice\"").count(), 21, "twenty and none of these");
        assert!(!many.body.contains("Hansen Transport 20"), "the twenty-first by name is left out");
    }

    async fn suggestions_while_typing_come_from_the_users_districts(app) {
        setup(app).await;
        let b = app.signed_in("am@test.example").await;
        let found = |body: &str| -> Vec<String> {
            let v: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {body}"));
            v.as_array().unwrap().iter().map(|o| o["ref"].as_str().unwrap().to_owned()).collect()
        };
        let page = b.get("/organisations/lookup?q=t%C3%B8mrer").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.headers["content-type"].to_str().unwrap().starts_with("application/json"));
        assert_eq!(found(&page.body), ["ORG1"], "not the south district's");
        let v: Value = serde_json::from_str(&page.body).unwrap();
        assert_eq!(v[0], json!({"ref": "ORG1", "name": "Jensen Tømrerfirma ApS", "cvr": "29189749", "city": "4200 Slagelse"}));
        assert_eq!(found(&b.get("/organisations/lookup?q=JENSEN").await.body), ["ORG2", "ORG1"], "by name");
        assert!(found(&b.get("/organisations/lookup?q=j").await.body).is_empty(), "one character suggests nothing");
        let south = app.signed_in("south@test.example").await;
        assert_eq!(found(&south.get("/organisations/lookup?q=t%C3%B8mrer").await.body), ["SOUTH1"]);
        // Partners see no directory, so get no suggestions from it.
        let partner = app.signed_in("partner@test.example").await;
        assert_eq!(partner.get("/organisations/lookup?q=jensen").await.status, StatusCode::FORBIDDEN);
    }
}
