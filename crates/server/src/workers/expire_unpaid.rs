//! Cancels orders still unpaid after the payment timeout and returns their
//! stock. Safe to run twice: the transition checks the status it leaves.

use crate::AppState;
use crate::error::ApiResult;
use haul_domain::orders::OrderStatus;
use haul_store::StoreError;

pub const BATCH: i64 = 100;

/// Returns how many orders it cancelled.
pub async fn run_once(state: &AppState) -> ApiResult<usize> {
    let now = state.clock.now();
    let mut cancelled = 0;
    for id in state.db.overdue_unpaid_orders(now, BATCH).await? {
        match state.db.transition_order(id, OrderStatus::Cancelled, None, "not paid in time", now).await {
            Ok(order) => {
                state.deals.released(&order).await?;
                cancelled += 1;
            }
            // Paid or cancelled meanwhile: nothing to do.
            Err(StoreError::Domain(_) | StoreError::Conflict { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if cancelled > 0 {
        tracing::info!(cancelled, "cancelled unpaid orders");
    }
    Ok(cancelled)
}
