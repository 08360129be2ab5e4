//! What the store can answer besides a result.

use haul_domain::{DomainError, ErrorCode};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// A rule refused the change; nothing was written.
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness or state conflict; the code is stable for clients.
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

impl StoreError {
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        StoreError::Conflict { code, message: message.into() }
    }

    /// A conflict that says what its code means.
    pub fn refused(code: ErrorCode) -> Self {
        Self::conflict(code, code.meaning())
    }
}

/// Whether a database error is a unique-constraint violation, on either backend.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => matches!(d.kind(), sqlx::error::ErrorKind::UniqueViolation) || d.code().as_deref() == Some("2067"),
        _ => false,
    }
}
