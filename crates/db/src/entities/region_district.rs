use sea_orm::entity::prelude::*;

/// A district's region (at most one).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region_districts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub district_id: i64,
    pub region_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
