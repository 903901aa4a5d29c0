use sea_orm::entity::prelude::*;

/// An organisation from the directory that a piece of outreach features.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "communication_organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub communication_id: i64,
    pub organisation_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
