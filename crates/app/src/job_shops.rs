//! Job shops (seed 000: job shops on employer premises "for recruitment and redundancy"): one
//! record used by a redundancy event, by a programme (a recruitment exercise), or by both at
//! once. A job shop has no district of its own: it is read and kept through its event or its
//! programme, so whoever may not see that event or programme gets 404, and whoever may not keep
//! it gets 403. Both of a job shop's owners are in the same district.

use crate::partnerships::{audit_save, conflict, date, differing, lenient, patch_over, required, text, val};
use crate::redundancy::{self as rd, count, flag};
use crate::{Actor, App, AppError, Result, programmes as pg};
use accord_db::entities::job_shop;
use accord_db::job_shops::{self as q, JobShopFields};
use accord_domain::FieldErrors;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct JobShopView {
    pub id: i64,
    /// The redundancy event it was held for, if any.
    pub event_id: Option<i64>,
    /// The programme (a recruitment exercise) it was held for, if any.
    pub programme_id: Option<i64>,
    pub held_on: NaiveDate,
    pub place: String,
    /// Held on the employer's premises.
    pub on_premises: bool,
    /// The staff who ran it, one per line.
    pub staff: Option<String>,
    pub workers_seen: i32,
    /// The services given, one per line.
    pub services: Option<String>,
    pub version: i32,
}

impl From<job_shop::Model> for JobShopView {
    fn from(j: job_shop::Model) -> Self {
        JobShopView {
            id: j.id,
            event_id: j.event_id,
            programme_id: j.programme_id,
            held_on: j.held_on,
            place: j.place,
            on_premises: j.on_premises,
            staff: j.staff,
            workers_seen: j.workers_seen,
            services: j.services,
            version: j.version,
        }
    }
}

fn id_text(id: Option<i64>) -> Option<String> {
    Some(id.map(|i| i.to_string()).unwrap_or_default())
}

