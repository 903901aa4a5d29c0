use sea_orm::entity::prelude::*;

/// A company group's invitation to a survey: its primary contact, whether the link has been
/// used for an answer, and the answers saved so far.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub survey_id: i64,
    pub district_id: i64,
    pub organisation_id: i64,
    pub contact_id: i64,
    pub sent_at: DateTimeUtc,
    pub answered: bool,
    pub draft: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::scope::Scoped for Entity {
    fn district_column() -> Column {
        Column::DistrictId
    }
}
