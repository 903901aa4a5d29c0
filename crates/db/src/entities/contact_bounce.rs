use sea_orm::entity::prelude::*;

/// An address found bouncing (a permanent SMTP failure); no mail goes to the contact until it is cleared.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_bounces")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub contact_id: i64,
    pub email: String,
    pub reason: String,
    pub marked_at: DateTimeUtc,
    pub cleared_at: Option<DateTimeUtc>,
    pub cleared_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::scope::Scoped for Entity {
    fn district_column() -> Column {
        Column::DistrictId
    }
}
