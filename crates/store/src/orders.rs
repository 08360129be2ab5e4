//! Carts and orders. Checkout takes stock with a conditional `UPDATE` in the
//! same transaction that writes the order, so two buyers can never both get
//! the last unit, and an `Idempotency-Key` row in that transaction makes a
//! retried checkout return the first answer.

use crate::{Db, Result, StoreError};
use haul_domain::catalog::ListingKind;
use haul_domain::ids::{OrderId, ShopId, SkuId, UserId};
use haul_domain::inventory::Quantity;
use haul_domain::orders::OrderStatus;
use haul_domain::page::{Page, PageRequest};
use haul_domain::{Currency, DomainError, Money, Timestamp};
use sqlx::AssertSqlSafe;
use sqlx::{Any, Transaction};

record! {
    pub struct Order {
        pub id: i64,
        pub buyer_id: i64,
        pub shop_id: i64,
        pub status: String,
        pub total_minor: i64,
        pub currency: String,
        pub refunded_minor: i64,
        pub pickup_code: String,
        pub pay_by: i64,
        pub paid_at: Option<i64>,
        pub created_at: i64,
        pub updated_at: i64,
        /// The flash deal this order holds units of, if any.
        pub deal_id: Option<i64>,
    }
}

impl Order {
    pub fn status(&self) -> OrderStatus {
        OrderStatus::parse(&self.status).unwrap_or(OrderStatus::Cancelled)
    }
    pub fn order_id(&self) -> OrderId {
        OrderId(self.id)
    }
}

record! {
    pub struct OrderLine {
        pub id: i64,
        pub order_id: i64,
        pub sku_id: i64,
        pub product_id: i64,
        pub title: String,
        pub options: String,
        pub unit_price_minor: i64,
        pub quantity: i64,
    }
}

record! {
    pub struct OrderEvent {
        pub id: i64,
        pub from_status: Option<String>,
        pub to_status: String,
        pub actor_id: Option<i64>,
        pub note: String,
        pub created_at: i64,
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: Order,
    pub lines: Vec<OrderLine>,
}

record! {
    pub struct CartItem {
        pub sku_id: i64,
        pub quantity: i64,
        pub product_id: i64,
        pub title: String,
        pub options: String,
        pub price_minor: i64,
        pub currency: String,
        pub stock: i64,
        pub shop_id: i64,
        pub shop_name: String,
    }
}

record! {
    struct SkuForSale {
        pub sku_id: i64,
        pub product_id: i64,
        pub title: String,
        pub options: String,
        pub price_minor: i64,
        pub currency: String,
        pub shop_id: i64,
        pub kind: String,
        pub status: String,
    }
}

/// A checkout request, as the store needs it.
pub struct Checkout<'a> {
    pub buyer: UserId,
    pub lines: &'a [(SkuId, Quantity)],
    /// `(key, hash of the request)`: a retry with the same key and request
    /// gets the first answer; the same key with another request is refused.
    pub idempotency: Option<(&'a str, &'a str)>,
    pub pickup_code: String,
    pub pay_by: Timestamp,
    pub now: Timestamp,
    pub clear_cart: bool,
}

/// What checkout answered: a new order, or the stored first answer.
pub enum Placed {
    New { order: OrderDetail, body: String },
    Replay { status: i64, body: String },
}

pub(crate) const ORDER_COLUMNS: &str =
    "id, buyer_id, shop_id, status, total_minor, currency, refunded_minor, pickup_code, pay_by, paid_at, created_at, updated_at, deal_id";

