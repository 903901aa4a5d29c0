//! The annual award: what its list can be narrowed by, and the years an award may be for.

/// What the list of awards can be narrowed by. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwardFilter {
    pub district_id: Option<i64>,
    pub year: Option<i32>,
    /// Awards this organisation was nominated for or won.
    pub organisation_id: Option<i64>,
}

/// An award's year as written: the years reports cover ([`crate::report::YEARS`]), so an
/// award's year reads like every other year in Accord.
pub fn year(s: &str) -> Result<i32, &'static str> {
    crate::report::parse_year(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_is_a_whole_number_within_reason() {
        assert_eq!(year(" 2022 "), Ok(2022));
        for bad in ["", "22x", "-2022", "10000", "1899"] {
            assert_eq!(year(bad), Err("report.year_invalid"), "{bad}");
        }
    }
}
