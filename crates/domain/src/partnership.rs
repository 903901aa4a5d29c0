//! Partnership bodies and action plans: the kinds of body, the roles of members, a milestone's
//! status and resources, and the quarters a progress report covers.

use chrono::{Datelike, NaiveDate};

vocabulary!(
    /// What a partnership body is (seed 000 has one of each).
    BodyKind, "body.kind_unknown", {
        Coalition => "coalition",
        StrategicPartnership => "strategic_partnership",
        StrategyGroup => "strategy_group",
        OperationalGroup => "operational_group",
        AreaGroup => "area_group",
        WorkingGroup => "working_group",
    }
);

vocabulary!(
    /// How often a body meets.
    MeetingFrequency, "body.frequency_unknown", {
        Weekly => "weekly",
        Fortnightly => "fortnightly",
        Monthly => "monthly",
        Bimonthly => "bimonthly",
        Quarterly => "quarterly",
        TwiceYearly => "twice_yearly",
        Yearly => "yearly",
        AsNeeded => "as_needed",
    }
);

vocabulary!(
    /// What a member organisation's representative is in the body.
    MemberRole, "member.role_unknown", {
        Chair => "chair",
        ViceChair => "vice_chair",
        Director => "director",
        Secretariat => "secretariat",
        Member => "member",
        Observer => "observer",
    }
);

vocabulary!(
    /// Where a milestone stands (the explanatory notes of seed 004: achieved, on track to be
    /// achieved, likely to be delayed).
    MilestoneStatus, "milestone.status_unknown", {
        NotStarted => "not_started",
        OnTrack => "on_track",
        Achieved => "achieved",
        LikelyDelayed => "likely_delayed",
        Dropped => "dropped",
    }
);

impl MilestoneStatus {
    /// Whether the milestone is still to be reached (not achieved, not dropped).
    pub fn is_open(self) -> bool {
        !matches!(self, MilestoneStatus::Achieved | MilestoneStatus::Dropped)
    }
}

vocabulary!(
    /// What a milestone needs besides what the partners already do: seed 004's "Resource
    /// implications" column.
    ResourceKind, "milestone.resources_unknown", {
        Existing => "existing",
        StaffTime => "staff_time",
        Funding => "funding",
        StaffAndFunding => "staff_and_funding",
        Tbd => "tbd",
    }
);

/// Whether a milestone is overdue on `day`: it has a due date before that day and is still open.
pub fn is_overdue(status: MilestoneStatus, due: Option<NaiveDate>, day: NaiveDate) -> bool {
    status.is_open() && due.is_some_and(|d| d < day)
}

/// A calendar quarter: the period one progress report covers ("July–Sept 2004").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u32,
}

impl Quarter {
    /// `2004-Q3` (also `2004-q3`, `2004 Q3`, `Q3 2004`).
    pub fn parse(s: &str) -> Result<Quarter, &'static str> {
        let s = s.trim().to_uppercase().replace(' ', "-");
        let (y, q) = match (s.split_once("-Q"), s.strip_prefix('Q')) {
            (Some((y, q)), _) => (y.to_owned(), q.to_owned()),
            (None, Some(rest)) => match rest.split_once('-') {
                Some((q, y)) => (y.to_owned(), q.to_owned()),
                None => return Err("quarter.invalid"),
            },
            _ => return Err("quarter.invalid"),
        };
        let year: i32 = y.parse().map_err(|_| "quarter.invalid")?;
        let q: u32 = q.parse().map_err(|_| "quarter.invalid")?;
        if !(1..=4).contains(&q) || !(1900..=2200).contains(&year) {
            return Err("quarter.invalid");
        }
        Ok(Quarter { year, q })
    }

    pub fn of(day: NaiveDate) -> Quarter {
        Quarter { year: day.year(), q: day.month0() / 3 + 1 }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).expect("a quarter starts on a real day")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a quarter ends on a real day")
    }

    pub fn next(self) -> Quarter {
        if self.q == 4 { Quarter { year: self.year + 1, q: 1 } } else { Quarter { year: self.year, q: self.q + 1 } }
    }

    pub fn prev(self) -> Quarter {
        if self.q == 1 { Quarter { year: self.year - 1, q: 4 } } else { Quarter { year: self.year, q: self.q - 1 } }
    }

    /// The quarters that overlap `from..=to`, oldest first (at most 40).
    pub fn between(from: NaiveDate, to: NaiveDate) -> Vec<Quarter> {
        let mut out = Vec::new();
        let mut q = Quarter::of(from);
        while q.first_day() <= to && out.len() < 40 {
            out.push(q);
            q = q.next();
        }
        out
    }

    pub fn code(self) -> String {
        format!("{}-Q{}", self.year, self.q)
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarters_parse_in_the_usual_spellings() {
        let q3 = Quarter { year: 2004, q: 3 };
        for s in ["2004-Q3", "2004-q3", "2004 Q3", "Q3 2004", " q3-2004 "] {
            assert_eq!(Quarter::parse(s), Ok(q3), "{s}");
        }
        for s in ["", "2004", "2004-Q5", "2004-Q0", "Q3", "abcd-Q1", "20040-Q1"] {
            assert_eq!(Quarter::parse(s), Err("quarter.invalid"), "{s}");
        }
    }

    #[test]
    fn a_quarter_runs_from_its_first_to_its_last_day() {
        let q3 = Quarter::parse("2004-Q3").unwrap();
        assert_eq!((q3.first_day(), q3.last_day()), (d(2004, 7, 1), d(2004, 9, 30)));
        let q4 = q3.next();
        assert_eq!((q4.first_day(), q4.last_day()), (d(2004, 10, 1), d(2004, 12, 31)));
        assert_eq!(q4.next(), Quarter { year: 2005, q: 1 });
        assert_eq!(Quarter { year: 2005, q: 1 }.prev(), q4);
        assert_eq!(Quarter::of(d(2004, 9, 30)), q3);
        assert_eq!(Quarter::of(d(2004, 10, 1)), q4);
        assert_eq!(Quarter::between(d(2004, 4, 1), d(2005, 3, 31)).len(), 4);
        assert_eq!(q3.code(), "2004-Q3");
    }

    #[test]
    fn only_an_open_milestone_past_its_date_is_overdue() {
        let day = d(2004, 9, 30);
        assert!(is_overdue(MilestoneStatus::OnTrack, Some(d(2004, 6, 30)), day));
        assert!(is_overdue(MilestoneStatus::NotStarted, Some(d(2004, 6, 30)), day));
        assert!(!is_overdue(MilestoneStatus::Achieved, Some(d(2004, 6, 30)), day));
        assert!(!is_overdue(MilestoneStatus::Dropped, Some(d(2004, 6, 30)), day));
        assert!(!is_overdue(MilestoneStatus::OnTrack, Some(day), day));
        assert!(!is_overdue(MilestoneStatus::OnTrack, None, day), "a date to be agreed is never overdue");
    }
}
