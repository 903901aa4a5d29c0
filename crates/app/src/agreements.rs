//! Agreements with employers: drafting from the secretariat's commitment templates, the
//! lifecycle (draft → active → terminated, renewal as a linked new version), the sites an
//! agreement covers, its targets and their progress, attached documents, and the one answer
//! the reports rely on: who was a partner company on a given day.

use crate::directory::{self as dir, opt, short_text};
use crate::{Actor, App, AppError, DistrictRef, Page, Paging, Result};
use accord_db::agreements::{self as q, Cover};
use accord_db::directory as dq;
use accord_db::entities::{agreement, agreement_target, commitment_template, contact, organisation, user};
use accord_db::sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use accord_domain::agreement::{InForce, Phase, elapsed_percent};
use accord_domain::{AgreementFilter, AgreementSort};
use accord_domain::{AgreementKind, AgreementStatus, FieldErrors, Lang, Role, Side, TargetMetric};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// The largest document that can be attached to an agreement.
pub const DOCUMENT_LIMIT: usize = 10 * 1024 * 1024;
/// How far ahead the review list looks.
pub const REVIEW_WINDOW_DAYS: i64 = 60;

pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor)
}

pub fn can_edit(actor: &Actor) -> bool {
    dir::can_edit(actor)
}

/// The secretariat keeps the commitment templates; administrators and managers may too.
pub fn can_manage_templates(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| matches!(r, Role::Admin | Role::Manager | Role::Secretariat))
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

fn require_edit(actor: &Actor) -> Result<()> {
    actor.require_write()?;
    require(can_edit(actor))
}

// ---- views ----

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SiteView {
    pub id: i64,
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitmentView {
    pub side: String,
    pub text: String,
}

/// A target with its progress on the day it was read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TargetView {
    pub metric: String,
    pub target: i32,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub label: Option<String>,
    /// Progress entered by hand (courses only).
    pub recorded: Option<i32>,
    /// Counted from the activities and recruitment requests at the covered sites, or the
    /// recorded figure.
    pub achieved: i64,
    /// `achieved` as a share of `target`, 0 and up (over 100 when exceeded).
    pub percent: u32,
    /// The share of the period that has passed.
    pub elapsed_percent: u32,
    /// What each district's records count toward `achieved` (counted metrics only): every
    /// delivering district for the holder, a participating district's own for it.
    #[serde(default)]
    pub shares: Vec<TargetShare>,
}

/// A district's share of a target's progress: what the activities and recruitment requests it
/// recorded at the covered sites count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TargetShare {
    #[serde(skip)]
    pub district_id: i64,
    pub district: String,
    pub district_name: String,
    pub achieved: i64,
}

/// A district an agreement's covered sites are in, with those sites.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CoveredDistrict {
    #[serde(skip)]
    pub district_id: i64,
    pub district: String,
    pub district_name: String,
    pub sites: Vec<SiteView>,
}

impl TargetView {
    /// Behind when less has been achieved than the share of the period gone by.
    pub fn behind(&self) -> bool {
        self.percent < self.elapsed_percent
    }
}

