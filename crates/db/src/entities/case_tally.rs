use sea_orm::entity::prelude::*;

/// What an erased case counted for: no person, no dates but the erasure's.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_tallies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub assessed: bool,
    pub planned: bool,
    pub training_started: bool,
    pub training_completed: bool,
    pub reemployed: bool,
    pub sustained: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub funding_sources: Option<String>,
    pub erased_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
