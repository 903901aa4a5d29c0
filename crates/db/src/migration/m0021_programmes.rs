//! Programmes and the money behind them (seeds 000, 001, 003): recruitment exercises, sector
//! initiatives, routeways, courses, innovation projects and job rotation projects with their
//! organisations and roles, targets, and participation records (pseudonymous references) from
//! which every output is counted; budget lines per programme or for the secretariat, funded
//! from a source, with spend in minor units so that budget minus spend is exact.

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
                .table("programmes")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("kind"))
                .col(string("name"))
                .col(text_null("description"))
                .col(date("start_date"))
                .col(date_null("end_date"))
                // Codes separated by `;`, in the vocabulary's order.
                .col(string("target_groups"))
                .col(integer_null("target_referrals"))
                .col(integer_null("target_starts"))
                .col(integer_null("target_completions"))
                .col(integer_null("target_job_entries"))
                .col(integer_null("target_sustained_jobs"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("programmes", "district_id", "districts"))
                .foreign_key(&mut fk("programmes", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX programmes_district ON programmes (district_id, start_date)").await?;
        m.create_table(
            Table::create()
                .table("programme_partners")
                .col(big_pk_auto("id"))
                .col(big_integer("programme_id"))
                .col(big_integer("organisation_id"))
                .col(string("role"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk_cascade("programme_partners", "programme_id", "programmes"))
                .foreign_key(&mut fk("programme_partners", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX programme_partners_role ON programme_partners (programme_id, organisation_id, role)",
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX programme_partners_org ON programme_partners (organisation_id)").await?;
        m.create_table(
            Table::create()
                .table("programme_participants")
                .col(big_pk_auto("id"))
                .col(big_integer("programme_id"))
                // The case system's pseudonymous reference; never a name or an identity number.
                .col(string("citizen_ref"))
                // The programme's own eligibility flag: the one target group it counts them under.
                .col(string_null("target_group"))
                .col(date("referred_on"))
                .col(date_null("started_on"))
                .col(date_null("completed_on"))
                .col(date_null("job_on"))
                .col(date_null("sustained_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk_cascade("programme_participants", "programme_id", "programmes"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX programme_participants_ref ON programme_participants (programme_id, citizen_ref)",
        )
        .await?;
        m.create_table(
            Table::create()
                .table("budget_lines")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                // None: a line of the secretariat's own budget.
                .col(big_integer_null("programme_id"))
                .col(string("funding_source"))
                .col(string("name"))
                .col(integer("year"))
                .col(big_integer("amount_minor"))
                .col(boolean("closed"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("budget_lines", "district_id", "districts"))
                .foreign_key(&mut fk_cascade("budget_lines", "programme_id", "programmes"))
                .foreign_key(&mut fk("budget_lines", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX budget_lines_programme ON budget_lines (programme_id)").await?;
        conn.execute_unprepared("CREATE INDEX budget_lines_district ON budget_lines (district_id, year)").await?;
        m.create_table(
            Table::create()
                .table("budget_spend")
                .col(big_pk_auto("id"))
                .col(big_integer("line_id"))
                .col(date("spent_on"))
                .col(big_integer("amount_minor"))
                .col(string("description"))
                .col(big_integer_null("activity_id"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk_cascade("budget_spend", "line_id", "budget_lines"))
                .foreign_key(&mut fk("budget_spend", "activity_id", "activities"))
                .foreign_key(&mut fk("budget_spend", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX budget_spend_line ON budget_spend (line_id, spent_on)").await?;
        Ok(())
    }
}
