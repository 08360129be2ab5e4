//! Closing a team, exactly once: the status moves from `forming` with a
//! compare-and-set in the same transaction as every refund and confirmation,
//! so a crash before the commit leaves nothing done and a second run finds
//! nothing to do.

use super::TeamOffer;
use crate::orders::{release_units, transition_in};
use crate::refunds::refund_in;
use crate::{Db, Result};
use haul_domain::Timestamp;
use haul_domain::group_buy::Outcome;
use haul_domain::group_buy::TeamStatus;
use haul_domain::ids::{OrderId, ShopId, TeamId};
use haul_domain::orders::OrderStatus;
use haul_domain::orders::event_notes;
use sqlx::{Any, AssertSqlSafe, Transaction};

impl Db {
    /// Forming teams whose time is up, oldest deadline first.
    pub async fn due_teams(&self, now: Timestamp, limit: i64) -> Result<Vec<TeamId>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM teams WHERE status = 'forming' AND expires_at <= $1 ORDER BY expires_at LIMIT $2")
                .bind(now.millis())
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(|(id,)| TeamId(id)).collect())
    }

    /// Closes a team whose time is up; `None` if it was closed already.
    pub async fn close_team(&self, team: TeamId, now: Timestamp) -> Result<Option<Outcome>> {
        let mut tx = self.write.begin().await?;
        let outcome = close_in(&mut tx, team.get(), now).await?;
        tx.commit().await?;
        Ok(outcome)
    }
}

pub(crate) async fn close_in(tx: &mut Transaction<'_, Any>, team: i64, now: Timestamp) -> Result<Option<Outcome>> {
    let (offer_id, members): (i64, i64) =
        sqlx::query_as("SELECT offer_id, members FROM teams WHERE id = $1").bind(team).fetch_one(&mut **tx).await?;
    let sql = format!("{} WHERE o.id = $1", super::OFFER_SELECT);
    let offer: TeamOffer = sqlx::query_as(AssertSqlSafe(sql)).bind(offer_id).fetch_one(&mut **tx).await?;
    let outcome = offer.terms()?.outcome(members);
    let (status, final_price) = match outcome {
        Outcome::Complete { price_minor, .. } => (TeamStatus::Complete, Some(price_minor)),
        Outcome::Failed { .. } => (TeamStatus::Failed, None),
    };
    let closed = sqlx::query("UPDATE teams SET status = $1, final_price_minor = $2, closed_at = $3 WHERE id = $4 AND status = 'forming'")
        .bind(status.as_str())
        .bind(final_price)
        .bind(now.millis())
        .bind(team)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if closed == 0 {
        return Ok(None);
    }
    let orders: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, status FROM orders WHERE team_id = $1 AND status IN ('pending_payment', 'paid') ORDER BY id")
            .bind(team)
            .fetch_all(&mut **tx)
            .await?;
    for (id, order_status) in orders {
        let id = OrderId(id);
        if order_status == OrderStatus::PendingPayment.as_str() {
            // A seat nobody paid for: its unit goes back; a late payment is refunded on arrival.
            let order = transition_in(tx, id, OrderStatus::Cancelled, None, event_notes::TEAM_CLOSED_UNPAID, now).await?;
            release_units(tx, &order).await?;
            continue;
        }
        match outcome {
            Outcome::Complete { refund_each_minor, .. } => {
                if refund_each_minor > 0 {
                    refund_in(tx, id, refund_each_minor, "the team price fell as more joined", None, None, now).await?;
                }
                transition_in(tx, id, OrderStatus::Fulfilling, None, event_notes::TEAM_COMPLETE, now).await?;
            }
            Outcome::Failed { refund_each_minor } => {
                refund_in(tx, id, refund_each_minor, "the team did not fill in time", None, None, now).await?;
            }
        }
    }
    let event = if status == TeamStatus::Complete { "team.completed" } else { "team.failed" };
    let team_row: super::Team = sqlx::query_as(AssertSqlSafe(format!("SELECT {} FROM teams WHERE id = $1", super::TEAM_COLUMNS)))
        .bind(team)
        .fetch_one(&mut **tx)
        .await?;
    crate::webhooks::enqueue_for_shop(tx, ShopId(offer.shop_id), event, &team_row, now).await?;
    Ok(Some(outcome))
}
