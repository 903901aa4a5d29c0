//! Action plans: the list, a plan with its actions and milestones, a milestone with its
//! progress updates, the forms, and the quarterly progress report in seed 004's layout
//! (printable, XLSX, and issued as a snapshot that reopens unchanged).

use super::partnerships::require_manage;
use super::shared::{district_options, file_response, stale};
use super::{FormValues, Opt, vocab_options};
use crate::ctx::{Page, ReqCtx, Staff, milestone_class};
use crate::error::{WebError, WebResult};
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::partnerships as pb;
use accord_app::plans::{
    self as pl, ActionInput, ActionView, MilestoneInput, MilestoneView, PlanInput, PlanView, ProgressReport,
    UpdateInput,
};
use accord_app::{Actor, AppError};
use accord_domain::{FieldErrors, Lang, MilestoneStatus, Quarter, ResourceKind, format};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

/// "June 2004" for a month, "30 June 2004" for a day, "Date to be agreed" for none.
pub fn due_text(lang: Lang, due: Option<NaiveDate>, month: bool) -> String {
    match (due, month) {
        (None, _) => i18n::t(lang, "milestone.tba"),
        (Some(d), true) => format::month_year(lang, d),
        (Some(d), false) => format::date(lang, d),
    }
}

/// A summary of counts as words: "Achieved 2 · On track 3 · …".
pub struct CountLine {
    pub label: String,
    pub value: u32,
    pub class: &'static str,
}

fn count_lines(lang: Lang, c: &pl::StatusCounts) -> Vec<CountLine> {
    let l = |k: &str, value: u32, class: &'static str| CountLine {
        label: i18n::t(lang, &format!("milestone.statuses.{k}")),
        value,
        class,
    };
    vec![
        l("achieved", c.achieved, "tag-green"),
        l("on_track", c.on_track, "tag-blue"),
        l("likely_delayed", c.likely_delayed, "tag-yellow"),
        l("not_started", c.not_started, "tag-grey"),
        l("dropped", c.dropped, "tag-grey"),
        CountLine { label: i18n::t(lang, "milestone.overdue"), value: c.overdue, class: "tag-red" },
    ]
}

// ---- the list ----

#[derive(Template)]
#[template(path = "plans/list.html")]
struct ListTemplate {
    page: Page,
    plans: Vec<PlanView>,
    can_manage: bool,
}

pub async fn list(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let plans = pl::list(&state.app, &actor, None).await?;
    let t = ListTemplate { page: ctx.page(ctx.t("plan.list_title")), plans, can_manage: pb::can_manage(&actor) };
    Ok(super::render(&t))
}

// ---- a plan ----

#[derive(Template)]
#[template(path = "plans/show.html")]
struct ShowTemplate {
    page: Page,
    p: PlanView,
    counts: Vec<CountLine>,
    quarters: Vec<Opt>,
    snapshots: Vec<pl::SnapshotView>,
    can_manage: bool,
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = pl::get(&state.app, &actor, id).await?;
    let today = Utc::now().date_naive();
    let dq = pl::default_quarter(&p, today);
    let quarters = p
        .quarters()
        .into_iter()
        .map(|q| Opt { value: q.code(), label: format::quarter(ctx.lang, q), checked: q == dq })
        .collect();
    let snapshots = pl::snapshots(&state.app, &actor, id).await?;
    let t = ShowTemplate {
        page: ctx.page(p.title.clone()),
        counts: count_lines(ctx.lang, &p.counts),
        quarters,
        snapshots,
        can_manage: pb::can_manage(&actor),
        p,
    };
    Ok(super::render(&t))
}

// ---- plan form ----

#[derive(Template)]
#[template(path = "plans/form.html")]
struct PlanFormTemplate {
    page: Page,
    heading: String,
    action: String,
    back: String,
    f: FormValues,
    errors: ShownErrors,
    districts: Vec<Opt>,
    bodies: Vec<Opt>,
    changed: Vec<(String, String, String)>,
}

