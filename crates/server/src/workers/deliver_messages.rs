//! Sends the outbox's mail and SMS, retrying failures with the webhooks'
//! backoff until `MAX_ATTEMPTS`, and forgets what was sent a week ago (the
//! outbox holds codes and links, which should not outlive their use).

use super::deliver_webhooks::backoff_seconds;
use crate::AppState;
use crate::error::AppResult;

pub const BATCH: i64 = 50;
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed message is held before another worker may retry it:
/// longer than a batch can take (50 sends that each time out at 20 s).
const LEASE_MS: i64 = 20 * 60_000;
const KEEP_SECONDS: i64 = 7 * 86_400;

/// Returns how many messages it attempted.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let due = state.db.claim_due_messages(now, LEASE_MS, BATCH).await?;
    for m in &due {
        let outcome = match m.channel.as_str() {
            "email" => state.mailer.send(m).await,
            "sms" => state.sms.send(m).await,
            other => Err(format!("no way to send `{other}`")),
        };
        let attempts = m.attempts + 1;
        let error = outcome.err();
        if let Some(e) = &error {
            tracing::warn!(id = m.id, channel = %m.channel, attempts, error = %e, "a message was not sent");
        }
        let retry_at = (error.is_some() && attempts < MAX_ATTEMPTS).then(|| now.plus_seconds(backoff_seconds(attempts)));
        state.db.record_message_attempt(m.id, error.as_deref(), retry_at, now).await?;
    }
    Ok(due.len())
}

/// Forgets messages and codes whose use is over.
pub async fn tidy(state: &AppState) -> AppResult<()> {
    let now = state.clock.now();
    state.db.delete_old_messages(now.plus_seconds(-KEEP_SECONDS)).await?;
    state.db.delete_old_codes(now).await?;
    Ok(())
}
