//! Events the service holds for employers (capability 5, seed 003): dialogue meetings, job
//! fairs, network and information meetings, the award ceremony. Staff keep an event and
//! register companies for it; a full event puts a company on its waiting list, and a
//! cancellation gives the seat to the company that has waited longest, in the same
//! transaction. A company can also register itself, or cancel, through a signed link in its
//! invitation ([`invitation_link`]), without signing in. Attendance is recorded after the
//! event; every registration and the event come as an iCalendar file ([`ics`]).
//!
//! Not the redundancy events of [`crate::redundancy`].

use crate::directory as dir;
use crate::partnerships::{
    OrgName, audit_save, conflict, differing, lenient, org_names, patch_over, put_versioned, required, resolve_orgs,
    text, val,
};
use crate::redundancy::{StaffRef, count, lenient_list};
use crate::{Actor, App, AppError, Page, Paging, Result};
use accord_db::entities::{event, event_registration};
use accord_db::events as q;
use accord_db::sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use accord_domain::{Attendance, EventKind, FieldErrors, RegistrationStatus, Role};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;
use utoipa::ToSchema;

// ---- who may do what ----

/// Every member of staff reads the events of their districts (the committee too).
pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor)
}

/// Staff who work with employers keep events and their registrations; the committee reads only.
pub fn can_manage(actor: &Actor) -> bool {
    !actor.is_read_only()
        && actor.roles.iter().any(|r| {
            matches!(r, Role::Admin | Role::Manager | Role::Secretariat | Role::Adviser | Role::AccountManager)
        })
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

fn require_manage(actor: &Actor) -> Result<()> {
    actor.require_write()?;
    require(can_manage(actor))
}

// ---- OpenAPI enums ----

fn enum_schema(codes: Vec<&'static str>, description: &str) -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes)).description(Some(description)).build()
}

fn kind_schema() -> utoipa::openapi::Object {
    enum_schema(EventKind::ALL.iter().map(|k| k.as_str()).collect(), "The kind of event")
}

fn status_schema() -> utoipa::openapi::Object {
    enum_schema(
        RegistrationStatus::ALL.iter().map(|k| k.as_str()).collect(),
        "registered: has a seat; waiting: on the waiting list; cancelled",
    )
}

fn attendance_schema() -> utoipa::openapi::Object {
    enum_schema(Attendance::ALL.iter().map(|k| k.as_str()).collect(), "Whether the company came")
}

// ---- views ----

/// An event with its organisers, co-hosts and how many companies are invited, registered,
/// waiting and came.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EmployerEventView {
    pub id: i64,
    /// The district's code.
    pub district: String,
    #[schema(schema_with = kind_schema)]
    pub kind: String,
    pub title: String,
    pub theme: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    /// Seats for companies; none is no limit.
    pub capacity: Option<i32>,
    pub agenda: Option<String>,
    pub organisers: Vec<StaffRef>,
    pub hosts: Vec<OrgName>,
    /// When the event was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Companies with an invitation link issued.
    pub invited: i64,
    /// Companies holding a seat.
    pub registered: i64,
    /// Companies on the waiting list.
    pub waiting: i64,
    /// Companies that came.
    pub attended: i64,
    pub version: i32,
}

impl EmployerEventView {
    /// Seats left, when the event has a limit.
    pub fn seats_left(&self) -> Option<i64> {
        self.capacity.map(|c| (i64::from(c) - self.registered).max(0))
    }

    pub fn is_past(&self) -> bool {
        self.ends_at < Utc::now()
    }

    pub fn has_started(&self) -> bool {
        self.starts_at <= Utc::now()
    }

    /// The input that leaves the event as it is, to change field by field (its times in the
    /// service's time zone `tz`, as the form shows them).
    pub fn input(&self, tz: Tz) -> EmployerEventInput {
        EmployerEventInput {
            district: Some(self.district.clone()),
            kind: Some(self.kind.clone()),
            title: Some(self.title.clone()),
            theme: self.theme.clone(),
            starts_at: Some(local_moment(self.starts_at, tz)),
            ends_at: Some(local_moment(self.ends_at, tz)),
            place: self.place.clone(),
            online_url: self.online_url.clone(),
            capacity: self.capacity.map(|c| c.to_string()),
            agenda: self.agenda.clone(),
            organisers: Some(self.organisers.iter().map(|s| s.id.to_string()).collect()),
            hosts: Some(self.hosts.iter().map(|h| h.reference.clone()).collect::<Vec<_>>().join("\n")),
            version: Some(self.version),
        }
    }
}

/// A company's registration for an event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RegistrationView {
    pub id: i64,
    pub event_id: i64,
    pub organisation: OrgName,
    /// The contact who comes, when one of the directory.
    pub contact_id: Option<i64>,
    /// Who comes: the contact's name, or the name written.
    pub attendee: String,
    #[schema(schema_with = status_schema)]
    pub status: String,
    /// The place on the waiting list, from 1, while waiting.
    pub position: Option<i64>,
    #[schema(schema_with = attendance_schema)]
    pub attendance: Option<String>,
    /// `staff`, or `self` when the company registered through its invitation link.
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

