use sea_orm::entity::prelude::*;

/// A job shop session: on the employer's premises or elsewhere, for a redundancy event, for a
/// programme (a recruitment exercise), or for both at once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_shops")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: Option<i64>,
    pub held_on: Date,
    pub place: String,
    pub on_premises: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub staff: Option<String>,
    pub workers_seen: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub services: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    pub programme_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
