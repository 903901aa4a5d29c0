//! The bulk import of activities and recruitment requests from the case system's exports:
//! a million rows in seconds, in one transaction, all or nothing, idempotent by `source_id`,
//! and recorded so that it can be rolled back.
//!
//! The file is read a row at a time. Organisations, activity types and the district's
//! existing records are loaded into memory first (existing records as a 128-bit key of their
//! `source_id` and a fingerprint of their values), so that each row costs a few hash lookups.
//! New rows are written in multi-row `INSERT`s through one prepared statement; changed rows
//! are updated one by one with their earlier values kept in `import_changes`.

use crate::activities::{self, ActivityInput, RequestInput, TypeIndex};
use crate::files::{self, TableReader};
use crate::import::kinds::{ImportReport, Kind, LineError, check_columns};
use crate::{Actor, App, AppError, Result};
use accord_db::entities::{import, import_change, organisation, organisation_alias};
use accord_db::sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Statement, Value,
};
use accord_domain::FieldErrors;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

/// At most this many problems are listed; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 5_000;
/// Rows per multi-row `INSERT` (below SQLite's 32,766 bound parameters).
const BATCH: usize = 1_000;

/// A value as stored, compared and written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Cell {
    Null,
    Text(String),
    Int(i64),
    Date(NaiveDate),
}

impl Cell {
    fn value(&self, ty: Ty) -> Value {
        match (self, ty) {
            (Cell::Text(s), _) => s.clone().into(),
            (Cell::Int(i), Ty::Int) => (*i as i32).into(),
            (Cell::Int(i), _) => (*i).into(),
            (Cell::Date(d), _) => (*d).into(),
            (Cell::Null, Ty::Text) => Value::String(None),
            (Cell::Null, Ty::Int) => Value::Int(None),
            (Cell::Null, Ty::Id) => Value::BigInt(None),
            (Cell::Null, Ty::Date) => Value::ChronoDate(None),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Text(s) => s.clone().into(),
            Cell::Int(i) => (*i).into(),
            Cell::Date(d) => d.to_string().into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Text,
    Int,
    Id,
    Date,
}

/// A stored column the file fills, and the file column it comes from.
struct Col {
    db: &'static str,
    file: &'static str,
    ty: Ty,
}

const ACTIVITY_COLS: &[Col] = &[
    Col { db: "type", file: "type", ty: Ty::Text },
    Col { db: "organisation_id", file: "organisation_ref", ty: Ty::Id },
    Col { db: "start_date", file: "start_date", ty: Ty::Date },
    Col { db: "end_date", file: "end_date", ty: Ty::Date },
    Col { db: "citizen_ref", file: "citizen_ref", ty: Ty::Text },
    Col { db: "outcome", file: "outcome", ty: Ty::Text },
];

const REQUEST_COLS: &[Col] = &[
    Col { db: "organisation_id", file: "organisation_ref", ty: Ty::Id },
    Col { db: "title", file: "title", ty: Ty::Text },
    Col { db: "occupation", file: "occupation", ty: Ty::Text },
    Col { db: "positions", file: "positions", ty: Ty::Int },
    Col { db: "received_date", file: "received_date", ty: Ty::Date },
    Col { db: "deadline", file: "deadline", ty: Ty::Date },
    Col { db: "status", file: "status", ty: Ty::Text },
    Col { db: "hires", file: "hires", ty: Ty::Int },
];

fn spec(kind: Kind) -> (&'static str, &'static [Col]) {
    match kind {
        Kind::RecruitmentRequests => ("recruitment_requests", REQUEST_COLS),
        _ => ("activities", ACTIVITY_COLS),
    }
}

/// Finds an organisation of the district as `accord_db::directory::resolve_ref` does: by
/// ref, then by P-number, CVR or Companies House number (the last two not for sites), then by
/// a merged record's identifier.
struct Resolver {
    by_ref: HashMap<String, i64>,
    by_number: HashMap<String, i64>,
    by_alias: HashMap<String, i64>,
    account_manager: HashMap<i64, i64>,
}

impl Resolver {
    async fn load<C: ConnectionTrait>(c: &C, district_id: i64) -> Result<Resolver> {
        type Row = (i64, String, Option<String>, Option<String>, Option<String>, String, Option<i64>);
        let rows: Vec<Row> = organisation::Entity::find()
            .select_only()
            .columns([
                organisation::Column::Id,
                organisation::Column::Ref,
                organisation::Column::Cvr,
                organisation::Column::PNumber,
                organisation::Column::CompaniesHouse,
                organisation::Column::Level,
                organisation::Column::AccountManagerId,
            ])
            .filter(organisation::Column::DistrictId.eq(district_id))
            .order_by_asc(organisation::Column::Id)
            .into_tuple()
            .all(c)
            .await?;
        let mut r = Resolver {
            by_ref: HashMap::with_capacity(rows.len()),
            by_number: HashMap::with_capacity(rows.len()),
            by_alias: HashMap::new(),
            account_manager: HashMap::new(),
        };
        for (id, rf, cvr, p, ch, level, am) in rows {
            r.by_ref.insert(rf, id);
            if let Some(p) = p {
                r.by_number.entry(p).or_insert(id);
            }
            if level != "site" {
                for n in [cvr, ch].into_iter().flatten() {
                    r.by_number.entry(n).or_insert(id);
                }
            }
            if let Some(am) = am {
                r.account_manager.insert(id, am);
            }
        }
        let aliases: Vec<(i64, String)> = organisation_alias::Entity::find()
            .select_only()
            .columns([organisation_alias::Column::OrganisationId, organisation_alias::Column::Value])
            .filter(organisation_alias::Column::DistrictId.eq(district_id))
            .into_tuple()
            .all(c)
            .await?;
        for (id, v) in aliases {
            r.by_alias.entry(v).or_insert(id);
        }
        Ok(r)
    }

    fn find(&self, value: &str) -> Option<i64> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        if let Some(id) = self.by_ref.get(v) {
            return Some(*id);
        }
        let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        self.by_number.get(&compact).or_else(|| self.by_alias.get(v)).or_else(|| self.by_alias.get(&compact)).copied()
    }
}

/// Hashes with two independent keys: a 128-bit key for `source_id`s, and a 64-bit fingerprint
/// for a record's values.
struct Keys(RandomState, RandomState);

impl Keys {
    /// Two 64-bit halves rather than a `u128`, whose 16-byte alignment would pad every map
    /// entry.
    fn source(&self, s: &str) -> (u64, u64) {
        (self.0.hash_one(s), self.1.hash_one(s))
    }

