use accord_domain::FieldErrors;

/// Everything a use case can answer besides success. The web layer renders each as an HTML
/// page or a JSON body with a fitting status.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The record changed since the caller read it. `current` is the record as stored now;
    /// `changed` names the fields that differ from what the caller last saw.
    #[error("the record was changed by someone else")]
    Conflict { current: serde_json::Value, changed: Vec<String> },
    #[error("too many attempts")]
    RateLimited,
    /// The storage below the use cases failed. The database's own error is kept as the
    /// source, for the log, without its type becoming part of the use cases' interface.
    #[error("database error: {0}")]
    Storage(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, code: &str, value: Option<&str>) -> Self {
        AppError::Invalid(FieldErrors::single(field, code, value))
    }
}

impl From<accord_db::DbErr> for AppError {
    fn from(e: accord_db::DbErr) -> Self {
        AppError::Storage(Box::new(e))
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}
