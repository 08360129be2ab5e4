//! Orders: reading them and moving them along the state machine, giving
//! units back when they are cancelled. Checkout, the cart, stored
//! idempotent answers and the one place orders are written (`write.rs`) are
//! in the submodules.

use crate::record::stored;
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::affiliate::TouchKind;
use haul_domain::community::CampaignStatus;
use haul_domain::deals::DealStatus;
use haul_domain::delivery::{Address, Fulfilment};
use haul_domain::group_buy::TeamStatus;
use haul_domain::ids::{OrderId, ShopId, UserId};
use haul_domain::orders::OrderStatus;
use haul_domain::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;
use sqlx::{Any, Transaction};

mod cart;
mod checkout;
mod idempotency;
mod shipment;
mod write;

pub use cart::CartItem;
pub use checkout::{Checkout, Placed, Receive};
pub(crate) use checkout::{NewOrder, insert_order, sku_for_sale, take_stock};
pub(crate) use idempotency::{claim_key, link_key, stored_answer};
pub use shipment::Shipment;
pub(crate) use write::{Origin, PlannedDelivery, PlannedLine, PlannedOrder, reserve_order_ids, write_orders};

record! {
    pub struct Order {
        pub id: i64,
        pub buyer_id: i64,
        pub shop_id: i64,
        #[schema(value_type = String)]
        pub status: OrderStatus,
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
        /// The team buy this order holds a seat in, if any.
        pub team_id: Option<i64>,
        /// The community campaign this order belongs to, if any.
        pub campaign_id: Option<i64>,
        /// When it reached the pickup point.
        pub ready_at: Option<i64>,
        /// The video whose buy card sold it.
        pub video_id: Option<i64>,
        /// The live room whose buy button sold it, and the room's host.
        pub room_id: Option<i64>,
        pub host_id: Option<i64>,
        #[schema(value_type = String)]
        pub fulfilment: Fulfilment,
        /// What delivery costs, part of the total.
        pub shipping_minor: i64,
        /// Where a delivery goes, as it was when chosen; none yet, or a
        /// collected order.
        #[schema(value_type = Option<Object>)]
        pub ship_to: Option<Address>,
        pub carrier: Option<String>,
        pub tracking_no: Option<String>,
        pub shipped_at: Option<i64>,
        /// When the buyer confirmed receipt.
        pub received_at: Option<i64>,
        /// When it completed (received, collected, or confirmed by time):
        /// the after-sales window and the money's hold start here.
        pub completed_at: Option<i64>,
        /// What coupons took off the goods (the total is after it).
        pub discount_minor: i64,
        /// The part of it a platform coupon took off, which the platform
        /// pays the shop.
        pub platform_discount_minor: i64,
    }
}

impl Order {
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
        /// Its share of the order's coupon discount: the shopper paid
        /// `unit_price_minor × quantity − discount_minor` for it.
        pub discount_minor: i64,
        /// What sold it (none: no creator's touch), the creator credited
        /// and the commission rate they earn (none: no plan pays them).
        #[schema(value_type = Option<String>)]
        pub touch_kind: Option<TouchKind>,
        pub touch_id: Option<i64>,
        pub creator_id: Option<i64>,
        pub commission_bps: Option<i64>,
    }
}

impl OrderLine {
    /// What the shopper paid for the line.
    pub fn paid_minor(&self) -> i64 {
        self.unit_price_minor * self.quantity - self.discount_minor
    }

    pub fn hide_attribution(&mut self) {
        (self.touch_kind, self.touch_id, self.creator_id, self.commission_bps) = (None, None, None, None);
    }
}

pub(crate) const LINE_COLUMNS: &str = "id, order_id, sku_id, product_id, title, options, unit_price_minor, quantity, discount_minor, touch_kind, touch_id, creator_id, commission_bps";

record! {
    pub struct OrderEvent {
        pub id: i64,
        #[schema(value_type = Option<String>)]
        pub from_status: Option<OrderStatus>,
        #[schema(value_type = String)]
        pub to_status: OrderStatus,
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

pub(crate) const ORDER_COLUMNS: &str = "id, buyer_id, shop_id, status, total_minor, currency, refunded_minor, pickup_code, pay_by, paid_at, created_at, updated_at, deal_id, team_id, campaign_id, ready_at, video_id, room_id, host_id, \
     fulfilment, shipping_minor, ship_to, carrier, tracking_no, shipped_at, received_at, completed_at, discount_minor, platform_discount_minor";

/// How an order keeps its address: the fields as JSON.
pub(crate) fn address_json(a: &Address) -> String {
    serde_json::to_string(a).unwrap_or_default()
}

impl Db {
    pub async fn order(&self, id: OrderId) -> Result<OrderDetail> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
        let order: Order =
            sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("order"))?;
        let sql = format!("SELECT {LINE_COLUMNS} FROM order_lines WHERE order_id = $1 ORDER BY id");
        let lines = sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_all(&self.read).await?;
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
        if to == OrderStatus::Fulfilling {
            check_group_closed(&mut tx, id).await?;
        }
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
}

/// A team order is prepared once its team is complete, a campaign order
/// once its campaign closed: until then it may still be refunded.
async fn check_group_closed(tx: &mut Transaction<'_, Any>, id: OrderId) -> Result<()> {
    let (team, campaign): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT t.status, c.status FROM orders o LEFT JOIN teams t ON t.id = o.team_id LEFT JOIN campaigns c ON c.id = o.campaign_id WHERE o.id = $1",
    )
    .bind(id.get())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound("order"))?;
    if team.map(|s| stored(TeamStatus::parse(&s))).transpose()?.is_some_and(|s| s != TeamStatus::Complete) {
        return Err(StoreError::conflict(ErrorCode::TeamNotComplete, "a team order is prepared once the team is complete"));
    }
    if campaign.map(|s| stored(CampaignStatus::parse(&s))).transpose()?.is_some_and(|s| s != CampaignStatus::Succeeded) {
        return Err(StoreError::conflict(ErrorCode::CampaignNotClosed, "a campaign order is prepared once the campaign closed"));
    }
    Ok(())
}

