//! More of the satisfaction survey: answers collected by another survey tool are imported,
//! each under the other tool's response id, kept on the response so that importing the same
//! file again adds nothing (unique within the survey).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("survey_responses").add_column(string_null("external_id")).to_owned())
            .await?;
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX survey_responses_external ON survey_responses (survey_id, external_id)",
            )
            .await?;
        Ok(())
    }
}
