//! Programmes (seeds 000, 001, 003): recruitment exercises for a store or site opening, sector
//! initiatives, training routeways, pre-employment courses, innovation or pilot projects and
//! job rotation projects, with the organisations in them and their roles, the groups they are
//! aimed at, and their outputs against targets. Every output is counted from participation
//! records (pseudonymous references, as activities use them), never typed in as a total.
//!
//! The money behind them: budget lines per programme, or for the secretariat itself, funded
//! from a source (the ESF, the Innovation Fund, the municipality's own budget…), with spend
//! recorded per line in minor units, so that budget minus spend is exact to the øre or penny.
//! A closed line takes no more spend.
//!
//! Equality monitoring shows outcomes per target group as aggregate figures only, each figure
//! from 1 to 4 people shown as "<5"; the only protected attribute stored is the participant's
//! eligibility flag, the one target group of the programme they are counted under.

use crate::directory::{self as dir, opt, parse_date, short_text};
use crate::redundancy::Cell;
use crate::{Actor, App, AppError, Page, Paging, Result};
use accord_db::directory as dq;
use accord_db::entities::{budget_line, programme, programme_participant};
use accord_db::programmes::{self as q, Lines, NewLine, NewSpend, ParticipantFields, ProgrammeFields};
use accord_domain::programme::{amount, plain};
use accord_domain::{FieldErrors, FundingSource, PartnerRole, ProgrammeKind, TargetGroup};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest name of a programme or a budget line, and of a spend's description.
pub const MAX_NAME: usize = 200;
/// The longest description of a programme.
pub const MAX_DESCRIPTION: usize = 4000;
/// The largest target a programme may set for one output.
pub const MAX_TARGET: i32 = 1_000_000;
/// The outputs a programme counts, in the order they follow one another.
pub const MEASURES: [&str; 5] = ["referrals", "starts", "completions", "job_entries", "sustained_jobs"];

/// Everyone who reads the directory reads programmes and budgets (the committee included).
pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor)
}

/// Those who run the district's outreach and its secretariat set up programmes, record
/// participation and keep the budgets; the committee and partners only read.
pub fn can_write(actor: &Actor) -> bool {
    crate::mailings::can_send(actor)
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

// ---- inputs ----

/// A programme as a form or an API body gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct ProgrammeInput {
    /// The district's code; needed only by those who work in more than one.
    pub district: Option<String>,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub start_date: String,
    pub end_date: String,
    /// Target group codes.
    pub target_groups: Vec<String>,
    pub target_referrals: String,
    pub target_starts: String,
    pub target_completions: String,
    pub target_job_entries: String,
    pub target_sustained_jobs: String,
    /// The programme's version as read, on an edit; left out, the current one.
    pub version: Option<i32>,
}

/// An organisation in a programme as a form or an API body gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct PartnerInput {
    /// The organisation's ref, CVR, P-number or Companies House number in the programme's district.
    pub organisation: String,
    pub role: String,
}

/// A participation record as a form or an API body gives it; a reference already in the
/// programme brings its record up to date.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct ParticipantInput {
    /// The case system's pseudonymous reference: never a name or an identity number.
    pub citizen_ref: String,
    /// The programme's eligibility flag: one of its target groups, or empty.
    pub target_group: String,
    pub referred_on: String,
    pub started_on: String,
    pub completed_on: String,
    pub job_on: String,
    pub sustained_on: String,
}

/// A budget line as a form or an API body gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct LineInput {
    /// The district's code, for a secretariat line; a programme's line is in its district.
    pub district: Option<String>,
    pub funding_source: String,
    pub name: String,
    pub year: String,
    /// The amount in major units as written (`1.247.000,00`, `1,247,000.00`, `1247000`).
    pub amount: String,
}

/// Spend on a budget line as a form or an API body gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct SpendInput {
    pub spent_on: String,
    /// The amount in major units as written.
    pub amount: String,
    pub description: String,
    /// An activity of the line's district the money went to, by id; empty for none.
    pub activity_id: String,
}

// ---- views ----

/// An organisation in a programme and its role.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct PartnerView {
    pub organisation_id: i64,
    #[serde(rename = "ref")]
    #[schema(rename = "ref")]
    pub r#ref: String,
    pub name: String,
    /// employer, lead, training_provider, funder or partner.
    pub role: String,
}

/// One output against its target, counted from the participation records.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct Output {
    /// referrals, starts, completions, job_entries or sustained_jobs.
    pub measure: String,
    pub target: Option<i64>,
    pub actual: i64,
}

/// The outcomes of one target group (or of those with no flag: `group` null), as aggregate
/// figures; a figure from 1 to 4 people is "<5".
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct EqualityRow {
    pub group: Option<String>,
    pub referrals: Cell,
    pub starts: Cell,
    pub completions: Cell,
    pub job_entries: Cell,
    pub sustained_jobs: Cell,
}

impl EqualityRow {
    pub fn cells(&self) -> [Cell; 5] {
        [self.referrals, self.starts, self.completions, self.job_entries, self.sustained_jobs]
    }
}

