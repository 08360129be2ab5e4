//! Recording a batch of flash-deal winners: one transaction, one commit (one
//! disk sync), a handful of multi-row statements; the record's own guard on
//! each deal's held count.

use super::Deal;
use crate::orders::{Order, OrderDetail, OrderLine};
use crate::{Backend, Db, Result};
use haul_domain::Timestamp;
use sqlx::{Any, AssertSqlSafe, Transaction};

/// One winner for the batch writer to record.
#[derive(Debug, Clone)]
pub struct DealOrder {
    /// Shared by every winner of the deal: no copy per purchase.
    pub deal: std::sync::Arc<Deal>,
    pub buyer: i64,
    pub quantity: i64,
    pub idem_key: String,
    pub request_hash: String,
    pub pickup_code: String,
    pub pay_by: Timestamp,
    pub now: Timestamp,
}

/// What became of one winner in a batch.
#[derive(Debug, Clone)]
pub enum DealWrite {
    /// Recorded: the order as created.
    New(Box<OrderDetail>),
    /// The key was used before: the first answer, and the unit is not taken.
    Replay { status: i64, body: String },
    /// The key was used before for another request.
    KeyReused,
    /// The record refused the units: the deal is sold out or no longer active.
    SoldOut,
}

impl Db {
    /// Records a batch of winners in one transaction: one commit (and one
    /// disk sync) for all of them, and a handful of multi-row statements
    /// rather than several statements per order. Answers in the batch's order.
    pub async fn write_deal_orders(&self, batch: &[DealOrder]) -> Result<Vec<DealWrite>> {
        let mut tx = self.write.begin().await?;
        let out = write_batch(&mut tx, self.backend(), batch).await?;
        tx.commit().await?;
        Ok(out)
    }
}

/// `rows` groups of `cols` placeholders: `($1, $2), ($3, $4)` on PostgreSQL,
/// `(?, ?), (?, ?)` on SQLite. SQLite looks a named parameter up by scanning
/// the statement's list of names, which makes binding thousands of `$N`
/// quadratic; anonymous ones are bound by position.
/// Reserves `n` ids of `table`. On SQLite the one write connection makes
/// "after the current maximum" safe; PostgreSQL hands them out from the
/// identity sequence.
async fn next_ids(tx: &mut Transaction<'_, Any>, backend: Backend, table: &'static str, n: usize) -> Result<Vec<i64>> {
    Ok(match backend {
        Backend::Sqlite => {
            let sql = format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}");
            let (max,): (i64,) = sqlx::query_as(AssertSqlSafe(sql)).fetch_one(&mut **tx).await?;
            (1..=n as i64).map(|i| max + i).collect()
        }
        Backend::Postgres => {
            let sql = format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)");
            let rows: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(sql)).bind(n as i64).fetch_all(&mut **tx).await?;
            rows.into_iter().map(|(id,)| id).collect()
        }
    })
}

