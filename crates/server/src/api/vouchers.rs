//! Vouchers for local shops: the buyer's vouchers, an order's, redemption
//! by the shop's staff with its figures, a voucher product's terms, and the
//! shops near a point.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::services::catalog::VoucherInput;
use crate::services::vouchers::{self, NearShop};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::ids::{OrderId, ProductId, ShopId};
use haul_domain::places::{CITIES, point_or_city};
use haul_store::vouchers::{Voucher, VoucherFigures, VoucherOffer};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(mine))
        .routes(routes!(of_order))
        .routes(routes!(refund))
        .routes(routes!(redeem))
        .routes(routes!(of_shop))
        .routes(routes!(terms, set_terms))
        .routes(routes!(near))
        .routes(routes!(cities))
}

/// The signed-in person's vouchers, newest first, with their codes.
#[utoipa::path(get, path = "/api/v1/me/vouchers", tag = "vouchers", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PageOf<Voucher>)))]
async fn mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<Voucher>>> {
    Ok(axum::Json(vouchers::mine(&state, &user, &page.parse()?).await?.into()))
}

/// An order's vouchers: the buyer sees their codes, the shop's staff a code once redeemed.
#[utoipa::path(get, path = "/api/v1/orders/{id}/vouchers", tag = "vouchers", security(("bearer" = [])),
    responses((status = 200, body = Vec<Voucher>), (status = 404)))]
async fn of_order(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<Vec<Voucher>>> {
    Ok(axum::Json(vouchers::of_order(&state, &user, OrderId(id)).await?))
}

/// The buyer refunds a voucher not yet used, where the shop's terms refund unused vouchers.
#[utoipa::path(post, path = "/api/v1/vouchers/{id}/refund", tag = "vouchers", security(("bearer" = [])),
    responses((status = 200, body = Voucher), (status = 404), (status = 409, description = "voucher_used, voucher_not_refundable")))]
async fn refund(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<Voucher>> {
    Ok(axum::Json(vouchers::refund(&state, &user, id).await?))
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct RedeemInput {
    /// The voucher's 12 letters and digits, in any case, with or without dashes.
    pub code: String,
}

/// The shop's staff redeem a voucher shown at the counter: once, at its days and hours.
#[utoipa::path(post, path = "/api/v1/shops/{id}/vouchers/redeem", tag = "vouchers", security(("bearer" = [])), request_body = RedeemInput,
    responses((status = 200, body = Voucher), (status = 403), (status = 404, description = "no such voucher at this shop"),
        (status = 409, description = "voucher_used, voucher_expired, voucher_not_yet_valid, voucher_outside_hours"),
        (status = 422, description = "validation_failed: not a voucher code")))]
async fn redeem(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<RedeemInput>,
) -> AppResult<axum::Json<Voucher>> {
    Ok(axum::Json(vouchers::redeem(&state, &user, ShopId(id), &input.code).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ShopVouchers {
    /// The last 30 days.
    pub figures: VoucherFigures,
    pub redemptions: PageOf<Voucher>,
}

/// The shop's redemptions, latest first, and its voucher figures for the last 30 days.
#[utoipa::path(get, path = "/api/v1/shops/{id}/vouchers", tag = "vouchers", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = ShopVouchers), (status = 403)))]
async fn of_shop(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<ShopVouchers>> {
    let (redemptions, figures) = vouchers::of_shop(&state, &user, ShopId(id), &page.parse()?).await?;
    Ok(axum::Json(ShopVouchers { figures, redemptions: redemptions.into() }))
}

/// What a voucher product buys and its terms.
#[utoipa::path(get, path = "/api/v1/products/{id}/voucher", tag = "vouchers", responses((status = 200, body = VoucherOffer), (status = 404)))]
async fn terms(State(state): State<AppState>, user: Option<ApiUser>, Path(id): Path<i64>) -> AppResult<axum::Json<VoucherOffer>> {
    crate::services::catalog::visible_product(&state, ProductId(id), user.as_ref().map(|u| &u.0)).await?;
    Ok(axum::Json(state.db.voucher_offer(ProductId(id)).await?.ok_or_else(|| AppError::not_found("voucher"))?))
}

/// Changes a voucher product's terms for vouchers sold from now on (those sold keep theirs).
#[utoipa::path(put, path = "/api/v1/products/{id}/voucher", tag = "vouchers", security(("bearer" = [])), request_body = VoucherInput,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
async fn set_terms(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<VoucherInput>,
) -> AppResult<StatusCode> {
    vouchers::set_terms(&state, &user, ProductId(id), &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct NearParams {
    /// The shopper's position in degrees…
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// …or a city from `/api/v1/places/cities`.
    pub city: Option<String>,
}

/// Shops with a location, nearest first (at most 50), with the vouchers they sell.
#[utoipa::path(get, path = "/api/v1/shops/near", tag = "vouchers", params(NearParams),
    responses((status = 200, body = Vec<NearShop>), (status = 422, description = "validation_failed: no position or city")))]
async fn near(State(state): State<AppState>, Query(q): Query<NearParams>) -> AppResult<axum::Json<Vec<NearShop>>> {
    let origin = point_or_city(q.lat, q.lng, q.city.as_deref())?;
    Ok(axum::Json(vouchers::near(&state, origin).await?))
}

#[derive(Serialize, ToSchema)]
pub struct CityOut {
    pub slug: &'static str,
    pub name_en: &'static str,
    pub name_zh: &'static str,
    pub lat: f64,
    pub lng: f64,
}

/// The cities whose centres a shop or a shopper may pick instead of a position.
#[utoipa::path(get, path = "/api/v1/places/cities", tag = "vouchers", responses((status = 200, body = Vec<CityOut>)))]
async fn cities() -> axum::Json<Vec<CityOut>> {
    axum::Json(CITIES.iter().map(|c| CityOut { slug: c.slug, name_en: c.name_en, name_zh: c.name_zh, lat: c.lat, lng: c.lng }).collect())
}