async fn staff_names(app: &App, ids: &[i64]) -> Result<BTreeMap<i64, String>> {
    use accord_db::entities::user;
    use accord_db::sea_orm::{ColumnTrait, QueryFilter};
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

fn unknown_org(id: i64) -> OrgName {
    OrgName { id, reference: String::new(), name: String::new() }
}

async fn event_views(app: &App, rows: Vec<event::Model>) -> Result<Vec<EmployerEventView>> {
    let c = &app.db.conn;
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let staff = q::staff_of(c, &ids).await?;
    let hosts = q::hosts_of(c, &ids).await?;
    let counts = q::counts_of(c, &ids).await?;
    let names = staff_names(app, &staff.iter().map(|s| s.1).collect::<Vec<_>>()).await?;
    let orgs = org_names(app, hosts.iter().map(|h| h.1)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let n = counts.iter().find(|c| c.event_id == r.id).cloned().unwrap_or_default();
        let invited = invited_organisations(app, r.id).await?.len() as i64;
        out.push(EmployerEventView {
            id: r.id,
            district: districts.iter().find(|d| d.id == r.district_id).map(|d| d.code.clone()).unwrap_or_default(),
            kind: r.kind,
            title: r.title,
            theme: r.theme,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            place: r.place,
            online_url: r.online_url,
            capacity: r.capacity,
            agenda: r.agenda,
            organisers: staff
                .iter()
                .filter(|s| s.0 == r.id)
                .map(|s| StaffRef { id: s.1, name: names.get(&s.1).cloned().unwrap_or_default() })
                .collect(),
            hosts: hosts
                .iter()
                .filter(|h| h.0 == r.id)
                .map(|h| orgs.get(&h.1).cloned().unwrap_or_else(|| unknown_org(h.1)))
                .collect(),
            cancelled_at: r.cancelled_at,
            invited,
            registered: n.registered,
            waiting: n.waiting,
            attended: n.attended,
            version: r.version,
        });
    }
    Ok(out)
}

async fn invited_organisations(app: &App, event_id: i64) -> Result<Vec<i64>> {
    let mut orgs: Vec<i64> =
        q::invitations_of(&app.db.conn, event_id).await?.into_iter().map(|i| i.organisation_id).collect();
    orgs.sort_unstable();
    orgs.dedup();
    Ok(orgs)
}

async fn registration_views<C: ConnectionTrait>(
    app: &App,
    c: &C,
    rows: Vec<event_registration::Model>,
) -> Result<Vec<RegistrationView>> {
    use accord_db::entities::contact;
    use accord_db::sea_orm::{ColumnTrait, QueryFilter};
    let orgs = org_names(app, rows.iter().map(|r| r.organisation_id)).await?;
    let contact_ids: Vec<i64> = rows.iter().filter_map(|r| r.contact_id).collect();
    let contacts: BTreeMap<i64, String> = if contact_ids.is_empty() {
        BTreeMap::new()
    } else {
        contact::Entity::find()
            .filter(contact::Column::Id.is_in(contact_ids))
            .all(c)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect()
    };
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let position = if r.status == RegistrationStatus::Waiting.as_str() {
            let waiting = q::registrations_of(c, r.event_id).await?;
            waiting
                .iter()
                .filter(|w| w.status == RegistrationStatus::Waiting.as_str())
                .position(|w| w.id == r.id)
                .map(|p| p as i64 + 1)
        } else {
            None
        };
        out.push(RegistrationView {
            id: r.id,
            event_id: r.event_id,
            organisation: orgs.get(&r.organisation_id).cloned().unwrap_or_else(|| unknown_org(r.organisation_id)),
            contact_id: r.contact_id,
            attendee: r.contact_id.and_then(|id| contacts.get(&id).cloned()).or(r.name.clone()).unwrap_or_default(),
            status: r.status,
            position,
            attendance: r.attendance,
            source: r.source,
            created_at: r.created_at,
            version: r.version,
        });
    }
    Ok(out)
}

// ---- the list ----

/// Which events a list shows, as typed in its filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EventListFilter {
    /// A district code.
    pub district: Option<String>,
    pub kind: Option<String>,
    /// First start date, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last start date, YYYY-MM-DD.
    pub to: Option<String>,
    /// `upcoming` or `past`.
    pub when: Option<String>,
}

/// One page of the events the actor may read, upcoming ones soonest first, others latest first.
pub async fn list(app: &App, actor: &Actor, f: &EventListFilter, paging: Paging) -> Result<Page<EmployerEventView>> {
    require(can_view(actor))?;
    let mut e = FieldErrors::new();
    let mut filter = q::EventFilter::default();
    if let Some(code) = dir::opt(val(&f.district)) {
        filter.district = Some(dir::pick_district(app, actor, Some(code)).await?.id);
    }
    if let Some(k) = dir::opt(val(&f.kind)) {
        filter.kind = e.take("kind", k, EventKind::parse(k)).map(|k| k.as_str().to_owned());
    }
    let day = |e: &mut FieldErrors, field: &str, v: &Option<String>| {
        dir::opt(val(v)).and_then(|s| e.take(field, s, dir::parse_date(s)))
    };
    filter.from = day(&mut e, "from", &f.from).map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    filter.to = day(&mut e, "to", &f.to)
        .and_then(|d| d.succ_opt())
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    filter.upcoming = match val(&f.when) {
        "" => None,
        "upcoming" => Some(true),
        "past" => Some(false),
        other => {
            e.add("when", "events.when_unknown", Some(other));
            None
        }
    };
    e.into_result()?;
    let (rows, total) = q::list_events(&app.db.conn, &actor.scope(), &filter, paging.page, paging.per_page).await?;
    Ok(Page { items: event_views(app, rows).await?, total, paging })
}

async fn event_row(app: &App, actor: &Actor, id: i64) -> Result<event::Model> {
    q::get_event(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)
}

/// One event the actor may read.
pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<EmployerEventView> {
    require(can_view(actor))?;
    let r = event_row(app, actor, id).await?;
    Ok(event_views(app, vec![r]).await?.remove(0))
}

// ---- keeping an event ----

