//! Slagelse's year of events (seed 003): about 100 themed dialogue meetings in 2022 with 30–40
//! companies each and their attendance, the job fair, the award ceremony; and a few events
//! still to come, one of them full with companies waiting, so the pages show both.
//! Written in bulk: one insert per event and one for its registrations.

use super::Rng;
use crate::{App, AppError, Result};
use accord_db::entities::{contact, event, event_invitation, event_registration, organisation, user};
use accord_db::sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

const THEMES: &[&str] = &[
    "Lærlinge og elever",
    "Rekruttering fra udlandet",
    "Grøn omstilling og nye kompetencer",
    "Seniorer på arbejdsmarkedet",
    "Fleksjob og løntilskud",
    "Unge uden uddannelse",
    "Opkvalificering af ufaglærte",
    "Virksomhedspraktik for flygtninge",
    "Sæsonansatte i detailhandel og turisme",
    "Sundhed og omsorg: rekruttering i 2023",
];

const PLACE: &str = "Jobcenter Slagelse, Ahorn Allé 3, 4200 Slagelse";

/// A time of day in Slagelse.
fn at(d: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    let local = d.and_hms_opt(h, m, 0).expect("a time of day");
    chrono_tz::Europe::Copenhagen
        .from_local_datetime(&local)
        .earliest()
        .expect("not in a clock change")
        .with_timezone(&Utc)
}

struct Pool {
    /// Organisation id and its primary (else first) contact, if any.
    companies: Vec<(i64, Option<i64>)>,
}

impl Pool {
    fn sample(&self, rng: &mut Rng, n: usize) -> Vec<(i64, Option<i64>)> {
        let mut idx: Vec<usize> = (0..self.companies.len()).collect();
        for i in (1..idx.len()).rev() {
            idx.swap(i, rng.below(i + 1));
        }
        idx.into_iter().take(n.min(self.companies.len())).map(|i| self.companies[i]).collect()
    }
}

#[allow(clippy::too_many_arguments)]
async fn add_event<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    district_id: i64,
    kind: &str,
    title: &str,
    theme: Option<&str>,
    starts: DateTime<Utc>,
    hours: i64,
    place: Option<&str>,
    online_url: Option<&str>,
    capacity: Option<i32>,
    agenda: &str,
    organisers: &[i64],
) -> Result<event::Model> {
    let e = event::ActiveModel {
        district_id: Set(district_id),
        kind: Set(kind.into()),
        title: Set(title.into()),
        theme: Set(theme.map(str::to_owned)),
        starts_at: Set(starts),
        ends_at: Set(starts + Duration::hours(hours)),
        place: Set(place.map(str::to_owned)),
        online_url: Set(online_url.map(str::to_owned)),
        capacity: Set(capacity),
        agenda: Set(Some(agenda.into())),
        cancelled_at: Set(None),
        created_at: Set(starts - Duration::days(30)),
        updated_at: Set(starts - Duration::days(30)),
        version: Set(1),
        ..Default::default()
    }
    .insert(c)
    .await?;
    accord_db::events::set_people(c, e.id, organisers, &[]).await?;
    Ok(e)
}

/// Registrations for an event: the first `seats` get a seat, the rest wait; after the event,
/// most of those seated came.
async fn add_registrations<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    rng: &mut Rng,
    e: &event::Model,
    companies: &[(i64, Option<i64>)],
    seats: usize,
    past: bool,
) -> Result<()> {
    if companies.is_empty() {
        return Ok(());
    }
    let rows = companies.iter().enumerate().map(|(i, (org, contact))| {
        let seated = i < seats;
        let came = past && seated && rng.below(100) < 88;
        let when = e.starts_at - Duration::days(21) + Duration::hours(i as i64);
        event_registration::ActiveModel {
            event_id: Set(e.id),
            organisation_id: Set(*org),
            contact_id: Set(*contact),
            name: Set(contact.is_none().then(|| "Representative".to_owned())),
            status: Set(if seated { "registered" } else { "waiting" }.into()),
            attendance: Set(if !past || !seated {
                None
            } else if came {
                Some("attended".into())
            } else {
                Some("no_show".into())
            }),
            source: Set(if i % 3 == 0 { "self" } else { "staff" }.into()),
            created_at: Set(when),
            seated_at: Set(seated.then_some(when)),
            cancelled_at: Set(None),
            version: Set(1),
            ..Default::default()
        }
    });
    let rows: Vec<_> = rows.collect();
    event_registration::Entity::insert_many(rows).exec(c).await?;
    Ok(())
}

