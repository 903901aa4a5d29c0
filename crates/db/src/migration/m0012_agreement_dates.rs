//! Indexes for the dashboard's agreement figures, which otherwise read every agreement of the
//! scope on each view: the agreements started in a period, and those due for review, are found
//! from one index that holds every column they test (so the table rows are not visited), and
//! those terminated in a period from their termination date (measured in `docs/benchmarks.md`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        for sql in [
            "CREATE INDEX agreements_dates ON agreements \
             (district_id, start_date, status, kind, end_date, review_on, terminated_on)",
            "CREATE INDEX agreements_terminated ON agreements (district_id, terminated_on)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
