//! The employer directory pages: list, record, form, merge, hand-over;
//! contact persons and the contact log.

use super::Opt;
use super::listing::Listing;
use super::shared::{Empty, district_filter, district_label, district_options, label};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::directory::{self as dir, ContactInput, InteractionInput, OrgDetail, OrgInput, OrgView};

use accord_app::{Actor, AppError, Paging};
use accord_domain::{
    AgreementKind, FieldErrors, InteractionKind, Lang, OrgKind, OrgLevel, OrgStatus, SizeBand, sector,
};
use accord_domain::{OrgFilter, OrgSort};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

fn sector_label(lang: Lang, code: &Option<String>) -> String {
    code.as_deref().and_then(sector::by_code).map(|s| format!("{} {}", s.code, s.name(lang))).unwrap_or_default()
}

fn options<'a>(
    lang: Lang,
    prefix: &str,
    codes: impl Iterator<Item = &'a str>,
    selected: &str,
    blank: bool,
) -> Vec<Opt> {
    let mut out = Vec::new();
    if blank {
        out.push(Opt {
            value: String::new(),
            label: i18n::t(lang, "common.none_chosen"),
            checked: selected.is_empty(),
        });
    }
    out.extend(codes.map(|c| Opt { value: c.to_owned(), label: label(lang, prefix, c), checked: c == selected }));
    out
}

fn sector_options(lang: Lang, selected: &str, blank_key: &str) -> Vec<Opt> {
    let mut out = vec![Opt { value: String::new(), label: i18n::t(lang, blank_key), checked: selected.is_empty() }];
    out.extend(sector::SECTORS.iter().map(|s| Opt {
        value: s.code.to_owned(),
        label: format!("{} {}", s.code, s.name(lang)),
        checked: s.code == selected,
    }));
    out
}

// ---- list ----

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub kind: String,
    pub sector: String,
    pub ward: String,
    pub am: String,
    pub status: String,
    pub sort: String,
    pub rollup: String,
    pub parent: String,
    /// Covered today by an agreement: `any`, a kind, or `none`.
    pub agreement: String,
    pub district: String,
    pub page: Option<u64>,
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub reference: String,
    pub level: String,
    pub kind: String,
    pub identifiers: String,
    pub sector: String,
    pub ward: String,
    pub account_manager: String,
    pub children: i64,
    pub status: String,
    pub ceased: bool,
    pub district: String,
}

#[derive(Template)]
#[template(path = "organisations/list.html")]
struct ListTemplate {
    page: Page,
    f: ListQuery,
    errors: ShownErrors,
    rows: Vec<Row>,
    caption: String,
    list: Listing,
    kinds: Vec<Opt>,
    sectors: Vec<Opt>,
    staff: Vec<Opt>,
    statuses: Vec<Opt>,
    agreements: Vec<Opt>,
    districts: Vec<Opt>,
    can_edit: bool,
    can_hand_over: bool,
}

