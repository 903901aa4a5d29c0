//! Mailings to employers: consent per contact and purpose (kept as a history), bouncing
//! addresses, each district's frequency cap, segments (saved filters over the contacts at
//! organisations, on the organisation list's own filter), and mailings composed with merge
//! fields, previewed, test-sent to oneself and sent through the [`crate::outbox`].
//!
//! A contact's consent for a purpose is the latest consent row for it; a contact with none
//! has the consent of its `consent` flag ("consent to everything", as the import sets it).

use crate::{Actor, App, AppError, Result, directory as dir, outbox};
use accord_db::entities::{
    contact, contact_bounce, contact_consent, event, mail_cap, mailing, mailing_skip, organisation, segment,
};
use accord_db::mailings as q;
use accord_db::sea_orm::ActiveValue::Set;
use accord_domain::mail::{MergeValues, REGISTRATION_LINK, check_template, render_html, render_text, uses_field};
use accord_domain::{ConsentPurpose, ConsentSource, FieldErrors, Lang, OrgFilter, Role, SkipReason};
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Staff of the district read segments and mailings; those who keep the directory make them.
pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor)
}

pub fn can_send(actor: &Actor) -> bool {
    !actor.is_read_only() && dir::can_edit(actor)
}

/// The frequency cap is the district's setting: administrators and managers keep it.
pub fn can_set_cap(actor: &Actor) -> bool {
    !actor.is_read_only() && actor.roles.iter().any(|r| matches!(r, Role::Admin | Role::Manager))
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The cap when a district has set none: 4 mailings in 30 days.
pub const DEFAULT_CAP: CapView = CapView { max_mailings: 4, days: 30 };

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct CapView {
    /// No contact receives more than this many mailings…
    pub max_mailings: i32,
    /// …within this many days.
    pub days: i32,
}

// ---- consent and bouncing ----

/// One consent, or its withdrawal.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ConsentEntry {
    #[schema(schema_with = crate::schema::code::<ConsentPurpose>)]
    pub purpose: ConsentPurpose,
    pub given: bool,
    #[schema(schema_with = crate::schema::code::<ConsentSource>)]
    pub source: ConsentSource,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Option<String>,
}

/// A contact's consent for one purpose now.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ConsentNow {
    #[schema(schema_with = crate::schema::code::<ConsentPurpose>)]
    pub purpose: ConsentPurpose,
    pub given: bool,
    /// When and from where it was given or withdrawn; none when it follows the contact's
    /// general consent flag.
    pub since: Option<DateTime<Utc>>,
    #[schema(schema_with = crate::schema::code_or_none::<ConsentSource>)]
    pub source: Option<ConsentSource>,
}

/// An address a mail server refused for good, and when a person cleared it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct BounceView {
    pub email: String,
    pub reason: String,
    pub marked_at: DateTime<Utc>,
    pub cleared_at: Option<DateTime<Utc>>,
    pub cleared_by: Option<String>,
}

/// What the contact's page shows about mail: consent per purpose, its history, bouncing.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct ContactMail {
    pub contact_id: i64,
    pub organisation_id: i64,
    pub consents: Vec<ConsentNow>,
    /// Newest first.
    pub history: Vec<ConsentEntry>,
    pub bouncing: bool,
    /// Newest first.
    pub bounces: Vec<BounceView>,
}

/// The consent per purpose of each contact, from its consent rows (the last holds) and
/// otherwise its general flag.
fn consent_now(
    contacts: &[contact::Model],
    rows: &[contact_consent::Model],
) -> HashMap<(i64, ConsentPurpose), ConsentNow> {
    let mut out = HashMap::new();
    for c in contacts {
        for p in ConsentPurpose::ALL {
            out.insert((c.id, *p), ConsentNow { purpose: *p, given: c.consent, since: None, source: None });
        }
    }
    for r in rows {
        if let Ok(p) = ConsentPurpose::parse(&r.purpose) {
            out.insert(
                (r.contact_id, p),
                ConsentNow {
                    purpose: p,
                    given: r.given,
                    since: Some(r.recorded_at),
                    source: ConsentSource::parse(&r.source).ok(),
                },
            );
        }
    }
    out
}

fn bounce_view(b: contact_bounce::Model) -> BounceView {
    BounceView {
        email: b.email,
        reason: b.reason,
        marked_at: b.marked_at,
        cleared_at: b.cleared_at,
        cleared_by: b.cleared_by,
    }
}

/// A contact's consent, its history and its bouncing, for the contact's page.
pub async fn contact_mail(app: &App, actor: &Actor, contact_id: i64) -> Result<ContactMail> {
    require(can_view(actor))?;
    let scope = actor.scope();
    let c = accord_db::directory::get_contact(&app.db.conn, &scope, contact_id).await?.ok_or(AppError::NotFound)?;
    let rows = q::consents_of(&app.db.conn, &scope, &[c.id]).await?;
    let now = consent_now(std::slice::from_ref(&c), &rows);
    let consents = ConsentPurpose::ALL.iter().map(|p| now[&(c.id, *p)].clone()).collect();
    let history = rows
        .into_iter()
        .rev()
        .filter_map(|r| {
            Some(ConsentEntry {
                purpose: ConsentPurpose::parse(&r.purpose).ok()?,
                given: r.given,
                source: ConsentSource::parse(&r.source).ok()?,
                recorded_at: r.recorded_at,
                recorded_by: r.recorded_by,
            })
        })
        .collect();
    let bounces: Vec<BounceView> =
        q::bounces_of_contact(&app.db.conn, &scope, c.id).await?.into_iter().map(bounce_view).collect();
    Ok(ContactMail {
        contact_id: c.id,
        organisation_id: c.organisation_id,
        consents,
        history,
        bouncing: bounces.iter().any(|b| b.cleared_at.is_none()),
        bounces,
    })
}

