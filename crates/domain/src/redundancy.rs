//! Redundancy support (seed 001, the Better West Midlands model; seed 000, the Rover task
//! force): the parts an event's partners play, the elements of support a worker may get, where
//! a case stands, national ID numbers and the small-number rule of every report.

use chrono::NaiveDate;

vocabulary!(
    /// What an organisation is to a redundancy event.
    EventRole, "event.role_unknown", {
        Site => "site",
        Supplier => "supplier",
        Union => "union",
        Careers => "careers",
        Training => "training",
        Funder => "funder",
        Other => "other",
    }
);

vocabulary!(
    /// The elements of support (seed 001, (a) to (f)); the catalogue's services each belong to one.
    Element, "service.element_unknown", {
        Assessment => "assessment",
        Guidance => "guidance",
        Plan => "plan",
        Training => "training",
        Advice => "advice",
        JobSearch => "job_search",
    }
);

vocabulary!(
    /// A recorded contact with the worker: a confidential guidance session, job search
    /// support, or advice recorded as a referral.
    SessionKind, "session.kind_unknown", {
        Guidance => "guidance",
        JobSearch => "job_search",
        Benefits => "benefits",
        Allowances => "allowances",
        Debt => "debt",
        SelfEmployment => "self_employment",
        OtherAdvice => "other_advice",
    }
);

impl SessionKind {
    /// Advice given as a referral to someone else.
    pub fn is_referral(self) -> bool {
        !matches!(self, SessionKind::Guidance | SessionKind::JobSearch)
    }
}

vocabulary!(
    /// Where an activity of the career action plan stands.
    ActivityState, "plan_activity.status_unknown", {
        Planned => "planned",
        InProgress => "in_progress",
        Done => "done",
        Dropped => "dropped",
    }
);

vocabulary!(
    /// Where a course of retraining stands.
    TrainingStatus, "training.status_unknown", {
        Planned => "planned",
        Started => "started",
        Completed => "completed",
        Withdrawn => "withdrawn",
    }
);

impl TrainingStatus {
    pub fn started(self) -> bool {
        matches!(self, TrainingStatus::Started | TrainingStatus::Completed | TrainingStatus::Withdrawn)
    }
}

vocabulary!(
    /// A skills-for-life screening result.
    Level, "assessment.level_unknown", {
        Entry => "entry",
        Level1 => "level1",
        Level2 => "level2",
        NotScreened => "not_screened",
    }
);

vocabulary!(
    /// Where a worker's case stands.
    CaseStatus, "case.status_unknown", {
        Open => "open",
        InWork => "in_work",
        Sustained => "sustained",
        NotSustained => "not_sustained",
        Withdrawn => "withdrawn",
    }
);

impl CaseStatus {
    pub fn is_closed(self) -> bool {
        matches!(self, CaseStatus::Sustained | CaseStatus::NotSustained | CaseStatus::Withdrawn)
    }
}

vocabulary!(
    /// Why a case closed other than as sustained.
    CloseReason, "case.reason_unknown", {
        JobEnded => "job_ended",
        LeftJob => "left_job",
        MovedAway => "moved_away",
        NoContact => "no_contact",
        Declined => "declined",
        Other => "other",
    }
);

vocabulary!(
    /// Why someone opens a case: the access log records one with every opening.
    AccessPurpose, "access.purpose_unknown", {
        Guidance => "guidance",
        PlanReview => "plan_review",
        Training => "training",
        JobSupport => "job_support",
        CheckIn => "check_in",
        Correction => "correction",
        SubjectAccess => "subject_access",
        Supervision => "supervision",
    }
);

/// The weeks after a job start at which check-ins fall unless the adviser says otherwise.
pub const DEFAULT_CHECKIN_WEEKS: [u32; 4] = [1, 4, 8, 13];

/// The week support ends: a job held this long is sustained.
pub const SUSTAINED_WEEKS: u32 = 13;

/// Check-in weeks as typed ("1, 4, 8, 13"): each from 1 to 52, no repeats, in order.
pub fn parse_weeks(s: &str) -> Result<Vec<u32>, &'static str> {
    let mut out = Vec::new();
    for part in s.split([',', ';', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        let w: u32 = part.parse().map_err(|_| "checkin.weeks_invalid")?;
        if !(1..=52).contains(&w) {
            return Err("checkin.weeks_invalid");
        }
        if !out.contains(&w) {
            out.push(w);
        }
    }
    if out.is_empty() {
        return Err("checkin.weeks_invalid");
    }
    out.sort_unstable();
    Ok(out)
}

/// Reports never show how many when fewer than this many people are behind a figure.
pub const SMALLEST_SHOWN: i64 = 5;

/// A count as a report shows it: "<5" for 1 to 4 people, so that no one can be picked out;
/// nought and five or more as they are.
pub fn suppressed(n: i64) -> Option<i64> {
    if n > 0 && n < SMALLEST_SHOWN { None } else { Some(n) }
}

/// A national ID number: a Danish CPR number or a UK National Insurance number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NationalId {
    /// Ten digits, stored as `DDMMYY-SSSS`.
    Cpr(String),
    /// Stored as `AB123456C`.
    Nino(String),
}

