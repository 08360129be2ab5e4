//! Keeps the sales rollups (`store::analytics`) up to date: paid orders and
//! refunds not yet counted, in batches, each counted once across nodes and
//! restarts; minute buckets older than they are kept for are dropped; the
//! activity counted in memory (`tally`) is written.

use crate::AppState;
use crate::error::AppResult;

pub const BATCH: i64 = 1_000;

/// Returns how many orders it counted (paid, or with new refunds).
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    flush_tally(state).await?;
    let paid = state.db.roll_up_payments(now, BATCH).await?;
    let refunded = state.db.roll_up_refunds(now, BATCH / 10).await?;
    state.db.advance_windows(now).await?;
    state.db.prune_minute_rollups(now).await?;
    state.dashboards.pass();
    Ok(paid + refunded)
}

/// Writes the activity this node counted in memory; nothing else.
pub async fn flush_tally(state: &AppState) -> AppResult<usize> {
    state.tally.flush(&state.db).await?;
    Ok(0)
}
