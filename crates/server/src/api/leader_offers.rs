//! A store's offer to group leaders: which SKUs they may sell and the lowest
//! price they may set. Leaders read it; the store's staff change it.

use crate::AppState;
use crate::auth::{ApiUser, require_shop_staff};
use crate::error::AppResult;
use crate::extract::{Json, Path};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::ids::{ShopId, SkuId};
use haul_store::community::LeaderOffer;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(set, withdraw))
}

#[utoipa::path(get, path = "/api/v1/shops/{id}/leader-offers", tag = "community",
    responses((status = 200, body = Vec<LeaderOffer>, description = "what group leaders may sell, from which price")))]
async fn list(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<Vec<LeaderOffer>>> {
    state.db.shop(ShopId(id)).await?;
    Ok(axum::Json(state.db.leader_offers(ShopId(id)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct OfferInput {
    /// The lowest price a leader may sell this SKU at.
    pub min_price_minor: i64,
}

#[utoipa::path(put, path = "/api/v1/shops/{id}/leader-offers/{sku_id}", tag = "community", security(("bearer" = [])), request_body = OfferInput,
    responses((status = 200, body = LeaderOffer), (status = 403), (status = 404)))]
async fn set(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, sku)): Path<(i64, i64)>,
    Json(input): Json<OfferInput>,
) -> AppResult<axum::Json<LeaderOffer>> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    Ok(axum::Json(state.db.set_leader_offer(ShopId(id), SkuId(sku), input.min_price_minor, state.clock.now()).await?))
}

#[utoipa::path(delete, path = "/api/v1/shops/{id}/leader-offers/{sku_id}", tag = "community", security(("bearer" = [])),
    description = "New campaigns can no longer carry the SKU; published ones keep their terms.",
    responses((status = 204), (status = 403), (status = 404)))]
async fn withdraw(State(state): State<AppState>, ApiUser(user): ApiUser, Path((id, sku)): Path<(i64, i64)>) -> AppResult<StatusCode> {
    require_shop_staff(&state, &user, ShopId(id)).await?;
    state.db.withdraw_leader_offer(ShopId(id), SkuId(sku)).await?;
    Ok(StatusCode::NO_CONTENT)
}