impl NationalId {
    /// Reads a CPR number (`DDMMYY-SSSS`, with or without the dash) or a National Insurance
    /// number (`AB 12 34 56 C`, spaces allowed). A CPR number must begin with a real date; the
    /// modulus-11 check is not applied, since CPR numbers issued after 2007 need not pass it.
    pub fn parse(s: &str) -> Result<NationalId, &'static str> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase();
        if compact.is_empty() {
            return Err("national_id.invalid");
        }
        if compact.chars().all(|c| c.is_ascii_digit()) {
            if compact.len() != 10 {
                return Err("national_id.cpr_length");
            }
            let n = |a: usize| compact[a..a + 2].parse::<u32>().unwrap_or(0);
            let (day, month, yy) = (n(0), n(2), n(4));
            let seventh = compact.as_bytes()[6] - b'0';
            let century = match (seventh, yy) {
                (0..=3, _) => 1900,
                (4 | 9, 0..=36) => 2000,
                (4 | 9, _) => 1900,
                (5..=8, 0..=57) => 2000,
                _ => 1800,
            };
            if NaiveDate::from_ymd_opt((century + yy) as i32, month, day).is_none() {
                return Err("national_id.cpr_date");
            }
            return Ok(NationalId::Cpr(format!("{}-{}", &compact[..6], &compact[6..])));
        }
        let b = compact.as_bytes();
        let ok = b.len() == 9
            && b[0].is_ascii_uppercase()
            && b[1].is_ascii_uppercase()
            && b[2..8].iter().all(u8::is_ascii_digit)
            && matches!(b[8], b'A'..=b'D')
            // Neither D, F, I, Q, U nor V is used in the prefix; O is not used second.
            && !b"DFIQUV".contains(&b[0])
            && !b"DFIQUVO".contains(&b[1])
            // Prefixes never issued, and those kept for temporary numbers.
            && !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&&compact[..2]);
        if ok { Ok(NationalId::Nino(compact)) } else { Err("national_id.invalid") }
    }

    pub fn as_str(&self) -> &str {
        match self {
            NationalId::Cpr(s) | NationalId::Nino(s) => s,
        }
    }

    /// Shown masked: the date of a CPR number and the first letters of a NI number stay.
    pub fn masked(&self) -> String {
        match self {
            NationalId::Cpr(s) => format!("{}-••••", &s[..6]),
            NationalId::Nino(s) => format!("{} •• •• •• {}", &s[..2], &s[8..]),
        }
    }
}

/// A name shown masked: each word's first letter, then dots ("J••• S•••").
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => format!("{f}•••"),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Any other personal detail shown masked: its length hidden too.
pub fn mask_other(s: &str) -> String {
    if s.trim().is_empty() { String::new() } else { "••••••".into() }
}

/// The day a check-in `week` weeks after `start` falls due.
pub fn week_after(start: NaiveDate, week: u32) -> NaiveDate {
    start + chrono::Duration::days(7 * week as i64)
}

/// The first day after which the personal data of a case closed on `closed` may no longer be
/// held: `months` later, on the same day of the month (or the month's last day).
pub fn erase_after(closed: NaiveDate, months: u32) -> NaiveDate {
    closed.checked_add_months(chrono::Months::new(months)).unwrap_or(closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpr_numbers() {
        assert_eq!(NationalId::parse("010190-1234").unwrap().as_str(), "010190-1234");
        assert_eq!(NationalId::parse("0101901234").unwrap().as_str(), "010190-1234");
        assert_eq!(NationalId::parse("310290-1234"), Err("national_id.cpr_date"));
        // 29 February 2000 exists; the seventh digit 4 puts year 00 in 2000.
        assert!(NationalId::parse("290200-4123").is_ok());
        assert_eq!(NationalId::parse("01019012"), Err("national_id.cpr_length"));
        assert_eq!(NationalId::parse("010190-1234").unwrap().masked(), "010190-••••");
    }

    #[test]
    fn ni_numbers() {
        assert_eq!(NationalId::parse("ab 12 34 56 c").unwrap().as_str(), "AB123456C");
        assert_eq!(NationalId::parse("AB123456C").unwrap().masked(), "AB •• •• •• C");
        for bad in ["AB123456E", "DA123456A", "AO123456A", "GB123456A", "A1234567C", "AB12345C", ""] {
            assert!(NationalId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn small_numbers_are_hidden() {
        assert_eq!(suppressed(0), Some(0));
        for n in 1..5 {
            assert_eq!(suppressed(n), None);
        }
        assert_eq!(suppressed(5), Some(5));
    }

    #[test]
    fn weeks() {
        assert_eq!(parse_weeks("13, 1 4,8").unwrap(), vec![1, 4, 8, 13]);
        assert!(parse_weeks("0").is_err());
        assert!(parse_weeks("").is_err());
        assert!(parse_weeks("x").is_err());
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(week_after(d, 13), NaiveDate::from_ymd_opt(2026, 4, 6).unwrap());
    }

    #[test]
    fn retention() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        assert_eq!(erase_after(d, 24), NaiveDate::from_ymd_opt(2026, 1, 31).unwrap());
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(erase_after(d, 12), NaiveDate::from_ymd_opt(2025, 2, 28).unwrap());
    }

    #[test]
    fn masked_names() {
        assert_eq!(mask_name("Jane  Smith"), "J••• S•••");
        assert_eq!(mask_other("x"), "••••••");
    }
}
