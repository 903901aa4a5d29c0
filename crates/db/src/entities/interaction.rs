use sea_orm::entity::prelude::*;

/// One contact with an employer: a call, visit, e-mail, meeting, event or letter.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "interactions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub organisation_id: i64,
    pub kind: String,
    pub occurred_on: Date,
    pub staff_user_id: i64,
    /// The people at the employer who took part, as written.
    pub people: Option<String>,
    pub summary: String,
    pub follow_up_on: Option<Date>,
    pub follow_up_done_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
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
