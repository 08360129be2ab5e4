//! Coupons on the pages: what one takes off in words, and claiming one
//! from a shop's page, a product's or a live room's.

use super::layout::{CheckedForm, NoFields, PageResult, SignedIn, money, see_other_saying};
use crate::AppState;
use crate::extract::Path;
use crate::i18n::Lang;
use axum::extract::State;
use haul_store::coupons::Coupon;

/// "¥10.00 off over ¥50.00", "15% off".
pub fn terms_in_words(lang: Lang, c: &Coupon) -> String {
    let off = match (c.amount_off_minor, c.percent_off_bps) {
        (Some(a), _) => lang.t_with("coupon-amount-off", "amount", money(a, &c.currency)),
        (None, Some(p)) => lang.t_with("coupon-percent-off", "percent", format!("{}", p as f64 / 100.0)),
        (None, None) => String::new(),
    };
    if c.min_spend_minor > 0 {
        format!("{off} · {}", lang.t_with("coupon-min-spend", "amount", money(c.min_spend_minor, &c.currency)))
    } else {
        off
    }
}

/// A coupon as a card: its words, how many are left, its end.
pub struct CouponCard {
    pub id: i64,
    pub title: String,
    pub terms: String,
    pub left: i64,
    pub ends_at: i64,
    /// Paid by the platform, usable in any shop.
    pub platform: bool,
}

impl CouponCard {
    pub fn of(lang: Lang, c: &Coupon) -> Self {
        CouponCard {
            id: c.id,
            title: c.title.clone(),
            terms: terms_in_words(lang, c),
            left: c.total - c.claimed,
            ends_at: c.ends_at,
            platform: c.kind.platform_funded(),
        }
    }
}

/// The coupons a product's page offers: its shop's open and follower
/// coupons that cover it and the platform's in its shop's currency, all
/// started (a live room's are claimed in the room).
pub async fn for_product(state: &AppState, shop: &haul_store::catalog::Shop, product: i64) -> crate::error::AppResult<Vec<CouponCard>> {
    let now = state.clock.now();
    let lang = crate::i18n::current();
    let own = crate::services::reads::coupons_not_ended(state, Some(haul_domain::ids::ShopId(shop.id))).await?;
    let platform = crate::services::reads::coupons_not_ended(state, None).await?;
    Ok(own
        .iter()
        .chain(platform.iter().filter(|c| c.currency == shop.currency))
        .filter(|c| c.kind != haul_domain::coupons::CouponKind::Live && c.starts_at <= now.millis() && now.millis() < c.ends_at)
        .filter(|c| c.product_id.is_none_or(|p| p == product))
        .map(|c| CouponCard::of(lang, c))
        .collect())
}

/// A live room's coupons that have started, for its page.
pub async fn for_room(state: &AppState, room: &haul_store::live::Room) -> crate::error::AppResult<Vec<CouponCard>> {
    let Some(shop) = room.shop_id else { return Ok(Vec::new()) };
    let now = state.clock.now();
    let lang = crate::i18n::current();
    Ok(state
        .db
        .running_coupons(Some(haul_domain::ids::ShopId(shop)), now)
        .await?
        .iter()
        .filter(|c| c.room_id == Some(room.id) && c.starts_at <= now.millis())
        .map(|c| CouponCard::of(lang, c))
        .collect())
}

/// Claims a coupon from a page and goes back to it, saying so.
pub async fn claim(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    CheckedForm(_): CheckedForm<NoFields>,
) -> PageResult {
    crate::services::coupons::claim(&state, &user, id).await?;
    let back = super::layout::referer_path(&headers).and_then(|p| super::layout::local_path(&p)).unwrap_or_else(|| "/".to_owned());
    Ok(see_other_saying(&back, &crate::i18n::current().t("coupon-claimed")))
}
