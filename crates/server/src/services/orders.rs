//! Orders: place one (cart checkout, a buy button, a live room), read it,
//! cancel it, the merchant's steps, and expiry of unpaid ones. Whatever must
//! happen when an order leaves the running (a flash-deal unit going back to
//! its deal) happens here, so no caller can forget it.

use crate::AppState;
use crate::auth::{can_manage_shop, require_shop_staff};
use crate::error::{AppError, AppResult};
use haul_domain::ErrorCode;
use haul_domain::affiliate::TouchKind;
use haul_domain::analytics::{Metric, Subject};
use haul_domain::delivery::{Address, Fulfilment};
use haul_domain::ids::{OrderId, RoomId, ShopId, SkuId, VideoId};
use haul_domain::inventory::Quantity;
use haul_domain::orders::event_notes;
use haul_domain::orders::{OrderStatus, pickup_code};
use haul_domain::signing::to_hex;
use haul_store::StoreError;
use haul_store::accounts::User;
use haul_store::orders::{Checkout, Order, OrderDetail, Placed, Receive};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

pub const MAX_LINES: usize = 50;

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct LineInput {
    pub sku_id: i64,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct PlaceOrder {
    /// The items to buy, all from one shop. Leave empty with `from_cart_shop_id`.
    #[serde(default)]
    pub items: Vec<LineInput>,
    /// Check out this shop's items from the cart instead.
    pub from_cart_shop_id: Option<i64>,
    /// The video whose buy card this came from: its purchases count it.
    pub video_id: Option<i64>,
    /// The live room whose buy button this came from: the order records the
    /// room and its host. Every item must be in the room's bag.
    pub room_id: Option<i64>,
    /// `delivery` (the default) or `pickup` where the shop has a pickup point.
    #[schema(value_type = Option<String>)]
    pub fulfilment: Option<Fulfilment>,
    /// Deliver to this address of the buyer's; the default address if none.
    pub address_id: Option<i64>,
    /// Coupons you claimed to use (`claim_id` of `GET /api/v1/me/coupons`):
    /// one of the shop's.
    #[serde(default)]
    pub coupon_claim_ids: Vec<i64>,
}

/// Places an order; shared with the checkout page. `idempotency` is the
/// client's key, if any.
pub async fn place_order(state: &AppState, user: &User, input: &PlaceOrder, idempotency: Option<&str>) -> AppResult<Placed> {
    let mut lines: Vec<(SkuId, Quantity)> = Vec::new();
    let clear_cart = input.from_cart_shop_id.is_some();
    // Bounded before anything is looked up for them.
    if input.coupon_claim_ids.len() > haul_domain::coupons::MAX_PER_ORDER {
        let why = haul_domain::coupons::CouponRefusal::DoesNotStack.message();
        return Err(haul_domain::DomainError::invalid("coupon_claim_ids", why).into());
    }
    if input.items.len() > MAX_LINES {
        return Err(haul_domain::DomainError::invalid("items", format!("between 1 and {MAX_LINES} items")).into());
    }
    if let Some(shop) = input.from_cart_shop_id {
        for item in state.db.cart(user.user_id()).await?.into_iter().filter(|i| i.shop_id == shop) {
            lines.push((SkuId(item.sku_id), Quantity::parse(item.quantity)?));
        }
        if lines.is_empty() {
            return Err(AppError::new(ErrorCode::CartEmpty, "the cart holds nothing from this shop"));
        }
    } else {
        for l in &input.items {
            lines.push((SkuId(l.sku_id), Quantity::parse(l.quantity)?));
        }
    }
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(haul_domain::DomainError::invalid("items", format!("between 1 and {MAX_LINES} items")).into());
    }
    lines.sort_by_key(|(sku, _)| *sku);
    if lines.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(haul_domain::DomainError::invalid("items", "each SKU once; set its quantity instead").into());
    }
    if let Some(video) = input.video_id {
        state.db.video(VideoId(video)).await?;
        // Buying from the card is a tap on it: the video's creator is credited.
        for (sku, _) in &lines {
            let product = state.db.sku(*sku).await?.product_id;
            crate::services::earnings::record_touch(state, user, product, TouchKind::Video, video).await?;
        }
    }
    let room = match input.room_id {
        Some(id) => Some(room_origin(state, id, &lines).await?),
        None => None,
    };
    let request_hash = to_hex(&Sha256::digest(serde_json::to_vec(input).unwrap_or_default()));
    let now = state.clock.now();
    let checkout = Checkout {
        buyer: user.user_id(),
        lines: &lines,
        idempotency: idempotency.map(|k| (k, request_hash.as_str())),
        receive: receive(state, user, input.fulfilment, input.address_id).await?,
        pay_by: now.plus_seconds(state.config.payment_timeout_seconds),
        now,
        clear_cart,
        video: input.video_id,
        room,
        coupons: &input.coupon_claim_ids,
    };
    let placed = state.db.place_order(checkout).await?;
    if placed.is_new() {
        crate::services::analytics::order_placed(state, placed.order());
    }
    Ok(placed)
}

/// Puts a SKU in the buyer's cart, or sets its quantity there; a new line
/// counts as an add to cart in the shop's funnel. Shared with the cart page.
pub async fn put_in_cart(state: &AppState, user: &User, sku: SkuId, quantity: Quantity) -> AppResult<()> {
    let now = state.clock.now();
    let put = state.db.set_cart_item(user.user_id(), sku, quantity, now).await?;
    if put.added {
        state.tally.count(Subject::Product, put.product_id, Metric::Cart, put.shop_id, now);
    }
    Ok(())
}

