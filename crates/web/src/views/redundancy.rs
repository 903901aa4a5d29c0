//! Redundancy support: the events with their response at a glance, an event with its
//! organisations, team, job shops and cases, the outcomes report, the catalogue of services,
//! and a worker's case with its assessment, sessions, action plan, retraining, jobs and
//! check-ins; the printed plan and the subject access export.
//!
//! A case is only ever shown for a purpose its user chose, on a page that names the case; the
//! choice is logged once and holds for the pages and saves of that visit (the same sign-in
//! session, for a short time). Links never carry a purpose.

use super::shared::{ConflictRows, file_response, stale};
use super::{FormValues, Opt, vocab_options};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::{WebError, WebResult};
use crate::forms::{CsrfForm, ShownErrors};
use crate::state::AppState;
use accord_app::AppError;
use accord_app::cases::{
    self as cs, AccessView, ActivityInput, CaseInput, CaseRow, CaseView, CheckinInput, JobInput, SessionInput,
    SubjectExport, TrainingInput,
};
use accord_app::redundancy::{
    self as rd, EventInput, EventRow, EventView, JobShopInput, JobShopView, OutcomesReport, Response as Figures,
    ServiceInput, ServiceView,
};
use accord_domain::{
    AccessPurpose, ActivityState, CaseStatus, CloseReason, Element, FieldErrors, Lang, Level, SessionKind,
    TrainingStatus, sector,
};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

// ---- a form of fields ----

/// One field of a generic form.
pub struct Field {
    /// `text`, `date`, `number`, `email`, `tel`, `textarea`, `select`, `checkbox` or `checkboxes`.
    pub kind: &'static str,
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub hint: String,
    pub options: Vec<Opt>,
    pub autocomplete: &'static str,
}

/// Builds the fields of a form from the values typed, with labels under one prefix.
struct Fields<'a> {
    ctx: &'a ReqCtx,
    f: FormValues,
    prefix: &'static str,
    out: Vec<Field>,
}

impl<'a> Fields<'a> {
    fn new<T: serde::Serialize>(ctx: &'a ReqCtx, input: &T, prefix: &'static str) -> Self {
        Fields { ctx, f: FormValues::of(input), prefix, out: vec![] }
    }

    fn add(mut self, kind: &'static str, name: &'static str, hint: &str, options: Vec<Opt>) -> Self {
        self.out.push(Field {
            kind,
            name,
            label: self.ctx.t(&format!("{}.{name}", self.prefix)),
            value: self.f.get(name).to_owned(),
            hint: if hint.is_empty() { String::new() } else { self.ctx.t(hint) },
            options,
            autocomplete: "off",
        });
        self
    }

    fn text(self, name: &'static str) -> Self {
        self.add("text", name, "", vec![])
    }

    fn hinted(self, kind: &'static str, name: &'static str, hint: &str) -> Self {
        self.add(kind, name, hint, vec![])
    }

    fn date(self, name: &'static str) -> Self {
        self.add("date", name, "", vec![])
    }

    fn area(self, name: &'static str, hint: &str) -> Self {
        self.add("textarea", name, hint, vec![])
    }

    fn select(self, name: &'static str, options: Vec<Opt>) -> Self {
        self.add("select", name, "", options)
    }

    fn vocab(self, name: &'static str, vocab: &str, codes: &[&str], blank: Option<&str>) -> Self {
        let sel = self.f.get(name).to_owned();
        let o = vocab_options(self.ctx.lang, vocab, codes, &sel, blank);
        self.select(name, o)
    }

    fn check(self, name: &'static str) -> Self {
        let on = matches!(self.f.get(name), "true" | "on" | "yes" | "1");
        self.add("checkbox", name, "", vec![Opt { value: "true".into(), label: String::new(), checked: on }])
    }

    fn checks(self, name: &'static str, options: Vec<Opt>) -> Self {
        self.add("checkboxes", name, "", options)
    }
}

#[derive(Template)]
#[template(path = "redundancy/form.html")]
struct FormTemplate {
    page: Page,
    heading: String,
    lead: String,
    action: String,
    back: String,
    errors: ShownErrors,
    fields: Vec<Field>,
    version: String,
    changed: ConflictRows,
}

#[allow(clippy::too_many_arguments)]
fn form(
    ctx: &ReqCtx,
    heading: String,
    lead: String,
    action: String,
    back: String,
    fields: Fields,
    errors: &FieldErrors,
    changed: ConflictRows,
) -> Response {
    let version = fields.f.get("version").to_owned();
    let t = FormTemplate {
        page: ctx.page(heading.clone()),
        heading,
        lead,
        action,
        back,
        errors: ShownErrors::new(ctx.lang, errors),
        fields: fields.out,
        version,
        changed,
    };
    super::render_form(&t, errors, !t.changed.is_empty())
}

fn codes<T: Copy>(all: &[T], f: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| f(*v)).collect()
}

fn sectors(ctx: &ReqCtx) -> Vec<Opt> {
    let mut o = vec![Opt { value: String::new(), label: ctx.t("common.choose"), checked: false }];
    o.extend(sector::SECTIONS.iter().map(|(c, en, da)| Opt {
        value: c.to_string(),
        label: format!("{c} – {}", if ctx.lang == Lang::Da { da } else { en }),
        checked: false,
    }));
    o
}

fn mark(mut o: Vec<Opt>, selected: &str) -> Vec<Opt> {
    for x in &mut o {
        x.checked = x.value == selected;
    }
    o
}

// ---- events ----

#[derive(Template)]
#[template(path = "redundancy/list.html")]
struct ListTemplate {
    page: Page,
    events: Vec<EventRow>,
    stages: Vec<String>,
    can_manage: bool,
}

fn stage_labels(ctx: &ReqCtx) -> Vec<String> {
    Figures::STAGES.iter().map(|s| ctx.t(&format!("outcomes.stage.{s}"))).collect()
}

pub async fn list(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let events = rd::list(&state.app, &actor, None).await?;
    let t = ListTemplate {
        page: ctx.page(ctx.t("event.list_title")),
        stages: stage_labels(&ctx),
        events,
        can_manage: rd::can_manage(&actor),
    };
    Ok(super::render(&t))
}

