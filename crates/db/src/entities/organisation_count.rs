use sea_orm::entity::prelude::*;

/// Organisations per district, kept by triggers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub district_id: i64,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
