//! Cancels orders still unpaid after the payment timeout (the orders
//! service returns their stock and deal units).

use crate::AppState;
use crate::error::AppResult;

pub const BATCH: i64 = 100;

/// Returns how many orders it cancelled.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let cancelled = crate::services::orders::expire_overdue(state, BATCH).await?;
    if cancelled > 0 {
        tracing::info!(cancelled, "cancelled unpaid orders");
    }
    Ok(cancelled)
}
