//! Passwords, sign-in, sessions and API tokens.

use crate::{Actor, App, AppError, DistrictRef, Permission, Result};
use accord_db::entities::{api_token, user};
use accord_db::sea_orm::EntityTrait;
use accord_db::{sessions, tokens, users};
use accord_domain::{NewPassword, Role};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration as ChronoDuration, Utc};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// OWASP's argon2id setting: 19 MiB of memory, two passes, one lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// `n` random bytes from the operating system's generator, URL-safe base64.
pub fn random_token(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// SHA-256 in hex: how sessions and API tokens are stored, so a copy of the database does not
/// hold a usable secret.
pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn hash_blocking(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

fn verify_blocking(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// Hashes a password off the async threads (it takes tens of milliseconds by design).
pub async fn hash_password(password: &NewPassword) -> Result<String> {
    let pw = password.expose().to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&pw)).await.map_err(|e| AppError::Internal(e.to_string()))?
}

pub async fn verify_password(hash: &str, password: &str) -> bool {
    let (h, p) = (hash.to_owned(), password.to_owned());
    tokio::task::spawn_blocking(move || verify_blocking(&h, &p)).await.unwrap_or(false)
}

/// A hash to check against when the account does not exist, so that a wrong e-mail takes
/// as long as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("no such account, no such password").unwrap_or_default());

/// The actor of a user, by id: their roles and districts (the command line acting for a
/// user, and tests).
pub async fn actor_of_user(app: &App, user_id: i64, ip: Option<String>) -> Result<Actor> {
    let u = accord_db::users::get(&app.db.conn, user_id).await?.ok_or(AppError::NotFound)?;
    actor_for(app, &u.user, ip).await
}

/// When the actor last signed in before this session, if ever.
pub async fn last_sign_in(app: &App, actor: &Actor) -> Result<Option<chrono::DateTime<Utc>>> {
    let Some(id) = actor.user_id else { return Ok(None) };
    Ok(accord_db::users::get(&app.db.conn, id).await?.and_then(|u| u.user.last_sign_in_at))
}

/// Builds the actor for a user row: their roles, and their districts with those of their regions.
pub(crate) async fn actor_for(app: &App, u: &user::Model, ip: Option<String>) -> Result<Actor> {
    let mut roles: Vec<Role> =
        users::roles_of(&app.db.conn, u.id).await?.iter().filter_map(|r| Role::parse(r).ok()).collect();
    roles.sort();
    // A region given to the user means each of its districts.
    let mut districts: Vec<DistrictRef> = users::districts_of(&app.db.conn, u.id)
        .await?
        .into_iter()
        .chain(accord_db::national::region_districts_of_user(&app.db.conn, u.id).await?)
        .map(|d| DistrictRef { id: d.id, code: d.code, name: d.name })
        .collect();
    districts.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    districts.dedup_by_key(|d| d.id);
    Ok(Actor {
        user_id: Some(u.id),
        email: u.email.clone(),
        name: u.name.clone(),
        roles,
        districts,
        organisation_id: u.organisation_id,
        ip,
    })
}

/// A fresh session: the cookie's secret (given to the browser only) and the user's id.
pub struct SignedIn {
    pub token: String,
    pub user_id: i64,
}

/// An API token as its owner sees it: never the token itself, only its first characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: chrono::DateTime<Utc>,
    pub last_used_at: Option<chrono::DateTime<Utc>>,
    pub revoked_at: Option<chrono::DateTime<Utc>>,
}

