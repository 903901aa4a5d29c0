//! Staff users: created, changed, disabled and re-enabled by administrators.

use crate::{Actor, App, AppError, DistrictRef, Page, Paging, Permission, Result, auth};
use accord_db::{Scope, sessions, users};
use accord_domain::{Email, FieldErrors, NewPassword, PersonName, Role, UserSort};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A user as pages, the API and the audit log show them (never the password hash).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub districts: Vec<DistrictRef>,
    /// For a partner user: the organisation they speak for.
    pub organisation: Option<OrgRef>,
    pub disabled: bool,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

impl From<users::UserRecord> for UserView {
    fn from(r: users::UserRecord) -> Self {
        UserView {
            id: r.user.id,
            email: r.user.email,
            name: r.user.name,
            roles: {
                let mut roles: Vec<Role> = r.roles.iter().filter_map(|s| Role::parse(s).ok()).collect();
                roles.sort();
                roles
            },
            districts: r.districts.into_iter().map(|d| DistrictRef { id: d.id, code: d.code, name: d.name }).collect(),
            organisation: r.organisation.map(|o| OrgRef { id: o.id, reference: o.r#ref, name: o.name }),
            disabled: r.user.disabled,
            last_sign_in_at: r.user.last_sign_in_at,
            created_at: r.user.created_at,
            version: r.user.version,
        }
    }
}

impl UserView {
    fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "email": self.email,
            "name": self.name,
            "roles": self.roles,
            "districts": self.districts.iter().map(|d| &d.code).collect::<Vec<_>>(),
            "organisation": self.organisation.as_ref().map(|o| &o.reference),
            "disabled": self.disabled,
        })
    }
}

/// What a form or an API body gives for a user. District entries are district codes.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserInput {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub districts: Vec<String>,
    /// For a partner user: the reference of the organisation they speak for.
    #[serde(default)]
    pub organisation: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub version: Option<i32>,
}

struct Checked {
    name: PersonName,
    roles: Vec<Role>,
    district_ids: Vec<i64>,
    organisation_id: Option<i64>,
}

/// An organisation as a user record names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct OrgRef {
    pub id: i64,
    pub reference: String,
    pub name: String,
}

async fn check_common(app: &App, input: &UserInput, errors: &mut FieldErrors) -> Result<Option<Checked>> {
    let name = errors.take("name", &input.name, PersonName::parse(&input.name));
    let mut roles = Vec::new();
    for r in &input.roles {
        if let Some(role) = errors.take("roles", r, Role::parse(r))
            && !roles.contains(&role)
        {
            roles.push(role);
        }
    }
    if input.roles.is_empty() {
        errors.add("roles", "user.roles_required", None);
    }
    roles.sort();
    let mut district_ids = Vec::new();
    for code in &input.districts {
        match users::district_by_code(&app.db.conn, &Scope::All, code.trim()).await? {
            Some(d) if !district_ids.contains(&d.id) => district_ids.push(d.id),
            Some(_) => {}
            None => errors.add("districts", "district.unknown", Some(code)),
        }
    }
    if input.districts.is_empty() && !roles.contains(&Role::Admin) {
        errors.add("districts", "user.districts_required", None);
    }
    // A partner user speaks for one organisation, found by its reference in their districts.
    let mut organisation_id = None;
    let org = input.organisation.as_deref().map(str::trim).filter(|o| !o.is_empty());
    if let Some(r) = org {
        for d in &district_ids {
            if let Some(o) = accord_db::directory::resolve_ref(&app.db.conn, *d, r).await? {
                organisation_id = Some(o.id);
                break;
            }
        }
        if organisation_id.is_none() {
            errors.add("organisation", "user.organisation_unknown", Some(r));
        }
    }
    // A partner user without an organisation may sign in but sees no plan and no body until
    // an administrator names the organisation they speak for.
    Ok(name.map(|name| Checked { name, roles, district_ids, organisation_id }))
}

fn role_strings(roles: &[Role]) -> Vec<String> {
    roles.iter().map(|r| r.as_str().to_owned()).collect()
}

async fn view(app: &App, id: i64) -> Result<UserView> {
    users::get(&app.db.conn, id).await?.map(UserView::from).ok_or(AppError::NotFound)
}

