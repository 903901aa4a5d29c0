use sea_orm::entity::prelude::*;

/// A number an agreement aims for within a period: placements, hires, jobs filled, courses.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_targets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agreement_id: i64,
    pub metric: String,
    pub target: i32,
    pub period_start: Date,
    pub period_end: Date,
    pub label: Option<String>,
    /// Progress recorded by hand, for what no activity records (courses run).
    pub recorded: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
