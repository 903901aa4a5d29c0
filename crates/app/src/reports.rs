//! The figures: the partner activity report (Table 1 of the committee report), its status on
//! a date, the records behind every number, the KPI targets, the dashboard and the committee
//! report. Every figure is counted here, once, from the raw records: the pages, the API, the
//! command line and the exports all call these functions.
//!
//! The rule: an activity (by its start date) or a recruitment request (by the day it was
//! received) is partner activity when its organisation was covered by a partnership-type
//! agreement in force on that day ([`PartnerCoverage`]); it then counts for the agreement's
//! holder. Everything else in the period is counted too, as activity outside the partner
//! companies, so nothing is dropped silently.

use crate::activities::TypeIndex;
use crate::agreements::PartnerCoverage;
use crate::directory as dir;
use crate::{Actor, App, AppError, DistrictRef, Page, Paging, Result};
use accord_db::Scope;
use accord_db::entities::kpi_target;
use accord_db::reports as q;
use accord_db::sea_orm::ActiveValue::Set as Put;
use accord_domain::report::{self as rules, kpi_status, month_ends, year_bounds, year_earlier};
use accord_domain::{
    AgreementKind, AgreementStatus, Direction, FieldErrors, KpiMetric, KpiStatus, Lang, ReportUnit, Role,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The row code of recruitment requests, beside the activity types.
pub const REQUEST_ROW: &str = "recruitment_request";

/// Everyone who reads the directory reads the reports (the committee too).
pub fn can_view(actor: &Actor) -> bool {
    dir::can_view(actor)
}

/// The secretariat and managers keep the targets; administrators may too.
pub fn can_manage_targets(actor: &Actor) -> bool {
    !actor.is_read_only() && actor.roles.iter().any(|r| matches!(r, Role::Admin | Role::Manager | Role::Secretariat))
}

fn require(ok: bool) -> Result<()> {
    if ok { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The label of the recruitment request row.
pub fn request_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Da => "Rekrutteringsanmodninger",
        Lang::En => "Recruitment requests",
    }
}

// ---- what is counted ----

/// Which group of records a number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// At a partner company on the record's day, up to the cut-off day: the report's figures.
    Partner,
    /// At an organisation that was not a partner company on the record's day.
    Outside,
    /// At a partner company, starting after the cut-off day, and recorded by then: being planned.
    Planned,
    /// Of an activity type that does not count toward the partner figures.
    NotCounted,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Partner => "partner",
            Group::Outside => "outside",
            Group::Planned => "planned",
            Group::NotCounted => "not_counted",
        }
    }

    pub fn parse(s: &str) -> std::result::Result<Group, &'static str> {
        match s.trim() {
            "" | "partner" => Ok(Group::Partner),
            "outside" => Ok(Group::Outside),
            "planned" => Ok(Group::Planned),
            "not_counted" => Ok(Group::NotCounted),
            _ => Err("report.group_unknown"),
        }
    }
}

/// The days a count covers: records dated `[from, cutoff]` count; records dated after the
/// cut-off up to `end` and recorded by the cut-off are being planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    pub from: NaiveDate,
    pub cutoff: NaiveDate,
    pub end: NaiveDate,
}

/// One record as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fact {
    pub id: i64,
    /// Index into [`Counted::rows`].
    pub row: u16,
    pub organisation_id: i64,
    pub date: NaiveDate,
    pub group: Group,
    /// The organisation it counts for (the holder, its company, or the site itself).
    pub unit: i64,
    pub hires: i32,
    pub filled: bool,
}

impl Fact {
    pub fn is_request(&self, rows: &[String]) -> bool {
        rows[self.row as usize] == REQUEST_ROW
    }
}

/// Every record of a window, each with its group and the organisation it counts for.
#[derive(Debug, Clone)]
pub struct Counted {
    pub window: Window,
    pub unit: ReportUnit,
    /// Row codes: the activity types, then [`REQUEST_ROW`].
    pub rows: Vec<String>,
    /// The records of the organisations an agreement covered on some day of the window (and,
    /// counting companies, of the rest of their companies), each classified.
    pub facts: Vec<Fact>,
    /// The records of every other organisation, counted in the database: none of them can be
    /// partner activity, so only their numbers are needed.
    pub bulk: Vec<q::BulkCount>,
    pub types: TypeIndex,
    scope: Scope,
    /// Each group's tally, by the group's place in [`Group`].
    tallies: [std::sync::OnceLock<Tally>; 4],
    planned: std::sync::OnceLock<u64>,
}

/// A group's rows and total, in the report's order, before any label is put on them.
#[derive(Debug, Clone)]
struct Tally {
    rows: Vec<RowTally>,
    total: Totals,
}

#[derive(Debug, Clone, Copy)]
struct RowTally {
    row: u16,
    activities: u64,
    organisations: u64,
    hires: u64,
}

/// The end of `day` in UTC: what was recorded by then counts as known on that day.
fn end_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc()
}

/// How many counts of a window may run at once in this process. A count of a national year
/// keeps a core busy for about a second; more side by side only make each slower and hold
/// more memory, so the rest wait their turn (measured in docs/benchmarks.md).
pub const COUNTS_AT_ONCE: usize = 2;

fn counting() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| tokio::sync::Semaphore::new(COUNTS_AT_ONCE))
}

/// How many counts a process keeps between requests: a national year's count holds a few
/// megabytes, and a dashboard needs two (this year and last year to date).
pub const COUNTS_KEPT: usize = 12;

/// Counts kept between requests, each with the change stamp of the records it was made from
/// ([`q::change_stamp`]): a count is used again only while no activity, request, agreement,
/// activity type or organisation hierarchy it depends on has changed since, in this process or
/// any other on the same database. Shared by the clones of an [`App`].
#[derive(Debug, Clone, Default)]
pub struct CountCache(std::sync::Arc<std::sync::Mutex<CacheState>>);

#[derive(Debug, Default)]
struct CacheState {
    counts: Shelf<CountKey, std::sync::Arc<Counted>>,
    /// The dashboard's agreement figures, each with the stamp of row 0.
    figures: Shelf<FiguresKey, AgreementFigures>,
    clock: u64,
}

/// A key that says which requests what was kept for it answers.
trait Serves {
    fn serves(&self, wanted: &Self) -> bool;
}

#[derive(Debug)]
struct Kept<K, V> {
    key: K,
    stamp: i64,
    value: V,
    used: u64,
}

/// What is kept of one kind, at most [`COUNTS_KEPT`], each with the stamp it was made at.
#[derive(Debug)]
struct Shelf<K, V>(Vec<Kept<K, V>>);

impl<K, V> Default for Shelf<K, V> {
    fn default() -> Self {
        Shelf(Vec::new())
    }
}

impl<K: Serves, V: Clone> Shelf<K, V> {
    /// What is kept at `stamp` that serves `key`, marked used at `now`.
    fn get(&mut self, key: &K, stamp: i64, now: u64) -> Option<V> {
        let kept = self.0.iter_mut().find(|k| k.stamp == stamp && k.key.serves(key))?;
        kept.used = now;
        Some(kept.value.clone())
    }

    /// Keeps `value`, replacing anything older it serves and, when full, what was used least
    /// recently.
    fn put(&mut self, key: K, stamp: i64, value: V, now: u64) {
        self.0.retain(|k| !(key.serves(&k.key) && k.stamp <= stamp));
        if self.0.len() >= COUNTS_KEPT
            && let Some(oldest) = self.0.iter().enumerate().min_by_key(|(_, k)| k.used).map(|(i, _)| i)
        {
            self.0.swap_remove(oldest);
        }
        self.0.push(Kept { key, stamp, value, used: now });
    }
}

/// What the dashboard's agreement figures were counted for: the report's scope (the flows),
/// the user's (the agreements due for review), and the day.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FiguresKey {
    scope: Scope,
    seen: Scope,
    today: NaiveDate,
    /// The day the review window is counted from, which is always the clock's.
    review_day: NaiveDate,
}

impl Serves for FiguresKey {
    fn serves(&self, wanted: &FiguresKey) -> bool {
        self == wanted
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AgreementFigures {
    this_year: AgreementFlow,
    last_year: AgreementFlow,
    to_review: u64,
}

impl CacheState {
    /// The next tick of the clock that orders the counts by last use.
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }
}

/// What a count was made for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CountKey {
    scope: Scope,
    window: Window,
    unit: ReportUnit,
    /// Whether the records outside the partner companies were counted too.
    outside: bool,
}

