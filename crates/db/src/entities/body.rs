use sea_orm::entity::prelude::*;

/// A partnership body: a coalition, a strategic partnership, a strategy, operational or area group.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bodies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub name: String,
    /// `accord_domain::BodyKind`.
    pub kind: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub purpose: Option<String>,
    /// The body this one reports to.
    pub parent_id: Option<i64>,
    /// A body outside Accord this one answers to ("National Employment Panel").
    pub reports_to_other: Option<String>,
    /// `accord_domain::MeetingFrequency`.
    pub frequency: Option<String>,
    /// Wards and areas, one per line.
    #[sea_orm(column_type = "Text", nullable)]
    pub target_areas: Option<String>,
    /// One per line.
    #[sea_orm(column_type = "Text", nullable)]
    pub funding_streams: Option<String>,
    /// The NACE sections the membership should cover, one letter per line.
    #[sea_orm(column_type = "Text", nullable)]
    pub wanted_sectors: Option<String>,
    pub established_on: Option<Date>,
    pub ended_on: Option<Date>,
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
