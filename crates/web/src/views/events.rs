//! Events for employers in the browser: the list with its filters, an event with its
//! companies (invited, registered, waiting, attended), the event form, registering a company,
//! issuing a contact's invitation link, cancelling and attendance, the calendar files; and
//! the public page a company reaches through its invitation link without signing in.
//! Not the redundancy events of [`super::redundancy`].

use super::shared::{district_options, file_response, stale};
use super::{FormValues, Opt, Pager, vocab_options};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::{WebError, WebResult};
use crate::forms::{CsrfForm, ShownErrors};
use crate::state::AppState;
use accord_app::events::{
    self as ev, EmployerEventInput, EmployerEventView, EventCompany, EventListFilter, Invitation, LinkProblem,
    RegistrationChange, RegistrationInput, RegistrationView,
};
use accord_app::{Actor, AppError, Paging};
use accord_domain::{EventKind, FieldErrors, Lang};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

fn require_manage(actor: &Actor) -> WebResult<()> {
    if ev::can_manage(actor) { Ok(()) } else { Err(WebError(AppError::Forbidden)) }
}

fn kinds() -> Vec<&'static str> {
    EventKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The tag colour of a registration's status.
pub fn status_class(status: &str) -> &'static str {
    match status {
        "registered" => "tag-green",
        "waiting" => "tag-yellow",
        _ => "tag-grey",
    }
}

/// A time of an event as the pages show it: date and time of day in the service's time zone.
fn when(lang: Lang, tz: chrono_tz::Tz, ev: &EmployerEventView) -> String {
    let (starts, ends) = (ev.starts_at.with_timezone(&tz), ev.ends_at.with_timezone(&tz));
    let day = accord_domain::format::date_short(lang, starts.date_naive());
    let end = if starts.date_naive() == ends.date_naive() {
        ends.format("%H:%M").to_string()
    } else {
        format!("{} {}", accord_domain::format::date_short(lang, ends.date_naive()), ends.format("%H:%M"))
    };
    format!("{day} {}–{end}", starts.format("%H:%M"))
}

// ---- list ----

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub district: String,
    pub kind: String,
    pub from: String,
    pub to: String,
    pub when: String,
    pub page: Option<u64>,
}

pub struct Row {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub when: String,
    pub place: String,
    pub seats: String,
    pub waiting: i64,
    pub cancelled: bool,
}

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListTemplate {
    page: Page,
    f: ListQuery,
    errors: ShownErrors,
    rows: Vec<Row>,
    total: u64,
    pager: Pager,
    kinds: Vec<Opt>,
    whens: Vec<Opt>,
    districts: Vec<Opt>,
    can_manage: bool,
}

fn seats(lang: Lang, e: &EmployerEventView) -> String {
    let n = accord_domain::format::number(lang, e.registered);
    match e.capacity {
        Some(c) => format!("{n} / {}", accord_domain::format::number(lang, i64::from(c))),
        None => n,
    }
}