impl Serves for CountKey {
    /// Whether a count made for `self` answers a request for `wanted`: the same records, and
    /// the outside ones too if they are wanted.
    fn serves(&self, wanted: &CountKey) -> bool {
        self.window == wanted.window
            && self.unit == wanted.unit
            && (self.outside || !wanted.outside)
            && self.scope == wanted.scope
    }
}

impl CountCache {
    fn state(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The count kept at `stamp` that serves `key`.
    fn get(&self, key: &CountKey, stamp: i64) -> Option<std::sync::Arc<Counted>> {
        let mut state = self.state();
        let now = state.tick();
        state.counts.get(key, stamp, now)
    }

    /// Keeps a count, replacing any older one it serves and, when full, the one used least
    /// recently.
    fn put(&self, key: CountKey, stamp: i64, counted: std::sync::Arc<Counted>) {
        let mut state = self.state();
        let now = state.tick();
        state.counts.put(key, stamp, counted, now);
    }

    /// Forgets every count: the next request counts afresh (the benchmark times counts so).
    pub fn clear(&self) {
        let mut state = self.state();
        state.counts.0.clear();
        state.figures.0.clear();
    }

    fn get_figures(&self, key: &FiguresKey, stamp: i64) -> Option<AgreementFigures> {
        let mut state = self.state();
        let now = state.tick();
        state.figures.get(key, stamp, now)
    }

    fn put_figures(&self, key: FiguresKey, stamp: i64, figures: AgreementFigures) {
        let mut state = self.state();
        let now = state.tick();
        state.figures.put(key, stamp, figures, now);
    }

    /// How many counts are kept.
    pub fn len(&self) -> usize {
        self.state().counts.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Counts the records of `scope` in `window`, organisations counted as `unit`.
pub async fn count(app: &App, scope: &Scope, window: Window, unit: ReportUnit) -> Result<std::sync::Arc<Counted>> {
    count_groups(app, scope, window, unit, true).await
}

/// The same, leaving the records outside the partner companies uncounted (`outside` false):
/// for figures of the partner companies only, such as the targets', which then cost the
/// covered organisations' records alone.
///
/// A count is kept ([`CountCache`]) with the change stamp read before it was made, and used
/// again while the stamp is the same. Requests that find no count wait their turn; the first
/// makes it, and those behind it find it kept.
async fn count_groups(
    app: &App,
    scope: &Scope,
    window: Window,
    unit: ReportUnit,
    outside: bool,
) -> Result<std::sync::Arc<Counted>> {
    let c = &app.db.conn;
    let stamp = q::change_stamp(c, scope).await?;
    let key = CountKey { scope: scope.clone(), window, unit, outside };
    if let Some(kept) = app.counts.get(&key, stamp) {
        return Ok(kept);
    }
    let _turn = counting().acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(kept) = app.counts.get(&key, stamp) {
        return Ok(kept);
    }
    let counted = std::sync::Arc::new(make_count(app, scope, window, unit, outside).await?);
    app.counts.put(key, stamp, counted.clone());
    Ok(counted)
}

async fn make_count(app: &App, scope: &Scope, window: Window, unit: ReportUnit, outside: bool) -> Result<Counted> {
    let c = &app.db.conn;
    let types = TypeIndex::load(c).await?;
    let mut rows: Vec<String> = types.types.iter().map(|t| t.code.clone()).collect();
    rows.push(REQUEST_ROW.to_owned());
    let index: HashMap<&str, u16> = rows.iter().enumerate().map(|(i, r)| (r.as_str(), i as u16)).collect();
    let counts: HashSet<&str> = types.types.iter().filter(|t| t.counts).map(|t| t.code.as_str()).collect();
    let request_row = (rows.len() - 1) as u16;
    let known_by = end_of(window.cutoff);
    let kinds = partnership_kinds();
    let companies = unit == ReportUnit::Company;
    // Run one after the other: side by side on a 2-core machine they took longer in all
    // (measured in docs/benchmarks.md). Each read's time is logged at debug level.
    let timed = |what: &'static str, t: std::time::Instant| {
        tracing::debug!(what, ms = t.elapsed().as_secs_f64() * 1e3, "partner report read");
    };
    let w = (window.from, window.cutoff, window.end);
    let t = std::time::Instant::now();
    let cover = PartnerCoverage::load(c, scope, window.from, window.end).await?;
    timed("coverage", t);
    let t = std::time::Instant::now();
    let (acts, reqs) = q::candidate_facts(c, scope, &kinds, w, companies).await?;
    timed("candidates", t);
    let t = std::time::Instant::now();
    let mut bulk = Vec::new();
    if outside && window.cutoff >= window.from {
        for totals in [false, true] {
            bulk.extend(q::bulk_counts(c, scope, &kinds, w, companies, totals).await?);
        }
    }
    timed("everyone else", t);
    let mut facts = Vec::with_capacity(acts.len() + reqs.len());
    let group_of =
        |counted: bool, holder: Option<i64>, date: NaiveDate, created: Option<DateTime<Utc>>| -> Option<Group> {
            let planned = date > window.cutoff;
            if planned && created.is_none_or(|c| c > known_by) {
                return None;
            }
            match (counted, holder, planned) {
                (false, _, false) => Some(Group::NotCounted),
                (true, Some(_), false) => Some(Group::Partner),
                (true, Some(_), true) => Some(Group::Planned),
                (true, None, false) => Some(Group::Outside),
                _ => None,
            }
        };
    for a in &acts {
        let holder = cover.holder_on(a.organisation_id, a.start_date);
        let Some(group) = group_of(counts.contains(a.r#type.as_str()), holder, a.start_date, a.created_at) else {
            continue;
        };
        let Some(&row) = index.get(a.r#type.as_str()) else { continue };
        let unit = if unit == ReportUnit::Site { a.organisation_id } else { holder.unwrap_or(a.organisation_id) };
        facts.push(Fact {
            id: a.id,
            row,
            organisation_id: a.organisation_id,
            date: a.start_date,
            group,
            unit,
            hires: 0,
            filled: false,
        });
    }
    for r in &reqs {
        let holder = cover.holder_on(r.organisation_id, r.received_date);
        let Some(group) = group_of(true, holder, r.received_date, r.created_at) else { continue };
        let unit = if unit == ReportUnit::Site { r.organisation_id } else { holder.unwrap_or(r.organisation_id) };
        facts.push(Fact {
            id: r.id,
            row: request_row,
            organisation_id: r.organisation_id,
            date: r.received_date,
            group,
            unit,
            hires: r.hires,
            filled: r.status == "filled",
        });
    }
    if unit == ReportUnit::Company {
        roll_up(c, &mut facts).await?;
    }
    Ok(Counted {
        window,
        unit,
        rows,
        facts,
        bulk,
        types,
        scope: scope.clone(),
        tallies: Default::default(),
        planned: Default::default(),
    })
}

/// Counts each fact for the company its organisation rolls up to.
async fn roll_up<C: accord_db::sea_orm::ConnectionTrait>(c: &C, facts: &mut [Fact]) -> Result<()> {
    let ids: Vec<i64> = facts.iter().map(|f| f.unit).collect::<BTreeSet<_>>().into_iter().collect();
    let company = q::companies_of(c, &ids).await?;
    for f in facts {
        f.unit = company.get(&f.unit).copied().unwrap_or(f.unit);
    }
    Ok(())
}

/// The records of a cell: the classified ones, and for the groups outside the partner
/// companies also those counted in the database, read back for the list. The database's
/// counts are not needed for a list, so they are not made.
async fn cell_facts(
    app: &App,
    actor: &Actor,
    q: &ReportQuery,
    cell: &Cell,
) -> Result<(std::sync::Arc<Counted>, Vec<Fact>)> {
    require(can_view(actor))?;
    let (scope, _) = report_scope(app, actor, q.district.as_deref()).await?;
    let counted = count_groups(app, &scope, q.window()?, q.unit, false).await?;
    let facts = bulk_cell_facts(app, &counted, cell).await?;
    Ok((counted, facts))
}

async fn bulk_cell_facts(app: &App, counted: &Counted, cell: &Cell) -> Result<Vec<Fact>> {
    let mut facts = counted.select(cell);
    let group = cell.group.unwrap_or(Group::Partner);
    if !matches!(group, Group::Outside | Group::NotCounted) || cell.hired || cell.filled {
        return Ok(facts);
    }
    let w = counted.window;
    if w.cutoff < w.from {
        return Ok(facts);
    }
    let companies = counted.unit == ReportUnit::Company;
    let rows =
        q::bulk_records(&app.db.conn, &counted.scope, &partnership_kinds(), (w.from, w.cutoff, w.end), companies)
            .await?;
    let counts: HashSet<&str> = counted.types.types.iter().filter(|t| t.counts).map(|t| t.code.as_str()).collect();
    let wanted = cell.row.as_deref();
    let mut more: Vec<Fact> = rows
        .into_iter()
        .filter(|(_, is_request, t, _, _)| {
            let counts = *is_request || counts.contains(t.as_str());
            (group == Group::Outside) == counts && wanted.is_none_or(|w| w == t)
        })
        .filter_map(|(id, _, t, org, date)| {
            Some(Fact {
                id,
                row: counted.row_index(&t)?,
                organisation_id: org,
                date,
                group,
                unit: org,
                hires: 0,
                filled: false,
            })
        })
        .collect();
    if companies {
        roll_up(&app.db.conn, &mut more).await?;
    }
    facts.append(&mut more);
    Ok(facts)
}

/// Which records one number stands for: a group, and one row or all of them; `hired` keeps
/// only requests with hires (the hires figure).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cell {
    pub group: Option<Group>,
    pub row: Option<String>,
    pub hired: bool,
    /// Only requests filled through the jobcentre.
    pub filled: bool,
}

impl Counted {
    fn row_index(&self, code: &str) -> Option<u16> {
        self.rows.iter().position(|r| r == code).map(|i| i as u16)
    }

    /// The records of a cell.
    pub fn select(&self, cell: &Cell) -> Vec<Fact> {
        let group = cell.group.unwrap_or(Group::Partner);
        let row = match &cell.row {
            Some(code) => match self.row_index(code) {
                Some(i) => Some(i),
                None => return vec![],
            },
            None => None,
        };
        self.facts
            .iter()
            .filter(|f| {
                f.group == group
                    && row.is_none_or(|r| f.row == r)
                    && (!cell.hired || f.hires > 0)
                    && (!cell.filled || f.filled)
            })
            .copied()
            .collect()
    }

    /// The rows of a group: each row's records, organisations and hires, and the total. The
    /// groups outside the partner companies add what was counted in the database; its
    /// organisations are none of the classified records' (see `candidates_sql`).
    ///
    /// A group's tally is worked out on first use and kept with the count: a kept count
    /// serves each later view without walking its records again.
    pub fn summary(&self, group: Group, lang: Lang) -> (Vec<ReportRow>, Totals) {
        let tally = self.tallies[group as usize].get_or_init(|| self.tally(group));
        let request_row = (self.rows.len() - 1) as u16;
        let rows = tally
            .rows
            .iter()
            .map(|t| {
                let code = self.rows[t.row as usize].clone();
                let is_request = t.row == request_row;
                ReportRow {
                    label: if is_request { request_label(lang).to_owned() } else { self.types.label(&code, lang) },
                    r#type: code,
                    activities: t.activities,
                    organisations: t.organisations,
                    hires: (is_request && group != Group::Outside).then_some(t.hires),
                }
            })
            .collect();
        (rows, tally.total)
    }

    fn tally(&self, group: Group) -> Tally {
        let mut per: HashMap<u16, (u64, HashSet<i64>, u64, u64)> = HashMap::new();
        let mut units = HashSet::new();
        let mut total = 0u64;
        let mut more_units = 0u64;
        for f in self.facts.iter().filter(|f| f.group == group) {
            let e = per.entry(f.row).or_default();
            e.0 += 1;
            e.1.insert(f.unit);
            e.2 += f.hires.max(0) as u64;
            units.insert(f.unit);
            total += 1;
        }
        if matches!(group, Group::Outside | Group::NotCounted) {
            let counted = group == Group::Outside;
            for b in self.bulk.iter().filter(|b| b.counted == counted) {
                if b.row == "*" {
                    total += b.records;
                    more_units += b.organisations;
                } else if let Some(i) = self.row_index(&b.row) {
                    let e = per.entry(i).or_default();
                    e.0 += b.records;
                    e.3 += b.organisations;
                }
            }
        }
        let position = |row: u16| self.types.types.get(row as usize).map(|t| t.position).unwrap_or(i32::MAX);
        let mut keys: Vec<u16> = per.keys().copied().collect();
        // Activity types by how many, then by their order; recruitment requests last.
        let request_row = (self.rows.len() - 1) as u16;
        keys.sort_by_key(|k| (*k == request_row, std::cmp::Reverse(per[k].0), position(*k), *k));
        let rows = keys
            .into_iter()
            .map(|k| {
                let (n, u, hires, more) = &per[&k];
                RowTally { row: k, activities: *n, organisations: u.len() as u64 + more, hires: *hires }
            })
            .collect();
        Tally { rows, total: Totals { activities: total, organisations: units.len() as u64 + more_units } }
    }

    /// Organisations with partner activity being planned and none started by the cut-off day;
    /// worked out once, as the tallies are.
    fn planned(&self) -> u64 {
        *self.planned.get_or_init(|| {
            let started = self.units_by(Group::Partner, self.window.cutoff);
            let planned: HashSet<i64> = self
                .facts
                .iter()
                .filter(|f| f.group == Group::Planned && !started.contains(&f.unit))
                .map(|f| f.unit)
                .collect();
            planned.len() as u64
        })
    }

    /// Distinct organisations of a group with a record dated on or before `day`.
    fn units_by(&self, group: Group, day: NaiveDate) -> HashSet<i64> {
        self.facts.iter().filter(|f| f.group == group && f.date <= day).map(|f| f.unit).collect()
    }
}

// ---- the partner activity report ----

/// What the partner activity report is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQuery {
    pub year: i32,
    pub as_of: Option<NaiveDate>,
    /// A district code; none for every district the caller may see.
    pub district: Option<String>,
    pub unit: ReportUnit,
    /// Another period than the calendar year (a target's), first and last day.
    pub period: Option<(NaiveDate, NaiveDate)>,
}

impl ReportQuery {
    /// Parses the report's parameters as typed; every wrong one is named.
    pub fn parse(year: &str, as_of: &str, district: &str, unit: &str) -> Result<ReportQuery> {
        Self::parse_period(year, as_of, district, unit, "", "")
    }

    /// The same, with another period than the year (`from` and `to`, both or neither).
    pub fn parse_period(
        year: &str,
        as_of: &str,
        district: &str,
        unit: &str,
        from: &str,
        to: &str,
    ) -> Result<ReportQuery> {
        let mut errors = FieldErrors::new();
        let period = if from.trim().is_empty() && to.trim().is_empty() {
            None
        } else {
            let f = errors.take("from", from.trim(), dir::parse_date(from));
            let t = errors.take("to", to.trim(), dir::parse_date(to));
            if let (Some(f), Some(t)) = (f, t)
                && t < f
            {
                errors.add("to", "period.end_before_start", Some(to.trim()));
            }
            f.zip(t)
        };
        let y = match (period, year.trim()) {
            (Some((f, _)), _) => Some(chrono::Datelike::year(&f)),
            (None, "") => Some(chrono::Datelike::year(&Utc::now().date_naive())),
            (None, y) => errors.take("year", y, rules::parse_year(y)),
        };
        let as_of_day = match as_of.trim() {
            "" => None,
            s => errors.take("as_of", s, dir::parse_date(s)),
        };
        let unit = match unit.trim() {
            "" => Some(ReportUnit::Holder),
            s => errors.take("unit", s, ReportUnit::parse(s)),
        };
        let first = period.map(|p| p.0).or_else(|| y.and_then(|y| year_bounds(y).map(|b| b.0)));
        if let (Some(first), Some(d)) = (first, as_of_day)
            && d < first
        {
            errors.add("as_of", "report.as_of_before_year", Some(as_of.trim()));
        }
        errors.into_result()?;
        Ok(ReportQuery {
            year: y.unwrap_or_default(),
            as_of: as_of_day,
            district: Some(district.trim().to_owned()).filter(|d| !d.is_empty()),
            unit: unit.unwrap_or(ReportUnit::Holder),
            period,
        })
    }

    pub fn window(&self) -> Result<Window> {
        let (from, end) = match self.period {
            Some(p) => p,
            None => year_bounds(self.year).ok_or_else(|| AppError::field("year", "report.year_invalid", None))?,
        };
        Ok(Window { from, cutoff: self.as_of.map_or(end, |d| d.min(end)), end })
    }

    /// The same report a year earlier, up to the same day of that year.
    pub fn previous_year(&self) -> ReportQuery {
        ReportQuery {
            year: self.year - 1,
            as_of: self.as_of.map(year_earlier),
            period: self.period.map(|(f, t)| (year_earlier(f), year_earlier(t))),
            ..self.clone()
        }
    }

    /// The query string that asks for this report again (for links).
    pub fn query_string(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        match self.period {
            Some((f, t)) => {
                s.append_pair("from", &f.to_string());
                s.append_pair("to", &t.to_string());
            }
            None => {
                s.append_pair("year", &self.year.to_string());
            }
        }
        if let Some(d) = self.as_of {
            s.append_pair("as_of", &d.to_string());
        }
        if let Some(d) = &self.district {
            s.append_pair("district", d);
        }
        if self.unit != ReportUnit::Holder {
            s.append_pair("unit", self.unit.as_str());
        }
        s.finish()
    }
}

/// One row of the report: an activity type, or the recruitment requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportRow {
    /// The activity type's code, or `recruitment_request`.
    pub r#type: String,
    pub label: String,
    /// New activities (or requests received).
    pub activities: u64,
    /// Distinct organisations they are spread over.
    pub organisations: u64,
    /// Hires through the requests (the request row only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hires: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Totals {
    pub activities: u64,
    /// Distinct organisations across all rows.
    pub organisations: u64,
}

/// Status on the cut-off day: new activity at this many partner companies this year, and
/// this many more with activities being planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Status {
    pub date: NaiveDate,
    pub organisations: u64,
    /// Partner companies with no new activity yet this year but with one recorded that starts
    /// later (planned).
    pub planned: u64,
}

