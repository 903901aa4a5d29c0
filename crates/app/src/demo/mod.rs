//! The demo data set: two districts and a national unit, and one user for every role, so that
//! a new installation can be tried at once.

mod activities;
mod agreements;
mod awards;
mod communications;
mod events;
mod national;
mod partnerships;
mod programmes;
mod redundancy;
mod surveys;

pub use activities::load_activities;
pub use agreements::load_agreements;
pub use events::load_events;
pub use partnerships::load_partnerships;
pub use redundancy::load_redundancy;

use crate::users::UserInput;
use crate::{Actor, App, Result, districts, users};

/// The password of every demo user. Printed by `accord serve --demo`; never use it for real.
pub const DEMO_PASSWORD: &str = "accord-demo-2026";

/// A demo login: e-mail and the roles it shows off.
pub struct DemoLogin {
    pub email: &'static str,
    pub role: &'static str,
}

/// Code, name and the currency of the district's money.
const DISTRICTS: &[(&str, &str, &str)] = &[
    ("slagelse", "Jobcenter Slagelse", "DKK"),
    ("birmingham-solihull", "Birmingham and Solihull District", "GBP"),
    ("large-organisations", "Large Organisations Unit", "GBP"),
    ("salford", "Salford District", "GBP"),
];

const USERS: &[(&str, &str, &str, &[&str])] = &[
    ("admin@accord.example", "Alex Admin", "admin", &[]),
    ("manager@accord.example", "Karen Holm", "manager", &["slagelse", "birmingham-solihull", "salford"]),
    ("secretariat@accord.example", "Mette Jensen", "secretariat", &["slagelse"]),
    ("account.manager@accord.example", "Lars Nielsen", "account_manager", &["slagelse"]),
    ("adviser@accord.example", "Priya Shah", "adviser", &["birmingham-solihull"]),
    ("partner@accord.example", "Paul Toomer", "partner", &["birmingham-solihull"]),
    ("committee@accord.example", "Birgitte Madsen", "committee", &["slagelse"]),
    ("lou@accord.example", "Sarah Clarke", "account_manager", &["large-organisations"]),
];

/// The organisation the demo partner user speaks for: Jobcentre Plus Birmingham and Solihull.
pub const PARTNER_ORGANISATION: &str = "UK-P07";

/// Loads the demo data into an empty database. Returns `None` when the database already has
/// users (nothing is changed then), else the logins created.
pub async fn load(app: &App) -> Result<Option<Vec<DemoLogin>>> {
    if users::count(app).await? > 0 {
        return Ok(None);
    }
    let system = Actor::system();
    for (code, name, currency) in DISTRICTS {
        districts::create_in(app, &system, code, name, currency).await?;
    }
    let mut logins = Vec::new();
    let create = |email: &str, name: &str, role: &str, ds: &[&str], organisation: Option<&str>| {
        let input = UserInput {
            email: email.into(),
            name: name.into(),
            roles: vec![role.into()],
            districts: ds.iter().map(|d| (*d).to_owned()).collect(),
            password: Some(DEMO_PASSWORD.into()),
            organisation: organisation.map(str::to_owned),
            ..Default::default()
        };
        let system = system.clone();
        async move { users::create(app, &system, &input).await }
    };
    // A partner user speaks for an organisation, so partners come after the directory.
    for (email, name, role, ds) in USERS {
        if *role != "partner" {
            create(email, name, role, ds, None).await?;
        }
        logins.push(DemoLogin { email, role });
    }
    load_directory(app).await?;
    for (email, name, role, ds) in USERS.iter().filter(|u| u.2 == "partner") {
        // Paul Toomer, the Coalition Director, is a secondee from Jobcentre Plus (seed 000).
        create(email, name, role, ds, Some(PARTNER_ORGANISATION)).await?;
    }
    load_agreements(app).await?;
    load_activities(app).await?;
    activities::load_targets(app).await?;
    load_partnerships(app).await?;
    communications::load(app).await?;
    load_events(app).await?;
    awards::load(app).await?;
    programmes::load(app).await?;
    national::load(app).await?;
    load_mailings(app).await?;
    surveys::load(app).await?;
    // Worker cases need the data key: the caller configures it before loading.
    load_redundancy(app).await?;
    Ok(Some(logins))
}