pub async fn create(app: &App, actor: &Actor, input: &UserInput) -> Result<UserView> {
    actor.require(Permission::ManageUsers)?;
    let mut errors = FieldErrors::new();
    let email = errors.take("email", &input.email, Email::parse(&input.email));
    let password = input.password.as_deref().unwrap_or("");
    let password_parsed = NewPassword::parse(password);
    if let Err(code) = password_parsed {
        errors.add("password", code, None);
    }
    let checked = check_common(app, input, &mut errors).await?;
    if let Some(e) = &email
        && users::find_by_email(&app.db.conn, e.as_str()).await?.is_some()
    {
        errors.add("email", "user.email_taken", Some(e.as_str()));
    }
    errors.into_result()?;
    let (email, checked, password) =
        (email.expect("checked"), checked.expect("checked"), password_parsed.expect("checked"));
    let hash = auth::hash_password(&password).await?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let user = users::insert(
        &txn,
        users::NewUser { email: email.as_str(), name: checked.name.as_str(), password_hash: &hash, now },
    )
    .await
    .map_err(|e| {
        if accord_db::is_unique_violation(&e) {
            AppError::field("email", "user.email_taken", Some(email.as_str()))
        } else {
            e.into()
        }
    })?;
    users::set_roles(&txn, user.id, &role_strings(&checked.roles)).await?;
    users::set_districts(&txn, user.id, &checked.district_ids).await?;
    users::set_organisation(&txn, user.id, checked.organisation_id).await?;
    let user = users::get(&txn, user.id).await?.ok_or(AppError::NotFound)?.user;
    let created = UserView::from(users::record(&txn, user).await?);
    let mut entry = actor.audit("create", "user", Some(created.id.to_string()));
    entry.after = Some(created.audit_json());
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes name, roles, districts and the disabled flag. Disabling ends every session of the
/// user at once. A stale `version` is a conflict naming the fields that differ.
pub async fn update(app: &App, actor: &Actor, id: i64, input: &UserInput) -> Result<UserView> {
    actor.require(Permission::ManageUsers)?;
    let before = view(app, id).await?;
    let mut errors = FieldErrors::new();
    let checked = check_common(app, input, &mut errors).await?;
    let Some(version) = input.version else {
        errors.add("version", "field.required", None);
        return Err(errors.into());
    };
    if actor.user_id == Some(id) && input.disabled {
        errors.add("disabled", "user.cannot_disable_self", None);
    }
    if actor.user_id == Some(id) && !input.roles.iter().any(|r| r == Role::Admin.as_str()) {
        errors.add("roles", "user.cannot_drop_own_admin", None);
    }
    errors.into_result()?;
    let checked = checked.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !users::update(&txn, id, version, checked.name.as_str(), input.disabled, now).await? {
        drop(txn);
        return Err(conflict_user(&before, input));
    }
    users::set_roles(&txn, id, &role_strings(&checked.roles)).await?;
    users::set_districts(&txn, id, &checked.district_ids).await?;
    users::set_organisation(&txn, id, checked.organisation_id).await?;
    if input.disabled {
        sessions::delete_for_user(&txn, id).await?;
    }
    let after = UserView::from(users::get(&txn, id).await?.ok_or(AppError::NotFound)?);
    let action = match (before.disabled, after.disabled) {
        (false, true) => "disable",
        (true, false) => "enable",
        _ => "update",
    };
    let mut entry = actor.audit(action, "user", Some(id.to_string()));
    entry.before = Some(before.audit_json());
    entry.after = Some(after.audit_json());
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(after)
}

fn conflict_user(current: &UserView, input: &UserInput) -> AppError {
    let mut changed = Vec::new();
    if current.name != input.name.trim() {
        changed.push("name".to_owned());
    }
    let mut roles: Vec<String> = input.roles.clone();
    roles.sort();
    let mut now_roles = role_strings(&current.roles);
    now_roles.sort();
    if roles != now_roles {
        changed.push("roles".to_owned());
    }
    let mut ds: Vec<String> = input.districts.iter().map(|d| d.trim().to_owned()).collect();
    ds.sort();
    let mut now_ds: Vec<String> = current.districts.iter().map(|d| d.code.clone()).collect();
    now_ds.sort();
    if ds != now_ds {
        changed.push("districts".to_owned());
    }
    let org_now = current.organisation.as_ref().map(|o| o.reference.as_str()).unwrap_or("");
    if org_now != input.organisation.as_deref().unwrap_or("").trim() {
        changed.push("organisation".to_owned());
    }
    if current.disabled != input.disabled {
        changed.push("disabled".to_owned());
    }
    AppError::Conflict { current: serde_json::to_value(current).unwrap_or_default(), changed }
}

/// Sets a new password for a user (who has forgotten theirs); their sessions end.
pub async fn reset_password(app: &App, actor: &Actor, id: i64, password: &str) -> Result<()> {
    actor.require(Permission::ManageUsers)?;
    view(app, id).await?;
    let pw = NewPassword::parse(password).map_err(|code| AppError::field("password", code, None))?;
    let hash = auth::hash_password(&pw).await?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    users::set_password(&txn, id, &hash, now).await?;
    sessions::delete_for_user(&txn, id).await?;
    accord_db::audit::append(&txn, actor.audit("reset_password", "user", Some(id.to_string())), now).await?;
    txn.commit().await?;
    Ok(())
}

/// One user, for administrators. Reading a person's record is logged.
pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<UserView> {
    actor.require(Permission::ManageUsers)?;
    let v = view(app, id).await?;
    let txn = app.db.write().await?;
    accord_db::audit::append(&txn, actor.audit("read", "user", Some(id.to_string())), Utc::now()).await?;
    txn.commit().await?;
    Ok(v)
}

pub async fn list(app: &App, actor: &Actor, q: Option<&str>, sort: UserSort, paging: Paging) -> Result<Page<UserView>> {
    actor.require(Permission::ManageUsers)?;
    let (items, total) = users::list(&app.db.conn, q, sort, paging.page, paging.per_page).await?;
    Ok(Page { items: items.into_iter().map(UserView::from).collect(), total, paging })
}

pub async fn find_by_email(app: &App, email: &str) -> Result<Option<UserView>> {
    match users::find_by_email(&app.db.conn, &email.trim().to_lowercase()).await? {
        Some(u) => Ok(Some(view(app, u.id).await?)),
        None => Ok(None),
    }
}

/// How many users exist (to know whether a database is new).
pub async fn count(app: &App) -> Result<u64> {
    Ok(users::count(&app.db.conn).await?)
}
