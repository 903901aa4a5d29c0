use sea_orm::entity::prelude::*;

/// A question of a survey, in English and Danish, with its options or scale labels (JSON).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub survey_id: i64,
    pub position: i32,
    pub section_en: Option<String>,
    pub section_da: Option<String>,
    pub kind: String,
    pub required: bool,
    pub text_en: String,
    pub text_da: String,
    pub options: String,
    pub matrix_rows: String,
    pub satisfaction: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
