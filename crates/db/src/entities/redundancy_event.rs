use sea_orm::entity::prelude::*;

/// A redundancy announced by an employer, and the response to it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "redundancy_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub employer_id: i64,
    pub title: String,
    pub announced_on: Date,
    pub jobs_lost: i32,
    pub indirect_losses: Option<i32>,
    pub sector: Option<String>,
    pub funding_available: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub funding_notes: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub closed_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::scope::Scoped for Entity {
    fn district_column() -> Self::Column {
        Column::DistrictId
    }
}
