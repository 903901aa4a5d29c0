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

/// The columns of a file in the contract's English names: each header cell read as an English
/// or a Danish column name, in any case and with any spaces, hyphens or underscores (`Start
/// dato`, `startdato` and `START_DATE` are all `start_date`). `Err` names the unknown, missing
/// and repeated columns, and a column given twice under its two names.
pub fn read_header(kind: Kind, header: &[String]) -> Result<Vec<String>, ImportReport> {
    let mut errors = FieldErrors::new();
    let columns: Vec<Option<&'static str>> = header.iter().map(|h| kind.column_named(h)).collect();
    let unknown: Vec<&str> = header
        .iter()
        .zip(&columns)
        .filter(|(h, c)| c.is_none() && !h.trim().is_empty())
        .map(|(h, _)| h.trim())
        .collect();
    if !unknown.is_empty() {
        errors.add("header", "import.unknown_columns", Some(&unknown.join(", ")));
    }
    for r in kind.required() {
        if !columns.contains(&Some(r)) {
            errors.add(r, "import.missing_column", Some(r));
        }
    }
    let mut first: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (h, c) in header.iter().zip(&columns) {
        let Some(c) = c else { continue };
        match first.get(c) {
            None => {
                first.insert(c, h.trim());
            }
            Some(earlier) if header_key(earlier) == header_key(h) => {
                errors.add(c, "import.repeated_column", Some(h.trim()));
            }
            Some(earlier) => errors.add(c, "import.column_twice", Some(&format!("{earlier}, {}", h.trim()))),
        }
    }
    if errors.is_empty() {
        return Ok(columns.into_iter().map(|c| c.unwrap_or("").to_owned()).collect());
    }
    let mut report = ImportReport::default();
    report.push(1, errors);
    Err(report)
}

/// A column name as it is compared: lowercase, without spaces, hyphens and underscores.
fn header_key(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '_' && *c != '-').flat_map(char::to_lowercase).collect()
}

/// A cell of a code column as it is compared: trimmed, lowercase, single spaces.
fn word_key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The words a code column takes: each code, and beside it the Danish label the pages show
/// for it (lowercased). `labels` is the prefix of those labels' message keys.
#[derive(Debug)]
pub struct Words {
    pub labels: &'static str,
    pub words: &'static [(&'static str, &'static str)],
}

const ORG_KIND: Words = Words {
    labels: "org.kinds",
    words: &[
        ("employer", "arbejdsgiver"),
        ("agency", "offentlig myndighed"),
        ("provider", "uddannelsesinstitution"),
        ("union", "fagforening"),
        ("voluntary", "frivillig organisation"),
    ],
};
const ORG_LEVEL: Words =
    Words { labels: "org.levels", words: &[("group", "koncern"), ("company", "virksomhed"), ("site", "enhed")] };
const ORG_STATUS: Words = Words { labels: "org.statuses", words: &[("active", "aktiv"), ("ceased", "ophørt")] };
const AGREEMENT_KIND: Words = Words {
    labels: "agr.kinds",
    words: &[
        ("partnership", "partnerskabsaftale"),
        ("strengthened", "styrket partnerskabsaftale (vip-aftale)"),
        ("service_level", "serviceaftale"),
        ("planning_obligation", "lokal beskæftigelsesforpligtelse"),
    ],
};
const AGREEMENT_STATUS: Words =
    Words { labels: "agr.phases", words: &[("draft", "kladde"), ("active", "aktiv"), ("terminated", "opsagt")] };
const AGREEMENT_LANGUAGE: Words = Words { labels: "agr.languages", words: &[("en", "engelsk"), ("da", "dansk")] };
const SIDE: Words = Words { labels: "agr.sides", words: &[("jobcentre", "jobcentret"), ("employer", "virksomheden")] };
const OUTCOME: Words = Words {
    labels: "act.outcomes",
    words: &[("ongoing", "i gang"), ("hired", "ansat"), ("ended", "afsluttet"), ("cancelled", "afbrudt")],
};
const REQUEST_STATUS: Words = Words {
    labels: "req.statuses",
    words: &[
        ("open", "åben"),
        ("filled", "besat"),
        ("filled_elsewhere", "besat andetsteds"),
        ("withdrawn", "trukket tilbage"),
        ("expired", "udløbet"),
    ],
};