pub fn identifiers(o: &OrgView) -> String {
    [
        o.cvr.as_ref().map(|v| format!("CVR {v}")),
        o.p_number.as_ref().map(|v| format!("P {v}")),
        o.companies_house.as_ref().map(|v| format!("CH {v}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

#[derive(Deserialize)]
pub struct LookupQuery {
    #[serde(default)]
    q: String,
}

/// The organisations that the text being typed into an organisation field may name, as JSON
/// for the script that suggests them: at most ten `{ref, name, cvr, city}`.
pub async fn lookup(
    State(state): State<AppState>,
    Staff { actor, .. }: Staff,
    Query(f): Query<LookupQuery>,
) -> WebResult<Response> {
    let found = dir::lookup(&state.app, &actor, &f.q).await?;
    // Names are the users' own text: `<`, `>` and `&` go out escaped, so that the answer
    // cannot be read as markup even by a client that sniffs it as HTML.
    let json = serde_json::to_string(&found)
        .map_err(|e| AppError::Internal(e.to_string()))?
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store"), (axum::http::header::CONTENT_TYPE, "application/json")],
        json,
    )
        .into_response())
}

pub async fn list(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(f): Query<ListQuery>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let mut errors = FieldErrors::new();
    let sort = errors.take("sort", &f.sort, OrgSort::parse(&f.sort)).unwrap_or_default();
    let agreement = match f.agreement.as_str() {
        "" => None,
        "any" | "none" => Some(f.agreement.clone()),
        k => errors.take("agreement", k, AgreementKind::parse(k)).map(|k| k.as_str().to_owned()),
    };
    let (districts, district_id) = district_filter(&state, &actor, &f.district).await?;
    let filter = OrgFilter {
        district_id,
        q: Some(f.q.clone()).filter(|q| !q.trim().is_empty()),
        kind: Some(f.kind.clone()),
        sector: Some(f.sector.clone()),
        ward: Some(f.ward.trim().to_owned()),
        status: Some(f.status.clone()),
        account_manager_id: f.am.parse().ok(),
        no_account_manager: f.am == "none",
        parent_id: f.parent.parse().ok(),
        top_level_only: f.rollup == "1",
        agreement,
        ..Default::default()
    };
    let paging = Paging::new(f.page, Some(50));
    let result = dir::list(&state.app, &actor, &filter, sort, paging).await?;
    let staff = dir::staff(&state.app, &actor).await?;
    let rows = result
        .items
        .into_iter()
        .map(|r| Row {
            identifiers: identifiers(&r.org),
            sector: sector_label(lang, &r.org.sector),
            kind: label(lang, "org.kinds", &r.org.kind),
            level: label(lang, "org.levels", &r.org.level),
            status: label(lang, "org.statuses", &r.org.status),
            ceased: r.org.status == "ceased",
            district: district_label(&districts, &r.org.district),
            ward: r.org.ward.clone().unwrap_or_default(),
            account_manager: r.org.account_manager_name.clone().unwrap_or_default(),
            children: r.children,
            id: r.org.id,
            name: r.org.name,
            reference: r.org.r#ref,
        })
        .collect();
    let caption = i18n::t_value(lang, "org.caption", &accord_domain::format::number(lang, result.total as i64));
    let list = match Listing::new(
        &ctx,
        "/organisations",
        &[
            ("q", &f.q),
            ("kind", &f.kind),
            ("sector", &f.sector),
            ("ward", &f.ward),
            ("am", &f.am),
            ("status", &f.status),
            ("rollup", &f.rollup),
            ("parent", &f.parent),
            ("agreement", &f.agreement),
            ("district", &f.district),
        ],
        sort,
        paging,
        result.total,
    ) {
        Ok(list) => list,
        Err(refused) => return Ok(*refused),
    };
    let t = ListTemplate {
        page: ctx.page(ctx.t("org.title")),
        errors: ShownErrors::new(lang, &errors),
        rows,
        caption,
        list,
        kinds: options(lang, "org.kinds", OrgKind::ALL.iter().map(|k| k.as_str()), &f.kind, false),
        sectors: sector::SECTORS
            .iter()
            .map(|s| Opt {
                value: s.code.into(),
                label: format!("{} {}", s.code, s.name(lang)),
                checked: s.code == f.sector,
            })
            .collect(),
        staff: staff
            .iter()
            .map(|u| Opt { value: u.id.to_string(), label: u.name.clone(), checked: f.am == u.id.to_string() })
            .collect(),
        statuses: options(lang, "org.statuses", OrgStatus::ALL.iter().map(|k| k.as_str()), &f.status, false),
        agreements: {
            let mut v = vec![Opt {
                value: "any".into(),
                label: i18n::t(lang, "org.agreement_any"),
                checked: f.agreement == "any",
            }];
            v.extend(options(lang, "agr.kinds", AgreementKind::ALL.iter().map(|k| k.as_str()), &f.agreement, false));
            v.push(Opt {
                value: "none".into(),
                label: i18n::t(lang, "org.agreement_none"),
                checked: f.agreement == "none",
            });
            v
        },
        districts,
        can_edit: dir::can_edit(&actor),
        can_hand_over: dir::can_hand_over(&actor),
        f,
    };
    let mut res = super::render(&t);
    if !t.errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---- form ----

#[derive(Template)]
#[template(path = "organisations/form.html")]
struct FormTemplate {
    page: Page,
    f: OrgInput,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
    similar: bool,
    action: String,
    back: String,
    districts: Vec<Opt>,
    kinds: Vec<Opt>,
    levels: Vec<Opt>,
    sectors: Vec<Opt>,
    sizes: Vec<Opt>,
    staff: Vec<Opt>,
    statuses: Vec<Opt>,
}

async fn render_form(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: Option<i64>,
    f: OrgInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let staff = dir::staff(&state.app, actor).await?;
    let mut staff_opts = vec![Opt {
        value: String::new(),
        label: i18n::t(lang, "org.no_account_manager"),
        checked: f.account_manager_email.is_empty(),
    }];
    staff_opts.extend(staff.iter().map(|u| Opt {
        value: u.email.clone(),
        label: u.name.clone(),
        checked: u.email == f.account_manager_email,
    }));
    let title = match id {
        None => ctx.t("org.new_title"),
        Some(_) => i18n::t_value(lang, "org.edit_title", &f.name),
    };
    let status = super::form_status(errors, !changed.is_empty());
    let t = FormTemplate {
        page: ctx.page(title),
        errors: ShownErrors::new(lang, errors),
        similar: errors.0.iter().any(|e| e.code == "org.similar"),
        changed,
        action: id.map(|i| format!("/organisations/{i}")).unwrap_or_else(|| "/organisations".into()),
        back: id.map(|i| format!("/organisations/{i}")).unwrap_or_else(|| "/organisations".into()),
        districts: if id.is_none() {
            district_options(state, actor, f.district.as_deref().unwrap_or("")).await?
        } else {
            vec![]
        },
        kinds: options(
            lang,
            "org.kinds",
            OrgKind::ALL.iter().map(|k| k.as_str()),
            if f.kind.is_empty() { "employer" } else { &f.kind },
            false,
        ),
        levels: options(lang, "org.levels", OrgLevel::ALL.iter().map(|k| k.as_str()), &f.level, true),
        sectors: sector_options(lang, &f.sector, "common.none_chosen"),
        sizes: options(lang, "org.sizes", SizeBand::ALL.iter().map(|k| k.as_str()), &f.size_band, true),
        staff: staff_opts,
        statuses: options(
            lang,
            "org.statuses",
            OrgStatus::ALL.iter().map(|k| k.as_str()),
            if f.status.is_empty() { "active" } else { &f.status },
            false,
        ),
        f,
    };
    let mut res = super::render(&t);
    *res.status_mut() = status;
    Ok(res)
}

pub async fn new(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    render_form(&state, &ctx, &actor, None, OrgInput::default(), &FieldErrors::new(), vec![]).await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<OrgInput>,
) -> WebResult<Response> {
    match dir::create(&state.app, &actor, &f).await {
        Ok(o) => Ok(super::redirect_with_flash(&ctx, &format!("/organisations/{}", o.id), "org_created")),
        Err(AppError::Invalid(errors)) => render_form(&state, &ctx, &actor, None, f, &errors, vec![]).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    let o = dir::get(&state.app, &actor, id).await?;
    render_form(&state, &ctx, &actor, Some(id), OrgInput::from_view(&o), &FieldErrors::new(), vec![]).await
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<OrgInput>,
) -> WebResult<Response> {
    match dir::update(&state.app, &actor, id, &f).await {
        Ok(o) => Ok(super::redirect_with_flash(&ctx, &format!("/organisations/{}", o.id), "org_saved")),
        Err(AppError::Invalid(errors)) => render_form(&state, &ctx, &actor, Some(id), f, &errors, vec![]).await,
        Err(AppError::Conflict { current, changed }) => {
            let current: OrgView = serde_json::from_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
            let now = OrgInput::from_view(&current);
            let value = |inp: &OrgInput, field: &str| -> String {
                match field {
                    "ref" => inp.r#ref.clone(),
                    "name" => inp.name.clone(),
                    "kind" => inp.kind.clone(),
                    "level" => inp.level.clone(),
                    "parent_ref" => inp.parent_ref.clone(),
                    "cvr" => inp.cvr.clone(),
                    "p_number" => inp.p_number.clone(),
                    "companies_house" => inp.companies_house.clone(),
                    "sector" => inp.sector.clone(),
                    "size_band" => inp.size_band.clone(),
                    "address" => inp.address.clone(),
                    "postcode" => inp.postcode.clone(),
                    "ward" => inp.ward.clone(),
                    "website" => inp.website.clone(),
                    "status" => inp.status.clone(),
                    "notes" => inp.notes.clone(),
                    "account_manager_email" => inp.account_manager_email.clone(),
                    _ => String::new(),
                }
            };
            let mut rows: Vec<(String, String, String)> =
                changed.iter().map(|c| (ctx.t(&format!("org.field.{c}")), value(&now, c), value(&f, c))).collect();
            if rows.is_empty() {
                rows.push((ctx.t("conflict.version"), String::new(), String::new()));
            }
            let mut kept = f.clone();
            kept.version = Some(current.version);
            render_form(&state, &ctx, &actor, Some(id), kept, &FieldErrors::new(), rows).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the record ----

pub struct LogRow {
    pub date: String,
    pub kind: String,
    pub staff: String,
    pub people: String,
    pub summary: String,
}

pub struct FollowUp {
    pub id: i64,
    pub due: String,
    pub staff_name: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "organisations/show.html")]
struct ShowTemplate {
    page: Page,
    d: ShowData,
    kind: String,
    level: String,
    status: String,
    sector: String,
    size: String,
    several: usize,
    district_name: String,
    coordinate_text: String,
    units_caption: String,
    log_caption: String,
    log_rows: Vec<LogRow>,
    log: InteractionInput,
    log_errors: ShownErrors,
    log_kinds: Vec<Opt>,
    agreements: Vec<super::agreements::OrgAgreementRow>,
    records: super::activities::OrgRecords,
    events: Vec<super::events::OrgEventRow>,
    awards: super::awards::OrgAwards,
    national: Vec<super::national::OrgAccount>,
    can_view_agreements: bool,
    can_edit: bool,
    can_merge: bool,
    can_log: bool,
    can_audit: bool,
}

/// The detail with follow-ups in display form.
pub struct ShowData {
    pub org: OrgView,
    pub ancestors: Vec<OrgView>,
    pub children: Vec<OrgView>,
    pub contacts: Vec<dir::ContactView>,
    pub interactions: Vec<dir::InteractionView>,
    pub follow_ups: Vec<FollowUp>,
    pub aliases: Vec<dir::AliasView>,
    pub managers: Vec<dir::ManagerPeriod>,
    pub recent_staff: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
fn render_show(
    ctx: &ReqCtx,
    actor: &Actor,
    d: OrgDetail,
    agreements: Vec<super::agreements::OrgAgreementRow>,
    records: super::activities::OrgRecords,
    events: Vec<super::events::OrgEventRow>,
    awards: super::awards::OrgAwards,
    national: Vec<super::national::OrgAccount>,
    log: InteractionInput,
    log_errors: &FieldErrors,
) -> Response {
    let lang = ctx.lang;
    let o = &d.org;
    let t = ShowTemplate {
        page: ctx.page(o.name.clone()),
        kind: label(lang, "org.kinds", &o.kind),
        level: label(lang, "org.levels", &o.level),
        status: label(lang, "org.statuses", &o.status),
        sector: sector_label(lang, &o.sector),
        size: o.size_band.as_deref().map(|s| label(lang, "org.sizes", s)).unwrap_or_default(),
        several: dir::SEVERAL_STAFF,
        district_name: actor
            .districts
            .iter()
            .find(|x| x.code == o.district)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| o.district.clone()),
        coordinate_text: i18n::t_args(
            lang,
            "org.coordinate_body",
            &[("count", &d.recent_staff.len().to_string()), ("names", &d.recent_staff.join(", "))],
        ),
        units_caption: i18n::t_value(
            lang,
            "org.units_caption",
            &accord_domain::format::number(lang, d.children.len() as i64),
        ),
        log_caption: i18n::t_args(
            lang,
            "log.caption",
            &[
                ("shown", &accord_domain::format::number(lang, d.interactions.len() as i64)),
                ("total", &accord_domain::format::number(lang, d.interactions_total as i64)),
            ],
        ),
        log_rows: d
            .interactions
            .iter()
            .map(|i| LogRow {
                date: accord_domain::format::date_short(lang, i.occurred_on),
                kind: label(lang, "log.kinds", &i.kind),
                staff: i.staff_name.clone(),
                people: i.people.clone().unwrap_or_default(),
                summary: i.summary.clone(),
            })
            .collect(),
        log_kinds: options(lang, "log.kinds", InteractionKind::ALL.iter().map(|k| k.as_str()), &log.kind, false),
        log,
        log_errors: ShownErrors::new(lang, log_errors),
        agreements,
        records,
        events,
        awards,
        national,
        can_view_agreements: accord_app::agreements::can_view(actor),
        can_edit: dir::can_edit(actor) && !actor.is_read_only(),
        can_merge: dir::can_merge(actor),
        can_log: dir::can_log_contact(actor) && !actor.is_read_only(),
        can_audit: actor.can(accord_app::Permission::ViewAudit),
        d: ShowData {
            follow_ups: d
                .follow_ups
                .iter()
                .map(|f| FollowUp {
                    id: f.id,
                    due: f.follow_up_on.map(|d| accord_domain::format::date_short(lang, d)).unwrap_or_default(),
                    staff_name: f.staff_name.clone(),
                    summary: f.summary.clone(),
                })
                .collect(),
            org: d.org,
            ancestors: d.ancestors,
            children: d.children,
            contacts: d.contacts,
            interactions: d.interactions,
            aliases: d.aliases,
            managers: d.managers,
            recent_staff: d.recent_staff,
        },
    };
    let mut res = super::render(&t);
    if !log_errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let d = dir::detail(&state.app, &actor, id).await?;
    let log = InteractionInput { occurred_on: chrono::Utc::now().date_naive().to_string(), ..Default::default() };
    let agreements = super::agreements::for_organisation(&state, &actor, ctx.lang, id).await?;
    let records = super::activities::for_organisation(&state, &actor, ctx.lang, id).await?;
    let events = super::events::for_organisation(&state, &actor, ctx.lang, id).await?;
    let awards = super::awards::for_organisation(&state, &actor, ctx.lang, id).await?;
    let national = super::national::for_organisation(&state, &actor, id).await?;
    Ok(render_show(&ctx, &actor, d, agreements, records, events, awards, national, log, &FieldErrors::new()))
}

pub async fn log_interaction(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<InteractionInput>,
) -> WebResult<Response> {
    match dir::log_interaction(&state.app, &actor, id, &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/organisations/{id}#log"), "interaction_saved")),
        Err(AppError::Invalid(errors)) => {
            let d = dir::detail(&state.app, &actor, id).await?;
            let agreements = super::agreements::for_organisation(&state, &actor, ctx.lang, id).await?;
            let records = super::activities::for_organisation(&state, &actor, ctx.lang, id).await?;
            let events = super::events::for_organisation(&state, &actor, ctx.lang, id).await?;
            let awards = super::awards::for_organisation(&state, &actor, ctx.lang, id).await?;
            let national = super::national::for_organisation(&state, &actor, id).await?;
            Ok(render_show(&ctx, &actor, d, agreements, records, events, awards, national, f, &errors))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn follow_up_done(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> WebResult<Response> {
    let org = dir::complete_follow_up(&state.app, &actor, id).await?;
    Ok(super::redirect_with_flash(&ctx, &format!("/organisations/{org}#follow-ups"), "follow_up_done"))
}

// ---- merge ----

#[derive(Template)]
#[template(path = "organisations/merge.html")]
struct MergeTemplate {
    page: Page,
    org: OrgView,
    errors: ShownErrors,
    merge_ref: String,
}

#[derive(Deserialize, Default)]
pub struct MergeForm {
    #[serde(default)]
    merge_ref: String,
}

pub async fn merge_form(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    if !dir::can_merge(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let org = dir::get(&state.app, &actor, id).await?;
    let title = i18n::t_value(ctx.lang, "merge.title", &org.name);
    Ok(super::render(&MergeTemplate {
        page: ctx.page(title),
        org,
        errors: ShownErrors::default(),
        merge_ref: String::new(),
    }))
}

pub async fn merge(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MergeForm>,
) -> WebResult<Response> {
    if !dir::can_merge(&actor) {
        return Err(AppError::Forbidden.into());
    }
    let org = dir::get(&state.app, &actor, id).await?;
    let other = dir::find_by_ref(&state.app, &actor, &org.district, &f.merge_ref).await?;
    let result = match other {
        None => Err(AppError::field(
            "merge_ref",
            if f.merge_ref.trim().is_empty() { "field.required" } else { "org.unknown" },
            Some(&f.merge_ref),
        )),
        Some(o) => dir::merge(&state.app, &actor, id, o.id).await,
    };
    match result {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/organisations/{id}"), "org_merged")),
        Err(AppError::Invalid(errors)) => {
            let title = i18n::t_value(ctx.lang, "merge.title", &org.name);
            let mut res = super::render(&MergeTemplate {
                page: ctx.page(title),
                org,
                errors: ShownErrors::new(ctx.lang, &errors),
                merge_ref: f.merge_ref,
            });
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

// ---- hand-over ----

#[derive(Template)]
#[template(path = "organisations/handover.html")]
struct HandoverTemplate {
    page: Page,
    errors: ShownErrors,
    from: Vec<Opt>,
    to: Vec<Opt>,
}

#[derive(Deserialize, Default)]
pub struct HandoverForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn render_handover(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    f: &HandoverForm,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let staff = dir::staff(&state.app, actor).await?;
    let opts = |sel: &str| {
        let mut v = vec![Opt { value: String::new(), label: ctx.t("common.none_chosen"), checked: sel.is_empty() }];
        v.extend(staff.iter().map(|u| Opt {
            value: u.email.clone(),
            label: format!("{} ({})", u.name, u.email),
            checked: u.email == sel,
        }));
        v
    };
    let mut res = super::render(&HandoverTemplate {
        page: ctx.page(ctx.t("handover.title")),
        errors: ShownErrors::new(ctx.lang, errors),
        from: opts(&f.from),
        to: opts(&f.to),
    });
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn handover_form(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    if !dir::can_hand_over(&actor) || actor.is_read_only() {
        return Err(AppError::Forbidden.into());
    }
    render_handover(&state, &ctx, &actor, &HandoverForm::default(), &FieldErrors::new()).await
}

pub async fn handover(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<HandoverForm>,
) -> WebResult<Response> {
    match dir::hand_over(&state.app, &actor, &f.from, &f.to).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, "/organisations", "handover_done")),
        Err(AppError::Invalid(errors)) => render_handover(&state, &ctx, &actor, &f, &errors).await,
        Err(e) => Err(e.into()),
    }
}

// ---- contacts ----

#[derive(Template)]
#[template(path = "contacts/form.html")]
struct ContactTemplate {
    page: Page,
    f: ContactInput,
    errors: ShownErrors,
    changed: Vec<(String, String, String)>,
    action: String,
    org_id: i64,
    org_name: String,
}

fn render_contact(
    ctx: &ReqCtx,
    id: Option<i64>,
    org: &OrgView,
    f: ContactInput,
    errors: &FieldErrors,
    changed: Vec<(String, String, String)>,
) -> Response {
    let title = match id {
        None => ctx.t("contact.new_title"),
        Some(_) => i18n::t_value(ctx.lang, "contact.edit_title", &f.name),
    };
    let status = super::form_status(errors, !changed.is_empty());
    let mut res = super::render(&ContactTemplate {
        page: ctx.page(title),
        errors: ShownErrors::new(ctx.lang, errors),
        changed,
        action: id.map(|i| format!("/contacts/{i}")).unwrap_or_else(|| format!("/organisations/{}/contacts", org.id)),
        org_id: org.id,
        org_name: org.name.clone(),
        f,
    });
    *res.status_mut() = status;
    res
}

pub async fn new_contact(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(org_id): Path<i64>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    let org = dir::get(&state.app, &actor, org_id).await?;
    Ok(render_contact(&ctx, None, &org, ContactInput::default(), &FieldErrors::new(), vec![]))
}

pub async fn create_contact(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(org_id): Path<i64>,
    CsrfForm(f): CsrfForm<ContactInput>,
) -> WebResult<Response> {
    match dir::create_contact(&state.app, &actor, Some(org_id), &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/organisations/{org_id}#contacts"), "contact_saved")),
        Err(AppError::Invalid(errors)) => {
            let org = dir::get(&state.app, &actor, org_id).await?;
            Ok(render_contact(&ctx, None, &org, f, &errors, vec![]))
        }
        Err(e) => Err(e.into()),
    }
}

fn contact_input(c: &dir::ContactView) -> ContactInput {
    ContactInput {
        r#ref: c.r#ref.clone(),
        organisation_ref: String::new(),
        name: c.name.clone(),
        role: c.role.clone().unwrap_or_default(),
        email: c.email.clone().unwrap_or_default(),
        phone: c.phone.clone().unwrap_or_default(),
        consent: c.consent,
        is_primary: c.is_primary,
        version: Some(c.version),
    }
}

pub async fn edit_contact(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    let c = dir::get_contact(&state.app, &actor, id).await?;
    let org = dir::get(&state.app, &actor, c.organisation_id).await?;
    Ok(render_contact(&ctx, Some(id), &org, contact_input(&c), &FieldErrors::new(), vec![]))
}

pub async fn update_contact(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ContactInput>,
) -> WebResult<Response> {
    match dir::update_contact(&state.app, &actor, id, &f).await {
        Ok(c) => Ok(super::redirect_with_flash(
            &ctx,
            &format!("/organisations/{}#contacts", c.organisation_id),
            "contact_saved",
        )),
        Err(AppError::Invalid(errors)) => {
            let c = dir::get_contact(&state.app, &actor, id).await?;
            let org = dir::get(&state.app, &actor, c.organisation_id).await?;
            Ok(render_contact(&ctx, Some(id), &org, f, &errors, vec![]))
        }
        Err(AppError::Conflict { current, changed }) => {
            let current: dir::ContactView =
                serde_json::from_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
            let org = dir::get(&state.app, &actor, current.organisation_id).await?;
            let now = contact_input(&current);
            let v = |i: &ContactInput, c: &str| match c {
                "name" => i.name.clone(),
                "role" => i.role.clone(),
                "email" => i.email.clone(),
                "phone" => i.phone.clone(),
                _ => String::new(),
            };
            let mut rows: Vec<_> =
                changed.iter().map(|c| (ctx.t(&format!("contact.{c}")), v(&now, c), v(&f, c))).collect();
            if rows.is_empty() {
                rows.push((ctx.t("conflict.version"), String::new(), String::new()));
            }
            let mut kept = f.clone();
            kept.version = Some(current.version);
            Ok(render_contact(&ctx, Some(id), &org, kept, &FieldErrors::new(), rows))
        }
        Err(e) => Err(e.into()),
    }
}
