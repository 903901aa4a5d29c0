//! The employer directory: organisations in a hierarchy, their former identifiers, account
//! managers over time, contact persons and the log of every contact with them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("organisations")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("ref"))
                .col(string("name"))
                .col(string("name_norm"))
                .col(string("kind"))
                .col(string("level"))
                .col(big_integer_null("parent_id"))
                .col(string_null("cvr"))
                .col(string_null("p_number"))
                .col(string_null("companies_house"))
                .col(string_null("sector"))
                .col(string_null("size_band"))
                .col(string_null("address"))
                .col(string_null("postcode"))
                .col(string_null("ward"))
                .col(string_null("website"))
                .col(string("status"))
                .col(text_null("notes"))
                .col(big_integer_null("account_manager_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(ForeignKey::create().from("organisations", "district_id").to("districts", "id"))
                .foreign_key(ForeignKey::create().from("organisations", "parent_id").to("organisations", "id"))
                .foreign_key(ForeignKey::create().from("organisations", "account_manager_id").to("users", "id"))
                .to_owned(),
        )
        .await?;
        let conn = m.get_connection();
        // Identifiers are unique within a district. Sites share their company's CVR, so the
        // CVR is unique among groups and companies only; a site is known by its P-number.
        for sql in [
            "CREATE UNIQUE INDEX organisations_ref ON organisations (district_id, ref)",
            "CREATE UNIQUE INDEX organisations_cvr ON organisations (district_id, cvr) WHERE cvr IS NOT NULL AND level <> 'site'",
            "CREATE UNIQUE INDEX organisations_p_number ON organisations (district_id, p_number) WHERE p_number IS NOT NULL",
            "CREATE UNIQUE INDEX organisations_companies_house ON organisations (district_id, companies_house) WHERE companies_house IS NOT NULL AND level <> 'site'",
            "CREATE INDEX organisations_name ON organisations (district_id, name_norm)",
            "CREATE INDEX organisations_created ON organisations (district_id, created_at, id)",
            "CREATE INDEX organisations_parent ON organisations (parent_id)",
            "CREATE INDEX organisations_am ON organisations (account_manager_id)",
            "CREATE INDEX organisations_postcode ON organisations (district_id, postcode)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        m.create_table(
            Table::create()
                .table("organisation_aliases")
                .col(big_pk_auto("id"))
                .col(big_integer("organisation_id"))
                .col(big_integer("district_id"))
                .col(string("kind"))
                .col(string("value"))
                .col(string("merged_name"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("organisation_aliases", "organisation_id")
                        .to("organisations", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX organisation_aliases_value ON organisation_aliases (district_id, value)")
            .await?;
        conn.execute_unprepared("CREATE INDEX organisation_aliases_org ON organisation_aliases (organisation_id)")
            .await?;
        m.create_table(
            Table::create()
                .table("account_manager_periods")
                .col(big_pk_auto("id"))
                .col(big_integer("organisation_id"))
                .col(big_integer("user_id"))
                .col(timestamp_with_time_zone("from_at"))
                .col(timestamp_with_time_zone_null("to_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("account_manager_periods", "organisation_id")
                        .to("organisations", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(ForeignKey::create().from("account_manager_periods", "user_id").to("users", "id"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE INDEX account_manager_periods_org ON account_manager_periods (organisation_id, from_at)",
        )
        .await?;
        m.create_table(
            Table::create()
                .table("contacts")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(big_integer("organisation_id"))
                .col(string("ref"))
                .col(string("name"))
                .col(string("name_norm"))
                .col(string_null("role"))
                .col(string_null("email"))
                .col(string_null("phone"))
                .col(boolean("consent"))
                .col(boolean("is_primary"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(ForeignKey::create().from("contacts", "district_id").to("districts", "id"))
                .foreign_key(ForeignKey::create().from("contacts", "organisation_id").to("organisations", "id"))
                .to_owned(),
        )
        .await?;
        for sql in [
            "CREATE UNIQUE INDEX contacts_ref ON contacts (district_id, ref)",
            "CREATE INDEX contacts_org ON contacts (organisation_id)",
            "CREATE INDEX contacts_name ON contacts (district_id, name_norm)",
            "CREATE INDEX contacts_email ON contacts (district_id, email)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        m.create_table(
            Table::create()
                .table("interactions")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(big_integer("organisation_id"))
                .col(string("kind"))
                .col(date("occurred_on"))
                .col(big_integer("staff_user_id"))
                .col(string_null("people"))
                .col(text("summary"))
                .col(date_null("follow_up_on"))
                .col(timestamp_with_time_zone_null("follow_up_done_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("interactions", "district_id").to("districts", "id"))
                .foreign_key(ForeignKey::create().from("interactions", "organisation_id").to("organisations", "id"))
                .foreign_key(ForeignKey::create().from("interactions", "staff_user_id").to("users", "id"))
                .to_owned(),
        )
        .await?;
        for sql in [
            "CREATE INDEX interactions_org ON interactions (organisation_id, occurred_on)",
            "CREATE INDEX interactions_follow_up ON interactions (staff_user_id, follow_up_on) WHERE follow_up_on IS NOT NULL AND follow_up_done_at IS NULL",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