/// Records a consent or its withdrawal for one purpose; the history keeps what it replaces.
pub async fn set_consent(
    app: &App,
    actor: &Actor,
    contact_id: i64,
    purpose: &str,
    given: Option<bool>,
    source: &str,
) -> Result<ContactMail> {
    actor.require_write()?;
    require(dir::can_edit(actor))?;
    let scope = actor.scope();
    let c = accord_db::directory::get_contact(&app.db.conn, &scope, contact_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let purpose = errors.take("purpose", purpose, ConsentPurpose::parse(purpose));
    let source = if source.trim().is_empty() {
        Some(ConsentSource::Form)
    } else {
        errors.take("source", source, ConsentSource::parse(source))
    };
    if given.is_none() {
        errors.add("given", "consent.given_unknown", None);
    }
    errors.into_result()?;
    let (purpose, source, given) = (purpose.expect("checked"), source.expect("checked"), given.expect("checked"));
    let now = Utc::now();
    let txn = app.db.write().await?;
    q::record_consent(&txn, c.district_id, c.id, purpose.as_str(), given, source.as_str(), Some(actor.label()), now)
        .await?;
    let mut e =
        actor.audit(if given { "consent_given" } else { "consent_withdrawn" }, "contact", Some(c.id.to_string()));
    e.district_id = Some(c.district_id);
    e.after = Some(serde_json::json!({"purpose": purpose, "given": given, "source": source}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    contact_mail(app, actor, contact_id).await
}

/// Records, in the caller's transaction, the consents an import file gives or withdraws purpose
/// by purpose (source `import`), where they differ from what holds for the contact now (its
/// consent rows, else its general flag as just saved); whether any did.
pub(crate) async fn import_consents<C: accord_db::sea_orm::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    contact: &contact::Model,
    wanted: &[(ConsentPurpose, bool)],
    now: DateTime<Utc>,
) -> Result<bool> {
    if wanted.is_empty() {
        return Ok(false);
    }
    let rows = q::consents_of(txn, &actor.scope(), &[contact.id]).await?;
    let held = consent_now(std::slice::from_ref(contact), &rows);
    let mut changed = false;
    for (purpose, given) in wanted {
        if held[&(contact.id, *purpose)].given == *given {
            continue;
        }
        let source = ConsentSource::Import.as_str();
        q::record_consent(
            txn,
            contact.district_id,
            contact.id,
            purpose.as_str(),
            *given,
            source,
            Some(actor.label()),
            now,
        )
        .await?;
        let action = if *given { "consent_given" } else { "consent_withdrawn" };
        let mut e = actor.audit(action, "contact", Some(contact.id.to_string()));
        e.district_id = Some(contact.district_id);
        e.summary = Some("import".into());
        e.after = Some(serde_json::json!({"purpose": purpose, "given": given, "source": source}));
        accord_db::audit::append(txn, e, now).await?;
        changed = true;
    }
    Ok(changed)
}

/// Each contact's consent per purpose as it holds now, for the contacts export.
pub(crate) async fn consents_for_export<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    actor: &Actor,
    contacts: &[contact::Model],
) -> Result<HashMap<(i64, ConsentPurpose), bool>> {
    let ids: Vec<i64> = contacts.iter().map(|c| c.id).collect();
    let rows = q::consents_of(c, &actor.scope(), &ids).await?;
    Ok(consent_now(contacts, &rows).into_iter().map(|(k, v)| (k, v.given)).collect())
}

/// A person has fixed the contact's address: mail may go to it again.
pub async fn clear_bouncing(app: &App, actor: &Actor, contact_id: i64) -> Result<ContactMail> {
    actor.require_write()?;
    require(dir::can_edit(actor))?;
    let scope = actor.scope();
    let c = accord_db::directory::get_contact(&app.db.conn, &scope, contact_id).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let n = q::clear_bounces(&txn, &scope, c.id, &actor.label(), now).await?;
    if n > 0 {
        let mut e = actor.audit("clear_bouncing", "contact", Some(c.id.to_string()));
        e.district_id = Some(c.district_id);
        e.before = Some(serde_json::json!({"bouncing": true, "email": c.email}));
        e.after = Some(serde_json::json!({"bouncing": false}));
        accord_db::audit::append(&txn, e, now).await?;
    }
    txn.commit().await?;
    contact_mail(app, actor, contact_id).await
}

// ---- the frequency cap ----

/// The district's cap (the default when it has set none).
pub async fn cap(app: &App, actor: &Actor, district: Option<&str>) -> Result<(crate::DistrictRef, CapView)> {
    require(can_view(actor))?;
    let d = dir::pick_district(app, actor, district).await?;
    Ok((d.clone(), cap_of(app, &actor.scope(), d.id).await?))
}

async fn cap_of(app: &App, scope: &accord_domain::Scope, district_id: i64) -> Result<CapView> {
    Ok(q::get_cap(&app.db.conn, scope, district_id)
        .await?
        .map(|m| CapView { max_mailings: m.max_mailings, days: m.days })
        .unwrap_or(DEFAULT_CAP))
}

/// Sets a district's cap: 1–100 mailings in 1–365 days.
pub async fn set_cap(app: &App, actor: &Actor, district: Option<&str>, max: &str, days: &str) -> Result<CapView> {
    require(can_set_cap(actor))?;
    let d = dir::pick_district(app, actor, district).await?;
    let mut errors = FieldErrors::new();
    let max_n = match max.trim().parse::<i32>() {
        Ok(n) if (1..=100).contains(&n) => Some(n),
        _ => {
            errors.add("max_mailings", "mailing.cap_max", Some(max));
            None
        }
    };
    let days_n = match days.trim().parse::<i32>() {
        Ok(n) if (1..=365).contains(&n) => Some(n),
        _ => {
            errors.add("days", "mailing.cap_days", Some(days));
            None
        }
    };
    errors.into_result()?;
    let scope = actor.scope();
    let before = cap_of(app, &scope, d.id).await?;
    let after = CapView { max_mailings: max_n.expect("checked"), days: days_n.expect("checked") };
    let now = Utc::now();
    let txn = app.db.write().await?;
    q::set_cap(
        &txn,
        &scope,
        mail_cap::Model { district_id: d.id, max_mailings: after.max_mailings, days: after.days, updated_at: now },
    )
    .await?;
    let mut e = actor.audit("set_cap", "district", Some(d.id.to_string()));
    e.district_id = Some(d.id);
    e.before = Some(serde_json::to_value(before).unwrap_or_default());
    e.after = Some(serde_json::to_value(after).unwrap_or_default());
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(after)
}

// ---- segments ----

/// A segment's filter: the organisation list's query parameters, an activity of a type this
/// year, and the purpose whose consent the contacts must have.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct SegmentFilter {
    /// Part of a name or an identifier, as in the organisation list's search.
    pub q: Option<String>,
    pub kind: Option<String>,
    pub level: Option<String>,
    pub sector: Option<String>,
    pub ward: Option<String>,
    pub status: Option<String>,
    pub size_band: Option<String>,
    /// An agreement kind in force today, `any`, or `none` (no agreement).
    pub agreement_kind: Option<String>,
    /// The account manager's e-mail, or `none`.
    pub account_manager: Option<String>,
    /// Only organisations with an activity of this type during this calendar year.
    pub activity_type: Option<String>,
    /// Only organisations that came to this event of the segment's district (their
    /// registration is marked attended).
    pub attended_event: Option<i64>,
    /// `news`, `invitations` or `surveys`: the consent the contacts must have (default `news`).
    #[schema(schema_with = crate::schema::code::<ConsentPurpose>)]
    pub purpose: String,
}

