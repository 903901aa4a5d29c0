use sea_orm::entity::prelude::*;

/// One consent, or its withdrawal, of a contact for one purpose; the latest per purpose holds.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_consents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub contact_id: i64,
    pub purpose: String,
    pub given: bool,
    pub source: String,
    pub recorded_at: DateTimeUtc,
    pub recorded_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::scope::Scoped for Entity {
    fn district_column() -> Column {
        Column::DistrictId
    }
}
