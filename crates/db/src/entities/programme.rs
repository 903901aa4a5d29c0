use sea_orm::entity::prelude::*;

/// A programme of a district: its kind, dates, the groups it is aimed at and its targets.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programmes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub kind: String,
    pub name: String,
    pub description: Option<String>,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub target_groups: String,
    pub target_referrals: Option<i32>,
    pub target_starts: Option<i32>,
    pub target_completions: Option<i32>,
    pub target_job_entries: Option<i32>,
    pub target_sustained_jobs: Option<i32>,
    pub created_by: Option<i64>,
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
