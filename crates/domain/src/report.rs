//! The figures of the reports and the dashboard: how organisations are counted, what a KPI
//! target measures, and how a target's status is judged from its value and the time gone.

use chrono::{Datelike, NaiveDate};

vocabulary!(
    /// What one "organisation" is when the report counts them.
    /// - `holder`: the organisation that holds the agreement (a store with its own agreement
    ///   counts once, a company agreement covering ten stores counts once);
    /// - `company`: the holder rolled up to its company, so a company whose ten stores each hold
    ///   an agreement counts once (the national "samarbejdsgrad" rule);
    /// - `site`: the organisation where the activity took place, each store on its own.
    ReportUnit, "report.unit_unknown", {
        Holder => "holder",
        Company => "company",
        Site => "site",
    }
);

vocabulary!(
    /// What a KPI target measures over its period:
    /// - `partner_organisations`: partner organisations with new activities or requests;
    /// - `partner_activities`: new activities and recruitment requests at partner organisations;
    /// - `activities_of_type`: new activities of one type at partner organisations;
    /// - `requests_filled`: recruitment requests received and filled through the jobcentre;
    /// - `agreements_in_force`: partnership-type agreements in force (a level, not a count).
    KpiMetric, "kpi.metric_unknown", {
        PartnerOrganisations => "partner_organisations",
        PartnerActivities => "partner_activities",
        ActivitiesOfType => "activities_of_type",
        RequestsFilled => "requests_filled",
        AgreementsInForce => "agreements_in_force",
    }
);

impl KpiMetric {
    /// Whether the value only grows through the period (a count of events), rather than being a
    /// level on a day.
    pub fn is_cumulative(self) -> bool {
        self != KpiMetric::AgreementsInForce
    }
}

vocabulary!(
    /// Which side of the threshold is good.
    Direction, "kpi.direction_unknown", {
        AtLeast => "at_least",
        AtMost => "at_most",
    }
);

vocabulary!(
    /// Where a target stands.
    KpiStatus, "kpi.status_unknown", {
        NotStarted => "not_started",
        OnTrack => "on_track",
        AtRisk => "at_risk",
        Met => "met",
        Missed => "missed",
    }
);

/// Days in `[from, to]`, at least 1.
fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    ((to - from).num_days() + 1).max(1)
}

/// The status of a target with `value` on `today`, for the period `[from, to]`.
///
/// A cumulative count is on track when it keeps pace with the threshold over the days gone
/// (`value ≥ threshold × elapsed / total` for "at least"; for "at most", the pace would not
/// pass the threshold by the end). A level (agreements in force) is judged as it is.
pub fn kpi_status(
    metric: KpiMetric,
    direction: Direction,
    value: i64,
    threshold: i64,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> KpiStatus {
    if today < from {
        return KpiStatus::NotStarted;
    }
    let ended = today > to;
    let total = days(from, to);
    let elapsed = days(from, today.min(to));
    let cumulative = metric.is_cumulative();
    match direction {
        Direction::AtLeast => {
            if value >= threshold {
                if cumulative || ended { KpiStatus::Met } else { KpiStatus::OnTrack }
            } else if ended {
                KpiStatus::Missed
            } else if cumulative && value * total >= threshold * elapsed {
                KpiStatus::OnTrack
            } else {
                KpiStatus::AtRisk
            }
        }
        Direction::AtMost => {
            if value > threshold {
                if cumulative || ended { KpiStatus::Missed } else { KpiStatus::AtRisk }
            } else if ended {
                KpiStatus::Met
            } else if !cumulative || value * total <= threshold * elapsed {
                KpiStatus::OnTrack
            } else {
                KpiStatus::AtRisk
            }
        }
    }
}

/// The last day of each month that `[from, to]` touches, the last one being `to`: the points
/// at which a target's trajectory is drawn.
pub fn month_ends(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    if to < from {
        return out;
    }
    let (mut y, mut m) = (from.year(), from.month());
    loop {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let end = NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt()).unwrap_or(to);
        if end >= to {
            out.push(to);
            return out;
        }
        out.push(end);
        (y, m) = (ny, nm);
    }
}

