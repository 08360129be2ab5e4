//! Checkout and orders: place, read, cancel, and the merchant's steps.

use crate::AppState;
use crate::api::{PageOf, PageParams, idempotency_key};
use crate::auth::{ApiUser, require_shop_staff};
use crate::error::AppResult;
use crate::extract::{Json, Path, Query};
use crate::services::orders::{PlaceOrder, advance_order, cancel_order, place_order, readable_order};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use haul_domain::ids::{OrderId, ShopId};
use haul_store::orders::{Order, OrderDetail, OrderEvent, Placed};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_orders, place))
        .routes(routes!(get_order))
        .routes(routes!(cancel))
        .routes(routes!(advance))
        .routes(routes!(shop_orders))
}

#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", security(("bearer" = [])), request_body = PlaceOrder,
    params(("Idempotency-Key" = String, Header, description = "a unique key; a retry with the same key returns the first answer")),
    responses((status = 201, body = OrderDetail), (status = 409, description = "out_of_stock, mixed_shops, idempotency_key_reused"), (status = 422)))]
async fn place(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    Json(input): Json<PlaceOrder>,
) -> AppResult<Response> {
    let key = idempotency_key(&headers)?;
    Ok(placed_response(place_order(&state, &user, &input, Some(&key)).await?))
}

#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", security(("bearer" = [])), params(PageParams), responses((status = 200, body = PageOf<Order>)))]
async fn my_orders(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<Order>>> {
    Ok(axum::Json(state.db.orders_of_buyer(user.user_id(), &page.parse()?).await?.into()))
}

/// A new order, or for a retried request the order as the first answer
/// showed it: 201 either way, as the first answer was.
pub fn placed_response(placed: Placed) -> Response {
    (StatusCode::CREATED, axum::Json(placed.order())).into_response()
}

#[derive(Serialize, ToSchema)]
pub struct OrderView {
    #[serde(flatten)]
    pub detail: OrderDetail,
    pub events: Vec<OrderEvent>,
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", security(("bearer" = [])), responses((status = 200, body = OrderView), (status = 404)))]
async fn get_order(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<OrderView>> {
    let detail = readable_order(&state, &user, OrderId(id)).await?;
    let events = state.db.order_events(OrderId(id)).await?;
    Ok(axum::Json(OrderView { detail, events }))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/cancel", tag = "orders", security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 409, description = "illegal_transition")))]
async fn cancel(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<Order>> {
    Ok(axum::Json(cancel_order(&state, &user, OrderId(id)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct Advance {
    /// `fulfilling`, `shipped`, `ready_for_pickup` or `completed`.
    pub status: String,
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/status", tag = "orders", security(("bearer" = [])), request_body = Advance,
    responses((status = 200, body = Order), (status = 409, description = "illegal_transition")))]
async fn advance(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<Advance>,
) -> AppResult<axum::Json<Order>> {
    Ok(axum::Json(advance_order(&state, &user, OrderId(id), &input.status).await?))
}

#[utoipa::path(get, path = "/api/v1/shops/{id}/orders", tag = "orders", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PageOf<Order>), (status = 403)))]
async fn shop_orders(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<Order>>> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    Ok(axum::Json(state.db.orders_of_shop(ShopId(id), &page.parse()?).await?.into()))
}
