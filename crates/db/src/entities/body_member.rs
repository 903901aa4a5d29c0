use sea_orm::entity::prelude::*;

/// An organisation's seat in a body: who represents it, in which role, for which sector.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "body_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub body_id: i64,
    pub organisation_id: i64,
    /// Names, one per line.
    pub representative: Option<String>,
    /// `accord_domain::MemberRole`.
    pub role: String,
    /// The NACE code of the sector the member represents.
    pub sector: Option<String>,
    pub joined_on: Option<Date>,
    pub left_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