async fn body_options(
    state: &AppState,
    actor: &Actor,
    district: &str,
    selected: &str,
    blank: &str,
) -> WebResult<Vec<Opt>> {
    let mut out = vec![Opt { value: String::new(), label: blank.to_owned(), checked: selected.is_empty() }];
    for b in pb::list(&state.app, actor, None).await? {
        if district.is_empty() || b.district == district {
            out.push(Opt { checked: b.id.to_string() == selected, value: b.id.to_string(), label: b.name });
        }
    }
    Ok(out)
}

async fn plan_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<i64>,
    input: &PlanInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let f = FormValues::of(input);
    let district = f.get("district").to_owned();
    let heading = if id.is_some() { ctx.t("plan.edit") } else { ctx.t("plan.add") };
    let t = PlanFormTemplate {
        page: ctx.page(heading.clone()),
        heading,
        action: id.map(|i| format!("/plans/{i}")).unwrap_or_else(|| "/plans".into()),
        back: id.map(|i| format!("/plans/{i}")).unwrap_or_else(|| "/plans".into()),
        errors: ShownErrors::new(ctx.lang, errors),
        districts: if id.is_none() { district_options(state, actor, &district).await? } else { vec![] },
        bodies: body_options(state, actor, &district, f.get("body_id"), &ctx.t("plan.no_body")).await?,
        changed,
        f,
    };
    Ok(super::render_form(&t, errors, !t.changed.is_empty()))
}

