//! Worker cases (seed 001): one per person facing redundancy, owned by an adviser. The adviser
//! picks from the elements of support: the initial assessment and skills screening, one-to-one
//! guidance, a career action plan of activities with due dates, retraining, advice given as
//! referrals, job search, and after a job start the check-ins of the 13 weeks that follow.
//!
//! The worker's name, national ID number and contact details are sealed apart from the case
//! ([`crate::sealed`]). Only the case's adviser, the advisers of the event's response team and
//! the district's managers may open a case, and each opening is logged with its purpose. A
//! subject access export gives the worker everything held about them; once a case has been
//! closed for the retention period, its personal data is erased, leaving only what it counted
//! for.

use crate::partnerships::{audit_save, conflict, date, lenient, patch_over, required, text, val};
use crate::redundancy::{self as ev, EventRef, StaffRef, count};
use crate::{Actor, App, AppError, Result};
use accord_db::entities::{
    case_activity, case_checkin, case_job, case_session, case_tally, case_training, person, worker_case,
};
use accord_db::redundancy as q;
use accord_db::sea_orm::sea_query::{Expr, ExprTrait};
use accord_db::sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use accord_domain::redundancy::{
    DEFAULT_CHECKIN_WEEKS, SUSTAINED_WEEKS, erase_after, mask_name, mask_other, parse_weeks, week_after,
};
use accord_domain::{
    AccessPurpose, ActivityState, CaseStatus, CloseReason, Email, FieldErrors, Lang, Level, NationalId, Role,
    SessionKind, TrainingStatus,
};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ---- personal data ----

/// What is sealed for a person.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Personal {
    name: String,
    national_id: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
}

/// A worker's personal details: masked unless the reader asked to see them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersonView {
    pub name: String,
    /// A CPR number (`DDMMYY-SSSS`) or a National Insurance number (`AB123456C`).
    pub national_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// Whether the values are masked (`J••• S•••`).
    pub masked: bool,
}

impl PersonView {
    fn of(p: &Personal, masked: bool) -> PersonView {
        if !masked {
            return PersonView {
                name: p.name.clone(),
                national_id: p.national_id.clone(),
                email: p.email.clone(),
                phone: p.phone.clone(),
                address: p.address.clone(),
                masked,
            };
        }
        PersonView {
            name: mask_name(&p.name),
            national_id: p.national_id.as_deref().map(|n| NationalId::parse(n).map(|n| n.masked()).unwrap_or_default()),
            email: p.email.as_deref().map(mask_other),
            phone: p.phone.as_deref().map(mask_other),
            address: p.address.as_deref().map(mask_other),
            masked,
        }
    }
}

fn key(app: &App) -> Result<&crate::sealed::DataKey> {
    app.config.data_key.as_ref().ok_or_else(|| AppError::field("data_key", "case.no_data_key", None))
}

fn unseal(app: &App, p: &person::Model) -> Result<Personal> {
    let bytes = key(app)?
        .open_person(&p.sealed_key, &p.sealed_data)
        .map_err(|e| AppError::Internal(format!("person {}: {e}", p.id)))?;
    serde_json::from_slice(&bytes).map_err(|e| AppError::Internal(e.to_string()))
}

// ---- who may do what ----

/// Whether the actor may open this case: its adviser, an adviser of the event's team, or a
/// manager of the event's district.
async fn may_open(app: &App, actor: &Actor, case: &worker_case::Model, district_id: i64) -> Result<bool> {
    if actor.has(Role::Manager) && actor.scope().allows(district_id) {
        return Ok(true);
    }
    let Some(me) = actor.user_id else { return Ok(false) };
    if !actor.has(Role::Adviser) || !actor.scope().allows(district_id) {
        return Ok(false);
    }
    Ok(case.adviser_user_id == me || q::team(&app.db.conn, case.event_id).await?.contains(&me))
}

/// Whether the actor works an event's cases: a manager of its district, or an adviser of its
/// team.
pub async fn works_event(app: &App, actor: &Actor, event_id: i64) -> Result<bool> {
    let Some(e) = q::get_event(&app.db.conn, &actor.scope(), event_id).await? else { return Ok(false) };
    if actor.is_read_only() {
        return Ok(false);
    }
    if actor.has(Role::Manager) && actor.scope().allows(e.district_id) {
        return Ok(true);
    }
    match actor.user_id {
        Some(me) if actor.has(Role::Adviser) => Ok(q::team(&app.db.conn, event_id).await?.contains(&me)),
        _ => Ok(false),
    }
}

/// `Ok` when the actor may open the case; `NotFound` when not, as for a case that does not
/// exist. Reads nothing personal and logs nothing: for the question before a case opens.
pub async fn may_open_case(app: &App, actor: &Actor, id: i64) -> Result<()> {
    permitted(app, actor, id).await.map(|_| ())
}

/// The case, when the actor may open it; 404 otherwise (whether it exists is not told).
async fn permitted(app: &App, actor: &Actor, id: i64) -> Result<(worker_case::Model, i64)> {
    let case = q::get_case(&app.db.conn, id).await?.ok_or(AppError::NotFound)?;
    let event = q::get_event(&app.db.conn, &accord_db::Scope::All, case.event_id).await?.ok_or(AppError::NotFound)?;
    if !may_open(app, actor, &case, event.district_id).await? {
        return Err(AppError::NotFound);
    }
    Ok((case, event.district_id))
}

async fn log_access<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    purpose: AccessPurpose,
    what: &str,
) -> Result<()> {
    log_visit(c, actor, case_id, purpose, what, None).await
}

async fn log_visit<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    actor: &Actor,
    case_id: i64,
    purpose: AccessPurpose,
    what: &str,
    session: Option<&str>,
) -> Result<()> {
    let opening =
        q::Opening { user_id: actor.user_id, actor: &actor.label(), purpose: purpose.as_str(), what, session };
    q::log_access(c, case_id, opening, Utc::now()).await?;
    Ok(())
}

pub fn parse_purpose(s: Option<&str>) -> Result<AccessPurpose> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Err(AppError::field("purpose", "access.purpose_required", None)),
        Some(p) => AccessPurpose::parse(p).map_err(|c| AppError::field("purpose", c, Some(p))),
    }
}

