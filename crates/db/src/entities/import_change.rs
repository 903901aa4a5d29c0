use sea_orm::entity::prelude::*;

/// A record an import changed, as it was before, so that the import can be rolled back.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub import_id: i64,
    pub record_id: i64,
    /// The record's fields before the import, as JSON.
    pub before: String,
    /// The record's version right after the import: a rollback restores only records no one
    /// has changed since.
    pub version_after: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
