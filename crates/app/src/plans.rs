//! Action plans and their quarterly progress reports (seed 004): a plan has actions ("3.3.1")
//! with lead partners; an action has milestones with owners, a due date or "date to be
//! agreed", a status, dated progress comments and resource implications. The progress report
//! for a quarter shows every milestone as it stood at the quarter's end, with the comments
//! written by then and the meetings held as evidence; an issued report is kept unchanged.
//!
//! A partner user sees only the plans their organisation takes part in (it leads an action or
//! owns a milestone), and may change the status of, and comment on, only the milestones their
//! organisation owns.

use crate::directory as dir;
use crate::partnerships::{
    self as bodies, BodyRef, OrgName, audit_save, can_manage, date, differing, lenient, limited_to_partner, lines,
    org_names, patch_over, put_versioned, require, required, resolve_orgs, text, val,
};
use crate::{Actor, App, AppError, Result};
use accord_db::entities::{
    body, meeting_item, milestone, milestone_update, plan, plan_action, progress_snapshot, user,
};
use accord_db::partnerships as q;
use accord_db::sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use accord_domain::partnership::is_overdue;
use accord_domain::{FieldErrors, MilestoneStatus, Quarter, ResourceKind, Role};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// Staff read every plan of their districts; partner users the plans they take part in.
pub fn can_view(actor: &Actor) -> bool {
    bodies::can_view(actor)
}

// ---- views ----

/// How many milestones stand where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusCounts {
    pub total: u32,
    pub not_started: u32,
    pub on_track: u32,
    pub achieved: u32,
    pub likely_delayed: u32,
    pub dropped: u32,
    /// Open milestones past their due date (counted in their status too).
    pub overdue: u32,
}

impl StatusCounts {
    fn add(&mut self, s: MilestoneStatus, overdue: bool) {
        self.total += 1;
        match s {
            MilestoneStatus::NotStarted => self.not_started += 1,
            MilestoneStatus::OnTrack => self.on_track += 1,
            MilestoneStatus::Achieved => self.achieved += 1,
            MilestoneStatus::LikelyDelayed => self.likely_delayed += 1,
            MilestoneStatus::Dropped => self.dropped += 1,
        }
        if overdue {
            self.overdue += 1;
        }
    }
}

/// A staff member as a milestone names them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct UserRef {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// A dated progress comment, with the status it set.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UpdateView {
    pub id: i64,
    pub written_on: NaiveDate,
    /// The status it set, if it set one.
    #[schema(schema_with = crate::schema::code_or_none::<accord_domain::partnership::MilestoneStatus>)]
    pub status: Option<String>,
    pub comment: Option<String>,
    pub author: String,
    /// The partner organisation it was written for.
    pub organisation: Option<OrgName>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MilestoneView {
    pub id: i64,
    pub action_id: i64,
    pub plan_id: i64,
    pub description: String,
    /// None: "date to be agreed".
    pub due_on: Option<NaiveDate>,
    /// The due date stands for its month ("June 04").
    pub due_month: bool,
    /// `not_started`, `on_track`, `achieved`, `likely_delayed` or `dropped`.
    #[schema(schema_with = crate::schema::code::<accord_domain::partnership::MilestoneStatus>)]
    pub status: String,
    pub overdue: bool,
    /// `existing`, `staff_time`, `funding`, `staff_and_funding` or `tbd`.
    #[schema(schema_with = crate::schema::code::<accord_domain::partnership::ResourceKind>)]
    pub resource_kind: String,
    pub resources: Option<String>,
    pub owners: Vec<OrgName>,
    pub contact: Option<UserRef>,
    pub updates: Vec<UpdateView>,
    /// Whether the caller may change the status and comment.
    pub may_update: bool,
    pub position: i32,
    pub version: i32,
}

