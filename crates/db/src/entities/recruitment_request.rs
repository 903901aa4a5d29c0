use sea_orm::entity::prelude::*;

/// An employer's request for help to recruit, and how many were hired through it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recruitment_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub source_id: String,
    pub organisation_id: i64,
    pub title: String,
    pub occupation: Option<String>,
    pub positions: i32,
    pub received_date: Date,
    pub deadline: Option<Date>,
    pub status: String,
    pub hires: Option<i32>,
    pub account_manager_id: Option<i64>,
    /// `manual` or `import`.
    pub source: String,
    pub import_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::scope::Scoped for Entity {
    fn district_column() -> Column {
        Column::DistrictId
    }
}
