//! Districts, users and their roles and districts, sessions, API tokens, the audit log and
//! the sign-in rate limit.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: (&'static str, &'static str), to: (&'static str, &'static str)) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(ForeignKeyAction::Cascade).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("districts")
                .col(big_pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("users")
                .col(big_pk_auto("id"))
                .col(string_uniq("email"))
                .col(string("name"))
                .col(string("password_hash"))
                .col(boolean("disabled"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("last_sign_in_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("user_roles")
                .col(big_integer("user_id"))
                .col(string("role"))
                .primary_key(Index::create().col("user_id").col("role"))
                .foreign_key(&mut fk(("user_roles", "user_id"), ("users", "id")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("user_districts")
                .col(big_integer("user_id"))
                .col(big_integer("district_id"))
                .primary_key(Index::create().col("user_id").col("district_id"))
                .foreign_key(&mut fk(("user_districts", "user_id"), ("users", "id")))
                .foreign_key(&mut fk(("user_districts", "district_id"), ("districts", "id")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("sessions")
                .col(string("id").primary_key())
                .col(big_integer("user_id"))
                .col(string("csrf_token"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(string_null("ip"))
                .foreign_key(&mut fk(("sessions", "user_id"), ("users", "id")))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("sessions_user").table("sessions").col("user_id").to_owned()).await?;
        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string("name"))
                .col(string_uniq("token_hash"))
                .col(string("prefix"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk(("api_tokens", "user_id"), ("users", "id")))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("api_tokens_user").table("api_tokens").col("user_id").to_owned()).await?;
        // No foreign keys on the audit log: it must outlive what it describes.
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(big_integer_null("actor_user_id"))
                .col(string("actor"))
                .col(string("action"))
                .col(string("entity"))
                .col(string_null("entity_id"))
                .col(big_integer_null("district_id"))
                .col(text_null("summary"))
                .col(json_binary_null("before"))
                .col(json_binary_null("after"))
                .col(string_null("ip"))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("audit_log_at", &["at"][..]),
            ("audit_log_entity", &["entity", "entity_id"][..]),
            ("audit_log_actor", &["actor_user_id", "at"][..]),
            ("audit_log_district", &["district_id", "at"][..]),
        ] {
            let mut idx = Index::create().name(name).table("audit_log").to_owned();
            for c in cols {
                idx.col(*c);
            }
            m.create_index(idx).await?;
        }
        super::append_only(m, "audit_log").await?;
        m.create_table(
            Table::create()
                .table("login_failures")
                .col(big_pk_auto("id"))
                .col(string("email"))
                .col(string("ip"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("login_failures_email").table("login_failures").col("email").col("at").to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("login_failures_ip").table("login_failures").col("ip").col("at").to_owned(),
        )
        .await?;
        Ok(())
    }
}
