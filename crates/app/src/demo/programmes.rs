//! The demo's programmes and budgets (seeds 000, 001, 003): the Touchwood and Bull Ring
//! recruitment exercises, the engineering project funded by the New Deal Innovation Fund, a
//! pre-employment course designed with Asda, the job rotation project at Autisme Center
//! Vestsjælland (389 staff trained, 359 substitute jobs) and Slagelse's 2022 secretariat
//! budget of 1,247,000 kr with its spend. Every figure the pages show is counted from the
//! participation records and the spend loaded here, through the use cases.

use crate::job_shops::JobShopInput;
use crate::programmes::{self as pg, LineInput, ParticipantInput, PartnerInput, ProgrammeInput, SpendInput};
use crate::{Actor, App, AppError, Result};
use chrono::{Duration, NaiveDate};

async fn actor_of(app: &App, email: &str) -> Result<Actor> {
    let u = crate::users::find_by_email(app, email).await?.ok_or(AppError::NotFound)?;
    crate::auth::actor_of_user(app, u.id, None).await
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// A programme as the demo sets it up.
struct Demo {
    district: &'static str,
    kind: &'static str,
    name: &'static str,
    description: &'static str,
    start: &'static str,
    end: &'static str,
    groups: &'static [&'static str],
    /// Referrals, starts, completions, job entries, sustained jobs.
    targets: [Option<i32>; 5],
    partners: &'static [(&'static str, &'static str)],
}

/// How many people reached each stage, for one eligibility flag: the first `n[1]` of the
/// `n[0]` referred started, the first `n[2]` completed, the first `n[3]` entered a job and the
/// first `n[4]` were still in it.
struct Cohort {
    group: &'static str,
    prefix: &'static str,
    n: [usize; 5],
}

fn people(start: NaiveDate, cohorts: &[Cohort]) -> Vec<ParticipantInput> {
    let mut out = vec![];
    for c in cohorts {
        for i in 0..c.n[0] {
            let referred = start + Duration::days((i % 60) as i64);
            let at = |stage: usize, days: i64| {
                if i < c.n[stage] { (referred + Duration::days(days)).to_string() } else { String::new() }
            };
            out.push(ParticipantInput {
                citizen_ref: format!("{}-{:04}", c.prefix, i + 1),
                target_group: c.group.to_owned(),
                referred_on: referred.to_string(),
                started_on: at(1, 7),
                completed_on: at(2, 35),
                job_on: at(3, 42),
                sustained_on: at(4, 42 + 182),
            });
        }
    }
    out
}

async fn programme(app: &App, actor: &Actor, d: &Demo, cohorts: &[Cohort]) -> Result<i64> {
    let text = |t: Option<i32>| t.map(|t| t.to_string()).unwrap_or_default();
    let input = ProgrammeInput {
        district: Some(d.district.into()),
        kind: d.kind.into(),
        name: d.name.into(),
        description: d.description.into(),
        start_date: d.start.into(),
        end_date: d.end.into(),
        target_groups: d.groups.iter().map(|g| (*g).to_owned()).collect(),
        target_referrals: text(d.targets[0]),
        target_starts: text(d.targets[1]),
        target_completions: text(d.targets[2]),
        target_job_entries: text(d.targets[3]),
        target_sustained_jobs: text(d.targets[4]),
        version: None,
    };
    let v = pg::create(app, actor, &input).await?;
    for (org, role) in d.partners {
        pg::add_partner(app, actor, v.id, &PartnerInput { organisation: (*org).into(), role: (*role).into() }).await?;
    }
    let all = people(day(d.start), cohorts);
    for chunk in all.chunks(500) {
        pg::record_participants(app, actor, v.id, chunk).await?;
    }
    Ok(v.id)
}

/// A programme's job shops: (day, place, on the employer's premises, staff, people seen, services).
async fn job_shops(
    app: &App,
    actor: &Actor,
    programme: i64,
    shops: &[(&str, &str, bool, &str, i32, &str)],
) -> Result<()> {
    for (on, place, premises, staff, seen, services) in shops {
        let input = JobShopInput {
            held_on: Some((*on).into()),
            place: Some((*place).into()),
            on_premises: Some(premises.to_string()),
            staff: Some((*staff).into()),
            workers_seen: Some(seen.to_string()),
            services: Some((*services).into()),
            ..Default::default()
        };
        pg::save_job_shop(app, actor, Some(programme), None, &input).await?;
    }
    Ok(())
}