/// An event as typed in a form or sent to the API. Times are `YYYY-MM-DDTHH:MM` in UTC, or
/// RFC 3339 with an offset.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct EmployerEventInput {
    /// A district code; may be left out when the caller has exactly one.
    pub district: Option<String>,
    /// dialogue_meeting, job_fair, network_meeting, information_meeting, award_ceremony or other.
    pub kind: Option<String>,
    pub title: Option<String>,
    pub theme: Option<String>,
    /// RFC 3339 (`2026-05-04T07:30:00Z`), or a date and time of day without an offset
    /// (`2026-05-04T09:30`), read in the service's time zone (`ACCORD_TIME_ZONE`).
    pub starts_at: Option<String>,
    /// As `starts_at`.
    pub ends_at: Option<String>,
    pub place: Option<String>,
    /// A link to join online (http or https).
    pub online_url: Option<String>,
    /// Seats for companies, 1 to 100,000; empty for no limit.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub capacity: Option<String>,
    pub agenda: Option<String>,
    /// The user ids of the organising staff, as numbers or strings.
    #[serde(deserialize_with = "lenient_list")]
    #[schema(value_type = Option<Vec<String>>)]
    pub organisers: Option<Vec<String>>,
    /// Co-hosting organisations by reference (or CVR, P-number…), one per line.
    pub hosts: Option<String>,
    /// The version read; required to change an event.
    pub version: Option<i32>,
}

patch_over!(EmployerEventInput {
    district,
    kind,
    title,
    theme,
    starts_at,
    ends_at,
    place,
    online_url,
    capacity,
    agenda,
    organisers,
    hosts
});

/// A moment as typed: `YYYY-MM-DDTHH:MM` (seconds allowed), a space for the `T`, taken as
/// UTC; or RFC 3339 with its offset.
pub fn parse_moment(s: &str, tz: Tz) -> std::result::Result<DateTime<Utc>, &'static str> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Ok(d.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            // An hour skipped when the clocks go forward names no moment; one repeated when
            // they go back is read as its first time.
            return tz.from_local_datetime(&d).earliest().map(|t| t.with_timezone(&Utc)).ok_or("events.moment_skipped");
        }
    }
    Err("events.moment_invalid")
}

/// A moment as the forms show it: the date and time of day in the service's time zone.
pub fn local_moment(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

fn moment(e: &mut FieldErrors, field: &str, v: &Option<String>, tz: Tz) -> Option<DateTime<Utc>> {
    match dir::opt(val(v)) {
        None => {
            e.add(field, "field.required", None);
            None
        }
        Some(s) => e.take(field, s, parse_moment(s, tz)),
    }
}

/// Members of staff of a district who may organise its events.
pub async fn organiser_candidates(app: &App, district_id: i64) -> Result<Vec<StaffRef>> {
    let users = accord_db::users::all_enabled(&app.db.conn).await?;
    Ok(users
        .into_iter()
        .filter(|u| u.districts.iter().any(|d| d.id == district_id))
        .filter(|u| u.roles.iter().any(|r| r != "partner" && r != "committee"))
        .map(|u| StaffRef { id: u.user.id, name: u.user.name })
        .collect())
}

fn event_audit(r: &event::Model, staff: &[i64], hosts: &[i64]) -> serde_json::Value {
    serde_json::json!({
        "kind": r.kind, "title": r.title, "theme": r.theme, "starts_at": r.starts_at, "ends_at": r.ends_at,
        "place": r.place, "online_url": r.online_url, "capacity": r.capacity, "agenda": r.agenda,
        "organisers": staff, "hosts": hosts, "cancelled_at": r.cancelled_at,
    })
}

fn event_changes(theirs: &EmployerEventInput, mine: &EmployerEventInput) -> Vec<String> {
    differing(&[
        ("kind", &theirs.kind, &mine.kind),
        ("title", &theirs.title, &mine.title),
        ("theme", &theirs.theme, &mine.theme),
        ("starts_at", &theirs.starts_at, &mine.starts_at),
        ("ends_at", &theirs.ends_at, &mine.ends_at),
        ("place", &theirs.place, &mine.place),
        ("online_url", &theirs.online_url, &mine.online_url),
        ("capacity", &theirs.capacity, &mine.capacity),
        ("agenda", &theirs.agenda, &mine.agenda),
        ("hosts", &theirs.hosts, &mine.hosts),
        (
            "organisers",
            &theirs.organisers.as_ref().map(|v| v.join(",")),
            &mine.organisers.as_ref().map(|v| v.join(",")),
        ),
    ])
}

/// Creates an event (`id` none) or changes one at the version the caller read. A new event
/// may not start in the past; a capacity may not fall below the companies already seated,
/// and a higher one seats the companies waiting, longest first.
pub async fn save(app: &App, actor: &Actor, id: Option<i64>, input: &EmployerEventInput) -> Result<EmployerEventView> {
    require_manage(actor)?;
    let existing = match id {
        Some(id) => Some(event_row(app, actor, id).await?),
        None => None,
    };
    let district_id = match &existing {
        Some(r) => r.district_id,
        None => dir::pick_district(app, actor, input.district.as_deref()).await?.id,
    };
    let mut e = FieldErrors::new();
    let kind = match dir::opt(val(&input.kind)) {
        None => {
            e.add("kind", "field.required", None);
            None
        }
        Some(k) => e.take("kind", k, EventKind::parse(k)),
    };
    let title = required(&mut e, "title", &input.title, 200, false);
    let theme = text(&mut e, "theme", &input.theme, 200, false);
    let now = Utc::now();
    let starts_at = moment(&mut e, "starts_at", &input.starts_at, app.config.time_zone);
    if existing.is_none()
        && let Some(s) = starts_at
        && s < now
    {
        e.add("starts_at", "events.in_past", dir::opt(val(&input.starts_at)));
    }
    let ends_at = moment(&mut e, "ends_at", &input.ends_at, app.config.time_zone);
    if let (Some(s), Some(en)) = (starts_at, ends_at)
        && en <= s
    {
        e.add("ends_at", "events.ends_before_start", dir::opt(val(&input.ends_at)));
    }
    let place = text(&mut e, "place", &input.place, 300, false);
    let online_url = text(&mut e, "online_url", &input.online_url, 500, false);
    if let Some(u) = &online_url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        e.add("online_url", "events.url_invalid", Some(u));
    }
    let capacity = count(&mut e, "capacity", &input.capacity, 100_000).map(|n| n as i32);
    if capacity == Some(0) {
        e.add("capacity", "events.capacity_zero", dir::opt(val(&input.capacity)));
    }
    let agenda = text(&mut e, "agenda", &input.agenda, 8000, true);
    let candidates = organiser_candidates(app, district_id).await?;
    let mut staff = Vec::new();
    for t in input.organisers.iter().flatten().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        match t.parse::<i64>().ok().filter(|id| candidates.iter().any(|c| c.id == *id)) {
            Some(id) if !staff.contains(&id) => staff.push(id),
            Some(_) => {}
            None => e.add("organisers", "events.organiser_unknown", Some(t)),
        }
    }
    let refs: Vec<String> = val(&input.hosts).lines().map(str::to_owned).collect();
    let hosts = resolve_orgs(app, &mut e, "hosts", district_id, &refs).await?;
    e.into_result()?;
    let am = event::ActiveModel {
        district_id: Set(district_id),
        kind: Set(kind.expect("checked").as_str().to_owned()),
        title: Set(title.unwrap_or_default()),
        theme: Set(theme),
        starts_at: Set(starts_at.expect("checked")),
        ends_at: Set(ends_at.expect("checked")),
        place: Set(place),
        online_url: Set(online_url),
        capacity: Set(capacity),
        agenda: Set(agenda),
        updated_at: Set(now),
        ..Default::default()
    };
    let before = match &existing {
        Some(r) => {
            let c = &app.db.conn;
            let s: Vec<i64> = q::staff_of(c, &[r.id]).await?.into_iter().map(|s| s.1).collect();
            let h: Vec<i64> = q::hosts_of(c, &[r.id]).await?.into_iter().map(|s| s.1).collect();
            Some(event_audit(r, &s, &h))
        }
        None => None,
    };
    let txn = app.db.write().await?;
    if let Some(r) = &existing {
        // Seats are counted with the event locked, as registrations count them.
        q::lock_event(&txn, &actor.scope(), r.id).await?;
        let seated = q::seated(&txn, r.id).await?;
        if let Some(c) = capacity
            && (c as u64) < seated
        {
            return Err(AppError::field("capacity", "events.capacity_below", Some(&seated.to_string())));
        }
    }
    let Some(row) =
        put_versioned!(&txn, existing.as_ref().map(|r| r.id), input.version, am, now, event, q::update_event)
    else {
        drop(txn);
        let current = get(app, actor, existing.as_ref().map(|r| r.id).expect("only a change can be stale")).await?;
        return Err(conflict(&current, &event_changes(&current.input(app.config.time_zone), input)));
    };
    q::set_people(&txn, row.id, &staff, &hosts).await?;
    audit_save(&txn, actor, "event", row.id, Some(district_id), before, event_audit(&row, &staff, &hosts), now).await?;
    fill_seats(&txn, &row, &actor.label(), actor.user_id, now).await?;
    txn.commit().await?;
    get(app, actor, row.id).await
}

