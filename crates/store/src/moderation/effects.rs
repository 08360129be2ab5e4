//! What an operator's decision does to the thing decided on. A suspended
//! shop stops selling at once: its team offers are withdrawn, its forming
//! teams and open campaigns fail with every payment refunded (paid ordinary
//! orders go on to fulfilment); its deals and live rooms are handed back to
//! the caller, which holds their live state; its commission plans pause.

use super::Decision;
use crate::orders::{release_units, transition_in};
use crate::refunds::refund_in;
use crate::{Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::ids::OrderId;
use haul_domain::moderation::{OperatorAction, Subject};
use haul_domain::orders::OrderStatus;
use sqlx::{Any, AssertSqlSafe, Transaction};

/// Why orders of a suspended shop's team buys and campaigns were refunded.
pub const SHOP_SUSPENDED: &str = "the shop was suspended by the platform";

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Effects {
    /// Whether the thing changed (taking down what is down already changes nothing).
    pub changed: bool,
    pub orders_refunded: usize,
    pub orders_cancelled: usize,
    pub teams_failed: usize,
    pub campaigns_failed: usize,
    /// Deals to cancel and live rooms to end: done by the caller.
    pub deals_to_cancel: Vec<i64>,
    pub rooms_to_end: Vec<i64>,
    pub sessions_ended: u64,
    /// Commission plans paused (a suspended shop) or resumed (reinstated).
    pub plans_paused: u64,
    pub plans_resumed: u64,
}

pub(super) async fn apply(tx: &mut Transaction<'_, Any>, d: &Decision<'_>) -> Result<Effects> {
    use OperatorAction as A;
    use Subject as S;
    if !exists(tx, d.subject, d.subject_id).await? {
        return Err(StoreError::NotFound("reported thing"));
    }
    let id = d.subject_id;
    let now = d.now.millis();
    let mut effects = Effects::default();
    effects.changed = match (d.action, d.subject) {
        (A::Dismiss, _) => false,
        (A::TakeDown, S::Video) => set(tx, "UPDATE videos SET status = 'removed' WHERE id = $1 AND status = 'published'", id).await?,
        (A::Restore, S::Video) => set(tx, "UPDATE videos SET status = 'published' WHERE id = $1 AND status = 'removed'", id).await?,
        (A::TakeDown, S::Note) => set(tx, "UPDATE notes SET status = 'removed' WHERE id = $1 AND status = 'published'", id).await?,
        (A::Restore, S::Note) => set(tx, "UPDATE notes SET status = 'published' WHERE id = $1 AND status = 'removed'", id).await?,
        (A::TakeDown, S::Product) => set(tx, "UPDATE products SET status = 'removed' WHERE id = $1 AND status <> 'removed'", id).await?,
        (A::Restore, S::Product) => set(tx, "UPDATE products SET status = 'active' WHERE id = $1 AND status = 'removed'", id).await?,
        (A::TakeDown | A::Restore, S::Comment | S::NoteComment | S::Review) => {
            let (table, column) = match d.subject {
                S::Comment => ("video_comments", "removed_at"),
                S::NoteComment => ("note_comments", "removed_at"),
                _ => ("reviews", "hidden_at"),
            };
            let (value, guard) = if d.action == A::TakeDown { ("$2", "IS NULL") } else { ("NULL", "IS NOT NULL") };
            let sql = format!("UPDATE {table} SET {column} = {value} WHERE id = $1 AND {column} {guard}");
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(id);
            if d.action == A::TakeDown {
                q = q.bind(now);
            }
            q.execute(&mut **tx).await?.rows_affected() > 0
        }
        (A::TakeDown, S::LiveRoom) => {
            let (status,): (String,) = sqlx::query_as("SELECT status FROM live_rooms WHERE id = $1").bind(id).fetch_one(&mut **tx).await?;
            if status != "ended" {
                effects.rooms_to_end.push(id);
            }
            status != "ended"
        }
        (A::Restore, S::LiveRoom) => {
            return Err(StoreError::conflict(ErrorCode::NotRestorable, "an ended live room stays ended"));
        }
        (A::TakeDown | A::SuspendShop | A::RejectShop, S::Shop) => {
            let to = if d.action == A::RejectShop { "rejected" } else { "suspended" };
            let changed = sqlx::query("UPDATE shops SET status = $1 WHERE id = $2 AND status IN ('pending', 'active')")
                .bind(to)
                .bind(id)
                .execute(&mut **tx)
                .await?
                .rows_affected()
                > 0;
            if changed {
                stop_selling(tx, id, d, &mut effects).await?;
            }
            changed
        }
        (A::Restore | A::ReinstateShop | A::ApproveShop, S::Shop) => {
            let from = if d.action == A::ApproveShop { "('pending', 'rejected')" } else { "('suspended', 'rejected')" };
            let sql = format!("UPDATE shops SET status = 'active' WHERE id = $1 AND status IN {from}");
            let changed = sqlx::query(AssertSqlSafe(sql)).bind(id).execute(&mut **tx).await?.rows_affected() > 0;
            if changed {
                effects.plans_resumed = crate::affiliate::pause_plans(tx, id, false).await?;
            }
            changed
        }
        (A::TakeDown | A::SuspendUser, S::User) => {
            let changed = sqlx::query("UPDATE users SET suspended_at = $1 WHERE id = $2 AND suspended_at IS NULL AND role <> 'operator'")
                .bind(now)
                .bind(id)
                .execute(&mut **tx)
                .await?
                .rows_affected()
                > 0;
            if changed {
                effects.sessions_ended =
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut **tx).await?.rows_affected();
                effects.rooms_to_end = ids(tx, "SELECT id FROM live_rooms WHERE host_id = $1 AND status <> 'ended'", id).await?;
            }
            changed
        }
        (A::Restore | A::ReinstateUser, S::User) => {
            set(tx, "UPDATE users SET suspended_at = NULL WHERE id = $1 AND suspended_at IS NOT NULL", id).await?
        }
        (action, subject) => {
            return Err(haul_domain::DomainError::invalid("action", format!("{action} does not apply to a {subject}")).into());
        }
    };
    Ok(effects)
}

