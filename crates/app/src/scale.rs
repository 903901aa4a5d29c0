//! A deterministic data set of any size, written in bulk: for benchmarks and for trying
//! Accord at national scale. Not the demo: no story, just volume with a realistic shape.

use crate::demo::cvr_with_base;
use crate::{App, AppError, Result};
use accord_db::entities::{agreement, agreement_site, contact, interaction, organisation};
use accord_db::sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone)]
pub struct Spec {
    pub district: String,
    pub organisations: usize,
    pub contacts_per_org: usize,
    pub interactions_per_org: usize,
    /// Activities in all, spread evenly over the organisations and the last five years.
    pub activities: usize,
    /// Recruitment requests in all, spread the same way.
    pub requests: usize,
    /// One company in this many holds an agreement; 0 for four in five (the directory
    /// benchmark's shape).
    pub agreement_every: usize,
    pub seed: u64,
}

/// The activity types the generated activities have, most common first (as in the Danish
/// municipality's 2022).
const TYPES: &[(&str, u64)] = &[
    ("work_placement", 62),
    ("flex_job", 10),
    ("utility_job", 5),
    ("wage_subsidy", 5),
    ("adult_apprentice", 5),
    ("personal_assistance", 3),
    ("job_rotation", 2),
    ("job_placing", 8),
];

/// How many of `total` fall to organisation `n` of `orgs`: every organisation its share.
fn share(total: usize, orgs: usize, n: usize) -> usize {
    if orgs == 0 {
        return 0;
    }
    (n + 1) * total / orgs - n * total / orgs
}

/// The activities and recruitment requests of a chunk's organisations: start dates over the
/// last five years, recorded two weeks before.
async fn insert_records<C: ConnectionTrait>(
    txn: &C,
    district_id: i64,
    prefix: &str,
    spec: &Spec,
    orgs: &[(usize, i64)],
    now: DateTime<Utc>,
) -> Result<()> {
    use accord_db::entities::{activity, recruitment_request};
    let today = now.date_naive();
    let weight: u64 = TYPES.iter().map(|t| t.1).sum();
    let mut acts = Vec::new();
    let mut reqs = Vec::new();
    for (n, id) in orgs {
        for k in 0..share(spec.activities, spec.organisations, *n) {
            let h = mix((*n as u64) << 20 ^ k as u64 ^ 0xac7 << 48);
            let mut pick = h % weight;
            let kind = TYPES
                .iter()
                .find(|(_, w)| {
                    if pick < *w {
                        true
                    } else {
                        pick -= w;
                        false
                    }
                })
                .map_or("work_placement", |t| t.0);
            let start = today - Duration::days(((h >> 16) % 1826) as i64);
            let end = start + Duration::weeks(4 + ((h >> 32) % 40) as i64);
            let outcome = if end >= today {
                "ongoing"
            } else {
                ["hired", "ended", "ended", "cancelled"][((h >> 40) % 4) as usize]
            };
            let recorded = (start - Duration::days(14)).and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
            acts.push(activity::ActiveModel {
                district_id: Set(district_id),
                source_id: Set(format!("{prefix}A{n}-{k}")),
                r#type: Set(kind.into()),
                organisation_id: Set(*id),
                start_date: Set(start),
                end_date: Set(Some(end)),
                citizen_ref: Set(Some(format!("CIT-{}", (h >> 24) % 10_000_000))),
                outcome: Set(outcome.into()),
                account_manager_id: Set(None),
                source: Set("import".into()),
                import_id: Set(None),
                created_at: Set(recorded),
                updated_at: Set(recorded),
                version: Set(1),
                ..Default::default()
            });
        }
        for k in 0..share(spec.requests, spec.organisations, *n) {
            let h = mix((*n as u64) << 20 ^ k as u64 ^ 0x7e9 << 48);
            let received = today - Duration::days(((h >> 16) % 1826) as i64);
            let filled = h % 10 < 7;
            let recorded = received.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
            reqs.push(recruitment_request::ActiveModel {
                district_id: Set(district_id),
                source_id: Set(format!("{prefix}R{n}-{k}")),
                organisation_id: Set(*id),
                title: Set("Warehouse worker".into()),
                occupation: Set(None),
                positions: Set(1 + (h >> 40) as i32 % 3),
                received_date: Set(received),
                deadline: Set(Some(received + Duration::days(30))),
                status: Set(if filled { "filled" } else { "expired" }.into()),
                hires: Set(Some(if filled { 1 } else { 0 })),
                account_manager_id: Set(None),
                source: Set("import".into()),
                import_id: Set(None),
                created_at: Set(recorded),
                updated_at: Set(recorded),
                version: Set(1),
                ..Default::default()
            });
        }
    }
    for batch in acts.chunks(1000) {
        activity::Entity::insert_many(batch.to_vec()).exec_without_returning(txn).await?;
    }
    for batch in reqs.chunks(1000) {
        recruitment_request::Entity::insert_many(batch.to_vec()).exec_without_returning(txn).await?;
    }
    Ok(())
}

