//! After the cut-off: the close job (exactly once, one transaction), the
//! consolidated supply order for the store, the pickup list, arrival at the
//! pickup point, handing over against the pickup code, and the leader's
//! commission on what was collected.

use crate::orders::{ORDER_COLUMNS, Order, release_units, transition_in};
use crate::refunds::refund_in;
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::community::threshold_met;
use haul_domain::community::{CampaignItemStatus, CampaignStatus};
use haul_domain::ids::{CampaignId, OrderId, ShopId, UserId};
use haul_domain::orders::OrderStatus;
use haul_domain::orders::event_notes;
use haul_domain::page::{Page, PageRequest};
use sqlx::{Any, AssertSqlSafe, Transaction};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignOutcome {
    /// A supply order went to the store; `dropped` products were refunded.
    Succeeded { supply_order: i64, dropped: usize },
    /// Below the threshold: every paid order was refunded.
    Failed,
}

record! {
    pub struct SupplyOrder {
        pub id: i64,
        pub campaign_id: i64,
        pub shop_id: i64,
        pub community_id: i64,
        pub total_minor: i64,
        pub currency: String,
        pub created_at: i64,
        pub community_name: String,
        pub pickup_address: String,
        pub delivery_date: String,
    }
}

record! {
    pub struct SupplyLine {
        pub sku_id: i64,
        pub title: String,
        pub options: String,
        pub quantity: i64,
    }
}

record! {
    /// One resident's order at the pickup point (the code stays with the resident).
    pub struct PickupEntry {
        pub order_id: i64,
        pub buyer_name: String,
        #[schema(value_type = String)]
        pub status: OrderStatus,
        pub total_minor: i64,
        pub refunded_minor: i64,
        pub ready_at: Option<i64>,
        pub items: String,
    }
}

record! {
    struct PickupRow {
        pub order_id: i64,
        pub buyer_name: String,
        #[schema(value_type = String)]
        pub status: OrderStatus,
        pub total_minor: i64,
        pub refunded_minor: i64,
        pub ready_at: Option<i64>,
        pub title: String,
        pub quantity: i64,
    }
}

const SUPPLY_SELECT: &str = "SELECT s.id, s.campaign_id, s.shop_id, s.community_id, s.total_minor, s.currency, s.created_at, \
     c.name AS community_name, c.pickup_address, g.delivery_date FROM supply_orders s JOIN communities c ON c.id = s.community_id \
     JOIN campaigns g ON g.id = s.campaign_id";