// ---- views ----

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SessionView {
    pub id: i64,
    /// `guidance`, `job_search`, `benefits`, `allowances`, `debt`, `self_employment` or
    /// `other_advice`; all but the first two are referrals.
    #[schema(schema_with = crate::schema::code::<accord_domain::redundancy::SessionKind>)]
    pub kind: String,
    pub held_on: NaiveDate,
    pub minutes: Option<i32>,
    pub referred_to: Option<String>,
    /// Confidential.
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActivityView {
    pub id: i64,
    /// The catalogue service it comes from.
    pub service_id: Option<i64>,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    /// `planned`, `in_progress`, `done` or `dropped`.
    #[schema(schema_with = crate::schema::code::<accord_domain::redundancy::ActivityState>)]
    pub status: String,
    pub outcome: Option<String>,
    /// Due and not yet done or dropped.
    pub overdue: bool,
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TrainingView {
    pub id: i64,
    pub provider: String,
    pub course: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// In whole units of the district's currency.
    pub cost: Option<i64>,
    pub funding_source: Option<String>,
    /// `planned`, `started`, `completed` or `withdrawn`.
    #[schema(schema_with = crate::schema::code::<accord_domain::redundancy::TrainingStatus>)]
    pub status: String,
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckinView {
    pub id: i64,
    pub job_id: i64,
    pub week: i32,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    /// Still in work at the check-in.
    pub in_work: Option<bool>,
    pub notes: Option<String>,
    pub overdue: bool,
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobView {
    pub id: i64,
    pub employer: String,
    pub employer_id: Option<i64>,
    pub job_title: Option<String>,
    pub starts_on: NaiveDate,
    /// Hours a week.
    pub hours: Option<f64>,
    pub ended_on: Option<NaiveDate>,
    pub checkins: Vec<CheckinView>,
}

/// A worker's case with everything it holds.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseView {
    pub id: i64,
    pub event: EventRef,
    pub adviser: StaffRef,
    pub person: PersonView,
    pub registered_on: NaiveDate,
    /// The worker's language, for the printed plan: `en` or `da`.
    pub language: String,
    /// `open`, `in_work`, `sustained`, `not_sustained` or `withdrawn`.
    #[schema(schema_with = crate::schema::code::<accord_domain::redundancy::CaseStatus>)]
    pub status: String,
    pub assessed_on: Option<NaiveDate>,
    /// Skills-for-life screening: `entry`, `level1`, `level2` or `not_screened`.
    pub literacy: Option<String>,
    pub numeracy: Option<String>,
    pub digital: Option<String>,
    pub assessment_notes: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub closed_reason: Option<String>,
    pub closed_note: Option<String>,
    /// The day after which the personal data is erased, once the case is closed.
    pub erase_after: Option<NaiveDate>,
    pub sessions: Vec<SessionView>,
    pub activities: Vec<ActivityView>,
    pub trainings: Vec<TrainingView>,
    pub jobs: Vec<JobView>,
    pub version: i32,
}

impl CaseView {
    /// The check-ins still to do, soonest first.
    pub fn open_checkins(&self) -> Vec<&CheckinView> {
        let mut v: Vec<&CheckinView> =
            self.jobs.iter().flat_map(|j| j.checkins.iter()).filter(|c| c.done_on.is_none()).collect();
        v.sort_by_key(|c| c.due_on);
        v
    }

    pub fn is_closed(&self) -> bool {
        CaseStatus::parse(&self.status).is_ok_and(CaseStatus::is_closed)
    }
}

fn activity_view(a: case_activity::Model, today: NaiveDate) -> ActivityView {
    ActivityView {
        overdue: a.due_on.is_some_and(|d| d < today) && matches!(a.status.as_str(), "planned" | "in_progress"),
        id: a.id,
        service_id: a.service_id,
        title: a.title,
        due_on: a.due_on,
        status: a.status,
        outcome: a.outcome,
        version: a.version,
    }
}

impl ActivityView {
    /// The activity as its form and a `PATCH` take it.
    pub fn input(&self) -> ActivityInput {
        ActivityInput {
            service_id: Some(self.service_id.map(|s| s.to_string()).unwrap_or_default()),
            title: Some(self.title.clone()),
            due_on: Some(self.due_on.map(|d| d.to_string()).unwrap_or_default()),
            status: Some(self.status.clone()),
            outcome: Some(self.outcome.clone().unwrap_or_default()),
            version: Some(self.version),
        }
    }
}

impl TrainingView {
    /// The course as its form and a `PATCH` take it.
    pub fn input(&self) -> TrainingInput {
        let d = |v: Option<NaiveDate>| Some(v.map(|d| d.to_string()).unwrap_or_default());
        TrainingInput {
            provider: Some(self.provider.clone()),
            course: Some(self.course.clone()),
            starts_on: d(self.starts_on),
            ends_on: d(self.ends_on),
            cost: Some(self.cost.map(|c| c.to_string()).unwrap_or_default()),
            funding_source: Some(self.funding_source.clone().unwrap_or_default()),
            status: Some(self.status.clone()),
            version: Some(self.version),
        }
    }
}

impl From<case_training::Model> for TrainingView {
    fn from(t: case_training::Model) -> Self {
        TrainingView {
            id: t.id,
            provider: t.provider,
            course: t.course,
            starts_on: t.starts_on,
            ends_on: t.ends_on,
            cost: t.cost,
            funding_source: t.funding_source,
            status: t.status,
            version: t.version,
        }
    }
}

/// Stores a part of a case (a plan activity, a course) at the version read, marks the case
/// changed and audits it, in one transaction; the stored row.
macro_rules! store_part {
    ($app:expr, $actor:expr, $entity:literal, $m:ident, $update:path, $existing:expr, $version:expr, $am:expr,
     $now:expr, $case_id:expr, $district_id:expr, $audit:expr) => {{
        let txn = $app.db.write().await?;
        let Some(row) =
            crate::partnerships::put_versioned!(&txn, $existing.map(|x| x.id), $version, $am, $now, $m, $update)
        else {
            return Err(conflict(&serde_json::json!({}), &[]));
        };
        touch(&txn, $case_id, $now).await?;
        audit_save(&txn, $actor, $entity, row.id, Some($district_id), $existing.map($audit), $audit(&row), $now)
            .await?;
        txn.commit().await?;
        row
    }};
}

fn build(
    app: &App,
    case: worker_case::Model,
    event: EventRef,
    adviser: StaffRef,
    person: PersonView,
    parts: q::CaseParts,
) -> CaseView {
    let today = Utc::now().date_naive();
    let checkin = |k: &case_checkin::Model| CheckinView {
        id: k.id,
        job_id: k.job_id,
        week: k.week,
        due_on: k.due_on,
        done_on: k.done_on,
        in_work: k.in_work,
        notes: k.notes.clone(),
        overdue: k.done_on.is_none() && k.due_on < today,
        version: k.version,
    };
    CaseView {
        id: case.id,
        event,
        adviser,
        person,
        registered_on: case.registered_on,
        language: case.language,
        status: case.status,
        assessed_on: case.assessed_on,
        literacy: case.literacy,
        numeracy: case.numeracy,
        digital: case.digital,
        assessment_notes: case.assessment_notes,
        erase_after: case.closed_on.map(|d| erase_after(d, app.config.retention_months)),
        closed_on: case.closed_on,
        closed_reason: case.closed_reason,
        closed_note: case.closed_note,
        sessions: parts
            .sessions
            .into_iter()
            .map(|s| SessionView {
                id: s.id,
                kind: s.kind,
                held_on: s.held_on,
                minutes: s.minutes,
                referred_to: s.referred_to,
                notes: s.notes,
            })
            .collect(),
        activities: parts.activities.into_iter().map(|a| activity_view(a, today)).collect(),
        trainings: parts.trainings.into_iter().map(TrainingView::from).collect(),
        jobs: parts
            .jobs
            .into_iter()
            .map(|j| JobView {
                checkins: parts.checkins.iter().filter(|k| k.job_id == j.id).map(checkin).collect(),
                id: j.id,
                employer: j.employer,
                employer_id: j.employer_id,
                job_title: j.job_title,
                starts_on: j.starts_on,
                hours: j.hours,
                ended_on: j.ended_on,
            })
            .collect(),
        version: case.version,
    }
}

async fn load(app: &App, case: worker_case::Model, reveal: bool) -> Result<CaseView> {
    let c = &app.db.conn;
    let event = q::get_event(c, &accord_db::Scope::All, case.event_id).await?.ok_or(AppError::NotFound)?;
    let p = q::get_person(c, case.person_id).await?.ok_or(AppError::NotFound)?;
    let personal = unseal(app, &p)?;
    let parts = q::case_parts(c, case.id).await?;
    let adviser = ev::staff_ref(app, case.adviser_user_id).await?;
    Ok(build(
        app,
        case,
        EventRef { id: event.id, title: event.title },
        adviser,
        PersonView::of(&personal, !reveal),
        parts,
    ))
}

/// Opens a case for a stated purpose, and logs it. The personal details come masked unless
/// `reveal` (logged as such).
pub async fn open(app: &App, actor: &Actor, id: i64, purpose: AccessPurpose, reveal: bool) -> Result<CaseView> {
    let (case, _) = permitted(app, actor, id).await?;
    let view = load(app, case, reveal).await?;
    log_access(&app.db.conn, actor, id, purpose, if reveal { "personal_data" } else { "case" }).await?;
    Ok(view)
}

// ---- a visit: one stated purpose, logged once, for the pages of one sign-in session ----

/// How long a purpose stated for a case holds for the same sign-in session: the pages and
/// saves of one visit are one opening in the access log, not one each.
pub const VISIT_MINUTES: i64 = 30;

/// What the question before a case opens shows: which case, without anything personal but the
/// masked name the event's case list shows too.
#[derive(Debug, Clone)]
pub struct CaseHeading {
    pub id: i64,
    pub masked_name: String,
    pub event: EventRef,
}

/// The case's heading, when the actor may open it (404 otherwise). Logs nothing.
pub async fn heading(app: &App, actor: &Actor, id: i64) -> Result<CaseHeading> {
    let (case, _) = permitted(app, actor, id).await?;
    let c = &app.db.conn;
    let event = q::get_event(c, &accord_db::Scope::All, case.event_id).await?.ok_or(AppError::NotFound)?;
    let p = q::get_person(c, case.person_id).await?.ok_or(AppError::NotFound)?;
    Ok(CaseHeading {
        id: case.id,
        masked_name: mask_name(&unseal(app, &p)?.name),
        event: EventRef { id: event.id, title: event.title },
    })
}

/// Starts a visit of the case in this sign-in session: the stated purpose is logged once (as
/// a look at the personal details when `reveal`).
pub async fn begin_visit(
    app: &App,
    actor: &Actor,
    session: &str,
    id: i64,
    purpose: AccessPurpose,
    reveal: bool,
) -> Result<()> {
    permitted(app, actor, id).await?;
    let what = if reveal { "personal_data" } else { "case" };
    log_visit(&app.db.conn, actor, id, purpose, what, Some(session)).await
}

/// The case for a page of a visit under way in this session, with the purpose stated for it;
/// `None` when no purpose was stated for it in the last [`VISIT_MINUTES`] (then ask). Showing the
/// personal details is logged the first time in the visit, never again.
pub async fn visit(
    app: &App,
    actor: &Actor,
    session: &str,
    id: i64,
    reveal: bool,
) -> Result<Option<(CaseView, AccessPurpose)>> {
    let (case, _) = permitted(app, actor, id).await?;
    let c = &app.db.conn;
    let since = Utc::now() - chrono::Duration::minutes(VISIT_MINUTES);
    let rows = q::visit_accesses(c, id, session, actor.user_id, since).await?;
    let Some(last) = rows.last() else { return Ok(None) };
    let Ok(purpose) = AccessPurpose::parse(&last.purpose) else { return Ok(None) };
    if reveal && !rows.iter().any(|r| r.what == "personal_data") {
        log_visit(c, actor, id, purpose, "personal_data", Some(session)).await?;
    }
    Ok(Some((load(app, case, reveal).await?, purpose)))
}

/// A line of an event's case list: no personal detail but the masked name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CaseRow {
    pub id: i64,
    pub name: String,
    pub adviser: StaffRef,
    #[schema(schema_with = crate::schema::code::<accord_domain::redundancy::CaseStatus>)]
    pub status: String,
    pub registered_on: NaiveDate,
}

/// One page of the cases of an event (of one status when given), for its team and the
/// district's managers.
pub async fn list(
    app: &App,
    actor: &Actor,
    event_id: i64,
    status: Option<&str>,
    paging: crate::Paging,
) -> Result<crate::Page<CaseRow>> {
    let event = ev::event_row(app, actor, event_id).await?;
    if !works_event(app, actor, event_id).await? {
        return Err(AppError::Forbidden);
    }
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(CaseStatus::parse(s).map_err(|c| AppError::field("status", c, Some(s)))?),
        None => None,
    };
    let c = &app.db.conn;
    let (total, cases) =
        q::cases_page(c, event_id, status.map(CaseStatus::as_str), paging.offset(), paging.per_page).await?;
    let people = q::people(c, &cases.iter().map(|w| w.person_id).collect::<Vec<_>>()).await?;
    let people: std::collections::HashMap<i64, person::Model> = people.into_iter().map(|p| (p.id, p)).collect();
    let advisers = ev::team_candidates(app, event.district_id).await?;
    let mut items = Vec::with_capacity(cases.len());
    for w in cases {
        let name = match people.get(&w.person_id) {
            Some(p) => mask_name(&unseal(app, p)?.name),
            None => String::new(),
        };
        let adviser = match advisers.iter().find(|a| a.id == w.adviser_user_id) {
            Some(a) => a.clone(),
            None => ev::staff_ref(app, w.adviser_user_id).await?,
        };
        items.push(CaseRow { id: w.id, name, adviser, status: w.status, registered_on: w.registered_on });
    }
    Ok(crate::Page { items, total, paging })
}

// ---- the case itself ----

/// A case as typed in a form or sent to the API. What is left out keeps its stored value: the
/// registration form sends the personal details, the assessment form the screening, the
/// closing form the status.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct CaseInput {
    pub name: Option<String>,
    /// A CPR number or a National Insurance number.
    pub national_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// `en` or `da`: the language of the printed plan.
    pub language: Option<String>,
    /// The adviser's user id (default: the one registering).
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub adviser_id: Option<String>,
    pub registered_on: Option<String>,
    pub assessed_on: Option<String>,
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::redundancy::Level>)]
    pub literacy: Option<String>,
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::redundancy::Level>)]
    pub numeracy: Option<String>,
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::redundancy::Level>)]
    pub digital: Option<String>,
    pub assessment_notes: Option<String>,
    /// `open`, `sustained`, `not_sustained` or `withdrawn` (`in_work` follows a job start).
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::redundancy::CaseStatus>)]
    pub status: Option<String>,
    pub closed_on: Option<String>,
    /// Why not sustained: `job_ended`, `left_job`, `moved_away`, `no_contact`, `declined`, `other`.
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::redundancy::CloseReason>)]
    pub closed_reason: Option<String>,
    pub closed_note: Option<String>,
    /// The version read; required to change a case.
    pub version: Option<i32>,
}