#[derive(Template)]
#[template(path = "redundancy/show.html")]
struct ShowTemplate {
    page: Page,
    e: EventView,
    roles: Vec<(String, Vec<String>)>,
    stages: Vec<(String, String)>,
    job_shops: Vec<JobShopView>,
    cases: Option<accord_app::Page<CaseRow>>,
    pager: Option<super::Pager>,
    statuses: Vec<Opt>,
    can_manage: bool,
    /// The currency of the event's district.
    currency: String,
}

#[derive(Deserialize, Default)]
pub struct CaseListQuery {
    #[serde(default)]
    status: String,
    page: Option<u64>,
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    Query(q): Query<CaseListQuery>,
) -> WebResult<Response> {
    let e = rd::get(&state.app, &actor, id).await?;
    let job_shops = rd::job_shops(&state.app, &actor, id).await?;
    let status = if CaseStatus::parse(&q.status).is_ok() { q.status.clone() } else { String::new() };
    let cases = if cs::works_event(&state.app, &actor, id).await? {
        let paging = accord_app::Paging::new(q.page, Some(50));
        Some(cs::list(&state.app, &actor, id, Some(&status), paging).await?)
    } else {
        None
    };
    let pager = cases
        .as_ref()
        .map(|c| super::Pager::new(ctx.lang, &format!("/redundancy/{id}"), &[("status", &status)], c.paging, c.total));
    let statuses = vocab_options(
        ctx.lang,
        "case.statuses",
        &codes(CaseStatus::ALL, CaseStatus::as_str),
        &status,
        Some("case.all"),
    );
    let roles = ["site", "supplier", "union", "careers", "training", "funder", "other"]
        .iter()
        .map(|r| {
            let names = e
                .with_role(r)
                .map(|o| match o.estimated_losses {
                    Some(n) => format!(
                        "{} ({})",
                        o.organisation.name,
                        crate::i18n::t_value(
                            ctx.lang,
                            "event.losses",
                            &accord_domain::format::number(ctx.lang, n as i64)
                        )
                    ),
                    None => o.organisation.name.clone(),
                })
                .collect::<Vec<_>>();
            (ctx.t(&format!("event.roles.{r}")), names)
        })
        .filter(|(_, n)| !n.is_empty())
        .collect();
    let stages = stage_labels(&ctx).into_iter().zip(e.response.cells().iter().map(|c| c.text(ctx.lang))).collect();
    let t = ShowTemplate {
        page: ctx.page(e.title.clone()),
        roles,
        stages,
        job_shops,
        cases,
        pager,
        statuses,
        can_manage: rd::can_manage(&actor),
        currency: district_currency(&state, &e.district).await?,
        e,
    };
    Ok(super::render(&t))
}

/// The currency of a district's money, by its code (Danish kroner when it has none).
async fn district_currency(state: &AppState, district: &str) -> WebResult<String> {
    let d = accord_app::districts::by_code_unscoped(&state.app, district).await?;
    Ok(d.map_or_else(|| "DKK".to_owned(), |d| d.currency))
}

async fn event_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &accord_app::Actor,
    id: Option<i64>,
    input: &EventInput,
    errors: &FieldErrors,
    changed: ConflictRows,
) -> WebResult<Response> {
    let districts = accord_app::districts::list(&state.app, actor).await?;
    let district_id = match &input.district {
        Some(code) if !code.is_empty() => districts.iter().find(|d| &d.code == code).map(|d| d.id),
        _ => districts.first().map(|d| d.id),
    };
    let team = match district_id {
        Some(d) => rd::team_candidates(&state.app, d).await?,
        None => vec![],
    };
    let chosen: Vec<String> = input.team.clone().unwrap_or_default();
    let team_opts = team
        .into_iter()
        .map(|u| Opt { checked: chosen.contains(&u.id.to_string()), value: u.id.to_string(), label: u.name })
        .collect();
    let mut fields = Fields::new(ctx, input, "event");
    if id.is_none() && districts.len() > 1 {
        let sel = input.district.clone().unwrap_or_default();
        let o = districts.iter().map(|d| Opt { checked: d.code == sel, value: d.code.clone(), label: d.name.clone() });
        fields = fields.select("district", o.collect());
    }
    let sector = fields.f.get("sector").to_owned();
    let fields = fields
        .text("title")
        .hinted("text", "employer", "event.ref_hint")
        .date("announced_on")
        .hinted("number", "jobs_lost", "")
        .hinted("number", "indirect_losses", "")
        .select("sector", mark(sectors(ctx), &sector))
        .hinted("number", "funding_available", "event.funding_hint")
        .area("funding_notes", "")
        .area("description", "")
        .area("sites", "event.refs_hint")
        .area("suppliers", "event.suppliers_hint")
        .area("unions", "event.refs_hint")
        .area("careers", "event.refs_hint")
        .area("training", "event.refs_hint")
        .area("funders", "event.refs_hint")
        .area("others", "event.refs_hint")
        .checks("team", team_opts)
        .date("closed_on");
    let (heading, action, back) = match id {
        Some(i) => (ctx.t("event.edit"), format!("/redundancy/{i}"), format!("/redundancy/{i}")),
        None => (ctx.t("event.new"), "/redundancy".to_owned(), "/redundancy".to_owned()),
    };
    Ok(form(ctx, heading, String::new(), action, back, fields, errors, changed))
}

fn require_manage(actor: &accord_app::Actor) -> WebResult<()> {
    if rd::can_manage(actor) { Ok(()) } else { Err(AppError::Forbidden.into()) }
}

