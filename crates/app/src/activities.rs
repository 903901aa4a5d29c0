//! Activities at employers and recruitment requests: their types, their inputs and the checks
//! that the screen, the API and the bulk import share.

use crate::directory::{opt, parse_date, short_text};
use crate::{App, Result};
use accord_db::sea_orm::{ConnectionTrait, EntityTrait};
use accord_domain::activity::citizen_ref;
use accord_domain::{ActivityOutcome, ActivityType, FieldErrors, Lang, RequestStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The activity types, findable by code, English or Danish label, or alias (case ignored).
#[derive(Debug, Clone, Default)]
pub struct TypeIndex {
    pub types: Vec<ActivityType>,
    by_name: HashMap<String, usize>,
}

impl TypeIndex {
    pub async fn load<C: ConnectionTrait>(c: &C) -> Result<TypeIndex> {
        Ok(TypeIndex::new(accord_db::activity_types::all(c).await?))
    }

    pub fn new(types: Vec<ActivityType>) -> TypeIndex {
        let mut by_name = HashMap::new();
        // Codes win over labels, labels over aliases, when two types share a name.
        for (i, t) in types.iter().enumerate() {
            for alias in t.alias_list() {
                by_name.insert(alias.to_lowercase(), i);
            }
        }
        for (i, t) in types.iter().enumerate() {
            by_name.insert(t.label_en.trim().to_lowercase(), i);
            by_name.insert(t.label_da.trim().to_lowercase(), i);
        }
        for (i, t) in types.iter().enumerate() {
            by_name.insert(t.code.clone(), i);
        }
        TypeIndex { types, by_name }
    }

    /// The type a file or form names; retired types are refused for new records.
    pub fn find(&self, name: &str) -> Option<&ActivityType> {
        self.by_name.get(&name.trim().to_lowercase()).map(|i| &self.types[*i])
    }

    pub fn label(&self, code: &str, lang: Lang) -> String {
        self.types
            .iter()
            .find(|t| t.code == code)
            .map(|t| if lang == Lang::Da { t.label_da.clone() } else { t.label_en.clone() })
            .unwrap_or_else(|| code.to_owned())
    }
}

/// An activity as a form, an API body or an import row gives it; empty text is "no value".
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct ActivityInput {
    pub district: Option<String>,
    pub source_id: String,
    #[serde(rename = "type")]
    pub r#type: String,
    pub organisation_ref: String,
    pub start_date: String,
    pub end_date: String,
    pub citizen_ref: String,
    pub outcome: String,
    pub account_manager_email: String,
    pub version: Option<i32>,
}

/// The checked fields of an activity, its organisation and account manager still to resolve.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActivityFields {
    pub source_id: Option<String>,
    pub r#type: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub citizen_ref: Option<String>,
    pub outcome: ActivityOutcome,
}

fn required<'a>(errors: &mut FieldErrors, field: &str, v: &'a str) -> Option<&'a str> {
    let t = opt(v);
    if t.is_none() {
        errors.add(field, "field.required", None);
    }
    t
}

fn date_of(errors: &mut FieldErrors, field: &str, v: &str) -> Option<NaiveDate> {
    opt(v).and_then(|s| errors.take(field, s, parse_date(s)))
}

/// Checks an activity's own fields (not its organisation): a known, current type; dates in
/// order; a pseudonymous citizen reference; a known outcome (`ongoing` when left out).
pub fn check_activity(
    types: &TypeIndex,
    input: &ActivityInput,
    source_required: bool,
    errors: &mut FieldErrors,
) -> Option<ActivityFields> {
    let source_id = if source_required {
        required(errors, "source_id", &input.source_id)
            .and_then(|_| short_text(errors, "source_id", &input.source_id, 64))
    } else {
        short_text(errors, "source_id", &input.source_id, 64)
    };
    let kind = match required(errors, "type", &input.r#type) {
        None => None,
        Some(t) => match types.find(t) {
            Some(found) if !found.retired => Some(found.code.clone()),
            Some(_) => {
                errors.add("type", "activity_type.retired", Some(t));
                None
            }
            None => {
                errors.add("type", "activity_type.unknown", Some(t));
                None
            }
        },
    };
    let start =
        required(errors, "start_date", &input.start_date).and_then(|s| errors.take("start_date", s, parse_date(s)));
    let end = date_of(errors, "end_date", &input.end_date);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.add("start_date", "period.end_before_start", Some(input.start_date.trim()));
        errors.add("end_date", "period.end_before_start", Some(input.end_date.trim()));
    }
    let citizen = opt(&input.citizen_ref).and_then(|c| errors.take("citizen_ref", c, citizen_ref(c)));
    let outcome = match opt(&input.outcome) {
        None => Some(ActivityOutcome::Ongoing),
        Some(o) => errors.take("outcome", o, ActivityOutcome::parse(&o.to_lowercase())),
    };
    if !errors.is_empty() {
        return None;
    }
    Some(ActivityFields {
        source_id,
        r#type: kind?,
        start_date: start?,
        end_date: end,
        citizen_ref: citizen,
        outcome: outcome?,
    })
}

