//! Events the service holds for employers (dialogue meetings, job fairs, network and
//! information meetings, the award ceremony): their organising staff and co-hosting
//! organisations, the companies registered or waiting for a seat with their attendance, and
//! the invitation links issued to contacts, and the key that signs those links.

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
                .table("events")
                .col(big_pk_auto("id"))
                .col(big_integer("district_id"))
                .col(string("kind"))
                .col(string("title"))
                .col(string_null("theme"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(string_null("place"))
                .col(string_null("online_url"))
                .col(integer_null("capacity"))
                .col(text_null("agenda"))
                .col(timestamp_with_time_zone_null("cancelled_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("events", "district_id", "districts"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX events_district ON events (district_id, starts_at)").await?;
        conn.execute_unprepared("CREATE INDEX events_starts ON events (starts_at)").await?;
        m.create_table(
            Table::create()
                .table("event_staff")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(big_integer("user_id"))
                .foreign_key(&mut fk_cascade("event_staff", "event_id", "events"))
                .foreign_key(&mut fk("event_staff", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE UNIQUE INDEX event_staff_pair ON event_staff (event_id, user_id)").await?;
        m.create_table(
            Table::create()
                .table("event_hosts")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(big_integer("organisation_id"))
                .foreign_key(&mut fk_cascade("event_hosts", "event_id", "events"))
                .foreign_key(&mut fk("event_hosts", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE UNIQUE INDEX event_hosts_pair ON event_hosts (event_id, organisation_id)")
            .await?;
        m.create_table(
            Table::create()
                .table("event_registrations")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(big_integer("organisation_id"))
                .col(big_integer_null("contact_id"))
                .col(string_null("name"))
                .col(string("status"))
                .col(string_null("attendance"))
                .col(string("source"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("seated_at"))
                .col(timestamp_with_time_zone_null("cancelled_at"))
                .col(integer("version"))
                .foreign_key(&mut fk_cascade("event_registrations", "event_id", "events"))
                .foreign_key(&mut fk("event_registrations", "organisation_id", "organisations"))
                .foreign_key(&mut fk("event_registrations", "contact_id", "contacts"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared("CREATE INDEX event_registrations_event ON event_registrations (event_id, status, id)")
            .await?;
        conn.execute_unprepared("CREATE INDEX event_registrations_org ON event_registrations (organisation_id)")
            .await?;
        m.create_table(
            Table::create()
                .table("event_invitations")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(big_integer("organisation_id"))
                .col(big_integer("contact_id"))
                .col(big_integer_null("issued_by"))
                .col(timestamp_with_time_zone("issued_at"))
                .foreign_key(&mut fk_cascade("event_invitations", "event_id", "events"))
                .foreign_key(&mut fk("event_invitations", "organisation_id", "organisations"))
                .foreign_key(&mut fk("event_invitations", "contact_id", "contacts"))
                .to_owned(),
        )
        .await?;
        conn.execute_unprepared(
            "CREATE UNIQUE INDEX event_invitations_pair ON event_invitations (event_id, contact_id)",
        )
        .await?;
        // The key that signs invitation links, made at random on first use and kept here so
        // that every node signs and checks links alike and they survive a restart.
        m.create_table(
            Table::create()
                .table("link_keys")
                .col(string("purpose").primary_key())
                .col(string("secret"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
