//! Vouchers for local shops: redemption by the shop's staff, the buyer's
//! vouchers, the shop's figures, settling expired ones, and the shops near
//! a shopper.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::{AppError, AppResult};
use crate::services::catalog::VoucherInput;
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::catalog::ListingKind;
use haul_domain::community::GeoPoint;
use haul_domain::ids::{OrderId, ProductId, ShopId};
use haul_domain::page::{Page, PageRequest};
use haul_domain::places::nearest_first;
use haul_domain::vouchers::{VoucherCode, VoucherStatus};
use haul_store::StoreError;
use haul_store::accounts::User;
use haul_store::catalog::LocatedShop;
use haul_store::vouchers::{Voucher, VoucherFigures};
use serde::Serialize;
use utoipa::ToSchema;

/// A member of the shop's staff redeems a voucher by its code, as typed
/// or scanned; its buyer is told.
pub async fn redeem(state: &AppState, staff: &User, shop: ShopId, code: &str) -> AppResult<Voucher> {
    require_shop_staff(state, staff, shop).await?;
    let code = VoucherCode::parse(code)?;
    // Codes are guessed one unknown code at a time: a few free, then a
    // growing wait, per person, and per shop with room for a whole counter's slips.
    let (by_shop, by_staff) = (format!("voucher:shop:{}", shop.get()), format!("voucher:staff:{}", staff.id));
    let free = state.config.pickup_code_attempts;
    if let Err(wait_seconds) = state.code_limiter.reserve(&[(&by_shop, free.saturating_mul(5)), (&by_staff, free)]) {
        return Err(AppError::new(ErrorCode::TooManyAttempts, format!("too many unknown voucher codes; try again in {wait_seconds} s")));
    }
    let redeemed = state.db.redeem_voucher(shop, &code, staff.user_id(), state.clock.now()).await;
    if !matches!(redeemed, Err(StoreError::NotFound(_))) {
        state.code_limiter.give_back(&by_shop);
        state.code_limiter.give_back(&by_staff);
    }
    let voucher = redeemed?;
    crate::services::notifications::voucher_moved(state, &voucher).await;
    Ok(voucher)
}

/// An order's vouchers: their codes for their buyer only (the shop sees a
/// code once it is redeemed, when a customer shows it).
pub async fn of_order(state: &AppState, user: &User, order: OrderId) -> AppResult<Vec<Voucher>> {
    let detail = crate::services::orders::readable_order(state, user, order).await?;
    let mut vouchers = state.db.vouchers_of_order(order).await?;
    if detail.order.buyer_id != user.id {
        vouchers.iter_mut().filter(|v| v.status != VoucherStatus::Redeemed).for_each(|v| v.code.clear());
    }
    Ok(vouchers)
}

/// The buyer refunds a voucher not yet used (where its terms refund unused ones).
pub async fn refund(state: &AppState, buyer: &User, id: i64) -> AppResult<Voucher> {
    Ok(state.db.refund_voucher(id, buyer.user_id(), state.clock.now()).await?)
}

/// Changes a voucher product's terms for vouchers sold from now on (those
/// sold keep theirs); shared with the merchant pages.
pub async fn set_terms(state: &AppState, staff: &User, product: ProductId, input: &VoucherInput) -> AppResult<()> {
    let p = crate::services::catalog::product_for_staff(state, staff, product).await?;
    if p.kind() != ListingKind::Voucher {
        return Err(AppError::not_found("voucher"));
    }
    let (covers, terms) = input.parse(state.clock.now())?;
    Ok(state.db.set_voucher_offer(product, &covers, &terms).await?)
}

pub async fn mine(state: &AppState, user: &User, page: &PageRequest) -> AppResult<Page<Voucher>> {
    Ok(state.db.vouchers_of_buyer(user.user_id(), page).await?)
}

/// A shop's redemptions, latest first, and its figures for the last 30 days.
pub async fn of_shop(state: &AppState, staff: &User, shop: ShopId, page: &PageRequest) -> AppResult<(Page<Voucher>, VoucherFigures)> {
    require_shop_staff(state, staff, shop).await?;
    let now = state.clock.now();
    let since = Timestamp::from_millis(now.millis() - 30 * 86_400_000);
    Ok((state.db.redemptions(shop, page).await?, state.db.voucher_figures(shop, since, now.plus_seconds(1)).await?))
}

/// Settles vouchers past their last day (refunding those whose terms say
/// so) and tells their buyers; how many.
pub async fn settle_expired(state: &AppState, limit: i64) -> AppResult<usize> {
    let settled = state.db.settle_expired_vouchers(state.clock.now(), limit).await?;
    for v in &settled {
        if v.status == VoucherStatus::Refunded {
            crate::services::notifications::voucher_moved(state, v).await;
        }
    }
    Ok(settled.len())
}

/// A shop near a point, with its distance.
#[derive(Debug, Serialize, ToSchema)]
pub struct NearShop {
    #[serde(flatten)]
    pub shop: LocatedShop,
    pub distance_m: i64,
}

/// How far around the shopper shops are looked for (about 550 km north and
/// south), and how many are listed.
const BAND_MICRO_DEGREES: i64 = 5_000_000;
const MAX_LOOKED_AT: i64 = 2_000;
pub const MAX_NEAR: usize = 50;

/// Shops with a location nearest `origin` first.
pub async fn near(state: &AppState, origin: GeoPoint) -> AppResult<Vec<NearShop>> {
    let shops = state.db.located_shops((origin.lat_micro(), origin.lng_micro()), BAND_MICRO_DEGREES, MAX_LOOKED_AT).await?;
    let placed = shops.into_iter().filter_map(|s| Some((GeoPoint::from_micro(s.lat_micro, s.lng_micro).ok()?, s)).map(|(p, s)| (s, p)));
    Ok(nearest_first(&origin, placed).into_iter().take(MAX_NEAR).map(|(shop, d)| NearShop { shop, distance_m: d.round() as i64 }).collect())
}
