//! Fast search by any part of a name at national scale: a trigram index on organisation and
//! contact names (FTS5 with the trigram tokenizer on SQLite, pg_trgm on PostgreSQL), and
//! single-column indexes for the exact-identifier arms of the search.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        for sql in [
            "CREATE INDEX organisations_ref_only ON organisations (ref)",
            "CREATE INDEX organisations_cvr_only ON organisations (cvr)",
            "CREATE INDEX organisations_p_number_only ON organisations (p_number)",
            "CREATE INDEX organisations_companies_house_only ON organisations (companies_house)",
            "CREATE INDEX contacts_email_only ON contacts (email)",
            "CREATE INDEX organisation_aliases_value_only ON organisation_aliases (value)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                for sql in [
                    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                    "CREATE INDEX organisations_name_trgm ON organisations USING gin (name_norm gin_trgm_ops)",
                    "CREATE INDEX contacts_name_trgm ON contacts USING gin (name_norm gin_trgm_ops)",
                ] {
                    conn.execute_unprepared(sql).await?;
                }
            }
            _ => {
                for (table, fts) in [("organisations", "organisations_fts"), ("contacts", "contacts_fts")] {
                    conn.execute_unprepared(&format!(
                        "CREATE VIRTUAL TABLE {fts} USING fts5(name_norm, content='{table}', content_rowid='id', tokenize='trigram')"
                    ))
                    .await?;
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN \
                         INSERT INTO {fts}(rowid, name_norm) VALUES (new.id, new.name_norm); END"
                    ))
                    .await?;
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN \
                         INSERT INTO {fts}({fts}, rowid, name_norm) VALUES ('delete', old.id, old.name_norm); END"
                    ))
                    .await?;
                    conn.execute_unprepared(&format!(
                        "CREATE TRIGGER {fts}_au AFTER UPDATE OF name_norm ON {table} BEGIN \
                         INSERT INTO {fts}({fts}, rowid, name_norm) VALUES ('delete', old.id, old.name_norm); \
                         INSERT INTO {fts}(rowid, name_norm) VALUES (new.id, new.name_norm); END"
                    ))
                    .await?;
                    conn.execute_unprepared(&format!("INSERT INTO {fts}({fts}) VALUES ('rebuild')")).await?;
                }
            }
        }
        Ok(())
    }
}
