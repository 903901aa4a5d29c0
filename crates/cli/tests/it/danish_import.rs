//! Import files from Danish Excel: Danish column names beside the English ones, the Danish
//! words of code columns beside the codes, and dates that cannot be. A Danish file imports the
//! very records its English twin does.

use crate::both;
use crate::support::TestApp;
use accord_app::Actor;
use accord_app::import::{ImportReport, Kind, import_file};
use accord_domain::Lang;

async fn load(app: &TestApp, kind: Kind, body: &str) -> ImportReport {
    import_file(&app.app, &Actor::system(), kind, Some("north"), body.as_bytes(), "fil.csv", false, |_| {})
        .await
        .unwrap()
}

/// Imports `danish`, then its English twin, which must then change nothing.
async fn twins(app: &TestApp, kind: Kind, danish: &str, english: &str, rows: usize) {
    let first = load(app, kind, danish).await;
    assert!(first.errors.is_empty(), "{kind:?}: {:?}", first.errors);
    assert_eq!((first.added, first.updated, first.unchanged), (rows, 0, 0), "{kind:?}");
    let twin = load(app, kind, english).await;
    assert!(twin.errors.is_empty(), "{kind:?}: {:?}", twin.errors);
    assert_eq!(
        (twin.added, twin.updated, twin.unchanged),
        (0, 0, rows),
        "{kind:?}: the English twin is the same records"
    );
}

const ORGS_DA: &str = "\u{feff}Reference;Navn;Type;Niveau;Del af;CVR-nummer;P-nummer;Branche;Postnummer;Bydel;Virksomhedskonsulent;Status\r\n\
S1;Netto Slagelse;Arbejdsgiver;Enhed;CO;35954716;1003388394;47.11;4200;Slagelse By;am@test.example;Aktiv\r\n\
G;Salling Group A/S;arbejdsgiver;koncern;;35954716;;47;;;;aktiv\r\n\
CO;Netto;ARBEJDSGIVER;Virksomhed;G;;;47;;;;\r\n\
A;Jensen Tømrerfirma ApS;Frivillig  organisation;;;29189749;;43;4220;Korsør;;Ophørt\r\n";

const ORGS_EN: &str = "ref,name,kind,level,parent_ref,cvr,p_number,sector,postcode,ward,account_manager_email,status\n\
S1,Netto Slagelse,employer,site,CO,35954716,1003388394,47.11,4200,Slagelse By,am@test.example,active\n\
G,Salling Group A/S,employer,group,,35954716,,47,,,,active\n\
CO,Netto,employer,company,G,,,47,,,,\n\
A,Jensen Tømrerfirma ApS,voluntary,,,29189749,,43,4220,Korsør,,ceased\n";

