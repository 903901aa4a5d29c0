use sea_orm::entity::prelude::*;

/// A kind of citizen-facing activity: the built-in ones and those an administrator adds.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_types")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub label_en: String,
    pub label_da: String,
    /// Other names an import file may use, one per line.
    pub aliases: String,
    /// Whether the type counts toward the partner activity figures.
    pub counts: bool,
    pub builtin: bool,
    pub retired: bool,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
