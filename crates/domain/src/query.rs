//! What a list asks for: the filters and sort orders of the lists that staff browse, the
//! same for the pages, the API and the command line. The persistence layer turns each into
//! its query; empty fields do not filter.

use chrono::{DateTime, NaiveDate, Utc};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgreementSort {
    #[default]
    Newest,
    Oldest,
    Start,
    Review,
    Ref,
}

impl AgreementSort {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "" | "-created_at" => Ok(Self::Newest),
            "created_at" => Ok(Self::Oldest),
            "start_date" => Ok(Self::Start),
            "review_date" => Ok(Self::Review),
            "ref" => Ok(Self::Ref),
            _ => Err("sort.unknown"),
        }
    }
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrgSort {
    #[default]
    Newest,
    Oldest,
    Name,
    NameDesc,
}

impl OrgSort {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "" | "-created_at" => Ok(OrgSort::Newest),
            "created_at" => Ok(OrgSort::Oldest),
            "name" => Ok(OrgSort::Name),
            "-name" => Ok(OrgSort::NameDesc),
            _ => Err("sort.unknown"),
        }
    }
}

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
