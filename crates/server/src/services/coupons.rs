//! Coupons: a shop's staff create the shop's (open to anyone, for a live
//! room, or for followers), an operator the platform's; shoppers claim
//! them. The rules are `domain::coupons`; a claim's limits hold in the
//! record's transaction (`store::coupons`).

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::{AppError, AppResult};
use crate::live::protocol::{Event, RoomCoupon};
use haul_domain::DomainError;
use haul_domain::accounts::{Role, text};
use haul_domain::coupons::{CouponKind, Terms};
use haul_domain::ids::{ProductId, RoomId, ShopId, UserId};
use haul_domain::{Currency, Timestamp};
use haul_store::accounts::User;
use haul_store::coupons::{Coupon, Held, NewCoupon};
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct CouponInput {
    /// `shop`, `live` or `follower` for a shop; `platform` for the platform's.
    #[schema(value_type = String)]
    pub kind: CouponKind,
    pub title: String,
    /// One of the two: an amount off the goods, or a percentage in basis points.
    pub amount_off_minor: Option<i64>,
    pub percent_off_bps: Option<i64>,
    /// The goods must come to at least this.
    #[serde(default)]
    pub min_spend_minor: i64,
    /// Unix milliseconds; now if left out.
    pub starts_at: Option<i64>,
    pub ends_at: i64,
    pub total: i64,
    /// 1 if left out.
    pub per_person: Option<i64>,
    /// Only this product of the shop; the whole shop if left out.
    pub product_id: Option<i64>,
    /// A live coupon's room (the shop's).
    pub room_id: Option<i64>,
    /// A follower coupon: whose followers may claim it; the shop's owner if left out.
    pub creator_id: Option<i64>,
}

/// Creates a coupon: the shop's (`shop` given, its staff) or the
/// platform's (an operator).
pub async fn create(state: &AppState, user: &User, shop: Option<ShopId>, input: &CouponInput) -> AppResult<Coupon> {
    let now = state.clock.now();
    let title = text("title", &input.title, 60)?;
    let window = (Timestamp::from_millis(input.starts_at.unwrap_or(now.millis())), Timestamp::from_millis(input.ends_at));
    let terms = Terms::parse(
        input.amount_off_minor,
        input.percent_off_bps,
        input.min_spend_minor,
        window,
        input.total,
        input.per_person.unwrap_or(1),
    )?;
    let mut new = NewCoupon {
        shop,
        kind: input.kind,
        title: &title,
        terms,
        currency: Currency::CNY.as_str(),
        product: None,
        room: None,
        creator: None,
        created_by: user.user_id(),
    };
    let currency;
    match shop {
        None => {
            if user.role() != Role::Operator {
                return Err(AppError::forbidden());
            }
            if input.kind != CouponKind::Platform {
                return Err(DomainError::invalid("kind", "the platform's coupons are of kind platform").into());
            }
        }
        Some(shop) => {
            require_shop_staff(state, user, shop).await?;
            let s = state.db.shop(shop).await?;
            currency = s.currency;
            new.currency = &currency;
            if let Some(product) = input.product_id {
                if state.db.product(ProductId(product)).await?.shop_id != shop.get() {
                    return Err(DomainError::invalid("product_id", "a product of this shop").into());
                }
                new.product = Some(product);
            }
            match input.kind {
                CouponKind::Platform => return Err(DomainError::invalid("kind", "shop, live or follower").into()),
                CouponKind::Live => {
                    let room = input.room_id.ok_or_else(|| DomainError::invalid("room_id", "a live coupon names its room"))?;
                    if state.db.room(RoomId(room)).await?.shop_id != Some(shop.get()) {
                        return Err(DomainError::invalid("room_id", "a live room of this shop").into());
                    }
                    new.room = Some(room);
                }
                CouponKind::Follower => {
                    let creator = input.creator_id.unwrap_or(s.owner_id);
                    state.db.user(UserId(creator)).await?;
                    new.creator = Some(UserId(creator));
                }
                CouponKind::Shop => {}
            }
        }
    }
    let coupon = state.db.create_coupon(&new, now).await?;
    if let Some(room) = coupon.room_id {
        // The coupon drops in the room: viewers see it with its countdown.
        state.live.publish(room, Event::Coupon { coupon: RoomCoupon::from(&coupon) }).await?;
    }
    Ok(coupon)
}

pub async fn claim(state: &AppState, user: &User, id: i64) -> AppResult<Held> {
    let held = state.db.claim_coupon(id, user.user_id(), state.clock.now()).await?;
    if let Some(room) = held.coupon.room_id {
        let left = held.coupon.total - held.coupon.claimed;
        // The room's count is a courtesy: a claim stands whether or not it is told.
        if let Err(e) = state.live.publish(room, Event::CouponLeft { coupon_id: id, left }).await {
            tracing::warn!(error = %e.message, room, "coupon count not sent to the room");
        }
    }
    Ok(held)
}
