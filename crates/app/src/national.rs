//! Regions and national accounts (seed 002's Large Organisations Unit).
//!
//! An administrator groups districts into regions and gives users regions: a user given a
//! region works in each of its districts (the actor's scope holds them, so every scoped query
//! sees them). A national unit keeps accounts with national employers: the employer's group in
//! the directory, a national account manager, the relationship's status, the employer's place
//! on the unit's list of top employers, and the service level agreement's jobs target, term and
//! exclusivity. The employer's companies and sites may sit in many districts; each keeps its
//! local account manager. The account's roll-up counts what every district recorded at them:
//! the national unit sees every district's figures (the records only of its own districts),
//! a participating district sees its own figures and records and nothing of another's.

use crate::directory::{self as dir, opt, parse_date, short_text};
use crate::{Actor, App, AppError, DistrictRef, Permission, Result};
use accord_db::entities::{national_account, organisation, region};
use accord_db::national::{self as q, AccountFields};
use accord_domain::national::{jobs_target, region_code, target_rank};
use accord_domain::{AccountStatus, FieldErrors, OrgLevel, Role, Scope};
use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The longest name of a region and the longest notes of an account.
pub const MAX_NAME: usize = 200;
pub const MAX_NOTES: usize = 4000;
/// The longest period a roll-up covers: ten years.
pub const MAX_DAYS: i64 = 3660;
/// How many of the records behind its figures an account's page lists.
pub const RECORDS: u64 = 50;

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Staff read the regions, the accounts and their roll-ups.
pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor)
}

/// Administrators keep the regions.
pub fn can_manage_regions(actor: &Actor) -> bool {
    !actor.is_read_only() && actor.can(Permission::ManageDistricts)
}

/// Managers and account managers of a national unit (and administrators) keep its accounts.
pub fn can_write(actor: &Actor) -> bool {
    !actor.is_read_only() && actor.roles.iter().any(|r| matches!(r, Role::Admin | Role::Manager | Role::AccountManager))
}

// ---- regions ----

/// A region as a form or an API body gives it: the districts by code, the users given it by
/// e-mail address.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct RegionInput {
    pub code: String,
    pub name: String,
    pub districts: Vec<String>,
    pub users: Vec<String>,
    /// The region's version as read (changes only); left out, the current one.
    pub version: Option<i32>,
}

/// A user given a region, as its page names them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegionUser {
    pub email: String,
    pub name: String,
}

/// A region as pages and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegionView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub districts: Vec<DistrictRef>,
    pub users: Vec<RegionUser>,
    pub version: i32,
}

async fn region_views<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    rows: Vec<region::Model>,
    with_users: bool,
) -> Result<Vec<RegionView>> {
    let links = q::region_districts(c).await?;
    let districts = accord_db::users::list_districts(c, &Scope::All).await?;
    let mut out = Vec::new();
    for r in rows {
        let users = if with_users {
            let ids = q::region_user_ids(c, r.id).await?;
            let mut names: Vec<RegionUser> = accord_db::awards::staff_names(c, ids)
                .await?
                .into_values()
                .map(|(name, email)| RegionUser { email, name })
                .collect();
            names.sort_by(|a, b| a.name.cmp(&b.name).then(a.email.cmp(&b.email)));
            names
        } else {
            vec![]
        };
        out.push(RegionView {
            districts: districts
                .iter()
                .filter(|d| links.iter().any(|l| l.region_id == r.id && l.district_id == d.id))
                .map(|d| DistrictRef { id: d.id, code: d.code.clone(), name: d.name.clone() })
                .collect(),
            users,
            id: r.id,
            code: r.code,
            name: r.name,
            version: r.version,
        });
    }
    Ok(out)
}

/// Every region with its districts, by name.
pub async fn list_regions(app: &App, actor: &Actor) -> Result<Vec<RegionView>> {
    require(can_view(actor))?;
    region_views(&app.db.conn, q::list_regions(&app.db.conn).await?, false).await
}

/// One region with its districts and (for administrators) the users given it.
pub async fn get_region(app: &App, actor: &Actor, id: i64) -> Result<RegionView> {
    require(can_view(actor))?;
    let row = q::get_region(&app.db.conn, id).await?.ok_or(AppError::NotFound)?;
    Ok(region_views(&app.db.conn, vec![row], can_manage_regions(actor)).await?.remove(0))
}

