//! Mailings: consent per contact and purpose (a history, never overwritten), bouncing
//! addresses, each district's frequency cap, saved segments, mailings, the recipients a
//! mailing skipped and why, and the outbox every node delivers from.

use super::{fk, fk_cascade};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("contact_consents")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(big_integer("contact_id"))
                .col(string("purpose"))
                .col(boolean("given"))
                .col(string("source"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(string_null("recorded_by"))
                .foreign_key(&mut fk("contact_consents", "district_id", "districts"))
                .foreign_key(&mut fk_cascade("contact_consents", "contact_id", "contacts"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("contact_bounces")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(big_integer("contact_id"))
                .col(string("email"))
                .col(text("reason"))
                .col(timestamp_with_time_zone("marked_at"))
                .col(timestamp_with_time_zone_null("cleared_at"))
                .col(string_null("cleared_by"))
                .foreign_key(&mut fk("contact_bounces", "district_id", "districts"))
                .foreign_key(&mut fk_cascade("contact_bounces", "contact_id", "contacts"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("mail_caps")
                .col(big_integer("district_id").primary_key())
                .col(integer("max_mailings"))
                .col(integer("days"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("mail_caps", "district_id", "districts"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("segments")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("name"))
                .col(text("filter"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("segments", "district_id", "districts"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("mailings")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(big_integer("segment_id"))
                .col(string("subject"))
                .col(text("body"))
                .col(string("lang"))
                .col(boolean("one_per_group"))
                .col(string("status"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(big_integer_null("sent_by"))
                .col(text_null("cap_override"))
                .foreign_key(&mut fk("mailings", "district_id", "districts"))
                .foreign_key(&mut fk("mailings", "segment_id", "segments"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("mailing_skips")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(big_integer("mailing_id"))
                .col(big_integer("contact_id"))
                .col(string("reason"))
                .foreign_key(&mut fk("mailing_skips", "district_id", "districts"))
                .foreign_key(&mut fk_cascade("mailing_skips", "mailing_id", "mailings"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("mail_outbox")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(big_integer_null("mailing_id"))
                .col(big_integer_null("contact_id"))
                .col(big_integer_null("organisation_id"))
                .col(string("email"))
                .col(string("subject"))
                .col(text("text_body"))
                .col(text("html_body"))
                .col(string("message_id"))
                .col(text_null("unsubscribe_url"))
                .col(string("status"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(string_null("locked_by"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("mail_outbox", "district_id", "districts"))
                .foreign_key(&mut fk_cascade("mail_outbox", "mailing_id", "mailings"))
                .to_owned(),
        )
        .await?;
        for sql in [
            "CREATE INDEX contact_consents_contact ON contact_consents (contact_id, purpose, id)",
            "CREATE INDEX contact_bounces_contact ON contact_bounces (contact_id)",
            "CREATE INDEX segments_district ON segments (district_id)",
            "CREATE INDEX mailings_district ON mailings (district_id, id)",
            "CREATE INDEX mailing_skips_mailing ON mailing_skips (mailing_id)",
            "CREATE UNIQUE INDEX mail_outbox_message_id ON mail_outbox (message_id)",
            "CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at)",
            "CREATE INDEX mail_outbox_mailing ON mail_outbox (mailing_id)",
            "CREATE INDEX mail_outbox_contact ON mail_outbox (contact_id, created_at)",
        ] {
            m.get_connection().execute_unprepared(sql).await?;
        }
        Ok(())
    }
}