pub async fn new(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    require_manage(&actor)?;
    let input = EventInput { announced_on: Some(chrono::Utc::now().date_naive().to_string()), ..Default::default() };
    event_form(&state, &ctx, &actor, None, &input, &FieldErrors::new(), vec![]).await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(input): CsrfForm<EventInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    match rd::save(&state.app, &actor, None, &input).await {
        Ok(e) => Ok(super::redirect_with_flash(&ctx, &format!("/redundancy/{}", e.id), "event_saved")),
        Err(AppError::Invalid(e)) => event_form(&state, &ctx, &actor, None, &input, &e, vec![]).await,
        Err(e) => Err(WebError(e)),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let e = rd::get(&state.app, &actor, id).await?;
    event_form(&state, &ctx, &actor, Some(id), &e.input(), &FieldErrors::new(), vec![]).await
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(mut input): CsrfForm<EventInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    // An unticked team leaves no field at all: the team is then empty.
    input.team.get_or_insert_with(Vec::new);
    match rd::save(&state.app, &actor, Some(id), &input).await {
        Ok(e) => Ok(super::redirect_with_flash(&ctx, &format!("/redundancy/{}", e.id), "event_saved")),
        Err(AppError::Invalid(e)) => event_form(&state, &ctx, &actor, Some(id), &input, &e, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "event", current, &changed, &input, EventView::input)?;
            event_form(&state, &ctx, &actor, Some(id), &mine, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(WebError(e)),
    }
}

// ---- job shops ----

fn job_shop_form(
    ctx: &ReqCtx,
    e: &EventView,
    id: Option<i64>,
    input: &JobShopInput,
    errors: &FieldErrors,
    changed: ConflictRows,
) -> Response {
    let fields = Fields::new(ctx, input, "job_shop")
        .date("held_on")
        .text("place")
        .check("on_premises")
        .area("staff", "body.one_per_line")
        .hinted("number", "workers_seen", "")
        .area("services", "body.one_per_line");
    let heading = if id.is_some() { ctx.t("job_shop.edit") } else { ctx.t("job_shop.add") };
    let action = id.map(|i| format!("/job-shops/{i}")).unwrap_or_else(|| format!("/redundancy/{}/job-shops", e.id));
    form(ctx, heading, e.title.clone(), action, format!("/redundancy/{}#job-shops", e.id), fields, errors, changed)
}

pub async fn new_job_shop(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let e = rd::get(&state.app, &actor, id).await?;
    let input = JobShopInput { held_on: Some(chrono::Utc::now().date_naive().to_string()), ..Default::default() };
    Ok(job_shop_form(&ctx, &e, None, &input, &FieldErrors::new(), vec![]))
}

pub async fn create_job_shop(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<JobShopInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let e = rd::get(&state.app, &actor, id).await?;
    match rd::save_job_shop(&state.app, &actor, Some(id), None, &input).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/redundancy/{id}#job-shops"), "job_shop_saved")),
        Err(AppError::Invalid(err)) => Ok(job_shop_form(&ctx, &e, None, &input, &err, vec![])),
        Err(err) => Err(WebError(err)),
    }
}

pub async fn edit_job_shop(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let j = rd::get_job_shop(&state.app, &actor, id).await?;
    // A job shop held only for a programme is kept on the programme's page.
    let e = rd::get(&state.app, &actor, j.event_id.ok_or(AppError::NotFound)?).await?;
    Ok(job_shop_form(&ctx, &e, Some(id), &j.input(), &FieldErrors::new(), vec![]))
}

pub async fn update_job_shop(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<JobShopInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let j = rd::get_job_shop(&state.app, &actor, id).await?;
    // A job shop held only for a programme is kept on the programme's page.
    let e = rd::get(&state.app, &actor, j.event_id.ok_or(AppError::NotFound)?).await?;
    let input = JobShopInput { on_premises: Some(input.on_premises.clone().unwrap_or_default()), ..input };
    match rd::save_job_shop(&state.app, &actor, None, Some(id), &input).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/redundancy/{}#job-shops", e.id), "job_shop_saved")),
        Err(AppError::Invalid(err)) => Ok(job_shop_form(&ctx, &e, Some(id), &input, &err, vec![])),
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "job_shop", current, &changed, &input, JobShopView::input)?;
            Ok(job_shop_form(&ctx, &e, Some(id), &mine, &FieldErrors::new(), rows))
        }
        Err(err) => Err(WebError(err)),
    }
}

// ---- the outcomes report ----

#[derive(Template)]
#[template(path = "redundancy/outcomes.html")]
struct OutcomesTemplate {
    page: Page,
    r: OutcomesReport,
    stages: Vec<String>,
    rows: Vec<Vec<String>>,
    query: String,
}

#[derive(Deserialize, Default)]
pub struct OutcomeQuery {
    #[serde(default)]
    district: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    format: String,
}

pub async fn outcomes(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<OutcomeQuery>,
) -> WebResult<Response> {
    let event = match q.event.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| AppError::field("event", "event.unknown", Some(s)))?),
    };
    let r = rd::outcomes(&state.app, &actor, Some(&q.district), event).await?;
    let lang = ctx.lang;
    let rows = rd::outcome_table(&r, lang, |k| ctx.t(k));
    match q.format.as_str() {
        "csv" | "xlsx" => {
            let format = accord_app::files::Format::parse(&q.format).unwrap_or(accord_app::files::Format::Csv);
            let header: Vec<&str> = rows[0].iter().map(String::as_str).collect();
            let bytes = accord_app::files::write_table(format, &ctx.t("outcomes.title"), &header, &rows[1..])
                .map_err(AppError::Internal)?;
            return Ok(file_response(
                bytes,
                format.content_type(),
                &format!("redundancy-outcomes.{}", format.extension()),
            ));
        }
        "" | "html" => {}
        other => return Err(AppError::field("format", "format.unknown", Some(other)).into()),
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !q.district.is_empty() {
        query.append_pair("district", &q.district);
    }
    if let Some(e) = event {
        query.append_pair("event", &e.to_string());
    }
    let query = query.finish();
    let t = OutcomesTemplate {
        page: ctx.page(ctx.t("outcomes.title")),
        stages: stage_labels(&ctx),
        rows: rows.into_iter().skip(1).collect(),
        query: if query.is_empty() { String::new() } else { format!("{query}&") },
        r,
    };
    Ok(super::render(&t))
}

// ---- the catalogue ----

#[derive(Template)]
#[template(path = "redundancy/services.html")]
struct ServicesTemplate {
    page: Page,
    services: Vec<ServiceView>,
    can_edit: bool,
}

pub async fn services(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let services = rd::services(&state.app, &actor).await?;
    let t =
        ServicesTemplate { page: ctx.page(ctx.t("service.title")), services, can_edit: rd::can_edit_catalogue(&actor) };
    Ok(super::render(&t))
}