impl MilestoneView {
    pub fn input(&self) -> MilestoneInput {
        MilestoneInput {
            description: Some(self.description.clone()),
            due_on: Some(self.due_on.map(|d| d.to_string()).unwrap_or_default()),
            due_month: Some(if self.due_month { "true".into() } else { "false".into() }),
            resource_kind: Some(self.resource_kind.clone()),
            resources: Some(self.resources.clone().unwrap_or_default()),
            owners: Some(self.owners.iter().map(|o| o.reference.clone()).collect()),
            other_owners: Some(String::new()),
            contact: Some(self.contact.as_ref().map(|c| c.email.clone()).unwrap_or_default()),
            position: Some(self.position.to_string()),
            version: Some(self.version),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActionView {
    pub id: i64,
    pub plan_id: i64,
    pub reference: String,
    pub title: String,
    /// The group that works on the action; its meetings are the action's evidence.
    pub body: Option<BodyRef>,
    pub leads: Vec<OrgName>,
    pub milestones: Vec<MilestoneView>,
    pub position: i32,
    pub version: i32,
}

impl ActionView {
    pub fn input(&self) -> ActionInput {
        ActionInput {
            reference: Some(self.reference.clone()),
            title: Some(self.title.clone()),
            body_id: Some(self.body.as_ref().map(|b| b.id.to_string()).unwrap_or_default()),
            leads: Some(self.leads.iter().map(|o| o.reference.clone()).collect()),
            other_leads: Some(String::new()),
            position: Some(self.position.to_string()),
            version: Some(self.version),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlanView {
    pub id: i64,
    pub district: String,
    pub title: String,
    pub theme: Option<String>,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The body that owns the plan.
    pub body: Option<BodyRef>,
    pub notes: Option<String>,
    pub actions: Vec<ActionView>,
    /// Where the milestones stand today.
    pub counts: StatusCounts,
    pub version: i32,
}

impl PlanView {
    pub fn input(&self) -> PlanInput {
        PlanInput {
            district: Some(self.district.clone()),
            title: Some(self.title.clone()),
            theme: Some(self.theme.clone().unwrap_or_default()),
            period_start: Some(self.period_start.to_string()),
            period_end: Some(self.period_end.to_string()),
            body_id: Some(self.body.as_ref().map(|b| b.id.to_string()).unwrap_or_default()),
            notes: Some(self.notes.clone().unwrap_or_default()),
            version: Some(self.version),
        }
    }

    pub fn quarters(&self) -> Vec<Quarter> {
        Quarter::between(self.period_start, self.period_end)
    }

    pub fn milestone(&self, id: i64) -> Option<(&ActionView, &MilestoneView)> {
        self.actions.iter().find_map(|a| a.milestones.iter().find(|m| m.id == id).map(|m| (a, m)))
    }
}

// ---- inputs ----

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct PlanInput {
    pub district: Option<String>,
    pub title: Option<String>,
    pub theme: Option<String>,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    /// The id of the owning body; empty for none.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub body_id: Option<String>,
    pub notes: Option<String>,
    pub version: Option<i32>,
}

patch_over!(PlanInput { district, title, theme, period_start, period_end, body_id, notes });

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActionInput {
    /// "3.3.1": unique within the plan.
    #[schema(min_length = 1)]
    pub reference: Option<String>,
    #[schema(min_length = 1)]
    pub title: Option<String>,
    /// The id of the working group; empty for the plan's own body.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub body_id: Option<String>,
    /// Lead partners: organisation references.
    pub leads: Option<Vec<String>>,
    /// More lead partners, references separated by commas or lines.
    pub other_leads: Option<String>,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub position: Option<String>,
    pub version: Option<i32>,
}

patch_over!(ActionInput { reference, title, body_id, leads, other_leads, position });

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct MilestoneInput {
    #[schema(min_length = 1)]
    pub description: Option<String>,
    /// A date, or empty for "date to be agreed".
    pub due_on: Option<String>,
    /// `true`: the date stands for its month ("June 04").
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub due_month: Option<String>,
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::partnership::ResourceKind>)]
    pub resource_kind: Option<String>,
    pub resources: Option<String>,
    /// Owner organisations: references.
    pub owners: Option<Vec<String>>,
    /// More owners, references separated by commas or lines.
    pub other_owners: Option<String>,
    /// The e-mail of the staff member who follows the milestone.
    pub contact: Option<String>,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub position: Option<String>,
    pub version: Option<i32>,
}

patch_over!(MilestoneInput {
    description,
    due_on,
    due_month,
    resource_kind,
    resources,
    owners,
    other_owners,
    contact,
    position
});

/// A progress update: a dated comment, a new status, or both.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct UpdateInput {
    /// The day the progress is reported for; today when left out. Not in the future.
    pub written_on: Option<String>,
    /// A new status; left out or empty keeps the status.
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::partnership::MilestoneStatus>)]
    pub status: Option<String>,
    pub comment: Option<String>,
}

// ---- reading ----

/// The plans (ids) the actor may read, among `rows`.
async fn visible(app: &App, actor: &Actor, rows: Vec<plan::Model>) -> Result<Vec<plan::Model>> {
    if !limited_to_partner(actor) {
        return Ok(if dir::can_view(actor) { rows } else { vec![] });
    }
    let mine = match actor.organisation_id {
        Some(o) if actor.has(Role::Partner) => q::plans_with_partner(&app.db.conn, o).await?,
        _ => vec![],
    };
    Ok(rows.into_iter().filter(|p| mine.contains(&p.id)).collect())
}

async fn plan_row(app: &App, actor: &Actor, id: i64) -> Result<plan::Model> {
    require(can_view(actor))?;
    let p = q::get_plan(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    visible(app, actor, vec![p]).await?.pop().ok_or(AppError::NotFound)
}

fn may_update(actor: &Actor, owners: &[i64]) -> bool {
    can_manage(actor)
        || (actor.has(Role::Partner)
            && !actor.is_read_only()
            && actor.organisation_id.is_some_and(|o| owners.contains(&o)))
}

/// The status a milestone stood at on `day`: the last status set by an update written by then.
/// `updates` are (day reported for, status set) in the order they were written.
fn status_on<'a>(
    updates: impl DoubleEndedIterator<Item = (NaiveDate, Option<&'a str>)>,
    day: NaiveDate,
) -> MilestoneStatus {
    updates
        .filter(|(on, _)| *on <= day)
        .filter_map(|(_, s)| s.and_then(|s| MilestoneStatus::parse(s).ok()))
        .next_back()
        .unwrap_or(MilestoneStatus::NotStarted)
}

/// The plans with their actions and milestones; with their progress updates too when
/// `with_updates` (a list of plans needs only the statuses).
async fn plan_views(app: &App, actor: &Actor, rows: Vec<plan::Model>, with_updates: bool) -> Result<Vec<PlanView>> {
    let c = &app.db.conn;
    let today = Utc::now().date_naive();
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let plan_ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let actions = q::actions_of(c, &plan_ids).await?;
    let action_ids: Vec<i64> = actions.iter().map(|a| a.id).collect();
    let leads = q::leads_of(c, &action_ids).await?;
    let milestones = q::milestones_of(c, &action_ids).await?;
    let ms_ids: Vec<i64> = milestones.iter().map(|m| m.id).collect();
    let owners = q::owners_of(c, &ms_ids).await?;
    let updates = if with_updates { q::updates_of(c, &ms_ids).await? } else { vec![] };
    let orgs = org_names(
        app,
        leads
            .iter()
            .map(|l| l.organisation_id)
            .chain(owners.iter().map(|o| o.organisation_id))
            .chain(updates.iter().filter_map(|u| u.organisation_id)),
    )
    .await?;
    let body_ids: Vec<i64> =
        rows.iter().filter_map(|p| p.body_id).chain(actions.iter().filter_map(|a| a.body_id)).collect();
    let body_rows: HashMap<i64, body::Model> = if body_ids.is_empty() {
        HashMap::new()
    } else {
        body::Entity::find()
            .filter(body::Column::Id.is_in(body_ids))
            .all(c)
            .await?
            .into_iter()
            .map(|b| (b.id, b))
            .collect()
    };
    let bref = |id: Option<i64>| {
        id.and_then(|i| body_rows.get(&i)).map(|b| BodyRef { id: b.id, name: b.name.clone(), kind: b.kind.clone() })
    };
    let contact_ids: Vec<i64> = milestones.iter().filter_map(|m| m.contact_user_id).collect();
    let contacts: HashMap<i64, user::Model> = if contact_ids.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(contact_ids))
            .all(c)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect()
    };
    let org = |id: i64| orgs.get(&id).cloned().unwrap_or(OrgName { id, reference: String::new(), name: String::new() });
    Ok(rows
        .into_iter()
        .map(|p| {
            let mut counts = StatusCounts::default();
            let acts: Vec<ActionView> = actions
                .iter()
                .filter(|a| a.plan_id == p.id)
                .map(|a| {
                    let ms: Vec<MilestoneView> = milestones
                        .iter()
                        .filter(|m| m.action_id == a.id)
                        .map(|m| {
                            let own: Vec<i64> =
                                owners.iter().filter(|o| o.milestone_id == m.id).map(|o| o.organisation_id).collect();
                            let status = MilestoneStatus::parse(&m.status).unwrap_or(MilestoneStatus::NotStarted);
                            let overdue = is_overdue(status, m.due_on, today);
                            counts.add(status, overdue);
                            MilestoneView {
                                id: m.id,
                                action_id: a.id,
                                plan_id: p.id,
                                description: m.description.clone(),
                                due_on: m.due_on,
                                due_month: m.due_month,
                                status: status.as_str().to_owned(),
                                overdue,
                                resource_kind: m.resource_kind.clone(),
                                resources: m.resources.clone(),
                                may_update: may_update(actor, &own),
                                owners: own.iter().map(|o| org(*o)).collect(),
                                contact: m.contact_user_id.and_then(|u| contacts.get(&u)).map(|u| UserRef {
                                    id: u.id,
                                    name: u.name.clone(),
                                    email: u.email.clone(),
                                }),
                                updates: updates
                                    .iter()
                                    .filter(|u| u.milestone_id == m.id)
                                    .map(|u| UpdateView {
                                        id: u.id,
                                        written_on: u.written_on,
                                        status: u.status.clone(),
                                        comment: u.comment.clone(),
                                        author: u.author.clone(),
                                        organisation: u.organisation_id.map(org),
                                        created_at: u.created_at,
                                    })
                                    .collect(),
                                position: m.position,
                                version: m.version,
                            }
                        })
                        .collect();
                    ActionView {
                        id: a.id,
                        plan_id: p.id,
                        reference: a.reference.clone(),
                        title: a.title.clone(),
                        body: bref(a.body_id),
                        leads: leads.iter().filter(|l| l.action_id == a.id).map(|l| org(l.organisation_id)).collect(),
                        milestones: ms,
                        position: a.position,
                        version: a.version,
                    }
                })
                .collect();
            PlanView {
                id: p.id,
                district: districts.iter().find(|d| d.id == p.district_id).map(|d| d.code.clone()).unwrap_or_default(),
                body: bref(p.body_id),
                title: p.title,
                theme: p.theme,
                period_start: p.period_start,
                period_end: p.period_end,
                notes: p.notes,
                actions: acts,
                counts,
                version: p.version,
            }
        })
        .collect())
}