/// Records outside the partner figures, shown beside them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Outside {
    pub rows: Vec<ReportRow>,
    pub total: Totals,
}

/// The partner activity report: Table 1 of the committee report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActivityReport {
    pub year: i32,
    pub as_of: Option<NaiveDate>,
    /// The district code, or null for every district the caller may see.
    pub district: Option<String>,
    /// How organisations are counted: `holder`, `company` or `site`.
    pub unit: String,
    pub rows: Vec<ReportRow>,
    pub total: Totals,
    pub status: Status,
    /// Activities and requests at organisations that were not partner companies on the day.
    pub outside: Outside,
    /// Activities of types that do not count toward the partner figures.
    pub not_counted: Totals,
}

/// The scope a report reads: one district when a code is given (which the caller must be
/// able to see), else every district the caller may see.
pub async fn report_scope(app: &App, actor: &Actor, district: Option<&str>) -> Result<(Scope, Option<DistrictRef>)> {
    match district.map(str::trim).filter(|d| !d.is_empty()) {
        Some(code) => {
            let d = dir::pick_district(app, actor, Some(code)).await?;
            Ok((Scope::Districts(vec![d.id]), Some(d)))
        }
        None => Ok((actor.scope(), None)),
    }
}

fn build_report(q: &ReportQuery, counted: &Counted, lang: Lang) -> ActivityReport {
    let (rows, total) = counted.summary(Group::Partner, lang);
    let (outside_rows, outside_total) = counted.summary(Group::Outside, lang);
    let (_, not_counted) = counted.summary(Group::NotCounted, lang);
    ActivityReport {
        year: q.year,
        as_of: q.as_of,
        district: q.district.clone(),
        unit: q.unit.as_str().to_owned(),
        rows,
        total,
        status: Status { date: counted.window.cutoff, organisations: total.organisations, planned: counted.planned() },
        outside: Outside { rows: outside_rows, total: outside_total },
        not_counted,
    }
}