/// The first and last day of a calendar year.
pub fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?))
}

/// The years a report may be asked for.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Parses a report year.
pub fn parse_year(s: &str) -> Result<i32, &'static str> {
    s.trim().parse::<i32>().ok().filter(|y| YEARS.contains(y)).ok_or("report.year_invalid")
}

/// The same day a year earlier (28 February for 29 February).
pub fn year_earlier(d: NaiveDate) -> NaiveDate {
    d.with_year(d.year() - 1).or_else(|| NaiveDate::from_ymd_opt(d.year() - 1, d.month(), 28)).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn at_least_keeps_pace_or_is_at_risk() {
        let (f, t) = (d("2023-01-01"), d("2023-12-31"));
        let m = KpiMetric::PartnerOrganisations;
        let up = Direction::AtLeast;
        assert_eq!(kpi_status(m, up, 0, 300, f, t, d("2022-12-31")), KpiStatus::NotStarted);
        // Half-way through the year (182 of 365 days), 150 of 300 is on pace, 149 is not.
        assert_eq!(kpi_status(m, up, 150, 300, f, t, d("2023-07-01")), KpiStatus::OnTrack);
        assert_eq!(kpi_status(m, up, 149, 300, f, t, d("2023-07-01")), KpiStatus::AtRisk);
        assert_eq!(kpi_status(m, up, 300, 300, f, t, d("2023-03-01")), KpiStatus::Met);
        assert_eq!(kpi_status(m, up, 299, 300, f, t, d("2024-01-01")), KpiStatus::Missed);
        assert_eq!(kpi_status(m, up, 300, 300, f, t, d("2024-01-01")), KpiStatus::Met);
    }

    #[test]
    fn at_most_and_levels() {
        let (f, t) = (d("2023-01-01"), d("2023-12-31"));
        let down = Direction::AtMost;
        let c = KpiMetric::PartnerActivities;
        assert_eq!(kpi_status(c, down, 101, 100, f, t, d("2023-02-01")), KpiStatus::Missed);
        assert_eq!(kpi_status(c, down, 60, 100, f, t, d("2023-04-01")), KpiStatus::AtRisk);
        assert_eq!(kpi_status(c, down, 10, 100, f, t, d("2023-04-01")), KpiStatus::OnTrack);
        assert_eq!(kpi_status(c, down, 100, 100, f, t, d("2024-02-01")), KpiStatus::Met);
        let l = KpiMetric::AgreementsInForce;
        let up = Direction::AtLeast;
        assert_eq!(kpi_status(l, up, 400, 396, f, t, d("2023-06-01")), KpiStatus::OnTrack);
        assert_eq!(kpi_status(l, up, 390, 396, f, t, d("2023-06-01")), KpiStatus::AtRisk);
        assert_eq!(kpi_status(l, up, 390, 396, f, t, d("2024-06-01")), KpiStatus::Missed);
        assert_eq!(kpi_status(l, up, 396, 396, f, t, d("2024-06-01")), KpiStatus::Met);
        assert_eq!(kpi_status(l, down, 50, 40, f, t, d("2023-06-01")), KpiStatus::AtRisk);
    }

    #[test]
    fn month_ends_cover_the_period() {
        assert_eq!(
            month_ends(d("2023-01-15"), d("2023-03-10")),
            vec![d("2023-01-31"), d("2023-02-28"), d("2023-03-10")]
        );
        assert_eq!(month_ends(d("2024-02-01"), d("2024-02-29")), vec![d("2024-02-29")]);
        assert_eq!(month_ends(d("2023-12-01"), d("2024-01-31")), vec![d("2023-12-31"), d("2024-01-31")]);
        assert!(month_ends(d("2023-02-01"), d("2023-01-01")).is_empty());
    }

    #[test]
    fn years() {
        assert_eq!(parse_year(" 2022 "), Ok(2022));
        assert!(parse_year("22x").is_err());
        assert!(parse_year("3000").is_err());
        assert_eq!(year_earlier(d("2024-02-29")), d("2023-02-28"));
        assert_eq!(year_earlier(d("2023-01-25")), d("2022-01-25"));
    }
}
