use sea_orm::entity::prelude::*;

/// One import of a file: who, when, what it held and what it changed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub kind: String,
    pub filename: String,
    pub user_id: Option<i64>,
    pub rows: i32,
    pub added: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub created_at: DateTimeUtc,
    pub rolled_back_at: Option<DateTimeUtc>,
    pub rolled_back_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::scope::Scoped for Entity {
    fn district_column() -> Column {
        Column::DistrictId
    }
}