/// The region each district belongs to: district id to region name.
pub async fn region_names(app: &App) -> Result<BTreeMap<i64, String>> {
    let regions = q::list_regions(&app.db.conn).await?;
    Ok(q::region_districts(&app.db.conn)
        .await?
        .into_iter()
        .filter_map(|l| regions.iter().find(|r| r.id == l.region_id).map(|r| (l.district_id, r.name.clone())))
        .collect())
}

struct CheckedRegion {
    name: String,
    district_ids: Vec<i64>,
    user_ids: Vec<i64>,
}

async fn check_region(app: &App, input: &RegionInput, errors: &mut FieldErrors) -> Result<Option<CheckedRegion>> {
    let c = &app.db.conn;
    let name = match opt(&input.name) {
        None => {
            errors.add("name", "field.required", None);
            None
        }
        Some(_) => short_text(errors, "name", &input.name, MAX_NAME),
    };
    let mut district_ids = Vec::new();
    for code in input.districts.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
        match accord_db::users::district_by_code(c, &Scope::All, code).await? {
            Some(d) if !district_ids.contains(&d.id) => district_ids.push(d.id),
            Some(_) => {}
            None => errors.add("districts", "district.unknown", Some(code)),
        }
    }
    let mut user_ids = Vec::new();
    for email in input.users.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        match accord_db::users::find_by_email(c, &email.to_lowercase()).await? {
            Some(u) if !user_ids.contains(&u.id) => user_ids.push(u.id),
            Some(_) => {}
            None => errors.add("users", "region.user_unknown", Some(email)),
        }
    }
    Ok(name.map(|name| CheckedRegion { name, district_ids, user_ids }))
}

fn region_value(v: &RegionView) -> serde_json::Value {
    serde_json::json!({
        "code": v.code, "name": v.name,
        "districts": v.districts.iter().map(|d| &d.code).collect::<Vec<_>>(),
        "users": v.users.iter().map(|u| &u.email).collect::<Vec<_>>(),
    })
}

/// Creates a region of districts (administrators); a district taken into it leaves the region
/// it was in.
pub async fn create_region(app: &App, actor: &Actor, input: &RegionInput) -> Result<RegionView> {
    require(can_manage_regions(actor))?;
    let mut errors = FieldErrors::new();
    let code = match opt(&input.code) {
        None => {
            errors.add("code", "field.required", None);
            None
        }
        Some(s) => errors.take("code", s, region_code(s)),
    };
    if let Some(code) = &code
        && q::region_by_code(&app.db.conn, code).await?.is_some()
    {
        errors.add("code", "region.code_taken", Some(code));
    }
    let checked = check_region(app, input, &mut errors).await?;
    errors.into_result()?;
    let (Some(code), Some(checked)) = (code, checked) else {
        return Err(AppError::Internal("unchecked region".into()));
    };
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = q::insert_region(&txn, &code, &checked.name, now).await.map_err(|e| {
        if accord_db::is_unique_violation(&e) {
            AppError::field("code", "region.code_taken", Some(&code))
        } else {
            e.into()
        }
    })?;
    q::set_region_districts(&txn, row.id, &checked.district_ids).await?;
    q::set_region_users(&txn, row.id, &checked.user_ids).await?;
    let v = region_views(&txn, vec![row], true).await?.remove(0);
    let mut e = actor.audit("create", "region", Some(v.id.to_string()));
    e.after = Some(region_value(&v));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(v)
}

