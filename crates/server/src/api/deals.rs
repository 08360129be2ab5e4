//! Flash deals: merchants create and cancel them; shoppers see the real
//! remaining quantity and buy through the hot-stock engine.

use crate::AppState;
use crate::api::{PageOf, PageParams, idempotency_key};
use crate::auth::{ApiUser, random_u32, require_shop_staff};
use crate::deals::Purchase;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use haul_domain::deals::Terms;
use haul_domain::ids::{ShopId, SkuId};
use haul_domain::inventory::Quantity;
use haul_domain::orders::pickup_code;
use haul_domain::signing::to_hex;
use haul_domain::{Money, Timestamp};
use haul_store::accounts::User;
use haul_store::deals::{Deal, NewDeal};
use haul_store::orders::OrderDetail;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(show)).routes(routes!(cancel)).routes(routes!(purchase))
}

#[derive(Serialize, ToSchema)]
pub struct DealView {
    #[serde(flatten)]
    pub deal: Deal,
    /// Units still available now: real, never padded.
    pub remaining: i64,
    /// `upcoming`, `live`, `ended` or `cancelled`.
    pub state: &'static str,
}

pub async fn view(state: &AppState, deal: Deal) -> ApiResult<DealView> {
    let now = state.clock.now().millis();
    let phase = match deal.status.as_str() {
        "cancelled" => "cancelled",
        _ if now >= deal.ends_at || deal.status == "closed" => "ended",
        _ if now < deal.starts_at => "upcoming",
        _ => "live",
    };
    let remaining = if phase == "ended" || phase == "cancelled" { 0 } else { state.deals.remaining(&deal).await? };
    Ok(DealView { deal, remaining, state: phase })
}

#[derive(Deserialize, IntoParams)]
pub struct DealQuery {
    pub shop_id: i64,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/deals", tag = "deals", params(DealQuery), responses((status = 200, body = PageOf<DealView>)))]
async fn list(State(state): State<AppState>, Query(q): Query<DealQuery>) -> ApiResult<axum::Json<PageOf<DealView>>> {
    let page = state.db.deals_of_shop(ShopId(q.shop_id), &PageParams { limit: q.limit, cursor: q.cursor }.parse()?).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for d in page.items {
        items.push(view(&state, d).await?);
    }
    Ok(axum::Json(PageOf { items, next_cursor: page.next_cursor }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewDealInput {
    pub sku_id: i64,
    pub price_minor: i64,
    /// Units for the deal, taken from the SKU's stock now.
    pub quantity: i64,
    #[serde(default = "one")]
    pub per_shopper_cap: i64,
    /// Unix milliseconds.
    pub starts_at: i64,
    pub ends_at: i64,
    /// The live room that drops this deal, if any.
    pub live_room_id: Option<i64>,
}

fn one() -> i64 {
    1
}

/// Validates and creates a deal; shared with the merchant pages.
pub async fn create_deal(state: &AppState, user: &User, input: &NewDealInput) -> ApiResult<Deal> {
    let sku = state.db.sku(SkuId(input.sku_id)).await?;
    let product = state.db.product(haul_domain::ids::ProductId(sku.product_id)).await?;
    require_shop_staff(state, user, ShopId(product.shop_id)).await?;
    let price = Money::parse(input.price_minor, &sku.currency)?;
    let now = state.clock.now();
    let terms = Terms::parse(
        input.quantity,
        input.per_shopper_cap,
        Timestamp::from_millis(input.starts_at),
        Timestamp::from_millis(input.ends_at),
        now,
    )?;
    if let Some(room) = input.live_room_id {
        let r = state.db.room(room).await?;
        if !crate::api::live::runs_room(state, user, &r).await? {
            return Err(ApiError::forbidden());
        }
        if r.status() == haul_domain::live::RoomStatus::Ended {
            return Err(ApiError::new(StatusCode::CONFLICT, "room_ended", "the room has already ended"));
        }
    }
    let new = NewDeal {
        sku: SkuId(sku.id),
        price_minor: price.minor,
        quantity: terms.quantity,
        per_shopper_cap: terms.per_shopper_cap,
        starts_at: terms.starts_at,
        ends_at: terms.ends_at,
        live_room_id: input.live_room_id,
    };
    let deal = state.db.create_deal(&new, now).await?;
    if let Some(room) = deal.live_room_id {
        // The deal drops in the room: viewers see it with its countdown.
        let card = crate::live::protocol::DealCard::from(&deal);
        state.live.publish(room, crate::live::protocol::Event::Deal { deal: card }).await?;
    }
    Ok(deal)
}

#[utoipa::path(post, path = "/api/v1/deals", tag = "deals", security(("bearer" = [])), request_body = NewDealInput,
    responses((status = 201, body = DealView), (status = 409, description = "out_of_stock: the SKU has fewer units than the deal"), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<NewDealInput>,
) -> ApiResult<(StatusCode, axum::Json<DealView>)> {
    let deal = create_deal(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(view(&state, deal).await?)))
}

#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "deals", responses((status = 200, body = DealView), (status = 404)))]
async fn show(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<axum::Json<DealView>> {
    let deal = state.db.deal(id).await?;
    Ok(axum::Json(view(&state, deal).await?))
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/cancel", tag = "deals", security(("bearer" = [])),
    responses((status = 200, body = DealView), (status = 409, description = "deal_not_active")))]
async fn cancel(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> ApiResult<axum::Json<DealView>> {
    let deal = state.db.deal(id).await?;
    require_shop_staff(&state, &user, ShopId(deal.shop_id)).await?;
    if !state.db.finish_deal(id, "cancelled").await? {
        return Err(ApiError::new(StatusCode::CONFLICT, "deal_not_active", "the deal has already ended or been cancelled"));
    }
    state.deals.forget(id).await;
    Ok(axum::Json(view(&state, state.db.deal(id).await?).await?))
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct PurchaseInput {
    /// 1 by default; never more than the deal's per-shopper cap.
    #[serde(default = "one")]
    pub quantity: i64,
}

/// Buys from a deal; shared with the pages.
pub async fn buy(state: &AppState, user: &User, deal: i64, quantity: i64, key: String) -> ApiResult<crate::deals::Answer> {
    let quantity = Quantity::parse(quantity)?.get();
    let now = state.clock.now();
    let request_hash = to_hex(&Sha256::digest(format!("deal:{deal}:{quantity}")));
    state
        .deals
        .purchase(Purchase {
            deal,
            buyer: user.user_id(),
            quantity,
            idem_key: key,
            request_hash,
            pickup_code: pickup_code(random_u32()),
            pay_by: now.plus_seconds(state.config.deal_payment_timeout_seconds),
            now,
        })
        .await
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/purchase", tag = "deals", security(("bearer" = [])), request_body = PurchaseInput,
    params(("Idempotency-Key" = String, Header, description = "a retry with the same key returns the first answer")),
    responses((status = 201, body = OrderDetail, description = "a reserved order awaiting payment"),
        (status = 409, description = "deal_sold_out, deal_cap_reached, deal_not_started, deal_ended")))]
async fn purchase(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(input): Json<PurchaseInput>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let answer = buy(&state, &user, id, input.quantity, key).await?;
    if answer.status == StatusCode::CREATED {
        crate::metrics::order_placed();
    }
    Ok((answer.status, [(header::CONTENT_TYPE, "application/json")], answer.body).into_response())
}