impl Db {
    /// Open campaigns whose cut-off has come, earliest first.
    pub async fn due_campaigns(&self, now: Timestamp, limit: i64) -> Result<Vec<CampaignId>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM campaigns WHERE status = 'open' AND cutoff_at <= $1 ORDER BY cutoff_at LIMIT $2")
                .bind(now.millis())
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(|(id,)| CampaignId(id)).collect())
    }

    /// Closes a campaign at its cut-off; `None` if it was closed already or
    /// its cut-off has not come.
    pub async fn close_campaign(&self, id: CampaignId, now: Timestamp) -> Result<Option<CampaignOutcome>> {
        let mut tx = self.write.begin().await?;
        // The compare-and-set comes first: a second closer waits here, then finds nothing to do.
        let claimed =
            sqlx::query("UPDATE campaigns SET status = 'closing', closed_at = $1 WHERE id = $2 AND status = 'open' AND cutoff_at <= $1")
                .bind(now.millis())
                .bind(id.get())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if claimed == 0 {
            return Ok(None);
        }
        let outcome = close_in(&mut tx, id, now).await?;
        tx.commit().await?;
        Ok(Some(outcome))
    }

    pub async fn supply_orders_of_shop(&self, shop: ShopId, page: &PageRequest) -> Result<Page<SupplyOrder>> {
        let sql = format!("{SUPPLY_SELECT} WHERE s.shop_id = $1 AND s.id < $2 ORDER BY s.id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(shop.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |s: &SupplyOrder| s.id))
    }

    pub async fn supply_order_of_campaign(&self, id: CampaignId) -> Result<Option<(SupplyOrder, Vec<SupplyLine>)>> {
        let sql = format!("{SUPPLY_SELECT} WHERE s.campaign_id = $1");
        let Some(order): Option<SupplyOrder> = sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await? else {
            return Ok(None);
        };
        let lines = self.supply_lines(order.id).await?;
        Ok(Some((order, lines)))
    }

    pub async fn supply_lines(&self, supply_order: i64) -> Result<Vec<SupplyLine>> {
        Ok(sqlx::query_as(
            "SELECT sku_id, title, options, quantity FROM supply_order_lines WHERE supply_order_id = $1 ORDER BY title, sku_id",
        )
        .bind(supply_order)
        .fetch_all(&self.read)
        .await?)
    }

    /// Every resident's order in a campaign, by name, for the leader.
    pub async fn pickup_list(&self, id: CampaignId) -> Result<Vec<PickupEntry>> {
        let rows: Vec<PickupRow> = sqlx::query_as(
            "SELECT o.id AS order_id, u.display_name AS buyer_name, o.status, o.total_minor, o.refunded_minor, o.ready_at, l.title, l.quantity \
             FROM orders o JOIN users u ON u.id = o.buyer_id JOIN order_lines l ON l.order_id = o.id \
             WHERE o.campaign_id = $1 AND o.status <> 'cancelled' ORDER BY u.display_name, o.id, l.id",
        )
        .bind(id.get())
        .fetch_all(&self.read)
        .await?;
        let mut list: Vec<PickupEntry> = Vec::new();
        for r in rows {
            let item = format!("{} × {}", r.title, r.quantity);
            match list.last_mut() {
                Some(e) if e.order_id == r.order_id => e.items = format!("{}, {item}", e.items),
                _ => list.push(PickupEntry {
                    order_id: r.order_id,
                    buyer_name: r.buyer_name,
                    status: r.status,
                    total_minor: r.total_minor,
                    refunded_minor: r.refunded_minor,
                    ready_at: r.ready_at,
                    items: item,
                }),
            }
        }
        Ok(list)
    }

    /// The store's delivery reached the pickup point: every order in it is
    /// ready for its resident. The orders made ready.
    pub async fn mark_arrived(&self, id: CampaignId, now: Timestamp) -> Result<Vec<OrderId>> {
        let mut tx = self.write.begin().await?;
        let marked = sqlx::query("UPDATE campaigns SET arrived_at = $1 WHERE id = $2 AND status = 'succeeded' AND arrived_at IS NULL")
            .bind(now.millis())
            .bind(id.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if marked == 0 {
            return Err(StoreError::conflict(
                ErrorCode::NotAwaitingDelivery,
                "only a closed, successful campaign's delivery can arrive, once",
            ));
        }
        let orders: Vec<(i64,)> = sqlx::query_as("SELECT id FROM orders WHERE campaign_id = $1 AND status = 'fulfilling' ORDER BY id")
            .bind(id.get())
            .fetch_all(&mut *tx)
            .await?;
        for (order,) in &orders {
            transition_in(&mut tx, OrderId(*order), OrderStatus::ReadyForPickup, None, event_notes::ARRIVED_AT_PICKUP, now).await?;
            sqlx::query("UPDATE orders SET ready_at = $1 WHERE id = $2").bind(now.millis()).bind(*order).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(orders.into_iter().map(|(o,)| OrderId(o)).collect())
    }

    /// The leader hands an order over against the resident's pickup code;
    /// the order is complete, so the hold of the leader's commission on it
    /// (made when it was paid) starts.
    pub async fn verify_pickup(&self, id: CampaignId, code: &str, leader: UserId, now: Timestamp) -> Result<Order> {
        let mut tx = self.write.begin().await?;
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE campaign_id = $1 AND pickup_code = $2");
        let order: Order = sqlx::query_as(AssertSqlSafe(sql))
            .bind(id.get())
            .bind(code.trim())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::conflict(ErrorCode::PickupCodeUnknown, "no order of this campaign has that pickup code"))?;
        match order.status {
            OrderStatus::ReadyForPickup => {}
            OrderStatus::Completed => return Err(StoreError::conflict(ErrorCode::AlreadyCollected, "this order was handed over already")),
            _ => return Err(StoreError::conflict(ErrorCode::NotReadyForPickup, "this order has not arrived at the pickup point")),
        }
        let order = transition_in(&mut tx, order.order_id(), OrderStatus::Completed, Some(leader), event_notes::COLLECTED, now).await?;
        crate::webhooks::enqueue_for_shop(&mut tx, ShopId(order.shop_id), "order.completed", &order, now).await?;
        tx.commit().await?;
        Ok(order)
    }

    /// A leader's commission on the orders handed over so far, after the
    /// platform's fee and refunds: `(total, orders)` per currency.
    pub async fn leader_commission(&self, leader: UserId) -> Result<Vec<(String, i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT currency, CAST(SUM(amount_minor - reversed_minor - fee_minor + fee_reversed_minor) AS BIGINT), COUNT(DISTINCT order_id) \
             FROM commissions WHERE creator_id = $1 AND touch_kind = 'community' AND completed_at IS NOT NULL GROUP BY currency ORDER BY currency",
        )
        .bind(leader.get())
        .fetch_all(&self.read)
        .await?)
    }
}