/// Renames a region and sets its districts and users (administrators); the code stays.
pub async fn update_region(app: &App, actor: &Actor, id: i64, input: &RegionInput) -> Result<RegionView> {
    require(can_manage_regions(actor))?;
    let before = get_region(app, actor, id).await?;
    let mut errors = FieldErrors::new();
    let checked = check_region(app, input, &mut errors).await?;
    errors.into_result()?;
    let Some(checked) = checked else { return Err(AppError::Internal("unchecked region".into())) };
    let version = input.version.unwrap_or(before.version);
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !q::update_region(&txn, id, version, &checked.name, now).await? {
        drop(txn);
        let changed = if before.name != checked.name { vec!["name".to_owned()] } else { vec![] };
        return Err(AppError::Conflict { current: serde_json::to_value(&before).unwrap_or_default(), changed });
    }
    q::set_region_districts(&txn, id, &checked.district_ids).await?;
    q::set_region_users(&txn, id, &checked.user_ids).await?;
    let row = q::get_region(&txn, id).await?.ok_or(AppError::NotFound)?;
    let after = region_views(&txn, vec![row], true).await?.remove(0);
    let mut e = actor.audit("update", "region", Some(id.to_string()));
    e.before = Some(region_value(&before));
    e.after = Some(region_value(&after));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(after)
}

// ---- national accounts ----

/// An account as a form or an API body gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct AccountInput {
    /// The national unit's code; needed only by those who work in more than one district.
    pub district: Option<String>,
    /// The employer's group: its ref, CVR or P-number in the national unit (new accounts only).
    pub organisation: String,
    /// The national account manager's e-mail address.
    pub manager: String,
    pub status: String,
    /// The employer's place on the unit's list of top employers; empty: not on it.
    pub target_rank: String,
    /// The service level agreement: the jobs it aims to fill, its term and exclusivity.
    pub sla_jobs_target: String,
    pub sla_start: String,
    pub sla_end: String,
    pub sla_exclusive: bool,
    pub notes: String,
    /// The account's version as read (changes only); left out, the current one.
    pub version: Option<i32>,
}

/// An organisation as the account's pages and the API name it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrgRef {
    pub id: i64,
    pub r#ref: String,
    pub name: String,
}

/// An account as pages and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccountView {
    pub id: i64,
    /// The national unit holding it.
    pub district: String,
    pub district_name: String,
    pub organisation: OrgRef,
    pub manager_name: Option<String>,
    pub manager_email: Option<String>,
    pub status: AccountStatus,
    pub target_rank: Option<i32>,
    pub sla_jobs_target: Option<i64>,
    pub sla_start: Option<NaiveDate>,
    pub sla_end: Option<NaiveDate>,
    pub sla_exclusive: bool,
    pub notes: Option<String>,
    pub version: i32,
}

async fn account_views<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    rows: Vec<national_account::Model>,
) -> Result<Vec<AccountView>> {
    let districts = accord_db::users::list_districts(c, &Scope::All).await?;
    let orgs = accord_db::directory::organisations_by_ids(c, rows.iter().map(|r| r.organisation_id).collect()).await?;
    let users = accord_db::awards::staff_names(c, rows.iter().filter_map(|r| r.manager_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let d = districts.iter().find(|d| d.id == r.district_id);
            let o = orgs.iter().find(|o| o.id == r.organisation_id);
            let m = r.manager_id.and_then(|u| users.get(&u));
            AccountView {
                id: r.id,
                district: d.map(|d| d.code.clone()).unwrap_or_default(),
                district_name: d.map(|d| d.name.clone()).unwrap_or_default(),
                organisation: OrgRef {
                    id: r.organisation_id,
                    r#ref: o.map(|o| o.r#ref.clone()).unwrap_or_default(),
                    name: o.map(|o| o.name.clone()).unwrap_or_default(),
                },
                manager_name: m.map(|m| m.0.clone()),
                manager_email: m.map(|m| m.1.clone()),
                status: AccountStatus::parse(&r.status).unwrap_or(AccountStatus::Prospect),
                target_rank: r.target_rank,
                sla_jobs_target: r.sla_jobs_target,
                sla_start: r.sla_start,
                sla_end: r.sla_end,
                sla_exclusive: r.sla_exclusive,
                notes: r.notes,
                version: r.version,
            }
        })
        .collect())
}

fn account_value(v: &AccountView) -> serde_json::Value {
    serde_json::json!({
        "organisation": v.organisation.r#ref, "manager": v.manager_email, "status": v.status,
        "target_rank": v.target_rank, "sla_jobs_target": v.sla_jobs_target, "sla_start": v.sla_start,
        "sla_end": v.sla_end, "sla_exclusive": v.sla_exclusive, "notes": v.notes,
    })
}

