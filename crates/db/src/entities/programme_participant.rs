use sea_orm::entity::prelude::*;

/// One person's participation in a programme, by pseudonymous reference: the days they were
/// referred, started, completed, entered a job and were still in it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "programme_participants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub programme_id: i64,
    pub citizen_ref: String,
    pub target_group: Option<String>,
    pub referred_on: Date,
    pub started_on: Option<Date>,
    pub completed_on: Option<Date>,
    pub job_on: Option<Date>,
    pub sustained_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
