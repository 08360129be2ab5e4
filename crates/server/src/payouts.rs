//! Payout providers: they send creators their money. Haul ships a sandbox
//! provider that behaves like a real one: it takes a payout, answers later
//! with a signed, timestamped callback to Haul (paid, or failed), and takes
//! the same payout again when Haul retries it.

use crate::error::AppError;
use axum::http::HeaderMap;
use haul_domain::ErrorCode;
use haul_domain::{Timestamp, signing};
use haul_store::affiliate::Payout;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU32, Ordering};

/// The provider's answer about one payout.
#[derive(Debug, Serialize, Deserialize)]
pub struct PayoutEvent {
    pub id: String,
    pub provider_ref: String,
    /// `paid` or `failed`.
    pub outcome: String,
    #[serde(default)]
    pub reason: String,
}

pub trait PayoutProvider: Send + Sync {
    fn name(&self) -> &'static str;
    /// Hands a payout over; the outcome arrives later as a callback. An
    /// error is a refusal on the spot, retried like a failure.
    fn send(&self, payout: &Payout, http: &reqwest::Client, now: Timestamp) -> Result<(), String>;
    /// Checks a callback's signature and freshness and parses it.
    fn verify_callback(&self, headers: &HeaderMap, body: &[u8], now: Timestamp) -> Result<PayoutEvent, AppError>;
}

pub struct SandboxPayouts {
    secret: String,
    callback_url: String,
    /// The next sends that will fail at the provider (for tests and demos
    /// of the retry).
    failing: AtomicU32,
}

impl SandboxPayouts {
    pub fn new(secret: String, public_url: &str) -> Self {
        SandboxPayouts { secret, callback_url: format!("{public_url}/api/v1/payouts/webhooks/sandbox"), failing: AtomicU32::new(0) }
    }

    /// Makes the next `n` payouts fail at the provider.
    pub fn fail_next(&self, n: u32) {
        self.failing.store(n, Ordering::SeqCst);
    }

    fn outcome(&self) -> (&'static str, &'static str) {
        let failed = self.failing.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
        if failed { ("failed", "the receiving account refused the transfer") } else { ("paid", "") }
    }
}

impl PayoutProvider for SandboxPayouts {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn send(&self, payout: &Payout, http: &reqwest::Client, now: Timestamp) -> Result<(), String> {
        let (outcome, reason) = self.outcome();
        let event = PayoutEvent {
            id: format!("pevt_{}", &crate::auth::random_token()[..24]),
            provider_ref: payout.provider_ref.clone(),
            outcome: outcome.into(),
            reason: reason.into(),
        };
        let body = serde_json::to_vec(&event).map_err(|e| e.to_string())?;
        let signature = signing::sign(self.secret.as_bytes(), now.seconds(), &body);
        let request = http
            .post(&self.callback_url)
            .header("content-type", "application/json")
            .header(crate::payments::SIGNATURE_HEADER, signature)
            .body(body);
        // The answer comes later, as a real provider's would.
        tokio::spawn(async move {
            if let Err(e) = request.send().await {
                tracing::warn!(error = %e, "the sandbox could not call back about a payout");
            }
        });
        Ok(())
    }

    fn verify_callback(&self, headers: &HeaderMap, body: &[u8], now: Timestamp) -> Result<PayoutEvent, AppError> {
        let header = headers
            .get(crate::payments::SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| AppError::new(ErrorCode::BadSignature, "missing Haul-Signature header"))?;
        signing::verify(self.secret.as_bytes(), header, body, now.seconds())?;
        serde_json::from_slice(body).map_err(|e| AppError::new(ErrorCode::InvalidJson, e.to_string()))
    }
}
