//! Flash deals: start one, show one with its live remaining units, cancel
//! one (its gate is dropped with it), and buy from one through the engine.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::deals::Purchase;
use crate::error::{AppError, AppResult};
use haul_domain::ErrorCode;
use haul_domain::deals::{DealStatus, Terms};
use haul_domain::ids::{DealId, RoomId, ShopId, SkuId};
use haul_domain::inventory::Quantity;
use haul_domain::signing::to_hex;
use haul_domain::{Money, Timestamp};
use haul_store::accounts::User;
use haul_store::deals::{Deal, NewDeal};
use haul_store::orders::Placed;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct DealView {
    #[serde(flatten)]
    pub deal: Deal,
    /// Units still available now: real, never padded.
    pub remaining: i64,
    /// `upcoming`, `live`, `ended` or `cancelled`.
    pub state: &'static str,
}

pub async fn view(state: &AppState, deal: Deal) -> AppResult<DealView> {
    let now = state.clock.now().millis();
    let phase = match deal.status.as_str() {
        "cancelled" => "cancelled",
        _ if now >= deal.ends_at || deal.status == DealStatus::Closed => "ended",
        _ if now < deal.starts_at => "upcoming",
        _ => "live",
    };
    let remaining = if phase == "ended" || phase == "cancelled" { 0 } else { state.deals.remaining(&deal).await? };
    Ok(DealView { deal, remaining, state: phase })
}

#[derive(Deserialize, ToSchema)]
pub struct NewDealInput {
    pub sku_id: i64,
    pub price_minor: i64,
    /// Units for the deal, taken from the SKU's stock now.
    pub quantity: i64,
    #[serde(default = "one")]
    pub per_shopper_cap: i64,
    /// Unix milliseconds.
    pub starts_at: i64,
    pub ends_at: i64,
    /// The live room that drops this deal, if any.
    pub live_room_id: Option<i64>,
}

/// Validates and creates a deal; shared with the merchant pages.
pub async fn create_deal(state: &AppState, user: &User, input: &NewDealInput) -> AppResult<Deal> {
    let sku = state.db.sku(SkuId(input.sku_id)).await?;
    let product = state.db.product(haul_domain::ids::ProductId(sku.product_id)).await?;
    require_shop_staff(state, user, ShopId(product.shop_id)).await?;
    crate::services::shops::require_selling(state, ShopId(product.shop_id)).await?;
    crate::services::catalog::sold_as_goods(&product)?;
    let price = Money::parse(input.price_minor, &sku.currency)?;
    let now = state.clock.now();
    let terms = Terms::parse(
        input.quantity,
        input.per_shopper_cap,
        Timestamp::from_millis(input.starts_at),
        Timestamp::from_millis(input.ends_at),
        now,
    )?;
    if let Some(room) = input.live_room_id {
        let r = state.db.room(RoomId(room)).await?;
        if !crate::services::live::runs_room(state, user, &r).await? {
            return Err(AppError::forbidden());
        }
        if r.status == haul_domain::live::RoomStatus::Ended {
            return Err(AppError::new(ErrorCode::RoomEnded, "the room has already ended"));
        }
    }
    let new = NewDeal {
        sku: SkuId(sku.id),
        price_minor: price.minor,
        quantity: terms.quantity,
        per_shopper_cap: terms.per_shopper_cap,
        starts_at: terms.starts_at,
        ends_at: terms.ends_at,
        live_room_id: input.live_room_id,
    };
    let deal = state.db.create_deal(&new, now).await?;
    if let Some(room) = deal.live_room_id {
        // The deal drops in the room: viewers see it with its countdown.
        let card = crate::live::protocol::DealCard::from(&deal);
        state.live.publish(room, crate::live::protocol::Event::Deal { deal: card }).await?;
    }
    Ok(deal)
}

/// Buys from a deal; shared with the pages.
pub async fn buy(state: &AppState, user: &User, deal: i64, quantity: i64, key: String) -> AppResult<Placed> {
    let quantity = Quantity::parse(quantity)?.get();
    let now = state.clock.now();
    let request_hash = to_hex(&Sha256::digest(format!("deal:{deal}:{quantity}")));
    let placed = state
        .deals
        .purchase(Purchase {
            deal,
            buyer: user.user_id(),
            quantity,
            idem_key: key,
            request_hash,
            pay_by: now.plus_seconds(state.config.deal_payment_timeout_seconds),
            now,
        })
        .await?;
    if placed.is_new() {
        crate::services::analytics::order_placed(state, placed.order());
    }
    Ok(placed)
}

/// Cancels a live or upcoming deal: its unsold units go back to the SKU and
/// its gate is dropped.
pub async fn cancel_deal(state: &AppState, user: &User, id: i64) -> AppResult<DealView> {
    let deal = state.db.deal(DealId(id)).await?;
    require_shop_staff(state, user, ShopId(deal.shop_id)).await?;
    if !state.db.finish_deal(DealId(id), DealStatus::Cancelled).await? {
        return Err(AppError::new(ErrorCode::DealNotActive, "the deal has already ended or been cancelled"));
    }
    state.deals.forget(id).await;
    view(state, state.db.deal(DealId(id)).await?).await
}

/// The default of a quantity or a cap.
pub(crate) fn one() -> i64 {
    1
}
