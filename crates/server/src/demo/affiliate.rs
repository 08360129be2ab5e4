//! Creators' money in the demo: sales credited to the stylist through her
//! showcase, her share link and her video, one of them complete and past
//! its hold (available to pay out), the others pending.

use super::Result;
use crate::AppState;
use haul_domain::Timestamp;
use haul_domain::affiliate::TouchKind;
use haul_domain::delivery::Address;
use haul_domain::ids::{OrderId, ProductId, SkuId, UserId};
use haul_domain::inventory::Quantity;
use haul_domain::page::PageRequest;
use haul_store::orders::{Checkout, Placed, Receive};
use std::collections::HashMap;

const DAY: i64 = 86_400;

/// Who buys what through which of the stylist's touches, and how long ago.
pub async fn fill(
    state: &AppState,
    buyers: [UserId; 2],
    stylist: UserId,
    tea_skus: &[SkuId],
    fruit_skus: &[SkuId],
    ship_to: &HashMap<UserId, Address>,
    now: Timestamp,
) -> Result<()> {
    let [shopper, second] = buyers;
    let product = |sku: SkuId| async move { Ok::<_, String>(ProductId(state.db.sku(sku).await.map_err(|e| e.to_string())?.product_id)) };
    // Three weeks ago, from her showcase: received since, so past its hold.
    let past = now.plus_seconds(-21 * DAY);
    state.db.record_touch(shopper, product(tea_skus[0]).await?, TouchKind::Showcase, stylist.get(), past).await?;
    let old = order(state, shopper, tea_skus[0], ship_to, past).await?;
    super::delivery::ship(state, old, past.plus_seconds(DAY)).await?;
    state.db.confirm_received(old, shopper, haul_domain::orders::event_notes::RECEIVED, past.plus_seconds(3 * DAY)).await?;
    // Today, through her link to the oolong, and her video of the oranges.
    let oolong = product(tea_skus[2]).await?;
    let link = state.db.share_link(stylist, oolong, &crate::auth::random_token()[..10], now).await?;
    state.db.follow_share_link(&link, Some(second), false, now).await?;
    order(state, second, tea_skus[2], ship_to, now).await?;
    let oranges = product(fruit_skus[0]).await?;
    for video in state.db.videos_of_creator(stylist, &PageRequest::parse(Some(20), None)?).await?.items {
        if state.db.record_touch(shopper, oranges, TouchKind::Video, video.id, now).await? {
            order(state, shopper, fruit_skus[0], ship_to, now).await?;
            break;
        }
    }
    state.db.release_due_commission(now, 100).await?;
    Ok(())
}

/// One paid unit of `sku`, delivered to the buyer's address.
async fn order(state: &AppState, buyer: UserId, sku: SkuId, ship_to: &HashMap<UserId, Address>, at: Timestamp) -> Result<OrderId> {
    let lines = [(sku, Quantity::parse(1)?)];
    let checkout = Checkout {
        buyer,
        lines: &lines,
        idempotency: None,
        receive: Receive::Deliver(ship_to.get(&buyer).cloned()),
        pay_by: at.plus_seconds(state.config.payment_timeout_seconds),
        now: at,
        clear_cart: false,
        video: None,
        room: None,
        coupons: &[],
    };
    let Placed::New(placed) = state.db.place_order(checkout).await? else {
        return Err("the demo order was a replay".into());
    };
    super::pay(state, &placed.order, at).await?;
    Ok(OrderId(placed.order.id))
}
