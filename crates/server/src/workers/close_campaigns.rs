//! Closes community campaigns at their cut-off: a supply order for the store
//! if the threshold is met, else every order refunded. Each close is one
//! transaction that first claims the campaign, so it happens exactly once.

use crate::AppState;
use crate::error::AppResult;

pub const BATCH: i64 = 20;

pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let mut closed = 0;
    for campaign in state.db.due_campaigns(now, BATCH).await? {
        if let Some(outcome) = state.db.close_campaign(campaign, now).await? {
            tracing::info!(campaign = campaign.get(), ?outcome, "campaign closed");
            closed += 1;
        }
    }
    Ok(closed)
}
