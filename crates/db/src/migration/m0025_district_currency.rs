//! Each district keeps its money in a currency of its own (an ISO 4217 code), so that amounts
//! are shown with it: Danish jobcentres in kroner, a British district in pounds. Existing
//! districts start in Danish kroner; an administrator changes it on the district's page.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("districts").add_column(string("currency").default("DKK")).to_owned()).await
    }
}