/// A programme as pages, the API and the CLI show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct ProgrammeView {
    pub id: i64,
    /// The district's code.
    pub district: String,
    /// recruitment_exercise, sector_initiative, training_routeway, pre_employment_course,
    /// innovation_project or job_rotation.
    pub kind: String,
    pub name: String,
    pub description: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    /// Target group codes.
    pub target_groups: Vec<String>,
    pub partners: Vec<PartnerView>,
    /// Referrals, starts, completions, job entries and sustained jobs, in that order.
    pub outputs: Vec<Output>,
    /// Outcomes per target group: aggregate figures, "<5" for 1 to 4 people.
    pub equality: Vec<EqualityRow>,
    pub version: i32,
}

/// Spend on a budget line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct SpendView {
    pub id: i64,
    pub spent_on: NaiveDate,
    /// In minor units (øre, pence).
    pub amount_minor: i64,
    pub description: String,
    pub activity_id: Option<i64>,
}

/// A budget line with what has been spent on it and what remains, in minor units.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct LineView {
    pub id: i64,
    pub district: String,
    /// The programme's id and name; null for a line of the secretariat's own budget.
    pub programme_id: Option<i64>,
    pub programme_name: Option<String>,
    pub funding_source: String,
    pub name: String,
    pub year: i32,
    pub budget_minor: i64,
    pub spent_minor: i64,
    /// Budget minus spend; negative when overspent.
    pub remaining_minor: i64,
    /// The same three as decimal text in major units (`1247000.00`).
    pub budget: String,
    pub spent: String,
    pub remaining: String,
    pub closed: bool,
    pub spend: Vec<SpendView>,
    pub version: i32,
}

/// Budget lines with their totals, in minor units.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct Budget {
    pub lines: Vec<LineView>,
    pub budget_minor: i64,
    pub spent_minor: i64,
    pub remaining_minor: i64,
    pub budget: String,
    pub spent: String,
    pub remaining: String,
}

/// A programme with its budget: what the report shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct ProgrammeReport {
    pub programme: ProgrammeView,
    pub budget: Budget,
}

fn groups_of(s: &str) -> Vec<String> {
    s.split(';').filter(|g| !g.is_empty()).map(str::to_owned).collect()
}

/// The outputs and the equality table, counted from the participation records.
fn count(p: &programme::Model, people: &[programme_participant::Model]) -> (Vec<Output>, Vec<EqualityRow>) {
    let stages = |r: &programme_participant::Model| {
        [true, r.started_on.is_some(), r.completed_on.is_some(), r.job_on.is_some(), r.sustained_on.is_some()]
    };
    let tally = |rows: &mut dyn Iterator<Item = &programme_participant::Model>| {
        let mut n = [0i64; 5];
        for r in rows {
            for (i, reached) in stages(r).into_iter().enumerate() {
                n[i] += i64::from(reached);
            }
        }
        n
    };
    let all = tally(&mut people.iter());
    let targets =
        [p.target_referrals, p.target_starts, p.target_completions, p.target_job_entries, p.target_sustained_jobs];
    let outputs = MEASURES
        .iter()
        .enumerate()
        .map(|(i, m)| Output { measure: (*m).to_owned(), target: targets[i].map(i64::from), actual: all[i] })
        .collect();
    let mut groups: Vec<Option<String>> = groups_of(&p.target_groups).into_iter().map(Some).collect();
    for r in people {
        if !groups.contains(&r.target_group) {
            groups.push(r.target_group.clone());
        }
    }
    let equality = groups
        .into_iter()
        .filter_map(|g| {
            let n = tally(&mut people.iter().filter(|r| r.target_group == g));
            // Those with no flag appear only when there are some.
            if g.is_none() && n[0] == 0 {
                return None;
            }
            Some(EqualityRow {
                group: g,
                referrals: Cell::of(n[0]),
                starts: Cell::of(n[1]),
                completions: Cell::of(n[2]),
                job_entries: Cell::of(n[3]),
                sustained_jobs: Cell::of(n[4]),
            })
        })
        .collect();
    (outputs, equality)
}

async fn district_codes<C: accord_db::sea_orm::ConnectionTrait>(c: &C) -> Result<Vec<(i64, String)>> {
    Ok(accord_db::users::list_districts(c, &accord_db::Scope::All).await?.into_iter().map(|d| (d.id, d.code)).collect())
}

async fn views<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    rows: Vec<programme::Model>,
    with_people: bool,
) -> Result<Vec<ProgrammeView>> {
    let districts = district_codes(c).await?;
    let partners = q::partners_of(c, rows.iter().map(|r| r.id).collect()).await?;
    let mut org_ids: Vec<i64> = partners.iter().map(|p| p.organisation_id).collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    let orgs = dq::organisations_by_ids(c, org_ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let people = if with_people { q::participants_of(c, r.id).await? } else { vec![] };
        let (outputs, equality) = count(&r, &people);
        out.push(ProgrammeView {
            id: r.id,
            district: districts.iter().find(|d| d.0 == r.district_id).map(|d| d.1.clone()).unwrap_or_default(),
            kind: r.kind.clone(),
            name: r.name.clone(),
            description: r.description.clone(),
            start_date: r.start_date,
            end_date: r.end_date,
            target_groups: groups_of(&r.target_groups),
            partners: partners
                .iter()
                .filter(|p| p.programme_id == r.id)
                .filter_map(|p| {
                    let o = orgs.iter().find(|o| o.id == p.organisation_id)?;
                    Some(PartnerView {
                        organisation_id: o.id,
                        r#ref: o.r#ref.clone(),
                        name: o.name.clone(),
                        role: p.role.clone(),
                    })
                })
                .collect(),
            outputs,
            equality,
            version: r.version,
        });
    }
    Ok(out)
}

