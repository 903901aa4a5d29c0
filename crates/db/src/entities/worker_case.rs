use sea_orm::entity::prelude::*;

/// One worker's case: who advises them and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "worker_cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub person_id: i64,
    pub adviser_user_id: i64,
    pub registered_on: Date,
    pub language: String,
    pub status: String,
    pub assessed_on: Option<Date>,
    pub literacy: Option<String>,
    pub numeracy: Option<String>,
    pub digital: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub assessment_notes: Option<String>,
    pub closed_on: Option<Date>,
    pub closed_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub closed_note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
