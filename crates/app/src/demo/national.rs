//! Seed 002 in the demo: the Large Organisations Unit's national accounts. Regions group the
//! districts (East Midlands, Eastern, West Midlands, North West); the unit's account manager
//! holds twenty national accounts, the top of its target list with their statuses; Asda, a
//! group with stores in three districts, has the service level agreement with exclusive rights
//! to 27,000 new jobs over five years, piloted at Sinfin (East Midlands) and Wisbech (Eastern),
//! and the districts that deliver it record placings and recruitment requests at its stores.

use super::{Rng, checked};
use crate::activities::{ActivityInput, RequestInput};
use crate::agreements::{AgreementInput, TargetInput};
use crate::directory as dir;
use crate::national::{self as na, AccountInput, RegionInput};
use crate::{Actor, App, Result, districts};
use accord_db::entities::organisation;
use accord_db::sea_orm::{ActiveModelTrait, ActiveValue::Set};
use accord_domain::{OrgKind, OrgLevel};
use chrono::{Datelike, Duration, Utc};

/// The districts the pilot stores are in.
const DISTRICTS: &[(&str, &str)] = &[("derby", "Derby District"), ("fenland", "Fenland District")];

const REGIONS: &[(&str, &str, &[&str])] = &[
    ("east-midlands", "East Midlands", &["derby"]),
    ("eastern", "Eastern", &["fenland"]),
    ("west-midlands", "West Midlands", &["birmingham-solihull"]),
    ("north-west", "North West", &["salford"]),
];

/// The top of the unit's target list after Asda: the employer and the relationship's status.
const TARGETS: &[(&str, &str)] = &[
    ("Tesco plc", "partner"),
    ("J Sainsbury plc", "partner"),
    ("Marks and Spencer Group plc", "engaged"),
    ("BT Group plc", "partner"),
    ("Royal Mail Group Ltd", "engaged"),
    ("Boots UK Ltd", "partner"),
    ("Kingfisher plc (B&Q)", "engaged"),
    ("Whitbread plc", "prospect"),
    ("Compass Group plc", "partner"),
    ("Sodexo UK Ltd", "prospect"),
    ("Next plc", "engaged"),
    ("Wm Morrison Supermarkets plc", "partner"),
    ("Iceland Foods Ltd", "lapsed"),
    ("Greggs plc", "engaged"),
    ("J D Wetherspoon plc", "prospect"),
    ("Lloyds Banking Group plc", "engaged"),
    ("Barclays plc", "prospect"),
    ("HSBC UK Bank plc", "lapsed"),
    ("Travis Perkins plc", "prospect"),
];

const UNIT: &str = "large-organisations";
const MANAGER: &str = "lou@accord.example";

