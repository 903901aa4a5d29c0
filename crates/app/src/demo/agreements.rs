//! The demo agreements: the Danish municipality's partnership agreements (one per store for
//! most of the supermarket chain, one for a company and its stores, a few strengthened ones,
//! renewals, terminations and drafts) and the UK district's national service level agreement
//! and planning obligation, with the activities and recruitment requests their targets count.

use super::Rng;
use crate::{Actor, App, AppError, Result};
use accord_db::agreements as q;
use accord_db::entities::{
    activity, agreement, agreement_target, commitment_template, contact, organisation, recruitment_request,
};
use accord_db::sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use std::collections::HashMap;

/// The secretariat's standard commitments: (side, English, Danish).
const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "jobcentre",
        "A fixed account manager and a named contact at the jobcentre.",
        "En fast virksomhedskonsulent og en navngiven kontaktperson i jobcentret.",
    ),
    (
        "jobcentre",
        "Quick matching of relevant candidates to vacancies.",
        "Hurtig formidling af relevante kandidater til ledige stillinger.",
    ),
    (
        "jobcentre",
        "Help with wage subsidy, adult apprenticeship and job rotation arrangements.",
        "Hjælp til aftaler om løntilskud, voksenlærlinge og jobrotation.",
    ),
    (
        "jobcentre",
        "Quick return after sickness: support for employees on sick leave.",
        "Hurtig tilbagevenden efter sygdom: støtte til sygemeldte medarbejdere.",
    ),
    (
        "employer",
        "All vacancies are made visible to the jobcentre.",
        "Alle ledige stillinger synliggøres for jobcentret.",
    ),
    (
        "employer",
        "Room for citizens further from the labour market.",
        "Plads til borgere, der er længere fra arbejdsmarkedet.",
    ),
    ("employer", "A named contact person for the partnership.", "En navngiven kontaktperson for samarbejdet."),
    ("employer", "Takes part in the annual satisfaction survey.", "Deltager i den årlige tilfredshedsundersøgelse."),
];

const DK_PURPOSES: &[&str] = &[
    "Et gensidigt og forpligtende samarbejde om rekruttering, fastholdelse og opkvalificering.",
    "Samarbejde om rekruttering via jobcentret og om plads til borgere i virksomhedspraktik og løntilskud.",
    "Fælles indsats for at sikre kvalificeret arbejdskraft og opkvalificering af medarbejdere (ét trin op).",
];