fn service_form(
    ctx: &ReqCtx,
    id: Option<i64>,
    input: &ServiceInput,
    errors: &FieldErrors,
    changed: ConflictRows,
) -> Response {
    let fields = Fields::new(ctx, input, "service")
        .vocab("element", "service.elements", &codes(Element::ALL, Element::as_str), Some("common.choose"))
        .text("name_en")
        .text("name_da")
        .check("active");
    let heading = if id.is_some() { ctx.t("service.edit") } else { ctx.t("service.add") };
    let action = id.map(|i| format!("/redundancy/services/{i}")).unwrap_or_else(|| "/redundancy/services".into());
    form(ctx, heading, String::new(), action, "/redundancy/services".into(), fields, errors, changed)
}

fn require_catalogue(actor: &accord_app::Actor) -> WebResult<()> {
    if rd::can_edit_catalogue(actor) { Ok(()) } else { Err(AppError::Forbidden.into()) }
}

pub async fn new_service(Staff { ctx, actor }: Staff) -> WebResult<Response> {
    require_catalogue(&actor)?;
    let input = ServiceInput { active: Some("true".into()), ..Default::default() };
    Ok(service_form(&ctx, None, &input, &FieldErrors::new(), vec![]))
}

pub async fn create_service(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(input): CsrfForm<ServiceInput>,
) -> WebResult<Response> {
    require_catalogue(&actor)?;
    let input = ServiceInput { active: Some(input.active.clone().unwrap_or_default()), ..input };
    match rd::save_service(&state.app, &actor, None, &input).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, "/redundancy/services", "service_saved")),
        Err(AppError::Invalid(e)) => Ok(service_form(&ctx, None, &input, &e, vec![])),
        Err(e) => Err(WebError(e)),
    }
}

pub async fn edit_service(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    require_catalogue(&actor)?;
    let s = rd::get_service(&state.app, &actor, id).await?;
    Ok(service_form(&ctx, Some(id), &s.input(), &FieldErrors::new(), vec![]))
}

pub async fn update_service(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<ServiceInput>,
) -> WebResult<Response> {
    require_catalogue(&actor)?;
    let input = ServiceInput { active: Some(input.active.clone().unwrap_or_default()), ..input };
    match rd::save_service(&state.app, &actor, Some(id), &input).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, "/redundancy/services", "service_saved")),
        Err(AppError::Invalid(e)) => Ok(service_form(&ctx, Some(id), &input, &e, vec![])),
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "service", current, &changed, &input, ServiceView::input)?;
            Ok(service_form(&ctx, Some(id), &mine, &FieldErrors::new(), rows))
        }
        Err(e) => Err(WebError(e)),
    }
}

// ---- cases ----

/// What a case page's address may say: whether to show the personal details unmasked. It never
/// says why the case is open: that is asked once per visit (see [`cs::visit`]).
#[derive(Deserialize, Default)]
pub struct Purpose {
    #[serde(default)]
    reveal: String,
}

impl Purpose {
    fn reveal(&self) -> bool {
        matches!(self.reveal.as_str(), "1" | "true" | "on")
    }
}

#[derive(Template)]
#[template(path = "redundancy/purpose.html")]
struct PurposeTemplate {
    page: Page,
    h: cs::CaseHeading,
    next: String,
    purposes: Vec<Opt>,
    error: bool,
    reveal: bool,
}

