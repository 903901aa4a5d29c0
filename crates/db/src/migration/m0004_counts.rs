//! How many organisations each district has, kept by triggers in the same transaction as
//! every insert and delete: the unfiltered list's total without counting 200,000 rows.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("organisation_counts")
                .col(big_integer("district_id").primary_key())
                .col(big_integer("n"))
                .to_owned(),
        )
        .await?;
        let conn = m.get_connection();
        match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                conn.execute_unprepared(
                    "CREATE FUNCTION organisation_counts_keep() RETURNS trigger AS $$ BEGIN \
                     IF TG_OP = 'INSERT' THEN \
                       INSERT INTO organisation_counts (district_id, n) VALUES (NEW.district_id, 1) \
                       ON CONFLICT (district_id) DO UPDATE SET n = organisation_counts.n + 1; \
                     ELSE \
                       UPDATE organisation_counts SET n = n - 1 WHERE district_id = OLD.district_id; \
                     END IF; RETURN NULL; END; $$ LANGUAGE plpgsql",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE TRIGGER organisation_counts_keep AFTER INSERT OR DELETE ON organisations \
                     FOR EACH ROW EXECUTE FUNCTION organisation_counts_keep()",
                )
                .await?;
            }
            _ => {
                conn.execute_unprepared(
                    "CREATE TRIGGER organisation_counts_ai AFTER INSERT ON organisations BEGIN \
                     INSERT INTO organisation_counts (district_id, n) VALUES (new.district_id, 1) \
                     ON CONFLICT (district_id) DO UPDATE SET n = n + 1; END",
                )
                .await?;
                conn.execute_unprepared(
                    "CREATE TRIGGER organisation_counts_ad AFTER DELETE ON organisations BEGIN \
                     UPDATE organisation_counts SET n = n - 1 WHERE district_id = old.district_id; END",
                )
                .await?;
            }
        }
        conn.execute_unprepared(
            "INSERT INTO organisation_counts (district_id, n) SELECT district_id, COUNT(*) FROM organisations GROUP BY district_id",
        )
        .await?;
        Ok(())
    }
}