pub async fn load_events(app: &App) -> Result<usize> {
    let c = &app.db.conn;
    let dk =
        accord_db::users::district_by_code(c, &accord_db::Scope::All, "slagelse").await?.ok_or(AppError::NotFound)?;
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::DistrictId.eq(dk.id))
        .filter(organisation::Column::ParentId.is_null())
        .order_by_asc(organisation::Column::Id)
        .all(c)
        .await?;
    let contacts = contact::Entity::find()
        .filter(contact::Column::DistrictId.eq(dk.id))
        .order_by_desc(contact::Column::IsPrimary)
        .order_by_asc(contact::Column::Id)
        .all(c)
        .await?;
    let pool = Pool {
        companies: orgs
            .iter()
            .map(|o| (o.id, contacts.iter().find(|x| x.organisation_id == o.id).map(|x| x.id)))
            .collect(),
    };
    if pool.companies.len() < 30 {
        return Err(AppError::Internal(format!("the demo's events need 30 companies, not {}", pool.companies.len())));
    }
    let staff: Vec<i64> = user::Entity::find()
        .filter(user::Column::Email.is_in(["secretariat@accord.example", "account.manager@accord.example"]))
        .order_by_asc(user::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    let mut rng = Rng(0xe7e7_5eed_2022_0005);
    let txn = app.db.write().await?;
    let mut n = 0;
    // Two dialogue meetings a week on Tuesdays and Thursdays, but for the summer and Christmas
    // holidays: 100 in the year.
    let mut day = NaiveDate::from_ymd_opt(2022, 1, 11).expect("a date");
    let mut meetings = 0;
    while meetings < 100 && day.year() == 2022 {
        let holiday = matches!(day.month(), 7) || day.month() == 12 && day.day() > 15;
        if matches!(day.weekday(), Weekday::Tue | Weekday::Thu) && !holiday {
            let theme = THEMES[meetings % THEMES.len()];
            let e = add_event(
                &txn,
                dk.id,
                "dialogue_meeting",
                &format!("Dialogmøde: {theme}"),
                Some(theme),
                at(day, 9, 30),
                2,
                Some(PLACE),
                None,
                Some(40),
                "1. Velkomst og kaffe\n2. Temaet, med en virksomheds egen historie\n3. Hvad jobcentret kan gøre\n4. Spørgsmål og næste skridt",
                &staff.get(meetings % staff.len().max(1)).copied().into_iter().collect::<Vec<_>>(),
            )
            .await?;
            let size = 30 + rng.below(11);
            let companies = pool.sample(&mut rng, size);
            add_registrations(&txn, &mut rng, &e, &companies, 40, true).await?;
            meetings += 1;
            n += 1;
        }
        day += Duration::days(1);
    }
    let fair = add_event(
        &txn,
        dk.id,
        "job_fair",
        "Jobmesse Slagelse 2022",
        Some("Mød områdets virksomheder"),
        at(NaiveDate::from_ymd_opt(2022, 9, 22).expect("a date"), 10, 0),
        6,
        Some("Slagelse Hallerne"),
        None,
        Some(60),
        "Standene er åbne kl. 10.00–16.00\nKorte oplæg hver time på scenen",
        &staff,
    )
    .await?;
    let companies = pool.sample(&mut rng, 55);
    add_registrations(&txn, &mut rng, &fair, &companies, 60, true).await?;
    let award = add_event(
        &txn,
        dk.id,
        "award_ceremony",
        "Partnerskabsprisen 2022",
        Some("Årets partnerskabsvirksomhed"),
        at(NaiveDate::from_ymd_opt(2022, 12, 8).expect("a date"), 15, 0),
        2,
        Some(PLACE),
        None,
        None,
        "1. Året i tal\n2. De nominerede\n3. Prisoverrækkelsen",
        &staff,
    )
    .await?;
    let companies = pool.sample(&mut rng, 30);
    add_registrations(&txn, &mut rng, &award, &companies, 30, true).await?;
    n += 2;
    // To come: a dialogue meeting with seats left, a full job fair with a waiting list, and a
    // network meeting online without a limit.
    let today = Utc::now().date_naive();
    let soon = add_event(
        &txn,
        dk.id,
        "dialogue_meeting",
        "Dialogmøde: Lærlinge og elever",
        Some("Lærlinge og elever"),
        at(today + Duration::days(14), 9, 30),
        2,
        Some(PLACE),
        None,
        Some(30),
        "1. Velkomst\n2. Lærlinge i området\n3. Spørgsmål",
        &staff,
    )
    .await?;
    let companies = pool.sample(&mut rng, 12);
    add_registrations(&txn, &mut rng, &soon, &companies, 30, false).await?;
    let invited = pool.sample(&mut rng, 20);
    let invitations: Vec<_> = invited
        .iter()
        .filter_map(|(o, ct)| ct.map(|ct| (*o, ct)))
        .map(|(o, ct)| event_invitation::ActiveModel {
            event_id: Set(soon.id),
            organisation_id: Set(o),
            contact_id: Set(ct),
            issued_by: Set(staff.first().copied()),
            issued_at: Set(Utc::now() - Duration::days(7)),
            ..Default::default()
        })
        .collect();
    if !invitations.is_empty() {
        event_invitation::Entity::insert_many(invitations).exec(&txn).await?;
    }
    let full = add_event(
        &txn,
        dk.id,
        "job_fair",
        "Jobmesse: grønne job",
        Some("Den grønne omstilling"),
        at(today + Duration::days(45), 8, 0),
        5,
        Some("Slagelse Hallerne"),
        None,
        Some(8),
        "Stande og oplæg om områdets grønne job",
        &staff,
    )
    .await?;
    let companies = pool.sample(&mut rng, 10);
    add_registrations(&txn, &mut rng, &full, &companies, 8, false).await?;
    add_event(
        &txn,
        dk.id,
        "network_meeting",
        "Netværksmøde for HR-medarbejdere",
        Some("Fastholdelse af seniorer"),
        at(today + Duration::days(30), 13, 0),
        1,
        None,
        Some("https://meet.example.dk/hr-network"),
        None,
        "Korte oplæg og erfaringsudveksling",
        &staff,
    )
    .await?;
    n += 3;
    txn.commit().await?;
    Ok(n)
}