/// Cancels an event: it stays with its registrations, marked cancelled, and takes no more.
pub async fn cancel(app: &App, actor: &Actor, id: i64) -> Result<EmployerEventView> {
    require_manage(actor)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = q::lock_event(&txn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    if row.cancelled_at.is_some() {
        return Err(AppError::field("event", "events.already_cancelled", None));
    }
    let am = event::ActiveModel { cancelled_at: Set(Some(now)), updated_at: Set(now), ..Default::default() };
    q::update_event(&txn, id, row.version, am).await?;
    let mut entry = actor.audit("cancel", "event", Some(id.to_string()));
    entry.district_id = Some(row.district_id);
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    get(app, actor, id).await
}

// ---- registrations ----

/// The registrations of an event, in the order they were made.
pub async fn registrations(app: &App, actor: &Actor, event_id: i64) -> Result<Vec<RegistrationView>> {
    require(can_view(actor))?;
    event_row(app, actor, event_id).await?;
    let rows = q::registrations_of(&app.db.conn, event_id).await?;
    registration_views(app, &app.db.conn, rows).await
}

/// A company registered by staff: the organisation (by reference, CVR, P-number… or id) and
/// either one of its contacts or the name of who comes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct RegistrationInput {
    /// The organisation's reference (or CVR, P-number, Companies House number).
    pub organisation: Option<String>,
    /// The organisation's id, instead of its reference.
    pub organisation_id: Option<i64>,
    /// One of the organisation's contacts.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub contact_id: Option<String>,
    /// Who comes, when not a contact of the directory.
    pub name: Option<String>,
}

/// Who registers: a member of staff, or a contact through their link.
struct Registrant {
    label: String,
    user_id: Option<i64>,
    source: &'static str,
    ip: Option<String>,
}