impl From<api_token::Model> for TokenView {
    fn from(t: api_token::Model) -> Self {
        TokenView {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// Checks e-mail and password. At most `max_failures` failed tries per account and per
/// address within the window; after that every try is refused, right or wrong.
pub async fn sign_in(app: &App, email: &str, password: &str, ip: &str) -> Result<SignedIn> {
    let email = email.trim().to_lowercase();
    let now = Utc::now();
    let since = now - ChronoDuration::from_std(app.config.rate_window).unwrap_or_default();
    let (by_email, by_ip) = sessions::failures_since(&app.db.conn, &email, ip, since).await?;
    if by_email >= app.config.max_failures || by_ip >= app.config.max_failures {
        return Err(AppError::RateLimited);
    }
    let found = users::find_by_email(&app.db.conn, &email).await?;
    let ok = match &found {
        Some(u) => verify_password(&u.password_hash, password).await && !u.disabled,
        None => {
            verify_password(&DUMMY_HASH, password).await;
            false
        }
    };
    let txn = app.db.write().await?;
    let Some(user) = found.filter(|_| ok) else {
        sessions::record_failure(&txn, &email, ip, now).await?;
        let mut entry = accord_db::audit::Entry {
            actor: "anonymous".into(),
            action: "sign_in_failed".into(),
            entity: "user".into(),
            summary: Some(email.clone()),
            ip: Some(ip.to_owned()),
            ..Default::default()
        };
        if let Some(u) = users::find_by_email(&txn, &email).await? {
            entry.entity_id = Some(u.id.to_string());
        }
        accord_db::audit::append(&txn, entry, now).await?;
        txn.commit().await?;
        return Err(AppError::field("email", "signin.failed", None));
    };
    let token = random_token(32);
    let csrf = random_token(32);
    sessions::create(&txn, &sha256_hex(&token), user.id, &csrf, Some(ip), now).await?;
    users::mark_signed_in(&txn, user.id, now).await?;
    accord_db::audit::append(
        &txn,
        accord_db::audit::Entry {
            actor_user_id: Some(user.id),
            actor: user.email.clone(),
            action: "sign_in".into(),
            entity: "user".into(),
            entity_id: Some(user.id.to_string()),
            ip: Some(ip.to_owned()),
            ..Default::default()
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(SignedIn { token, user_id: user.id })
}

/// A live session, as the web layer needs it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub actor: Actor,
    pub csrf: String,
    pub id_hash: String,
}

/// The session behind a cookie's secret, if it is still live; marks it used.
pub async fn session(app: &App, token: &str, ip: Option<String>) -> Result<Option<SessionInfo>> {
    let now = Utc::now();
    let idle_since = now - ChronoDuration::from_std(app.config.session_idle).unwrap_or_default();
    let absolute_since = now - ChronoDuration::from_std(app.config.session_absolute).unwrap_or_default();
    let id_hash = sha256_hex(token);
    let Some((s, u)) = sessions::find_live(&app.db.conn, &id_hash, idle_since, absolute_since).await? else {
        return Ok(None);
    };
    // Writing on every request would serialise reads behind the write lock; a minute's
    // precision is plenty for a 30-minute idle timeout.
    if now - s.last_seen_at > ChronoDuration::seconds(60) {
        sessions::touch(&app.db.conn, &id_hash, now).await?;
    }
    let actor = actor_for(app, &u, ip).await?;
    Ok(Some(SessionInfo { actor, csrf: s.csrf_token, id_hash }))
}

pub async fn sign_out(app: &App, info: &SessionInfo) -> Result<()> {
    let txn = app.db.write().await?;
    sessions::delete(&txn, &info.id_hash).await?;
    accord_db::audit::append(
        &txn,
        info.actor.audit("sign_out", "user", info.actor.user_id.map(|i| i.to_string())),
        Utc::now(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes ended sessions and old rate-limit rows. Idempotent, so every node may run it.
pub async fn purge_expired(app: &App) -> Result<()> {
    let now = Utc::now();
    let idle_since = now - ChronoDuration::from_std(app.config.session_idle).unwrap_or_default();
    let absolute_since = now - ChronoDuration::from_std(app.config.session_absolute).unwrap_or_default();
    let failures_before = now - ChronoDuration::from_std(app.config.rate_window).unwrap_or_default();
    sessions::purge(&app.db.conn, idle_since, absolute_since, failures_before).await?;
    Ok(())
}

/// The user behind an API token (`Authorization: Bearer …`).
pub async fn token_actor(app: &App, token: &str, ip: Option<String>) -> Result<Option<Actor>> {
    let Some((t, u)) = tokens::find_live(&app.db.conn, &sha256_hex(token)).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    if t.last_used_at.is_none_or(|at| now - at > ChronoDuration::seconds(60)) {
        tokens::touch(&app.db.conn, t.id, now).await?;
    }
    Ok(Some(actor_for(app, &u, ip).await?))
}

/// Creates an API token for `user_id` (oneself, or anyone from the command line). The
/// plain token is returned once and never stored.
pub async fn create_token(app: &App, actor: &Actor, user_id: i64, name: &str) -> Result<(String, TokenView)> {
    if actor.user_id != Some(user_id) && actor.user_id.is_some() {
        return Err(AppError::Forbidden);
    }
    if actor.user_id.is_some() {
        actor.require(Permission::ManageOwnAccount)?;
    }
    let name = name.trim();
    let name = if name.is_empty() { "API token" } else { name };
    if name.chars().count() > 100 {
        return Err(AppError::field("name", "field.too_long", Some(name)));
    }
    let token = format!("acc_{}", random_token(32));
    let prefix: String = token.chars().take(10).collect();
    let now = Utc::now();
    let txn = app.db.write().await?;
    let model = tokens::insert(&txn, user_id, name, &sha256_hex(&token), &prefix, now).await?;
    let mut entry = actor.audit("create", "api_token", Some(model.id.to_string()));
    entry.after = Some(serde_json::json!({"user_id": user_id, "name": name, "prefix": prefix}));
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok((token, model.into()))
}

pub async fn list_tokens(app: &App, actor: &Actor) -> Result<Vec<TokenView>> {
    let uid = actor.user_id.ok_or(AppError::Forbidden)?;
    Ok(tokens::list_for_user(&app.db.conn, uid).await?.into_iter().map(Into::into).collect())
}

pub async fn revoke_token(app: &App, actor: &Actor, id: i64) -> Result<()> {
    let uid = actor.user_id.ok_or(AppError::Forbidden)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !tokens::revoke(&txn, uid, id, now).await? {
        return Err(AppError::NotFound);
    }
    accord_db::audit::append(&txn, actor.audit("revoke", "api_token", Some(id.to_string())), now).await?;
    txn.commit().await?;
    Ok(())
}

/// Changes one's own password; the current one must be given. Every session of the user
/// ends, this one too, so a stolen session cannot outlive the change.
pub async fn change_own_password(app: &App, actor: &Actor, current: &str, new: &str) -> Result<()> {
    let uid = actor.user_id.ok_or(AppError::Forbidden)?;
    let user = accord_db::entities::user::Entity::find_by_id(uid).one(&app.db.conn).await?.ok_or(AppError::NotFound)?;
    let mut errors = accord_domain::FieldErrors::new();
    if !verify_password(&user.password_hash, current).await {
        errors.add("current_password", "password.current_wrong", None);
    }
    let parsed = errors.take("new_password", "", NewPassword::parse(new));
    if let Some(e) = errors.0.iter_mut().find(|e| e.field == "new_password") {
        e.value = None;
    }
    errors.into_result()?;
    let hash = hash_password(&parsed.expect("checked")).await?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    users::set_password(&txn, uid, &hash, now).await?;
    sessions::delete_for_user(&txn, uid).await?;
    accord_db::audit::append(&txn, actor.audit("change_password", "user", Some(uid.to_string())), now).await?;
    txn.commit().await?;
    Ok(())
}