pub async fn new(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    require_manage(&actor)?;
    plan_form(&state, &ctx, &actor, None, &PlanInput::default(), &FieldErrors::new(), vec![]).await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(input): CsrfForm<PlanInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    match pl::save(&state.app, &actor, None, &input).await {
        Ok(p) => Ok(super::redirect_with_flash(&ctx, &format!("/plans/{}", p.id), "plan_saved")),
        Err(AppError::Invalid(e)) => plan_form(&state, &ctx, &actor, None, &input, &e, vec![]).await,
        Err(e) => Err(WebError(e)),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let p = pl::get(&state.app, &actor, id).await?;
    plan_form(&state, &ctx, &actor, Some(id), &p.input(), &FieldErrors::new(), vec![]).await
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<PlanInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    match pl::save(&state.app, &actor, Some(id), &input).await {
        Ok(p) => Ok(super::redirect_with_flash(&ctx, &format!("/plans/{}", p.id), "plan_saved")),
        Err(AppError::Invalid(e)) => plan_form(&state, &ctx, &actor, Some(id), &input, &e, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "plan", current, &changed, &input, PlanView::input)?;
            plan_form(&state, &ctx, &actor, Some(id), &mine, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(WebError(e)),
    }
}

// ---- action form ----

/// Organisations to tick: the current members of the plan's (or the action's) body, and
/// whoever is already chosen.
async fn partner_options(
    state: &AppState,
    actor: &Actor,
    p: &PlanView,
    body_id: Option<i64>,
    chosen: &[pb::OrgName],
    f: &FormValues,
    field: &str,
) -> WebResult<Vec<Opt>> {
    let mut out: Vec<Opt> = Vec::new();
    let mut push = |reference: &str, name: &str| {
        if !reference.is_empty() && !out.iter().any(|o| o.value == reference) {
            out.push(Opt { value: reference.to_owned(), label: name.to_owned(), checked: f.has(field, reference) });
        }
    };
    for o in chosen {
        push(&o.reference, &o.name);
    }
    for b in [body_id, p.body.as_ref().map(|b| b.id)].into_iter().flatten() {
        if let Ok(body) = pb::get(&state.app, actor, b).await {
            for m in body.current_members() {
                push(&m.organisation.reference, &m.organisation.name);
            }
        }
    }
    for a in &p.actions {
        for o in &a.leads {
            push(&o.reference, &o.name);
        }
    }
    out.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(out)
}

#[derive(Template)]
#[template(path = "plans/action_form.html")]
struct ActionFormTemplate {
    page: Page,
    heading: String,
    action: String,
    back: String,
    plan_title: String,
    f: FormValues,
    errors: ShownErrors,
    bodies: Vec<Opt>,
    partners: Vec<Opt>,
    changed: Vec<(String, String, String)>,
}

#[allow(clippy::too_many_arguments)]
async fn action_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    p: &PlanView,
    id: Option<i64>,
    input: &ActionInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let f = FormValues::of(input);
    let current = id.and_then(|i| p.actions.iter().find(|a| a.id == i));
    let chosen = current.map(|a| a.leads.clone()).unwrap_or_default();
    let body_id = f.get("body_id").parse::<i64>().ok();
    let heading = if id.is_some() { ctx.t("action.edit") } else { ctx.t("action.add") };
    let t = ActionFormTemplate {
        page: ctx.page(heading.clone()),
        heading,
        action: id.map(|i| format!("/actions/{i}")).unwrap_or_else(|| format!("/plans/{}/actions", p.id)),
        back: format!("/plans/{}", p.id),
        plan_title: p.title.clone(),
        errors: ShownErrors::new(ctx.lang, errors),
        bodies: body_options(state, actor, &p.district, f.get("body_id"), &ctx.t("action.plan_body")).await?,
        partners: partner_options(state, actor, p, body_id, &chosen, &f, "leads").await?,
        changed,
        f,
    };
    Ok(super::render_form(&t, errors, !t.changed.is_empty()))
}

pub async fn new_action(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let p = pl::get(&state.app, &actor, id).await?;
    action_form(&state, &ctx, &actor, &p, None, &ActionInput::default(), &FieldErrors::new(), vec![]).await
}

pub async fn create_action(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<ActionInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let p = pl::get(&state.app, &actor, id).await?;
    match pl::save_action(&state.app, &actor, id, None, &input).await {
        Ok(a) => Ok(super::redirect_with_flash(&ctx, &format!("/plans/{id}#action-{}", a.id), "action_saved")),
        Err(AppError::Invalid(e)) => action_form(&state, &ctx, &actor, &p, None, &input, &e, vec![]).await,
        Err(e) => Err(WebError(e)),
    }
}

pub async fn edit_action(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let a = pl::get_action(&state.app, &actor, id).await?;
    let p = pl::get(&state.app, &actor, a.plan_id).await?;
    action_form(&state, &ctx, &actor, &p, Some(id), &a.input(), &FieldErrors::new(), vec![]).await
}

pub async fn update_action(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<ActionInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let a = pl::get_action(&state.app, &actor, id).await?;
    let p = pl::get(&state.app, &actor, a.plan_id).await?;
    match pl::save_action(&state.app, &actor, p.id, Some(id), &input).await {
        Ok(a) => Ok(super::redirect_with_flash(&ctx, &format!("/plans/{}#action-{}", p.id, a.id), "action_saved")),
        Err(AppError::Invalid(e)) => action_form(&state, &ctx, &actor, &p, Some(id), &input, &e, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "action", current, &changed, &input, ActionView::input)?;
            action_form(&state, &ctx, &actor, &p, Some(id), &mine, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(WebError(e)),
    }
}

// ---- milestone form ----

#[derive(Template)]
#[template(path = "plans/milestone_form.html")]
struct MilestoneFormTemplate {
    page: Page,
    heading: String,
    action: String,
    back: String,
    context: String,
    f: FormValues,
    errors: ShownErrors,
    partners: Vec<Opt>,
    resource_kinds: Vec<Opt>,
    due_month: bool,
    changed: Vec<(String, String, String)>,
}

#[allow(clippy::too_many_arguments)]
async fn milestone_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    p: &PlanView,
    a: &ActionView,
    id: Option<i64>,
    input: &MilestoneInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let f = FormValues::of(input);
    let chosen = id.and_then(|i| p.milestone(i)).map(|(_, m)| m.owners.clone()).unwrap_or_default();
    let mut chosen_all = chosen;
    chosen_all.extend(a.leads.iter().cloned());
    let kinds: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.as_str()).collect();
    let heading = if id.is_some() { ctx.t("milestone.edit") } else { ctx.t("milestone.add") };
    let t = MilestoneFormTemplate {
        page: ctx.page(heading.clone()),
        heading,
        action: id.map(|i| format!("/milestones/{i}")).unwrap_or_else(|| format!("/actions/{}/milestones", a.id)),
        back: id.map(|i| format!("/milestones/{i}")).unwrap_or_else(|| format!("/plans/{}#action-{}", p.id, a.id)),
        context: format!("{} {}", a.reference, a.title),
        errors: ShownErrors::new(ctx.lang, errors),
        partners: partner_options(state, actor, p, a.body.as_ref().map(|b| b.id), &chosen_all, &f, "owners").await?,
        resource_kinds: vocab_options(ctx.lang, "milestone.resource_kinds", &kinds, f.get("resource_kind"), None),
        due_month: matches!(f.get("due_month"), "true" | "1" | "on"),
        changed,
        f,
    };
    Ok(super::render_form(&t, errors, !t.changed.is_empty()))
}

