//! Redundancy events (seeds 000 and 001): an employer announces job losses at some of its
//! sites; suppliers lose jobs too; unions, the careers service, training providers and funders
//! join the response; a team of advisers takes the workers on. Job shops are held on the
//! employer's premises and elsewhere. The outcomes report counts what became of the workers,
//! and never shows a figure behind fewer than five people.
//!
//! Every member of staff of the district reads events and their figures; managers, the
//! secretariat, advisers and administrators keep them. The cases are in [`crate::cases`].

use crate::directory as dir;
use crate::partnerships::{
    OrgName, audit_save, conflict, date, differing, lenient, org_names, patch_over, put_versioned, required,
    resolve_orgs, text, val,
};
use crate::{Actor, App, AppError, Result};
use accord_db::entities::{event_organisation, event_team, redundancy_event, support_service};
use accord_db::redundancy as q;
use accord_db::sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use accord_domain::redundancy::suppressed;
use accord_domain::{Element, EventRole, FieldErrors, Lang, Role, sector};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

// ---- who may do what ----

/// Every member of staff reads events and their (suppressed) figures.
pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor)
}

/// Managers, the secretariat, advisers and administrators keep events and job shops.
pub fn can_manage(actor: &Actor) -> bool {
    !actor.is_read_only()
        && actor.roles.iter().any(|r| matches!(r, Role::Admin | Role::Manager | Role::Secretariat | Role::Adviser))
}

/// The secretariat (and administrators) keep the catalogue of services.
pub fn can_edit_catalogue(actor: &Actor) -> bool {
    !actor.is_read_only() && (actor.has(Role::Secretariat) || actor.is_admin())
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

// ---- figures ----

/// A figure in a report: a number, or `"<5"` when 1 to 4 people are behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell(pub Option<i64>);

impl Cell {
    pub fn of(n: i64) -> Cell {
        Cell(suppressed(n))
    }

    pub fn text(&self, lang: Lang) -> String {
        match self.0 {
            Some(n) => accord_domain::format::number(lang, n),
            None => "<5".into(),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Some(n) => s.serialize_i64(n),
            None => s.serialize_str("<5"),
        }
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Cell, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => Cell(n.as_i64()),
            _ => Cell(None),
        })
    }
}

impl utoipa::PartialSchema for Cell {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Integer).description(Some("How many people")))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["<5"]))
                    .description(Some("Between 1 and 4 people: not shown, so that no one can be picked out")),
            )
            .into()
    }
}

impl utoipa::ToSchema for Cell {}

/// The response at a glance: how many workers reached each stage.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Response {
    pub registered: Cell,
    pub assessed: Cell,
    /// With a career action plan (one activity or more).
    pub with_plan: Cell,
    pub training_started: Cell,
    pub training_completed: Cell,
    /// Started a job.
    pub reemployed: Cell,
    /// Still in work 13 weeks after the job start.
    pub sustained: Cell,
}

impl Response {
    pub const STAGES: [&'static str; 7] =
        ["registered", "assessed", "with_plan", "training_started", "training_completed", "reemployed", "sustained"];

    fn of<'a>(flags: impl Iterator<Item = &'a accord_db::redundancy::CaseFlags>) -> Response {
        let mut n = [0i64; 7];
        for f in flags {
            for (i, b) in
                [true, f.assessed, f.planned, f.training_started, f.training_completed, f.reemployed, f.sustained]
                    .into_iter()
                    .enumerate()
            {
                n[i] += b as i64;
            }
        }
        Response {
            registered: Cell::of(n[0]),
            assessed: Cell::of(n[1]),
            with_plan: Cell::of(n[2]),
            training_started: Cell::of(n[3]),
            training_completed: Cell::of(n[4]),
            reemployed: Cell::of(n[5]),
            sustained: Cell::of(n[6]),
        }
    }

    /// The cells in the order of [`Self::STAGES`].
    pub fn cells(&self) -> [Cell; 7] {
        [
            self.registered,
            self.assessed,
            self.with_plan,
            self.training_started,
            self.training_completed,
            self.reemployed,
            self.sustained,
        ]
    }
}

