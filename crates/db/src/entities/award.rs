use sea_orm::entity::prelude::*;

/// A district's award of one year (such as "Virksomhedsprisen 2022"), and once decided, its
/// winner among the nominees, the reason and who decided.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "awards")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub year: i32,
    pub name: String,
    pub decided_on: Option<Date>,
    pub winner_id: Option<i64>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<i64>,
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
