use sea_orm::entity::prelude::*;

/// A milestone of an action: owners, a due date (or a date to be agreed), a status and resources.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "milestones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub action_id: i64,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// None: date to be agreed.
    pub due_on: Option<Date>,
    /// The date stands for its month ("June 04").
    pub due_month: bool,
    /// `accord_domain::MilestoneStatus`.
    pub status: String,
    /// `accord_domain::ResourceKind`.
    pub resource_kind: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub resources: Option<String>,
    /// The staff member who follows it.
    pub contact_user_id: Option<i64>,
    pub position: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
