//! The merchant's pages: shops and their orders (`shops.rs`), products,
//! SKUs, stock, pictures and flash deals (`products.rs`).

mod products;
mod shops;

use super::layout::{CsrfToken, PageResult, check_csrf, require_user, see_other};
use crate::AppState;
use crate::api::orders::advance_order;
use crate::auth::WebUser;
use crate::extract::Path;
use axum::Extension;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, State};
use axum::routing::{get, post};
use haul_domain::ids::OrderId;
use products::{add_deal, add_sku, product, update_product, update_sku, upload_image};
use serde::Deserialize;
use shops::{create_product, create_shop, index, shop};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/merchant", get(index))
        .route("/merchant/shops", post(create_shop))
        .route("/merchant/shops/{id}", get(shop))
        .route("/merchant/shops/{id}/products", post(create_product))
        .route("/merchant/products/{id}", get(product).post(update_product))
        .route("/merchant/products/{id}/skus", post(add_sku))
        .route("/merchant/products/{id}/deals", post(add_deal))
        .route("/merchant/skus/{id}", post(update_sku))
        .route("/merchant/products/{id}/image", post(upload_image).layer(DefaultBodyLimit::max(64 * 1024 * 1024)))
        .route("/merchant/orders/{id}/status", post(advance))
}

#[derive(Deserialize)]
struct StatusForm {
    csrf: String,
    status: String,
}

async fn advance(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> PageResult {
    check_csrf(&csrf, &f.csrf)?;
    let user = require_user(user)?;
    advance_order(&state, &user, OrderId(id), &f.status).await?;
    Ok(see_other(&format!("/orders/{id}")))
}
