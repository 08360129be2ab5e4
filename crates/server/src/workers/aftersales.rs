//! Decides after-sales cases whose deadline passed with nobody acting
//! (`domain::aftersales`: a merchant silent for 48 hours accepts, a return
//! not sent in 5 days closes, a returned item not confirmed in 8 days is
//! refunded), on the injected clock.

use crate::AppState;
use crate::error::AppResult;

pub const BATCH: i64 = 100;

/// Returns how many cases it decided.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let decided = crate::services::aftersales::run_deadlines(state, BATCH).await?;
    if decided > 0 {
        tracing::info!(decided, "after-sales deadlines passed");
    }
    Ok(decided)
}
