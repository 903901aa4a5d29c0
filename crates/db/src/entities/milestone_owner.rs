use sea_orm::entity::prelude::*;

/// An organisation that owns a milestone (and may update it).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "milestone_owners")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub milestone_id: i64,
    pub organisation_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