/// A recruitment request as a form, an API body or an import row gives it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct RequestInput {
    pub district: Option<String>,
    pub source_id: String,
    pub organisation_ref: String,
    pub title: String,
    pub occupation: String,
    pub positions: String,
    pub received_date: String,
    pub deadline: String,
    pub status: String,
    pub hires: String,
    pub account_manager_email: String,
    pub version: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestFields {
    pub source_id: Option<String>,
    pub title: String,
    pub occupation: Option<String>,
    pub positions: i32,
    pub received_date: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub status: RequestStatus,
    pub hires: Option<i32>,
}

fn count_of(errors: &mut FieldErrors, field: &str, v: &str, min: i32) -> Option<i32> {
    let t = opt(v)?;
    match t.parse::<i32>() {
        Ok(n) if (min..=100_000).contains(&n) => Some(n),
        _ => {
            errors.add(field, if min > 0 { "number.positive" } else { "number.not_negative" }, Some(t));
            None
        }
    }
}

/// Checks a recruitment request's own fields: a title, positions (1 when left out), dates in
/// order, a known status (`open` when left out), and no more hires than positions.
pub fn check_request(input: &RequestInput, source_required: bool, errors: &mut FieldErrors) -> Option<RequestFields> {
    let source_id = if source_required {
        required(errors, "source_id", &input.source_id)
            .and_then(|_| short_text(errors, "source_id", &input.source_id, 64))
    } else {
        short_text(errors, "source_id", &input.source_id, 64)
    };
    let title = required(errors, "title", &input.title).and_then(|_| short_text(errors, "title", &input.title, 200));
    let occupation = short_text(errors, "occupation", &input.occupation, 200);
    let positions =
        if opt(&input.positions).is_none() { Some(1) } else { count_of(errors, "positions", &input.positions, 1) };
    let received = required(errors, "received_date", &input.received_date)
        .and_then(|s| errors.take("received_date", s, parse_date(s)));
    let deadline = date_of(errors, "deadline", &input.deadline);
    if let (Some(r), Some(d)) = (received, deadline)
        && d < r
    {
        errors.add("deadline", "request.deadline_before_received", Some(input.deadline.trim()));
    }
    let status = match opt(&input.status) {
        None => Some(RequestStatus::Open),
        Some(s) => errors.take("status", s, RequestStatus::parse(&s.to_lowercase())),
    };
    let hires = count_of(errors, "hires", &input.hires, 0);
    if let (Some(h), Some(p)) = (hires, positions)
        && h > p
    {
        errors.add("hires", "request.hires_over_positions", Some(input.hires.trim()));
    }
    if !errors.is_empty() {
        return None;
    }
    Some(RequestFields {
        source_id,
        title: title?,
        occupation,
        positions: positions?,
        received_date: received?,
        deadline,
        status: status?,
        hires,
    })
}

/// The activity types with their labels, for pages and the API.
pub async fn types(app: &App) -> Result<TypeIndex> {
    TypeIndex::load(&app.db.conn).await
}

// ---- use cases ----

use crate::directory as dir;
use crate::{Actor, AppError, Page, Paging};
use accord_db::activities as q;
use accord_db::directory as dq;
use accord_db::entities::{activity, organisation, recruitment_candidate, recruitment_request, user};
use accord_db::sea_orm::{ActiveValue::Set, ColumnTrait, QueryFilter};
use accord_domain::CandidateOutcome;
use accord_domain::{ActivitySort, RecordFilter, RequestSort};
use chrono::{DateTime, Utc};

/// Recording activities and requests: the roles that work with employers.
pub fn can_record(actor: &Actor) -> bool {
    dir::can_edit(actor)
}

