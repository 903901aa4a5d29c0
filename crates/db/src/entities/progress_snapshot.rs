use sea_orm::entity::prelude::*;

/// A quarter's progress report as issued, kept unchanged (append-only).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "progress_snapshots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plan_id: i64,
    pub quarter: String,
    pub language: String,
    pub taken_at: DateTimeUtc,
    pub taken_by: String,
    /// The report as JSON.
    #[sea_orm(column_type = "Text")]
    pub body: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