/// The accounts the actor sees: those of their national units, and those of employers with a
/// company or a site in their districts; the target list's first, by place.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<AccountView>> {
    require(can_view(actor))?;
    let rows = q::list_accounts(&app.db.conn, &actor.scope()).await?;
    account_views(&app.db.conn, rows).await
}

/// One account; one the actor does not see is "not found".
pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<AccountView> {
    require(can_view(actor))?;
    let row = q::get_account(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    Ok(account_views(&app.db.conn, vec![row]).await?.remove(0))
}

/// Whether the actor works in the national unit holding the account (or is an administrator).
pub fn holds(actor: &Actor, v: &AccountView) -> bool {
    actor.is_admin() || actor.districts.iter().any(|d| d.code == v.district)
}

struct Checked {
    manager_id: Option<i64>,
    status: AccountStatus,
    target_rank: Option<i32>,
    sla_jobs_target: Option<i64>,
    sla_start: Option<NaiveDate>,
    sla_end: Option<NaiveDate>,
    notes: Option<String>,
}

async fn check_account(
    app: &App,
    district_id: i64,
    input: &AccountInput,
    errors: &mut FieldErrors,
) -> Result<Option<Checked>> {
    let c = &app.db.conn;
    let manager_id = match opt(&input.manager) {
        None => {
            errors.add("manager", "field.required", None);
            None
        }
        Some(_) => dir::check_account_manager(c, district_id, "manager", &input.manager, errors).await?,
    };
    let status = match opt(&input.status) {
        None => {
            errors.add("status", "field.required", None);
            None
        }
        Some(s) => errors.take("status", s, AccountStatus::parse(s)),
    };
    let target_rank = opt(&input.target_rank).and_then(|s| errors.take("target_rank", s, target_rank(s)));
    let sla_jobs_target = opt(&input.sla_jobs_target).and_then(|s| errors.take("sla_jobs_target", s, jobs_target(s)));
    let sla_start = opt(&input.sla_start).and_then(|s| errors.take("sla_start", s, parse_date(s)));
    let sla_end = opt(&input.sla_end).and_then(|s| errors.take("sla_end", s, parse_date(s)));
    if let (Some(a), Some(b)) = (sla_start, sla_end)
        && b < a
    {
        errors.add("sla_end", "national.end_before_start", Some(&b.to_string()));
    }
    let notes = short_text(errors, "notes", &input.notes, MAX_NOTES);
    let ok = manager_id.is_some() && status.is_some() && errors.is_empty();
    Ok(ok.then(|| Checked {
        manager_id,
        status: status.unwrap_or(AccountStatus::Prospect),
        target_rank,
        sla_jobs_target,
        sla_start,
        sla_end,
        notes,
    }))
}

fn fields(district_id: i64, organisation_id: i64, k: &Checked, exclusive: bool) -> AccountFields<'_> {
    AccountFields {
        district_id,
        organisation_id,
        manager_id: k.manager_id,
        status: k.status.as_str(),
        target_rank: k.target_rank,
        sla_jobs_target: k.sla_jobs_target,
        sla_start: k.sla_start,
        sla_end: k.sla_end,
        sla_exclusive: exclusive,
        notes: k.notes.as_deref(),
    }
}

/// Opens an account with a national employer: a group of the national unit's directory, one
/// account per employer.
pub async fn create(app: &App, actor: &Actor, input: &AccountInput) -> Result<AccountView> {
    require(can_write(actor))?;
    let district = dir::pick_district(app, actor, input.district.as_deref()).await?;
    let c = &app.db.conn;
    let mut errors = FieldErrors::new();
    let org = match opt(&input.organisation) {
        None => {
            errors.add("organisation", "field.required", None);
            None
        }
        Some(r) => match crate::directory::resolve_org(c, &[district.id], "organisation", r, &mut errors).await? {
            Some(o) if o.level == OrgLevel::Group.as_str() => Some(o),
            Some(o) => {
                errors.add("organisation", "national.not_group", Some(&o.name));
                None
            }
            None => None,
        },
    };
    let checked = check_account(app, district.id, input, &mut errors).await?;
    errors.into_result()?;
    let (Some(org), Some(k)) = (org, checked) else { return Err(AppError::Internal("unchecked account".into())) };
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = q::insert_account(&txn, fields(district.id, org.id, &k, input.sla_exclusive), actor.user_id, now)
        .await
        .map_err(|e| {
        if accord_db::is_unique_violation(&e) {
            AppError::field("organisation", "national.account_exists", Some(&org.name))
        } else {
            e.into()
        }
    })?;
    let v = account_views(&txn, vec![row]).await?.remove(0);
    let mut e = actor.audit("create", "national_account", Some(v.id.to_string()));
    e.district_id = Some(district.id);
    e.after = Some(account_value(&v));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(v)
}