    /// The fingerprint of the values in the columns the file has.
    fn fingerprint(&self, cells: &[Cell], present: &[bool]) -> u64 {
        let mut h = self.0.build_hasher();
        for (cell, p) in cells.iter().zip(present) {
            if *p {
                cell.hash(&mut h);
            } else {
                0xABu8.hash(&mut h);
            }
        }
        h.finish()
    }
}

struct Existing {
    id: i64,
    version: i32,
    fingerprint: u64,
}

fn cell_from(row: &accord_db::sea_orm::QueryResult, i: usize, ty: Ty) -> Result<Cell> {
    Ok(match ty {
        Ty::Text => row.try_get_by_index::<Option<String>>(i)?.map(Cell::Text).unwrap_or(Cell::Null),
        Ty::Int => row.try_get_by_index::<Option<i32>>(i)?.map(|v| Cell::Int(v.into())).unwrap_or(Cell::Null),
        Ty::Id => row.try_get_by_index::<Option<i64>>(i)?.map(Cell::Int).unwrap_or(Cell::Null),
        Ty::Date => row.try_get_by_index::<Option<NaiveDate>>(i)?.map(Cell::Date).unwrap_or(Cell::Null),
    })
}

fn placeholder(backend: DbBackend, n: usize) -> String {
    if backend == DbBackend::Postgres { format!("${n}") } else { "?".to_owned() }
}

/// The district's records of this kind, by the key of their `source_id`.
async fn load_existing<C: ConnectionTrait>(
    c: &C,
    kind: Kind,
    district_id: i64,
    keys: &Keys,
    present: &[bool],
) -> Result<HashMap<(u64, u64), Existing>> {
    let (table, cols) = spec(kind);
    let backend = c.get_database_backend();
    let names: Vec<&str> = cols.iter().map(|c| c.db).collect();
    let (n,): (i64,) = {
        let row = c
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!("SELECT COUNT(*) FROM {table} WHERE district_id = {}", placeholder(backend, 1)),
                [district_id.into()],
            ))
            .await?
            .ok_or(AppError::NotFound)?;
        (row.try_get_by_index(0)?,)
    };
    let mut out = HashMap::with_capacity(n as usize);
    let mut after = 0i64;
    loop {
        let sql = format!(
            "SELECT id, source_id, version, {} FROM {table} WHERE district_id = {} AND id > {} ORDER BY id LIMIT 10000",
            names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", "),
            placeholder(backend, 1),
            placeholder(backend, 2)
        );
        let rows =
            c.query_all_raw(Statement::from_sql_and_values(backend, sql, [district_id.into(), after.into()])).await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let id: i64 = row.try_get_by_index(0)?;
            let source: String = row.try_get_by_index(1)?;
            let version: i32 = row.try_get_by_index(2)?;
            let mut cells = Vec::with_capacity(cols.len());
            for (i, col) in cols.iter().enumerate() {
                cells.push(cell_from(row, i + 3, col.ty)?);
            }
            out.insert(keys.source(&source), Existing { id, version, fingerprint: keys.fingerprint(&cells, present) });
            after = id;
        }
    }
    Ok(out)
}