async fn close_in(tx: &mut Transaction<'_, Any>, id: CampaignId, now: Timestamp) -> Result<CampaignOutcome> {
    let (shop, community, threshold): (i64, i64, i64) =
        sqlx::query_as("SELECT shop_id, community_id, threshold_units FROM campaigns WHERE id = $1")
            .bind(id.get())
            .fetch_one(&mut **tx)
            .await?;
    // Unpaid orders stop here; their stock goes back and a late payment is refunded on arrival.
    let unpaid: Vec<(i64,)> = sqlx::query_as("SELECT id FROM orders WHERE campaign_id = $1 AND status = 'pending_payment'")
        .bind(id.get())
        .fetch_all(&mut **tx)
        .await?;
    for (order,) in unpaid {
        let order = transition_in(tx, OrderId(order), OrderStatus::Cancelled, None, event_notes::NOT_PAID_BY_CUTOFF, now).await?;
        release_units(tx, &order).await?;
    }
    // (order, sku, title, options, unit price, quantity) of every paid order.
    let lines: Vec<(i64, i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT o.id, l.sku_id, l.title, l.options, l.unit_price_minor, l.quantity FROM orders o JOIN order_lines l ON l.order_id = o.id \
         WHERE o.campaign_id = $1 AND o.status = 'paid' ORDER BY o.id, l.id",
    )
    .bind(id.get())
    .fetch_all(&mut **tx)
    .await?;
    let items: Vec<(i64, i64)> = sqlx::query_as("SELECT sku_id, threshold_units FROM campaign_items WHERE campaign_id = $1")
        .bind(id.get())
        .fetch_all(&mut **tx)
        .await?;
    let mut units: BTreeMap<i64, i64> = BTreeMap::new();
    for l in &lines {
        *units.entry(l.1).or_default() += l.5;
    }
    let kept = |sku: i64| items.iter().any(|(s, t)| *s == sku && threshold_met(units.get(&sku).copied().unwrap_or(0), *t));
    let kept_units: i64 = units.iter().filter(|(sku, _)| kept(**sku)).map(|(_, u)| *u).sum();
    let succeeded = kept_units > 0 && threshold_met(units.values().sum(), threshold);
    for (sku, _) in &items {
        sqlx::query("UPDATE campaign_items SET status = $1 WHERE campaign_id = $2 AND sku_id = $3")
            .bind(if succeeded && kept(*sku) { CampaignItemStatus::Kept } else { CampaignItemStatus::Dropped }.as_str())
            .bind(id.get())
            .bind(*sku)
            .execute(&mut **tx)
            .await?;
    }
    // What each paid order gets back: everything if the campaign failed, else its dropped lines.
    let mut refunds: BTreeMap<i64, i64> = BTreeMap::new();
    for (order, sku, _, _, price, quantity) in &lines {
        let back = refunds.entry(*order).or_default();
        if !succeeded || !kept(*sku) {
            *back += price * quantity;
        }
    }
    for (order, back) in &refunds {
        let order = OrderId(*order);
        if *back > 0 {
            let reason = if succeeded { "a product did not reach its threshold" } else { "the campaign did not reach its threshold" };
            let refunded = refund_in(tx, order, *back, reason, None, None, now).await?;
            if refunded.status == OrderStatus::Refunded {
                continue;
            }
            // A partial refund keeps the order: the dropped lines' units go back by hand.
            for (_, sku, _, _, _, quantity) in lines.iter().filter(|l| l.0 == order.get() && !kept(l.1)) {
                sqlx::query("UPDATE skus SET stock = stock + $1 WHERE id = $2").bind(*quantity).bind(*sku).execute(&mut **tx).await?;
            }
        }
        transition_in(tx, order, OrderStatus::Fulfilling, None, event_notes::CAMPAIGN_CLOSED, now).await?;
    }
    let outcome = if succeeded {
        let (currency,): (String,) = sqlx::query_as("SELECT currency FROM shops WHERE id = $1").bind(shop).fetch_one(&mut **tx).await?;
        let total: i64 = lines.iter().filter(|l| kept(l.1)).map(|l| l.4 * l.5).sum();
        let (supply,): (i64,) = sqlx::query_as(
            "INSERT INTO supply_orders (campaign_id, shop_id, community_id, total_minor, currency, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(id.get())
        .bind(shop)
        .bind(community)
        .bind(total)
        .bind(currency)
        .bind(now.millis())
        .fetch_one(&mut **tx)
        .await?;
        for (sku, quantity) in units.iter().filter(|(sku, _)| kept(**sku)) {
            let Some(l) = lines.iter().find(|l| l.1 == *sku) else { continue };
            sqlx::query("INSERT INTO supply_order_lines (supply_order_id, sku_id, title, options, quantity) VALUES ($1, $2, $3, $4, $5)")
                .bind(supply)
                .bind(*sku)
                .bind(&l.2)
                .bind(&l.3)
                .bind(*quantity)
                .execute(&mut **tx)
                .await?;
        }
        CampaignOutcome::Succeeded { supply_order: supply, dropped: items.iter().filter(|(s, _)| !kept(*s)).count() }
    } else {
        CampaignOutcome::Failed
    };
    let status = if succeeded { CampaignStatus::Succeeded } else { CampaignStatus::Failed }.as_str();
    sqlx::query("UPDATE campaigns SET status = $1 WHERE id = $2").bind(status).bind(id.get()).execute(&mut **tx).await?;
    let event = serde_json::json!({ "campaign_id": id.get(), "status": status, "units": units.values().sum::<i64>() });
    crate::webhooks::enqueue_for_shop(tx, ShopId(shop), "campaign.closed", &event, now).await?;
    Ok(outcome)
}
