//! Completes deliveries whose buyers never confirmed receipt, once
//! `auto_receive_days` have passed since they shipped (as the big platforms
//! do), so a shipped order does not wait for ever.

use crate::AppState;
use crate::error::AppResult;

pub const BATCH: i64 = 100;

/// Returns how many orders it completed.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let completed = crate::services::delivery::confirm_overdue(state, BATCH).await?;
    if completed > 0 {
        tracing::info!(completed, "completed deliveries nobody confirmed");
    }
    Ok(completed)
}
