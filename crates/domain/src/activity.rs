//! Activities at employers and recruitment requests: their closed vocabularies.

vocabulary!(
    /// What came of an activity.
    ActivityOutcome, "activity.outcome_unknown", {
        Ongoing => "ongoing",
        Hired => "hired",
        Ended => "ended",
        Cancelled => "cancelled",
    }
);

vocabulary!(
    /// Where a recruitment request stands.
    RequestStatus, "request.status_unknown", {
        Open => "open",
        Filled => "filled",
        FilledElsewhere => "filled_elsewhere",
        Withdrawn => "withdrawn",
        Expired => "expired",
    }
);

vocabulary!(
    /// What came of a candidate referred to a recruitment request.
    CandidateOutcome, "candidate.outcome_unknown", {
        Referred => "referred",
        Interviewed => "interviewed",
        Hired => "hired",
        NotHired => "not_hired",
        Withdrew => "withdrew",
    }
);

/// An activity type code as an administrator writes it: lower case letters, digits and `_`,
/// starting with a letter, at most 40 characters.
pub fn type_code(s: &str) -> Result<String, &'static str> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.len() <= 40
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok { Ok(s.to_owned()) } else { Err("activity_type.code_format") }
}

/// A pseudonymous citizen reference: the case system's key, never a name or a national
/// identity number. A CPR number (ten digits, with or without the dash) and anything with a
/// space in it (a name) are refused.
pub fn citizen_ref(s: &str) -> Result<String, &'static str> {
    let s = s.trim();
    if s.is_empty() || s.len() > 64 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("citizen_ref.format");
    }
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    if digits.len() == 10 && digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("citizen_ref.national_id");
    }
    // A UK National Insurance number: two letters, six digits, a letter A–D.
    let b = s.as_bytes();
    if b.len() == 9
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..8].iter().all(u8::is_ascii_digit)
        && matches!(b[8].to_ascii_uppercase(), b'A'..=b'D')
    {
        return Err("citizen_ref.national_id");
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizen_refs_are_pseudonyms() {
        assert_eq!(citizen_ref(" CIT-00042 ").as_deref(), Ok("CIT-00042"));
        assert_eq!(citizen_ref("010203-1234"), Err("citizen_ref.national_id"));
        assert_eq!(citizen_ref("0102031234"), Err("citizen_ref.national_id"));
        assert_eq!(citizen_ref("QQ123456C"), Err("citizen_ref.national_id"));
        assert_eq!(citizen_ref("Hans Hansen"), Err("citizen_ref.format"));
        assert_eq!(citizen_ref(""), Err("citizen_ref.format"));
    }

    #[test]
    fn type_codes() {
        assert!(type_code("work_placement").is_ok());
        assert_eq!(type_code("Work placement"), Err("activity_type.code_format"));
        assert_eq!(type_code("1abc"), Err("activity_type.code_format"));
    }

    #[test]
    fn vocabularies() {
        assert_eq!(RequestStatus::parse("filled_elsewhere"), Ok(RequestStatus::FilledElsewhere));
        assert_eq!(ActivityOutcome::parse("won"), Err("activity.outcome_unknown"));
    }
}

/// A kind of citizen-facing activity: a built-in one or one an administrator added. Types are
/// renamed or retired, never deleted, so every record keeps its type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActivityType {
    pub code: String,
    pub label_en: String,
    pub label_da: String,
    /// Other names an import file or a record may use, one per line.
    pub aliases: String,
    /// Whether the type counts toward the partner activity figures.
    pub counts: bool,
    pub builtin: bool,
    /// Refused for new records; records that have it keep it.
    pub retired: bool,
    /// Order in lists.
    pub position: i32,
}

impl ActivityType {
    /// The aliases, one entry each, blank lines left out.
    pub fn alias_list(&self) -> impl Iterator<Item = &str> {
        self.aliases.lines().map(str::trim).filter(|a| !a.is_empty())
    }
}