/// How the buyer receives an order: collected with a fresh code, or
/// delivered to the address they chose, else their default one (else one
/// they choose before it ships).
async fn receive(state: &AppState, user: &User, fulfilment: Option<Fulfilment>, address: Option<i64>) -> AppResult<Receive> {
    Ok(match (fulfilment.unwrap_or(Fulfilment::Delivery), address) {
        (Fulfilment::Pickup, _) => Receive::Collect(pickup_code(crate::auth::random_u32())),
        (Fulfilment::Delivery, Some(id)) => Receive::Deliver(Some(state.db.address(user.user_id(), id).await?.address())),
        (Fulfilment::Delivery, None) => Receive::Deliver(default_ship_to(state, user).await?),
        (Fulfilment::Voucher, _) => Receive::UseAtShop,
    })
}

/// The buyer's default address, which buy buttons (deals, team seats) ship to.
pub async fn default_ship_to(state: &AppState, user: &User) -> AppResult<Option<Address>> {
    Ok(state.db.default_address(user.user_id()).await?.map(|a| a.address()))
}

/// `(room, host)` for an order from a live room, once every line's product
/// is in the room's bag.
async fn room_origin(state: &AppState, room: i64, lines: &[(SkuId, Quantity)]) -> AppResult<(i64, i64)> {
    let r = state.db.room(RoomId(room)).await?;
    for (sku, _) in lines {
        let product = state.db.sku(*sku).await?.product_id;
        if !state.db.in_bag(RoomId(room), product).await? {
            return Err(AppError::new(ErrorCode::NotInBag, "this product is not in the room's bag"));
        }
    }
    Ok((r.id, r.host_id))
}

/// An order, if `user` is its buyer, staff of its shop, or an operator.
/// Anyone else is told it does not exist. Only staff see what sold each line.
pub async fn readable_order(state: &AppState, user: &User, id: OrderId) -> AppResult<OrderDetail> {
    let mut detail = state.db.order(id).await?;
    let staff = can_manage_shop(state, user, ShopId(detail.order.shop_id)).await?;
    if staff || detail.order.buyer_id == user.id {
        if !staff {
            // What sold a line (and to whom the commission goes) is the shop's business.
            detail.lines.iter_mut().for_each(haul_store::orders::OrderLine::hide_attribution);
        }
        Ok(detail)
    } else {
        Err(AppError::not_found("order"))
    }
}

/// The buyer cancels an unpaid order; its stock comes back.
pub async fn cancel_order(state: &AppState, user: &User, id: OrderId) -> AppResult<Order> {
    let detail = readable_order(state, user, id).await?;
    if detail.order.buyer_id != user.id {
        return Err(AppError::forbidden());
    }
    let order = state
        .db
        .transition_order(id, OrderStatus::Cancelled, Some(user.user_id()), event_notes::CANCELLED_BY_BUYER, state.clock.now())
        .await?;
    left_running(state, &order).await?;
    Ok(order)
}

/// Cancels orders still unpaid after their payment deadline, `batch` at
/// most; how many. Safe to run twice and on several nodes: the transition
/// checks the status it leaves.
pub async fn expire_overdue(state: &AppState, batch: i64) -> AppResult<usize> {
    let now = state.clock.now();
    let mut cancelled = 0;
    for id in state.db.overdue_unpaid_orders(now, batch).await? {
        match state.db.transition_order(id, OrderStatus::Cancelled, None, event_notes::NOT_PAID_IN_TIME, now).await {
            Ok(order) => {
                left_running(state, &order).await?;
                cancelled += 1;
            }
            // Paid or cancelled meanwhile: nothing to do.
            Err(StoreError::Domain(_) | StoreError::Conflict { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(cancelled)
}

/// What follows an order's leaving the running before it shipped (cancelled,
/// expired, refunded in full): its stock came back in the record's
/// transaction; a flash deal's unit goes back to the deal's gate here.
pub(super) async fn left_running(state: &AppState, order: &Order) -> AppResult<()> {
    state.deals.released(order).await
}

/// A merchant moves an order along; shared with the merchant pages.
pub async fn advance_order(state: &AppState, user: &User, id: OrderId, to: &str) -> AppResult<Order> {
    let to = OrderStatus::parse(to)?;
    let detail = state.db.order(id).await?;
    require_shop_staff(state, user, ShopId(detail.order.shop_id)).await.map_err(|_| AppError::not_found("order"))?;
    if !matches!(to, OrderStatus::Fulfilling | OrderStatus::Shipped | OrderStatus::ReadyForPickup | OrderStatus::Completed) {
        return Err(AppError::new(ErrorCode::NotAMerchantStep, "payment, cancellation and refunds have their own endpoints"));
    }
    if detail.order.fulfilment == Fulfilment::Voucher {
        return Err(AppError::new(ErrorCode::NotAMerchantStep, "a voucher order completes as its vouchers are redeemed at the shop"));
    }
    if detail.order.fulfilment == Fulfilment::Delivery && matches!(to, OrderStatus::Shipped | OrderStatus::Completed) {
        return Err(AppError::new(
            ErrorCode::NotAMerchantStep,
            "a delivery ships with its carrier and tracking number (the shipment endpoint) and its buyer confirms receipt",
        ));
    }
    Ok(state.db.transition_order(id, to, Some(user.user_id()), event_notes::BY_THE_SHOP, state.clock.now()).await?)
}
