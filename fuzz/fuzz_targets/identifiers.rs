//! The identifier validators on any text: CVR and P-numbers (modulus 11), Companies House
//! numbers, CPR and National Insurance numbers. None may panic; what one accepts must be
//! accepted again in its normal form, and a national ID's masked form must hide its digits.
#![no_main]

use accord_domain::identifiers::{CompaniesHouse, Cvr, PNumber};
use accord_domain::redundancy::NationalId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(c) = Cvr::parse(s) {
        assert_eq!(Cvr::parse(c.as_str()).as_ref().map(Cvr::as_str), Ok(c.as_str()));
    }
    if let Ok(p) = PNumber::parse(s) {
        assert_eq!(PNumber::parse(p.as_str()).as_ref().map(PNumber::as_str), Ok(p.as_str()));
    }
    if let Ok(c) = CompaniesHouse::parse(s) {
        assert_eq!(CompaniesHouse::parse(c.as_str()).as_ref().map(CompaniesHouse::as_str), Ok(c.as_str()));
    }
    if let Ok(id) = NationalId::parse(s) {
        let normal = id.as_str().to_owned();
        assert_eq!(NationalId::parse(&normal).map(|i| i.as_str().to_owned()), Ok(normal.clone()));
        let masked = id.masked();
        assert_ne!(masked, normal, "a masked number is not the number");
        let digits = |t: &str| t.chars().filter(char::is_ascii_digit).count();
        assert!(!masked.contains(&normal), "{masked}");
        assert!(digits(&masked) < digits(&normal), "the masked form hides digits: {masked}");
    }
});
