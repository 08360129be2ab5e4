//! The shopper's cart.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::{Json, Path};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::ids::SkuId;
use haul_domain::inventory::Quantity;
use haul_store::orders::CartItem;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_cart)).routes(routes!(put_item, delete_item))
}

#[utoipa::path(get, path = "/api/v1/cart", tag = "orders", security(("bearer" = [])), responses((status = 200, body = Vec<CartItem>)))]
async fn get_cart(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<Vec<CartItem>>> {
    Ok(axum::Json(state.db.cart(user.user_id()).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CartQuantity {
    pub quantity: i64,
}

#[utoipa::path(put, path = "/api/v1/cart/items/{sku_id}", tag = "orders", security(("bearer" = [])), request_body = CartQuantity,
    responses((status = 204), (status = 404), (status = 409, description = "product_unavailable")))]
async fn put_item(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(sku): Path<i64>,
    Json(input): Json<CartQuantity>,
) -> AppResult<StatusCode> {
    let quantity = Quantity::parse(input.quantity)?;
    crate::services::orders::put_in_cart(&state, &user, SkuId(sku), quantity).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/cart/items/{sku_id}", tag = "orders", security(("bearer" = [])), responses((status = 204)))]
async fn delete_item(State(state): State<AppState>, ApiUser(user): ApiUser, Path(sku): Path<i64>) -> AppResult<StatusCode> {
    state.db.remove_cart_item(user.user_id(), SkuId(sku)).await?;
    Ok(StatusCode::NO_CONTENT)
}
