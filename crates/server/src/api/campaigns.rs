//! Campaigns: a leader publishes, residents order before the cut-off, the
//! close job makes the supply order, the delivery arrives, the leader hands
//! orders over against pickup codes.

use crate::AppState;
use crate::api::orders::placed_response;
use crate::api::{PageOf, PageParams, idempotency_key};
use crate::auth::{ApiUser, can_manage_shop};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::services::campaigns::{
    CampaignOrderInput, NewCampaignInput, PickupView, hand_over, leader_of, pickup_views, place, publish, visible_campaign,
};
use crate::services::community::{led_by, visible_community};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use haul_domain::ids::{CampaignId, CommunityId, ShopId};
use haul_store::accounts::User;
use haul_store::community::{Campaign, CampaignDetail, SupplyLine, SupplyOrder};
use haul_store::orders::{Order, OrderDetail};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(of_community))
        .routes(routes!(show))
        .routes(routes!(order))
        .routes(routes!(pickup_list))
        .routes(routes!(supply_order))
        .routes(routes!(arrived))
        .routes(routes!(pickup))
}

#[utoipa::path(post, path = "/api/v1/campaigns", tag = "community", security(("bearer" = [])), request_body = NewCampaignInput,
    responses((status = 201, body = CampaignDetail), (status = 403, description = "not_a_leader"),
        (status = 409, description = "community_not_approved, store_out_of_range, mixed_shops, not_offered_to_leaders, below_store_minimum")))]
async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<NewCampaignInput>,
) -> AppResult<(StatusCode, axum::Json<CampaignDetail>)> {
    Ok((StatusCode::CREATED, axum::Json(publish(&state, &user, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/communities/{id}/campaigns", tag = "community", params(PageParams),
    responses((status = 200, body = PageOf<Campaign>)))]
async fn of_community(
    State(state): State<AppState>,
    user: Option<ApiUser>,
    Path(id): Path<i64>,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<Campaign>>> {
    visible_community(&state, user.as_ref().map(|u| &u.0), CommunityId(id)).await?;
    Ok(axum::Json(state.db.campaigns_of_community(CommunityId(id), &page.parse()?).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "community", responses((status = 200, body = CampaignDetail), (status = 404)))]
async fn show(State(state): State<AppState>, user: Option<ApiUser>, Path(id): Path<i64>) -> AppResult<axum::Json<CampaignDetail>> {
    Ok(axum::Json(visible_campaign(&state, user.as_ref().map(|u| &u.0), CampaignId(id)).await?.0))
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/orders", tag = "community", security(("bearer" = [])), request_body = CampaignOrderInput,
    params(("Idempotency-Key" = String, Header, description = "a retry with the same key returns the first answer")),
    responses((status = 201, body = OrderDetail, description = "pay before the cut-off"),
        (status = 409, description = "campaign_closed, not_a_member, out_of_stock")))]
async fn order(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(input): Json<CampaignOrderInput>,
) -> AppResult<Response> {
    let key = idempotency_key(&headers)?;
    Ok(placed_response(place(&state, &user, CampaignId(id), &input, &key).await?))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/pickup-list", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = Vec<PickupView>, description = "residents' orders, by name"), (status = 403)))]
async fn pickup_list(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<Vec<PickupView>>> {
    leader_of(&state, &user, CampaignId(id)).await?;
    Ok(axum::Json(pickup_views(&state, CampaignId(id)).await?))
}

/// The leader or the store's staff.
async fn leader_or_store(state: &AppState, user: &User, id: CampaignId) -> AppResult<CampaignDetail> {
    let detail = state.db.campaign(id).await?;
    if can_manage_shop(state, user, ShopId(detail.campaign.shop_id)).await? {
        return Ok(detail);
    }
    led_by(state, user, CommunityId(detail.campaign.community_id)).await?;
    Ok(detail)
}

#[derive(Serialize, ToSchema)]
pub struct SupplyView {
    #[serde(flatten)]
    pub order: SupplyOrder,
    pub lines: Vec<SupplyLine>,
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}/supply-order", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = SupplyView, description = "quantities summed per SKU"), (status = 404, description = "not closed, or failed")))]
async fn supply_order(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<SupplyView>> {
    leader_or_store(&state, &user, CampaignId(id)).await?;
    let (order, lines) = state.db.supply_order_of_campaign(CampaignId(id)).await?.ok_or_else(|| AppError::not_found("supply order"))?;
    Ok(axum::Json(SupplyView { order, lines }))
}

#[derive(Serialize, ToSchema)]
pub struct Arrived {
    /// Orders now ready for pickup.
    pub orders: usize,
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/arrived", tag = "community", security(("bearer" = [])),
    responses((status = 200, body = Arrived), (status = 409, description = "not_awaiting_delivery")))]
async fn arrived(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<Arrived>> {
    leader_or_store(&state, &user, CampaignId(id)).await?;
    let ready = state.db.mark_arrived(CampaignId(id), state.clock.now()).await?;
    crate::services::mail_notices::ready_for_pickup(&state, &ready).await;
    Ok(axum::Json(Arrived { orders: ready.len() }))
}

#[derive(Deserialize, ToSchema)]
pub struct PickupInput {
    /// The six-digit code the resident shows (scanned or typed).
    pub code: String,
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/pickups", tag = "community", security(("bearer" = [])), request_body = PickupInput,
    responses((status = 200, body = Order, description = "completed; the leader's commission is booked"),
        (status = 409, description = "pickup_code_unknown, already_collected, not_ready_for_pickup"),
        (status = 429, description = "too_many_attempts")))]
async fn pickup(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<PickupInput>,
) -> AppResult<axum::Json<Order>> {
    Ok(axum::Json(hand_over(&state, &user, CampaignId(id), &input.code).await?))
}
