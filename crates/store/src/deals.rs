//! Flash deals in the record. The decision "is a unit left?" is made in
//! memory by the server's engine; this module allocates a deal's units from
//! the SKU, writes the engine's winners in batches (one transaction, one
//! disk sync, many orders), and tells the engine on start what is held.

use crate::orders::{Order, OrderDetail, OrderLine};
use crate::{Backend, Db, Result, StoreError};
use haul_domain::Timestamp;
use haul_domain::ids::{OrderId, ProductId, ShopId, SkuId};
use haul_domain::page::{Page, PageRequest};
use sqlx::{Any, AssertSqlSafe, Transaction};

record! {
    pub struct Deal {
        pub id: i64,
        pub shop_id: i64,
        pub product_id: i64,
        pub sku_id: i64,
        pub price_minor: i64,
        pub currency: String,
        pub quantity: i64,
        pub per_shopper_cap: i64,
        /// Units that orders hold now.
        pub held: i64,
        pub starts_at: i64,
        pub ends_at: i64,
        pub live_room_id: Option<i64>,
        pub status: String,
        pub created_at: i64,
        /// The product's title and the SKU's options, copied onto order lines.
        pub title: String,
        pub options: String,
    }
}

const DEAL_SELECT: &str = "SELECT d.id, d.shop_id, d.product_id, d.sku_id, d.price_minor, d.currency, d.quantity, d.per_shopper_cap, d.held, \
     d.starts_at, d.ends_at, d.live_room_id, d.status, d.created_at, p.title, k.options \
     FROM flash_deals d JOIN products p ON p.id = d.product_id JOIN skus k ON k.id = d.sku_id";

/// Units held by orders that still hold them (not cancelled or refunded).
const HELD: &str = "SELECT o.buyer_id, CAST(SUM(l.quantity) AS BIGINT) AS units FROM orders o JOIN order_lines l ON l.order_id = o.id \
     WHERE o.deal_id = $1 AND o.status NOT IN ('cancelled', 'refunded') GROUP BY o.buyer_id";

pub struct NewDeal {
    pub sku: SkuId,
    pub price_minor: i64,
    pub quantity: i64,
    pub per_shopper_cap: i64,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub live_room_id: Option<i64>,
}

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
    New(OrderDetail),
    /// The key was used before: the first answer, and the unit is not taken.
    Replay { status: i64, body: String },
    /// The key was used before for another request.
    KeyReused,
    /// The record refused the units: the deal is sold out or no longer active.
    SoldOut,
}

impl Db {
    /// Creates a deal, taking its units from the SKU's stock in the same
    /// transaction so that normal checkout cannot sell them too.
    pub async fn create_deal(&self, new: &NewDeal, now: Timestamp) -> Result<Deal> {
        let mut tx = self.write.begin().await?;
        let (product, shop, currency, stock): (i64, i64, String, i64) = sqlx::query_as(
            "SELECT k.product_id, p.shop_id, k.currency, k.stock FROM skus k JOIN products p ON p.id = k.product_id WHERE k.id = $1",
        )
        .bind(new.sku.get())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound("sku"))?;
        let taken = sqlx::query("UPDATE skus SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
            .bind(new.quantity)
            .bind(new.sku.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if taken == 0 {
            return Err(haul_domain::DomainError::OutOfStock { available: stock, requested: new.quantity }.into());
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO flash_deals (shop_id, product_id, sku_id, price_minor, currency, quantity, per_shopper_cap, starts_at, ends_at, live_room_id, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', $11) RETURNING id",
        )
        .bind(shop)
        .bind(product)
        .bind(new.sku.get())
        .bind(new.price_minor)
        .bind(currency)
        .bind(new.quantity)
        .bind(new.per_shopper_cap)
        .bind(new.starts_at.millis())
        .bind(new.ends_at.millis())
        .bind(new.live_room_id)
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        self.deal(id).await
    }

    pub async fn deal(&self, id: i64) -> Result<Deal> {
        let sql = format!("{DEAL_SELECT} WHERE d.id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("deal"))
    }

    pub async fn deals_of_shop(&self, shop: ShopId, page: &PageRequest) -> Result<Page<Deal>> {
        let sql = format!("{DEAL_SELECT} WHERE d.shop_id = $1 AND d.id < $2 ORDER BY d.id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(shop.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |d: &Deal| d.id))
    }

    /// Deals of a product that have not ended, soonest first.
    pub async fn current_deals(&self, product: ProductId, now: Timestamp) -> Result<Vec<Deal>> {
        let sql = format!("{DEAL_SELECT} WHERE d.product_id = $1 AND d.status = 'active' AND d.ends_at > $2 ORDER BY d.starts_at");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(product.get()).bind(now.millis()).fetch_all(&self.read).await?)
    }

    /// This installation's id (made on first call from `candidate`).
    pub async fn install_id(&self, candidate: &str) -> Result<String> {
        sqlx::query("INSERT INTO settings (key, value) VALUES ('install_id', $1) ON CONFLICT (key) DO NOTHING")
            .bind(candidate)
            .execute(&self.write)
            .await?;
        let (id,): (String,) = sqlx::query_as("SELECT value FROM settings WHERE key = 'install_id'").fetch_one(&self.write).await?;
        Ok(id)
    }

    /// Every running deal, for warming the engine at start.
    pub async fn active_deals(&self) -> Result<Vec<Deal>> {
        let sql = format!("{DEAL_SELECT} WHERE d.status = 'active' ORDER BY d.id");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).fetch_all(&self.read).await?)
    }

    /// `(buyer, units)` for every buyer holding units of the deal.
    pub async fn deal_holdings(&self, deal: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(HELD).bind(deal).fetch_all(&self.write).await?)
    }

