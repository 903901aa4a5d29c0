//! District scoping: which districts' records a query may touch.

use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Select};

/// The districts a caller may see. Built once per request from the signed-in user; the
/// repository functions for district-owned records take it as an argument, so a query without
/// it does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every district: administrators and the command line.
    All,
    /// Only these districts (ids).
    Districts(Vec<i64>),
}

impl Scope {
    pub fn allows(&self, district_id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Districts(ids) => ids.contains(&district_id),
        }
    }

    /// The condition `column IN (districts)`; an empty list matches nothing.
    pub fn condition<C: ColumnTrait>(&self, column: C) -> Condition {
        match self {
            Scope::All => Condition::all(),
            Scope::Districts(ids) => Condition::all().add(column.is_in(ids.iter().copied())),
        }
    }
}

/// An entity whose rows belong to a district.
pub trait Scoped: EntityTrait {
    fn district_column() -> Self::Column;
}

/// `SELECT … FROM entity WHERE district IN scope`: the starting point of every query on a
/// district-owned table.
pub fn find<E: Scoped>(scope: &Scope) -> Select<E> {
    E::find().filter(scope.condition(E::district_column()))
}
