//! Delivery: a shopper's address book, a shop's shipping fees and pickup
//! point, and a delivery order's address, shipment and receipt.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::{AppError, AppResult};
use haul_domain::DomainError;
use haul_domain::ErrorCode;
use haul_domain::delivery::{Address, Fulfilment};
use haul_domain::ids::{OrderId, ShopId};
use haul_domain::orders::event_notes;
use haul_store::accounts::User;
use haul_store::delivery::{RegionFee, SavedAddress, ShopShipping};
use haul_store::orders::{Order, Shipment};
use serde::Deserialize;
use utoipa::ToSchema;

pub async fn add_address(state: &AppState, user: &User, raw: &Address, make_default: bool) -> AppResult<SavedAddress> {
    let address = Address::parse(raw)?;
    Ok(state.db.add_address(user.user_id(), &address, make_default, state.clock.now()).await?)
}

pub async fn update_address(state: &AppState, user: &User, id: i64, raw: &Address) -> AppResult<SavedAddress> {
    let address = Address::parse(raw)?;
    Ok(state.db.update_address(user.user_id(), id, &address).await?)
}

/// A shop's fees and pickup point as its staff set them, checked.
pub async fn set_shipping(state: &AppState, user: &User, shop: ShopId, input: ShopShipping) -> AppResult<ShopShipping> {
    require_shop_staff(state, user, shop).await?;
    let rates = input.rates().parse()?;
    let pickup_point = match input.pickup_point.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) if p.chars().count() > 200 || p.chars().any(char::is_control) => {
            return Err(DomainError::invalid("pickup_point", "at most 200 characters").into());
        }
        Some(p) => Some(p.to_owned()),
    };
    let shipping = ShopShipping {
        flat_minor: rates.flat_minor,
        free_above_minor: rates.free_above_minor,
        regions: rates.regions.into_iter().map(|(province, fee_minor)| RegionFee { province, fee_minor }).collect(),
        pickup_point,
    };
    state.db.set_shop_shipping(shop, &shipping).await?;
    Ok(shipping)
}

/// The buyer chooses (or changes) where a delivery goes, until it ships.
pub async fn set_order_address(state: &AppState, user: &User, order: OrderId, address: i64) -> AppResult<Order> {
    let detail = state.db.order(order).await?;
    if detail.order.buyer_id != user.id {
        return Err(AppError::not_found("order"));
    }
    if detail.order.fulfilment != Fulfilment::Delivery {
        return Err(AppError::new(ErrorCode::WrongFulfilment, "this order is collected, not delivered"));
    }
    let saved = state.db.address(user.user_id(), address).await?;
    Ok(state.db.set_order_address(order, &saved.address(), state.clock.now()).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ShipInput {
    /// The carrier's name, such as 顺丰速运 or SF Express.
    pub carrier: String,
    pub tracking_no: String,
}

/// A parcel's carrier and tracking number, checked: the shop's shipment,
/// a buyer's return, an exchange's replacement.
pub fn parcel(carrier: &str, tracking_no: &str) -> AppResult<(String, String)> {
    let carrier = carrier.trim();
    if carrier.is_empty() || carrier.chars().count() > 40 || carrier.chars().any(char::is_control) {
        return Err(DomainError::invalid("carrier", "between 1 and 40 characters").into());
    }
    let tracking = tracking_no.trim();
    if !(4..=40).contains(&tracking.len()) || !tracking.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(DomainError::invalid("tracking_no", "4 to 40 letters, digits and dashes").into());
    }
    Ok((carrier.to_owned(), tracking.to_owned()))
}

/// The shop ships a paid delivery with its carrier and tracking number.
pub async fn ship(state: &AppState, user: &User, order: OrderId, input: &ShipInput) -> AppResult<Order> {
    let detail = state.db.order(order).await?;
    require_shop_staff(state, user, ShopId(detail.order.shop_id)).await.map_err(|_| AppError::not_found("order"))?;
    if detail.order.fulfilment != Fulfilment::Delivery {
        return Err(AppError::new(ErrorCode::WrongFulfilment, "a collected order is handed over, not shipped"));
    }
    if detail.order.ship_to.is_none() {
        return Err(AppError::new(ErrorCode::AddressRequired, "the buyer has not chosen an address yet"));
    }
    let (carrier, tracking) = parcel(&input.carrier, &input.tracking_no)?;
    let shipment = Shipment {
        carrier: &carrier,
        tracking_no: Some(&tracking),
        actor: Some(user.user_id()),
        prepared_note: event_notes::BY_THE_SHOP,
        note: event_notes::SHIPPED,
    };
    let shipped = state.db.ship_order(order, shipment, state.clock.now()).await?;
    crate::services::notifications::order_moved(state, shipped.buyer_id, shipped.id, &format!("{carrier} {tracking}")).await;
    crate::services::mail_notices::shipped(state, &shipped).await;
    Ok(shipped)
}

/// The buyer confirms a delivery arrived.
pub async fn confirm_received(state: &AppState, user: &User, order: OrderId) -> AppResult<Order> {
    let detail = state.db.order(order).await?;
    if detail.order.buyer_id != user.id {
        return Err(AppError::not_found("order"));
    }
    if detail.order.fulfilment != Fulfilment::Delivery {
        return Err(AppError::new(ErrorCode::WrongFulfilment, "a collected order is completed at the pickup point"));
    }
    Ok(state.db.confirm_received(order, user.user_id(), event_notes::RECEIVED, state.clock.now()).await?)
}

/// Completes deliveries shipped more than `auto_receive_days` ago that their
/// buyers never confirmed, `batch` at most; how many. Safe to run twice and
/// on several nodes: the transition checks the status it leaves.
pub async fn confirm_overdue(state: &AppState, batch: i64) -> AppResult<usize> {
    let now = state.clock.now();
    let shipped_before = now.plus_seconds(-state.config.auto_receive_days.max(1) * 86_400);
    let mut completed = 0;
    for (id, buyer) in state.db.unconfirmed_deliveries(shipped_before, batch).await? {
        match state.db.confirm_received(id, buyer, event_notes::RECEIVED_AUTOMATICALLY, now).await {
            Ok(_) => completed += 1,
            // Confirmed or refunded meanwhile.
            Err(haul_store::StoreError::Domain(_) | haul_store::StoreError::Conflict { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(completed)
}
