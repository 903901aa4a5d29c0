//! The annual award for an employer's social engagement (seed 003's "pris for det sociale
//! engagement i en virksomhed"): the secretariat opens the year's award, staff record who
//! nominated which organisation and why, and a manager decides the winner among the nominees
//! with a reason. After the decision the award takes no more nominations; a manager may
//! correct the decision, and the audit trail keeps both.

use crate::directory::{self as dir, opt, parse_date, short_text};
use crate::{Actor, App, AppError, Page, Paging, Result};
use accord_db::awards::{self as q, Decision, NewAward, NewNomination};
use accord_db::directory as dq;
use accord_db::entities::{award, award_nomination};
use accord_domain::{AwardFilter, FieldErrors, Role};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The longest name of an award and of an outside nominator.
pub const MAX_NAME: usize = 200;
/// The longest reason for a nomination or a decision.
pub const MAX_REASON: usize = 2000;

/// Everyone who reads the directory reads the awards (the committee included).
pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor)
}

/// Those who send the district's mailings and record its outreach open the year's award and
/// record nominations; the committee only reads.
pub fn can_write(actor: &Actor) -> bool {
    crate::mailings::can_send(actor)
}

/// The decision (and its correction) is a manager's or an administrator's.
pub fn can_decide(actor: &Actor) -> bool {
    !actor.is_read_only() && actor.roles.iter().any(|r| matches!(r, Role::Admin | Role::Manager))
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

/// A year's award as a form or an API body gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct AwardInput {
    /// The district's code; needed only by those who work in more than one.
    pub district: Option<String>,
    pub year: String,
    /// Such as "Virksomhedsprisen 2022".
    pub name: String,
}

/// A nomination as a form or an API body gives it. Who nominated is a staff member (`staff`,
/// their e-mail address) or someone outside named in words (`nominator`); with neither, the
/// one recording it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct NominationInput {
    /// The organisation's ref, CVR or P-number in the award's district.
    pub organisation: String,
    pub staff: String,
    pub nominator: String,
    pub reason: String,
    /// Left empty: today.
    pub nominated_on: String,
}

/// The decision as a form or an API body gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct DecisionInput {
    /// The winning nominee's ref, CVR or P-number.
    pub winner: String,
    pub decision_reason: String,
    /// Left empty: today.
    pub decided_on: String,
    /// The award's version as read; left out, the current one.
    pub version: Option<i32>,
}

/// An organisation as the award's pages and the API name it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AwardOrg {
    pub id: i64,
    pub r#ref: String,
    pub name: String,
}

/// A nomination as pages and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct NominationView {
    pub id: i64,
    pub organisation: AwardOrg,
    /// The staff member who nominated it: their name and e-mail address.
    pub staff_name: Option<String>,
    pub staff_email: Option<String>,
    /// Who nominated it, when not a member of staff.
    pub nominator: Option<String>,
    pub reason: String,
    pub nominated_on: NaiveDate,
}

impl NominationView {
    /// Who nominated it, in a word.
    pub fn by(&self) -> String {
        self.staff_name.clone().or_else(|| self.nominator.clone()).unwrap_or_default()
    }
}

/// An award as pages and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AwardView {
    pub id: i64,
    pub district: String,
    pub year: i32,
    pub name: String,
    pub decided_on: Option<NaiveDate>,
    pub winner: Option<AwardOrg>,
    pub decision_reason: Option<String>,
    /// The name of who decided.
    pub decided_by: Option<String>,
    pub nominations: Vec<NominationView>,
    pub version: i32,
}

/// An organisation's nomination, as its page lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrgNomination {
    pub award_id: i64,
    pub award_name: String,
    pub year: i32,
    pub by: String,
    pub reason: String,
    pub nominated_on: NaiveDate,
    pub won: bool,
}

/// An organisation's awards: those it won (id and name), and its nominations.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct OrgAwards {
    pub won: Vec<(i64, String)>,
    pub nominations: Vec<OrgNomination>,
}

