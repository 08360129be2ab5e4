//! The shop page's "group leaders" panel: which SKUs leaders may sell and
//! the lowest price each may go to; set, change or withdraw.

use super::shops::shop_page;
use crate::AppState;
use crate::auth::require_shop_staff;
use crate::extract::Path;
use crate::pages::layout::{CheckedForm, CsrfToken, PageResult, SignedIn, money, see_other};
use axum::Extension;
use axum::extract::State;
use haul_domain::Money;
use haul_domain::catalog::ProductStatus;
use haul_domain::ids::{ProductId, ShopId, SkuId};
use haul_store::catalog::ProductSummary;
use serde::Deserialize;

/// An offered SKU: `(sku, name, store price, lowest price for leaders)`.
pub(super) type Offered = (i64, String, String, String);
/// A SKU not offered: `(sku, name, store price)`.
pub(super) type NotOffered = (i64, String, String);

/// The shop's active SKUs, offered to leaders and not.
pub(super) async fn offer_rows(
    state: &AppState,
    shop: ShopId,
    products: &[ProductSummary],
) -> crate::error::AppResult<(Vec<Offered>, Vec<NotOffered>)> {
    let offers = state.db.leader_offers(shop).await?;
    let offered = offers
        .iter()
        .map(|o| (o.sku_id, format!("{} {}", o.title, o.options), money(o.price_minor, &o.currency), money(o.min_price_minor, &o.currency)))
        .collect();
    let mut not_offered = Vec::new();
    for p in products.iter().filter(|p| p.status == ProductStatus::Active) {
        for k in state.db.skus(ProductId(p.id)).await?.into_iter().filter(|k| offers.iter().all(|o| o.sku_id != k.id)) {
            not_offered.push((k.id, format!("{} {}", p.title, k.options), money(k.price_minor, &k.currency)));
        }
    }
    Ok((offered, not_offered))
}

#[derive(Deserialize)]
pub(super) struct OfferForm {
    sku_id: i64,
    #[serde(default)]
    min_price: String,
    /// `offer` or `withdraw`.
    action: String,
}

pub(super) async fn set_offer(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<OfferForm>,
) -> PageResult {
    let shop = ShopId(id);
    require_shop_staff(&state, &user, shop).await?;
    let result = async {
        if f.action == "withdraw" {
            return Ok(state.db.withdraw_leader_offer(shop, SkuId(f.sku_id)).await?);
        }
        let currency = state.db.shop(shop).await?.currency;
        let minimum = Money::parse_decimal(&f.min_price, &currency)?;
        state.db.set_leader_offer(shop, SkuId(f.sku_id), minimum.minor, state.clock.now()).await?;
        Ok::<(), crate::error::AppError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/merchant/shops/{id}"))),
        Err(e) => shop_page(&state, user, &csrf, shop, Some(e.localized_message())).await,
    }
}
