use sea_orm::entity::prelude::*;

/// A service of the catalogue advisers pick from.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_services")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub element: String,
    pub name_en: String,
    pub name_da: String,
    pub active: bool,
    pub position: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
