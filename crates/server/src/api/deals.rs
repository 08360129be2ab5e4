//! Flash deals: merchants create and cancel them; shoppers see the real
//! remaining quantity and buy through the hot-stock engine.

use crate::AppState;
use crate::api::orders::placed_response;
use crate::api::{PageOf, PageParams, idempotency_key};
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::{Json, Path, Query};
use crate::services::deals::{DealView, NewDealInput, buy, cancel_deal, create_deal, one, view};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use haul_domain::ids::{DealId, ShopId};
use haul_store::orders::OrderDetail;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(show)).routes(routes!(cancel)).routes(routes!(purchase))
}

#[derive(Deserialize, IntoParams)]
pub struct DealQuery {
    pub shop_id: i64,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/deals", tag = "deals", params(DealQuery), responses((status = 200, body = PageOf<DealView>)))]
async fn list(State(state): State<AppState>, Query(q): Query<DealQuery>) -> AppResult<axum::Json<PageOf<DealView>>> {
    let page = state.db.deals_of_shop(ShopId(q.shop_id), &PageParams { limit: q.limit, cursor: q.cursor }.parse()?).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for d in page.items {
        items.push(view(&state, d).await?);
    }
    Ok(axum::Json(PageOf { items, next_cursor: page.next_cursor }))
}

#[utoipa::path(post, path = "/api/v1/deals", tag = "deals", security(("bearer" = [])), request_body = NewDealInput,
    responses((status = 201, body = DealView), (status = 409, description = "out_of_stock: the SKU has fewer units than the deal"), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<NewDealInput>,
) -> AppResult<(StatusCode, axum::Json<DealView>)> {
    let deal = create_deal(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, deal).await?)))
}

#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "deals", responses((status = 200, body = DealView), (status = 404)))]
async fn show(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<DealView>> {
    let deal = state.db.deal(DealId(id)).await?;
    Ok(axum::Json(view(&state, deal).await?))
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/cancel", tag = "deals", security(("bearer" = [])),
    responses((status = 200, body = DealView), (status = 409, description = "deal_not_active")))]
async fn cancel(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<DealView>> {
    Ok(axum::Json(cancel_deal(&state, &user, id).await?))
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct PurchaseInput {
    /// 1 by default; never more than the deal's per-shopper cap.
    #[serde(default = "one")]
    pub quantity: i64,
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/purchase", tag = "deals", security(("bearer" = [])), request_body = PurchaseInput,
    params(("Idempotency-Key" = String, Header, description = "a retry with the same key returns the first answer")),
    responses((status = 201, body = OrderDetail, description = "a reserved order awaiting payment"),
        (status = 409, description = "deal_sold_out, deal_cap_reached, deal_not_started, deal_ended"), (status = 503, description = "try_again")))]
async fn purchase(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(input): Json<PurchaseInput>,
) -> AppResult<Response> {
    let key = idempotency_key(&headers)?;
    Ok(placed_response(buy(&state, &user, id, input.quantity, key).await?))
}
