//! Background jobs coordinated through the database, so that several nodes on one database
//! run each job once: the schedule (`jobs`) and the history of runs (`job_runs`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("jobs")
                .col(string("name").primary_key())
                .col(timestamp_with_time_zone("next_run_at"))
                .col(string_null("locked_by"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("job_runs")
                .col(big_pk_auto("id"))
                .col(string("job"))
                .col(string("node"))
                .col(timestamp_with_time_zone("started_at"))
                .col(timestamp_with_time_zone("finished_at"))
                .col(boolean("ok"))
                .col(text("outcome"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("job_runs_job").table("job_runs").col("job").col("started_at").to_owned())
            .await
    }
}
