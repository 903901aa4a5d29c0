use serde::Serialize;

/// One problem with one input field. `code` is a message key (translated by the UI);
/// `value` is what was given, so the message can name it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub value: Option<String>,
    /// Where the record the message is about can be seen (a duplicate's page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// The organisations a typed name matched when it matched several: the form offers them
    /// to choose from. The API's body names the field only.
    #[serde(skip)]
    pub choices: Option<OrgChoices>,
}

/// Organisations a form may offer in place of an ambiguous name: the first of them and how
/// many matched in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgChoices {
    pub total: u64,
    pub orgs: Vec<OrgChoice>,
}

/// One organisation offered by name, with what tells it apart from others of a like name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgChoice {
    #[serde(rename = "ref")]
    pub r#ref: String,
    pub name: String,
    pub cvr: Option<String>,
    pub city: Option<String>,
}

/// Every problem found in one submission, in the order the fields were checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, code: &str, value: Option<&str>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            value: value.map(str::to_owned),
            link: None,
            choices: None,
        });
    }

    /// Adds an error for a name that matched several organisations, offering them.
    pub fn add_choices(&mut self, field: &str, code: &str, value: &str, choices: OrgChoices) {
        self.add(field, code, Some(value));
        if let Some(last) = self.0.last_mut() {
            last.choices = Some(choices);
        }
    }

    /// Adds an error that points at another record.
    pub fn add_link(&mut self, field: &str, code: &str, value: Option<&str>, link: String) {
        self.add(field, code, value);
        if let Some(last) = self.0.last_mut() {
            last.link = Some(link);
        }
    }

    /// Records the error of a parse and returns the parsed value, if any.
    pub fn take<T>(&mut self, field: &str, value: &str, parsed: Result<T, &'static str>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(code) => {
                self.add(field, code, Some(value));
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    pub fn single(field: &str, code: &str, value: Option<&str>) -> Self {
        let mut e = Self::new();
        e.add(field, code, value);
        e
    }

    /// `Ok(())` when nothing was recorded.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}
