//! The employer directory: organisations, their hierarchy, account managers, contacts and
//! the coordinated contact log.

use crate::{Actor, App, AppError, DistrictRef, Page, Paging, Result};
use accord_db::directory as q;
use accord_db::entities::{account_manager_period, contact, interaction, organisation, organisation_alias, user};
use accord_db::sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use accord_domain::{
    CompaniesHouse, Cvr, Email, FieldErrors, InteractionKind, OrgChoice, OrgChoices, OrgKind, OrgLevel, OrgStatus,
    PNumber, PersonName, Role, Scope, SizeBand, identifiers, sector,
};
use accord_domain::{OrgFilter, OrgSort};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Who may do what in the directory.
pub fn can_view(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| *r != Role::Partner)
}

pub fn can_edit(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| matches!(r, Role::Admin | Role::Manager | Role::Secretariat | Role::AccountManager))
}

pub fn can_log_contact(actor: &Actor) -> bool {
    can_edit(actor) || actor.has(Role::Adviser)
}

pub fn can_merge(actor: &Actor) -> bool {
    actor.has(Role::Admin) || actor.has(Role::Secretariat)
}

pub fn can_hand_over(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| matches!(r, Role::Admin | Role::Manager | Role::Secretariat))
}

/// Refuses anyone who may not change the directory (read-only roles included).
pub fn require_edit(actor: &Actor) -> Result<()> {
    actor.require_write()?;
    require(can_edit(actor))
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The district a new record goes into: the one named, or the caller's only district.
pub async fn pick_district(app: &App, actor: &Actor, code: Option<&str>) -> Result<DistrictRef> {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    match code {
        Some(c) => {
            let d = accord_db::users::district_by_code(&app.db.conn, &actor.scope(), c)
                .await?
                .ok_or_else(|| AppError::field("district", "district.unknown", Some(c)))?;
            Ok(DistrictRef { id: d.id, code: d.code, name: d.name })
        }
        None => {
            let all = accord_db::users::list_districts(&app.db.conn, &actor.scope()).await?;
            match all.as_slice() {
                [one] => Ok(DistrictRef { id: one.id, code: one.code.clone(), name: one.name.clone() }),
                _ => Err(AppError::field("district", "district.choose", None)),
            }
        }
    }
}

/// An organisation as pages, the API and exports show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrgView {
    pub id: i64,
    pub district: String,
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub name: String,
    pub kind: String,
    pub level: String,
    pub parent_id: Option<i64>,
    pub parent_ref: Option<String>,
    pub cvr: Option<String>,
    pub p_number: Option<String>,
    pub companies_house: Option<String>,
    pub sector: Option<String>,
    pub size_band: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub ward: Option<String>,
    pub website: Option<String>,
    pub status: String,
    pub notes: Option<String>,
    pub account_manager_id: Option<i64>,
    pub account_manager_email: Option<String>,
    pub account_manager_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// Turns rows into views, looking up districts, parents and account managers in bulk.
pub(crate) async fn views(app: &App, rows: Vec<organisation::Model>) -> Result<Vec<OrgView>> {
    let c = &app.db.conn;
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let parent_ids: Vec<i64> = rows.iter().filter_map(|o| o.parent_id).collect();
    let parents = q::organisations_by_ids(c, parent_ids).await?;
    let am_ids: Vec<i64> = rows.iter().filter_map(|o| o.account_manager_id).collect();
    let ams = if am_ids.is_empty() {
        vec![]
    } else {
        user::Entity::find().filter(user::Column::Id.is_in(am_ids)).all(c).await?
    };
    Ok(rows
        .into_iter()
        .map(|o| {
            let am = o.account_manager_id.and_then(|id| ams.iter().find(|u| u.id == id));
            OrgView {
                id: o.id,
                district: districts.iter().find(|d| d.id == o.district_id).map(|d| d.code.clone()).unwrap_or_default(),
                parent_ref: o.parent_id.and_then(|p| parents.iter().find(|x| x.id == p)).map(|p| p.r#ref.clone()),
                account_manager_email: am.map(|u| u.email.clone()),
                account_manager_name: am.map(|u| u.name.clone()),
                r#ref: o.r#ref,
                name: o.name,
                kind: o.kind,
                level: o.level,
                parent_id: o.parent_id,
                cvr: o.cvr,
                p_number: o.p_number,
                companies_house: o.companies_house,
                sector: o.sector,
                size_band: o.size_band,
                address: o.address,
                postcode: o.postcode,
                ward: o.ward,
                website: o.website,
                status: o.status,
                notes: o.notes,
                account_manager_id: o.account_manager_id,
                created_at: o.created_at,
                updated_at: o.updated_at,
                version: o.version,
            }
        })
        .collect())
}

/// What a form, an API body or an import row gives for an organisation. Empty text means
/// "no value".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OrgInput {
    pub district: Option<String>,
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub name: String,
    pub kind: String,
    pub level: String,
    pub parent_ref: String,
    pub cvr: String,
    pub p_number: String,
    pub companies_house: String,
    pub sector: String,
    pub size_band: String,
    pub address: String,
    pub postcode: String,
    pub ward: String,
    pub website: String,
    pub status: String,
    pub notes: String,
    pub account_manager_email: String,
    pub version: Option<i32>,
    /// The person has seen the "similar organisation at the same postcode" warning and
    /// confirms this is a different one.
    pub confirm_similar: bool,
}

impl OrgInput {
    pub fn from_view(v: &OrgView) -> Self {
        OrgInput {
            district: Some(v.district.clone()),
            r#ref: v.r#ref.clone(),
            name: v.name.clone(),
            kind: v.kind.clone(),
            level: v.level.clone(),
            parent_ref: v.parent_ref.clone().unwrap_or_default(),
            cvr: v.cvr.clone().unwrap_or_default(),
            p_number: v.p_number.clone().unwrap_or_default(),
            companies_house: v.companies_house.clone().unwrap_or_default(),
            sector: v.sector.clone().unwrap_or_default(),
            size_band: v.size_band.clone().unwrap_or_default(),
            address: v.address.clone().unwrap_or_default(),
            postcode: v.postcode.clone().unwrap_or_default(),
            ward: v.ward.clone().unwrap_or_default(),
            website: v.website.clone().unwrap_or_default(),
            status: v.status.clone(),
            notes: v.notes.clone().unwrap_or_default(),
            account_manager_email: v.account_manager_email.clone().unwrap_or_default(),
            version: Some(v.version),
            confirm_similar: false,
        }
    }
}

pub(crate) fn opt(s: &str) -> Option<&str> {
    let t = s.trim();
    (!t.is_empty()).then_some(t)
}

/// The checked values of an organisation, ready to store.
#[derive(Debug, Clone)]
pub struct CheckedOrg {
    pub r#ref: Option<String>,
    pub name: String,
    pub kind: OrgKind,
    pub level: OrgLevel,
    pub parent_id: Option<i64>,
    pub cvr: Option<String>,
    pub p_number: Option<String>,
    pub companies_house: Option<String>,
    pub sector: Option<String>,
    pub size_band: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub ward: Option<String>,
    pub website: Option<String>,
    pub status: OrgStatus,
    pub notes: Option<String>,
    pub account_manager_id: Option<i64>,
}

pub(crate) fn short_text(errors: &mut FieldErrors, field: &str, s: &str, max: usize) -> Option<String> {
    let t = opt(s)?;
    if t.chars().count() > max {
        errors.add(field, "field.too_long", None);
        return None;
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        errors.add(field, "field.control_chars", None);
        return None;
    }
    Some(t.to_owned())
}

/// The staff member named by e-mail as an account manager: an enabled user of the district
/// (or an administrator). Empty text is no one.
pub(crate) async fn check_account_manager<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    field: &str,
    email: &str,
    errors: &mut FieldErrors,
) -> Result<Option<i64>> {
    let Some(e) = opt(email) else { return Ok(None) };
    match Email::parse(e) {
        Err(code) => errors.add(field, code, Some(e)),
        Ok(email) => match accord_db::users::find_by_email(c, email.as_str()).await? {
            Some(u) if !u.disabled => {
                let in_district = accord_db::users::districts_of(c, u.id).await?.iter().any(|d| d.id == district_id);
                let roles = accord_db::users::roles_of(c, u.id).await?;
                if in_district || roles.iter().any(|r| r == "admin") {
                    return Ok(Some(u.id));
                }
                errors.add(field, "org.account_manager_other_district", Some(e));
            }
            _ => errors.add(field, "org.account_manager_unknown", Some(e)),
        },
    }
    Ok(None)
}

