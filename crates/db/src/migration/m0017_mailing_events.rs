//! A mailing may invite to an event: it names the event, each recipient's message carries a
//! personal registration link, and the event's calendar file goes with it. The outbox row
//! keeps that file, so a retry sends the same attachment.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("mailings").add_column(big_integer_null("event_id")).to_owned()).await?;
        m.alter_table(Table::alter().table("mail_outbox").add_column(text_null("ics")).to_owned()).await?;
        m.get_connection().execute_unprepared("CREATE INDEX mailings_event ON mailings (event_id)").await?;
        Ok(())
    }
}