pub async fn new_milestone(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let a = pl::get_action(&state.app, &actor, id).await?;
    let p = pl::get(&state.app, &actor, a.plan_id).await?;
    let input = MilestoneInput { resource_kind: Some("tbd".into()), ..Default::default() };
    milestone_form(&state, &ctx, &actor, &p, &a, None, &input, &FieldErrors::new(), vec![]).await
}

pub async fn create_milestone(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<MilestoneInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let a = pl::get_action(&state.app, &actor, id).await?;
    let p = pl::get(&state.app, &actor, a.plan_id).await?;
    match pl::save_milestone(&state.app, &actor, id, None, &input).await {
        Ok(m) => Ok(super::redirect_with_flash(&ctx, &format!("/milestones/{}", m.id), "milestone_saved")),
        Err(AppError::Invalid(e)) => milestone_form(&state, &ctx, &actor, &p, &a, None, &input, &e, vec![]).await,
        Err(e) => Err(WebError(e)),
    }
}

pub async fn edit_milestone(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let p = pl::plan_of_milestone(&state.app, &actor, id).await?;
    let (a, m) = p.milestone(id).ok_or(AppError::NotFound)?;
    let (a, input) = (a.clone(), m.input());
    milestone_form(&state, &ctx, &actor, &p, &a, Some(id), &input, &FieldErrors::new(), vec![]).await
}

