//! The bulk import of activities and recruitment requests from the case system's exports:
//! a million rows in seconds, in one transaction, all or nothing, idempotent by `source_id`,
//! and recorded so that it can be rolled back.
//!
//! The file is read a row at a time and each row checked as the forms check it. Organisations
//! and the district's existing records are loaded into memory first (`accord_db::bulk`: existing
//! records as a 128-bit key of their `source_id` and a fingerprint of their values), so that each
//! row costs a few hash lookups; the storage writes new rows in multi-row `INSERT`s and keeps
//! the earlier values of changed rows.

use crate::activities::{self, ActivityInput, RequestInput, TypeIndex};
use crate::files::{self, TableReader};
use crate::import::kinds::{ImportReport, Kind, LineError, read_header};
use crate::{Actor, App, AppError, Result};
use accord_db::bulk::{self as store, Cell, Inserter, Keys, Resolver, Row, Table};
use accord_domain::FieldErrors;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// At most this many problems are listed; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 5_000;

fn table(kind: Kind) -> Table {
    match kind {
        Kind::RecruitmentRequests => Table::RecruitmentRequests,
        _ => Table::Activities,
    }
}

fn text(v: Option<String>) -> Cell {
    v.map(Cell::Text).unwrap_or(Cell::Null)
}

fn date(v: Option<NaiveDate>) -> Cell {
    v.map(Cell::Date).unwrap_or(Cell::Null)
}

