//! Closes team buys whose time ran out: complete if enough paid, else every
//! member refunded in full. Each close is one transaction guarded by the
//! team's status, so a restart or a second node never refunds twice.

use crate::AppState;
use crate::error::AppResult;

pub const BATCH: i64 = 100;

pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    let mut closed = 0;
    for team in state.db.due_teams(now, BATCH).await? {
        if let Some(outcome) = state.db.close_team(team, now).await? {
            tracing::info!(team = team.get(), ?outcome, "team closed");
            closed += 1;
        }
    }
    Ok(closed)
}
