//! Stored first answers to `Idempotency-Key`s.

use super::{ORDER_COLUMNS, Order, OrderDetail, OrderLine};
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::ids::UserId;
use haul_domain::orders::OrderStatus;
use sqlx::AssertSqlSafe;

impl Db {
    /// The order that `key` created, as it was created, if the buyer used the
    /// key before; a conflict if it was for another request.
    pub async fn idempotent_answer(&self, buyer: UserId, key: &str, hash: &str) -> Result<Option<OrderDetail>> {
        let mut conn = self.read.acquire().await?;
        match stored_answer(&mut conn, buyer.get(), key).await? {
            Some((stored, _)) if stored != hash => {
                Err(StoreError::conflict(ErrorCode::IdempotencyKeyReused, "this Idempotency-Key was used for a different request"))
            }
            Some((_, order)) => Ok(Some(order)),
            None => Ok(None),
        }
    }
}

/// Claims `key` for an order about to be written in `tx`. (The status and
/// body columns are placeholders kept for nodes of the previous version: see
/// migration 0009.) `false` means it
/// was used before: the caller answers with [`Db::replay`].
pub(crate) async fn claim_key(tx: &mut sqlx::Transaction<'_, sqlx::Any>, buyer: UserId, key: &str, hash: &str, now: i64) -> Result<bool> {
    Ok(sqlx::query(
        "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, response_body, created_at) \
         VALUES ($1, $2, $3, 201, '', $4) ON CONFLICT (user_id, idem_key) DO NOTHING",
    )
    .bind(buyer.get())
    .bind(key)
    .bind(hash)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Records that `key` created `order`: a retry is answered with the order as
/// it was created.
pub(crate) async fn link_key(tx: &mut sqlx::Transaction<'_, sqlx::Any>, buyer: UserId, key: &str, order: i64) -> Result<()> {
    sqlx::query("UPDATE idempotency_keys SET order_id = $1 WHERE user_id = $2 AND idem_key = $3")
        .bind(order)
        .bind(buyer.get())
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// `(request hash, the order as created)` for a key: a retry is answered
/// with what the first answer said.
pub(crate) async fn stored_answer(conn: &mut sqlx::AnyConnection, buyer: i64, key: &str) -> Result<Option<(String, OrderDetail)>> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT request_hash, order_id FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2")
            .bind(buyer)
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((hash, Some(order_id))) = row else { return Ok(None) };
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    let mut order: Order = sqlx::query_as(AssertSqlSafe(sql)).bind(order_id).fetch_one(&mut *conn).await?;
    let sql = format!("SELECT {} FROM order_lines WHERE order_id = $1 ORDER BY id", super::LINE_COLUMNS);
    let lines: Vec<OrderLine> = sqlx::query_as(AssertSqlSafe(sql)).bind(order_id).fetch_all(&mut *conn).await?;
    order.status = OrderStatus::PendingPayment;
    order.paid_at = None;
    order.refunded_minor = 0;
    order.ready_at = None;
    order.updated_at = order.created_at;
    Ok(Some((hash, OrderDetail { order, lines })))
}