/// Gives an order's units back when it is cancelled or refunded unshipped:
/// to the SKU's stock, or, for an order from a deal that is still running,
/// to the deal (which counts what orders hold, so nothing is written).
pub(crate) async fn release_units(tx: &mut Transaction<'_, Any>, order: &Order) -> Result<()> {
    if order.paid_at.is_none() {
        crate::coupons::release_in(tx, order.id).await?;
    }
    if let Some(team) = order.team_id {
        leave_team(tx, team, order.paid_at.is_some(), Timestamp::from_millis(order.updated_at)).await?;
    }
    if let Some(deal) = order.deal_id {
        let (status,): (String,) = sqlx::query_as("SELECT status FROM flash_deals WHERE id = $1").bind(deal).fetch_one(&mut **tx).await?;
        let (units,): (i64,) = sqlx::query_as("SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM order_lines WHERE order_id = $1")
            .bind(order.id)
            .fetch_one(&mut **tx)
            .await?;
        sqlx::query("UPDATE flash_deals SET held = held - $1 WHERE id = $2").bind(units).bind(deal).execute(&mut **tx).await?;
        if stored(DealStatus::parse(&status))? == DealStatus::Active {
            return Ok(());
        }
    }
    return_stock(tx, order.order_id()).await
}

/// A team order's seat is given back when the order is cancelled or
/// refunded while the team is still open; an opener who never paid
/// abandons the team.
async fn leave_team(tx: &mut Transaction<'_, Any>, team: i64, was_paid: bool, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE teams SET seats = seats - 1, members = members - $1 WHERE id = $2 AND status IN ('opening', 'forming')")
        .bind(i64::from(was_paid))
        .bind(team)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE teams SET status = 'abandoned', closed_at = $1 WHERE id = $2 AND status = 'opening'")
        .bind(now.millis())
        .bind(team)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Gives an order's units back to their SKUs, less those a partial refund
/// gave back already (`restocked`).
pub(crate) async fn return_stock(tx: &mut Transaction<'_, Any>, order: OrderId) -> Result<()> {
    sqlx::query(
        "UPDATE skus SET stock = stock + (SELECT CAST(SUM(l.quantity - l.restocked) AS BIGINT) FROM order_lines l WHERE l.order_id = $1 \
         AND l.sku_id = skus.id) WHERE id IN (SELECT sku_id FROM order_lines WHERE order_id = $1)",
    )
    .bind(order.get())
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE order_lines SET restocked = quantity WHERE order_id = $1").bind(order.get()).execute(&mut **tx).await?;
    Ok(())
}

/// Gives `quantity` units of one line back to its SKU (a refund of part of
/// an order that has not shipped), at most the line's units not given back.
pub(crate) async fn restock_line_in(tx: &mut Transaction<'_, Any>, line: i64, quantity: i64) -> Result<()> {
    let back: Option<(i64,)> =
        sqlx::query_as("UPDATE order_lines SET restocked = restocked + $1 WHERE id = $2 AND restocked + $1 <= quantity RETURNING sku_id")
            .bind(quantity)
            .bind(line)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some((sku,)) = back {
        sqlx::query("UPDATE skus SET stock = stock + $1 WHERE id = $2").bind(quantity).bind(sku).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Checks the move against the state machine and applies it only if nobody
/// changed the order in between.
/// An order as the open transaction sees it.
pub(crate) async fn order_in(tx: &mut Transaction<'_, Any>, id: OrderId) -> Result<Order> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1");
    sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("order"))
}

pub(crate) async fn transition_in(
    tx: &mut Transaction<'_, Any>,
    id: OrderId,
    to: OrderStatus,
    actor: Option<UserId>,
    note: &str,
    now: Timestamp,
) -> Result<Order> {
    let order = order_in(tx, id).await?;
    let from = order.status;
    from.transition(to)?;
    if !order.fulfilment.allows(from, to) {
        return Err(StoreError::conflict(ErrorCode::WrongFulfilment, format!("a {} order is never {}", order.fulfilment, to)));
    }
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
        .ok_or_else(|| StoreError::conflict(ErrorCode::OrderChanged, "the order changed meanwhile; reload and try again"))?;
    record_event(tx, id.get(), Some(from), to, actor, note, now).await?;
    if to == OrderStatus::Completed {
        // The hold of the shop's money and of creators' commission starts now.
        sqlx::query("UPDATE orders SET completed_at = $1 WHERE id = $2").bind(now.millis()).bind(id.get()).execute(&mut **tx).await?;
        crate::affiliate::commission::order_completed_in(tx, id, now).await?;
        return Ok(Order { completed_at: Some(now.millis()), ..updated });
    }
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
