//! National accounts (seed 002's Large Organisations Unit): the relationship a national unit
//! keeps with a national employer, and the codes of a region.

vocabulary!(
    /// Where the national unit's relationship with a national employer stands.
    AccountStatus, "national.status_unknown", {
        Prospect => "prospect",
        Engaged => "engaged",
        Partner => "partner",
        Lapsed => "lapsed",
    }
);

/// A region's code as an administrator writes it: the form of a district's code.
pub fn region_code(s: &str) -> Result<String, &'static str> {
    crate::DistrictCode::parse(s).map(|c| c.as_str().to_owned()).map_err(|_| "region.code_invalid")
}

/// A place on the national unit's list of top employers: 1 to 10,000.
pub fn target_rank(s: &str) -> Result<i32, &'static str> {
    match s.trim().parse::<i32>() {
        Ok(n) if (1..=10_000).contains(&n) => Ok(n),
        _ => Err("national.rank_invalid"),
    }
}

/// A number of jobs an agreement aims to fill: 1 to 10,000,000.
pub fn jobs_target(s: &str) -> Result<i64, &'static str> {
    match s.trim().replace([',', '.', ' '], "").parse::<i64>() {
        Ok(n) if (1..=10_000_000).contains(&n) => Ok(n),
        _ => Err("national.target_invalid"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_ranks_and_targets_read_as_written() {
        assert_eq!(AccountStatus::parse(" partner "), Ok(AccountStatus::Partner));
        assert_eq!(AccountStatus::parse("friend"), Err("national.status_unknown"));
        assert_eq!(target_rank("12"), Ok(12));
        for bad in ["0", "-1", "x", "10001"] {
            assert_eq!(target_rank(bad), Err("national.rank_invalid"), "{bad}");
        }
        assert_eq!(jobs_target("27,000"), Ok(27_000));
        assert_eq!(jobs_target("0"), Err("national.target_invalid"));
        assert_eq!(region_code("east-midlands"), Ok("east-midlands".into()));
        assert_eq!(region_code("East Midlands"), Err("region.code_invalid"));
    }
}
