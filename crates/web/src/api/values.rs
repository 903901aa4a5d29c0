//! Values the API reads from text, each a type that both reads the text and describes it in
//! the OpenAPI document, so that what the document allows and what the server accepts cannot
//! drift apart. A parameter or body field declared as one of these is refused, naming the
//! field, when its text is not of the form (400 for a query or path parameter, 422 in a body).
//!
//! - [`Code<T>`]: one code of a closed list (a domain `Vocabulary`): an `enum` in the document;
//! - [`Date`]: a calendar day, `YYYY-MM-DD` (`DD-MM-YYYY` and `DD.MM.YYYY` read too):
//!   `format: date`;
//! - [`District`]: a district's code: its `pattern`;
//! - [`Year`], [`QuarterCode`]: a report year and a quarter (`2024-Q1`): their `pattern`;
//! - `choices!` types: a closed list no domain type names (a list's sort orders): an `enum`.
//!
//! [`Named`] says which parameter and field names hold one of these wherever they appear.

use accord_domain::{DistrictCode, Quarter, Vocabulary};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};

/// The pattern of a district's code (`DistrictCode`).
pub const DISTRICT_PATTERN: &str = "^[a-z][a-z0-9-]{1,31}$";
/// The pattern of a report year (`accord_domain::report::YEARS`: 1990 to 2100).
pub const YEAR_PATTERN: &str = "^(199[0-9]|20[0-9][0-9]|2100)$";
/// The pattern of a quarter as the API writes it.
pub const QUARTER_PATTERN: &str = "^(19[0-9][0-9]|2[01][0-9][0-9]|2200)-Q[1-4]$";

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d)
}

fn string_schema() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// One code of the closed list `T` (in any case: the document lists the lower-case codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code<T>(pub T);

impl<T: Vocabulary> Code<T> {
    pub fn get(self) -> T {
        self.0
    }
}

impl<'de, T: Vocabulary> Deserialize<'de> for Code<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = text(d)?;
        // The codes are lower case; as the pages do, `Visit` is read as `visit`.
        T::parse_code(&s)
            .or_else(|_| T::parse_code(&s.to_lowercase()))
            .map(Code)
            .map_err(|_| D::Error::custom(format_args!("\"{s}\" is not one of {}", T::codes().join(", "))))
    }
}

impl<T: Vocabulary> PartialSchema for Code<T> {
    fn schema() -> RefOr<Schema> {
        string_schema().enum_values(Some(T::codes())).into()
    }
}

impl<T: Vocabulary> ToSchema for Code<T> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(T::NAME)
    }
}

/// A code of a domain vocabulary as a parameter or field type (utoipa describes no generic
/// type): `codes!(InteractionKindCode => InteractionKind)` reads one as [`Code`] does and is
/// the `enum` of its codes in the document.
macro_rules! codes {
    ($($name:ident => $t:ty),+ $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub $t);

        impl $name {
            pub fn get(self) -> $t {
                self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Code::<$t>::deserialize(d).map(|c| $name(c.0))
            }
        }

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                Code::<$t>::schema()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(<$t as Vocabulary>::NAME)
            }
        }
    )+};
}

codes!(
    ActivityOutcomeCode => accord_domain::ActivityOutcome,
    AgreementKindCode => accord_domain::AgreementKind,
    InteractionKindCode => accord_domain::InteractionKind,
    OrgKindCode => accord_domain::OrgKind,
    OrgLevelCode => accord_domain::OrgLevel,
    OrgStatusCode => accord_domain::OrgStatus,
    RequestStatusCode => accord_domain::RequestStatus,
    CaseStatusCode => accord_domain::CaseStatus,
    AccessPurposeCode => accord_domain::AccessPurpose,
    EventKindCode => accord_domain::EventKind,
    ConsentPurposeCode => accord_domain::ConsentPurpose,
    ConsentSourceCode => accord_domain::ConsentSource,
    ChannelCode => accord_domain::Channel,
    ProgrammeKindCode => accord_domain::ProgrammeKind,
    TargetGroupCode => accord_domain::TargetGroup,
    PartnerRoleCode => accord_domain::PartnerRole,
    FundingSourceCode => accord_domain::FundingSource,
    AccountStatusCode => accord_domain::AccountStatus,
    QuestionKindCode => accord_domain::QuestionKind,
);