impl Db {
    /// Places one order for lines from one shop. `render` makes the response
    /// body that a retry will get back.
    pub async fn place_order(&self, c: Checkout<'_>, render: impl FnOnce(&OrderDetail) -> String) -> Result<Placed> {
        if c.lines.is_empty() {
            return Err(DomainError::invalid("items", "at least one item").into());
        }
        let mut tx = self.write.begin().await?;
        if let Some((key, hash)) = c.idempotency {
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response_status, response_body, created_at) \
                 VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT (user_id, idem_key) DO NOTHING",
            )
            .bind(c.buyer.get())
            .bind(key)
            .bind(hash)
            .bind(c.now.millis())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                drop(tx);
                return self.replay(c.buyer, key, hash).await;
            }
        }
        let mut shop: Option<i64> = None;
        let mut currency: Option<Currency> = None;
        let mut total: Option<Money> = None;
        let mut sold = Vec::with_capacity(c.lines.len());
        for (sku_id, quantity) in c.lines {
            let sku: SkuForSale = sqlx::query_as(
                "SELECT k.id AS sku_id, k.product_id, p.title, k.options, k.price_minor, k.currency, p.shop_id, p.kind, p.status \
                 FROM skus k JOIN products p ON p.id = k.product_id WHERE k.id = $1",
            )
            .bind(sku_id.get())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("sku"))?;
            if sku.status != "active" {
                return Err(StoreError::conflict("product_unavailable", format!("{} is not on sale", sku.title)));
            }
            if !ListingKind::parse(&sku.kind)?.sold_here() {
                return Err(StoreError::conflict("external_listing", format!("{} is sold on another platform", sku.title)));
            }
            if *shop.get_or_insert(sku.shop_id) != sku.shop_id {
                return Err(StoreError::conflict("mixed_shops", "one order holds items from one shop; check out each shop separately"));
            }
            let price = Money { minor: sku.price_minor, currency: Currency::parse(&sku.currency)? };
            if *currency.get_or_insert(price.currency) != price.currency {
                return Err(DomainError::CurrencyMismatch(price.currency.to_string(), sku.currency.clone()).into());
            }
            let line_total = price.times(*quantity)?;
            total = Some(match total {
                None => line_total,
                Some(t) => t.checked_add(line_total)?,
            });
            take_stock(&mut tx, *sku_id, *quantity).await?;
            sold.push((sku, *quantity));
        }
        let (Some(shop), Some(total)) = (shop, total) else {
            return Err(DomainError::invalid("items", "at least one item").into());
        };
        let sql = format!(
            "INSERT INTO orders (buyer_id, shop_id, status, total_minor, currency, refunded_minor, pickup_code, pay_by, created_at, updated_at) \
             VALUES ($1, $2, 'pending_payment', $3, $4, 0, $5, $6, $7, $7) RETURNING {ORDER_COLUMNS}"
        );
        let order: Order = sqlx::query_as(AssertSqlSafe(sql))
            .bind(c.buyer.get())
            .bind(shop)
            .bind(total.minor)
            .bind(total.currency.as_str())
            .bind(&c.pickup_code)
            .bind(c.pay_by.millis())
            .bind(c.now.millis())
            .fetch_one(&mut *tx)
            .await?;
        let mut lines = Vec::with_capacity(sold.len());
        for (sku, quantity) in &sold {
            let line: OrderLine = sqlx::query_as(
                "INSERT INTO order_lines (order_id, sku_id, product_id, title, options, unit_price_minor, quantity) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, order_id, sku_id, product_id, title, options, unit_price_minor, quantity",
            )
            .bind(order.id)
            .bind(sku.sku_id)
            .bind(sku.product_id)
            .bind(&sku.title)
            .bind(&sku.options)
            .bind(sku.price_minor)
            .bind(quantity.get())
            .fetch_one(&mut *tx)
            .await?;
            lines.push(line);
            if c.clear_cart {
                sqlx::query("DELETE FROM cart_items WHERE user_id = $1 AND sku_id = $2")
                    .bind(c.buyer.get())
                    .bind(sku.sku_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        record_event(&mut tx, order.id, None, OrderStatus::PendingPayment, Some(c.buyer), "order placed", c.now).await?;
        let detail = OrderDetail { order, lines };
        let body = render(&detail);
        if let Some((key, _)) = c.idempotency {
            sqlx::query("UPDATE idempotency_keys SET response_status = 201, response_body = $1 WHERE user_id = $2 AND idem_key = $3")
                .bind(&body)
                .bind(c.buyer.get())
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Placed::New { order: detail, body })
    }

    /// The stored first answer to `key`, if the buyer used it before:
    /// `Ok((status, body))`, or a conflict if it was for another request.
    pub async fn idempotent_answer(&self, buyer: UserId, key: &str, hash: &str) -> Result<Option<(i64, String)>> {
        let mut conn = self.read.acquire().await?;
        match stored_answer(&mut conn, buyer.get(), key).await? {
            Some((stored, _, _)) if stored != hash => {
                Err(StoreError::conflict("idempotency_key_reused", "this Idempotency-Key was used for a different request"))
            }
            Some((_, status, body)) => Ok(Some((status, body))),
            None => Ok(None),
        }
    }

    async fn replay(&self, buyer: UserId, key: &str, hash: &str) -> Result<Placed> {
        match self.idempotent_answer(buyer, key, hash).await? {
            Some((status, body)) => Ok(Placed::Replay { status, body }),
            None => Err(StoreError::NotFound("idempotency key")),
        }
    }

    pub async fn order(&self, id: OrderId) -> Result<OrderDetail> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
        let order: Order =
            sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("order"))?;
        let lines = sqlx::query_as(
            "SELECT id, order_id, sku_id, product_id, title, options, unit_price_minor, quantity FROM order_lines WHERE order_id = $1 ORDER BY id",
        )
        .bind(id.get())
        .fetch_all(&self.read)
        .await?;
        Ok(OrderDetail { order, lines })
    }

    pub async fn order_events(&self, id: OrderId) -> Result<Vec<OrderEvent>> {
        Ok(sqlx::query_as(
            "SELECT id, from_status, to_status, actor_id, note, created_at FROM order_events WHERE order_id = $1 ORDER BY id",
        )
        .bind(id.get())
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn orders_of_buyer(&self, buyer: UserId, page: &PageRequest) -> Result<Page<Order>> {
        self.orders_where("buyer_id", buyer.get(), page).await
    }

    pub async fn orders_of_shop(&self, shop: ShopId, page: &PageRequest) -> Result<Page<Order>> {
        self.orders_where("shop_id", shop.get(), page).await
    }

    async fn orders_where(&self, column: &'static str, value: i64, page: &PageRequest) -> Result<Page<Order>> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE {column} = $1 AND id < $2 ORDER BY id DESC LIMIT $3");
        let rows = sqlx::query_as(AssertSqlSafe(sql)).bind(value).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |o: &Order| o.id))
    }

    /// Moves an order along the state machine. Cancelling returns its stock.
    pub async fn transition_order(&self, id: OrderId, to: OrderStatus, actor: Option<UserId>, note: &str, now: Timestamp) -> Result<Order> {
        let mut tx = self.write.begin().await?;
        let order = transition_in(&mut tx, id, to, actor, note, now).await?;
        if to == OrderStatus::Cancelled {
            release_units(&mut tx, &order).await?;
        }
        let event = match to {
            OrderStatus::Shipped => Some("order.shipped"),
            OrderStatus::ReadyForPickup => Some("order.ready_for_pickup"),
            OrderStatus::Completed => Some("order.completed"),
            OrderStatus::Cancelled => Some("order.cancelled"),
            _ => None,
        };
        if let Some(event) = event {
            crate::webhooks::enqueue_for_shop(&mut tx, ShopId(order.shop_id), event, &order, now).await?;
        }
        tx.commit().await?;
        Ok(order)
    }

    /// Unpaid orders whose time to pay has passed, oldest first.
    pub async fn overdue_unpaid_orders(&self, now: Timestamp, limit: i64) -> Result<Vec<OrderId>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM orders WHERE status = 'pending_payment' AND pay_by <= $1 ORDER BY pay_by LIMIT $2")
                .bind(now.millis())
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(|(id,)| OrderId(id)).collect())
    }

    pub async fn cart(&self, user: UserId) -> Result<Vec<CartItem>> {
        Ok(sqlx::query_as(
            "SELECT c.sku_id, c.quantity, k.product_id, p.title, k.options, k.price_minor, k.currency, k.stock, p.shop_id, s.name AS shop_name \
             FROM cart_items c JOIN skus k ON k.id = c.sku_id JOIN products p ON p.id = k.product_id JOIN shops s ON s.id = p.shop_id \
             WHERE c.user_id = $1 ORDER BY p.shop_id, c.added_at",
        )
        .bind(user.get())
        .fetch_all(&self.read)
        .await?)
    }

    /// Sets a cart line's quantity (adding the line if new).
    pub async fn set_cart_item(&self, user: UserId, sku: SkuId, quantity: Quantity, now: Timestamp) -> Result<()> {
        let product = self.sku(sku).await?;
        let kind: (String, String) =
            sqlx::query_as("SELECT kind, status FROM products WHERE id = $1").bind(product.product_id).fetch_one(&self.read).await?;
        if !ListingKind::parse(&kind.0)?.sold_here() || kind.1 != "active" {
            return Err(StoreError::conflict("product_unavailable", "this product cannot be bought here"));
        }
        sqlx::query(
            "INSERT INTO cart_items (user_id, sku_id, quantity, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, sku_id) DO UPDATE SET quantity = excluded.quantity",
        )
        .bind(user.get())
        .bind(sku.get())
        .bind(quantity.get())
        .bind(now.millis())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    pub async fn remove_cart_item(&self, user: UserId, sku: SkuId) -> Result<()> {
        sqlx::query("DELETE FROM cart_items WHERE user_id = $1 AND sku_id = $2")
            .bind(user.get())
            .bind(sku.get())
            .execute(&self.write)
            .await?;
        Ok(())
    }
}