/// One checked row: its `source_id`, its values in the order of the kind's columns (with
/// the defaults for columns the file lacks), and the account manager a new record gets.
struct Parsed {
    source_id: String,
    cells: Vec<Cell>,
    account_manager: Option<i64>,
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
) -> Option<Parsed> {
    let org_ref = get("organisation_ref");
    let org = if org_ref.trim().is_empty() {
        errors.add("organisation_ref", "field.required", None);
        None
    } else {
        let found = orgs.find(&org_ref);
        if found.is_none() {
            errors.add("organisation_ref", "org.unknown", Some(org_ref.trim()));
        }
        found
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
            Parsed {
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
                account_manager: orgs.account_manager.get(&org).copied(),
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
            Parsed {
                source_id: f.source_id.unwrap_or_default(),
                cells: vec![
                    Cell::Text(f.r#type),
                    Cell::Int(org),
                    Cell::Date(f.start_date),
                    date(f.end_date),
                    text(f.citizen_ref),
                    Cell::Text(f.outcome.as_str().to_owned()),
                ],
                account_manager: orgs.account_manager.get(&org).copied(),
            }
        }
    };
    Some(parsed)
}

/// Writes new rows in multi-row `INSERT`s through one statement per batch size.
struct Inserter {
    backend: DbBackend,
    table: &'static str,
    cols: &'static [Col],
    district_id: i64,
    import_id: Option<i64>,
    now: DateTime<Utc>,
    pending: Vec<Parsed>,
    sql: HashMap<usize, String>,
}

impl Inserter {
    const EXTRA: [&'static str; 7] =
        ["district_id", "source_id", "account_manager_id", "source", "import_id", "created_at", "updated_at"];

    fn sql(&mut self, rows: usize) -> String {
        let width = self.cols.len() + Self::EXTRA.len() + 1;
        let (backend, table, cols) = (self.backend, self.table, self.cols);
        self.sql
            .entry(rows)
            .or_insert_with(|| {
                let names: Vec<String> = cols
                    .iter()
                    .map(|c| c.db)
                    .chain(Self::EXTRA)
                    .chain(["version"])
                    .map(|n| format!("\"{n}\""))
                    .collect();
                let mut sql = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
                for r in 0..rows {
                    if r > 0 {
                        sql.push(',');
                    }
                    sql.push('(');
                    for k in 0..width {
                        if k > 0 {
                            sql.push(',');
                        }
                        sql.push_str(&placeholder(backend, r * width + k + 1));
                    }
                    sql.push(')');
                }
                sql
            })
            .clone()
    }

    async fn push<C: ConnectionTrait>(&mut self, c: &C, p: Parsed) -> Result<()> {
        self.pending.push(p);
        if self.pending.len() >= BATCH { self.flush(c).await } else { Ok(()) }
    }

    async fn flush<C: ConnectionTrait>(&mut self, c: &C) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        let sql = self.sql(rows.len());
        let mut values: Vec<Value> = Vec::with_capacity(rows.len() * (self.cols.len() + Self::EXTRA.len() + 1));
        for p in rows {
            for (cell, col) in p.cells.iter().zip(self.cols) {
                values.push(cell.value(col.ty));
            }
            values.push(self.district_id.into());
            values.push(p.source_id.into());
            values.push(Value::BigInt(p.account_manager));
            values.push("import".into());
            values.push(Value::BigInt(self.import_id));
            values.push(self.now.into());
            values.push(self.now.into());
            values.push(1i32.into());
        }
        c.execute_raw(Statement::from_sql_and_values(self.backend, sql, values)).await?;
        Ok(())
    }
}

/// Changes one stored record to the file's values, keeping what it was before.
async fn update_row<C: ConnectionTrait>(
    c: &C,
    kind: Kind,
    present: &[bool],
    existing: &Existing,
    p: &Parsed,
    import_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let (table, cols) = spec(kind);
    let backend = c.get_database_backend();
    let used: Vec<usize> = (0..cols.len()).filter(|i| present[*i]).collect();
    let select = format!(
        "SELECT {} FROM {table} WHERE id = {}",
        used.iter().map(|i| format!("\"{}\"", cols[*i].db)).collect::<Vec<_>>().join(", "),
        placeholder(backend, 1)
    );
    let before_row = c
        .query_one_raw(Statement::from_sql_and_values(backend, select, [existing.id.into()]))
        .await?
        .ok_or(AppError::NotFound)?;
    let mut before = serde_json::Map::new();
    for (k, i) in used.iter().enumerate() {
        before.insert(cols[*i].db.to_owned(), cell_from(&before_row, k, cols[*i].ty)?.json());
    }
    let mut sets = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    for i in &used {
        values.push(p.cells[*i].value(cols[*i].ty));
        sets.push(format!("\"{}\" = {}", cols[*i].db, placeholder(backend, values.len())));
    }
    values.push(now.into());
    sets.push(format!("updated_at = {}", placeholder(backend, values.len())));
    values.push(existing.id.into());
    let sql = format!(
        "UPDATE {table} SET {}, version = version + 1 WHERE id = {}",
        sets.join(", "),
        placeholder(backend, values.len())
    );
    c.execute_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    if let Some(import_id) = import_id {
        import_change::Entity::insert(import_change::ActiveModel {
            import_id: Set(import_id),
            record_id: Set(existing.id),
            before: Set(serde_json::Value::Object(before).to_string()),
            version_after: Set(existing.version + 1),
            ..Default::default()
        })
        .exec_without_returning(c)
        .await?;
    }
    Ok(())
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
    let header = reader.header.clone();
    if let Some(r) = check_columns(kind, &header) {
        return Ok(r);
    }
    let (table, cols) = spec(kind);
    let col_index: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();
    let present: Vec<bool> = cols.iter().map(|c| col_index.contains_key(c.file)).collect();
    let keys = Keys(RandomState::new(), RandomState::new());
    let now = Utc::now();
    let txn = app.db.write().await?;
    let sqlite = txn.get_database_backend() == DbBackend::Sqlite;
    let types = TypeIndex::load(&txn).await?;
    let orgs = Resolver::load(&txn, district_id).await?;
    let existing = load_existing(&txn, kind, district_id, &keys, &present).await?;
    if sqlite {
        // A large transaction must not spill its pages to disk and read them back: a page cache
        // that holds the indexes being written, for this connection and this import only. Set
        // after the existing records are read, so that a file that changes nothing does not
        // fill it.
        txn.execute_unprepared("PRAGMA cache_size = -65536").await?;
    }
    let import_id = if dry_run {
        None
    } else {
        let row = import::Entity::insert(import::ActiveModel {
            district_id: Set(district_id),
            kind: Set(kind.as_str().to_owned()),
            filename: Set(clean_name(filename)),
            user_id: Set(actor.user_id),
            rows: Set(0),
            added: Set(0),
            updated: Set(0),
            unchanged: Set(0),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        Some(row.id)
    };
    let mut inserter = Inserter {
        backend: txn.get_database_backend(),
        table,
        cols,
        district_id,
        import_id,
        now,
        pending: Vec::new(),
        sql: HashMap::new(),
    };
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
                .map(|s| files::unneutralise(s.trim()).to_owned())
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
                update_row(&txn, kind, &present, e, &p, import_id, now).await?;
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
        restore_cache(&txn, sqlite).await?;
        txn.rollback().await?;
        return Ok(report);
    }
    inserter.flush(&txn).await?;
    let import_id = import_id.expect("not a dry run");
    import::Entity::update_many()
        .col_expr(import::Column::Rows, accord_db::sea_orm::sea_query::Expr::value(report.rows as i32))
        .col_expr(import::Column::Added, accord_db::sea_orm::sea_query::Expr::value(report.added as i32))
        .col_expr(import::Column::Updated, accord_db::sea_orm::sea_query::Expr::value(report.updated as i32))
        .col_expr(import::Column::Unchanged, accord_db::sea_orm::sea_query::Expr::value(report.unchanged as i32))
        .filter(import::Column::Id.eq(import_id))
        .exec(&txn)
        .await?;
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
    restore_cache(&txn, sqlite).await?;
    txn.commit().await?;
    report.import_id = Some(import_id);
    if report.added + report.updated > 10_000 {
        app.db.analyze_table(table).await?;
    }
    Ok(report)
}

/// Gives the import's connection back its usual page cache before it returns to the pool
/// (what the cache still holds goes to the log at commit, as it would anyway).
async fn restore_cache<C: ConnectionTrait>(c: &C, sqlite: bool) -> Result<()> {
    if sqlite {
        c.execute_unprepared("PRAGMA cache_size = -2000").await?;
    }
    Ok(())
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
    let rows = accord_db::scope::find::<import::Entity>(&actor.scope())
        .order_by_desc(import::Column::Id)
        .limit(limit)
        .all(c)
        .await?;
    let districts = accord_db::users::list_districts(c, &accord_db::Scope::All).await?;
    let user_ids: Vec<i64> = rows.iter().filter_map(|r| r.user_id).collect();
    let users = if user_ids.is_empty() {
        vec![]
    } else {
        accord_db::entities::user::Entity::find()
            .filter(accord_db::entities::user::Column::Id.is_in(user_ids))
            .all(c)
            .await?
    };
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
            user_name: r.user_id.and_then(|u| users.iter().find(|x| x.id == u)).map(|u| u.name.clone()),
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
    let imp = accord_db::scope::find::<import::Entity>(&actor.scope())
        .filter(import::Column::Id.eq(import_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = Kind::parse(&imp.kind).map_err(|_| AppError::NotFound)?;
    if imp.rolled_back_at.is_some() {
        return Err(AppError::field("import", "import.already_rolled_back", Some(&imp.filename)));
    }
    let newer = import::Entity::find()
        .filter(import::Column::DistrictId.eq(imp.district_id))
        .filter(import::Column::Kind.eq(imp.kind.clone()))
        .filter(import::Column::Id.gt(imp.id))
        .filter(import::Column::RolledBackAt.is_null())
        .order_by_desc(import::Column::Id)
        .one(&txn)
        .await?;
    if let Some(n) = newer {
        return Err(AppError::field("import", "import.newer_exists", Some(&n.filename)));
    }
    let (table, cols) = spec(kind);
    let backend = txn.get_database_backend();
    let p = |n| placeholder(backend, n);
    // Records added by the import and changed since cannot be removed silently.
    let changed = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!("SELECT source_id FROM {table} WHERE import_id = {} AND version > 1", p(1)),
            [import_id.into()],
        ))
        .await?;
    let mut errors = FieldErrors::new();
    if let Some(row) = changed {
        let s: String = row.try_get_by_index(0)?;
        errors.add("import", "import.changed_since", Some(&s));
    }
    let changes = import_change::Entity::find().filter(import_change::Column::ImportId.eq(import_id)).all(&txn).await?;
    for ch in &changes {
        let row = txn
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!("SELECT version, source_id FROM {table} WHERE id = {}", p(1)),
                [ch.record_id.into()],
            ))
            .await?;
        if let Some(row) = row {
            let v: i32 = row.try_get_by_index(0)?;
            if v != ch.version_after {
                let s: String = row.try_get_by_index(1)?;
                errors.add("import", "import.changed_since", Some(&s));
                break;
            }
        }
    }
    errors.into_result()?;
    // Other kinds of records may point at what is removed (candidates at a request): they go too.
    if kind == Kind::RecruitmentRequests {
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "DELETE FROM recruitment_candidates WHERE request_id IN (SELECT id FROM recruitment_requests WHERE import_id = {})",
                p(1)
            ),
            [import_id.into()],
        ))
        .await?;
    }
    let removed = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM {table} WHERE import_id = {}", p(1)),
            [import_id.into()],
        ))
        .await?
        .rows_affected();
    for ch in &changes {
        let before: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&ch.before).unwrap_or_default();
        let mut sets = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        for col in cols {
            if let Some(v) = before.get(col.db) {
                let cell = match (v, col.ty) {
                    (serde_json::Value::Null, _) => Cell::Null,
                    (serde_json::Value::String(s), Ty::Date) => Cell::Date(
                        NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| AppError::Internal(e.to_string()))?,
                    ),
                    (serde_json::Value::String(s), _) => Cell::Text(s.clone()),
                    (serde_json::Value::Number(n), _) => Cell::Int(n.as_i64().unwrap_or_default()),
                    _ => Cell::Null,
                };
                values.push(cell.value(col.ty));
                sets.push(format!("\"{}\" = {}", col.db, p(values.len())));
            }
        }
        values.push(now.into());
        sets.push(format!("updated_at = {}", p(values.len())));
        // Back to the version it had: whoever read it before the import may save again.
        values.push((ch.version_after - 1).into());
        sets.push(format!("version = {}", p(values.len())));
        values.push(ch.record_id.into());
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("UPDATE {table} SET {} WHERE id = {}", sets.join(", "), p(values.len())),
            values,
        ))
        .await?;
    }
    import::Entity::update_many()
        .col_expr(import::Column::RolledBackAt, accord_db::sea_orm::sea_query::Expr::value(now))
        .col_expr(import::Column::RolledBackBy, accord_db::sea_orm::sea_query::Expr::value(actor.user_id))
        .filter(import::Column::Id.eq(import_id))
        .exec(&txn)
        .await?;
    let mut e = actor.audit("roll_back", kind.as_str(), Some(import_id.to_string()));
    e.district_id = Some(imp.district_id);
    e.summary = Some(format!("{}: {removed} removed, {} restored", imp.filename, changes.len()));
    accord_db::audit::append(&txn, e, now).await?;
    txn.commit().await?;
    history(app, actor, 200).await?.into_iter().find(|v| v.id == import_id).ok_or(AppError::NotFound)
}

