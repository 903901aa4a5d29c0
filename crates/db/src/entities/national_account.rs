use sea_orm::entity::prelude::*;

/// A national unit's account with a national employer (a group in the directory): the national
/// account manager, the relationship's status, its place on the unit's list of top employers,
/// and the service level agreement's jobs target, term and exclusivity.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "national_accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The national unit holding the account.
    pub district_id: i64,
    pub organisation_id: i64,
    pub manager_id: Option<i64>,
    pub status: String,
    pub target_rank: Option<i32>,
    pub sla_jobs_target: Option<i64>,
    pub sla_start: Option<Date>,
    pub sla_end: Option<Date>,
    pub sla_exclusive: bool,
    pub notes: Option<String>,
    pub created_by: Option<i64>,
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
