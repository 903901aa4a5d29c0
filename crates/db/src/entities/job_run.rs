use sea_orm::entity::prelude::*;

/// One run of a background job: which node ran it, when, and what came of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub job: String,
    pub node: String,
    pub started_at: DateTimeUtc,
    pub finished_at: DateTimeUtc,
    pub ok: bool,
    pub outcome: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