const WORDS: &[&str] = &[
    "Nord",
    "Syd",
    "Vest",
    "Øst",
    "Bygge",
    "Data",
    "Pleje",
    "Transport",
    "Handel",
    "Service",
    "Teknik",
    "Energi",
    "Fødevare",
    "Logistik",
    "Rengøring",
    "Maskin",
    "Auto",
    "Grøn",
    "Hav",
    "Skov",
    "Midland",
    "Central",
    "Allied",
    "Crown",
    "Castle",
];
const KINDS: &[&str] = &["ApS", "A/S", "Ltd", "Holding", "& Co", "I/S"];
const FIRST: &[&str] =
    &["Anne", "Lars", "Mette", "Jens", "Sarah", "Paul", "Priya", "Ole", "Helen", "Mads", "Aisha", "Peter"];
const LAST: &[&str] = &["Jensen", "Nielsen", "Hansen", "Smith", "Khan", "Patel", "Larsen", "Jones", "Madsen", "Brown"];

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// A partnership agreement for four companies in five (or one in `every`), each covering its holder, started
/// over the last fifteen years; one in eight has ended and one in twenty is terminated.
async fn insert_agreements<C: ConnectionTrait>(
    txn: &C,
    district_id: i64,
    prefix: &str,
    orgs: &[(usize, i64)],
    every: usize,
    now: DateTime<Utc>,
) -> Result<()> {
    let today = now.date_naive();
    let holds = |n: usize| match every {
        0 => n % 10 != 9 && !n.is_multiple_of(5),
        k => n % 10 != 9 && mix(n as u64 ^ 0xa9 << 40).is_multiple_of(k as u64),
    };
    let holders: Vec<&(usize, i64)> = orgs.iter().filter(|(n, _)| holds(*n)).collect();
    if holders.is_empty() {
        return Ok(());
    }
    let before: Option<i64> = agreement::Entity::find()
        .select_only()
        .column_as(agreement::Column::Id.max(), "m")
        .into_tuple()
        .one(txn)
        .await?
        .flatten();
    let rows: Vec<agreement::ActiveModel> = holders
        .iter()
        .map(|(n, id)| {
            let h = mix((*n as u64) << 24 | 7);
            let start = today - Duration::days((h % 5400) as i64);
            let (status, end, terminated_on) = match h >> 20 & 0xff {
                0..=11 => ("terminated", None, Some(start + Duration::days(200 + (h >> 32) as i64 % 900))),
                12..=43 => ("active", Some(start + Duration::days(365 + (h >> 32) as i64 % 1500)), None),
                _ => ("active", None, None),
            };
            agreement::ActiveModel {
                district_id: Set(district_id),
                r#ref: Set(format!("{prefix}A{n}")),
                organisation_id: Set(*id),
                kind: Set(if h.is_multiple_of(23) { "strengthened" } else { "partnership" }.into()),
                status: Set(status.into()),
                language: Set("da".into()),
                purpose: Set(None),
                account_manager_id: Set(None),
                contact_id: Set(None),
                signed_on: Set(Some(start)),
                start_date: Set(start),
                end_date: Set(end),
                review_on: Set(Some(today + Duration::days((h >> 40) as i64 % 400 - 30))),
                terminated_on: Set(terminated_on),
                terminated_by: Set(terminated_on.map(|_| "employer".to_owned())),
                termination_reason: Set(terminated_on.map(|_| "Closed.".to_owned())),
                previous_id: Set(None),
                created_at: Set(now - Duration::seconds((h % 100_000) as i64)),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            }
        })
        .collect();
    for batch in rows.chunks(1000) {
        agreement::Entity::insert_many(batch.to_vec()).exec_without_returning(txn).await?;
    }
    let made: Vec<(i64, i64)> = agreement::Entity::find()
        .select_only()
        .column(agreement::Column::Id)
        .column(agreement::Column::OrganisationId)
        .filter(agreement::Column::Id.gt(before.unwrap_or(0)))
        .into_tuple()
        .all(txn)
        .await?;
    let sites: Vec<agreement_site::ActiveModel> = made
        .into_iter()
        .map(|(a, o)| agreement_site::ActiveModel {
            agreement_id: Set(a),
            organisation_id: Set(o),
            ..Default::default()
        })
        .collect();
    for batch in sites.chunks(2000) {
        agreement_site::Entity::insert_many(batch.to_vec()).exec_without_returning(txn).await?;
    }
    Ok(())
}

