//! The kinds of file Accord imports, with their columns, and the report of an import: how
//! many rows were added, changed and left as they were, and every problem by line and column.

use accord_domain::{FieldError, FieldErrors};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Organisations,
    Contacts,
    Agreements,
    Activities,
    RecruitmentRequests,
}

impl Kind {
    pub fn parse(s: &str) -> std::result::Result<Kind, &'static str> {
        match s {
            "organisations" => Ok(Kind::Organisations),
            "contacts" => Ok(Kind::Contacts),
            "agreements" => Ok(Kind::Agreements),
            "activities" => Ok(Kind::Activities),
            "recruitment-requests" => Ok(Kind::RecruitmentRequests),
            _ => Err("import.kind_unknown"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Organisations => "organisations",
            Kind::Contacts => "contacts",
            Kind::Agreements => "agreements",
            Kind::Activities => "activities",
            Kind::RecruitmentRequests => "recruitment-requests",
        }
    }

    /// Every column, required ones first.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Organisations => &[
                "ref",
                "name",
                "kind",
                "level",
                "parent_ref",
                "cvr",
                "p_number",
                "companies_house",
                "sector",
                "size_band",
                "address",
                "postcode",
                "ward",
                "website",
                "status",
                "notes",
                "account_manager_email",
            ],
            Kind::Contacts => &[
                "ref",
                "organisation_ref",
                "name",
                "role",
                "email",
                "phone",
                "consent",
                "is_primary",
                "consent_news",
                "consent_invitations",
                "consent_surveys",
            ],
            Kind::Agreements => &[
                "ref",
                "organisation_ref",
                "kind",
                "start_date",
                "end_date",
                "status",
                "purpose",
                "language",
                "signed_date",
                "review_date",
                "account_manager_email",
                "contact_ref",
                "sites",
                "terminated_on",
                "terminated_by",
                "termination_reason",
            ],
            Kind::Activities => {
                &["source_id", "type", "organisation_ref", "start_date", "end_date", "citizen_ref", "outcome"]
            }
            Kind::RecruitmentRequests => &[
                "source_id",
                "organisation_ref",
                "title",
                "positions",
                "received_date",
                "status",
                "hires",
                "occupation",
                "deadline",
            ],
        }
    }

    pub fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Organisations => &["ref", "name"],
            Kind::Contacts => &["ref", "organisation_ref", "name"],
            Kind::Agreements => &["ref", "organisation_ref", "kind", "start_date"],
            Kind::Activities => &["source_id", "type", "organisation_ref", "start_date"],
            Kind::RecruitmentRequests => &["source_id", "organisation_ref", "title", "received_date"],
        }
    }
}

/// One problem: a line (0 for the file as a whole) and a column.
#[derive(Debug, Clone, Serialize)]
pub struct LineError {
    pub line: usize,
    pub error: FieldError,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: Vec<LineError>,
    /// Problems beyond the ones listed (a file can have a million bad lines).
    pub more_errors: usize,
    pub dry_run: bool,
    /// The import in the import history, for activities and recruitment requests.
    pub import_id: Option<i64>,
}

impl ImportReport {
    pub(crate) fn fail(line: usize, field: &str, code: &str, value: Option<&str>) -> ImportReport {
        let mut r = ImportReport::default();
        r.push(line, FieldErrors::single(field, code, value));
        r
    }

    pub(crate) fn push(&mut self, line: usize, errors: FieldErrors) {
        self.errors.extend(errors.0.into_iter().map(|error| LineError { line, error }));
    }
}

/// Unknown, missing and repeated columns, named.
pub fn check_columns(kind: Kind, header: &[String]) -> Option<ImportReport> {
    let mut report = ImportReport::default();
    let mut errors = FieldErrors::new();
    let unknown: Vec<&str> =
        header.iter().map(String::as_str).filter(|h| !h.is_empty() && !kind.columns().contains(h)).collect();
    if !unknown.is_empty() {
        errors.add("header", "import.unknown_columns", Some(&unknown.join(", ")));
    }
    for r in kind.required() {
        if !header.iter().any(|h| h == r) {
            errors.add(r, "import.missing_column", Some(r));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for h in header {
        if !h.is_empty() && !seen.insert(h) {
            errors.add(h, "import.repeated_column", Some(h));
        }
    }
    if errors.is_empty() {
        return None;
    }
    report.push(1, errors);
    Some(report)
}
