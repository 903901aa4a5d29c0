//! The demo's redundancy event (seeds 000 and 001): the closure of MG Rover's Longbridge car
//! plant in the Birmingham and Solihull district, as the Rover Task Force met it in 2005 — 5,000
//! jobs at the plant, more at its suppliers, a union, the careers service, colleges and funders
//! in the response, job shops on the premises and in the community, and about 300 workers'
//! cases at every stage from registration to a job held 13 weeks. Dates are relative to today
//! (the closure was announced some ten months ago), so the demo stays current: the adviser's
//! home page always has check-ins due this week and overdue.

use super::{Rng, checked};
use crate::cases::{self, ActivityInput, CaseInput, CheckinInput, JobInput, SessionInput, TrainingInput};
use crate::directory as dir;
use crate::redundancy::{self as rd, EventInput, JobShopInput};
use crate::{Actor, App, AppError, Result};
use accord_db::entities::organisation;
use accord_db::redundancy as q;
use accord_db::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use accord_domain::redundancy::DEFAULT_CHECKIN_WEEKS;
use accord_domain::{OrgKind, OrgLevel};
use chrono::{Duration, NaiveDate, Utc};

const DISTRICT: &str = "birmingham-solihull";

/// Days between the announcement and today.
const ANNOUNCED_DAYS_AGO: i64 = 300;

fn s(v: impl Into<String>) -> Option<String> {
    Some(v.into())
}

/// The organisations of the response that the directory may lack: reference, name, kind,
/// sector, and for a supplier its estimated job losses.
const SUPPLIERS: &[(&str, &str, &str, i32)] = &[
    ("UK-RTF-S1", "Longbridge Pressings Ltd", "25", 420),
    ("UK-RTF-S2", "Cofton Seating Systems Ltd", "29", 310),
    ("UK-RTF-S3", "Austin Lane Logistics Ltd", "52", 180),
    ("UK-RTF-S4", "Rednal Wiring Harnesses Ltd", "27", 140),
];

struct Part {
    r#ref: &'static str,
    name: &'static str,
    kind: &'static str,
    sector: &'static str,
    role: &'static str,
}