/// An agreement as pages, the API and exports show it; fields named as the import columns.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AgreementView {
    pub id: i64,
    pub district: String,
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub organisation_id: i64,
    pub organisation_ref: String,
    pub organisation_name: String,
    pub kind: String,
    pub status: String,
    /// The status as of today: `draft`, `upcoming`, `active`, `ended` or `terminated`.
    pub phase: String,
    pub language: String,
    pub purpose: Option<String>,
    pub account_manager_email: Option<String>,
    pub account_manager_name: Option<String>,
    pub contact_ref: Option<String>,
    pub contact_name: Option<String>,
    pub signed_date: Option<NaiveDate>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
    pub terminated_on: Option<NaiveDate>,
    pub terminated_by: Option<String>,
    pub termination_reason: Option<String>,
    pub previous_id: Option<i64>,
    pub previous_ref: Option<String>,
    /// The covered organisations besides the holder.
    pub sites: Vec<SiteView>,
    /// The districts the covered sites are in (on a single record's read): a national unit's
    /// agreement may cover sites in any district.
    #[serde(default)]
    pub districts: Vec<CoveredDistrict>,
    /// Read by a district that delivers the agreement but does not hold it: read-only, and
    /// only its own sites and figures are shown.
    #[serde(default)]
    pub participating: bool,
    #[serde(skip)]
    pub district_id: i64,
    pub commitments: Vec<CommitmentView>,
    pub targets: Vec<TargetView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl AgreementView {
    pub fn reference(&self) -> &str {
        &self.r#ref
    }

    pub fn commitments_of(&self, side: &str) -> Vec<&CommitmentView> {
        self.commitments.iter().filter(|c| c.side == side).collect()
    }

    pub fn is_draft(&self) -> bool {
        self.status == "draft"
    }

    pub fn is_terminated(&self) -> bool {
        self.status == "terminated"
    }

    pub fn sites_text(&self) -> String {
        self.sites.iter().map(|s| s.r#ref.as_str()).collect::<Vec<_>>().join("; ")
    }
}

fn status_of(m: &agreement::Model) -> AgreementStatus {
    AgreementStatus::parse(&m.status).unwrap_or(AgreementStatus::Draft)
}

fn in_force(m: &agreement::Model) -> Option<InForce> {
    InForce::of(status_of(m), m.start_date, m.end_date, m.terminated_on)
}

fn phase(m: &agreement::Model, today: NaiveDate) -> Phase {
    Phase::of(status_of(m), m.start_date, m.end_date, m.terminated_on, today)
}

/// Turns rows into views with their holders, sites, people and predecessors looked up in
/// bulk. Commitments and targets are filled only by [`detail`].
pub(crate) async fn views(app: &App, rows: Vec<agreement::Model>) -> Result<Vec<AgreementView>> {
    let c = &app.db.conn;
    let today = Utc::now().date_naive();
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let sites = q::sites_of(c, rows.iter().map(|r| r.id).collect()).await?;
    let mut org_ids: Vec<i64> = rows.iter().map(|r| r.organisation_id).collect();
    org_ids.extend(sites.iter().map(|s| s.organisation_id));
    org_ids.sort_unstable();
    org_ids.dedup();
    let orgs: HashMap<i64, organisation::Model> =
        dq::organisations_by_ids(c, org_ids).await?.into_iter().map(|o| (o.id, o)).collect();
    let am_ids: Vec<i64> = rows.iter().filter_map(|r| r.account_manager_id).collect();
    let ams = if am_ids.is_empty() {
        vec![]
    } else {
        user::Entity::find().filter(user::Column::Id.is_in(am_ids)).all(c).await?
    };
    let contact_ids: Vec<i64> = rows.iter().filter_map(|r| r.contact_id).collect();
    let contacts = if contact_ids.is_empty() {
        vec![]
    } else {
        contact::Entity::find().filter(contact::Column::Id.is_in(contact_ids)).all(c).await?
    };
    let previous = q::agreements_by_ids(c, rows.iter().filter_map(|r| r.previous_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let holder = orgs.get(&r.organisation_id);
            let am = r.account_manager_id.and_then(|id| ams.iter().find(|u| u.id == id));
            let person = r.contact_id.and_then(|id| contacts.iter().find(|x| x.id == id));
            let mut covered: Vec<SiteView> = sites
                .iter()
                .filter(|s| s.agreement_id == r.id && s.organisation_id != r.organisation_id)
                .filter_map(|s| orgs.get(&s.organisation_id))
                .map(|o| SiteView { id: o.id, r#ref: o.r#ref.clone(), name: o.name.clone() })
                .collect();
            covered.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
            AgreementView {
                id: r.id,
                district: districts.iter().find(|d| d.id == r.district_id).map(|d| d.code.clone()).unwrap_or_default(),
                organisation_ref: holder.map(|o| o.r#ref.clone()).unwrap_or_default(),
                organisation_name: holder.map(|o| o.name.clone()).unwrap_or_default(),
                phase: phase(&r, today).as_str().to_owned(),
                account_manager_email: am.map(|u| u.email.clone()),
                account_manager_name: am.map(|u| u.name.clone()),
                contact_ref: person.map(|p| p.r#ref.clone()),
                contact_name: person.map(|p| p.name.clone()),
                previous_ref: r.previous_id.and_then(|p| previous.iter().find(|x| x.id == p)).map(|p| p.r#ref.clone()),
                sites: covered,
                districts: vec![],
                participating: false,
                district_id: r.district_id,
                commitments: vec![],
                targets: vec![],
                r#ref: r.r#ref,
                organisation_id: r.organisation_id,
                kind: r.kind,
                status: r.status,
                language: r.language,
                purpose: r.purpose,
                signed_date: r.signed_on,
                start_date: r.start_date,
                end_date: r.end_date,
                review_date: r.review_on,
                terminated_on: r.terminated_on,
                terminated_by: r.terminated_by,
                termination_reason: r.termination_reason,
                previous_id: r.previous_id,
                created_at: r.created_at,
                updated_at: r.updated_at,
                version: r.version,
            }
        })
        .collect())
}

/// The organisations an agreement covers: its holder and its sites.
async fn covered_ids<C: ConnectionTrait>(c: &C, m: &agreement::Model) -> Result<Vec<i64>> {
    let mut ids: Vec<i64> = q::sites_of(c, vec![m.id]).await?.into_iter().map(|s| s.organisation_id).collect();
    ids.push(m.organisation_id);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

fn percent_of(achieved: i64, target: i32) -> u32 {
    if target > 0 { (achieved * 100 / i64::from(target)).clamp(0, 10_000) as u32 } else { 0 }
}

/// Each target's progress on `today`, counted at `covered` whichever district recorded it, with
/// each district's share: the delivering districts (`delivering`, by id and code and name) and
/// any other that recorded something there.
pub(crate) async fn progress<C: ConnectionTrait>(
    c: &C,
    targets: Vec<agreement_target::Model>,
    covered: &[i64],
    delivering: &[(i64, String, String)],
    names: &HashMap<i64, (String, String)>,
    today: NaiveDate,
) -> Result<Vec<TargetView>> {
    let mut out = Vec::with_capacity(targets.len());
    for t in targets {
        let metric = TargetMetric::parse(&t.metric).unwrap_or(TargetMetric::Placements);
        let (from, to) = (t.period_start, t.period_end);
        let counted = match metric {
            TargetMetric::Placements => Some(q::activity_shares(c, covered, from, to, None).await?),
            TargetMetric::Hires => Some(q::activity_shares(c, covered, from, to, Some("hired")).await?),
            TargetMetric::JobsFilled => Some(q::hire_shares(c, covered, from, to).await?),
            TargetMetric::Courses => None,
        };
        let (achieved, shares) = match counted {
            None => (i64::from(t.recorded.unwrap_or(0)), vec![]),
            Some(rows) => {
                let mut shares: Vec<TargetShare> = delivering
                    .iter()
                    .map(|(id, code, name)| TargetShare {
                        district_id: *id,
                        district: code.clone(),
                        district_name: name.clone(),
                        achieved: 0,
                    })
                    .collect();
                for (d, n) in rows {
                    match shares.iter_mut().find(|s| s.district_id == d) {
                        Some(s) => s.achieved += n,
                        None => {
                            let (code, name) = names.get(&d).cloned().unwrap_or_default();
                            shares.push(TargetShare {
                                district_id: d,
                                district: code,
                                district_name: name,
                                achieved: n,
                            });
                        }
                    }
                }
                shares.sort_by(|a, b| a.district_name.cmp(&b.district_name).then(a.district_id.cmp(&b.district_id)));
                (shares.iter().map(|s| s.achieved).sum(), shares)
            }
        };
        let percent = percent_of(achieved, t.target);
        out.push(TargetView {
            metric: t.metric,
            target: t.target,
            period_start: from,
            period_end: to,
            label: t.label,
            recorded: t.recorded,
            achieved,
            percent,
            elapsed_percent: elapsed_percent(from, to, today),
            shares,
        });
    }
    Ok(out)
}

// ---- input and checks ----

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct CommitmentInput {
    pub side: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct TargetInput {
    pub metric: String,
    pub target: String,
    pub period_start: String,
    pub period_end: String,
    pub label: String,
    pub recorded: String,
}

/// What a form, an API body or an import row gives for an agreement. Empty text is "no
/// value"; `None` lists keep what is stored (on a new agreement: the holder alone, the
/// district's commitment templates, no targets).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AgreementInput {
    pub district: Option<String>,
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub organisation_ref: String,
    pub kind: String,
    pub status: String,
    pub language: String,
    pub purpose: String,
    pub account_manager_email: String,
    pub contact_ref: String,
    pub signed_date: String,
    pub start_date: String,
    pub end_date: String,
    pub review_date: String,
    pub terminated_on: String,
    pub terminated_by: String,
    pub termination_reason: String,
    pub sites: Option<Vec<String>>,
    pub commitments: Option<Vec<CommitmentInput>>,
    pub targets: Option<Vec<TargetInput>>,
    pub version: Option<i32>,
}

impl AgreementInput {
    pub fn reference(&self) -> &str {
        &self.r#ref
    }

    pub fn from_view(v: &AgreementView) -> Self {
        let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        AgreementInput {
            district: Some(v.district.clone()),
            r#ref: v.r#ref.clone(),
            organisation_ref: v.organisation_ref.clone(),
            kind: v.kind.clone(),
            status: v.status.clone(),
            language: v.language.clone(),
            purpose: v.purpose.clone().unwrap_or_default(),
            account_manager_email: v.account_manager_email.clone().unwrap_or_default(),
            contact_ref: v.contact_ref.clone().unwrap_or_default(),
            signed_date: d(v.signed_date),
            start_date: v.start_date.to_string(),
            end_date: d(v.end_date),
            review_date: d(v.review_date),
            terminated_on: d(v.terminated_on),
            terminated_by: v.terminated_by.clone().unwrap_or_default(),
            termination_reason: v.termination_reason.clone().unwrap_or_default(),
            sites: Some(v.sites.iter().map(|s| s.r#ref.clone()).collect()),
            commitments: Some(
                v.commitments.iter().map(|c| CommitmentInput { side: c.side.clone(), text: c.text.clone() }).collect(),
            ),
            targets: Some(
                v.targets
                    .iter()
                    .map(|t| TargetInput {
                        metric: t.metric.clone(),
                        target: t.target.to_string(),
                        period_start: t.period_start.to_string(),
                        period_end: t.period_end.to_string(),
                        label: t.label.clone().unwrap_or_default(),
                        recorded: t.recorded.map(|r| r.to_string()).unwrap_or_default(),
                    })
                    .collect(),
            ),
            version: Some(v.version),
        }
    }

    /// A list of site refs as one cell: separated by `;`, `,`, `|` or line breaks.
    pub fn split_sites(text: &str) -> Vec<String> {
        text.split([';', ',', '|', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
    }
}

/// The checked values of an agreement, ready to store.
#[derive(Debug, Clone)]
pub struct Checked {
    pub r#ref: Option<String>,
    pub organisation_id: i64,
    pub kind: AgreementKind,
    pub status: AgreementStatus,
    pub language: Lang,
    pub purpose: Option<String>,
    pub account_manager_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub signed_on: Option<NaiveDate>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub review_on: Option<NaiveDate>,
    pub terminated_on: Option<NaiveDate>,
    pub terminated_by: Option<Side>,
    pub termination_reason: Option<String>,
    /// Every covered organisation, the holder first.
    pub covered: Vec<i64>,
    pub commitments: Option<Vec<(String, String)>>,
    pub targets: Option<Vec<agreement_target::ActiveModel>>,
    /// The agreement a new one renews.
    pub previous_id: Option<i64>,
}

fn date_field(errors: &mut FieldErrors, field: &str, v: &str) -> Option<NaiveDate> {
    opt(v).and_then(|s| errors.take(field, s, dir::parse_date(s)))
}

fn check_commitments(errors: &mut FieldErrors, items: &[CommitmentInput]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, c) in items.iter().enumerate() {
        let text = c.text.trim();
        if text.is_empty() {
            continue;
        }
        let field = format!("commitments[{i}]");
        let Some(side) = errors.take(&field, &c.side, Side::parse(&c.side)) else { continue };
        if text.chars().count() > 1000 {
            errors.add(&field, "field.too_long", None);
            continue;
        }
        out.push((side.as_str().to_owned(), text.to_owned()));
    }
    if out.len() > 60 {
        errors.add("commitments", "agreement.too_many_commitments", Some(&out.len().to_string()));
    }
    out
}

fn check_targets(errors: &mut FieldErrors, items: &[TargetInput]) -> Vec<agreement_target::ActiveModel> {
    let mut out = Vec::new();
    for (i, t) in items.iter().enumerate() {
        let blank = [&t.metric, &t.target, &t.period_start, &t.period_end, &t.label, &t.recorded]
            .iter()
            .all(|s| s.trim().is_empty());
        if blank {
            continue;
        }
        let f = |name: &str| format!("targets[{i}].{name}");
        let metric = errors.take(&f("metric"), &t.metric, TargetMetric::parse(&t.metric));
        let number = |errors: &mut FieldErrors, name: &str, v: &str, min: i32| -> Option<i32> {
            match v.trim().parse::<i32>() {
                Ok(n) if (min..=10_000_000).contains(&n) => Some(n),
                _ => {
                    errors.add(&f(name), if min > 0 { "number.positive" } else { "number.not_negative" }, Some(v));
                    None
                }
            }
        };
        let target = number(errors, "target", &t.target, 1);
        let from = match opt(&t.period_start) {
            None => {
                errors.add(&f("period_start"), "field.required", None);
                None
            }
            Some(s) => errors.take(&f("period_start"), s, dir::parse_date(s)),
        };
        let to = match opt(&t.period_end) {
            None => {
                errors.add(&f("period_end"), "field.required", None);
                None
            }
            Some(s) => errors.take(&f("period_end"), s, dir::parse_date(s)),
        };
        if let (Some(a), Some(b)) = (from, to)
            && b < a
        {
            errors.add(&f("period_start"), "period.end_before_start", Some(&t.period_start));
            errors.add(&f("period_end"), "period.end_before_start", Some(&t.period_end));
        }
        let label = short_text(errors, &f("label"), &t.label, 200);
        let recorded = match (opt(&t.recorded), metric) {
            (None, _) => None,
            (Some(v), Some(TargetMetric::Courses)) => number(errors, "recorded", v, 0),
            (Some(v), Some(_)) => {
                errors.add(&f("recorded"), "target.recorded_counted", Some(v));
                None
            }
            (Some(_), None) => None,
        };
        if let (Some(metric), Some(target), Some(from), Some(to)) = (metric, target, from, to) {
            out.push(agreement_target::ActiveModel {
                metric: Set(metric.as_str().to_owned()),
                target: Set(target),
                period_start: Set(from),
                period_end: Set(to),
                label: Set(label),
                recorded: Set(recorded),
                ..Default::default()
            });
        }
    }
    out
}

fn fmt_period(f: &InForce) -> String {
    match f.to {
        Some(t) => format!("{} – {}", f.from, t),
        None => format!("{} –", f.from),
    }
}

/// Whether `group_id` is the employer of a national account that `district_id` (a national
/// unit) keeps.
async fn national_holder<C: ConnectionTrait>(c: &C, district_id: i64, group_id: i64) -> Result<bool> {
    let unit = accord_db::Scope::Districts(vec![district_id]);
    let accounts = accord_db::national::accounts_of_groups(c, &unit, vec![group_id]).await?;
    Ok(accounts.iter().any(|a| a.district_id == district_id))
}

/// Checks every field of an agreement and names each problem. `existing` is the stored
/// record when it is being changed.
pub(crate) async fn check<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    input: &AgreementInput,
    existing: Option<&agreement::Model>,
    errors: &mut FieldErrors,
) -> Result<Option<Checked>> {
    let r#ref = short_text(errors, "ref", &input.r#ref, 64);
    let holder = match opt(&input.organisation_ref) {
        None => {
            errors.add("organisation_ref", "field.required", None);
            None
        }
        Some(r) => dir::resolve_org(c, &[district_id], "organisation_ref", r, errors).await?,
    };
    let kind = match opt(&input.kind) {
        None => {
            errors.add("kind", "field.required", None);
            None
        }
        Some(k) => errors.take("kind", k, AgreementKind::parse(k)),
    };
    let before = existing.map(status_of);
    let status = match opt(&input.status) {
        None => Some(before.unwrap_or(AgreementStatus::Draft)),
        Some(s) => errors.take("status", s, AgreementStatus::parse(s)),
    };
    if let (Some(b), Some(s)) = (before, status)
        && s < b
    {
        errors.add("status", "agreement.status_backwards", Some(s.as_str()));
    }
    let language = match opt(&input.language) {
        Some(l) => errors.take("language", l, Lang::parse(l).ok_or("agreement.language_unknown")),
        // Danish for a Danish employer, English otherwise.
        None => Some(match &holder {
            Some(h) if h.cvr.is_some() || h.p_number.is_some() => Lang::Da,
            Some(h) if h.companies_house.is_some() => Lang::En,
            _ => existing.and_then(|e| Lang::parse(&e.language)).unwrap_or(Lang::En),
        }),
    };
    let purpose = short_text(errors, "purpose", &input.purpose, 5000);
    let account_manager_id = if opt(&input.account_manager_email).is_none() && existing.is_none() {
        holder.as_ref().and_then(|h| h.account_manager_id)
    } else {
        dir::check_account_manager(c, district_id, "account_manager_email", &input.account_manager_email, errors)
            .await?
    };
    let signed_on = date_field(errors, "signed_date", &input.signed_date);
    let start_date = match opt(&input.start_date) {
        None => {
            errors.add("start_date", "field.required", None);
            None
        }
        Some(s) => errors.take("start_date", s, dir::parse_date(s)),
    };
    let end_date = date_field(errors, "end_date", &input.end_date);
    let review_on = date_field(errors, "review_date", &input.review_date);
    let mut terminated_on = date_field(errors, "terminated_on", &input.terminated_on);
    let terminated_by = opt(&input.terminated_by).and_then(|s| errors.take("terminated_by", s, Side::parse(s)));
    let termination_reason = short_text(errors, "termination_reason", &input.termination_reason, 2000);
    if let (Some(s), Some(e)) = (start_date, end_date)
        && e < s
    {
        errors.add("start_date", "agreement.end_before_start", Some(&input.start_date));
        errors.add("end_date", "agreement.end_before_start", Some(&input.end_date));
    }
    if let (Some(s), Some(r)) = (start_date, review_on)
        && r < s
    {
        errors.add("review_date", "agreement.review_before_start", Some(&input.review_date));
    }
    if let Some(d) = signed_on
        && d > Utc::now().date_naive()
    {
        errors.add("signed_date", "date.future", Some(&input.signed_date));
    }
    if status == Some(AgreementStatus::Terminated) {
        // A terminated agreement without a termination date ended on its end date.
        terminated_on = terminated_on.or(end_date);
        if terminated_on.is_none() {
            errors.add("terminated_on", "agreement.terminated_on_required", None);
        }
    } else if terminated_on.is_some() || terminated_by.is_some() {
        errors.add("status", "agreement.termination_needs_status", Some(input.status.trim()));
    }
    if let (Some(e), Some(t), Some(raw)) = (end_date, terminated_on, opt(&input.terminated_on))
        && t > e
    {
        errors.add("terminated_on", "agreement.terminated_after_end", Some(raw));
    }
    if let (Some(s), Some(t)) = (start_date, terminated_on)
        && t < s - Duration::days(1)
    {
        errors.add("start_date", "agreement.terminated_before_start", Some(&input.start_date));
        errors.add("terminated_on", "agreement.terminated_before_start", Some(&input.terminated_on));
    }
    // The covered sites: the holder and the organisations named.
    let mut covered: Vec<i64> = holder.iter().map(|h| h.id).collect();
    let site_refs: Vec<String> = match (&input.sites, existing) {
        (Some(list), _) => list.iter().flat_map(|s| AgreementInput::split_sites(s)).collect(),
        (None, Some(e)) => {
            // The stored sites, without the stored holder: a new holder takes its place.
            let ids = covered_ids(c, e).await?.into_iter().filter(|id| *id != e.organisation_id).collect();
            dq::organisations_by_ids(c, ids).await?.into_iter().map(|o| o.r#ref).collect()
        }
        (None, None) => vec![],
    };
    // A national unit's agreement with a national employer (the group it keeps the account
    // of) may also cover the employer's companies and sites in any other district.
    let members = match &holder {
        Some(h) if national_holder(c, district_id, h.id).await? => accord_db::national::members(c, h.id).await?,
        _ => vec![],
    };
    for r in &site_refs {
        let found = match dq::resolve_ref(c, district_id, r).await? {
            Some(o) => Some(o.id),
            None => {
                let hits: Vec<i64> = members.iter().filter(|m| m.r#ref == r.trim()).map(|m| m.id).collect();
                if hits.len() > 1 {
                    errors.add("sites", "agreement.site_ambiguous", Some(r));
                    continue;
                }
                hits.first().copied()
            }
        };
        match found {
            Some(id) if !covered.contains(&id) => covered.push(id),
            Some(_) => {}
            None if !members.is_empty() => errors.add("sites", "agreement.site_not_member", Some(r)),
            None => errors.add("sites", "agreement.site_unknown", Some(r)),
        }
    }
    if covered.len() > 2000 {
        errors.add("sites", "agreement.too_many_sites", Some(&covered.len().to_string()));
    }
    // The employer's contact person: someone at the holder or a covered site.
    let contact_id = if opt(&input.contact_ref).is_none() && existing.is_none() {
        match &holder {
            Some(h) => dq::contacts_of(c, h.id).await?.into_iter().find(|x| x.is_primary).map(|x| x.id),
            None => None,
        }
    } else {
        match opt(&input.contact_ref) {
            None => None,
            Some(r) => match dq::contact_by_ref(c, district_id, r).await? {
                Some(p) if covered.contains(&p.organisation_id) => Some(p.id),
                Some(_) => {
                    errors.add("contact_ref", "agreement.contact_elsewhere", Some(r));
                    None
                }
                None => {
                    errors.add("contact_ref", "contact.unknown", Some(r));
                    None
                }
            },
        }
    };
    let commitments = input.commitments.as_ref().map(|list| check_commitments(errors, list));
    let targets = input.targets.as_ref().map(|list| check_targets(errors, list));
    if !errors.is_empty() {
        return Ok(None);
    }
    let (kind, status, start_date) = (kind.expect("checked"), status.expect("checked"), start_date.expect("checked"));
    // No two agreements of one kind in force for the same site on the same day. A renewal may
    // start while its predecessor still runs: activating it ends the predecessor.
    if let Some(mine) = InForce::of(status, start_date, end_date, terminated_on) {
        let predecessor = existing.and_then(|e| e.previous_id);
        q::lock_overlap_check(c, district_id).await?;
        let others = q::covering(c, district_id, kind.as_str(), &covered, existing.map(|e| e.id)).await?;
        let clashes: Vec<&Cover> = others
            .iter()
            .filter(|o| {
                let theirs = InForce::of(
                    AgreementStatus::parse(&o.status).unwrap_or(AgreementStatus::Active),
                    o.start_date,
                    o.end_date,
                    o.terminated_on,
                );
                let renewing = Some(o.agreement_id) == predecessor && o.start_date < start_date;
                !renewing && theirs.is_some_and(|t| t.overlaps(&mine))
            })
            .collect();
        if !clashes.is_empty() {
            let ids: Vec<i64> = clashes.iter().map(|x| x.agreement_id).collect();
            let rows = q::agreements_by_ids(c, ids).await?;
            let orgs = dq::organisations_by_ids(c, clashes.iter().map(|x| x.organisation_id).collect()).await?;
            let mut seen = BTreeSet::new();
            for x in clashes {
                if !seen.insert(x.agreement_id) {
                    continue;
                }
                let Some(a) = rows.iter().find(|a| a.id == x.agreement_id) else { continue };
                let site = orgs.iter().find(|o| o.id == x.organisation_id).map(|o| o.name.as_str()).unwrap_or("");
                let period = in_force(a).map(|f| fmt_period(&f)).unwrap_or_default();
                let field =
                    if Some(x.organisation_id) == holder.as_ref().map(|h| h.id) { "organisation_ref" } else { "sites" };
                errors.add_link(
                    field,
                    "agreement.overlap",
                    Some(&format!("{} ({site}, {period})", a.r#ref)),
                    format!("/agreements/{}", a.id),
                );
            }
            return Ok(None);
        }
    }
    Ok(Some(Checked {
        r#ref,
        organisation_id: holder.expect("checked").id,
        kind,
        status,
        language: language.expect("checked"),
        purpose,
        account_manager_id,
        contact_id,
        signed_on,
        start_date,
        end_date,
        review_on,
        terminated_on,
        terminated_by,
        termination_reason,
        covered,
        commitments,
        targets,
        previous_id: existing.and_then(|e| e.previous_id),
    }))
}

fn audit_json(v: &AgreementView) -> serde_json::Value {
    let mut j = serde_json::to_value(v).unwrap_or_default();
    if let Some(o) = j.as_object_mut() {
        for k in [
            "id",
            "created_at",
            "updated_at",
            "version",
            "phase",
            "account_manager_name",
            "previous_id",
            "targets",
            "districts",
            "participating",
        ] {
            o.remove(k);
        }
        if let Some(sites) = o.get_mut("sites") {
            *sites = serde_json::Value::String(v.sites_text());
        }
    }
    j
}

/// The commitments a new agreement in a district of the actor's starts with: the district's
/// templates in `lang`, as (side, text).
pub async fn starting_commitments(
    app: &App,
    actor: &Actor,
    district_id: i64,
    lang: Lang,
) -> Result<Vec<(String, String)>> {
    if !actor.scope().allows(district_id) {
        return Err(AppError::NotFound);
    }
    template_commitments(&app.db.conn, district_id, lang).await
}

/// The commitments a new agreement starts with: the district's templates, in `lang`.
async fn template_commitments<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    lang: Lang,
) -> Result<Vec<(String, String)>> {
    let rows = q::templates(c, &accord_db::Scope::All, Some(district_id), false).await?;
    Ok(rows.into_iter().map(|t| (t.side, if lang == Lang::Da { t.text_da } else { t.text_en })).collect())
}

/// A ref for a new agreement: `AGR-000042`, or the predecessor's ref with `-R2`, `-R3`… for
/// a renewal.
async fn free_ref<C: ConnectionTrait>(c: &C, district_id: i64, base: &str) -> Result<String> {
    let stem = match base.rsplit_once("-R") {
        Some((s, n)) if n.parse::<u32>().is_ok() => s.to_owned(),
        _ => base.to_owned(),
    };
    for n in 2..1000 {
        let r = format!("{stem}-R{n}");
        if q::agreement_by_ref(c, district_id, &r).await?.is_none() {
            return Ok(r);
        }
    }
    Ok(format!("{stem}-{}", crate::auth::random_token(6)))
}

/// Writes a checked agreement: a new one, or changes to `existing` at `version`; sites,
/// commitments, targets and the audit entry go in the same transaction.
pub(crate) async fn save_checked<C: ConnectionTrait>(
    c: &C,
    app: &App,
    actor: &Actor,
    district_id: i64,
    ck: &Checked,
    existing: Option<(&agreement::Model, i32)>,
    now: DateTime<Utc>,
) -> Result<agreement::Model> {
    let mut am = agreement::ActiveModel {
        organisation_id: Set(ck.organisation_id),
        kind: Set(ck.kind.as_str().to_owned()),
        status: Set(ck.status.as_str().to_owned()),
        language: Set(ck.language.code().to_owned()),
        purpose: Set(ck.purpose.clone()),
        account_manager_id: Set(ck.account_manager_id),
        contact_id: Set(ck.contact_id),
        signed_on: Set(ck.signed_on),
        start_date: Set(ck.start_date),
        end_date: Set(ck.end_date),
        review_on: Set(ck.review_on),
        terminated_on: Set(ck.terminated_on),
        terminated_by: Set(ck.terminated_by.map(|s| s.as_str().to_owned())),
        termination_reason: Set(ck.termination_reason.clone()),
        updated_at: Set(now),
        ..Default::default()
    };
    let row = match existing {
        None => {
            am.district_id = Set(district_id);
            am.previous_id = Set(ck.previous_id);
            am.created_at = Set(now);
            am.version = Set(1);
            am.r#ref = Set(ck.r#ref.clone().unwrap_or_else(|| format!("tmp-{}", crate::auth::random_token(9))));
            let mut row = q::insert_agreement(c, am).await.map_err(|e| dup_error(e, ck))?;
            if ck.r#ref.is_none() {
                let r = format!("AGR-{:06}", row.id);
                agreement::Entity::update_many()
                    .col_expr(agreement::Column::Ref, accord_db::sea_orm::sea_query::Expr::value(r.clone()))
                    .filter(agreement::Column::Id.eq(row.id))
                    .exec(c)
                    .await?;
                row.r#ref = r;
            }
            row
        }
        Some((before, version)) => {
            if let Some(r) = &ck.r#ref {
                am.r#ref = Set(r.clone());
            }
            if !q::update_agreement(c, before.id, version, am).await.map_err(|e| dup_error(e, ck))? {
                return Err(AppError::Conflict { current: serde_json::Value::Null, changed: vec![] });
            }
            agreement::Entity::find_by_id(before.id).one(c).await?.ok_or(AppError::NotFound)?
        }
    };
    let before_view = match existing {
        Some((b, _)) => Some(detail_of(c, app, b.clone()).await?),
        None => None,
    };
    q::replace_sites(c, row.id, &ck.covered).await?;
    let commitments = match (&ck.commitments, existing) {
        (Some(list), _) => Some(list.clone()),
        (None, None) => Some(template_commitments(c, district_id, ck.language).await?),
        (None, Some(_)) => None,
    };
    if let Some(list) = commitments {
        q::replace_commitments(c, row.id, &list).await?;
    }
    if let Some(list) = &ck.targets {
        q::replace_targets(c, row.id, list.clone()).await?;
    }
    // A renewal that comes into force ends its predecessor the day before it starts.
    if ck.status != AgreementStatus::Draft
        && let Some(prev_id) = row.previous_id
        && let Some(prev) = agreement::Entity::find_by_id(prev_id).one(c).await?
        && let Some(f) = in_force(&prev)
        && f.to.is_none_or(|t| t >= row.start_date)
        && prev.start_date < row.start_date
    {
        let end = row.start_date - Duration::days(1);
        agreement::Entity::update_many()
            .col_expr(agreement::Column::EndDate, accord_db::sea_orm::sea_query::Expr::value(end))
            .col_expr(agreement::Column::UpdatedAt, accord_db::sea_orm::sea_query::Expr::value(now))
            .col_expr(
                agreement::Column::Version,
                accord_db::sea_orm::sea_query::ExprTrait::add(
                    accord_db::sea_orm::sea_query::Expr::col(agreement::Column::Version),
                    1,
                ),
            )
            .filter(agreement::Column::Id.eq(prev.id))
            .exec(c)
            .await?;
        let mut e = actor.audit("update", "agreement", Some(prev.id.to_string()));
        e.district_id = Some(district_id);
        e.summary = Some(format!("renewed by {}", row.r#ref));
        e.before = Some(serde_json::json!({"end_date": prev.end_date}));
        e.after = Some(serde_json::json!({"end_date": end}));
        accord_db::audit::append(c, e, now).await?;
    }
    let after_view = detail_of(c, app, row.clone()).await?;
    let (action, before) = match before_view {
        None => ("create", None),
        Some(b) => ("update", Some(audit_json(&b))),
    };
    let mut e = actor.audit(action, "agreement", Some(row.id.to_string()));
    e.district_id = Some(district_id);
    e.before = before;
    e.after = Some(audit_json(&after_view));
    accord_db::audit::append(c, e, now).await?;
    Ok(row)
}

fn dup_error(e: accord_db::DbErr, ck: &Checked) -> AppError {
    if accord_db::is_unique_violation(&e) {
        AppError::field("ref", "agreement.duplicate", ck.r#ref.as_deref())
    } else {
        e.into()
    }
}

/// A view with commitments and targets, read through `c` (which may be a transaction).
async fn detail_of<C: ConnectionTrait>(c: &C, app: &App, row: agreement::Model) -> Result<AgreementView> {
    let covered = covered_ids(c, &row).await?;
    let commitments = q::commitments_of(c, row.id).await?;
    let targets = q::targets_of(c, row.id).await?;
    let mut v = views(app, vec![row]).await?.remove(0);
    // Sites as this connection sees them (the transaction may have just changed them).
    let mut orgs = dq::organisations_by_ids(c, covered.clone()).await?;
    orgs.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    let names: HashMap<i64, (String, String)> = accord_db::users::list_districts(c, &accord_db::Scope::All)
        .await?
        .into_iter()
        .map(|d| (d.id, (d.code, d.name)))
        .collect();
    let mut districts: Vec<CoveredDistrict> = Vec::new();
    for o in &orgs {
        let i = match districts.iter().position(|d| d.district_id == o.district_id) {
            Some(i) => i,
            None => {
                let (code, name) = names.get(&o.district_id).cloned().unwrap_or_default();
                districts.push(CoveredDistrict {
                    district_id: o.district_id,
                    district: code,
                    district_name: name,
                    sites: vec![],
                });
                districts.len() - 1
            }
        };
        districts[i].sites.push(SiteView { id: o.id, r#ref: o.r#ref.clone(), name: o.name.clone() });
    }
    districts.sort_by(|a, b| a.district_name.cmp(&b.district_name).then(a.district_id.cmp(&b.district_id)));
    v.sites = orgs
        .into_iter()
        .filter(|o| o.id != v.organisation_id)
        .map(|o| SiteView { id: o.id, r#ref: o.r#ref, name: o.name })
        .collect();
    v.commitments = commitments.into_iter().map(|c| CommitmentView { side: c.side, text: c.text }).collect();
    let delivering: Vec<(i64, String, String)> =
        districts.iter().map(|d| (d.district_id, d.district.clone(), d.district_name.clone())).collect();
    v.targets = progress(c, targets, &covered, &delivering, &names, Utc::now().date_naive()).await?;
    v.districts = districts;
    Ok(v)
}

/// Where a new agreement goes: the district named, or the one its holder is found in among
/// the actor's districts.
async fn district_for(app: &App, actor: &Actor, input: &AgreementInput) -> Result<DistrictRef> {
    if input.district.as_deref().is_some_and(|d| !d.trim().is_empty()) {
        return dir::pick_district(app, actor, input.district.as_deref()).await;
    }
    let all = accord_db::users::list_districts(&app.db.conn, &actor.scope()).await?;
    if all.len() > 1 && !input.organisation_ref.trim().is_empty() {
        for d in &all {
            if dir::names_any(&app.db.conn, d.id, &input.organisation_ref).await? {
                return Ok(DistrictRef { id: d.id, code: d.code.clone(), name: d.name.clone() });
            }
        }
    }
    dir::pick_district(app, actor, None).await
}

pub async fn create(app: &App, actor: &Actor, input: &AgreementInput) -> Result<AgreementView> {
    create_linked(app, actor, input, None).await
}

async fn create_linked(
    app: &App,
    actor: &Actor,
    input: &AgreementInput,
    previous_id: Option<i64>,
) -> Result<AgreementView> {
    require_edit(actor)?;
    let district = district_for(app, actor, input).await?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let mut errors = FieldErrors::new();
    let ck = check(&txn, district.id, input, None, &mut errors).await?;
    errors.into_result()?;
    let mut ck = ck.expect("checked");
    ck.previous_id = previous_id;
    let row = save_checked(&txn, app, actor, district.id, &ck, None, now).await?;
    let v = detail_of(&txn, app, row).await?;
    txn.commit().await?;
    Ok(v)
}

/// An agreement as the actor may read it: whole for its district (and administrators); for a
/// district that delivers a national unit's agreement at its sites, read-only with only its
/// own sites and its own share of the figures (see [`for_reader`]).
pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<AgreementView> {
    require(can_view(actor))?;
    let scope = actor.scope();
    let row = q::get_readable_agreement(&app.db.conn, &scope, id).await?.ok_or(AppError::NotFound)?;
    Ok(for_reader(detail_of(&app.db.conn, app, row).await?, &scope))
}

/// An agreement to change, renew, end or print: the holding district's (and administrators');
/// a district that only delivers it is refused (403).
pub async fn get_to_change(app: &App, actor: &Actor, id: i64) -> Result<AgreementView> {
    let v = get(app, actor, id).await?;
    if v.participating { Err(AppError::Forbidden) } else { Ok(v) }
}

/// What a participating district sees of an agreement another district holds: its own
/// districts' sites and shares of the figures, no employer's contact person of the holder's
/// district, and no link to the holder's earlier agreement. The holder's view is left whole.
fn for_reader(mut v: AgreementView, scope: &accord_db::Scope) -> AgreementView {
    if scope.allows(v.district_id) {
        return v;
    }
    v.participating = true;
    v.contact_ref = None;
    v.contact_name = None;
    v.previous_id = None;
    v.previous_ref = None;
    v.districts.retain(|d| scope.allows(d.district_id));
    let mine: BTreeSet<i64> = v.districts.iter().flat_map(|d| d.sites.iter().map(|s| s.id)).collect();
    v.sites.retain(|s| mine.contains(&s.id));
    for t in &mut v.targets {
        if t.metric == TargetMetric::Courses.as_str() {
            continue;
        }
        t.shares.retain(|s| scope.allows(s.district_id));
        t.achieved = t.shares.iter().map(|s| s.achieved).sum();
        t.percent = percent_of(t.achieved, t.target);
    }
    v
}

/// The agreement as stored, for a change by the district that holds it: a district that
/// only delivers it is refused (403), anyone else finds nothing (404).
async fn held<C: ConnectionTrait>(c: &C, actor: &Actor, id: i64) -> Result<agreement::Model> {
    let scope = actor.scope();
    match q::get_agreement(c, &scope, id).await? {
        Some(row) => Ok(row),
        None if q::get_readable_agreement(c, &scope, id).await?.is_some() => Err(AppError::Forbidden),
        None => Err(AppError::NotFound),
    }
}

/// Fields that differ between what is stored and what the caller sent.
fn changed_fields(now: &AgreementInput, sent: &AgreementInput) -> Vec<String> {
    let pairs = [
        ("ref", &now.r#ref, &sent.r#ref),
        ("organisation_ref", &now.organisation_ref, &sent.organisation_ref),
        ("kind", &now.kind, &sent.kind),
        ("language", &now.language, &sent.language),
        ("purpose", &now.purpose, &sent.purpose),
        ("account_manager_email", &now.account_manager_email, &sent.account_manager_email),
        ("contact_ref", &now.contact_ref, &sent.contact_ref),
        ("signed_date", &now.signed_date, &sent.signed_date),
        ("start_date", &now.start_date, &sent.start_date),
        ("end_date", &now.end_date, &sent.end_date),
        ("review_date", &now.review_date, &sent.review_date),
    ];
    let mut out: Vec<String> =
        pairs.iter().filter(|(_, a, b)| a.trim() != b.trim()).map(|(f, _, _)| (*f).to_owned()).collect();
    if sent.sites.is_some() && now.sites != sent.sites {
        out.push("sites".into());
    }
    if sent.commitments.is_some() && now.commitments != sent.commitments {
        out.push("commitments".into());
    }
    out
}

/// Changes an agreement at the `version` the caller read. Terminated agreements are kept as
/// they ended.
pub async fn update(app: &App, actor: &Actor, id: i64, input: &AgreementInput) -> Result<AgreementView> {
    require_edit(actor)?;
    let version = input.version.ok_or_else(|| AppError::field("version", "field.required", None))?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let before = held(&txn, actor, id).await?;
    if before.status == "terminated" && input.status.trim() != "terminated" && !input.status.trim().is_empty() {
        return Err(AppError::field("status", "agreement.status_backwards", Some(input.status.trim())));
    }
    let mut input = input.clone();
    if input.r#ref.trim().is_empty() {
        input.r#ref = before.r#ref.clone();
    }
    let mut errors = FieldErrors::new();
    let ck = check(&txn, before.district_id, &input, Some(&before), &mut errors).await?;
    errors.into_result()?;
    let ck = ck.expect("checked");
    match save_checked(&txn, app, actor, before.district_id, &ck, Some((&before, version)), now).await {
        Err(AppError::Conflict { .. }) => {
            drop(txn);
            let current = get(app, actor, id).await?;
            let changed = changed_fields(&AgreementInput::from_view(&current), &input);
            Err(AppError::Conflict { current: serde_json::to_value(&current).unwrap_or_default(), changed })
        }
        Err(e) => Err(e),
        Ok(row) => {
            let v = detail_of(&txn, app, row).await?;
            txn.commit().await?;
            Ok(v)
        }
    }
}

/// Puts a draft into force, with the same checks as any change (overlaps above all).
pub async fn activate(app: &App, actor: &Actor, id: i64, version: i32) -> Result<AgreementView> {
    require_edit(actor)?;
    let current = get(app, actor, id).await?;
    if current.status != "draft" {
        return Err(AppError::field("status", "agreement.not_draft", Some(&current.status)));
    }
    let mut input = AgreementInput::from_view(&current);
    input.status = "active".into();
    input.targets = None;
    input.version = Some(version);
    update(app, actor, id, &input).await
}

/// How either side ends an agreement.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Termination {
    /// The last day in force.
    pub terminated_on: String,
    pub terminated_by: String,
    pub reason: String,
    pub version: Option<i32>,
}

/// Ends an active agreement with a date, the side that ended it and why. The agreement, its
/// commitments and its history stay as they were.
pub async fn terminate(app: &App, actor: &Actor, id: i64, t: &Termination) -> Result<AgreementView> {
    require_edit(actor)?;
    let current = get(app, actor, id).await?;
    if current.status != "active" {
        return Err(AppError::field("status", "agreement.not_active", Some(&current.status)));
    }
    let mut errors = FieldErrors::new();
    if opt(&t.terminated_on).is_none() {
        errors.add("terminated_on", "field.required", None);
    }
    if opt(&t.terminated_by).is_none() {
        errors.add("terminated_by", "field.required", None);
    }
    if opt(&t.reason).is_none() {
        errors.add("reason", "field.required", None);
    }
    if let (Some(end), Some(d)) = (current.end_date, opt(&t.terminated_on).and_then(|d| dir::parse_date(d).ok()))
        && d > end
    {
        errors.add("terminated_on", "agreement.terminated_after_end", Some(&t.terminated_on));
    }
    errors.into_result()?;
    let mut input = AgreementInput::from_view(&current);
    input.status = "terminated".into();
    input.terminated_on = t.terminated_on.clone();
    input.terminated_by = t.terminated_by.clone();
    input.termination_reason = t.reason.clone();
    input.targets = None;
    input.version = Some(t.version.unwrap_or(current.version));
    update(app, actor, id, &input).await.map_err(|e| match e {
        // The form names the reason `reason`.
        AppError::Invalid(mut errs) => {
            for f in &mut errs.0 {
                if f.field == "termination_reason" {
                    f.field = "reason".into();
                }
            }
            AppError::Invalid(errs)
        }
        other => other,
    })
}

/// What a renewal starts from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Renewal {
    pub start_date: String,
    pub end_date: String,
    pub review_date: String,
}

/// Drafts the next version of an agreement: same holder, sites, people and commitments,
/// linked to the old one. It comes into force when activated, which ends the old one.
pub async fn renew(app: &App, actor: &Actor, id: i64, r: &Renewal) -> Result<AgreementView> {
    require_edit(actor)?;
    let current = get(app, actor, id).await?;
    if current.status == "draft" {
        return Err(AppError::field("status", "agreement.renew_draft", Some(&current.status)));
    }
    if let Some(next) = q::renewals_of(&app.db.conn, id).await?.into_iter().find(|n| n.status != "terminated") {
        let mut errors = FieldErrors::new();
        errors.add_link("ref", "agreement.already_renewed", Some(&next.r#ref), format!("/agreements/{}", next.id));
        return Err(AppError::Invalid(errors));
    }
    let district_id = held(&app.db.conn, actor, id).await?.district_id;
    let mut input = AgreementInput::from_view(&current);
    let default_start = current
        .terminated_on
        .or(current.end_date)
        .map(|d| d + Duration::days(1))
        .unwrap_or_else(|| Utc::now().date_naive());
    input.district = Some(current.district.clone());
    input.r#ref = free_ref(&app.db.conn, district_id, &current.r#ref).await?;
    input.status = "draft".into();
    input.signed_date = String::new();
    input.start_date = opt(&r.start_date).map(str::to_owned).unwrap_or_else(|| default_start.to_string());
    input.end_date = r.end_date.clone();
    input.review_date = r.review_date.clone();
    input.terminated_on = String::new();
    input.terminated_by = String::new();
    input.termination_reason = String::new();
    input.targets = None;
    input.version = None;
    create_linked(app, actor, &input, Some(id)).await
}

/// A row of the agreement list.
pub async fn list(
    app: &App,
    actor: &Actor,
    filter: &AgreementFilter,
    sort: AgreementSort,
    paging: Paging,
) -> Result<Page<AgreementView>> {
    require(can_view(actor))?;
    let (rows, total) = q::list_agreements(&app.db.conn, &actor.scope(), filter, sort, paging.page, paging.per_page)
        .await?
        .map_err(|code| AppError::field("phase", code, filter.phase.as_deref()))?;
    Ok(Page { items: views(app, rows).await?, total, paging })
}

/// Active agreements due for review (or ending) within the window: all of them for the
/// secretariat, the actor's own when `mine`.
pub async fn review_due(app: &App, actor: &Actor, mine: bool, paging: Paging) -> Result<Page<AgreementView>> {
    list(
        app,
        actor,
        &review_filter(actor, mine)?,
        AgreementSort::asc(accord_domain::AgreementColumn::ReviewDate),
        paging,
    )
    .await
}

/// How many agreements [`review_due`] lists, without reading them: for the dashboard and the
/// home page.
pub async fn review_due_count(app: &App, actor: &Actor, mine: bool) -> Result<u64> {
    require(can_view(actor))?;
    let filter = review_filter(actor, mine)?;
    q::count_agreements(&app.db.conn, &actor.scope(), &filter)
        .await?
        .map_err(|code| AppError::field("phase", code, filter.phase.as_deref()))
}

fn review_filter(actor: &Actor, mine: bool) -> Result<AgreementFilter> {
    let today = Utc::now().date_naive();
    Ok(AgreementFilter {
        review_due_by: Some(today + Duration::days(REVIEW_WINDOW_DAYS)),
        account_manager_id: if mine { Some(actor.user_id.ok_or(AppError::Forbidden)?) } else { None },
        today,
        ..Default::default()
    })
}

/// The agreements held by or covering an organisation, for its page.
pub async fn for_organisation(app: &App, actor: &Actor, org_id: i64) -> Result<Vec<AgreementView>> {
    require(can_view(actor))?;
    let scope = actor.scope();
    let rows = q::agreements_for_organisation(&app.db.conn, &scope, org_id).await?;
    let mut out = views(app, rows).await?;
    for v in &mut out {
        // A national unit's agreement delivered here: the holder and its other sites are
        // another district's.
        if !scope.allows(v.district_id) {
            v.participating = true;
            v.sites.retain(|s| s.id == org_id);
            v.contact_ref = None;
            v.contact_name = None;
        }
    }
    Ok(out)
}

/// The agreement before this one and the ones after it, oldest first.
pub async fn history(app: &App, actor: &Actor, id: i64) -> Result<Vec<AgreementView>> {
    require(can_view(actor))?;
    let c = &app.db.conn;
    let scope = actor.scope();
    let mut chain = Vec::new();
    let mut at = match q::get_agreement(c, &scope, id).await? {
        Some(row) => row,
        // A district delivering another's agreement sees that one alone, not its renewals.
        None if q::get_readable_agreement(c, &scope, id).await?.is_some() => return Ok(vec![]),
        None => return Err(AppError::NotFound),
    };
    while let Some(p) = at.previous_id {
        if chain.len() > 50 {
            break;
        }
        let Some(prev) = q::get_agreement(c, &scope, p).await? else { break };
        chain.insert(0, prev.clone());
        at = prev;
    }
    let mut next = q::renewals_of(c, id).await?;
    while let Some(n) = next.pop() {
        if chain.len() > 100 {
            break;
        }
        next = q::renewals_of(c, n.id).await?;
        chain.push(n);
    }
    views(app, chain).await
}

// ---- documents ----

pub async fn documents(app: &App, actor: &Actor, id: i64) -> Result<Vec<q::DocumentInfo>> {
    require(can_view(actor))?;
    held(&app.db.conn, actor, id).await?;
    Ok(q::documents_of(&app.db.conn, id).await?)
}

/// A file name safe to store and to send back: the last path part, printable, at most 200
/// characters.
pub fn clean_filename(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// The content type a document is served with: the known document and image types, and
/// anything else as bytes to download.
pub fn content_type_for(filename: &str) -> &'static str {
    let ext = filename.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "doc" => "application/msword",
        "odt" => "application/vnd.oasis.opendocument.text",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

pub async fn add_document(
    app: &App,
    actor: &Actor,
    id: i64,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<q::DocumentInfo> {
    require_edit(actor)?;
    let a = held(&app.db.conn, actor, id).await?;
    let mut errors = FieldErrors::new();
    let name = clean_filename(filename);
    if name.is_none() {
        errors.add("file", "document.no_name", None);
    }
    if bytes.is_empty() {
        errors.add("file", "document.empty", name.as_deref());
    } else if bytes.len() > DOCUMENT_LIMIT {
        errors.add("file", "document.too_large", name.as_deref());
    }
    errors.into_result()?;
    let name = name.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    let info = q::insert_document(
        &txn,
        accord_db::entities::agreement_document::ActiveModel {
            agreement_id: Set(id),
            content_type: Set(content_type_for(&name).to_owned()),
            size: Set(bytes.len() as i64),
            data: Set(bytes),
            filename: Set(name.clone()),
            uploaded_by: Set(actor.user_id),
            created_at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    let mut e = actor.audit("attach", "agreement", Some(id.to_string()));
    e.district_id = Some(a.district_id);
    e.summary = Some(name);
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(info)
}

pub async fn document(
    app: &App,
    actor: &Actor,
    id: i64,
    doc_id: i64,
) -> Result<accord_db::entities::agreement_document::Model> {
    require(can_view(actor))?;
    held(&app.db.conn, actor, id).await?;
    q::get_document(&app.db.conn, id, doc_id).await?.ok_or(AppError::NotFound)
}

pub async fn remove_document(app: &App, actor: &Actor, id: i64, doc_id: i64) -> Result<()> {
    require_edit(actor)?;
    let a = held(&app.db.conn, actor, id).await?;
    let doc = q::get_document(&app.db.conn, id, doc_id).await?.ok_or(AppError::NotFound)?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    if q::delete_document(&txn, id, doc_id).await? {
        let mut e = actor.audit("detach", "agreement", Some(id.to_string()));
        e.district_id = Some(a.district_id);
        e.summary = Some(doc.filename);
        accord_db::audit::append(&txn, e, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

// ---- commitment templates ----

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TemplateInput {
    pub district: Option<String>,
    pub side: String,
    pub text_en: String,
    pub text_da: String,
    pub position: String,
    pub retired: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TemplateView {
    pub id: i64,
    pub district: String,
    pub side: String,
    pub text_en: String,
    pub text_da: String,
    pub position: i32,
    pub retired: bool,
}

async fn template_views(app: &App, rows: Vec<commitment_template::Model>) -> Result<Vec<TemplateView>> {
    let districts = accord_db::users::list_districts(&app.db.conn, &accord_db::Scope::All).await?;
    Ok(rows
        .into_iter()
        .map(|t| TemplateView {
            id: t.id,
            district: districts.iter().find(|d| d.id == t.district_id).map(|d| d.code.clone()).unwrap_or_default(),
            side: t.side,
            text_en: t.text_en,
            text_da: t.text_da,
            position: t.position,
            retired: t.retired,
        })
        .collect())
}

pub async fn templates(app: &App, actor: &Actor, include_retired: bool) -> Result<Vec<TemplateView>> {
    require(can_view(actor))?;
    let rows = q::templates(&app.db.conn, &actor.scope(), None, include_retired).await?;
    template_views(app, rows).await
}

pub async fn get_template(app: &App, actor: &Actor, id: i64) -> Result<TemplateView> {
    require(can_view(actor))?;
    let row = q::get_template(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    Ok(template_views(app, vec![row]).await?.remove(0))
}

/// Adds a template (`id` None) or changes one. Agreements already drafted keep their text.
pub async fn save_template(app: &App, actor: &Actor, id: Option<i64>, input: &TemplateInput) -> Result<TemplateView> {
    actor.require_write()?;
    require(can_manage_templates(actor))?;
    let existing = match id {
        Some(id) => Some(q::get_template(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let district_id = match &existing {
        Some(t) => t.district_id,
        None => dir::pick_district(app, actor, input.district.as_deref()).await?.id,
    };
    let mut errors = FieldErrors::new();
    let side = errors.take("side", &input.side, Side::parse(&input.side));
    let mut text = |field: &str, v: &str| match opt(v) {
        None => {
            errors.add(field, "field.required", None);
            None
        }
        Some(_) => short_text(&mut errors, field, v, 1000),
    };
    let text_en = text("text_en", &input.text_en);
    let text_da = text("text_da", &input.text_da);
    let position = match opt(&input.position) {
        None => Some(existing.as_ref().map(|t| t.position).unwrap_or(100)),
        Some(p) => match p.parse::<i32>() {
            Ok(n) if (0..=10_000).contains(&n) => Some(n),
            _ => {
                errors.add("position", "number.not_negative", Some(p));
                None
            }
        },
    };
    errors.into_result()?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let mut am = commitment_template::ActiveModel {
        district_id: Set(district_id),
        side: Set(side.expect("checked").as_str().to_owned()),
        text_en: Set(text_en.expect("checked")),
        text_da: Set(text_da.expect("checked")),
        position: Set(position.expect("checked")),
        retired: Set(input.retired),
        ..Default::default()
    };
    match &existing {
        Some(t) => am.id = Set(t.id),
        None => am.created_at = Set(now),
    }
    let row = q::save_template(&txn, am).await?;
    let mut e = actor.audit(
        if existing.is_some() { "update" } else { "create" },
        "commitment_template",
        Some(row.id.to_string()),
    );
    e.district_id = Some(district_id);
    e.before = existing.as_ref().map(|t| serde_json::json!({"side": t.side, "text_en": t.text_en, "text_da": t.text_da, "position": t.position, "retired": t.retired}));
    e.after = Some(
        serde_json::json!({"side": row.side, "text_en": row.text_en, "text_da": row.text_da, "position": row.position, "retired": row.retired}),
    );
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(template_views(app, vec![row]).await?.remove(0))
}

// ---- partner companies: who held an agreement when ----

/// Which organisations were covered by a partnership-type agreement, and by whose, over a
/// period: loaded in one query, then asked day by day. The reports count an activity or a
/// recruitment request only where [`PartnerCoverage::holder_on`] answers for its
/// organisation and date.
#[derive(Debug, Clone, Default)]
pub struct PartnerCoverage {
    by_org: HashMap<i64, Vec<(InForce, i64)>>,
}

impl PartnerCoverage {
    /// Coverage by partnership-type agreements in `scope` for the days `[from, to]`.
    pub async fn load<C: ConnectionTrait>(
        c: &C,
        scope: &accord_db::Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<PartnerCoverage> {
        let kinds: Vec<&str> = AgreementKind::PARTNERSHIP_TYPE.iter().map(|k| k.as_str()).collect();
        // Drafts are left out by the query, so every row is an agreement that was in force.
        let rows = q::coverage_spans(c, scope, &kinds, from, to).await?;
        let mut by_org: HashMap<i64, Vec<(InForce, i64)>> = HashMap::with_capacity(rows.len());
        for (org, holder, start, end, terminated_on) in rows {
            if let Some(f) = InForce::of(AgreementStatus::Active, start, end, terminated_on) {
                by_org.entry(org).or_default().push((f, holder));
            }
        }
        Ok(PartnerCoverage { by_org })
    }

    /// The holder of the partnership-type agreement covering `organisation_id` on `day`,
    /// if any. When two cover it (a store's own agreement and its chain's of another kind),
    /// the one that started first answers.
    pub fn holder_on(&self, organisation_id: i64, day: NaiveDate) -> Option<i64> {
        self.by_org
            .get(&organisation_id)?
            .iter()
            .filter(|(f, _)| f.contains(day))
            .min_by_key(|(f, holder)| (f.from, *holder))
            .map(|(_, h)| *h)
    }

    /// The agreement holders — the partner companies — on `day`.
    pub fn holders_on(&self, day: NaiveDate) -> BTreeSet<i64> {
        self.by_org.values().flatten().filter(|(f, _)| f.contains(day)).map(|(_, h)| *h).collect()
    }

    /// Every organisation covered on `day` (holders and their sites).
    pub fn covered_on(&self, day: NaiveDate) -> BTreeSet<i64> {
        self.by_org.iter().filter(|(_, v)| v.iter().any(|(f, _)| f.contains(day))).map(|(o, _)| *o).collect()
    }
}

/// Which employers held an active partnership-type agreement on `day`: the agreement holders.
pub async fn partners_on<C: ConnectionTrait>(c: &C, scope: &accord_db::Scope, day: NaiveDate) -> Result<BTreeSet<i64>> {
    Ok(PartnerCoverage::load(c, scope, day, day).await?.holders_on(day))
}

/// The partner companies on `day` the actor may see (in one district when a code is given),
/// by name.
pub async fn partners(app: &App, actor: &Actor, day: NaiveDate, district: Option<&str>) -> Result<Vec<SiteView>> {
    require(can_view(actor))?;
    let scope = match district.map(str::trim).filter(|d| !d.is_empty()) {
        Some(code) => accord_db::Scope::Districts(vec![dir::pick_district(app, actor, Some(code)).await?.id]),
        None => actor.scope(),
    };
    let ids = partners_on(&app.db.conn, &scope, day).await?;
    let mut out: Vec<SiteView> = dq::organisations_by_ids(&app.db.conn, ids.into_iter().collect())
        .await?
        .into_iter()
        .map(|o| SiteView { id: o.id, r#ref: o.r#ref, name: o.name })
        .collect();
    out.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    Ok(out)
}
