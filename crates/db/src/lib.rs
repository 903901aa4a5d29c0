//! Persistence: SeaORM entities, migrations and the repository functions.
//!
//! This is the only crate that knows SQL. Every query that touches district-owned records goes
//! through [`scope::Scope`], so no caller can forget which districts the asking user may see.

/// `UPDATE … SET … WHERE id = ? AND version = ?`: false when someone else saved first. A
/// version no record reaches (`i32::MAX`, sent by a client) matches nothing and is stale too,
/// rather than overflowing.
macro_rules! versioned_update {
    ($name:ident, $m:ident) => {
        pub async fn $name<C: ConnectionTrait>(
            c: &C,
            id: i64,
            version: i32,
            mut am: $m::ActiveModel,
        ) -> Result<bool, DbErr> {
            am.version = sea_orm::ActiveValue::Set(version.saturating_add(1));
            let res = $m::Entity::update_many()
                .set(am)
                .filter($m::Column::Id.eq(id))
                .filter($m::Column::Version.eq(version))
                .exec(c)
                .await?;
            Ok(res.rows_affected == 1)
        }
    };
}

pub mod activities;
pub mod activity_types;
pub mod agreements;
pub mod audit;
pub mod awards;
pub mod bulk;
pub mod communications;
pub mod directory;
pub mod entities;
pub mod events;
pub mod imports;
pub mod job_shops;
pub mod jobs;
pub mod mailings;
pub mod migration;
pub mod national;
pub mod partnerships;
pub mod programmes;
pub mod redundancy;
pub mod reports;
pub mod scope;
pub mod search;
pub mod sessions;
pub mod surveys;
pub mod tokens;
pub mod users;

/// `q` sorted by `by` one way or the other, ties by `id` the same way, so that every page of a
/// sorted list is stable. `by` is always a column or expression a list's whitelist chose.
pub(crate) fn sorted<Q: sea_orm::QueryOrder>(
    q: Q,
    by: impl sea_orm::IntoSimpleExpr,
    id: impl sea_orm::IntoSimpleExpr,
    descending: bool,
) -> Q {
    let way = if descending { sea_orm::Order::Desc } else { sea_orm::Order::Asc };
    q.order_by(by, way.clone()).order_by(id, way)
}

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::sync::Arc;
use std::time::Duration;

pub use scope::Scope;

/// The most values one `IN (…)` list carries; SQLite takes at most 32,766 parameters.
pub const IN_CHUNK: usize = 20_000;
pub use sea_orm::{self, DbErr};

/// Pool settings that operators may want to change.
#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self { max_connections: 16 }
    }
}

impl DbOptions {
    /// The pool for `url`, `max_connections` when the operator chose it. Otherwise 16 for
    /// PostgreSQL, and for SQLite twice the cores, at least 4: each SQLite connection runs its
    /// statements on a thread of its own, so connections beyond what the cores can run add
    /// threads, each with its own page cache and memory arena, and no throughput (on two
    /// cores, 4 connections served the same requests per second as 16 with 144 MB resident
    /// instead of 203 MB, docs/benchmarks.md).
    pub fn for_url(url: &str, max_connections: Option<u32>) -> DbOptions {
        let max_connections = max_connections.unwrap_or_else(|| {
            if url.starts_with("sqlite:") {
                let cores = std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(2);
                (2 * cores).clamp(4, 16)
            } else {
                DbOptions::default().max_connections
            }
        });
        DbOptions { max_connections }
    }
}

/// A handle on the database: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct Db {
    pub conn: DatabaseConnection,
    /// Turns to write: a writer waits for one before it takes a connection. On SQLite, whose
    /// writes are serial anyway, there is one; on PostgreSQL half the pool. So writers never
    /// hold every connection of the pool while one of them needs another for a read (a save
    /// reads the names for its audit row), which would leave them all waiting.
    turns: Arc<tokio::sync::Semaphore>,
}

/// A transaction that writes (see [`Db::write`]); it holds its turn to write until it is
/// committed or dropped.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: tokio::sync::OwnedSemaphorePermit,
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: sea_orm::Statement) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: sea_orm::Statement) -> Result<Option<sea_orm::QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: sea_orm::Statement) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

