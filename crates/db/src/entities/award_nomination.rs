use sea_orm::entity::prelude::*;

/// An organisation nominated for an award: by a staff member (`nominated_by`) or by someone
/// outside named in words (`nominator`, such as a partner organisation), and why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "award_nominations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub award_id: i64,
    pub organisation_id: i64,
    pub nominated_by: Option<i64>,
    pub nominator: Option<String>,
    pub reason: String,
    pub nominated_on: Date,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