pub fn can_manage_types(actor: &Actor) -> bool {
    actor.is_admin()
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

fn require_record(actor: &Actor) -> Result<()> {
    actor.require_write()?;
    require(can_record(actor))
}

/// The organisation a new record is for: the one whose page it was made on, or the one the
/// input names, found among the districts the actor works in.
async fn organisation_for(
    app: &App,
    actor: &Actor,
    org_id: Option<i64>,
    reference: &str,
    district: Option<&str>,
) -> Result<organisation::Model> {
    let c = &app.db.conn;
    if let Some(id) = org_id {
        return dq::get_organisation(c, &actor.scope(), id).await?.ok_or(AppError::NotFound);
    }
    let Some(r) = opt(reference) else { return Err(AppError::field("organisation_ref", "field.required", None)) };
    let districts = match district.map(str::trim).filter(|d| !d.is_empty()) {
        Some(code) => vec![dir::pick_district(app, actor, Some(code)).await?.id],
        None => accord_db::users::list_districts(c, &actor.scope()).await?.into_iter().map(|d| d.id).collect(),
    };
    crate::directory::require_org(c, &districts, "organisation_ref", r).await
}

/// A person by e-mail who may hold the record in the district, or the organisation's account
/// manager when none is given.
async fn account_manager_for(
    app: &App,
    org: &organisation::Model,
    email: &str,
    errors: &mut FieldErrors,
) -> Result<Option<i64>> {
    if opt(email).is_none() {
        return Ok(org.account_manager_id);
    }
    dir::check_account_manager(&app.db.conn, org.district_id, "account_manager_email", email, errors).await
}

/// What a page of records points to, looked up in three queries: the districts, the
/// organisations and the account managers.
struct Lookups {
    districts: Vec<accord_db::entities::district::Model>,
    orgs: Vec<organisation::Model>,
    people: Vec<user::Model>,
}

impl Lookups {
    async fn load(app: &App, org_ids: Vec<i64>, person_ids: Vec<i64>) -> Result<Lookups> {
        let c = &app.db.conn;
        let people = if person_ids.is_empty() {
            vec![]
        } else {
            user::Entity::find().filter(user::Column::Id.is_in(person_ids)).all(c).await?
        };
        Ok(Lookups {
            districts: accord_db::users::list_districts(c, &accord_db::Scope::All).await?,
            orgs: dq::organisations_by_ids(c, org_ids).await?,
            people,
        })
    }

    fn district(&self, id: i64) -> String {
        self.districts.iter().find(|d| d.id == id).map(|d| d.code.clone()).unwrap_or_default()
    }

    /// The organisation's ref and name.
    fn org(&self, id: i64) -> (String, String) {
        self.orgs.iter().find(|o| o.id == id).map(|o| (o.r#ref.clone(), o.name.clone())).unwrap_or_default()
    }

    /// The person's e-mail and name.
    fn person(&self, id: Option<i64>) -> (Option<String>, Option<String>) {
        let u = id.and_then(|id| self.people.iter().find(|u| u.id == id));
        (u.map(|u| u.email.clone()), u.map(|u| u.name.clone()))
    }
}

/// An activity as pages, the API and exports show it; fields named as the import columns.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ActivityView {
    pub id: i64,
    pub district: String,
    pub source_id: String,
    #[serde(rename = "type")]
    pub r#type: String,
    pub organisation_id: i64,
    pub organisation_ref: String,
    pub organisation_name: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub citizen_ref: Option<String>,
    pub outcome: String,
    pub account_manager_email: Option<String>,
    pub account_manager_name: Option<String>,
    /// `manual` or `import`.
    pub source: String,
    pub import_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

pub(crate) async fn activity_views(app: &App, rows: Vec<activity::Model>) -> Result<Vec<ActivityView>> {
    let found = Lookups::load(
        app,
        rows.iter().map(|r| r.organisation_id).collect(),
        rows.iter().filter_map(|r| r.account_manager_id).collect(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (organisation_ref, organisation_name) = found.org(r.organisation_id);
            let (account_manager_email, account_manager_name) = found.person(r.account_manager_id);
            ActivityView {
                id: r.id,
                district: found.district(r.district_id),
                source_id: r.source_id,
                r#type: r.r#type,
                organisation_id: r.organisation_id,
                organisation_ref,
                organisation_name,
                start_date: r.start_date,
                end_date: r.end_date,
                citizen_ref: r.citizen_ref,
                outcome: r.outcome,
                account_manager_email,
                account_manager_name,
                source: r.source,
                import_id: r.import_id,
                created_at: r.created_at,
                updated_at: r.updated_at,
                version: r.version,
            }
        })
        .collect())
}

impl ActivityInput {
    pub fn from_view(v: &ActivityView) -> Self {
        ActivityInput {
            district: Some(v.district.clone()),
            source_id: v.source_id.clone(),
            r#type: v.r#type.clone(),
            organisation_ref: v.organisation_ref.clone(),
            start_date: v.start_date.to_string(),
            end_date: v.end_date.map(|d| d.to_string()).unwrap_or_default(),
            citizen_ref: v.citizen_ref.clone().unwrap_or_default(),
            outcome: v.outcome.clone(),
            account_manager_email: v.account_manager_email.clone().unwrap_or_default(),
            version: Some(v.version),
        }
    }
}

fn activity_audit(v: &ActivityView) -> serde_json::Value {
    serde_json::json!({
        "source_id": v.source_id, "type": v.r#type, "organisation_ref": v.organisation_ref,
        "start_date": v.start_date, "end_date": v.end_date, "citizen_ref": v.citizen_ref,
        "outcome": v.outcome, "account_manager_email": v.account_manager_email,
    })
}

fn unique_violation(e: accord_db::DbErr, field: &str, code: &str, value: Option<&str>) -> AppError {
    if accord_db::is_unique_violation(&e) { AppError::field(field, code, value) } else { e.into() }
}

/// Records an activity by hand; `org_id` when recorded on the organisation's page. Without a
/// source id it gets one (`MAN-000042`).
pub async fn create_activity(
    app: &App,
    actor: &Actor,
    org_id: Option<i64>,
    input: &ActivityInput,
) -> Result<ActivityView> {
    require_record(actor)?;
    let org = organisation_for(app, actor, org_id, &input.organisation_ref, input.district.as_deref()).await?;
    let types = TypeIndex::load(&app.db.conn).await?;
    let mut errors = FieldErrors::new();
    let fields = check_activity(&types, input, false, &mut errors);
    let am = account_manager_for(app, &org, &input.account_manager_email, &mut errors).await?;
    errors.into_result()?;
    let f = fields.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    let mut row = activity::Entity::insert(activity::ActiveModel {
        district_id: Set(org.district_id),
        source_id: Set(f.source_id.clone().unwrap_or_else(|| format!("tmp-{}", crate::auth::random_token(9)))),
        r#type: Set(f.r#type),
        organisation_id: Set(org.id),
        start_date: Set(f.start_date),
        end_date: Set(f.end_date),
        citizen_ref: Set(f.citizen_ref),
        outcome: Set(f.outcome.as_str().to_owned()),
        account_manager_id: Set(am),
        source: Set("manual".into()),
        import_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| unique_violation(e, "source_id", "activity.duplicate", f.source_id.as_deref()))?;
    if f.source_id.is_none() {
        row.source_id = format!("MAN-{:06}", row.id);
        activity::Entity::update_many()
            .col_expr(activity::Column::SourceId, accord_db::sea_orm::sea_query::Expr::value(row.source_id.clone()))
            .filter(activity::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
    }
    let v = activity_views(app, vec![row.clone()]).await?.remove(0);
    let mut e = actor.audit("create", "activity", Some(row.id.to_string()));
    e.district_id = Some(org.district_id);
    e.after = Some(activity_audit(&v));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get_activity_quietly(app, actor, row.id).await
}

/// [`get_activity`] without logging the look: for a change, whose own audit entry records it.
pub async fn get_activity_quietly(app: &App, actor: &Actor, id: i64) -> Result<ActivityView> {
    let row = q::get_activity(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    Ok(activity_views(app, vec![row]).await?.remove(0))
}

/// One activity. It names a citizen (by reference), so the look is logged.
pub async fn get_activity(app: &App, actor: &Actor, id: i64) -> Result<ActivityView> {
    require(dir::can_view(actor))?;
    let v = get_activity_quietly(app, actor, id).await?;
    if v.citizen_ref.is_some() {
        let txn = app.db.write().await?;
        let mut e = actor.audit("read", "activity", Some(id.to_string()));
        e.district_id =
            accord_db::users::district_by_code(&txn, &accord_db::Scope::All, &v.district).await?.map(|d| d.id);
        accord_db::audit::append(&txn, e, Utc::now()).await?;
        txn.commit().await?;
    }
    Ok(v)
}

/// Changes an activity at the version the caller read.
pub async fn update_activity(app: &App, actor: &Actor, id: i64, input: &ActivityInput) -> Result<ActivityView> {
    require_record(actor)?;
    let before = get_activity_quietly(app, actor, id).await?;
    let version = input.version.ok_or_else(|| AppError::field("version", "field.required", None))?;
    let mut input = input.clone();
    if input.source_id.trim().is_empty() {
        input.source_id = before.source_id.clone();
    }
    let org = if opt(&input.organisation_ref).is_none() || input.organisation_ref.trim() == before.organisation_ref {
        dq::get_organisation(&app.db.conn, &actor.scope(), before.organisation_id).await?.ok_or(AppError::NotFound)?
    } else {
        organisation_for(app, actor, None, &input.organisation_ref, Some(&before.district)).await?
    };
    let types = TypeIndex::load(&app.db.conn).await?;
    let mut errors = FieldErrors::new();
    // A type retired since the activity was recorded may stay on it.
    let mut types_for_check = types.clone();
    for t in &mut types_for_check.types {
        if t.code == before.r#type {
            t.retired = false;
        }
    }
    let fields = check_activity(&types_for_check, &input, true, &mut errors);
    let am = if input.account_manager_email.trim() == before.account_manager_email.clone().unwrap_or_default() {
        q::get_activity(&app.db.conn, &actor.scope(), id).await?.and_then(|a| a.account_manager_id)
    } else {
        account_manager_for(app, &org, &input.account_manager_email, &mut errors).await?
    };
    errors.into_result()?;
    let f = fields.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    let am_model = activity::ActiveModel {
        source_id: Set(f.source_id.clone().unwrap_or(before.source_id.clone())),
        r#type: Set(f.r#type),
        organisation_id: Set(org.id),
        start_date: Set(f.start_date),
        end_date: Set(f.end_date),
        citizen_ref: Set(f.citizen_ref),
        outcome: Set(f.outcome.as_str().to_owned()),
        account_manager_id: Set(am),
        updated_at: Set(now),
        ..Default::default()
    };
    let ok = q::update_activity(&txn, id, version, am_model)
        .await
        .map_err(|e| unique_violation(e, "source_id", "activity.duplicate", f.source_id.as_deref()))?;
    if !ok {
        drop(txn);
        let current = get_activity_quietly(app, actor, id).await?;
        let now_input = ActivityInput::from_view(&current);
        let changed = [
            ("type", &now_input.r#type, &input.r#type),
            ("start_date", &now_input.start_date, &input.start_date),
            ("end_date", &now_input.end_date, &input.end_date),
            ("citizen_ref", &now_input.citizen_ref, &input.citizen_ref),
            ("outcome", &now_input.outcome, &input.outcome),
        ]
        .iter()
        .filter(|(_, a, b)| a.trim() != b.trim())
        .map(|(f, _, _)| (*f).to_owned())
        .collect();
        return Err(AppError::Conflict { current: serde_json::to_value(&current).unwrap_or_default(), changed });
    }
    let row = activity::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let after = activity_views(app, vec![row]).await?.remove(0);
    let mut e = actor.audit("update", "activity", Some(id.to_string()));
    e.district_id = Some(org.district_id);
    e.before = Some(activity_audit(&before));
    e.after = Some(activity_audit(&after));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get_activity_quietly(app, actor, id).await
}

pub async fn list_activities(
    app: &App,
    actor: &Actor,
    f: &RecordFilter,
    sort: ActivitySort,
    paging: Paging,
) -> Result<Page<ActivityView>> {
    require(dir::can_view(actor))?;
    let (rows, total) = q::list_activities(&app.db.conn, &actor.scope(), f, sort, paging.page, paging.per_page).await?;
    Ok(Page { items: activity_views(app, rows).await?, total, paging })
}

// ---- recruitment requests ----

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CandidateView {
    pub id: i64,
    pub citizen_ref: String,
    pub outcome: String,
    pub created_at: DateTime<Utc>,
}

/// A recruitment request; fields named as the import columns.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RequestView {
    pub id: i64,
    pub district: String,
    pub source_id: String,
    pub organisation_id: i64,
    pub organisation_ref: String,
    pub organisation_name: String,
    pub title: String,
    pub occupation: Option<String>,
    pub positions: i32,
    pub received_date: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub status: String,
    pub hires: Option<i32>,
    pub account_manager_email: Option<String>,
    pub account_manager_name: Option<String>,
    pub source: String,
    pub import_id: Option<i64>,
    /// Filled by [`get_request`] only.
    pub candidates: Vec<CandidateView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

pub(crate) async fn request_views(app: &App, rows: Vec<recruitment_request::Model>) -> Result<Vec<RequestView>> {
    let found = Lookups::load(
        app,
        rows.iter().map(|r| r.organisation_id).collect(),
        rows.iter().filter_map(|r| r.account_manager_id).collect(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (organisation_ref, organisation_name) = found.org(r.organisation_id);
            let (account_manager_email, account_manager_name) = found.person(r.account_manager_id);
            RequestView {
                id: r.id,
                district: found.district(r.district_id),
                source_id: r.source_id,
                organisation_id: r.organisation_id,
                organisation_ref,
                organisation_name,
                title: r.title,
                occupation: r.occupation,
                positions: r.positions,
                received_date: r.received_date,
                deadline: r.deadline,
                status: r.status,
                hires: r.hires,
                account_manager_email,
                account_manager_name,
                source: r.source,
                import_id: r.import_id,
                candidates: vec![],
                created_at: r.created_at,
                updated_at: r.updated_at,
                version: r.version,
            }
        })
        .collect())
}

impl RequestInput {
    pub fn from_view(v: &RequestView) -> Self {
        let d = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        RequestInput {
            district: Some(v.district.clone()),
            source_id: v.source_id.clone(),
            organisation_ref: v.organisation_ref.clone(),
            title: v.title.clone(),
            occupation: v.occupation.clone().unwrap_or_default(),
            positions: v.positions.to_string(),
            received_date: v.received_date.to_string(),
            deadline: d(v.deadline),
            status: v.status.clone(),
            hires: v.hires.map(|h| h.to_string()).unwrap_or_default(),
            account_manager_email: v.account_manager_email.clone().unwrap_or_default(),
            version: Some(v.version),
        }
    }
}

fn request_audit(v: &RequestView) -> serde_json::Value {
    serde_json::json!({
        "source_id": v.source_id, "organisation_ref": v.organisation_ref, "title": v.title,
        "occupation": v.occupation, "positions": v.positions, "received_date": v.received_date,
        "deadline": v.deadline, "status": v.status, "hires": v.hires,
        "account_manager_email": v.account_manager_email,
    })
}

/// Records a recruitment request by hand; `org_id` when made on the organisation's page.
pub async fn create_request(
    app: &App,
    actor: &Actor,
    org_id: Option<i64>,
    input: &RequestInput,
) -> Result<RequestView> {
    require_record(actor)?;
    let org = organisation_for(app, actor, org_id, &input.organisation_ref, input.district.as_deref()).await?;
    let mut errors = FieldErrors::new();
    let fields = check_request(input, false, &mut errors);
    let am = account_manager_for(app, &org, &input.account_manager_email, &mut errors).await?;
    errors.into_result()?;
    let f = fields.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    let mut row = recruitment_request::Entity::insert(recruitment_request::ActiveModel {
        district_id: Set(org.district_id),
        source_id: Set(f.source_id.clone().unwrap_or_else(|| format!("tmp-{}", crate::auth::random_token(9)))),
        organisation_id: Set(org.id),
        title: Set(f.title),
        occupation: Set(f.occupation),
        positions: Set(f.positions),
        received_date: Set(f.received_date),
        deadline: Set(f.deadline),
        status: Set(f.status.as_str().to_owned()),
        hires: Set(f.hires),
        account_manager_id: Set(am),
        source: Set("manual".into()),
        import_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| unique_violation(e, "source_id", "request.duplicate", f.source_id.as_deref()))?;
    if f.source_id.is_none() {
        row.source_id = format!("REQ-{:06}", row.id);
        recruitment_request::Entity::update_many()
            .col_expr(
                recruitment_request::Column::SourceId,
                accord_db::sea_orm::sea_query::Expr::value(row.source_id.clone()),
            )
            .filter(recruitment_request::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
    }
    let v = request_views(app, vec![row.clone()]).await?.remove(0);
    let mut e = actor.audit("create", "recruitment_request", Some(row.id.to_string()));
    e.district_id = Some(org.district_id);
    e.after = Some(request_audit(&v));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get_request_quietly(app, actor, row.id).await
}

/// A request with its candidates. The candidates name citizens (by reference), so the look is
/// logged when there are any.
pub async fn get_request(app: &App, actor: &Actor, id: i64) -> Result<RequestView> {
    let v = get_request_quietly(app, actor, id).await?;
    if !v.candidates.is_empty() {
        let txn = app.db.write().await?;
        let mut e = actor.audit("read", "recruitment_request", Some(id.to_string()));
        e.district_id =
            accord_db::users::district_by_code(&txn, &accord_db::Scope::All, &v.district).await?.map(|d| d.id);
        accord_db::audit::append(&txn, e, Utc::now()).await?;
        txn.commit().await?;
    }
    Ok(v)
}

/// [`get_request`] without logging the look: for a change, whose own audit entry records it.
pub async fn get_request_quietly(app: &App, actor: &Actor, id: i64) -> Result<RequestView> {
    require(dir::can_view(actor))?;
    let row = q::get_request(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let mut v = request_views(app, vec![row]).await?.remove(0);
    v.candidates = q::candidates_of(&app.db.conn, id)
        .await?
        .into_iter()
        .map(|c| CandidateView { id: c.id, citizen_ref: c.citizen_ref, outcome: c.outcome, created_at: c.created_at })
        .collect();
    Ok(v)
}

pub async fn update_request(app: &App, actor: &Actor, id: i64, input: &RequestInput) -> Result<RequestView> {
    require_record(actor)?;
    let before = get_request_quietly(app, actor, id).await?;
    let version = input.version.ok_or_else(|| AppError::field("version", "field.required", None))?;
    let mut input = input.clone();
    if input.source_id.trim().is_empty() {
        input.source_id = before.source_id.clone();
    }
    let org = if opt(&input.organisation_ref).is_none() || input.organisation_ref.trim() == before.organisation_ref {
        dq::get_organisation(&app.db.conn, &actor.scope(), before.organisation_id).await?.ok_or(AppError::NotFound)?
    } else {
        organisation_for(app, actor, None, &input.organisation_ref, Some(&before.district)).await?
    };
    let mut errors = FieldErrors::new();
    let fields = check_request(&input, true, &mut errors);
    let am = if input.account_manager_email.trim() == before.account_manager_email.clone().unwrap_or_default() {
        q::get_request(&app.db.conn, &actor.scope(), id).await?.and_then(|a| a.account_manager_id)
    } else {
        account_manager_for(app, &org, &input.account_manager_email, &mut errors).await?
    };
    errors.into_result()?;
    let f = fields.expect("checked");
    let now = Utc::now();
    let txn = app.db.write().await?;
    let model = recruitment_request::ActiveModel {
        source_id: Set(f.source_id.clone().unwrap_or(before.source_id.clone())),
        organisation_id: Set(org.id),
        title: Set(f.title),
        occupation: Set(f.occupation),
        positions: Set(f.positions),
        received_date: Set(f.received_date),
        deadline: Set(f.deadline),
        status: Set(f.status.as_str().to_owned()),
        hires: Set(f.hires),
        account_manager_id: Set(am),
        updated_at: Set(now),
        ..Default::default()
    };
    let ok = q::update_request(&txn, id, version, model)
        .await
        .map_err(|e| unique_violation(e, "source_id", "request.duplicate", f.source_id.as_deref()))?;
    if !ok {
        drop(txn);
        let current = get_request_quietly(app, actor, id).await?;
        let now_input = RequestInput::from_view(&current);
        let changed = [
            ("title", &now_input.title, &input.title),
            ("positions", &now_input.positions, &input.positions),
            ("status", &now_input.status, &input.status),
            ("hires", &now_input.hires, &input.hires),
            ("deadline", &now_input.deadline, &input.deadline),
        ]
        .iter()
        .filter(|(_, a, b)| a.trim() != b.trim())
        .map(|(f, _, _)| (*f).to_owned())
        .collect();
        return Err(AppError::Conflict { current: serde_json::to_value(&current).unwrap_or_default(), changed });
    }
    let row = recruitment_request::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let after = request_views(app, vec![row]).await?.remove(0);
    let mut e = actor.audit("update", "recruitment_request", Some(id.to_string()));
    e.district_id = Some(org.district_id);
    e.before = Some(request_audit(&before));
    e.after = Some(request_audit(&after));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get_request_quietly(app, actor, id).await
}

/// A page of requests, with the number of requests, positions and hires among all that match.
pub struct RequestPage {
    pub page: Page<RequestView>,
    pub positions: i64,
    pub hires: i64,
}

pub async fn list_requests(
    app: &App,
    actor: &Actor,
    f: &RecordFilter,
    sort: RequestSort,
    paging: Paging,
) -> Result<RequestPage> {
    require(dir::can_view(actor))?;
    let (rows, total) = q::list_requests(&app.db.conn, &actor.scope(), f, sort, paging.page, paging.per_page).await?;
    let (_, positions, hires) = q::request_totals(&app.db.conn, &actor.scope(), f).await?;
    Ok(RequestPage { page: Page { items: request_views(app, rows).await?, total, paging }, positions, hires })
}

/// The actor's open requests, for the home page.
pub async fn my_open_requests(app: &App, actor: &Actor) -> Result<Vec<RequestView>> {
    let Some(uid) = actor.user_id else { return Ok(vec![]) };
    if !dir::can_view(actor) {
        return Ok(vec![]);
    }
    let rows = q::open_requests_of(&app.db.conn, &actor.scope(), uid).await?;
    request_views(app, rows).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CandidateInput {
    pub citizen_ref: String,
    pub outcome: String,
}

/// Refers a candidate to a request (`candidate_id` None) or records what came of one.
pub async fn save_candidate(
    app: &App,
    actor: &Actor,
    request_id: i64,
    candidate_id: Option<i64>,
    input: &CandidateInput,
) -> Result<RequestView> {
    require_record(actor)?;
    let req = q::get_request(&app.db.conn, &actor.scope(), request_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    let outcome = match opt(&input.outcome) {
        None => Some(CandidateOutcome::Referred),
        Some(o) => errors.take("outcome", o, CandidateOutcome::parse(o)),
    };
    let citizen = match (candidate_id, opt(&input.citizen_ref)) {
        (None, None) => {
            errors.add("citizen_ref", "field.required", None);
            None
        }
        (_, Some(c)) => errors.take("citizen_ref", c, citizen_ref(c)),
        (Some(_), None) => None,
    };
    errors.into_result()?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let outcome = outcome.expect("checked").as_str().to_owned();
    let id = match candidate_id {
        None => {
            recruitment_candidate::Entity::insert(recruitment_candidate::ActiveModel {
                request_id: Set(request_id),
                citizen_ref: Set(citizen.expect("checked")),
                outcome: Set(outcome.clone()),
                created_at: Set(now),
                ..Default::default()
            })
            .exec_with_returning(&txn)
            .await?
            .id
        }
        Some(cid) => {
            let mut am = recruitment_candidate::ActiveModel { outcome: Set(outcome.clone()), ..Default::default() };
            if let Some(c) = citizen {
                am.citizen_ref = Set(c);
            }
            let res = recruitment_candidate::Entity::update_many()
                .set(am)
                .filter(recruitment_candidate::Column::Id.eq(cid))
                .filter(recruitment_candidate::Column::RequestId.eq(request_id))
                .exec(&txn)
                .await?;
            if res.rows_affected != 1 {
                return Err(AppError::NotFound);
            }
            cid
        }
    };
    let mut e =
        actor.audit(if candidate_id.is_some() { "update" } else { "create" }, "candidate", Some(id.to_string()));
    e.district_id = Some(req.district_id);
    e.after = Some(serde_json::json!({"request_id": request_id, "outcome": outcome}));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get_request_quietly(app, actor, request_id).await
}

// ---- activity types ----

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TypeInput {
    pub code: String,
    pub label_en: String,
    pub label_da: String,
    /// Other names, one per line.
    pub aliases: String,
    pub counts: bool,
    pub retired: bool,
    pub position: String,
}

/// Adds a type (`code` None) or renames, re-aliases, retires or brings back one. Built-in
/// codes never change; a type is never deleted, so records keep their type.
pub async fn save_type(app: &App, actor: &Actor, code: Option<&str>, input: &TypeInput) -> Result<ActivityType> {
    actor.require_write()?;
    require(can_manage_types(actor))?;
    let c = &app.db.conn;
    let existing = match code {
        Some(code) => Some(accord_db::activity_types::get(c, code).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let mut errors = FieldErrors::new();
    let new_code = match &existing {
        Some(t) => Some(t.code.clone()),
        None => errors.take("code", &input.code, accord_domain::activity::type_code(&input.code)),
    };
    let mut label = |field: &str, v: &str| match opt(v) {
        None => {
            errors.add(field, "field.required", None);
            None
        }
        Some(_) => short_text(&mut errors, field, v, 100),
    };
    let label_en = label("label_en", &input.label_en);
    let label_da = label("label_da", &input.label_da);
    let aliases: Vec<String> =
        input.aliases.lines().map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect();
    if aliases.iter().any(|a| a.chars().count() > 100) || aliases.len() > 50 {
        errors.add("aliases", "field.too_long", None);
    }
    let position = match opt(&input.position) {
        None => Some(existing.as_ref().map(|t| t.position).unwrap_or(1000)),
        Some(p) => match p.parse::<i32>() {
            Ok(n) if (0..=100_000).contains(&n) => Some(n),
            _ => {
                errors.add("position", "number.not_negative", Some(p));
                None
            }
        },
    };
    // No name may lead to two types; a new type's code is a name too.
    let index = TypeIndex::load(c).await?;
    let mine = new_code.clone().unwrap_or_default();
    for (field, names) in [
        ("code", new_code.iter().filter(|_| existing.is_none()).cloned().collect::<Vec<_>>()),
        ("label_en", label_en.iter().cloned().collect::<Vec<_>>()),
        ("label_da", label_da.iter().cloned().collect::<Vec<_>>()),
        ("aliases", aliases.clone()),
    ] {
        for n in names {
            if let Some(other) = index.find(&n)
                && other.code != mine
            {
                errors.add(field, "activity_type.name_taken", Some(&format!("{n} ({})", other.code)));
            }
        }
    }
    if existing.is_none()
        && let Some(code) = &new_code
        && index.types.iter().any(|t| &t.code == code)
    {
        errors.add("code", "activity_type.duplicate", Some(code));
    }
    errors.into_result()?;
    let now = Utc::now();
    let txn = app.db.write().await?;
    let wanted = ActivityType {
        code: new_code.clone().expect("checked"),
        label_en: label_en.expect("checked"),
        label_da: label_da.expect("checked"),
        aliases: aliases.join("\n"),
        counts: input.counts,
        builtin: existing.as_ref().is_some_and(|t| t.builtin),
        retired: input.retired,
        position: position.expect("checked"),
    };
    let row = accord_db::activity_types::save(&txn, &wanted, existing.is_none()).await?;
    let j = |t: &ActivityType| serde_json::json!({"label_en": t.label_en, "label_da": t.label_da, "aliases": t.aliases, "counts": t.counts, "retired": t.retired, "position": t.position});
    let mut e =
        actor.audit(if existing.is_some() { "update" } else { "create" }, "activity_type", Some(row.code.clone()));
    e.before = existing.as_ref().map(j);
    e.after = Some(j(&row));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    Ok(row)
}
