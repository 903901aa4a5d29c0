//! Job shops become one record that a recruitment exercise and a redundancy event both use
//! (seed 000: job shops on employer premises "for recruitment and redundancy"): a job shop
//! belongs to a redundancy event, to a programme, or to both, so its event is no longer
//! required. The job shops recorded so far keep their event and every field unchanged.

use super::fk_cascade;
use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                conn.execute_unprepared(
                    "ALTER TABLE job_shops ALTER COLUMN event_id DROP NOT NULL; \
                     ALTER TABLE job_shops ADD COLUMN programme_id BIGINT NULL \
                     REFERENCES programmes (id) ON DELETE CASCADE",
                )
                .await?;
            }
            _ => {
                // SQLite cannot drop a NOT NULL: the table is rebuilt as m0009 made it, with the
                // event optional and the programme added, and keeps the same rows and ids.
                let create = Table::create()
                    .table("job_shops_new")
                    .col(big_pk_auto("id"))
                    .col(big_integer_null("event_id"))
                    .col(date("held_on"))
                    .col(string("place"))
                    .col(boolean("on_premises").default(false))
                    .col(text_null("staff"))
                    .col(integer("workers_seen"))
                    .col(text_null("services"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(integer("version"))
                    .col(big_integer_null("programme_id"))
                    .foreign_key(&mut fk_cascade("job_shops_new", "event_id", "redundancy_events"))
                    .foreign_key(&mut fk_cascade("job_shops_new", "programme_id", "programmes"))
                    .to_string(SqliteQueryBuilder);
                // One batch on one connection: a pooled connection reading an older snapshot
                // would still see the old table when renaming.
                conn.execute_unprepared(&format!(
                    "{create}; INSERT INTO job_shops_new (id, event_id, held_on, place, on_premises, staff, workers_seen, \
                     services, created_at, updated_at, version) \
                     SELECT id, event_id, held_on, place, on_premises, staff, workers_seen, services, created_at, \
                     updated_at, version FROM job_shops; \
                     DROP TABLE job_shops; \
                     ALTER TABLE job_shops_new RENAME TO job_shops; \
                     CREATE INDEX job_shops_event ON job_shops (event_id, held_on)"
                ))
                .await?;
            }
        }
        conn.execute_unprepared("CREATE INDEX job_shops_programme ON job_shops (programme_id, held_on)").await?;
        Ok(())
    }
}
