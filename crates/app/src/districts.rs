//! Districts: a jobcentre district, a municipality, a national unit. Every record belongs to
//! one; a user sees only the districts they are assigned to.

use crate::{Actor, App, AppError, Permission, Result};
use accord_db::entities::district;
use accord_db::users;
use accord_domain::{DistrictCode, FieldErrors, PersonName};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct DistrictView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<district::Model> for DistrictView {
    fn from(d: district::Model) -> Self {
        DistrictView {
            id: d.id,
            code: d.code,
            name: d.name,
            created_at: d.created_at,
            updated_at: d.updated_at,
            version: d.version,
        }
    }
}

/// The districts the actor may see, by name.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<DistrictView>> {
    Ok(users::list_districts(&app.db.conn, &actor.scope()).await?.into_iter().map(Into::into).collect())
}

/// One district; another district's id answers "not found", exactly as a missing one.
pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<DistrictView> {
    users::get_district(&app.db.conn, &actor.scope(), id).await?.map(Into::into).ok_or(AppError::NotFound)
}

pub async fn by_code(app: &App, actor: &Actor, code: &str) -> Result<DistrictView> {
    users::district_by_code(&app.db.conn, &actor.scope(), code).await?.map(Into::into).ok_or(AppError::NotFound)
}

/// A district by its code, whatever the actor's districts: unscoped, because a district's
/// code and name are shown on every record that belongs to it, to anyone who may see the
/// record. `None` when no district has the code.
pub async fn by_code_unscoped(app: &App, code: &str) -> Result<Option<DistrictView>> {
    Ok(users::district_by_code(&app.db.conn, &accord_db::Scope::All, code).await?.map(Into::into))
}

/// Number of users per district id.
pub async fn user_counts(app: &App) -> Result<Vec<(i64, i64)>> {
    Ok(users::district_user_counts(&app.db.conn).await?)
}

pub async fn create(app: &App, actor: &Actor, code: &str, name: &str) -> Result<DistrictView> {
    actor.require_write()?;
    actor.require(Permission::ManageDistricts)?;
    let mut errors = FieldErrors::new();
    let code_p = errors.take("code", code, DistrictCode::parse(code));
    let name_p = errors.take("name", name, PersonName::parse(name));
    if let Some(c) = &code_p
        && users::district_by_code(&app.db.conn, &accord_db::Scope::All, c.as_str()).await?.is_some()
    {
        errors.add("code", "district.code_taken", Some(c.as_str()));
    }
    errors.into_result()?;
    let (code, name) = (code_p.expect("checked"), name_p.expect("checked"));
    let now = Utc::now();
    let txn = app.db.write().await?;
    let d = users::insert_district(&txn, code.as_str(), name.as_str(), now).await.map_err(|e| {
        if accord_db::is_unique_violation(&e) {
            AppError::field("code", "district.code_taken", Some(code.as_str()))
        } else {
            e.into()
        }
    })?;
    let mut entry = actor.audit("create", "district", Some(d.id.to_string()));
    entry.district_id = Some(d.id);
    entry.after = Some(serde_json::json!({"code": d.code, "name": d.name}));
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(d.into())
}

/// Renames a district. The code is its identity in files and URLs and does not change.
pub async fn update(app: &App, actor: &Actor, id: i64, version: i32, name: &str) -> Result<DistrictView> {
    actor.require_write()?;
    actor.require(Permission::ManageDistricts)?;
    let before = get(app, actor, id).await?;
    let name_p = PersonName::parse(name).map_err(|c| AppError::field("name", c, Some(name)))?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !users::update_district(&txn, id, version, name_p.as_str(), now).await? {
        drop(txn);
        let changed = if before.name != name_p.as_str() { vec!["name".to_owned()] } else { vec![] };
        return Err(AppError::Conflict { current: serde_json::to_value(&before).unwrap_or_default(), changed });
    }
    let after: DistrictView =
        users::get_district(&txn, &accord_db::Scope::All, id).await?.ok_or(AppError::NotFound)?.into();
    let mut entry = actor.audit("update", "district", Some(id.to_string()));
    entry.district_id = Some(id);
    entry.before = Some(serde_json::json!({"name": before.name}));
    entry.after = Some(serde_json::json!({"name": after.name}));
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(after)
}