async fn exists(tx: &mut Transaction<'_, Any>, subject: Subject, id: i64) -> Result<bool> {
    let Some((table, _)) = super::subject_table(subject) else { return Ok(false) };
    let sql = format!("SELECT 1 FROM {table} WHERE id = $1");
    Ok(sqlx::query_as::<_, (i32,)>(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await?.is_some())
}

/// Runs a one-row update by id; whether it changed anything.
async fn set(tx: &mut Transaction<'_, Any>, sql: &'static str, id: i64) -> Result<bool> {
    Ok(sqlx::query(sql).bind(id).execute(&mut **tx).await?.rows_affected() > 0)
}

async fn ids(tx: &mut Transaction<'_, Any>, sql: &'static str, id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(sql).bind(id).fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A shop stops selling: offers withdrawn, its team buys and campaigns in
/// progress fail with their money back, its deals and rooms listed for the
/// caller to stop.
async fn stop_selling(tx: &mut Transaction<'_, Any>, shop: i64, d: &Decision<'_>, effects: &mut Effects) -> Result<()> {
    sqlx::query("UPDATE team_offers SET status = 'withdrawn' WHERE shop_id = $1 AND status = 'active'")
        .bind(shop)
        .execute(&mut **tx)
        .await?;
    let teams =
        "SELECT t.id FROM teams t JOIN team_offers o ON o.id = t.offer_id WHERE o.shop_id = $1 AND t.status IN ('opening', 'forming')";
    effects.teams_failed = fail_groups(tx, teams, "teams", "team_id", shop, d, effects).await?;
    let campaigns = "SELECT id FROM campaigns WHERE shop_id = $1 AND status = 'open'";
    effects.campaigns_failed = fail_groups(tx, campaigns, "campaigns", "campaign_id", shop, d, effects).await?;
    // Unpaid ordinary orders cannot be paid any more: cancelled, stock back.
    for order in ids(tx, "SELECT id FROM orders WHERE shop_id = $1 AND status = 'pending_payment' ORDER BY id", shop).await? {
        let cancelled = transition_in(tx, OrderId(order), OrderStatus::Cancelled, None, SHOP_SUSPENDED, d.now).await?;
        release_units(tx, &cancelled).await?;
        effects.orders_cancelled += 1;
    }
    effects.plans_paused = crate::affiliate::pause_plans(tx, shop, true).await?;
    effects.deals_to_cancel = ids(tx, "SELECT id FROM flash_deals WHERE shop_id = $1 AND status = 'active'", shop).await?;
    effects.rooms_to_end = ids(tx, "SELECT id FROM live_rooms WHERE shop_id = $1 AND status <> 'ended'", shop).await?;
    Ok(())
}

/// Fails the shop's groups (teams or campaigns) in progress and gives their
/// orders back; how many.
async fn fail_groups(
    tx: &mut Transaction<'_, Any>,
    in_progress: &'static str,
    table: &'static str,
    order_column: &'static str,
    shop: i64,
    d: &Decision<'_>,
    effects: &mut Effects,
) -> Result<usize> {
    let groups = ids(tx, in_progress, shop).await?;
    let fail = format!("UPDATE {table} SET status = 'failed', closed_at = $1 WHERE id = $2");
    for group in &groups {
        sqlx::query(AssertSqlSafe(fail.clone())).bind(d.now.millis()).bind(group).execute(&mut **tx).await?;
        give_back(tx, order_column, *group, d, effects).await?;
    }
    Ok(groups.len())
}

/// The orders of a failed team or campaign: unpaid ones cancelled (their
/// units back), paid ones refunded in full.
async fn give_back(tx: &mut Transaction<'_, Any>, column: &'static str, id: i64, d: &Decision<'_>, effects: &mut Effects) -> Result<()> {
    let sql = format!("SELECT id, status FROM orders WHERE {column} = $1 AND status IN ('pending_payment', 'paid') ORDER BY id");
    let orders: Vec<(i64, String)> = sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_all(&mut **tx).await?;
    for (order, status) in orders {
        let order = OrderId(order);
        if status == OrderStatus::PendingPayment.as_str() {
            let cancelled = transition_in(tx, order, OrderStatus::Cancelled, None, SHOP_SUSPENDED, d.now).await?;
            release_units(tx, &cancelled).await?;
            effects.orders_cancelled += 1;
        } else {
            let (total, refunded): (i64, i64) = sqlx::query_as("SELECT total_minor, refunded_minor FROM orders WHERE id = $1")
                .bind(order.get())
                .fetch_one(&mut **tx)
                .await?;
            refund_in(tx, order, total - refunded, SHOP_SUSPENDED, None, None, d.now).await?;
            effects.orders_refunded += 1;
        }
    }
    Ok(())
}