const TERMINATION_REASONS: &[(&str, &str)] = &[
    ("employer", "Virksomheden er lukket."),
    ("employer", "Virksomheden har ikke længere kapacitet til samarbejdet."),
    ("jobcentre", "Ingen aktiviteter i to år; aftalen afvikles efter dialog med virksomheden."),
    ("employer", "Ejerskifte; den nye ejer ønsker ikke at fortsætte aftalen."),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The next anniversary of `start` on or after `from`.
fn next_anniversary(start: NaiveDate, from: NaiveDate) -> NaiveDate {
    let mut y = from.year();
    loop {
        let d = NaiveDate::from_ymd_opt(y, start.month(), start.day().min(28)).unwrap_or(from);
        if d >= from {
            return d;
        }
        y += 1;
    }
}

/// One demo agreement, before it is stored.
struct Plan {
    district_id: i64,
    r#ref: String,
    holder: i64,
    kind: &'static str,
    status: &'static str,
    language: &'static str,
    purpose: Option<String>,
    start: NaiveDate,
    end: Option<NaiveDate>,
    review: Option<NaiveDate>,
    terminated: Option<(NaiveDate, &'static str, String)>,
    previous: Option<i64>,
    sites: Vec<i64>,
}

struct Loader {
    account_managers: HashMap<i64, Option<i64>>,
    contacts: HashMap<i64, i64>,
    templates: HashMap<i64, Vec<commitment_template::Model>>,
}

impl Loader {
    async fn store<C: ConnectionTrait>(&self, c: &C, p: Plan) -> Result<agreement::Model> {
        let now = Utc::now();
        let row = q::insert_agreement(
            c,
            agreement::ActiveModel {
                district_id: Set(p.district_id),
                r#ref: Set(p.r#ref),
                organisation_id: Set(p.holder),
                kind: Set(p.kind.into()),
                status: Set(p.status.into()),
                language: Set(p.language.into()),
                purpose: Set(p.purpose),
                account_manager_id: Set(self.account_managers.get(&p.holder).copied().flatten()),
                contact_id: Set(self.contacts.get(&p.holder).copied()),
                signed_on: Set((p.status != "draft").then(|| p.start - Duration::days(7))),
                start_date: Set(p.start),
                end_date: Set(p.end),
                review_on: Set(p.review),
                terminated_on: Set(p.terminated.as_ref().map(|t| t.0)),
                terminated_by: Set(p.terminated.as_ref().map(|t| t.1.to_owned())),
                termination_reason: Set(p.terminated.map(|t| t.2)),
                previous_id: Set(p.previous),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            },
        )
        .await?;
        let mut covered = vec![p.holder];
        covered.extend(p.sites.iter().filter(|s| **s != p.holder));
        q::replace_sites(c, row.id, &covered).await?;
        let commitments: Vec<(String, String)> = self
            .templates
            .get(&p.district_id)
            .into_iter()
            .flatten()
            .map(|t| (t.side.clone(), if p.language == "da" { t.text_da.clone() } else { t.text_en.clone() }))
            .collect();
        q::replace_commitments(c, row.id, &commitments).await?;
        Ok(row)
    }
}

/// Loads the demo agreements into the demo directory, in one transaction. Returns how many.
pub async fn load_agreements(app: &App) -> Result<usize> {
    let c = &app.db.conn;
    let district = |code: &'static str| async move {
        accord_db::users::district_by_code(c, &accord_db::Scope::All, code).await?.ok_or(AppError::NotFound)
    };
    let dk = district("slagelse").await?;
    let uk = district("birmingham-solihull").await?;
    let orgs: Vec<organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::DistrictId.is_in([dk.id, uk.id]))
        .order_by_asc(organisation::Column::Id)
        .all(c)
        .await?;
    let by_ref: HashMap<&str, &organisation::Model> = orgs.iter().map(|o| (o.r#ref.as_str(), o)).collect();
    let org = |r: &str| by_ref.get(r).copied().ok_or(AppError::NotFound);
    let primary: Vec<contact::Model> = contact::Entity::find()
        .filter(contact::Column::IsPrimary.eq(true))
        .filter(contact::Column::DistrictId.is_in([dk.id, uk.id]))
        .all(c)
        .await?;
    let now = Utc::now();
    let today = now.date_naive();
    let txn = app.db.write().await?;
    let mut templates: HashMap<i64, Vec<commitment_template::Model>> = HashMap::new();
    for d in [dk.id, uk.id] {
        for (i, (side, en, da)) in TEMPLATES.iter().enumerate() {
            let t = q::save_template(
                &txn,
                commitment_template::ActiveModel {
                    district_id: Set(d),
                    side: Set((*side).into()),
                    text_en: Set((*en).into()),
                    text_da: Set((*da).into()),
                    position: Set(i as i32 * 10),
                    retired: Set(false),
                    created_at: Set(now),
                    ..Default::default()
                },
            )
            .await?;
            templates.entry(d).or_default().push(t);
        }
    }
    let loader = Loader {
        account_managers: orgs.iter().map(|o| (o.id, o.account_manager_id)).collect(),
        contacts: primary.iter().map(|p| (p.organisation_id, p.id)).collect(),
        templates,
    };
    let mut rng = Rng(0x0a97_eeee_2d00_0005);
    let mut count = 0;
    let mut n = 0u32;
    let mut next_ref = || {
        n += 1;
        format!("PA-{n:04}")
    };
    let review_for =
        |start: NaiveDate, k: usize| k.is_multiple_of(2).then(|| next_anniversary(start, today - Duration::days(20)));

    // The chain: Netto and Bilka stores each with their own agreement; føtex for the company
    // and all its stores.
    for o in orgs.iter().filter(|o| o.r#ref.starts_with("DK-SALLING-S")) {
        let parent = orgs.iter().find(|p| Some(p.id) == o.parent_id);
        if parent.is_some_and(|p| p.r#ref == "DK-SALLING-FØTEX") {
            continue;
        }
        let start = date(2012 + rng.below(10) as i32, 1 + rng.below(12) as u32, 1);
        let k = rng.below(10);
        loader
            .store(
                &txn,
                Plan {
                    district_id: dk.id,
                    r#ref: next_ref(),
                    holder: o.id,
                    kind: "partnership",
                    status: "active",
                    language: "da",
                    purpose: Some(DK_PURPOSES[0].into()),
                    start,
                    end: None,
                    review: review_for(start, k),
                    terminated: None,
                    previous: None,
                    sites: vec![],
                },
            )
            .await?;
        count += 1;
    }
    let fotex = org("DK-SALLING-FØTEX")?;
    let fotex_stores: Vec<i64> = orgs.iter().filter(|o| o.parent_id == Some(fotex.id)).map(|o| o.id).collect();
    loader
        .store(
            &txn,
            Plan {
                district_id: dk.id,
                r#ref: next_ref(),
                holder: fotex.id,
                kind: "partnership",
                status: "active",
                language: "da",
                purpose: Some(DK_PURPOSES[1].into()),
                start: date(2016, 3, 1),
                end: None,
                review: Some(today + Duration::days(25)),
                terminated: None,
                previous: None,
                sites: fotex_stores,
            },
        )
        .await?;
    count += 1;

    // The municipality's other employers: most hold a partnership agreement.
    let companies: Vec<&organisation::Model> =
        orgs.iter().filter(|o| o.district_id == dk.id && o.r#ref.starts_with("DK-1")).collect();
    for (i, o) in companies.iter().enumerate() {
        if i % 29 == 7 {
            continue;
        }
        let start = date(2008 + rng.below(15) as i32, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
        let strengthened = i % 37 == 4;
        let purpose = Some(DK_PURPOSES[rng.below(DK_PURPOSES.len())].to_owned());
        let mut plan = Plan {
            district_id: dk.id,
            r#ref: next_ref(),
            holder: o.id,
            kind: if strengthened { "strengthened" } else { "partnership" },
            status: "active",
            language: "da",
            purpose,
            start,
            end: None,
            review: review_for(start, i),
            terminated: None,
            previous: None,
            sites: vec![],
        };
        if o.status == "ceased" || i % 25 == 3 {
            let (by, reason) = TERMINATION_REASONS[if o.status == "ceased" { 0 } else { 1 + rng.below(3) }];
            let on = today - Duration::days(30 + rng.below(700) as i64);
            plan.start = plan.start.min(on - Duration::days(200));
            plan.status = "terminated";
            plan.review = None;
            plan.terminated = Some((on, by, reason.to_owned()));
        } else if i % 97 == 5 {
            plan.status = "draft";
            plan.start = today + Duration::days(14 + rng.below(30) as i64);
            plan.review = None;
        } else if strengthened {
            // A strengthened agreement that renewed an earlier one.
            let old_start = date(2014, 1, 1);
            let old_end = date(2019, 12, 31);
            let old = loader
                .store(
                    &txn,
                    Plan {
                        district_id: dk.id,
                        r#ref: format!("{}-V1", plan.r#ref),
                        holder: o.id,
                        kind: "strengthened",
                        status: "active",
                        language: "da",
                        purpose: plan.purpose.clone(),
                        start: old_start,
                        end: Some(old_end),
                        review: None,
                        terminated: None,
                        previous: None,
                        sites: vec![],
                    },
                )
                .await?;
            count += 1;
            plan.previous = Some(old.id);
            plan.start = old_end + Duration::days(1);
            plan.review = Some(next_anniversary(plan.start, today - Duration::days(10)));
        }
        loader.store(&txn, plan).await?;
        count += 1;
    }

    // The UK district: the national employer's service level agreement with its stores, a
    // developer's planning obligation, New Deal partnerships, and one ended by a closure.
    let year_start = date(today.year(), 1, 1);
    let year_end = date(today.year(), 12, 31);
    let asda = org("UK-009")?;
    let asda_sites: Vec<i64> = orgs.iter().filter(|o| o.parent_id == Some(asda.id)).map(|o| o.id).collect();
    let sla_start = date(today.year() - 2, 1, 1);
    let sla = loader
        .store(
            &txn,
            Plan {
                district_id: uk.id,
                r#ref: "SLA-ASDA".into(),
                holder: asda.id,
                kind: "service_level",
                status: "active",
                language: "en",
                purpose: Some(
                    "Exclusive rights to fill the new jobs in new and refurbished stores over five years, \
                     with pilot stores and job preparation courses designed with the employer."
                        .into(),
                ),
                start: sla_start,
                end: Some(date(today.year() + 2, 12, 31)),
                review: Some(today + Duration::days(40)),
                terminated: None,
                previous: None,
                sites: asda_sites.clone(),
            },
        )
        .await?;
    count += 1;
    let bull_ring = org("UK-007")?;
    let s106 = loader
        .store(
            &txn,
            Plan {
                district_id: uk.id,
                r#ref: "S106-BULLRING".into(),
                holder: bull_ring.id,
                kind: "planning_obligation",
                status: "active",
                language: "en",
                purpose: Some(
                    "Section 106 local-employment clause: local people recruited for construction and the \
                     completed centre, with an annual review of benefits and outcomes."
                        .into(),
                ),
                start: date(today.year() - 1, 9, 1),
                end: Some(date(today.year() + 2, 8, 31)),
                review: Some(next_anniversary(date(2000, 9, 1), today - Duration::days(20))),
                terminated: None,
                previous: None,
                sites: vec![],
            },
        )
        .await?;
    count += 1;
    for (r, start) in [("UK-001", date(2003, 4, 1)), ("UK-010", date(2004, 1, 12)), ("UK-003", date(2005, 6, 1))] {
        loader
            .store(
                &txn,
                Plan {
                    district_id: uk.id,
                    r#ref: next_ref(),
                    holder: org(r)?.id,
                    kind: "partnership",
                    status: "active",
                    language: "en",
                    purpose: Some("New Deal partnership: placements, work trials and recruitment support.".into()),
                    start,
                    end: None,
                    review: Some(next_anniversary(start, today - Duration::days(20))),
                    terminated: None,
                    previous: None,
                    sites: vec![],
                },
            )
            .await?;
        count += 1;
    }
    let rover = org("UK-002")?;
    loader
        .store(
            &txn,
            Plan {
                district_id: uk.id,
                r#ref: next_ref(),
                holder: rover.id,
                kind: "partnership",
                status: "terminated",
                language: "en",
                purpose: Some("Recruitment and training partnership for the Longbridge plant.".into()),
                start: date(2002, 5, 1),
                end: None,
                review: None,
                terminated: Some((
                    today - Duration::days(120),
                    "employer",
                    "The company went into administration; redundancy support continues separately.".into(),
                )),
                previous: None,
                sites: orgs.iter().filter(|o| o.parent_id == Some(rover.id)).map(|o| o.id).collect(),
            },
        )
        .await?;
    count += 1;
    let targets = [
        (
            sla.id,
            "jobs_filled",
            300,
            sla_start,
            date(today.year() + 2, 12, 31),
            None,
            "New jobs filled in the district",
        ),
        (sla.id, "placements", 120, year_start, year_end, None, "Placements this year"),
        (sla.id, "courses", 6, year_start, year_end, Some(4), "Job preparation courses run"),
        (s106.id, "hires", 150, date(today.year() - 1, 9, 1), date(today.year() + 2, 8, 31), None, "Local hires"),
    ];
    for (id, metric, target, from, to, recorded, label) in targets {
        agreement_target::Entity::insert(agreement_target::ActiveModel {
            agreement_id: Set(id),
            metric: Set(metric.into()),
            target: Set(target),
            period_start: Set(from),
            period_end: Set(to),
            label: Set(Some(label.into())),
            recorded: Set(recorded),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
    }
    // What those targets count: activities and recruitment requests at the covered sites.
    let mut activities = Vec::new();
    let elapsed = (today - year_start).num_days().max(1);
    let sites_sla: Vec<i64> = std::iter::once(asda.id).chain(asda_sites.iter().copied()).collect();
    for k in 0..70 {
        let at = sites_sla[k % sites_sla.len()];
        let start = year_start + Duration::days(rng.below(elapsed as usize) as i64);
        let types = ["new_deal_start", "work_trial", "pre_employment_training", "work_placement"];
        activities.push(demo_activity(uk.id, format!("DEMO-A{:05}", k + 1), types[k % 4], at, start, k % 3 == 0));
    }
    let s106_days = (today - date(today.year() - 1, 9, 1)).num_days().max(1);
    for k in 0..64 {
        let start = date(today.year() - 1, 9, 1) + Duration::days(rng.below(s106_days as usize) as i64);
        activities.push(demo_activity(
            uk.id,
            format!("DEMO-B{:05}", k + 1),
            if k % 2 == 0 { "apprenticeship" } else { "work_trial" },
            bull_ring.id,
            start,
            k % 4 != 3,
        ));
    }
    activity::Entity::insert_many(activities).exec_without_returning(&txn).await?;
    let titles = ["Customer assistants", "Night shift colleagues", "Bakery assistants", "Warehouse operatives"];
    let requests: Vec<recruitment_request::ActiveModel> = (0..10)
        .map(|k| {
            let received = sla_start + Duration::days((k as i64) * 70);
            let positions = 20 + (k as i32 % 4) * 15;
            recruitment_request::ActiveModel {
                district_id: Set(uk.id),
                source_id: Set(format!("DEMO-R{:04}", k + 1)),
                organisation_id: Set(sites_sla[k % sites_sla.len()]),
                title: Set(titles[k % titles.len()].into()),
                positions: Set(positions),
                received_date: Set(received.min(today)),
                status: Set(if k < 8 { "filled" } else { "open" }.into()),
                hires: Set((k < 8).then_some(positions - 3)),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            }
        })
        .collect();
    recruitment_request::Entity::insert_many(requests).exec_without_returning(&txn).await?;
    let system = Actor::system();
    let mut e = system.audit("import", "agreements", None);
    e.summary = Some(format!("demo data: {count} agreements"));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    app.db.optimize().await?;
    Ok(count)
}

fn demo_activity(
    district_id: i64,
    source_id: String,
    kind: &str,
    organisation_id: i64,
    start: NaiveDate,
    hired: bool,
) -> activity::ActiveModel {
    let now = Utc::now();
    let ended = start + Duration::days(56) < now.date_naive();
    activity::ActiveModel {
        district_id: Set(district_id),
        source_id: Set(source_id.clone()),
        r#type: Set(kind.into()),
        organisation_id: Set(organisation_id),
        start_date: Set(start),
        end_date: Set(ended.then(|| start + Duration::days(56))),
        citizen_ref: Set(Some(format!("CIT-{}", &source_id[5..]))),
        outcome: Set(match (ended, hired) {
            (false, _) => "ongoing",
            (true, true) => "hired",
            (true, false) => "ended",
        }
        .into()),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
}
