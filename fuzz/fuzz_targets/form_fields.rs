//! The form decoders on any request body: the body decoded as the pages decode a submitted
//! form (the CSRF field, text fields, repeated fields), then every field parser the forms use
//! applied to each value. None may panic, and a value a parser accepts reads back the same
//! in its normal form.
#![no_main]

use accord_domain::partnership::Quarter;
use accord_domain::values::{DistrictCode, Email, PersonName, parse_date};
use accord_domain::role::Role;
use accord_domain::{Lang, redundancy, report, sector};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

/// The shape of the pages' forms: a CSRF token, text fields left out or not, repeated fields.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
#[allow(dead_code)]
struct Form {
    #[serde(rename = "_csrf")]
    csrf: String,
    name: String,
    email: String,
    date: String,
    quarter: String,
    weeks: String,
    year: String,
    role: String,
    sector: String,
    lang: String,
    code: String,
    version: Option<i32>,
    districts: Vec<String>,
    notes: Option<String>,
}

fuzz_target!(|data: &[u8]| {
    let Ok(form) = serde_html_form::from_bytes::<Form>(data) else { return };
    let _ = serde_html_form::from_bytes::<std::collections::HashMap<String, String>>(data);
    let mut values = vec![
        form.name, form.email, form.date, form.quarter, form.weeks, form.year, form.role, form.sector, form.lang, form.code,
    ];
    values.extend(form.districts);
    values.extend(form.notes);
    for v in &values {
        if let Ok(d) = parse_date(v) {
            assert_eq!(parse_date(&d.to_string()), Ok(d));
        }
        if let Ok(q) = Quarter::parse(v) {
            assert_eq!(Quarter::parse(&q.code()), Ok(q));
        }
        if let Ok(e) = Email::parse(v) {
            assert!(Email::parse(e.as_str()).is_ok());
        }
        if let Ok(n) = PersonName::parse(v) {
            assert!(PersonName::parse(n.as_str()).is_ok());
        }
        if let Ok(c) = DistrictCode::parse(v) {
            assert!(DistrictCode::parse(c.as_str()).is_ok());
        }
        if let Ok(r) = Role::parse(v) {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        let _ = redundancy::parse_weeks(v);
        let _ = report::parse_year(v);
        let _ = sector::parse(v);
        let _ = Lang::parse(v);
    }
});
