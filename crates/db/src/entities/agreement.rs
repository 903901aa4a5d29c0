use sea_orm::entity::prelude::*;

/// An agreement with an employer: a partnership agreement, a strengthened one, a national
/// employer's service level agreement or a developer's local-employment obligation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub r#ref: String,
    /// The organisation that signs: a company for itself and its stores, or one store.
    pub organisation_id: i64,
    pub kind: String,
    pub status: String,
    /// `en` or `da`: the language the agreement is written and printed in.
    pub language: String,
    pub purpose: Option<String>,
    pub account_manager_id: Option<i64>,
    /// The employer's contact person for the agreement.
    pub contact_id: Option<i64>,
    pub signed_on: Option<Date>,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub review_on: Option<Date>,
    /// The last day in force after either side ended it.
    pub terminated_on: Option<Date>,
    pub terminated_by: Option<String>,
    pub termination_reason: Option<String>,
    /// The agreement this one renews.
    pub previous_id: Option<i64>,
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