async fn write_batch(tx: &mut Transaction<'_, Any>, backend: Backend, batch: &[DealOrder]) -> Result<Vec<DealWrite>> {
    let n = batch.len();
    let order_ids = next_ids(tx, backend, "orders", n).await?;
    let line_ids = next_ids(tx, backend, "order_lines", n).await?;
    // Build every order first; the key is claimed with a reference to it.
    let mut details = Vec::with_capacity(n);
    for ((w, id), line_id) in batch.iter().zip(&order_ids).zip(&line_ids) {
        let d = &w.deal;
        let total = d.price_minor.checked_mul(w.quantity).ok_or(haul_domain::DomainError::AmountOutOfRange)?;
        let order = Order {
            id: *id,
            buyer_id: w.buyer,
            shop_id: d.shop_id,
            status: "pending_payment".into(),
            total_minor: total,
            currency: d.currency.clone(),
            refunded_minor: 0,
            pickup_code: w.pickup_code.clone(),
            pay_by: w.pay_by.millis(),
            paid_at: None,
            created_at: w.now.millis(),
            updated_at: w.now.millis(),
            deal_id: Some(d.id),
            team_id: None,
            campaign_id: None,
            ready_at: None,
            video_id: None,
            room_id: None,
            host_id: None,
        };
        let line = OrderLine {
            id: *line_id,
            order_id: *id,
            sku_id: d.sku_id,
            product_id: d.product_id,
            title: d.title.clone(),
            options: d.options.clone(),
            unit_price_minor: d.price_minor,
            quantity: w.quantity,
        };
        details.push(Some(OrderDetail { order, lines: vec![line] }));
    }

    let sql = format!(
        "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, response_body, created_at, order_id) VALUES {} \
         ON CONFLICT (user_id, idem_key) DO NOTHING RETURNING user_id, idem_key",
        crate::db::values(backend, n, 7)
    );
    let mut q = sqlx::query_as::<_, (i64, String)>(AssertSqlSafe(sql));
    for (w, id) in batch.iter().zip(&order_ids) {
        q = q.bind(w.buyer).bind(&w.idem_key).bind(&w.request_hash).bind(201i64).bind("").bind(w.now.millis()).bind(*id);
    }
    let claimed: std::collections::HashSet<(i64, String)> = q.fetch_all(&mut **tx).await?.into_iter().collect();
    // Two winners in one batch with the same key: only the first is new.
    let mut seen = std::collections::HashSet::new();
    let fresh: Vec<bool> =
        batch.iter().map(|w| claimed.contains(&(w.buyer, w.idem_key.clone())) && seen.insert((w.buyer, &w.idem_key))).collect();

    // The record's own guard: raise each deal's held count once for the
    // batch, only if it stays within the quantity. A refusal here means the
    // gate in front lost state (e.g. Redis restarted empty): those winners
    // lose after all, and their keys are released.
    let mut fresh = fresh;
    let mut refused = vec![false; n];
    let mut deals: Vec<i64> = batch.iter().map(|w| w.deal.id).collect();
    deals.sort_unstable();
    deals.dedup();
    for deal in deals {
        let mine: Vec<usize> = (0..n).filter(|i| fresh[*i] && batch[*i].deal.id == deal).collect();
        let units: i64 = mine.iter().map(|i| batch[*i].quantity).sum();
        if units == 0 {
            continue;
        }
        let raised = sqlx::query("UPDATE flash_deals SET held = held + $1 WHERE id = $2 AND status = 'active' AND held + $1 <= quantity")
            .bind(units)
            .bind(deal)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if raised == 0 {
            for i in mine {
                sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2")
                    .bind(batch[i].buyer)
                    .bind(&batch[i].idem_key)
                    .execute(&mut **tx)
                    .await?;
                fresh[i] = false;
                refused[i] = true;
            }
        }
    }

    let new: Vec<usize> = (0..n).filter(|i| fresh[*i]).collect();
    if !new.is_empty() {
        let sql = format!(
            "INSERT INTO orders (id, buyer_id, shop_id, status, total_minor, currency, refunded_minor, pickup_code, pay_by, created_at, updated_at, deal_id, idem_key) VALUES {}",
            crate::db::values(backend, new.len(), 13)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for &i in &new {
            let (w, d) = (&batch[i], &batch[i].deal);
            q = q
                .bind(order_ids[i])
                .bind(w.buyer)
                .bind(d.shop_id)
                .bind("pending_payment")
                .bind(details[i].as_ref().map(|o| o.order.total_minor).unwrap_or_default())
                .bind(&d.currency)
                .bind(0i64)
                .bind(&w.pickup_code)
                .bind(w.pay_by.millis())
                .bind(w.now.millis())
                .bind(w.now.millis())
                .bind(d.id)
                .bind(&w.idem_key);
        }
        q.execute(&mut **tx).await?;
        let sql = format!(
            "INSERT INTO order_lines (id, order_id, sku_id, product_id, title, options, unit_price_minor, quantity) VALUES {}",
            crate::db::values(backend, new.len(), 8)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for &i in &new {
            let (w, d) = (&batch[i], &batch[i].deal);
            q = q
                .bind(line_ids[i])
                .bind(order_ids[i])
                .bind(d.sku_id)
                .bind(d.product_id)
                .bind(&d.title)
                .bind(&d.options)
                .bind(d.price_minor)
                .bind(w.quantity);
        }
        q.execute(&mut **tx).await?;
        let sql = format!(
            "INSERT INTO order_events (order_id, from_status, to_status, actor_id, note, created_at) VALUES {}",
            crate::db::values(backend, new.len(), 6)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for &i in &new {
            let w = &batch[i];
            q = q
                .bind(order_ids[i])
                .bind(None::<String>)
                .bind("pending_payment")
                .bind(w.buyer)
                .bind(format!("flash deal #{}", w.deal.id))
                .bind(w.now.millis());
        }
        q.execute(&mut **tx).await?;
    }

    let mut out = Vec::with_capacity(n);
    for (i, w) in batch.iter().enumerate() {
        if refused[i] {
            out.push(DealWrite::SoldOut);
            continue;
        }
        if fresh[i] {
            if let Some(detail) = details[i].take() {
                out.push(DealWrite::New(Box::new(detail)));
            }
            continue;
        }
        out.push(match crate::orders::stored_answer(tx, w.buyer, &w.idem_key).await? {
            Some((hash, status, body)) if hash == w.request_hash => DealWrite::Replay { status, body },
            _ => DealWrite::KeyReused,
        });
    }
    Ok(out)
}