/// Registers the company in the caller's transaction with the event locked: a seat while
/// there is one, else the waiting list.
async fn register_in<C: ConnectionTrait>(
    txn: &C,
    ev: &event::Model,
    organisation_id: i64,
    contact_id: Option<i64>,
    name: Option<String>,
    who: &Registrant,
    now: DateTime<Utc>,
) -> Result<event_registration::Model> {
    if ev.cancelled_at.is_some() {
        return Err(AppError::field("event", "events.cancelled", None));
    }
    if ev.ends_at < now {
        return Err(AppError::field("event", "events.over", None));
    }
    if let Some(r) = q::active_registration(txn, ev.id, organisation_id).await? {
        let code = if r.status == "waiting" { "events.already_waiting" } else { "events.already_registered" };
        return Err(AppError::field("organisation", code, None));
    }
    let seated = q::seated(txn, ev.id).await?;
    let has_seat = ev.capacity.is_none_or(|c| seated < c as u64);
    let status = if has_seat { RegistrationStatus::Registered } else { RegistrationStatus::Waiting };
    let row = event_registration::ActiveModel {
        event_id: Set(ev.id),
        organisation_id: Set(organisation_id),
        contact_id: Set(contact_id),
        name: Set(name),
        status: Set(status.as_str().to_owned()),
        attendance: Set(None),
        source: Set(who.source.to_owned()),
        created_at: Set(now),
        seated_at: Set(has_seat.then_some(now)),
        cancelled_at: Set(None),
        version: Set(1),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let entry = accord_db::audit::Entry {
        actor_user_id: who.user_id,
        actor: who.label.clone(),
        action: "register".into(),
        entity: "event_registration".into(),
        entity_id: Some(row.id.to_string()),
        district_id: Some(ev.district_id),
        after: Some(registration_audit(&row)),
        ip: who.ip.clone(),
        ..Default::default()
    };
    accord_db::audit::append(txn, entry, now).await?;
    Ok(row)
}

fn registration_audit(r: &event_registration::Model) -> serde_json::Value {
    serde_json::json!({
        "event_id": r.event_id, "organisation_id": r.organisation_id, "contact_id": r.contact_id, "name": r.name,
        "status": r.status, "attendance": r.attendance, "source": r.source,
    })
}

/// Gives free seats to the companies waiting, longest first, in the caller's transaction
/// with the event locked.
async fn fill_seats<C: ConnectionTrait>(
    txn: &C,
    ev: &event::Model,
    label: &str,
    user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    if ev.cancelled_at.is_some() {
        return Ok(());
    }
    loop {
        let seated = q::seated(txn, ev.id).await?;
        if ev.capacity.is_some_and(|c| seated >= c as u64) {
            return Ok(());
        }
        let Some(next) = q::first_waiting(txn, ev.id).await? else { return Ok(()) };
        let am = event_registration::ActiveModel {
            status: Set(RegistrationStatus::Registered.as_str().to_owned()),
            seated_at: Set(Some(now)),
            ..Default::default()
        };
        q::update_registration(txn, next.id, next.version, am).await?;
        let entry = accord_db::audit::Entry {
            actor_user_id: user_id,
            actor: label.to_owned(),
            action: "move_up".into(),
            entity: "event_registration".into(),
            entity_id: Some(next.id.to_string()),
            district_id: Some(ev.district_id),
            summary: Some("a seat came free: moved up from the waiting list".into()),
            ..Default::default()
        };
        accord_db::audit::append(txn, entry, now).await?;
    }
}

/// Registers a company for an event: a seat while there is one, else the waiting list.
pub async fn register(app: &App, actor: &Actor, event_id: i64, input: &RegistrationInput) -> Result<RegistrationView> {
    require_manage(actor)?;
    let ev = event_row(app, actor, event_id).await?;
    let c = &app.db.conn;
    let mut e = FieldErrors::new();
    let org = match (input.organisation_id, dir::opt(val(&input.organisation))) {
        (Some(id), _) => {
            let o = accord_db::directory::get_organisation(c, &actor.scope(), id).await?;
            match o.filter(|o| o.district_id == ev.district_id) {
                Some(o) => Some(o.id),
                None => {
                    e.add("organisation_id", "org.unknown", Some(&id.to_string()));
                    None
                }
            }
        }
        (None, Some(r)) => {
            resolve_orgs(app, &mut e, "organisation", ev.district_id, &[r.to_owned()]).await?.first().copied()
        }
        (None, None) => {
            e.add("organisation", "field.required", None);
            None
        }
    };
    let name = text(&mut e, "name", &input.name, 200, false);
    let mut contact_id = None;
    if let Some(t) = dir::opt(val(&input.contact_id)) {
        let contacts = match org {
            Some(o) => accord_db::directory::contacts_of(c, o).await?,
            None => vec![],
        };
        match t.parse::<i64>().ok().filter(|id| contacts.iter().any(|c| c.id == *id)) {
            Some(id) => contact_id = Some(id),
            None if org.is_some() => e.add("contact_id", "events.contact_unknown", Some(t)),
            None => {}
        }
    }
    if org.is_some()
        && contact_id.is_none()
        && name.is_none()
        && e.get("contact_id").is_none()
        && e.get("name").is_none()
    {
        e.add("name", "events.attendee_required", None);
    }
    e.into_result()?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let ev = q::lock_event(&txn, &actor.scope(), event_id).await?.ok_or(AppError::NotFound)?;
    let who = Registrant { label: actor.label(), user_id: actor.user_id, source: "staff", ip: actor.ip.clone() };
    let row = register_in(&txn, &ev, org.expect("checked"), contact_id, name, &who, now).await?;
    txn.commit().await?;
    Ok(registration_views(app, &app.db.conn, vec![row]).await?.remove(0))
}

async fn registration_row(app: &App, actor: &Actor, id: i64) -> Result<(event_registration::Model, event::Model)> {
    let r = q::get_registration(&app.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let ev = event_row(app, actor, r.event_id).await?;
    Ok((r, ev))
}

/// One registration the actor may read.
pub async fn get_registration(app: &App, actor: &Actor, id: i64) -> Result<RegistrationView> {
    require(can_view(actor))?;
    let (r, _) = registration_row(app, actor, id).await?;
    Ok(registration_views(app, &app.db.conn, vec![r]).await?.remove(0))
}

/// A change to one registration: cancel it, or record whether the company came.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct RegistrationChange {
    /// `cancelled` to cancel the registration (a waiting company then moves up).
    pub status: Option<String>,
    /// `attended` or `no_show`, once the event has begun; empty to clear it.
    pub attendance: Option<String>,
    /// The version read; required.
    pub version: Option<i32>,
}

/// Cancels a registration or records attendance, at the version read; a cancelled seat goes
/// to the company that has waited longest, in the same transaction.
pub async fn change_registration(
    app: &App,
    actor: &Actor,
    id: i64,
    change: &RegistrationChange,
) -> Result<RegistrationView> {
    require_manage(actor)?;
    let (before, ev) = registration_row(app, actor, id).await?;
    let mut e = FieldErrors::new();
    let version = change.version;
    if version.is_none() {
        e.add("version", "field.required", None);
    }
    let cancel = match dir::opt(val(&change.status)) {
        None => false,
        Some("cancelled") => true,
        Some(s) => {
            e.add("status", "events.status_change", Some(s));
            false
        }
    };
    let attendance = match &change.attendance {
        None => None,
        Some(a) => match dir::opt(a) {
            None => Some(None),
            Some(a) => e.take("attendance", a, Attendance::parse(a)).map(|a| Some(a.as_str().to_owned())),
        },
    };
    let now = Utc::now();
    if attendance.is_some() {
        if ev.starts_at > now {
            e.add("attendance", "events.attendance_early", None);
        } else if before.status != RegistrationStatus::Registered.as_str() {
            e.add("attendance", "events.attendance_not_registered", None);
        }
    }
    if cancel && before.status == RegistrationStatus::Cancelled.as_str() {
        e.add("status", "events.registration_cancelled", None);
    }
    if !cancel && attendance.is_none() && e.is_empty() {
        e.add("status", "events.nothing_to_change", None);
    }
    e.into_result()?;
    let txn = app.db.write().await?;
    let ev = q::lock_event(&txn, &actor.scope(), ev.id).await?.ok_or(AppError::NotFound)?;
    let mut am = <event_registration::ActiveModel as Default>::default();
    if cancel {
        am.status = Set(RegistrationStatus::Cancelled.as_str().to_owned());
        am.cancelled_at = Set(Some(now));
    }
    if let Some(a) = attendance {
        am.attendance = Set(a);
    }
    if !q::update_registration(&txn, id, version.expect("checked"), am).await? {
        drop(txn);
        let current = get_registration(app, actor, id).await?;
        let mut changed = vec![];
        if current.status != before.status {
            changed.push("status".to_owned());
        }
        if current.attendance != before.attendance {
            changed.push("attendance".to_owned());
        }
        return Err(conflict(&current, &changed));
    }
    let row = q::get_registration(&txn, id).await?.ok_or(AppError::NotFound)?;
    let mut entry =
        actor.audit(if cancel { "cancel" } else { "attendance" }, "event_registration", Some(id.to_string()));
    entry.district_id = Some(ev.district_id);
    entry.before = Some(registration_audit(&before));
    entry.after = Some(registration_audit(&row));
    accord_db::audit::append(&txn, entry, now).await?;
    if cancel {
        fill_seats(&txn, &ev, &actor.label(), actor.user_id, now).await?;
    }
    txn.commit().await?;
    get_registration(app, actor, id).await
}

// ---- the companies of an event ----

/// A company on the event page: whether it was invited, where its registration stands, and
/// whether it came.
#[derive(Debug, Clone, Serialize)]
pub struct EventCompany {
    pub organisation: OrgName,
    pub invited: bool,
    pub registration: Option<RegistrationView>,
}

/// Every company invited to or registered for the event, by name.
pub async fn companies(app: &App, actor: &Actor, event_id: i64) -> Result<Vec<EventCompany>> {
    let regs = registrations(app, actor, event_id).await?;
    let invited = invited_organisations(app, event_id).await?;
    let names = org_names(app, invited.iter().copied()).await?;
    let mut out: Vec<EventCompany> = Vec::new();
    for r in regs.into_iter().rev() {
        // The latest registration of a company speaks for it.
        if out.iter().any(|c| c.organisation.id == r.organisation.id) {
            continue;
        }
        out.push(EventCompany {
            organisation: r.organisation.clone(),
            invited: invited.contains(&r.organisation.id),
            registration: Some(r),
        });
    }
    for o in invited {
        if !out.iter().any(|c| c.organisation.id == o) {
            out.push(EventCompany {
                organisation: names.get(&o).cloned().unwrap_or_else(|| unknown_org(o)),
                invited: true,
                registration: None,
            });
        }
    }
    out.sort_by_key(|a| a.organisation.name.to_lowercase());
    Ok(out)
}

/// An event a company took part in, as its organisation page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct OrganisationEvent {
    pub event_id: i64,
    pub title: String,
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub status: String,
    pub attendance: Option<String>,
    pub cancelled: bool,
}