pub async fn list(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    let filter = EventListFilter {
        district: Some(q.district.clone()),
        kind: Some(q.kind.clone()),
        from: Some(q.from.clone()),
        to: Some(q.to.clone()),
        when: Some(q.when.clone()),
    };
    let paging = Paging::new(q.page, Some(50));
    let (page_of, errors) = match ev::list(&state.app, &actor, &filter, paging).await {
        Ok(p) => (p, FieldErrors::new()),
        Err(AppError::Invalid(e)) => (ev::list(&state.app, &actor, &EventListFilter::default(), paging).await?, e),
        Err(e) => return Err(WebError(e)),
    };
    let rows = page_of
        .items
        .iter()
        .map(|e| Row {
            id: e.id,
            title: e.title.clone(),
            kind: ctx.t(&format!("events.kinds.{}", e.kind)),
            when: when(ctx.lang, state.app.config.time_zone, e),
            place: e.place.clone().or(e.online_url.as_ref().map(|_| ctx.t("events.online"))).unwrap_or_default(),
            seats: seats(ctx.lang, e),
            waiting: e.waiting,
            cancelled: e.cancelled_at.is_some(),
        })
        .collect();
    let query =
        [("district", q.district.as_str()), ("kind", &q.kind), ("from", &q.from), ("to", &q.to), ("when", &q.when)];
    let t = ListTemplate {
        page: ctx.page(ctx.t("events.list_title")),
        errors: ShownErrors::new(ctx.lang, &errors),
        rows,
        total: page_of.total,
        pager: Pager::new(ctx.lang, "/events", &query, page_of.paging, page_of.total),
        kinds: vocab_options(ctx.lang, "events.kinds", &kinds(), &q.kind, Some("events.all_kinds")),
        whens: vocab_options(ctx.lang, "events.whens", &["upcoming", "past"], &q.when, Some("events.all_times")),
        districts: district_options(&state, &actor, &q.district).await?,
        can_manage: ev::can_manage(&actor),
        f: q,
    };
    let mut res = super::render(&t);
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---- the event form ----

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormTemplate {
    page: Page,
    heading: String,
    action: String,
    back: String,
    errors: ShownErrors,
    f: FormValues,
    kinds: Vec<Opt>,
    districts: Vec<Opt>,
    organisers: Vec<Opt>,
    changed: super::shared::ConflictRows,
}

async fn event_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<i64>,
    input: &EmployerEventInput,
    errors: &FieldErrors,
    changed: super::shared::ConflictRows,
) -> WebResult<Response> {
    let f = FormValues::of(input);
    let district_id = match id {
        Some(id) => Some(ev::get(&state.app, actor, id).await?.district),
        None => None,
    };
    let districts = if id.is_none() { district_options(state, actor, f.get("district")).await? } else { vec![] };
    let code = district_id.unwrap_or_else(|| f.get("district").to_owned());
    let ds = accord_app::districts::list(&state.app, actor).await?;
    let did = ds.iter().find(|d| d.code == code).or(if ds.len() == 1 { ds.first() } else { None }).map(|d| d.id);
    let organisers = match did {
        Some(d) => ev::organiser_candidates(&state.app, d)
            .await?
            .into_iter()
            .map(|s| Opt { checked: f.has("organisers", &s.id.to_string()), value: s.id.to_string(), label: s.name })
            .collect(),
        None => vec![],
    };
    let heading = if id.is_some() { ctx.t("events.edit") } else { ctx.t("events.new") };
    let t = FormTemplate {
        page: ctx.page(heading.clone()),
        heading,
        action: id.map(|i| format!("/events/{i}")).unwrap_or_else(|| "/events".into()),
        back: id.map(|i| format!("/events/{i}")).unwrap_or_else(|| "/events".into()),
        errors: ShownErrors::new(ctx.lang, errors),
        kinds: vocab_options(ctx.lang, "events.kinds", &kinds(), f.get("kind"), Some("common.choose")),
        districts,
        organisers,
        f,
        changed,
    };
    Ok(super::render_form(&t, errors, !t.changed.is_empty()))
}

