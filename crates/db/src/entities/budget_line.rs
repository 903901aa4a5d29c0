use sea_orm::entity::prelude::*;

/// A line of a budget: a programme's, or (without a programme) the secretariat's own, funded
/// from one source, in minor units.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub programme_id: Option<i64>,
    pub funding_source: String,
    pub name: String,
    pub year: i32,
    pub amount_minor: i64,
    pub closed: bool,
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