patch_over!(CaseInput {
    name,
    national_id,
    email,
    phone,
    address,
    language,
    adviser_id,
    registered_on,
    assessed_on,
    literacy,
    numeracy,
    digital,
    assessment_notes,
    status,
    closed_on,
    closed_reason,
    closed_note
});

fn stored_input(c: &worker_case::Model, p: &Personal) -> CaseInput {
    let s = |v: &Option<String>| Some(v.clone().unwrap_or_default());
    let d = |v: Option<NaiveDate>| Some(v.map(|d| d.to_string()).unwrap_or_default());
    CaseInput {
        name: Some(p.name.clone()),
        national_id: s(&p.national_id),
        email: s(&p.email),
        phone: s(&p.phone),
        address: s(&p.address),
        language: Some(c.language.clone()),
        adviser_id: Some(c.adviser_user_id.to_string()),
        registered_on: Some(c.registered_on.to_string()),
        assessed_on: d(c.assessed_on),
        literacy: s(&c.literacy),
        numeracy: s(&c.numeracy),
        digital: s(&c.digital),
        assessment_notes: s(&c.assessment_notes),
        status: Some(c.status.clone()),
        closed_on: d(c.closed_on),
        closed_reason: s(&c.closed_reason),
        closed_note: s(&c.closed_note),
        version: Some(c.version),
    }
}

