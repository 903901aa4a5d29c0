use sea_orm::entity::prelude::*;

/// An employer, agency, provider, union or voluntary organisation; a group, company or site.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub r#ref: String,
    pub name: String,
    /// `name` lower-cased, for search.
    pub name_norm: String,
    pub kind: String,
    pub level: String,
    pub parent_id: Option<i64>,
    pub cvr: Option<String>,
    pub p_number: Option<String>,
    pub companies_house: Option<String>,
    pub sector: Option<String>,
    pub size_band: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub ward: Option<String>,
    pub website: Option<String>,
    pub status: String,
    pub notes: Option<String>,
    pub account_manager_id: Option<i64>,
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
