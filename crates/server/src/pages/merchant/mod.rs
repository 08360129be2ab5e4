//! The merchant's pages: shops and their orders (`shops.rs`), products,
//! SKUs, stock, pictures and flash deals (`products.rs`), what group leaders
//! may sell (`offers.rs`), what it pays creators (`plans.rs`).

mod offers;
mod plans;

pub use plans::percent;
mod products;
mod shops;
mod vouchers;

use super::layout::{CheckedForm, PageResult, SignedIn, see_other, see_other_saying};
use crate::AppState;
use crate::extract::Path;
use crate::services::orders::advance_order;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use haul_domain::ids::OrderId;
use products::{add_deal, add_sku, add_team_offer, product, update_product, update_sku, upload_image};
use serde::Deserialize;
use shops::{create_product, create_shop, index, set_location, set_shipping, shop};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/merchant", get(index))
        .route("/merchant/shops", post(create_shop))
        .route("/merchant/shops/{id}", get(shop))
        .route("/merchant/shops/{id}/products", post(create_product))
        .route("/merchant/shops/{id}/location", post(set_location))
        .route("/merchant/shops/{id}/shipping", post(set_shipping))
        .route("/merchant/shops/{id}/plans", post(plans::add))
        .route("/merchant/plans/{id}", post(plans::change))
        .route("/merchant/shops/{id}/leader-offers", post(offers::set_offer))
        .route("/merchant/products/{id}", get(product).post(update_product))
        .route("/merchant/products/{id}/skus", post(add_sku))
        .route("/merchant/products/{id}/deals", post(add_deal))
        .route("/merchant/products/{id}/team-offers", post(add_team_offer))
        .route("/merchant/products/{id}/voucher", post(vouchers::set_terms))
        .route("/merchant/skus/{id}", post(update_sku))
        .route("/merchant/products/{id}/image", post(upload_image).layer(DefaultBodyLimit::max(64 * 1024 * 1024)))
        .route("/merchant/orders/{id}/status", post(advance))
        .route("/merchant/orders/{id}/refund", post(refund))
}

#[derive(Deserialize)]
struct RefundForm {
    /// As typed: "9.95"; empty for all that is left.
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

/// The shop refunds part or all of a paid order; creators' commission on
/// it is taken back in proportion.
async fn refund(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<RefundForm>,
) -> PageResult {
    let currency = state.db.order(OrderId(id)).await?.order.currency;
    let amount_minor = match f.amount.trim() {
        "" => None,
        text => Some(
            haul_domain::Money::parse_decimal(text, &currency)
                .map_err(|_| haul_domain::DomainError::invalid("amount", "an amount such as 9.95"))?
                .minor,
        ),
    };
    let input = crate::services::payments::RefundInput { amount_minor, reason: f.reason };
    crate::services::payments::refund_order(&state, &user, OrderId(id), input).await?;
    Ok(see_other_saying(&format!("/orders/{id}"), &crate::i18n::current().t("order-refund-done")))
}

#[derive(Deserialize)]
struct StatusForm {
    status: String,
}

async fn advance(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<StatusForm>,
) -> PageResult {
    advance_order(&state, &user, OrderId(id), &f.status).await?;
    Ok(see_other(&format!("/orders/{id}")))
}