// ---- events ----

/// An event as another record names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct EventRef {
    pub id: i64,
    pub title: String,
}

/// An organisation's part in an event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventOrg {
    pub organisation: OrgName,
    /// `site`, `supplier`, `union`, `careers`, `training`, `funder` or `other`.
    #[schema(schema_with = crate::schema::code::<accord_domain::redundancy::EventRole>)]
    pub role: String,
    /// For a supplier: the jobs it is estimated to lose.
    pub estimated_losses: Option<i32>,
}

/// A member of staff as an event or case names them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct StaffRef {
    pub id: i64,
    pub name: String,
}

/// A redundancy event with the organisations involved, the response team and the response so
/// far.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    pub district: String,
    pub title: String,
    pub employer: OrgName,
    pub announced_on: NaiveDate,
    /// Jobs lost directly at the employer.
    pub jobs_lost: i32,
    /// Jobs estimated lost at suppliers and others.
    pub indirect_losses: Option<i32>,
    /// The NACE section letter.
    pub sector: Option<String>,
    /// Money available for retraining, in whole units of the district's currency.
    pub funding_available: Option<i64>,
    pub funding_notes: Option<String>,
    pub description: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub organisations: Vec<EventOrg>,
    pub team: Vec<StaffRef>,
    pub response: Response,
    pub version: i32,
}

impl EventView {
    pub fn with_role<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a EventOrg> + 'a {
        self.organisations.iter().filter(move |o| o.role == role)
    }

    pub fn input(&self) -> EventInput {
        let refs = |role: &str| {
            Some(
                self.with_role(role)
                    .map(|o| match o.estimated_losses {
                        Some(n) => format!("{}: {n}", o.organisation.reference),
                        None => o.organisation.reference.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        };
        let opt = |v: Option<String>| Some(v.unwrap_or_default());
        EventInput {
            district: Some(self.district.clone()),
            title: Some(self.title.clone()),
            employer: Some(self.employer.reference.clone()),
            announced_on: Some(self.announced_on.to_string()),
            jobs_lost: Some(self.jobs_lost.to_string()),
            indirect_losses: opt(self.indirect_losses.map(|n| n.to_string())),
            sector: opt(self.sector.clone()),
            funding_available: opt(self.funding_available.map(|n| n.to_string())),
            funding_notes: opt(self.funding_notes.clone()),
            description: opt(self.description.clone()),
            closed_on: opt(self.closed_on.map(|d| d.to_string())),
            sites: refs("site"),
            suppliers: refs("supplier"),
            unions: refs("union"),
            careers: refs("careers"),
            training: refs("training"),
            funders: refs("funder"),
            others: refs("other"),
            team: Some(self.team.iter().map(|t| t.id.to_string()).collect()),
            version: Some(self.version),
        }
    }
}

/// An event as typed in a form or sent to the API. Organisations are named by reference (or
/// CVR, P-number, Companies House number), one per line; a supplier's line may end with its
/// estimated job losses (`UK-S01: 300`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct EventInput {
    /// A district code; may be left out when the caller has exactly one.
    pub district: Option<String>,
    pub title: Option<String>,
    /// The employer's reference.
    pub employer: Option<String>,
    pub announced_on: Option<String>,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub jobs_lost: Option<String>,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub indirect_losses: Option<String>,
    /// A NACE section letter.
    #[schema(schema_with = crate::schema::section_or_empty)]
    pub sector: Option<String>,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub funding_available: Option<String>,
    pub funding_notes: Option<String>,
    pub description: Option<String>,
    pub closed_on: Option<String>,
    /// The affected sites.
    pub sites: Option<String>,
    pub suppliers: Option<String>,
    pub unions: Option<String>,
    /// The careers service.
    pub careers: Option<String>,
    /// Training providers.
    pub training: Option<String>,
    pub funders: Option<String>,
    pub others: Option<String>,
    /// The user ids of the response team, as numbers or strings.
    #[serde(deserialize_with = "lenient_list")]
    #[schema(value_type = Option<Vec<String>>)]
    pub team: Option<Vec<String>>,
    /// The version read; required to change an event.
    pub version: Option<i32>,
}

patch_over!(EventInput {
    district,
    title,
    employer,
    announced_on,
    jobs_lost,
    indirect_losses,
    sector,
    funding_available,
    funding_notes,
    description,
    closed_on,
    sites,
    suppliers,
    unions,
    careers,
    training,
    funders,
    others,
    team
});

/// A list of ids given as strings or as numbers (a form's single ticked box: one string).
pub(crate) fn lenient_list<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Vec<String>>, D::Error> {
    let text = |v: serde_json::Value| match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::Array(items) => Some(items.into_iter().map(text).collect()),
        other => Some(vec![text(other)]),
    })
}

