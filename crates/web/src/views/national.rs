//! Regions and national accounts in the browser: the regions with their districts (kept by
//! administrators), the national unit's accounts (the target list with each employer's
//! status), and an account's page with its roll-up per region, district and month, its sites
//! in the reader's districts with their local account managers, and the records behind the
//! reader's own figures.

use super::Opt;
use super::shared::district_options;
use crate::ctx::{Page, ReqCtx, Staff};
use crate::error::WebResult;
use crate::forms::{CsrfForm, ShownErrors};
use crate::state::AppState;
use accord_app::national::{self as na, AccountInput, AccountView, RegionInput, Rollup};
use accord_app::{Actor, AppError};
use accord_domain::{AccountStatus, FieldErrors, Lang, format};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

fn status_options(ctx: &ReqCtx, chosen: &str) -> Vec<Opt> {
    AccountStatus::ALL
        .iter()
        .map(|s| Opt {
            value: s.as_str().to_owned(),
            label: ctx.t(&format!("national.status.{}", s.as_str())),
            checked: s.as_str() == chosen,
        })
        .collect()
}

// ---- regions ----

/// A region as its form gives it: districts by code separated by commas or spaces, users by
/// e-mail address one a line.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RegionForm {
    pub code: String,
    pub name: String,
    pub districts: String,
    pub users: String,
    pub version: Option<i32>,
}

impl RegionForm {
    fn input(&self) -> RegionInput {
        let split = |s: &str| {
            s.split([',', ' ', '\n', '\r', ';']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
        };
        RegionInput {
            code: self.code.clone(),
            name: self.name.clone(),
            districts: split(&self.districts),
            users: split(&self.users),
            version: self.version,
        }
    }
}

pub struct RegionRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub districts: String,
}

#[derive(Template)]
#[template(path = "national/regions.html")]
struct RegionsTemplate {
    page: Page,
    rows: Vec<RegionRow>,
    f: RegionForm,
    errors: ShownErrors,
    can_manage: bool,
}

async fn render_regions(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    f: RegionForm,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let rows = na::list_regions(&state.app, actor)
        .await?
        .into_iter()
        .map(|r| RegionRow {
            id: r.id,
            code: r.code,
            name: r.name,
            districts: r.districts.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", "),
        })
        .collect();
    let t = RegionsTemplate {
        page: ctx.page(ctx.t("region.title")),
        rows,
        f,
        errors: ShownErrors::new(ctx.lang, errors),
        can_manage: na::can_manage_regions(actor),
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn regions(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    render_regions(&state, &ctx, &actor, RegionForm::default(), &FieldErrors::new()).await
}

pub async fn create_region(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<RegionForm>,
) -> WebResult<Response> {
    match na::create_region(&state.app, &actor, &f.input()).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/regions/{}", v.id), "region_saved")),
        Err(AppError::Invalid(errors)) => render_regions(&state, &ctx, &actor, f, &errors).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "national/region.html")]
struct RegionTemplate {
    page: Page,
    v: accord_app::national::RegionView,
    f: RegionForm,
    errors: ShownErrors,
    can_manage: bool,
}

