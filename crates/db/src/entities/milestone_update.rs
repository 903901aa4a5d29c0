use sea_orm::entity::prelude::*;

/// A dated progress comment on a milestone, with the status it set, if any.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "milestone_updates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub milestone_id: i64,
    pub written_on: Date,
    pub status: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    /// The partner organisation it was written for.
    pub organisation_id: Option<i64>,
    pub author_user_id: Option<i64>,
    pub author: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
