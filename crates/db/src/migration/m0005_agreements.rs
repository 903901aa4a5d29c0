//! Agreements with employers: what each side commits to, the sites covered, targets and the
//! signed documents; the secretariat's commitment templates; and the activities and
//! recruitment requests that targets and reports count.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        m.create_table(
            Table::create()
                .table("commitment_templates")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("side"))
                .col(text("text_en"))
                .col(text("text_da"))
                .col(integer("position"))
                .col(boolean("retired"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("commitment_templates", "district_id").to("districts", "id"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE INDEX commitment_templates_district ON commitment_templates (district_id, side, position)",
        )
        .await?;
        m.create_table(
            Table::create()
                .table("agreements")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("ref"))
                .col(big_integer("organisation_id"))
                .col(string("kind"))
                .col(string("status"))
                .col(string("language"))
                .col(text_null("purpose"))
                .col(big_integer_null("account_manager_id"))
                .col(big_integer_null("contact_id"))
                .col(date_null("signed_on"))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .col(date_null("review_on"))
                .col(date_null("terminated_on"))
                .col(string_null("terminated_by"))
                .col(text_null("termination_reason"))
                .col(big_integer_null("previous_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(ForeignKey::create().from("agreements", "district_id").to("districts", "id"))
                .foreign_key(ForeignKey::create().from("agreements", "organisation_id").to("organisations", "id"))
                .foreign_key(ForeignKey::create().from("agreements", "account_manager_id").to("users", "id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("agreements", "contact_id")
                        .to("contacts", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(ForeignKey::create().from("agreements", "previous_id").to("agreements", "id"))
                .to_owned(),
        )
        .await?;
        for sql in [
            "CREATE UNIQUE INDEX agreements_ref ON agreements (district_id, ref)",
            "CREATE INDEX agreements_org ON agreements (organisation_id)",
            "CREATE INDEX agreements_created ON agreements (district_id, created_at, id)",
            "CREATE INDEX agreements_review ON agreements (district_id, review_on) WHERE status = 'active'",
            "CREATE INDEX agreements_am ON agreements (account_manager_id)",
            "CREATE INDEX agreements_previous ON agreements (previous_id)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        m.create_table(
            Table::create()
                .table("agreement_sites")
                .col(big_pk_auto("id"))
                .col(big_integer("agreement_id"))
                .col(big_integer("organisation_id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("agreement_sites", "agreement_id")
                        .to("agreements", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(ForeignKey::create().from("agreement_sites", "organisation_id").to("organisations", "id"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX agreement_sites_pair ON agreement_sites (agreement_id, organisation_id)",
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX agreement_sites_org ON agreement_sites (organisation_id)").await?;
        m.create_table(
            Table::create()
                .table("agreement_commitments")
                .col(big_pk_auto("id"))
                .col(big_integer("agreement_id"))
                .col(string("side"))
                .col(text("text"))
                .col(integer("position"))
                .foreign_key(
                    ForeignKey::create()
                        .from("agreement_commitments", "agreement_id")
                        .to("agreements", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE INDEX agreement_commitments_agreement ON agreement_commitments (agreement_id, side, position)",
        )
        .await?;
        m.create_table(
            Table::create()
                .table("agreement_targets")
                .col(big_pk_auto("id"))
                .col(big_integer("agreement_id"))
                .col(string("metric"))
                .col(integer("target"))
                .col(date("period_start"))
                .col(date("period_end"))
                .col(string_null("label"))
                .col(integer_null("recorded"))
                .foreign_key(
                    ForeignKey::create()
                        .from("agreement_targets", "agreement_id")
                        .to("agreements", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX agreement_targets_agreement ON agreement_targets (agreement_id)").await?;
        m.create_table(
            Table::create()
                .table("agreement_documents")
                .col(big_pk_auto("id"))
                .col(big_integer("agreement_id"))
                .col(string("filename"))
                .col(string("content_type"))
                .col(big_integer("size"))
                .col(blob("data"))
                .col(big_integer_null("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("agreement_documents", "agreement_id")
                        .to("agreements", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(ForeignKey::create().from("agreement_documents", "uploaded_by").to("users", "id"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX agreement_documents_agreement ON agreement_documents (agreement_id)")
            .await?;
        m.create_table(
            Table::create()
                .table("activities")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("source_id"))
                .col(string("type"))
                .col(big_integer("organisation_id"))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .col(string_null("citizen_ref"))
                .col(string("outcome"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(ForeignKey::create().from("activities", "district_id").to("districts", "id"))
                .foreign_key(ForeignKey::create().from("activities", "organisation_id").to("organisations", "id"))
                .to_owned(),
        )
        .await?;
        for sql in [
            "CREATE UNIQUE INDEX activities_source ON activities (district_id, source_id)",
            "CREATE INDEX activities_org ON activities (organisation_id, start_date)",
            "CREATE INDEX activities_start ON activities (district_id, start_date)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        m.create_table(
            Table::create()
                .table("recruitment_requests")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("source_id"))
                .col(big_integer("organisation_id"))
                .col(string("title"))
                .col(integer("positions"))
                .col(date("received_date"))
                .col(string("status"))
                .col(integer_null("hires"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(ForeignKey::create().from("recruitment_requests", "district_id").to("districts", "id"))
                .foreign_key(
                    ForeignKey::create().from("recruitment_requests", "organisation_id").to("organisations", "id"),
                )
                .to_owned(),
        )
        .await?;
        for sql in [
            "CREATE UNIQUE INDEX recruitment_requests_source ON recruitment_requests (district_id, source_id)",
            "CREATE INDEX recruitment_requests_org ON recruitment_requests (organisation_id, received_date)",
            "CREATE INDEX recruitment_requests_received ON recruitment_requests (district_id, received_date)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