const PARTNERS: &[Part] = &[
    Part {
        r#ref: "UK-RTF-U1",
        name: "Transport and General Workers' Union, West Midlands Region",
        kind: "union",
        sector: "94",
        role: "union",
    },
    Part {
        r#ref: "UK-RTF-C1",
        name: "Nextstep Birmingham and Solihull",
        kind: "provider",
        sector: "85",
        role: "careers",
    },
    Part { r#ref: "UK-P04", name: "South Birmingham College", kind: "provider", sector: "85", role: "training" },
    Part { r#ref: "UK-RTF-T1", name: "Bournville College", kind: "provider", sector: "85", role: "training" },
    Part { r#ref: "UK-RTF-F1", name: "European Social Fund (ESF)", kind: "agency", sector: "84", role: "funder" },
    Part {
        r#ref: "UK-P03",
        name: "Learning and Skills Council Birmingham and Solihull",
        kind: "provider",
        sector: "85",
        role: "funder",
    },
    Part {
        r#ref: "UK-P07",
        name: "Jobcentre Plus Birmingham and Solihull",
        kind: "agency",
        sector: "84",
        role: "other",
    },
    Part { r#ref: "UK-P02", name: "Birmingham City Council", kind: "agency", sector: "84", role: "other" },
];

const FIRST: &[&str] = &[
    "John", "David", "Michael", "Paul", "Mark", "Steven", "Andrew", "Peter", "Gary", "Ian", "Kevin", "Robert",
    "Anthony", "Graham", "Neil", "Stuart", "Colin", "Keith", "Darren", "Lee", "Mohammed", "Tariq", "Imran", "Rajinder",
    "Sukhdev", "Winston", "Delroy", "Patrick", "Sean", "Tomasz", "Susan", "Karen", "Julie", "Tracey", "Sharon",
    "Jasbir", "Angela", "Donna",
];
const LAST: &[&str] = &[
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Walker", "Wright", "Robinson", "Thompson", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke",
    "Jackson", "Turner", "Hill", "Baker", "Cooper", "Khan", "Hussain", "Singh", "Sandhu", "Patel", "Begum", "Campbell",
    "O'Brien", "Murphy", "Nowak", "Bennett", "Morris", "Kelly",
];
const STREETS: &[(&str, &str)] = &[
    ("Bristol Road South", "B31 2"),
    ("Longbridge Lane", "B31 4"),
    ("Lickey Road", "B45 8"),
    ("Cofton Road", "B31 3"),
    ("Tessall Lane", "B31 5"),
    ("Frankley Beeches Road", "B31 5"),
    ("Egghill Lane", "B31 1"),
    ("Rednal Road", "B38 8"),
    ("Redditch Road", "B38 8"),
    ("New Road, Rubery", "B45 9"),
    ("Bell Lane", "B31 1"),
    ("Church Road, Northfield", "B31 2"),
    ("Hawkesley Mill Lane", "B31 2"),
    ("Pershore Road South", "B30 3"),
];
const UNITS: &[&str] = &["NE", "NH", "NL", "NP", "NS", "NW", "NX", "PA", "PB", "PD", "PE", "PJ", "PL", "PN", "PQ"];
const JOBS_AT_ROVER: &[&str] = &[
    "Track operative on the CityRover and 25 line",
    "Paint shop operative",
    "Press shop setter",
    "Maintenance electrician",
    "Quality inspector",
    "Fork-lift driver in stores",
    "Body-in-white welder",
    "Engineering technician",
    "Manufacturing team leader",
    "Purchasing clerk",
    "Powertrain machinist",
    "Logistics controller",
];
const WISHES: &[&str] = &[
    "Wants to stay in manufacturing, ideally in the motor industry.",
    "Open to retraining; interested in electrical installation.",
    "Would like to drive for a living: HGV or buses.",
    "Thinking of care work; has looked after a parent.",
    "Wants office work; good with figures.",
    "Considering self-employment as a mobile mechanic.",
    "Hopes to get into construction; has some trade skills.",
    "Would take any steady job near home; cannot travel far.",
];
const COURSES: &[(&str, &str, i64)] = &[
    ("South Birmingham College", "NVQ Level 2 Electrical Installation", 1800),
    ("South Birmingham College", "CNC machining, NVQ Level 3", 2400),
    ("South Birmingham College", "Gas safety (ACS) for fitters", 2100),
    ("Bournville College", "Certificate in Health and Social Care", 650),
    ("Bournville College", "ECDL computer skills", 350),
    ("Bournville College", "Teaching assistant, NVQ Level 2", 900),
    ("Midland Driver Training", "HGV Class 2 (C) licence", 1450),
    ("Midland Driver Training", "Passenger carrying vehicle (bus) licence", 1650),
    ("West Midlands Forklift Training", "Counterbalance fork-lift truck licence", 420),
    ("CITB-ConstructionSkills", "CSCS card and site safety", 280),
];
const FUNDING: &[&str] = &["ESF", "ESF", "ESF", "Innovation Fund", "Innovation Fund", "Employer"];
const NEW_JOBS: &[(&str, &str, f64)] = &[
    ("Jaguar Cars Ltd, Castle Bromwich", "Production operative", 39.0),
    ("Land Rover, Solihull", "Assembly line operative", 39.0),
    ("Birmingham International Airport Ltd", "Baggage handler", 37.5),
    ("Travel West Midlands", "Bus driver", 40.0),
    ("Royal Mail, Birmingham Mail Centre", "Postal worker", 40.0),
    ("Asda Stores Ltd, Longbridge", "Warehouse colleague", 30.0),
    ("Birmingham City Council", "Highways maintenance operative", 37.0),
    ("Cadbury Ltd, Bournville", "Process operator", 37.5),
    ("Severn Trent Water", "Network technician", 37.0),
    ("University Hospital Birmingham", "Healthcare assistant", 37.5),
    ("LDV Ltd, Washwood Heath", "Quality auditor", 39.0),
    ("Goodyear Dunlop Tyres UK", "Maintenance electrician", 40.0),
    ("Balfour Beatty", "Site operative", 42.5),
    ("Bromsgrove Care Homes", "Care assistant", 35.0),
    ("Self-employed", "Electrician", 45.0),
];
const CHECKIN_NOTES: &[&str] = &[
    "Settling in well.",
    "Happy in the job; some overtime offered.",
    "Finding shifts tiring but staying on.",
    "Passed probation review.",
    "Wants help with travel costs; referred to in-work support.",
    "Going well; employer pleased.",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Registered,
    Assessed,
    Planned,
    Training,
    Trained,
    InWork,
    Sustained,
    NotSustained,
    Withdrawn,
}

/// How many cases stand at each stage.
const STAGES: &[(Stage, usize)] = &[
    (Stage::Registered, 30),
    (Stage::Assessed, 35),
    (Stage::Planned, 55),
    (Stage::Training, 45),
    (Stage::Trained, 20),
    (Stage::InWork, 40),
    (Stage::Sustained, 50),
    (Stage::NotSustained, 12),
    (Stage::Withdrawn, 13),
];

impl Rng {
    /// A whole number from `lo` to `hi`, both included.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { lo + self.below((hi - lo + 1) as usize) as i64 }
    }
}

/// A National Insurance number that `NationalId::parse` takes, unique for each `n` below a
/// million.
pub(crate) fn nino(rng: &mut Rng, n: u64) -> String {
    const FIRST: &[u8] = b"ABCEGHJKLMNOPRSTWXYZ";
    const SECOND: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
    let prefix = loop {
        let p = [FIRST[rng.below(FIRST.len())], SECOND[rng.below(SECOND.len())]];
        let p = String::from_utf8_lossy(&p).into_owned();
        if !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&p.as_str()) {
            break p;
        }
    };
    // 7919 is prime to a million, so the digits differ for every n.
    let digits = (n * 7919 + 104_729) % 1_000_000;
    format!("{prefix}{digits:06}{}", ['A', 'B', 'C', 'D'][rng.below(4)])
}

/// The organisation named so in the district.
async fn named(app: &App, district_id: i64, name: &str) -> Result<Option<organisation::Model>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::DistrictId.eq(district_id))
        .filter(organisation::Column::Name.eq(name))
        .one(&app.db.conn)
        .await?)
}

