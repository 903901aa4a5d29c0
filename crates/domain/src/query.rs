//! What a list asks for: the filters and sort orders of the lists that staff browse, the
//! same for the pages, the API and the command line. The persistence layer turns each into
//! its query; empty fields do not filter.

use chrono::{DateTime, NaiveDate, Utc};

/// The columns a list may be sorted by: its whitelist, each column with the code a query
/// names it by. Only these ever reach the database; any other `sort` is refused.
pub trait SortColumn: Copy + Eq + Sized + 'static {
    const ALL: &'static [(Self, &'static str)];
    /// The list's order when none is asked for.
    const DEFAULT: Order<Self>;

    fn code(self) -> &'static str {
        Self::ALL.iter().find(|(c, _)| *c == self).map(|(_, code)| *code).unwrap_or("")
    }
}

/// A list's order: one of its [`SortColumn`]s, ascending or descending. Written as the
/// column's code, with a `-` in front for descending (`name`, `-created_at`), in the pages'
/// links, the API and the command line alike. Ties keep the order of the records' ids, in the
/// same direction, so that paging through a sorted list neither repeats nor skips a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order<C> {
    pub column: C,
    pub descending: bool,
}

impl<C: SortColumn> Order<C> {
    pub const fn asc(column: C) -> Self {
        Order { column, descending: false }
    }

    pub const fn desc(column: C) -> Self {
        Order { column, descending: true }
    }

    /// The order a query names; empty is the list's default. `Err` is the message code of a
    /// column the list cannot be sorted by.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(C::DEFAULT);
        }
        let (descending, code) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        C::ALL
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(column, _)| Order { column: *column, descending })
            .ok_or("sort.unknown")
    }

    /// How a query names this order: `name` or `-name`.
    pub fn code(&self) -> String {
        format!("{}{}", if self.descending { "-" } else { "" }, self.column.code())
    }
}

impl<C: SortColumn> Default for Order<C> {
    fn default() -> Self {
        C::DEFAULT
    }
}

/// What the activity and request lists can be narrowed by. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// A source id or citizen reference (exactly), or part of the organisation's name.
    pub q: Option<String>,
    /// An activity type, or a request status.
    pub kind: Option<String>,
    /// An activity outcome.
    pub outcome: Option<String>,
    pub organisation_id: Option<i64>,
    pub account_manager_id: Option<i64>,
    /// Start date (activities) or received date (requests) from and to, inclusive.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub import_id: Option<i64>,
    pub district_id: Option<i64>,
}

/// What the agreement list can be narrowed by. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    /// Part of the holder's name, or the agreement's ref.
    pub q: Option<String>,
    pub kind: Option<String>,
    /// A phase as of `today`: `draft`, `upcoming`, `active`, `ended` or `terminated`.
    pub phase: Option<String>,
    /// Agreements that hold or cover this organisation.
    pub organisation_id: Option<i64>,
    pub account_manager_id: Option<i64>,
    /// Active agreements whose review date or end date falls on or before this day.
    pub review_due_by: Option<NaiveDate>,
    pub district_id: Option<i64>,
    pub today: NaiveDate,
}

/// The columns the agreement list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementColumn {
    CreatedAt,
    Ref,
    Kind,
    StartDate,
    /// The review date, or the end, whichever comes first; open-ended ones last.
    ReviewDate,
}

impl SortColumn for AgreementColumn {
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::CreatedAt, "created_at"),
        (Self::Ref, "ref"),
        (Self::Kind, "kind"),
        (Self::StartDate, "start_date"),
        (Self::ReviewDate, "review_date"),
    ];
    const DEFAULT: Order<Self> = Order::desc(Self::CreatedAt);
}

pub type AgreementSort = Order<AgreementColumn>;

