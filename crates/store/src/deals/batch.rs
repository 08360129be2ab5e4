//! Recording a batch of flash-deal winners: one transaction, one commit (one
//! disk sync), the winners' keys claimed together, the record's own guard on
//! each deal's held count, then the orders through the one order path
//! (`orders::write_orders`) in a handful of multi-row statements.

use super::Deal;
use crate::orders::{OrderDetail, Origin, PlannedDelivery, PlannedLine, PlannedOrder, reserve_order_ids, write_orders};
use crate::{Backend, Db, Result};
use haul_domain::Timestamp;
use haul_domain::affiliate::AffiliateTerms;
use haul_domain::orders::event_notes;
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
    pub pay_by: Timestamp,
    pub now: Timestamp,
}

/// What became of one winner in a batch.
#[derive(Debug, Clone)]
pub enum DealWrite {
    /// Recorded: the order as created.
    New(Box<OrderDetail>),
    /// The key was used before: the order it created, as created, and the
    /// unit is not taken.
    Replay(Box<OrderDetail>),
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
        let out = write_batch(&mut tx, self.backend(), batch, &self.affiliate).await?;
        tx.commit().await?;
        Ok(out)
    }
}

async fn write_batch(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    batch: &[DealOrder],
    terms: &AffiliateTerms,
) -> Result<Vec<DealWrite>> {
    let n = batch.len();
    let order_ids = reserve_order_ids(tx, n).await?;

    let sql = format!(
        "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, response_body, created_at, order_id) VALUES {} \
         ON CONFLICT (user_id, idem_key) DO NOTHING",
        crate::db::values(backend, n, 7)
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for (w, id) in batch.iter().zip(&order_ids) {
        q = q.bind(w.buyer).bind(&w.idem_key).bind(&w.request_hash).bind(201i64).bind("").bind(w.now.millis()).bind(*id);
    }
    // Nearly always every key is new: one count says so, and no row comes
    // back (each returned row crosses from the driver's thread on its own).
    // Otherwise the keys this batch claimed are those holding its order ids.
    let claimed: std::collections::HashSet<(i64, String)> = if q.execute(&mut **tx).await?.rows_affected() == n as u64 {
        batch.iter().map(|w| (w.buyer, w.idem_key.clone())).collect()
    } else {
        let sql = format!(
            "SELECT user_id, idem_key, order_id FROM idempotency_keys WHERE (user_id, idem_key) IN (VALUES {})",
            crate::db::values(backend, n, 2)
        );
        let mut q = sqlx::query_as::<_, (i64, String, Option<i64>)>(AssertSqlSafe(sql));
        for w in batch {
            q = q.bind(w.buyer).bind(&w.idem_key);
        }
        let ours: std::collections::HashSet<i64> = order_ids.iter().copied().collect();
        q.fetch_all(&mut **tx).await?.into_iter().filter(|r| r.2.is_some_and(|id| ours.contains(&id))).map(|r| (r.0, r.1)).collect()
    };
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
    // Deals ship free to each winner's default address, read once per batch
    // and only for winners: refused shoppers cost no read.
    let buyers: Vec<i64> = new.iter().map(|&i| batch[i].buyer).collect();
    let homes = crate::delivery::default_addresses_in(tx, &buyers).await?;
    let planned: Vec<PlannedOrder> = new
        .iter()
        .map(|&i| {
            let (w, d) = (&batch[i], &batch[i].deal);
            PlannedOrder {
                id: order_ids[i],
                buyer: w.buyer,
                shop: d.shop_id,
                currency: d.currency.clone(),
                lines: vec![PlannedLine {
                    discount_minor: 0,
                    sku_id: d.sku_id,
                    product_id: d.product_id,
                    title: d.title.clone(),
                    options: d.options.clone(),
                    unit_price_minor: d.price_minor,
                    quantity: w.quantity,
                }],
                platform_discount_minor: 0,
                delivery: PlannedDelivery::Ship { to: homes.get(&w.buyer).cloned(), fee_minor: 0 },
                pay_by: w.pay_by,
                now: w.now,
                origin: Origin { deal: Some((d.id, w.idem_key.clone())), ..Origin::default() },
                note: event_notes::FLASH_DEAL.to_owned(),
            }
        })
        .collect();
    let mut details: Vec<Option<OrderDetail>> = vec![None; n];
    for (i, detail) in new.iter().zip(write_orders(tx, &planned, terms).await?) {
        details[*i] = Some(detail);
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
            Some((hash, order)) if hash == w.request_hash => DealWrite::Replay(Box::new(order)),
            _ => DealWrite::KeyReused,
        });
    }
    Ok(out)
}