/// The organisation named so, made (with this reference) if the directory lacks it; its
/// reference.
#[allow(clippy::too_many_arguments)]
async fn ensure_org(
    app: &App,
    district_id: i64,
    r: &str,
    name: &str,
    kind: &str,
    level: OrgLevel,
    parent: Option<i64>,
    sector: &str,
) -> Result<organisation::Model> {
    if let Some(o) = named(app, district_id, name).await? {
        return Ok(o);
    }
    let mut o = checked(name.into(), r.into(), OrgKind::parse(kind).unwrap_or(OrgKind::Employer), level, parent);
    o.sector = Some(sector.into());
    let txn = app.db.write().await?;
    let row = dir::save_checked(&txn, &Actor::system(), district_id, &o, None, Utc::now()).await?;
    txn.commit().await?;
    Ok(row)
}

async fn user_actor(app: &App, email: &str) -> Result<Option<(i64, Actor)>> {
    match accord_db::users::find_by_email(&app.db.conn, email).await? {
        Some(u) => Ok(Some((u.id, crate::auth::actor_for(app, &u, None).await?))),
        None => Ok(None),
    }
}

/// Loads the event, its job shops and its cases. Needs the directory, the users and the data
/// key (without a key, the event and job shops are loaded and the cases left out).
pub async fn load_redundancy(app: &App) -> Result<()> {
    let c = &app.db.conn;
    let uk =
        accord_db::users::district_by_code(c, &accord_db::Scope::All, DISTRICT).await?.ok_or(AppError::NotFound)?;
    let Some((karen_id, manager)) = user_actor(app, "manager@accord.example").await? else {
        return Err(AppError::NotFound);
    };
    let Some((priya_id, adviser)) = user_actor(app, "adviser@accord.example").await? else {
        return Err(AppError::NotFound);
    };
    let today = Utc::now().date_naive();
    let announced = today - Duration::days(ANNOUNCED_DAYS_AGO);

    // ---- the organisations ----
    let employer = match named(app, uk.id, "MG Rover Group Ltd").await? {
        Some(o) => o,
        None => {
            ensure_org(app, uk.id, "UK-RTF-E1", "MG Rover Group Ltd", "employer", OrgLevel::Company, None, "29").await?
        }
    };
    let mut sites: Vec<String> = organisation::Entity::find()
        .filter(organisation::Column::ParentId.eq(employer.id))
        .filter(organisation::Column::Level.eq("site"))
        .all(c)
        .await?
        .into_iter()
        .map(|o| o.r#ref)
        .collect();
    if sites.is_empty() {
        let site = ensure_org(
            app,
            uk.id,
            &format!("{}-LB", employer.r#ref),
            "Longbridge plant",
            "employer",
            OrgLevel::Site,
            Some(employer.id),
            "29",
        )
        .await?;
        sites.push(site.r#ref);
    }
    let mut suppliers = Vec::new();
    for (r, name, sector, losses) in SUPPLIERS {
        let o = ensure_org(app, uk.id, r, name, "employer", OrgLevel::Company, None, sector).await?;
        suppliers.push(format!("{}: {losses}", o.r#ref));
    }
    let mut by_role: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for p in PARTNERS {
        let o = ensure_org(app, uk.id, p.r#ref, p.name, p.kind, OrgLevel::Company, None, p.sector).await?;
        by_role.entry(p.role).or_default().push(o.r#ref);
    }
    let role = |r: &str| by_role.get(r).map(|v| v.join("\n"));

    // ---- the event ----
    let event = rd::save(
        app,
        &manager,
        None,
        &EventInput {
            district: s(DISTRICT),
            title: s("MG Rover Longbridge closure"),
            employer: s(employer.r#ref.clone()),
            announced_on: s(announced.to_string()),
            jobs_lost: s("5000"),
            indirect_losses: s("6000"),
            sector: s("C"),
            funding_available: s("50000000"),
            funding_notes: s(
                "Government support package: retraining and skills through the Learning and Skills Council, co-financed by the European Social Fund; the Innovation Fund for pilots; employers' own training for the workers they take on.",
            ),
            description: s(
                "The Longbridge car plant closed when MG Rover Group went into administration: some 5,000 jobs lost at the plant at once, and an estimated 6,000 more at suppliers across the West Midlands. The task force's partners registered workers at job shops on the site and in the community, assessed their skills, agreed career action plans and funded retraining. Modelled on the Rover Task Force of 2005.",
            ),
            sites: s(sites.join("\n")),
            suppliers: s(suppliers.join("\n")),
            unions: role("union"),
            careers: role("careers"),
            training: role("training"),
            funders: role("funder"),
            others: role("other"),
            team: Some(vec![priya_id.to_string(), karen_id.to_string()]),
            ..Default::default()
        },
    )
    .await?;

    // ---- job shops ----
    let shops: &[(i64, &str, bool, &str, i32, &str)] = &[
        (
            4,
            "Longbridge plant, Q Gate conference centre",
            true,
            "Priya Shah (Jobcentre Plus)\nKaren Holm (Jobcentre Plus)\nNextstep advisers\nT&G union learning representatives",
            1240,
            "Registration for support\nBenefits and redundancy pay advice\nCareers guidance\nVacancies from local employers",
        ),
        (
            11,
            "Longbridge plant, Powertrain canteen",
            true,
            "Priya Shah (Jobcentre Plus)\nNextstep advisers\nSouth Birmingham College",
            860,
            "Registration for support\nSkills screening\nTraining and funding information\nCV clinic",
        ),
        (
            33,
            "Northfield Jobcentre Plus",
            false,
            "Priya Shah (Jobcentre Plus)\nCitizens Advice Bureau",
            310,
            "Debt and money advice\nBenefits advice\nJob search support",
        ),
        (
            74,
            "Bournville College, Northfield",
            false,
            "Bournville College\nNextstep advisers\nRecruiting employers (Jaguar, Travel West Midlands, Royal Mail)",
            225,
            "Recruitment fair\nCourse enrolment\nInterview practice",
        ),
    ];
    for (day, place, on_premises, staff, seen, services) in shops {
        rd::save_job_shop(
            app,
            &manager,
            Some(event.id),
            None,
            &JobShopInput {
                held_on: s((announced + Duration::days(*day)).to_string()),
                place: s(*place),
                on_premises: s(on_premises.to_string()),
                staff: s(*staff),
                workers_seen: s(seen.to_string()),
                services: s(*services),
                version: None,
                ..Default::default()
            },
        )
        .await?;
    }

    if app.config.data_key.is_none() {
        tracing::warn!("no data key: the demo's worker cases are left out");
        return Ok(());
    }

    // ---- the cases ----
    let services = q::services(c).await?;
    let service = |name: &str| services.iter().find(|s| s.name_en == name).map(|s| s.id.to_string());
    let mut stages: Vec<Stage> = STAGES.iter().flat_map(|(s, n)| std::iter::repeat_n(*s, *n)).collect();
    let mut rng = Rng(0x5eed_0001_0005_2005);
    for i in (1..stages.len()).rev() {
        let j = rng.below(i + 1);
        stages.swap(i, j);
    }
    let w = Worker { app, event_id: event.id, today, announced };
    for (n, stage) in stages.into_iter().enumerate() {
        // The manager keeps a few cases herself; the adviser's own cases are those in work.
        let (owner, actor) =
            if stage != Stage::InWork && n % 7 == 3 { (karen_id, &manager) } else { (priya_id, &adviser) };
        w.case(&mut rng, n, stage, owner, actor, &service).await?;
    }
    Ok(())
}

struct Worker<'a> {
    app: &'a App,
    event_id: i64,
    today: NaiveDate,
    announced: NaiveDate,
}

impl Worker<'_> {
    /// The day `days` after the announcement, never after today.
    fn after(&self, days: i64) -> NaiveDate {
        (self.announced + Duration::days(days)).min(self.today)
    }

    async fn version(&self, case_id: i64) -> Result<i32> {
        Ok(q::get_case(&self.app.db.conn, case_id).await?.ok_or(AppError::NotFound)?.version)
    }

    #[allow(clippy::too_many_arguments)]
    async fn case(
        &self,
        rng: &mut Rng,
        n: usize,
        stage: Stage,
        owner: i64,
        actor: &Actor,
        service: &impl Fn(&str) -> Option<String>,
    ) -> Result<()> {
        let app = self.app;
        let today = self.today;
        let since = (today - self.announced).num_days();
        // The job start of those who found work, chosen first: registration comes before it.
        let job_start = match stage {
            Stage::InWork => {
                let week = DEFAULT_CHECKIN_WEEKS[rng.below(DEFAULT_CHECKIN_WEEKS.len())] as i64;
                Some(match n % 4 {
                    // The next check-in falls due this week …
                    0 | 1 => today + Duration::days(rng.between(0, 6) - 7 * week),
                    // … or is overdue …
                    2 => today - Duration::days(rng.between(1, 12) + 7 * week),
                    // … or comes later.
                    _ => today + Duration::days(rng.between(8, 20) - 7 * week.max(4)),
                })
            }
            Stage::Sustained => Some(today - Duration::days(rng.between(95, since - 60))),
            Stage::NotSustained => Some(today - Duration::days(rng.between(50, since - 60))),
            _ => None,
        };
        let registered = match (stage, job_start) {
            (_, Some(start)) => self.after(rng.between(4, ((start - self.announced).num_days() - 35).max(4))),
            (Stage::Registered, _) => today - Duration::days(rng.between(1, 20)),
            (Stage::Assessed, _) => today - Duration::days(rng.between(20, 90)),
            (Stage::Planned, _) => self.after(rng.between(4, since - 45)),
            (Stage::Training | Stage::Trained, _) => self.after(rng.between(4, 150)),
            _ => self.after(rng.between(4, since - 30)),
        };
        let assessed =
            (stage != Stage::Registered).then(|| (registered + Duration::days(rng.between(3, 10))).min(today));
        let level =
            |rng: &mut Rng| ["level2", "level2", "level2", "level1", "level1", "entry"][rng.below(6)].to_owned();
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        let name = format!("{first} {last}");
        let (street, postcode) = STREETS[rng.below(STREETS.len())];
        let email = (n % 5 < 3).then(|| {
            format!("{}.{}{}@example.com", first.to_lowercase(), last.to_lowercase().replace('\'', ""), n + 1)
        });
        let input = CaseInput {
            name: s(name),
            national_id: s(nino(rng, n as u64)),
            email,
            phone: s(format!("07700 900{:03}", n % 1000)),
            address: s(format!(
                "{} {street}\nBirmingham {postcode}{}",
                1 + rng.below(180),
                UNITS[rng.below(UNITS.len())]
            )),
            language: s("en"),
            adviser_id: s(owner.to_string()),
            registered_on: s(registered.to_string()),
            assessed_on: assessed.map(|d| d.to_string()),
            literacy: assessed.map(|_| level(rng)),
            numeracy: assessed.map(|_| level(rng)),
            digital: assessed.map(|_| ["level2", "level1", "entry", "entry", "not_screened"][rng.below(5)].to_owned()),
            assessment_notes: assessed.map(|_| {
                format!("{}, {} years at Longbridge. {}", rng.pick(JOBS_AT_ROVER), rng.between(3, 35), rng.pick(WISHES))
            }),
            ..Default::default()
        };
        let case = cases::register(app, actor, self.event_id, &input).await?;
        let Some(assessed) = assessed else { return Ok(()) };

        // Guidance at the assessment, and advice given as referrals.
        self.session(
            actor,
            case.id,
            "guidance",
            assessed,
            Some(rng.between(40, 75)),
            None,
            "Initial guidance: options discussed, next steps agreed.",
        )
        .await?;
        match rng.below(10) {
            0..=2 => {
                self.session(actor, case.id, "benefits", assessed, None, Some("Jobcentre Plus, Northfield"), "")
                    .await?;
            }
            3 => {
                self.session(actor, case.id, "debt", assessed, None, Some("Birmingham Citizens Advice Bureau"), "")
                    .await?;
            }
            4 if stage != Stage::Assessed => {
                self.session(
                    actor,
                    case.id,
                    "self_employment",
                    assessed + Duration::days(14),
                    None,
                    Some("Business Link Birmingham and Solihull"),
                    "",
                )
                .await?;
            }
            _ => {}
        }
        if stage == Stage::Assessed {
            return Ok(());
        }
        if stage == Stage::Withdrawn {
            let (reason, note) = [
                ("declined", "Did not want further support after the first interview."),
                ("moved_away", "Moved to be near family in Wales."),
                ("no_contact", "No reply to three calls and a letter."),
                ("other", "Took early retirement with the pension offered."),
            ][n % 4];
            let closed = (assessed + Duration::days(rng.between(10, 60))).min(today);
            cases::update(
                app,
                actor,
                case.id,
                &CaseInput {
                    status: s("withdrawn"),
                    closed_on: s(closed.to_string()),
                    closed_reason: s(reason),
                    closed_note: s(note),
                    version: Some(self.version(case.id).await?),
                    ..Default::default()
                },
            )
            .await?;
            return Ok(());
        }

        // The career action plan.
        let planned_on = assessed + Duration::days(7);
        let later = stage != Stage::Planned;
        let cv_done = later || planned_on + Duration::days(21) < today;
        self.activity(
            actor,
            case.id,
            service("Write or update a CV"),
            planned_on + Duration::days(14),
            if cv_done { "done" } else { "in_progress" },
            cv_done.then_some("CV written with the adviser"),
        )
        .await?;
        let apply_due = if later {
            planned_on + Duration::days(42)
        } else if n.is_multiple_of(3) {
            // Overdue: past its due date and not done.
            today - Duration::days(rng.between(3, 20))
        } else {
            today + Duration::days(rng.between(5, 40))
        };
        self.activity(
            actor,
            case.id,
            service("Apply for vacancies"),
            apply_due,
            if later {
                "done"
            } else if n.is_multiple_of(2) {
                "in_progress"
            } else {
                "planned"
            },
            later.then_some("Applied for five vacancies"),
        )
        .await?;
        if n % 4 == 1 {
            let due =
                if later { planned_on + Duration::days(30) } else { today + Duration::days(rng.between(-10, 30)) };
            let status = if later { "done" } else { "planned" };
            self.activity(actor, case.id, service("Interview practice"), due, status, None).await?;
        }
        if stage != Stage::Planned {
            self.session(
                actor,
                case.id,
                "job_search",
                (planned_on + Duration::days(21)).min(today),
                Some(30),
                None,
                "",
            )
            .await?;
        }

        // Retraining.
        let trains = match stage {
            Stage::Training | Stage::Trained => true,
            // Those who found work trained first when there was time for a course.
            Stage::InWork | Stage::Sustained | Stage::NotSustained => {
                n % 5 < 2 && job_start.is_some_and(|j| j - planned_on >= Duration::days(60))
            }
            _ => false,
        };
        if trains {
            let (provider, course, cost) = COURSES[rng.below(COURSES.len())];
            let starts = planned_on + Duration::days(rng.between(14, 35));
            let weeks = rng.between(6, 26);
            let (starts, ends, status) = match (stage, job_start) {
                (Stage::Training, _) => {
                    let starts = starts.min(today - Duration::days(7));
                    (starts, (starts + Duration::days(7 * weeks)).max(today + Duration::days(14)), "started")
                }
                (_, Some(job)) => {
                    let ends = (starts + Duration::days(7 * weeks)).min(job - Duration::days(7));
                    (starts.min(ends - Duration::days(14)), ends, "completed")
                }
                _ => {
                    let ends = (starts + Duration::days(7 * weeks)).min(today - Duration::days(7));
                    (starts.min(ends - Duration::days(14)), ends, "completed")
                }
            };
            cases::save_training(
                app,
                actor,
                Some(case.id),
                None,
                &TrainingInput {
                    provider: s(provider),
                    course: s(course),
                    starts_on: s(starts.to_string()),
                    ends_on: s(ends.to_string()),
                    cost: s(cost.to_string()),
                    funding_source: s(FUNDING[rng.below(FUNDING.len())]),
                    status: s(status),
                    version: None,
                },
            )
            .await?;
        }
        let Some(start) = job_start else { return Ok(()) };

        // The job, and the check-ins of the 13 weeks after its start.
        let (employer, title, hours) = NEW_JOBS[rng.below(NEW_JOBS.len())];
        let job = cases::add_job(
            app,
            actor,
            case.id,
            &JobInput {
                employer: s(employer),
                job_title: s(title),
                starts_on: s(start.to_string()),
                hours: s(hours.to_string()),
                checkin_weeks: None,
            },
        )
        .await?;
        for (k, checkin) in job.checkins.iter().enumerate() {
            if checkin.due_on >= today {
                break;
            }
            // In work: the adviser is behind with the last one past due (the overdue ones).
            if stage == Stage::InWork && n % 4 == 2 && job.checkins.get(k + 1).is_none_or(|next| next.due_on >= today) {
                break;
            }
            let ended = stage == Stage::NotSustained && k == 1;
            if stage == Stage::NotSustained && k == 2 {
                break;
            }
            let done = (checkin.due_on + Duration::days(rng.between(0, 2))).min(today);
            cases::save_checkin(
                app,
                actor,
                checkin.id,
                &CheckinInput {
                    done_on: s(done.to_string()),
                    in_work: s(if ended { "no" } else { "yes" }),
                    notes: s(if ended {
                        ["The agency contract ended early.", "Left: the shifts did not suit childcare."][n % 2]
                    } else {
                        CHECKIN_NOTES[rng.below(CHECKIN_NOTES.len())]
                    }),
                    due_on: None,
                    version: Some(checkin.version),
                },
            )
            .await?;
            if ended {
                let (reason, note) = [
                    ("job_ended", "Temporary contract ended; did not want to start again."),
                    ("left_job", "Left the job and found another without our help."),
                    ("moved_away", "Moved away after the job ended."),
                    ("no_contact", "No reply since the job ended."),
                ][n % 4];
                cases::update(
                    app,
                    actor,
                    case.id,
                    &CaseInput {
                        status: s("not_sustained"),
                        closed_on: s((done + Duration::days(rng.between(7, 21))).min(today).to_string()),
                        closed_reason: s(reason),
                        closed_note: s(note),
                        version: Some(self.version(case.id).await?),
                        ..Default::default()
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn session(
        &self,
        actor: &Actor,
        case_id: i64,
        kind: &str,
        on: NaiveDate,
        minutes: Option<i64>,
        referred_to: Option<&str>,
        notes: &str,
    ) -> Result<()> {
        cases::add_session(
            self.app,
            actor,
            case_id,
            &SessionInput {
                kind: s(kind),
                held_on: s(on.min(self.today).to_string()),
                minutes: minutes.map(|m| m.to_string()),
                referred_to: referred_to.map(str::to_owned),
                notes: (!notes.is_empty()).then(|| notes.to_owned()),
            },
        )
        .await?;
        Ok(())
    }

    async fn activity(
        &self,
        actor: &Actor,
        case_id: i64,
        service_id: Option<String>,
        due: NaiveDate,
        status: &str,
        outcome: Option<&str>,
    ) -> Result<()> {
        cases::save_activity(
            self.app,
            actor,
            Some(case_id),
            None,
            &ActivityInput {
                service_id,
                title: None,
                due_on: s(due.to_string()),
                status: s(status),
                outcome: outcome.map(str::to_owned),
                version: None,
            },
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ni_numbers_are_valid_and_distinct() {
        let mut rng = Rng(7);
        let all: Vec<String> = (0..1000).map(|n| nino(&mut rng, n)).collect();
        for n in &all {
            assert!(accord_domain::NationalId::parse(n).is_ok(), "{n}");
        }
        let mut digits: Vec<&str> = all.iter().map(|n| &n[2..8]).collect();
        digits.sort();
        digits.dedup();
        assert_eq!(digits.len(), all.len());
    }

    #[test]
    fn every_stage_is_there() {
        assert_eq!(STAGES.iter().map(|(_, n)| n).sum::<usize>(), 300);
    }
}
