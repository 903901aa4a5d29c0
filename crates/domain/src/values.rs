//! Small values that arrive as text and must be checked once.

use serde::Serialize;

/// A district's short code: 2–32 characters, lower-case letters, digits and hyphens,
/// starting with a letter (`slagelse`, `birmingham-solihull`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct DistrictCode(String);

impl DistrictCode {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            return Err("field.required");
        }
        let ok_chars = s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let starts = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if !(2..=32).contains(&s.len()) || !ok_chars || !starts {
            return Err("district.code_invalid");
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, trimmed and lower-cased. Only the shape is checked: one `@`, a dot
/// in the domain, no spaces; delivery is what proves an address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim().to_lowercase();
        if s.is_empty() {
            return Err("field.required");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("email.invalid");
        };
        let bad = local.is_empty()
            || domain.len() < 3
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains('@')
            || s.len() > 254
            || s.chars().any(|c| c.is_whitespace() || c.is_control());
        if bad {
            return Err("email.invalid");
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's or a record's display name: trimmed, 1–200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            return Err("field.required");
        }
        if s.chars().count() > 200 {
            return Err("field.too_long");
        }
        if s.chars().any(char::is_control) {
            return Err("field.control_chars");
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password chosen by a person: at least 12 and at most 128 characters (ASVS 2.1.1,
/// 2.1.2); any characters, spaces included, are allowed (ASVS 2.1.4).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    pub const MIN: usize = 12;
    pub const MAX: usize = 128;

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let n = s.chars().count();
        if n == 0 {
            return Err("field.required");
        }
        if n < Self::MIN {
            return Err("password.too_short");
        }
        if n > Self::MAX {
            return Err("password.too_long");
        }
        Ok(Self(s.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Reads a date as people write it: `2023-01-25`, `25-01-2023` or `25.01.2023`. A date in one
/// of those forms that the calendar does not have (`2022-02-30`, `31.02.2022`, month 13) is
/// `date.impossible`; anything else that is not a date is `date.invalid`.
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, &'static str> {
    let s = s.trim();
    // The padded forms directly (a million-row import reads them all); the rest through chrono.
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() == 10 {
        let ymd = if b[4] == b'-' && b[7] == b'-' {
            num(0..4).zip(num(5..7)).zip(num(8..10)).map(|((y, m), d)| (y, m, d))
        } else if (b[2] == b'-' && b[5] == b'-') || (b[2] == b'.' && b[5] == b'.') {
            num(6..10).zip(num(3..5)).zip(num(0..2)).map(|((y, m), d)| (y, m, d))
        } else {
            None
        };
        if let Some((y, m, d)) = ymd {
            return chrono::NaiveDate::from_ymd_opt(y as i32, m, d).ok_or("date.impossible");
        }
    }
    for fmt in ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(s, fmt) {
            return Ok(d);
        }
    }
    if date_shaped(s) { Err("date.impossible") } else { Err("date.invalid") }
}

/// Whether `s` has the shape of one of the three forms (digits between its separators), with
/// its numbers unpadded: `2023-2-30`, `30.2.2023`.
fn date_shaped(s: &str) -> bool {
    let digits =
        |p: &str, n: std::ops::RangeInclusive<usize>| n.contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = s.split(['-', '.']).collect();
    let one_separator = !(s.contains('-') && s.contains('.'));
    match parts[..] {
        [y, m, d] if s.contains('-') && y.len() == 4 => digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2),
        [d, m, y] => one_separator && digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn district_codes() {
        assert!(DistrictCode::parse("slagelse").is_ok());
        assert!(DistrictCode::parse(" birmingham-solihull ").is_ok());
        assert_eq!(DistrictCode::parse(""), Err("field.required"));
        assert_eq!(DistrictCode::parse("Slagelse"), Err("district.code_invalid"));
        assert_eq!(DistrictCode::parse("1abc"), Err("district.code_invalid"));
        assert_eq!(DistrictCode::parse("a"), Err("district.code_invalid"));
        assert_eq!(DistrictCode::parse("a b"), Err("district.code_invalid"));
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Anna@Slagelse.DK ").unwrap().as_str(), "anna@slagelse.dk");
        for bad in ["anna", "anna@", "@x.dk", "a b@x.dk", "a@x", "a@.dk", "a@x.dk."] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert_eq!(NewPassword::parse("short").unwrap_err(), "password.too_short");
        assert!(NewPassword::parse("correct horse battery").is_ok());
        assert_eq!(NewPassword::parse(&"x".repeat(129)).unwrap_err(), "password.too_long");
        assert!(!format!("{:?}", NewPassword::parse("secret-secret-1").unwrap()).contains("secret"));
    }

    #[test]
    fn names() {
        assert_eq!(PersonName::parse("  Mette  ").unwrap().as_str(), "Mette");
        assert_eq!(PersonName::parse("a\u{7}b").unwrap_err(), "field.control_chars");
        assert_eq!(PersonName::parse(&"x".repeat(201)).unwrap_err(), "field.too_long");
    }
}