/// One page of the programmes the actor may see, newest start first, with their outputs.
pub async fn list(app: &App, actor: &Actor, paging: Paging) -> Result<Page<ProgrammeView>> {
    require(can_view(actor))?;
    let (rows, total) = q::list(&app.db.conn, &actor.scope(), paging.page, paging.per_page).await?;
    Ok(Page { items: views(&app.db.conn, rows, true).await?, total, paging })
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<ProgrammeView> {
    require(can_view(actor))?;
    let row = q::get(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    Ok(views(&app.db.conn, vec![row], true).await?.remove(0))
}

/// The checked fields of a programme.
struct Checked {
    kind: ProgrammeKind,
    name: String,
    description: Option<String>,
    start: NaiveDate,
    end: Option<NaiveDate>,
    groups: String,
    targets: [Option<i32>; 5],
}

fn required_date(errors: &mut FieldErrors, field: &str, s: &str) -> Option<NaiveDate> {
    match opt(s) {
        None => {
            errors.add(field, "field.required", None);
            None
        }
        Some(t) => errors.take(field, t, parse_date(t)),
    }
}

fn optional_date(errors: &mut FieldErrors, field: &str, s: &str) -> Option<NaiveDate> {
    opt(s).and_then(|t| errors.take(field, t, parse_date(t)))
}

fn check(input: &ProgrammeInput) -> std::result::Result<Checked, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = match opt(&input.kind) {
        None => {
            errors.add("kind", "field.required", None);
            None
        }
        Some(k) => errors.take("kind", k, ProgrammeKind::parse(k)),
    };
    let name = match opt(&input.name) {
        None => {
            errors.add("name", "field.required", None);
            None
        }
        Some(_) => short_text(&mut errors, "name", &input.name, MAX_NAME),
    };
    let description = short_text(&mut errors, "description", &input.description, MAX_DESCRIPTION);
    let start = required_date(&mut errors, "start_date", &input.start_date);
    let end = optional_date(&mut errors, "end_date", &input.end_date);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.add("end_date", "programme.end_before_start", Some(&e.to_string()));
    }
    let mut groups = vec![];
    for g in input.target_groups.iter().filter_map(|g| opt(g)) {
        if let Some(t) = errors.take("target_groups", g, TargetGroup::parse(g)) {
            groups.push(t);
        }
    }
    groups.sort();
    groups.dedup();
    let mut targets = [None; 5];
    let fields = [
        ("target_referrals", &input.target_referrals),
        ("target_starts", &input.target_starts),
        ("target_completions", &input.target_completions),
        ("target_job_entries", &input.target_job_entries),
        ("target_sustained_jobs", &input.target_sustained_jobs),
    ];
    for (i, (field, value)) in fields.into_iter().enumerate() {
        if let Some(t) = opt(value) {
            match t.parse::<i32>() {
                Ok(n) if (0..=MAX_TARGET).contains(&n) => targets[i] = Some(n),
                _ => errors.add(field, "programme.target_invalid", Some(t)),
            }
        }
    }
    errors.into_result()?;
    let (Some(kind), Some(name), Some(start)) = (kind, name, start) else {
        return Err(FieldErrors::single("name", "field.required", None));
    };
    Ok(Checked {
        kind,
        name,
        description,
        start,
        end,
        groups: groups.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(";"),
        targets,
    })
}

fn fields(c: &Checked) -> ProgrammeFields<'_> {
    ProgrammeFields {
        kind: c.kind.as_str(),
        name: &c.name,
        description: c.description.as_deref(),
        start_date: c.start,
        end_date: c.end,
        target_groups: &c.groups,
        targets: c.targets,
    }
}

fn audit_value(v: &ProgrammeView) -> serde_json::Value {
    serde_json::json!({
        "kind": v.kind, "name": v.name, "description": v.description, "start_date": v.start_date,
        "end_date": v.end_date, "target_groups": v.target_groups,
        "targets": v.outputs.iter().map(|o| (o.measure.clone(), o.target)).collect::<std::collections::BTreeMap<_, _>>(),
    })
}

/// Sets up a programme in a district the actor works in.
pub async fn create(app: &App, actor: &Actor, input: &ProgrammeInput) -> Result<ProgrammeView> {
    require(can_write(actor))?;
    let district = dir::pick_district(app, actor, input.district.as_deref()).await?;
    let checked = check(input).map_err(AppError::Invalid)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = q::insert_programme(&txn, district.id, fields(&checked), actor.user_id, now).await?;
    let v = views(&txn, vec![row], false).await?.remove(0);
    let mut e = actor.audit("create", "programme", Some(v.id.to_string()));
    e.district_id = Some(district.id);
    e.after = Some(audit_value(&v));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get(app, actor, v.id).await
}