/// A closed list of codes that no domain type names (a list's sort orders, say), read and
/// described alike: `choices!(OrgSortCode, "OrgSort", ["-created_at", "created_at", "name"])`.
macro_rules! choices {
    ($name:ident, $schema:literal, [$($code:literal),+ $(,)?]) => {
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub String);

        impl $name {
            pub const CODES: &'static [&'static str] = &[$($code),+];

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = text(d)?;
                if Self::CODES.contains(&s.as_str()) {
                    Ok($name(s))
                } else {
                    Err(D::Error::custom(format_args!("\"{s}\" is not one of {}", Self::CODES.join(", "))))
                }
            }
        }

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_schema().enum_values(Some(Self::CODES.iter().copied())).into()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($schema)
            }
        }
    };
}

choices!(EventWhenCode, "EventWhen", ["upcoming", "past"]);
choices!(OrgSortCode, "OrganisationSort", ["-created_at", "created_at", "name", "-name"]);
choices!(AgreementSortCode, "AgreementSort", ["-created_at", "created_at", "start_date", "review_date", "ref"]);
choices!(ContactSortCode, "ContactSort", ["-created_at", "name"]);
choices!(MailLangCode, "MailLanguage", ["da", "en"]);
choices!(DistrictSortCode, "DistrictSort", ["-created_at", "created_at", "name", "code"]);
choices!(PhaseCode, "AgreementPhase", ["draft", "upcoming", "active", "ended", "terminated"]);
choices!(GroupCode, "ReportGroup", ["partner", "outside", "planned", "not_counted"]);
choices!(FlagCode, "Flag", ["1", "0"]);
choices!(
    ImportKindCode,
    "ImportKind",
    ["activities", "recruitment-requests", "organisations", "contacts", "agreements"]
);

/// A calendar day, `YYYY-MM-DD` as the document says; as everywhere in Accord, `DD-MM-YYYY` and
/// `DD.MM.YYYY` are read too (`accord_domain::values::parse_date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub chrono::NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = text(d)?;
        accord_domain::values::parse_date(&s)
            .map(Date)
            .map_err(|_| D::Error::custom(format_args!("\"{s}\" is not a date (YYYY-MM-DD)")))
    }
}

impl PartialSchema for Date {
    fn schema() -> RefOr<Schema> {
        string_schema().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))).into()
    }
}

impl ToSchema for Date {}

/// A district's code (`slagelse`, `birmingham-solihull`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District(pub DistrictCode);

impl District {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl<'de> Deserialize<'de> for District {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = text(d)?;
        DistrictCode::parse(&s).map(District).map_err(|_| {
            D::Error::custom(format_args!(
                "\"{s}\" is not a district code (2–32 lower-case letters, digits and hyphens, from a letter)"
            ))
        })
    }
}

impl PartialSchema for District {
    fn schema() -> RefOr<Schema> {
        string_schema().pattern(Some(DISTRICT_PATTERN)).into()
    }
}

impl ToSchema for District {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DistrictCode")
    }
}

/// A report year, 1990 to 2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Year(pub i32);

impl<'de> Deserialize<'de> for Year {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = text(d)?;
        accord_domain::report::parse_year(&s).map(Year).map_err(|_| {
            let (a, b) = (accord_domain::report::YEARS.start(), accord_domain::report::YEARS.end());
            D::Error::custom(format_args!("\"{s}\" is not a year from {a} to {b}"))
        })
    }
}

impl PartialSchema for Year {
    fn schema() -> RefOr<Schema> {
        string_schema().pattern(Some(YEAR_PATTERN)).into()
    }
}

impl ToSchema for Year {}

/// A calendar quarter, `2024-Q1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuarterCode(pub Quarter);

impl<'de> Deserialize<'de> for QuarterCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = text(d)?;
        Quarter::parse(&s)
            .map(QuarterCode)
            .map_err(|_| D::Error::custom(format_args!("\"{s}\" is not a quarter (YYYY-Qn, n from 1 to 4)")))
    }
}

impl PartialSchema for QuarterCode {
    fn schema() -> RefOr<Schema> {
        string_schema().pattern(Some(QUARTER_PATTERN)).into()
    }
}

impl ToSchema for QuarterCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Quarter")
    }
}

/// The form of an e-mail address as `accord_domain::Email` reads it: one `@`, a local part and
/// a domain with a dot inside it, no spaces or control characters. Capitals are read (and
/// stored in lower case).
pub const EMAIL_PATTERN: &str = "^[^@\\s\\u0000-\\u001F\\u007F-\\u009F]+@[^@\\s.\\u0000-\\u001F\\u007F-\\u009F][^@\\s\\u0000-\\u001F\\u007F-\\u009F]*\\.[^@\\s\\u0000-\\u001F\\u007F-\\u009F]*[^@\\s.\\u0000-\\u001F\\u007F-\\u009F]$";
/// A phone number as the contacts' use case reads it: digits with spaces, `+`, `-`, `(`, `)`,
/// `.` and `/`, at least one digit (at most 30 characters: `maxLength`).
pub const PHONE_PATTERN: &str = "^[0-9 +()./-]*[0-9][0-9 +()./-]*$";
/// A CVR number: eight digits, not starting with 0, `DK` before them if wished (its check
/// digit is checked by the use case, naming the field).
pub const CVR_PATTERN: &str = "^(DK)?[1-9][0-9]{7}$";
/// A P-number: ten digits.
pub const P_NUMBER_PATTERN: &str = "^[0-9]{10}$";