/// Checks every field of an organisation and names each problem. `except` is the record's
/// own id when it is being changed.
pub(crate) async fn check_org<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    input: &OrgInput,
    except: Option<i64>,
    errors: &mut FieldErrors,
) -> Result<Option<CheckedOrg>> {
    let r#ref = short_text(errors, "ref", &input.r#ref, 64);
    let name = errors.take("name", &input.name, PersonName::parse(&input.name));
    let kind = match opt(&input.kind) {
        None => Some(OrgKind::Employer),
        Some(k) => errors.take("kind", k, OrgKind::parse(k)),
    };
    let mut parent_id = None;
    let parent = match opt(&input.parent_ref) {
        None => None,
        // A parent in the same district, or a national employer's group in any (its
        // companies and sites sit in many districts).
        Some(p) => match match q::resolve_ref(c, district_id, p).await? {
            Some(o) => Some(o),
            None => accord_db::national::national_group_by_ref(c, p).await?,
        } {
            Some(o) => {
                parent_id = Some(o.id);
                Some(o)
            }
            None => {
                errors.add("parent_ref", "org.parent_unknown", Some(p));
                None
            }
        },
    };
    let level = match opt(&input.level) {
        Some(l) => errors.take("level", l, OrgLevel::parse(l)),
        // Without a level: a site under a company, a company otherwise.
        None => Some(match &parent {
            Some(p) if p.level == "company" => OrgLevel::Site,
            _ => OrgLevel::Company,
        }),
    };
    let cvr = opt(&input.cvr).and_then(|v| errors.take("cvr", v, Cvr::parse(v))).map(|v| v.as_str().to_owned());
    let p_number =
        opt(&input.p_number).and_then(|v| errors.take("p_number", v, PNumber::parse(v))).map(|v| v.as_str().to_owned());
    let companies_house = opt(&input.companies_house)
        .and_then(|v| errors.take("companies_house", v, CompaniesHouse::parse(v)))
        .map(|v| v.as_str().to_owned());
    let sector = opt(&input.sector).and_then(|v| errors.take("sector", v, sector::parse(v))).map(|s| s.code.to_owned());
    let size_band = opt(&input.size_band)
        .and_then(|v| errors.take("size_band", v, SizeBand::parse(v)))
        .map(|s| s.as_str().to_owned());
    let address = short_text(errors, "address", &input.address, 300);
    let postcode = opt(&input.postcode).and_then(|v| errors.take("postcode", v, identifiers::postcode(v)));
    let ward = short_text(errors, "ward", &input.ward, 100);
    let website = opt(&input.website).and_then(|v| errors.take("website", v, identifiers::website(v)));
    let status = match opt(&input.status) {
        None => Some(OrgStatus::Active),
        Some(s) => errors.take("status", s, OrgStatus::parse(s)),
    };
    let notes = short_text(errors, "notes", &input.notes, 10_000);
    let account_manager_id =
        check_account_manager(c, district_id, "account_manager_email", &input.account_manager_email, errors).await?;
    // Hierarchy: a parent in the same district, never the record itself or a descendant.
    if let (Some(p), Some(me)) = (&parent, except) {
        let chain = q::ancestors(c, p.id).await?;
        if p.id == me || chain.iter().any(|a| a.id == me) {
            errors.add("parent_ref", "org.parent_cycle", Some(&p.r#ref));
        }
    }
    if let (Some(p), Some(l)) = (&parent, level)
        && (l == OrgLevel::Group || p.level == "site")
    {
        errors.add("parent_ref", "org.parent_level", Some(&p.r#ref));
    }
    // Duplicates: identifiers are unique within the district.
    let lvl = level.map(|l| l.as_str()).unwrap_or("company");
    for (field, value) in
        [("ref", &r#ref), ("cvr", &cvr), ("p_number", &p_number), ("companies_house", &companies_house)]
    {
        if let Some(v) = value
            && let Some(holder) = q::holder_of(c, district_id, field, v, lvl, except).await?
        {
            errors.add_link(
                field,
                "org.duplicate",
                Some(&format!("{} ({})", holder.name, holder.r#ref)),
                format!("/organisations/{}", holder.id),
            );
        }
    }
    if !errors.is_empty() {
        return Ok(None);
    }
    let name = name.expect("checked");
    // A similar name at the same postcode is probably the same employer: ask first.
    if let Some(pc) = &postcode
        && !input.confirm_similar
        && let Some(s) = q::similar(c, district_id, &name.as_str().to_lowercase(), pc, except).await?.first()
    {
        errors.add_link("name", "org.similar", Some(&s.name), format!("/organisations/{}", s.id));
        return Ok(None);
    }
    Ok(Some(CheckedOrg {
        r#ref,
        name: name.as_str().to_owned(),
        kind: kind.expect("checked"),
        level: level.expect("checked"),
        parent_id,
        cvr,
        p_number,
        companies_house,
        sector,
        size_band,
        address,
        postcode,
        ward,
        website,
        status: status.expect("checked"),
        notes,
        account_manager_id,
    }))
}

fn active_model(o: &CheckedOrg, now: DateTime<Utc>) -> organisation::ActiveModel {
    organisation::ActiveModel {
        name: Set(o.name.clone()),
        name_norm: Set(o.name.to_lowercase()),
        kind: Set(o.kind.as_str().to_owned()),
        level: Set(o.level.as_str().to_owned()),
        parent_id: Set(o.parent_id),
        cvr: Set(o.cvr.clone()),
        p_number: Set(o.p_number.clone()),
        companies_house: Set(o.companies_house.clone()),
        sector: Set(o.sector.clone()),
        size_band: Set(o.size_band.clone()),
        address: Set(o.address.clone()),
        postcode: Set(o.postcode.clone()),
        ward: Set(o.ward.clone()),
        website: Set(o.website.clone()),
        status: Set(o.status.as_str().to_owned()),
        notes: Set(o.notes.clone()),
        account_manager_id: Set(o.account_manager_id),
        updated_at: Set(now),
        ..Default::default()
    }
}

fn audit_json(v: &OrgView) -> serde_json::Value {
    let mut j = serde_json::to_value(v).unwrap_or_default();
    if let Some(o) = j.as_object_mut() {
        for k in
            ["id", "created_at", "updated_at", "version", "account_manager_name", "parent_id", "account_manager_id"]
        {
            o.remove(k);
        }
    }
    j
}

async fn view_of(app: &App, id: i64) -> Result<OrgView> {
    let row = organisation::Entity::find_by_id(id).one(&app.db.conn).await?.ok_or(AppError::NotFound)?;
    Ok(views(app, vec![row]).await?.remove(0))
}

/// Writes a checked organisation: a new one, or changes to `existing` at `version`.
/// Account-manager history and the audit entry go in the same transaction.
pub(crate) async fn save_checked<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    district_id: i64,
    checked: &CheckedOrg,
    existing: Option<(&organisation::Model, i32)>,
    now: DateTime<Utc>,
) -> Result<organisation::Model> {
    match existing {
        None => {
            let mut am = active_model(checked, now);
            am.district_id = Set(district_id);
            am.created_at = Set(now);
            am.version = Set(1);
            // A record made without a ref gets one from its id, after the insert.
            am.r#ref = Set(checked.r#ref.clone().unwrap_or_else(|| format!("tmp-{}", crate::auth::random_token(9))));
            let mut row = q::insert_organisation(txn, am).await.map_err(|e| dup_error(&e, checked))?;
            if checked.r#ref.is_none() {
                let r = format!("ORG-{:06}", row.id);
                organisation::Entity::update_many()
                    .col_expr(organisation::Column::Ref, accord_db::sea_orm::sea_query::Expr::value(r.clone()))
                    .filter(organisation::Column::Id.eq(row.id))
                    .exec(txn)
                    .await?;
                row.r#ref = r;
            }
            if checked.account_manager_id.is_some() {
                q::set_account_manager(txn, row.id, checked.account_manager_id, now).await?;
            }
            let mut e = actor.audit("create", "organisation", Some(row.id.to_string()));
            e.district_id = Some(district_id);
            e.after =
                Some(serde_json::json!({"ref": row.r#ref, "name": row.name, "kind": row.kind, "level": row.level}));
            accord_db::audit::append(txn, e, now).await?;
            Ok(row)
        }
        Some((before, version)) => {
            let mut am = active_model(checked, now);
            if let Some(r) = &checked.r#ref {
                am.r#ref = Set(r.clone());
            }
            if !q::update_organisation(txn, before.id, version, am).await.map_err(|e| dup_error(&e, checked))? {
                return Err(AppError::Conflict { current: serde_json::Value::Null, changed: vec![] });
            }
            if before.account_manager_id != checked.account_manager_id {
                q::set_account_manager(txn, before.id, checked.account_manager_id, now).await?;
            }
            let after = organisation::Entity::find_by_id(before.id).one(txn).await?.ok_or(AppError::NotFound)?;
            Ok(after)
        }
    }
}

fn dup_error(e: &accord_db::DbErr, o: &CheckedOrg) -> AppError {
    if accord_db::is_unique_violation(e) {
        AppError::field("ref", "org.duplicate", o.r#ref.as_deref())
    } else {
        AppError::Storage(Box::new(accord_db::DbErr::Custom(e.to_string())))
    }
}

pub async fn create(app: &App, actor: &Actor, input: &OrgInput) -> Result<OrgView> {
    require_edit(actor)?;
    let district = pick_district(app, actor, input.district.as_deref()).await?;
    let mut errors = FieldErrors::new();
    let checked = check_org(&app.db.conn, district.id, input, None, &mut errors).await?;
    errors.into_result()?;
    let checked = checked.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = save_checked(&txn, actor, district.id, &checked, None, now).await?;
    txn.commit().await?;
    view_of(app, row.id).await
}

/// Fields that differ between what is stored now and what the caller sent.
fn changed_fields(now: &OrgInput, sent: &OrgInput) -> Vec<String> {
    let pairs = [
        ("ref", &now.r#ref, &sent.r#ref),
        ("name", &now.name, &sent.name),
        ("kind", &now.kind, &sent.kind),
        ("level", &now.level, &sent.level),
        ("parent_ref", &now.parent_ref, &sent.parent_ref),
        ("cvr", &now.cvr, &sent.cvr),
        ("p_number", &now.p_number, &sent.p_number),
        ("companies_house", &now.companies_house, &sent.companies_house),
        ("sector", &now.sector, &sent.sector),
        ("size_band", &now.size_band, &sent.size_band),
        ("address", &now.address, &sent.address),
        ("postcode", &now.postcode, &sent.postcode),
        ("ward", &now.ward, &sent.ward),
        ("website", &now.website, &sent.website),
        ("status", &now.status, &sent.status),
        ("notes", &now.notes, &sent.notes),
        ("account_manager_email", &now.account_manager_email, &sent.account_manager_email),
    ];
    pairs.iter().filter(|(_, a, b)| a.trim() != b.trim()).map(|(f, _, _)| (*f).to_owned()).collect()
}

pub async fn update(app: &App, actor: &Actor, id: i64, input: &OrgInput) -> Result<OrgView> {
    require_edit(actor)?;
    let before = q::get_organisation(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let before_view = views(app, vec![before.clone()]).await?.remove(0);
    let version = input.version.ok_or_else(|| AppError::field("version", "field.required", None))?;
    let mut input = input.clone();
    if input.r#ref.trim().is_empty() {
        input.r#ref = before.r#ref.clone();
    }
    let mut errors = FieldErrors::new();
    let checked = check_org(&app.db.conn, before.district_id, &input, Some(id), &mut errors).await?;
    errors.into_result()?;
    let checked = checked.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    match save_checked(&txn, actor, before.district_id, &checked, Some((&before, version)), now).await {
        Err(AppError::Conflict { .. }) => {
            drop(txn);
            let current = view_of(app, id).await?;
            let changed = changed_fields(&OrgInput::from_view(&current), &input);
            return Err(AppError::Conflict { current: serde_json::to_value(&current).unwrap_or_default(), changed });
        }
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    // The changed row as this transaction sees it; the users and parents it points to are
    // committed rows, so `views` may look them up outside the transaction.
    let row = organisation::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let after_view = views(app, vec![row]).await?.remove(0);
    let mut e = actor.audit("update", "organisation", Some(id.to_string()));
    e.district_id = Some(before.district_id);
    e.before = Some(audit_json(&before_view));
    e.after = Some(audit_json(&after_view));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    view_of(app, id).await
}

/// A row of the organisation list.
#[derive(Debug, Clone, Serialize)]
pub struct OrgRow {
    pub org: OrgView,
    pub children: i64,
}

pub async fn list(app: &App, actor: &Actor, filter: &OrgFilter, sort: OrgSort, paging: Paging) -> Result<Page<OrgRow>> {
    require(can_view(actor))?;
    let (rows, total) =
        q::list_organisations(&app.db.conn, &actor.scope(), filter, sort, paging.page, paging.per_page).await?;
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let counts = q::child_counts(&app.db.conn, ids).await?;
    let items = views(app, rows)
        .await?
        .into_iter()
        .map(|org| {
            let children = counts.iter().find(|(id, _)| *id == org.id).map(|(_, n)| *n).unwrap_or(0);
            OrgRow { org, children }
        })
        .collect();
    Ok(Page { items, total, paging })
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<OrgView> {
    require(can_view(actor))?;
    let row = q::get_organisation(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    Ok(views(app, vec![row]).await?.remove(0))
}

/// The staff member a filter names by e-mail (`account_manager`); an address that is no
/// user's is refused, naming the field.
pub async fn account_manager_by_email(app: &App, email: &str) -> Result<i64> {
    match accord_db::users::find_by_email(&app.db.conn, &email.trim().to_lowercase()).await? {
        Some(u) => Ok(u.id),
        None => Err(AppError::field("account_manager", "org.account_manager_unknown", Some(email))),
    }
}

/// An organisation as a form names it: who it is and where, without the lookups of a full
/// [`OrgView`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRef {
    pub id: i64,
    pub district_id: i64,
    pub r#ref: String,
    pub name: String,
    pub cvr: Option<String>,
    pub p_number: Option<String>,
    pub companies_house: Option<String>,
}

impl From<organisation::Model> for OrgRef {
    fn from(o: organisation::Model) -> Self {
        OrgRef {
            id: o.id,
            district_id: o.district_id,
            r#ref: o.r#ref,
            name: o.name,
            cvr: o.cvr,
            p_number: o.p_number,
            companies_house: o.companies_house,
        }
    }
}

/// How many organisations a form offers when a typed name matches several.
const CHOICES: u64 = 20;

/// How many organisations the lookup while typing suggests.
const SUGGESTIONS: u64 = 10;

/// An organisation as a form offers it: name, CVR, reference and where it is.
fn choice(o: &organisation::Model) -> OrgChoice {
    let city = [o.postcode.as_deref(), o.ward.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    OrgChoice {
        r#ref: o.r#ref.clone(),
        name: o.name.clone(),
        cvr: o.cvr.clone(),
        city: (!city.is_empty()).then_some(city),
    }
}

/// The organisation a form's typed text names among the districts given (ones the caller
/// has already checked the actor may work in): its reference, an identifier (CVR, P-number,
/// Companies House number, a merged record's) or a part of its name. One match is taken;
/// with none, or several, the field gets an error (several are offered to choose from) and
/// the answer is `None`.
pub(crate) async fn resolve_org<C: ConnectionTrait>(
    c: &C,
    district_ids: &[i64],
    field: &str,
    text: &str,
    errors: &mut FieldErrors,
) -> Result<Option<organisation::Model>> {
    let text = text.trim();
    let (total, mut orgs) = q::match_organisations(c, &Scope::Districts(district_ids.to_vec()), text, CHOICES).await?;
    match (total, orgs.len()) {
        (1, 1) => Ok(orgs.pop()),
        (0, _) | (_, 0) => {
            errors.add(field, "org.unknown", Some(text));
            Ok(None)
        }
        _ => {
            let orgs = orgs.iter().map(choice).collect();
            errors.add_choices(field, "org.ambiguous", text, OrgChoices { total, orgs });
            Ok(None)
        }
    }
}

/// Whether a typed text names any organisation in the district (see [`resolve_org`]): where
/// a form that names no district finds its district.
pub(crate) async fn names_any<C: ConnectionTrait>(c: &C, district_id: i64, text: &str) -> Result<bool> {
    Ok(q::match_organisations(c, &Scope::Districts(vec![district_id]), text, 1).await?.0 > 0)
}

/// [`resolve_org`] for a form whose only problem so far is the organisation: its error is
/// the answer.
pub(crate) async fn require_org<C: ConnectionTrait>(
    c: &C,
    district_ids: &[i64],
    field: &str,
    text: &str,
) -> Result<organisation::Model> {
    let mut errors = FieldErrors::new();
    match resolve_org(c, district_ids, field, text, &mut errors).await? {
        Some(o) => Ok(o),
        None => Err(AppError::Invalid(errors)),
    }
}

/// The organisation a typed text names (see [`resolve_org`]) in the district whose code is
/// given or, with none, in the actor's districts; `None` unless exactly one matches.
pub async fn find_by_ref(app: &App, actor: &Actor, district: &str, r: &str) -> Result<Option<OrgRef>> {
    find_org(app, actor, district, "organisation", r, &mut FieldErrors::new()).await
}

/// [`find_by_ref`], with why nothing was found (no match, or several to choose from) added to
/// `errors` under `field`. Blank text finds nothing and says nothing.
pub async fn find_org(
    app: &App,
    actor: &Actor,
    district: &str,
    field: &str,
    text: &str,
    errors: &mut FieldErrors,
) -> Result<Option<OrgRef>> {
    require(can_view(actor))?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    let district = district.trim();
    let ids: Vec<i64> = accord_db::users::list_districts(&app.db.conn, &actor.scope())
        .await?
        .into_iter()
        .filter(|d| district.is_empty() || d.code == district)
        .map(|d| d.id)
        .collect();
    Ok(resolve_org(&app.db.conn, &ids, field, text, errors).await?.map(OrgRef::from))
}

/// Organisations that a text being typed may name, for suggestions: at most ten, among the
/// actor's districts. Fewer than two characters suggest nothing.
pub async fn lookup(app: &App, actor: &Actor, text: &str) -> Result<Vec<OrgChoice>> {
    require(can_view(actor))?;
    if text.trim().chars().count() < q::NAME_PART_MIN {
        return Ok(Vec::new());
    }
    let (_, orgs) = q::match_organisations(&app.db.conn, &actor.scope(), text, SUGGESTIONS).await?;
    Ok(orgs.iter().map(choice).collect())
}

/// The refs of the organisations below `id` that the actor may see, nearest first, at most
/// `max` of them.
pub async fn descendant_refs(app: &App, actor: &Actor, id: i64, max: usize) -> Result<Vec<String>> {
    require(can_view(actor))?;
    let scope = actor.scope();
    let mut out = Vec::new();
    let mut queue = std::collections::VecDeque::from([id]);
    while let Some(p) = queue.pop_front() {
        for c in q::children(&app.db.conn, &scope, p).await? {
            if out.len() >= max {
                return Ok(out);
            }
            queue.push_back(c.id);
            out.push(c.r#ref);
        }
    }
    Ok(out)
}

/// The contact people of an organisation the actor may see, the primary one first.
pub async fn contacts_of(app: &App, actor: &Actor, org_id: i64) -> Result<Vec<ContactView>> {
    require(can_view(actor))?;
    q::get_organisation(&app.db.conn, &actor.scope(), org_id).await?.ok_or(AppError::NotFound)?;
    contact_views(app, q::contacts_of(&app.db.conn, org_id).await?).await
}

/// A period of account management, with the person's name.
#[derive(Debug, Clone, Serialize)]
pub struct ManagerPeriod {
    pub name: String,
    pub email: String,
    pub from_at: DateTime<Utc>,
    pub to_at: Option<DateTime<Utc>>,
}

/// A logged contact with the staff member's name.
#[derive(Debug, Clone, Serialize)]
pub struct InteractionView {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub staff_name: String,
    pub staff_user_id: i64,
    pub people: Option<String>,
    pub summary: String,
    pub follow_up_on: Option<NaiveDate>,
    pub follow_up_done_at: Option<DateTime<Utc>>,
    pub version: i32,
}

async fn interaction_views(app: &App, rows: Vec<interaction::Model>) -> Result<Vec<InteractionView>> {
    let c = &app.db.conn;
    let staff_ids: Vec<i64> = rows.iter().map(|r| r.staff_user_id).collect();
    let staff = if staff_ids.is_empty() {
        vec![]
    } else {
        user::Entity::find().filter(user::Column::Id.is_in(staff_ids)).all(c).await?
    };
    let org_ids: Vec<i64> = rows.iter().map(|r| r.organisation_id).collect();
    let orgs = q::organisations_by_ids(c, org_ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| InteractionView {
            id: r.id,
            organisation_id: r.organisation_id,
            organisation_name: orgs
                .iter()
                .find(|o| o.id == r.organisation_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            kind: r.kind,
            occurred_on: r.occurred_on,
            staff_name: staff.iter().find(|u| u.id == r.staff_user_id).map(|u| u.name.clone()).unwrap_or_default(),
            staff_user_id: r.staff_user_id,
            people: r.people,
            summary: r.summary,
            follow_up_on: r.follow_up_on,
            follow_up_done_at: r.follow_up_done_at,
            version: r.version,
        })
        .collect())
}

/// Everything the organisation page shows.
#[derive(Debug, Clone)]
pub struct OrgDetail {
    pub org: OrgView,
    pub ancestors: Vec<OrgView>,
    pub children: Vec<OrgView>,
    pub contacts: Vec<ContactView>,
    pub interactions: Vec<InteractionView>,
    pub interactions_total: u64,
    pub follow_ups: Vec<InteractionView>,
    pub aliases: Vec<AliasView>,
    pub managers: Vec<ManagerPeriod>,
    /// Different staff who contacted the employer in the last 30 days (a warning from 3).
    pub recent_staff: Vec<String>,
}

/// An identifier an organisation was also known by, kept when another record was merged
/// into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasView {
    /// `ref`, `cvr`, `p_number` or `companies_house`.
    pub kind: String,
    pub value: String,
    /// The name of the record merged in.
    pub merged_name: String,
    pub created_at: DateTime<Utc>,
}

impl From<organisation_alias::Model> for AliasView {
    fn from(a: organisation_alias::Model) -> Self {
        AliasView { kind: a.kind, value: a.value, merged_name: a.merged_name, created_at: a.created_at }
    }
}

/// How many different staff members in 30 days make the "coordinate first" warning.
pub const SEVERAL_STAFF: usize = 3;

pub async fn detail(app: &App, actor: &Actor, id: i64) -> Result<OrgDetail> {
    require(can_view(actor))?;
    let c = &app.db.conn;
    let row = q::get_organisation(c, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let district_id = row.district_id;
    let org = views(app, vec![row]).await?.remove(0);
    let ancestors = views(app, q::ancestors(c, id).await?).await?;
    let children_rows = q::children(c, &actor.scope(), id).await?;
    let children = views(app, children_rows).await?;
    let contact_rows = q::contacts_of(c, id).await?;
    // The page's own organisation names them all: no lookups unless one sits in another district.
    let contacts = if contact_rows.iter().all(|r| r.district_id == district_id) {
        contact_rows.into_iter().map(|r| contact_view(r, &org.district, &org.r#ref, &org.name)).collect()
    } else {
        contact_views(app, contact_rows).await?
    };
    let interactions = interaction_views(app, q::interactions_of(c, id, 20).await?).await?;
    let interactions_total = q::count_interactions(c, id).await?;
    let follow_ups = interaction_views(app, q::open_follow_ups(c, &actor.scope(), Some(id), None, None).await?).await?;
    let aliases = q::aliases(c, id).await?.into_iter().map(AliasView::from).collect();
    let periods: Vec<account_manager_period::Model> = q::account_manager_history(c, id).await?;
    let ids: Vec<i64> = periods.iter().map(|p| p.user_id).collect();
    let people =
        if ids.is_empty() { vec![] } else { user::Entity::find().filter(user::Column::Id.is_in(ids)).all(c).await? };
    let managers = periods
        .iter()
        .map(|p| {
            let u = people.iter().find(|u| u.id == p.user_id);
            ManagerPeriod {
                name: u.map(|u| u.name.clone()).unwrap_or_default(),
                email: u.map(|u| u.email.clone()).unwrap_or_default(),
                from_at: p.from_at,
                to_at: p.to_at,
            }
        })
        .collect();
    let since = Utc::now().date_naive() - Duration::days(30);
    let staff_ids = q::recent_staff(c, id, since).await?;
    let recent_staff = if staff_ids.is_empty() {
        vec![]
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(staff_ids))
            .all(c)
            .await?
            .into_iter()
            .map(|u| u.name)
            .collect()
    };
    // Opening an employer's page shows named contact persons: personal data, so logged.
    let txn = app.db.write().await?;
    let mut e = actor.audit("read", "organisation", Some(id.to_string()));
    e.district_id = Some(district_id);
    accord_db::audit::append(&txn, e, Utc::now()).await?;
    txn.commit().await?;
    Ok(OrgDetail {
        org,
        ancestors,
        children,
        contacts,
        interactions,
        interactions_total,
        follow_ups,
        aliases,
        managers,
        recent_staff,
    })
}

/// Merges `merged_id` into `survivor_id`: contacts, log entries and children move, the merged
/// record's identifiers stay findable as aliases, and the merged record is removed.
pub async fn merge(app: &App, actor: &Actor, survivor_id: i64, merged_id: i64) -> Result<OrgView> {
    actor.require_write()?;
    require(can_merge(actor))?;
    if survivor_id == merged_id {
        return Err(AppError::field("merge_ref", "org.merge_self", None));
    }
    let scope = actor.scope();
    let survivor = q::get_organisation(&app.db.conn, &scope, survivor_id).await?.ok_or(AppError::NotFound)?;
    let merged = q::get_organisation(&app.db.conn, &scope, merged_id).await?.ok_or(AppError::NotFound)?;
    if survivor.district_id != merged.district_id {
        return Err(AppError::field("merge_ref", "org.merge_other_district", Some(&merged.r#ref)));
    }
    let chain = q::ancestors(&app.db.conn, survivor_id).await?;
    if chain.iter().any(|a| a.id == merged_id) {
        return Err(AppError::field("merge_ref", "org.merge_ancestor", Some(&merged.r#ref)));
    }
    let merged_view = views(app, vec![merged.clone()]).await?.remove(0);
    let now = Utc::now();
    let txn = app.db.write().await?;
    q::merge(&txn, &survivor, &merged, now).await?;
    let mut e = actor.audit("merge", "organisation", Some(survivor_id.to_string()));
    e.district_id = Some(survivor.district_id);
    e.summary = Some(format!("{} ({}) merged into {} ({})", merged.name, merged.r#ref, survivor.name, survivor.r#ref));
    e.before = Some(audit_json(&merged_view));
    accord_db::audit::append(&txn, e, now).await?;
    let mut e = actor.audit("delete", "organisation", Some(merged_id.to_string()));
    e.district_id = Some(merged.district_id);
    e.summary = Some(format!("merged into {} ({})", survivor.name, survivor.r#ref));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get(app, actor, survivor_id).await
}

/// Hands every organisation (in the actor's districts) of one account manager to another.
pub async fn hand_over(app: &App, actor: &Actor, from_email: &str, to_email: &str) -> Result<usize> {
    actor.require_write()?;
    require(can_hand_over(actor))?;
    let c = &app.db.conn;
    let mut errors = FieldErrors::new();
    let from = accord_db::users::find_by_email(c, &from_email.trim().to_lowercase()).await?;
    if from.is_none() {
        errors.add("from", "org.account_manager_unknown", Some(from_email));
    }
    let to = accord_db::users::find_by_email(c, &to_email.trim().to_lowercase()).await?.filter(|u| !u.disabled);
    if to.is_none() {
        errors.add("to", "org.account_manager_unknown", Some(to_email));
    }
    if let (Some(f), Some(t)) = (&from, &to)
        && f.id == t.id
    {
        errors.add("to", "org.handover_same", Some(to_email));
    }
    errors.into_result()?;
    let (from, to) = (from.expect("checked"), to.expect("checked"));
    let orgs = q::portfolio(c, &actor.scope(), from.id).await?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    for o in &orgs {
        organisation::Entity::update_many()
            .col_expr(organisation::Column::AccountManagerId, accord_db::sea_orm::sea_query::Expr::value(to.id))
            .col_expr(organisation::Column::UpdatedAt, accord_db::sea_orm::sea_query::Expr::value(now))
            .filter(organisation::Column::Id.eq(o.id))
            .exec(&txn)
            .await?;
        q::set_account_manager(&txn, o.id, Some(to.id), now).await?;
        let mut e = actor.audit("hand_over", "organisation", Some(o.id.to_string()));
        e.district_id = Some(o.district_id);
        e.before = Some(serde_json::json!({"account_manager_email": from.email}));
        e.after = Some(serde_json::json!({"account_manager_email": to.email}));
        accord_db::audit::append(&txn, e, now).await?;
    }
    txn.commit().await?;
    Ok(orgs.len())
}

/// A staff member as pickers show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffMember {
    pub id: i64,
    pub email: String,
    pub name: String,
}

/// Staff who can hold employers: users of the actor's districts (or all, for an admin).
pub async fn staff(app: &App, actor: &Actor) -> Result<Vec<StaffMember>> {
    let c = &app.db.conn;
    let users = accord_db::users::all_enabled(c).await?;
    let scope = actor.scope();
    Ok(users
        .into_iter()
        .filter(|u| {
            u.districts.iter().any(|d| scope.allows(d.id)) || (actor.is_admin() && u.roles.iter().any(|r| r == "admin"))
        })
        .filter(|u| {
            u.roles
                .iter()
                .any(|r| matches!(r.as_str(), "account_manager" | "secretariat" | "manager" | "admin" | "adviser"))
        })
        .map(|u| StaffMember { id: u.user.id, email: u.user.email, name: u.user.name })
        .collect())
}

// ---- contacts ----

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub organisation_ref: String,
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
    pub consent: bool,
    pub is_primary: bool,
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ContactView {
    pub id: i64,
    pub district: String,
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub organisation_id: i64,
    pub organisation_ref: String,
    pub organisation_name: String,
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub consent: bool,
    pub is_primary: bool,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// A contact as shown, given its district's code and its organisation's ref and name.
fn contact_view(r: contact::Model, district: &str, org_ref: &str, org_name: &str) -> ContactView {
    ContactView {
        id: r.id,
        district: district.to_owned(),
        r#ref: r.r#ref,
        organisation_id: r.organisation_id,
        organisation_ref: org_ref.to_owned(),
        organisation_name: org_name.to_owned(),
        name: r.name,
        role: r.role,
        email: r.email,
        phone: r.phone,
        consent: r.consent,
        is_primary: r.is_primary,
        created_at: r.created_at,
        version: r.version,
    }
}

pub(crate) async fn contact_views(app: &App, rows: Vec<contact::Model>) -> Result<Vec<ContactView>> {
    let c = &app.db.conn;
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let orgs = q::organisations_by_ids(c, rows.iter().map(|r| r.organisation_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let o = orgs.iter().find(|o| o.id == r.organisation_id);
            let district =
                districts.iter().find(|d| d.id == r.district_id).map(|d| d.code.as_str()).unwrap_or_default();
            let (org_ref, org_name) = o.map(|o| (o.r#ref.as_str(), o.name.as_str())).unwrap_or_default();
            contact_view(r, district, org_ref, org_name)
        })
        .collect())
}

/// Checked contact values; `organisation_id` resolved within the district.
pub struct CheckedContact {
    pub r#ref: Option<String>,
    pub organisation_id: i64,
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub(crate) async fn check_contact<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    input: &ContactInput,
    fixed_org: Option<i64>,
    errors: &mut FieldErrors,
) -> Result<Option<CheckedContact>> {
    let r#ref = short_text(errors, "ref", &input.r#ref, 64);
    let org = match fixed_org {
        Some(id) => Some(id),
        None => match opt(&input.organisation_ref) {
            None => {
                errors.add("organisation_ref", "field.required", None);
                None
            }
            Some(r) => resolve_org(c, &[district_id], "organisation_ref", r, errors).await?.map(|o| o.id),
        },
    };
    let name = errors.take("name", &input.name, PersonName::parse(&input.name));
    let role = short_text(errors, "role", &input.role, 100);
    let email = opt(&input.email).and_then(|e| errors.take("email", e, Email::parse(e))).map(|e| e.as_str().to_owned());
    let phone = opt(&input.phone).and_then(|p| {
        let ok = p.len() <= 30
            && p.chars().all(|c| c.is_ascii_digit() || " +-()./".contains(c))
            && p.chars().any(|c| c.is_ascii_digit());
        if ok {
            Some(p.to_owned())
        } else {
            errors.add("phone", "phone.format", Some(p));
            None
        }
    });
    if !errors.is_empty() {
        return Ok(None);
    }
    Ok(Some(CheckedContact {
        r#ref,
        organisation_id: org.expect("checked"),
        name: name.expect("checked").as_str().to_owned(),
        role,
        email,
        phone,
    }))
}

pub(crate) async fn save_contact<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    district_id: i64,
    ck: &CheckedContact,
    input: &ContactInput,
    existing: Option<(&contact::Model, i32)>,
    now: DateTime<Utc>,
) -> Result<contact::Model> {
    let mut am = contact::ActiveModel {
        organisation_id: Set(ck.organisation_id),
        name: Set(ck.name.clone()),
        name_norm: Set(ck.name.to_lowercase()),
        role: Set(ck.role.clone()),
        email: Set(ck.email.clone()),
        phone: Set(ck.phone.clone()),
        consent: Set(input.consent),
        is_primary: Set(input.is_primary),
        updated_at: Set(now),
        ..Default::default()
    };
    let row = match existing {
        None => {
            am.district_id = Set(district_id);
            am.created_at = Set(now);
            am.version = Set(1);
            am.r#ref = Set(ck.r#ref.clone().unwrap_or_else(|| format!("tmp-{}", crate::auth::random_token(9))));
            let mut row = q::insert_contact(txn, am).await.map_err(|e| {
                if accord_db::is_unique_violation(&e) {
                    AppError::field("ref", "contact.duplicate", ck.r#ref.as_deref())
                } else {
                    e.into()
                }
            })?;
            if ck.r#ref.is_none() {
                let r = format!("CON-{:06}", row.id);
                contact::Entity::update_many()
                    .col_expr(contact::Column::Ref, accord_db::sea_orm::sea_query::Expr::value(r.clone()))
                    .filter(contact::Column::Id.eq(row.id))
                    .exec(txn)
                    .await?;
                row.r#ref = r;
            }
            let mut e = actor.audit("create", "contact", Some(row.id.to_string()));
            e.district_id = Some(district_id);
            e.after =
                Some(serde_json::json!({"ref": row.r#ref, "name": row.name, "organisation_id": row.organisation_id}));
            accord_db::audit::append(txn, e, now).await?;
            row
        }
        Some((before, version)) => {
            if let Some(r) = &ck.r#ref {
                am.r#ref = Set(r.clone());
            }
            if !q::update_contact(txn, before.id, version, am).await? {
                return Err(AppError::Conflict { current: serde_json::Value::Null, changed: vec![] });
            }
            let after = contact::Entity::find_by_id(before.id).one(txn).await?.ok_or(AppError::NotFound)?;
            let j = |m: &contact::Model| serde_json::json!({"name": m.name, "role": m.role, "email": m.email, "phone": m.phone, "consent": m.consent, "is_primary": m.is_primary, "organisation_id": m.organisation_id});
            let mut e = actor.audit("update", "contact", Some(before.id.to_string()));
            e.district_id = Some(district_id);
            e.before = Some(j(before));
            e.after = Some(j(&after));
            accord_db::audit::append(txn, e, now).await?;
            after
        }
    };
    if row.is_primary {
        q::clear_primary(txn, row.organisation_id, row.id).await?;
    }
    Ok(row)
}

/// Adds a contact person; `org_id` when added from the organisation's page.
pub async fn create_contact(
    app: &App,
    actor: &Actor,
    org_id: Option<i64>,
    input: &ContactInput,
) -> Result<ContactView> {
    require_edit(actor)?;
    let district_id = match org_id {
        Some(id) => q::get_organisation(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?.district_id,
        // The district of the organisation named, among the districts the actor works in.
        None if input.organisation_ref.trim().is_empty() => {
            return Err(AppError::field("organisation_ref", "field.required", None));
        }
        None => {
            let ids: Vec<i64> =
                accord_db::users::list_districts(&app.db.conn, &actor.scope()).await?.iter().map(|d| d.id).collect();
            require_org(&app.db.conn, &ids, "organisation_ref", &input.organisation_ref).await?.district_id
        }
    };
    let mut errors = FieldErrors::new();
    let ck = check_contact(&app.db.conn, district_id, input, org_id, &mut errors).await?;
    errors.into_result()?;
    let ck = ck.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = save_contact(&txn, actor, district_id, &ck, input, None, now).await?;
    txn.commit().await?;
    Ok(contact_views(app, vec![row]).await?.remove(0))
}

pub async fn get_contact(app: &App, actor: &Actor, id: i64) -> Result<ContactView> {
    require(can_view(actor))?;
    let row = q::get_contact(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let txn = app.db.write().await?;
    let mut e = actor.audit("read", "contact", Some(id.to_string()));
    e.district_id = Some(row.district_id);
    accord_db::audit::append(&txn, e, Utc::now()).await?;
    txn.commit().await?;
    Ok(contact_views(app, vec![row]).await?.remove(0))
}

pub async fn update_contact(app: &App, actor: &Actor, id: i64, input: &ContactInput) -> Result<ContactView> {
    require_edit(actor)?;
    let before = q::get_contact(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let version = input.version.ok_or_else(|| AppError::field("version", "field.required", None))?;
    let mut errors = FieldErrors::new();
    let fixed = opt(&input.organisation_ref).is_none().then_some(before.organisation_id);
    let ck = check_contact(&app.db.conn, before.district_id, input, fixed, &mut errors).await?;
    errors.into_result()?;
    let mut ck = ck.expect("checked");
    if ck.r#ref.is_none() {
        ck.r#ref = Some(before.r#ref.clone());
    }
    let now = Utc::now();
    let txn = app.db.write().await?;
    match save_contact(&txn, actor, before.district_id, &ck, input, Some((&before, version)), now).await {
        Ok(row) => {
            txn.commit().await?;
            Ok(contact_views(app, vec![row]).await?.remove(0))
        }
        Err(AppError::Conflict { .. }) => {
            drop(txn);
            let current = get_contact(app, actor, id).await?;
            let mut changed = Vec::new();
            let same = |a: &Option<String>, b: &str| a.as_deref().unwrap_or("").trim() == b.trim();
            if current.name != input.name.trim() {
                changed.push("name".to_owned());
            }
            if !same(&current.role, &input.role) {
                changed.push("role".to_owned());
            }
            if !same(&current.email, &input.email) {
                changed.push("email".to_owned());
            }
            if !same(&current.phone, &input.phone) {
                changed.push("phone".to_owned());
            }
            Err(AppError::Conflict { current: serde_json::to_value(&current).unwrap_or_default(), changed })
        }
        Err(e) => Err(e),
    }
}

pub async fn list_contacts(
    app: &App,
    actor: &Actor,
    q_text: Option<&str>,
    by_name: bool,
    paging: Paging,
) -> Result<Page<ContactView>> {
    require(can_view(actor))?;
    let (rows, total) =
        q::list_contacts(&app.db.conn, &actor.scope(), q_text, by_name, paging.page, paging.per_page).await?;
    Ok(Page { items: contact_views(app, rows).await?, total, paging })
}

// ---- the contact log ----

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InteractionInput {
    pub kind: String,
    pub occurred_on: String,
    pub people: String,
    pub summary: String,
    pub follow_up_on: String,
    /// "yes" when the member of staff has been told that they logged the same contact a
    /// moment ago and means to log it again.
    pub confirm_repeat: String,
}

/// How long after logging a contact the same one again (same staff, organisation, kind, day
/// and summary) is taken for a second click, and asked about before it is saved.
pub const REPEAT_WINDOW_MINUTES: i64 = 15;

pub use accord_domain::values::parse_date;

/// A contact as the rules take it: a known kind, a date not in the future (today when left
/// out), a summary, and a follow-up date not before the contact.
struct CheckedInteraction {
    kind: InteractionKind,
    occurred_on: NaiveDate,
    people: Option<String>,
    summary: String,
    follow_up_on: Option<NaiveDate>,
}

fn check_interaction(input: &InteractionInput) -> Result<CheckedInteraction> {
    let mut errors = FieldErrors::new();
    let kind = errors.take("kind", &input.kind, InteractionKind::parse(&input.kind));
    let today = Utc::now().date_naive();
    let occurred = match opt(&input.occurred_on) {
        None => Some(today),
        Some(d) => errors.take("occurred_on", d, parse_date(d)),
    };
    if let Some(d) = occurred
        && d > today
    {
        errors.add("occurred_on", "interaction.future", Some(&input.occurred_on));
    }
    let summary = match opt(&input.summary) {
        None => {
            errors.add("summary", "interaction.summary_required", None);
            None
        }
        Some(s) if s.chars().count() > 10_000 => {
            errors.add("summary", "field.too_long", None);
            None
        }
        Some(s) => Some(s.to_owned()),
    };
    let people = short_text(&mut errors, "people", &input.people, 300);
    let follow_up = opt(&input.follow_up_on).and_then(|d| errors.take("follow_up_on", d, parse_date(d)));
    if let (Some(f), Some(o)) = (follow_up, occurred)
        && f < o
    {
        errors.add("follow_up_on", "interaction.follow_up_before", Some(&input.follow_up_on));
    }
    errors.into_result()?;
    Ok(CheckedInteraction {
        kind: kind.expect("checked"),
        occurred_on: occurred.expect("checked"),
        people,
        summary: summary.expect("checked"),
        follow_up_on: follow_up,
    })
}

/// The input that leaves a logged contact as it is, to change field by field.
impl InteractionInput {
    pub fn from_view(v: &InteractionView) -> InteractionInput {
        InteractionInput {
            kind: v.kind.clone(),
            occurred_on: v.occurred_on.to_string(),
            people: v.people.clone().unwrap_or_default(),
            summary: v.summary.clone(),
            follow_up_on: v.follow_up_on.map(|d| d.to_string()).unwrap_or_default(),
            confirm_repeat: String::new(),
        }
    }
}

/// Changes a logged contact at the `version` read, under the rules of logging one; a stale
/// version is a conflict with the current contact and the fields that differ.
pub async fn update_interaction(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &InteractionInput,
    version: i32,
) -> Result<InteractionView> {
    actor.require_write()?;
    require(can_log_contact(actor))?;
    let before = q::get_interaction(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let checked = check_interaction(input)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let am = interaction::ActiveModel {
        kind: Set(checked.kind.as_str().to_owned()),
        occurred_on: Set(checked.occurred_on),
        people: Set(checked.people.clone()),
        summary: Set(checked.summary.clone()),
        follow_up_on: Set(checked.follow_up_on),
        ..Default::default()
    };
    if !q::update_interaction(&txn, id, version, am).await? {
        drop(txn);
        let current = get_interaction(app, actor, id).await?;
        let mut changed = Vec::new();
        if current.kind != checked.kind.as_str() {
            changed.push("kind".to_owned());
        }
        if current.occurred_on != checked.occurred_on {
            changed.push("occurred_on".to_owned());
        }
        if current.people != checked.people {
            changed.push("people".to_owned());
        }
        if current.summary != checked.summary {
            changed.push("summary".to_owned());
        }
        if current.follow_up_on != checked.follow_up_on {
            changed.push("follow_up_on".to_owned());
        }
        return Err(AppError::Conflict { current: serde_json::to_value(&current).unwrap_or_default(), changed });
    }
    let row = q::get_interaction(&txn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let mut e = actor.audit("update", "interaction", Some(id.to_string()));
    e.district_id = Some(before.district_id);
    e.before = Some(
        serde_json::json!({"kind": before.kind, "occurred_on": before.occurred_on, "people": before.people, "summary": before.summary, "follow_up_on": before.follow_up_on}),
    );
    e.after = Some(
        serde_json::json!({"kind": row.kind, "occurred_on": row.occurred_on, "people": row.people, "summary": row.summary, "follow_up_on": row.follow_up_on}),
    );
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(interaction_views(app, vec![row]).await?.remove(0))
}

/// Logs a contact with an employer; the actor is the staff member.
pub async fn log_interaction(
    app: &App,
    actor: &Actor,
    org_id: i64,
    input: &InteractionInput,
) -> Result<InteractionView> {
    actor.require_write()?;
    require(can_log_contact(actor))?;
    let staff_id = actor.user_id.ok_or(AppError::Forbidden)?;
    let org = q::get_organisation(&app.db.conn, &actor.scope(), org_id).await?.ok_or(AppError::NotFound)?;
    let checked = check_interaction(input)?;
    let now = Utc::now();
    if input.confirm_repeat != "yes"
        && q::same_interaction_since(
            &app.db.conn,
            org.id,
            staff_id,
            checked.kind.as_str(),
            checked.occurred_on,
            &checked.summary,
            now - chrono::Duration::minutes(REPEAT_WINDOW_MINUTES),
        )
        .await?
        .is_some()
    {
        let mut errors = FieldErrors::new();
        errors.add("confirm_repeat", "interaction.repeat", None);
        return Err(AppError::Invalid(errors));
    }
    let txn = app.db.write().await?;
    let row = q::insert_interaction(
        &txn,
        interaction::ActiveModel {
            district_id: Set(org.district_id),
            organisation_id: Set(org.id),
            kind: Set(checked.kind.as_str().to_owned()),
            occurred_on: Set(checked.occurred_on),
            staff_user_id: Set(staff_id),
            people: Set(checked.people),
            summary: Set(checked.summary),
            follow_up_on: Set(checked.follow_up_on),
            follow_up_done_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    let mut e = actor.audit("create", "interaction", Some(row.id.to_string()));
    e.district_id = Some(org.district_id);
    e.after = Some(serde_json::json!({"organisation_id": org.id, "kind": row.kind, "occurred_on": row.occurred_on}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(interaction_views(app, vec![row]).await?.remove(0))
}

pub async fn complete_follow_up(app: &App, actor: &Actor, interaction_id: i64) -> Result<i64> {
    actor.require_write()?;
    require(can_log_contact(actor))?;
    let row = q::get_interaction(&app.db.conn, &actor.scope(), interaction_id).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    if q::mark_follow_up_done(&txn, interaction_id, now).await? {
        let mut e = actor.audit("complete_follow_up", "interaction", Some(interaction_id.to_string()));
        e.district_id = Some(row.district_id);
        accord_db::audit::append(&txn, e, now).await?;
    }
    txn.commit().await?;
    Ok(row.organisation_id)
}

pub use accord_db::directory::InteractionFilter;

/// One page of the contact log the actor may see, newest contact first.
pub async fn list_interactions(
    app: &App,
    actor: &Actor,
    f: &InteractionFilter,
    paging: Paging,
) -> Result<Page<InteractionView>> {
    require(can_view(actor))?;
    let (rows, total) = q::list_interactions(&app.db.conn, &actor.scope(), f, paging.page, paging.per_page).await?;
    Ok(Page { items: interaction_views(app, rows).await?, total, paging })
}

/// One logged contact the actor may see.
pub async fn get_interaction(app: &App, actor: &Actor, id: i64) -> Result<InteractionView> {
    require(can_view(actor))?;
    let row = q::get_interaction(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    Ok(interaction_views(app, vec![row]).await?.remove(0))
}

/// The id of the member of staff with this e-mail; an unknown one is an error on `field`.
pub async fn staff_by_email(app: &App, field: &str, email: &str) -> Result<i64> {
    match accord_db::users::find_by_email(&app.db.conn, &email.trim().to_lowercase()).await? {
        Some(u) => Ok(u.id),
        None => Err(AppError::field(field, "org.account_manager_unknown", Some(email))),
    }
}

/// The actor's open follow-ups due within a week (overdue ones first).
pub async fn my_follow_ups(app: &App, actor: &Actor) -> Result<Vec<InteractionView>> {
    let Some(uid) = actor.user_id else { return Ok(vec![]) };
    if !can_log_contact(actor) {
        return Ok(vec![]);
    }
    let due_by = Utc::now().date_naive() + Duration::days(7);
    let rows = q::open_follow_ups(&app.db.conn, &actor.scope(), None, Some(uid), Some(due_by)).await?;
    interaction_views(app, rows).await
}

/// `ref` is a keyword in Rust; templates read it through these.
impl OrgView {
    pub fn reference(&self) -> &str {
        &self.r#ref
    }
}

impl OrgInput {
    pub fn reference(&self) -> &str {
        &self.r#ref
    }
}

impl ContactInput {
    pub fn reference(&self) -> &str {
        &self.r#ref
    }
}

#[cfg(test)]
mod tests {
    use super::parse_date;
    use chrono::NaiveDate;

    #[test]
    fn dates_in_the_three_forms() {
        let d = NaiveDate::from_ymd_opt(2023, 1, 25).unwrap();
        for s in ["2023-01-25", "25-01-2023", "25.01.2023", " 2023-1-25 ", "25.1.2023"] {
            assert_eq!(parse_date(s), Ok(d), "{s}");
        }
        for s in ["2023/01/25", "25-01-23x", "", "2023-01-2a", "31-02", "2023-02", "31-02.2023"] {
            assert_eq!(parse_date(s), Err("date.invalid"), "{s}");
        }
        // The right shape, but no such day: said so, not "not a date".
        for s in ["2023-02-30", "31.02.2023", "31-02-2022", "2022-2-30", "30.2.2022", "2022-13-01", "00-01-2022"] {
            assert_eq!(parse_date(s), Err("date.impossible"), "{s}");
        }
    }
}