/// A whole number from 0 to `max`.
pub(crate) fn count(e: &mut FieldErrors, field: &str, v: &Option<String>, max: i64) -> Option<i64> {
    let s = val(v).replace([' ', ',', '.', '\u{a0}'], "");
    if s.is_empty() {
        return None;
    }
    match s.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Some(n),
        _ => {
            e.add(field, "number.whole", Some(val(v)));
            None
        }
    }
}

pub(crate) fn sector_letter(e: &mut FieldErrors, field: &str, v: &Option<String>) -> Option<String> {
    let s = val(v).to_uppercase();
    if s.is_empty() {
        return None;
    }
    if sector::SECTIONS.iter().any(|(c, _, _)| c.to_string() == s) {
        Some(s)
    } else {
        e.add(field, "body.section_unknown", Some(val(v)));
        None
    }
}

/// The advisers and managers of a district who may join its response teams.
pub async fn team_candidates(app: &App, district_id: i64) -> Result<Vec<StaffRef>> {
    let users = accord_db::users::all_enabled(&app.db.conn).await?;
    Ok(users
        .into_iter()
        .filter(|u| u.districts.iter().any(|d| d.id == district_id))
        .filter(|u| u.roles.iter().any(|r| r == "adviser" || r == "manager"))
        .map(|u| StaffRef { id: u.user.id, name: u.user.name })
        .collect())
}

async fn staff_names(app: &App, ids: &[i64]) -> Result<BTreeMap<i64, String>> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    use accord_db::entities::user;
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

pub(crate) async fn staff_ref(app: &App, id: i64) -> Result<StaffRef> {
    let names = staff_names(app, &[id]).await?;
    Ok(StaffRef { id, name: names.get(&id).cloned().unwrap_or_default() })
}

async fn event_views(app: &App, rows: Vec<redundancy_event::Model>) -> Result<Vec<EventView>> {
    let c = &app.db.conn;
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let flags = q::case_flags(c, &ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let orgs = q::event_organisations(c, r.id).await?;
        let names = org_names(app, orgs.iter().map(|o| o.organisation_id).chain([r.employer_id])).await?;
        let name =
            |id: i64| names.get(&id).cloned().unwrap_or(OrgName { id, reference: String::new(), name: String::new() });
        let team_ids = q::team(c, r.id).await?;
        let team_names = staff_names(app, &team_ids).await?;
        out.push(EventView {
            id: r.id,
            district: districts.iter().find(|d| d.id == r.district_id).map(|d| d.code.clone()).unwrap_or_default(),
            employer: name(r.employer_id),
            organisations: orgs
                .iter()
                .map(|o| EventOrg {
                    organisation: name(o.organisation_id),
                    role: o.role.clone(),
                    estimated_losses: o.estimated_losses,
                })
                .collect(),
            team: team_ids
                .iter()
                .map(|id| StaffRef { id: *id, name: team_names.get(id).cloned().unwrap_or_default() })
                .collect(),
            response: Response::of(flags.iter().filter(|f| f.event_id == r.id)),
            title: r.title,
            announced_on: r.announced_on,
            jobs_lost: r.jobs_lost,
            indirect_losses: r.indirect_losses,
            sector: r.sector,
            funding_available: r.funding_available,
            funding_notes: r.funding_notes,
            description: r.description,
            closed_on: r.closed_on,
            version: r.version,
        });
    }
    Ok(out)
}