fn or_empty(pattern: &str) -> String {
    format!("^({})?$", pattern.trim_start_matches('^').trim_end_matches('$'))
}

fn nullable_text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::String, Type::Null]))
}

/// An e-mail address (`schema_with` of a required field).
pub fn email() -> utoipa::openapi::Object {
    string_schema().pattern(Some(EMAIL_PATTERN)).max_length(Some(254)).min_length(Some(1)).build()
}

/// An e-mail address, or empty (none).
pub fn email_or_empty() -> utoipa::openapi::Object {
    nullable_text().pattern(Some(or_empty(EMAIL_PATTERN))).max_length(Some(254)).build()
}

/// A phone number, or empty (none).
pub fn phone_or_empty() -> utoipa::openapi::Object {
    nullable_text().pattern(Some(or_empty(PHONE_PATTERN))).max_length(Some(30)).build()
}

/// A CVR number, or empty (none).
pub fn cvr_or_empty() -> utoipa::openapi::Object {
    nullable_text().pattern(Some(or_empty(CVR_PATTERN))).build()
}

/// A P-number, or empty (none).
pub fn p_number_or_empty() -> utoipa::openapi::Object {
    nullable_text().pattern(Some(or_empty(P_NUMBER_PATTERN))).build()
}

/// A new password: 12 to 128 characters.
pub fn new_password() -> utoipa::openapi::Object {
    string_schema()
        .min_length(Some(accord_domain::NewPassword::MIN))
        .max_length(Some(accord_domain::NewPassword::MAX))
        .build()
}

/// What a query parameter of a given name holds, whichever operation takes it: the API reads
/// `lang`, `year`, `quarter`, `district` and the days `from`, `to`, `as_of` and `date` alike
/// everywhere, so the extractor checks them and the document describes them by name, and a new
/// operation that takes one is exact without saying so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Lang,
    Day,
    Year,
    Quarter,
    District,
    Unit,
}

impl Named {
    pub fn of(name: &str) -> Option<Named> {
        Some(match name {
            "lang" => Named::Lang,
            "from" | "to" | "as_of" | "date" => Named::Day,
            "year" => Named::Year,
            "quarter" => Named::Quarter,
            "district" => Named::District,
            "unit" => Named::Unit,
            _ => return None,
        })
    }

    /// What a body field of a given name holds: a day (`…_on`, `…_date`, `deadline`, a
    /// period's `period_start` and `period_end`), a district's code, a language. The use cases
    /// read these fields alike wherever they are (`parse_date`, `DistrictCode`, `Lang`).
    pub fn of_field(name: &str) -> Option<Named> {
        Some(match name {
            "language" | "lang" => Named::Lang,
            "district" => Named::District,
            "unit" => Named::Unit,
            "quarter" => Named::Quarter,
            "deadline" | "period_start" | "period_end" => Named::Day,
            n if n.ends_with("_on") || n.ends_with("_date") => Named::Day,
            _ => return None,
        })
    }

    /// The value read as this kind; the error says what the value should be.
    pub fn check(self, value: &str) -> Result<(), String> {
        let v = serde_json::Value::String(value.to_owned());
        let r = match self {
            Named::Lang => serde_json::from_value::<Code<accord_domain::Lang>>(v).map(drop),
            Named::Day => serde_json::from_value::<Date>(v).map(drop),
            Named::Year => serde_json::from_value::<Year>(v).map(drop),
            Named::Quarter => serde_json::from_value::<QuarterCode>(v).map(drop),
            Named::District => serde_json::from_value::<District>(v).map(drop),
            Named::Unit => serde_json::from_value::<Code<accord_domain::ReportUnit>>(v).map(drop),
        };
        r.map_err(|e| e.to_string())
    }

