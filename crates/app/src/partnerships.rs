//! Partnership bodies: employer coalitions, strategic partnerships, strategy, operational and
//! area groups (seed 000), with the body each reports to, their member organisations and
//! representatives, their meetings with minutes, decisions and action items, and the review of
//! which sectors the membership represents.
//!
//! Staff of the district read every body; the secretariat, managers and administrators keep
//! them. A partner user reads the bodies their organisation sits in.

use crate::directory as dir;
use crate::{Actor, App, AppError, Result};
use accord_db::entities::{body, body_member, meeting, meeting_item, organisation};
use accord_db::partnerships as q;
use accord_db::sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use accord_domain::{BodyKind, FieldErrors, Lang, MeetingFrequency, MemberRole, Role, sector};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

// ---- who may do what ----

/// Staff read every body of their districts; partner users read the bodies they sit in.
pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor) || actor.has(Role::Partner)
}

/// The secretariat, managers and administrators keep bodies, members, meetings and plans.
pub fn can_manage(actor: &Actor) -> bool {
    !actor.is_read_only() && actor.roles.iter().any(|r| matches!(r, Role::Admin | Role::Manager | Role::Secretariat))
}

/// A partner user without a staff role: limited to what their organisation takes part in.
pub fn limited_to_partner(actor: &Actor) -> bool {
    !dir::can_view(actor)
}

pub(crate) fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

// ---- input helpers shared with the plans ----

/// A form field or a JSON value (text, number or null) as text: forms send text, API clients
/// may send numbers for ids.
pub fn lenient<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    Ok(Some(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }))
}

pub(crate) fn val(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or("")
}

/// An optional text of at most `max` characters, without control characters (line breaks
/// allowed when `lines`).
pub(crate) fn text(e: &mut FieldErrors, field: &str, v: &Option<String>, max: usize, lines: bool) -> Option<String> {
    let s = val(v);
    if s.is_empty() {
        return None;
    }
    if s.chars().count() > max {
        e.add(field, "field.too_long", None);
        return None;
    }
    if s.chars().any(|c| c.is_control() && !(lines && (c == '\n' || c == '\r' || c == '\t'))) {
        e.add(field, "field.control_chars", None);
        return None;
    }
    Some(s.replace("\r\n", "\n"))
}

pub(crate) fn required(
    e: &mut FieldErrors,
    field: &str,
    v: &Option<String>,
    max: usize,
    lines: bool,
) -> Option<String> {
    let t = text(e, field, v, max, lines);
    if t.is_none() && val(v).is_empty() {
        e.add(field, "field.required", None);
    }
    t
}

pub(crate) fn date(e: &mut FieldErrors, field: &str, v: &Option<String>) -> Option<NaiveDate> {
    dir::opt(val(v)).and_then(|s| e.take(field, s, dir::parse_date(s)))
}

pub(crate) fn lines(s: &Option<String>) -> Vec<String> {
    s.as_deref().unwrap_or("").split(['\n', ';']).map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// An organisation as bodies and plans name it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct OrgName {
    pub id: i64,
    pub reference: String,
    pub name: String,
}

impl From<&organisation::Model> for OrgName {
    fn from(o: &organisation::Model) -> Self {
        OrgName { id: o.id, reference: o.r#ref.clone(), name: o.name.clone() }
    }
}

pub(crate) async fn org_names(app: &App, ids: impl IntoIterator<Item = i64>) -> Result<HashMap<i64, OrgName>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(accord_db::directory::organisations_by_ids(&app.db.conn, ids)
        .await?
        .iter()
        .map(|o| (o.id, OrgName::from(o)))
        .collect())
}

/// Organisations named by reference, identifier or a part of the name in a district.
pub(crate) async fn resolve_orgs(
    app: &App,
    e: &mut FieldErrors,
    field: &str,
    district_id: i64,
    refs: &[String],
) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for r in refs.iter().flat_map(|r| r.split(',')).map(str::trim).filter(|r| !r.is_empty()) {
        match crate::directory::resolve_org(&app.db.conn, &[district_id], field, r, e).await? {
            Some(o) if !out.contains(&o.id) => out.push(o.id),
            _ => {}
        }
    }
    Ok(out)
}

fn district_code(app_districts: &[accord_db::entities::district::Model], id: i64) -> String {
    app_districts.iter().find(|d| d.id == id).map(|d| d.code.clone()).unwrap_or_default()
}

async fn all_districts(app: &App) -> Result<Vec<accord_db::entities::district::Model>> {
    Ok(accord_db::users::list_districts(&app.db.conn, &accord_db::Scope::All).await?)
}

/// An input that carries the version of the record it changes.
pub trait Versioned {
    fn version(&self) -> Option<i32>;
    fn with_version(self, version: Option<i32>) -> Self;
}