/// The question a case asks before it opens, on a page that names the case: why. `next` is the
/// page of the case to go on to.
async fn ask_purpose(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &accord_app::Actor,
    id: i64,
    next: String,
    chosen: Option<&str>,
    reveal: bool,
) -> WebResult<Response> {
    let h = cs::heading(&state.app, actor, id).await?;
    let codes: Vec<&str> = cs::purposes().iter().map(|p| p.as_str()).collect();
    let error = chosen.is_some();
    let t = PurposeTemplate {
        page: ctx.page(ctx.t("case.purpose_title")),
        purposes: vocab_options(ctx.lang, "access.purposes", &codes, chosen.unwrap_or(""), None),
        next: case_next(id, &next),
        error,
        reveal,
        h,
    };
    let mut res = super::render(&t);
    if error {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// A page of this case to go on to, or the case itself: never a page elsewhere.
fn case_next(id: i64, next: &str) -> String {
    let base = format!("/cases/{id}");
    let rest = next.strip_prefix(&base).unwrap_or("");
    if next.starts_with(&base)
        && (rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
        && !rest.contains("//")
    {
        next.to_owned()
    } else {
        base
    }
}

#[derive(Deserialize, Default)]
pub struct OpenForm {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    reveal: String,
    #[serde(default)]
    next: String,
}

/// The answer to the question: the purpose is logged once, and the visit goes on to the page
/// that asked.
pub async fn open_case(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<OpenForm>,
) -> WebResult<Response> {
    let reveal = matches!(f.reveal.as_str(), "1" | "true" | "on");
    let Ok(purpose) = AccessPurpose::parse(f.purpose.trim()) else {
        return ask_purpose(&state, &ctx, &actor, id, f.next, Some(f.purpose.trim()), reveal).await;
    };
    let session = session_of(&ctx)?;
    cs::begin_visit(&state.app, &actor, session, id, purpose, reveal).await?;
    let mut next = case_next(id, &f.next);
    if reveal && next == format!("/cases/{id}") {
        next.push_str("?reveal=1");
    }
    Ok(axum::response::IntoResponse::into_response(axum::response::Redirect::to(&next)))
}

fn session_of(ctx: &ReqCtx) -> WebResult<&str> {
    ctx.session.as_ref().map(|s| s.id_hash.as_str()).ok_or_else(|| WebError(AppError::Unauthenticated))
}

#[derive(Template)]
#[template(path = "redundancy/case.html")]
struct CaseTemplate {
    page: Page,
    c: CaseView,
    purpose: String,
    accesses: Vec<AccessView>,
    manager: bool,
    /// The currency of the event's district, for the cost of retraining.
    currency: String,
}

pub async fn show_case(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    Query(p): Query<Purpose>,
) -> WebResult<Response> {
    let (c, purpose) = match case_for(&state, &ctx, &actor, id, p.reveal()).await? {
        Ok(x) => x,
        Err(ask) => return Ok(ask),
    };
    let accesses = cs::accesses(&state.app, &actor, id).await?;
    let currency = rd::event_currency(&state.app, &actor, c.event.id).await?;
    let t = CaseTemplate {
        page: ctx.page(crate::i18n::t_value(ctx.lang, "case.heading", &c.id.to_string())),
        purpose: purpose.as_str().to_owned(),
        accesses,
        manager: actor.has(accord_domain::Role::Manager),
        currency,
        c,
    };
    Ok(super::render(&t))
}

/// The case behind a page, in the visit under way in this session; without one, the question
/// why (the page asked for is where the answer goes on to).
async fn case_for(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &accord_app::Actor,
    id: i64,
    reveal: bool,
) -> WebResult<Result<(CaseView, AccessPurpose), Response>> {
    match cs::visit(&state.app, actor, session_of(ctx)?, id, reveal).await? {
        Some(x) => Ok(Ok(x)),
        None => Ok(Err(ask_purpose(state, ctx, actor, id, ctx.path.clone(), None, false).await?)),
    }
}

fn case_link(id: i64) -> String {
    format!("/cases/{id}")
}

fn advisers_opts(list: Vec<rd::StaffRef>, selected: &str) -> Vec<Opt> {
    list.into_iter()
        .map(|a| Opt { checked: a.id.to_string() == selected, value: a.id.to_string(), label: a.name })
        .collect()
}

fn person_fields<'a>(ctx: &'a ReqCtx, input: &CaseInput, advisers: Vec<rd::StaffRef>) -> Fields<'a> {
    let fields = Fields::new(ctx, input, "case");
    let sel = fields.f.get("adviser_id").to_owned();
    let lang = fields.f.get("language").to_owned();
    let langs = vec![
        Opt { value: "en".into(), label: ctx.t("lang.en"), checked: lang != "da" },
        Opt { value: "da".into(), label: ctx.t("lang.da"), checked: lang == "da" },
    ];
    fields
        .text("name")
        .hinted("text", "national_id", "case.national_id_hint")
        .hinted("email", "email", "")
        .hinted("tel", "phone", "")
        .area("address", "")
        .select("language", langs)
        .select("adviser_id", advisers_opts(advisers, &sel))
        .date("registered_on")
}

pub async fn new_case(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let e = rd::get(&state.app, &actor, id).await?;
    if !cs::works_event(&state.app, &actor, id).await? {
        return Err(AppError::Forbidden.into());
    }
    let advisers = rd::team_candidates(&state.app, district_of(&state, &e).await?).await?;
    let input = CaseInput {
        adviser_id: actor.user_id.map(|u| u.to_string()),
        registered_on: Some(chrono::Utc::now().date_naive().to_string()),
        language: Some(ctx.lang.code().into()),
        ..Default::default()
    };
    Ok(case_form_new(&ctx, &e, &input, advisers, &FieldErrors::new()))
}

async fn district_of(state: &AppState, e: &EventView) -> WebResult<i64> {
    Ok(accord_app::districts::by_code_unscoped(&state.app, &e.district).await?.map(|d| d.id).unwrap_or_default())
}

fn case_form_new(
    ctx: &ReqCtx,
    e: &EventView,
    input: &CaseInput,
    advisers: Vec<rd::StaffRef>,
    errors: &FieldErrors,
) -> Response {
    let fields = person_fields(ctx, input, advisers);
    form(
        ctx,
        ctx.t("case.register"),
        e.title.clone(),
        format!("/redundancy/{}/cases", e.id),
        format!("/redundancy/{}#cases", e.id),
        fields,
        errors,
        vec![],
    )
}

pub async fn create_case(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<CaseInput>,
) -> WebResult<Response> {
    let e = rd::get(&state.app, &actor, id).await?;
    match cs::register(&state.app, &actor, id, &input).await {
        Ok(c) => Ok(super::redirect_with_flash(&ctx, &case_link(c.id), "case_registered")),
        Err(AppError::Invalid(err)) => {
            let advisers = rd::team_candidates(&state.app, district_of(&state, &e).await?).await?;
            Ok(case_form_new(&ctx, &e, &input, advisers, &err))
        }
        Err(err) => Err(WebError(err)),
    }
}

/// Which part of a case a form changes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Person,
    Assessment,
    Close,
}

async fn case_part_form(
    state: &AppState,
    ctx: &ReqCtx,
    c: &CaseView,
    part: Part,
    input: &CaseInput,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let levels = codes(Level::ALL, Level::as_str);
    let (heading, path, fields) = match part {
        Part::Person => {
            let e = rd::get(&state.app, &accord_app::Actor::system(), c.event.id).await?;
            let advisers = rd::team_candidates(&state.app, district_of(state, &e).await?).await?;
            (ctx.t("case.edit_person"), "edit", person_fields(ctx, input, advisers))
        }
        Part::Assessment => (
            ctx.t("case.assessment"),
            "assessment",
            Fields::new(ctx, input, "case")
                .date("assessed_on")
                .vocab("literacy", "assessment.levels", &levels, Some("common.choose"))
                .vocab("numeracy", "assessment.levels", &levels, Some("common.choose"))
                .vocab("digital", "assessment.levels", &levels, Some("common.choose"))
                .area("assessment_notes", "case.confidential_hint"),
        ),
        Part::Close => (
            ctx.t("case.close"),
            "close",
            Fields::new(ctx, input, "case")
                .vocab("status", "case.statuses", &["sustained", "not_sustained", "withdrawn", "open"], None)
                .date("closed_on")
                .vocab(
                    "closed_reason",
                    "case.reasons",
                    &codes(CloseReason::ALL, CloseReason::as_str),
                    Some("common.none"),
                )
                .area("closed_note", ""),
        ),
    };
    Ok(form(
        ctx,
        heading,
        crate::i18n::t_value(ctx.lang, "case.heading", &c.id.to_string()),
        format!("/cases/{}/{path}", c.id),
        case_link(c.id),
        fields,
        errors,
        vec![],
    ))
}

