//! Indexes that hold every column the partner report reads of an activity and a request, so
//! that a year of a national data set is counted from the index alone, without visiting the
//! table rows (measured in `docs/benchmarks.md`). They lead with the same columns as the
//! indexes they replace, which therefore go.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        for sql in [
            "CREATE INDEX activities_report ON activities (district_id, start_date, organisation_id, type, created_at)",
            "DROP INDEX activities_start",
            "CREATE INDEX recruitment_requests_report ON recruitment_requests \
             (district_id, received_date, organisation_id, status, hires, created_at)",
            "DROP INDEX recruitment_requests_received",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