/// The partner activity report.
pub async fn activity_report(app: &App, actor: &Actor, q: &ReportQuery, lang: Lang) -> Result<ActivityReport> {
    require(can_view(actor))?;
    let (scope, _) = report_scope(app, actor, q.district.as_deref()).await?;
    let counted = count(app, &scope, q.window()?, q.unit).await?;
    Ok(build_report(q, &counted, lang))
}

// ---- drill-down: the records behind a number ----

/// One record behind a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordRow {
    /// `activity` or `recruitment_request`.
    pub kind: String,
    pub id: i64,
    pub source_id: String,
    /// The activity type's code, or `recruitment_request`.
    pub r#type: String,
    pub label: String,
    pub organisation_id: i64,
    pub organisation_ref: String,
    pub organisation_name: String,
    /// The start date, or the day a request was received.
    pub date: NaiveDate,
    /// The organisation the record counts for.
    pub counted_for_id: i64,
    pub counted_for_ref: String,
    pub counted_for_name: String,
    /// An activity's outcome or a request's status.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hires: Option<i32>,
}

/// One organisation behind a number, with how many of the records it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitRow {
    pub id: i64,
    pub r#ref: String,
    pub name: String,
    pub records: u64,
}

/// The records of a cell, newest first: the facts in order.
fn ordered(mut facts: Vec<Fact>) -> Vec<Fact> {
    facts.sort_by(|a, b| b.date.cmp(&a.date).then(b.id.cmp(&a.id)));
    facts
}

async fn record_rows(app: &App, counted: &Counted, facts: &[Fact], lang: Lang) -> Result<Vec<RecordRow>> {
    let c = &app.db.conn;
    let (reqs, acts): (Vec<&Fact>, Vec<&Fact>) = facts.iter().partition(|f| f.is_request(&counted.rows));
    let mut source: HashMap<(bool, i64), (String, String)> = HashMap::new();
    for chunk in acts.chunks(10_000) {
        let ids: Vec<i64> = chunk.iter().map(|f| f.id).collect();
        for a in q::activities_by_ids(c, &ids).await? {
            source.insert((false, a.id), (a.source_id, a.outcome));
        }
    }
    for chunk in reqs.chunks(10_000) {
        let ids: Vec<i64> = chunk.iter().map(|f| f.id).collect();
        for r in q::requests_by_ids(c, &ids).await? {
            source.insert((true, r.id), (r.source_id, r.status));
        }
    }
    let org_ids: Vec<i64> =
        facts.iter().flat_map(|f| [f.organisation_id, f.unit]).collect::<BTreeSet<_>>().into_iter().collect();
    let names = q::names_of(c, &org_ids).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    Ok(facts
        .iter()
        .map(|f| {
            let is_request = f.is_request(&counted.rows);
            let code = counted.rows[f.row as usize].clone();
            let (source_id, state) = source.get(&(is_request, f.id)).cloned().unwrap_or_default();
            let (org_ref, org_name) = name(f.organisation_id);
            let (unit_ref, unit_name) = name(f.unit);
            RecordRow {
                kind: if is_request { REQUEST_ROW.to_owned() } else { "activity".to_owned() },
                id: f.id,
                source_id,
                label: if is_request { request_label(lang).to_owned() } else { counted.types.label(&code, lang) },
                r#type: code,
                organisation_id: f.organisation_id,
                organisation_ref: org_ref,
                organisation_name: org_name,
                date: f.date,
                counted_for_id: f.unit,
                counted_for_ref: unit_ref,
                counted_for_name: unit_name,
                state,
                hires: is_request.then_some(f.hires),
            }
        })
        .collect())
}

/// One page of the records behind a number.
pub async fn records(
    app: &App,
    actor: &Actor,
    q: &ReportQuery,
    cell: &Cell,
    paging: Paging,
    lang: Lang,
) -> Result<Page<RecordRow>> {
    let (counted, facts) = cell_facts(app, actor, q, cell).await?;
    let facts = ordered(facts);
    let total = facts.len() as u64;
    let start = paging.offset() as usize;
    let page: Vec<Fact> = facts.into_iter().skip(start).take(paging.per_page as usize).collect();
    Ok(Page { items: record_rows(app, &counted, &page, lang).await?, total, paging })
}

/// Every record behind a number (for the export).
pub async fn all_records(app: &App, actor: &Actor, q: &ReportQuery, cell: &Cell, lang: Lang) -> Result<Vec<RecordRow>> {
    let (counted, facts) = cell_facts(app, actor, q, cell).await?;
    record_rows(app, &counted, &ordered(facts), lang).await
}