    /// `(buyer, Idempotency-Key)` of every order the deal's purchases won.
    pub async fn deal_winning_keys(&self, deal: i64) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as("SELECT buyer_id, idem_key FROM orders WHERE deal_id = $1 AND idem_key IS NOT NULL")
            .bind(deal)
            .fetch_all(&self.write)
            .await?)
    }

    /// Ends a deal early (`cancelled`) or after its window (`closed`): units
    /// no order holds go back to the SKU. Pending orders keep theirs; if they
    /// expire later, their units go to the SKU too (see `release_units`).
    pub async fn finish_deal(&self, deal: i64, status: &'static str) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let row: Option<(i64, i64)> = sqlx::query_as("SELECT sku_id, quantity FROM flash_deals WHERE id = $1 AND status = 'active'")
            .bind(deal)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((sku, quantity)) = row else { return Ok(false) };
        let (held,): (i64,) = sqlx::query_as("SELECT held FROM flash_deals WHERE id = $1").bind(deal).fetch_one(&mut *tx).await?;
        let unsold = quantity - held;
        sqlx::query("UPDATE flash_deals SET status = $1 WHERE id = $2").bind(status).bind(deal).execute(&mut *tx).await?;
        sqlx::query("UPDATE skus SET stock = stock + $1 WHERE id = $2").bind(unsold.max(0)).bind(sku).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Active deals whose window has passed.
    pub async fn ended_deals(&self, now: Timestamp, limit: i64) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM flash_deals WHERE status = 'active' AND ends_at <= $1 ORDER BY ends_at LIMIT $2")
                .bind(now.millis())
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Records a batch of winners in one transaction: one commit (and one
    /// disk sync) for all of them, and a handful of multi-row statements
    /// rather than several statements per order. Answers in the batch's order.
    pub async fn write_deal_orders(&self, batch: &[DealOrder]) -> Result<Vec<DealWrite>> {
        let mut tx = self.write.begin().await?;
        let out = write_batch(&mut tx, self.backend(), batch).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The units of a cancelled deal order, for giving them back to the gate.
    pub async fn order_units(&self, order: OrderId) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_lines WHERE order_id = $1")
            .bind(order.get())
            .fetch_one(&self.read)
            .await?;
        Ok(n)
    }
}

/// `rows` groups of `cols` placeholders: `($1, $2), ($3, $4)` on PostgreSQL,
/// `(?, ?), (?, ?)` on SQLite. SQLite looks a named parameter up by scanning
/// the statement's list of names, which makes binding thousands of `$N`
/// quadratic; anonymous ones are bound by position.
fn values(backend: Backend, rows: usize, cols: usize) -> String {
    let one = |r: usize| -> String {
        let marks: Vec<String> = match backend {
            Backend::Sqlite => vec!["?".to_owned(); cols],
            Backend::Postgres => (1..=cols).map(|c| format!("${}", r * cols + c)).collect(),
        };
        format!("({})", marks.join(", "))
    };
    (0..rows).map(one).collect::<Vec<_>>().join(", ")
}

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
        values(backend, n, 7)
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
            values(backend, new.len(), 13)
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
            values(backend, new.len(), 8)
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
            values(backend, new.len(), 6)
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
                out.push(DealWrite::New(detail));
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