/// `impl T { fn over(self, base) }`: what a `PATCH` body leaves out keeps its stored value; and
/// [`Versioned`] for `T`.
macro_rules! patch_over {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl $t {
            pub fn over(self, base: $t) -> $t {
                $t { $($f: self.$f.or(base.$f),)* version: self.version.or(base.version) }
            }
        }

        impl $crate::partnerships::Versioned for $t {
            fn version(&self) -> Option<i32> {
                self.version
            }

            fn with_version(self, version: Option<i32>) -> Self {
                $t { version, ..self }
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use patch_over;

/// Stores a record: a new one (`existing` none) is inserted at version 1; an existing one is
/// changed only if it is still at `version`. `None` when someone else saved first.
macro_rules! put_versioned {
    ($txn:expr, $existing:expr, $version:expr, $am:expr, $now:expr, $m:ident, $update:path) => {{
        let mut am = $am;
        match $existing {
            None => {
                am.created_at = Set($now);
                am.version = Set(1);
                Some(am.insert($txn).await?)
            }
            Some(id) => {
                let version = $version.ok_or_else(|| AppError::field("version", "field.required", None))?;
                if $update($txn, id, version, am).await? {
                    Some($m::Entity::find_by_id(id).one($txn).await?.ok_or(AppError::NotFound)?)
                } else {
                    None
                }
            }
        }
    }};
}
pub(crate) use put_versioned;

/// The audit entry of a create (`before` none) or an update, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn audit_save<C: accord_db::sea_orm::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    entity: &str,
    id: i64,
    district_id: Option<i64>,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    let mut entry = actor.audit(if before.is_some() { "update" } else { "create" }, entity, Some(id.to_string()));
    entry.district_id = district_id;
    entry.before = before;
    entry.after = Some(after);
    accord_db::audit::append(txn, entry, now).await?;
    Ok(())
}

// ---- bodies ----

/// A body as another record names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct BodyRef {
    pub id: i64,
    pub name: String,
    #[schema(schema_with = crate::schema::code::<accord_domain::partnership::BodyKind>)]
    pub kind: String,
}

/// A body with its members and the bodies that report to it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BodyView {
    pub id: i64,
    pub district: String,
    pub name: String,
    /// `coalition`, `strategic_partnership`, `strategy_group`, `operational_group`,
    /// `area_group` or `working_group`.
    #[schema(schema_with = crate::schema::code::<accord_domain::partnership::BodyKind>)]
    pub kind: String,
    pub purpose: Option<String>,
    /// The body in Accord this one reports to.
    pub parent: Option<BodyRef>,
    /// A body outside Accord this one answers to ("National Employment Panel").
    pub reports_to_other: Option<String>,
    #[schema(schema_with = crate::schema::code_or_none::<accord_domain::partnership::MeetingFrequency>)]
    pub frequency: Option<String>,
    pub target_areas: Vec<String>,
    pub funding_streams: Vec<String>,
    /// NACE section letters the membership should cover.
    pub wanted_sectors: Vec<String>,
    pub established_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub members: Vec<MemberView>,
    /// The bodies that report to this one.
    pub reporting: Vec<BodyRef>,
    pub version: i32,
}

impl BodyView {
    pub fn input(&self) -> BodyInput {
        let join = |v: &[String]| Some(v.join("\n"));
        BodyInput {
            district: Some(self.district.clone()),
            name: Some(self.name.clone()),
            kind: Some(self.kind.clone()),
            purpose: Some(self.purpose.clone().unwrap_or_default()),
            parent_id: Some(self.parent.as_ref().map(|p| p.id.to_string()).unwrap_or_default()),
            reports_to_other: Some(self.reports_to_other.clone().unwrap_or_default()),
            frequency: Some(self.frequency.clone().unwrap_or_default()),
            target_areas: join(&self.target_areas),
            funding_streams: join(&self.funding_streams),
            wanted_sectors: Some(self.wanted_sectors.clone()),
            established_on: Some(self.established_on.map(|d| d.to_string()).unwrap_or_default()),
            ended_on: Some(self.ended_on.map(|d| d.to_string()).unwrap_or_default()),
            version: Some(self.version),
        }
    }

    pub fn current_members(&self) -> impl Iterator<Item = &MemberView> {
        self.members.iter().filter(|m| m.current)
    }
}

/// A body as typed in a form or sent to the API. Lists (areas, funding streams, sectors) are
/// one entry per line.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct BodyInput {
    /// A district code; may be left out when the caller has exactly one.
    pub district: Option<String>,
    pub name: Option<String>,
    #[schema(schema_with = crate::schema::code_or_null::<accord_domain::partnership::BodyKind>)]
    pub kind: Option<String>,
    pub purpose: Option<String>,
    /// The id of the body this one reports to; empty for none.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<String>,
    pub reports_to_other: Option<String>,
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::partnership::MeetingFrequency>)]
    pub frequency: Option<String>,
    pub target_areas: Option<String>,
    pub funding_streams: Option<String>,
    /// NACE section letters (`C`, `O`, …) the membership should cover.
    #[schema(schema_with = crate::schema::sections_or_null)]
    pub wanted_sectors: Option<Vec<String>>,
    pub established_on: Option<String>,
    pub ended_on: Option<String>,
    /// The version read; required to change a body.
    pub version: Option<i32>,
}

