//! Districts: a jobcentre district, a municipality, a national unit. Every record belongs to
//! one; a user sees only the districts they are assigned to.

use crate::{Actor, App, AppError, Permission, Result};
use accord_db::entities::district;
use accord_db::users;
use accord_domain::programme::parse_currency;
use accord_domain::{DistrictCode, FieldErrors, PersonName};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct DistrictView {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The ISO 4217 code of the district's money (`DKK`, `GBP`, …).
    pub currency: String,
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
            currency: d.currency,
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

/// Each district's currency by its code, for showing amounts with theirs: not scoped, as a
/// district's code and name are not.
pub async fn currencies(app: &App) -> Result<std::collections::HashMap<String, String>> {
    Ok(users::list_districts(&app.db.conn, &accord_db::Scope::All)
        .await?
        .into_iter()
        .map(|d| (d.code, d.currency))
        .collect())
}

/// The currency of one district's money, by its id (Danish kroner when it has none).
pub async fn currency(app: &App, district_id: i64) -> Result<String> {
    Ok(users::get_district(&app.db.conn, &accord_db::Scope::All, district_id)
        .await?
        .map_or_else(|| "DKK".to_owned(), |d| d.currency))
}

/// Number of users per district id.
pub async fn user_counts(app: &App) -> Result<Vec<(i64, i64)>> {
    Ok(users::district_user_counts(&app.db.conn).await?)
}

/// Creates a district keeping its money in Danish kroner; [`create_in`] for another currency.
pub async fn create(app: &App, actor: &Actor, code: &str, name: &str) -> Result<DistrictView> {
    create_in(app, actor, code, name, "DKK").await
}

/// Creates a district with the currency of its money (an ISO 4217 code of [`CURRENCIES`];
/// blank for Danish kroner).
///
/// [`CURRENCIES`]: accord_domain::programme::CURRENCIES
pub async fn create_in(app: &App, actor: &Actor, code: &str, name: &str, currency: &str) -> Result<DistrictView> {
    let currency = if currency.trim().is_empty() { "DKK" } else { currency };
    actor.require_write()?;
    actor.require(Permission::ManageDistricts)?;
    let mut errors = FieldErrors::new();
    let code_p = errors.take("code", code, DistrictCode::parse(code));
    let name_p = errors.take("name", name, PersonName::parse(name));
    let currency_p = errors.take("currency", currency, parse_currency(currency));
    if let Some(c) = &code_p
        && users::district_by_code(&app.db.conn, &accord_db::Scope::All, c.as_str()).await?.is_some()
    {
        errors.add("code", "district.code_taken", Some(c.as_str()));
    }
    errors.into_result()?;
    let (code, name, currency) = (code_p.expect("checked"), name_p.expect("checked"), currency_p.expect("checked"));
    let now = Utc::now();
    let txn = app.db.write().await?;
    let d = users::insert_district(&txn, code.as_str(), name.as_str(), currency, now).await.map_err(|e| {
        if accord_db::is_unique_violation(&e) {
            AppError::field("code", "district.code_taken", Some(code.as_str()))
        } else {
            e.into()
        }
    })?;
    let mut entry = actor.audit("create", "district", Some(d.id.to_string()));
    entry.district_id = Some(d.id);
    entry.after = Some(serde_json::json!({"code": d.code, "name": d.name, "currency": d.currency}));
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(d.into())
}

/// Renames a district and sets its currency (blank keeps the one it has). The code is its
/// identity in files and URLs and does not change.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: i64,
    version: i32,
    name: &str,
    currency: &str,
) -> Result<DistrictView> {
    actor.require_write()?;
    actor.require(Permission::ManageDistricts)?;
    let before = get(app, actor, id).await?;
    let currency = if currency.trim().is_empty() { before.currency.as_str() } else { currency };
    let mut errors = FieldErrors::new();
    let name_p = errors.take("name", name, PersonName::parse(name));
    let currency_p = errors.take("currency", currency, parse_currency(currency));
    errors.into_result()?;
    let (name_p, currency) = (name_p.expect("checked"), currency_p.expect("checked"));
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !users::update_district(&txn, id, version, name_p.as_str(), currency, now).await? {
        drop(txn);
        let mut changed = vec![];
        if before.name != name_p.as_str() {
            changed.push("name".to_owned());
        }
        if before.currency != currency {
            changed.push("currency".to_owned());
        }
        return Err(AppError::Conflict { current: serde_json::to_value(&before).unwrap_or_default(), changed });
    }
    let after: DistrictView =
        users::get_district(&txn, &accord_db::Scope::All, id).await?.ok_or(AppError::NotFound)?.into();
    let mut entry = actor.audit("update", "district", Some(id.to_string()));
    entry.district_id = Some(id);
    entry.before = Some(serde_json::json!({"name": before.name, "currency": before.currency}));
    entry.after = Some(serde_json::json!({"name": after.name, "currency": after.currency}));
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(after)
}
