//! The employer directory pages: list, record, form, merge, hand-over, import and export;
//! contact persons and the contact log.

use super::{Opt, Pager};
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::{WebError, WebResult};
use crate::forms::{CsrfForm, ShownErrors};
use crate::i18n;
use crate::state::AppState;
use accord_app::directory::{self as dir, ContactInput, InteractionInput, OrgDetail, OrgInput, OrgView};
use accord_app::import::{ImportReport, Kind};
use accord_app::{Actor, AppError, Paging};
use accord_db::directory::{OrgFilter, OrgSort};
use accord_domain::{
    AgreementKind, FieldErrors, InteractionKind, Lang, OrgKind, OrgLevel, OrgStatus, SizeBand, sector,
};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

fn label(lang: Lang, prefix: &str, code: &str) -> String {
    if code.is_empty() {
        return String::new();
    }
    i18n::t(lang, &format!("{prefix}.{code}"))
}

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

async fn district_options(state: &AppState, actor: &Actor, selected: Option<&str>) -> WebResult<Vec<Opt>> {
    let ds = accord_app::districts::list(&state.app, actor).await?;
    if ds.len() <= 1 {
        return Ok(vec![]);
    }
    Ok(ds
        .into_iter()
        .map(|d| Opt { checked: Some(d.code.as_str()) == selected, value: d.code, label: d.name })
        .collect())
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
}

#[derive(Template)]
#[template(path = "organisations/list.html")]
struct ListTemplate {
    page: Page,
    f: ListQuery,
    errors: ShownErrors,
    rows: Vec<Row>,
    caption: String,
    pager: Pager,
    kinds: Vec<Opt>,
    sectors: Vec<Opt>,
    staff: Vec<Opt>,
    statuses: Vec<Opt>,
    agreements: Vec<Opt>,
    sorts: Vec<Opt>,
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
    let filter = OrgFilter {
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
            ward: r.org.ward.clone().unwrap_or_default(),
            account_manager: r.org.account_manager_name.clone().unwrap_or_default(),
            children: r.children,
            id: r.org.id,
            name: r.org.name,
            reference: r.org.r#ref,
        })
        .collect();
    let caption = i18n::t_value(lang, "org.caption", &accord_domain::format::number(lang, result.total as i64));
    let pager = Pager::new(
        lang,
        "/organisations",
        &[
            ("q", &f.q),
            ("kind", &f.kind),
            ("sector", &f.sector),
            ("ward", &f.ward),
            ("am", &f.am),
            ("status", &f.status),
            ("sort", &f.sort),
            ("rollup", &f.rollup),
            ("parent", &f.parent),
            ("agreement", &f.agreement),
        ],
        paging,
        result.total,
    );
    let sorts = [
        ("-created_at", "org.sort_newest"),
        ("name", "org.sort_name"),
        ("-name", "org.sort_name_desc"),
        ("created_at", "org.sort_oldest"),
    ]
    .iter()
    .map(|(v, k)| Opt {
        value: (*v).into(),
        label: i18n::t(lang, k),
        checked: f.sort == *v || (f.sort.is_empty() && *v == "-created_at"),
    })
    .collect();
    let t = ListTemplate {
        page: ctx.page(ctx.t("org.title")),
        errors: ShownErrors::new(lang, &errors),
        rows,
        caption,
        pager,
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
        sorts,
        can_edit: dir::can_edit(&actor),
        can_hand_over: dir::can_hand_over(&actor),
        f,
    };
    Ok(super::render(&t))
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
        districts: if id.is_none() { district_options(state, actor, f.district.as_deref()).await? } else { vec![] },
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
    pub contacts: Vec<accord_db::entities::contact::Model>,
    pub interactions: Vec<dir::InteractionView>,
    pub follow_ups: Vec<FollowUp>,
    pub aliases: Vec<accord_db::entities::organisation_alias::Model>,
    pub managers: Vec<dir::ManagerPeriod>,
    pub recent_staff: Vec<String>,
}