/// The plans the actor may read (in one district when a code is given), newest period first.
pub async fn list(app: &App, actor: &Actor, district: Option<&str>) -> Result<Vec<PlanView>> {
    require(can_view(actor))?;
    let d = match dir::opt(district.unwrap_or("")) {
        Some(code) => Some(dir::pick_district(app, actor, Some(code)).await?.id),
        None => None,
    };
    let rows = q::plans(&app.db.conn, &actor.scope(), d).await?;
    let rows = visible(app, actor, rows).await?;
    plan_views(app, actor, rows, false).await
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<PlanView> {
    let p = plan_row(app, actor, id).await?;
    Ok(plan_views(app, actor, vec![p], true).await?.remove(0))
}

/// The plan a milestone belongs to, as the actor may read it.
pub async fn plan_of_milestone(app: &App, actor: &Actor, milestone_id: i64) -> Result<PlanView> {
    let m = q::get_milestone(&app.db.conn, milestone_id).await?.ok_or(AppError::NotFound)?;
    let a = q::get_action(&app.db.conn, m.action_id).await?.ok_or(AppError::NotFound)?;
    get(app, actor, a.plan_id).await
}

pub async fn get_milestone(app: &App, actor: &Actor, id: i64) -> Result<MilestoneView> {
    let p = plan_of_milestone(app, actor, id).await?;
    p.milestone(id).map(|(_, m)| m.clone()).ok_or(AppError::NotFound)
}

pub async fn get_action(app: &App, actor: &Actor, id: i64) -> Result<ActionView> {
    let a = q::get_action(&app.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let p = get(app, actor, a.plan_id).await?;
    p.actions.into_iter().find(|x| x.id == id).ok_or(AppError::NotFound)
}

// ---- writing plans ----

/// A body of the district, by id, for a plan or an action.
async fn body_in(
    app: &App,
    e: &mut FieldErrors,
    field: &str,
    district_id: i64,
    v: &Option<String>,
) -> Result<Option<i64>> {
    match val(v) {
        "" => Ok(None),
        s => match s.parse::<i64>() {
            Ok(id) => match q::get_body(&app.db.conn, &accord_db::Scope::Districts(vec![district_id]), id).await? {
                Some(b) => Ok(Some(b.id)),
                None => {
                    e.add(field, "body.parent_unknown", Some(s));
                    Ok(None)
                }
            },
            Err(_) => {
                e.add(field, "body.parent_unknown", Some(s));
                Ok(None)
            }
        },
    }
}

fn plan_audit(p: &plan::Model) -> serde_json::Value {
    serde_json::json!({
        "title": p.title, "theme": p.theme, "period_start": p.period_start, "period_end": p.period_end,
        "body_id": p.body_id, "notes": p.notes,
    })
}

pub async fn save(app: &App, actor: &Actor, id: Option<i64>, input: &PlanInput) -> Result<PlanView> {
    require(can_manage(actor))?;
    let existing = match id {
        Some(id) => Some(q::get_plan(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let district_id = match &existing {
        Some(p) => p.district_id,
        None => dir::pick_district(app, actor, input.district.as_deref()).await?.id,
    };
    let mut e = FieldErrors::new();
    let title = required(&mut e, "title", &input.title, 300, false);
    let theme = text(&mut e, "theme", &input.theme, 200, false);
    let from = date(&mut e, "period_start", &input.period_start);
    let to = date(&mut e, "period_end", &input.period_end);
    for (f, v, d) in [("period_start", &input.period_start, from), ("period_end", &input.period_end, to)] {
        if d.is_none() && val(v).is_empty() {
            e.add(f, "field.required", None);
        }
    }
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        e.add("period_end", "plan.ends_before_start", None);
    }
    let body_id = body_in(app, &mut e, "body_id", district_id, &input.body_id).await?;
    let notes = text(&mut e, "notes", &input.notes, 20_000, true);
    e.into_result()?;
    let now = Utc::now();
    let am = plan::ActiveModel {
        district_id: Set(district_id),
        title: Set(title.expect("checked")),
        theme: Set(theme),
        period_start: Set(from.expect("checked")),
        period_end: Set(to.expect("checked")),
        body_id: Set(body_id),
        notes: Set(notes),
        updated_at: Set(now),
        ..Default::default()
    };
    let txn = app.db.write().await?;
    let Some(row) = put_versioned!(&txn, existing.as_ref().map(|b| b.id), input.version, am, now, plan, q::update_plan)
    else {
        drop(txn);
        let before_id = existing.as_ref().map(|b| b.id).expect("only a change can be stale");
        let current = get(app, actor, before_id).await?;
        let t = current.input();
        let changed = differing(&[
            ("title", &t.title, &input.title),
            ("theme", &t.theme, &input.theme),
            ("period_start", &t.period_start, &input.period_start),
            ("period_end", &t.period_end, &input.period_end),
            ("body_id", &t.body_id, &input.body_id),
            ("notes", &t.notes, &input.notes),
        ]);
        return Err(bodies::conflict(&current, &changed));
    };
    audit_save(
        &txn,
        actor,
        "plan",
        row.id,
        Some(district_id),
        existing.as_ref().map(plan_audit),
        plan_audit(&row),
        now,
    )
    .await?;
    txn.commit().await?;
    get(app, actor, row.id).await
}

fn position(e: &mut FieldErrors, v: &Option<String>, default: i32) -> i32 {
    match val(v) {
        "" => default,
        s => match s.parse::<i32>() {
            Ok(n) if (0..=10_000).contains(&n) => n,
            _ => {
                e.add("position", "plan.position_invalid", Some(s));
                default
            }
        },
    }
}

fn refs(list: &Option<Vec<String>>, more: &Option<String>) -> Vec<String> {
    let mut out: Vec<String> = list.clone().unwrap_or_default();
    out.extend(lines(more));
    out
}

fn action_audit(a: &plan_action::Model, leads: &[i64]) -> serde_json::Value {
    serde_json::json!({
        "plan_id": a.plan_id, "reference": a.reference, "title": a.title, "body_id": a.body_id,
        "position": a.position, "leads": leads,
    })
}

/// Adds an action to a plan (`id` none) or changes one.
pub async fn save_action(
    app: &App,
    actor: &Actor,
    plan_id: i64,
    id: Option<i64>,
    input: &ActionInput,
) -> Result<ActionView> {
    require(can_manage(actor))?;
    let p = q::get_plan(&app.db.conn, &actor.scope(), plan_id).await?.ok_or(AppError::NotFound)?;
    let existing = match id {
        Some(id) => {
            Some(q::get_action(&app.db.conn, id).await?.filter(|a| a.plan_id == p.id).ok_or(AppError::NotFound)?)
        }
        None => None,
    };
    let siblings = q::actions_of(&app.db.conn, &[p.id]).await?;
    let mut e = FieldErrors::new();
    let reference = required(&mut e, "reference", &input.reference, 40, false);
    if let Some(r) = &reference
        && siblings.iter().any(|a| &a.reference == r && Some(a.id) != id)
    {
        e.add("reference", "action.reference_taken", Some(r));
    }
    let title = required(&mut e, "title", &input.title, 2000, true);
    let body_id = body_in(app, &mut e, "body_id", p.district_id, &input.body_id).await?;
    let leads = resolve_orgs(app, &mut e, "leads", p.district_id, &refs(&input.leads, &input.other_leads)).await?;
    let default_pos = existing.as_ref().map(|a| a.position).unwrap_or(siblings.len() as i32 + 1);
    let pos = position(&mut e, &input.position, default_pos);
    e.into_result()?;
    let before_leads: Vec<i64> = match &existing {
        Some(a) => q::leads_of(&app.db.conn, &[a.id]).await?.iter().map(|l| l.organisation_id).collect(),
        None => vec![],
    };
    let now = Utc::now();
    let am = plan_action::ActiveModel {
        plan_id: Set(p.id),
        reference: Set(reference.expect("checked")),
        title: Set(title.expect("checked")),
        body_id: Set(body_id),
        position: Set(pos),
        updated_at: Set(now),
        ..Default::default()
    };
    let txn = app.db.write().await?;
    let Some(row) =
        put_versioned!(&txn, existing.as_ref().map(|b| b.id), input.version, am, now, plan_action, q::update_action)
    else {
        drop(txn);
        let before_id = existing.as_ref().map(|b| b.id).expect("only a change can be stale");
        let current = get_action(app, actor, before_id).await?;
        let t = current.input();
        let changed = differing(&[
            ("reference", &t.reference, &input.reference),
            ("title", &t.title, &input.title),
            ("body_id", &t.body_id, &input.body_id),
            ("position", &t.position, &input.position),
        ]);
        return Err(bodies::conflict(&current, &changed));
    };
    q::set_leads(&txn, row.id, &leads).await?;
    audit_save(
        &txn,
        actor,
        "plan_action",
        row.id,
        Some(p.district_id),
        existing.as_ref().map(|a| action_audit(a, &before_leads)),
        action_audit(&row, &leads),
        now,
    )
    .await?;
    txn.commit().await?;
    get_action(app, actor, row.id).await
}

fn milestone_audit(m: &milestone::Model, owners: &[i64]) -> serde_json::Value {
    serde_json::json!({
        "action_id": m.action_id, "description": m.description, "due_on": m.due_on, "due_month": m.due_month,
        "status": m.status, "resource_kind": m.resource_kind, "resources": m.resources,
        "contact_user_id": m.contact_user_id, "position": m.position, "owners": owners,
    })
}

fn truthy(v: &Option<String>) -> bool {
    matches!(val(v), "true" | "1" | "on" | "yes")
}

/// Adds a milestone to an action (`id` none) or changes one (not its status: that is what
/// progress updates do, so that every status has a date and an author).
pub async fn save_milestone(
    app: &App,
    actor: &Actor,
    action_id: i64,
    id: Option<i64>,
    input: &MilestoneInput,
) -> Result<MilestoneView> {
    require(can_manage(actor))?;
    let a = q::get_action(&app.db.conn, action_id).await?.ok_or(AppError::NotFound)?;
    let p = q::get_plan(&app.db.conn, &actor.scope(), a.plan_id).await?.ok_or(AppError::NotFound)?;
    let existing = match id {
        Some(id) => {
            Some(q::get_milestone(&app.db.conn, id).await?.filter(|m| m.action_id == a.id).ok_or(AppError::NotFound)?)
        }
        None => None,
    };
    let mut e = FieldErrors::new();
    let description = required(&mut e, "description", &input.description, 4000, true);
    let due_on = date(&mut e, "due_on", &input.due_on);
    let due_month = truthy(&input.due_month) && due_on.is_some();
    // A month stands for its last day: "June 04" is due by 30 June 2004.
    let due_on = if due_month { due_on.map(month_end) } else { due_on };
    let resource_kind = match val(&input.resource_kind) {
        "" => ResourceKind::Tbd,
        k => e.take("resource_kind", k, ResourceKind::parse(k)).unwrap_or(ResourceKind::Tbd),
    };
    let resources = text(&mut e, "resources", &input.resources, 2000, true);
    let owners = resolve_orgs(app, &mut e, "owners", p.district_id, &refs(&input.owners, &input.other_owners)).await?;
    let contact = match val(&input.contact) {
        "" => None,
        email => match accord_db::users::find_by_email(&app.db.conn, &email.to_lowercase()).await? {
            Some(u) => Some(u.id),
            None => {
                e.add("contact", "milestone.contact_unknown", Some(email));
                None
            }
        },
    };
    let siblings = q::milestones_of(&app.db.conn, &[a.id]).await?;
    let default_pos = existing.as_ref().map(|m| m.position).unwrap_or(siblings.len() as i32 + 1);
    let pos = position(&mut e, &input.position, default_pos);
    e.into_result()?;
    let before_owners: Vec<i64> = match &existing {
        Some(m) => q::owners_of(&app.db.conn, &[m.id]).await?.iter().map(|o| o.organisation_id).collect(),
        None => vec![],
    };
    let now = Utc::now();
    let am = milestone::ActiveModel {
        action_id: Set(a.id),
        description: Set(description.expect("checked")),
        due_on: Set(due_on),
        due_month: Set(due_month),
        resource_kind: Set(resource_kind.as_str().to_owned()),
        resources: Set(resources),
        contact_user_id: Set(contact),
        position: Set(pos),
        updated_at: Set(now),
        ..Default::default()
    };
    let txn = app.db.write().await?;
    let mut am = am;
    if existing.is_none() {
        am.status = Set(MilestoneStatus::NotStarted.as_str().to_owned());
    }
    let Some(row) =
        put_versioned!(&txn, existing.as_ref().map(|b| b.id), input.version, am, now, milestone, q::update_milestone)
    else {
        drop(txn);
        let before_id = existing.as_ref().map(|b| b.id).expect("only a change can be stale");
        let current = get_milestone(app, actor, before_id).await?;
        let t = current.input();
        let changed = differing(&[
            ("description", &t.description, &input.description),
            ("due_on", &t.due_on, &input.due_on),
            ("resource_kind", &t.resource_kind, &input.resource_kind),
            ("resources", &t.resources, &input.resources),
            ("contact", &t.contact, &input.contact),
        ]);
        return Err(bodies::conflict(&current, &changed));
    };
    q::set_owners(&txn, row.id, &owners).await?;
    audit_save(
        &txn,
        actor,
        "milestone",
        row.id,
        Some(p.district_id),
        existing.as_ref().map(|m| milestone_audit(m, &before_owners)),
        milestone_audit(&row, &owners),
        now,
    )
    .await?;
    txn.commit().await?;
    get_milestone(app, actor, row.id).await
}

fn month_end(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let first_next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    first_next.and_then(|f| f.pred_opt()).unwrap_or(d)
}

/// Records progress on a milestone: a dated comment, a new status, or both. Managers may
/// update any milestone of their districts; a partner user only those their organisation owns.
pub async fn add_update(app: &App, actor: &Actor, milestone_id: i64, input: &UpdateInput) -> Result<MilestoneView> {
    actor.require_write()?;
    // Reading first: a plan the actor may not see is not found, whatever they may do.
    let p = plan_of_milestone(app, actor, milestone_id).await?;
    let (_, m) = p.milestone(milestone_id).ok_or(AppError::NotFound)?;
    if !m.may_update {
        return Err(AppError::Forbidden);
    }
    let today = Utc::now().date_naive();
    let mut e = FieldErrors::new();
    let written_on = match val(&input.written_on) {
        "" => Some(today),
        s => e.take("written_on", s, dir::parse_date(s)),
    };
    if let Some(d) = written_on
        && d > today
    {
        e.add("written_on", "date.future", Some(&d.to_string()));
    }
    let status = match val(&input.status) {
        "" => None,
        s => e.take("status", s, MilestoneStatus::parse(s)),
    };
    let comment = text(&mut e, "comment", &input.comment, 10_000, true);
    if status.is_none() && comment.is_none() && e.is_empty() {
        e.add("comment", "update.empty", None);
    }
    e.into_result()?;
    let written_on = written_on.expect("checked");
    let now = Utc::now();
    let district_id = q::get_plan(&app.db.conn, &accord_db::Scope::All, p.id).await?.map(|p| p.district_id);
    let txn = app.db.write().await?;
    let row = milestone_update::ActiveModel {
        milestone_id: Set(m.id),
        written_on: Set(written_on),
        status: Set(status.map(|s| s.as_str().to_owned())),
        comment: Set(comment),
        organisation_id: Set(if can_manage(actor) { None } else { actor.organisation_id }),
        author_user_id: Set(actor.user_id),
        author: Set(actor.name.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // The milestone's status is the last one set, by the day it was reported for.
    let all = q::updates_of(&txn, &[m.id]).await?;
    let current = status_on(all.iter().map(|u| (u.written_on, u.status.as_deref())), NaiveDate::MAX);
    milestone::Entity::update_many()
        .col_expr(milestone::Column::Status, accord_db::sea_orm::sea_query::Expr::value(current.as_str()))
        .col_expr(milestone::Column::UpdatedAt, accord_db::sea_orm::sea_query::Expr::value(now))
        .filter(milestone::Column::Id.eq(m.id))
        .exec(&txn)
        .await?;
    let mut entry = actor.audit("progress", "milestone", Some(m.id.to_string()));
    entry.district_id = district_id;
    entry.before = Some(serde_json::json!({ "status": m.status }));
    entry.after = Some(serde_json::json!({
        "status": current.as_str(), "update_id": row.id, "written_on": row.written_on,
        "set_status": row.status, "comment": row.comment,
    }));
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    get_milestone(app, actor, m.id).await
}

/// Turns a meeting's action item into a milestone of an action, with the item's owner and date.
pub async fn item_to_milestone(app: &App, actor: &Actor, item_id: i64, action_id: i64) -> Result<MilestoneView> {
    require(can_manage(actor))?;
    let item = q::get_item(&app.db.conn, item_id).await?.ok_or(AppError::NotFound)?;
    let meeting = q::get_meeting(&app.db.conn, item.meeting_id).await?.ok_or(AppError::NotFound)?;
    let b = q::get_body(&app.db.conn, &actor.scope(), meeting.body_id).await?.ok_or(AppError::NotFound)?;
    if item.milestone_id.is_some() {
        return Err(AppError::field("action_id", "item.already_milestone", None));
    }
    let a = q::get_action(&app.db.conn, action_id)
        .await?
        .ok_or_else(|| AppError::field("action_id", "item.action_unknown", Some(&action_id.to_string())))?;
    let p = q::get_plan(&app.db.conn, &actor.scope(), a.plan_id).await?;
    if p.as_ref().is_none_or(|p| p.district_id != b.district_id) {
        return Err(AppError::field("action_id", "item.action_unknown", Some(&action_id.to_string())));
    }
    let owner_ref = match item.owner_organisation_id {
        Some(o) => org_names(app, [o]).await?.get(&o).map(|n| n.reference.clone()),
        None => None,
    };
    let m = save_milestone(
        app,
        actor,
        a.id,
        None,
        &MilestoneInput {
            description: Some(item.description.clone()),
            due_on: item.due_on.map(|d| d.to_string()),
            owners: Some(owner_ref.into_iter().collect()),
            ..Default::default()
        },
    )
    .await?;
    let txn = app.db.write().await?;
    meeting_item::Entity::update_many()
        .col_expr(meeting_item::Column::MilestoneId, accord_db::sea_orm::sea_query::Expr::value(m.id))
        .filter(meeting_item::Column::Id.eq(item.id))
        .exec(&txn)
        .await?;
    let mut entry = actor.audit("make_milestone", "meeting_item", Some(item.id.to_string()));
    entry.district_id = Some(b.district_id);
    entry.after = Some(serde_json::json!({ "milestone_id": m.id }));
    accord_db::audit::append(&txn, entry, Utc::now()).await?;
    txn.commit().await?;
    Ok(m)
}

// ---- the progress report ----

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct ReportComment {
    pub written_on: NaiveDate,
    pub text: String,
    /// Written during the report's quarter (older comments are carried forward).
    pub in_quarter: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct ReportMilestone {
    pub id: i64,
    pub description: String,
    pub due_on: Option<NaiveDate>,
    pub due_month: bool,
    /// The status at the quarter's end.
    #[schema(schema_with = crate::schema::code::<accord_domain::partnership::MilestoneStatus>)]
    pub status: String,
    pub overdue: bool,
    pub owners: Vec<String>,
    pub comments: Vec<ReportComment>,
    #[schema(schema_with = crate::schema::code::<accord_domain::partnership::ResourceKind>)]
    pub resource_kind: String,
    pub resources: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct ReportMeeting {
    pub held_on: NaiveDate,
    pub title: Option<String>,
    /// 1 for the body's first meeting in the plan's period, 2 for the second, …
    pub number: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct ReportAction {
    pub reference: String,
    pub title: String,
    pub leads: Vec<String>,
    pub milestones: Vec<ReportMilestone>,
    /// The body whose meetings are the evidence.
    pub evidence_body: Option<String>,
    pub meetings: Vec<ReportMeeting>,
}

/// A plan's progress report for one quarter: every milestone as it stood on the quarter's last
/// day, seed 004's layout.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct ProgressReport {
    pub plan_id: i64,
    pub plan_title: String,
    pub theme: Option<String>,
    pub district: String,
    pub body: Option<String>,
    /// `2004-Q3`.
    pub quarter: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub actions: Vec<ReportAction>,
    pub summary: StatusCounts,
    pub generated_at: DateTime<Utc>,
}

impl ProgressReport {
    pub fn quarter(&self) -> Quarter {
        Quarter::parse(&self.quarter).unwrap_or(Quarter::of(self.from))
    }
}

/// The progress report of a plan for a quarter, as the records stand now.
pub async fn progress(app: &App, actor: &Actor, plan_id: i64, quarter: Quarter) -> Result<ProgressReport> {
    let p = get(app, actor, plan_id).await?;
    let (from, to) = (quarter.first_day(), quarter.last_day());
    let after = to.succ_opt().unwrap_or(to);
    let mut summary = StatusCounts::default();
    let mut actions = Vec::with_capacity(p.actions.len());
    let body_names: HashMap<i64, String> =
        p.actions.iter().filter_map(|a| a.body.clone()).chain(p.body.clone()).map(|b| (b.id, b.name)).collect();
    for a in &p.actions {
        let evidence = a.body.as_ref().or(p.body.as_ref()).map(|b| b.id);
        let meetings = match evidence {
            Some(b) if a.body.is_some() => bodies::meetings_held(app, b, p.period_start.min(from), to)
                .await?
                .iter()
                .enumerate()
                .map(|(i, m)| ReportMeeting { held_on: m.held_on, title: m.title.clone(), number: i as u32 + 1 })
                .collect(),
            _ => vec![],
        };
        let milestones = a
            .milestones
            .iter()
            .map(|m| {
                let status = status_on(m.updates.iter().map(|u| (u.written_on, u.status.as_deref())), to);
                let overdue = is_overdue(status, m.due_on, after);
                summary.add(status, overdue);
                ReportMilestone {
                    id: m.id,
                    description: m.description.clone(),
                    due_on: m.due_on,
                    due_month: m.due_month,
                    status: status.as_str().to_owned(),
                    overdue,
                    owners: m.owners.iter().map(|o| o.name.clone()).collect(),
                    comments: m
                        .updates
                        .iter()
                        .filter(|u| u.written_on <= to)
                        .filter_map(|u| {
                            u.comment.as_ref().map(|c| ReportComment {
                                written_on: u.written_on,
                                text: c.clone(),
                                in_quarter: u.written_on >= from,
                            })
                        })
                        .collect(),
                    resource_kind: m.resource_kind.clone(),
                    resources: m.resources.clone(),
                }
            })
            .collect();
        actions.push(ReportAction {
            reference: a.reference.clone(),
            title: a.title.clone(),
            leads: a.leads.iter().map(|o| o.name.clone()).collect(),
            milestones,
            evidence_body: if meetings.is_empty() { None } else { evidence.and_then(|b| body_names.get(&b).cloned()) },
            meetings,
        });
    }
    Ok(ProgressReport {
        plan_id: p.id,
        plan_title: p.title.clone(),
        theme: p.theme.clone(),
        district: p.district.clone(),
        body: p.body.as_ref().map(|b| b.name.clone()),
        quarter: quarter.code(),
        from,
        to,
        actions,
        summary,
        generated_at: Utc::now(),
    })
}

/// A progress report as issued: kept unchanged, whatever happens to the plan afterwards.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SnapshotView {
    pub id: i64,
    pub plan_id: i64,
    pub quarter: String,
    /// The language it was issued in (`en` or `da`).
    pub language: String,
    pub taken_at: DateTime<Utc>,
    pub taken_by: String,
    pub report: ProgressReport,
}

fn snapshot_view(s: progress_snapshot::Model) -> Result<SnapshotView> {
    let report: ProgressReport =
        serde_json::from_str(&s.body).map_err(|e| AppError::Internal(format!("snapshot {}: {e}", s.id)))?;
    Ok(SnapshotView {
        id: s.id,
        plan_id: s.plan_id,
        quarter: s.quarter,
        language: s.language,
        taken_at: s.taken_at,
        taken_by: s.taken_by,
        report,
    })
}

/// `Ok` when the actor may issue the plan's progress reports: 403 for a role that may not,
/// 404 for a plan they cannot see. For checking before the request's details are read.
pub async fn may_issue(app: &App, actor: &Actor, plan_id: i64) -> Result<()> {
    require(can_manage(actor))?;
    plan_row(app, actor, plan_id).await.map(|_| ())
}

/// Issues the quarter's report: computes it now and keeps it.
pub async fn issue(app: &App, actor: &Actor, plan_id: i64, quarter: Quarter, lang: &str) -> Result<SnapshotView> {
    require(can_manage(actor))?;
    let report = progress(app, actor, plan_id, quarter).await?;
    let language = if lang == "da" { "da" } else { "en" };
    let now = Utc::now();
    let body = serde_json::to_string(&report).map_err(|e| AppError::Internal(e.to_string()))?;
    let district_id = q::get_plan(&app.db.conn, &actor.scope(), plan_id).await?.map(|p| p.district_id);
    let txn = app.db.write().await?;
    let row = progress_snapshot::ActiveModel {
        plan_id: Set(plan_id),
        quarter: Set(quarter.code()),
        language: Set(language.to_owned()),
        taken_at: Set(now),
        taken_by: Set(actor.name.clone()),
        body: Set(body),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut entry = actor.audit("issue", "progress_report", Some(row.id.to_string()));
    entry.district_id = district_id;
    entry.after = Some(serde_json::json!({ "plan_id": plan_id, "quarter": quarter.code(), "summary": report.summary }));
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    snapshot_view(row)
}

/// The reports issued for a plan, newest first.
pub async fn snapshots(app: &App, actor: &Actor, plan_id: i64) -> Result<Vec<SnapshotView>> {
    plan_row(app, actor, plan_id).await?;
    q::snapshots_of(&app.db.conn, plan_id).await?.into_iter().map(snapshot_view).collect()
}

pub async fn snapshot(app: &App, actor: &Actor, id: i64) -> Result<SnapshotView> {
    let s = q::get_snapshot(&app.db.conn, id).await?.ok_or(AppError::NotFound)?;
    plan_row(app, actor, s.plan_id).await?;
    snapshot_view(s)
}

// ---- the home page ----

/// A milestone due soon or overdue, for its owners' and its contact's home pages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DueMilestone {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub reference: String,
    pub description: String,
    pub due_on: NaiveDate,
    pub due_month: bool,
    pub status: String,
    pub overdue: bool,
}

/// Open milestones overdue or due in the next 30 days that the actor follows or that their
/// organisation owns.
pub async fn due_for(app: &App, actor: &Actor, today: NaiveDate) -> Result<Vec<DueMilestone>> {
    if !can_view(actor) || actor.user_id.is_none() {
        return Ok(vec![]);
    }
    let org = if actor.has(Role::Partner) { actor.organisation_id } else { None };
    let rows = q::milestones_due(&app.db.conn, &actor.scope(), actor.user_id, org, today + Duration::days(30)).await?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let action_ids: Vec<i64> = rows.iter().map(|m| m.action_id).collect();
    let actions: HashMap<i64, plan_action::Model> = plan_action::Entity::find()
        .filter(plan_action::Column::Id.is_in(action_ids))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let plan_ids: Vec<i64> = actions.values().map(|a| a.plan_id).collect();
    let plans: HashMap<i64, plan::Model> = plan::Entity::find()
        .filter(plan::Column::Id.is_in(plan_ids))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let a = actions.get(&m.action_id)?;
            let p = plans.get(&a.plan_id)?;
            let status = MilestoneStatus::parse(&m.status).unwrap_or(MilestoneStatus::NotStarted);
            Some(DueMilestone {
                id: m.id,
                plan_id: p.id,
                plan_title: p.title.clone(),
                reference: a.reference.clone(),
                description: m.description,
                due_on: m.due_on?,
                due_month: m.due_month,
                status: status.as_str().to_owned(),
                overdue: is_overdue(status, m.due_on, today),
            })
        })
        .collect())
}

/// The quarter a progress report is for when none is asked: the last quarter that has ended,
/// within the plan's period.
pub fn default_quarter(p: &PlanView, today: NaiveDate) -> Quarter {
    let day = today.clamp(p.period_start, p.period_end.max(p.period_start));
    let q = Quarter::of(day);
    if q.last_day() > today && q.first_day() > p.period_start { q.prev() } else { q }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn upd(id: i64, on: NaiveDate, status: Option<&str>) -> milestone_update::Model {
        milestone_update::Model {
            id,
            milestone_id: 1,
            written_on: on,
            status: status.map(str::to_owned),
            comment: None,
            organisation_id: None,
            author_user_id: None,
            author: String::new(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn the_status_on_a_day_is_the_last_one_set_by_then() {
        let rows = [
            upd(1, d(2004, 7, 16), Some("on_track")),
            upd(2, d(2004, 8, 1), None),
            upd(3, d(2004, 10, 5), Some("achieved")),
        ];
        let of = || rows.iter().map(|u| (u.written_on, u.status.as_deref()));
        assert_eq!(status_on(of(), d(2004, 7, 1)), MilestoneStatus::NotStarted);
        assert_eq!(status_on(of(), d(2004, 9, 30)), MilestoneStatus::OnTrack);
        assert_eq!(status_on(of(), d(2004, 12, 31)), MilestoneStatus::Achieved);
    }

    #[test]
    fn a_month_stands_for_its_last_day() {
        assert_eq!(month_end(d(2004, 6, 1)), d(2004, 6, 30));
        assert_eq!(month_end(d(2004, 2, 10)), d(2004, 2, 29));
        assert_eq!(month_end(d(2004, 12, 31)), d(2004, 12, 31));
    }

    #[test]
    fn counts_add_up() {
        let mut c = StatusCounts::default();
        c.add(MilestoneStatus::Achieved, false);
        c.add(MilestoneStatus::OnTrack, true);
        c.add(MilestoneStatus::LikelyDelayed, false);
        assert_eq!((c.total, c.achieved, c.on_track, c.likely_delayed, c.overdue), (3, 1, 1, 1, 1));
    }
}
