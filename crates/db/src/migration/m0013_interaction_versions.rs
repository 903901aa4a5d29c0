//! A version on each logged contact, so that the API can change one with optimistic
//! concurrency like every other record: a change made on a stale version is refused.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("ALTER TABLE interactions ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
            .await?;
        Ok(())
    }
}
