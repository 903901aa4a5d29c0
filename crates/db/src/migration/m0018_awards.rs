//! The annual award (003's "pris for det sociale engagement i en virksomhed"): one award per
//! district and year, the organisations nominated for it (by whom and why), and the decision
//! that names one of them the winner, with its reason and who took it.

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
                .table("awards")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(integer("year"))
                .col(string("name"))
                .col(date_null("decided_on"))
                .col(big_integer_null("winner_id"))
                .col(text_null("decision_reason"))
                .col(big_integer_null("decided_by"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("awards", "district_id", "districts"))
                .foreign_key(&mut fk("awards", "winner_id", "organisations"))
                .foreign_key(&mut fk("awards", "decided_by", "users"))
                .foreign_key(&mut fk("awards", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        // One award per district and year; the winner is a single column, so one per award.
        conn.execute_unprepared("CREATE UNIQUE INDEX awards_district_year ON awards (district_id, year)").await?;
        conn.execute_unprepared("CREATE INDEX awards_winner ON awards (winner_id)").await?;
        m.create_table(
            Table::create()
                .table("award_nominations")
                .col(big_pk_auto("id"))
                .col(big_integer("award_id"))
                .col(big_integer("organisation_id"))
                .col(big_integer_null("nominated_by"))
                .col(string_null("nominator"))
                .col(text("reason"))
                .col(date("nominated_on"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk_cascade("award_nominations", "award_id", "awards"))
                .foreign_key(&mut fk("award_nominations", "organisation_id", "organisations"))
                .foreign_key(&mut fk("award_nominations", "nominated_by", "users"))
                .foreign_key(&mut fk("award_nominations", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        // At most one nomination per organisation and award.
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX award_nominations_pair ON award_nominations (award_id, organisation_id)",
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX award_nominations_org ON award_nominations (organisation_id)").await?;
        Ok(())
    }
}