impl Db {
    /// Connects to `sqlite://…` or `postgres://…`. SQLite runs in WAL mode with
    /// `synchronous=FULL` (an acknowledged write survives a power cut), foreign keys on, and a
    /// busy timeout so that concurrent writers wait instead of failing.
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Db, DbErr> {
        let mut opts = ConnectOptions::new(url.to_owned());
        // Statement logging would write personal data into the logs.
        opts.sqlx_logging(false)
            .max_connections(options.max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        if url.starts_with("sqlite:") {
            if let Some(path) = sqlite_path(url)
                && let Some(parent) = std::path::Path::new(&path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)
                    .map_err(|e| DbErr::Custom(format!("cannot create the folder {}: {e}", parent.display())))?;
            }
            opts.map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(15))
                    .foreign_keys(true)
                    // Statement journals and sorts in memory: a large import's multi-row
                    // inserts would otherwise journal every page they touch to a temporary file.
                    .pragma("temp_store", "memory")
                    // Deleted rows are overwritten, not left in free pages: an erased
                    // worker's data must not survive in the file.
                    .pragma("secure_delete", "on")
                    .create_if_missing(true)
            });
        } else if !url.starts_with("postgres:") && !url.starts_with("postgresql:") {
            return Err(DbErr::Custom(format!(
                "unsupported database URL (expected sqlite:// or postgres://): {}",
                redact_url(url)
            )));
        }
        let conn = Database::connect(opts).await?;
        let turns = if url.starts_with("sqlite:") { 1 } else { (options.max_connections as usize / 2).max(1) };
        Ok(Db { conn, turns: Arc::new(tokio::sync::Semaphore::new(turns)) })
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    pub fn is_sqlite(&self) -> bool {
        self.backend() == DbBackend::Sqlite
    }

    /// Applies pending migrations. Safe to call on every start.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        migration::Migrator::up(&self.conn, None).await
    }

    /// Starts a transaction that will write, once a turn to write is free ([`Db`]). On SQLite
    /// it takes the write lock at once (`BEGIN IMMEDIATE`): this process's writers queue on
    /// their turns without holding connections, other processes' writers on the busy timeout,
    /// and none fails with "database is locked" when it upgrades a read lock.
    pub async fn write(&self) -> Result<WriteTxn, DbErr> {
        let turn = tokio::time::timeout(Duration::from_secs(30), Arc::clone(&self.turns).acquire_owned())
            .await
            .map_err(|_| DbErr::Custom("no turn to write came within 30 seconds".into()))?
            .map_err(|e| DbErr::Custom(e.to_string()))?;
        let mut options = TransactionOptions::default();
        if self.is_sqlite() {
            options.sqlite_transaction_mode = Some(SqliteTransactionMode::Immediate);
        }
        let txn = self.conn.begin_with_options(options).await?;
        Ok(WriteTxn { txn, _turn: turn })
    }

    /// Keeps the query planner's statistics current. SQLite has none until `ANALYZE` runs,
    /// and without them it may walk the district index past every row where the parent or
    /// organisation index would find a few; so the first call analyses everything and later
    /// calls let `PRAGMA optimize` decide. PostgreSQL's autovacuum does this by itself.
    pub async fn optimize(&self) -> Result<(), DbErr> {
        if !self.is_sqlite() {
            return Ok(());
        }
        let stats = self
            .conn
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'sqlite_stat1'",
            ))
            .await?
            .and_then(|r| r.try_get::<i64>("", "n").ok())
            .unwrap_or(0);
        let sql = if stats == 0 { "ANALYZE" } else { "PRAGMA optimize=0x10002" };
        self.conn.execute_unprepared(sql).await.map(|_| ())
    }

    /// Refreshes all planner statistics now (after a bulk load). On PostgreSQL also vacuums,
    /// so that counts can be answered from the indexes (the visibility map) at once rather
    /// than after autovacuum's next round.
    pub async fn analyze(&self) -> Result<(), DbErr> {
        let sql = if self.is_sqlite() { "ANALYZE" } else { "VACUUM ANALYZE" };
        self.conn.execute_unprepared(sql).await.map(|_| ())
    }

    /// Refreshes one table's planner statistics after a bulk write to it: only that table's,
    /// not the whole database's as [`Db::analyze`] does. (SQLite's `analysis_limit` would make
    /// it quicker still, but its sampled row counts per district came out 40 times too low on
    /// the national data set.) On PostgreSQL the vacuum also marks the new pages all-visible,
    /// for index-only counts.
    pub async fn analyze_table(&self, table: &str) -> Result<(), DbErr> {
        if !table.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(DbErr::Custom(format!("not a table name: {table}")));
        }
        let sql = if self.is_sqlite() { format!("ANALYZE {table}") } else { format!("VACUUM ANALYZE {table}") };
        self.conn.execute_unprepared(&sql).await.map(|_| ())
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.execute_unprepared("SELECT 1").await.map(|_| ())
    }

    /// A consistent copy of the whole database in `target` (SQLite only; PostgreSQL is
    /// backed up with `pg_dump`, see the operations guide).
    pub async fn backup_sqlite(&self, target: &str) -> Result<(), DbErr> {
        if !self.is_sqlite() {
            return Err(DbErr::Custom("backup_sqlite needs a SQLite database".into()));
        }
        let quoted = target.replace('\'', "''");
        self.conn.execute_unprepared(&format!("VACUUM INTO '{quoted}'")).await.map(|_| ())
    }
}

/// The file path inside a `sqlite://PATH?params` URL, when it names a file.
pub fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" { None } else { Some(path.to_owned()) }
}

/// The URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// True when the error is a unique-constraint violation (both backends).
pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}