async fn views<C: accord_db::sea_orm::ConnectionTrait>(c: &C, rows: Vec<award::Model>) -> Result<Vec<AwardView>> {
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let noms = q::nominations_of(c, rows.iter().map(|r| r.id).collect()).await?;
    let mut org_ids: Vec<i64> =
        noms.iter().map(|n| n.organisation_id).chain(rows.iter().filter_map(|r| r.winner_id)).collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    let orgs = dq::organisations_by_ids(c, org_ids).await?;
    let org = |id: i64| {
        orgs.iter().find(|o| o.id == id).map(|o| AwardOrg { id: o.id, r#ref: o.r#ref.clone(), name: o.name.clone() })
    };
    let mut user_ids: Vec<i64> =
        noms.iter().filter_map(|n| n.nominated_by).chain(rows.iter().filter_map(|r| r.decided_by)).collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let users = q::staff_names(c, user_ids).await?;
    let nomination = |n: &award_nomination::Model| {
        Some(NominationView {
            id: n.id,
            organisation: org(n.organisation_id)?,
            staff_name: n.nominated_by.and_then(|u| users.get(&u)).map(|u| u.0.clone()),
            staff_email: n.nominated_by.and_then(|u| users.get(&u)).map(|u| u.1.clone()),
            nominator: n.nominator.clone(),
            reason: n.reason.clone(),
            nominated_on: n.nominated_on,
        })
    };
    Ok(rows
        .into_iter()
        .map(|r| AwardView {
            id: r.id,
            district: districts.iter().find(|d| d.id == r.district_id).map(|d| d.code.clone()).unwrap_or_default(),
            year: r.year,
            name: r.name,
            decided_on: r.decided_on,
            winner: r.winner_id.and_then(org),
            decision_reason: r.decision_reason,
            decided_by: r.decided_by.and_then(|u| users.get(&u)).map(|u| u.0.clone()),
            nominations: noms.iter().filter(|n| n.award_id == r.id).filter_map(nomination).collect(),
            version: r.version,
        })
        .collect())
}

fn decision_value(v: &AwardView) -> serde_json::Value {
    serde_json::json!({
        "winner": v.winner.as_ref().map(|w| &w.r#ref), "decided_on": v.decided_on,
        "reason": v.decision_reason, "decided_by": v.decided_by,
    })
}

/// One page of the awards the actor may see, newest year first.
pub async fn list(app: &App, actor: &Actor, f: &AwardFilter, paging: Paging) -> Result<Page<AwardView>> {
    require(can_view(actor))?;
    let (rows, total) = q::list(&app.db.conn, &actor.scope(), f, paging.page, paging.per_page).await?;
    Ok(Page { items: views(&app.db.conn, rows).await?, total, paging })
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<AwardView> {
    require(can_view(actor))?;
    let row = q::get(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    Ok(views(&app.db.conn, vec![row]).await?.remove(0))
}

/// Opens a year's award in a district the actor works in: one per district and year.
pub async fn create(app: &App, actor: &Actor, input: &AwardInput) -> Result<AwardView> {
    require(can_write(actor))?;
    let district = dir::pick_district(app, actor, input.district.as_deref()).await?;
    let mut errors = FieldErrors::new();
    let year = match opt(&input.year) {
        None => {
            errors.add("year", "field.required", None);
            None
        }
        Some(y) => errors.take("year", y, accord_domain::award::year(y)),
    };
    let name = match opt(&input.name) {
        None => {
            errors.add("name", "field.required", None);
            None
        }
        Some(_) => short_text(&mut errors, "name", &input.name, MAX_NAME),
    };
    errors.into_result()?;
    let (Some(year), Some(name)) = (year, name) else { return Err(AppError::Internal("unchecked award".into())) };
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row =
        q::insert_award(&txn, NewAward { district_id: district.id, year, name: &name, created_by: actor.user_id }, now)
            .await
            .map_err(|e| {
                if accord_db::is_unique_violation(&e) {
                    AppError::field("year", "award.year_taken", Some(&year.to_string()))
                } else {
                    e.into()
                }
            })?;
    let v = views(&txn, vec![row]).await?.remove(0);
    let mut e = actor.audit("create", "award", Some(v.id.to_string()));
    e.district_id = Some(district.id);
    e.after = Some(serde_json::json!({"year": v.year, "name": v.name}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(v)
}

/// A date field: today when left empty, never in the future.
fn past_date(errors: &mut FieldErrors, field: &str, s: &str, today: NaiveDate) -> Option<NaiveDate> {
    let d = match opt(s) {
        None => Some(today),
        Some(t) => errors.take(field, t, parse_date(t)),
    }?;
    if d > today {
        errors.add(field, "date.future", Some(&d.to_string()));
        return None;
    }
    Some(d)
}

/// Records a nomination for an award not yet decided: an organisation of the award's district,
/// once per award, with who nominated it and why.
pub async fn nominate(app: &App, actor: &Actor, award_id: i64, input: &NominationInput) -> Result<AwardView> {
    require(can_write(actor))?;
    let c = &app.db.conn;
    let award = q::get(c, &actor.scope(), award_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    if award.winner_id.is_some() {
        errors.add("organisation", "award.decided", Some(&award.name));
        return Err(AppError::Invalid(errors));
    }
    let org = match opt(&input.organisation) {
        None => {
            errors.add("organisation", "field.required", None);
            None
        }
        Some(r) => crate::directory::resolve_org(c, &[award.district_id], "organisation", r, &mut errors).await?,
    };
    if let Some(o) = &org
        && q::nominations_of(c, vec![award.id]).await?.iter().any(|n| n.organisation_id == o.id)
    {
        errors.add("organisation", "award.already_nominated", Some(&o.name));
    }
    let staff = dir::check_account_manager(c, award.district_id, "staff", &input.staff, &mut errors).await?;
    let nominator = short_text(&mut errors, "nominator", &input.nominator, MAX_NAME);
    if opt(&input.staff).is_some() && opt(&input.nominator).is_some() {
        errors.add("nominator", "award.nominator_both", None);
    }
    let nominated_by = match (opt(&input.staff), opt(&input.nominator)) {
        (Some(_), _) => staff,
        (None, None) if actor.user_id.is_none() => {
            errors.add("nominator", "field.required", None);
            None
        }
        (None, None) => actor.user_id,
        (None, Some(_)) => None,
    };
    let reason = match opt(&input.reason) {
        None => {
            errors.add("reason", "field.required", None);
            None
        }
        Some(_) => short_text(&mut errors, "reason", &input.reason, MAX_REASON),
    };
    let on = past_date(&mut errors, "nominated_on", &input.nominated_on, Utc::now().date_naive());
    errors.into_result()?;
    let (Some(org), Some(reason), Some(on)) = (org, reason, on) else {
        return Err(AppError::Internal("unchecked nomination".into()));
    };
    let now = Utc::now();
    let txn = app.db.write().await?;
    // Decided meanwhile: the decision stands and takes no more nominees.
    let locked = q::lock(&txn, award.id).await?.ok_or(AppError::NotFound)?;
    if locked.winner_id.is_some() {
        return Err(AppError::field("organisation", "award.decided", Some(&locked.name)));
    }
    q::insert_nomination(
        &txn,
        NewNomination {
            award_id: award.id,
            organisation_id: org.id,
            nominated_by,
            nominator: if nominated_by.is_some() { None } else { nominator.as_deref() },
            reason: &reason,
            nominated_on: on,
            created_by: actor.user_id,
        },
        now,
    )
    .await
    .map_err(|e| {
        if accord_db::is_unique_violation(&e) {
            AppError::field("organisation", "award.already_nominated", Some(&org.name))
        } else {
            e.into()
        }
    })?;
    let v = views(&txn, vec![locked]).await?.remove(0);
    let n = v.nominations.iter().find(|n| n.organisation.id == org.id);
    let mut e = actor.audit("nominate", "award", Some(award.id.to_string()));
    e.district_id = Some(award.district_id);
    e.after = Some(serde_json::json!({
        "organisation": org.r#ref, "staff": n.and_then(|n| n.staff_email.clone()),
        "nominator": n.and_then(|n| n.nominator.clone()), "reason": reason, "nominated_on": on,
    }));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(v)
}

/// Decides the award: the winner among its nominees, with a reason. Deciding an award already
/// decided corrects the decision; the audit trail keeps what it was.
pub async fn decide(app: &App, actor: &Actor, award_id: i64, input: &DecisionInput) -> Result<AwardView> {
    require(can_decide(actor))?;
    let c = &app.db.conn;
    let before = get(app, actor, award_id).await?;
    let award = q::get(c, &actor.scope(), award_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let winner = match opt(&input.winner) {
        None => {
            errors.add("winner", "field.required", None);
            None
        }
        Some(r) => {
            let found = dq::resolve_ref(c, award.district_id, r).await?;
            match found.and_then(|o| before.nominations.iter().find(|n| n.organisation.id == o.id)) {
                Some(n) => Some(n.organisation.id),
                None => {
                    errors.add("winner", "award.not_nominated", Some(r));
                    None
                }
            }
        }
    };
    let reason = match opt(&input.decision_reason) {
        None => {
            errors.add("decision_reason", "field.required", None);
            None
        }
        Some(_) => short_text(&mut errors, "decision_reason", &input.decision_reason, MAX_REASON),
    };
    let on = past_date(&mut errors, "decided_on", &input.decided_on, Utc::now().date_naive());
    errors.into_result()?;
    let (Some(winner), Some(reason), Some(on)) = (winner, reason, on) else {
        return Err(AppError::Internal("unchecked decision".into()));
    };
    let version = input.version.unwrap_or(award.version);
    let now = Utc::now();
    let txn = app.db.write().await?;
    let d = Decision { winner_id: winner, decided_on: on, reason: &reason, decided_by: actor.user_id };
    if !q::decide(&txn, award.id, version, d, now).await? {
        drop(txn);
        let current = get(app, actor, award_id).await?;
        let mut changed = vec![];
        if current.winner.as_ref().map(|w| w.id) != Some(winner) {
            changed.push("winner".to_owned());
        }
        if current.decision_reason.as_deref() != Some(reason.as_str()) {
            changed.push("decision_reason".to_owned());
        }
        if current.decided_on != Some(on) {
            changed.push("decided_on".to_owned());
        }
        return Err(AppError::Conflict { current: serde_json::to_value(&current).unwrap_or_default(), changed });
    }
    let row = q::lock(&txn, award.id).await?.ok_or(AppError::NotFound)?;
    let after = views(&txn, vec![row]).await?.remove(0);
    let action = if before.winner.is_some() { "correct_decision" } else { "decide" };
    let mut e = actor.audit(action, "award", Some(award.id.to_string()));
    e.district_id = Some(award.district_id);
    if before.winner.is_some() {
        e.before = Some(decision_value(&before));
    }
    e.after = Some(decision_value(&after));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(after)
}

/// The awards an organisation won and the nominations it had, newest year first.
pub async fn for_organisation(app: &App, actor: &Actor, organisation_id: i64) -> Result<OrgAwards> {
    require(can_view(actor))?;
    let c = &app.db.conn;
    let scope = actor.scope();
    let won = q::won_by(c, &scope, organisation_id).await?;
    let pairs = q::nominations_of_organisation(c, &scope, organisation_id).await?;
    let users = q::staff_names(c, pairs.iter().filter_map(|(_, n)| n.nominated_by).collect()).await?;
    Ok(OrgAwards {
        won: won.iter().map(|a| (a.id, a.name.clone())).collect(),
        nominations: pairs
            .into_iter()
            .map(|(a, n)| OrgNomination {
                award_id: a.id,
                won: a.winner_id == Some(organisation_id),
                award_name: a.name,
                year: a.year,
                by: n.nominated_by.and_then(|u| users.get(&u)).map(|u| u.0.clone()).or(n.nominator).unwrap_or_default(),
                reason: n.reason,
                nominated_on: n.nominated_on,
            })
            .collect(),
    })
}