/// The organisations behind a number, by name, each with its number of records.
pub async fn organisations(app: &App, actor: &Actor, q: &ReportQuery, cell: &Cell) -> Result<Vec<UnitRow>> {
    let (_, facts) = cell_facts(app, actor, q, cell).await?;
    let mut per: HashMap<i64, u64> = HashMap::new();
    for f in facts {
        *per.entry(f.unit).or_default() += 1;
    }
    let ids: Vec<i64> = per.keys().copied().collect();
    let names = q::names_of(&app.db.conn, &ids).await?;
    let mut out: Vec<UnitRow> = per
        .into_iter()
        .map(|(id, records)| {
            let (r, n) = names.get(&id).cloned().unwrap_or_default();
            UnitRow { id, r#ref: r, name: n, records }
        })
        .collect();
    out.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// The records behind a number as a table in the import's spirit: one row per record.
pub fn records_table(rows: &[RecordRow]) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec![
        "kind",
        "source_id",
        "type",
        "organisation_ref",
        "organisation_name",
        "date",
        "counted_for_ref",
        "counted_for_name",
        "outcome_or_status",
        "hires",
    ];
    let body = rows
        .iter()
        .map(|r| {
            vec![
                r.kind.clone(),
                r.source_id.clone(),
                r.r#type.clone(),
                r.organisation_ref.clone(),
                r.organisation_name.clone(),
                r.date.to_string(),
                r.counted_for_ref.clone(),
                r.counted_for_name.clone(),
                r.state.clone(),
                r.hires.map(|h| h.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    (header, body)
}

/// The organisations behind a number as a table.
pub fn organisations_table(rows: &[UnitRow]) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec!["organisation_ref", "name", "records"];
    let body = rows.iter().map(|r| vec![r.r#ref.clone(), r.name.clone(), r.records.to_string()]).collect();
    (header, body)
}

// ---- agreements behind a number ----

/// Which agreements a number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementSet {
    /// Partnership-type agreements in force on the day.
    InForce(NaiveDate),
    /// Partnership-type agreements that started in the period.
    Started(NaiveDate, NaiveDate),
    /// Partnership-type agreements terminated with a last day in the period.
    Terminated(NaiveDate, NaiveDate),
}

fn partnership_kinds() -> Vec<&'static str> {
    AgreementKind::PARTNERSHIP_TYPE.iter().map(|k| k.as_str()).collect()
}

/// The days each partnership-type agreement in force on some day of `[from, to]` is in force.
async fn in_force_spans(
    app: &App,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<i64, accord_domain::agreement::InForce>> {
    let covers = accord_db::agreements::coverage(&app.db.conn, scope, &partnership_kinds(), from, to, None).await?;
    Ok(covers
        .iter()
        .filter_map(|c| {
            let status = AgreementStatus::parse(&c.status).ok()?;
            Some((
                c.agreement_id,
                accord_domain::agreement::InForce::of(status, c.start_date, c.end_date, c.terminated_on)?,
            ))
        })
        .collect())
}

/// The ids of the agreements a number counts, in id order.
pub async fn agreement_ids(app: &App, scope: &Scope, set: AgreementSet) -> Result<Vec<i64>> {
    let c = &app.db.conn;
    let kinds = partnership_kinds();
    Ok(match set {
        AgreementSet::InForce(day) => {
            let spans = in_force_spans(app, scope, day, day).await?;
            let mut ids: Vec<i64> = spans.into_iter().filter(|(_, f)| f.contains(day)).map(|(id, _)| id).collect();
            ids.sort_unstable();
            ids
        }
        AgreementSet::Started(f, t) => q::agreements_started_or_terminated(c, scope, &kinds, f, t, false).await?,
        AgreementSet::Terminated(f, t) => q::agreements_started_or_terminated(c, scope, &kinds, f, t, true).await?,
    })
}

/// The agreements a number counts, for the list behind it.
pub async fn agreements_behind(
    app: &App,
    actor: &Actor,
    district: Option<&str>,
    set: AgreementSet,
) -> Result<Vec<crate::agreements::AgreementView>> {
    require(can_view(actor))?;
    let (scope, _) = report_scope(app, actor, district).await?;
    let ids = agreement_ids(app, &scope, set).await?;
    let mut rows = accord_db::agreements::agreements_by_ids(&app.db.conn, ids).await?;
    rows.sort_by_key(|a| a.id);
    crate::agreements::views(app, rows).await
}

// ---- KPI targets ----

/// A target as typed in a form or sent to the API.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct TargetInput {
    pub district: Option<String>,
    pub name: String,
    pub metric: String,
    pub activity_type: String,
    pub unit: String,
    pub period_start: String,
    pub period_end: String,
    pub threshold: String,
    pub direction: String,
    pub notes: String,
    pub retired: bool,
    pub version: Option<i32>,
}

struct CheckedTarget {
    name: String,
    metric: KpiMetric,
    activity_type: Option<String>,
    unit: ReportUnit,
    from: NaiveDate,
    to: NaiveDate,
    threshold: i64,
    direction: Direction,
    notes: Option<String>,
}

fn check_target(types: &TypeIndex, i: &TargetInput) -> std::result::Result<CheckedTarget, FieldErrors> {
    let mut e = FieldErrors::new();
    let name = i.name.trim();
    if name.is_empty() {
        e.add("name", "field.required", None);
    } else if name.chars().count() > 200 {
        e.add("name", "field.too_long", Some(name));
    }
    let metric = match i.metric.trim() {
        "" => {
            e.add("metric", "field.required", None);
            None
        }
        m => e.take("metric", m, KpiMetric::parse(m)),
    };
    let activity_type = match (metric, i.activity_type.trim()) {
        (Some(KpiMetric::ActivitiesOfType), "") => {
            e.add("activity_type", "field.required", None);
            None
        }
        (Some(KpiMetric::ActivitiesOfType), t) => match types.find(t) {
            Some(t) => Some(t.code.clone()),
            None => {
                e.add("activity_type", "activity_type.unknown", Some(t));
                None
            }
        },
        _ => None,
    };
    let unit = match i.unit.trim() {
        "" => Some(ReportUnit::Holder),
        u => e.take("unit", u, ReportUnit::parse(u)),
    };
    let date = |e: &mut FieldErrors, field: &str, s: &str| match s.trim() {
        "" => {
            e.add(field, "field.required", None);
            None
        }
        s => e.take(field, s, dir::parse_date(s)),
    };
    let from = date(&mut e, "period_start", &i.period_start);
    let to = date(&mut e, "period_end", &i.period_end);
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        e.add("period_start", "period.end_before_start", Some(i.period_start.trim()));
        e.add("period_end", "period.end_before_start", Some(i.period_end.trim()));
    }
    let threshold = match i.threshold.trim().replace(['.', ',', ' '], "") {
        s if s.is_empty() => {
            e.add("threshold", "field.required", None);
            None
        }
        s => match s.parse::<i64>() {
            Ok(n) if (0..=100_000_000).contains(&n) => Some(n),
            _ => {
                e.add("threshold", "number.whole", Some(i.threshold.trim()));
                None
            }
        },
    };
    let direction = match i.direction.trim() {
        "" => Some(Direction::AtLeast),
        d => e.take("direction", d, Direction::parse(d)),
    };
    let notes = Some(i.notes.trim().to_owned()).filter(|n| !n.is_empty());
    if notes.as_ref().is_some_and(|n| n.chars().count() > 4000) {
        e.add("notes", "field.too_long", None);
    }
    e.into_result()?;
    Ok(CheckedTarget {
        name: name.to_owned(),
        metric: metric.unwrap_or(KpiMetric::PartnerOrganisations),
        activity_type,
        unit: unit.unwrap_or(ReportUnit::Holder),
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
        threshold: threshold.unwrap_or_default(),
        direction: direction.unwrap_or(Direction::AtLeast),
        notes,
    })
}

/// A point of a target's trajectory: its value at the end of a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Point {
    pub date: NaiveDate,
    pub value: i64,
}

/// A target with where it stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TargetView {
    pub id: i64,
    pub district: String,
    pub district_name: String,
    pub name: String,
    /// `partner_organisations`, `partner_activities`, `activities_of_type`, `requests_filled`
    /// or `agreements_in_force`.
    pub metric: String,
    pub activity_type: Option<String>,
    pub unit: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub threshold: i64,
    /// `at_least` or `at_most`.
    pub direction: String,
    pub notes: Option<String>,
    pub retired: bool,
    pub version: i32,
    /// The value on `as_of`.
    pub value: i64,
    /// The day the value is for: today, or the period's last day once it has passed.
    pub as_of: NaiveDate,
    /// `not_started`, `on_track`, `at_risk`, `met` or `missed`.
    pub status: String,
    /// Where a steady pace toward the threshold would be on `as_of` (counts only).
    pub pace: Option<i64>,
    /// The value at the end of each month of the period so far.
    pub trajectory: Vec<Point>,
}

impl TargetView {
    pub fn input(&self) -> TargetInput {
        TargetInput {
            district: Some(self.district.clone()),
            name: self.name.clone(),
            metric: self.metric.clone(),
            activity_type: self.activity_type.clone().unwrap_or_default(),
            unit: self.unit.clone(),
            period_start: self.period_start.to_string(),
            period_end: self.period_end.to_string(),
            threshold: self.threshold.to_string(),
            direction: self.direction.clone(),
            notes: self.notes.clone().unwrap_or_default(),
            retired: self.retired,
            version: Some(self.version),
        }
    }
}

/// Counts of one window, kept while a page evaluates several targets.
#[derive(Default)]
pub struct Memo {
    counted: HashMap<(Vec<i64>, Window, ReportUnit), std::sync::Arc<Counted>>,
}

/// The value of a target on each of `days` (ascending), from its district's records.
async fn values_on(app: &App, memo: &mut Memo, t: &kpi_target::Model, days: &[NaiveDate]) -> Result<Vec<i64>> {
    let metric = KpiMetric::parse(&t.metric).unwrap_or(KpiMetric::PartnerOrganisations);
    let scope = Scope::Districts(vec![t.district_id]);
    let Some(last) = days.last().copied() else { return Ok(vec![]) };
    if metric == KpiMetric::AgreementsInForce {
        let spans = in_force_spans(app, &scope, t.period_start, last).await?;
        return Ok(days.iter().map(|d| spans.values().filter(|f| f.contains(*d)).count() as i64).collect());
    }
    let unit = ReportUnit::parse(&t.unit).unwrap_or(ReportUnit::Holder);
    let window = Window { from: t.period_start, cutoff: last, end: last };
    let key = (vec![t.district_id], window, unit);
    if !memo.counted.contains_key(&key) {
        // The targets count partner activity only.
        let counted = count_groups(app, &scope, window, unit, false).await?;
        memo.counted.insert(key.clone(), counted);
    }
    let counted = &memo.counted[&key];
    let type_row = t.activity_type.as_deref().and_then(|code| counted.row_index(code));
    let request_row = (counted.rows.len() - 1) as u16;
    Ok(days
        .iter()
        .map(|d| {
            let upto = counted.facts.iter().filter(|f| f.date <= *d);
            match metric {
                KpiMetric::PartnerOrganisations => {
                    upto.filter(|f| f.group == Group::Partner).map(|f| f.unit).collect::<HashSet<_>>().len() as i64
                }
                KpiMetric::PartnerActivities => upto.filter(|f| f.group == Group::Partner).count() as i64,
                KpiMetric::ActivitiesOfType => {
                    upto.filter(|f| f.group == Group::Partner && Some(f.row) == type_row).count() as i64
                }
                KpiMetric::RequestsFilled => {
                    upto.filter(|f| f.group == Group::Partner && f.row == request_row && f.filled).count() as i64
                }
                KpiMetric::AgreementsInForce => 0,
            }
        })
        .collect())
}

async fn target_view(
    app: &App,
    memo: &mut Memo,
    districts: &HashMap<i64, (String, String)>,
    t: kpi_target::Model,
    today: NaiveDate,
) -> Result<TargetView> {
    let metric = KpiMetric::parse(&t.metric).unwrap_or(KpiMetric::PartnerOrganisations);
    let direction = Direction::parse(&t.direction).unwrap_or(Direction::AtLeast);
    let as_of = today.min(t.period_end);
    let (value, trajectory, status, pace) = if today < t.period_start {
        (0, vec![], KpiStatus::NotStarted, None)
    } else {
        let days = month_ends(t.period_start, as_of);
        let values = values_on(app, memo, &t, &days).await?;
        let value = values.last().copied().unwrap_or(0);
        let status = kpi_status(metric, direction, value, t.threshold, t.period_start, t.period_end, today);
        let total = (t.period_end - t.period_start).num_days() + 1;
        let elapsed = (as_of - t.period_start).num_days() + 1;
        let pace = metric.is_cumulative().then(|| t.threshold * elapsed / total.max(1));
        let trajectory = days.into_iter().zip(values).map(|(date, value)| Point { date, value }).collect();
        (value, trajectory, status, pace)
    };
    let (code, name) = districts.get(&t.district_id).cloned().unwrap_or_default();
    Ok(TargetView {
        id: t.id,
        district: code,
        district_name: name,
        name: t.name,
        metric: t.metric,
        activity_type: t.activity_type,
        unit: t.unit,
        period_start: t.period_start,
        period_end: t.period_end,
        threshold: t.threshold,
        direction: t.direction,
        notes: t.notes,
        retired: t.retired,
        version: t.version,
        value,
        as_of,
        status: status.as_str().to_owned(),
        pace,
        trajectory,
    })
}

async fn district_names(app: &App) -> Result<HashMap<i64, (String, String)>> {
    Ok(accord_db::users::list_districts(&app.db.conn, &Scope::All)
        .await?
        .into_iter()
        .map(|d| (d.id, (d.code, d.name)))
        .collect())
}

/// The targets the actor may see (in one district when a code is given), each with its value
/// and status on `today`.
pub async fn targets(
    app: &App,
    actor: &Actor,
    district: Option<&str>,
    include_retired: bool,
    today: NaiveDate,
) -> Result<Vec<TargetView>> {
    require(can_view(actor))?;
    let (scope, d) = report_scope(app, actor, district).await?;
    let rows = q::targets(&app.db.conn, &scope, d.map(|d| d.id), include_retired).await?;
    let names = district_names(app).await?;
    let mut memo = Memo::default();
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        out.push(target_view(app, &mut memo, &names, t, today).await?);
    }
    Ok(out)
}