async fn take_stock(tx: &mut Transaction<'_, Any>, sku: SkuId, quantity: Quantity) -> Result<()> {
    let taken = sqlx::query("UPDATE skus SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
        .bind(quantity.get())
        .bind(sku.get())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if taken == 0 {
        let (available,): (i64,) = sqlx::query_as("SELECT stock FROM skus WHERE id = $1").bind(sku.get()).fetch_one(&mut **tx).await?;
        return Err(DomainError::OutOfStock { available, requested: quantity.get() }.into());
    }
    Ok(())
}

/// Gives an order's units back when it is cancelled or refunded unshipped:
/// to the SKU's stock, or, for an order from a deal that is still running,
/// to the deal (which counts what orders hold, so nothing is written).
pub(crate) async fn release_units(tx: &mut Transaction<'_, Any>, order: &Order) -> Result<()> {
    if let Some(deal) = order.deal_id {
        let (status,): (String,) = sqlx::query_as("SELECT status FROM flash_deals WHERE id = $1").bind(deal).fetch_one(&mut **tx).await?;
        let (units,): (i64,) = sqlx::query_as("SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_lines WHERE order_id = $1")
            .bind(order.id)
            .fetch_one(&mut **tx)
            .await?;
        sqlx::query("UPDATE flash_deals SET held = held - $1 WHERE id = $2").bind(units).bind(deal).execute(&mut **tx).await?;
        if status == "active" {
            return Ok(());
        }
    }
    return_stock(tx, order.order_id()).await
}

pub(crate) async fn return_stock(tx: &mut Transaction<'_, Any>, order: OrderId) -> Result<()> {
    sqlx::query("UPDATE skus SET stock = stock + (SELECT CAST(SUM(l.quantity) AS BIGINT) FROM order_lines l WHERE l.order_id = $1 AND l.sku_id = skus.id) \
                 WHERE id IN (SELECT sku_id FROM order_lines WHERE order_id = $1)")
        .bind(order.get())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Checks the move against the state machine and applies it only if nobody
/// changed the order in between.
pub(crate) async fn transition_in(
    tx: &mut Transaction<'_, Any>,
    id: OrderId,
    to: OrderStatus,
    actor: Option<UserId>,
    note: &str,
    now: Timestamp,
) -> Result<Order> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    let order: Order =
        sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("order"))?;
    let from = order.status();
    from.transition(to)?;
    let paid_at = if to == OrderStatus::Paid { Some(now.millis()) } else { order.paid_at };
    let sql =
        format!("UPDATE orders SET status = $1, paid_at = $2, updated_at = $3 WHERE id = $4 AND status = $5 RETURNING {ORDER_COLUMNS}");
    let updated: Order = sqlx::query_as(AssertSqlSafe(sql))
        .bind(to.as_str())
        .bind(paid_at)
        .bind(now.millis())
        .bind(id.get())
        .bind(from.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::conflict("order_changed", "the order changed meanwhile; reload and try again"))?;
    record_event(tx, id.get(), Some(from), to, actor, note, now).await?;
    Ok(updated)
}

