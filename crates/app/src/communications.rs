//! The communications log: the secretariat's own outreach (LinkedIn posts, press stories,
//! website news, newsletters), with its reach and the organisations it features, and the counts
//! per year and channel that the dashboard shows.

use crate::directory::{self as dir, opt, parse_date, short_text};
use crate::{Actor, App, AppError, Page, Paging, Result};
use accord_db::communications as q;
use accord_db::directory as dq;
use accord_db::entities::communication;
use accord_db::sea_orm::{ActiveValue::Set, EntityTrait};
use accord_domain::communication::link;
use accord_domain::{Channel, CommunicationFilter, CommunicationSort, FieldErrors};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// At most this many organisations featured in one piece.
pub const MAX_ORGANISATIONS: usize = 20;
/// The largest reach taken: more than anyone's audience.
pub const MAX_REACH: i64 = 1_000_000_000;

/// Everyone who reads the directory reads the log (the committee included).
pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor)
}

/// The roles that work with employers record outreach; the committee only reads.
pub fn can_write(actor: &Actor) -> bool {
    !actor.is_read_only() && dir::can_edit(actor)
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

/// A piece of outreach as a form or an API body gives it; every field as text.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct CommunicationInput {
    /// The district's code; needed only by those who work in more than one.
    pub district: Option<String>,
    pub channel: String,
    pub published_on: String,
    pub title: String,
    pub url: String,
    pub reach: String,
    /// The organisations it features: their refs, CVR or P-numbers, one per line or separated
    /// by commas.
    pub organisations: String,
    pub version: Option<i32>,
}

/// An organisation a piece features.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FeaturedOrg {
    pub id: i64,
    pub r#ref: String,
    pub name: String,
}

/// A piece of outreach as pages and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommunicationView {
    pub id: i64,
    pub district: String,
    pub channel: String,
    pub published_on: NaiveDate,
    pub title: String,
    pub url: Option<String>,
    pub reach: Option<i64>,
    pub organisations: Vec<FeaturedOrg>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl crate::partnerships::Versioned for CommunicationInput {
    fn version(&self) -> Option<i32> {
        self.version
    }

    fn with_version(self, version: Option<i32>) -> Self {
        CommunicationInput { version, ..self }
    }
}

impl CommunicationInput {
    pub fn from_view(v: &CommunicationView) -> Self {
        CommunicationInput {
            district: Some(v.district.clone()),
            channel: v.channel.clone(),
            published_on: v.published_on.to_string(),
            title: v.title.clone(),
            url: v.url.clone().unwrap_or_default(),
            reach: v.reach.map(|r| r.to_string()).unwrap_or_default(),
            organisations: v.organisations.iter().map(|o| o.r#ref.clone()).collect::<Vec<_>>().join("\n"),
            version: Some(v.version),
        }
    }
}

/// The checked fields of a piece, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCommunication {
    pub channel: Channel,
    pub published_on: NaiveDate,
    pub title: String,
    pub url: Option<String>,
    pub reach: Option<i64>,
}

/// Checks a piece's own fields: a known channel, a publication date not in the future, a
/// title, an `http`/`https` link when one is given, and a reach that is a whole number from 0.
pub fn check(input: &CommunicationInput, today: NaiveDate, errors: &mut FieldErrors) -> Option<CheckedCommunication> {
    let channel = match opt(&input.channel) {
        None => {
            errors.add("channel", "field.required", None);
            None
        }
        Some(c) => errors.take("channel", c, Channel::parse(&c.to_lowercase())),
    };
    let published_on = match opt(&input.published_on) {
        None => {
            errors.add("published_on", "field.required", None);
            None
        }
        Some(s) => errors.take("published_on", s, parse_date(s)),
    };
    if let Some(d) = published_on
        && d > today
    {
        errors.add("published_on", "communication.future_date", Some(input.published_on.trim()));
    }
    let title = match opt(&input.title) {
        None => {
            errors.add("title", "field.required", None);
            None
        }
        Some(_) => short_text(errors, "title", &input.title, 300),
    };
    let url = opt(&input.url).and_then(|u| errors.take("url", u, link(u)));
    let reach = match opt(&input.reach) {
        None => None,
        Some(r) => {
            let digits: String = r.chars().filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}')).collect();
            match digits.parse::<i64>() {
                Ok(n) if (0..=MAX_REACH).contains(&n) => Some(n),
                _ => {
                    errors.add("reach", "number.not_negative", Some(r));
                    None
                }
            }
        }
    };
    if !errors.is_empty() {
        return None;
    }
    Some(CheckedCommunication { channel: channel?, published_on: published_on?, title: title?, url, reach })
}