fn parse_row(
    kind: Kind,
    get: &dyn Fn(&str) -> String,
    types: &TypeIndex,
    orgs: &Resolver,
    errors: &mut FieldErrors,
) -> Option<Row> {
    let org_ref = get("organisation_ref");
    let org = if org_ref.trim().is_empty() {
        errors.add("organisation_ref", "field.required", None);
        None
    } else {
        match orgs.find(&org_ref) {
            (1, found) => found,
            (0, _) => {
                errors.add("organisation_ref", "org.unknown", Some(org_ref.trim()));
                None
            }
            (total, _) => {
                let choices = accord_domain::OrgChoices { total: total as u64, orgs: vec![] };
                errors.add_choices("organisation_ref", "org.ambiguous", org_ref.trim(), choices);
                None
            }
        }
    };
    let parsed = match kind {
        Kind::RecruitmentRequests => {
            let input = RequestInput {
                source_id: get("source_id"),
                organisation_ref: org_ref.clone(),
                title: get("title"),
                occupation: get("occupation"),
                positions: get("positions"),
                received_date: get("received_date"),
                deadline: get("deadline"),
                status: get("status"),
                hires: get("hires"),
                ..Default::default()
            };
            let f = activities::check_request(&input, true, errors)?;
            let org = org?;
            Row {
                source_id: f.source_id.unwrap_or_default(),
                cells: vec![
                    Cell::Int(org),
                    Cell::Text(f.title),
                    text(f.occupation),
                    Cell::Int(f.positions.into()),
                    Cell::Date(f.received_date),
                    date(f.deadline),
                    Cell::Text(f.status.as_str().to_owned()),
                    f.hires.map(|h| Cell::Int(h.into())).unwrap_or(Cell::Null),
                ],
                account_manager: orgs.account_manager(org),
            }
        }
        _ => {
            let input = ActivityInput {
                source_id: get("source_id"),
                r#type: get("type"),
                organisation_ref: org_ref.clone(),
                start_date: get("start_date"),
                end_date: get("end_date"),
                citizen_ref: get("citizen_ref"),
                outcome: get("outcome"),
                ..Default::default()
            };
            let f = activities::check_activity(types, &input, true, errors)?;
            let org = org?;
            Row {
                source_id: f.source_id.unwrap_or_default(),
                cells: vec![
                    Cell::Text(f.r#type),
                    Cell::Int(org),
                    Cell::Date(f.start_date),
                    date(f.end_date),
                    text(f.citizen_ref),
                    Cell::Text(f.outcome.as_str().to_owned()),
                ],
                account_manager: orgs.account_manager(org),
            }
        }
    };
    Some(parsed)
}

/// Imports activities or recruitment requests. `Err` only for what stops the import as a
/// whole (permission, district, database); bad rows come back in the report, and then
/// nothing has been written. `progress` hears the number of rows read so far.
#[allow(clippy::too_many_arguments)]
pub async fn import_records(
    app: &App,
    actor: &Actor,
    kind: Kind,
    district_id: i64,
    bytes: &[u8],
    filename: &str,
    dry_run: bool,
    mut progress: impl FnMut(usize),
) -> Result<ImportReport> {
    actor.require_write()?;
    if !activities::can_record(actor) {
        return Err(AppError::Forbidden);
    }
    let mut reader = match TableReader::open(bytes) {
        Ok(r) => r,
        Err(msg) => return Ok(report_fail(0, "file", "import.unreadable", Some(&msg))),
    };
    let header = match read_header(kind, &reader.header) {
        Ok(columns) => columns,
        Err(r) => return Ok(r),
    };
    let table = table(kind);
    let cols = table.columns();
    let col_index: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();
    let present: Vec<bool> = cols.iter().map(|c| col_index.contains_key(c.file)).collect();
    let keys = Keys::default();
    let now = Utc::now();
    let txn = app.db.write().await?;
    let types = TypeIndex::load(&txn).await?;
    let orgs = Resolver::load(&txn, district_id).await?;
    let existing = store::existing(&txn, table, district_id, &keys, &present).await?;
    store::begin(&txn).await?;
    let import_id = if dry_run {
        None
    } else {
        Some(store::start_import(&txn, district_id, kind.as_str(), &clean_name(filename), actor.user_id, now).await?)
    };
    let mut inserter = Inserter::new(&txn, table, district_id, import_id, now);
    let mut report = ImportReport { dry_run, ..Default::default() };
    let mut seen: HashMap<(u64, u64), u32> = HashMap::with_capacity(existing.len());
    let mut failed = false;
    while let Some(next) = reader.next_row() {
        let (line, row) = match next {
            Ok(r) => r,
            Err(msg) => {
                let line = report.rows + 2;
                push(&mut report, line, FieldErrors::single("file", "import.unreadable", Some(&msg)));
                break;
            }
        };
        report.rows += 1;
        if report.rows.is_multiple_of(10_000) {
            progress(report.rows);
        }
        let get = |c: &str| {
            col_index
                .get(c)
                .and_then(|i| row.get(*i))
                .map(|s| kind.code_of(c, files::unneutralise(s.trim())).to_owned())
                .unwrap_or_default()
        };
        let mut errors = FieldErrors::new();
        let parsed = parse_row(kind, &get, &types, &orgs, &mut errors);
        if let Some(p) = &parsed {
            let key = keys.source(&p.source_id);
            if let Some(first) = seen.insert(key, line as u32) {
                errors.add("source_id", "import.source_repeated", Some(&format!("{} (line {first})", p.source_id)));
            }
        }
        let Some(p) = parsed.filter(|_| errors.is_empty()) else {
            push(&mut report, line, errors);
            failed = true;
            continue;
        };
        if failed || dry_run {
            // Counted only; nothing more is written once a row has failed.
            match existing.get(&keys.source(&p.source_id)) {
                None => report.added += 1,
                Some(e) if e.fingerprint == keys.fingerprint(&p.cells, &present) => report.unchanged += 1,
                Some(_) => report.updated += 1,
            }
            continue;
        }
        match existing.get(&keys.source(&p.source_id)) {
            None => {
                inserter.push(&txn, p).await?;
                report.added += 1;
            }
            Some(e) if e.fingerprint == keys.fingerprint(&p.cells, &present) => report.unchanged += 1,
            Some(e) => {
                store::update_row(&txn, table, &present, e, &p, import_id, now).await?;
                report.updated += 1;
            }
        }
    }
    progress(report.rows);
    if report.rows == 0 && report.errors.is_empty() {
        push(&mut report, 1, FieldErrors::single("file", "import.empty", None));
    }
    if !report.errors.is_empty() || report.more_errors > 0 || dry_run {
        if !dry_run {
            (report.added, report.updated, report.unchanged) = (0, 0, 0);
        }
        store::end(&txn).await?;
        txn.rollback().await?;
        return Ok(report);
    }
    inserter.flush(&txn).await?;
    let import_id = import_id.expect("not a dry run");
    store::finish_import(&txn, import_id, report.rows, report.added, report.updated, report.unchanged).await?;
    let mut e = actor.audit("import", kind.as_str(), Some(import_id.to_string()));
    e.district_id = Some(district_id);
    e.summary = Some(format!(
        "{}: {} rows: {} added, {} updated, {} unchanged",
        clean_name(filename),
        report.rows,
        report.added,
        report.updated,
        report.unchanged
    ));
    accord_db::audit::append(&txn, e, now).await?;
    store::end(&txn).await?;
    txn.commit().await?;
    report.import_id = Some(import_id);
    if report.added + report.updated > 10_000 {
        app.db.analyze_table(table.name()).await?;
    }
    Ok(report)
}

fn clean_name(filename: &str) -> String {
    crate::agreements::clean_filename(filename).unwrap_or_else(|| "file".to_owned())
}

fn report_fail(line: usize, field: &str, code: &str, value: Option<&str>) -> ImportReport {
    let mut r = ImportReport::default();
    push(&mut r, line, FieldErrors::single(field, code, value));
    r
}

fn push(report: &mut ImportReport, line: usize, errors: FieldErrors) {
    for error in errors.0 {
        if report.errors.len() < MAX_LISTED_ERRORS {
            report.errors.push(LineError { line, error });
        } else {
            report.more_errors += 1;
        }
    }
}

/// An import as its history page shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportView {
    pub id: i64,
    pub district: String,
    pub kind: String,
    pub filename: String,
    pub user_name: Option<String>,
    pub rows: i32,
    pub added: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub created_at: DateTime<Utc>,
    pub rolled_back_at: Option<DateTime<Utc>>,
    /// Whether this import can be rolled back now: the newest of its kind in its district
    /// that has not been rolled back.
    pub can_roll_back: bool,
}