/// The events an organisation registered for, latest first.
pub async fn of_organisation(app: &App, actor: &Actor, organisation_id: i64) -> Result<Vec<OrganisationEvent>> {
    require(can_view(actor))?;
    let rows = q::events_of_organisation(&app.db.conn, &actor.scope(), organisation_id).await?;
    Ok(rows
        .into_iter()
        .map(|(e, r)| OrganisationEvent {
            event_id: e.id,
            title: e.title,
            kind: e.kind,
            starts_at: e.starts_at,
            status: r.status,
            attendance: r.attendance,
            cancelled: e.cancelled_at.is_some(),
        })
        .collect())
}

// ---- invitation links ----

const LINK_PURPOSE: &str = "event_invitation";

pub(crate) async fn link_key(app: &App) -> Result<Vec<u8>> {
    crate::links::key(app, LINK_PURPOSE).await
}

/// A contact's registration link for an event, signed with `key` (from [`link_key`]); it
/// expires when the event begins. The one link both the event page and mailings give out.
pub(crate) fn registration_url(app: &App, key: &[u8], ev: &event::Model, contact_id: i64) -> String {
    let t = token(key, ev.id, contact_id, ev.starts_at.timestamp());
    format!("{}/events/register/{t}", app.config.public_url.trim_end_matches('/'))
}

/// Why nobody may be invited to the event now (the message's key), if so: it was cancelled,
/// or it has begun.
pub(crate) fn not_invitable(ev: &event::Model, now: DateTime<Utc>) -> Option<&'static str> {
    if ev.cancelled_at.is_some() {
        Some("events.cancelled")
    } else if ev.starts_at <= now {
        Some("events.started")
    } else {
        None
    }
}

fn signature(key: &[u8], event_id: i64, contact_id: i64, expires: i64) -> Hmac<Sha256> {
    crate::links::mac(key, &format!("event-invitation:{event_id}:{contact_id}:{expires}"))
}