/// Edits a programme at the version read; a stale version is a conflict naming what changed.
pub async fn update(app: &App, actor: &Actor, id: i64, input: &ProgrammeInput) -> Result<ProgrammeView> {
    require(can_write(actor))?;
    let before = get(app, actor, id).await?;
    let checked = check(input).map_err(AppError::Invalid)?;
    let version = input.version.unwrap_or(before.version);
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !q::update_programme(&txn, id, version, fields(&checked), now).await? {
        drop(txn);
        let current = get(app, actor, id).await?;
        let mut changed = vec![];
        let mine = fields(&checked);
        for (name, differs) in [
            ("kind", current.kind != mine.kind),
            ("name", current.name != mine.name),
            ("description", current.description.as_deref() != mine.description),
            ("start_date", current.start_date != mine.start_date),
            ("end_date", current.end_date != mine.end_date),
            ("target_groups", current.target_groups.join(";") != mine.target_groups),
        ] {
            if differs {
                changed.push(name.to_owned());
            }
        }
        return Err(AppError::Conflict { current: serde_json::to_value(&current).unwrap_or_default(), changed });
    }
    let row = q::lock(&txn, id).await?.ok_or(AppError::NotFound)?;
    let district_id = row.district_id;
    let after = views(&txn, vec![row], false).await?.remove(0);
    let mut e = actor.audit("update", "programme", Some(id.to_string()));
    e.district_id = Some(district_id);
    e.before = Some(audit_value(&before));
    e.after = Some(audit_value(&after));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get(app, actor, id).await
}

