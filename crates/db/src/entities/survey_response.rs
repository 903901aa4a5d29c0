use sea_orm::entity::prelude::*;

/// A submitted questionnaire: the company and contact it came from, both null when the
/// survey is anonymous.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_responses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub survey_id: i64,
    pub district_id: i64,
    pub organisation_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub submitted_on: Date,
    /// The response id of another survey tool the answer was imported from.
    pub external_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::scope::Scoped for Entity {
    fn district_column() -> Column {
        Column::DistrictId
    }
}
