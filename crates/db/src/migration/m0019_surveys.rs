//! The annual satisfaction survey (003's "tilfredshedsundersøgelse"): a district's survey of a
//! year, its questions in English and Danish, the invitation of one contact per company group
//! with the answers saved so far, and the submitted answers. An anonymous survey's responses
//! hold no company or contact: only the invitation records that its link was used.

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
                .table("surveys")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(integer("year"))
                .col(string("name"))
                .col(boolean("anonymous"))
                .col(date("closes_on"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("surveys", "district_id", "districts"))
                .foreign_key(&mut fk("surveys", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX surveys_district_year ON surveys (district_id, year)").await?;
        m.create_table(
            Table::create()
                .table("survey_questions")
                .col(big_pk_auto("id"))
                .col(big_integer("survey_id"))
                .col(integer("position"))
                .col(string_null("section_en"))
                .col(string_null("section_da"))
                .col(string("kind"))
                .col(boolean("required"))
                .col(text("text_en"))
                .col(text("text_da"))
                // JSON: the options (or the scale's five labels) as [[en, da], ...].
                .col(text("options"))
                // JSON: a matrix's rows as [[en, da], ...].
                .col(text("matrix_rows"))
                .col(boolean("satisfaction"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk_cascade("survey_questions", "survey_id", "surveys"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX survey_questions_survey ON survey_questions (survey_id, position)")
            .await?;
        m.create_table(
            Table::create()
                .table("survey_invitations")
                .col(big_pk_auto("id"))
                .col(big_integer("survey_id"))
                .col(big_integer("district_id"))
                .col(big_integer("organisation_id"))
                .col(big_integer("contact_id"))
                .col(timestamp_with_time_zone("sent_at"))
                .col(boolean("answered"))
                // JSON: the form as last saved ("save and continue later"), until submitted.
                .col(text_null("draft"))
                .foreign_key(&mut fk_cascade("survey_invitations", "survey_id", "surveys"))
                .foreign_key(&mut fk("survey_invitations", "district_id", "districts"))
                .foreign_key(&mut fk("survey_invitations", "organisation_id", "organisations"))
                .foreign_key(&mut fk("survey_invitations", "contact_id", "contacts"))
                .to_owned(),
        )
        .await?;
        // One questionnaire per company group: the group's top organisation is invited once.
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX survey_invitations_group ON survey_invitations (survey_id, organisation_id)",
        )
        .await?;
        m.create_table(
            Table::create()
                .table("survey_responses")
                .col(big_pk_auto("id"))
                .col(big_integer("survey_id"))
                .col(big_integer("district_id"))
                // Both null in an anonymous survey.
                .col(big_integer_null("organisation_id"))
                .col(big_integer_null("contact_id"))
                .col(date("submitted_on"))
                .foreign_key(&mut fk_cascade("survey_responses", "survey_id", "surveys"))
                .foreign_key(&mut fk("survey_responses", "district_id", "districts"))
                .foreign_key(&mut fk("survey_responses", "organisation_id", "organisations"))
                .foreign_key(&mut fk("survey_responses", "contact_id", "contacts"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX survey_responses_survey ON survey_responses (survey_id)").await?;
        m.create_table(
            Table::create()
                .table("survey_answers")
                .col(big_pk_auto("id"))
                .col(big_integer("response_id"))
                .col(big_integer("question_id"))
                // A matrix's row (from 0); null for other questions.
                .col(integer_null("row_index"))
                // The option's index, the scale's point, 1 for yes and 0 for no.
                .col(integer_null("value"))
                .col(text_null("text"))
                .foreign_key(&mut fk_cascade("survey_answers", "response_id", "survey_responses"))
                .foreign_key(&mut fk_cascade("survey_answers", "question_id", "survey_questions"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX survey_answers_question ON survey_answers (question_id, value)").await?;
        conn.execute_unprepared("CREATE INDEX survey_answers_response ON survey_answers (response_id)").await?;
        Ok(())
    }
}