/// The audit entry of a case: never the personal details, nor the free-text notes.
fn case_audit(c: &worker_case::Model) -> serde_json::Value {
    serde_json::json!({
        "event_id": c.event_id, "adviser_user_id": c.adviser_user_id, "registered_on": c.registered_on,
        "language": c.language, "status": c.status, "assessed_on": c.assessed_on, "literacy": c.literacy,
        "numeracy": c.numeracy, "digital": c.digital, "closed_on": c.closed_on, "closed_reason": c.closed_reason,
    })
}

fn level(e: &mut FieldErrors, field: &str, v: &Option<String>) -> Option<String> {
    match val(v) {
        "" => None,
        s => e.take(field, s, Level::parse(s)).map(|l| l.as_str().to_owned()),
    }
}

/// Registers a worker facing redundancy at an event: the team's advisers and the district's
/// managers may.
pub async fn register(app: &App, actor: &Actor, event_id: i64, input: &CaseInput) -> Result<CaseView> {
    actor.require_write()?;
    let event = ev::event_row(app, actor, event_id).await?;
    if !works_event(app, actor, event_id).await? {
        return Err(AppError::Forbidden);
    }
    let k = key(app)?.clone();
    let base = CaseInput {
        language: Some("en".into()),
        adviser_id: actor.user_id.map(|u| u.to_string()),
        registered_on: Some(Utc::now().date_naive().to_string()),
        status: Some("open".into()),
        ..Default::default()
    };
    let input = input.clone().over(base);
    let (am, personal, digest) = check(app, &event, None, &input).await?;
    let now = Utc::now();
    let (sealed_key, sealed_data) =
        k.seal_person(&serde_json::to_vec(&personal).map_err(|e| AppError::Internal(e.to_string()))?);
    let txn = app.db.write().await?;
    let p = person::ActiveModel {
        sealed_key: Set(sealed_key),
        sealed_data: Set(sealed_data),
        id_digest: Set(digest),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut am = am;
    am.event_id = Set(event_id);
    am.person_id = Set(p.id);
    am.created_at = Set(now);
    am.updated_at = Set(now);
    am.version = Set(1);
    let row = am.insert(&txn).await?;
    audit_save(&txn, actor, "worker_case", row.id, Some(event.district_id), None, case_audit(&row), now).await?;
    txn.commit().await?;
    load(app, row, false).await
}

/// Checks a case's input: the case row to store, the personal data to seal and the digest of
/// the national ID number.
async fn check(
    app: &App,
    event: &accord_db::entities::redundancy_event::Model,
    existing: Option<&worker_case::Model>,
    input: &CaseInput,
) -> Result<(worker_case::ActiveModel, Personal, Option<String>)> {
    let k = key(app)?;
    let mut e = FieldErrors::new();
    let name = required(&mut e, "name", &input.name, 200, false);
    let national_id = match val(&input.national_id) {
        "" => None,
        s => e.take("national_id", s, NationalId::parse(s)),
    };
    let email = match val(&input.email) {
        "" => None,
        s => e.take("email", s, Email::parse(s)).map(|m| m.as_str().to_owned()),
    };
    let phone = text(&mut e, "phone", &input.phone, 40, false);
    let address = text(&mut e, "address", &input.address, 400, true);
    let language = match val(&input.language) {
        "" => "en".to_owned(),
        s => e
            .take("language", s, Lang::parse(s).ok_or("case.language_unknown"))
            .map(|l| l.code().to_owned())
            .unwrap_or_default(),
    };
    let advisers = ev::team_candidates(app, event.district_id).await?;
    let adviser = match val(&input.adviser_id).parse::<i64>() {
        Ok(id) if advisers.iter().any(|a| a.id == id) || Some(id) == existing.map(|c| c.adviser_user_id) => Some(id),
        _ => {
            e.add("adviser_id", "case.adviser_unknown", Some(val(&input.adviser_id)));
            None
        }
    };
    let registered_on = date(&mut e, "registered_on", &input.registered_on);
    let assessed_on = date(&mut e, "assessed_on", &input.assessed_on);
    let literacy = level(&mut e, "literacy", &input.literacy);
    let numeracy = level(&mut e, "numeracy", &input.numeracy);
    let digital = level(&mut e, "digital", &input.digital);
    let assessment_notes = text(&mut e, "assessment_notes", &input.assessment_notes, 8000, true);
    let mut status = match val(&input.status) {
        "" => Some(CaseStatus::Open),
        s => e.take("status", s, CaseStatus::parse(s)),
    };
    let closed_reason = match val(&input.closed_reason) {
        "" => None,
        s => e.take("closed_reason", s, CloseReason::parse(s)),
    };
    let closed_note = text(&mut e, "closed_note", &input.closed_note, 4000, true);
    let mut closed_on = date(&mut e, "closed_on", &input.closed_on);
    let parts = match existing {
        Some(c) => q::case_parts(&app.db.conn, c.id).await?,
        None => q::CaseParts::default(),
    };
    match status {
        Some(s) if s.is_closed() => {
            if closed_on.is_none() {
                closed_on = Some(Utc::now().date_naive());
            }
            if s == CaseStatus::Sustained {
                if !parts.checkins.iter().any(|k| k.week >= SUSTAINED_WEEKS as i32 && k.in_work == Some(true)) {
                    e.add("status", "case.not_sustained_yet", None);
                }
            } else if closed_reason.is_none() {
                e.add("closed_reason", "field.required", None);
            }
        }
        Some(CaseStatus::InWork) if parts.jobs.iter().all(|j| j.ended_on.is_some()) => {
            e.add("status", "case.no_job", None);
        }
        Some(_) => {
            closed_on = None;
        }
        None => {}
    }
    if let (Some(s), Some(existing)) = (status, existing)
        && s == CaseStatus::Open
        && existing.status == "in_work"
        && parts.jobs.iter().any(|j| j.ended_on.is_none())
    {
        status = Some(CaseStatus::InWork);
    }
    let digest = national_id.as_ref().map(|n| k.digest(n.as_str()));
    if let Some(d) = &digest {
        for other in q::cases_with_digest(&app.db.conn, d).await? {
            if other.event_id == event.id && Some(other.id) != existing.map(|c| c.id) {
                e.add("national_id", "case.duplicate", Some(&other.id.to_string()));
            }
        }
    }
    e.into_result()?;
    let closed = status.is_some_and(CaseStatus::is_closed);
    let am = worker_case::ActiveModel {
        adviser_user_id: Set(adviser.unwrap_or_default()),
        registered_on: Set(registered_on.unwrap_or_else(|| Utc::now().date_naive())),
        language: Set(language),
        status: Set(status.unwrap_or(CaseStatus::Open).as_str().to_owned()),
        assessed_on: Set(assessed_on),
        literacy: Set(literacy),
        numeracy: Set(numeracy),
        digital: Set(digital),
        assessment_notes: Set(assessment_notes),
        closed_on: Set(closed.then_some(closed_on).flatten()),
        closed_reason: Set(closed.then(|| closed_reason.map(|r| r.as_str().to_owned())).flatten()),
        closed_note: Set(closed.then_some(closed_note).flatten()),
        ..Default::default()
    };
    let personal = Personal {
        name: name.unwrap_or_default(),
        national_id: national_id.map(|n| n.as_str().to_owned()),
        email,
        phone,
        address,
    };
    Ok((am, personal, digest))
}

/// Changes a case at the version read; fields left out keep their stored value.
pub async fn update(app: &App, actor: &Actor, id: i64, input: &CaseInput) -> Result<CaseView> {
    actor.require_write()?;
    let (case, district_id) = permitted(app, actor, id).await?;
    let c = &app.db.conn;
    let event = q::get_event(c, &accord_db::Scope::All, case.event_id).await?.ok_or(AppError::NotFound)?;
    let p = q::get_person(c, case.person_id).await?.ok_or(AppError::NotFound)?;
    let stored = unseal(app, &p)?;
    let version = input.version.ok_or_else(|| AppError::field("version", "field.required", None))?;
    let merged = input.clone().over(stored_input(&case, &stored));
    let (mut am, personal, digest) = check(app, &event, Some(&case), &merged).await?;
    let now = Utc::now();
    am.event_id = Set(case.event_id);
    am.person_id = Set(case.person_id);
    am.updated_at = Set(now);
    let txn = app.db.write().await?;
    if !q::update_case(&txn, id, version, am).await? {
        drop(txn);
        let current = q::get_case(c, id).await?.ok_or(AppError::NotFound)?;
        return Err(conflict(&case_audit(&current), &[]));
    }
    if personal != stored {
        let sealed = key(app)?
            .reseal_person(
                &p.sealed_key,
                &serde_json::to_vec(&personal).map_err(|e| AppError::Internal(e.to_string()))?,
            )
            .map_err(|e| AppError::Internal(e.to_string()))?;
        person::ActiveModel {
            id: Set(p.id),
            sealed_data: Set(sealed),
            id_digest: Set(digest),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await?;
    }
    let row = worker_case::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let mut after = case_audit(&row);
    if personal != stored {
        after["personal_details"] = serde_json::json!("changed");
    }
    audit_save(&txn, actor, "worker_case", id, Some(district_id), Some(case_audit(&case)), after, now).await?;
    txn.commit().await?;
    load(app, row, false).await
}

// ---- sessions, plan, training, jobs, check-ins ----

/// A guidance session, job search support, or advice recorded as a referral.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SessionInput {
    #[schema(schema_with = crate::schema::code_or_null::<accord_domain::redundancy::SessionKind>)]
    pub kind: Option<String>,
    pub held_on: Option<String>,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub minutes: Option<String>,
    /// For a referral: to whom (the debt counselling service, …).
    pub referred_to: Option<String>,
    pub notes: Option<String>,
}

/// The case for a write: permitted, open to changes.
async fn for_write(app: &App, actor: &Actor, case_id: i64) -> Result<(worker_case::Model, i64)> {
    actor.require_write()?;
    permitted(app, actor, case_id).await
}

async fn touch<C: accord_db::sea_orm::ConnectionTrait>(c: &C, case_id: i64, now: chrono::DateTime<Utc>) -> Result<()> {
    worker_case::Entity::update_many()
        .col_expr(worker_case::Column::UpdatedAt, Expr::value(now))
        .filter(worker_case::Column::Id.eq(case_id))
        .exec(c)
        .await?;
    Ok(())
}

pub async fn add_session(app: &App, actor: &Actor, case_id: i64, input: &SessionInput) -> Result<SessionView> {
    let (_, district_id) = for_write(app, actor, case_id).await?;
    let mut e = FieldErrors::new();
    let kind = match val(&input.kind) {
        "" => {
            e.add("kind", "field.required", None);
            None
        }
        s => e.take("kind", s, SessionKind::parse(s)),
    };
    let held_on = date(&mut e, "held_on", &input.held_on);
    if held_on.is_none() && val(&input.held_on).is_empty() {
        e.add("held_on", "field.required", None);
    }
    let minutes = count(&mut e, "minutes", &input.minutes, 24 * 60);
    let referred_to = text(&mut e, "referred_to", &input.referred_to, 200, false);
    if kind.is_some_and(SessionKind::is_referral) && referred_to.is_none() && e.get("referred_to").is_none() {
        e.add("referred_to", "field.required", None);
    }
    let notes = text(&mut e, "notes", &input.notes, 8000, true);
    e.into_result()?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let row = case_session::ActiveModel {
        case_id: Set(case_id),
        kind: Set(kind.map(|k| k.as_str().to_owned()).unwrap_or_default()),
        held_on: Set(held_on.unwrap_or_default()),
        minutes: Set(minutes.map(|m| m as i32)),
        referred_to: Set(referred_to),
        notes: Set(notes),
        author_user_id: Set(actor.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    touch(&txn, case_id, now).await?;
    let audit =
        serde_json::json!({"case_id": case_id, "kind": row.kind, "held_on": row.held_on, "minutes": row.minutes});
    audit_save(&txn, actor, "case_session", row.id, Some(district_id), None, audit, now).await?;
    txn.commit().await?;
    Ok(SessionView {
        id: row.id,
        kind: row.kind,
        held_on: row.held_on,
        minutes: row.minutes,
        referred_to: row.referred_to,
        notes: row.notes,
    })
}

/// An activity of the career action plan: from the catalogue (`service_id`) or described.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ActivityInput {
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub service_id: Option<String>,
    /// What to do; defaults to the service's name.
    pub title: Option<String>,
    pub due_on: Option<String>,
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::redundancy::ActivityState>)]
    pub status: Option<String>,
    pub outcome: Option<String>,
    pub version: Option<i32>,
}

