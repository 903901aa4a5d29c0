//! KPI targets: what the secretariat and managers aim for over a period ("at least 300 partner
//! companies with activities in 2023–24"), shown on the dashboard and in the committee report.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("kpi_targets")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("name"))
                .col(string("metric"))
                .col(string_null("activity_type"))
                .col(string("unit").default("holder"))
                .col(date("period_start"))
                .col(date("period_end"))
                .col(big_integer("threshold"))
                .col(string("direction"))
                .col(text_null("notes"))
                .col(boolean("retired").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(ForeignKey::create().from("kpi_targets", "district_id").to("districts", "id"))
                .foreign_key(ForeignKey::create().from("kpi_targets", "activity_type").to("activity_types", "code"))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("CREATE INDEX kpi_targets_district ON kpi_targets (district_id, period_start)")
            .await?;
        Ok(())
    }
}
