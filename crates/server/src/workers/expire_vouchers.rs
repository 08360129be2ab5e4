//! Settles vouchers unused past their last day: refunded when their terms
//! say so, else left expired (the services layer tells their buyers).

use crate::AppState;
use crate::error::AppResult;

pub const BATCH: i64 = 100;

/// Returns how many vouchers it settled.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let settled = crate::services::vouchers::settle_expired(state, BATCH).await?;
    if settled > 0 {
        tracing::info!(settled, "settled expired vouchers");
    }
    Ok(settled)
}