// ---- the directory ----

use crate::directory::{self as dir, CheckedOrg};
use accord_db::directory as q;
use accord_db::entities::{contact, interaction};
use accord_db::sea_orm::ActiveValue::Set;
use accord_domain::{OrgKind, OrgLevel, OrgStatus};
use chrono::{Duration, Utc};

/// A small deterministic generator (xorshift), so the demo is the same every time.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub(crate) fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The CVR number with these first seven digits (1000000–9999999), if one exists (for
/// about one base in eleven the check digit would have to be 10, and there is none).
pub fn cvr_with_base(base: u64) -> Option<String> {
    let digits: Vec<u32> = format!("{base:07}").chars().map(|c| c.to_digit(10).unwrap_or(0)).collect();
    if digits.len() != 7 || digits[0] == 0 {
        return None;
    }
    let sum: u32 = digits.iter().zip([2u32, 7, 6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    let check = (11 - sum % 11) % 11;
    (check < 10).then(|| format!("{base:07}{check}"))
}

/// A valid CVR number (modulus 11) made from `seed`.
pub fn cvr_from(seed: u64) -> String {
    let mut base = 1_000_000 + seed % 8_999_999;
    loop {
        if let Some(c) = cvr_with_base(base) {
            return c;
        }
        base = if base >= 9_999_999 { 1_000_000 } else { base + 1 };
    }
}

const DK_TRADES: &[(&str, &str, &str)] = &[
    ("Tømrerfirma", "43", "10-49"),
    ("VVS", "43", "10-49"),
    ("Auto", "45", "10-49"),
    ("Bageri", "10", "1-9"),
    ("Rengøring", "81", "50-249"),
    ("Transport", "49", "50-249"),
    ("Maskinfabrik", "28", "50-249"),
    ("Plejecenter", "87", "50-249"),
    ("Revision", "69", "10-49"),
    ("IT", "62", "10-49"),
    ("Gartneri", "01", "10-49"),
    ("Entreprenør", "42", "50-249"),
    ("Kantine", "56", "10-49"),
    ("Blomster", "47", "1-9"),
    ("Elektro", "43", "10-49"),
    ("Møbelsnedkeri", "31", "10-49"),
    ("Logistik", "52", "250+"),
    ("Trykkeri", "18", "10-49"),
    ("Vognmand", "49", "10-49"),
    ("Hotel", "55", "50-249"),
];
const DK_PLACES: &[&str] = &[
    "Slagelse",
    "Korsør",
    "Skælskør",
    "Dalmose",
    "Vemmelev",
    "Hashøj",
    "Stillinge",
    "Boeslunde",
    "Forlev",
    "Sørbymagle",
    "Havrebjerg",
    "Kirke Stillinge",
    "Rosted",
    "Ørslev",
    "Sludstrup",
    "Bisserup",
];
const DK_SUFFIX: &[&str] = &["ApS", "A/S", "I/S", "& Søn", "Holding ApS", "K/S"];
const DK_FIRST: &[&str] = &[
    "Anne", "Mette", "Lars", "Søren", "Kirsten", "Jens", "Pia", "Henrik", "Louise", "Mads", "Camilla", "Thomas",
    "Hanne", "Peter", "Line", "Ole",
];
const DK_LAST: &[&str] = &[
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Madsen",
    "Kristensen",
];
const DK_ROLES: &[&str] = &["Direktør", "HR-chef", "Indehaver", "Butikschef", "Driftsleder", "Personalechef"];
const DK_WARDS: &[&str] = &["Slagelse By", "Korsør", "Skælskør", "Dalmose-Hashøj", "Vemmelev-Forlev"];
const DK_POSTCODES: &[&str] = &["4200", "4220", "4230", "4261", "4241", "4242"];
const DK_LOG: &[&str] = &[
    "Drøftede muligheder for virksomhedspraktik til to borgere.",
    "Opfølgning på løntilskudsforløb; virksomheden er tilfreds.",
    "Rekrutteringsbehov til sæsonen: fire lagermedarbejdere.",
    "Præsenterede voksenlærlingeordningen og de nye tilskud.",
    "Inviteret til dialogmøde om ét trin op.",
    "Status på fleksjob; ønsker et ekstra møde i foråret.",
];

const UK_EMPLOYERS: &[(&str, &str, &str, &str, &str)] = &[
    // name, companies house, sector, ward, postcode
    ("Jaguar Cars Ltd", "01672070", "29", "Castle Vale", "B35 7RA"),
    ("MG Rover Group Ltd", "02823794", "29", "Longbridge", "B31 2TB"),
    ("Birmingham International Airport Ltd", "02078273", "52", "Elmdon", "B26 3QJ"),
    ("Dunlop Aircraft Tyres Ltd", "05470834", "22", "Erdington", "B24 9HL"),
    ("Breed Steering Systems Ltd", "03124517", "29", "Washwood Heath", "B8 2SX"),
    ("Touchwood Shopping Centre", "03612201", "68", "Solihull", "B91 3GJ"),
    ("Bull Ring Development Partnership", "03456209", "41", "Ladywood", "B5 4BU"),
    ("GAP (UK) Ltd", "02409786", "47", "Ladywood", "B2 4QA"),
    ("Asda Stores Ltd", "00464777", "47", "Small Heath", "B10 0TA"),
    ("Cadbury Ltd", "00052457", "10", "Bournville", "B30 2LU"),
];
const UK_PARTNERS: &[(&str, &str, &str)] = &[
    ("West Midlands Police", "agency", "84"),
    ("Birmingham City Council", "agency", "84"),
    ("Learning and Skills Council Birmingham and Solihull", "provider", "85"),
    ("South Birmingham College", "provider", "85"),
    ("UNISON West Midlands", "union", "94"),
    ("Birmingham Voluntary Service Council", "voluntary", "94"),
    ("Jobcentre Plus Birmingham and Solihull", "agency", "84"),
    ("Birmingham Chamber of Commerce and Industry", "agency", "94"),
    ("Solihull Metropolitan Borough Council", "agency", "84"),
    ("Pertemps Recruitment Partnership", "provider", "78"),
    ("Reed plc", "provider", "78"),
];
const UK_FIRST: &[&str] = &["Mike", "Sarah", "Paul", "Helen", "David", "Priya", "James", "Aisha", "Robert", "Claire"];
const UK_LAST: &[&str] = &["Beasley", "Khan", "Smith", "Patel", "Jones", "Evans", "Taylor", "Brown", "Wilson", "Ahmed"];

fn checked(name: String, r: String, kind: OrgKind, level: OrgLevel, parent: Option<i64>) -> CheckedOrg {
    CheckedOrg {
        r#ref: Some(r),
        name,
        kind,
        level,
        parent_id: parent,
        cvr: None,
        p_number: None,
        companies_house: None,
        sector: None,
        size_band: None,
        address: None,
        postcode: None,
        ward: None,
        website: None,
        status: OrgStatus::Active,
        notes: None,
        account_manager_id: None,
    }
}

/// Loads the demo directory: about 400 partner employers in the Danish municipality (a
/// supermarket chain with a partnership per store among them) and the UK district's large
/// employers, sites and coalition members, with contact persons and contact history. Runs
/// in one transaction.
pub async fn load_directory(app: &App) -> Result<usize> {
    let system = Actor::system();
    let c = &app.db.conn;
    let dk = accord_db::users::district_by_code(c, &accord_db::Scope::All, "slagelse")
        .await?
        .ok_or(crate::AppError::NotFound)?;
    let uk = accord_db::users::district_by_code(c, &accord_db::Scope::All, "birmingham-solihull")
        .await?
        .ok_or(crate::AppError::NotFound)?;
    let staff = |email: &str| {
        let email = email.to_owned();
        async move { accord_db::users::find_by_email(c, &email).await.map(|u| u.map(|u| u.id)) }
    };
    let lars = staff("account.manager@accord.example").await?;
    let mette = staff("secretariat@accord.example").await?;
    let priya = staff("adviser@accord.example").await?;
    let karen = staff("manager@accord.example").await?;
    let mut rng = Rng(0x5eed_acc0_2d00_0001);
    let now = Utc::now();
    let today = now.date_naive();
    let txn = app.db.write().await?;
    let mut count = 0;
    let mut orgs: Vec<(i64, i64, bool)> = Vec::new(); // (id, district, danish)

    // The chain: a group, its companies, and one site per store, each with its own partnership.
    let mut group = checked("Salling Group A/S".into(), "DK-SALLING".into(), OrgKind::Employer, OrgLevel::Group, None);
    group.cvr = Some("35954716".into());
    group.sector = Some("47".into());
    group.size_band = Some("250+".into());
    group.website = Some("https://sallinggroup.com".into());
    group.account_manager_id = mette;
    let g = dir::save_checked(&txn, &system, dk.id, &group, None, now).await?;
    count += 1;
    let mut store_no = 0;
    // Netto and Bilka stores each hold a partnership; føtex has one for the company and its stores.
    for (brand, stores) in [("Netto", 36), ("føtex", 10), ("Bilka", 3)] {
        let mut company = checked(
            format!("{brand} (Salling Group)"),
            format!("DK-SALLING-{}", brand.to_uppercase()),
            OrgKind::Employer,
            OrgLevel::Company,
            Some(g.id),
        );
        company.sector = Some("47".into());
        company.account_manager_id = mette;
        let co = dir::save_checked(&txn, &system, dk.id, &company, None, now).await?;
        count += 1;
        for i in 0..stores {
            store_no += 1;
            let place = DK_PLACES[i % DK_PLACES.len()];
            let name = match i / DK_PLACES.len() {
                0 => format!("{brand} {place}"),
                n => format!("{brand} {place} {}", ["Nord", "Syd", "Øst", "Vest"][(n - 1) % 4]),
            };
            let mut site =
                checked(name, format!("DK-SALLING-S{store_no:02}"), OrgKind::Employer, OrgLevel::Site, Some(co.id));
            site.cvr = Some("35954716".into());
            site.p_number = Some(format!("10{:08}", 21_000_000 + store_no * 7_919));
            site.sector = Some("47".into());
            site.size_band = Some(if brand == "Bilka" { "250+" } else { "10-49" }.into());
            site.postcode = Some(DK_POSTCODES[i % DK_POSTCODES.len()].into());
            site.ward = Some(DK_WARDS[i % DK_WARDS.len()].into());
            site.account_manager_id = lars;
            let s = dir::save_checked(&txn, &system, dk.id, &site, None, now).await?;
            orgs.push((s.id, dk.id, true));
            count += 1;
        }
    }
    // The municipality's other partner employers.
    for i in 0..385u64 {
        let (trade, sector, size) = DK_TRADES[rng.below(DK_TRADES.len())];
        let place = rng.pick(DK_PLACES);
        let name = match rng.below(3) {
            0 => format!("{place} {trade} {}", rng.pick(DK_SUFFIX)),
            1 => format!("{} {trade} {}", rng.pick(DK_LAST), rng.pick(DK_SUFFIX)),
            _ => format!("{trade}huset {place} {}", rng.pick(DK_SUFFIX)),
        };
        let mut o = checked(name, format!("DK-{:05}", 10_001 + i), OrgKind::Employer, OrgLevel::Company, None);
        if i % 17 == 0 {
            o.kind = OrgKind::Agency;
        }
        o.cvr = Some(cvr_from(rng.next()));
        o.sector = Some(sector.into());
        o.size_band = Some(size.into());
        o.postcode = Some(rng.pick(DK_POSTCODES).into());
        o.ward = Some(rng.pick(DK_WARDS).into());
        o.address = Some(format!(
            "{}vej {}",
            rng.pick(&["Industri", "Hav", "Skov", "Mølle", "Kirke", "Strand"]),
            1 + rng.below(120)
        ));
        o.account_manager_id = if i % 3 == 0 { mette } else { lars };
        if i % 41 == 0 {
            o.status = OrgStatus::Ceased;
        }
        match dir::save_checked(&txn, &system, dk.id, &o, None, now).await {
            Ok(row) => {
                orgs.push((row.id, dk.id, true));
                count += 1;
            }
            // A generated CVR that happens to repeat is simply left out.
            Err(crate::AppError::Invalid(_)) => {}
            Err(e) => return Err(e),
        }
    }
    // The UK district: large employers with sites, and the coalition's members.
    for (i, (name, ch, sector, ward, postcode)) in UK_EMPLOYERS.iter().enumerate() {
        let mut o = checked((*name).into(), format!("UK-{:03}", i + 1), OrgKind::Employer, OrgLevel::Company, None);
        o.companies_house = Some((*ch).into());
        o.sector = Some((*sector).into());
        o.size_band = Some("250+".into());
        o.ward = Some((*ward).into());
        o.postcode = Some((*postcode).into());
        o.account_manager_id = karen;
        let row = dir::save_checked(&txn, &system, uk.id, &o, None, now).await?;
        orgs.push((row.id, uk.id, false));
        count += 1;
        if *name == "Asda Stores Ltd" || *name == "MG Rover Group Ltd" {
            let sites: &[(&str, &str)] = if name.starts_with("Asda") {
                &[("Asda Small Heath", "B10 0TA"), ("Asda Minworth", "B76 9AH"), ("Asda Longbridge", "B31 2UQ")]
            } else {
                &[("Rover Longbridge Plant", "B31 2TB"), ("Rover Powertrain Longbridge", "B31 2TW")]
            };
            for (j, (site, pc)) in sites.iter().enumerate() {
                let mut s = checked(
                    (*site).into(),
                    format!("UK-{:03}-{}", i + 1, j + 1),
                    OrgKind::Employer,
                    OrgLevel::Site,
                    Some(row.id),
                );
                s.companies_house = Some((*ch).into());
                s.sector = Some((*sector).into());
                s.postcode = Some((*pc).into());
                s.account_manager_id = karen;
                let r = dir::save_checked(&txn, &system, uk.id, &s, None, now).await?;
                orgs.push((r.id, uk.id, false));
                count += 1;
            }
        }
    }
    for (i, (name, kind, sector)) in UK_PARTNERS.iter().enumerate() {
        let mut o = checked(
            (*name).into(),
            format!("UK-P{:02}", i + 1),
            OrgKind::parse(kind).unwrap_or(OrgKind::Agency),
            OrgLevel::Company,
            None,
        );
        o.sector = Some((*sector).into());
        let r = dir::save_checked(&txn, &system, uk.id, &o, None, now).await?;
        orgs.push((r.id, uk.id, false));
        count += 1;
    }
    // Contact persons and contact history.
    let log_uk = [
        "Job shop on site to support workers affected by the redundancy.",
        "Discussed the recruitment plan for the new store opening.",
        "Coalition meeting: pre-employment course co-designed with the employer.",
        "Agreed New Deal placements for the spring intake.",
    ];
    for (n, (org_id, district_id, danish)) in orgs.iter().enumerate() {
        let (first, last) = if *danish { (DK_FIRST, DK_LAST) } else { (UK_FIRST, UK_LAST) };
        let name = format!("{} {}", rng.pick(first), rng.pick(last));
        let email = format!(
            "{}.{}{}@example.{}",
            name.split(' ').next().unwrap_or("kontakt").to_lowercase(),
            n,
            rng.below(90),
            if *danish { "dk" } else { "co.uk" }
        );
        let row = q::insert_contact(
            &txn,
            contact::ActiveModel {
                district_id: Set(*district_id),
                organisation_id: Set(*org_id),
                r#ref: Set(format!("C-{:05}", n + 1)),
                name_norm: Set(name.to_lowercase()),
                name: Set(name),
                role: Set(Some(if *danish { rng.pick(DK_ROLES) } else { "HR Manager" }.into())),
                email: Set(Some(email.replace(['æ', 'ø', 'å'], "a"))),
                phone: Set(Some(if *danish {
                    format!("+45 {:08}", 20_000_000 + rng.below(69_999_999))
                } else {
                    format!("0121 {:03} {:04}", rng.below(999), rng.below(9999))
                })),
                consent: Set(n % 5 != 0),
                is_primary: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            },
        )
        .await?;
        let _ = row;
        let entries = 1 + rng.below(4);
        for k in 0..entries {
            let staff_id = match (*danish, rng.below(3)) {
                (true, 0) => mette,
                (true, _) => lars,
                (false, 0) => priya,
                (false, _) => karen,
            };
            let Some(staff_id) = staff_id else { continue };
            let occurred = today - Duration::days((rng.below(700) + k * 3) as i64);
            let follow_up = (k == 0 && n % 9 == 0).then(|| today + Duration::days(rng.below(10) as i64 - 3));
            q::insert_interaction(
                &txn,
                interaction::ActiveModel {
                    district_id: Set(*district_id),
                    organisation_id: Set(*org_id),
                    kind: Set(["call", "visit", "email", "meeting", "event", "letter"][rng.below(6)].into()),
                    occurred_on: Set(occurred),
                    staff_user_id: Set(staff_id),
                    people: Set(None),
                    summary: Set(if *danish {
                        rng.pick(DK_LOG).to_owned()
                    } else {
                        log_uk[rng.below(log_uk.len())].to_owned()
                    }),
                    follow_up_on: Set(follow_up.map(|f| f.max(occurred))),
                    follow_up_done_at: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                },
            )
            .await?;
        }
    }
    // One employer that several colleagues have contacted lately: the coordination warning.
    if let (Some((busy, d, _)), Some(l), Some(m), Some(k)) = (orgs.first(), lars, mette, karen) {
        for (who, days) in [(l, 2), (m, 5), (k, 9)] {
            q::insert_interaction(
                &txn,
                interaction::ActiveModel {
                    district_id: Set(*d),
                    organisation_id: Set(*busy),
                    kind: Set("call".into()),
                    occurred_on: Set(today - Duration::days(days)),
                    staff_user_id: Set(who),
                    people: Set(None),
                    summary: Set("Spurgte til rekrutteringsbehov i butikken.".into()),
                    follow_up_on: Set(None),
                    follow_up_done_at: Set(None),
                    created_at: Set(now),
                    ..Default::default()
                },
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(count)
}

/// Mailings: the secretariat's segment of partner companies that agreed to news, and a
/// mailing to it in Danish with one recipient per company group. The demo has no SMTP server:
/// the mailing is recorded as delivered through the outbox's own tables (see
/// [`crate::mailings::record_demo_sent`]), and each message is in its company's contact log.
pub async fn load_mailings(app: &App) -> Result<()> {
    let Some(u) = accord_db::users::find_by_email(&app.db.conn, "secretariat@accord.example").await? else {
        return Ok(());
    };
    let actor = crate::auth::actor_of_user(app, u.id, None).await?;
    let filter = crate::mailings::SegmentFilter {
        agreement_kind: Some("any".into()),
        purpose: "news".into(),
        ..Default::default()
    };
    let seg = crate::mailings::create_segment(app, &actor, "Partnervirksomheder – nyheder", Some("slagelse"), &filter)
        .await?;
    let m = crate::mailings::create_mailing(
        app,
        &actor,
        &crate::mailings::MailingInput {
            segment_id: seg.id.to_string(),
            subject: "Nyt fra partnerskabet: jobmesse i Slagelse".into(),
            body: "Kære {{contact_name}}\n\nTak for samarbejdet med {{company_name}} i 2022. Den 27. april holder vi jobmesse i Slagelse Hallerne, og vi håber at se jer.\n\nVenlig hilsen\n{{account_manager}}\nJobcenter Slagelse".into(),
            lang: "da".into(),
            one_per_group: true,
            event_id: String::new(),
        },
    )
    .await?;
    crate::mailings::record_demo_sent(app, &actor, m.id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_cvr_numbers_pass_the_check() {
        for seed in [0u64, 1, 2, 99, 123_456_789, u64::MAX] {
            let c = super::cvr_from(seed);
            assert!(accord_domain::Cvr::parse(&c).is_ok(), "{c}");
        }
        assert_eq!(super::cvr_with_base(3595471).as_deref(), Some("35954716"));
    }
}
