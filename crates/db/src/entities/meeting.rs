use sea_orm::entity::prelude::*;

/// A meeting of a body: who came, the agenda, the minutes and the decisions.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub body_id: i64,
    pub held_on: Date,
    pub title: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub attendees: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub agenda: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub minutes: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decisions: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
