use sea_orm::entity::prelude::*;

/// One opening of a case: who, when, why. Append-only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_access")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub user_id: Option<i64>,
    pub actor: String,
    pub purpose: String,
    pub what: String,
    pub at: DateTimeUtc,
    /// The sign-in session the purpose was stated in (a hash), for the openings of the web.
    pub session_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