impl JobShopView {
    pub fn input(&self) -> JobShopInput {
        JobShopInput {
            event: id_text(self.event_id),
            programme: id_text(self.programme_id),
            held_on: Some(self.held_on.to_string()),
            place: Some(self.place.clone()),
            on_premises: Some(self.on_premises.to_string()),
            staff: Some(self.staff.clone().unwrap_or_default()),
            workers_seen: Some(self.workers_seen.to_string()),
            services: Some(self.services.clone().unwrap_or_default()),
            version: Some(self.version),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct JobShopInput {
    /// The redundancy event it is also held for: its id, empty for none; left out, unchanged.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub event: Option<String>,
    /// The programme it is also held for: its id, empty for none; left out, unchanged.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub programme: Option<String>,
    #[schema(min_length = 1)]
    pub held_on: Option<String>,
    #[schema(min_length = 1)]
    pub place: Option<String>,
    /// `true` when held on the employer's premises.
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub on_premises: Option<String>,
    pub staff: Option<String>,
    #[serde(deserialize_with = "lenient")]
    #[schema(value_type = Option<String>)]
    pub workers_seen: Option<String>,
    pub services: Option<String>,
    pub version: Option<i32>,
}

patch_over!(JobShopInput { event, programme, held_on, place, on_premises, staff, workers_seen, services });

/// Where a new job shop is recorded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Event(i64),
    Programme(i64),
}

/// The district of the job shop's owners, read through the actor's scope (404 when the actor
/// may not see one of them); also checks the actor may keep them when `write`.
async fn district_of(
    app: &App,
    actor: &Actor,
    event: Option<i64>,
    programme: Option<i64>,
    write: bool,
) -> Result<Option<i64>> {
    let mut district = None;
    if let Some(e) = event {
        let ev = rd::event_row(app, actor, e).await?;
        if write && !rd::can_manage(actor) {
            return Err(AppError::Forbidden);
        }
        district = Some(ev.district_id);
    }
    if let Some(p) = programme {
        let pr = pg::programme_row(app, actor, p).await?;
        if write && !pg::can_write(actor) {
            return Err(AppError::Forbidden);
        }
        district = district.or(Some(pr.district_id));
    }
    Ok(district)
}

/// The job shops of a redundancy event, latest first.
pub async fn of_event(app: &App, actor: &Actor, event_id: i64) -> Result<Vec<JobShopView>> {
    if !rd::can_view(actor) {
        return Err(AppError::Forbidden);
    }
    rd::event_row(app, actor, event_id).await?;
    Ok(accord_db::redundancy::job_shops(&app.db.conn, event_id).await?.into_iter().map(JobShopView::from).collect())
}

/// The job shops of a programme, latest first.
pub async fn of_programme(app: &App, actor: &Actor, programme_id: i64) -> Result<Vec<JobShopView>> {
    if !pg::can_view(actor) {
        return Err(AppError::Forbidden);
    }
    pg::programme_row(app, actor, programme_id).await?;
    Ok(q::of_programme(&app.db.conn, programme_id).await?.into_iter().map(JobShopView::from).collect())
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<JobShopView> {
    if !rd::can_view(actor) && !pg::can_view(actor) {
        return Err(AppError::Forbidden);
    }
    let j = q::get_unscoped(&app.db.conn, id).await?.ok_or(AppError::NotFound)?;
    district_of(app, actor, j.event_id, j.programme_id, false).await?;
    Ok(j.into())
}

/// The other owner as the input names it: left out keeps `current`, empty is none.
fn link(e: &mut FieldErrors, field: &str, v: &Option<String>, current: Option<i64>) -> Option<i64> {
    match v {
        None => current,
        Some(_) if val(v).is_empty() => None,
        Some(_) => match val(v).parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                e.add(field, "job_shop.owner_unknown", Some(val(v)));
                None
            }
        },
    }
}

/// Records a job shop for an event or a programme (`id` none), or changes one at the version
/// read. The input may also name the other owner (`event`, `programme`), in the same district.
pub async fn save(
    app: &App,
    actor: &Actor,
    owner: Option<Owner>,
    id: Option<i64>,
    input: &JobShopInput,
) -> Result<JobShopView> {
    let existing = match id {
        Some(id) => Some(get(app, actor, id).await?),
        None => None,
    };
    if existing.is_none() && owner.is_none() {
        return Err(AppError::NotFound);
    }
    let (cur_event, cur_programme) = match (&existing, owner) {
        (Some(j), _) => (j.event_id, j.programme_id),
        (None, Some(Owner::Event(ev))) => (Some(ev), None),
        (None, Some(Owner::Programme(p))) => (None, Some(p)),
        (None, None) => (None, None),
    };
    // The job shop's owners (or the one it is recorded for) must be seen and kept by the
    // actor before any field is looked at.
    district_of(app, actor, cur_event, cur_programme, true).await?;
    let mut e = FieldErrors::new();
    let (event, programme) = match (&existing, owner) {
        (None, Some(Owner::Event(ev))) => (Some(ev), link(&mut e, "programme", &input.programme, cur_programme)),
        (None, Some(Owner::Programme(p))) => (link(&mut e, "event", &input.event, cur_event), Some(p)),
        _ => {
            (link(&mut e, "event", &input.event, cur_event), link(&mut e, "programme", &input.programme, cur_programme))
        }
    };
    let held_on = date(&mut e, "held_on", &input.held_on);
    if held_on.is_none() && val(&input.held_on).is_empty() {
        e.add("held_on", "field.required", None);
    }
    let place = required(&mut e, "place", &input.place, 200, false);
    let staff = text(&mut e, "staff", &input.staff, 2000, true);
    let seen = count(&mut e, "workers_seen", &input.workers_seen, 1_000_000);
    let services = text(&mut e, "services", &input.services, 4000, true);
    if e.is_empty() && event.is_none() && programme.is_none() {
        let field = if cur_event.is_some() { "event" } else { "programme" };
        e.add(field, "job_shop.owner_required", None);
    }
    e.into_result()?;
    // Each owner is read through the actor's scope; a named one the actor cannot see is
    // refused naming its field, and both must be in one district.
    let mut district = None;
    for (field, ev, pr) in [("event", event, None), ("programme", None, programme)] {
        if ev.is_none() && pr.is_none() {
            continue;
        }
        match district_of(app, actor, ev, pr, true).await {
            Ok(d) => {
                if district.is_some() && d != district {
                    return Err(AppError::field(field, "job_shop.other_district", None));
                }
                district = district.or(d);
            }
            Err(AppError::NotFound) => {
                let v = ev.or(pr).map(|i| i.to_string());
                return Err(AppError::field(field, "job_shop.owner_unknown", v.as_deref()));
            }
            Err(err) => return Err(err),
        }
    }
    let now = Utc::now();
    let fields = || JobShopFields {
        event_id: event,
        programme_id: programme,
        held_on: held_on.unwrap_or_default(),
        place: place.as_deref().unwrap_or_default(),
        on_premises: flag(&input.on_premises),
        staff: staff.as_deref(),
        workers_seen: seen.unwrap_or(0) as i32,
        services: services.as_deref(),
    };
    let audit = |j: &JobShopView| {
        serde_json::json!({"event_id": j.event_id, "programme_id": j.programme_id, "held_on": j.held_on,
            "place": j.place, "on_premises": j.on_premises, "staff": j.staff, "workers_seen": j.workers_seen,
            "services": j.services})
    };
    let txn = app.db.write().await?;
    let row = match &existing {
        None => q::insert(&txn, fields(), now).await?,
        Some(j) => {
            let version = input.version.ok_or_else(|| AppError::field("version", "field.required", None))?;
            match q::update(&txn, j.id, version, fields(), now).await? {
                Some(row) => row,
                None => {
                    drop(txn);
                    let current = get(app, actor, j.id).await?;
                    let t = current.input();
                    let mine = input.clone().over(current.input());
                    let input = &mine;
                    let changed = differing(&[
                        ("event", &t.event, &input.event),
                        ("programme", &t.programme, &input.programme),
                        ("held_on", &t.held_on, &input.held_on),
                        ("place", &t.place, &input.place),
                        ("staff", &t.staff, &input.staff),
                        ("workers_seen", &t.workers_seen, &input.workers_seen),
                        ("services", &t.services, &input.services),
                    ]);
                    return Err(conflict(&current, &changed));
                }
            }
        }
    };
    let row = JobShopView::from(row);
    audit_save(&txn, actor, "job_shop", row.id, district, existing.as_ref().map(audit), audit(&row), now).await?;
    txn.commit().await?;
    Ok(row)
}