async fn render_region(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    f: Option<RegionForm>,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let v = na::get_region(&state.app, actor, id).await?;
    let f = f.unwrap_or_else(|| RegionForm {
        code: v.code.clone(),
        name: v.name.clone(),
        districts: v.districts.iter().map(|d| d.code.as_str()).collect::<Vec<_>>().join(", "),
        users: v.users.iter().map(|u| u.email.as_str()).collect::<Vec<_>>().join("\n"),
        version: Some(v.version),
    });
    let t = RegionTemplate {
        page: ctx.page(v.name.clone()),
        f,
        errors: ShownErrors::new(ctx.lang, errors),
        can_manage: na::can_manage_regions(actor),
        v,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn region(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    render_region(&state, &ctx, &actor, id, None, &FieldErrors::new()).await
}

pub async fn update_region(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RegionForm>,
) -> WebResult<Response> {
    match na::update_region(&state.app, &actor, id, &f.input()).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/regions/{id}"), "region_saved")),
        Err(AppError::Invalid(errors)) => render_region(&state, &ctx, &actor, id, Some(f), &errors).await,
        Err(AppError::Conflict { .. }) => {
            let mut errors = FieldErrors::new();
            errors.add("name", "national.changed_meanwhile", None);
            render_region(&state, &ctx, &actor, id, None, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- national accounts ----

pub struct AccountRow {
    pub id: i64,
    pub rank: String,
    pub name: String,
    pub manager: String,
    pub status: String,
    pub status_code: String,
}

#[derive(Template)]
#[template(path = "national/list.html")]
struct ListTemplate {
    page: Page,
    rows: Vec<AccountRow>,
    caption: String,
    f: AccountInput,
    errors: ShownErrors,
    districts: Vec<Opt>,
    statuses: Vec<Opt>,
    can_write: bool,
}

async fn render_list(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    f: AccountInput,
    errors: &FieldErrors,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let all = na::list(&state.app, actor).await?;
    let caption = crate::i18n::t_value(lang, "national.caption", &format::number(lang, all.len() as i64));
    let rows = all
        .into_iter()
        .map(|v| AccountRow {
            id: v.id,
            rank: v.target_rank.map(|r| format::number(lang, r as i64)).unwrap_or_default(),
            name: v.organisation.name,
            manager: v.manager_name.unwrap_or_default(),
            status: ctx.t(&format!("national.status.{}", v.status.as_str())),
            status_code: v.status.as_str().to_owned(),
        })
        .collect();
    let district = f.district.clone().unwrap_or_default();
    let t = ListTemplate {
        page: ctx.page(ctx.t("national.title")),
        rows,
        caption,
        errors: ShownErrors::new(lang, errors),
        districts: district_options(state, actor, &district).await?,
        statuses: status_options(ctx, &f.status),
        can_write: na::can_write(actor),
        f,
    };
    Ok(super::render_form(&t, errors, false))
}

pub async fn list(State(state): State<AppState>, Staff { ctx, actor }: Staff) -> WebResult<Response> {
    let f = AccountInput { status: "prospect".into(), ..Default::default() };
    render_list(&state, &ctx, &actor, f, &FieldErrors::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    CsrfForm(f): CsrfForm<AccountInput>,
) -> WebResult<Response> {
    if !na::can_write(&actor) {
        return Err(AppError::Forbidden.into());
    }
    match na::create(&state.app, &actor, &f).await {
        Ok(v) => Ok(super::redirect_with_flash(&ctx, &format!("/national-accounts/{}", v.id), "national_saved")),
        Err(AppError::Invalid(errors)) => render_list(&state, &ctx, &actor, f, &errors).await,
        Err(e) => Err(e.into()),
    }
}

/// The period asked for on an account's page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeriodParams {
    pub from: String,
    pub to: String,
}

/// A row of figures as the tables show it, formatted.
pub struct FigureRow {
    pub label: String,
    pub note: String,
    pub activities: String,
    pub placings: String,
    pub vacancies: String,
    pub filled: String,
}

fn figure_row(lang: Lang, label: String, note: String, f: &na::Figures) -> FigureRow {
    FigureRow {
        label,
        note,
        activities: format::number(lang, f.activities),
        placings: format::number(lang, f.placings),
        vacancies: format::number(lang, f.vacancies),
        filled: format::number(lang, f.filled),
    }
}

pub struct SiteLine {
    pub id: i64,
    pub name: String,
    pub district: String,
    pub local_manager: String,
}

pub struct RecordLine {
    pub id: i64,
    pub date: String,
    pub organisation: String,
    pub kind: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "national/show.html")]
struct ShowTemplate {
    page: Page,
    v: AccountView,
    status: String,
    term: String,
    jobs: String,
    jobs_target: String,
    national: bool,
    from: String,
    to: String,
    companies: String,
    totals: Vec<FigureRow>,
    districts: Vec<FigureRow>,
    regions: Vec<FigureRow>,
    months: Vec<FigureRow>,
    sites: Vec<SiteLine>,
    records: Vec<RecordLine>,
    period_errors: ShownErrors,
    f: AccountInput,
    errors: ShownErrors,
    statuses: Vec<Opt>,
    can_edit: bool,
}

async fn render_show(
    state: &AppState,
    ctx: &ReqCtx,
    actor: &Actor,
    id: i64,
    period: PeriodParams,
    form: Option<(AccountInput, &FieldErrors)>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let mut period_errors = FieldErrors::new();
    let mut date = |field: &str, s: &str| {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        period_errors.take(field, s, accord_domain::values::parse_date(s))
    };
    let from = date("from", &period.from);
    let to = date("to", &period.to);
    let r: Rollup = match na::rollup(&state.app, actor, id, from, to).await {
        Ok(r) => r,
        Err(AppError::Invalid(e)) => {
            for err in &e.0 {
                period_errors.add(&err.field, &err.code, err.value.as_deref());
            }
            na::rollup(&state.app, actor, id, None, None).await?
        }
        Err(e) => return Err(e.into()),
    };
    let v = r.account.clone();
    let none = FieldErrors::new();
    let (f, errors) = form.unwrap_or_else(|| {
        (
            AccountInput {
                district: None,
                organisation: v.organisation.r#ref.clone(),
                manager: v.manager_email.clone().unwrap_or_default(),
                status: v.status.as_str().to_owned(),
                target_rank: v.target_rank.map(|n| n.to_string()).unwrap_or_default(),
                sla_jobs_target: v.sla_jobs_target.map(|n| n.to_string()).unwrap_or_default(),
                sla_start: v.sla_start.map(|d| d.to_string()).unwrap_or_default(),
                sla_end: v.sla_end.map(|d| d.to_string()).unwrap_or_default(),
                sla_exclusive: v.sla_exclusive,
                notes: v.notes.clone().unwrap_or_default(),
                version: Some(v.version),
            },
            &none,
        )
    });
    let no_region = ctx.t("national.no_region");
    let counts_only = ctx.t("national.counts_only");
    let term = match (v.sla_start, v.sla_end) {
        (Some(a), Some(b)) => format!("{} – {}", format::date(lang, a), format::date(lang, b)),
        (Some(a), None) => format!("{} –", format::date(lang, a)),
        _ => String::new(),
    };
    let status = super::form_status(errors, false);
    let t = ShowTemplate {
        page: ctx.page(v.organisation.name.clone()),
        status: ctx.t(&format!("national.status.{}", v.status.as_str())),
        term,
        jobs: format::number(lang, r.jobs),
        jobs_target: r.jobs_target.map(|n| format::number(lang, n)).unwrap_or_default(),
        national: r.national,
        from: r.from.to_string(),
        to: r.to.to_string(),
        companies: format::number(lang, r.companies),
        totals: vec![figure_row(lang, ctx.t("national.total"), String::new(), &r.total)],
        districts: r
            .districts
            .iter()
            .map(|d| {
                let note = format!(
                    "{}{}",
                    d.region.clone().unwrap_or_else(|| no_region.clone()),
                    if d.records { String::new() } else { format!(" · {counts_only}") }
                );
                figure_row(lang, d.district_name.clone(), note, &d.figures)
            })
            .collect(),
        regions: r
            .regions
            .iter()
            .map(|g| figure_row(lang, g.region.clone().unwrap_or_else(|| no_region.clone()), String::new(), &g.figures))
            .collect(),
        months: r.months.iter().map(|m| figure_row(lang, m.month.clone(), String::new(), &m.figures)).collect(),
        sites: r
            .sites
            .iter()
            .map(|s| SiteLine {
                id: s.id,
                name: s.name.clone(),
                district: s.district.clone(),
                local_manager: s.local_manager.clone().unwrap_or_default(),
            })
            .collect(),
        records: r
            .records
            .iter()
            .map(|a| RecordLine {
                id: a.id,
                date: format::date_short(lang, a.start_date),
                organisation: a.organisation.clone(),
                kind: a.r#type.clone(),
                outcome: ctx.t(&format!("act.outcomes.{}", a.outcome)),
            })
            .collect(),
        period_errors: ShownErrors::new(lang, &period_errors),
        statuses: status_options(ctx, &f.status),
        errors: ShownErrors::new(lang, errors),
        can_edit: na::can_write(actor) && na::holds(actor, &v),
        f,
        v,
    };
    let mut res = super::render(&t);
    *res.status_mut() = if period_errors.is_empty() { status } else { super::form_status(&period_errors, false) };
    Ok(res)
}

pub async fn show(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    Query(p): Query<PeriodParams>,
) -> WebResult<Response> {
    render_show(&state, &ctx, &actor, id, p, None).await
}

pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, actor }: Staff,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<AccountInput>,
) -> WebResult<Response> {
    match na::update(&state.app, &actor, id, &f).await {
        Ok(_) => Ok(super::redirect_with_flash(&ctx, &format!("/national-accounts/{id}"), "national_saved")),
        Err(AppError::Invalid(errors)) => {
            render_show(&state, &ctx, &actor, id, PeriodParams::default(), Some((f, &errors))).await
        }
        Err(AppError::Conflict { .. }) => {
            let mut errors = FieldErrors::new();
            errors.add("status", "national.changed_meanwhile", None);
            let f = AccountInput { version: None, ..f };
            render_show(&state, &ctx, &actor, id, PeriodParams::default(), Some((f, &errors))).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- on an organisation's page ----

/// A national account an organisation belongs to, as its page names it: the account's id, the
/// employer and the national account manager.
pub struct OrgAccount {
    pub id: i64,
    pub employer: String,
    pub manager: String,
}

pub async fn for_organisation(state: &AppState, actor: &Actor, org_id: i64) -> WebResult<Vec<OrgAccount>> {
    Ok(na::for_organisation(&state.app, actor, org_id)
        .await?
        .into_iter()
        .map(|v| OrgAccount { id: v.id, employer: v.organisation.name, manager: v.manager_name.unwrap_or_default() })
        .collect())
}
