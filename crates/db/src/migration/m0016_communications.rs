//! The secretariat's own outreach: each LinkedIn post, press story, website news item or
//! newsletter of a district, with its date, title, link and reach, and the organisations from
//! the directory it features.

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
                .table("communications")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("channel"))
                .col(date("published_on"))
                .col(string("title"))
                .col(text_null("url"))
                .col(big_integer_null("reach"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("communications", "district_id", "districts"))
                .foreign_key(&mut fk("communications", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX communications_district ON communications (district_id, published_on)")
            .await?;
        m.create_table(
            Table::create()
                .table("communication_organisations")
                .col(big_pk_auto("id"))
                .col(big_integer("communication_id"))
                .col(big_integer("organisation_id"))
                .foreign_key(&mut fk_cascade("communication_organisations", "communication_id", "communications"))
                .foreign_key(&mut fk("communication_organisations", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX communication_organisations_pair \
             ON communication_organisations (communication_id, organisation_id)",
        )
        .await?;
        conn.execute_unprepared(
            "CREATE INDEX communication_organisations_org ON communication_organisations (organisation_id)",
        )
        .await?;
        Ok(())
    }
}