/// The token of a contact's invitation: the event, the contact, when it expires (the
/// event's start) and a signature over the three.
fn token(key: &[u8], event_id: i64, contact_id: i64, expires: i64) -> String {
    let sig = signature(key, event_id, contact_id, expires).finalize().into_bytes();
    format!("{event_id}.{contact_id}.{expires}.{}", hex::encode(&sig[..16]))
}

/// Why an invitation link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// Not a link this service made, or changed since.
    Invalid,
    /// The event has begun (or the link's time is up).
    Expired,
    /// The event was cancelled.
    Cancelled,
}

/// A checked token: the event and the contact it is for.
async fn check_token(app: &App, token: &str) -> Result<std::result::Result<(event::Model, i64), LinkProblem>> {
    let parts: Vec<&str> = token.split('.').collect();
    let [e, c, x, sig] = parts.as_slice() else { return Ok(Err(LinkProblem::Invalid)) };
    let (Ok(event_id), Ok(contact_id), Ok(expires), Ok(sig)) =
        (e.parse::<i64>(), c.parse::<i64>(), x.parse::<i64>(), hex::decode(sig))
    else {
        return Ok(Err(LinkProblem::Invalid));
    };
    let key = link_key(app).await?;
    if sig.len() != 16 || signature(&key, event_id, contact_id, expires).verify_truncated_left(&sig).is_err() {
        return Ok(Err(LinkProblem::Invalid));
    }
    let Some(ev) = q::get_event_unscoped(&app.db.conn, event_id).await? else { return Ok(Err(LinkProblem::Invalid)) };
    let now = Utc::now();
    if now.timestamp() >= expires || now >= ev.starts_at {
        return Ok(Err(LinkProblem::Expired));
    }
    if ev.cancelled_at.is_some() {
        return Ok(Err(LinkProblem::Cancelled));
    }
    Ok(Ok((ev, contact_id)))
}

/// The link a contact follows to register for an event (or cancel, or see where it stands)
/// without signing in; it expires when the event begins. Issuing it is recorded, so the event
/// counts the company as invited. For staff on the event page and for mailings.
pub async fn invitation_link(app: &App, actor: &Actor, event_id: i64, contact_id: i64) -> Result<String> {
    require_manage(actor)?;
    let ev = event_row(app, actor, event_id).await?;
    let contact = accord_db::directory::get_contact(&app.db.conn, &actor.scope(), contact_id)
        .await?
        .filter(|c| c.district_id == ev.district_id)
        .ok_or_else(|| AppError::field("contact_id", "events.contact_unknown", Some(&contact_id.to_string())))?;
    let now = Utc::now();
    if let Some(why) = not_invitable(&ev, now) {
        return Err(AppError::field("event", why, None));
    }
    let url = registration_url(app, &link_key(app).await?, &ev, contact.id);
    let txn = app.db.write().await?;
    q::record_invitation(&txn, ev.id, contact.organisation_id, contact.id, actor.user_id, now).await?;
    let mut entry = actor.audit("invite", "event", Some(ev.id.to_string()));
    entry.district_id = Some(ev.district_id);
    entry.summary = Some(format!("invitation link for contact {}", contact.id));
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(url)
}

/// What the holder of an invitation link sees.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub event: EmployerEventView,
    pub organisation: OrgName,
    pub contact_name: String,
    /// The company's registration, if it has one that is not cancelled.
    pub registration: Option<RegistrationView>,
}

async fn invitation_of(app: &App, ev: event::Model, contact_id: i64) -> Result<Invitation> {
    use accord_db::entities::contact;
    let c = &app.db.conn;
    let contact = contact::Entity::find_by_id(contact_id).one(c).await?.ok_or(AppError::NotFound)?;
    let reg = q::active_registration(c, ev.id, contact.organisation_id).await?;
    let registration = match reg {
        Some(r) => Some(registration_views(app, c, vec![r]).await?.remove(0)),
        None => None,
    };
    let orgs = org_names(app, [contact.organisation_id]).await?;
    Ok(Invitation {
        organisation: orgs
            .get(&contact.organisation_id)
            .cloned()
            .unwrap_or_else(|| unknown_org(contact.organisation_id)),
        event: event_views(app, vec![ev]).await?.remove(0),
        contact_name: contact.name,
        registration,
    })
}

/// The event and the company's registration behind a link, or why the link cannot be used.
pub async fn open_invitation(app: &App, token: &str) -> Result<std::result::Result<Invitation, LinkProblem>> {
    match check_token(app, token).await? {
        Ok((ev, contact)) => Ok(Ok(invitation_of(app, ev, contact).await?)),
        Err(p) => Ok(Err(p)),
    }
}

