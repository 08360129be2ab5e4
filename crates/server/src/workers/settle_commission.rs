//! Settles the money of creators and shops: releases commission whose
//! hold has ended, settles orders complete for the hold (the shop's part
//! becomes available), sends requested payouts (and failed ones again when their retry is
//! due), and forgets touches too old to credit any sale.

use crate::AppState;
use crate::error::AppResult;

pub const BATCH: i64 = 200;

/// Returns `(commissions released, payouts sent)`.
pub async fn run_once(state: &AppState) -> AppResult<(usize, usize)> {
    let now = state.clock.now();
    let released = state.db.release_due_commission(now, BATCH).await?;
    state.db.settle_due_orders(now, BATCH).await?;
    let sent = crate::services::earnings::send_due_payouts(state, BATCH).await?;
    let window_ms = state.db.affiliate_terms().window_ms;
    state.db.forget_touches(haul_domain::Timestamp::from_millis(now.millis().saturating_sub(window_ms))).await?;
    if released > 0 || sent > 0 {
        tracing::info!(released, sent, "settled commission");
    }
    Ok((released, sent))
}