/// Adds an organisation of the programme's district to it in a role (once per role).
pub async fn add_partner(app: &App, actor: &Actor, id: i64, input: &PartnerInput) -> Result<ProgrammeView> {
    require(can_write(actor))?;
    let c = &app.db.conn;
    let p = q::get(c, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let org = match opt(&input.organisation) {
        None => {
            errors.add("organisation", "field.required", None);
            None
        }
        Some(r) => crate::directory::resolve_org(c, &[p.district_id], "organisation", r, &mut errors).await?,
    };
    let role = match opt(&input.role) {
        None => {
            errors.add("role", "field.required", None);
            None
        }
        Some(r) => errors.take("role", r, PartnerRole::parse(r)),
    };
    errors.into_result()?;
    let (Some(org), Some(role)) = (org, role) else { return Err(AppError::Internal("unchecked partner".into())) };
    let now = Utc::now();
    let txn = app.db.write().await?;
    q::insert_partner(&txn, p.id, org.id, role.as_str(), now).await.map_err(|e| {
        if accord_db::is_unique_violation(&e) {
            AppError::field("organisation", "programme.partner_exists", Some(&org.name))
        } else {
            e.into()
        }
    })?;
    let mut e = actor.audit("add_partner", "programme", Some(p.id.to_string()));
    e.district_id = Some(p.district_id);
    e.after = Some(serde_json::json!({"organisation": org.r#ref, "role": role.as_str()}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get(app, actor, id).await
}

/// A participation record checked against the programme: its reference, its eligibility flag
/// among the programme's target groups, and stages in order (a start on or after the referral,
/// a completion after a start, a sustained job after a job entry).
fn check_participant(
    errors: &mut FieldErrors,
    prefix: &str,
    groups: &[String],
    input: &ParticipantInput,
) -> Option<(String, Option<TargetGroup>, [Option<NaiveDate>; 5])> {
    let f = |name: &str| format!("{prefix}{name}");
    let citizen = match opt(&input.citizen_ref) {
        None => {
            errors.add(&f("citizen_ref"), "field.required", None);
            None
        }
        Some(c) => errors.take(&f("citizen_ref"), c, accord_domain::activity::citizen_ref(c)),
    };
    let group = match opt(&input.target_group) {
        None => None,
        Some(g) => match errors.take(&f("target_group"), g, TargetGroup::parse(g)) {
            Some(t) if groups.iter().any(|x| x == t.as_str()) => Some(t),
            Some(_) => {
                errors.add(&f("target_group"), "programme.group_not_targeted", Some(g));
                None
            }
            None => None,
        },
    };
    let referred = required_date(errors, &f("referred_on"), &input.referred_on);
    let started = optional_date(errors, &f("started_on"), &input.started_on);
    let completed = optional_date(errors, &f("completed_on"), &input.completed_on);
    let job = optional_date(errors, &f("job_on"), &input.job_on);
    let sustained = optional_date(errors, &f("sustained_on"), &input.sustained_on);
    let mut order =
        |field: &str, later: Option<NaiveDate>, earlier: Option<NaiveDate>, missing: bool| match (later, earlier) {
            (Some(l), Some(e)) if l < e => errors.add(&f(field), "programme.stage_before", Some(&l.to_string())),
            (Some(l), None) if missing => errors.add(&f(field), "programme.stage_missing", Some(&l.to_string())),
            _ => {}
        };
    order("started_on", started, referred, false);
    order("completed_on", completed, started, true);
    order("job_on", job, referred, false);
    order("sustained_on", sustained, job, true);
    let citizen = citizen?;
    let referred = referred?;
    if !input.target_group.trim().is_empty() && group.is_none() {
        return None;
    }
    Some((citizen, group, [Some(referred), started, completed, job, sustained]))
}

/// Records participation in a programme: one record per reference, brought up to date when it
/// is there already. All or nothing: with more than one record, an error names its line
/// (`line N`, counting from 1) before the field.
pub async fn record_participants(
    app: &App,
    actor: &Actor,
    id: i64,
    inputs: &[ParticipantInput],
) -> Result<ProgrammeView> {
    require(can_write(actor))?;
    let p = q::get(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let groups = groups_of(&p.target_groups);
    let mut errors = FieldErrors::new();
    let mut checked = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let prefix = if inputs.len() > 1 { format!("line {}, ", i + 1) } else { String::new() };
        if let Some(c) = check_participant(&mut errors, &prefix, &groups, input) {
            checked.push(c);
        }
    }
    if inputs.is_empty() {
        errors.add("citizen_ref", "field.required", None);
    }
    errors.into_result()?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    q::lock(&txn, p.id).await?.ok_or(AppError::NotFound)?;
    for (citizen, group, d) in &checked {
        let fields = ParticipantFields {
            citizen_ref: citizen,
            target_group: group.map(|g| g.as_str()),
            referred_on: d[0].unwrap_or(now.date_naive()),
            started_on: d[1],
            completed_on: d[2],
            job_on: d[3],
            sustained_on: d[4],
        };
        let added = q::save_participant(&txn, p.id, &fields, now).await?;
        let mut e = actor.audit(
            if added { "add_participant" } else { "update_participant" },
            "programme",
            Some(p.id.to_string()),
        );
        e.district_id = Some(p.district_id);
        e.after = Some(serde_json::json!({
            "citizen_ref": citizen, "target_group": group.map(|g| g.as_str()), "referred_on": d[0],
            "started_on": d[1], "completed_on": d[2], "job_on": d[3], "sustained_on": d[4],
        }));
        accord_db::audit::append(&txn, e, now).await?;
    }
    txn.commit().await?;
    get(app, actor, id).await
}

// ---- budgets ----

async fn line_views<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    scope: &accord_db::Scope,
    rows: Vec<budget_line::Model>,
) -> Result<Budget> {
    let districts = district_codes(c).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let spent = q::spent_by_line(c, ids.clone()).await?;
    let spend = q::spend_of(c, ids).await?;
    let mut names: Vec<(i64, String)> = vec![];
    for pid in rows.iter().filter_map(|r| r.programme_id) {
        if !names.iter().any(|n| n.0 == pid)
            && let Some(p) = q::get(c, scope, pid).await?
        {
            names.push((pid, p.name));
        }
    }
    let lines: Vec<LineView> = rows
        .into_iter()
        .map(|r| {
            let s = spent.get(&r.id).copied().unwrap_or(0);
            LineView {
                id: r.id,
                district: districts.iter().find(|d| d.0 == r.district_id).map(|d| d.1.clone()).unwrap_or_default(),
                programme_id: r.programme_id,
                programme_name: r.programme_id.and_then(|p| names.iter().find(|n| n.0 == p)).map(|n| n.1.clone()),
                funding_source: r.funding_source,
                name: r.name,
                year: r.year,
                budget_minor: r.amount_minor,
                spent_minor: s,
                remaining_minor: r.amount_minor - s,
                budget: plain(r.amount_minor),
                spent: plain(s),
                remaining: plain(r.amount_minor - s),
                closed: r.closed,
                spend: spend
                    .iter()
                    .filter(|x| x.line_id == r.id)
                    .map(|x| SpendView {
                        id: x.id,
                        spent_on: x.spent_on,
                        amount_minor: x.amount_minor,
                        description: x.description.clone(),
                        activity_id: x.activity_id,
                    })
                    .collect(),
                version: r.version,
            }
        })
        .collect();
    let budget: i64 = lines.iter().map(|l| l.budget_minor).sum();
    let spent: i64 = lines.iter().map(|l| l.spent_minor).sum();
    Ok(Budget {
        lines,
        budget_minor: budget,
        spent_minor: spent,
        remaining_minor: budget - spent,
        budget: plain(budget),
        spent: plain(spent),
        remaining: plain(budget - spent),
    })
}

/// A programme's budget: its lines, what was spent and what remains.
pub async fn programme_budget(app: &App, actor: &Actor, id: i64) -> Result<Budget> {
    require(can_view(actor))?;
    let c = &app.db.conn;
    let scope = actor.scope();
    q::get(c, &scope, id).await?.ok_or(AppError::NotFound)?;
    let rows = q::lines(c, &scope, Lines::Programme(id)).await?;
    line_views(c, &scope, rows).await
}

/// The secretariat's own budget lines (no programme), of one district and year when given.
pub async fn secretariat_budget(app: &App, actor: &Actor, district: Option<&str>, year: Option<i32>) -> Result<Budget> {
    require(can_view(actor))?;
    let c = &app.db.conn;
    let scope = actor.scope();
    let district_id = match district {
        None => None,
        Some(code) => Some(dir::pick_district(app, actor, Some(code)).await?.id),
    };
    let rows = q::lines(c, &scope, Lines::Secretariat { district_id, year }).await?;
    line_views(c, &scope, rows).await
}

pub async fn get_line(app: &App, actor: &Actor, id: i64) -> Result<LineView> {
    require(can_view(actor))?;
    let c = &app.db.conn;
    let scope = actor.scope();
    let row = q::line(c, &scope, id).await?.ok_or(AppError::NotFound)?;
    Ok(line_views(c, &scope, vec![row]).await?.lines.remove(0))
}

/// Opens a budget line: a programme's (`programme_id`), or the secretariat's own in a district
/// the actor works in.
pub async fn create_line(app: &App, actor: &Actor, programme_id: Option<i64>, input: &LineInput) -> Result<LineView> {
    require(can_write(actor))?;
    let c = &app.db.conn;
    let district_id = match programme_id {
        Some(pid) => q::get(c, &actor.scope(), pid).await?.ok_or(AppError::NotFound)?.district_id,
        None => dir::pick_district(app, actor, input.district.as_deref()).await?.id,
    };
    let mut errors = FieldErrors::new();
    let source = match opt(&input.funding_source) {
        None => {
            errors.add("funding_source", "field.required", None);
            None
        }
        Some(s) => errors.take("funding_source", s, FundingSource::parse(s)),
    };
    let name = match opt(&input.name) {
        None => {
            errors.add("name", "field.required", None);
            None
        }
        Some(_) => short_text(&mut errors, "name", &input.name, MAX_NAME),
    };
    let year = match opt(&input.year) {
        None => {
            errors.add("year", "field.required", None);
            None
        }
        Some(y) => errors.take("year", y, accord_domain::report::parse_year(y)),
    };
    let minor = match opt(&input.amount) {
        None => {
            errors.add("amount", "field.required", None);
            None
        }
        Some(a) => errors.take("amount", a, amount(a)),
    };
    errors.into_result()?;
    let (Some(source), Some(name), Some(year), Some(minor)) = (source, name, year, minor) else {
        return Err(AppError::Internal("unchecked budget line".into()));
    };
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = q::insert_line(
        &txn,
        NewLine {
            district_id,
            programme_id,
            funding_source: source.as_str(),
            name: &name,
            year,
            amount_minor: minor,
            created_by: actor.user_id,
        },
        now,
    )
    .await?;
    let mut e = actor.audit("create", "budget_line", Some(row.id.to_string()));
    e.district_id = Some(district_id);
    e.after = Some(serde_json::json!({
        "programme_id": programme_id, "funding_source": source.as_str(), "name": name, "year": year,
        "amount_minor": minor,
    }));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get_line(app, actor, row.id).await
}

/// Records spend on an open line, exact in minor units; spend on a closed line is refused
/// naming `amount`.
pub async fn record_spend(app: &App, actor: &Actor, line_id: i64, input: &SpendInput) -> Result<LineView> {
    require(can_write(actor))?;
    let c = &app.db.conn;
    let line = q::line(c, &actor.scope(), line_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    if line.closed {
        errors.add("amount", "budget.line_closed", Some(&line.name));
        return Err(AppError::Invalid(errors));
    }
    let on = required_date(&mut errors, "spent_on", &input.spent_on);
    let minor = match opt(&input.amount) {
        None => {
            errors.add("amount", "field.required", None);
            None
        }
        Some(a) => match errors.take("amount", a, amount(a)) {
            Some(0) => {
                errors.add("amount", "budget.amount_zero", Some(a));
                None
            }
            m => m,
        },
    };
    let description = match opt(&input.description) {
        None => {
            errors.add("description", "field.required", None);
            None
        }
        Some(_) => short_text(&mut errors, "description", &input.description, MAX_NAME),
    };
    let line_district = district_code(app, line.district_id).await?;
    let activity = match opt(&input.activity_id) {
        None => None,
        Some(a) => match a.parse::<i64>() {
            Ok(n) => match crate::activities::get_activity_quietly(app, actor, n).await {
                Ok(v) if v.district == line_district => Some(n),
                _ => {
                    errors.add("activity_id", "budget.activity_unknown", Some(a));
                    None
                }
            },
            Err(_) => {
                errors.add("activity_id", "budget.activity_unknown", Some(a));
                None
            }
        },
    };
    errors.into_result()?;
    let (Some(on), Some(minor), Some(description)) = (on, minor, description) else {
        return Err(AppError::Internal("unchecked spend".into()));
    };
    let now = Utc::now();
    let txn = app.db.write().await?;
    // Closed meanwhile: the line takes no more spend.
    let locked = q::lock_line(&txn, line.id).await?.ok_or(AppError::NotFound)?;
    if locked.closed {
        return Err(AppError::field("amount", "budget.line_closed", Some(&locked.name)));
    }
    q::insert_spend(
        &txn,
        NewSpend {
            line_id: line.id,
            spent_on: on,
            amount_minor: minor,
            description: &description,
            activity_id: activity,
            created_by: actor.user_id,
        },
        now,
    )
    .await?;
    let mut e = actor.audit("record_spend", "budget_line", Some(line.id.to_string()));
    e.district_id = Some(line.district_id);
    e.after = Some(serde_json::json!({
        "spent_on": on, "amount_minor": minor, "description": description, "activity_id": activity,
    }));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get_line(app, actor, line_id).await
}

async fn district_code(app: &App, id: i64) -> Result<String> {
    Ok(district_codes(&app.db.conn).await?.into_iter().find(|d| d.0 == id).map(|d| d.1).unwrap_or_default())
}

/// Closes a line at the version read: it keeps its spend and takes no more.
pub async fn close_line(app: &App, actor: &Actor, line_id: i64, version: Option<i32>) -> Result<LineView> {
    require(can_write(actor))?;
    let line = q::line(&app.db.conn, &actor.scope(), line_id).await?.ok_or(AppError::NotFound)?;
    if line.closed {
        return get_line(app, actor, line_id).await;
    }
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !q::close_line(&txn, line.id, version.unwrap_or(line.version), now).await? {
        drop(txn);
        let current = get_line(app, actor, line_id).await?;
        return Err(AppError::Conflict {
            current: serde_json::to_value(&current).unwrap_or_default(),
            changed: vec!["closed".into()],
        });
    }
    let mut e = actor.audit("close", "budget_line", Some(line.id.to_string()));
    e.district_id = Some(line.district_id);
    e.before = Some(serde_json::json!({"closed": false}));
    e.after = Some(serde_json::json!({"closed": true}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get_line(app, actor, line_id).await
}

/// The columns of a spend file.
pub const SPEND_COLUMNS: [&str; 4] = ["spent_on", "amount", "description", "activity_id"];

/// Imports spend on an open line from a CSV or XLSX file with the columns [`SPEND_COLUMNS`]
/// (`spent_on`, `amount` and `description` required). All or nothing: any bad row writes
/// nothing, and every problem is named `line N, column C`. Returns how many rows were (or with
/// `dry_run`, would be) recorded, and their total in minor units.
pub async fn import_spend(app: &App, actor: &Actor, line_id: i64, bytes: &[u8], dry_run: bool) -> Result<(usize, i64)> {
    require(can_write(actor))?;
    let line = q::line(&app.db.conn, &actor.scope(), line_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    if line.closed {
        errors.add("line 1, column amount", "budget.line_closed", Some(&line.name));
        return Err(AppError::Invalid(errors));
    }
    let table =
        crate::files::read_table(bytes).map_err(|e| AppError::field("line 1", "import.unreadable", Some(&e)))?;
    for h in &table.header {
        if !SPEND_COLUMNS.contains(&h.as_str()) {
            errors.add(&format!("line 1, column {h}"), "import.unknown_columns", Some(h));
        }
    }
    for c in &SPEND_COLUMNS[..3] {
        if table.col(c).is_none() {
            errors.add(&format!("line 1, column {c}"), "import.missing_column", Some(c));
        }
    }
    errors.into_result()?;
    let line_district = district_code(app, line.district_id).await?;
    let mut errors = FieldErrors::new();
    let mut rows = vec![];
    for (n, cells) in &table.rows {
        let cell = |c: &str| table.col(c).and_then(|i| cells.get(i)).map(String::as_str).unwrap_or("");
        let key = |c: &str| format!("line {n}, column {c}");
        let on = required_date(&mut errors, &key("spent_on"), cell("spent_on"));
        let minor = match opt(cell("amount")) {
            None => {
                errors.add(&key("amount"), "field.required", None);
                None
            }
            Some(a) => match errors.take(&key("amount"), a, amount(a)) {
                Some(0) => {
                    errors.add(&key("amount"), "budget.amount_zero", Some(a));
                    None
                }
                m => m,
            },
        };
        let description = match opt(cell("description")) {
            None => {
                errors.add(&key("description"), "field.required", None);
                None
            }
            Some(d) => short_text(&mut errors, &key("description"), d, MAX_NAME),
        };
        let activity = match opt(cell("activity_id")) {
            None => None,
            Some(a) => {
                let found = match a.parse::<i64>() {
                    Ok(id) => crate::activities::get_activity_quietly(app, actor, id)
                        .await
                        .ok()
                        .filter(|v| v.district == line_district)
                        .map(|_| id),
                    Err(_) => None,
                };
                if found.is_none() {
                    errors.add(&key("activity_id"), "budget.activity_unknown", Some(a));
                }
                found
            }
        };
        if let (Some(on), Some(minor), Some(description)) = (on, minor, description) {
            rows.push((on, minor, description, activity));
        }
    }
    errors.into_result()?;
    let total: i64 = rows.iter().map(|r| r.1).sum();
    if dry_run {
        return Ok((rows.len(), total));
    }
    let now = Utc::now();
    let txn = app.db.write().await?;
    let locked = q::lock_line(&txn, line.id).await?.ok_or(AppError::NotFound)?;
    if locked.closed {
        return Err(AppError::field("line 1, column amount", "budget.line_closed", Some(&locked.name)));
    }
    for (on, minor, description, activity) in &rows {
        let s = NewSpend {
            line_id: line.id,
            spent_on: *on,
            amount_minor: *minor,
            description,
            activity_id: *activity,
            created_by: actor.user_id,
        };
        q::insert_spend(&txn, s, now).await?;
    }
    let mut e = actor.audit("import_spend", "budget_line", Some(line.id.to_string()));
    e.district_id = Some(line.district_id);
    e.after = Some(serde_json::json!({"rows": rows.len(), "amount_minor": total}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok((rows.len(), total))
}

// ---- the report ----

/// A programme's report: its outputs against targets, its equality table and its budget.
pub async fn report(app: &App, actor: &Actor, id: i64) -> Result<ProgrammeReport> {
    Ok(ProgrammeReport { programme: get(app, actor, id).await?, budget: programme_budget(app, actor, id).await? })
}

/// The report as CSV: one row per figure (`section,measure,group,target,actual`); equality
/// figures from 1 to 4 people are `<5`; money in major units with a point.
pub fn report_csv(r: &ProgrammeReport) -> String {
    let mut out = String::from("section,measure,group,target,actual\n");
    for o in &r.programme.outputs {
        let target = o.target.map(|t| t.to_string()).unwrap_or_default();
        out.push_str(&format!("outputs,{},,{target},{}\n", o.measure, o.actual));
    }
    for row in &r.programme.equality {
        for (m, cell) in MEASURES.iter().zip(row.cells()) {
            let shown = cell.0.map(|n| n.to_string()).unwrap_or_else(|| "<5".into());
            out.push_str(&format!("equality,{m},{},,{shown}\n", row.group.as_deref().unwrap_or("none")));
        }
    }
    for l in &r.budget.lines {
        out.push_str(&format!("budget,line {},{},{},{}\n", l.id, l.funding_source, l.budget, l.spent));
    }
    out.push_str(&format!("budget,total,,{},{}\n", r.budget.budget, r.budget.spent));
    out
}

/// Re-exported for the pages: minor units as the locale writes money.
pub use accord_domain::programme::money;

// ---- job shops ----

/// The programme by its id, read through the actor's scope.
pub(crate) async fn programme_row(app: &App, actor: &Actor, id: i64) -> Result<programme::Model> {
    q::get(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)
}

/// The job shops held for a programme (some may serve a redundancy event as well), latest first.
pub async fn job_shops(app: &App, actor: &Actor, id: i64) -> Result<Vec<crate::job_shops::JobShopView>> {
    require(can_view(actor))?;
    crate::job_shops::of_programme(app, actor, id).await
}

/// Records a job shop of a programme (`id` none), or changes one at the version read; the
/// input may name a redundancy event of the same district that the job shop also serves.
pub async fn save_job_shop(
    app: &App,
    actor: &Actor,
    programme_id: Option<i64>,
    id: Option<i64>,
    input: &crate::job_shops::JobShopInput,
) -> Result<crate::job_shops::JobShopView> {
    require(can_write(actor))?;
    crate::job_shops::save(app, actor, programme_id.map(crate::job_shops::Owner::Programme), id, input).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(group: Option<&str>, stages: usize) -> programme_participant::Model {
        let d = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
        let at = |i: usize| (stages > i).then_some(d);
        programme_participant::Model {
            id: 0,
            programme_id: 1,
            citizen_ref: "x".into(),
            target_group: group.map(str::to_owned),
            referred_on: d,
            started_on: at(1),
            completed_on: at(2),
            job_on: at(3),
            sustained_on: at(4),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn outputs_are_counted_and_small_groups_hidden() {
        let now = Utc::now();
        let p = programme::Model {
            id: 1,
            district_id: 1,
            kind: "job_rotation".into(),
            name: "p".into(),
            description: None,
            start_date: NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
            end_date: None,
            target_groups: "long_term_unemployed;young_people".into(),
            target_referrals: Some(10),
            target_starts: None,
            target_completions: None,
            target_job_entries: Some(3),
            target_sustained_jobs: None,
            created_by: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let mut people: Vec<_> = (0..6).map(|i| person(Some("long_term_unemployed"), 1 + i % 5)).collect();
        people.push(person(Some("young_people"), 4));
        people.push(person(None, 5));
        let (outputs, equality) = count(&p, &people);
        let actual: Vec<i64> = outputs.iter().map(|o| o.actual).collect();
        assert_eq!(actual, [8, 6, 5, 4, 2]);
        assert_eq!((outputs[0].target, outputs[3].target), (Some(10), Some(3)));
        assert_eq!(equality.len(), 3);
        assert_eq!(equality[0].referrals, Cell(Some(6)));
        assert_eq!(equality[0].starts, Cell(None));
        assert_eq!(equality[0].job_entries, Cell(None));
        assert_eq!(equality[1].referrals, Cell(None));
        assert_eq!(equality[2].group, None);
    }
}