/// Writes `spec.organisations` organisations (one in ten a site under the company before it),
/// their contact persons, contact-log entries, agreements, activities and recruitment
/// requests, in chunks of one transaction each.
pub async fn generate(app: &App, spec: &Spec, mut progress: impl FnMut(usize)) -> Result<()> {
    let c = &app.db.conn;
    let district = accord_db::users::district_by_code(c, &accord_db::Scope::All, &spec.district)
        .await?
        .ok_or_else(|| AppError::field("district", "district.unknown", Some(&spec.district)))?;
    let staff: Vec<i64> = accord_db::users::list(c, None, Default::default(), 1, 10_000)
        .await?
        .0
        .into_iter()
        .map(|u| u.user.id)
        .collect();
    if staff.is_empty() {
        return Err(AppError::Internal("create at least one user first".into()));
    }
    let now = Utc::now();
    let today = now.date_naive();
    const CHUNK: usize = 500;
    let mut last_company: Option<i64> = None;
    for start in (0..spec.organisations).step_by(CHUNK) {
        let end = (start + CHUNK).min(spec.organisations);
        let txn = app.db.write().await?;
        let prefix = format!("GEN-{}-", spec.seed);
        let mut rows = Vec::with_capacity(end - start);
        for n in start..end {
            let h = mix(spec.seed.wrapping_mul(1_000_003) ^ n as u64);
            let name = format!(
                "{} {} {} {}",
                WORDS[(h % WORDS.len() as u64) as usize],
                WORDS[((h >> 8) % WORDS.len() as u64) as usize],
                n,
                KINDS[((h >> 16) % KINDS.len() as u64) as usize]
            );
            let site = n % 10 == 9 && last_company.is_some();
            rows.push(organisation::ActiveModel {
                district_id: Set(district.id),
                r#ref: Set(format!("{prefix}{n}")),
                name_norm: Set(name.to_lowercase()),
                name: Set(name),
                kind: Set("employer".into()),
                level: Set(if site { "site" } else { "company" }.into()),
                parent_id: Set(if site { last_company } else { None }),
                cvr: Set(if site {
                    None
                } else {
                    cvr_with_base(1_000_000 + (spec.seed * 7_919 + n as u64) % 8_999_999)
                }),
                p_number: Set(site.then(|| format!("{:010}", 1_000_000_000 + (n as u64 % 8_999_999_999)))),
                companies_house: Set(None),
                sector: Set(Some(["47", "43", "86", "49", "56", "62", "10", "81"][((h >> 24) % 8) as usize].into())),
                size_band: Set(Some(["1-9", "10-49", "50-249", "250+"][((h >> 28) % 4) as usize].into())),
                address: Set(None),
                postcode: Set(Some(format!("{}", 1000 + (h >> 32) % 8999))),
                ward: Set(Some(format!("Ward {}", (h >> 40) % 40))),
                website: Set(None),
                status: Set("active".into()),
                notes: Set(None),
                account_manager_id: Set(Some(staff[((h >> 44) % staff.len() as u64) as usize])),
                created_at: Set(now - Duration::seconds((spec.organisations - n) as i64)),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            });
        }
        // The write lock is ours: every id above the largest before the insert is this chunk's.
        let before: Option<i64> = organisation::Entity::find()
            .select_only()
            .column_as(organisation::Column::Id.max(), "m")
            .into_tuple()
            .one(&txn)
            .await?
            .flatten();
        organisation::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        let ids: Vec<(i64, String)> = organisation::Entity::find()
            .select_only()
            .column(organisation::Column::Id)
            .column(organisation::Column::Ref)
            .filter(organisation::Column::Id.gt(before.unwrap_or(0)))
            .into_tuple()
            .all(&txn)
            .await?;
        let mut chunk_ids: Vec<(usize, i64)> = ids
            .into_iter()
            .filter_map(|(id, r)| {
                r[prefix.len()..].parse::<usize>().ok().filter(|n| (start..end).contains(n)).map(|n| (n, id))
            })
            .collect();
        chunk_ids.sort();
        if let Some((_, id)) = chunk_ids.iter().rev().find(|(n, _)| n % 10 != 9) {
            last_company = Some(*id);
        }
        let mut contacts = Vec::new();
        let mut log = Vec::new();
        for (n, id) in &chunk_ids {
            for k in 0..spec.contacts_per_org {
                let h = mix((*n as u64) << 8 | k as u64);
                let name = format!(
                    "{} {}",
                    FIRST[(h % FIRST.len() as u64) as usize],
                    LAST[((h >> 8) % LAST.len() as u64) as usize]
                );
                contacts.push(contact::ActiveModel {
                    district_id: Set(district.id),
                    organisation_id: Set(*id),
                    r#ref: Set(format!("{prefix}C{n}-{k}")),
                    name_norm: Set(name.to_lowercase()),
                    email: Set(Some(format!(
                        "{}.{n}.{k}@example.org",
                        name.split(' ').next().unwrap_or("x").to_lowercase()
                    ))),
                    name: Set(name),
                    role: Set(Some("HR".into())),
                    phone: Set(None),
                    consent: Set(true),
                    is_primary: Set(k == 0),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                });
            }
            for k in 0..spec.interactions_per_org {
                let h = mix((*n as u64) << 16 | k as u64 | 1 << 40);
                log.push(interaction::ActiveModel {
                    district_id: Set(district.id),
                    organisation_id: Set(*id),
                    kind: Set(["call", "visit", "email", "meeting"][(h % 4) as usize].into()),
                    occurred_on: Set(today - Duration::days((h >> 8) as i64 % 1500)),
                    staff_user_id: Set(staff[((h >> 20) % staff.len() as u64) as usize]),
                    people: Set(None),
                    summary: Set("Talked about recruitment and placements.".into()),
                    follow_up_on: Set(None),
                    follow_up_done_at: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                });
            }
        }
        for batch in contacts.chunks(1000) {
            contact::Entity::insert_many(batch.to_vec()).exec_without_returning(&txn).await?;
        }
        for batch in log.chunks(2000) {
            interaction::Entity::insert_many(batch.to_vec()).exec_without_returning(&txn).await?;
        }
        insert_agreements(&txn, district.id, &prefix, &chunk_ids, spec.agreement_every, now).await?;
        insert_records(&txn, district.id, &prefix, spec, &chunk_ids, now).await?;
        txn.commit().await?;
        progress(end);
    }
    app.db.analyze().await?;
    Ok(())
}
