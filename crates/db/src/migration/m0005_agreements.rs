//! Agreements with employers: what each side commits to, the sites covered, targets and the
//! signed documents; the secretariat's commitment templates; and the activities and
//! recruitment requests that targets and reports count.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The activity types every installation starts with: code, English label, Danish label,
/// other names an import may use (one per line).
pub const BUILTIN_TYPES: &[(&str, &str, &str, &str)] = &[
    ("work_placement", "Work placement", "Virksomhedspraktik", "praktik\nwork experience"),
    ("wage_subsidy", "Wage subsidy", "Løntilskud", "løntilskudsjob"),
    ("flex_job", "Flex job", "Fleksjob", ""),
    ("utility_job", "Utility job", "Nytteindsats", "nyttejob"),
    ("personal_assistance", "Personal assistance", "Personlig assistance", ""),
    ("job_rotation", "Job rotation", "Jobrotation", ""),
    ("adult_apprentice", "Adult apprentice", "Voksenlærling", "voksenlærlinge"),
    ("job_placing", "Job placing", "Jobformidling", "job placement"),
    ("new_deal_start", "New Deal start", "New Deal-start", "new deal"),
    ("work_trial", "Work trial", "Arbejdsprøvning", ""),
    ("pre_employment_training", "Pre-employment training", "Jobforberedende kursus", "pre-employment course"),
    ("apprenticeship", "Apprenticeship", "Lærlingeforløb", ""),
];

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
                .table("activity_types")
                .col(string("code").primary_key())
                .col(string("label_en"))
                .col(string("label_da"))
                .col(text("aliases"))
                .col(boolean("counts"))
                .col(boolean("builtin"))
                .col(boolean("retired"))
                .col(integer("position"))
                .to_owned(),
        )
        .await?;
        for (i, (code, en, da, aliases)) in BUILTIN_TYPES.iter().enumerate() {
            let q = Query::insert()
                .into_table("activity_types")
                .columns(["code", "label_en", "label_da", "aliases", "counts", "builtin", "retired", "position"])
                .values_panic([
                    (*code).into(),
                    (*en).into(),
                    (*da).into(),
                    (*aliases).into(),
                    true.into(),
                    true.into(),
                    false.into(),
                    (i as i32 * 10).into(),
                ])
                .to_owned();
            m.exec_stmt(q).await?;
        }
        m.create_table(
            Table::create()
                .table("imports")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("kind"))
                .col(string("filename"))
                .col(big_integer_null("user_id"))
                .col(integer("rows"))
                .col(integer("added"))
                .col(integer("updated"))
                .col(integer("unchanged"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("rolled_back_at"))
                .col(big_integer_null("rolled_back_by"))
                .foreign_key(ForeignKey::create().from("imports", "district_id").to("districts", "id"))
                .foreign_key(ForeignKey::create().from("imports", "user_id").to("users", "id"))
                .foreign_key(ForeignKey::create().from("imports", "rolled_back_by").to("users", "id"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX imports_district ON imports (district_id, kind, id)").await?;
        m.create_table(
            Table::create()
                .table("import_changes")
                .col(big_pk_auto("id"))
                .col(big_integer("import_id"))
                .col(big_integer("record_id"))
                .col(text("before"))
                .col(integer("version_after"))
                .foreign_key(
                    ForeignKey::create()
                        .from("import_changes", "import_id")
                        .to("imports", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX import_changes_import ON import_changes (import_id)").await?;
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
                .col(big_integer_null("account_manager_id"))
                .col(string("source").default("manual"))
                .col(big_integer_null("import_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(ForeignKey::create().from("activities", "district_id").to("districts", "id"))
                .foreign_key(ForeignKey::create().from("activities", "organisation_id").to("organisations", "id"))
                .foreign_key(ForeignKey::create().from("activities", "type").to("activity_types", "code"))
                .foreign_key(ForeignKey::create().from("activities", "account_manager_id").to("users", "id"))
                .foreign_key(ForeignKey::create().from("activities", "import_id").to("imports", "id"))
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
                .col(string_null("occupation"))
                .col(integer("positions"))
                .col(date("received_date"))
                .col(date_null("deadline"))
                .col(string("status"))
                .col(integer_null("hires"))
                .col(big_integer_null("account_manager_id"))
                .col(string("source").default("manual"))
                .col(big_integer_null("import_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(ForeignKey::create().from("recruitment_requests", "district_id").to("districts", "id"))
                .foreign_key(
                    ForeignKey::create().from("recruitment_requests", "organisation_id").to("organisations", "id"),
                )
                .foreign_key(ForeignKey::create().from("recruitment_requests", "account_manager_id").to("users", "id"))
                .foreign_key(ForeignKey::create().from("recruitment_requests", "import_id").to("imports", "id"))
                .to_owned(),
        )
        .await?;
        for sql in [
            "CREATE UNIQUE INDEX recruitment_requests_source ON recruitment_requests (district_id, source_id)",
            "CREATE INDEX recruitment_requests_org ON recruitment_requests (organisation_id, received_date)",
            "CREATE INDEX recruitment_requests_received ON recruitment_requests (district_id, received_date)",
            "CREATE INDEX recruitment_requests_open ON recruitment_requests (account_manager_id, status)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        m.create_table(
            Table::create()
                .table("recruitment_candidates")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(string("citizen_ref"))
                .col(string("outcome"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("recruitment_candidates", "request_id")
                        .to("recruitment_requests", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX recruitment_candidates_request ON recruitment_candidates (request_id)")
            .await?;
        Ok(())
    }
}
