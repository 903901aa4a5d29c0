//! Agreements: who was a partner company on a given day, the rules an agreement must keep,
//! targets' progress, templates and renewals, the API, the audit trail and merges.

use crate::both;
use crate::support::TestApp;
use accord_app::agreements::{
    self as ag, AgreementInput, AgreementView, CommitmentInput, PartnerCoverage, Renewal, TargetInput, TemplateInput,
    Termination,
};
use accord_app::directory::{self as dir, OrgInput};
use accord_app::{Actor, AppError};
use accord_db::entities::{activity, recruitment_request};
use accord_db::sea_orm::{ActiveValue::Set, EntityTrait};
use accord_domain::FieldErrors;
use chrono::{Duration, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An organisation in the actor's district; under `parent` when given.
async fn org(app: &TestApp, who: &Actor, r: &str, name: &str, parent: Option<&str>) -> i64 {
    let input = OrgInput {
        r#ref: r.into(),
        name: name.into(),
        parent_ref: parent.unwrap_or("").into(),
        confirm_similar: true,
        ..Default::default()
    };
    dir::create(&app.app, who, &input).await.unwrap().id
}

fn input(holder: &str, kind: &str, status: &str, start: &str, end: &str) -> AgreementInput {
    AgreementInput {
        organisation_ref: holder.into(),
        kind: kind.into(),
        status: status.into(),
        start_date: start.into(),
        end_date: end.into(),
        ..Default::default()
    }
}

async fn create(app: &TestApp, who: &Actor, i: AgreementInput) -> AgreementView {
    ag::create(&app.app, who, &i).await.unwrap_or_else(|e| panic!("{} refused: {e:?}", i.organisation_ref))
}

/// The field errors of a refused change.
#[track_caller]
fn invalid<T: std::fmt::Debug>(r: Result<T, AppError>) -> FieldErrors {
    match r {
        Err(AppError::Invalid(e)) => e,
        other => panic!("expected field errors, got {other:?}"),
    }
}

/// `(field, code)` of every error.
fn pairs(e: &FieldErrors) -> Vec<(String, String)> {
    e.0.iter().map(|f| (f.field.clone(), f.code.clone())).collect()
}

fn has(e: &FieldErrors, field: &str, code: &str) -> bool {
    e.0.iter().any(|f| f.field == field && f.code == code)
}

async fn partners(app: &TestApp, scope: &accord_db::Scope, day: &str) -> Vec<i64> {
    ag::partners_on(&app.db.conn, scope, d(day)).await.unwrap().into_iter().collect()
}

async fn activity_at(app: &TestApp, district_id: i64, n: u32, org_id: i64, start: &str, outcome: &str) {
    let now = Utc::now();
    activity::Entity::insert(activity::ActiveModel {
        district_id: Set(district_id),
        source_id: Set(format!("A{n}")),
        r#type: Set("work_placement".into()),
        organisation_id: Set(org_id),
        start_date: Set(d(start)),
        end_date: Set(None),
        citizen_ref: Set(Some(format!("C{n}"))),
        outcome: Set(outcome.into()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_without_returning(&app.db.conn)
    .await
    .unwrap();
}

async fn request_at(app: &TestApp, district_id: i64, n: u32, org_id: i64, received: &str, hires: Option<i32>) {
    let now = Utc::now();
    recruitment_request::Entity::insert(recruitment_request::ActiveModel {
        district_id: Set(district_id),
        source_id: Set(format!("R{n}")),
        organisation_id: Set(org_id),
        title: Set("Warehouse operative".into()),
        positions: Set(5),
        received_date: Set(d(received)),
        status: Set(if hires.is_some() { "filled" } else { "open" }.into()),
        hires: Set(hires),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_without_returning(&app.db.conn)
    .await
    .unwrap();
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::POST, path, body).await
}

async fn patch(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.api(token).send(Method::PATCH, path, body).await
}

fn refs(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|a| a["ref"].as_str().unwrap().to_owned()).collect()
}

both! {
    async fn partner_companies_on_a_day(app) {
        app.seed().await;
        let am = app.actor("am@test.example").await;
        let north = accord_db::Scope::Districts(vec![app.district_id("north").await]);
        let draft = org(app, &am, "DRAFT", "Draft Holder", None).await;
        let dated = org(app, &am, "DATED", "Dated Holder", None).await;
        let ended = org(app, &am, "ENDED", "Terminated Holder", None).await;
        let builder = org(app, &am, "BUILD", "Developer Ltd", None).await;
        let chain = org(app, &am, "CHAIN", "Salling Stores", None).await;
        let store1 = org(app, &am, "STORE1", "Netto Slagelse", Some("CHAIN")).await;
        let store2 = org(app, &am, "STORE2", "Netto Korsør", Some("CHAIN")).await;
        let old = org(app, &am, "OLD", "Old Entity ApS", None).await;
        let new = org(app, &am, "NEW", "New Entity Group", None).await;

        create(app, &am, input("DRAFT", "partnership", "draft", "2022-01-01", "")).await;
        create(app, &am, input("DATED", "strengthened", "active", "2022-03-01", "2022-12-31")).await;
        let t = create(app, &am, input("ENDED", "service_level", "active", "2022-01-01", "")).await;
        create(app, &am, input("BUILD", "planning_obligation", "active", "2022-01-01", "")).await;
        let mut c = input("CHAIN", "partnership", "active", "2022-01-01", "");
        c.sites = Some(vec!["STORE1; STORE2".into()]);
        let c = create(app, &am, c).await;
        assert_eq!(c.sites.len(), 2, "a cell of refs names both stores");
        let first = create(app, &am, input("OLD", "partnership", "active", "2021-01-01", "2022-12-31")).await;

        // Before the start, on the first day, on the end date and the day after.
        assert!(!partners(app, &north, "2022-02-28").await.contains(&dated));
        assert!(partners(app, &north, "2022-03-01").await.contains(&dated));
        assert!(partners(app, &north, "2022-12-31").await.contains(&dated));
        assert!(!partners(app, &north, "2023-01-01").await.contains(&dated));
        // A draft never counts; a planning obligation is not a partnership.
        for day in ["2021-06-01", "2022-01-01", "2022-06-01", "2030-01-01"] {
            let p = partners(app, &north, day).await;
            assert!(!p.contains(&draft) && !p.contains(&builder), "{day}: {p:?}");
        }

        // Terminated: in force up to and including the termination date.
        let term = Termination { terminated_on: "2022-06-15".into(), terminated_by: "employer".into(), reason: "Closed the branch".into(), version: Some(t.version) };
        let t = ag::terminate(&app.app, &am, t.id, &term).await.unwrap();
        assert_eq!((t.status.as_str(), t.terminated_on), ("terminated", Some(d("2022-06-15"))));
        assert!(partners(app, &north, "2022-06-15").await.contains(&ended));
        assert!(!partners(app, &north, "2022-06-16").await.contains(&ended));
        assert!(!partners(app, &north, "2023-06-16").await.contains(&ended));

        // A chain-wide agreement: the stores are covered, the company is the partner.
        let cover = PartnerCoverage::load(&app.db.conn, &north, d("2021-01-01"), d("2023-12-31")).await.unwrap();
        assert_eq!(cover.holder_on(store1, d("2022-05-01")), Some(chain));
        assert_eq!(cover.holder_on(store2, d("2022-05-01")), Some(chain));
        assert_eq!(cover.holder_on(chain, d("2022-05-01")), Some(chain));
        assert_eq!(cover.holder_on(store1, d("2021-12-31")), None);
        assert_eq!(cover.holder_on(draft, d("2022-05-01")), None);
        assert_eq!(cover.holder_on(builder, d("2022-05-01")), None);
        assert!(cover.covered_on(d("2022-05-01")).contains(&store1));
        let p = partners(app, &north, "2022-05-01").await;
        assert!(p.contains(&chain) && !p.contains(&store1) && !p.contains(&store2), "{p:?}");

        // A renewal held by the new legal entity, covering the old one as a site. Activating it
        // ends the old agreement the day before the new start.
        let r = ag::renew(&app.app, &am, first.id, &Renewal { start_date: "2022-07-01".into(), end_date: "2024-06-30".into(), review_date: String::new() }).await.unwrap();
        assert_eq!((r.status.as_str(), r.previous_id), ("draft", Some(first.id)));
        let mut change = AgreementInput::from_view(&r);
        change.organisation_ref = "NEW".into();
        change.sites = Some(vec!["OLD".into()]);
        let r = ag::update(&app.app, &am, r.id, &change).await.unwrap();
        assert!(partners(app, &north, "2022-08-01").await.contains(&old), "the draft changes nothing yet");
        let r = ag::activate(&app.app, &am, r.id, r.version).await.unwrap();
        assert_eq!(r.status, "active");
        let first = ag::get(&app.app, &am, first.id).await.unwrap();
        assert_eq!(first.end_date, Some(d("2022-06-30")), "the old one ends the day before");
        let cover = PartnerCoverage::load(&app.db.conn, &north, d("2022-01-01"), d("2023-12-31")).await.unwrap();
        let mut day = d("2022-06-20");
        while day <= d("2022-07-10") {
            let expected = if day < d("2022-07-01") { old } else { new };
            assert_eq!(cover.holder_on(old, day), Some(expected), "{day}");
            day += Duration::days(1);
        }
        let (before, after) = (partners(app, &north, "2022-06-30").await, partners(app, &north, "2022-07-01").await);
        assert!(before.contains(&old) && !before.contains(&new), "{before:?}");
        assert!(after.contains(&new) && !after.contains(&old), "{after:?}");
        assert_eq!(partners(app, &north, "2022-07-01").await, {
            let mut v = vec![dated, chain, new];
            v.sort();
            v
        });

        // Scope: another district's user sees no partner companies here.
        let south = app.actor("south@test.example").await;
        assert!(partners(app, &south.scope(), "2022-07-01").await.is_empty());
        assert!(ag::partners(&app.app, &south, d("2022-07-01"), None).await.unwrap().is_empty());
        assert!(has(&invalid(ag::partners(&app.app, &south, d("2022-07-01"), Some("north")).await), "district", "district.unknown"));
        let mine = ag::partners(&app.app, &am, d("2022-07-01"), Some("north")).await.unwrap();
        assert_eq!(mine.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["Dated Holder", "New Entity Group", "Salling Stores"]);
        let partner = app.actor("partner@test.example").await;
        assert!(matches!(ag::partners(&app.app, &partner, d("2022-07-01"), None).await, Err(AppError::Forbidden)));
    }

    async fn overlapping_agreements_are_refused(app) {
        app.seed().await;
        let am = app.actor("am@test.example").await;
        org(app, &am, "X", "Xylo A/S", None).await;
        org(app, &am, "GROUP", "Xylo Holding", None).await;
        let x1 = create(app, &am, input("X", "partnership", "active", "2022-01-01", "2022-12-31")).await;

        // Same kind, same holder, overlapping period.
        let e = invalid(ag::create(&app.app, &am, &input("X", "partnership", "active", "2022-06-01", "2023-05-31")).await);
        assert_eq!(pairs(&e), [("organisation_ref".to_owned(), "agreement.overlap".to_owned())]);
        let f = e.get("organisation_ref").unwrap();
        assert!(f.value.as_deref().unwrap().starts_with(&x1.r#ref), "names the other agreement: {f:?}");
        assert_eq!(f.link.as_deref(), Some(format!("/agreements/{}", x1.id).as_str()));
        // The same site covered by another holder's agreement.
        let mut via_site = input("GROUP", "partnership", "active", "2022-12-31", "");
        via_site.sites = Some(vec!["X".into()]);
        let e = invalid(ag::create(&app.app, &am, &via_site).await);
        assert!(has(&e, "sites", "agreement.overlap"), "{e:?}");
        assert!(e.get("sites").unwrap().value.as_deref().unwrap().contains(&x1.r#ref));
        // Open-ended on both sides overlaps too.
        let e = invalid(ag::create(&app.app, &am, &input("X", "partnership", "active", "2021-01-01", "")).await);
        assert!(has(&e, "organisation_ref", "agreement.overlap"));

        // Another kind, or a period that does not overlap, is fine.
        create(app, &am, input("X", "strengthened", "active", "2022-06-01", "2023-05-31")).await;
        let x3 = create(app, &am, input("X", "partnership", "active", "2023-01-01", "2023-12-31")).await;
        via_site.start_date = "2024-01-01".into();
        create(app, &am, via_site).await;

        // A draft may overlap until it is activated.
        let draft = create(app, &am, input("X", "partnership", "draft", "2022-02-01", "2022-03-01")).await;
        let e = invalid(ag::activate(&app.app, &am, draft.id, draft.version).await);
        assert!(has(&e, "organisation_ref", "agreement.overlap"), "{e:?}");
        assert!(e.get("organisation_ref").unwrap().value.as_deref().unwrap().contains(&x1.r#ref));
        assert_eq!(ag::get(&app.app, &am, draft.id).await.unwrap().status, "draft", "nothing changed");
        // Making an active one overlap by changing its dates is refused the same way.
        let mut change = AgreementInput::from_view(&x3);
        change.start_date = "2022-12-01".into();
        let e = invalid(ag::update(&app.app, &am, x3.id, &change).await);
        assert!(has(&e, "organisation_ref", "agreement.overlap"));
        // Once the first one is terminated before the draft's period, the draft can start.
        let term = Termination { terminated_on: "2022-01-31".into(), terminated_by: "jobcentre".into(), reason: "Replaced".into(), version: None };
        ag::terminate(&app.app, &am, x1.id, &term).await.unwrap();
        let a = ag::activate(&app.app, &am, draft.id, draft.version).await.unwrap();
        assert_eq!(a.status, "active");
    }

    async fn dates_and_status_are_checked(app) {
        app.seed().await;
        let am = app.actor("am@test.example").await;
        org(app, &am, "D", "Dato ApS", None).await;
        let e = invalid(ag::create(&app.app, &am, &input("D", "partnership", "active", "2023-06-01", "2023-05-31")).await);
        assert!(has(&e, "start_date", "agreement.end_before_start") && has(&e, "end_date", "agreement.end_before_start"), "{e:?}");
        let mut i = input("D", "partnership", "active", "2023-06-01", "2024-05-31");
        i.review_date = "2023-01-01".into();
        let e = invalid(ag::create(&app.app, &am, &i).await);
        assert_eq!(pairs(&e), [("review_date".to_owned(), "agreement.review_before_start".to_owned())]);
        let e = invalid(ag::create(&app.app, &am, &input("D", "vip", "pending", "soon", "")).await);
        assert!(has(&e, "kind", "agreement.kind_unknown") && has(&e, "status", "agreement.status_unknown") && has(&e, "start_date", "date.invalid"), "{e:?}");
        let e = invalid(ag::create(&app.app, &am, &input("NOPE", "", "", "", "")).await);
        assert!(has(&e, "organisation_ref", "org.unknown") && has(&e, "kind", "field.required") && has(&e, "start_date", "field.required"), "{e:?}");
        // Dates in the other accepted spellings.
        let a = create(app, &am, input("D", "partnership", "", "01.06.2023", "31-05-2024")).await;
        assert_eq!((a.status.as_str(), a.start_date, a.end_date), ("draft", d("2023-06-01"), Some(d("2024-05-31"))));

        // Status only goes forward.
        let a = ag::activate(&app.app, &am, a.id, a.version).await.unwrap();
        let mut back = AgreementInput::from_view(&a);
        back.status = "draft".into();
        let e = invalid(ag::update(&app.app, &am, a.id, &back).await);
        assert!(has(&e, "status", "agreement.status_backwards"), "{e:?}");
        assert!(has(&invalid(ag::activate(&app.app, &am, a.id, a.version).await), "status", "agreement.not_draft"));
        let term = Termination { terminated_on: "2023-12-31".into(), terminated_by: "employer".into(), reason: "Moved away".into(), version: Some(a.version) };
        let a = ag::terminate(&app.app, &am, a.id, &term).await.unwrap();
        let mut back = AgreementInput::from_view(&a);
        back.status = "active".into();
        assert!(has(&invalid(ag::update(&app.app, &am, a.id, &back).await), "status", "agreement.status_backwards"));
        assert!(has(&invalid(ag::terminate(&app.app, &am, a.id, &term).await), "status", "agreement.not_active"));
        // Termination needs a date, a side and a reason, and cannot come after the end.
        let b = create(app, &am, input("D", "strengthened", "active", "2023-01-01", "2023-12-31")).await;
        let e = invalid(ag::terminate(&app.app, &am, b.id, &Termination::default()).await);
        assert!(has(&e, "terminated_on", "field.required") && has(&e, "terminated_by", "field.required") && has(&e, "reason", "field.required"), "{e:?}");
        let late = Termination { terminated_on: "2024-01-31".into(), terminated_by: "employer".into(), reason: "x".into(), version: None };
        assert!(has(&invalid(ag::terminate(&app.app, &am, b.id, &late).await), "terminated_on", "agreement.terminated_after_end"));
        let odd = Termination { terminated_on: "2023-05-31".into(), terminated_by: "nobody".into(), reason: "x".into(), version: None };
        assert!(has(&invalid(ag::terminate(&app.app, &am, b.id, &odd).await), "terminated_by", "agreement.side_unknown"));
    }

    async fn targets_count_what_happened_at_the_covered_sites(app) {
        app.seed().await;
        let am = app.actor("am@test.example").await;
        let north = app.district_id("north").await;
        let holder = org(app, &am, "T", "Target Foods", None).await;
        let site = org(app, &am, "TS", "Target Foods, Korsør", Some("T")).await;
        let elsewhere = org(app, &am, "O", "Other Employer", None).await;
        let target = |metric: &str, n: &str, recorded: &str| TargetInput {
            metric: metric.into(),
            target: n.into(),
            period_start: "2023-01-01".into(),
            period_end: "2023-12-31".into(),
            label: format!("{metric} in 2023"),
            recorded: recorded.into(),
        };
        let mut i = input("T", "service_level", "active", "2023-01-01", "2023-12-31");
        i.sites = Some(vec!["TS".into()]);
        i.targets = Some(vec![target("placements", "8", ""), target("hires", "2", ""), target("jobs_filled", "10", ""), target("courses", "5", "3")]);
        let a = create(app, &am, i.clone()).await;

        activity_at(app, north, 1, site, "2023-02-01", "ongoing").await;
        activity_at(app, north, 2, site, "2023-03-01", "hired").await;
        activity_at(app, north, 3, holder, "2023-04-01", "hired").await;
        activity_at(app, north, 4, holder, "2023-12-31", "ended").await;
        activity_at(app, north, 5, holder, "2022-12-31", "hired").await;
        activity_at(app, north, 6, elsewhere, "2023-05-01", "hired").await;
        request_at(app, north, 1, site, "2023-02-01", Some(3)).await;
        request_at(app, north, 2, holder, "2023-06-01", Some(2)).await;
        request_at(app, north, 3, holder, "2023-07-01", None).await;
        request_at(app, north, 4, holder, "2024-01-01", Some(5)).await;
        request_at(app, north, 5, elsewhere, "2023-07-01", Some(4)).await;

        let a = ag::get(&app.app, &am, a.id).await.unwrap();
        let got: Vec<(&str, i64, u32, u32)> = a.targets.iter().map(|t| (t.metric.as_str(), t.achieved, t.percent, t.elapsed_percent)).collect();
        assert_eq!(got, [("placements", 4, 50, 100), ("hires", 2, 100, 100), ("jobs_filled", 5, 50, 100), ("courses", 3, 60, 100)]);
        assert!(a.targets[0].behind() && !a.targets[1].behind());
        assert_eq!(a.targets[3].recorded, Some(3));
        assert_eq!(a.targets[0].label.as_deref(), Some("placements in 2023"));

        // Progress can only be typed in for courses; targets must be positive and in order.
        let mut bad = i.clone();
        bad.r#ref = "T-2".into();
        bad.kind = "partnership".into();
        bad.targets = Some(vec![target("placements", "8", "3"), TargetInput { period_end: "2022-01-01".into(), ..target("hires", "0", "") }, target("smiles", "1", "")]);
        let e = invalid(ag::create(&app.app, &am, &bad).await);
        for (field, code) in [
            ("targets[0].recorded", "target.recorded_counted"),
            ("targets[1].target", "number.positive"),
            ("targets[1].period_start", "period.end_before_start"),
            ("targets[1].period_end", "period.end_before_start"),
            ("targets[2].metric", "target.metric_unknown"),
        ] {
            assert!(has(&e, field, code), "{field} {code}: {e:?}");
        }
        // Over the target shows above 100.
        let mut more = AgreementInput::from_view(&a);
        more.targets = Some(vec![target("placements", "2", "")]);
        let a = ag::update(&app.app, &am, a.id, &more).await.unwrap();
        assert_eq!((a.targets.len(), a.targets[0].achieved, a.targets[0].percent), (1, 4, 200));
    }

    async fn commitments_start_from_templates_and_renewals_copy_them(app) {
        app.seed().await;
        let sec = app.actor("secretariat@test.example").await;
        let admin = app.actor("admin@test.example").await;
        let am = app.actor("am@test.example").await;
        let tpl = |side: &str, en: &str, da: &str, position: &str, retired: bool, district: Option<&str>| TemplateInput {
            district: district.map(str::to_owned),
            side: side.into(),
            text_en: en.into(),
            text_da: da.into(),
            position: position.into(),
            retired,
        };
        let jc = ag::save_template(&app.app, &sec, None, &tpl("jobcentre", "We find candidates", "Vi finder kandidater", "1", false, None)).await.unwrap();
        ag::save_template(&app.app, &sec, None, &tpl("jobcentre", "We answer within a day", "Vi svarer inden for en dag", "2", false, None)).await.unwrap();
        ag::save_template(&app.app, &sec, None, &tpl("employer", "We offer placements", "Vi tilbyder praktik", "1", false, None)).await.unwrap();
        ag::save_template(&app.app, &sec, None, &tpl("employer", "Retired promise", "Gammelt løfte", "2", true, None)).await.unwrap();
        ag::save_template(&app.app, &admin, None, &tpl("employer", "South promise", "Sydligt løfte", "1", false, Some("south"))).await.unwrap();
        assert!(matches!(ag::save_template(&app.app, &am, None, &tpl("employer", "x", "y", "", false, None)).await, Err(AppError::Forbidden)));
        let e = invalid(ag::save_template(&app.app, &sec, None, &tpl("both", "", "y", "-1", false, None)).await);
        assert!(has(&e, "side", "agreement.side_unknown") && has(&e, "text_en", "field.required") && has(&e, "position", "number.not_negative"), "{e:?}");

        org(app, &am, "DK", "Dansk Virksomhed", None).await;
        let mut i = input("DK", "partnership", "draft", "2023-01-01", "2023-12-31");
        i.language = "da".into();
        let a = create(app, &am, i).await;
        let texts = |a: &AgreementView, side: &str| a.commitments_of(side).iter().map(|c| c.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&a, "jobcentre"), ["Vi finder kandidater", "Vi svarer inden for en dag"]);
        assert_eq!(texts(&a, "employer"), ["Vi tilbyder praktik"], "no retired, no other district's");
        let mut i = input("DK", "strengthened", "draft", "2023-01-01", "");
        i.language = "en".into();
        let b = create(app, &am, i).await;
        assert_eq!(texts(&b, "jobcentre"), ["We find candidates", "We answer within a day"]);
        // A Danish employer (with a CVR number) gets Danish text unless told otherwise.
        dir::create(&app.app, &am, &OrgInput { r#ref: "CVR".into(), name: "Med CVR ApS".into(), cvr: "35954716".into(), ..Default::default() }).await.unwrap();
        let c = create(app, &am, input("CVR", "partnership", "draft", "2023-01-01", "")).await;
        assert_eq!(c.language, "da");
        // Commitments given are used as given.
        let mut i = input("DK", "service_level", "draft", "2023-01-01", "");
        i.commitments = Some(vec![CommitmentInput { side: "employer".into(), text: "27,000 jobs over five years".into() }]);
        let sla = create(app, &am, i).await;
        assert_eq!(sla.commitments.len(), 1);

        // A renewal copies sites and commitments and links back; a changed template does not
        // change agreements already drafted.
        org(app, &am, "S1", "Store One", Some("DK")).await;
        org(app, &am, "S2", "Store Two", Some("DK")).await;
        let mut change = AgreementInput::from_view(&a);
        change.sites = Some(vec!["S1".into(), "S2".into()]);
        change.commitments = Some(vec![
            CommitmentInput { side: "jobcentre".into(), text: "Vi finder kandidater".into() },
            CommitmentInput { side: "employer".into(), text: "Vi tager to i praktik om året".into() },
        ]);
        let a = ag::update(&app.app, &am, a.id, &change).await.unwrap();
        let a = ag::activate(&app.app, &am, a.id, a.version).await.unwrap();
        ag::save_template(&app.app, &sec, Some(jc.id), &tpl("jobcentre", "Changed", "Ændret", "1", false, None)).await.unwrap();
        let mut renewal = Renewal { start_date: String::new(), end_date: "2025-12-31".into(), review_date: "2025-06-01".into() };
        let e = invalid(ag::renew(&app.app, &am, b.id, &renewal).await);
        assert!(has(&e, "status", "agreement.renew_draft"), "a draft is changed, not renewed");
        let r = ag::renew(&app.app, &am, a.id, &renewal).await.unwrap();
        assert_eq!(r.status, "draft");
        assert_eq!(r.previous_id, Some(a.id));
        assert_eq!(r.previous_ref.as_deref(), Some(a.r#ref.as_str()));
        assert_eq!(r.r#ref, format!("{}-R2", a.r#ref));
        assert_eq!(r.start_date, d("2024-01-01"), "the day after the old one ends");
        assert_eq!((r.end_date, r.review_date), (Some(d("2025-12-31")), Some(d("2025-06-01"))));
        assert_eq!(r.sites_text(), a.sites_text());
        assert_eq!(r.sites.len(), 2);
        assert_eq!(r.commitments, a.commitments);
        assert_eq!((r.organisation_id, r.language.as_str(), r.kind.as_str()), (a.organisation_id, "da", "partnership"));
        // One open renewal at a time.
        renewal.start_date = "2024-06-01".into();
        let e = invalid(ag::renew(&app.app, &am, a.id, &renewal).await);
        assert!(has(&e, "ref", "agreement.already_renewed"), "{e:?}");
        assert_eq!(e.get("ref").unwrap().value.as_deref(), Some(r.r#ref.as_str()));
        // The other versions, oldest first, from either end.
        let ids = |list: Vec<AgreementView>| list.iter().map(|x| x.id).collect::<Vec<_>>();
        assert_eq!(ids(ag::history(&app.app, &am, a.id).await.unwrap()), [r.id]);
        assert_eq!(ids(ag::history(&app.app, &am, r.id).await.unwrap()), [a.id]);
        // The renewal of the renewal gets the next number.
        let r = ag::activate(&app.app, &am, r.id, r.version).await.unwrap();
        let r3 = ag::renew(&app.app, &am, r.id, &Renewal::default()).await.unwrap();
        assert_eq!(r3.r#ref, format!("{}-R3", a.r#ref));
        assert_eq!(r3.start_date, d("2026-01-01"));
        assert_eq!(ids(ag::history(&app.app, &am, a.id).await.unwrap()), [r.id, r3.id]);
        assert_eq!(ids(ag::history(&app.app, &am, r.id).await.unwrap()), [a.id, r3.id]);
        assert_eq!(ids(ag::history(&app.app, &am, r3.id).await.unwrap()), [a.id, r.id]);
    }

    async fn agreements_over_the_api(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        let api = app.api(&token);
        for (r, name, parent) in [("API1", "Api Employer", None), ("API2", "Second Employer", None), ("SITE", "Api Employer, Site", Some("API1"))] {
            let (s, v) = post(app, &token, "/organisations", json!({"ref": r, "name": name, "parent_ref": parent, "account_manager_email": "am@test.example"})).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
        }
        let soon = (Utc::now().date_naive() + Duration::days(30)).to_string();
        let body = json!({
            "ref": "AGR-API-1", "organisation_ref": "API1", "kind": "partnership", "start_date": "2023-01-01",
            "status": "active", "purpose": "More apprentices", "language": "en", "signed_date": "2022-12-15",
            "review_date": soon, "account_manager_email": "am@test.example", "sites": ["SITE"],
            "commitments": [{"side": "jobcentre", "text": "Screen candidates"}, {"side": "employer", "text": "Offer two placements"}],
            "targets": [{"metric": "placements", "target": 10, "period_start": "2023-01-01", "period_end": "2023-12-31", "label": "Placements"}]
        });
        let (s, a) = post(app, &token, "/agreements", body).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let id = a["id"].as_i64().unwrap();
        assert_eq!(a["ref"], "AGR-API-1");
        assert_eq!(a["district"], "north");
        assert_eq!(a["organisation_ref"], "API1");
        assert_eq!(a["status"], "active");
        assert_eq!(a["phase"], "active");
        assert_eq!(a["signed_date"], "2022-12-15");
        assert_eq!(a["account_manager_email"], "am@test.example");
        assert_eq!(a["sites"][0]["ref"], "SITE");
        assert_eq!(a["commitments"], json!([{"side": "employer", "text": "Offer two placements"}, {"side": "jobcentre", "text": "Screen candidates"}]), "by side");
        assert_eq!(a["targets"][0]["target"], 10);
        assert_eq!(a["targets"][0]["achieved"], 0);
        assert_eq!(a["targets"][0]["elapsed_percent"], 100);
        assert_eq!(a["version"], 1);
        let (s, draft) = post(app, &token, "/agreements", json!({"organisation_ref": "API2", "kind": "strengthened", "start_date": "2023-02-01"})).await;
        assert_eq!(s, StatusCode::CREATED, "{draft}");
        assert_eq!(draft["status"], "draft");
        assert!(draft["ref"].as_str().unwrap().starts_with("AGR-"), "a ref was made");
        let draft_id = draft["id"].as_i64().unwrap();

        // Read, list and filters.
        let (s, got) = api.get(&format!("/agreements/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(got["targets"][0]["metric"], "placements");
        assert_eq!(got["commitments"].as_array().unwrap().len(), 2);
        let (s, list) = api.get("/agreements").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!((list["total"].as_u64(), list["page"].as_u64(), list["per_page"].as_u64()), (Some(2), Some(1), Some(50)));
        assert_eq!(refs(&list), [draft["ref"].as_str().unwrap(), "AGR-API-1"], "newest first");
        for (query, expected) in [
            ("kind=partnership", vec!["AGR-API-1"]),
            ("phase=draft", vec![draft["ref"].as_str().unwrap()]),
            ("phase=active", vec!["AGR-API-1"]),
            ("q=api+employer", vec!["AGR-API-1"]),
            ("q=AGR-API-1", vec!["AGR-API-1"]),
            // The holder as the directory finds it, with other filters beside the search.
            ("q=API1", vec!["AGR-API-1"]),
            ("q=employer&kind=partnership&phase=active", vec!["AGR-API-1"]),
            ("q=second+employer&phase=draft", vec![draft["ref"].as_str().unwrap()]),
            ("review_due=true", vec!["AGR-API-1"]),
            ("account_manager=am@test.example", vec![draft["ref"].as_str().unwrap(), "AGR-API-1"]),
            ("district=north&sort=ref", vec![draft["ref"].as_str().unwrap(), "AGR-API-1"]),
            ("sort=created_at", vec!["AGR-API-1", draft["ref"].as_str().unwrap()]),
            ("sort=start_date&per_page=1", vec!["AGR-API-1"]),
            ("sort=review_date", vec!["AGR-API-1", draft["ref"].as_str().unwrap()]),
        ] {
            let (s, v) = api.get(&format!("/agreements?{query}")).await;
            assert_eq!(s, StatusCode::OK, "{query}: {v}");
            assert_eq!(refs(&v), expected, "{query}");
        }
        // The dashboard's and the home page's count of agreements due for review is the list's.
        let am = app.actor("am@test.example").await;
        for mine in [false, true] {
            let listed = ag::review_due(&app.app, &am, mine, accord_app::Paging::new(Some(1), Some(50))).await.unwrap();
            assert_eq!(listed.items.len(), 1, "mine {mine}");
            assert_eq!(ag::review_due_count(&app.app, &am, mine).await.unwrap(), listed.total, "mine {mine}");
        }
        let site_id = got["sites"][0]["id"].as_i64().unwrap();
        let (_, v) = api.get(&format!("/agreements?organisation_id={site_id}")).await;
        assert_eq!(refs(&v), ["AGR-API-1"], "covering a site counts");
        let (_, v) = api.get("/agreements?sort=start_date&per_page=1&page=2").await;
        assert_eq!((v["total"].as_u64(), v["page"].as_u64(), refs(&v).len()), (Some(2), Some(2), 1));
        for (query, field, status) in [
            ("sort=name", "sort", StatusCode::BAD_REQUEST),
            ("phase=sleeping", "phase", StatusCode::BAD_REQUEST),
            ("account_manager=nobody@test.example", "account_manager", StatusCode::UNPROCESSABLE_ENTITY),
            ("district=south", "district", StatusCode::UNPROCESSABLE_ENTITY),
        ] {
            let (s, v) = api.get(&format!("/agreements?{query}")).await;
            assert_eq!(s, status, "{query}: {v}");
            assert_eq!(v["error"]["code"], "invalid");
            assert!(v["error"]["fields"][field].is_string(), "{query}: {v}");
        }

        // Change with a version; stale is 409 with the record as it is now.
        let (s, v) = patch(app, &token, &format!("/agreements/{id}"), json!({"purpose": "More apprentices and trainees", "version": 1})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["version"], 2);
        assert_eq!(v["kind"], "partnership", "fields left out keep their value");
        assert_eq!(v["sites"][0]["ref"], "SITE");
        assert_eq!(v["commitments"].as_array().unwrap().len(), 2);
        assert_eq!(v["targets"].as_array().unwrap().len(), 1);
        let (s, v) = patch(app, &token, &format!("/agreements/{id}"), json!({"purpose": "Something else", "version": 1})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert_eq!(v["error"]["code"], "conflict");
        assert_eq!(v["error"]["current"]["purpose"], "More apprentices and trainees");
        assert_eq!(v["error"]["current"]["version"], 2);
        assert_eq!(v["error"]["changed"], json!(["purpose"]));
        let (s, v) = patch(app, &token, &format!("/agreements/{id}"), json!({"end_date": "2022-12-31", "version": 2})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["error"]["fields"]["start_date"].is_string() && v["error"]["fields"]["end_date"].is_string(), "{v}");
        let (s, v) = patch(app, &token, &format!("/agreements/{id}"), json!({"status": "draft", "version": 2})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["status"].is_string());
        let (s, v) = patch(app, &token, &format!("/agreements/{id}"), json!({"sites": [], "commitments": [], "version": 2})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["sites"].as_array().unwrap().len(), v["commitments"].as_array().unwrap().len()), (0, 0), "a list given replaces");
        // A new holder takes the old one's place; the sites stay as they were.
        let (s, v) = patch(app, &token, &format!("/agreements/{draft_id}"), json!({"organisation_ref": "API1", "version": 1})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["organisation_ref"].as_str(), v["sites"].as_array().unwrap().len()), (Some("API1"), 0), "{v}");
        let (s, v) = patch(app, &token, &format!("/agreements/{draft_id}"), json!({"organisation_ref": "API2", "version": 2})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["organisation_ref"].as_str(), v["sites"].as_array().unwrap().len()), (Some("API2"), 0), "{v}");
        let (s, v) = post(app, &token, "/agreements", json!({"organisation_ref": "API1", "kind": "partnership", "start_date": "2023-06-01"})).await;
        assert_eq!(s, StatusCode::CREATED, "a draft may overlap: {v}");
        let overlapping = v["id"].as_i64().unwrap();
        let (s, v) = post(app, &token, &format!("/agreements/{overlapping}/activate"), json!({"version": 1})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        let message = v["error"]["fields"]["organisation_ref"].as_str().unwrap();
        assert!(message.contains("AGR-API-1"), "names the other agreement: {message}");
        let (s, v) = post(app, &token, "/agreements", json!({"organisation_ref": "API2", "kind": "partnership", "start_date": "2023-02-01", "end_date": "2023-01-01"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["start_date"].is_string() && v["error"]["fields"]["end_date"].is_string(), "{v}");

        // Lifecycle endpoints.
        let (s, v) = post(app, &token, &format!("/agreements/{draft_id}/activate"), json!({"version": 3})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "active");
        let (s, v) = post(app, &token, &format!("/agreements/{draft_id}/activate"), json!({"version": 4})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "only a draft: {v}");
        let (s, v) = post(app, &token, &format!("/agreements/{draft_id}/terminate"), json!({"terminated_on": "2023-06-30", "terminated_by": "employer", "version": 4})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["reason"].is_string(), "{v}");
        let (s, v) = post(app, &token, &format!("/agreements/{draft_id}/terminate"), json!({"terminated_on": "2023-06-30", "terminated_by": "employer", "reason": "Sold", "version": 3})).await;
        assert_eq!(s, StatusCode::CONFLICT, "stale: {v}");
        let (s, v) = post(app, &token, &format!("/agreements/{draft_id}/terminate"), json!({"terminated_on": "2023-06-30", "terminated_by": "employer", "reason": "Sold", "version": 4})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["status"].as_str(), v["terminated_on"].as_str(), v["termination_reason"].as_str()), (Some("terminated"), Some("2023-06-30"), Some("Sold")));
        assert_eq!(v["phase"], "terminated");
        let (s, r) = post(app, &token, &format!("/agreements/{id}/renew"), json!({"start_date": "2024-01-01", "end_date": "2026-12-31"})).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        assert_eq!((r["status"].as_str(), r["previous_id"].as_i64(), r["start_date"].as_str()), (Some("draft"), Some(id), Some("2024-01-01")));
        let (s, v) = post(app, &token, &format!("/agreements/{id}/renew"), json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "already renewed: {v}");
        let (s, h) = api.get(&format!("/agreements/{}/history", r["id"])).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(h["total"], 2);
        assert_eq!(h["items"][0]["id"], id);
        assert_eq!(h["items"][1]["id"], r["id"]);

        // The partner companies on a day.
        let (s, p) = api.get("/partners?date=2023-03-01").await;
        assert_eq!(s, StatusCode::OK, "{p}");
        assert_eq!(p["date"], "2023-03-01");
        assert_eq!(p["total"], 2);
        assert_eq!(p["organisations"][0], json!({"id": a["organisation_id"], "ref": "API1", "name": "Api Employer"}));
        assert_eq!(p["organisations"][1]["ref"], "API2");
        let (_, p) = api.get("/partners?date=2023-07-01&district=north").await;
        assert_eq!(p["organisations"], json!([{"id": a["organisation_id"], "ref": "API1", "name": "Api Employer"}]), "terminated on 30 June");
        let (_, p) = api.get("/partners?date=2022-12-31").await;
        assert_eq!(p["total"], 0);
        let (s, v) = api.get("/partners?date=30.02.2023").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(v["error"]["fields"]["date"].is_string());
        let (s, p) = api.get("/partners").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(p["date"], Utc::now().date_naive().to_string());

        // Who may do what.
        let committee = app.token("committee@test.example").await;
        assert_eq!(app.api(&committee).get(&format!("/agreements/{id}")).await.0, StatusCode::OK);
        let (s, v) = post(app, &committee, "/agreements", json!({"organisation_ref": "API2", "kind": "partnership", "start_date": "2030-01-01"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(v["error"]["code"], "forbidden");
        assert_eq!(patch(app, &committee, &format!("/agreements/{id}"), json!({"purpose": "x", "version": 3})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(post(app, &committee, &format!("/agreements/{id}/renew"), json!({})).await.0, StatusCode::FORBIDDEN);
        let partner = app.api(&app.token("partner@test.example").await);
        assert_eq!(partner.get("/agreements").await.0, StatusCode::FORBIDDEN);
        assert_eq!(partner.get("/partners").await.0, StatusCode::FORBIDDEN);
        let south = app.token("south@test.example").await;
        let (s, v) = app.api(&south).get(&format!("/agreements/{id}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(v["error"]["code"], "not_found");
        assert_eq!(patch(app, &south, &format!("/agreements/{id}"), json!({"purpose": "x", "version": 3})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(post(app, &south, &format!("/agreements/{id}/activate"), json!({"version": 3})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.api(&south).get(&format!("/agreements/{id}/history")).await.0, StatusCode::NOT_FOUND);
        let (_, v) = app.api(&south).get("/agreements").await;
        assert_eq!(v["total"], 0);
        let (_, v) = app.api(&south).get("/partners?date=2023-03-01").await;
        assert_eq!(v["total"], 0);
        let (s, v) = post(app, &south, "/agreements", json!({"organisation_ref": "API2", "kind": "partnership", "start_date": "2030-01-01"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "another district's organisation is unknown: {v}");
        assert!(v["error"]["fields"]["organisation_ref"].is_string());
        assert_eq!(app.api("acc_wrong").get("/agreements").await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(api.get("/agreements/999999").await.0, StatusCode::NOT_FOUND);
    }

    async fn commitment_templates_over_the_api(app) {
        app.seed().await;
        let sec = app.token("secretariat@test.example").await;
        let (s, t) = post(app, &sec, "/agreement-templates", json!({"side": "jobcentre", "text_en": "We find candidates", "text_da": "Vi finder kandidater", "position": 1})).await;
        assert_eq!(s, StatusCode::CREATED, "{t}");
        assert_eq!((t["district"].as_str(), t["position"].as_i64(), t["retired"].as_bool()), (Some("north"), Some(1), Some(false)));
        let id = t["id"].as_i64().unwrap();
        let (s, _) = post(app, &sec, "/agreement-templates", json!({"side": "employer", "text_en": "We offer placements", "text_da": "Vi tilbyder praktik"})).await;
        assert_eq!(s, StatusCode::CREATED);
        let (s, v) = post(app, &sec, "/agreement-templates", json!({"side": "someone", "text_en": "", "text_da": "x"})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(v["error"]["fields"]["side"].is_string() && v["error"]["fields"]["text_en"].is_string(), "{v}");
        let am = app.token("am@test.example").await;
        let (s, _) = post(app, &am, "/agreement-templates", json!({"side": "employer", "text_en": "x", "text_da": "y"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, list) = app.api(&am).get("/agreement-templates").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!((list["total"].as_u64(), list["page"].as_u64(), list["per_page"].as_u64()), (Some(2), Some(1), Some(50)));
        assert_eq!(app.api(&am).get(&format!("/agreement-templates/{id}")).await.1["text_da"], "Vi finder kandidater");

        let (s, v) = patch(app, &sec, &format!("/agreement-templates/{id}"), json!({"text_en": "We find and screen candidates"})).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!((v["text_en"].as_str(), v["text_da"].as_str()), (Some("We find and screen candidates"), Some("Vi finder kandidater")));
        let (s, v) = patch(app, &sec, &format!("/agreement-templates/{id}"), json!({"retired": true})).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["retired"], true);
        let (_, list) = app.api(&am).get("/agreement-templates").await;
        assert_eq!(list["total"], 1, "retired ones left out");
        let (_, list) = app.api(&am).get("/agreement-templates?retired=true&per_page=1&page=2").await;
        assert_eq!((list["total"].as_u64(), list["items"].as_array().unwrap().len()), (Some(2), 1));
        assert_eq!(patch(app, &am, &format!("/agreement-templates/{id}"), json!({"retired": false})).await.0, StatusCode::FORBIDDEN);
        let south = app.token("south@test.example").await;
        assert_eq!(app.api(&south).get(&format!("/agreement-templates/{id}")).await.0, StatusCode::NOT_FOUND);
        let (_, list) = app.api(&south).get("/agreement-templates").await;
        assert_eq!(list["total"], 0);
        let admin = app.token("admin@test.example").await;
        let (_, list) = app.api(&admin).get("/agreement-templates?district=south").await;
        assert_eq!(list["total"], 0);
        let (_, list) = app.api(&admin).get("/agreement-templates?district=north&retired=true").await;
        assert_eq!(list["total"], 2);
        // A new agreement starts from the templates in use.
        post(app, &am, "/organisations", json!({"ref": "E", "name": "Employer"})).await;
        let (_, a) = post(app, &am, "/agreements", json!({"organisation_ref": "E", "kind": "partnership", "start_date": "2024-01-01", "language": "en"})).await;
        assert_eq!(a["commitments"], json!([{"side": "employer", "text": "We offer placements"}]));
    }

    async fn changes_are_audited(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        post(app, &token, "/organisations", json!({"ref": "AUD", "name": "Audited A/S"})).await;
        let (_, a) = post(app, &token, "/agreements", json!({"organisation_ref": "AUD", "kind": "partnership", "status": "active", "start_date": "2023-01-01", "purpose": "First"})).await;
        let id = a["id"].as_i64().unwrap();
        let (s, _) = patch(app, &token, &format!("/agreements/{id}"), json!({"purpose": "Second", "version": 1})).await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = post(app, &token, &format!("/agreements/{id}/terminate"), json!({"terminated_on": "2023-12-31", "terminated_by": "jobcentre", "reason": "No longer needed", "version": 2})).await;
        assert_eq!(s, StatusCode::OK);
        // A refused change writes nothing.
        let (s, _) = patch(app, &token, &format!("/agreements/{id}"), json!({"end_date": "2020-01-01", "version": 3})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

        let admin = app.api(&app.token("admin@test.example").await);
        let (_, v) = admin.get(&format!("/audit?entity=agreement&entity_id={id}")).await;
        assert_eq!(v["total"], 3, "{v}");
        let actions: Vec<&str> = v["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["update", "update", "create"]);
        let (terminated, updated, created) = (&v["items"][0], &v["items"][1], &v["items"][2]);
        assert_eq!(created["actor"], "am@test.example");
        assert_eq!(created["after"]["purpose"], "First");
        assert!(created["before"].is_null());
        assert_eq!((updated["before"]["purpose"].as_str(), updated["after"]["purpose"].as_str()), (Some("First"), Some("Second")));
        assert_eq!((terminated["before"]["status"].as_str(), terminated["after"]["status"].as_str()), (Some("active"), Some("terminated")));
        assert_eq!(terminated["after"]["termination_reason"], "No longer needed");
        // A manager of the district sees them too.
        let (_, v) = app.api(&app.token("manager@test.example").await).get(&format!("/audit?entity=agreement&entity_id={id}")).await;
        assert_eq!(v["total"], 3);

        // Activating a renewal records the end it gives its predecessor.
        let (_, b) = post(app, &token, "/agreements", json!({"organisation_ref": "AUD", "kind": "strengthened", "status": "active", "start_date": "2023-01-01"})).await;
        let (_, r) = post(app, &token, &format!("/agreements/{}/renew", b["id"]), json!({"start_date": "2024-01-01"})).await;
        let (s, _) = post(app, &token, &format!("/agreements/{}/activate", r["id"]), json!({"version": 1})).await;
        assert_eq!(s, StatusCode::OK);
        let (_, v) = admin.get(&format!("/audit?entity=agreement&entity_id={}", b["id"])).await;
        assert_eq!(v["items"][0]["action"], "update");
        assert_eq!(v["items"][0]["after"], json!({"end_date": "2023-12-31"}));
        assert!(v["items"][0]["summary"].as_str().unwrap().contains(r["ref"].as_str().unwrap()));
        // Templates too.
        let sec = app.token("secretariat@test.example").await;
        let (_, t) = post(app, &sec, "/agreement-templates", json!({"side": "employer", "text_en": "a", "text_da": "b"})).await;
        let (_, v) = admin.get(&format!("/audit?entity=commitment_template&entity_id={}", t["id"])).await;
        assert_eq!(v["total"], 1);
    }

    async fn merging_organisations_moves_their_agreements(app) {
        app.seed().await;
        let sec = app.actor("secretariat@test.example").await;
        let keep = org(app, &sec, "KEEP", "Bilka Slagelse", None).await;
        let dup = org(app, &sec, "DUP", "Bilka Slagelse (dublet)", None).await;
        org(app, &sec, "GRP", "Salling Group", None).await;
        let held = create(app, &sec, input("DUP", "partnership", "active", "2022-01-01", "")).await;
        let mut both = input("GRP", "strengthened", "active", "2022-01-01", "");
        both.sites = Some(vec!["KEEP".into(), "DUP".into()]);
        let both = create(app, &sec, both).await;
        let mut one = input("GRP", "service_level", "active", "2022-01-01", "");
        one.sites = Some(vec!["DUP".into()]);
        let one = create(app, &sec, one).await;
        assert_eq!(both.sites.len(), 2);

        dir::merge(&app.app, &sec, keep, dup).await.unwrap();

        let held = ag::get(&app.app, &sec, held.id).await.unwrap();
        assert_eq!((held.organisation_id, held.organisation_ref.as_str()), (keep, "KEEP"));
        let both = ag::get(&app.app, &sec, both.id).await.unwrap();
        assert_eq!(both.sites.iter().map(|s| s.id).collect::<Vec<_>>(), [keep], "one row for the survivor");
        let one = ag::get(&app.app, &sec, one.id).await.unwrap();
        assert_eq!(one.sites.iter().map(|s| s.id).collect::<Vec<_>>(), [keep]);
        let mut mine: Vec<i64> = ag::for_organisation(&app.app, &sec, keep).await.unwrap().into_iter().map(|a| a.id).collect();
        mine.sort();
        assert_eq!(mine, {
            let mut v = vec![held.id, both.id, one.id];
            v.sort();
            v
        });
        assert!(ag::for_organisation(&app.app, &sec, dup).await.unwrap().is_empty());
        let north = accord_db::Scope::Districts(vec![app.district_id("north").await]);
        let cover = PartnerCoverage::load(&app.db.conn, &north, d("2023-01-01"), d("2023-01-01")).await.unwrap();
        assert_eq!(cover.holder_on(keep, d("2023-01-01")), Some(keep), "all started together: the lowest holder answers");
        assert_eq!(cover.holder_on(dup, d("2023-01-01")), None);
        // The survivor's agreements still change as before.
        let mut change = AgreementInput::from_view(&held);
        change.purpose = "After the merge".into();
        assert_eq!(ag::update(&app.app, &sec, held.id, &change).await.unwrap().purpose.as_deref(), Some("After the merge"));
    }
}

both! {
    async fn overlapping_activations_at_the_same_time_let_one_through(app) {
        app.seed().await;
        let token = app.token("am@test.example").await;
        post(app, &token, "/organisations", json!({"ref": "RACE", "name": "Race Logistics"})).await;
        for year in 2000..2010 {
            let mut ids = vec![];
            for _ in 0..2 {
                let body = json!({"organisation_ref": "RACE", "kind": "partnership", "start_date": format!("{year}-01-01"), "end_date": format!("{year}-12-31")});
                let (s, v) = post(app, &token, "/agreements", body).await;
                assert_eq!(s, StatusCode::CREATED, "{v}");
                ids.push(v["id"].as_i64().unwrap());
            }
            let tasks: Vec<_> = ids
                .into_iter()
                .map(|id| {
                    let api = app.api(&token);
                    tokio::spawn(async move { api.send(Method::POST, &format!("/agreements/{id}/activate"), json!({"version": 1})).await })
                })
                .collect();
            let mut statuses = vec![];
            for t in tasks {
                let (s, v) = t.await.unwrap();
                if s == StatusCode::UNPROCESSABLE_ENTITY {
                    assert!(v["error"]["fields"]["organisation_ref"].is_string(), "{v}");
                }
                statuses.push(s);
            }
            statuses.sort();
            assert_eq!(statuses, [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY], "{year}");
        }
    }
}
