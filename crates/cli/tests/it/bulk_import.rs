//! The bulk import of activities and recruitment requests: all or nothing with every bad line
//! named, idempotent by source_id, corrected files updating only what changed, rollback.

use crate::both;
use crate::support::TestApp;
use accord_app::files::Format;
use accord_app::import::{ImportReport, Kind, export, import_file};
use accord_app::{Actor, AppError};

const ORGS: &str = "ref,name,cvr,p_number,level,parent_ref\n\
CO,Netto,35954716,,company,\n\
S1,Netto Slagelse,35954716,1003388394,site,CO\n\
A,Jensen Tømrerfirma ApS,29189749,,company,\n";

async fn load(app: &TestApp, kind: Kind, body: &str, dry: bool) -> ImportReport {
    let admin = Actor::system();
    import_file(&app.app, &admin, kind, Some("north"), body.as_bytes(), "fasit.csv", dry, |_| {}).await.unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    use accord_db::sea_orm::{ConnectionTrait, Statement};
    let row = app
        .db
        .conn
        .query_one_raw(Statement::from_string(app.db.backend(), format!("SELECT COUNT(*) AS n FROM {table}")))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn setup(app: &TestApp) {
    app.seed().await;
    let r = accord_app::import::import(
        &app.app,
        &Actor::system(),
        Kind::Organisations,
        Some("north"),
        ORGS.as_bytes(),
        false,
    )
    .await
    .unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

const ACTIVITIES: &str = "\u{feff}source_id;type;organisation_ref;start_date;end_date;citizen_ref;outcome\r\n\
F1;work_placement;S1;03.01.2022;;CIT-1;ongoing\r\n\
F2;Løntilskud;1003388394;10-02-2022;2022-05-10;CIT-2;hired\r\n\
F3;Adult apprentice;29189749;2022-03-01;;;\r\n\
F4;voksenlærlinge;A;2021-12-01;2022-01-31;CIT-4;ended\r\n";

both! {
    async fn activities_import_exactly_and_idempotently(app) {
        setup(app).await;
        let dry = load(app, Kind::Activities, ACTIVITIES, true).await;
        assert!(dry.errors.is_empty(), "{:?}", dry.errors);
        assert_eq!((dry.added, dry.updated, dry.unchanged), (4, 0, 0));
        assert_eq!(count(app, "activities").await, 0, "a dry run writes nothing");
        assert_eq!(count(app, "imports").await, 0);
        let first = load(app, Kind::Activities, ACTIVITIES, false).await;
        assert!(first.errors.is_empty(), "{:?}", first.errors);
        assert_eq!((first.rows, first.added, first.updated, first.unchanged), (4, 4, 0, 0));
        let again = load(app, Kind::Activities, ACTIVITIES, false).await;
        assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 4));
        // Labels in either language and aliases become codes; missing outcome is ongoing.
        let out = String::from_utf8(export(&app.app, &Actor::system(), Kind::Activities, Format::Csv, Some("north")).await.unwrap()).unwrap();
        assert!(out.starts_with("source_id,type,organisation_ref,start_date,end_date,citizen_ref,outcome"), "{out}");
        assert!(out.contains("F2,wage_subsidy,S1,2022-02-10,2022-05-10,CIT-2,hired"), "{out}");
        assert!(out.contains("F3,adult_apprentice,A,2022-03-01,,,ongoing"), "{out}");
        assert!(out.contains("F4,adult_apprentice,A,2021-12-01,2022-01-31,CIT-4,ended"), "{out}");
        // The export imports back as unchanged.
        let back = load(app, Kind::Activities, &out, false).await;
        assert_eq!((back.added, back.updated, back.unchanged), (0, 0, 4), "{:?}", back.errors);
        // A corrected file updates only the changed row; columns the file lacks keep their values.
        let corrected = "source_id,type,organisation_ref,start_date,outcome\nF1,work_placement,S1,2022-01-03,hired\nF2,wage_subsidy,S1,2022-02-10,hired\n";
        let fix = load(app, Kind::Activities, corrected, false).await;
        assert_eq!((fix.added, fix.updated, fix.unchanged), (0, 1, 1), "{:?}", fix.errors);
        let out = String::from_utf8(export(&app.app, &Actor::system(), Kind::Activities, Format::Csv, Some("north")).await.unwrap()).unwrap();
        assert!(out.contains("F1,work_placement,S1,2022-01-03,,CIT-1,hired"), "{out}");
        assert!(out.contains("F2,wage_subsidy,S1,2022-02-10,2022-05-10,CIT-2,hired"), "{out}");
        // The history lists each import; the newest can be rolled back, restoring F1.
        let history = accord_app::bulk::history(&app.app, &Actor::system(), 10).await.unwrap();
        assert_eq!(history.len(), 4);
        assert_eq!(history[0].filename, "fasit.csv");
        assert!(history[0].can_roll_back && !history[1].can_roll_back);
        let err = accord_app::bulk::roll_back(&app.app, &Actor::system(), history[1].id).await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(ref e) if e.0[0].code == "import.newer_exists"), "{err:?}");
        accord_app::bulk::roll_back(&app.app, &Actor::system(), history[0].id).await.unwrap();
        let out = String::from_utf8(export(&app.app, &Actor::system(), Kind::Activities, Format::Csv, Some("north")).await.unwrap()).unwrap();
        assert!(out.contains("F1,work_placement,S1,2022-01-03,,CIT-1,ongoing"), "{out}");
        // Rolling back the first import (the later ones changed nothing) removes what it added.
        for h in accord_app::bulk::history(&app.app, &Actor::system(), 10).await.unwrap() {
            if h.rolled_back_at.is_none() {
                accord_app::bulk::roll_back(&app.app, &Actor::system(), h.id).await.unwrap();
            }
        }
        assert_eq!(count(app, "activities").await, 0);
        // After a large import the imported table's statistics are refreshed, and only a
        // table's name is taken.
        for table in ["activities", "recruitment_requests"] {
            app.db.analyze_table(table).await.unwrap();
        }
        let err = app.db.analyze_table("activities; DROP TABLE activities").await.unwrap_err();
        assert!(err.to_string().contains("not a table name"), "{err}");
        assert_eq!(count(app, "activities").await, 0);
    }

    async fn a_bad_activities_file_names_every_bad_line_and_writes_nothing(app) {
        setup(app).await;
        assert!(load(app, Kind::Activities, ACTIVITIES, false).await.errors.is_empty());
        let before = count(app, "activities").await;
        let imports = count(app, "imports").await;
        let bad = "source_id,type,organisation_ref,start_date,end_date,citizen_ref,outcome\n\
N1,work_placement,S1,2022-01-03,,,\n\
N2,knitting,S1,2022-01-03,,,\n\
N3,work_placement,NOPE,2022-01-03,,,\n\
N4,work_placement,S1,31.02.2022,,,\n\
N5,work_placement,S1,2022-05-01,2022-04-01,,\n\
N6,work_placement,S1,2022-05-01,,010203-1234,\n\
N7,work_placement,S1,2022-05-01,,,won\n\
N1,work_placement,S1,2022-01-03,,,\n\
,work_placement,S1,2022-01-03,,,\n\
F1,work_placement,S1,2022-01-03,,CIT-1,hired\n";
        let r = load(app, Kind::Activities, bad, false).await;
        let got: Vec<(usize, &str, &str)> = r.errors.iter().map(|e| (e.line, e.error.field.as_str(), e.error.code.as_str())).collect();
        for want in [
            (3, "type", "activity_type.unknown"),
            (4, "organisation_ref", "org.unknown"),
            (5, "start_date", "date.impossible"),
            (6, "start_date", "period.end_before_start"),
            (6, "end_date", "period.end_before_start"),
            (7, "citizen_ref", "citizen_ref.national_id"),
            (8, "outcome", "activity.outcome_unknown"),
            (9, "source_id", "import.source_repeated"),
            (10, "source_id", "field.required"),
        ] {
            assert!(got.contains(&want), "{want:?} missing from {got:?}");
        }
        assert!(!got.iter().any(|(l, _, _)| *l == 2 || *l == 11), "{got:?}");
        assert_eq!((r.added, r.updated, r.unchanged), (0, 0, 0));
        assert_eq!(count(app, "activities").await, before, "nothing written");
        assert_eq!(count(app, "imports").await, imports, "no history entry");
        let missing = load(app, Kind::Activities, "source_id,type,start_date\nX,work_placement,2022-01-01\n", false).await;
        assert!(missing.errors.iter().any(|e| e.error.code == "import.missing_column" && e.error.field == "organisation_ref"));
        let unknown = load(app, Kind::Activities, "source_id,type,organisation_ref,start_date,colour\n", false).await;
        assert_eq!(unknown.errors[0].error.code, "import.unknown_columns");
        let empty = load(app, Kind::Activities, "source_id,type,organisation_ref,start_date\n", false).await;
        assert_eq!(empty.errors[0].error.code, "import.empty");
    }

    async fn recruitment_requests_import_and_round_trip(app) {
        setup(app).await;
        let file = "source_id,organisation_ref,title,positions,received_date,status,hires\n\
R1,S1,Butiksassistenter,4,2022-02-01,filled,3\n\
R2,A,Tømrerlærling,,2022-03-15,,\n";
        let r = load(app, Kind::RecruitmentRequests, file, false).await;
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.added, 2);
        assert_eq!(load(app, Kind::RecruitmentRequests, file, false).await.unchanged, 2);
        let out = String::from_utf8(export(&app.app, &Actor::system(), Kind::RecruitmentRequests, Format::Csv, Some("north")).await.unwrap()).unwrap();
        assert!(out.contains("R2,A,Tømrerlærling,1,2022-03-15,open,"), "{out}");
        assert_eq!(load(app, Kind::RecruitmentRequests, &out, false).await.unchanged, 2);
        let bad = "source_id,organisation_ref,title,positions,received_date,status,hires\nR3,S1,X,2,2022-01-01,sold,5\n";
        let r = load(app, Kind::RecruitmentRequests, bad, false).await;
        let fields: Vec<&str> = r.errors.iter().map(|e| e.error.field.as_str()).collect();
        assert!(fields.contains(&"status") && fields.contains(&"hires"), "{fields:?}");
    }
}