impl Default for SegmentFilter {
    fn default() -> Self {
        Self {
            q: None,
            kind: None,
            level: None,
            sector: None,
            ward: None,
            status: None,
            size_band: None,
            agreement_kind: None,
            account_manager: None,
            activity_type: None,
            attended_event: None,
            purpose: ConsentPurpose::News.as_str().into(),
        }
    }
}

/// The name of a filter field in errors, as the API's body names it (`filter.purpose`).
fn fld(name: &str) -> String {
    format!("filter.{name}")
}

fn blank(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

impl SegmentFilter {
    /// The filter with blank values dropped, checked; the organisation filter it stands for.
    async fn check(
        &self,
        app: &App,
        district_id: i64,
        errors: &mut FieldErrors,
    ) -> Option<(SegmentFilter, OrgFilter, ConsentPurpose)> {
        use accord_domain::{AgreementKind, OrgKind, OrgLevel, OrgStatus, SizeBand};
        let mut f = SegmentFilter {
            q: blank(&self.q),
            kind: blank(&self.kind),
            level: blank(&self.level),
            sector: blank(&self.sector),
            ward: blank(&self.ward),
            status: blank(&self.status),
            size_band: blank(&self.size_band),
            agreement_kind: blank(&self.agreement_kind),
            account_manager: blank(&self.account_manager).map(|s| s.to_lowercase()),
            activity_type: blank(&self.activity_type),
            attended_event: self.attended_event,
            purpose: self.purpose.trim().to_owned(),
        };
        let purpose = if f.purpose.is_empty() {
            errors.add(&fld("purpose"), "field.required", None);
            None
        } else {
            errors.take(&fld("purpose"), &f.purpose, ConsentPurpose::parse(&f.purpose))
        };
        if let Some(k) = &f.kind {
            errors.take(&fld("kind"), k, OrgKind::parse(k));
        }
        if let Some(k) = &f.level {
            errors.take(&fld("level"), k, OrgLevel::parse(k));
        }
        if let Some(k) = &f.status {
            errors.take(&fld("status"), k, OrgStatus::parse(k));
        }
        if let Some(k) = &f.size_band {
            errors.take(&fld("size_band"), k, SizeBand::parse(k));
        }
        if let Some(k) = f.agreement_kind.as_deref()
            && k != "any"
            && k != "none"
        {
            errors.take(&fld("agreement_kind"), k, AgreementKind::parse(k));
        }
        let mut org = OrgFilter {
            q: f.q.clone(),
            kind: f.kind.clone(),
            level: f.level.clone(),
            sector: f.sector.clone(),
            ward: f.ward.clone(),
            status: f.status.clone(),
            size_band: f.size_band.clone(),
            agreement: f.agreement_kind.clone(),
            district_id: Some(district_id),
            ..Default::default()
        };
        match f.account_manager.as_deref() {
            None => {}
            Some("none") => org.no_account_manager = true,
            Some(email) => match accord_db::users::find_by_email(&app.db.conn, email).await {
                Ok(Some(u)) => org.account_manager_id = Some(u.id),
                _ => errors.add(&fld("account_manager"), "org.account_manager_unknown", Some(email)),
            },
        }
        if let Some(t) = f.activity_type.clone() {
            match crate::activities::types(app).await {
                Ok(types) => match types.find(&t) {
                    Some(found) => f.activity_type = Some(found.code.clone()),
                    None => errors.add(&fld("activity_type"), "activity_type.unknown", Some(&t)),
                },
                Err(_) => errors.add(&fld("activity_type"), "activity_type.unknown", Some(&t)),
            }
        }
        if let Some(id) = f.attended_event {
            let theirs = accord_domain::Scope::Districts(vec![district_id]);
            match accord_db::events::get_event(&app.db.conn, &theirs, id).await {
                Ok(Some(_)) => {}
                _ => errors.add(&fld("attended_event"), "segment.event_unknown", Some(&id.to_string())),
            }
        }
        Some((f, org, purpose?))
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct SegmentView {
    pub id: i64,
    pub district: String,
    pub name: String,
    pub filter: SegmentFilter,
    pub created_at: DateTime<Utc>,
}

/// How many contacts a segment reaches now (with consent for its purpose, an address and no
/// bounce), and at how many organisations.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Preview {
    pub contacts: u64,
    pub organisations: u64,
}

async fn district_code(app: &App, actor: &Actor, id: i64) -> Result<String> {
    Ok(accord_db::users::get_district(&app.db.conn, &actor.scope(), id).await?.map(|d| d.code).unwrap_or_default())
}

async fn segment_view(app: &App, actor: &Actor, s: segment::Model) -> Result<SegmentView> {
    Ok(SegmentView {
        id: s.id,
        district: district_code(app, actor, s.district_id).await?,
        name: s.name,
        filter: serde_json::from_str(&s.filter).unwrap_or_default(),
        created_at: s.created_at,
    })
}

/// Saves a segment in a district of the actor's.
pub async fn create_segment(
    app: &App,
    actor: &Actor,
    name: &str,
    district: Option<&str>,
    filter: &SegmentFilter,
) -> Result<SegmentView> {
    actor.require_write()?;
    require(can_send(actor))?;
    let user_id = actor.user_id.ok_or(AppError::Forbidden)?;
    let d = dir::pick_district(app, actor, district).await?;
    let mut errors = FieldErrors::new();
    let name = name.trim();
    if name.is_empty() {
        errors.add("name", "field.required", None);
    } else if name.chars().count() > 200 {
        errors.add("name", "field.too_long", None);
    }
    let checked = filter.check(app, d.id, &mut errors).await;
    errors.into_result()?;
    let (filter, _, _) = checked.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = q::insert_segment(
        &txn,
        segment::ActiveModel {
            district_id: Set(d.id),
            name: Set(name.to_owned()),
            filter: Set(serde_json::to_string(&filter).unwrap_or_default()),
            created_by: Set(user_id),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    let mut e = actor.audit("create", "segment", Some(row.id.to_string()));
    e.district_id = Some(d.id);
    e.after = Some(serde_json::json!({"name": row.name, "filter": filter}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    segment_view(app, actor, row).await
}

pub async fn list_segments(app: &App, actor: &Actor) -> Result<Vec<SegmentView>> {
    require(can_view(actor))?;
    let mut out = Vec::new();
    for s in q::list_segments(&app.db.conn, &actor.scope()).await? {
        out.push(segment_view(app, actor, s).await?);
    }
    Ok(out)
}

pub async fn get_segment(app: &App, actor: &Actor, id: i64) -> Result<SegmentView> {
    require(can_view(actor))?;
    let s = q::get_segment(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    segment_view(app, actor, s).await
}

/// One contact the segment reaches, and what becomes of it.
#[derive(Debug, Clone)]
struct Candidate {
    contact: contact::Model,
    organisation_id: i64,
    skip: Option<SkipReason>,
}

/// The segment's contacts with the reason each would be skipped, one per company group when
/// asked: the group's primary contact, else the first company's (eligible contacts first).
async fn resolve(
    app: &App,
    scope: &accord_domain::Scope,
    s: &segment::Model,
    one_per_group: bool,
    cap: Option<CapView>,
) -> Result<(Vec<Candidate>, HashMap<i64, organisation::Model>)> {
    let filter: SegmentFilter = serde_json::from_str(&s.filter).unwrap_or_default();
    let mut errors = FieldErrors::new();
    let (_, org_filter, purpose) =
        filter.check(app, s.district_id, &mut errors).await.ok_or_else(|| AppError::Invalid(errors.clone()))?;
    errors.into_result()?;
    let query = q::SegmentQuery {
        orgs: org_filter,
        activity_type: filter.activity_type.clone(),
        year: Utc::now().year(),
        attended_event: filter.attended_event,
    };
    let (contacts, orgs) = q::segment_contacts(&app.db.conn, scope, &query).await?;
    let mut orgs: HashMap<i64, organisation::Model> = orgs.into_iter().map(|o| (o.id, o)).collect();
    let ids: Vec<i64> = contacts.iter().map(|c| c.id).collect();
    let consents = consent_now(&contacts, &q::consents_of(&app.db.conn, scope, &ids).await?);
    let bouncing: HashSet<i64> =
        q::open_bounces_of(&app.db.conn, scope, &ids).await?.into_iter().map(|b| b.contact_id).collect();
    let capped: HashSet<i64> = match cap {
        Some(cap) => {
            let since = Utc::now() - chrono::Duration::days(cap.days as i64);
            q::mailings_since(&app.db.conn, scope, &ids, since)
                .await?
                .into_iter()
                .filter(|(_, n)| *n >= cap.max_mailings as i64)
                .map(|(c, _)| c)
                .collect()
        }
        None => HashSet::new(),
    };
    let mut out: Vec<Candidate> = contacts
        .into_iter()
        .map(|c| {
            let skip = if !consents.get(&(c.id, purpose)).is_some_and(|n| n.given) {
                Some(SkipReason::NoConsent)
            } else if c.email.as_deref().is_none_or(|e| e.trim().is_empty()) {
                Some(SkipReason::NoEmail)
            } else if bouncing.contains(&c.id) {
                Some(SkipReason::Bouncing)
            } else if capped.contains(&c.id) {
                Some(SkipReason::Cap)
            } else {
                None
            };
            Candidate { organisation_id: c.organisation_id, contact: c, skip }
        })
        .collect();
    if one_per_group {
        // The top of each organisation's hierarchy: parents are read until none is left.
        let mut parent: HashMap<i64, Option<i64>> = orgs.values().map(|o| (o.id, o.parent_id)).collect();
        loop {
            let missing: Vec<i64> = parent
                .values()
                .flatten()
                .filter(|p| !parent.contains_key(p))
                .copied()
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            if missing.is_empty() {
                break;
            }
            for o in accord_db::directory::organisations_by_ids(&app.db.conn, missing.clone()).await? {
                parent.insert(o.id, o.parent_id);
            }
            for m in missing {
                parent.entry(m).or_insert(None);
            }
        }
        let root = |mut id: i64| {
            for _ in 0..16 {
                match parent.get(&id).copied().flatten() {
                    Some(p) => id = p,
                    None => break,
                }
            }
            id
        };
        out.sort_by_key(|c| {
            let r = root(c.organisation_id);
            (r, c.skip.is_some(), c.organisation_id != r, !c.contact.is_primary, c.organisation_id, c.contact.id)
        });
        let mut seen = HashSet::new();
        out.retain(|c| seen.insert(root(c.organisation_id)));
        out.sort_by_key(|c| c.contact.id);
        let keep: HashSet<i64> = out.iter().map(|c| c.organisation_id).collect();
        orgs.retain(|id, _| keep.contains(id));
    }
    Ok((out, orgs))
}

/// A recipient of a survey sent to a segment, or a company group skipped with its reason.
#[derive(Debug, Clone)]
pub(crate) struct SurveyRecipient {
    pub contact: contact::Model,
    pub organisation_id: i64,
    pub skip: Option<SkipReason>,
}

/// Whom a survey sent to segment `segment_id` reaches: one contact per company group, chosen
/// as a mailing sent once per group chooses (the group's primary contact, else the first
/// company's), with the consent to surveys whatever the segment's own purpose. No frequency
/// cap: the survey is once a year. With the organisations the recipients belong to.
pub(crate) async fn survey_recipients(
    app: &App,
    scope: &accord_domain::Scope,
    segment_id: i64,
) -> Result<(Vec<SurveyRecipient>, HashMap<i64, organisation::Model>)> {
    let mut s = q::get_segment(&app.db.conn, scope, segment_id)
        .await?
        .ok_or_else(|| AppError::field("segment_id", "survey.segment_unknown", Some(&segment_id.to_string())))?;
    let mut filter: SegmentFilter = serde_json::from_str(&s.filter).unwrap_or_default();
    filter.purpose = ConsentPurpose::Surveys.as_str().into();
    s.filter = serde_json::to_string(&filter).unwrap_or_default();
    let (cands, orgs) = resolve(app, scope, &s, true, None).await?;
    Ok((
        cands
            .into_iter()
            .map(|c| SurveyRecipient { organisation_id: c.organisation_id, contact: c.contact, skip: c.skip })
            .collect(),
        orgs,
    ))
}

/// The segment's reach before anything is sent.
pub async fn preview_segment(app: &App, actor: &Actor, id: i64) -> Result<Preview> {
    require(can_view(actor))?;
    let scope = actor.scope();
    let s = q::get_segment(&app.db.conn, &scope, id).await?.ok_or(AppError::NotFound)?;
    let (cands, _) = resolve(app, &scope, &s, false, None).await?;
    Ok(count(&cands))
}

fn count(cands: &[Candidate]) -> Preview {
    let reached: Vec<&Candidate> = cands.iter().filter(|c| c.skip.is_none()).collect();
    Preview {
        contacts: reached.len() as u64,
        organisations: reached.iter().map(|c| c.organisation_id).collect::<HashSet<_>>().len() as u64,
    }
}

// ---- mailings ----

/// A mailing to create.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct MailingInput {
    pub segment_id: String,
    pub subject: String,
    pub body: String,
    pub lang: String,
    pub one_per_group: bool,
    /// The event the mailing invites to (its id), or blank.
    pub event_id: String,
}

/// A contact the mailing skipped, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Skipped {
    pub contact_id: i64,
    pub contact_name: String,
    pub organisation_id: i64,
    #[schema(schema_with = crate::schema::code::<SkipReason>)]
    pub reason: SkipReason,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct MailingView {
    pub id: i64,
    pub district: String,
    pub segment_id: i64,
    pub segment_name: String,
    pub subject: String,
    pub body: String,
    /// `en` or `da`.
    pub lang: String,
    pub one_per_group: bool,
    /// The event the mailing invites to: each message carries its recipient's registration
    /// link and the event's calendar file.
    pub event_id: Option<i64>,
    /// That event's title.
    pub event_title: Option<String>,
    /// `draft` or `sent`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Why the frequency cap was overridden for this mailing, if it was.
    pub cap_override: Option<String>,
    /// Contacts of the segment when it was sent: queued or skipped.
    pub recipients: u64,
    pub sent: u64,
    pub failed: u64,
    /// Waiting in the outbox (first try or a retry).
    pub queued: u64,
    pub skipped: Vec<Skipped>,
}

fn check_mailing(input: &MailingInput) -> Result<(i64, Lang, Option<i64>)> {
    let mut errors = FieldErrors::new();
    let segment_id = match input.segment_id.trim().parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.add("segment_id", "mailing.segment_unknown", Some(&input.segment_id));
            None
        }
    };
    for (field, text, max) in [("subject", &input.subject, 200), ("body", &input.body, 20_000)] {
        if text.trim().is_empty() {
            errors.add(field, "field.required", None);
        } else if text.chars().count() > max {
            errors.add(field, "field.too_long", None);
        } else if let Err(unknown) = check_template(text) {
            errors.add(field, "mailing.merge_field_unknown", Some(&unknown));
        }
    }
    let event_id = match input.event_id.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.add("event_id", "mailing.event_unknown", Some(id));
                None
            }
        },
    };
    if event_id.is_none() && uses_field(&input.body, REGISTRATION_LINK) {
        errors.add("event_id", "mailing.event_needed", None);
    }
    if uses_field(&input.subject, REGISTRATION_LINK) {
        errors.add("subject", "mailing.link_in_subject", None);
    }
    let lang = match Lang::parse(&input.lang) {
        Some(l) if input.lang.trim() == l.code() => Some(l),
        _ => {
            errors.add("lang", "mailing.lang_unknown", Some(&input.lang));
            None
        }
    };
    errors.into_result()?;
    Ok((segment_id.expect("checked"), lang.expect("checked"), event_id))
}

/// Drafts a mailing to a segment of the actor's.
pub async fn create_mailing(app: &App, actor: &Actor, input: &MailingInput) -> Result<MailingView> {
    actor.require_write()?;
    require(can_send(actor))?;
    let user_id = actor.user_id.ok_or(AppError::Forbidden)?;
    let (segment_id, lang, event_id) = check_mailing(input)?;
    let scope = actor.scope();
    let s = q::get_segment(&app.db.conn, &scope, segment_id)
        .await?
        .ok_or_else(|| AppError::field("segment_id", "mailing.segment_unknown", Some(&input.segment_id)))?;
    let now = Utc::now();
    if let Some(id) = event_id {
        invitable_event(app, &scope, s.district_id, id, now).await?;
        if segment_purpose(&s) != ConsentPurpose::Invitations {
            return Err(AppError::field("segment_id", "mailing.segment_not_invitations", Some(&s.name)));
        }
    }
    let txn = app.db.write().await?;
    let row = q::insert_mailing(
        &txn,
        mailing::ActiveModel {
            district_id: Set(s.district_id),
            segment_id: Set(s.id),
            subject: Set(input.subject.trim().to_owned()),
            body: Set(input.body.clone()),
            lang: Set(lang.code().into()),
            one_per_group: Set(input.one_per_group),
            status: Set("draft".into()),
            created_by: Set(user_id),
            created_at: Set(now),
            sent_at: Set(None),
            sent_by: Set(None),
            cap_override: Set(None),
            event_id: Set(event_id),
            ..Default::default()
        },
    )
    .await?;
    let mut e = actor.audit("create", "mailing", Some(row.id.to_string()));
    e.district_id = Some(s.district_id);
    e.after = Some(serde_json::json!({"segment_id": s.id, "subject": row.subject, "lang": row.lang,
        "one_per_group": row.one_per_group, "event_id": row.event_id}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get_mailing(app, actor, row.id).await
}

/// The event a mailing of the district may invite to now: the district's, not cancelled, not
/// begun; otherwise an error naming `event_id`.
async fn invitable_event(
    app: &App,
    scope: &accord_domain::Scope,
    district_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> Result<event::Model> {
    let ev = accord_db::events::get_event(&app.db.conn, scope, id)
        .await?
        .filter(|e| e.district_id == district_id)
        .ok_or_else(|| AppError::field("event_id", "mailing.event_unknown", Some(&id.to_string())))?;
    if let Some(why) = crate::events::not_invitable(&ev, now) {
        return Err(AppError::field("event_id", why, None));
    }
    Ok(ev)
}

pub async fn list_mailings(app: &App, actor: &Actor) -> Result<Vec<MailingView>> {
    require(can_view(actor))?;
    let mut out = Vec::new();
    for m in q::list_mailings(&app.db.conn, &actor.scope()).await? {
        out.push(mailing_view(app, actor, m).await?);
    }
    Ok(out)
}

pub async fn get_mailing(app: &App, actor: &Actor, id: i64) -> Result<MailingView> {
    require(can_view(actor))?;
    let m = q::get_mailing(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    mailing_view(app, actor, m).await
}

async fn mailing_view(app: &App, actor: &Actor, m: mailing::Model) -> Result<MailingView> {
    let scope = actor.scope();
    let segment_name = q::get_segment(&app.db.conn, &scope, m.segment_id).await?.map(|s| s.name).unwrap_or_default();
    let rows = q::outbox_of_mailing(&app.db.conn, &scope, m.id).await?;
    let skips = q::skips_of(&app.db.conn, &scope, m.id).await?;
    let names: HashMap<i64, (String, i64)> = if skips.is_empty() {
        HashMap::new()
    } else {
        let ids: HashSet<i64> = skips.iter().map(|s| s.contact_id).collect();
        let mut out = HashMap::new();
        for id in ids {
            if let Some(c) = accord_db::directory::get_contact(&app.db.conn, &scope, id).await? {
                out.insert(id, (c.name, c.organisation_id));
            }
        }
        out
    };
    let by = |s: &str| rows.iter().filter(|r| r.status == s).count() as u64;
    let event_title = match m.event_id {
        Some(id) => accord_db::events::get_event(&app.db.conn, &scope, id).await?.map(|e| e.title),
        None => None,
    };
    Ok(MailingView {
        id: m.id,
        district: district_code(app, actor, m.district_id).await?,
        segment_id: m.segment_id,
        segment_name,
        subject: m.subject,
        body: m.body,
        lang: m.lang,
        one_per_group: m.one_per_group,
        event_id: m.event_id,
        event_title,
        status: m.status,
        created_at: m.created_at,
        sent_at: m.sent_at,
        cap_override: m.cap_override,
        recipients: (rows.len() + skips.len()) as u64,
        sent: by("sent"),
        failed: by("failed"),
        queued: by("queued"),
        skipped: skips
            .into_iter()
            .map(|s| {
                let (name, org) = names.get(&s.contact_id).cloned().unwrap_or_default();
                Skipped {
                    contact_id: s.contact_id,
                    contact_name: name,
                    organisation_id: org,
                    reason: SkipReason::parse(&s.reason).unwrap_or(SkipReason::NoConsent),
                }
            })
            .collect(),
    })
}

/// One recipient's message, as it will be sent.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Rendered {
    pub contact_id: i64,
    pub contact_name: String,
    pub organisation_name: String,
    pub email: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The names of the account managers of these organisations, by user id.
async fn manager_names(app: &App) -> Result<HashMap<i64, String>> {
    Ok(accord_db::users::all_enabled(&app.db.conn).await?.into_iter().map(|u| (u.user.id, u.user.name)).collect())
}

/// The key unsubscribe links are signed with (see `links`).
pub(crate) async fn unsubscribe_key(app: &App) -> Result<Vec<u8>> {
    crate::links::key(app, "unsubscribe").await
}

/// A contact's unsubscribe token for one purpose: the contact, the purpose and a signature
/// over both. It does not expire: a mail read a year later still unsubscribes.
fn unsubscribe_token(key: &[u8], contact_id: i64, purpose: ConsentPurpose) -> String {
    use hmac::Mac;
    let sig = crate::links::mac(key, &format!("unsubscribe:{contact_id}:{}", purpose.as_str())).finalize().into_bytes();
    format!("{contact_id}-{}-{}", purpose.as_str(), hex::encode(&sig[..16]))
}

pub(crate) fn unsubscribe_url(app: &App, key: &[u8], contact_id: i64, purpose: ConsentPurpose, lang: &str) -> String {
    format!(
        "{}/unsubscribe/{}?lang={lang}",
        app.config.public_url.trim_end_matches('/'),
        unsubscribe_token(key, contact_id, purpose)
    )
}

/// The footer every mailing carries, in its language.
pub(crate) fn footer(lang: Lang, url: &str) -> (String, String) {
    let (text, link) = match lang {
        Lang::En => {
            ("You receive this because you agreed to hear from us. To receive no more of these:", "Unsubscribe")
        }
        Lang::Da => {
            ("Du modtager dette, fordi du har sagt ja til at høre fra os. Hvis du ikke vil have flere:", "Afmeld")
        }
    };
    let esc = accord_domain::mail::escape_html;
    (
        format!("\n\n-- \n{text} {url}\n"),
        format!("<hr>\n<p>{} <a href=\"{}\">{}</a></p>\n", esc(text), esc(url), esc(link)),
    )
}

/// The line that carries the registration link when the mailing's text does not place it.
fn registration_line(lang: Lang, url: &str) -> (String, String) {
    let label = match lang {
        Lang::En => "Register, or cancel, here",
        Lang::Da => "Tilmeld jer, eller afmeld, her",
    };
    let esc = accord_domain::mail::escape_html;
    (format!("\n\n{label}: {url}\n"), format!("<p>{}: <a href=\"{}\">{}</a></p>\n", esc(label), esc(url), esc(url)))
}

/// What a mailing that invites to an event adds to each message: the event (for the
/// recipient's registration link, signed with `key`) and its calendar file.
struct Invite {
    event: event::Model,
    key: Vec<u8>,
    ics: String,
}

impl Invite {
    fn link(&self, app: &App, contact_id: i64) -> String {
        crate::events::registration_url(app, &self.key, &self.event, contact_id)
    }
}

/// The invitation of a mailing that names an event; with `check`, an error naming `event_id`
/// when nobody may be invited to it any more.
async fn invite_of(app: &App, actor: &Actor, m: &mailing::Model, check: bool) -> Result<Option<Invite>> {
    let Some(id) = m.event_id else { return Ok(None) };
    let scope = actor.scope();
    let event = if check {
        invitable_event(app, &scope, m.district_id, id, Utc::now()).await?
    } else {
        accord_db::events::get_event(&app.db.conn, &scope, id).await?.ok_or(AppError::NotFound)?
    };
    let view = crate::events::get(app, actor, id).await?;
    let ics = crate::events::ics(app, &view, None);
    Ok(Some(Invite { event, key: crate::events::link_key(app).await?, ics }))
}

fn render(
    m: &mailing::Model,
    c: &contact::Model,
    org: Option<&organisation::Model>,
    managers: &HashMap<i64, String>,
    unsubscribe: Option<&str>,
    registration: Option<&str>,
) -> Rendered {
    let v = MergeValues {
        contact_name: c.name.clone(),
        company_name: org.map(|o| o.name.clone()).unwrap_or_default(),
        account_manager: org
            .and_then(|o| o.account_manager_id)
            .and_then(|id| managers.get(&id).cloned())
            .unwrap_or_default(),
        registration_link: registration.unwrap_or_default().to_owned(),
    };
    let lang = Lang::parse(&m.lang).unwrap_or_default();
    let subject = render_text(&m.subject, &v).unwrap_or_else(|_| m.subject.clone()).replace(['\r', '\n'], " ");
    let mut text = render_text(&m.body, &v).unwrap_or_else(|_| m.body.clone());
    let mut html = render_html(&m.body, &v).unwrap_or_default();
    if let Some(r) = registration
        && !uses_field(&m.body, REGISTRATION_LINK)
    {
        let (t, h) = registration_line(lang, r);
        text.push_str(&t);
        html.push_str(&h);
    }
    if let Some(u) = unsubscribe {
        let (t, h) = footer(lang, u);
        text.push_str(&t);
        html.push_str(&h);
    }
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n{html}</body></html>\n",
        lang.code(),
        accord_domain::mail::escape_html(&subject)
    );
    Rendered {
        contact_id: c.id,
        contact_name: c.name.clone(),
        organisation_name: v.company_name,
        email: c.email.clone().unwrap_or_default(),
        subject,
        text,
        html,
    }
}

/// The message for each recipient it would reach now (at most `limit`), and the counts.
pub async fn preview_mailing(app: &App, actor: &Actor, id: i64, limit: usize) -> Result<(Preview, Vec<Rendered>)> {
    require(can_view(actor))?;
    let scope = actor.scope();
    let m = q::get_mailing(&app.db.conn, &scope, id).await?.ok_or(AppError::NotFound)?;
    let s = q::get_segment(&app.db.conn, &scope, m.segment_id).await?.ok_or(AppError::NotFound)?;
    let cap = cap_of(app, &scope, m.district_id).await?;
    let (cands, orgs) = resolve(app, &scope, &s, m.one_per_group, Some(cap)).await?;
    let managers = manager_names(app).await?;
    let purpose = segment_purpose(&s);
    let key = unsubscribe_key(app).await?;
    let invite = invite_of(app, actor, &m, false).await?;
    let mut out = Vec::new();
    for c in cands.iter().filter(|c| c.skip.is_none()).take(limit) {
        let url = unsubscribe_url(app, &key, c.contact.id, purpose, &m.lang);
        let link = invite.as_ref().map(|i| i.link(app, c.contact.id));
        out.push(render(&m, &c.contact, orgs.get(&c.organisation_id), &managers, Some(&url), link.as_deref()));
    }
    Ok((count(&cands), out))
}

fn segment_purpose(s: &segment::Model) -> ConsentPurpose {
    serde_json::from_str::<SegmentFilter>(&s.filter)
        .ok()
        .and_then(|f| ConsentPurpose::parse(&f.purpose).ok())
        .unwrap_or(ConsentPurpose::News)
}

/// Whether mail can leave this node: without an SMTP server it waits in the outbox.
pub fn mail_configured(app: &App) -> bool {
    app.config.mail.smtp.is_some()
}

pub(crate) fn require_mail(app: &App) -> Result<()> {
    if mail_configured(app) { Ok(()) } else { Err(AppError::field("mailing", "mailing.no_smtp", None)) }
}

/// Sends the mailing, as its first recipient would get it, to the actor's own address.
pub async fn test_send(app: &App, actor: &Actor, id: i64) -> Result<String> {
    actor.require_write()?;
    require(can_send(actor))?;
    let scope = actor.scope();
    let m = q::get_mailing(&app.db.conn, &scope, id).await?.ok_or(AppError::NotFound)?;
    require_mail(app)?;
    let invite = invite_of(app, actor, &m, false).await?;
    let (_, rendered) = preview_mailing(app, actor, id, 1).await?;
    let sample = match rendered.into_iter().next() {
        Some(r) => r,
        None => {
            let me = contact::Model {
                id: 0,
                district_id: m.district_id,
                organisation_id: 0,
                r#ref: String::new(),
                name: actor.name.clone(),
                name_norm: String::new(),
                role: None,
                email: Some(actor.email.clone()),
                phone: None,
                consent: true,
                is_primary: false,
                created_at: Utc::now(),
                updated_at: Utc::now(),
                version: 1,
            };
            // Nobody the segment reaches: the link has a recipient's form but registers nobody.
            let link = invite.as_ref().map(|i| i.link(app, 0));
            render(&m, &me, None, &HashMap::new(), None, link.as_deref())
        }
    };
    let now = Utc::now();
    let txn = app.db.write().await?;
    outbox::enqueue(
        &txn,
        &app.config.mail,
        vec![outbox::Outgoing {
            district_id: m.district_id,
            mailing_id: None,
            contact_id: None,
            organisation_id: None,
            email: actor.email.clone(),
            subject: format!("[TEST] {}", sample.subject),
            text: sample.text,
            html: sample.html,
            unsubscribe_url: None,
            ics: invite.map(|i| i.ics),
        }],
        now,
    )
    .await?;
    let mut e = actor.audit("test_send", "mailing", Some(m.id.to_string()));
    e.district_id = Some(m.district_id);
    e.after = Some(serde_json::json!({"to": actor.email}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    app.outbox_wake.notify_one();
    Ok(actor.email.clone())
}

/// Sends a draft mailing: one outbox row per recipient it reaches, the skipped ones with
/// their reason, and the mailing marked sent, all in one transaction. With
/// `cap_override` (a reason) the frequency cap does not apply to this mailing.
pub async fn send(app: &App, actor: &Actor, id: i64, cap_override: Option<&str>) -> Result<MailingView> {
    actor.require_write()?;
    require(can_send(actor))?;
    // A mailing the caller cannot see is not found, whether or not mail can leave.
    get_mailing(app, actor, id).await?;
    require_mail(app)?;
    queue(app, actor, id, cap_override).await?;
    app.outbox_wake.notify_one();
    get_mailing(app, actor, id).await
}

/// Queues a draft mailing in the outbox: [`send`] without the check that mail can leave.
async fn queue(app: &App, actor: &Actor, id: i64, cap_override: Option<&str>) -> Result<()> {
    actor.require_write()?;
    require(can_send(actor))?;
    let user_id = actor.user_id.ok_or(AppError::Forbidden)?;
    let override_reason = cap_override.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    if let Some(r) = &override_reason
        && r.chars().count() > 1000
    {
        return Err(AppError::field("cap_override", "field.too_long", None));
    }
    let scope = actor.scope();
    let m = q::get_mailing(&app.db.conn, &scope, id).await?.ok_or(AppError::NotFound)?;
    if m.status != "draft" {
        return Err(AppError::field("status", "mailing.already_sent", Some(&m.status)));
    }
    let s = q::get_segment(&app.db.conn, &scope, m.segment_id).await?.ok_or(AppError::NotFound)?;
    let cap = if override_reason.is_some() { None } else { Some(cap_of(app, &scope, m.district_id).await?) };
    let (cands, orgs) = resolve(app, &scope, &s, m.one_per_group, cap).await?;
    let managers = manager_names(app).await?;
    let purpose = segment_purpose(&s);
    let key = unsubscribe_key(app).await?;
    let invite = invite_of(app, actor, &m, true).await?;
    let mut messages = Vec::new();
    let mut skips = Vec::new();
    for c in &cands {
        match c.skip {
            Some(reason) => skips.push(mailing_skip::ActiveModel {
                district_id: Set(m.district_id),
                mailing_id: Set(m.id),
                contact_id: Set(c.contact.id),
                reason: Set(reason.as_str().into()),
                ..Default::default()
            }),
            None => {
                let url = unsubscribe_url(app, &key, c.contact.id, purpose, &m.lang);
                let link = invite.as_ref().map(|i| i.link(app, c.contact.id));
                let r = render(&m, &c.contact, orgs.get(&c.organisation_id), &managers, Some(&url), link.as_deref());
                messages.push(outbox::Outgoing {
                    district_id: m.district_id,
                    mailing_id: Some(m.id),
                    contact_id: Some(c.contact.id),
                    organisation_id: Some(c.organisation_id),
                    email: r.email,
                    subject: r.subject,
                    text: r.text,
                    html: r.html,
                    unsubscribe_url: Some(url),
                    ics: invite.as_ref().map(|i| i.ics.clone()),
                });
            }
        }
    }
    let (queued, skipped) = (messages.len(), skips.len());
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !q::mark_mailing_sent(&txn, &scope, m.id, user_id, now, override_reason.clone()).await? {
        return Err(AppError::field("status", "mailing.already_sent", Some("sent")));
    }
    if let Some(i) = &invite {
        // Each recipient's company now counts as invited, as when staff issue its link.
        for msg in &messages {
            if let (Some(contact), Some(org)) = (msg.contact_id, msg.organisation_id) {
                accord_db::events::record_invitation(&txn, i.event.id, org, contact, actor.user_id, now).await?;
            }
        }
    }
    outbox::enqueue(&txn, &app.config.mail, messages, now).await?;
    q::insert_skips(&txn, skips).await?;
    let mut e = actor.audit("send", "mailing", Some(m.id.to_string()));
    e.district_id = Some(m.district_id);
    e.after = Some(serde_json::json!({"queued": queued, "skipped": skipped, "cap_override": override_reason,
        "event_id": m.event_id}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(())
}

/// For the demo, which has no SMTP server: queues the mailing in the outbox as [`send`] does,
/// then records each queued message as delivered through the outbox's own claim and
/// mark-sent steps (and so in the contact log), under the node name `demo (no SMTP server)`.
/// Nothing leaves the machine.
pub async fn record_demo_sent(app: &App, actor: &Actor, id: i64) -> Result<MailingView> {
    queue(app, actor, id, None).await?;
    let node = "demo (no SMTP server)";
    let now = Utc::now();
    let mine: HashSet<i64> =
        q::outbox_of_mailing(&app.db.conn, &actor.scope(), id).await?.into_iter().map(|r| r.id).collect();
    let txn = app.db.write().await?;
    let claimed = q::claim_due(&txn, node, now, now + chrono::Duration::hours(1), u32::MAX as u64).await?;
    let others: Vec<i64> = claimed.iter().map(|r| r.id).filter(|r| !mine.contains(r)).collect();
    q::release(&txn, &others, node).await?;
    for r in claimed.iter().filter(|r| mine.contains(&r.id)) {
        q::mark_sent(&txn, r.id, node, now).await?;
    }
    txn.commit().await?;
    get_mailing(app, actor, id).await
}

// ---- unsubscribing ----

/// What the unsubscribe page says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribed {
    pub purpose: ConsentPurpose,
    /// The consent had been withdrawn already.
    pub already: bool,
}

async fn read_unsubscribe(app: &App, token: &str) -> Result<(contact::Model, Unsubscribed)> {
    let mut parts = token.splitn(3, '-');
    let (Some(id), Some(purpose), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(AppError::NotFound);
    };
    let (Ok(contact_id), Ok(purpose)) = (id.parse::<i64>(), ConsentPurpose::parse(purpose)) else {
        return Err(AppError::NotFound);
    };
    let expected = unsubscribe_token(&unsubscribe_key(app).await?, contact_id, purpose);
    let expected_sig = expected.rsplit('-').next().unwrap_or_default();
    if !constant_time_eq(expected_sig.as_bytes(), sig.as_bytes()) {
        return Err(AppError::NotFound);
    }
    let all = accord_domain::Scope::All;
    let c = accord_db::directory::get_contact(&app.db.conn, &all, contact_id).await?.ok_or(AppError::NotFound)?;
    let rows = q::consents_of(&app.db.conn, &all, &[c.id]).await?;
    let now_state = consent_now(std::slice::from_ref(&c), &rows);
    let already = !now_state[&(c.id, purpose)].given;
    Ok((c, Unsubscribed { purpose, already }))
}

/// What a signed unsubscribe link names, read only: the page asks the reader to confirm, so a
/// mail scanner that opens every link withdraws nothing.
pub async fn open_unsubscribe(app: &App, token: &str) -> Result<Unsubscribed> {
    Ok(read_unsubscribe(app, token).await?.1)
}

/// Withdraws the consent a signed link names, at once; nobody signs in for it.
pub async fn unsubscribe(app: &App, token: &str) -> Result<Unsubscribed> {
    let (c, u) = read_unsubscribe(app, token).await?;
    let purpose = u.purpose;
    if u.already {
        return Ok(u);
    }
    let now = Utc::now();
    let txn = app.db.write().await?;
    q::record_consent(&txn, c.district_id, c.id, purpose.as_str(), false, ConsentSource::Contact.as_str(), None, now)
        .await?;
    let e = accord_db::audit::Entry {
        actor: "unsubscribe link".into(),
        action: "consent_withdrawn".into(),
        entity: "contact".into(),
        entity_id: Some(c.id.to_string()),
        district_id: Some(c.district_id),
        after: Some(serde_json::json!({"purpose": purpose, "given": false, "source": "contact"})),
        ..Default::default()
    };
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(Unsubscribed { purpose, already: false })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
