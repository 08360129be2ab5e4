//! A delivery's address, its shipment and its receipt.

use super::{ORDER_COLUMNS, Order, address_json, order_in, transition_in};
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::delivery::Address;
use haul_domain::ids::{OrderId, ShopId, UserId};
use haul_domain::orders::OrderStatus;
use sqlx::AssertSqlSafe;

/// A shipment as the shop or its partner reports it.
pub struct Shipment<'a> {
    pub carrier: &'a str,
    pub tracking_no: Option<&'a str>,
    pub actor: Option<UserId>,
    /// Why the order moved to fulfilling, when it ships straight from paid.
    pub prepared_note: &'a str,
    pub note: &'a str,
}

impl Db {
    /// `(order, buyer)` of deliveries shipped before `before` and not yet
    /// confirmed, oldest first.
    pub async fn unconfirmed_deliveries(&self, before: Timestamp, limit: i64) -> Result<Vec<(OrderId, UserId)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, buyer_id FROM orders WHERE status = 'shipped' AND fulfilment = 'delivery' AND shipped_at <= $1 ORDER BY shipped_at LIMIT $2",
        )
        .bind(before.millis())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        Ok(rows.into_iter().map(|(id, buyer)| (OrderId(id), UserId(buyer))).collect())
    }

    /// Sets where a delivery goes, while it has not shipped. Before payment
    /// the shop's fee for the new address replaces the old one in the total;
    /// after payment the address may change only to one with the same fee.
    pub async fn set_order_address(&self, id: OrderId, to: &Address, now: Timestamp) -> Result<Order> {
        let mut tx = self.write.begin().await?;
        let order = order_in(&mut tx, id).await?;
        if !order.fulfilment.address_open(order.status) {
            return Err(StoreError::conflict(ErrorCode::AlreadyShipped, "the order has shipped; its address can no longer change"));
        }
        // Deals, team buys and campaigns ship free.
        let free = order.deal_id.or(order.team_id).or(order.campaign_id).is_some();
        let fee = if free {
            0
        } else {
            crate::delivery::shipping_in(&mut tx, ShopId(order.shop_id))
                .await?
                .rates()
                .fee_to(order.total_minor - order.shipping_minor, Some(to))
        };
        if fee != order.shipping_minor && order.status != OrderStatus::PendingPayment {
            return Err(StoreError::conflict(
                ErrorCode::AddressChangesFee,
                "after payment the address can change only to one with the same delivery fee",
            ));
        }
        let sql = format!(
            "UPDATE orders SET ship_to = $1, shipping_minor = $2, total_minor = $3, updated_at = $4 WHERE id = $5 AND status = $6 RETURNING {ORDER_COLUMNS}"
        );
        let updated = sqlx::query_as(AssertSqlSafe(sql))
            .bind(address_json(to))
            .bind(fee)
            .bind(order.total_minor - order.shipping_minor + fee)
            .bind(now.millis())
            .bind(id.get())
            .bind(order.status.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::conflict(ErrorCode::OrderChanged, "the order changed meanwhile; reload and try again"))?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Ships a paid delivery (preparing it first if the shop had not said
    /// so), keeping the carrier and tracking number.
    pub async fn ship_order(&self, id: OrderId, s: Shipment<'_>, now: Timestamp) -> Result<Order> {
        let mut tx = self.write.begin().await?;
        if order_in(&mut tx, id).await?.status == OrderStatus::Paid {
            super::check_group_closed(&mut tx, id).await?;
            transition_in(&mut tx, id, OrderStatus::Fulfilling, s.actor, s.prepared_note, now).await?;
        }
        transition_in(&mut tx, id, OrderStatus::Shipped, s.actor, s.note, now).await?;
        let sql = format!("UPDATE orders SET carrier = $1, tracking_no = $2, shipped_at = $3 WHERE id = $4 RETURNING {ORDER_COLUMNS}");
        let shipped: Order = sqlx::query_as(AssertSqlSafe(sql))
            .bind(s.carrier)
            .bind(s.tracking_no)
            .bind(now.millis())
            .bind(id.get())
            .fetch_one(&mut *tx)
            .await?;
        crate::webhooks::enqueue_for_shop(&mut tx, ShopId(shipped.shop_id), "order.shipped", &shipped, now).await?;
        tx.commit().await?;
        Ok(shipped)
    }

    /// The parcel arrived (as its buyer says, or as time says): the order
    /// is completed.
    pub async fn confirm_received(&self, id: OrderId, buyer: UserId, note: &str, now: Timestamp) -> Result<Order> {
        let mut tx = self.write.begin().await?;
        transition_in(&mut tx, id, OrderStatus::Completed, Some(buyer), note, now).await?;
        let sql = format!("UPDATE orders SET received_at = $1 WHERE id = $2 RETURNING {ORDER_COLUMNS}");
        let done: Order = sqlx::query_as(AssertSqlSafe(sql)).bind(now.millis()).bind(id.get()).fetch_one(&mut *tx).await?;
        crate::webhooks::enqueue_for_shop(&mut tx, ShopId(done.shop_id), "order.completed", &done, now).await?;
        tx.commit().await?;
        Ok(done)
    }
}
