//! The demo's activities and recruitment requests in the Danish municipality for 2021–2023,
//! loaded through the same bulk import as the case system's exports ("Kilde: Fasit"). The
//! year 2022 is built to give exactly the published Table 1: 1,086 activities over 260
//! partner companies and 107 recruitment requests over 58, with 86 hires — 1,193 new
//! activities over 274 partner companies — plus activities at employers without an agreement,
//! which the report must leave out. January 2023 has new activities at 76 partner companies
//! by the 25th and activities being planned (recorded, starting later) at 6 more.

use super::Rng;
use crate::import::{Kind, import_file};
use crate::{Actor, App, AppError, Result};
use accord_db::entities::{agreement, organisation};
use accord_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use chrono::{Datelike, Duration, NaiveDate};
use std::fmt::Write;

/// Table 1 of 2022: type, activities, partner companies (ranges of the partner list).
const TABLE_2022: &[(&str, usize, std::ops::Range<usize>)] = &[
    ("work_placement", 739, 0..220),
    ("flex_job", 118, 100..178),
    ("utility_job", 65, 0..2),
    ("wage_subsidy", 63, 180..213),
    ("adult_apprentice", 55, 213..234),
    ("personal_assistance", 30, 234..258),
    ("job_rotation", 16, 251..260),
];
/// The partner companies with recruitment requests in 2022 (44 of them also had activities).
const REQUESTS_2022: std::ops::Range<usize> = 216..274;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A day of `year` from the generator, before `cap` when given.
fn day_in(rng: &mut Rng, year: i32, cap: Option<NaiveDate>) -> NaiveDate {
    let start = date(year, 1, 1);
    let end = cap.unwrap_or(date(year, 12, 31));
    start + Duration::days(rng.below(((end - start).num_days() + 1) as usize) as i64)
}

struct Writer {
    csv: String,
    n: usize,
    rng: Rng,
}

impl Writer {
    fn activity(&mut self, kind: &str, org_ref: &str, start: NaiveDate) {
        self.n += 1;
        let weeks = match kind {
            "work_placement" => Some(4 + self.rng.below(10) as i64),
            "wage_subsidy" => Some(13 + self.rng.below(40) as i64),
            "adult_apprentice" => Some(104 + self.rng.below(104) as i64),
            "job_rotation" => Some(8 + self.rng.below(20) as i64),
            "utility_job" => Some(4 + self.rng.below(9) as i64),
            _ => None,
        };
        let end = weeks.map(|w| start + Duration::weeks(w));
        let ended = end.is_some_and(|e| e < chrono::Utc::now().date_naive());
        let outcome = match (ended, self.rng.below(10)) {
            (false, _) => "ongoing",
            (true, 0..=3) => "hired",
            (true, 4) => "cancelled",
            (true, _) => "ended",
        };
        let _ = writeln!(
            self.csv,
            "FASIT-{:06},{kind},{org_ref},{start},{},CIT-{:05},{outcome}",
            self.n,
            end.map(|e| e.to_string()).unwrap_or_default(),
            10_000 + self.rng.below(60_000)
        );
    }
}

/// Spreads `count` over the companies in `range`: each at least once.
fn spread(range: std::ops::Range<usize>, count: usize, rng: &mut Rng) -> Vec<usize> {
    let mut out: Vec<usize> = range.clone().collect();
    while out.len() < count {
        // Bigger employers take more: the first third of the range twice as often.
        let span = range.len();
        let pick = if rng.below(3) == 0 { rng.below(span.div_ceil(3)) } else { rng.below(span) };
        out.push(range.start + pick);
    }
    out
}

