use sea_orm::entity::prelude::*;

/// A citizen-facing activity at an employer: a work placement, a wage subsidy job, an adult
/// apprenticeship… as recorded in the case system (`source_id`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub source_id: String,
    pub r#type: String,
    pub organisation_id: i64,
    pub start_date: Date,
    pub end_date: Option<Date>,
    /// The citizen's reference in the case system; never a name or a national identity number.
    pub citizen_ref: Option<String>,
    pub outcome: String,
    pub account_manager_id: Option<i64>,
    /// `manual` (entered on screen or through the API) or `import`.
    pub source: String,
    /// The import that added the activity, while it may still be rolled back.
    pub import_id: Option<i64>,
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