/// Changes an account: only its national unit (and administrators) may; a participating
/// district reads it.
pub async fn update(app: &App, actor: &Actor, id: i64, input: &AccountInput) -> Result<AccountView> {
    require(can_write(actor))?;
    let before = get(app, actor, id).await?;
    require(holds(actor, &before))?;
    let row = q::get_account(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let checked = check_account(app, row.district_id, input, &mut errors).await?;
    errors.into_result()?;
    let Some(k) = checked else { return Err(AppError::Internal("unchecked account".into())) };
    let version = input.version.unwrap_or(row.version);
    let now = Utc::now();
    let txn = app.db.write().await?;
    let unit = row.district_id;
    let f = fields(unit, row.organisation_id, &k, input.sla_exclusive);
    if !q::update_account(&txn, id, version, f, now).await? {
        drop(txn);
        let current = get(app, actor, id).await?;
        let mut changed = vec![];
        if current.status != k.status {
            changed.push("status".to_owned());
        }
        if current.target_rank != k.target_rank {
            changed.push("target_rank".to_owned());
        }
        if current.sla_jobs_target != k.sla_jobs_target {
            changed.push("sla_jobs_target".to_owned());
        }
        if current.notes != k.notes {
            changed.push("notes".to_owned());
        }
        return Err(AppError::Conflict { current: serde_json::to_value(&current).unwrap_or_default(), changed });
    }
    let row = q::get_account(&txn, &Scope::All, id).await?.ok_or(AppError::NotFound)?;
    let after = account_views(&txn, vec![row]).await?.remove(0);
    let mut e = actor.audit("update", "national_account", Some(id.to_string()));
    e.district_id = Some(unit);
    e.before = Some(account_value(&before));
    e.after = Some(account_value(&after));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(after)
}

// ---- the roll-up ----

/// What was recorded at an account's companies and sites in a district, a region, a month or
/// in all: activities started, placings (activities ending in a hire), vacancies asked for
/// through recruitment requests, and vacancies filled through them.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Figures {
    pub activities: i64,
    pub placings: i64,
    pub vacancies: i64,
    pub filled: i64,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.activities += o.activities;
        self.placings += o.placings;
        self.vacancies += o.vacancies;
        self.filled += o.filled;
    }

    /// The jobs that count toward the agreement's target: placings and vacancies filled.
    pub fn jobs(&self) -> i64 {
        self.placings + self.filled
    }
}

/// A district's share of an account's roll-up.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DistrictFigures {
    pub district: String,
    pub district_name: String,
    pub region: Option<String>,
    /// The account's sites and companies in the district.
    pub sites: i64,
    pub companies: i64,
    pub figures: Figures,
    /// Whether the actor may see the district's records (else counts only).
    pub records: bool,
}

/// A region's share: its districts' figures added, its companies each counted once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegionFigures {
    pub region: Option<String>,
    pub districts: i64,
    pub companies: i64,
    pub figures: Figures,
}

/// A month's figures (`YYYY-MM`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MonthFigures {
    pub month: String,
    pub figures: Figures,
}

/// A site of the account as its page lists it: in the actor's districts only.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SiteRow {
    pub id: i64,
    pub r#ref: String,
    pub name: String,
    pub level: String,
    pub district: String,
    /// The district's own account manager for the site.
    pub local_manager: Option<String>,
}

/// An activity behind the figures, in a district the actor works in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecordRow {
    pub id: i64,
    pub r#type: String,
    pub organisation: String,
    pub district: String,
    pub start_date: NaiveDate,
    pub outcome: String,
}