/// A budget line and its spend: (day, amount as written, what for).
async fn line(
    app: &App,
    actor: &Actor,
    programme: Option<i64>,
    district: &str,
    (source, name, year, amount): (&str, &str, &str, &str),
    spend: &[(&str, &str, &str)],
    close: bool,
) -> Result<()> {
    let input = LineInput {
        district: Some(district.into()),
        funding_source: source.into(),
        name: name.into(),
        year: year.into(),
        amount: amount.into(),
    };
    let l = pg::create_line(app, actor, programme, &input).await?;
    for (on, amount, what) in spend {
        let s = SpendInput {
            spent_on: (*on).into(),
            amount: (*amount).into(),
            description: (*what).into(),
            activity_id: String::new(),
        };
        pg::record_spend(app, actor, l.id, &s).await?;
    }
    if close {
        pg::close_line(app, actor, l.id, None).await?;
    }
    Ok(())
}

pub async fn load(app: &App) -> Result<()> {
    let mette = actor_of(app, "secretariat@accord.example").await?;
    let karen = actor_of(app, "manager@accord.example").await?;

    // ---- Birmingham and Solihull (seeds 000 and 001) ----
    let touchwood = programme(
        app,
        &karen,
        &Demo {
            district: "birmingham-solihull",
            kind: "recruitment_exercise",
            name: "Touchwood recruitment exercise",
            description: "Recruitment for the opening of Touchwood in Solihull: a job shop on the centre's premises, pre-employment training and guaranteed interviews for local jobseekers.",
            start: "2001-03-01",
            end: "2001-09-30",
            groups: &["long_term_unemployed", "ethnic_minority", "young_people"],
            targets: [Some(250), Some(200), Some(180), Some(150), Some(100)],
            partners: &[("UK-006", "employer"), ("UK-P07", "lead"), ("UK-P09", "partner")],
        },
        &[
            Cohort { group: "long_term_unemployed", prefix: "TW-LTU", n: [120, 101, 92, 78, 54] },
            Cohort { group: "ethnic_minority", prefix: "TW-EM", n: [84, 70, 63, 52, 37] },
            Cohort { group: "young_people", prefix: "TW-YP", n: [36, 30, 27, 21, 13] },
        ],
    )
    .await?;
    job_shops(
        app,
        &karen,
        touchwood,
        &[
            (
                "2001-04-02",
                "Touchwood Shopping Centre, Solihull",
                true,
                "Solihull Jobcentre Plus advisers\nCentre management",
                412,
                "Vacancy matching\nApplication forms\nGuaranteed interview booking",
            ),
            (
                "2001-06-18",
                "Touchwood Shopping Centre, Solihull",
                true,
                "Solihull Jobcentre Plus advisers\nRetailers' store managers",
                356,
                "Interviews on the spot\nPre-employment course enrolment",
            ),
            (
                "2001-08-20",
                "Chelmsley Wood Library",
                false,
                "Solihull Jobcentre Plus advisers",
                148,
                "Vacancy matching\nInterview practice",
            ),
        ],
    )
    .await?;
    let bull_ring = programme(
        app,
        &karen,
        &Demo {
            district: "birmingham-solihull",
            kind: "recruitment_exercise",
            name: "Bull Ring recruitment exercise",
            description: "Recruitment for the new Bull Ring: job shops with the developer and retailers, routeways into retail, and a commitment to recruit from the surrounding wards.",
            start: "2003-01-06",
            end: "2003-09-30",
            groups: &["long_term_unemployed", "ethnic_minority", "young_people", "disabled_people"],
            targets: [Some(400), Some(320), Some(280), Some(240), Some(160)],
            partners: &[("UK-007", "employer"), ("UK-008", "employer"), ("UK-P07", "lead"), ("UK-P03", "funder")],
        },
        &[
            Cohort { group: "long_term_unemployed", prefix: "BR-LTU", n: [150, 128, 116, 97, 68] },
            Cohort { group: "ethnic_minority", prefix: "BR-EM", n: [162, 139, 121, 104, 77] },
            Cohort { group: "young_people", prefix: "BR-YP", n: [71, 60, 52, 44, 29] },
            Cohort { group: "disabled_people", prefix: "BR-DP", n: [14, 11, 9, 6, 4] },
        ],
    )
    .await?;
    job_shops(
        app,
        &karen,
        bull_ring,
        &[
            (
                "2003-02-10",
                "Bull Ring recruitment suite, Moor Street",
                true,
                "Birmingham Jobcentre Plus advisers\nDeveloper's recruitment team",
                688,
                "Vacancy matching\nApplication forms\nGuaranteed interview booking",
            ),
            (
                "2003-05-12",
                "Bull Ring recruitment suite, Moor Street",
                true,
                "Birmingham Jobcentre Plus advisers\nSelfridges and Debenhams recruiters",
                903,
                "Interviews on the spot\nRetail routeway enrolment",
            ),
            (
                "2003-07-07",
                "Ladywood Community Centre",
                false,
                "Birmingham Jobcentre Plus advisers\nCommunity outreach workers",
                241,
                "Vacancy matching\nHelp with CVs",
            ),
        ],
    )
    .await?;
    let engineering = programme(
        app,
        &karen,
        &Demo {
            district: "birmingham-solihull",
            kind: "innovation_project",
            name: "Engineering routeway (New Deal Innovation Fund)",
            description: "Engineering employers shape the training and guarantee interviews; funded by the New Deal Innovation Fund.",
            start: "2003-04-01",
            end: "2004-03-31",
            groups: &["long_term_unemployed", "ethnic_minority"],
            targets: [Some(60), Some(45), Some(36), Some(30), Some(20)],
            partners: &[("UK-001", "employer"), ("UK-004", "employer"), ("UK-P04", "training_provider")],
        },
        &[
            Cohort { group: "long_term_unemployed", prefix: "EN-LTU", n: [38, 31, 26, 21, 15] },
            Cohort { group: "ethnic_minority", prefix: "EN-EM", n: [19, 15, 12, 10, 7] },
        ],
    )
    .await?;
    line(
        app,
        &karen,
        Some(engineering),
        "birmingham-solihull",
        ("innovation_fund", "Innovation Fund grant", "2003", "180000.00"),
        &[
            ("2003-05-30", "42500.00", "Training provider: first cohort"),
            ("2003-09-30", "38250.50", "Training provider: second cohort"),
            ("2003-11-28", "12480.75", "Travel and childcare for participants"),
            ("2004-02-27", "40120.00", "Training provider: third cohort"),
        ],
        false,
    )
    .await?;
    line(
        app,
        &karen,
        Some(engineering),
        "birmingham-solihull",
        ("esf", "ESF co-financing", "2003", "60000.00"),
        &[("2003-10-31", "21340.25", "Employer-led work trials"), ("2004-03-31", "19875.00", "Mentoring in work")],
        false,
    )
    .await?;
    programme(
        app,
        &karen,
        &Demo {
            district: "birmingham-solihull",
            kind: "pre_employment_course",
            name: "Pre-employment course with Asda Small Heath",
            description: "Three weeks designed with the store's managers: customer service, food hygiene, a week on the shop floor and a guaranteed interview.",
            start: "2004-02-02",
            end: "2004-02-20",
            groups: &["long_term_unemployed", "ethnic_minority"],
            targets: [Some(16), Some(15), Some(13), Some(10), None],
            partners: &[("UK-009", "employer"), ("UK-P04", "training_provider")],
        },
        &[
            Cohort { group: "long_term_unemployed", prefix: "AS-LTU", n: [9, 9, 8, 6, 0] },
            Cohort { group: "ethnic_minority", prefix: "AS-EM", n: [7, 6, 5, 4, 0] },
        ],
    )
    .await?;

    // ---- Slagelse (seed 003) ----
    // Job rotation: the centre's staff trained (flagged as employed) and the unemployed who
    // took the substitute jobs while they were away.
    programme(
        app,
        &mette,
        &Demo {
            district: "slagelse",
            kind: "job_rotation",
            name: "Jobrotation på Autisme Center Vestsjælland",
            description: "Medarbejdere på Autisme Center Vestsjælland efteruddannes, mens ledige borgere tager vikariaterne.",
            start: "2021-08-01",
            end: "2022-12-31",
            groups: &["employed", "long_term_unemployed"],
            targets: [None, None, Some(380), Some(350), None],
            partners: &[],
        },
        &[
            Cohort { group: "employed", prefix: "AC-UDD", n: [389, 389, 389, 0, 0] },
            Cohort { group: "long_term_unemployed", prefix: "AC-VIK", n: [359, 359, 0, 359, 0] },
        ],
    )
    .await?;
    // The secretariat's 2022 budget: 1,247,000 kr in four lines.
    for (l, spend) in [
        (
            ("municipality", "Løn til sekretariatet", "2022", "890.000,00"),
            &[
                ("2022-03-31", "221.812,50", "Løn 1. kvartal"),
                ("2022-06-30", "221.812,50", "Løn 2. kvartal"),
                ("2022-09-30", "221.812,50", "Løn 3. kvartal"),
                ("2022-12-31", "221.812,50", "Løn 4. kvartal"),
            ][..],
        ),
        (
            ("municipality", "Netværksmøder og arrangementer", "2022", "187.000,00"),
            &[
                ("2022-04-21", "38.415,00", "Dialogmøde om rekruttering"),
                ("2022-09-15", "64.912,75", "Jobmesse i Slagelse Hallerne"),
                ("2022-11-24", "41.208,40", "Netværksmøde Flere Faglærte"),
            ][..],
        ),
        (
            ("municipality", "Kommunikation og materialer", "2022", "125.000,00"),
            &[("2022-02-14", "48.750,00", "Virksomhedsfolder og hjemmeside"), ("2022-10-03", "22.187,35", "Annoncer")]
                [..],
        ),
        (
            ("municipality", "Virksomhedsprisen", "2022", "45.000,00"),
            &[("2022-11-10", "44.995,00", "Prisoverrækkelse og pris")][..],
        ),
    ] {
        line(app, &mette, None, "slagelse", l, spend, true).await?;
    }
    Ok(())
}
