use sea_orm::entity::prelude::*;

/// A mailing to a segment: drafted, then sent once through the outbox.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mailings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_id: i64,
    pub segment_id: i64,
    pub subject: String,
    pub body: String,
    pub lang: String,
    pub one_per_group: bool,
    pub status: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub sent_by: Option<i64>,
    pub cap_override: Option<String>,
    /// The event the mailing invites to: each message carries its recipient's registration
    /// link and the event's calendar file.
    pub event_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::scope::Scoped for Entity {
    fn district_column() -> Column {
        Column::DistrictId
    }
}
