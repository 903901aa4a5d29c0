//! The storage side of the bulk import of activities and recruitment requests (the use case
//! is `accord_app::bulk`): the district's organisations and existing records loaded into
//! memory as keys and fingerprints, new rows written in multi-row `INSERT`s through one
//! prepared statement per batch size, changed rows updated one by one with their earlier values
//! kept in `import_changes`, the roll-back of an import, and the export in the import's
//! columns. Every statement here is portable to SQLite and PostgreSQL.

use crate::entities::{import, import_change, organisation, organisation_alias};
use crate::scope::{self, Scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Statement, Value,
};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

/// Rows per multi-row `INSERT` (below SQLite's 32,766 bound parameters).
const BATCH: usize = 1_000;

/// The two tables a bulk import fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Activities,
    RecruitmentRequests,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Activities => "activities",
            Table::RecruitmentRequests => "recruitment_requests",
        }
    }

    /// The stored columns a file fills, in the order of a row's cells.
    pub fn columns(self) -> &'static [Col] {
        match self {
            Table::Activities => ACTIVITY_COLS,
            Table::RecruitmentRequests => REQUEST_COLS,
        }
    }
}

/// A value as stored, compared and written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cell {
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
pub enum Ty {
    Text,
    Int,
    Id,
    Date,
}

/// A stored column the file fills, and the file column it comes from.
pub struct Col {
    pub db: &'static str,
    /// The file's column.
    pub file: &'static str,
    pub ty: Ty,
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

/// Finds an organisation of the district as `accord_db::directory::match_organisations`
/// does: by ref, then by P-number, CVR or Companies House number (the last two not for
/// sites), then by a merged record's identifier, then by a part of its name.
pub struct Resolver {
    by_ref: HashMap<String, i64>,
    /// Lower-cased names, for a file that names organisations rather than giving a ref.
    names: Vec<(String, i64)>,
    by_number: HashMap<String, i64>,
    by_alias: HashMap<String, i64>,
    account_manager: HashMap<i64, i64>,
}

impl Resolver {
    /// The organisations of one district (checked by the use case against the actor's scope).
    pub async fn load<C: ConnectionTrait>(c: &C, district_id: i64) -> Result<Resolver, DbErr> {
        type Row = (i64, String, Option<String>, Option<String>, Option<String>, String, Option<i64>, String);
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
                organisation::Column::NameNorm,
            ])
            .filter(organisation::Column::DistrictId.eq(district_id))
            .order_by_asc(organisation::Column::Id)
            .into_tuple()
            .all(c)
            .await?;
        let mut r = Resolver {
            by_ref: HashMap::with_capacity(rows.len()),
            names: Vec::with_capacity(rows.len()),
            by_number: HashMap::with_capacity(rows.len()),
            by_alias: HashMap::new(),
            account_manager: HashMap::new(),
        };
        for (id, rf, cvr, p, ch, level, am, name) in rows {
            r.by_ref.insert(rf, id);
            r.names.push((name, id));
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

    /// The organisations a file's `organisation_ref` names: the one its identifier names, or
    /// else how many have a name containing it and the first of them (by id).
    pub fn find(&self, value: &str) -> (usize, Option<i64>) {
        let v = value.trim();
        if v.is_empty() {
            return (0, None);
        }
        if let Some(id) = self.by_ref.get(v) {
            return (1, Some(*id));
        }
        let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        if let Some(id) =
            self.by_number.get(&compact).or_else(|| self.by_alias.get(v)).or_else(|| self.by_alias.get(&compact))
        {
            return (1, Some(*id));
        }
        let fragment = crate::search::without_controls(v).to_lowercase().replace(['%', '_', '\\'], "");
        if fragment.chars().count() < crate::directory::NAME_PART_MIN {
            return (0, None);
        }
        let mut hits = self.names.iter().filter(|(name, _)| name.contains(fragment.as_str()));
        let first = hits.next().map(|(_, id)| *id);
        (first.map_or(0, |_| 1 + hits.count()), first)
    }

    /// The account manager of an organisation, whom a new record gets.
    pub fn account_manager(&self, organisation_id: i64) -> Option<i64> {
        self.account_manager.get(&organisation_id).copied()
    }
}

/// Hashes with two independent keys: a 128-bit key for `source_id`s, and a 64-bit fingerprint
/// for a record's values.
pub struct Keys(RandomState, RandomState);

impl Default for Keys {
    fn default() -> Self {
        Keys(RandomState::new(), RandomState::new())
    }
}

impl Keys {
    /// Two 64-bit halves rather than a `u128`, whose 16-byte alignment would pad every map
    /// entry.
    pub fn source(&self, s: &str) -> (u64, u64) {
        (self.0.hash_one(s), self.1.hash_one(s))
    }