impl Kind {
    /// Each column's Danish name, in the order of [`Kind::columns`]: the words of the pages'
    /// own labels for those fields, as Danish Excel users head their columns.
    pub fn danish_columns(self) -> &'static [&'static str] {
        match self {
            Kind::Organisations => &[
                "reference",
                "navn",
                "type",
                "niveau",
                "del af",
                "cvr-nummer",
                "p-nummer",
                "companies house-nummer",
                "branche",
                "ansatte",
                "adresse",
                "postnummer",
                "bydel",
                "hjemmeside",
                "status",
                "noter",
                "virksomhedskonsulent",
            ],
            Kind::Contacts => &[
                "reference",
                "organisation",
                "navn",
                "stilling",
                "e-mail",
                "telefon",
                "samtykke",
                "primær kontakt",
                "samtykke nyheder",
                "samtykke invitationer",
                "samtykke undersøgelser",
            ],
            Kind::Agreements => &[
                "reference",
                "organisation",
                "aftaletype",
                "startdato",
                "slutdato",
                "status",
                "formål",
                "sprog",
                "underskrevet",
                "revisionsdato",
                "virksomhedskonsulent",
                "kontaktperson",
                "enheder",
                "sidste gyldighedsdag",
                "opsagt af",
                "begrundelse",
            ],
            Kind::Activities => {
                &["kilde-id", "aktivitetstype", "organisation", "startdato", "slutdato", "borgerreference", "resultat"]
            }
            Kind::RecruitmentRequests => &[
                "kilde-id",
                "organisation",
                "titel",
                "stillinger",
                "modtaget",
                "status",
                "ansættelser",
                "stillingsbetegnelse",
                "frist",
            ],
        }
    }

    /// The Danish name of an (English) column.
    pub fn danish_column(self, column: &str) -> Option<&'static str> {
        self.columns().iter().position(|c| *c == column).map(|i| self.danish_columns()[i])
    }

    /// The column a header cell names, in English or Danish.
    pub fn column_named(self, header: &str) -> Option<&'static str> {
        let key = header_key(header);
        if key.is_empty() {
            return None;
        }
        self.columns()
            .iter()
            .zip(self.danish_columns())
            .find(|(en, da)| header_key(en) == key || header_key(da) == key)
            .map(|(en, _)| *en)
    }

    /// The words a code column of this kind takes, if it is one.
    pub fn words(self, column: &str) -> Option<&'static Words> {
        match (self, column) {
            (Kind::Organisations, "kind") => Some(&ORG_KIND),
            (Kind::Organisations, "level") => Some(&ORG_LEVEL),
            (Kind::Organisations, "status") => Some(&ORG_STATUS),
            (Kind::Agreements, "kind") => Some(&AGREEMENT_KIND),
            (Kind::Agreements, "status") => Some(&AGREEMENT_STATUS),
            (Kind::Agreements, "language") => Some(&AGREEMENT_LANGUAGE),
            (Kind::Agreements, "terminated_by") => Some(&SIDE),
            (Kind::Activities, "outcome") => Some(&OUTCOME),
            (Kind::RecruitmentRequests, "status") => Some(&REQUEST_STATUS),
            _ => None,
        }
    }

    /// A cell of `column` as the checks read it: for a code column, the code its word stands
    /// for (the code in any case, or its Danish word); anything else as it is.
    pub fn code_of<'a>(self, column: &str, value: &'a str) -> &'a str {
        let Some(w) = self.words(column) else { return value };
        // Codes as they are cost nothing: a million-row file mostly has them.
        if value.is_empty() || w.words.iter().any(|(code, _)| *code == value) {
            return value;
        }
        let key = word_key(value);
        w.words.iter().find(|(code, da)| *code == key || *da == key).map(|(code, _)| *code).unwrap_or(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Kind; 5] =
        [Kind::Organisations, Kind::Contacts, Kind::Agreements, Kind::Activities, Kind::RecruitmentRequests];

    #[test]
    fn every_column_has_one_danish_name_that_no_other_column_shares() {
        for kind in ALL {
            assert_eq!(kind.columns().len(), kind.danish_columns().len(), "{kind:?}");
            let mut keys = std::collections::HashMap::new();
            for (en, da) in kind.columns().iter().zip(kind.danish_columns()) {
                for name in [*en, *da] {
                    if let Some(other) = keys.insert(header_key(name), *en) {
                        assert_eq!(other, *en, "{kind:?}: {name} names both {other} and {en}");
                    }
                }
                assert_eq!(kind.column_named(en), Some(*en));
                assert_eq!(kind.column_named(da), Some(*en));
                assert_eq!(kind.column_named(&format!(" {} ", da.to_uppercase())), Some(*en));
            }
        }
    }

    #[test]
    fn headers_in_either_language_and_a_column_named_twice() {
        let h = |s: &str| s.split(',').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            read_header(Kind::Activities, &h("Kilde-id,type,Organisation,Start dato,resultat")).unwrap(),
            ["source_id", "type", "organisation_ref", "start_date", "outcome"]
        );
        let twice = read_header(Kind::Organisations, &h("ref,name,navn")).unwrap_err();
        assert_eq!(twice.errors.len(), 1);
        assert_eq!(twice.errors[0].error.code, "import.column_twice");
        assert_eq!(twice.errors[0].error.field, "name");
        assert_eq!(twice.errors[0].error.value.as_deref(), Some("name, navn"));
        let repeated = read_header(Kind::Organisations, &h("ref,name,NAME")).unwrap_err();
        assert_eq!(repeated.errors[0].error.code, "import.repeated_column");
    }

    #[test]
    fn danish_words_and_codes_in_any_case() {
        let k = Kind::RecruitmentRequests;
        assert_eq!(k.code_of("status", "filled"), "filled");
        assert_eq!(k.code_of("status", " Besat  Andetsteds "), "filled_elsewhere");
        assert_eq!(k.code_of("status", "ÅBEN"), "open");
        assert_eq!(k.code_of("status", "Open"), "open");
        assert_eq!(k.code_of("status", "lukket"), "lukket");
        assert_eq!(k.code_of("title", "åben"), "åben");
        assert_eq!(Kind::Activities.code_of("outcome", "ansat"), "hired");
    }

    #[test]
    fn every_code_has_its_word() {
        use accord_domain::Vocabulary;
        fn codes<V: Vocabulary>(w: &Words) {
            let listed: Vec<&str> = w.words.iter().map(|(c, _)| *c).collect();
            assert_eq!(listed, V::codes(), "{}", V::NAME);
        }
        codes::<accord_domain::OrgKind>(&ORG_KIND);
        codes::<accord_domain::OrgLevel>(&ORG_LEVEL);
        codes::<accord_domain::OrgStatus>(&ORG_STATUS);
        codes::<accord_domain::agreement::AgreementKind>(&AGREEMENT_KIND);
        codes::<accord_domain::agreement::AgreementStatus>(&AGREEMENT_STATUS);
        codes::<accord_domain::agreement::Side>(&SIDE);
        codes::<accord_domain::activity::ActivityOutcome>(&OUTCOME);
        codes::<accord_domain::activity::RequestStatus>(&REQUEST_STATUS);
    }
}
