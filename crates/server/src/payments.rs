//! Payment providers. Haul ships a sandbox provider that behaves like a real
//! one: the shopper is sent to its hosted pay page, and on "Pay" it sends a
//! signed, timestamped webhook back to Haul, which marks the order paid.

use crate::error::AppError;
use axum::http::HeaderMap;
use haul_domain::ErrorCode;
use haul_domain::{Money, Timestamp, signing};
use haul_store::orders::Order;
use haul_store::payments::Payment;
use serde::{Deserialize, Serialize};

pub const SIGNATURE_HEADER: &str = "haul-signature";

/// Where to send the shopper to pay, and the provider's reference.
pub struct Started {
    pub provider_ref: String,
    pub redirect_url: String,
}

/// A verified event from a provider.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProviderEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub provider_ref: String,
    pub amount_minor: i64,
    pub currency: String,
}

pub trait PaymentProvider: Send + Sync {
    fn name(&self) -> &'static str;
    /// A provider that moves no money: pages say so next to every price.
    fn is_sandbox(&self) -> bool {
        false
    }
    fn start(&self, order: &Order) -> Started;
    /// Checks the signature and freshness of a webhook and parses it.
    fn verify_webhook(&self, headers: &HeaderMap, body: &[u8], now: Timestamp) -> Result<ProviderEvent, AppError>;
    /// Asks the provider to send `amount` back for `payment`.
    fn refund(&self, payment: &Payment, amount: Money) -> Result<(), AppError>;
}

pub struct Sandbox {
    secret: String,
    public_url: String,
}

impl Sandbox {
    pub fn new(secret: String, public_url: String) -> Self {
        Sandbox { secret, public_url }
    }

    /// The webhook the sandbox sends when the shopper pays: body and header.
    pub fn signed_success(&self, payment: &Payment, event_id: String, now: Timestamp) -> (Vec<u8>, String) {
        let event = ProviderEvent {
            id: event_id,
            kind: "payment.succeeded".into(),
            provider_ref: payment.provider_ref.clone(),
            amount_minor: payment.amount_minor,
            currency: payment.currency.clone(),
        };
        let body = serde_json::to_vec(&event).unwrap_or_default();
        let header = signing::sign(self.secret.as_bytes(), now.seconds(), &body);
        (body, header)
    }

    pub fn webhook_url(&self) -> String {
        format!("{}/api/v1/payments/webhooks/sandbox", self.public_url)
    }
}

impl PaymentProvider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn is_sandbox(&self) -> bool {
        true
    }

    fn start(&self, _order: &Order) -> Started {
        let provider_ref = format!("sbx_{}", &crate::auth::random_token()[..24]);
        let redirect_url = format!("/sandbox/pay/{provider_ref}");
        Started { provider_ref, redirect_url }
    }

    fn verify_webhook(&self, headers: &HeaderMap, body: &[u8], now: Timestamp) -> Result<ProviderEvent, AppError> {
        let header = headers
            .get(SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| AppError::new(ErrorCode::BadSignature, "missing Haul-Signature header"))?;
        signing::verify(self.secret.as_bytes(), header, body, now.seconds())?;
        serde_json::from_slice(body).map_err(|e| AppError::new(ErrorCode::InvalidJson, e.to_string()))
    }

    fn refund(&self, _payment: &Payment, _amount: Money) -> Result<(), AppError> {
        Ok(())
    }
}