/// A line of the events list: the event and its response, without the organisations.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventRow {
    pub id: i64,
    pub district: String,
    pub title: String,
    pub employer: OrgName,
    pub announced_on: NaiveDate,
    pub jobs_lost: i32,
    pub closed_on: Option<NaiveDate>,
    pub response: Response,
}

/// The events the actor may read (in one district when a code is given), newest first.
pub async fn list(app: &App, actor: &Actor, district: Option<&str>) -> Result<Vec<EventRow>> {
    require(can_view(actor))?;
    let c = &app.db.conn;
    let d = match dir::opt(district.unwrap_or("")) {
        Some(code) => Some(dir::pick_district(app, actor, Some(code)).await?.id),
        None => None,
    };
    let rows = q::events(c, &actor.scope(), d).await?;
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let flags = q::case_flags(c, &ids).await?;
    let names = org_names(app, rows.iter().map(|r| r.employer_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| EventRow {
            id: r.id,
            district: districts.iter().find(|d| d.id == r.district_id).map(|d| d.code.clone()).unwrap_or_default(),
            employer: names.get(&r.employer_id).cloned().unwrap_or(OrgName {
                id: r.employer_id,
                reference: String::new(),
                name: String::new(),
            }),
            response: Response::of(flags.iter().filter(|f| f.event_id == r.id)),
            title: r.title,
            announced_on: r.announced_on,
            jobs_lost: r.jobs_lost,
            closed_on: r.closed_on,
        })
        .collect())
}

pub(crate) async fn event_row(app: &App, actor: &Actor, id: i64) -> Result<redundancy_event::Model> {
    q::get_event(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)
}