/// What the organisation list can be narrowed by. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    /// Part of a name, an identifier (ref, CVR, P-number, Companies House, or a merged record's),
    /// or a contact person's name or e-mail.
    pub q: Option<String>,
    pub kind: Option<String>,
    pub level: Option<String>,
    pub sector: Option<String>,
    pub ward: Option<String>,
    pub status: Option<String>,
    /// A size band (`size_band` of the import).
    pub size_band: Option<String>,
    pub account_manager_id: Option<i64>,
    /// Only organisations without an account manager.
    pub no_account_manager: bool,
    pub parent_id: Option<i64>,
    /// Only the top of each hierarchy (groups, and companies without a group): sites and
    /// subsidiaries are rolled up into them.
    pub top_level_only: bool,
    pub district_id: Option<i64>,
    /// Only organisations covered today by an agreement of this kind (`any` for any kind),
    /// or by none (`none`).
    pub agreement: Option<String>,
}

/// The columns the organisation list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgColumn {
    CreatedAt,
    Name,
    Kind,
    Sector,
    Ward,
    Status,
}

impl SortColumn for OrgColumn {
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::CreatedAt, "created_at"),
        (Self::Name, "name"),
        (Self::Kind, "kind"),
        (Self::Sector, "sector"),
        (Self::Ward, "ward"),
        (Self::Status, "status"),
    ];
    const DEFAULT: Order<Self> = Order::desc(Self::CreatedAt);
}

pub type OrgSort = Order<OrgColumn>;

/// The columns the activity list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityColumn {
    StartDate,
    SourceId,
    Type,
    CitizenRef,
    Outcome,
}

impl SortColumn for ActivityColumn {
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::StartDate, "start_date"),
        (Self::SourceId, "source_id"),
        (Self::Type, "type"),
        (Self::CitizenRef, "citizen_ref"),
        (Self::Outcome, "outcome"),
    ];
    const DEFAULT: Order<Self> = Order::desc(Self::StartDate);
}

pub type ActivitySort = Order<ActivityColumn>;

/// The columns the recruitment request list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestColumn {
    ReceivedDate,
    Title,
    Positions,
    Status,
}

impl SortColumn for RequestColumn {
    const ALL: &'static [(Self, &'static str)] = &[
        (Self::ReceivedDate, "received_date"),
        (Self::Title, "title"),
        (Self::Positions, "positions"),
        (Self::Status, "status"),
    ];
    const DEFAULT: Order<Self> = Order::desc(Self::ReceivedDate);
}

pub type RequestSort = Order<RequestColumn>;

/// The columns the communications log can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommunicationColumn {
    PublishedOn,
    Title,
}

impl SortColumn for CommunicationColumn {
    const ALL: &'static [(Self, &'static str)] = &[(Self::PublishedOn, "published_on"), (Self::Title, "title")];
    const DEFAULT: Order<Self> = Order::desc(Self::PublishedOn);
}

pub type CommunicationSort = Order<CommunicationColumn>;

/// The columns the user list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserColumn {
    Name,
    Email,
}

impl SortColumn for UserColumn {
    const ALL: &'static [(Self, &'static str)] = &[(Self::Name, "name"), (Self::Email, "email")];
    const DEFAULT: Order<Self> = Order::asc(Self::Name);
}

pub type UserSort = Order<UserColumn>;

/// What the audit trail can be narrowed by. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_is_one_of_the_lists_columns_either_way() {
        assert_eq!(OrgSort::parse(""), Ok(Order::desc(OrgColumn::CreatedAt)));
        assert_eq!(OrgSort::parse("name"), Ok(Order::asc(OrgColumn::Name)));
        assert_eq!(OrgSort::parse("-name"), Ok(Order::desc(OrgColumn::Name)));
        assert_eq!(OrgSort::parse("-name").unwrap().code(), "-name");
        assert_eq!(UserSort::default().code(), "name");
        for bad in ["name;drop table users", "--name", "id", "Name", "-"] {
            assert_eq!(OrgSort::parse(bad), Err("sort.unknown"), "{bad}");
        }
    }
}
