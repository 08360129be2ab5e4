//! Sends queued webhook deliveries, signed with the endpoint's secret, and
//! retries failures with exponential backoff until `MAX_ATTEMPTS`. Where
//! requests may go is `outbound`'s policy.

use crate::AppState;
use crate::error::AppResult;
use crate::outbound::Outcome;
use crate::payments::SIGNATURE_HEADER;
use haul_domain::signing;

pub const BATCH: i64 = 50;
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed delivery is held before another worker may retry it.
const LEASE_MS: i64 = 60_000;

/// Seconds to wait after the n-th failed attempt: 30 s, 1 min, 2 min ... 1 h.
pub fn backoff_seconds(attempts: i64) -> i64 {
    (30i64 << attempts.clamp(0, 7)).min(3600)
}

/// Returns how many deliveries it attempted.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let due = state.db.claim_due_deliveries(now, LEASE_MS, BATCH).await?;
    for d in &due {
        let signature = signing::sign(d.secret.as_bytes(), now.seconds(), d.payload.as_bytes());
        let headers = [
            ("content-type", "application/json"),
            (SIGNATURE_HEADER, signature.as_str()),
            ("haul-event", d.event_type.as_str()),
            ("haul-delivery", &d.id.to_string()),
        ];
        let outcome = state.outbound.post(&d.target_url, &headers, d.payload.clone()).await;
        let delivered = matches!(outcome, Outcome::Delivered(_));
        let attempts = d.attempts + 1;
        let retry_at = (!delivered && attempts < MAX_ATTEMPTS).then(|| now.plus_seconds(backoff_seconds(attempts)));
        state.db.record_delivery_attempt(d.id, delivered, outcome.status(), outcome.describe().as_deref(), retry_at, now).await?;
    }
    Ok(due.len())
}

#[cfg(test)]
mod tests {
    use super::backoff_seconds;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff_seconds(0), 30);
        assert_eq!(backoff_seconds(1), 60);
        assert_eq!(backoff_seconds(3), 240);
        assert_eq!(backoff_seconds(7), 3600);
        assert_eq!(backoff_seconds(50), 3600);
    }
}
