//! Regions and national accounts (seed 002's Large Organisations Unit): districts grouped into
//! regions, users given a region (which means its districts), and the national unit's accounts
//! with national employers: the group in the directory, the national account manager, the
//! relationship's status, its place on the list of top employers the unit targets, and the
//! service level agreement's jobs target, term and exclusivity.

use super::{fk, fk_cascade};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        m.create_table(
            Table::create()
                .table("regions")
                .col(big_pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        // A district belongs to at most one region: the district is the key.
        m.create_table(
            Table::create()
                .table("region_districts")
                .col(big_integer("district_id").primary_key())
                .col(big_integer("region_id"))
                .foreign_key(&mut fk_cascade("region_districts", "region_id", "regions"))
                .foreign_key(&mut fk("region_districts", "district_id", "districts"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX region_districts_region ON region_districts (region_id)").await?;
        m.create_table(
            Table::create()
                .table("user_regions")
                .col(big_integer("user_id"))
                .col(big_integer("region_id"))
                .primary_key(Index::create().col("user_id").col("region_id"))
                .foreign_key(&mut fk_cascade("user_regions", "user_id", "users"))
                .foreign_key(&mut fk_cascade("user_regions", "region_id", "regions"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("national_accounts")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(big_integer("organisation_id"))
                .col(big_integer_null("manager_id"))
                .col(string("status"))
                .col(integer_null("target_rank"))
                .col(big_integer_null("sla_jobs_target"))
                .col(date_null("sla_start"))
                .col(date_null("sla_end"))
                .col(boolean("sla_exclusive"))
                .col(text_null("notes"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("national_accounts", "district_id", "districts"))
                .foreign_key(&mut fk("national_accounts", "organisation_id", "organisations"))
                .foreign_key(&mut fk("national_accounts", "manager_id", "users"))
                .foreign_key(&mut fk("national_accounts", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        // One account per national employer.
        conn.execute_unprepared("CREATE UNIQUE INDEX national_accounts_org ON national_accounts (organisation_id)")
            .await?;
        conn.execute_unprepared("CREATE INDEX national_accounts_district ON national_accounts (district_id)").await?;
        Ok(())
    }
}
