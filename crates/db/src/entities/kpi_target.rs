use sea_orm::entity::prelude::*;

/// A KPI target of a district: a metric, a period, a threshold and which side of it is good.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kpi_targets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub name: String,
    /// `accord_domain::KpiMetric`.
    pub metric: String,
    /// For `activities_of_type`: the type counted.
    pub activity_type: Option<String>,
    /// How organisations are counted (`accord_domain::ReportUnit`).
    pub unit: String,
    pub period_start: Date,
    pub period_end: Date,
    pub threshold: i64,
    /// `at_least` or `at_most`.
    pub direction: String,
    pub notes: Option<String>,
    /// No longer shown on the dashboard; kept for the record.
    pub retired: bool,
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