    /// The parameter's schema in the document.
    pub fn schema(self) -> serde_json::Value {
        let s = match self {
            Named::Lang => Code::<accord_domain::Lang>::schema(),
            Named::Day => Date::schema(),
            Named::Year => Year::schema(),
            Named::Quarter => QuarterCode::schema(),
            Named::District => District::schema(),
            Named::Unit => Code::<accord_domain::ReportUnit>::schema(),
        };
        serde_json::to_value(s).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_domain::{InteractionKind, Lang};

    fn regex_matches(pattern: &str, s: &str) -> bool {
        // The document's patterns are anchored; check them against what the server reads.
        regex::Regex::new(pattern).unwrap().is_match(s)
    }

    #[test]
    fn codes_read_what_the_document_lists() {
        let k: Code<InteractionKind> = serde_json::from_str("\"visit\"").unwrap();
        assert_eq!(k.get(), InteractionKind::Visit);
        let e = serde_json::from_str::<Code<InteractionKind>>("\"fax\"").unwrap_err().to_string();
        assert!(e.contains("\"fax\" is not one of call, visit"), "{e}");
        for code in <Lang as Vocabulary>::codes() {
            assert!(serde_json::from_value::<Code<Lang>>(serde_json::json!(code)).is_ok());
        }
    }

    #[test]
    fn patterns_agree_with_the_parsers() {
        for (s, ok) in
            [("slagelse", true), ("birmingham-solihull", true), ("a", false), ("Slagelse", false), ("9x", false)]
        {
            assert_eq!(regex_matches(DISTRICT_PATTERN, s), ok, "{s}");
            assert_eq!(DistrictCode::parse(s).is_ok(), ok, "{s}");
        }
        for (s, ok) in [("1990", true), ("2024", true), ("2100", true), ("1989", false), ("2101", false), ("24", false)]
        {
            assert_eq!(regex_matches(YEAR_PATTERN, s), ok, "{s}");
            assert_eq!(accord_domain::report::parse_year(s).is_ok(), ok, "{s}");
        }
        for (s, ok) in [("2024-Q1", true), ("1900-Q4", true), ("2200-Q2", true), ("2024-Q5", false), ("2201-Q1", false)]
        {
            assert_eq!(regex_matches(QUARTER_PATTERN, s), ok, "{s}");
            assert_eq!(Quarter::parse(s).is_ok(), ok, "{s}");
        }
    }

    #[test]
    fn forms_agree_with_the_parsers() {
        use accord_domain::{Cvr, Email, PNumber};
        for (s, ok) in [
            ("a@b.dk", true),
            ("Jens.Hansen@Firma.DK", true),
            ("x@y", false),
            ("@b.dk", false),
            ("a@.b.dk", false),
            ("a@b.dk.", false),
            ("a b@c.dk", false),
            ("a@b@c.dk", false),
        ] {
            assert_eq!(regex_matches(EMAIL_PATTERN, s), ok, "{s}");
            assert_eq!(Email::parse(s).is_ok(), ok, "{s}");
        }
        for (s, ok) in [("12345674", true), ("DK12345674", true), ("02345678", false), ("1234567", false)] {
            assert_eq!(regex_matches(CVR_PATTERN, s), ok, "{s}");
            if !ok {
                assert!(Cvr::parse(s).is_err(), "{s}");
            }
        }
        for (s, ok) in [("1003388769", true), ("100338876", false), ("10033887a9", false)] {
            assert_eq!(regex_matches(P_NUMBER_PATTERN, s), ok, "{s}");
            assert_eq!(PNumber::parse(s).is_ok(), ok, "{s}");
        }
        for (s, ok) in [("+45 12 34 56 78", true), ("(0121) 555-0100", true), ("+-()", false), ("12a", false)] {
            assert_eq!(regex_matches(PHONE_PATTERN, s), ok, "{s}");
        }
        let empty = or_empty(EMAIL_PATTERN);
        assert!(regex_matches(&empty, "") && regex_matches(&empty, "a@b.dk") && !regex_matches(&empty, "x"));
    }

    #[test]
    fn named_parameters_are_checked_as_described() {
        assert!(Named::of("lang").unwrap().check("da").is_ok());
        let e = Named::of("lang").unwrap().check("xx").unwrap_err();
        assert!(e.contains("\"xx\" is not one of en, da"), "{e}");
        assert!(Named::of("to").unwrap().check("2024-13-01").is_err());
        assert_eq!(Named::of("year").unwrap().schema()["pattern"], YEAR_PATTERN);
        assert_eq!(Named::of("as_of").unwrap().schema()["format"], "date");
        assert_eq!(Named::of("q"), None);
    }

    #[test]
    fn dates_are_iso_days() {
        assert!(serde_json::from_str::<Date>("\"2024-02-29\"").is_ok());
        assert!(serde_json::from_str::<Date>("\"2023-02-29\"").is_err());
        assert!(serde_json::from_str::<Date>("\"29.02.2024\"").is_ok());
        assert!(serde_json::from_str::<Date>("\"2024-2-29x\"").is_err());
    }
}
