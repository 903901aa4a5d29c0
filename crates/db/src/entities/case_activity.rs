use sea_orm::entity::prelude::*;

/// An activity of the career action plan.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub service_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    pub due_on: Option<Date>,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome: Option<String>,
    pub position: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
