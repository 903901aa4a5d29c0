//! Programmes in the browser: the list with outputs at a glance, the form to set one up or
//! edit it, a programme's page (organisations and roles, outputs against targets, outcomes
//! per target group with "<5" for small figures, participation and budget lines), the
//! secretariat's budget, and a budget line's page with its spend and the form to record more.

use super::Opt;
use super::shared::{ConflictRows, district_options, stale};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::job_shops::{JobShopInput, JobShopView};
use accord_app::programmes::{
    self as pg, Budget, LineInput, ParticipantInput, PartnerInput, ProgrammeInput, ProgrammeView, SpendInput,
};
use accord_app::{Actor, AppError, Paging};
use accord_domain::programme::money_in;
use accord_domain::{FieldErrors, FundingSource, Lang, PartnerRole, ProgrammeKind, TargetGroup, Vocabulary, format};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;

fn label(lang: Lang, prefix: &str, code: &str) -> String {
    i18n::t(lang, &format!("{prefix}.{code}"))
}

fn group_label(lang: Lang, g: Option<&str>) -> String {
    match g {
        Some(g) => label(lang, "programme.groups", g),
        None => i18n::t(lang, "programme.group_none"),
    }
}

// ---- the list ----

pub struct Row {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub district: String,
    pub dates: String,
    pub referrals: String,
    pub job_entries: String,
}

#[derive(Template)]
#[template(path = "programmes/list.html")]
struct ListTemplate {
    page: Page,
    rows: Vec<Row>,
    caption: String,
    many_districts: bool,
    can_write: bool,
}

fn dates(lang: Lang, v: &ProgrammeView) -> String {
    let start = format::date_short(lang, v.start_date);
    match v.end_date {
        Some(e) => format!("{start} – {}", format::date_short(lang, e)),
        None => format!("{start} –"),
    }
}

pub async fn list(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let lang = ctx.lang;
    let r = pg::list(&state.app, &actor, Paging::new(None, Some(Paging::MAX_PER_PAGE))).await?;
    let many_districts = accord_app::districts::list(&state.app, &actor).await?.len() > 1;
    let rows = r
        .items
        .iter()
        .map(|v| Row {
            id: v.id,
            name: v.name.clone(),
            kind: label(lang, "programme.kinds", &v.kind),
            district: v.district.clone(),
            dates: dates(lang, v),
            referrals: format::number(lang, v.outputs[0].actual),
            job_entries: format::number(lang, v.outputs[3].actual),
        })
        .collect();
    let t = ListTemplate {
        page: ctx.page(ctx.t("programme.title")),
        rows,
        caption: i18n::t_value(lang, "programme.caption", &format::number(lang, r.total as i64)),
        many_districts,
        can_write: pg::can_write(&actor),
    };
    Ok(super::render(&t))
}

// ---- the form ----

#[derive(Template)]
#[template(path = "programmes/form.html")]
struct FormTemplate {
    page: Page,
    id: Option<i64>,
    f: ProgrammeInput,
    errors: ShownErrors,
    districts: Vec<Opt>,
    kinds: Vec<Opt>,
    groups: Vec<Opt>,
    changed: Vec<(String, String, String)>,
}

async fn render_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<i64>,
    f: ProgrammeInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let district = f.district.clone().unwrap_or_default();
    let kinds = super::vocab_options(lang, "programme.kinds", &ProgrammeKind::codes(), &f.kind, Some("common.choose"));
    let groups = TargetGroup::ALL
        .iter()
        .map(|g| Opt {
            value: g.as_str().to_owned(),
            label: label(lang, "programme.groups", g.as_str()),
            checked: f.target_groups.iter().any(|x| x == g.as_str()),
        })
        .collect();
    let title = ctx.t(if id.is_some() { "programme.edit_title" } else { "programme.new_title" });
    let conflict = !changed.is_empty();
    let t = FormTemplate {
        page: ctx.page(title),
        id,
        errors: ShownErrors::new(lang, errors),
        districts: if id.is_none() { district_options(state, actor, &district).await? } else { vec![] },
        kinds,
        groups,
        changed,
        f,
    };
    Ok(super::render_form(&t, errors, conflict))
}

