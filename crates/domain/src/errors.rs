use serde::Serialize;

/// One problem with one input field. `code` is a message key (translated by the UI);
/// `value` is what was given, so the message can name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub value: Option<String>,
    /// Where the record the message is about can be seen (a duplicate's page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
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
        });
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