/// The refs of the featured organisations as written: one per line or separated by commas.
fn refs(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for r in text.split(['\n', ',', ';']).map(str::trim).filter(|r| !r.is_empty()) {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// The featured organisations, found in the piece's district; each one not found is named.
async fn featured(app: &App, district_id: i64, text: &str, errors: &mut FieldErrors) -> Result<Vec<i64>> {
    let refs = refs(text);
    if refs.len() > MAX_ORGANISATIONS {
        errors.add("organisations", "communication.too_many_organisations", None);
        return Ok(vec![]);
    }
    let mut ids = Vec::new();
    for r in refs {
        match crate::directory::resolve_org(&app.db.conn, &[district_id], "organisations", r, errors).await? {
            Some(o) if !ids.contains(&o.id) => ids.push(o.id),
            _ => {}
        }
    }
    Ok(ids)
}

async fn views(app: &App, rows: Vec<communication::Model>) -> Result<Vec<CommunicationView>> {
    let c = &app.db.conn;
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let pairs = q::organisations_of(c, rows.iter().map(|r| r.id).collect()).await?;
    let mut org_ids: Vec<i64> = pairs.iter().map(|p| p.1).collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    let orgs = dq::organisations_by_ids(c, org_ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| CommunicationView {
            id: r.id,
            district: districts.iter().find(|d| d.id == r.district_id).map(|d| d.code.clone()).unwrap_or_default(),
            channel: r.channel,
            published_on: r.published_on,
            title: r.title,
            url: r.url,
            reach: r.reach,
            organisations: pairs
                .iter()
                .filter(|p| p.0 == r.id)
                .filter_map(|p| orgs.iter().find(|o| o.id == p.1))
                .map(|o| FeaturedOrg { id: o.id, r#ref: o.r#ref.clone(), name: o.name.clone() })
                .collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
        .collect())
}

fn audit_value(v: &CommunicationView) -> serde_json::Value {
    serde_json::json!({
        "channel": v.channel, "published_on": v.published_on, "title": v.title, "url": v.url,
        "reach": v.reach, "organisations": v.organisations.iter().map(|o| &o.r#ref).collect::<Vec<_>>(),
    })
}

/// Records a piece of outreach in a district the actor works in.
pub async fn create(app: &App, actor: &Actor, input: &CommunicationInput) -> Result<CommunicationView> {
    require(can_write(actor))?;
    let district = dir::pick_district(app, actor, input.district.as_deref()).await?;
    let mut errors = FieldErrors::new();
    let checked = check(input, Utc::now().date_naive(), &mut errors);
    let orgs = featured(app, district.id, &input.organisations, &mut errors).await?;
    errors.into_result()?;
    let f = checked.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = communication::Entity::insert(communication::ActiveModel {
        district_id: Set(district.id),
        channel: Set(f.channel.as_str().to_owned()),
        published_on: Set(f.published_on),
        title: Set(f.title),
        url: Set(f.url),
        reach: Set(f.reach),
        created_by: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    q::set_organisations(&txn, row.id, &orgs).await?;
    let v = views_in(app, &txn, row).await?;
    let mut e = actor.audit("create", "communication", Some(v.id.to_string()));
    e.district_id = Some(district.id);
    e.after = Some(audit_value(&v));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(v)
}

/// The view of a row written in `txn`, with the organisations as written there.
async fn views_in<C: accord_db::sea_orm::ConnectionTrait>(
    app: &App,
    txn: &C,
    row: communication::Model,
) -> Result<CommunicationView> {
    let pairs = q::organisations_of(txn, vec![row.id]).await?;
    let orgs = dq::organisations_by_ids(txn, pairs.iter().map(|p| p.1).collect()).await?;
    let mut v = views(app, vec![row]).await?.remove(0);
    v.organisations = pairs
        .iter()
        .filter_map(|p| orgs.iter().find(|o| o.id == p.1))
        .map(|o| FeaturedOrg { id: o.id, r#ref: o.r#ref.clone(), name: o.name.clone() })
        .collect();
    Ok(v)
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<CommunicationView> {
    require(can_view(actor))?;
    let row = q::get(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    Ok(views(app, vec![row]).await?.remove(0))
}

/// Changes a piece at the version the caller read; a stale version is a conflict naming the
/// fields that differ.
pub async fn update(app: &App, actor: &Actor, id: i64, input: &CommunicationInput) -> Result<CommunicationView> {
    require(can_write(actor))?;
    let before = get(app, actor, id).await?;
    let version = input.version.ok_or_else(|| AppError::field("version", "field.required", None))?;
    let row = q::get(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let checked = check(input, Utc::now().date_naive(), &mut errors);
    let orgs = featured(app, row.district_id, &input.organisations, &mut errors).await?;
    errors.into_result()?;
    let f = checked.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    let model = communication::ActiveModel {
        channel: Set(f.channel.as_str().to_owned()),
        published_on: Set(f.published_on),
        title: Set(f.title),
        url: Set(f.url),
        reach: Set(f.reach),
        updated_at: Set(now),
        ..Default::default()
    };
    if !q::update(&txn, id, version, model).await? {
        drop(txn);
        let current = get(app, actor, id).await?;
        let now_input = CommunicationInput::from_view(&current);
        let changed = [
            ("channel", &now_input.channel, &input.channel),
            ("published_on", &now_input.published_on, &input.published_on),
            ("title", &now_input.title, &input.title),
            ("url", &now_input.url, &input.url),
            ("reach", &now_input.reach, &input.reach),
        ]
        .iter()
        .filter(|(_, a, b)| a.trim() != b.trim())
        .map(|(f, _, _)| (*f).to_owned())
        .collect();
        return Err(AppError::Conflict { current: serde_json::to_value(&current).unwrap_or_default(), changed });
    }
    q::set_organisations(&txn, id, &orgs).await?;
    let row = communication::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let after = views_in(app, &txn, row.clone()).await?;
    let mut e = actor.audit("update", "communication", Some(id.to_string()));
    e.district_id = Some(row.district_id);
    e.before = Some(audit_value(&before));
    e.after = Some(audit_value(&after));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(after)
}

/// Deletes a piece; what it was stays in the audit trail.
pub async fn delete(app: &App, actor: &Actor, id: i64) -> Result<()> {
    require(can_write(actor))?;
    let before = get(app, actor, id).await?;
    let district_id = q::get(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?.district_id;
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !q::delete(&txn, &actor.scope(), id).await? {
        return Err(AppError::NotFound);
    }
    let mut e = actor.audit("delete", "communication", Some(id.to_string()));
    e.district_id = Some(district_id);
    e.before = Some(audit_value(&before));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(())
}

/// One page of the log the actor may see, newest first.
pub async fn list(
    app: &App,
    actor: &Actor,
    f: &CommunicationFilter,
    sort: CommunicationSort,
    paging: Paging,
) -> Result<Page<CommunicationView>> {
    require(can_view(actor))?;
    let (rows, total) = q::list(&app.db.conn, &actor.scope(), f, sort, paging.page, paging.per_page).await?;
    Ok(Page { items: views(app, rows).await?, total, paging })
}

/// The pieces of one year, per channel.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct YearCounts {
    pub year: i32,
    /// One count per channel, in the order of [`Channel::ALL`] (zero where nothing was
    /// published).
    pub channels: Vec<ChannelCount>,
    pub total: i64,
}

/// How many pieces a channel carried.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ChannelCount {
    /// linkedin, press, website, newsletter or other.
    pub channel: String,
    pub count: i64,
}

/// How many pieces the filter matches per year and channel, newest year first; only years with
/// at least one piece.
pub async fn counts(app: &App, actor: &Actor, f: &CommunicationFilter) -> Result<Vec<YearCounts>> {
    require(can_view(actor))?;
    let rows = q::counts(&app.db.conn, &actor.scope(), f).await?;
    let mut years: Vec<i32> = rows.iter().map(|r| r.0).collect();
    years.dedup();
    Ok(years
        .into_iter()
        .map(|year| {
            let channels: Vec<ChannelCount> = Channel::ALL
                .iter()
                .map(|ch| ChannelCount {
                    channel: ch.as_str().to_owned(),
                    count: rows.iter().filter(|r| r.0 == year && r.1 == ch.as_str()).map(|r| r.2).sum(),
                })
                .collect();
            YearCounts { year, total: channels.iter().map(|c| c.count).sum(), channels }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CommunicationInput {
        CommunicationInput {
            channel: "linkedin".into(),
            published_on: "2022-03-01".into(),
            title: "Ny partnerskabsaftale".into(),
            url: "https://www.linkedin.com/posts/1".into(),
            reach: "1.250".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_piece_needs_a_channel_a_past_date_a_title_and_a_web_link() {
        let today = NaiveDate::from_ymd_opt(2022, 12, 31).unwrap();
        let mut errors = FieldErrors::new();
        let c = check(&input(), today, &mut errors).unwrap();
        assert_eq!((c.channel, c.reach), (Channel::Linkedin, Some(1250)));
        let bad = CommunicationInput {
            channel: "tiktok".into(),
            published_on: "2023-01-01".into(),
            title: " ".into(),
            url: "javascript:alert(1)".into(),
            reach: "-3".into(),
            ..Default::default()
        };
        let mut errors = FieldErrors::new();
        assert!(check(&bad, today, &mut errors).is_none());
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["channel", "published_on", "title", "url", "reach"]);
    }

    #[test]
    fn featured_refs_are_split_and_kept_once() {
        assert_eq!(refs("ORG-1, ORG-2\nORG-1;\n ORG-3 "), ["ORG-1", "ORG-2", "ORG-3"]);
        assert!(refs(" \n,").is_empty());
    }
}