    /// The fingerprint of the values in the columns the file has.
    pub fn fingerprint(&self, cells: &[Cell], present: &[bool]) -> u64 {
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

/// A stored record as the import compares it.
pub struct Existing {
    pub id: i64,
    pub version: i32,
    pub fingerprint: u64,
}

fn cell_from(row: &sea_orm::QueryResult, i: usize, ty: Ty) -> Result<Cell, DbErr> {
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

/// The records of one district (checked by the use case) in the table, by the key of their
/// `source_id`, with the fingerprint of the columns the file has (`present`).
pub async fn existing<C: ConnectionTrait>(
    c: &C,
    table: Table,
    district_id: i64,
    keys: &Keys,
    present: &[bool],
) -> Result<HashMap<(u64, u64), Existing>, DbErr> {
    let (table, cols) = (table.name(), table.columns());
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
            .ok_or(DbErr::RecordNotFound(table.to_owned()))?;
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

/// One checked row: its `source_id`, its values in the order of the table's columns (with
/// the defaults for columns the file lacks), and the account manager a new record gets.
pub struct Row {
    pub source_id: String,
    pub cells: Vec<Cell>,
    pub account_manager: Option<i64>,
}

/// Writes new rows in multi-row `INSERT`s through one statement per batch size.
pub struct Inserter {
    backend: DbBackend,
    table: &'static str,
    cols: &'static [Col],
    district_id: i64,
    import_id: Option<i64>,
    now: DateTime<Utc>,
    pending: Vec<Row>,
    sql: HashMap<usize, String>,
}

impl Inserter {
    /// Rows for one district's table, recorded as written by the import `import_id`.
    pub fn new<C: ConnectionTrait>(
        c: &C,
        table: Table,
        district_id: i64,
        import_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Self {
        Inserter {
            backend: c.get_database_backend(),
            table: table.name(),
            cols: table.columns(),
            district_id,
            import_id,
            now,
            pending: Vec::new(),
            sql: HashMap::new(),
        }
    }

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

    pub async fn push<C: ConnectionTrait>(&mut self, c: &C, p: Row) -> Result<(), DbErr> {
        self.pending.push(p);
        if self.pending.len() >= BATCH { self.flush(c).await } else { Ok(()) }
    }

    pub async fn flush<C: ConnectionTrait>(&mut self, c: &C) -> Result<(), DbErr> {
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
pub async fn update_row<C: ConnectionTrait>(
    c: &C,
    table: Table,
    present: &[bool],
    existing: &Existing,
    p: &Row,
    import_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (table, cols) = (table.name(), table.columns());
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
        .ok_or(DbErr::RecordNotFound(table.to_owned()))?;
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

/// Before a large write on SQLite: a page cache that holds the indexes being written, for this
/// connection and this import only, so that a large transaction does not spill its pages to disk
/// and read them back. Set after the existing records are read, so that a file that changes
/// nothing does not fill it; [`end`] gives it back.
pub async fn begin<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    if c.get_database_backend() == DbBackend::Sqlite {
        c.execute_unprepared("PRAGMA cache_size = -65536").await?;
    }
    Ok(())
}

/// Gives the import's connection back its usual page cache before it returns to the pool
/// (what the cache still holds goes to the log at commit, as it would anyway).
pub async fn end<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    if c.get_database_backend() == DbBackend::Sqlite {
        c.execute_unprepared("PRAGMA cache_size = -2000").await?;
    }
    Ok(())
}

/// Records an import as it starts (its counts are set by [`finish_import`]).
pub async fn start_import<C: ConnectionTrait>(
    c: &C,
    district_id: i64,
    kind: &str,
    filename: &str,
    user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let row = import::Entity::insert(import::ActiveModel {
        district_id: Set(district_id),
        kind: Set(kind.to_owned()),
        filename: Set(filename.to_owned()),
        user_id: Set(user_id),
        rows: Set(0),
        added: Set(0),
        updated: Set(0),
        unchanged: Set(0),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await?;
    Ok(row.id)
}

/// What an import did, counted.
pub async fn finish_import<C: ConnectionTrait>(
    c: &C,
    import_id: i64,
    rows: usize,
    added: usize,
    updated: usize,
    unchanged: usize,
) -> Result<(), DbErr> {
    use sea_orm::sea_query::Expr;
    import::Entity::update_many()
        .col_expr(import::Column::Rows, Expr::value(rows as i32))
        .col_expr(import::Column::Added, Expr::value(added as i32))
        .col_expr(import::Column::Updated, Expr::value(updated as i32))
        .col_expr(import::Column::Unchanged, Expr::value(unchanged as i32))
        .filter(import::Column::Id.eq(import_id))
        .exec(c)
        .await?;
    Ok(())
}

/// The imports of the scope's districts, newest first.
pub async fn imports<C: ConnectionTrait>(c: &C, scope: &Scope, limit: u64) -> Result<Vec<import::Model>, DbErr> {
    scope::find::<import::Entity>(scope).order_by_desc(import::Column::Id).limit(limit).all(c).await
}

/// One import of the scope's districts.
pub async fn get_import<C: ConnectionTrait>(c: &C, scope: &Scope, id: i64) -> Result<Option<import::Model>, DbErr> {
    scope::find::<import::Entity>(scope).filter(import::Column::Id.eq(id)).one(c).await
}

/// The newest import of the same kind and district made after `imp` and not rolled back.
pub async fn newer_import<C: ConnectionTrait>(c: &C, imp: &import::Model) -> Result<Option<import::Model>, DbErr> {
    import::Entity::find()
        .filter(import::Column::DistrictId.eq(imp.district_id))
        .filter(import::Column::Kind.eq(imp.kind.clone()))
        .filter(import::Column::Id.gt(imp.id))
        .filter(import::Column::RolledBackAt.is_null())
        .order_by_desc(import::Column::Id)
        .one(c)
        .await
}

/// What stops an import's roll-back: the `source_id` of a record it added or changed that has
/// been changed since.
pub async fn changed_since<C: ConnectionTrait>(c: &C, table: Table, import_id: i64) -> Result<Option<String>, DbErr> {
    let backend = c.get_database_backend();
    let name = table.name();
    let p = |n| placeholder(backend, n);
    let added = c
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!("SELECT source_id FROM {name} WHERE import_id = {} AND version > 1", p(1)),
            [import_id.into()],
        ))
        .await?;
    if let Some(row) = added {
        return row.try_get_by_index(0).map(Some);
    }
    let changes = import_change::Entity::find().filter(import_change::Column::ImportId.eq(import_id)).all(c).await?;
    for ch in &changes {
        let row = c
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                format!("SELECT version, source_id FROM {name} WHERE id = {}", p(1)),
                [ch.record_id.into()],
            ))
            .await?;
        if let Some(row) = row {
            let v: i32 = row.try_get_by_index(0)?;
            if v != ch.version_after {
                return row.try_get_by_index(1).map(Some);
            }
        }
    }
    Ok(None)
}

/// Rolls an import back (the use case has checked [`changed_since`]): removes the records it
/// added, with what hangs off them, and restores those it changed to their earlier values and
/// version. Returns how many were removed and how many restored.
pub async fn roll_back<C: ConnectionTrait>(
    c: &C,
    table: Table,
    import_id: i64,
    user_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(u64, usize), DbErr> {
    let backend = c.get_database_backend();
    let (name, cols) = (table.name(), table.columns());
    let p = |n| placeholder(backend, n);
    // Other kinds of records may point at what is removed (candidates at a request): they go too.
    if table == Table::RecruitmentRequests {
        c.execute_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "DELETE FROM recruitment_candidates WHERE request_id IN (SELECT id FROM recruitment_requests WHERE import_id = {})",
                p(1)
            ),
            [import_id.into()],
        ))
        .await?;
    }
    let removed = c
        .execute_raw(Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM {name} WHERE import_id = {}", p(1)),
            [import_id.into()],
        ))
        .await?
        .rows_affected();
    let changes = import_change::Entity::find().filter(import_change::Column::ImportId.eq(import_id)).all(c).await?;
    for ch in &changes {
        let before: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&ch.before).unwrap_or_default();
        let mut sets = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        for col in cols {
            if let Some(v) = before.get(col.db) {
                let cell = match (v, col.ty) {
                    (serde_json::Value::Null, _) => Cell::Null,
                    (serde_json::Value::String(s), Ty::Date) => {
                        Cell::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| DbErr::Custom(e.to_string()))?)
                    }
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
        c.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("UPDATE {name} SET {} WHERE id = {}", sets.join(", "), p(values.len())),
            values,
        ))
        .await?;
    }
    {
        use sea_orm::sea_query::Expr;
        import::Entity::update_many()
            .col_expr(import::Column::RolledBackAt, Expr::value(now))
            .col_expr(import::Column::RolledBackBy, Expr::value(user_id))
            .filter(import::Column::Id.eq(import_id))
            .exec(c)
            .await?;
    }
    Ok((removed, changes.len()))
}

/// Every record of the table the scope covers, as text in the file's columns named by `columns`
/// (an organisation by its ref), in id order.
pub async fn export_rows<C: ConnectionTrait>(
    c: &C,
    scope: &Scope,
    table: Table,
    columns: &[&str],
) -> Result<Vec<Vec<String>>, DbErr> {
    let (table, cols) = (table.name(), table.columns());
    let backend = c.get_database_backend();
    let refs: HashMap<i64, String> = organisation::Entity::find()
        .select_only()
        .columns([organisation::Column::Id, organisation::Column::Ref])
        .filter(scope::condition(scope, organisation::Column::DistrictId))
        .into_tuple::<(i64, String)>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    let district_filter = match scope {
        Scope::All => "1 = 1".to_owned(),
        Scope::Districts(ids) if ids.is_empty() => "1 = 0".to_owned(),
        Scope::Districts(ids) => {
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
            out.push(columns.iter().map(|c| cells.remove(c).unwrap_or_default()).collect());
        }
    }
    Ok(out)
}