fn render_show(
    ctx: &ReqCtx,
    actor: &Actor,
    d: OrgDetail,
    agreements: Vec<super::agreements::OrgAgreementRow>,
    records: super::activities::OrgRecords,
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
    Ok(render_show(&ctx, &actor, d, agreements, records, log, &FieldErrors::new()))
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
            Ok(render_show(&ctx, &actor, d, agreements, records, f, &errors))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn follow_up_done(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<super::auth::Empty>,
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
    let other =
        accord_db::directory::resolve_ref(&state.app.db.conn, district_id_of(&state, &org).await?, &f.merge_ref)
            .await?;
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

async fn district_id_of(state: &AppState, org: &OrgView) -> WebResult<i64> {
    accord_db::users::district_by_code(&state.app.db.conn, &accord_db::Scope::All, &org.district)
        .await?
        .map(|d| d.id)
        .ok_or(WebError(AppError::NotFound))
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

// ---- import and export ----

#[derive(Template)]
#[template(path = "organisations/import.html")]
struct ImportTemplate {
    page: Page,
    errors: ShownErrors,
    report: Option<ImportReport>,
    summary: String,
    bad_title: String,
    lines: Vec<(usize, String, String)>,
    /// "… and 4,995 more problems" when the report lists only the first ones.
    more_text: String,
    /// The records the import brought, for activities and recruitment requests.
    records_href: Option<String>,
    kinds: Vec<Opt>,
    districts: Vec<Opt>,
    activity_columns: String,
    request_columns: String,
}

/// The kinds of file the upload page takes.
const IMPORT_KINDS: [Kind; 5] =
    [Kind::Organisations, Kind::Contacts, Kind::Agreements, Kind::Activities, Kind::RecruitmentRequests];

async fn render_import(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    kind: &str,
    district: Option<&str>,
    report: Option<ImportReport>,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let summary = report
        .as_ref()
        .map(|r| {
            i18n::t_args(
                lang,
                "import.summary",
                &[
                    ("rows", &r.rows.to_string()),
                    ("added", &r.added.to_string()),
                    ("updated", &r.updated.to_string()),
                    ("unchanged", &r.unchanged.to_string()),
                ],
            )
        })
        .unwrap_or_default();
    let lines: Vec<(usize, String, String)> = report
        .as_ref()
        .map(|r| r.errors.iter().map(|e| (e.line, e.error.field.clone(), i18n::field_error(lang, &e.error))).collect())
        .unwrap_or_default();
    let more = report.as_ref().map(|r| r.more_errors).unwrap_or(0);
    let bad_title =
        i18n::t_value(lang, "import.bad_lines", &accord_domain::format::number(lang, (lines.len() + more) as i64));
    let more_text = if more > 0 {
        i18n::t_value(lang, "import.more_errors", &accord_domain::format::number(lang, more as i64))
    } else {
        String::new()
    };
    let records_href =
        report.as_ref().filter(|r| !r.dry_run && r.errors.is_empty()).and_then(|r| r.import_id).map(|id| {
            let list = if kind == Kind::RecruitmentRequests.as_str() { "/recruitment-requests" } else { "/activities" };
            format!("{list}?import={id}")
        });
    let failed = report.as_ref().is_some_and(|r| !r.errors.is_empty()) || !errors.is_empty();
    let mut res = super::render(&ImportTemplate {
        page: ctx.page(ctx.t("import.title")),
        errors: ShownErrors::new(lang, errors),
        report,
        summary,
        bad_title,
        lines,
        more_text,
        records_href,
        kinds: IMPORT_KINDS
            .iter()
            .map(|k| Opt {
                value: k.as_str().into(),
                label: i18n::t(lang, &format!("import.kinds.{}", k.as_str())),
                checked: k.as_str() == kind,
            })
            .collect(),
        districts: district_options(state, actor, district).await?,
        activity_columns: Kind::Activities.columns().join(", "),
        request_columns: Kind::RecruitmentRequests.columns().join(", "),
    });
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ImportQuery {
    kind: String,
}

pub async fn import_form(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Query(q): Query<ImportQuery>,
) -> WebResult<Response> {
    dir::require_edit(&actor)?;
    let kind = Kind::parse(&q.kind).map(|k| k.as_str()).unwrap_or("organisations");
    render_import(&state, &ctx, &actor, kind, None, None, &FieldErrors::new()).await
}

/// The upload: the file and the form fields, with the CSRF token checked like any form's.
pub async fn import(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    mut mp: Multipart,
) -> WebResult<Response> {
    let (mut csrf, mut kind, mut district, mut action, mut file) =
        (String::new(), String::new(), String::new(), String::new(), Vec::new());
    let mut file_name = String::new();
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::field("file", "import.upload_failed", None))? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            file_name = field.file_name().unwrap_or("").to_owned();
            file = field.bytes().await.map_err(|_| AppError::field("file", "import.upload_failed", None))?.to_vec();
        } else {
            let text = field.text().await.unwrap_or_default();
            match name.as_str() {
                "_csrf" => csrf = text,
                "kind" => kind = text,
                "district" => district = text,
                "action" => action = text,
                _ => {}
            }
        }
    }
    if csrf.is_empty() || !crate::forms::same(&csrf, ctx.csrf()) {
        return Err(AppError::Forbidden.into());
    }
    let district_opt = Some(district.as_str()).filter(|d| !d.is_empty());
    let Ok(k) = Kind::parse(&kind) else {
        let e = FieldErrors::single("kind", "import.kind_unknown", Some(&kind));
        return render_import(&state, &ctx, &actor, &kind, district_opt, None, &e).await;
    };
    if file.is_empty() {
        let e = FieldErrors::single("file", "import.no_file", None);
        return render_import(&state, &ctx, &actor, &kind, district_opt, None, &e).await;
    }
    tracing::info!(kind = k.as_str(), bytes = file.len(), name_len = file_name.len(), "import uploaded");
    let dry_run = action != "import";
    let name = if file_name.trim().is_empty() { "upload" } else { file_name.trim() };
    match accord_app::import::import_file(&state.app, &actor, k, district_opt, &file, name, dry_run, |_| {}).await {
        Ok(report) => render_import(&state, &ctx, &actor, &kind, district_opt, Some(report), &FieldErrors::new()).await,
        Err(AppError::Invalid(e)) => render_import(&state, &ctx, &actor, &kind, district_opt, None, &e).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    format: String,
}

pub async fn export(
    State(state): State<AppState>,
    Staff { actor, .. }: Staff,
    Query(q): Query<ExportQuery>,
) -> WebResult<Response> {
    let kind = Kind::parse(&q.kind).map_err(|c| AppError::field("kind", c, Some(&q.kind)))?;
    let format = accord_app::files::Format::parse(if q.format.is_empty() { "csv" } else { &q.format })
        .map_err(|c| AppError::field("format", c, Some(&q.format)))?;
    let bytes = accord_app::import::export(&state.app, &actor, kind, format, None).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    let disposition = format!("attachment; filename=\"{}.{}\"", kind.as_str(), format.extension());
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    Ok(res)
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
