use sea_orm::entity::prelude::*;

/// A standard commitment the secretariat offers when an agreement is drafted, in both
/// languages.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commitment_templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub side: String,
    pub text_en: String,
    pub text_da: String,
    pub position: i32,
    /// No longer offered for new agreements; agreements that used it keep their text.
    pub retired: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::scope::Scoped for Entity {
    fn district_column() -> Column {
        Column::DistrictId
    }
}
