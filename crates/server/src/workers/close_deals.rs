//! Closes flash deals whose window has passed: units no order holds go back
//! to the SKU, and the engine drops the deal's gate. Idempotent.

use crate::AppState;
use crate::error::AppResult;
use haul_domain::deals::DealStatus;
use haul_domain::ids::DealId;

pub const BATCH: i64 = 100;

pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let mut closed = 0;
    for deal in state.db.ended_deals(state.clock.now(), BATCH).await? {
        if state.db.finish_deal(DealId(deal), DealStatus::Closed).await? {
            closed += 1;
        }
        state.deals.forget(deal).await;
    }
    Ok(closed)
}