fn stored(c: &CaseView, part: Part) -> CaseInput {
    let s = |v: &Option<String>| Some(v.clone().unwrap_or_default());
    let d = |v: Option<chrono::NaiveDate>| Some(v.map(|d| d.to_string()).unwrap_or_default());
    let mut i = CaseInput { version: Some(c.version), ..Default::default() };
    match part {
        Part::Person => {
            i.name = Some(c.person.name.clone());
            i.national_id = s(&c.person.national_id);
            i.email = s(&c.person.email);
            i.phone = s(&c.person.phone);
            i.address = s(&c.person.address);
            i.language = Some(c.language.clone());
            i.adviser_id = Some(c.adviser.id.to_string());
            i.registered_on = Some(c.registered_on.to_string());
        }
        Part::Assessment => {
            i.assessed_on =
                d(c.assessed_on).filter(|x| !x.is_empty()).or(Some(chrono::Utc::now().date_naive().to_string()));
            i.literacy = s(&c.literacy);
            i.numeracy = s(&c.numeracy);
            i.digital = s(&c.digital);
            i.assessment_notes = s(&c.assessment_notes);
        }
        Part::Close => {
            i.status = Some(if c.is_closed() { c.status.clone() } else { "sustained".into() });
            i.closed_on = d(c.closed_on);
            i.closed_reason = s(&c.closed_reason);
            i.closed_note = s(&c.closed_note);
        }
    }
    i
}

/// Keeps only the fields the part's form owns, so a form cannot change another part.
fn only(part: Part, input: CaseInput) -> CaseInput {
    let v = input.version;
    match part {
        Part::Person => CaseInput {
            name: input.name,
            national_id: input.national_id,
            email: input.email,
            phone: input.phone,
            address: input.address,
            language: input.language,
            adviser_id: input.adviser_id,
            registered_on: input.registered_on,
            version: v,
            ..Default::default()
        },
        Part::Assessment => CaseInput {
            assessed_on: input.assessed_on,
            literacy: input.literacy,
            numeracy: input.numeracy,
            digital: input.digital,
            assessment_notes: input.assessment_notes,
            version: v,
            ..Default::default()
        },
        Part::Close => CaseInput {
            status: input.status,
            closed_on: input.closed_on,
            closed_reason: input.closed_reason,
            closed_note: input.closed_note,
            version: v,
            ..Default::default()
        },
    }
}

async fn part_get(state: AppState, Staff { ctx, actor }: Staff, id: i64, part: Part) -> WebResult<Response> {
    let (c, _) = match case_for(&state, &ctx, &actor, id, part == Part::Person).await? {
        Ok(x) => x,
        Err(ask) => return Ok(ask),
    };
    let input = stored(&c, part);
    case_part_form(&state, &ctx, &c, part, &input, &FieldErrors::new()).await
}

async fn part_post(
    state: AppState,
    Staff { ctx, actor }: Staff,
    id: i64,
    part: Part,
    input: CaseInput,
) -> WebResult<Response> {
    let input = only(part, input);
    match cs::update(&state.app, &actor, id, &input).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &case_link(id), "case_saved")),
        Err(AppError::Invalid(err)) => {
            let c = match case_for(&state, &ctx, &actor, id, false).await? {
                Ok((c, _)) => c,
                Err(ask) => return Ok(ask),
            };
            case_part_form(&state, &ctx, &c, part, &input, &err).await
        }
        Err(AppError::Conflict { .. }) => {
            Ok(super::redirect_with_flash(&ctx, &case_link(id), "case_changed_meanwhile"))
        }
        Err(err) => Err(WebError(err)),
    }
}

/// The form of one part of a case (GET) and its saving (POST).
macro_rules! part_routes {
    ($get:ident, $post:ident, $part:expr) => {
        pub async fn $get(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>) -> WebResult<Response> {
            part_get(state, staff, id, $part).await
        }

        pub async fn $post(
            State(state): State<AppState>,
            staff: Staff,
            Path(id): Path<i64>,
            CsrfForm(input): CsrfForm<CaseInput>,
        ) -> WebResult<Response> {
            part_post(state, staff, id, $part, input).await
        }
    };
}

part_routes!(edit_case, update_case, Part::Person);
part_routes!(assessment_form, assess, Part::Assessment);
part_routes!(close_form, close, Part::Close);

// ---- what a case holds ----

/// The forms for what a case holds: a session, a plan activity, a course, a job, a check-in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sub {
    Session,
    Activity,
    Training,
    Job,
    Checkin,
}