/// Loads the demo activities and requests for the district `slagelse`. Returns how many rows.
pub async fn load_activities(app: &App) -> Result<usize> {
    let c = &app.db.conn;
    let dk =
        accord_db::users::district_by_code(c, &accord_db::Scope::All, "slagelse").await?.ok_or(AppError::NotFound)?;
    let agreements = agreement::Entity::find()
        .filter(agreement::Column::DistrictId.eq(dk.id))
        .filter(agreement::Column::Status.eq("active"))
        .filter(agreement::Column::Kind.is_in(["partnership", "strengthened"]))
        .filter(agreement::Column::StartDate.lte(date(2021, 1, 1)))
        .filter(agreement::Column::EndDate.is_null())
        .order_by_asc(agreement::Column::Id)
        .all(c)
        .await?;
    let orgs = organisation::Entity::find().filter(organisation::Column::DistrictId.eq(dk.id)).all(c).await?;
    let org = |id: i64| orgs.iter().find(|o| o.id == id);
    // The partner companies, in a fixed order; each with the organisations its activities are at.
    let mut partners: Vec<Vec<String>> = Vec::new();
    for a in &agreements {
        let Some(holder) = org(a.organisation_id) else { continue };
        let sites: Vec<String> = accord_db::agreements::sites_of(c, vec![a.id])
            .await?
            .iter()
            .filter(|s| s.organisation_id != holder.id)
            .filter_map(|s| org(s.organisation_id))
            .map(|o| o.r#ref.clone())
            .collect();
        partners.push(if sites.is_empty() { vec![holder.r#ref.clone()] } else { sites });
    }
    if partners.len() < REQUESTS_2022.end + 6 {
        return Err(AppError::Internal(format!("the demo needs {} partner companies", REQUESTS_2022.end + 6)));
    }
    // Employers with no agreement in force: their activities are not partner activity.
    let all = agreement::Entity::find().filter(agreement::Column::DistrictId.eq(dk.id)).all(c).await?;
    let covered: std::collections::HashSet<i64> =
        accord_db::agreements::sites_of(c, all.iter().map(|a| a.id).collect())
            .await?
            .into_iter()
            .map(|s| s.organisation_id)
            .collect();
    let outsiders: Vec<&str> = orgs
        .iter()
        .filter(|o| !covered.contains(&o.id) && o.r#ref.starts_with("DK-1") && o.parent_id.is_none())
        .map(|o| o.r#ref.as_str())
        .collect();
    let mut w = Writer {
        csv: String::from("source_id,type,organisation_ref,start_date,end_date,citizen_ref,outcome\n"),
        n: 0,
        rng: Rng(0xac71_5eed_2022_0003),
    };
    let mut rng = Rng(0x7ab1_e001_2022_0001);
    let at = |w: &mut Writer, rng: &mut Rng, p: usize, kind: &str, start: NaiveDate| {
        let places = &partners[p];
        let place = places[rng.below(places.len())].clone();
        w.activity(kind, &place, start);
    };
    // 2022, exactly as published.
    for (kind, count, range) in TABLE_2022 {
        for p in spread(range.clone(), *count, &mut rng) {
            let start = day_in(&mut rng, 2022, None);
            at(&mut w, &mut rng, p, kind, start);
        }
    }
    // 2021 and the rest of 2023: the same shape, a little fewer and a little more.
    for (year, share) in [(2021, 90usize), (2023, 104)] {
        for (kind, count, range) in TABLE_2022 {
            for p in spread(range.clone(), count * share / 100, &mut rng) {
                let cap = (year == 2023).then(|| date(2023, 12, 31));
                let mut start = day_in(&mut rng, year, cap);
                // January 2023 belongs to the status of the 25th: moved to later in the year,
                // after what was recorded (two weeks ahead) by the 25th.
                if year == 2023 && start < date(2023, 2, 15) {
                    start += Duration::days(40);
                }
                at(&mut w, &mut rng, p, kind, start);
            }
        }
    }
    // By 25 January 2023: new activities at 76 partner companies; 6 more planned to start soon.
    for p in 0..76 {
        let start = date(2023, 1, 2) + Duration::days(rng.below(23) as i64);
        at(&mut w, &mut rng, p * 3 % REQUESTS_2022.end, "work_placement", start);
    }
    for p in REQUESTS_2022.end..REQUESTS_2022.end + 6 {
        // Recorded two weeks ahead, so known on the 25th.
        let start = date(2023, 2, 1) + Duration::days(rng.below(8) as i64);
        at(&mut w, &mut rng, p, "work_placement", start);
    }
    // Employers without an agreement.
    for (i, o) in outsiders.iter().cycle().take(60.min(outsiders.len() * 3)).enumerate() {
        let kind = ["work_placement", "wage_subsidy", "flex_job"][i % 3];
        let start = day_in(&mut rng, 2021 + (i % 3) as i32, None);
        w.activity(kind, o, start);
    }
    // The years since, up to two weeks ahead of today (what the case system holds now), so that
    // the dashboard and this year's targets have figures to show.
    let today = chrono::Utc::now().date_naive();
    let later: Vec<i32> = (2024..=today.year()).collect();
    for &year in &later {
        let cap = (year == today.year()).then(|| today + Duration::days(14));
        let share = 100 + (year - 2023) as usize * 3;
        for (kind, count, range) in TABLE_2022 {
            for p in spread(range.clone(), count * share / 100, &mut rng) {
                let start = day_in(&mut rng, year, cap);
                at(&mut w, &mut rng, p, kind, start);
            }
        }
        for (i, o) in outsiders.iter().cycle().take(20.min(outsiders.len())).enumerate() {
            let kind = ["work_placement", "wage_subsidy", "flex_job"][i % 3];
            w.activity(kind, o, day_in(&mut rng, year, cap));
        }
    }
    let mut requests = String::from("source_id,organisation_ref,title,positions,received_date,status,hires\n");
    let titles =
        ["Lagermedarbejder", "Social- og sundhedshjælper", "Butiksassistent", "Chauffør", "Rengøringsassistent"];
    let mut n = 0;
    let mut years = vec![(2021, 96, 74), (2022, 107, 86), (2023, 112, 80)];
    years.extend(later.iter().map(|&y| (y, 110 + (y - 2023) as usize * 2, 84 + (y - 2023) as usize)));
    for (year, count, hired) in years {
        let companies = spread(REQUESTS_2022, count, &mut rng);
        let cap = (year == today.year()).then(|| today + Duration::days(14));
        for (k, p) in companies.into_iter().enumerate() {
            n += 1;
            let received = day_in(&mut rng, year, cap);
            let received =
                if year == 2023 && received < date(2023, 2, 15) { received + Duration::days(40) } else { received };
            let (status, hires) = match k {
                k if k < hired => ("filled", "1"),
                k if k % 3 == 0 => ("filled_elsewhere", "0"),
                k if k % 3 == 1 => ("withdrawn", "0"),
                _ if year >= 2023 => ("open", ""),
                _ => ("expired", "0"),
            };
            let place = &partners[p][0];
            let _ = writeln!(
                requests,
                "FASIT-R{n:05},{place},{},{},{received},{status},{hires}",
                titles[n % titles.len()],
                1 + usize::from(hires == "1" && n % 5 == 0)
            );
        }
    }
    let system = Actor::system();
    let mut rows = 0;
    for (kind, body, name) in [
        (Kind::Activities, &w.csv, "fasit-aktiviteter-2021-2023.csv"),
        (Kind::RecruitmentRequests, &requests, "fasit-rekrutteringsanmodninger-2021-2023.csv"),
    ] {
        let report = import_file(app, &system, kind, Some("slagelse"), body.as_bytes(), name, false, |_| {}).await?;
        if let Some(e) = report.errors.first() {
            return Err(AppError::Internal(format!("demo {name}, line {}: {:?}", e.line, e.error)));
        }
        rows += report.rows;
    }
    recorded_ahead(app, dk.id).await?;
    Ok(rows)
}

/// The municipality's targets: the employment plan's "at least 300 partner companies have
/// activities" for 2023–24, and this year's own.
pub async fn load_targets(app: &App) -> Result<()> {
    use crate::reports::{TargetInput, save_target};
    let system = Actor::system();
    let y = chrono::Utc::now().year();
    let targets = [
        (
            "Mindst 300 partnerskabsvirksomheder har aktiviteter (Beskæftigelsesplan 2023-24)",
            "partner_organisations",
            "",
            "2023-01-01".to_owned(),
            "2024-12-31".to_owned(),
            "300",
            "at_least",
        ),
        (
            "Mindst 300 partnerskabsvirksomheder har aktiviteter i år",
            "partner_organisations",
            "",
            format!("{y}-01-01"),
            format!("{y}-12-31"),
            "300",
            "at_least",
        ),
        (
            "Mindst 750 virksomhedspraktikker i partnerskabsvirksomheder",
            "activities_of_type",
            "work_placement",
            format!("{y}-01-01"),
            format!("{y}-12-31"),
            "750",
            "at_least",
        ),
        (
            "Mindst 90 rekrutteringsanmodninger besat via jobcentret",
            "requests_filled",
            "",
            format!("{y}-01-01"),
            format!("{y}-12-31"),
            "90",
            "at_least",
        ),
        (
            "Mindst 400 partnerskabsaftaler i kraft",
            "agreements_in_force",
            "",
            format!("{y}-01-01"),
            format!("{y}-12-31"),
            "400",
            "at_least",
        ),
    ];
    for (name, metric, kind, from, to, threshold, direction) in targets {
        let input = TargetInput {
            district: Some("slagelse".into()),
            name: name.into(),
            metric: metric.into(),
            activity_type: kind.into(),
            period_start: from,
            period_end: to,
            threshold: threshold.into(),
            direction: direction.into(),
            ..Default::default()
        };
        save_target(app, &system, None, &input).await?;
    }
    Ok(())
}

/// The case system records an activity about two weeks before it starts, and the nightly
/// export brings it in then: the demo's records get that recording date, so that a report as
/// of a past day sees what was planned on that day.
async fn recorded_ahead(app: &App, district_id: i64) -> Result<()> {
    use accord_db::entities::{activity, recruitment_request};
    use accord_db::sea_orm::{QuerySelect, sea_query::Expr};
    let c = &app.db.conn;
    let at = |d: NaiveDate| (d - Duration::days(14)).and_hms_opt(8, 0, 0).unwrap_or_default().and_utc();
    let txn = app.db.write().await?;
    let days: Vec<NaiveDate> = activity::Entity::find()
        .select_only()
        .column(activity::Column::StartDate)
        .distinct()
        .filter(activity::Column::DistrictId.eq(district_id))
        .into_tuple()
        .all(c)
        .await?;
    for d in days {
        activity::Entity::update_many()
            .col_expr(activity::Column::CreatedAt, Expr::value(at(d)))
            .filter(activity::Column::DistrictId.eq(district_id))
            .filter(activity::Column::StartDate.eq(d))
            .exec(&txn)
            .await?;
    }
    let days: Vec<NaiveDate> = recruitment_request::Entity::find()
        .select_only()
        .column(recruitment_request::Column::ReceivedDate)
        .distinct()
        .filter(recruitment_request::Column::DistrictId.eq(district_id))
        .into_tuple()
        .all(c)
        .await?;
    for d in days {
        recruitment_request::Entity::update_many()
            .col_expr(recruitment_request::Column::CreatedAt, Expr::value(at(d)))
            .filter(recruitment_request::Column::DistrictId.eq(district_id))
            .filter(recruitment_request::Column::ReceivedDate.eq(d))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