/// An account's roll-up over a period: every district's figures for the national unit, a
/// participating district's own for it; per region, per month and in all, with the share of
/// the agreement's jobs target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rollup {
    pub account: AccountView,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Whether the figures are every district's (the national unit's view).
    pub national: bool,
    pub total: Figures,
    /// Distinct companies, each counted once however many districts its sites are in.
    pub companies: i64,
    /// The jobs counted toward the agreement's target, and the target.
    pub jobs: i64,
    pub jobs_target: Option<i64>,
    pub districts: Vec<DistrictFigures>,
    pub regions: Vec<RegionFigures>,
    pub months: Vec<MonthFigures>,
    pub sites: Vec<SiteRow>,
    pub records: Vec<RecordRow>,
}

/// The period of a roll-up: as given, else the agreement's term (up to today), else this year
/// to today.
fn period(
    v: &AccountView,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate)> {
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let from = from.or(v.sla_start).unwrap_or(year_start);
    let to = to.or(v.sla_end.map(|e| e.min(today).max(from))).unwrap_or(today);
    if to < from {
        return Err(AppError::field("to", "national.end_before_start", Some(&to.to_string())));
    }
    if (to - from).num_days() > MAX_DAYS {
        return Err(AppError::field("from", "national.period_too_long", Some(&from.to_string())));
    }
    Ok((from, to))
}

/// The company a member counts as: a site's company, else itself (a company, or a site
/// directly under the group); known by its Companies House or CVR number when it has one, so
/// that a company two districts each record is counted once.
fn company_of(o: &organisation::Model, members: &[organisation::Model]) -> String {
    let company = o.parent_id.and_then(|p| members.iter().find(|m| m.id == p)).unwrap_or(o);
    match (&company.companies_house, &company.cvr) {
        (Some(ch), _) => format!("companies_house:{ch}"),
        (None, Some(cvr)) => format!("cvr:{cvr}"),
        (None, None) => format!("id:{}", company.id),
    }
}