patch_over!(BodyInput {
    district,
    name,
    kind,
    purpose,
    parent_id,
    reports_to_other,
    frequency,
    target_areas,
    funding_streams,
    wanted_sectors,
    established_on,
    ended_on
});

fn body_ref(b: &body::Model) -> BodyRef {
    BodyRef { id: b.id, name: b.name.clone(), kind: b.kind.clone() }
}

/// Whether the actor may read this body: staff in scope; a partner user when their
/// organisation sits in it.
async fn may_read_body(app: &App, actor: &Actor, b: &body::Model) -> Result<bool> {
    if !limited_to_partner(actor) {
        return Ok(dir::can_view(actor));
    }
    match actor.organisation_id {
        Some(o) if actor.has(Role::Partner) => Ok(q::bodies_with_member(&app.db.conn, o).await?.contains(&b.id)),
        _ => Ok(false),
    }
}

fn member_view(m: &body_member::Model, orgs: &HashMap<i64, OrgName>, today: NaiveDate) -> MemberView {
    MemberView {
        id: m.id,
        body_id: m.body_id,
        organisation: orgs.get(&m.organisation_id).cloned().unwrap_or(OrgName {
            id: m.organisation_id,
            reference: String::new(),
            name: String::new(),
        }),
        representative: m.representative.clone(),
        role: m.role.clone(),
        sector: m.sector.clone(),
        joined_on: m.joined_on,
        left_on: m.left_on,
        current: m.left_on.is_none_or(|d| d >= today) && m.joined_on.is_none_or(|d| d <= today),
        version: m.version,
    }
}

async fn body_views(app: &App, rows: Vec<body::Model>) -> Result<Vec<BodyView>> {
    let today = Utc::now().date_naive();
    let districts = all_districts(app).await?;
    let ids: Vec<i64> = rows.iter().map(|b| b.id).collect();
    let members = q::members_of(&app.db.conn, &ids).await?;
    let orgs = org_names(app, members.iter().map(|m| m.organisation_id)).await?;
    let mut parents: HashMap<i64, body::Model> = HashMap::new();
    let parent_ids: Vec<i64> = rows.iter().filter_map(|b| b.parent_id).collect();
    if !parent_ids.is_empty() {
        for p in body::Entity::find().filter(body::Column::Id.is_in(parent_ids)).all(&app.db.conn).await? {
            parents.insert(p.id, p);
        }
    }
    let children = if ids.is_empty() {
        vec![]
    } else {
        body::Entity::find().filter(body::Column::ParentId.is_in(ids.clone())).all(&app.db.conn).await?
    };
    Ok(rows
        .into_iter()
        .map(|b| {
            let mut ms: Vec<MemberView> =
                members.iter().filter(|m| m.body_id == b.id).map(|m| member_view(m, &orgs, today)).collect();
            ms.sort_by_key(|m| (!m.current, MemberRole::parse(&m.role).unwrap_or(MemberRole::Member), m.id));
            BodyView {
                id: b.id,
                district: district_code(&districts, b.district_id),
                parent: b.parent_id.and_then(|p| parents.get(&p)).map(body_ref),
                reporting: children.iter().filter(|c| c.parent_id == Some(b.id)).map(body_ref).collect(),
                target_areas: lines(&b.target_areas),
                funding_streams: lines(&b.funding_streams),
                wanted_sectors: lines(&b.wanted_sectors),
                members: ms,
                name: b.name,
                kind: b.kind,
                purpose: b.purpose,
                reports_to_other: b.reports_to_other,
                frequency: b.frequency,
                established_on: b.established_on,
                ended_on: b.ended_on,
                version: b.version,
            }
        })
        .collect())
}

/// The bodies the actor may read (in one district when a code is given), by name.
pub async fn list(app: &App, actor: &Actor, district: Option<&str>) -> Result<Vec<BodyView>> {
    require(can_view(actor))?;
    let d = match dir::opt(district.unwrap_or("")) {
        Some(code) => Some(dir::pick_district(app, actor, Some(code)).await?.id),
        None => None,
    };
    let mut rows = q::bodies(&app.db.conn, &actor.scope(), d).await?;
    if limited_to_partner(actor) {
        let mine = match actor.organisation_id {
            Some(o) => q::bodies_with_member(&app.db.conn, o).await?,
            None => vec![],
        };
        rows.retain(|b| mine.contains(&b.id));
    }
    body_views(app, rows).await
}

