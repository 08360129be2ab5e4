//! Flash deals in the record. The decision "is a unit left?" is made in
//! memory by the server's engine; this module allocates a deal's units from
//! the SKU, writes the engine's winners in batches (one transaction, one
//! disk sync, many orders), and tells the engine on start what is held.

use crate::{Db, Result, StoreError};
use haul_domain::Timestamp;
use haul_domain::deals::DealStatus;
use haul_domain::ids::{DealId, OrderId, RoomId, ShopId, SkuId};
use haul_domain::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

mod batch;

pub use batch::{DealOrder, DealWrite};

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
        #[schema(value_type = String)]
        pub status: DealStatus,
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
        self.wrote();
        self.deal(DealId(id)).await
    }

    pub async fn deal(&self, id: DealId) -> Result<Deal> {
        let sql = format!("{DEAL_SELECT} WHERE d.id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("deal"))
    }

    /// The deals dropped in a live room that have not closed, soonest end first.
    pub async fn deals_in_room(&self, room: RoomId) -> Result<Vec<Deal>> {
        let sql = format!("{DEAL_SELECT} WHERE d.live_room_id = $1 AND d.status = 'active' ORDER BY d.ends_at, d.id");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(room.get()).fetch_all(&self.read).await?)
    }

    pub async fn deals_of_shop(&self, shop: ShopId, page: &PageRequest) -> Result<Page<Deal>> {
        let sql = format!("{DEAL_SELECT} WHERE d.shop_id = $1 AND d.id < $2 ORDER BY d.id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(shop.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |d: &Deal| d.id))
    }

    /// Active deals on `products` that have not ended at `now` (started or not).
    pub async fn deals_not_ended(&self, products: &[i64], now: Timestamp) -> Result<Vec<Deal>> {
        if products.is_empty() {
            return Ok(Vec::new());
        }
        let list = products.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!("{DEAL_SELECT} WHERE d.product_id IN ({list}) AND d.status = 'active' AND d.ends_at > $1 ORDER BY d.id");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(now.millis()).fetch_all(&self.read).await?)
    }

    /// `(buyer, units)` for every buyer holding units of the deal.
    pub async fn deal_holdings(&self, deal: DealId) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(HELD).bind(deal.get()).fetch_all(&self.write).await?)
    }

    /// `(buyer, Idempotency-Key)` of every order the deal's purchases won.
    pub async fn deal_winning_keys(&self, deal: DealId) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as("SELECT buyer_id, idem_key FROM orders WHERE deal_id = $1 AND idem_key IS NOT NULL")
            .bind(deal.get())
            .fetch_all(&self.write)
            .await?)
    }

    /// Ends a deal early (`cancelled`) or after its window (`closed`): units
    /// no order holds go back to the SKU. Pending orders keep theirs; if they
    /// expire later, their units go to the SKU too (see `release_units`).
    pub async fn finish_deal(&self, deal: DealId, status: DealStatus) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let row: Option<(i64, i64)> = sqlx::query_as("SELECT sku_id, quantity FROM flash_deals WHERE id = $1 AND status = 'active'")
            .bind(deal.get())
            .fetch_optional(&mut *tx)
            .await?;
        let Some((sku, quantity)) = row else { return Ok(false) };
        let (held,): (i64,) = sqlx::query_as("SELECT held FROM flash_deals WHERE id = $1").bind(deal.get()).fetch_one(&mut *tx).await?;
        let unsold = quantity - held;
        sqlx::query("UPDATE flash_deals SET status = $1 WHERE id = $2").bind(status.as_str()).bind(deal.get()).execute(&mut *tx).await?;
        sqlx::query("UPDATE skus SET stock = stock + $1 WHERE id = $2").bind(unsold.max(0)).bind(sku).execute(&mut *tx).await?;
        tx.commit().await?;
        self.wrote();
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

    /// The units of a cancelled deal order, for giving them back to the gate.
    pub async fn order_units(&self, order: OrderId) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_lines WHERE order_id = $1")
            .bind(order.get())
            .fetch_one(&self.read)
            .await?;
        Ok(n)
    }
}
