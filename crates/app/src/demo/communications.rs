//! The demo's communications log: Slagelse's outreach in 2022 from seed 003, 53 LinkedIn posts
//! and 8 press stories, with plausible reach, some featuring companies from the directory.

use crate::communications::{self as comm, CommunicationInput};
use crate::{Actor, App, Result};
use chrono::{Duration, NaiveDate};

/// What the secretariat posted about on LinkedIn, in turn through the year.
const POSTS: &[&str] = &[
    "Tak for et godt dialogmøde om rekruttering i detailhandlen",
    "Ny partnerskabsaftale om praktikpladser",
    "Jobmessen i Slagelse: over 40 virksomheder klar til at møde nye medarbejdere",
    "Virksomhedsbesøg: sådan fastholder vi seniorer på arbejdsmarkedet",
    "Løntilskud gav en ny kollega i butikken",
    "Dialogmøde om grøn omstilling i byggeriet",
    "Mød vores virksomhedskonsulenter på SUK-festivalen",
    "Netværksmøde for HR-ansvarlige i Vestsjælland",
    "Fra ledig til fastansat på seks uger",
    "Virksomhedspraktik: en vej ind for nyuddannede",
    "Status på partnerskaberne: flere virksomheder tager socialt ansvar",
    "Rekrutteringsdag for transport og logistik",
    "Tak til alle, der deltog i informationsmødet om voksenlærlinge",
];

/// The press stories of 2022: title, medium's address, reach (readers).
const STORIES: &[(&str, &str, i64)] = &[
    (
        "Jobcentret og lokale virksomheder indgår partnerskab om arbejdskraft",
        "https://www.sn.dk/slagelse/jobcenter-partnerskab",
        14_200,
    ),
    ("Rekordmange virksomheder på jobmessen i Slagelse", "https://www.sn.dk/slagelse/jobmesse-rekord", 11_800),
    (
        "Supermarkedskæde åbner døren for ledige med løntilskud",
        "https://www.sn.dk/slagelse/loentilskud-supermarked",
        9_400,
    ),
    ("Sådan fik 30 ledige job i byggeriet", "https://www.sn.dk/slagelse/byggeri-job", 8_700),
    ("Virksomhed kåret for sit sociale ansvar", "https://www.sn.dk/slagelse/pris-socialt-ansvar", 12_300),
    ("Korsør-virksomheder vil have flere lærlinge", "https://www.sn.dk/korsoer/laerlinge", 6_100),
    ("Dialogmøder skal løse manglen på chauffører", "https://www.sn.dk/slagelse/chauffoerer", 7_500),
    ("Jobcentret: Partnerskaber giver resultater", "https://www.sn.dk/slagelse/partnerskaber-resultater", 10_900),
];

/// The companies some pieces feature, by ref.
const FEATURED: &[&str] = &["DK-SALLING", "DK-SALLING-NETTO", "DK-10001", "DK-10002", "DK-10003"];

/// Records Slagelse's 2022 outreach: a LinkedIn post about every week (53 in all) and 8 press
/// stories, through the use case so the rules and the audit trail hold for the demo too.
pub async fn load(app: &App) -> Result<usize> {
    let system = Actor::system();
    let first = NaiveDate::from_ymd_opt(2022, 1, 4).unwrap_or_default();
    let mut n = 0;
    for i in 0..53i64 {
        let day = first + Duration::days(i * 361 / 53);
        let title = POSTS[i as usize % POSTS.len()];
        let featured = if i % 4 == 0 { FEATURED[(i as usize / 4) % FEATURED.len()] } else { "" };
        let input = CommunicationInput {
            district: Some("slagelse".into()),
            channel: "linkedin".into(),
            published_on: day.to_string(),
            title: title.into(),
            url: format!("https://www.linkedin.com/feed/update/urn:li:activity:69{:014}", 12_345_678 + i * 7_919),
            // Reach grows with the followers over the year: from about 400 views to about 1,400.
            reach: (400 + i * 19 + (i * 37) % 230).to_string(),
            organisations: featured.into(),
            version: None,
        };
        comm::create(app, &system, &input).await?;
        n += 1;
    }
    for (i, (title, url, reach)) in STORIES.iter().enumerate() {
        let day = NaiveDate::from_ymd_opt(2022, 1 + (i as u32 * 3) / 2, 10 + (i as u32 * 5) % 15).unwrap_or(first);
        let input = CommunicationInput {
            district: Some("slagelse".into()),
            channel: "press".into(),
            published_on: day.to_string(),
            title: (*title).into(),
            url: (*url).into(),
            reach: reach.to_string(),
            organisations: if i == 2 { "DK-SALLING-NETTO".into() } else { String::new() },
            version: None,
        };
        comm::create(app, &system, &input).await?;
        n += 1;
    }
    Ok(n)
}