pub(crate) async fn body_row(app: &App, actor: &Actor, id: i64) -> Result<body::Model> {
    let b = q::get_body(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    if !may_read_body(app, actor, &b).await? {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<BodyView> {
    require(can_view(actor))?;
    let b = body_row(app, actor, id).await?;
    Ok(body_views(app, vec![b]).await?.remove(0))
}

fn body_audit(b: &body::Model) -> serde_json::Value {
    serde_json::json!({
        "name": b.name, "kind": b.kind, "purpose": b.purpose, "parent_id": b.parent_id,
        "reports_to_other": b.reports_to_other, "frequency": b.frequency, "target_areas": b.target_areas,
        "funding_streams": b.funding_streams, "wanted_sectors": b.wanted_sectors,
        "established_on": b.established_on, "ended_on": b.ended_on,
    })
}

/// Creates a body (`id` none) or changes one at the version the caller read.
pub async fn save(app: &App, actor: &Actor, id: Option<i64>, input: &BodyInput) -> Result<BodyView> {
    require(can_manage(actor))?;
    let existing = match id {
        Some(id) => Some(q::get_body(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let district_id = match &existing {
        Some(b) => b.district_id,
        None => dir::pick_district(app, actor, input.district.as_deref()).await?.id,
    };
    let mut e = FieldErrors::new();
    let name = required(&mut e, "name", &input.name, 200, false);
    let kind = match val(&input.kind) {
        "" => {
            e.add("kind", "field.required", None);
            None
        }
        k => e.take("kind", k, BodyKind::parse(k)),
    };
    let purpose = text(&mut e, "purpose", &input.purpose, 4000, true);
    let parent_id = match val(&input.parent_id) {
        "" => None,
        p => match p.parse::<i64>() {
            Ok(pid) => match q::get_body(&app.db.conn, &actor.scope(), pid).await? {
                Some(pb) if pb.district_id == district_id => {
                    // No body may report to itself, directly or through others.
                    let mut next = Some(pb.clone());
                    let mut cycle = false;
                    let mut steps = 0;
                    while let Some(b) = next {
                        if Some(b.id) == id {
                            cycle = true;
                            break;
                        }
                        steps += 1;
                        next = match b.parent_id {
                            Some(p) if steps < 50 => q::get_body(&app.db.conn, &accord_db::Scope::All, p).await?,
                            _ => None,
                        };
                    }
                    if cycle {
                        e.add("parent_id", "body.parent_cycle", Some(&pb.name));
                        None
                    } else {
                        Some(pid)
                    }
                }
                _ => {
                    e.add("parent_id", "body.parent_unknown", Some(p));
                    None
                }
            },
            Err(_) => {
                e.add("parent_id", "body.parent_unknown", Some(p));
                None
            }
        },
    };
    let reports_to_other = text(&mut e, "reports_to_other", &input.reports_to_other, 200, false);
    let frequency = match val(&input.frequency) {
        "" => None,
        f => e.take("frequency", f, MeetingFrequency::parse(f)).map(|f| f.as_str().to_owned()),
    };
    let target_areas = text(&mut e, "target_areas", &input.target_areas, 4000, true);
    let funding_streams = text(&mut e, "funding_streams", &input.funding_streams, 4000, true);
    let mut wanted = Vec::new();
    for l in input.wanted_sectors.iter().flatten().flat_map(|l| l.split([',', '\n'])).map(str::trim) {
        if l.is_empty() {
            continue;
        }
        let letter = l.to_uppercase();
        if sector::SECTIONS.iter().any(|(c, _, _)| c.to_string() == letter) {
            if !wanted.contains(&letter) {
                wanted.push(letter);
            }
        } else {
            e.add("wanted_sectors", "body.section_unknown", Some(l));
        }
    }
    wanted.sort();
    let established_on = date(&mut e, "established_on", &input.established_on);
    let ended_on = date(&mut e, "ended_on", &input.ended_on);
    if let (Some(a), Some(b)) = (established_on, ended_on)
        && b < a
    {
        e.add("ended_on", "body.ends_before_start", None);
    }
    e.into_result()?;
    let now = Utc::now();
    let am = body::ActiveModel {
        district_id: Set(district_id),
        name: Set(name.unwrap_or_default()),
        kind: Set(kind.map(|k| k.as_str().to_owned()).unwrap_or_default()),
        purpose: Set(purpose),
        parent_id: Set(parent_id),
        reports_to_other: Set(reports_to_other),
        frequency: Set(frequency),
        target_areas: Set(target_areas),
        funding_streams: Set(funding_streams),
        wanted_sectors: Set((!wanted.is_empty()).then(|| wanted.join("\n"))),
        established_on: Set(established_on),
        ended_on: Set(ended_on),
        updated_at: Set(now),
        ..Default::default()
    };
    let txn = app.db.write().await?;
    let Some(row) = put_versioned!(&txn, existing.as_ref().map(|b| b.id), input.version, am, now, body, q::update_body)
    else {
        drop(txn);
        let before_id = existing.as_ref().map(|b| b.id).expect("only a change can be stale");
        let current = get(app, actor, before_id).await?;
        let theirs = current.input();
        return Err(conflict(&current, &theirs_vs_mine_body(&theirs, input)));
    };
    audit_save(
        &txn,
        actor,
        "body",
        row.id,
        Some(district_id),
        existing.as_ref().map(body_audit),
        body_audit(&row),
        now,
    )
    .await?;
    txn.commit().await?;
    get(app, actor, row.id).await
}

pub(crate) fn conflict<T: Serialize>(current: &T, changed: &[String]) -> AppError {
    AppError::Conflict { current: serde_json::to_value(current).unwrap_or_default(), changed: changed.to_vec() }
}

/// Fields whose stored value differs from what the caller sent.
pub(crate) fn differing(pairs: &[(&str, &Option<String>, &Option<String>)]) -> Vec<String> {
    pairs.iter().filter(|(_, a, b)| val(a) != val(b)).map(|(f, _, _)| (*f).to_owned()).collect()
}

fn theirs_vs_mine_body(t: &BodyInput, m: &BodyInput) -> Vec<String> {
    differing(&[
        ("name", &t.name, &m.name),
        ("kind", &t.kind, &m.kind),
        ("purpose", &t.purpose, &m.purpose),
        ("parent_id", &t.parent_id, &m.parent_id),
        ("reports_to_other", &t.reports_to_other, &m.reports_to_other),
        ("frequency", &t.frequency, &m.frequency),
        ("target_areas", &t.target_areas, &m.target_areas),
        ("funding_streams", &t.funding_streams, &m.funding_streams),
        (
            "wanted_sectors",
            &t.wanted_sectors.as_ref().map(|v| v.join(",")),
            &m.wanted_sectors.as_ref().map(|v| v.join(",")),
        ),
        ("established_on", &t.established_on, &m.established_on),
        ("ended_on", &t.ended_on, &m.ended_on),
    ])
}

// ---- members ----

/// An organisation's seat in a body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberView {
    pub id: i64,
    pub body_id: i64,
    pub organisation: OrgName,
    /// The people who represent it, one per line.
    pub representative: Option<String>,
    /// `chair`, `vice_chair`, `director`, `secretariat`, `member` or `observer`.
    #[schema(schema_with = crate::schema::code::<accord_domain::partnership::MemberRole>)]
    pub role: String,
    /// The NACE division the member represents.
    pub sector: Option<String>,
    pub joined_on: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
    /// Sits in the body today.
    pub current: bool,
    pub version: i32,
}

impl MemberView {
    pub fn input(&self) -> MemberInput {
        MemberInput {
            organisation: Some(self.organisation.reference.clone()),
            representative: Some(self.representative.clone().unwrap_or_default()),
            role: Some(self.role.clone()),
            sector: Some(self.sector.clone().unwrap_or_default()),
            joined_on: Some(self.joined_on.map(|d| d.to_string()).unwrap_or_default()),
            left_on: Some(self.left_on.map(|d| d.to_string()).unwrap_or_default()),
            version: Some(self.version),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MemberInput {
    /// The organisation's reference (or CVR, P-number, Companies House number).
    #[schema(min_length = 1)]
    pub organisation: Option<String>,
    pub representative: Option<String>,
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::partnership::MemberRole>)]
    pub role: Option<String>,
    /// A NACE code; left out, the organisation's own sector.
    #[schema(schema_with = crate::schema::sector_or_empty)]
    pub sector: Option<String>,
    pub joined_on: Option<String>,
    pub left_on: Option<String>,
    pub version: Option<i32>,
}

patch_over!(MemberInput { organisation, representative, role, sector, joined_on, left_on });

fn member_audit(m: &body_member::Model) -> serde_json::Value {
    serde_json::json!({
        "body_id": m.body_id, "organisation_id": m.organisation_id, "representative": m.representative,
        "role": m.role, "sector": m.sector, "joined_on": m.joined_on, "left_on": m.left_on,
    })
}

/// Gives an organisation a seat in a body (`id` none) or changes a seat.
pub async fn save_member(
    app: &App,
    actor: &Actor,
    body_id: i64,
    id: Option<i64>,
    input: &MemberInput,
) -> Result<MemberView> {
    require(can_manage(actor))?;
    let b = q::get_body(&app.db.conn, &actor.scope(), body_id).await?.ok_or(AppError::NotFound)?;
    let existing = match id {
        Some(id) => {
            Some(q::get_member(&app.db.conn, id).await?.filter(|m| m.body_id == b.id).ok_or(AppError::NotFound)?)
        }
        None => None,
    };
    let mut e = FieldErrors::new();
    let org = match val(&input.organisation) {
        "" => {
            e.add("organisation", "field.required", None);
            None
        }
        r => crate::directory::resolve_org(&app.db.conn, &[b.district_id], "organisation", r, &mut e).await?,
    };
    let representative = text(&mut e, "representative", &input.representative, 1000, true);
    let role = match val(&input.role) {
        "" => Some(MemberRole::Member),
        r => e.take("role", r, MemberRole::parse(r)),
    };
    let sector = match val(&input.sector) {
        "" => org.as_ref().and_then(|o| o.sector.clone()),
        s => e.take("sector", s, sector::parse(s)).map(|s| s.code.to_owned()),
    };
    let joined_on = date(&mut e, "joined_on", &input.joined_on);
    let left_on = date(&mut e, "left_on", &input.left_on);
    if let (Some(a), Some(l)) = (joined_on, left_on)
        && l < a
    {
        e.add("left_on", "member.leaves_before_joining", None);
    }
    if let Some(o) = &org
        && existing.is_none()
        && q::members_of(&app.db.conn, &[b.id]).await?.iter().any(|m| m.organisation_id == o.id && m.left_on.is_none())
    {
        e.add("organisation", "member.already", Some(&o.name));
    }
    e.into_result()?;
    let org = org.expect("checked");
    let now = Utc::now();
    let am = body_member::ActiveModel {
        body_id: Set(b.id),
        organisation_id: Set(org.id),
        representative: Set(representative),
        role: Set(role.unwrap_or(MemberRole::Member).as_str().to_owned()),
        sector: Set(sector),
        joined_on: Set(joined_on),
        left_on: Set(left_on),
        updated_at: Set(now),
        ..Default::default()
    };
    let txn = app.db.write().await?;
    let Some(row) =
        put_versioned!(&txn, existing.as_ref().map(|b| b.id), input.version, am, now, body_member, q::update_member)
    else {
        drop(txn);
        let before_id = existing.as_ref().map(|b| b.id).expect("only a change can be stale");
        let now_row = q::get_member(&app.db.conn, before_id).await?.ok_or(AppError::NotFound)?;
        let orgs = org_names(app, [now_row.organisation_id]).await?;
        let current = member_view(&now_row, &orgs, now.date_naive());
        let t = current.input();
        let changed = differing(&[
            ("organisation", &t.organisation, &input.organisation),
            ("representative", &t.representative, &input.representative),
            ("role", &t.role, &input.role),
            ("sector", &t.sector, &input.sector),
            ("joined_on", &t.joined_on, &input.joined_on),
            ("left_on", &t.left_on, &input.left_on),
        ]);
        return Err(conflict(&current, &changed));
    };
    audit_save(
        &txn,
        actor,
        "body_member",
        row.id,
        Some(b.district_id),
        existing.as_ref().map(member_audit),
        member_audit(&row),
        now,
    )
    .await?;
    txn.commit().await?;
    let orgs = org_names(app, [row.organisation_id]).await?;
    Ok(member_view(&row, &orgs, now.date_naive()))
}

pub async fn get_member(app: &App, actor: &Actor, id: i64) -> Result<MemberView> {
    let m = q::get_member(&app.db.conn, id).await?.ok_or(AppError::NotFound)?;
    body_row(app, actor, m.body_id).await?;
    let orgs = org_names(app, [m.organisation_id]).await?;
    Ok(member_view(&m, &orgs, Utc::now().date_naive()))
}

/// One NACE section in the membership review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionRow {
    pub letter: String,
    pub name: String,
    /// The body wants this section represented.
    pub wanted: bool,
    /// Current members representing it, by name.
    pub members: Vec<String>,
}

/// Which sectors the current membership represents, against those the body wants (seed 000:
/// "reviewing membership of the Coalition to ensure appropriate representation"). Sections
/// that are wanted or represented, then the members without a sector.
pub fn review(b: &BodyView, lang: Lang) -> (Vec<SectionRow>, Vec<String>) {
    let mut rows = Vec::new();
    let mut unsorted = Vec::new();
    for m in b.current_members() {
        if m.sector.as_deref().and_then(sector::by_code).is_none() {
            unsorted.push(m.organisation.name.clone());
        }
    }
    for (letter, en, da) in sector::SECTIONS {
        let members: Vec<String> = b
            .current_members()
            .filter(|m| m.sector.as_deref().and_then(sector::by_code).is_some_and(|s| s.section == *letter))
            .map(|m| m.organisation.name.clone())
            .collect();
        let wanted = b.wanted_sectors.iter().any(|w| w == &letter.to_string());
        if wanted || !members.is_empty() {
            rows.push(SectionRow {
                letter: letter.to_string(),
                name: (if lang == Lang::Da { da } else { en }).to_string(),
                wanted,
                members,
            });
        }
    }
    (rows, unsorted)
}

// ---- meetings ----

/// A meeting of a body with its action items.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub body: BodyRef,
    pub held_on: NaiveDate,
    pub title: Option<String>,
    pub attendees: Option<String>,
    pub agenda: Option<String>,
    pub minutes: Option<String>,
    pub decisions: Option<String>,
    pub items: Vec<ItemView>,
    pub version: i32,
}

impl MeetingView {
    pub fn input(&self) -> MeetingInput {
        let s = |v: &Option<String>| Some(v.clone().unwrap_or_default());
        MeetingInput {
            held_on: Some(self.held_on.to_string()),
            title: s(&self.title),
            attendees: s(&self.attendees),
            agenda: s(&self.agenda),
            minutes: s(&self.minutes),
            decisions: s(&self.decisions),
            version: Some(self.version),
        }
    }
}

/// An action item agreed at a meeting.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemView {
    pub id: i64,
    pub meeting_id: i64,
    pub description: String,
    pub owner: Option<OrgName>,
    pub due_on: Option<NaiveDate>,
    /// The milestone it became, if it did.
    pub milestone_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MeetingInput {
    #[schema(min_length = 1)]
    pub held_on: Option<String>,
    pub title: Option<String>,
    pub attendees: Option<String>,
    pub agenda: Option<String>,
    pub minutes: Option<String>,
    pub decisions: Option<String>,
    pub version: Option<i32>,
}

patch_over!(MeetingInput { held_on, title, attendees, agenda, minutes, decisions });

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ItemInput {
    #[schema(min_length = 1)]
    pub description: Option<String>,
    /// The owner organisation's reference.
    pub owner: Option<String>,
    pub due_on: Option<String>,
}

async fn meeting_views(app: &App, bodies: &[body::Model], rows: Vec<meeting::Model>) -> Result<Vec<MeetingView>> {
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let items = q::items_of(&app.db.conn, &ids).await?;
    let orgs = org_names(app, items.iter().filter_map(|i| i.owner_organisation_id)).await?;
    Ok(rows
        .into_iter()
        .map(|m| MeetingView {
            id: m.id,
            body: bodies.iter().find(|b| b.id == m.body_id).map(body_ref).unwrap_or(BodyRef {
                id: m.body_id,
                name: String::new(),
                kind: String::new(),
            }),
            held_on: m.held_on,
            items: items
                .iter()
                .filter(|i| i.meeting_id == m.id)
                .map(|i| ItemView {
                    id: i.id,
                    meeting_id: i.meeting_id,
                    description: i.description.clone(),
                    owner: i.owner_organisation_id.and_then(|o| orgs.get(&o).cloned()),
                    due_on: i.due_on,
                    milestone_id: i.milestone_id,
                })
                .collect(),
            title: m.title,
            attendees: m.attendees,
            agenda: m.agenda,
            minutes: m.minutes,
            decisions: m.decisions,
            version: m.version,
        })
        .collect())
}

/// The meetings of a body, newest first.
pub async fn meetings(app: &App, actor: &Actor, body_id: i64) -> Result<Vec<MeetingView>> {
    require(can_view(actor))?;
    let b = body_row(app, actor, body_id).await?;
    let rows = q::meetings_of(&app.db.conn, &[b.id]).await?;
    meeting_views(app, &[b], rows).await
}

pub async fn get_meeting(app: &App, actor: &Actor, id: i64) -> Result<MeetingView> {
    require(can_view(actor))?;
    let m = q::get_meeting(&app.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let b = body_row(app, actor, m.body_id).await?;
    Ok(meeting_views(app, &[b], vec![m]).await?.remove(0))
}

fn meeting_audit(m: &meeting::Model) -> serde_json::Value {
    serde_json::json!({
        "body_id": m.body_id, "held_on": m.held_on, "title": m.title, "attendees": m.attendees,
        "agenda": m.agenda, "minutes": m.minutes, "decisions": m.decisions,
    })
}

/// Records a meeting of a body (`id` none) or changes one.
pub async fn save_meeting(
    app: &App,
    actor: &Actor,
    body_id: i64,
    id: Option<i64>,
    input: &MeetingInput,
) -> Result<MeetingView> {
    require(can_manage(actor))?;
    let b = q::get_body(&app.db.conn, &actor.scope(), body_id).await?.ok_or(AppError::NotFound)?;
    let existing = match id {
        Some(id) => {
            Some(q::get_meeting(&app.db.conn, id).await?.filter(|m| m.body_id == b.id).ok_or(AppError::NotFound)?)
        }
        None => None,
    };
    let mut e = FieldErrors::new();
    let held_on = date(&mut e, "held_on", &input.held_on);
    if held_on.is_none() && val(&input.held_on).is_empty() {
        e.add("held_on", "field.required", None);
    }
    let title = text(&mut e, "title", &input.title, 200, false);
    let attendees = text(&mut e, "attendees", &input.attendees, 4000, true);
    let agenda = text(&mut e, "agenda", &input.agenda, 20_000, true);
    let minutes = text(&mut e, "minutes", &input.minutes, 100_000, true);
    let decisions = text(&mut e, "decisions", &input.decisions, 20_000, true);
    e.into_result()?;
    let now = Utc::now();
    let am = meeting::ActiveModel {
        body_id: Set(b.id),
        held_on: Set(held_on.expect("checked")),
        title: Set(title),
        attendees: Set(attendees),
        agenda: Set(agenda),
        minutes: Set(minutes),
        decisions: Set(decisions),
        updated_at: Set(now),
        ..Default::default()
    };
    let txn = app.db.write().await?;
    let Some(row) =
        put_versioned!(&txn, existing.as_ref().map(|b| b.id), input.version, am, now, meeting, q::update_meeting)
    else {
        drop(txn);
        let before_id = existing.as_ref().map(|b| b.id).expect("only a change can be stale");
        let current = get_meeting(app, actor, before_id).await?;
        let t = current.input();
        let changed = differing(&[
            ("held_on", &t.held_on, &input.held_on),
            ("title", &t.title, &input.title),
            ("attendees", &t.attendees, &input.attendees),
            ("agenda", &t.agenda, &input.agenda),
            ("minutes", &t.minutes, &input.minutes),
            ("decisions", &t.decisions, &input.decisions),
        ]);
        return Err(conflict(&current, &changed));
    };
    audit_save(
        &txn,
        actor,
        "meeting",
        row.id,
        Some(b.district_id),
        existing.as_ref().map(meeting_audit),
        meeting_audit(&row),
        now,
    )
    .await?;
    txn.commit().await?;
    get_meeting(app, actor, row.id).await
}

/// Adds an action item to a meeting.
pub async fn add_item(app: &App, actor: &Actor, meeting_id: i64, input: &ItemInput) -> Result<ItemView> {
    require(can_manage(actor))?;
    let m = q::get_meeting(&app.db.conn, meeting_id).await?.ok_or(AppError::NotFound)?;
    let b = q::get_body(&app.db.conn, &actor.scope(), m.body_id).await?.ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::new();
    let description = required(&mut e, "description", &input.description, 2000, true);
    let owner = resolve_orgs(app, &mut e, "owner", b.district_id, &lines(&input.owner)).await?;
    if owner.len() > 1 {
        e.add("owner", "item.one_owner", None);
    }
    let due_on = date(&mut e, "due_on", &input.due_on);
    e.into_result()?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = meeting_item::ActiveModel {
        meeting_id: Set(m.id),
        description: Set(description.expect("checked")),
        owner_organisation_id: Set(owner.first().copied()),
        due_on: Set(due_on),
        milestone_id: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut entry = actor.audit("create", "meeting_item", Some(row.id.to_string()));
    entry.district_id = Some(b.district_id);
    entry.after = Some(serde_json::json!({
        "meeting_id": row.meeting_id, "description": row.description,
        "owner_organisation_id": row.owner_organisation_id, "due_on": row.due_on,
    }));
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    let orgs = org_names(app, row.owner_organisation_id).await?;
    Ok(ItemView {
        id: row.id,
        meeting_id: row.meeting_id,
        description: row.description,
        owner: row.owner_organisation_id.and_then(|o| orgs.get(&o).cloned()),
        due_on: row.due_on,
        milestone_id: None,
    })
}

/// The meetings of a body held between two days, oldest first: the progress evidence of the
/// actions the body works on.
pub(crate) async fn meetings_held(
    app: &App,
    body_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<meeting::Model>> {
    let mut rows: Vec<meeting::Model> = q::meetings_of(&app.db.conn, &[body_id])
        .await?
        .into_iter()
        .filter(|m| m.held_on >= from && m.held_on <= to)
        .collect();
    rows.reverse();
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_keeps_what_it_leaves_out() {
        let base = BodyInput { name: Some("Coalition".into()), kind: Some("coalition".into()), ..Default::default() };
        let patch = BodyInput { purpose: Some("Friendly critic".into()), version: Some(3), ..Default::default() };
        let merged = patch.over(base);
        assert_eq!(merged.name.as_deref(), Some("Coalition"));
        assert_eq!(merged.purpose.as_deref(), Some("Friendly critic"));
        assert_eq!(merged.version, Some(3));
    }

    #[test]
    fn ids_arrive_as_text_or_numbers() {
        let b: BodyInput = serde_json::from_str(r#"{"parent_id": 12}"#).unwrap();
        assert_eq!(b.parent_id.as_deref(), Some("12"));
        let b: BodyInput = serde_json::from_str(r#"{"parent_id": null}"#).unwrap();
        assert_eq!(b.parent_id.as_deref(), Some(""));
        let b: BodyInput = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(b.parent_id, None);
        let b: BodyInput = serde_html_form::from_str("parent_id=7&name=X").unwrap();
        assert_eq!(b.parent_id.as_deref(), Some("7"));
    }

    #[test]
    fn the_review_shows_wanted_and_represented_sections() {
        let m = |name: &str, sector: Option<&str>, current: bool| MemberView {
            id: 1,
            body_id: 1,
            organisation: OrgName { id: 1, reference: "R".into(), name: name.into() },
            representative: None,
            role: "member".into(),
            sector: sector.map(str::to_owned),
            joined_on: None,
            left_on: None,
            current,
            version: 1,
        };
        let b = BodyView {
            id: 1,
            district: "d".into(),
            name: "Coalition".into(),
            kind: "coalition".into(),
            purpose: None,
            parent: None,
            reports_to_other: None,
            frequency: None,
            target_areas: vec![],
            funding_streams: vec![],
            wanted_sectors: vec!["C".into(), "I".into()],
            established_on: None,
            ended_on: None,
            members: vec![
                m("Jaguar Cars", Some("29"), true),
                m("Police", Some("84"), true),
                m("Left long ago", Some("55"), false),
                m("Unknown", None, true),
            ],
            reporting: vec![],
            version: 1,
        };
        let (rows, unsorted) = review(&b, Lang::En);
        let letters: Vec<(&str, bool, usize)> =
            rows.iter().map(|r| (r.letter.as_str(), r.wanted, r.members.len())).collect();
        assert_eq!(letters, vec![("C", true, 1), ("I", true, 0), ("O", false, 1)]);
        assert_eq!(unsorted, vec!["Unknown".to_owned()]);
    }
}
