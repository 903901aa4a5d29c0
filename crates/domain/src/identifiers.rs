//! National identifiers of organisations and the small vocabularies of the directory.

use serde::Serialize;

/// A Danish CVR number: 8 digits, not starting with 0, whose digits weighted 2,7,6,5,4,3,2,1
/// sum to a multiple of 11.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Cvr(String);

impl Cvr {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let digits = digits.strip_prefix("DK").unwrap_or(&digits);
        if digits.len() != 8 || !digits.chars().all(|c| c.is_ascii_digit()) || digits.starts_with('0') {
            return Err("cvr.format");
        }
        const W: [u32; 8] = [2, 7, 6, 5, 4, 3, 2, 1];
        let sum: u32 = digits.chars().zip(W).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
        if !sum.is_multiple_of(11) {
            return Err("cvr.check_digit");
        }
        Ok(Self(digits.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Danish P-number (production unit, a site): 10 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PNumber(String);

impl PNumber {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("p_number.format");
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A UK Companies House number: 8 characters, either 8 digits or a two-letter prefix
/// (SC, NI, OC, SO, NC, LP, …) and 6 digits. Shorter all-digit numbers are padded with
/// leading zeros, as Companies House writes them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CompaniesHouse(String);

impl CompaniesHouse {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let padded =
            if !s.is_empty() && s.len() < 8 && s.chars().all(|c| c.is_ascii_digit()) { format!("{s:0>8}") } else { s };
        let b = padded.as_bytes();
        let ok = b.len() == 8
            && (b.iter().all(u8::is_ascii_digit)
                || (b[..2].iter().all(u8::is_ascii_uppercase) && b[2..].iter().all(u8::is_ascii_digit)));
        if ok { Ok(Self(padded)) } else { Err("companies_house.format") }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

vocabulary!(
    /// What kind of organisation: employers first, and the others that sit in partnerships.
    OrgKind, "org.kind_unknown", {
        Employer => "employer",
        Agency => "agency",
        Provider => "provider",
        Union => "union",
        Voluntary => "voluntary",
    }
);

vocabulary!(
    /// Where an organisation sits in its hierarchy: group → company → site.
    OrgLevel, "org.level_unknown", {
        Group => "group",
        Company => "company",
        Site => "site",
    }
);

vocabulary!(
    /// Trading, or no longer.
    OrgStatus, "org.status_unknown", {
        Active => "active",
        Ceased => "ceased",
    }
);

vocabulary!(
    /// Employees, in the EU's size bands.
    SizeBand, "org.size_unknown", {
        Micro => "1-9",
        Small => "10-49",
        Medium => "50-249",
        Large => "250+",
    }
);

vocabulary!(
    /// How staff were in touch with an employer.
    InteractionKind, "interaction.kind_unknown", {
        Call => "call",
        Visit => "visit",
        Email => "email",
        Meeting => "meeting",
        Event => "event",
        Letter => "letter",
    }
);

/// A postcode as written: trimmed, upper-cased, inner spaces kept single (`B1 1AA`, `4200`).
pub fn postcode(s: &str) -> Result<String, &'static str> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    if s.len() > 10 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') {
        return Err("postcode.format");
    }
    Ok(s)
}

/// A web address; `example.dk` becomes `https://example.dk`.
pub fn website(s: &str) -> Result<String, &'static str> {
    let s = s.trim();
    let full =
        if s.starts_with("http://") || s.starts_with("https://") { s.to_owned() } else { format!("https://{s}") };
    let host = full.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("");
    if full.len() > 300 || !host.contains('.') || full.chars().any(|c| c.is_whitespace() || c == '"' || c == '<') {
        return Err("website.format");
    }
    Ok(full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvr_check_digit() {
        // Real, public CVR numbers.
        for good in ["35954716", "29 18 97 49", "DK10150817", "61126228"] {
            assert!(Cvr::parse(good).is_ok(), "{good}");
        }
        assert_eq!(Cvr::parse("35954717"), Err("cvr.check_digit"));
        assert_eq!(Cvr::parse("3595471"), Err("cvr.format"));
        assert_eq!(Cvr::parse("05954716"), Err("cvr.format"));
        assert_eq!(Cvr::parse("3595471x"), Err("cvr.format"));
    }

    #[test]
    fn p_numbers() {
        assert_eq!(PNumber::parse("1003388394").unwrap().as_str(), "1003388394");
        assert_eq!(PNumber::parse("100338839"), Err("p_number.format"));
        assert_eq!(PNumber::parse("10033883945"), Err("p_number.format"));
    }

    #[test]
    fn companies_house() {
        assert_eq!(CompaniesHouse::parse("00464777").unwrap().as_str(), "00464777");
        assert_eq!(CompaniesHouse::parse("464777").unwrap().as_str(), "00464777");
        assert_eq!(CompaniesHouse::parse("sc123456").unwrap().as_str(), "SC123456");
        assert_eq!(CompaniesHouse::parse("S1234567"), Err("companies_house.format"));
        assert_eq!(CompaniesHouse::parse("ABC12345"), Err("companies_house.format"));
    }

    #[test]
    fn vocabularies() {
        assert_eq!(OrgKind::parse("union"), Ok(OrgKind::Union));
        assert_eq!(OrgKind::parse("bank"), Err("org.kind_unknown"));
        assert_eq!(SizeBand::parse("250+"), Ok(SizeBand::Large));
        assert_eq!(InteractionKind::ALL.len(), 6);
    }

    #[test]
    fn postcodes_and_websites() {
        assert_eq!(postcode(" b1  1aa ").unwrap(), "B1 1AA");
        assert_eq!(postcode("4200").unwrap(), "4200");
        assert!(postcode("<script>").is_err());
        assert_eq!(website("salling.dk").unwrap(), "https://salling.dk");
        assert!(website("not a site").is_err());
    }
}