/// How many imports the actor's districts have made.
pub async fn history_count(app: &App, actor: &Actor) -> Result<u64> {
    if !crate::directory::can_view(actor) {
        return Err(AppError::Forbidden);
    }
    Ok(accord_db::imports::count(&app.db.conn, &actor.scope()).await?)
}

/// The imports of activities and recruitment requests in the actor's districts, newest first.
pub async fn history(app: &App, actor: &Actor, limit: u64) -> Result<Vec<ImportView>> {
    if !crate::directory::can_view(actor) {
        return Err(AppError::Forbidden);
    }
    let c = &app.db.conn;
    let rows = store::imports(c, &actor.scope(), limit).await?;
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let users = accord_db::users::names(c, rows.iter().filter_map(|r| r.user_id).collect()).await?;
    let mut newest: HashMap<(i64, String), i64> = HashMap::new();
    for r in rows.iter().filter(|r| r.rolled_back_at.is_none()) {
        newest.entry((r.district_id, r.kind.clone())).or_insert(r.id);
    }
    let can_edit = crate::directory::can_edit(actor);
    Ok(rows
        .into_iter()
        .map(|r| ImportView {
            id: r.id,
            district: districts.iter().find(|d| d.id == r.district_id).map(|d| d.code.clone()).unwrap_or_default(),
            can_roll_back: can_edit && newest.get(&(r.district_id, r.kind.clone())) == Some(&r.id),
            user_name: r.user_id.and_then(|u| users.get(&u).cloned()),
            kind: r.kind,
            filename: r.filename,
            rows: r.rows,
            added: r.added,
            updated: r.updated,
            unchanged: r.unchanged,
            created_at: r.created_at,
            rolled_back_at: r.rolled_back_at,
        })
        .collect())
}

/// Why the import cannot be rolled back now, as the field error the roll-back itself would
/// give (already rolled back, a newer import of its kind, records changed since); `None` when
/// it can be.
pub async fn roll_back_refusal(app: &App, actor: &Actor, import_id: i64) -> Result<Option<FieldErrors>> {
    if !crate::directory::can_edit(actor) {
        return Err(AppError::Forbidden);
    }
    match roll_back_allowed(&app.db.conn, actor, import_id).await {
        Ok(_) => Ok(None),
        Err(AppError::Invalid(e)) => Ok(Some(e)),
        Err(e) => Err(e),
    }
}

/// The import and its kind when it can be rolled back; the reason as a field error when not.
async fn roll_back_allowed<C: accord_db::sea_orm::ConnectionTrait>(
    c: &C,
    actor: &Actor,
    import_id: i64,
) -> Result<(accord_db::entities::import::Model, Kind)> {
    let imp = store::get_import(c, &actor.scope(), import_id).await?.ok_or(AppError::NotFound)?;
    let kind = Kind::parse(&imp.kind).map_err(|_| AppError::NotFound)?;
    if imp.rolled_back_at.is_some() {
        return Err(AppError::field("import", "import.already_rolled_back", Some(&imp.filename)));
    }
    if let Some(n) = store::newer_import(c, &imp).await? {
        return Err(AppError::field("import", "import.newer_exists", Some(&n.filename)));
    }
    // Records added or changed by the import and changed since cannot be removed silently.
    if let Some(source_id) = store::changed_since(c, table(kind), import_id).await? {
        return Err(AppError::field("import", "import.changed_since", Some(&source_id)));
    }
    Ok((imp, kind))
}

/// Rolls back the newest import of its kind in its district: removes the records it added and
/// restores those it changed, unless someone has changed any of them since (then nothing is
/// done and the records are named).
pub async fn roll_back(app: &App, actor: &Actor, import_id: i64) -> Result<ImportView> {
    actor.require_write()?;
    if !crate::directory::can_edit(actor) {
        return Err(AppError::Forbidden);
    }
    let now = Utc::now();
    let txn = app.db.write().await?;
    let (imp, kind) = roll_back_allowed(&txn, actor, import_id).await?;
    let (removed, restored) = store::roll_back(&txn, table(kind), import_id, actor.user_id, now).await?;
    let mut e = actor.audit("roll_back", kind.as_str(), Some(import_id.to_string()));
    e.district_id = Some(imp.district_id);
    e.summary = Some(format!("{}: {removed} removed, {restored} restored", imp.filename));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    history(app, actor, 200).await?.into_iter().find(|v| v.id == import_id).ok_or(AppError::NotFound)
}

/// Every record of this kind the scope covers, in the import's own columns, in id order.
pub async fn export_rows(app: &App, scope: &accord_db::Scope, kind: Kind) -> Result<Vec<Vec<String>>> {
    Ok(store::export_rows(&app.db.conn, scope, table(kind), kind.columns()).await?)
}