/// The currency of the event's district, without building the whole event: for pages that
/// show its money beside something else (a case's retraining costs).
pub async fn event_currency(app: &App, actor: &Actor, id: i64) -> Result<String> {
    require(can_view(actor))?;
    let r = event_row(app, actor, id).await?;
    crate::districts::currency(app, r.district_id).await
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<EventView> {
    require(can_view(actor))?;
    let r = event_row(app, actor, id).await?;
    Ok(event_views(app, vec![r]).await?.remove(0))
}

fn event_audit(r: &redundancy_event::Model, orgs: &[(i64, EventRole, Option<i32>)], team: &[i64]) -> serde_json::Value {
    serde_json::json!({
        "title": r.title, "employer_id": r.employer_id, "announced_on": r.announced_on, "jobs_lost": r.jobs_lost,
        "indirect_losses": r.indirect_losses, "sector": r.sector, "funding_available": r.funding_available,
        "funding_notes": r.funding_notes, "description": r.description, "closed_on": r.closed_on,
        "organisations": orgs.iter().map(|(o, role, n)| serde_json::json!([o, role.as_str(), n])).collect::<Vec<_>>(),
        "team": team,
    })
}

/// Creates an event (`id` none) or changes one at the version the caller read.
pub async fn save(app: &App, actor: &Actor, id: Option<i64>, input: &EventInput) -> Result<EventView> {
    require(can_manage(actor))?;
    let existing = match id {
        Some(id) => Some(event_row(app, actor, id).await?),
        None => None,
    };
    let district_id = match &existing {
        Some(r) => r.district_id,
        None => dir::pick_district(app, actor, input.district.as_deref()).await?.id,
    };
    let mut e = FieldErrors::new();
    let title = required(&mut e, "title", &input.title, 200, false);
    let employer = match val(&input.employer) {
        "" => {
            e.add("employer", "field.required", None);
            None
        }
        r => resolve_orgs(app, &mut e, "employer", district_id, &[r.to_owned()]).await?.first().copied(),
    };
    let announced_on = date(&mut e, "announced_on", &input.announced_on);
    if announced_on.is_none() && val(&input.announced_on).is_empty() {
        e.add("announced_on", "field.required", None);
    }
    let jobs_lost = count(&mut e, "jobs_lost", &input.jobs_lost, 10_000_000);
    if jobs_lost.is_none() && val(&input.jobs_lost).is_empty() {
        e.add("jobs_lost", "field.required", None);
    }
    let indirect = count(&mut e, "indirect_losses", &input.indirect_losses, 10_000_000);
    let sector = sector_letter(&mut e, "sector", &input.sector);
    let funding = count(&mut e, "funding_available", &input.funding_available, 1_000_000_000_000);
    let funding_notes = text(&mut e, "funding_notes", &input.funding_notes, 4000, true);
    let description = text(&mut e, "description", &input.description, 8000, true);
    let closed_on = date(&mut e, "closed_on", &input.closed_on);
    if let (Some(a), Some(c)) = (announced_on, closed_on)
        && c < a
    {
        e.add("closed_on", "event.closes_before_announced", None);
    }
    let mut orgs: Vec<(i64, EventRole, Option<i32>)> = Vec::new();
    for (field, role, v) in [
        ("sites", EventRole::Site, &input.sites),
        ("suppliers", EventRole::Supplier, &input.suppliers),
        ("unions", EventRole::Union, &input.unions),
        ("careers", EventRole::Careers, &input.careers),
        ("training", EventRole::Training, &input.training),
        ("funders", EventRole::Funder, &input.funders),
        ("others", EventRole::Other, &input.others),
    ] {
        for line in v.as_deref().unwrap_or("").lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (r, losses) = match line.rsplit_once(':') {
                Some((r, n)) if role == EventRole::Supplier => {
                    (r.trim(), count(&mut e, field, &Some(n.trim().to_owned()), 10_000_000).map(|n| n as i32))
                }
                _ => (line, None),
            };
            if let Some(o) = resolve_orgs(app, &mut e, field, district_id, &[r.to_owned()]).await?.first()
                && !orgs.iter().any(|(x, rr, _)| x == o && *rr == role)
            {
                orgs.push((*o, role, losses));
            }
        }
    }
    let candidates = team_candidates(app, district_id).await?;
    let mut team = Vec::new();
    for t in input.team.iter().flatten().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        match t.parse::<i64>().ok().filter(|id| candidates.iter().any(|c| c.id == *id)) {
            Some(id) if !team.contains(&id) => team.push(id),
            Some(_) => {}
            None => e.add("team", "event.team_unknown", Some(t)),
        }
    }
    e.into_result()?;
    let now = Utc::now();
    let am = redundancy_event::ActiveModel {
        district_id: Set(district_id),
        employer_id: Set(employer.unwrap_or_default()),
        title: Set(title.unwrap_or_default()),
        announced_on: Set(announced_on.unwrap_or_default()),
        jobs_lost: Set(jobs_lost.unwrap_or_default() as i32),
        indirect_losses: Set(indirect.map(|n| n as i32)),
        sector: Set(sector),
        funding_available: Set(funding),
        funding_notes: Set(funding_notes),
        description: Set(description),
        closed_on: Set(closed_on),
        updated_at: Set(now),
        ..Default::default()
    };
    let before = match &existing {
        Some(r) => {
            let o = q::event_organisations(&app.db.conn, r.id).await?;
            let o: Vec<_> = o
                .iter()
                .map(|o| (o.organisation_id, EventRole::parse(&o.role).unwrap_or(EventRole::Other), o.estimated_losses))
                .collect();
            Some(event_audit(r, &o, &q::team(&app.db.conn, r.id).await?))
        }
        None => None,
    };
    let txn = app.db.write().await?;
    let Some(row) = put_versioned!(
        &txn,
        existing.as_ref().map(|r| r.id),
        input.version,
        am,
        now,
        redundancy_event,
        q::update_event
    ) else {
        drop(txn);
        let current = get(app, actor, existing.as_ref().map(|r| r.id).expect("only a change can be stale")).await?;
        return Err(conflict(&current, &event_changes(&current.input(), input)));
    };
    event_organisation::Entity::delete_many().filter(event_organisation::Column::EventId.eq(row.id)).exec(&txn).await?;
    for (o, role, losses) in &orgs {
        event_organisation::ActiveModel {
            event_id: Set(row.id),
            organisation_id: Set(*o),
            role: Set(role.as_str().to_owned()),
            estimated_losses: Set(*losses),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    event_team::Entity::delete_many().filter(event_team::Column::EventId.eq(row.id)).exec(&txn).await?;
    for u in &team {
        event_team::ActiveModel { event_id: Set(row.id), user_id: Set(*u), ..Default::default() }.insert(&txn).await?;
    }
    audit_save(
        &txn,
        actor,
        "redundancy_event",
        row.id,
        Some(district_id),
        before,
        event_audit(&row, &orgs, &team),
        now,
    )
    .await?;
    txn.commit().await?;
    get(app, actor, row.id).await
}

fn event_changes(t: &EventInput, m: &EventInput) -> Vec<String> {
    let team = |i: &EventInput| i.team.as_ref().map(|v| v.join(","));
    differing(&[
        ("title", &t.title, &m.title),
        ("employer", &t.employer, &m.employer),
        ("announced_on", &t.announced_on, &m.announced_on),
        ("jobs_lost", &t.jobs_lost, &m.jobs_lost),
        ("indirect_losses", &t.indirect_losses, &m.indirect_losses),
        ("sector", &t.sector, &m.sector),
        ("funding_available", &t.funding_available, &m.funding_available),
        ("funding_notes", &t.funding_notes, &m.funding_notes),
        ("description", &t.description, &m.description),
        ("closed_on", &t.closed_on, &m.closed_on),
        ("sites", &t.sites, &m.sites),
        ("suppliers", &t.suppliers, &m.suppliers),
        ("unions", &t.unions, &m.unions),
        ("careers", &t.careers, &m.careers),
        ("training", &t.training, &m.training),
        ("funders", &t.funders, &m.funders),
        ("others", &t.others, &m.others),
        ("team", &team(t), &team(m)),
    ])
}

// ---- job shops ----

pub use crate::job_shops::{JobShopInput, JobShopView};

/// A checkbox or a JSON boolean: `true`, `on`, `yes`, `1`.
pub(crate) fn flag(v: &Option<String>) -> bool {
    matches!(val(v).to_lowercase().as_str(), "true" | "on" | "yes" | "1")
}

/// The job shops held for an event (some may serve a recruitment exercise as well).
pub async fn job_shops(app: &App, actor: &Actor, event_id: i64) -> Result<Vec<JobShopView>> {
    require(can_view(actor))?;
    crate::job_shops::of_event(app, actor, event_id).await
}

pub async fn get_job_shop(app: &App, actor: &Actor, id: i64) -> Result<JobShopView> {
    require(can_view(actor))?;
    crate::job_shops::get(app, actor, id).await
}

/// Records a job shop of an event (`id` none), or changes one at the version read.
pub async fn save_job_shop(
    app: &App,
    actor: &Actor,
    event_id: Option<i64>,
    id: Option<i64>,
    input: &JobShopInput,
) -> Result<JobShopView> {
    require(can_manage(actor))?;
    crate::job_shops::save(app, actor, event_id.map(crate::job_shops::Owner::Event), id, input).await
}

// ---- the catalogue ----

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceView {
    pub id: i64,
    /// `assessment`, `guidance`, `plan`, `training`, `advice` or `job_search`.
    #[schema(schema_with = crate::schema::code::<accord_domain::redundancy::Element>)]
    pub element: String,
    pub name_en: String,
    pub name_da: String,
    /// Only active services are offered for new plans.
    pub active: bool,
    pub position: i32,
    pub version: i32,
}

impl ServiceView {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Da => &self.name_da,
            _ => &self.name_en,
        }
    }

    pub fn input(&self) -> ServiceInput {
        ServiceInput {
            element: Some(self.element.clone()),
            name_en: Some(self.name_en.clone()),
            name_da: Some(self.name_da.clone()),
            active: Some(self.active.to_string()),
            version: Some(self.version),
        }
    }
}

