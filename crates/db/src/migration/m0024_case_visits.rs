//! A case is opened once per visit: the access log row written when a user states a purpose
//! carries the sign-in session it was stated in, and for a short time that session's later
//! pages of the same case use it instead of asking and logging again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("case_access").add_column(string_null("session_hash")).to_owned()).await?;
        m.get_connection()
            .execute_unprepared("CREATE INDEX case_access_session ON case_access (case_id, session_hash, at)")
            .await?;
        Ok(())
    }
}
