//! Refunds: a shop's refund of a paid order, and the refunds that closing a
//! team or a campaign makes inside its own transaction.

use crate::orders::{ORDER_COLUMNS, Order, release_units, transition_in};
use crate::record::stored;
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::ids::{OrderId, ShopId, UserId};
use haul_domain::ledger;
use haul_domain::orders::OrderStatus;
use haul_domain::{Currency, DomainError, Money, Timestamp};
use sqlx::AssertSqlSafe;

record! {
    pub struct Refund {
        pub id: i64,
        pub order_id: i64,
        pub amount_minor: i64,
        pub currency: String,
        pub reason: String,
        pub created_at: i64,
    }
}

impl Db {
    pub async fn refunds_of_order(&self, order: OrderId) -> Result<Vec<Refund>> {
        Ok(sqlx::query_as("SELECT id, order_id, amount_minor, currency, reason, created_at FROM refunds WHERE order_id = $1 ORDER BY id")
            .bind(order.get())
            .fetch_all(&self.read)
            .await?)
    }

    /// Refunds part or all of a paid order. A full refund moves the order to
    /// `refunded`; if it had not shipped yet, its stock comes back.
    pub async fn refund_order(&self, id: OrderId, amount_minor: i64, reason: &str, actor: UserId, now: Timestamp) -> Result<Order> {
        let mut tx = self.write.begin().await?;
        let order = refund_in(&mut tx, id, amount_minor, reason, Some(actor), None, now).await?;
        tx.commit().await?;
        Ok(order)
    }
}

/// A refund inside the caller's transaction, so that a job closing a team or
/// a campaign refunds everyone or no one.
pub(crate) async fn refund_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: OrderId,
    amount_minor: i64,
    reason: &str,
    actor: Option<UserId>,
    line: Option<i64>,
    now: Timestamp,
) -> Result<Order> {
    type Row = (String, i64, i64, String, i64, Option<i64>, i64, i64);
    let (status, total, refunded, currency, shop_id, settled_at, subsidy, shipping): Row = sqlx::query_as(
        "SELECT status, total_minor, refunded_minor, currency, shop_id, settled_at, platform_discount_minor, shipping_minor FROM orders WHERE id = $1",
    )
        .bind(id.get())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("order"))?;
    let status = stored(OrderStatus::parse(&status))?;
    if !status.is_paid() {
        return Err(StoreError::conflict(ErrorCode::OrderNotPaid, "only a paid order can be refunded"));
    }
    ledger::check_refund(total, refunded, amount_minor)?;
    let (payment, provider): (i64, String) =
        sqlx::query_as("SELECT id, provider FROM payments WHERE order_id = $1 AND status = 'succeeded' ORDER BY id LIMIT 1")
            .bind(id.get())
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound("payment"))?;
    let amount = Money { minor: amount_minor, currency: Currency::parse(&currency)? };
    insert_refund(tx, id, payment, amount, reason, line, now).await?;
    let shop = ShopId(shop_id);
    crate::ledger::post(tx, &ledger::refund(&provider, shop, settled_at.is_some(), amount)?, Some(id.get()), now).await?;
    let back = ledger::subsidy_back(subsidy, total - shipping, refunded, amount_minor);
    if back > 0 {
        let back = Money { minor: back, currency: amount.currency };
        crate::ledger::post(tx, &ledger::coupon_subsidy_reversed(shop, settled_at.is_some(), back)?, Some(id.get()), now).await?;
    }
    let updated =
        sqlx::query("UPDATE orders SET refunded_minor = refunded_minor + $1, updated_at = $2 WHERE id = $3 AND refunded_minor = $4")
            .bind(amount_minor)
            .bind(now.millis())
            .bind(id.get())
            .bind(refunded)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    if updated == 0 {
        return Err(StoreError::conflict(ErrorCode::OrderChanged, "the order changed meanwhile; reload and try again"));
    }
    crate::affiliate::commission::reverse_in(tx, id, now).await?;
    if refunded + amount_minor == total {
        let order = transition_in(tx, id, OrderStatus::Refunded, actor, reason, now).await?;
        void_vouchers(tx, id, now).await?;
        if matches!(status, OrderStatus::Paid | OrderStatus::Fulfilling) {
            release_units(tx, &order).await?;
        }
    }
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    let order: Order = sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_one(&mut **tx).await?;
    crate::webhooks::enqueue_for_shop(tx, shop, "order.refunded", &order, now).await?;
    Ok(order)
}

pub(crate) async fn insert_refund(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    order: OrderId,
    payment: i64,
    amount: Money,
    reason: &str,
    line: Option<i64>,
    now: Timestamp,
) -> Result<()> {
    if amount.minor <= 0 {
        return Err(DomainError::invalid("amount_minor", "a refund must be more than zero").into());
    }
    sqlx::query(
        "INSERT INTO refunds (order_id, payment_id, amount_minor, currency, reason, order_line_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order.get())
    .bind(payment)
    .bind(amount.minor)
    .bind(amount.currency.as_str())
    .bind(reason)
    .bind(line)
    .bind(now.millis())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A refunded order's vouchers not yet used are refunded with it.
async fn void_vouchers(tx: &mut sqlx::Transaction<'_, sqlx::Any>, order: OrderId, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE vouchers SET status = 'refunded', settled_at = $1 WHERE order_id = $2 AND status = 'issued'")
        .bind(now.millis())
        .bind(order.get())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
