//! Payments. A provider's "succeeded" webhook is applied once:
//! its event id is recorded in the same transaction that marks the order
//! paid and posts the ledger entries, so a replay changes nothing.

use crate::orders::{Order, transition_in};
use crate::refunds::insert_refund;
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::delivery::Fulfilment;
use haul_domain::ids::{OrderId, ShopId};
use haul_domain::ledger;
use haul_domain::orders::OrderStatus;
use haul_domain::orders::PaymentStatus;
use haul_domain::orders::event_notes;
use haul_domain::{Money, Timestamp};
use sqlx::AssertSqlSafe;

record! {
    pub struct Payment {
        pub id: i64,
        pub order_id: i64,
        pub provider: String,
        pub provider_ref: String,
        pub amount_minor: i64,
        pub currency: String,
        #[schema(value_type = String)]
        pub status: PaymentStatus,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

const PAYMENT_COLUMNS: &str = "id, order_id, provider, provider_ref, amount_minor, currency, status, created_at, updated_at";

/// What applying a provider's webhook did.
#[derive(Debug)]
pub enum Applied {
    /// The order as it is now, paid.
    Paid(Box<Order>),
    /// The event id was seen before: nothing changed.
    Duplicate,
    /// The money came after the order was cancelled: it was refunded at once.
    RefundedLate,
    /// The order had already been paid by another payment: this one was
    /// refunded in full, and the first payment stays refundable as it was.
    RefundedDuplicate,
}

impl Db {
    pub async fn create_payment(&self, order: &Order, provider: &str, provider_ref: &str, now: Timestamp) -> Result<Payment> {
        let sql = format!(
            "INSERT INTO payments (order_id, provider, provider_ref, amount_minor, currency, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6) RETURNING {PAYMENT_COLUMNS}"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql))
            .bind(order.id)
            .bind(provider)
            .bind(provider_ref)
            .bind(order.total_minor)
            .bind(&order.currency)
            .bind(now.millis())
            .fetch_one(&self.write)
            .await?)
    }

    pub async fn payment_by_ref(&self, provider_ref: &str) -> Result<Payment> {
        let sql = format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE provider_ref = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(provider_ref).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("payment"))
    }

    pub async fn payments_of_order(&self, order: OrderId) -> Result<Vec<Payment>> {
        let sql = format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE order_id = $1 ORDER BY id");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(order.get()).fetch_all(&self.read).await?)
    }

    /// Applies a verified "payment succeeded" event from a provider.
    pub async fn apply_payment_succeeded(
        &self,
        provider: &str,
        event_id: &str,
        provider_ref: &str,
        amount: Money,
        now: Timestamp,
    ) -> Result<Applied> {
        let mut tx = self.write.begin().await?;
        let fresh =
            sqlx::query("INSERT INTO webhook_receipts (provider, event_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(provider)
                .bind(event_id)
                .bind(now.millis())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if fresh == 0 {
            return Ok(Applied::Duplicate);
        }
        let sql = format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE provider = $1 AND provider_ref = $2");
        let payment: Payment = sqlx::query_as(AssertSqlSafe(sql))
            .bind(provider)
            .bind(provider_ref)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("payment"))?;
        if payment.status != PaymentStatus::Pending {
            tx.commit().await?;
            return Ok(Applied::Duplicate);
        }
        if payment.amount_minor != amount.minor || payment.currency != amount.currency.as_str() {
            return Err(StoreError::conflict(ErrorCode::AmountMismatch, "the paid amount differs from the order total"));
        }
        sqlx::query("UPDATE payments SET status = 'succeeded', updated_at = $1 WHERE id = $2")
            .bind(now.millis())
            .bind(payment.id)
            .execute(&mut *tx)
            .await?;
        let order_id = OrderId(payment.order_id);
        let (shop_id, status): (i64, String) =
            sqlx::query_as("SELECT shop_id, status FROM orders WHERE id = $1").bind(order_id.get()).fetch_one(&mut *tx).await?;
        let shop = ShopId(shop_id);
        crate::ledger::post(&mut tx, &ledger::payment(provider, shop, amount)?, Some(order_id.get()), now).await?;
        let applied = if status == OrderStatus::PendingPayment.as_str() {
            let order = transition_in(&mut tx, order_id, OrderStatus::Paid, None, event_notes::PAID, now).await?;
            if order.platform_discount_minor > 0 {
                let subsidy = Money { minor: order.platform_discount_minor, currency: amount.currency };
                crate::ledger::post(&mut tx, &ledger::coupon_subsidy(shop, subsidy)?, Some(order_id.get()), now).await?;
            }
            if order.fulfilment == Fulfilment::Voucher {
                // A voucher's commission is made when it is used.
                crate::vouchers::issue_in(&mut tx, &order, now).await?;
            } else {
                crate::affiliate::commission::accrue_in(&mut tx, order_id, None, &self.affiliate, now).await?;
            }
            crate::webhooks::enqueue_for_shop(&mut tx, shop, "order.paid", &order, now).await?;
            crate::webhooks::enqueue_partner_forwards(&mut tx, order_id, shop, now).await?;
            if let Some(video) = order.video_id {
                sqlx::query("UPDATE videos SET purchases = purchases + 1 WHERE id = $1").bind(video).execute(&mut *tx).await?;
            }
            if let Some(team) = order.team_id {
                crate::teams::member_paid(&mut tx, team, now).await?;
            }
            Applied::Paid(Box::new(order))
        } else if status == OrderStatus::Cancelled.as_str() {
            // The order timed out (and gave its stock back) before the money
            // arrived: return the money rather than sell what is gone.
            insert_refund(&mut tx, order_id, payment.id, amount, "paid after the order was cancelled", None, now).await?;
            crate::ledger::post(&mut tx, &ledger::refund(provider, shop, false, amount)?, Some(order_id.get()), now).await?;
            sqlx::query("UPDATE orders SET refunded_minor = refunded_minor + $1 WHERE id = $2")
                .bind(amount.minor)
                .bind(order_id.get())
                .execute(&mut *tx)
                .await?;
            Applied::RefundedLate
        } else {
            // Paid twice (two pay pages open at once): the second payment goes
            // back whole. The order's refundable amount belongs to the first
            // payment, so `refunded_minor` is not touched.
            insert_refund(&mut tx, order_id, payment.id, amount, "duplicate payment returned", None, now).await?;
            crate::ledger::post(&mut tx, &ledger::refund(provider, shop, false, amount)?, Some(order_id.get()), now).await?;
            sqlx::query("UPDATE payments SET status = 'refunded', updated_at = $1 WHERE id = $2")
                .bind(now.millis())
                .bind(payment.id)
                .execute(&mut *tx)
                .await?;
            Applied::RefundedDuplicate
        };
        tx.commit().await?;
        Ok(applied)
    }
}