async fn record_event(
    tx: &mut Transaction<'_, Any>,
    order: i64,
    from: Option<OrderStatus>,
    to: OrderStatus,
    actor: Option<UserId>,
    note: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("INSERT INTO order_events (order_id, from_status, to_status, actor_id, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(order)
        .bind(from.map(|f| f.as_str()))
        .bind(to.as_str())
        .bind(actor.map(|a| a.get()))
        .bind(note)
        .bind(now.millis())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// `(request hash, status, body)` stored for a key. Answers that were not
/// stored as text (deal purchases keep only the order id) are rebuilt as the
/// order was when created: that is what the first answer said.
pub(crate) async fn stored_answer(conn: &mut sqlx::AnyConnection, buyer: i64, key: &str) -> Result<Option<(String, i64, String)>> {
    let row: Option<(String, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT request_hash, response_status, response_body, order_id FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2",
    )
    .bind(buyer)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((hash, status, body, order_id)) = row else { return Ok(None) };
    let (Some(order_id), true) = (order_id, body.is_empty()) else { return Ok(Some((hash, status, body))) };
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    let mut order: Order = sqlx::query_as(AssertSqlSafe(sql)).bind(order_id).fetch_one(&mut *conn).await?;
    let lines: Vec<OrderLine> = sqlx::query_as(
        "SELECT id, order_id, sku_id, product_id, title, options, unit_price_minor, quantity FROM order_lines WHERE order_id = $1 ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    order.status = OrderStatus::PendingPayment.as_str().to_owned();
    order.paid_at = None;
    order.refunded_minor = 0;
    order.updated_at = order.created_at;
    Ok(Some((hash, status, serde_json::to_string(&OrderDetail { order, lines }).unwrap_or_default())))
}
