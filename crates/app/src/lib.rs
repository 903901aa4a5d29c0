//! Use cases. Each takes the [`App`] and the [`Actor`] who asks, checks permission, does the
//! work in one transaction and appends to the audit log in that same transaction.

pub mod activities;
pub mod actor;
pub mod agreements;
pub mod audit;
pub mod auth;
pub mod awards;
pub mod bulk;
pub mod cases;
pub mod communications;
pub mod demo;
pub mod directory;
pub mod districts;
pub mod error;
pub mod events;
pub mod files;
pub mod import;
pub mod job_shops;
pub mod jobs;
mod links;
pub mod mailings;
pub mod national;
pub mod outbox;
pub mod partnerships;
pub mod plans;
pub mod programmes;
pub mod redundancy;
pub mod reports;
pub mod scale;
pub mod schema;
pub mod sealed;
pub mod surveys;
pub mod users;

pub use actor::{Actor, DistrictRef, Permission};
pub use error::AppError;

use accord_db::Db;
use std::time::Duration;

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// A session unused this long ends (30 minutes).
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however busy (12 hours).
    pub session_absolute: Duration,
    /// Failed sign-ins allowed per account and per address within [`Self::rate_window`].
    pub max_failures: u64,
    pub rate_window: Duration,
    /// Seals the personal data of worker cases; without it none can be stored or read.
    pub data_key: Option<sealed::DataKey>,
    /// Months after a case closes until its personal data is erased (24).
    pub retention_months: u32,
    /// How often each node looks for background jobs that are due (30 seconds).
    pub job_poll: Duration,
    /// The address the service is reached at from outside, the base of links sent in mail
    /// (`ACCORD_PUBLIC_URL`).
    pub public_url: String,
    /// Where the service is (`ACCORD_TIME_ZONE`, Europe/Copenhagen): the pages show the
    /// times of events in it, and a time typed without an offset is read in it.
    pub time_zone: chrono_tz::Tz,
    /// How mail is sent (SMTP server, sender, the base of links in mails).
    pub mail: outbox::MailConfig,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            max_failures: 10,
            rate_window: Duration::from_secs(15 * 60),
            data_key: None,
            retention_months: 24,
            job_poll: Duration::from_secs(30),
            public_url: "http://localhost:8080".into(),
            time_zone: chrono_tz::Europe::Copenhagen,
            mail: outbox::MailConfig::default(),
        }
    }
}

/// The application: a database and its settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    /// Only the use cases reach the database; the layers above call them.
    pub(crate) db: Db,
    pub config: AppConfig,
    /// The report counts kept between requests, while the records they count are unchanged.
    pub counts: reports::CountCache,
    /// Wakes this node's outbox worker when a use case has queued mail.
    pub outbox_wake: std::sync::Arc<tokio::sync::Notify>,
}

impl App {
    pub fn new(db: Db, config: AppConfig) -> Self {
        Self { db, config, counts: reports::CountCache::default(), outbox_wake: Default::default() }
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Page numbers and sizes as the API and the pages accept them: 1 ≤ page ≤ [`Paging::MAX_PAGE`],
/// 1 ≤ per_page ≤ [`Paging::MAX_PER_PAGE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    pub const DEFAULT_PER_PAGE: u64 = 50;
    pub const MAX_PER_PAGE: u64 = 200;
    /// The highest page number: far past the end of any list, and low enough that the offset
    /// `(page - 1) * per_page` can never overflow, in Rust or in the database.
    pub const MAX_PAGE: u64 = 1_000_000;

    /// The pages' rule: a value out of range is brought into it.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Self {
            page: page.unwrap_or(1).clamp(1, Self::MAX_PAGE),
            per_page: per_page.unwrap_or(Self::DEFAULT_PER_PAGE).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    /// The offset of the page's first record.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }

    pub fn pages(&self, total: u64) -> u64 {
        total.div_ceil(self.per_page).max(1)
    }
}

/// One page of a list and the total count behind it.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub paging: Paging,
}

#[cfg(test)]
mod paging_tests {
    use super::Paging;

    #[test]
    fn pages_are_brought_into_range_and_their_offset_cannot_overflow() {
        let far = Paging::new(Some(u64::MAX), Some(u64::MAX));
        assert_eq!((far.page, far.per_page), (Paging::MAX_PAGE, Paging::MAX_PER_PAGE));
        assert_eq!(far.offset(), (Paging::MAX_PAGE - 1) * Paging::MAX_PER_PAGE);
        assert_eq!(Paging::new(Some(0), Some(0)), Paging { page: 1, per_page: 1 });
    }
}
