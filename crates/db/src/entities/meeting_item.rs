use sea_orm::entity::prelude::*;

/// An action item agreed at a meeting; it may become a milestone of a plan.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub owner_organisation_id: Option<i64>,
    pub due_on: Option<Date>,
    /// The milestone it became.
    pub milestone_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
