//! The server's one error type, for use cases, adapters and workers alike:
//! a code from the catalogue (`haul_domain::ErrorCode`) and a message for
//! people. Nothing here knows HTTP: `http.rs` gives the adapters its status
//! and body.
//! Server faults are logged in full and shown as a bare `internal_error`,
//! never with details.

use haul_domain::{DomainError, ErrorCode};
use haul_store::StoreError;

#[derive(Debug, Clone)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError { code, message: message.into() }
    }
    /// A refusal that says what its code means.
    pub fn refused(code: ErrorCode) -> Self {
        Self::new(code, code.meaning())
    }
    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "sign in first")
    }
    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "you may not do this")
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }
    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(ErrorCode::InternalError, "something went wrong on our side")
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::new(e.code(), e.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => d.into(),
            StoreError::NotFound(what) => AppError::not_found(what),
            StoreError::Conflict { code, message } => AppError::new(code, message),
            StoreError::Db(e) => AppError::internal(e),
        }
    }
}
