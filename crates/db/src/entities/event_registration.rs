use sea_orm::entity::prelude::*;

/// A company registered for an event, or waiting for a seat, or cancelled.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_registrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub organisation_id: i64,
    /// The contact who comes, or none when `name` says who.
    pub contact_id: Option<i64>,
    /// Who comes, as written, when not a contact of the directory.
    pub name: Option<String>,
    /// registered, waiting or cancelled.
    pub status: String,
    /// attended or no_show, after the event.
    pub attendance: Option<String>,
    /// staff or self (through an invitation link).
    pub source: String,
    pub created_at: DateTimeUtc,
    /// When it got its seat (at once, or when moved up from the waiting list).
    pub seated_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