pub async fn update_milestone(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<MilestoneInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let p = pl::plan_of_milestone(&state.app, &actor, id).await?;
    let a = p.milestone(id).map(|(a, _)| a.clone()).ok_or(AppError::NotFound)?;
    match pl::save_milestone(&state.app, &actor, a.id, Some(id), &input).await {
        Ok(m) => Ok(super::redirect_with_flash(&ctx, &format!("/milestones/{}", m.id), "milestone_saved")),
        Err(AppError::Invalid(e)) => milestone_form(&state, &ctx, &actor, &p, &a, Some(id), &input, &e, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "milestone", current, &changed, &input, MilestoneView::input)?;
            milestone_form(&state, &ctx, &actor, &p, &a, Some(id), &mine, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(WebError(e)),
    }
}

// ---- a milestone and its progress ----

#[derive(Template)]
#[template(path = "plans/milestone.html")]
struct MilestoneTemplate {
    page: Page,
    p_id: i64,
    p_title: String,
    a: ActionView,
    m: MilestoneView,
    due: String,
    statuses: Vec<Opt>,
    f: FormValues,
    errors: ShownErrors,
    can_manage: bool,
}

async fn milestone_page(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    input: &UpdateInput,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let p = pl::plan_of_milestone(&state.app, actor, id).await?;
    let (a, m) = p.milestone(id).ok_or(AppError::NotFound)?;
    let codes: Vec<&str> = MilestoneStatus::ALL.iter().map(|s| s.as_str()).collect();
    let mut f = FormValues::of(input);
    if f.get("written_on").is_empty() {
        f = FormValues::of(&UpdateInput { written_on: Some(Utc::now().date_naive().to_string()), ..input.clone() });
    }
    let t = MilestoneTemplate {
        // The title is the heading, as on every other page.
        page: ctx.page(m.description.clone()),
        p_id: p.id,
        p_title: p.title.clone(),
        due: due_text(ctx.lang, m.due_on, m.due_month),
        statuses: vocab_options(ctx.lang, "milestone.statuses", &codes, f.get("status"), Some("milestone.keep_status")),
        errors: ShownErrors::new(ctx.lang, errors),
        can_manage: pb::can_manage(actor),
        a: a.clone(),
        m: m.clone(),
        f,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn show_milestone(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    milestone_page(&state, &ctx, &actor, id, &UpdateInput::default(), &FieldErrors::new()).await
}

pub async fn add_update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<UpdateInput>,
) -> WebResult<Response> {
    match pl::add_update(&state.app, &actor, id, &input).await {
        Ok(m) => Ok(super::redirect_with_flash(&ctx, &format!("/milestones/{}#updates", m.id), "progress_saved")),
        Err(AppError::Invalid(e)) => milestone_page(&state, &ctx, &actor, id, &input, &e).await,
        Err(e) => Err(WebError(e)),
    }
}

// ---- the progress report ----

pub struct PrintRow {
    pub description: String,
    pub due: String,
    pub owners: String,
    pub status: String,
    pub status_class: &'static str,
    pub overdue: bool,
    pub comments: Vec<(String, String, bool)>,
    pub resources: String,
}

pub struct PrintAction {
    pub heading: String,
    pub leads: String,
    pub rows: Vec<PrintRow>,
    pub evidence: Option<(String, Vec<String>)>,
    pub rowspan: usize,
}

fn ordinal(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Da => format!("{n}."),
        Lang::En => {
            let suffix = match (n % 10, n % 100) {
                (1, x) if x != 11 => "st",
                (2, x) if x != 12 => "nd",
                (3, x) if x != 13 => "rd",
                _ => "th",
            };
            format!("{n}{suffix}")
        }
    }
}

/// The report's rows in `lang`: one per milestone, the action's cell spanning them, and the
/// meetings held as the action's evidence.
pub fn print_actions(lang: Lang, r: &ProgressReport) -> Vec<PrintAction> {
    r.actions
        .iter()
        .map(|a| {
            let rows: Vec<PrintRow> = a
                .milestones
                .iter()
                .map(|m| PrintRow {
                    description: m.description.clone(),
                    due: due_text(lang, m.due_on, m.due_month),
                    owners: m.owners.join(", "),
                    status: i18n::t(lang, &format!("milestone.statuses.{}", m.status)),
                    status_class: milestone_class(&m.status),
                    overdue: m.overdue,
                    comments: m
                        .comments
                        .iter()
                        .map(|c| (format::date_short(lang, c.written_on), c.text.clone(), c.in_quarter))
                        .collect(),
                    resources: match &m.resources {
                        Some(r) if !r.trim().is_empty() => r.clone(),
                        _ => i18n::t(lang, &format!("milestone.resource_kinds.{}", m.resource_kind)),
                    },
                })
                .collect();
            let evidence = a.evidence_body.as_ref().map(|b| {
                (
                    b.clone(),
                    a.meetings
                        .iter()
                        .map(|m| {
                            i18n::t_args(
                                lang,
                                "progress.meeting_held",
                                &[("n", &ordinal(lang, m.number)), ("date", &format::date_short(lang, m.held_on))],
                            )
                        })
                        .collect(),
                )
            });
            PrintAction {
                heading: format!("{} {}", a.reference, a.title),
                leads: a.leads.join(", "),
                rowspan: rows.len().max(1) + usize::from(evidence.is_some()),
                rows,
                evidence,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "plans/progress.html")]
struct ProgressTemplate {
    page: Page,
    ui_lang: &'static str,
    heading: String,
    theme: String,
    subtitle: String,
    actions: Vec<PrintAction>,
    counts: Vec<CountLine>,
    total: u32,
    back: String,
    back_label: String,
    print_label: String,
    xlsx: String,
    other_lang_href: String,
    other_lang_label: String,
    issued: Option<String>,
    issue_form: Option<(String, String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProgressQuery {
    quarter: String,
    lang: String,
    format: String,
}

/// The report as plain text, for the command line: the heading, then each action with its
/// milestones, their status, comments and resources, then the summary.
pub fn progress_text(lang: Lang, r: &ProgressReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let heading = i18n::t_args(
        lang,
        "progress.heading",
        &[("plan", &r.plan_title), ("quarter", &format::quarter(lang, r.quarter()))],
    );
    let _ = writeln!(out, "{heading}");
    if let Some(t) = &r.theme {
        let _ = writeln!(out, "{t}");
    }
    for a in print_actions(lang, r) {
        let _ = writeln!(out, "\n{}", a.heading);
        if !a.leads.is_empty() {
            let _ = writeln!(out, "  {}: {}", i18n::t(lang, "action.leads"), a.leads);
        }
        for m in &a.rows {
            let overdue = if m.overdue { format!(", {}", i18n::t(lang, "milestone.overdue")) } else { String::new() };
            let _ = writeln!(out, "  · {} – {} [{}{overdue}]", m.description, m.due, m.status);
            for (d, c, _) in &m.comments {
                let _ = writeln!(out, "      {d} {}", c.replace('\n', "\n        "));
            }
            let _ =
                writeln!(out, "      {}: {}", i18n::t(lang, "progress.col.resources"), m.resources.replace('\n', "; "));
        }
        if let Some((body, meetings)) = &a.evidence {
            let _ = writeln!(out, "  {}: {}", i18n::t_value(lang, "progress.meetings_of", body), meetings.join("; "));
        }
    }
    let _ = writeln!(out, "\n{}", i18n::t(lang, "progress.summary"));
    for c in count_lines(lang, &r.summary) {
        let _ = writeln!(out, "  {:<24} {:>4}", c.label, c.value);
    }
    let _ = writeln!(out, "  {:<24} {:>4}", i18n::t(lang, "progress.total"), r.summary.total);
    out
}

/// The report as a workbook: one row per milestone, numbers of the summary below.
pub fn workbook(lang: Lang, r: &ProgressReport) -> WebResult<Vec<u8>> {
    let t = |k: &str| i18n::t(lang, k);
    let header = [
        t("progress.col.action"),
        t("progress.col.milestones"),
        t("milestone.due_on"),
        t("milestone.status"),
        t("milestone.owners"),
        t("progress.col.progress"),
        t("progress.col.resources"),
    ];
    let mut rows: Vec<Vec<String>> = Vec::new();
    for a in print_actions(lang, r) {
        for (i, m) in a.rows.iter().enumerate() {
            let mut status = m.status.clone();
            if m.overdue {
                status = format!("{status} ({})", t("milestone.overdue"));
            }
            rows.push(vec![
                if i == 0 { a.heading.clone() } else { String::new() },
                m.description.clone(),
                m.due.clone(),
                status,
                m.owners.clone(),
                m.comments.iter().map(|(d, c, _)| format!("{d}: {c}")).collect::<Vec<_>>().join("\n"),
                m.resources.clone(),
            ]);
        }
        if let Some((body, meetings)) = &a.evidence {
            rows.push(vec![
                String::new(),
                i18n::t_value(lang, "progress.meetings_of", body),
                String::new(),
                String::new(),
                String::new(),
                meetings.join("\n"),
                String::new(),
            ]);
        }
    }
    rows.push(vec![String::new(); 7]);
    for c in count_lines(lang, &r.summary) {
        rows.push(vec![
            c.label,
            c.value.to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    let head: Vec<&str> = header.iter().map(String::as_str).collect();
    accord_app::files::write_table(accord_app::files::Format::Xlsx, &t("progress.sheet"), &head, &rows)
        .map_err(|e| WebError(AppError::Internal(e)))
}

#[allow(clippy::too_many_arguments)]
fn progress_page(
    ctx: &ReqCtx,
    lang: Lang,
    r: &ProgressReport,
    base: &str,
    back: String,
    issued: Option<String>,
    issue_form: Option<(String, String, String)>,
) -> Response {
    let quarter = r.quarter();
    let heading = i18n::t_args(
        lang,
        "progress.heading",
        &[("plan", &r.plan_title), ("quarter", &format::quarter(lang, quarter))],
    );
    let mut page = ctx.page(heading.clone());
    page.lang = lang;
    let (other, other_label) = match lang {
        Lang::Da => ("en", "English"),
        Lang::En => ("da", "Dansk"),
    };
    let sep = if base.contains('?') { '&' } else { '?' };
    let t = ProgressTemplate {
        ui_lang: ctx.lang.code(),
        heading,
        theme: r.theme.clone().unwrap_or_default(),
        subtitle: r.body.clone().unwrap_or_default(),
        actions: print_actions(lang, r),
        counts: count_lines(lang, &r.summary),
        total: r.summary.total,
        back,
        back_label: i18n::t(ctx.lang, "progress.back"),
        print_label: i18n::t(ctx.lang, "agr.print.button"),
        xlsx: format!("{base}{sep}lang={}&format=xlsx", lang.code()),
        other_lang_href: format!("{base}{sep}lang={other}"),
        other_lang_label: other_label.to_owned(),
        issued,
        issue_form,
        page,
    };
    super::render(&t)
}

fn xlsx_response(bytes: Vec<u8>, name: &str) -> Response {
    file_response(bytes, accord_app::files::Format::Xlsx.content_type(), name)
}

pub async fn progress(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    Query(q): Query<ProgressQuery>,
) -> WebResult<Response> {
    // The plan is read (and its visibility checked) by the report itself; only a report
    // without a quarter reads it first, to choose one.
    let quarter = match q.quarter.trim() {
        "" => pl::default_quarter(&pl::get(&state.app, &actor, id).await?, Utc::now().date_naive()),
        s => Quarter::parse(s).map_err(|c| AppError::field("quarter", c, Some(s)))?,
    };
    let lang = Lang::parse(&q.lang).unwrap_or(ctx.lang);
    let r = pl::progress(&state.app, &actor, id, quarter).await?;
    if q.format == "xlsx" {
        return Ok(xlsx_response(workbook(lang, &r)?, &format!("progress-report-{id}-{}.xlsx", quarter.code())));
    }
    let issue_form = pb::can_manage(&actor)
        .then(|| (format!("/plans/{id}/progress"), quarter.code(), i18n::t(lang, "progress.issue")));
    let base = format!("/plans/{id}/progress?quarter={}", quarter.code());
    Ok(progress_page(&ctx, lang, &r, &base, format!("/plans/{id}"), None, issue_form))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IssueForm {
    quarter: String,
    lang: String,
}

pub async fn issue(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<IssueForm>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let quarter = Quarter::parse(&f.quarter).map_err(|c| AppError::field("quarter", c, Some(f.quarter.trim())))?;
    let lang = Lang::parse(&f.lang).unwrap_or(ctx.lang);
    let s = pl::issue(&state.app, &actor, id, quarter, lang.code()).await?;
    Ok(super::redirect_with_flash(&ctx, &format!("/progress-reports/{}", s.id), "report_issued"))
}

pub async fn snapshot(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    Query(q): Query<ProgressQuery>,
) -> WebResult<Response> {
    let s = pl::snapshot(&state.app, &actor, id).await?;
    let lang = Lang::parse(&q.lang).or_else(|| Lang::parse(&s.language)).unwrap_or(ctx.lang);
    if q.format == "xlsx" {
        return Ok(xlsx_response(
            workbook(lang, &s.report)?,
            &format!("progress-report-{}-{}.xlsx", s.plan_id, s.quarter),
        ));
    }
    let issued =
        i18n::t_args(lang, "progress.issued", &[("date", &format::datetime(lang, s.taken_at)), ("name", &s.taken_by)]);
    Ok(progress_page(
        &ctx,
        lang,
        &s.report,
        &format!("/progress-reports/{id}"),
        format!("/plans/{}", s.plan_id),
        Some(issued),
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_as_in_each_language() {
        let en: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22].iter().map(|n| ordinal(Lang::En, *n)).collect();
        assert_eq!(en, ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd"]);
        assert_eq!(ordinal(Lang::Da, 2), "2.");
    }

    #[test]
    fn a_due_month_reads_as_a_month() {
        let d = NaiveDate::from_ymd_opt(2004, 6, 30).unwrap();
        assert_eq!(due_text(Lang::En, Some(d), true), "June 2004");
        assert_eq!(due_text(Lang::Da, Some(d), true), "juni 2004");
        assert_eq!(due_text(Lang::En, Some(d), false), "30 June 2004");
    }

    #[test]
    fn every_status_has_a_word_in_both_languages() {
        for s in MilestoneStatus::ALL {
            for lang in [Lang::En, Lang::Da] {
                let w = i18n::t(lang, &format!("milestone.statuses.{}", s.as_str()));
                assert!(!w.is_empty() && !w.contains("milestone."), "{s} in {lang:?}");
            }
        }
        for k in ResourceKind::ALL {
            let w = i18n::t(Lang::Da, &format!("milestone.resource_kinds.{}", k.as_str()));
            assert!(!w.contains("milestone."), "{k}");
        }
    }
}