pub async fn get_target(app: &App, actor: &Actor, id: i64, today: NaiveDate) -> Result<TargetView> {
    require(can_view(actor))?;
    let t = q::get_target(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let names = district_names(app).await?;
    target_view(app, &mut Memo::default(), &names, t, today).await
}

fn target_audit(t: &kpi_target::Model) -> serde_json::Value {
    serde_json::json!({
        "name": t.name, "metric": t.metric, "activity_type": t.activity_type, "unit": t.unit,
        "period_start": t.period_start, "period_end": t.period_end, "threshold": t.threshold,
        "direction": t.direction, "notes": t.notes, "retired": t.retired,
    })
}

/// Creates a target (`id` none) or changes one at the version the caller read.
pub async fn save_target(app: &App, actor: &Actor, id: Option<i64>, input: &TargetInput) -> Result<TargetView> {
    require(can_manage_targets(actor))?;
    let types = TypeIndex::load(&app.db.conn).await?;
    let existing = match id {
        Some(id) => Some(q::get_target(&app.db.conn, &actor.scope(), id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let district_id = match &existing {
        Some(t) => t.district_id,
        None => dir::pick_district(app, actor, input.district.as_deref()).await?.id,
    };
    let c = check_target(&types, input)?;
    let now = Utc::now();
    let am = kpi_target::ActiveModel {
        district_id: Put(district_id),
        name: Put(c.name),
        metric: Put(c.metric.as_str().to_owned()),
        activity_type: Put(c.activity_type),
        unit: Put(c.unit.as_str().to_owned()),
        period_start: Put(c.from),
        period_end: Put(c.to),
        threshold: Put(c.threshold),
        direction: Put(c.direction.as_str().to_owned()),
        notes: Put(c.notes),
        retired: Put(input.retired),
        updated_at: Put(now),
        ..Default::default()
    };
    let txn = app.db.write().await?;
    let row = match &existing {
        None => {
            let mut am = am;
            am.created_at = Put(now);
            am.version = Put(1);
            use accord_db::sea_orm::ActiveModelTrait;
            am.insert(&txn).await?
        }
        Some(before) => {
            let version = input.version.ok_or_else(|| AppError::field("version", "field.required", None))?;
            if !q::update_target(&txn, before.id, version, am).await? {
                drop(txn);
                let current = get_target(app, actor, before.id, now.date_naive()).await?;
                let mine = input.clone();
                let now_in = current.input();
                let (theirs_retired, mine_retired) = (now_in.retired.to_string(), mine.retired.to_string());
                let changed = [
                    ("name", now_in.name.as_str(), mine.name.as_str()),
                    ("metric", &now_in.metric, &mine.metric),
                    ("activity_type", &now_in.activity_type, &mine.activity_type),
                    ("unit", &now_in.unit, &mine.unit),
                    ("retired", &theirs_retired, &mine_retired),
                    ("period_start", &now_in.period_start, &mine.period_start),
                    ("period_end", &now_in.period_end, &mine.period_end),
                    ("threshold", &now_in.threshold, &mine.threshold),
                    ("direction", &now_in.direction, &mine.direction),
                    ("notes", &now_in.notes, &mine.notes),
                ]
                .iter()
                .filter(|(_, a, b)| a.trim() != b.trim())
                .map(|(f, _, _)| (*f).to_owned())
                .collect();
                return Err(AppError::Conflict {
                    current: serde_json::to_value(&current).unwrap_or_default(),
                    changed,
                });
            }
            use accord_db::sea_orm::EntityTrait;
            kpi_target::Entity::find_by_id(before.id).one(&txn).await?.ok_or(AppError::NotFound)?
        }
    };
    let mut e =
        actor.audit(if existing.is_some() { "update" } else { "create" }, "kpi_target", Some(row.id.to_string()));
    e.district_id = Some(district_id);
    e.before = existing.as_ref().map(target_audit);
    e.after = Some(target_audit(&row));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    get_target(app, actor, row.id, now.date_naive()).await
}

// ---- the dashboard ----

/// One activity type this year against the same days of last year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Comparison {
    pub r#type: String,
    pub label: String,
    pub this_year: u64,
    pub last_year: u64,
}

/// Recruitment requests received at partner companies in a period and what came of them.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Conversion {
    pub requests: u64,
    pub filled: u64,
    pub hires: u64,
    /// Hires per hundred requests, rounded down.
    pub percent: u64,
    /// Hires per hundred requests.
    pub percent_exact: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgreementFlow {
    pub started: u64,
    pub terminated: u64,
}

/// What needs doing soon, in every district the user may see: the same lists as the
/// review page and the home page count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FollowUps {
    /// Active agreements whose review date or end is within the review window.
    pub agreements_to_review: u64,
    /// The user's own follow-ups of contacts with employers, due within a week.
    pub my_follow_ups: u64,
}

/// The dashboard of a district, or of every district the user may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub date: NaiveDate,
    pub district: Option<String>,
    /// The district's name; none for every district the user may see (or their only one).
    pub district_name: Option<String>,
    pub year: i32,
    /// This year up to `date` and last year up to the same day.
    pub this_year: ActivityReport,
    pub last_year: ActivityReport,
    pub by_type: Vec<Comparison>,
    pub conversion_this_year: Conversion,
    pub conversion_last_year: Conversion,
    pub agreements_this_year: AgreementFlow,
    pub agreements_last_year: AgreementFlow,
    pub follow_ups: FollowUps,
    pub targets: Vec<TargetView>,
    /// The communications log's pieces per year and channel, newest year first.
    pub communications: Vec<crate::communications::YearCounts>,
}

/// Each type of either report, with both years' counts; in this year's order.
pub fn compare(this: &ActivityReport, last: &ActivityReport) -> Vec<Comparison> {
    let mut out: Vec<Comparison> = this
        .rows
        .iter()
        .map(|r| Comparison {
            r#type: r.r#type.clone(),
            label: r.label.clone(),
            this_year: r.activities,
            last_year: last.rows.iter().find(|l| l.r#type == r.r#type).map_or(0, |l| l.activities),
        })
        .collect();
    for l in &last.rows {
        if !out.iter().any(|c| c.r#type == l.r#type) {
            let at = out.iter().position(|c| c.r#type == REQUEST_ROW).unwrap_or(out.len());
            out.insert(
                at,
                Comparison { r#type: l.r#type.clone(), label: l.label.clone(), this_year: 0, last_year: l.activities },
            );
        }
    }
    out
}

fn conversion(counted: &Counted) -> Conversion {
    let request_row = (counted.rows.len() - 1) as u16;
    let mut c = Conversion::default();
    for f in counted.facts.iter().filter(|f| f.row == request_row && f.group == Group::Partner) {
        c.requests += 1;
        c.filled += u64::from(f.filled);
        c.hires += f.hires.max(0) as u64;
    }
    c.percent = (c.hires * 100).checked_div(c.requests).unwrap_or(0);
    c.percent_exact = if c.requests == 0 { 0.0 } else { c.hires as f64 * 100.0 / c.requests as f64 };
    c
}

pub async fn dashboard(
    app: &App,
    actor: &Actor,
    district: Option<&str>,
    today: NaiveDate,
    lang: Lang,
) -> Result<Dashboard> {
    require(can_view(actor))?;
    let (scope, d) = report_scope(app, actor, district).await?;
    let year = chrono::Datelike::year(&today);
    let this_q = ReportQuery {
        year,
        as_of: Some(today),
        district: d.as_ref().map(|d| d.code.clone()),
        unit: ReportUnit::Holder,
        period: None,
    };
    let last_q = this_q.previous_year();
    let this_c = count(app, &scope, this_q.window()?, this_q.unit).await?;
    let last_c = count(app, &scope, last_q.window()?, last_q.unit).await?;
    let this_year = build_report(&this_q, &this_c, lang);
    let last_year = build_report(&last_q, &last_c, lang);
    let figures = agreement_figures(app, actor, &scope, this_q.window()?.from, last_q.window()?.from, today).await?;
    let follow_ups = FollowUps {
        agreements_to_review: figures.to_review,
        my_follow_ups: dir::my_follow_ups(app, actor).await?.len() as u64,
    };
    let d_id = d.as_ref().map(|d| d.id);
    let rows = q::targets(&app.db.conn, &scope, d_id, false).await?;
    let names = district_names(app).await?;
    let mut memo = Memo::default();
    let mut targets = Vec::with_capacity(rows.len());
    for t in rows
        .into_iter()
        .filter(|t| t.period_end >= this_q.window().map(|w| w.from).unwrap_or(today) - chrono::Duration::days(366))
    {
        targets.push(target_view(app, &mut memo, &names, t, today).await?);
    }
    Ok(Dashboard {
        date: today,
        district_name: d.as_ref().map(|d| d.name.clone()).or_else(|| match actor.districts.as_slice() {
            [one] => Some(one.name.clone()),
            _ => None,
        }),
        district: d.map(|d| d.code),
        year,
        by_type: compare(&this_year, &last_year),
        conversion_this_year: conversion(&this_c),
        conversion_last_year: conversion(&last_c),
        agreements_this_year: figures.this_year,
        agreements_last_year: figures.last_year,
        this_year,
        last_year,
        follow_ups,
        targets,
        communications: crate::communications::counts(
            app,
            actor,
            &accord_domain::CommunicationFilter { district_id: d_id, ..Default::default() },
        )
        .await?,
    })
}

/// The dashboard's agreement figures: the partnership agreements started and terminated this
/// year and last year to the same day, and those due for review. Kept ([`CountCache`]) while
/// row 0 of the change stamps, which every change to an agreement moves, stays the same.
async fn agreement_figures(
    app: &App,
    actor: &Actor,
    scope: &Scope,
    this_from: NaiveDate,
    last_from: NaiveDate,
    today: NaiveDate,
) -> Result<AgreementFigures> {
    let c = &app.db.conn;
    // The same permission the review list asks for, before anything kept is handed out.
    require(crate::agreements::can_view(actor))?;
    let review_day = Utc::now().date_naive();
    let key = FiguresKey { scope: scope.clone(), seen: actor.scope(), today, review_day };
    let stamp = q::change_stamp(c, &Scope::Districts(vec![])).await?;
    if let Some(kept) = app.counts.get_figures(&key, stamp) {
        return Ok(kept);
    }
    let kinds = partnership_kinds();
    let flow = |from: NaiveDate, to: NaiveDate| {
        let kinds = &kinds;
        async move {
            Ok::<_, AppError>(AgreementFlow {
                started: q::count_agreements_started_or_terminated(c, scope, kinds, from, to, false).await?,
                terminated: q::count_agreements_started_or_terminated(c, scope, kinds, from, to, true).await?,
            })
        }
    };
    let figures = AgreementFigures {
        this_year: flow(this_from, today).await?,
        last_year: flow(last_from, year_earlier(today)).await?,
        to_review: crate::agreements::review_due_count(app, actor, false).await?,
    };
    app.counts.put_figures(key, stamp, figures);
    Ok(figures)
}

// ---- the committee report ----

/// What the committee reads: the status, Table 1, the year before, and the targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CommitteeReport {
    pub report: ActivityReport,
    pub previous: ActivityReport,
    pub comparison: Vec<Comparison>,
    /// Targets whose period overlaps the report's year.
    pub targets: Vec<TargetView>,
    pub district_name: Option<String>,
    /// The secretariat's budget of the year against its spend (lines of no programme).
    #[serde(default)]
    pub budget: crate::programmes::Budget,
}

pub async fn committee(
    app: &App,
    actor: &Actor,
    q: &ReportQuery,
    today: NaiveDate,
    lang: Lang,
) -> Result<CommitteeReport> {
    require(can_view(actor))?;
    let (scope, d) = report_scope(app, actor, q.district.as_deref()).await?;
    let this_c = count(app, &scope, q.window()?, q.unit).await?;
    let prev_q = q.previous_year();
    let prev_c = count(app, &scope, prev_q.window()?, prev_q.unit).await?;
    let report = build_report(q, &this_c, lang);
    let previous = build_report(&prev_q, &prev_c, lang);
    let w = q.window()?;
    let rows = q::targets(&app.db.conn, &scope, d.as_ref().map(|d| d.id), false).await?;
    let names = district_names(app).await?;
    let mut memo = Memo::default();
    let mut targets = Vec::new();
    let on = q.as_of.unwrap_or(today).min(today);
    for t in rows.into_iter().filter(|t| t.period_start <= w.end && t.period_end >= w.from) {
        targets.push(target_view(app, &mut memo, &names, t, on).await?);
    }
    let budget = if crate::programmes::can_view(actor) {
        crate::programmes::secretariat_budget(app, actor, d.as_ref().map(|d| d.code.as_str()), Some(q.year)).await?
    } else {
        crate::programmes::Budget::default()
    };
    Ok(CommitteeReport {
        budget,
        comparison: compare(&report, &previous),
        report,
        previous,
        targets,
        district_name: d.map(|d| d.name),
    })
}

/// Sheet and column names of the workbooks, in the reader's language.
pub struct WorkbookText {
    pub table1: String,
    pub comparison: String,
    pub targets: String,
    pub outside: String,
    pub type_col: String,
    pub activities_col: String,
    pub organisations_col: String,
    pub hires_col: String,
    pub total: String,
    pub target_cols: [String; 6],
    /// Translates `metric.CODE`, `direction.CODE` and `status.CODE`.
    pub word: Box<dyn Fn(&str) -> String + Send + Sync>,
}

fn xerr(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(format!("workbook: {e}"))
}

/// One table of the report as a sheet: a row per type, then the total.
fn report_sheet(
    wb: &mut rust_xlsxwriter::Workbook,
    name: &str,
    rows: &[ReportRow],
    total: &Totals,
    t: &WorkbookText,
) -> Result<()> {
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(xerr)?;
    for (c, h) in [&t.type_col, &t.activities_col, &t.organisations_col, &t.hires_col].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h.as_str(), &bold).map_err(xerr)?;
    }
    let mut n = 1u32;
    for row in rows {
        ws.write_string(n, 0, &row.label).map_err(xerr)?;
        ws.write_number(n, 1, row.activities as f64).map_err(xerr)?;
        ws.write_number(n, 2, row.organisations as f64).map_err(xerr)?;
        if let Some(h) = row.hires {
            ws.write_number(n, 3, h as f64).map_err(xerr)?;
        }
        n += 1;
    }
    ws.write_string_with_format(n, 0, &t.total, &bold).map_err(xerr)?;
    ws.write_number_with_format(n, 1, total.activities as f64, &bold).map_err(xerr)?;
    ws.write_number_with_format(n, 2, total.organisations as f64, &bold).map_err(xerr)?;
    ws.set_column_width(0, 32).map_err(xerr)?;
    ws.set_column_range_width(1, 3, 16).map_err(xerr)?;
    Ok(())
}

/// The partner activity report as a workbook: the partner figures, then those outside.
pub fn report_workbook(r: &ActivityReport, t: &WorkbookText) -> Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    report_sheet(&mut wb, &t.table1, &r.rows, &r.total, t)?;
    report_sheet(&mut wb, &t.outside, &r.outside.rows, &r.outside.total, t)?;
    wb.save_to_buffer().map_err(xerr)
}