impl Sub {
    fn path(self) -> &'static str {
        match self {
            Sub::Session => "sessions",
            Sub::Activity => "activities",
            Sub::Training => "trainings",
            Sub::Job => "jobs",
            Sub::Checkin => "checkins",
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn sub_form<T: serde::Serialize>(
    ctx: &ReqCtx,
    c: &CaseView,
    sub: Sub,
    id: Option<i64>,
    input: &T,
    services: &[ServiceView],
    errors: &FieldErrors,
) -> Response {
    let (heading, fields) = match sub {
        Sub::Session => (
            ctx.t("session.add"),
            Fields::new(ctx, input, "session")
                .vocab("kind", "session.kinds", &codes(SessionKind::ALL, SessionKind::as_str), None)
                .date("held_on")
                .hinted("number", "minutes", "")
                .hinted("text", "referred_to", "session.referred_to_hint")
                .area("notes", "case.confidential_hint"),
        ),
        Sub::Activity => {
            let f = Fields::new(ctx, input, "plan_activity");
            let sel = f.f.get("service_id").to_owned();
            let mut opts =
                vec![Opt { value: String::new(), label: ctx.t("plan_activity.own"), checked: sel.is_empty() }];
            opts.extend(services.iter().filter(|s| s.active || s.id.to_string() == sel).map(|s| Opt {
                checked: s.id.to_string() == sel,
                value: s.id.to_string(),
                label: format!("{} – {}", ctx.t(&format!("service.elements.{}", s.element)), s.name(ctx.lang)),
            }));
            (
                if id.is_some() { ctx.t("plan_activity.edit") } else { ctx.t("plan_activity.add") },
                f.select("service_id", opts)
                    .hinted("text", "title", "plan_activity.title_hint")
                    .date("due_on")
                    .vocab("status", "plan_activity.statuses", &codes(ActivityState::ALL, ActivityState::as_str), None)
                    .area("outcome", ""),
            )
        }
        Sub::Training => (
            if id.is_some() { ctx.t("training.edit") } else { ctx.t("training.add") },
            Fields::new(ctx, input, "training")
                .text("provider")
                .text("course")
                .date("starts_on")
                .date("ends_on")
                .hinted("number", "cost", "event.funding_hint")
                .hinted("text", "funding_source", "training.funding_source_hint")
                .vocab("status", "training.statuses", &codes(TrainingStatus::ALL, TrainingStatus::as_str), None),
        ),
        Sub::Job => (
            ctx.t("job.add"),
            Fields::new(ctx, input, "job")
                .hinted("text", "employer", "job.employer_hint")
                .text("job_title")
                .date("starts_on")
                .hinted("text", "hours", "")
                .hinted("text", "checkin_weeks", "job.checkin_weeks_hint"),
        ),
        // A check-in has a page of its own: see `checkin_page`.
        Sub::Checkin => unreachable!("a check-in is not a generic form"),
    };
    let action = match id {
        Some(i) => format!("/cases/{}/{}/{i}", c.id, sub.path()),
        None => format!("/cases/{}/{}", c.id, sub.path()),
    };
    form(
        ctx,
        heading,
        crate::i18n::t_value(ctx.lang, "case.heading", &c.id.to_string()),
        action,
        case_link(c.id),
        fields,
        errors,
        vec![],
    )
}

#[derive(Deserialize, Default)]
pub struct SubPath {
    id: i64,
    #[serde(default)]
    sub: Option<i64>,
}

async fn sub_get(
    state: AppState,
    ctx: ReqCtx,
    actor: accord_app::Actor,
    ids: SubPath,
    sub: Sub,
) -> WebResult<Response> {
    let (c, _) = match case_for(&state, &ctx, &actor, ids.id, false).await? {
        Ok(x) => x,
        Err(ask) => return Ok(ask),
    };
    let services = rd::services(&state.app, &actor).await?;
    let today = chrono::Utc::now().date_naive().to_string();
    let none = FieldErrors::new();
    let nf = || AppError::NotFound;
    Ok(match (sub, ids.sub) {
        (Sub::Session, _) => {
            let i = SessionInput { held_on: Some(today), kind: Some("guidance".into()), ..Default::default() };
            sub_form(&ctx, &c, sub, None, &i, &services, &none)
        }
        (Sub::Activity, None) => sub_form(&ctx, &c, sub, None, &ActivityInput::default(), &services, &none),
        (Sub::Activity, Some(a)) => {
            let a = c.activities.iter().find(|x| x.id == a).ok_or_else(nf)?;
            let i = a.input();
            sub_form(&ctx, &c, sub, Some(a.id), &i, &services, &none)
        }
        (Sub::Training, None) => sub_form(&ctx, &c, sub, None, &TrainingInput::default(), &services, &none),
        (Sub::Training, Some(t)) => {
            let t = c.trainings.iter().find(|x| x.id == t).ok_or_else(nf)?;
            let i = t.input();
            sub_form(&ctx, &c, sub, Some(t.id), &i, &services, &none)
        }
        (Sub::Job, _) => {
            let i = JobInput { checkin_weeks: Some("1, 4, 8, 13".into()), ..Default::default() };
            sub_form(&ctx, &c, sub, None, &i, &services, &none)
        }
        (Sub::Checkin, k) => {
            let k = c.jobs.iter().flat_map(|j| j.checkins.iter()).find(|x| Some(x.id) == k).ok_or_else(nf)?;
            let i = CheckinInput {
                done_on: Some(k.done_on.map(|d| d.to_string()).unwrap_or(today)),
                in_work: Some(match k.in_work {
                    Some(true) => "yes".into(),
                    Some(false) => "no".into(),
                    None => String::new(),
                }),
                notes: Some(k.notes.clone().unwrap_or_default()),
                due_on: Some(String::new()),
                version: Some(k.version),
            };
            checkin_page(&ctx, &c, k.id, &i, &none)?
        }
    })
}

#[derive(Template)]
#[template(path = "redundancy/checkin.html")]
struct CheckinTemplate {
    page: Page,
    case_id: i64,
    action: String,
    job: String,
    week: i32,
    due: String,
    overdue: bool,
    done_on: String,
    answers: Vec<Opt>,
    notes: String,
    due_on: String,
    version: String,
    errors: ShownErrors,
    changed: ConflictRows,
}

/// A check-in's page: which job, week and due day it is, then two forms, one to record it
/// (done on, still in work as a yes/no question, notes) and one to move it to another day.
fn checkin_page(
    ctx: &ReqCtx,
    c: &CaseView,
    checkin_id: i64,
    input: &CheckinInput,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let (job, k) = c
        .jobs
        .iter()
        .find_map(|j| j.checkins.iter().find(|k| k.id == checkin_id).map(|k| (j, k)))
        .ok_or(AppError::NotFound)?;
    let f = FormValues::of(input);
    let started = accord_domain::format::date(ctx.lang, job.starts_on);
    let job_text = match job.job_title.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(title) => crate::i18n::t_args(
            ctx.lang,
            "checkin.job_at",
            &[("title", title), ("employer", &job.employer), ("date", &started)],
        ),
        None => crate::i18n::t_args(ctx.lang, "checkin.job_from", &[("employer", &job.employer), ("date", &started)]),
    };
    let t = CheckinTemplate {
        page: ctx.page(format!(
            "{} – {}",
            ctx.t("checkin.record"),
            crate::i18n::t_value(ctx.lang, "checkin.week_value", &k.week.to_string())
        )),
        case_id: c.id,
        action: format!("/cases/{}/checkins/{checkin_id}", c.id),
        job: job_text,
        week: k.week,
        due: accord_domain::format::date(ctx.lang, k.due_on),
        overdue: k.overdue,
        done_on: f.get("done_on").to_owned(),
        answers: vocab_options(ctx.lang, "checkin.answers", &["yes", "no"], f.get("in_work"), None),
        notes: f.get("notes").to_owned(),
        due_on: f.get("due_on").to_owned(),
        version: f.get("version").to_owned(),
        errors: ShownErrors::new(ctx.lang, errors),
        changed: vec![],
    };
    Ok(super::render_form(&t, errors, false))
}

async fn sub_post(
    state: AppState,
    ctx: ReqCtx,
    actor: accord_app::Actor,
    ids: SubPath,
    sub: Sub,
    form: std::collections::HashMap<String, String>,
) -> WebResult<Response> {
    let value = serde_json::to_value(&form).map_err(|e| AppError::Internal(e.to_string()))?;
    macro_rules! input {
        ($t:ty) => {{
            let mut v = value.clone();
            if let Some(o) = v.as_object_mut() {
                o.remove("_csrf");
                if let Some(ver) = o.get("version").and_then(|x| x.as_str()).and_then(|x| x.parse::<i32>().ok()) {
                    o.insert("version".into(), serde_json::json!(ver));
                }
            }
            serde_json::from_value::<$t>(v).map_err(|e| AppError::Internal(e.to_string()))?
        }};
    }
    let result = match sub {
        Sub::Session => cs::add_session(&state.app, &actor, ids.id, &input!(SessionInput)).await.map(|_| ()),
        Sub::Activity => {
            cs::save_activity(&state.app, &actor, Some(ids.id), ids.sub, &input!(ActivityInput)).await.map(|_| ())
        }
        Sub::Training => {
            cs::save_training(&state.app, &actor, Some(ids.id), ids.sub, &input!(TrainingInput)).await.map(|_| ())
        }
        Sub::Job => cs::add_job(&state.app, &actor, ids.id, &input!(JobInput)).await.map(|_| ()),
        Sub::Checkin => {
            cs::save_checkin(&state.app, &actor, ids.sub.unwrap_or_default(), &input!(CheckinInput)).await.map(|_| ())
        }
    };
    match result {
        Ok(()) => Ok(super::redirect_with_flash(&ctx, &case_link(ids.id), "case_saved")),
        Err(AppError::Invalid(err)) => {
            let c = match case_for(&state, &ctx, &actor, ids.id, false).await? {
                Ok((c, _)) => c,
                Err(ask) => return Ok(ask),
            };
            let services = rd::services(&state.app, &actor).await?;
            Ok(match sub {
                Sub::Session => sub_form(&ctx, &c, sub, ids.sub, &input!(SessionInput), &services, &err),
                Sub::Activity => sub_form(&ctx, &c, sub, ids.sub, &input!(ActivityInput), &services, &err),
                Sub::Training => sub_form(&ctx, &c, sub, ids.sub, &input!(TrainingInput), &services, &err),
                Sub::Job => sub_form(&ctx, &c, sub, ids.sub, &input!(JobInput), &services, &err),
                Sub::Checkin => checkin_page(&ctx, &c, ids.sub.unwrap_or_default(), &input!(CheckinInput), &err)?,
            })
        }
        Err(AppError::Conflict { .. }) => {
            Ok(super::redirect_with_flash(&ctx, &case_link(ids.id), "case_changed_meanwhile"))
        }
        Err(err) => Err(WebError(err)),
    }
}

macro_rules! sub_routes {
    ($get:ident, $post:ident, $sub:expr) => {
        pub async fn $get(
            State(state): State<AppState>,
            Staff { ctx, actor }: Staff,
            Path(ids): Path<SubPath>,
        ) -> WebResult<Response> {
            sub_get(state, ctx, actor, ids, $sub).await
        }

        pub async fn $post(
            State(state): State<AppState>,
            Staff { ctx, actor }: Staff,
            Path(ids): Path<SubPath>,
            CsrfForm(form): CsrfForm<std::collections::HashMap<String, String>>,
        ) -> WebResult<Response> {
            sub_post(state, ctx, actor, ids, $sub, form).await
        }
    };
}

sub_routes!(session_form, add_session, Sub::Session);
sub_routes!(activity_form, save_activity, Sub::Activity);
sub_routes!(training_form, save_training, Sub::Training);
sub_routes!(job_form, add_job, Sub::Job);
sub_routes!(checkin_form, save_checkin, Sub::Checkin);

// ---- the printed plan, the export, erasure ----

#[derive(Template)]
#[template(path = "redundancy/plan.html")]
struct PlanTemplate {
    page: Page,
    c: CaseView,
    back: String,
}

/// The career action plan, printable, in the worker's language.
pub async fn print_plan(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let (c, _) = match case_for(&state, &ctx, &actor, id, true).await? {
        Ok(x) => x,
        Err(ask) => return Ok(ask),
    };
    let lang = Lang::parse(&c.language).unwrap_or(ctx.lang);
    let mut page = ctx.page(crate::i18n::t(lang, "plan_print.title"));
    page.lang = lang;
    let t = PlanTemplate { page, back: case_link(id), c };
    Ok(super::render(&t))
}

#[derive(Template)]
#[template(path = "redundancy/export.html")]
struct ExportTemplate {
    page: Page,
    x: SubjectExport,
    json: String,
    back: String,
}

/// The subject access export as a readable document (`?format=json` for the data).
pub async fn export(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> WebResult<Response> {
    let x = cs::subject_export(&state.app, &actor, id).await?;
    if q.get("format").map(String::as_str) == Some("json") {
        let bytes = serde_json::to_vec_pretty(&x).map_err(|e| AppError::Internal(e.to_string()))?;
        return Ok(file_response(bytes, "application/json", &format!("subject-access-case-{id}.json")));
    }
    let t = ExportTemplate {
        page: ctx.page(ctx.t("export.title")),
        json: format!("/cases/{id}/export?format=json"),
        back: case_link(id),
        x,
    };
    Ok(super::render(&t))
}

/// Erases a closed case's personal data at the worker's request (managers).
pub async fn erase(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<std::collections::HashMap<String, String>>,
) -> WebResult<Response> {
    let c = cs::open(&state.app, &actor, id, AccessPurpose::Correction, false).await?;
    cs::erase_now(&state.app, &actor, id).await?;
    Ok(super::redirect_with_flash(&ctx, &format!("/redundancy/{}", c.event.id), "case_erased"))
}
