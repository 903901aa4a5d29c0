//! Accord's domain: types and rules, no I/O.
//!
//! Values arrive as text from forms, files and the API; each type here parses that text once
//! and can then be trusted (parse, don't validate).

#[macro_use]
mod macros;

pub mod activity;
pub mod agreement;
pub mod award;
pub mod communication;
pub mod errors;
pub mod events;
pub mod format;
pub mod identifiers;
pub mod lang;
pub mod mail;
pub mod national;
pub mod partnership;
pub mod programme;
pub mod query;
pub mod redundancy;
pub mod report;
pub mod role;
pub mod scope;
pub mod sector;
pub mod survey;
pub mod values;

pub use activity::{ActivityOutcome, ActivityType, CandidateOutcome, RequestStatus};
pub use agreement::{AgreementKind, AgreementStatus, Side, TargetMetric};
pub use award::AwardFilter;
pub use communication::{Channel, CommunicationFilter};
pub use errors::{FieldError, FieldErrors, OrgChoice, OrgChoices};
pub use events::{Attendance, EventKind, RegistrationStatus};
pub use identifiers::{CompaniesHouse, Cvr, InteractionKind, OrgKind, OrgLevel, OrgStatus, PNumber, SizeBand};
pub use lang::Lang;
pub use mail::{ConsentPurpose, ConsentSource, MergeValues, SkipReason};
pub use national::AccountStatus;
pub use partnership::{BodyKind, MeetingFrequency, MemberRole, MilestoneStatus, Quarter, ResourceKind};
pub use programme::{FundingSource, PartnerRole, ProgrammeKind, TargetGroup};
pub use query::{
    ActivitySort, AgreementColumn, AgreementFilter, AgreementSort, AuditFilter, CommunicationSort, Order, OrgFilter,
    OrgSort, RecordFilter, RequestSort, SortColumn, UserSort,
};
pub use redundancy::{
    AccessPurpose, ActivityState, CaseStatus, CloseReason, Element, EventRole, Level, NationalId, SessionKind,
    TrainingStatus,
};
pub use report::{Direction, KpiMetric, KpiStatus, ReportUnit};
pub use role::Role;
pub use scope::Scope;
pub use survey::QuestionKind;
pub use values::{DistrictCode, Email, NewPassword, PersonName};

/// A closed list of codes (the `vocabulary!` enums, and the few written by hand): what a form,
/// a file or the API may send, and how it reads one.
pub trait Vocabulary: Sized + Copy + 'static {
    /// The type's name, as the API document names the list.
    const NAME: &'static str;
    /// Every code, in the list's order.
    fn codes() -> Vec<&'static str>;
    /// The value a code names (surrounding spaces ignored); the error is the message key.
    fn parse_code(s: &str) -> Result<Self, &'static str>;
}