/// The partner activity report as CSV: a row per type, then `total`; then the rows outside
/// the partner companies, their `type` prefixed `outside:`.
pub fn report_csv(r: &ActivityReport) -> Result<Vec<u8>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let line = |prefix: &str, row: &ReportRow| {
        vec![
            format!("{prefix}{}", row.r#type),
            row.label.clone(),
            row.activities.to_string(),
            row.organisations.to_string(),
            row.hires.map(|h| h.to_string()).unwrap_or_default(),
        ]
    };
    rows.extend(r.rows.iter().map(|row| line("", row)));
    rows.push(vec![
        "total".into(),
        String::new(),
        r.total.activities.to_string(),
        r.total.organisations.to_string(),
        String::new(),
    ]);
    rows.extend(r.outside.rows.iter().map(|row| line("outside:", row)));
    rows.push(vec![
        "outside:total".into(),
        String::new(),
        r.outside.total.activities.to_string(),
        r.outside.total.organisations.to_string(),
        String::new(),
    ]);
    crate::files::write_table(
        crate::files::Format::Csv,
        "report",
        &["type", "label", "activities", "organisations", "hires"],
        &rows,
    )
    .map_err(AppError::Internal)
}

/// The committee report as a workbook, one sheet per table, numbers as numbers.
pub fn committee_workbook(r: &CommitteeReport, t: &WorkbookText) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    report_sheet(&mut wb, &t.table1, &r.report.rows, &r.report.total, t)?;
    {
        let ws = wb.add_worksheet();
        ws.set_name(&t.comparison).map_err(xerr)?;
        let heads = [t.type_col.to_owned(), r.previous.year.to_string(), r.report.year.to_string()];
        for (c, h) in heads.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold).map_err(xerr)?;
        }
        for (i, c) in r.comparison.iter().enumerate() {
            let n = i as u32 + 1;
            ws.write_string(n, 0, &c.label).map_err(xerr)?;
            ws.write_number(n, 1, c.last_year as f64).map_err(xerr)?;
            ws.write_number(n, 2, c.this_year as f64).map_err(xerr)?;
        }
        let n = r.comparison.len() as u32 + 1;
        ws.write_string_with_format(n, 0, &t.total, &bold).map_err(xerr)?;
        ws.write_number_with_format(n, 1, r.previous.total.activities as f64, &bold).map_err(xerr)?;
        ws.write_number_with_format(n, 2, r.report.total.activities as f64, &bold).map_err(xerr)?;
        ws.set_column_width(0, 32).map_err(xerr)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(&t.targets).map_err(xerr)?;
        for (c, h) in t.target_cols.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold).map_err(xerr)?;
        }
        for (i, g) in r.targets.iter().enumerate() {
            let n = i as u32 + 1;
            ws.write_string(n, 0, &g.name).map_err(xerr)?;
            ws.write_string(n, 1, (t.word)(&format!("metric.{}", g.metric))).map_err(xerr)?;
            ws.write_string(n, 2, format!("{} – {}", g.period_start, g.period_end)).map_err(xerr)?;
            ws.write_string(n, 3, format!("{} {}", (t.word)(&format!("direction.{}", g.direction)), g.threshold))
                .map_err(xerr)?;
            ws.write_number(n, 4, g.value as f64).map_err(xerr)?;
            ws.write_string(n, 5, (t.word)(&format!("status.{}", g.status))).map_err(xerr)?;
        }
        ws.set_column_width(0, 40).map_err(xerr)?;
        ws.set_column_range_width(1, 5, 20).map_err(xerr)?;
    }
    report_sheet(&mut wb, &t.outside, &r.report.outside.rows, &r.report.outside.total, t)?;
    wb.save_to_buffer().map_err(xerr)
}