patch_over!(ActivityInput { service_id, title, due_on, status, outcome });

/// Adds an activity to the plan (`id` none) or changes one at the version read.
pub async fn save_activity(
    app: &App,
    actor: &Actor,
    case_id: Option<i64>,
    id: Option<i64>,
    input: &ActivityInput,
) -> Result<ActivityView> {
    let existing = match id {
        Some(id) => Some(case_activity::Entity::find_by_id(id).one(&app.db.conn).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let case_id = existing.as_ref().map(|a| a.case_id).or(case_id).ok_or(AppError::NotFound)?;
    let (case, district_id) = for_write(app, actor, case_id).await?;
    let lang = Lang::parse(&case.language).unwrap_or(Lang::En);
    let input = match &existing {
        Some(a) => input.clone().over(activity_view(a.clone(), Utc::now().date_naive()).input()),
        None => input.clone(),
    };
    let mut e = FieldErrors::new();
    let service = match val(&input.service_id) {
        "" => None,
        s => match s.parse::<i64>().ok() {
            Some(sid) => match accord_db::entities::support_service::Entity::find_by_id(sid).one(&app.db.conn).await? {
                Some(svc) => Some(svc),
                None => {
                    e.add("service_id", "service.unknown", Some(s));
                    None
                }
            },
            None => {
                e.add("service_id", "service.unknown", Some(s));
                None
            }
        },
    };
    let title = match text(&mut e, "title", &input.title, 400, false) {
        Some(t) => Some(t),
        None => match &service {
            Some(s) => Some(if lang == Lang::Da { s.name_da.clone() } else { s.name_en.clone() }),
            None => {
                if e.get("title").is_none() {
                    e.add("title", "plan_activity.title_or_service", None);
                }
                None
            }
        },
    };
    let due_on = date(&mut e, "due_on", &input.due_on);
    let status = match val(&input.status) {
        "" => Some(ActivityState::Planned),
        s => e.take("status", s, ActivityState::parse(s)),
    };
    let outcome = text(&mut e, "outcome", &input.outcome, 4000, true);
    e.into_result()?;
    let now = Utc::now();
    let position = match &existing {
        Some(a) => a.position,
        None => {
            q::case_parts(&app.db.conn, case_id).await?.activities.iter().map(|a| a.position).max().unwrap_or(0) + 1
        }
    };
    let am = case_activity::ActiveModel {
        case_id: Set(case_id),
        service_id: Set(service.map(|s| s.id)),
        title: Set(title.unwrap_or_default()),
        due_on: Set(due_on),
        status: Set(status.unwrap_or(ActivityState::Planned).as_str().to_owned()),
        outcome: Set(outcome),
        position: Set(position),
        updated_at: Set(now),
        ..Default::default()
    };
    let audit = |a: &case_activity::Model| serde_json::json!({"case_id": a.case_id, "service_id": a.service_id, "due_on": a.due_on, "status": a.status});
    let row = store_part!(
        app,
        actor,
        "case_activity",
        case_activity,
        q::update_activity,
        existing.as_ref(),
        input.version,
        am,
        now,
        case_id,
        district_id,
        audit
    );
    Ok(activity_view(row, now.date_naive()))
}

/// Retraining or reskilling: provider, course, dates, cost and funding source.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TrainingInput {
    pub provider: Option<String>,
    pub course: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub cost: Option<String>,
    /// ESF, the Innovation Fund, the employer, …
    pub funding_source: Option<String>,
    #[schema(schema_with = crate::schema::code_or_empty::<accord_domain::redundancy::TrainingStatus>)]
    pub status: Option<String>,
    pub version: Option<i32>,
}

patch_over!(TrainingInput { provider, course, starts_on, ends_on, cost, funding_source, status });

pub async fn save_training(
    app: &App,
    actor: &Actor,
    case_id: Option<i64>,
    id: Option<i64>,
    input: &TrainingInput,
) -> Result<TrainingView> {
    let existing = match id {
        Some(id) => Some(case_training::Entity::find_by_id(id).one(&app.db.conn).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let case_id = existing.as_ref().map(|t| t.case_id).or(case_id).ok_or(AppError::NotFound)?;
    let (_, district_id) = for_write(app, actor, case_id).await?;
    let input = match &existing {
        Some(t) => input.clone().over(TrainingView::from(t.clone()).input()),
        None => input.clone(),
    };
    let mut e = FieldErrors::new();
    let provider = required(&mut e, "provider", &input.provider, 200, false);
    let course = required(&mut e, "course", &input.course, 200, false);
    let starts_on = date(&mut e, "starts_on", &input.starts_on);
    let ends_on = date(&mut e, "ends_on", &input.ends_on);
    if let (Some(a), Some(b)) = (starts_on, ends_on)
        && b < a
    {
        e.add("ends_on", "training.ends_before_start", None);
    }
    let cost = count(&mut e, "cost", &input.cost, 100_000_000);
    let funding_source = text(&mut e, "funding_source", &input.funding_source, 100, false);
    let status = match val(&input.status) {
        "" => Some(TrainingStatus::Planned),
        s => e.take("status", s, TrainingStatus::parse(s)),
    };
    e.into_result()?;
    let now = Utc::now();
    let am = case_training::ActiveModel {
        case_id: Set(case_id),
        provider: Set(provider.unwrap_or_default()),
        course: Set(course.unwrap_or_default()),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        cost: Set(cost),
        funding_source: Set(funding_source),
        status: Set(status.unwrap_or(TrainingStatus::Planned).as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    let audit = |t: &case_training::Model| {
        serde_json::json!({"case_id": t.case_id, "provider": t.provider, "course": t.course, "starts_on": t.starts_on,
            "ends_on": t.ends_on, "cost": t.cost, "funding_source": t.funding_source, "status": t.status})
    };
    let row = store_part!(
        app,
        actor,
        "case_training",
        case_training,
        q::update_training,
        existing.as_ref(),
        input.version,
        am,
        now,
        case_id,
        district_id,
        audit
    );
    Ok(row.into())
}

/// A job start, and the weeks after it at which to check in (default 1, 4, 8 and 13).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct JobInput {
    pub employer: Option<String>,
    pub job_title: Option<String>,
    pub starts_on: Option<String>,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub hours: Option<String>,
    /// `1, 4, 8, 13` unless given.
    pub checkin_weeks: Option<String>,
}

/// Records a job start: the case is in work, and its check-ins are scheduled.
pub async fn add_job(app: &App, actor: &Actor, case_id: i64, input: &JobInput) -> Result<JobView> {
    let (case, district_id) = for_write(app, actor, case_id).await?;
    let mut e = FieldErrors::new();
    let employer = required(&mut e, "employer", &input.employer, 200, false);
    let job_title = text(&mut e, "job_title", &input.job_title, 200, false);
    let starts_on = date(&mut e, "starts_on", &input.starts_on);
    if starts_on.is_none() && val(&input.starts_on).is_empty() {
        e.add("starts_on", "field.required", None);
    }
    let hours = match val(&input.hours).replace(',', ".") {
        s if s.is_empty() => None,
        s => match s.parse::<f64>() {
            Ok(h) if (0.0..=100.0).contains(&h) => Some(h),
            _ => {
                e.add("hours", "job.hours_invalid", Some(val(&input.hours)));
                None
            }
        },
    };
    let weeks = match val(&input.checkin_weeks) {
        "" => Some(DEFAULT_CHECKIN_WEEKS.to_vec()),
        s => e.take("checkin_weeks", s, parse_weeks(s)),
    };
    if CaseStatus::parse(&case.status).is_ok_and(CaseStatus::is_closed) {
        e.add("employer", "case.closed", None);
    }
    e.into_result()?;
    let starts_on = starts_on.unwrap_or_default();
    let employer = employer.unwrap_or_default();
    let employer_id = match accord_db::users::get_district(&app.db.conn, &accord_db::Scope::All, district_id).await? {
        Some(d) => accord_db::directory::resolve_ref(&app.db.conn, d.id, &employer).await?.map(|o| o.id),
        None => None,
    };
    let now = Utc::now();
    let txn = app.db.write().await?;
    let job = case_job::ActiveModel {
        case_id: Set(case_id),
        employer: Set(employer),
        employer_id: Set(employer_id),
        job_title: Set(job_title),
        starts_on: Set(starts_on),
        hours: Set(hours),
        ended_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut checkins = Vec::new();
    for w in weeks.unwrap_or_default() {
        checkins.push(
            case_checkin::ActiveModel {
                case_id: Set(case_id),
                job_id: Set(job.id),
                week: Set(w as i32),
                due_on: Set(week_after(starts_on, w)),
                done_on: Set(None),
                in_work: Set(None),
                notes: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
        );
    }
    worker_case::Entity::update_many()
        .col_expr(worker_case::Column::Status, Expr::value("in_work"))
        .col_expr(worker_case::Column::UpdatedAt, Expr::value(now))
        .col_expr(worker_case::Column::Version, Expr::col(worker_case::Column::Version).add(1))
        .filter(worker_case::Column::Id.eq(case_id))
        .exec(&txn)
        .await?;
    let audit = serde_json::json!({"case_id": case_id, "employer": job.employer, "starts_on": job.starts_on,
        "hours": job.hours, "checkin_weeks": checkins.iter().map(|k| k.week).collect::<Vec<_>>()});
    audit_save(&txn, actor, "case_job", job.id, Some(district_id), None, audit, now).await?;
    txn.commit().await?;
    let today = now.date_naive();
    Ok(JobView {
        id: job.id,
        employer: job.employer,
        employer_id: job.employer_id,
        job_title: job.job_title,
        starts_on: job.starts_on,
        hours: job.hours,
        ended_on: job.ended_on,
        checkins: checkins
            .into_iter()
            .map(|k| CheckinView {
                overdue: k.due_on < today,
                id: k.id,
                job_id: k.job_id,
                week: k.week,
                due_on: k.due_on,
                done_on: None,
                in_work: None,
                notes: None,
                version: k.version,
            })
            .collect(),
    })
}

/// A check-in as recorded: when, whether the worker is still in work, notes; or a new due date.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct CheckinInput {
    pub done_on: Option<String>,
    /// `yes` (or `true`) when still in work, `no` when the job has ended.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub in_work: Option<String>,
    pub notes: Option<String>,
    /// Moves the check-in to another day.
    pub due_on: Option<String>,
    pub version: Option<i32>,
}

/// Records a check-in. Still in work at the 13th week: the case closes as sustained. No longer
/// in work: the job ends there, its later check-ins are dropped, and the case is open again.
pub async fn save_checkin(app: &App, actor: &Actor, id: i64, input: &CheckinInput) -> Result<CaseStatus> {
    let k = case_checkin::Entity::find_by_id(id).one(&app.db.conn).await?.ok_or(AppError::NotFound)?;
    let (case, district_id) = for_write(app, actor, k.case_id).await?;
    let mut e = FieldErrors::new();
    let done_on = date(&mut e, "done_on", &input.done_on);
    let due_on = date(&mut e, "due_on", &input.due_on);
    let in_work = match val(&input.in_work).to_lowercase().as_str() {
        "" => None,
        "yes" | "true" | "on" | "1" => Some(true),
        "no" | "false" | "0" => Some(false),
        other => {
            e.add("in_work", "checkin.in_work_invalid", Some(other));
            None
        }
    };
    if done_on.is_some() && in_work.is_none() && e.get("in_work").is_none() {
        e.add("in_work", "field.required", None);
    }
    if done_on.is_none() && in_work.is_some() && e.get("done_on").is_none() {
        e.add("done_on", "field.required", None);
    }
    if done_on.is_none() && due_on.is_none() && e.is_empty() {
        e.add("done_on", "field.required", None);
    }
    let notes = text(&mut e, "notes", &input.notes, 4000, true);
    let version = input.version.ok_or_else(|| AppError::field("version", "field.required", None))?;
    e.into_result()?;
    let now = Utc::now();
    let am = case_checkin::ActiveModel {
        due_on: Set(due_on.unwrap_or(k.due_on)),
        done_on: Set(done_on.or(k.done_on)),
        in_work: Set(in_work.or(k.in_work)),
        notes: Set(notes.or(k.notes.clone())),
        updated_at: Set(now),
        ..Default::default()
    };
    let txn = app.db.write().await?;
    if !q::update_checkin(&txn, id, version, am).await? {
        return Err(conflict(&serde_json::json!({}), &[]));
    }
    let mut status = CaseStatus::parse(&case.status).unwrap_or(CaseStatus::Open);
    if let (Some(day), Some(still)) = (done_on, in_work) {
        if still && k.week >= SUSTAINED_WEEKS as i32 {
            status = CaseStatus::Sustained;
        } else if !still {
            status = CaseStatus::Open;
            case_job::Entity::update_many()
                .col_expr(case_job::Column::EndedOn, Expr::value(day))
                .filter(case_job::Column::Id.eq(k.job_id))
                .exec(&txn)
                .await?;
            case_checkin::Entity::delete_many()
                .filter(case_checkin::Column::JobId.eq(k.job_id))
                .filter(case_checkin::Column::DoneOn.is_null())
                .exec(&txn)
                .await?;
        }
        if status.as_str() != case.status {
            let mut update = worker_case::Entity::update_many()
                .col_expr(worker_case::Column::Status, Expr::value(status.as_str()))
                .col_expr(worker_case::Column::Version, Expr::col(worker_case::Column::Version).add(1));
            if status == CaseStatus::Sustained {
                update = update.col_expr(worker_case::Column::ClosedOn, Expr::value(day));
            }
            update.filter(worker_case::Column::Id.eq(case.id)).exec(&txn).await?;
        }
    }
    touch(&txn, case.id, now).await?;
    let audit = serde_json::json!({"case_id": case.id, "week": k.week, "due_on": due_on.unwrap_or(k.due_on),
        "done_on": done_on, "in_work": in_work, "case_status": status.as_str()});
    audit_save(&txn, actor, "case_checkin", id, Some(district_id), None, audit, now).await?;
    txn.commit().await?;
    Ok(status)
}

/// The check-ins of the adviser's own cases that are overdue or due within a week.
pub async fn my_due_checkins(app: &App, actor: &Actor, today: NaiveDate) -> Result<Vec<q::DueCheckin>> {
    match actor.user_id {
        Some(me) if actor.has(Role::Adviser) => {
            Ok(q::due_checkins(&app.db.conn, me, today + chrono::Duration::days(7)).await?)
        }
        _ => Ok(vec![]),
    }
}

// ---- the access log and the subject access export ----

/// One opening of a case.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccessView {
    pub at: chrono::DateTime<Utc>,
    pub purpose: String,
    /// `case`, `personal_data` or `export`.
    pub what: String,
    /// Who opened it; left out of the subject access export.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// Who opened the case, when and why: for the case's adviser, its team and managers.
pub async fn accesses(app: &App, actor: &Actor, case_id: i64) -> Result<Vec<AccessView>> {
    permitted(app, actor, case_id).await?;
    Ok(q::accesses(&app.db.conn, case_id)
        .await?
        .into_iter()
        .map(|a| AccessView { at: a.at, purpose: a.purpose, what: a.what, by: Some(a.actor) })
        .collect())
}

/// Everything held about one person: their details, every case (at any event) with the same
/// national ID number, and the dates and purposes of every opening, without staff names.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SubjectExport {
    pub produced_at: chrono::DateTime<Utc>,
    pub person: PersonView,
    pub cases: Vec<CaseView>,
    pub accesses: Vec<AccessView>,
    /// How long the data is kept after a case closes.
    pub retention_months: u32,
}

pub async fn subject_export(app: &App, actor: &Actor, case_id: i64) -> Result<SubjectExport> {
    let (case, _) = permitted(app, actor, case_id).await?;
    let c = &app.db.conn;
    let p = q::get_person(c, case.person_id).await?.ok_or(AppError::NotFound)?;
    let personal = unseal(app, &p)?;
    let mut rows = match &p.id_digest {
        Some(d) => q::cases_with_digest(c, d).await?,
        None => vec![],
    };
    if !rows.iter().any(|r| r.id == case.id) {
        rows.push(case.clone());
    }
    rows.sort_by_key(|r| r.id);
    let mut cases = Vec::new();
    let mut log = Vec::new();
    for r in rows {
        let id = r.id;
        let mut v = load(app, r, true).await?;
        // The staff are not named to the worker.
        v.adviser = StaffRef { id: 0, name: String::new() };
        cases.push(v);
        log.extend(q::accesses(c, id).await?.into_iter().map(|a| AccessView {
            at: a.at,
            purpose: a.purpose,
            what: a.what,
            by: None,
        }));
    }
    log_access(c, actor, case_id, AccessPurpose::SubjectAccess, "export").await?;
    log.sort_by_key(|a| a.at);
    Ok(SubjectExport {
        produced_at: Utc::now(),
        person: PersonView::of(&personal, false),
        cases,
        accesses: log,
        retention_months: app.config.retention_months,
    })
}

// ---- erasure ----

async fn erase_one(app: &App, actor: &Actor, case: &worker_case::Model, today: NaiveDate) -> Result<()> {
    let c = &app.db.conn;
    let parts = q::case_parts(c, case.id).await?;
    let event = q::get_event(c, &accord_db::Scope::All, case.event_id).await?;
    let mut sources: Vec<String> = parts.trainings.iter().filter_map(|t| t.funding_source.clone()).collect();
    sources.sort();
    sources.dedup();
    let tally = case_tally::ActiveModel {
        event_id: Set(case.event_id),
        assessed: Set(case.assessed_on.is_some()),
        planned: Set(!parts.activities.is_empty()),
        training_started: Set(parts
            .trainings
            .iter()
            .any(|t| TrainingStatus::parse(&t.status).is_ok_and(TrainingStatus::started))),
        training_completed: Set(parts.trainings.iter().any(|t| t.status == "completed")),
        reemployed: Set(!parts.jobs.is_empty()),
        sustained: Set(case.status == "sustained"),
        funding_sources: Set((!sources.is_empty()).then(|| sources.join("\n"))),
        erased_on: Set(today),
        ..Default::default()
    };
    let now = Utc::now();
    let txn = app.db.write().await?;
    if !q::erase_case(&txn, case, tally).await? {
        // Erased meanwhile by another node: its tally is already there.
        return Ok(());
    }
    let mut entry = actor.audit("erase", "worker_case", Some(case.id.to_string()));
    entry.district_id = event.map(|e| e.district_id);
    accord_db::audit::append(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Erases the personal data of every case closed longer ago than the retention period; what
/// each counted for stays, without the person. Returns how many were erased.
pub async fn erase_expired(app: &App, today: NaiveDate) -> Result<usize> {
    let months = app.config.retention_months;
    let cutoff = today.checked_sub_months(chrono::Months::new(months)).unwrap_or(today);
    let due = q::closed_before(&app.db.conn, cutoff).await?;
    let system = Actor::system();
    let mut n = 0;
    for case in due.iter().filter(|c| c.closed_on.is_some_and(|d| erase_after(d, months) <= today)) {
        erase_one(app, &system, case, today).await?;
        n += 1;
    }
    if n > 0 {
        q::scrub(&app.db.conn).await?;
    }
    Ok(n)
}

/// Erases a closed case now, at the worker's request: a manager of the district may.
pub async fn erase_now(app: &App, actor: &Actor, case_id: i64) -> Result<()> {
    actor.require_write()?;
    let (case, _) = permitted(app, actor, case_id).await?;
    if !actor.has(Role::Manager) {
        return Err(AppError::Forbidden);
    }
    if !CaseStatus::parse(&case.status).is_ok_and(CaseStatus::is_closed) {
        return Err(AppError::field("status", "case.erase_open", None));
    }
    erase_one(app, actor, &case, Utc::now().date_naive()).await?;
    q::scrub(&app.db.conn).await?;
    Ok(())
}

/// The purposes an opening may give, for forms.
pub fn purposes() -> &'static [AccessPurpose] {
    AccessPurpose::ALL
}

/// Whether the configured data key opens the personal data already stored: true when nothing
/// is stored or no key is configured.
pub async fn data_key_opens_stored(app: &App) -> Result<bool> {
    let Some(key) = &app.config.data_key else { return Ok(true) };
    Ok(match q::any_person_unscoped(&app.db.conn).await? {
        Some(p) => key.open_person(&p.sealed_key, &p.sealed_data).is_ok(),
        None => true,
    })
}