pub async fn new(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    require_manage(&actor)?;
    event_form(&state, &ctx, &actor, None, &EmployerEventInput::default(), &FieldErrors::new(), vec![]).await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(input): CsrfForm<EmployerEventInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    match ev::save(&state.app, &actor, None, &input).await {
        Ok(e) => Ok(super::redirect_with_flash(&ctx, &format!("/events/{}", e.id), "events_saved")),
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
    let e = ev::get(&state.app, &actor, id).await?;
    event_form(&state, &ctx, &actor, Some(id), &e.input(state.app.config.time_zone), &FieldErrors::new(), vec![]).await
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(mut input): CsrfForm<EmployerEventInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    // No organiser ticked leaves no field at all: there are then none.
    input.organisers.get_or_insert_with(Vec::new);
    match ev::save(&state.app, &actor, Some(id), &input).await {
        Ok(e) => Ok(super::redirect_with_flash(&ctx, &format!("/events/{}", e.id), "events_saved")),
        Err(AppError::Invalid(e)) => event_form(&state, &ctx, &actor, Some(id), &input, &e, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let (mine, rows) = stale(&ctx, "events", current, &changed, &input, |v: &EmployerEventView| {
                v.input(state.app.config.time_zone)
            })?;
            event_form(&state, &ctx, &actor, Some(id), &mine, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(WebError(e)),
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<super::shared::Empty>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    ev::cancel(&state.app, &actor, id).await?;
    Ok(super::redirect_with_flash(&ctx, &format!("/events/{id}"), "events_cancelled"))
}

// ---- on the organisation page ----

/// An event a company took part in, on its organisation page.
pub struct OrgEventRow {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub date: String,
    pub status: String,
    pub status_class: &'static str,
    pub attendance: String,
}

/// The events the organisation registered for, latest first.
pub async fn for_organisation(state: &AppState, actor: &Actor, lang: Lang, org_id: i64) -> WebResult<Vec<OrgEventRow>> {
    if !ev::can_view(actor) {
        return Ok(vec![]);
    }
    Ok(ev::of_organisation(&state.app, actor, org_id)
        .await?
        .into_iter()
        .map(|e| OrgEventRow {
            id: e.event_id,
            kind: crate::i18n::t(lang, &format!("events.kinds.{}", e.kind)),
            date: accord_domain::format::date_short(
                lang,
                e.starts_at.with_timezone(&state.app.config.time_zone).date_naive(),
            ),
            status: if e.cancelled {
                crate::i18n::t(lang, "events.cancelled_tag")
            } else {
                crate::i18n::t(lang, &format!("events.statuses.{}", e.status))
            },
            status_class: if e.cancelled { "tag-grey" } else { status_class(&e.status) },
            attendance: e
                .attendance
                .map(|a| crate::i18n::t(lang, &format!("events.attendances.{a}")))
                .unwrap_or_default(),
            title: e.title,
        })
        .collect())
}

// ---- the event page ----

#[derive(Template)]
#[template(path = "events/show.html")]
struct ShowTemplate {
    page: Page,
    e: EmployerEventView,
    when: String,
    kind: String,
    companies: Vec<EventCompany>,
    can_manage: bool,
    /// May compose a mailing (to invite by mail).
    can_mail: bool,
    started: bool,
    over: bool,
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let e = ev::get(&state.app, &actor, id).await?;
    let companies = ev::companies(&state.app, &actor, id).await?;
    let t = ShowTemplate {
        page: ctx.page(e.title.clone()),
        when: when(ctx.lang, state.app.config.time_zone, &e),
        kind: ctx.t(&format!("events.kinds.{}", e.kind)),
        started: e.has_started(),
        over: e.is_past(),
        companies,
        can_manage: ev::can_manage(&actor),
        can_mail: accord_app::mailings::can_send(&actor),
        e,
    };
    Ok(super::render(&t))
}

pub async fn calendar(
    State(state): State<AppState>,
    Staff { actor, .. }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let e = ev::get(&state.app, &actor, id).await?;
    Ok(ics_response(ev::ics(&state.app, &e, None), &format!("event-{id}.ics")))
}

pub async fn registration_calendar(
    State(state): State<AppState>,
    Staff { actor, .. }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let r = ev::get_registration(&state.app, &actor, id).await?;
    let e = ev::get(&state.app, &actor, r.event_id).await?;
    Ok(ics_response(ev::ics(&state.app, &e, Some(&r)), &format!("event-{}-registration-{id}.ics", e.id)))
}

fn ics_response(body: String, filename: &str) -> Response {
    file_response(body.into_bytes(), "text/calendar; charset=utf-8", filename)
}

// ---- registering a company ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegisterQuery {
    organisation: String,
}

pub struct ContactOpt {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "events/register.html")]
struct RegisterTemplate {
    page: Page,
    e: EmployerEventView,
    errors: ShownErrors,
    organisation: String,
    org: Option<(i64, String)>,
    contacts: Vec<ContactOpt>,
    name: String,
    link: Option<(String, String)>,
}

#[allow(clippy::too_many_arguments)]
async fn register_page(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    e: EmployerEventView,
    organisation: &str,
    input: &RegistrationInput,
    errors: &FieldErrors,
    link: Option<(String, String)>,
) -> WebResult<Response> {
    let mut errors = errors.clone();
    let mut org = None;
    let mut contacts = vec![];
    if !organisation.trim().is_empty() {
        let mut lookup = FieldErrors::new();
        match accord_app::directory::find_org(&state.app, actor, &e.district, "organisation", organisation, &mut lookup)
            .await?
        {
            Some(o) => {
                let id = o.id;
                org = Some((o.id, o.name));
                let chosen = input.contact_id.clone().unwrap_or_default();
                contacts = accord_app::directory::contacts_of(&state.app, actor, id)
                    .await?
                    .into_iter()
                    .map(|c| ContactOpt {
                        checked: c.id.to_string() == chosen,
                        id: c.id,
                        name: c.name,
                        role: c.role.unwrap_or_default(),
                    })
                    .collect();
            }
            None if errors.is_empty() => errors = lookup,
            None => {}
        }
    }
    let t = RegisterTemplate {
        page: ctx.page(ctx.t("events.register_company")),
        e,
        errors: ShownErrors::new(ctx.lang, &errors),
        organisation: organisation.trim().to_owned(),
        org,
        contacts,
        name: input.name.clone().unwrap_or_default(),
        link,
    };
    Ok(super::render_form(&t, &errors, false))
}

pub async fn register_form(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    Query(q): Query<RegisterQuery>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let e = ev::get(&state.app, &actor, id).await?;
    register_page(&state, &ctx, &actor, e, &q.organisation, &RegistrationInput::default(), &FieldErrors::new(), None)
        .await
}

pub async fn register(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<RegistrationInput>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    match ev::register(&state.app, &actor, id, &input).await {
        Ok(r) => {
            let flash = if r.status == "waiting" { "events_waiting" } else { "events_registered" };
            Ok(super::redirect_with_flash(&ctx, &format!("/events/{id}#companies"), flash))
        }
        Err(AppError::Invalid(errors)) => {
            let e = ev::get(&state.app, &actor, id).await?;
            let org = input.organisation.clone().unwrap_or_default();
            register_page(&state, &ctx, &actor, e, &org, &input, &errors, None).await
        }
        Err(e) => Err(WebError(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct InviteForm {
    contact_id: i64,
    organisation: String,
}

/// Issues a contact's invitation link and shows it to copy.
pub async fn invite(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<InviteForm>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    let e = ev::get(&state.app, &actor, id).await?;
    match ev::invitation_link(&state.app, &actor, id, f.contact_id).await {
        Ok(url) => {
            let e = ev::get(&state.app, &actor, id).await?;
            let who = f.contact_id.to_string();
            register_page(
                &state,
                &ctx,
                &actor,
                e,
                &f.organisation,
                &RegistrationInput::default(),
                &FieldErrors::new(),
                Some((who, url)),
            )
            .await
        }
        Err(AppError::Invalid(errors)) => {
            register_page(&state, &ctx, &actor, e, &f.organisation, &RegistrationInput::default(), &errors, None).await
        }
        Err(err) => Err(WebError(err)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChangeForm {
    /// `cancel`, `attended`, `no_show` or `clear`.
    action: String,
    version: Option<i32>,
}

/// Cancels a registration or records attendance, from the event page.
pub async fn change(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ChangeForm>,
) -> WebResult<Response> {
    require_manage(&actor)?;
    // Another district's registration is not found, whatever the form says.
    ev::get_registration(&state.app, &actor, id).await?;
    let change = match f.action.as_str() {
        "cancel" => RegistrationChange { status: Some("cancelled".into()), attendance: None, version: f.version },
        "attended" | "no_show" => {
            RegistrationChange { status: None, attendance: Some(f.action.clone()), version: f.version }
        }
        "clear" => RegistrationChange { status: None, attendance: Some(String::new()), version: f.version },
        other => return Err(WebError(AppError::field("action", "events.status_change", Some(other)))),
    };
    let r: RegistrationView = match ev::change_registration(&state.app, &actor, id, &change).await {
        Ok(r) => r,
        Err(AppError::Conflict { .. }) => {
            let r = ev::get_registration(&state.app, &actor, id).await?;
            return Ok(super::redirect_with_flash(&ctx, &format!("/events/{}#companies", r.event_id), "events_stale"));
        }
        Err(e) => return Err(WebError(e)),
    };
    let flash = if f.action == "cancel" { "events_registration_cancelled" } else { "events_attendance_saved" };
    Ok(super::redirect_with_flash(&ctx, &format!("/events/{}#companies", r.event_id), flash))
}

// ---- the public page of an invitation link ----

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LangQuery {
    lang: String,
}

#[derive(Template)]
#[template(path = "events/public.html")]
struct PublicTemplate {
    page: Page,
    token: String,
    lang_query: String,
    inv: Option<Invitation>,
    when: String,
    problem: String,
    done: String,
}

fn public_ctx(mut ctx: ReqCtx, lang: &str) -> ReqCtx {
    if let Some(l) = Lang::parse(lang) {
        ctx.lang = l;
    }
    ctx
}

fn public_page(
    ctx: &ReqCtx,
    tz: chrono_tz::Tz,
    token: &str,
    lang: &str,
    result: std::result::Result<Invitation, LinkProblem>,
    done: &str,
) -> Response {
    let (inv, problem, status) = match result {
        Ok(inv) => (Some(inv), String::new(), StatusCode::OK),
        Err(LinkProblem::Invalid) => (None, ctx.t("events.link_invalid"), StatusCode::NOT_FOUND),
        Err(LinkProblem::Expired) => (None, ctx.t("events.link_expired"), StatusCode::GONE),
        Err(LinkProblem::Cancelled) => (None, ctx.t("events.link_cancelled"), StatusCode::GONE),
    };
    let title = inv.as_ref().map(|i| i.event.title.clone()).unwrap_or_else(|| ctx.t("events.link_title"));
    let mut page = ctx.page(title);
    // The holder of a link is not signed in: no menu, whatever the browser's session.
    page.nav.clear();
    page.user = None;
    let t = PublicTemplate {
        page,
        token: token.to_owned(),
        lang_query: Lang::parse(lang).map(|l| format!("?lang={}", l.code())).unwrap_or_default(),
        when: inv.as_ref().map(|i| when(ctx.lang, tz, &i.event)).unwrap_or_default(),
        inv,
        problem,
        done: if done.is_empty() { String::new() } else { ctx.t(&format!("events.public_done_{done}")) },
    };
    let mut res = super::render(&t);
    *res.status_mut() = status;
    res
}

pub async fn public(
    State(state): State<AppState>,
    ctx: ReqCtx,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
) -> WebResult<Response> {
    let ctx = public_ctx(ctx, &q.lang);
    let r = ev::open_invitation(&state.app, &token).await?;
    Ok(public_page(&ctx, state.app.config.time_zone, &token, &q.lang, r, ""))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PublicForm {
    /// `register` or `cancel`.
    action: String,
}

pub async fn public_submit(
    State(state): State<AppState>,
    ctx: ReqCtx,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    CsrfForm(f): CsrfForm<PublicForm>,
) -> WebResult<Response> {
    let ctx = public_ctx(ctx, &q.lang);
    let ip = Some(ctx.ip.clone());
    let (r, done) = match f.action.as_str() {
        "register" => (ev::self_register(&state.app, &token, ip).await, "registered"),
        "cancel" => (ev::self_cancel(&state.app, &token, ip).await, "cancelled"),
        other => return Err(WebError(AppError::field("action", "events.status_change", Some(other)))),
    };
    match r {
        Ok(r) => Ok(public_page(&ctx, state.app.config.time_zone, &token, &q.lang, r, done)),
        Err(AppError::Invalid(_)) => {
            let r = ev::open_invitation(&state.app, &token).await?;
            Ok(public_page(&ctx, state.app.config.time_zone, &token, &q.lang, r, "refused"))
        }
        Err(e) => Err(WebError(e)),
    }
}

pub async fn public_calendar(
    State(state): State<AppState>,
    ctx: ReqCtx,
    Path(token): Path<String>,
) -> WebResult<Response> {
    match ev::open_invitation(&state.app, &token).await? {
        Ok(inv) => {
            let body = ev::ics(&state.app, &inv.event, inv.registration.as_ref());
            Ok(ics_response(body, &format!("event-{}.ics", inv.event.id)))
        }
        Err(p) => Ok(public_page(&ctx, state.app.config.time_zone, &token, "", Err(p), "")),
    }
}