/// An account's roll-up over `[from, to]` (see [`Rollup`]).
pub async fn rollup(
    app: &App,
    actor: &Actor,
    id: i64,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Rollup> {
    let account = get(app, actor, id).await?;
    let (from, to) = period(&account, from, to, Utc::now().date_naive())?;
    let c = &app.db.conn;
    let scope = actor.scope();
    let national = holds(actor, &account);
    let mine = |district_id: i64| match &scope {
        Scope::All => true,
        Scope::Districts(ids) => ids.contains(&district_id),
    };
    let shown = |district_id: i64| national || mine(district_id);
    let members = q::members(c, account.organisation.id).await?;
    let mut org_ids: Vec<i64> = members.iter().map(|m| m.id).collect();
    org_ids.push(account.organisation.id);
    let all_districts = accord_db::users::list_districts(c, &Scope::All).await?;
    let regions = region_names(app).await?;

    let mut by_district: BTreeMap<i64, Figures> = BTreeMap::new();
    let mut by_month: BTreeMap<String, Figures> = BTreeMap::new();
    let month = |d: NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    for (district_id, day, outcome, n) in q::activity_counts(c, &org_ids, from, to).await? {
        if !shown(district_id) {
            continue;
        }
        let mut f = Figures { activities: n, ..Default::default() };
        if outcome == accord_domain::ActivityOutcome::Hired.as_str() {
            f.placings = n;
        }
        by_district.entry(district_id).or_default().add(&f);
        by_month.entry(month(day)).or_default().add(&f);
    }
    for (district_id, day, positions, hires) in q::request_sums(c, &org_ids, from, to).await? {
        if !shown(district_id) {
            continue;
        }
        let f = Figures { vacancies: positions, filled: hires, ..Default::default() };
        by_district.entry(district_id).or_default().add(&f);
        by_month.entry(month(day)).or_default().add(&f);
    }

    // The districts with a company or site of the account, or with figures.
    let mut district_ids: BTreeSet<i64> = members.iter().map(|m| m.district_id).filter(|d| shown(*d)).collect();
    district_ids.extend(by_district.keys().copied());
    let companies_in = |pred: &dyn Fn(i64) -> bool| -> BTreeSet<String> {
        members.iter().filter(|m| pred(m.district_id)).map(|m| company_of(m, &members)).collect()
    };
    let mut districts: Vec<DistrictFigures> = district_ids
        .iter()
        .map(|&d| {
            let row = all_districts.iter().find(|x| x.id == d);
            DistrictFigures {
                district: row.map(|r| r.code.clone()).unwrap_or_default(),
                district_name: row.map(|r| r.name.clone()).unwrap_or_default(),
                region: regions.get(&d).cloned(),
                sites: members.iter().filter(|m| m.district_id == d && m.level == OrgLevel::Site.as_str()).count()
                    as i64,
                companies: companies_in(&|x| x == d).len() as i64,
                figures: by_district.get(&d).copied().unwrap_or_default(),
                records: mine(d),
            }
        })
        .collect();
    districts.sort_by(|a, b| {
        a.region
            .is_none()
            .cmp(&b.region.is_none())
            .then(a.region.cmp(&b.region))
            .then(a.district_name.cmp(&b.district_name))
    });

    let mut region_rows: Vec<RegionFigures> = Vec::new();
    for d in &districts {
        let i = match region_rows.iter().position(|r| r.region == d.region) {
            Some(i) => i,
            None => {
                region_rows.push(RegionFigures {
                    region: d.region.clone(),
                    districts: 0,
                    companies: 0,
                    figures: Figures::default(),
                });
                region_rows.len() - 1
            }
        };
        region_rows[i].districts += 1;
        region_rows[i].figures.add(&d.figures);
    }
    for r in &mut region_rows {
        let ids: BTreeSet<i64> = district_ids.iter().copied().filter(|d| regions.get(d) == r.region.as_ref()).collect();
        r.companies = companies_in(&|x| ids.contains(&x)).len() as i64;
    }
    let mut total = Figures::default();
    for d in &districts {
        total.add(&d.figures);
    }
    let companies = companies_in(&|x| district_ids.contains(&x)).len() as i64;

    let managers =
        accord_db::awards::staff_names(c, members.iter().filter_map(|m| m.account_manager_id).collect()).await?;
    let code_of = |d: i64| all_districts.iter().find(|x| x.id == d).map(|x| x.code.clone()).unwrap_or_default();
    let sites = members
        .iter()
        .filter(|m| mine(m.district_id))
        .map(|m| SiteRow {
            id: m.id,
            r#ref: m.r#ref.clone(),
            name: m.name.clone(),
            level: m.level.clone(),
            district: code_of(m.district_id),
            local_manager: m.account_manager_id.and_then(|u| managers.get(&u)).map(|u| u.0.clone()),
        })
        .collect();
    let records = q::activities_at(c, &scope, &org_ids, from, to, RECORDS)
        .await?
        .into_iter()
        .map(|a| RecordRow {
            id: a.id,
            r#type: a.r#type,
            organisation: members
                .iter()
                .find(|m| m.id == a.organisation_id)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| account.organisation.name.clone()),
            district: code_of(a.district_id),
            start_date: a.start_date,
            outcome: a.outcome,
        })
        .collect();
    Ok(Rollup {
        jobs: total.jobs(),
        jobs_target: account.sla_jobs_target,
        account,
        from,
        to,
        national,
        total,
        companies,
        districts,
        regions: region_rows,
        months: by_month.into_iter().map(|(month, figures)| MonthFigures { month, figures }).collect(),
        sites,
        records,
    })
}

/// The national accounts of the groups above an organisation (its group, or its company's),
/// that the actor sees: what a site's page names beside the local account manager.
pub async fn for_organisation(app: &App, actor: &Actor, organisation_id: i64) -> Result<Vec<AccountView>> {
    if !can_view(actor) {
        return Ok(vec![]);
    }
    let c = &app.db.conn;
    let groups: Vec<i64> =
        accord_db::directory::ancestors(c, organisation_id).await?.into_iter().map(|o| o.id).collect();
    let rows = q::accounts_of_groups(c, &actor.scope(), groups).await?;
    account_views(c, rows).await
}
