//! Agreements: their kinds, their lifecycle, and when one is in force.

use chrono::NaiveDate;

vocabulary!(
    /// The kind of agreement. The first three are partnership-type: they make the employer a
    /// partner company in the reports.
    AgreementKind, "agreement.kind_unknown", {
        Partnership => "partnership",
        Strengthened => "strengthened",
        ServiceLevel => "service_level",
        PlanningObligation => "planning_obligation",
    }
);

impl AgreementKind {
    /// The kinds that make an employer a partner company: the standard partnership agreement,
    /// the strengthened ("VIP") one and a national employer's service level agreement. A
    /// developer's planning obligation is a legal duty, not a partnership.
    pub const PARTNERSHIP_TYPE: &'static [AgreementKind] =
        &[AgreementKind::Partnership, AgreementKind::Strengthened, AgreementKind::ServiceLevel];

    pub fn is_partnership_type(self) -> bool {
        Self::PARTNERSHIP_TYPE.contains(&self)
    }
}

vocabulary!(
    /// Where an agreement is in its life. An active agreement whose end date has passed stays
    /// `active` in storage and shows as ended ([`Phase::Ended`]).
    AgreementStatus, "agreement.status_unknown", {
        Draft => "draft",
        Active => "active",
        Terminated => "terminated",
    }
);

vocabulary!(
    /// The two parties of an agreement: who commits to something, who ended it.
    Side, "agreement.side_unknown", {
        Jobcentre => "jobcentre",
        Employer => "employer",
    }
);

vocabulary!(
    /// What an agreement's target counts. The first three are counted from the activities and
    /// recruitment requests recorded at the sites the agreement covers; courses are recorded by
    /// hand.
    TargetMetric, "target.metric_unknown", {
        Placements => "placements",
        Hires => "hires",
        JobsFilled => "jobs_filled",
        Courses => "courses",
    }
);

impl TargetMetric {
    pub fn is_counted(self) -> bool {
        self != TargetMetric::Courses
    }
}

/// The days an agreement is in force: from `start` to the earlier of its end date and its
/// termination date, both inclusive; `None` at the end means open-ended. Drafts are never in
/// force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InForce {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl InForce {
    pub fn of(
        status: AgreementStatus,
        start: NaiveDate,
        end: Option<NaiveDate>,
        terminated_on: Option<NaiveDate>,
    ) -> Option<InForce> {
        if status == AgreementStatus::Draft {
            return None;
        }
        let to = match (end, terminated_on) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(t) = to
            && t < start
        {
            return None;
        }
        Some(InForce { from: start, to })
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|t| day <= t)
    }

    pub fn overlaps(&self, other: &InForce) -> bool {
        self.to.is_none_or(|t| other.from <= t) && other.to.is_none_or(|t| self.from <= t)
    }

    /// The days of `[from, to]` this period covers, for the "share of the period elapsed".
    pub fn days(from: NaiveDate, to: NaiveDate) -> i64 {
        (to - from).num_days() + 1
    }
}

/// How an agreement looks today: its stored status, with "not yet started" and "ended"
/// told apart from the running ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Draft,
    Upcoming,
    Active,
    Ended,
    Terminated,
}

impl Phase {
    pub fn of(
        status: AgreementStatus,
        start: NaiveDate,
        end: Option<NaiveDate>,
        terminated_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Phase {
        match status {
            AgreementStatus::Draft => Phase::Draft,
            AgreementStatus::Terminated if terminated_on.is_none_or(|t| t < today) => Phase::Terminated,
            _ if start > today => Phase::Upcoming,
            AgreementStatus::Active if end.is_some_and(|e| e < today) => Phase::Ended,
            _ => Phase::Active,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Draft => "draft",
            Phase::Upcoming => "upcoming",
            Phase::Active => "active",
            Phase::Ended => "ended",
            Phase::Terminated => "terminated",
        }
    }
}

/// The share of `[from, to]` that has passed on `today`, 0–100.
pub fn elapsed_percent(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> u32 {
    if today < from {
        return 0;
    }
    if today >= to {
        return 100;
    }
    let all = InForce::days(from, to);
    let gone = InForce::days(from, today);
    ((gone * 100) / all.max(1)).clamp(0, 100) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn drafts_are_never_in_force() {
        assert_eq!(InForce::of(AgreementStatus::Draft, d("2022-01-01"), None, None), None);
    }

    #[test]
    fn in_force_runs_to_the_earlier_of_end_and_termination() {
        let f = InForce::of(AgreementStatus::Terminated, d("2022-01-01"), Some(d("2023-12-31")), Some(d("2022-06-30")))
            .unwrap();
        assert!(f.contains(d("2022-01-01")));
        assert!(f.contains(d("2022-06-30")));
        assert!(!f.contains(d("2022-07-01")));
        assert!(!f.contains(d("2021-12-31")));
        let open = InForce::of(AgreementStatus::Active, d("2022-01-01"), None, None).unwrap();
        assert!(open.contains(d("2099-01-01")));
    }

    #[test]
    fn termination_before_the_start_means_never_in_force() {
        assert_eq!(InForce::of(AgreementStatus::Terminated, d("2022-05-01"), None, Some(d("2022-04-30"))), None);
    }

    #[test]
    fn overlap_counts_shared_days_only() {
        let a = InForce { from: d("2022-01-01"), to: Some(d("2022-12-31")) };
        let b = InForce { from: d("2023-01-01"), to: None };
        let c = InForce { from: d("2022-12-31"), to: Some(d("2023-01-05")) };
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&c) && c.overlaps(&a));
        assert!(b.overlaps(&c));
        let open = InForce { from: d("2020-01-01"), to: None };
        assert!(open.overlaps(&a) && open.overlaps(&b));
    }

    #[test]
    fn phases() {
        let t = d("2023-06-01");
        use AgreementStatus::*;
        assert_eq!(Phase::of(Draft, d("2023-01-01"), None, None, t), Phase::Draft);
        assert_eq!(Phase::of(Active, d("2023-07-01"), None, None, t), Phase::Upcoming);
        assert_eq!(Phase::of(Active, d("2023-01-01"), Some(d("2023-05-31")), None, t), Phase::Ended);
        assert_eq!(Phase::of(Active, d("2023-01-01"), Some(d("2023-06-01")), None, t), Phase::Active);
        assert_eq!(Phase::of(Terminated, d("2023-01-01"), None, Some(d("2023-05-01")), t), Phase::Terminated);
        // Given notice, still running until the termination date.
        assert_eq!(Phase::of(Terminated, d("2023-01-01"), None, Some(d("2023-06-30")), t), Phase::Active);
    }

    #[test]
    fn elapsed_share() {
        assert_eq!(elapsed_percent(d("2023-01-01"), d("2023-12-31"), d("2022-12-01")), 0);
        assert_eq!(elapsed_percent(d("2023-01-01"), d("2023-12-31"), d("2024-01-01")), 100);
        assert_eq!(elapsed_percent(d("2023-01-01"), d("2023-01-10"), d("2023-01-05")), 50);
    }

    #[test]
    fn partnership_type_kinds() {
        assert!(AgreementKind::Strengthened.is_partnership_type());
        assert!(!AgreementKind::PlanningObligation.is_partnership_type());
        assert_eq!(AgreementKind::parse("service_level"), Ok(AgreementKind::ServiceLevel));
        assert_eq!(AgreementKind::parse("vip"), Err("agreement.kind_unknown"));
    }
}