impl From<support_service::Model> for ServiceView {
    fn from(s: support_service::Model) -> Self {
        ServiceView {
            id: s.id,
            element: s.element,
            name_en: s.name_en,
            name_da: s.name_da,
            active: s.active,
            position: s.position,
            version: s.version,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ServiceInput {
    #[schema(schema_with = crate::schema::code_or_null::<accord_domain::redundancy::Element>)]
    pub element: Option<String>,
    #[schema(min_length = 1)]
    pub name_en: Option<String>,
    #[schema(min_length = 1)]
    pub name_da: Option<String>,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub active: Option<String>,
    pub version: Option<i32>,
}

patch_over!(ServiceInput { element, name_en, name_da, active });

/// The catalogue, in its order; anyone who may read events may read it.
pub async fn services(app: &App, actor: &Actor) -> Result<Vec<ServiceView>> {
    require(can_view(actor))?;
    Ok(q::services(&app.db.conn).await?.into_iter().map(ServiceView::from).collect())
}

pub async fn get_service(app: &App, actor: &Actor, id: i64) -> Result<ServiceView> {
    require(can_view(actor))?;
    Ok(support_service::Entity::find_by_id(id).one(&app.db.conn).await?.ok_or(AppError::NotFound)?.into())
}

/// Adds a service to the catalogue (`id` none) or changes one at the version read.
pub async fn save_service(app: &App, actor: &Actor, id: Option<i64>, input: &ServiceInput) -> Result<ServiceView> {
    require(can_edit_catalogue(actor))?;
    let existing = match id {
        Some(id) => Some(get_service(app, actor, id).await?),
        None => None,
    };
    let mut e = FieldErrors::new();
    let element = match val(&input.element) {
        "" => {
            e.add("element", "field.required", None);
            None
        }
        s => e.take("element", s, Element::parse(s)),
    };
    let name_en = required(&mut e, "name_en", &input.name_en, 200, false);
    let name_da = required(&mut e, "name_da", &input.name_da, 200, false);
    e.into_result()?;
    let now = Utc::now();
    let position = match &existing {
        Some(s) => s.position,
        None => q::services(&app.db.conn).await?.iter().map(|s| s.position).max().unwrap_or(0) + 1,
    };
    let am = support_service::ActiveModel {
        element: Set(element.map(|e| e.as_str().to_owned()).unwrap_or_default()),
        name_en: Set(name_en.unwrap_or_default()),
        name_da: Set(name_da.unwrap_or_default()),
        active: Set(input.active.is_none() || flag(&input.active)),
        position: Set(position),
        updated_at: Set(now),
        ..Default::default()
    };
    let audit = |s: &support_service::Model| serde_json::json!({"element": s.element, "name_en": s.name_en, "name_da": s.name_da, "active": s.active});
    let before = match &existing {
        Some(s) => support_service::Entity::find_by_id(s.id).one(&app.db.conn).await?.as_ref().map(audit),
        None => None,
    };
    let txn = app.db.write().await?;
    let Some(row) = put_versioned!(
        &txn,
        existing.as_ref().map(|s| s.id),
        input.version,
        am,
        now,
        support_service,
        q::update_service
    ) else {
        drop(txn);
        let current = get_service(app, actor, id.expect("only a change can be stale")).await?;
        let t = current.input();
        let changed = differing(&[
            ("element", &t.element, &input.element),
            ("name_en", &t.name_en, &input.name_en),
            ("name_da", &t.name_da, &input.name_da),
            ("active", &t.active, &input.active),
        ]);
        return Err(conflict(&current, &changed));
    };
    audit_save(&txn, actor, "support_service", row.id, None, before, audit(&row), now).await?;
    txn.commit().await?;
    Ok(row.into())
}

// ---- the outcomes report ----

/// A line of the outcomes report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutcomeRow {
    /// The event's title, the sector's letter or the funding source.
    pub label: String,
    /// The event's id, on the rows by event.
    pub event_id: Option<i64>,
    pub response: Response,
}

/// What became of the workers: per event, per sector (the employer's) and per funding source
/// of their retraining, with the total. Figures behind 1 to 4 people show as `"<5"`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutcomesReport {
    pub district: Option<String>,
    pub by_event: Vec<OutcomeRow>,
    pub by_sector: Vec<OutcomeRow>,
    pub by_funding: Vec<OutcomeRow>,
    pub total: Response,
}

/// The outcomes across the events the actor may read (in one district when given, or of one
/// event).
pub async fn outcomes(app: &App, actor: &Actor, district: Option<&str>, event: Option<i64>) -> Result<OutcomesReport> {
    require(can_view(actor))?;
    let c = &app.db.conn;
    let d = match dir::opt(district.unwrap_or("")) {
        Some(code) => Some(dir::pick_district(app, actor, Some(code)).await?),
        None => None,
    };
    let mut events = q::events(c, &actor.scope(), d.as_ref().map(|d| d.id)).await?;
    if let Some(id) = event {
        events.retain(|e| e.id == id);
        if events.is_empty() {
            return Err(AppError::NotFound);
        }
    }
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let flags = q::case_flags(c, &ids).await?;
    let by_event = events
        .iter()
        .map(|ev| OutcomeRow {
            label: ev.title.clone(),
            event_id: Some(ev.id),
            response: Response::of(flags.iter().filter(|f| f.event_id == ev.id)),
        })
        .collect();
    let mut sectors: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for ev in &events {
        sectors.entry(ev.sector.clone().unwrap_or_else(|| "-".into())).or_default().push(ev.id);
    }
    let by_sector = sectors
        .into_iter()
        .map(|(s, evs)| OutcomeRow {
            label: s,
            event_id: None,
            response: Response::of(flags.iter().filter(|f| evs.contains(&f.event_id))),
        })
        .collect();
    let mut sources: Vec<String> = flags.iter().flat_map(|f| f.funding_sources.iter().cloned()).collect();
    sources.sort();
    sources.dedup();
    let by_funding = sources
        .into_iter()
        .map(|s| OutcomeRow {
            response: Response::of(flags.iter().filter(|f| f.funding_sources.contains(&s))),
            label: s,
            event_id: None,
        })
        .collect();
    Ok(OutcomesReport {
        district: d.map(|d| d.code),
        by_event,
        by_sector,
        by_funding,
        total: Response::of(flags.iter()),
    })
}

/// The report as rows of text for CSV and XLSX: a header, then section, label and the cells.
pub fn outcome_table(r: &OutcomesReport, lang: Lang, t: impl Fn(&str) -> String) -> Vec<Vec<String>> {
    let mut out = vec![
        [t("outcomes.col.section"), t("outcomes.col.label")]
            .into_iter()
            .chain(Response::STAGES.iter().map(|s| t(&format!("outcomes.stage.{s}"))))
            .collect::<Vec<_>>(),
    ];
    let mut rows = |section: &str, rows: &[OutcomeRow], label: &dyn Fn(&str) -> String| {
        for row in rows {
            out.push(
                [t(&format!("outcomes.section.{section}")), label(&row.label)]
                    .into_iter()
                    .chain(row.response.cells().iter().map(|c| c.text(lang)))
                    .collect(),
            );
        }
    };
    rows("event", &r.by_event, &|l| l.to_owned());
    rows("sector", &r.by_sector, &|l| {
        sector::SECTIONS
            .iter()
            .find(|(c, _, _)| c.to_string() == l)
            .map(|(c, en, da)| format!("{c} {}", if lang == Lang::Da { da } else { en }))
            .unwrap_or_else(|| l.to_owned())
    });
    rows("funding", &r.by_funding, &|l| l.to_owned());
    out.push(
        [t("outcomes.section.total"), String::new()]
            .into_iter()
            .chain(r.total.cells().iter().map(|c| c.text(lang)))
            .collect(),
    );
    out
}