/// Every record of this kind the scope covers, in the import's own columns, in id order.
pub async fn export_rows(app: &App, scope: &accord_db::Scope, kind: Kind) -> Result<Vec<Vec<String>>> {
    let c = &app.db.conn;
    let (table, cols) = spec(kind);
    let backend = c.get_database_backend();
    let refs: HashMap<i64, String> = organisation::Entity::find()
        .select_only()
        .columns([organisation::Column::Id, organisation::Column::Ref])
        .filter(accord_db::scope::condition(scope, organisation::Column::DistrictId))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let district_filter = match scope {
        accord_db::Scope::All => "1 = 1".to_owned(),
        accord_db::Scope::Districts(ids) if ids.is_empty() => "1 = 0".to_owned(),
        accord_db::Scope::Districts(ids) => {
            format!("district_id IN ({})", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
        }
    };
    let names: Vec<String> = cols.iter().map(|c| format!("\"{}\"", c.db)).collect();
    let mut out = Vec::new();
    let mut after = 0i64;
    loop {
        let sql = format!(
            "SELECT id, source_id, {} FROM {table} WHERE {district_filter} AND id > {} ORDER BY id LIMIT 50000",
            names.join(", "),
            placeholder(backend, 1)
        );
        let rows = c.query_all_raw(Statement::from_sql_and_values(backend, sql, [after.into()])).await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            after = row.try_get_by_index(0)?;
            let mut cells: HashMap<&str, String> = HashMap::new();
            cells.insert("source_id", row.try_get_by_index::<String>(1)?);
            for (i, col) in cols.iter().enumerate() {
                let text = match cell_from(row, i + 2, col.ty)? {
                    Cell::Null => String::new(),
                    Cell::Int(id) if col.ty == Ty::Id => refs.get(&id).cloned().unwrap_or_default(),
                    Cell::Int(n) => n.to_string(),
                    Cell::Text(t) => t,
                    Cell::Date(d) => d.to_string(),
                };
                cells.insert(col.file, text);
            }
            out.push(kind.columns().iter().map(|c| cells.remove(c).unwrap_or_default()).collect());
        }
    }
    Ok(out)
}
