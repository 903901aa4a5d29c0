use sea_orm::entity::prelude::*;

/// A worker's personal data, sealed: kept apart from the case.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(column_type = "Blob")]
    pub sealed_key: Vec<u8>,
    #[sea_orm(column_type = "Blob")]
    pub sealed_data: Vec<u8>,
    pub id_digest: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