fn input_of(v: &ProgrammeView) -> ProgrammeInput {
    let target = |i: usize| v.outputs[i].target.map(|t| t.to_string()).unwrap_or_default();
    ProgrammeInput {
        district: None,
        kind: v.kind.clone(),
        name: v.name.clone(),
        description: v.description.clone().unwrap_or_default(),
        start_date: v.start_date.to_string(),
        end_date: v.end_date.map(|d| d.to_string()).unwrap_or_default(),
        target_groups: v.target_groups.clone(),
        target_referrals: target(0),
        target_starts: target(1),
        target_completions: target(2),
        target_job_entries: target(3),
        target_sustained_jobs: target(4),
        version: Some(v.version),
    }
}

pub async fn new(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    if !pg::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    render_form(&state, &ctx, &actor, None, ProgrammeInput::default(), &FieldErrors::new(), vec![]).await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<ProgrammeInput>,
) -> WebResult<Response> {
    match pg::create(&state.app, &actor, &f).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/programmes/{}", v.id), "programme_saved")),
        Err(AppError::Invalid(errors)) => render_form(&state, &ctx, &actor, None, f, &errors, vec![]).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    if !pg::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let v = pg::get(&state.app, &actor, id).await?;
    render_form(&state, &ctx, &actor, Some(id), input_of(&v), &FieldErrors::new(), vec![]).await
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ProgrammeInput>,
) -> WebResult<Response> {
    match pg::update(&state.app, &actor, id, &f).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/programmes/{}", v.id), "programme_saved")),
        Err(AppError::Invalid(errors)) => render_form(&state, &ctx, &actor, Some(id), f, &errors, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let current: ProgrammeView =
                serde_json::from_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
            let now = input_of(&current);
            let value = |inp: &ProgrammeInput, field: &str| -> String {
                match field {
                    "kind" => inp.kind.clone(),
                    "name" => inp.name.clone(),
                    "description" => inp.description.clone(),
                    "start_date" => inp.start_date.clone(),
                    "end_date" => inp.end_date.clone(),
                    "target_groups" => inp.target_groups.join(", "),
                    _ => String::new(),
                }
            };
            let rows =
                changed.iter().map(|c| (ctx.t(&format!("programme.{c}")), value(&now, c), value(&f, c))).collect();
            let mine = ProgrammeInput { version: Some(current.version), ..f };
            render_form(&state, &ctx, &actor, Some(id), mine, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- one programme ----

pub struct OutputRow {
    pub label: String,
    pub target: String,
    pub actual: String,
}

pub struct EqualityLine {
    pub group: String,
    pub cells: Vec<String>,
}

pub struct LineRow {
    pub id: i64,
    pub name: String,
    pub source: String,
    pub year: i32,
    pub programme: Option<(i64, String)>,
    pub budget: String,
    pub spent: String,
    pub remaining: String,
    pub overspent: bool,
    pub closed: bool,
}

pub struct Totals {
    pub budget: String,
    pub spent: String,
    pub remaining: String,
}

/// The currency of a district's money, by its code (Danish kroner when not known).
pub fn currency_of<'a>(currencies: &'a HashMap<String, String>, district: &str) -> &'a str {
    currencies.get(district).map(String::as_str).unwrap_or("DKK")
}

/// The lines of a budget and its totals as a table shows them, money per locale and each
/// amount with its district's currency. Lines in different currencies have no total: their
/// sums would add pounds to kroner, so the totals show a dash.
pub fn line_rows(lang: Lang, b: &Budget, currencies: &HashMap<String, String>) -> (Vec<LineRow>, Totals) {
    let rows = b
        .lines
        .iter()
        .map(|l| {
            let cur = currency_of(currencies, &l.district);
            LineRow {
                id: l.id,
                name: l.name.clone(),
                source: label(lang, "budget.sources", &l.funding_source),
                year: l.year,
                programme: l.programme_id.zip(l.programme_name.clone()),
                budget: money_in(lang, l.budget_minor, cur),
                spent: money_in(lang, l.spent_minor, cur),
                remaining: money_in(lang, l.remaining_minor, cur),
                overspent: l.remaining_minor < 0,
                closed: l.closed,
            }
        })
        .collect();
    let mut used = b.lines.iter().map(|l| currency_of(currencies, &l.district));
    let first = used.next().unwrap_or("DKK");
    let totals = if used.all(|c| c == first) {
        Totals {
            budget: money_in(lang, b.budget_minor, first),
            spent: money_in(lang, b.spent_minor, first),
            remaining: money_in(lang, b.remaining_minor, first),
        }
    } else {
        Totals { budget: "–".into(), spent: "–".into(), remaining: "–".into() }
    };
    (rows, totals)
}

#[derive(Template)]
#[template(path = "programmes/show.html")]
struct ShowTemplate {
    page: Page,
    v: ProgrammeView,
    kind: String,
    dates: String,
    groups: Vec<String>,
    partners: Vec<(i64, String, String)>,
    outputs: Vec<OutputRow>,
    measures: Vec<String>,
    equality: Vec<EqualityLine>,
    lines: Vec<LineRow>,
    totals: Totals,
    partner: PartnerInput,
    partner_errors: ShownErrors,
    roles: Vec<Opt>,
    participant: ParticipantInput,
    participant_errors: ShownErrors,
    eligible: Vec<Opt>,
    line: LineInput,
    line_errors: ShownErrors,
    sources: Vec<Opt>,
    job_shops: Vec<JobShopRow>,
    can_write: bool,
}

enum Failed<'a> {
    None,
    Partner(PartnerInput, &'a FieldErrors),
    Participant(ParticipantInput, &'a FieldErrors),
    Line(LineInput, &'a FieldErrors),
}

async fn render_show(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    failed: Failed<'_>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let v = pg::get(&state.app, actor, id).await?;
    let budget = pg::programme_budget(&state.app, actor, id).await?;
    let none = FieldErrors::new();
    let (mut partner, mut partner_errors) = (PartnerInput::default(), &none);
    let (mut participant, mut participant_errors) = (ParticipantInput::default(), &none);
    let year = v.start_date.format("%Y").to_string();
    let (mut line, mut line_errors) = (LineInput { year, ..Default::default() }, &none);
    let mut status = axum::http::StatusCode::OK;
    match failed {
        Failed::None => {}
        Failed::Partner(f, e) => {
            (partner, partner_errors) = (f, e);
            status = super::form_status(e, false);
        }
        Failed::Participant(f, e) => {
            (participant, participant_errors) = (f, e);
            status = super::form_status(e, false);
        }
        Failed::Line(f, e) => {
            (line, line_errors) = (f, e);
            status = super::form_status(e, false);
        }
    }
    let roles =
        super::vocab_options(lang, "programme.roles", &PartnerRole::codes(), &partner.role, Some("common.choose"));
    let mut eligible = vec![Opt {
        value: String::new(),
        label: ctx.t("programme.group_none"),
        checked: participant.target_group.is_empty(),
    }];
    eligible.extend(v.target_groups.iter().map(|g| Opt {
        value: g.clone(),
        label: label(lang, "programme.groups", g),
        checked: *g == participant.target_group,
    }));
    let sources = super::vocab_options(
        lang,
        "budget.sources",
        &FundingSource::codes(),
        &line.funding_source,
        Some("common.choose"),
    );
    let (lines, totals) = line_rows(lang, &budget, &accord_app::districts::currencies(&state.app).await?);
    let measures: Vec<String> = pg::MEASURES.iter().map(|m| label(lang, "programme.measures", m)).collect();
    let t = ShowTemplate {
        page: ctx.page(v.name.clone()),
        kind: label(lang, "programme.kinds", &v.kind),
        dates: dates(lang, &v),
        groups: v.target_groups.iter().map(|g| label(lang, "programme.groups", g)).collect(),
        partners: v
            .partners
            .iter()
            .map(|p| (p.organisation_id, p.name.clone(), label(lang, "programme.roles", &p.role)))
            .collect(),
        outputs: v
            .outputs
            .iter()
            .map(|o| OutputRow {
                label: label(lang, "programme.measures", &o.measure),
                target: o.target.map(|t| format::number(lang, t)).unwrap_or_else(|| "–".into()),
                actual: format::number(lang, o.actual),
            })
            .collect(),
        equality: v
            .equality
            .iter()
            .map(|r| EqualityLine {
                group: group_label(lang, r.group.as_deref()),
                cells: r.cells().iter().map(|c| c.text(lang)).collect(),
            })
            .collect(),
        measures,
        lines,
        totals,
        partner,
        partner_errors: ShownErrors::new(lang, partner_errors),
        roles,
        participant,
        participant_errors: ShownErrors::new(lang, participant_errors),
        eligible,
        line,
        line_errors: ShownErrors::new(lang, line_errors),
        sources,
        job_shops: job_shop_rows(state, actor, lang, id).await?,
        can_write: pg::can_write(actor),
        v,
    };
    let mut res = super::render(&t);
    *res.status_mut() = status;
    Ok(res)
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    render_show(&state, &ctx, &actor, id, Failed::None).await
}

pub async fn add_partner(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<PartnerInput>,
) -> WebResult<Response> {
    match pg::add_partner(&state.app, &actor, id, &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/programmes/{id}#partners"), "programme_partner_added")),
        Err(AppError::Invalid(errors)) => render_show(&state, &ctx, &actor, id, Failed::Partner(f, &errors)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn record_participant(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ParticipantInput>,
) -> WebResult<Response> {
    match pg::record_participants(&state.app, &actor, id, std::slice::from_ref(&f)).await {
        Ok(_) => {
            Ok(super::redirect_with_flash(&ctx, &format!("/programmes/{id}#outputs"), "programme_participant_saved"))
        }
        Err(AppError::Invalid(errors)) => render_show(&state, &ctx, &actor, id, Failed::Participant(f, &errors)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn create_line(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<LineInput>,
) -> WebResult<Response> {
    match pg::create_line(&state.app, &actor, Some(id), &f).await {
        Ok(l) => Ok(super::redirect_with_flash(&ctx, &format!("/budget-lines/{}", l.id), "budget_line_created")),
        Err(AppError::Invalid(errors)) => render_show(&state, &ctx, &actor, id, Failed::Line(f, &errors)).await,
        Err(e) => Err(e.into()),
    }
}

// ---- the secretariat's budget ----

#[derive(Template)]
#[template(path = "programmes/budget.html")]
struct BudgetTemplate {
    page: Page,
    lines: Vec<LineRow>,
    totals: Totals,
    year: String,
    line: LineInput,
    errors: ShownErrors,
    districts: Vec<Opt>,
    sources: Vec<Opt>,
    can_write: bool,
}

#[derive(Deserialize, Default)]
pub struct BudgetQuery {
    pub year: Option<String>,
}

async fn render_budget(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    year: Option<i32>,
    line: LineInput,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let b = pg::secretariat_budget(&state.app, actor, None, year).await?;
    let (lines, totals) = line_rows(lang, &b, &accord_app::districts::currencies(&state.app).await?);
    let district = line.district.clone().unwrap_or_default();
    let t = BudgetTemplate {
        page: ctx.page(ctx.t("budget.title")),
        lines,
        totals,
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        errors: ShownErrors::new(lang, errors),
        districts: district_options(state, actor, &district).await?,
        sources: super::vocab_options(
            lang,
            "budget.sources",
            &FundingSource::codes(),
            &line.funding_source,
            Some("common.choose"),
        ),
        can_write: pg::can_write(actor),
        line,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn budget(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<BudgetQuery>,
) -> WebResult<Response> {
    let year = q.year.as_deref().and_then(|y| accord_domain::report::parse_year(y).ok());
    let line = LineInput { year: year.map(|y| y.to_string()).unwrap_or_default(), ..Default::default() };
    render_budget(&state, &ctx, &actor, year, line, &FieldErrors::new()).await
}

pub async fn create_secretariat_line(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<LineInput>,
) -> WebResult<Response> {
    match pg::create_line(&state.app, &actor, None, &f).await {
        Ok(l) => Ok(super::redirect_with_flash(&ctx, &format!("/budget-lines/{}", l.id), "budget_line_created")),
        Err(AppError::Invalid(errors)) => render_budget(&state, &ctx, &actor, None, f, &errors).await,
        Err(e) => Err(e.into()),
    }
}

// ---- one budget line ----

pub struct SpendRow {
    pub date: String,
    pub amount: String,
    pub description: String,
    pub activity_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "programmes/line.html")]
struct LineTemplate {
    page: Page,
    l: accord_app::programmes::LineView,
    source: String,
    budget: String,
    spent: String,
    remaining: String,
    spend: Vec<SpendRow>,
    f: SpendInput,
    errors: ShownErrors,
    can_write: bool,
}

async fn render_line(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    f: SpendInput,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let l = pg::get_line(&state.app, actor, id).await?;
    let currencies = accord_app::districts::currencies(&state.app).await?;
    let cur = currency_of(&currencies, &l.district);
    let t = LineTemplate {
        page: ctx.page(l.name.clone()),
        source: label(lang, "budget.sources", &l.funding_source),
        budget: money_in(lang, l.budget_minor, cur),
        spent: money_in(lang, l.spent_minor, cur),
        remaining: money_in(lang, l.remaining_minor, cur),
        spend: l
            .spend
            .iter()
            .map(|s| SpendRow {
                date: format::date_short(lang, s.spent_on),
                amount: money_in(lang, s.amount_minor, cur),
                description: s.description.clone(),
                activity_id: s.activity_id,
            })
            .collect(),
        f,
        errors: ShownErrors::new(lang, errors),
        can_write: pg::can_write(actor) && !l.closed,
        l,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn line(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let f = SpendInput { spent_on: chrono::Utc::now().date_naive().to_string(), ..Default::default() };
    render_line(&state, &ctx, &actor, id, f, &FieldErrors::new()).await
}

pub async fn record_spend(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<SpendInput>,
) -> WebResult<Response> {
    match pg::record_spend(&state.app, &actor, id, &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/budget-lines/{id}"), "spend_recorded")),
        Err(AppError::Invalid(errors)) => render_line(&state, &ctx, &actor, id, f, &errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
pub struct CloseForm {
    pub version: Option<i32>,
}

pub async fn close_line(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<CloseForm>,
) -> WebResult<Response> {
    match pg::close_line(&state.app, &actor, id, f.version).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/budget-lines/{id}"), "budget_line_closed")),
        Err(AppError::Conflict { .. }) => {
            let errors = FieldErrors::single("amount", "budget.changed_meanwhile", None);
            render_line(&state, &ctx, &actor, id, SpendInput::default(), &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- job shops ----

/// A job shop as the programme's page lists it.
pub struct JobShopRow {
    pub id: i64,
    pub held_on: String,
    pub place: String,
    pub on_premises: bool,
    pub workers_seen: String,
    pub staff: String,
    pub services: String,
    /// The redundancy event it also serves: its id and title.
    pub event: Option<(i64, String)>,
}

async fn job_shop_rows(state: &AppState, actor: &Actor, lang: Lang, id: i64) -> WebResult<Vec<JobShopRow>> {
    let shops = pg::job_shops(&state.app, actor, id).await?;
    let mut out = vec![];
    for j in shops {
        let event = match j.event_id {
            Some(e) => match accord_app::redundancy::get(&state.app, actor, e).await {
                Ok(ev) => Some((e, ev.title)),
                Err(_) => None,
            },
            None => None,
        };
        out.push(JobShopRow {
            id: j.id,
            held_on: format::date_short(lang, j.held_on),
            place: j.place,
            on_premises: j.on_premises,
            workers_seen: format::number(lang, i64::from(j.workers_seen)),
            staff: j.staff.unwrap_or_default(),
            services: j.services.unwrap_or_default(),
            event,
        });
    }
    Ok(out)
}

/// The job shop form's values as typed.
pub struct JobShopValues {
    pub held_on: String,
    pub place: String,
    pub on_premises: bool,
    pub staff: String,
    pub workers_seen: String,
    pub services: String,
    pub version: String,
}

#[derive(Template)]
#[template(path = "programmes/job_shop_form.html")]
struct JobShopFormTemplate {
    page: Page,
    programme: String,
    programme_id: i64,
    action: String,
    f: JobShopValues,
    events: Vec<Opt>,
    errors: ShownErrors,
    changed: ConflictRows,
}

#[allow(clippy::too_many_arguments)]
async fn job_shop_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    v: &ProgrammeView,
    id: Option<i64>,
    input: &JobShopInput,
    errors: &FieldErrors,
    changed: ConflictRows,
) -> WebResult<Response> {
    let val = |o: &Option<String>| o.clone().unwrap_or_default();
    let chosen = val(&input.event);
    let mut events =
        vec![Opt { value: String::new(), label: ctx.t("job_shop.event_none"), checked: chosen.is_empty() }];
    // The district's redundancy events the actor may see; none when they read no events.
    if let Ok(rows) = accord_app::redundancy::list(&state.app, actor, Some(&v.district)).await {
        events.extend(rows.into_iter().map(|e| Opt {
            value: e.id.to_string(),
            label: e.title.clone(),
            checked: e.id.to_string() == chosen,
        }));
    }
    let heading = if id.is_some() { ctx.t("job_shop.edit") } else { ctx.t("job_shop.add") };
    let action = match id {
        Some(j) => format!("/programme-job-shops/{j}"),
        None => format!("/programmes/{}/job-shops", v.id),
    };
    let t = JobShopFormTemplate {
        page: ctx.page(heading),
        programme: v.name.clone(),
        programme_id: v.id,
        action,
        f: JobShopValues {
            held_on: val(&input.held_on),
            place: val(&input.place),
            on_premises: matches!(val(&input.on_premises).as_str(), "true" | "on" | "yes" | "1"),
            staff: val(&input.staff),
            workers_seen: val(&input.workers_seen),
            services: val(&input.services),
            version: input.version.map(|v| v.to_string()).unwrap_or_default(),
        },
        events,
        errors: ShownErrors::new(ctx.lang, errors),
        changed,
    };
    Ok(super::render_form(&t, errors, !t.changed.is_empty()))
}

/// A programme's job shop and its programme, or 404 (a job shop held only for a redundancy
/// event is kept on the event's page).
async fn programme_job_shop(state: &AppState, actor: &Actor, shop: i64) -> WebResult<(JobShopView, ProgrammeView)> {
    let j = accord_app::job_shops::get(&state.app, actor, shop).await?;
    let v = pg::get(&state.app, actor, j.programme_id.ok_or(AppError::NotFound)?).await?;
    Ok((j, v))
}

pub async fn new_job_shop(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    if !pg::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let v = pg::get(&state.app, &actor, id).await?;
    let input = JobShopInput { held_on: Some(chrono::Utc::now().date_naive().to_string()), ..Default::default() };
    job_shop_form(&state, &ctx, &actor, &v, None, &input, &FieldErrors::new(), vec![]).await
}

pub async fn create_job_shop(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<JobShopInput>,
) -> WebResult<Response> {
    if !pg::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let v = pg::get(&state.app, &actor, id).await?;
    // A form leaves the event out only when no choice was shown: no event then.
    let input = JobShopInput { event: Some(input.event.clone().unwrap_or_default()), ..input };
    match pg::save_job_shop(&state.app, &actor, Some(id), None, &input).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/programmes/{id}#job-shops"), "job_shop_saved")),
        Err(AppError::Invalid(err)) => job_shop_form(&state, &ctx, &actor, &v, None, &input, &err, vec![]).await,
        Err(err) => Err(err.into()),
    }
}

pub async fn edit_job_shop(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(shop): Path<i64>,
) -> WebResult<Response> {
    if !pg::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let (j, v) = programme_job_shop(&state, &actor, shop).await?;
    job_shop_form(&state, &ctx, &actor, &v, Some(shop), &j.input(), &FieldErrors::new(), vec![]).await
}

pub async fn update_job_shop(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(shop): Path<i64>,
    CsrfForm(input): CsrfForm<JobShopInput>,
) -> WebResult<Response> {
    if !pg::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let (_, v) = programme_job_shop(&state, &actor, shop).await?;
    let id = v.id;
    // An unticked box sends nothing; the programme is the page's own and stays.
    let input = JobShopInput {
        on_premises: Some(input.on_premises.clone().unwrap_or_default()),
        event: Some(input.event.clone().unwrap_or_default()),
        programme: None,
        ..input
    };
    match pg::save_job_shop(&state.app, &actor, None, Some(shop), &input).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/programmes/{id}#job-shops"), "job_shop_saved")),
        Err(AppError::Invalid(err)) => job_shop_form(&state, &ctx, &actor, &v, Some(shop), &input, &err, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "job_shop", current, &changed, &input, JobShopView::input)?;
            job_shop_form(&state, &ctx, &actor, &v, Some(shop), &mine, &FieldErrors::new(), rows).await
        }
        Err(err) => Err(err.into()),
    }
}
