//! The rules' refusals. Each has a stable snake_case code that clients match
//! on; the message is for people and may change.

use crate::ErrorCode;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    /// A field failed validation; `field` names it.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("not enough stock: {available} left, {requested} requested")]
    OutOfStock { available: i64, requested: i64 },
    #[error("an order cannot go from {from} to {to}")]
    IllegalTransition { from: &'static str, to: &'static str },
    #[error("currencies differ: {0} and {1}")]
    CurrencyMismatch(String, String),
    #[error("refund of {requested} exceeds the {refundable} still refundable")]
    RefundTooLarge { requested: i64, refundable: i64 },
    #[error("the ledger transaction does not balance")]
    Unbalanced,
    #[error("amount out of range")]
    AmountOutOfRange,
    #[error("signature is invalid")]
    BadSignature,
    #[error("signature timestamp is outside the allowed window")]
    StaleSignature,
}

impl DomainError {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        DomainError::Invalid { field, reason: reason.into() }
    }

    /// The machine-readable code shown to clients.
    pub fn code(&self) -> ErrorCode {
        match self {
            DomainError::Invalid { .. } => ErrorCode::ValidationFailed,
            DomainError::OutOfStock { .. } => ErrorCode::OutOfStock,
            DomainError::IllegalTransition { .. } => ErrorCode::IllegalTransition,
            DomainError::CurrencyMismatch(..) => ErrorCode::CurrencyMismatch,
            DomainError::RefundTooLarge { .. } => ErrorCode::RefundTooLarge,
            DomainError::Unbalanced => ErrorCode::LedgerUnbalanced,
            DomainError::AmountOutOfRange => ErrorCode::AmountOutOfRange,
            DomainError::BadSignature => ErrorCode::BadSignature,
            DomainError::StaleSignature => ErrorCode::StaleSignature,
        }
    }
}
