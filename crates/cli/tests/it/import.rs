//! Importing and exporting the directory: all or nothing, idempotent, round-tripping.

use crate::both;
use crate::support::TestApp;
use accord_app::files::Format;
use accord_app::import::{Kind, import};
use reqwest::StatusCode;

async fn import_file(app: &TestApp, kind: Kind, bytes: &[u8], dry: bool) -> accord_app::import::ImportReport {
    import(&app.app, &accord_app::Actor::system(), kind, Some("north"), bytes, dry).await.unwrap()
}

const ORGS: &str = "\u{feff}ref;name;kind;level;parent_ref;cvr;p_number;sector;postcode;ward;account_manager_email\r\n\
S1;Netto Slagelse;employer;site;CO;35954716;1003388394;47.11;4200;Slagelse By;am@test.example\r\n\
G;Salling Group A/S;employer;group;;35954716;;47;;;\r\n\
CO;Netto;employer;company;G;;;47;;;\r\n\
A;Jensen Tømrerfirma ApS;;;;29189749;;43;4220;Korsør;\r\n";

both! {
    async fn an_import_is_all_or_nothing(app) {
        app.seed().await;
        let bad = "ref,name,cvr,sector,p_number\nA,Good Ltd,29189749,43,\nB,,35954717,99x,12\nC,Fine ApS,,,\n";
        let report = import_file(app, Kind::Organisations, bad.as_bytes(), false).await;
        assert_eq!(report.added, 0);
        let lines: Vec<(usize, &str)> = report.errors.iter().map(|e| (e.line, e.error.field.as_str())).collect();
        assert!(lines.contains(&(3, "name")) && lines.contains(&(3, "cvr")) && lines.contains(&(3, "sector")) && lines.contains(&(3, "p_number")), "{lines:?}");
        assert!(report.errors.iter().all(|e| e.line == 3));
        let (_, v) = app.api(&app.token("admin@test.example").await).get("/organisations").await;
        assert_eq!(v["total"], 0, "nothing written");
        let unknown = import_file(app, Kind::Organisations, b"ref,name,colour\nA,B,red\n", false).await;
        assert_eq!(unknown.errors[0].error.code, "import.unknown_columns");
        assert_eq!(unknown.errors[0].error.value.as_deref(), Some("colour"));
        let missing = import_file(app, Kind::Organisations, b"ref,kind\nA,employer\n", false).await;
        assert!(missing.errors.iter().any(|e| e.error.code == "import.missing_column" && e.error.field == "name"));
    }

    async fn importing_twice_changes_nothing_and_round_trips(app) {
        app.seed().await;
        let dry = import_file(app, Kind::Organisations, ORGS.as_bytes(), true).await;
        assert!(dry.errors.is_empty(), "{:?}", dry.errors);
        assert_eq!(dry.added, 4);
        let (_, v) = app.api(&app.token("admin@test.example").await).get("/organisations").await;
        assert_eq!(v["total"], 0, "a dry run writes nothing");
        let first = import_file(app, Kind::Organisations, ORGS.as_bytes(), false).await;
        assert!(first.errors.is_empty(), "{:?}", first.errors);
        assert_eq!((first.added, first.updated, first.unchanged), (4, 0, 0));
        let admin = app.api(&app.token("admin@test.example").await);
        let audit_before = admin.get("/audit?per_page=1").await.1["total"].clone();
        let second = import_file(app, Kind::Organisations, ORGS.as_bytes(), false).await;
        assert_eq!((second.added, second.updated, second.unchanged), (0, 0, 4));
        let audit_after = admin.get("/audit?per_page=1").await.1["total"].clone();
        assert_eq!(audit_after.as_i64().unwrap(), audit_before.as_i64().unwrap() + 1, "only the import's own entry");
        let corrected = ORGS.replace("Korsør;\r\n", "Skælskør;\r\n");
        let third = import_file(app, Kind::Organisations, corrected.as_bytes(), false).await;
        assert_eq!((third.added, third.updated, third.unchanged), (0, 1, 3));
        // The parent given by ref comes out again; an export imports as "unchanged".
        for format in [Format::Csv, Format::Xlsx] {
            let out = accord_app::import::export(&app.app, &accord_app::Actor::system(), Kind::Organisations, format, Some("north")).await.unwrap();
            let again = import_file(app, Kind::Organisations, &out, false).await;
            assert!(again.errors.is_empty(), "{:?}", again.errors);
            assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 4), "{format:?}");
        }
        let (_, v) = app.api(&app.token("am@test.example").await).get("/organisations?q=netto%20slagelse").await;
        assert_eq!(v["items"][0]["parent_ref"], "CO");
        assert_eq!(v["items"][0]["sector"], "47");
        assert_eq!(v["items"][0]["account_manager_email"], "am@test.example");
        // Contacts, matched by the organisation's CVR.
        let contacts = "ref,organisation_ref,name,email,consent\nK1,29189749,Hanne Kristensen,hanne@example.dk,ja\nK2,S1,Ib Holm,,nej\n";
        let r = import_file(app, Kind::Contacts, contacts.as_bytes(), false).await;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.added, 2);
        assert_eq!(import_file(app, Kind::Contacts, contacts.as_bytes(), false).await.unchanged, 2);
        let out = accord_app::import::export(&app.app, &accord_app::Actor::system(), Kind::Contacts, Format::Csv, Some("north")).await.unwrap();
        assert_eq!(import_file(app, Kind::Contacts, &out, false).await.unchanged, 2);
        let bad = import_file(app, Kind::Contacts, b"ref,organisation_ref,name\nK3,NOPE,Someone\n", false).await;
        assert_eq!(bad.errors[0].line, 2);
        assert_eq!(bad.errors[0].error.field, "organisation_ref");
    }

    async fn upload_page_shows_every_bad_line(app) {
        app.seed().await;
        let b = app.signed_in("am@test.example").await;
        let page = b.get("/organisations/import").await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = b.token();
        let upload = |action: &'static str, body: &'static str| {
            let form = reqwest::multipart::Form::new()
                .text("_csrf", csrf.clone())
                .text("kind", "organisations")
                .text("action", action)
                .part("file", reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name("orgs.csv"));
            b.client.post(format!("{}/organisations/import", app.url)).multipart(form).send()
        };
        let res = upload("import", "ref,name,cvr\nA,Good,29189749\nB,Bad,123\n").await.unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = res.text().await.unwrap();
        assert!(body.contains("The file has 1 problem</h2>"), "{body}");
        assert!(body.contains("<td class=\"numeric\">3</td>") && body.contains("<code>cvr (cvr-nummer)</code>"));
        let (_, v) = app.api(&app.token("am@test.example").await).get("/organisations").await;
        assert_eq!(v["total"], 0);
        let res = upload("check", "ref,name\nA,Good\n").await.unwrap();
        assert!(res.text().await.unwrap().contains("The file is ready to import"));
        let res = upload("import", "ref,name\nA,Good\n").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.text().await.unwrap().contains("1 row: 1 new, 0 changed, 0 unchanged."));
        // Without the form's token the upload is refused.
        let form = reqwest::multipart::Form::new().text("kind", "organisations").part("file", reqwest::multipart::Part::bytes(b"ref,name\nB,X\n".to_vec()));
        let res = b.client.post(format!("{}/organisations/import", app.url)).multipart(form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        // Export from the page.
        let res = b.client.get(format!("{}/organisations/export?kind=organisations&format=xlsx", app.url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-disposition"].to_str().unwrap().contains("organisations.xlsx"));
        assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    }

    async fn agreements_import_all_or_nothing_idempotent_and_round_trip(app) {
        app.seed().await;
        assert!(import_file(app, Kind::Organisations, ORGS.as_bytes(), false).await.errors.is_empty());
        // The contract's columns only; dates in every accepted form; a chain agreement covers its store.
        let file = "ref;organisation_ref;kind;start_date;end_date;status;purpose;sites\r\n\
P1;29189749;partnership;01.03.2015;;active;Rekruttering og praktik;\r\n\
P2;CO;strengthened;2018-01-01;31-12-2030;active;;S1\r\n\
P3;A;partnership;2010-01-01;2014-12-31;terminated;;\r\n\
P4;G;service_level;2024-01-01;;draft;;\r\n";
        let first = import_file(app, Kind::Agreements, file.as_bytes(), false).await;
        assert!(first.errors.is_empty(), "{:?}", first.errors);
        assert_eq!((first.added, first.updated, first.unchanged), (4, 0, 0));
        let second = import_file(app, Kind::Agreements, file.as_bytes(), false).await;
        assert_eq!((second.added, second.updated, second.unchanged), (0, 0, 4));
        let admin = app.api(&app.token("admin@test.example").await);
        let (_, v) = admin.get("/agreements?q=P2").await;
        assert_eq!(v["items"][0]["sites"][0]["ref"], "S1", "{v}");
        // A terminated row without a termination date ended on its end date.
        let (_, v) = admin.get("/agreements?q=P3").await;
        assert_eq!(v["items"][0]["terminated_on"], "2014-12-31", "{v}");
        // An export imports back as unchanged.
        for format in [Format::Csv, Format::Xlsx] {
            let out = accord_app::import::export(&app.app, &accord_app::Actor::system(), Kind::Agreements, format, Some("north")).await.unwrap();
            let again = import_file(app, Kind::Agreements, &out, false).await;
            assert!(again.errors.is_empty(), "{:?}", again.errors);
            assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 4), "{format:?}");
        }
        let changed = file.replace("P4;G;service_level;2024-01-01;;draft", "P4;G;service_level;2024-01-01;;active");
        let third = import_file(app, Kind::Agreements, changed.as_bytes(), false).await;
        assert_eq!((third.added, third.updated, third.unchanged), (0, 1, 3), "{:?}", third.errors);
        // Every bad line is named, and nothing is written.
        let bad = "ref,organisation_ref,kind,start_date,end_date,status\n\
B1,29189749,partnership,2016-01-01,,active\n\
B2,NOPE,partnership,2020-01-01,,active\n\
B3,S1,vip,2020-01-01,,active\n\
B4,S1,partnership,2020-05-01,2020-04-01,active\n\
B5,G,partnership,2021-01-01,,active\n\
P4,G,service_level,2024-01-01,,draft\n";
        let report = import_file(app, Kind::Agreements, bad.as_bytes(), false).await;
        let got: Vec<(usize, &str, &str)> = report.errors.iter().map(|e| (e.line, e.error.field.as_str(), e.error.code.as_str())).collect();
        for want in [
            (2, "organisation_ref", "agreement.overlap"),
            (3, "organisation_ref", "org.unknown"),
            (4, "kind", "agreement.kind_unknown"),
            (5, "start_date", "agreement.end_before_start"),
            (5, "end_date", "agreement.end_before_start"),
            (7, "status", "agreement.status_backwards"),
        ] {
            assert!(got.contains(&want), "{want:?} missing from {got:?}");
        }
        assert!(!got.iter().any(|(line, _, _)| *line == 6), "B5 is fine: {got:?}");
        assert_eq!(report.added, 0);
        let (_, v) = admin.get("/agreements").await;
        assert_eq!(v["total"], 4, "nothing written");
        let missing = import_file(app, Kind::Agreements, b"ref,organisation_ref,kind\nX,A,partnership\n", false).await;
        assert!(missing.errors.iter().any(|e| e.error.code == "import.missing_column" && e.error.field == "start_date"));
    }
}