both! {
    async fn a_danish_file_imports_the_same_records_as_its_english_twin(app) {
        app.seed().await;
        twins(app, Kind::Organisations, ORGS_DA, ORGS_EN, 4).await;
        let (_, v) = app.api(&app.token("admin@test.example").await).get("/organisations?q=jensen").await;
        assert_eq!((v["items"][0]["kind"].as_str(), v["items"][0]["status"].as_str()), (Some("voluntary"), Some("ceased")), "{v}");

        let contacts_da = "Reference,Organisation,Navn,E-mail,Samtykke,Primær kontakt,Stilling\n\
K1,29189749,Hanne Kristensen,hanne@example.dk,ja,ja,HR-chef\nK2,S1,Ib Holm,,nej,,\n";
        let contacts_en = "ref,organisation_ref,name,email,consent,is_primary,role\n\
K1,29189749,Hanne Kristensen,hanne@example.dk,yes,true,HR-chef\nK2,S1,Ib Holm,,no,,\n";
        twins(app, Kind::Contacts, contacts_da, contacts_en, 2).await;

        let agreements_da = "Reference;Organisation;Aftaletype;Startdato;Slutdato;Status;Formål;Enheder;Sprog;Kontaktperson\r\n\
P1;29189749;Partnerskabsaftale;01.03.2015;;Aktiv;Rekruttering og praktik;;Dansk;K1\r\n\
P2;CO;Styrket partnerskabsaftale (VIP-aftale);2018-01-01;31-12-2030;aktiv;;S1;engelsk;\r\n\
P4;G;serviceaftale;2024-01-01;;Kladde;;;;\r\n";
        let agreements_en = "ref;organisation_ref;kind;start_date;end_date;status;purpose;sites;language;contact_ref\r\n\
P1;29189749;partnership;2015-03-01;;active;Rekruttering og praktik;;da;K1\r\n\
P2;CO;strengthened;2018-01-01;2030-12-31;active;;S1;en;\r\n\
P4;G;service_level;2024-01-01;;draft;;;;\r\n";
        twins(app, Kind::Agreements, agreements_da, agreements_en, 3).await;

        let activities_da = "\u{feff}Kilde-id;Aktivitetstype;Organisation;Startdato;Slutdato;Borgerreference;Resultat\r\n\
F1;work_placement;S1;03.01.2022;;CIT-1;I gang\r\n\
F2;Løntilskud;1003388394;10-02-2022;2022-05-10;CIT-2;Ansat\r\n\
F3;Adult apprentice;29189749;2022-03-01;;;\r\n\
F4;voksenlærlinge;A;2021-12-01;2022-01-31;CIT-4;afsluttet\r\n\
F5;work_placement;A;2022-06-01;2022-06-02;CIT-5;AFBRUDT\r\n";
        let activities_en = "source_id,type,organisation_ref,start_date,end_date,citizen_ref,outcome\n\
F1,work_placement,S1,2022-01-03,,CIT-1,ongoing\n\
F2,wage_subsidy,1003388394,2022-02-10,2022-05-10,CIT-2,hired\n\
F3,adult_apprentice,29189749,2022-03-01,,,\n\
F4,adult_apprentice,A,2021-12-01,2022-01-31,CIT-4,ended\n\
F5,work_placement,A,2022-06-01,2022-06-02,CIT-5,cancelled\n";
        twins(app, Kind::Activities, activities_da, activities_en, 5).await;

        let requests_da = "Kilde-id,Organisation,Titel,Stillinger,Modtaget,Status,Ansættelser,Stillingsbetegnelse,Frist\n\
R1,S1,Bagere,3,01.02.2022,Besat,2,Bager,2022-03-01\n\
R2,A,Tømrer,1,2022-03-01,Åben,,,\n\
R3,CO,Lager,2,2022-04-01,besat andetsteds,,,\n\
R4,CO,Kasse,2,2022-04-02,Trukket tilbage,,,\n";
        let requests_en = "source_id,organisation_ref,title,positions,received_date,status,hires,occupation,deadline\n\
R1,S1,Bagere,3,2022-02-01,filled,2,Bager,2022-03-01\n\
R2,A,Tømrer,1,2022-03-01,open,,,\n\
R3,CO,Lager,2,2022-04-01,filled_elsewhere,,,\n\
R4,CO,Kasse,2,2022-04-02,withdrawn,,,\n";
        twins(app, Kind::RecruitmentRequests, requests_da, requests_en, 4).await;
    }

    async fn a_file_may_mix_the_languages_but_not_give_a_column_twice(app) {
        app.seed().await;
        let mixed = load(app, Kind::Organisations, "ref,Navn,TYPE,cvr-nummer\nA,Jensen ApS,arbejdsgiver,29189749\n").await;
        assert!(mixed.errors.is_empty(), "{:?}", mixed.errors);
        assert_eq!(mixed.added, 1);
        let twice = load(app, Kind::Organisations, "ref,name,Navn\nB,Holm ApS,Holm ApS\n").await;
        assert_eq!(twice.errors.len(), 1, "{:?}", twice.errors);
        let e = &twice.errors[0].error;
        assert_eq!((e.field.as_str(), e.code.as_str(), e.value.as_deref()), ("name", "import.column_twice", Some("name, navn")));
        let said = accord_web::i18n::import_problem(Lang::En, Kind::Organisations, e);
        assert!(said.contains("name, navn"), "{said}");
        let twice = load(app, Kind::Activities, "source_id,kilde-id,type,organisation_ref,start_date\nX,X,work_placement,A,2022-01-01\n").await;
        assert_eq!(twice.errors[0].error.value.as_deref(), Some("source_id, kilde-id"));
        let (_, v) = app.api(&app.token("admin@test.example").await).get("/organisations").await;
        assert_eq!(v["total"], 1, "the refused files wrote nothing");
        // A column missing is named in both languages, the reader's first.
        let missing = load(app, Kind::Organisations, "reference\nC\n").await;
        let e = &missing.errors.iter().find(|e| e.error.code == "import.missing_column").unwrap().error;
        assert_eq!(accord_web::i18n::import_problem(Lang::Da, Kind::Organisations, e), "Kolonnen navn (name) mangler.");
    }

    async fn an_impossible_date_or_an_unknown_word_is_named_with_what_is_accepted(app) {
        app.seed().await;
        assert!(load(app, Kind::Organisations, ORGS_EN).await.errors.is_empty());
        let file = "kilde-id,aktivitetstype,organisation,startdato,resultat\n\
D1,work_placement,S1,31-02-2022,\n\
D2,work_placement,S1,2022-02-30,\n\
D3,work_placement,S1,2022-02-01,vundet\n\
D4,work_placement,S1,2022-02-31x,\n";
        let r = load(app, Kind::Activities, file).await;
        let got: Vec<(usize, &str, &str)> = r.errors.iter().map(|e| (e.line, e.error.field.as_str(), e.error.code.as_str())).collect();
        assert_eq!(
            got,
            [(2, "start_date", "date.impossible"), (3, "start_date", "date.impossible"), (4, "outcome", "activity.outcome_unknown"), (5, "start_date", "date.invalid")]
        );
        let en = accord_web::i18n::import_problem(Lang::En, Kind::Activities, &r.errors[0].error);
        assert_eq!(en, "The date 31-02-2022 does not exist. Dates are written YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY.");
        let da = accord_web::i18n::import_problem(Lang::Da, Kind::Activities, &r.errors[1].error);
        assert_eq!(da, "Datoen 2022-02-30 findes ikke. Datoer skrives ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ.");
        let da = accord_web::i18n::import_problem(Lang::Da, Kind::Activities, &r.errors[2].error);
        assert_eq!(da, "\"vundet\" er ikke et af kolonnens ord: i gang (ongoing), ansat (hired), afsluttet (ended), afbrudt (cancelled).");
        // The small imports say the same of their dates.
        let agreements = "reference,organisation,aftaletype,startdato\nP9,S1,partnerskabsaftale,30.02.2022\n";
        let r = load(app, Kind::Agreements, agreements).await;
        assert_eq!(r.errors.iter().map(|e| e.error.code.as_str()).collect::<Vec<_>>(), ["date.impossible"]);
    }

    async fn the_upload_page_speaks_danish_and_counts_right(app) {
        app.seed().await;
        let b = app.signed_in("am@test.example").await;
        let csrf = b.token();
        let upload = |body: &'static str| {
            let form = reqwest::multipart::Form::new()
                .text("_csrf", csrf.clone())
                .text("kind", "activities")
                .text("action", "check")
                .part("file", reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name("fil.csv"));
            b.client.post(format!("{}/organisations/import", app.url)).header("accept-language", "da").multipart(form).send()
        };
        let one = upload("kilde-id,aktivitetstype,organisation,startdato\nD1,work_placement,NOPE,2022-01-01\n").await.unwrap().text().await.unwrap();
        assert!(one.contains("Filen har 1 problem</h2>"), "{one}");
        assert!(one.contains("<code>organisation (organisation_ref)</code>"), "{one}");
        let two = upload("kilde-id,aktivitetstype,organisation,startdato\nD1,work_placement,NOPE,31-02-2022\n").await.unwrap().text().await.unwrap();
        assert!(two.contains("Filen har 2 problemer</h2>"), "{two}");
        assert!(two.contains("Datoen 31-02-2022 findes ikke"), "{two}");
        let page = b.get("/organisations/import").await;
        assert!(page.body.contains("<title>Import a file"), "{}", &page.body[..400]);
        assert!(page.body.contains("open (åben), filled (besat)"), "the words of the request statuses are listed");
    }
}