/// The company registers itself through its link: a seat while there is one, else the
/// waiting list.
pub async fn self_register(
    app: &App,
    token: &str,
    ip: Option<String>,
) -> Result<std::result::Result<Invitation, LinkProblem>> {
    use accord_db::entities::contact;
    let (ev, contact_id) = match check_token(app, token).await? {
        Ok(x) => x,
        Err(p) => return Ok(Err(p)),
    };
    let contact = contact::Entity::find_by_id(contact_id).one(&app.db.conn).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let ev = q::lock_event_unscoped(&txn, ev.id).await?.ok_or(AppError::NotFound)?;
    if q::active_registration(&txn, ev.id, contact.organisation_id).await?.is_none() {
        let who = Registrant {
            label: format!("contact {} (invitation link)", contact.id),
            user_id: None,
            source: "self",
            ip,
        };
        register_in(&txn, &ev, contact.organisation_id, Some(contact.id), None, &who, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(invitation_of(app, ev, contact_id).await?))
}

/// The company cancels its registration through its link; a waiting company moves up.
pub async fn self_cancel(
    app: &App,
    token: &str,
    ip: Option<String>,
) -> Result<std::result::Result<Invitation, LinkProblem>> {
    use accord_db::entities::contact;
    let (ev, contact_id) = match check_token(app, token).await? {
        Ok(x) => x,
        Err(p) => return Ok(Err(p)),
    };
    let contact = contact::Entity::find_by_id(contact_id).one(&app.db.conn).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let ev = q::lock_event_unscoped(&txn, ev.id).await?.ok_or(AppError::NotFound)?;
    if let Some(r) = q::active_registration(&txn, ev.id, contact.organisation_id).await? {
        let am = event_registration::ActiveModel {
            status: Set(RegistrationStatus::Cancelled.as_str().to_owned()),
            cancelled_at: Set(Some(now)),
            ..Default::default()
        };
        q::update_registration(&txn, r.id, r.version, am).await?;
        let label = format!("contact {} (invitation link)", contact.id);
        let entry = accord_db::audit::Entry {
            actor: label.clone(),
            action: "cancel".into(),
            entity: "event_registration".into(),
            entity_id: Some(r.id.to_string()),
            district_id: Some(ev.district_id),
            before: Some(registration_audit(&r)),
            ip,
            ..Default::default()
        };
        accord_db::audit::append(&txn, entry, now).await?;
        fill_seats(&txn, &ev, &label, None, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(invitation_of(app, ev, contact_id).await?))
}

// ---- iCalendar ----

/// Text escaped for an iCalendar value (RFC 5545, 3.3.11).
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets, never inside a character (RFC 5545, 3.1).
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += n;
    }
    out.push_str("\r\n");
    out
}

fn ics_time(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The event as an iCalendar file (RFC 5545): one VEVENT whose UID is the event's, whoever
/// downloads it, so that calendars update rather than duplicate it; `attendee` names the
/// company's registration when the file is for one.
pub fn ics(app: &App, ev: &EmployerEventView, attendee: Option<&RegistrationView>) -> String {
    let host = app
        .config
        .public_url
        .split("://")
        .nth(1)
        .unwrap_or("accord")
        .split(['/', ':'])
        .next()
        .unwrap_or("accord")
        .to_owned();
    let mut description = String::new();
    if let Some(t) = &ev.theme {
        description.push_str(t);
        description.push_str("\n\n");
    }
    if let Some(a) = &ev.agenda {
        description.push_str(a);
    }
    if let Some(r) = attendee {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&format!("{} – {}", r.organisation.name, r.attendee));
    }
    let location = match (&ev.place, &ev.online_url) {
        (Some(p), Some(u)) => format!("{p} ({u})"),
        (Some(p), None) => p.clone(),
        (None, Some(u)) => u.clone(),
        (None, None) => String::new(),
    };
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Accord//Events//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:event-{}@{}", ev.id, ics_text(&host)),
        format!("DTSTAMP:{}", ics_time(Utc::now())),
        format!("DTSTART:{}", ics_time(ev.starts_at)),
        format!("DTEND:{}", ics_time(ev.ends_at)),
        format!("SEQUENCE:{}", ev.version.max(1) - 1),
        format!("SUMMARY:{}", ics_text(&ev.title)),
    ];
    if !description.is_empty() {
        lines.push(format!("DESCRIPTION:{}", ics_text(description.trim_end())));
    }
    if !location.is_empty() {
        lines.push(format!("LOCATION:{}", ics_text(&location)));
    }
    if let Some(u) = &ev.online_url {
        lines.push(format!("URL:{}", u.replace(['\r', '\n'], "")));
    }
    let cancelled = ev.cancelled_at.is_some() || attendee.is_some_and(|r| r.status == "cancelled");
    lines.push(format!("STATUS:{}", if cancelled { "CANCELLED" } else { "CONFIRMED" }));
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_lines_within_75_octets_and_whole_characters() {
        let long = format!("DESCRIPTION:{}", "æøå ".repeat(60));
        let folded = fold(&long);
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(ics_text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }

    #[test]
    fn tokens_check_their_signature() {
        let key = [7u8; 32];
        let t = token(&key, 5, 9, 1_900_000_000);
        let sig = hex::decode(t.rsplit('.').next().unwrap()).unwrap();
        assert!(signature(&key, 5, 9, 1_900_000_000).verify_truncated_left(&sig).is_ok());
        assert!(signature(&key, 5, 10, 1_900_000_000).verify_truncated_left(&sig).is_err());
        assert!(signature(&[8u8; 32], 5, 9, 1_900_000_000).verify_truncated_left(&sig).is_err());
    }

    #[test]
    fn moments_parse_as_utc_or_with_their_offset() {
        let cph = chrono_tz::Europe::Copenhagen;
        // Summer time, winter time, and an offset given.
        assert_eq!(parse_moment("2026-05-04T09:30", cph).unwrap().to_rfc3339(), "2026-05-04T07:30:00+00:00");
        assert_eq!(parse_moment("2026-12-04 09:30", cph).unwrap().to_rfc3339(), "2026-12-04T08:30:00+00:00");
        assert_eq!(parse_moment("2026-05-04T09:30", chrono_tz::UTC).unwrap().to_rfc3339(), "2026-05-04T09:30:00+00:00");
        assert_eq!(
            parse_moment("2026-05-04T09:30:00+02:00", chrono_tz::UTC).unwrap().to_rfc3339(),
            "2026-05-04T07:30:00+00:00"
        );
        // 02:30 on the last Sunday of March does not happen in Copenhagen.
        assert_eq!(parse_moment("2026-03-29T02:30", cph), Err("events.moment_skipped"));
        assert_eq!(parse_moment("2026-10-25T02:30", cph).unwrap().to_rfc3339(), "2026-10-25T00:30:00+00:00");
        assert!(parse_moment("4 May", cph).is_err());
        let t = parse_moment("2026-05-04T09:30", cph).unwrap();
        assert_eq!(local_moment(t, cph), "2026-05-04T09:30");
    }
}