/// Loads the regions, the national accounts and what the districts recorded for Asda.
pub async fn load(app: &App) -> Result<()> {
    let system = Actor::system();
    for (code, name) in DISTRICTS {
        districts::create_in(app, &system, code, name, "GBP").await?;
    }
    for (code, name, ds) in REGIONS {
        let input = RegionInput {
            code: (*code).into(),
            name: (*name).into(),
            districts: ds.iter().map(|d| (*d).to_owned()).collect(),
            ..Default::default()
        };
        na::create_region(app, &system, &input).await?;
    }
    let c = &app.db.conn;
    let district = |code: &'static str| async move {
        accord_db::users::district_by_code(c, &accord_db::Scope::All, code).await?.ok_or(crate::AppError::NotFound)
    };
    let unit = district(UNIT).await?;
    let now = Utc::now();
    let today = now.date_naive();

    // The groups in the unit's directory: Asda first, then the rest of the target list.
    let txn = app.db.write().await?;
    let mut group = checked("Asda Stores Group".into(), "LOU-ASDA".into(), OrgKind::Employer, OrgLevel::Group, None);
    group.companies_house = Some("00464777".into());
    group.sector = Some("47".into());
    group.size_band = Some("250+".into());
    let asda = dir::save_checked(&txn, &system, unit.id, &group, None, now).await?;
    for (i, (name, _)) in TARGETS.iter().enumerate() {
        let mut g = checked((*name).into(), format!("LOU-{:03}", i + 2), OrgKind::Employer, OrgLevel::Group, None);
        g.size_band = Some("250+".into());
        dir::save_checked(&txn, &system, unit.id, &g, None, now).await?;
    }
    txn.commit().await?;

    let start = chrono::NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
    let end = chrono::NaiveDate::from_ymd_opt(today.year() + 3, 12, 31).unwrap_or(today);
    let account = |organisation: String, rank: usize, status: &str| AccountInput {
        district: Some(UNIT.into()),
        organisation,
        manager: MANAGER.into(),
        status: status.into(),
        target_rank: rank.to_string(),
        ..Default::default()
    };
    let asda_input = AccountInput {
        sla_jobs_target: "27000".into(),
        sla_start: start.to_string(),
        sla_end: end.to_string(),
        sla_exclusive: true,
        notes: "Exclusive rights to fill the new jobs in new stores over five years; job preparation courses \
                designed and delivered with the employer; piloted at Sinfin and Wisbech."
            .into(),
        ..account("LOU-ASDA".into(), 1, "partner")
    };
    na::create(app, &system, &asda_input).await?;
    for (i, (_, status)) in TARGETS.iter().enumerate() {
        na::create(app, &system, &account(format!("LOU-{:03}", i + 2), i + 2, status)).await?;
    }

    // Asda's companies and the pilot stores in the districts that deliver the agreement.
    let txn = app.db.write().await?;
    let mut stores = Vec::new();
    for (code, company_ref, store_ref, store, postcode) in [
        ("derby", "ASDA-EM", "ASDA-SINFIN", "Asda Sinfin", "DE24 9GN"),
        ("fenland", "ASDA-EA", "ASDA-WISBECH", "Asda Wisbech", "PE13 2RH"),
    ] {
        let d = district(code).await?;
        let mut co =
            checked("Asda Stores Ltd".into(), company_ref.into(), OrgKind::Employer, OrgLevel::Company, Some(asda.id));
        co.companies_house = Some("00464777".into());
        co.sector = Some("47".into());
        let co = dir::save_checked(&txn, &system, d.id, &co, None, now).await?;
        let mut site = checked(store.into(), store_ref.into(), OrgKind::Employer, OrgLevel::Site, Some(co.id));
        site.postcode = Some(postcode.into());
        site.sector = Some("47".into());
        site.companies_house = Some("00464777".into());
        dir::save_checked(&txn, &system, d.id, &site, None, now).await?;
        stores.push((code, store_ref));
    }
    // Birmingham and Solihull's own record of Asda Stores Ltd and its three stores join the group.
    let uk = district("birmingham-solihull").await?;
    if let Some(o) = accord_db::directory::resolve_ref(&txn, uk.id, "UK-009").await? {
        let mut am: organisation::ActiveModel = o.into();
        am.parent_id = Set(Some(asda.id));
        am.update(&txn).await?;
    }
    txn.commit().await?;

    // Placings and recruitment for the store openings, month by month since the agreement began.
    let mut rng = Rng(0x5eed_0002_a5da_0001);
    let outcomes = ["hired", "hired", "ongoing", "ended"];
    let mut n = 0;
    for (code, store) in &stores {
        let mut day = start;
        while day <= today {
            n += 1;
            let input = ActivityInput {
                district: Some((*code).into()),
                source_id: format!("LOU-A{n:05}"),
                r#type: "job_placing".into(),
                organisation_ref: (*store).into(),
                start_date: day.to_string(),
                outcome: rng.pick(&outcomes).into(),
                ..Default::default()
            };
            crate::activities::create_activity(app, &system, None, &input).await?;
            if day.day() <= 10 {
                let positions = 5 + rng.below(20);
                let input = RequestInput {
                    district: Some((*code).into()),
                    source_id: format!("LOU-R{n:05}"),
                    organisation_ref: (*store).into(),
                    title: "Store colleague".into(),
                    positions: positions.to_string(),
                    received_date: day.to_string(),
                    status: "filled".into(),
                    hires: (positions - rng.below(4)).to_string(),
                    ..Default::default()
                };
                crate::activities::create_request(app, &system, None, &input).await?;
            }
            day += Duration::days(9 + rng.below(12) as i64);
        }
    }

    // The agreement itself, held by the unit and covering the pilot stores in both districts:
    // each district reads it with its own store and its own share of the jobs filled.
    let target = |metric: &str, n: &str, from: chrono::NaiveDate, to: chrono::NaiveDate| TargetInput {
        metric: metric.into(),
        target: n.into(),
        period_start: from.to_string(),
        period_end: to.to_string(),
        ..Default::default()
    };
    let year_start = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let year_end = chrono::NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    let sla = AgreementInput {
        district: Some(UNIT.into()),
        r#ref: "LOU-SLA-ASDA".into(),
        organisation_ref: "LOU-ASDA".into(),
        kind: "service_level".into(),
        status: "active".into(),
        language: "en".into(),
        purpose: "Exclusive rights to fill 27,000 new jobs in new stores over five years, piloted at Sinfin \
                  and Wisbech and delivered by the districts the stores are in."
            .into(),
        account_manager_email: MANAGER.into(),
        start_date: start.to_string(),
        end_date: end.to_string(),
        sites: Some(stores.iter().map(|(_, s)| (*s).to_owned()).collect()),
        targets: Some(vec![target("jobs_filled", "27000", start, end), target("hires", "120", year_start, year_end)]),
        ..Default::default()
    };
    crate::agreements::create(app, &system, &sla).await?;
    Ok(())
}
