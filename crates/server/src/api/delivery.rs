//! Delivery: the address book, a shop's shipping, the provinces, and a
//! delivery order's address, shipment and receipt.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::{Json, Path};
use crate::services::delivery::{ShipInput, add_address, confirm_received, set_order_address, set_shipping, ship, update_address};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::delivery::{Address, PROVINCES};
use haul_domain::ids::{OrderId, ShopId};
use haul_store::delivery::{SavedAddress, ShopShipping};
use haul_store::orders::Order;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(provinces))
        .routes(routes!(list_addresses, create_address))
        .routes(routes!(get_address, replace_address, delete_address))
        .routes(routes!(make_default))
        .routes(routes!(get_shipping, put_shipping))
        .routes(routes!(choose_address))
        .routes(routes!(shipment))
        .routes(routes!(received))
}

#[derive(Serialize, ToSchema)]
pub struct ProvinceView {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

#[utoipa::path(get, path = "/api/v1/provinces", tag = "delivery", responses((status = 200, body = Vec<ProvinceView>)))]
async fn provinces() -> axum::Json<Vec<ProvinceView>> {
    axum::Json(PROVINCES.iter().map(|p| ProvinceView { code: p.code, zh: p.zh, en: p.en }).collect())
}

/// An address as a client sends it.
#[derive(Deserialize, ToSchema)]
pub struct AddressInput {
    #[schema(max_length = 40)]
    pub recipient: String,
    /// In China an 11-digit mobile or a landline with area code.
    pub phone: String,
    /// ISO 3166-1 alpha-2; `CN` if empty or left out.
    #[serde(default)]
    pub country: String,
    /// In China a code or name from `/api/v1/provinces`; elsewhere free text.
    pub province: String,
    pub city: String,
    #[serde(default)]
    pub district: String,
    pub street: String,
    #[serde(default)]
    pub postcode: String,
    /// Make it the default address (the first one always is).
    #[serde(default)]
    pub make_default: bool,
}

impl AddressInput {
    fn address(&self) -> Address {
        Address {
            recipient: self.recipient.clone(),
            phone: self.phone.clone(),
            country: self.country.clone(),
            province: self.province.clone(),
            city: self.city.clone(),
            district: self.district.clone(),
            street: self.street.clone(),
            postcode: self.postcode.clone(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/addresses", tag = "delivery", security(("bearer" = [])), responses((status = 200, body = Vec<SavedAddress>)))]
async fn list_addresses(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<Vec<SavedAddress>>> {
    Ok(axum::Json(state.db.addresses(user.user_id()).await?))
}

#[utoipa::path(post, path = "/api/v1/addresses", tag = "delivery", security(("bearer" = [])), request_body = AddressInput,
    responses((status = 201, body = SavedAddress), (status = 409, description = "too_many_addresses"), (status = 422)))]
async fn create_address(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<AddressInput>,
) -> AppResult<(StatusCode, axum::Json<SavedAddress>)> {
    Ok((StatusCode::CREATED, axum::Json(add_address(&state, &user, &input.address(), input.make_default).await?)))
}

#[utoipa::path(get, path = "/api/v1/addresses/{id}", tag = "delivery", security(("bearer" = [])),
    responses((status = 200, body = SavedAddress), (status = 404)))]
async fn get_address(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<SavedAddress>> {
    Ok(axum::Json(state.db.address(user.user_id(), id).await?))
}

#[utoipa::path(put, path = "/api/v1/addresses/{id}", tag = "delivery", security(("bearer" = [])), request_body = AddressInput,
    responses((status = 200, body = SavedAddress), (status = 404), (status = 422)))]
async fn replace_address(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<AddressInput>,
) -> AppResult<axum::Json<SavedAddress>> {
    let saved = update_address(&state, &user, id, &input.address()).await?;
    if input.make_default {
        state.db.set_default_address(user.user_id(), id).await?;
        return Ok(axum::Json(state.db.address(user.user_id(), id).await?));
    }
    Ok(axum::Json(saved))
}

#[utoipa::path(delete, path = "/api/v1/addresses/{id}", tag = "delivery", security(("bearer" = [])), responses((status = 204), (status = 404)))]
async fn delete_address(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<StatusCode> {
    state.db.delete_address(user.user_id(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/addresses/{id}/default", tag = "delivery", security(("bearer" = [])), responses((status = 204), (status = 404)))]
async fn make_default(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<StatusCode> {
    state.db.set_default_address(user.user_id(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/shops/{id}/shipping", tag = "delivery", responses((status = 200, body = ShopShipping), (status = 404)))]
async fn get_shipping(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<ShopShipping>> {
    Ok(axum::Json(state.db.shop_shipping(ShopId(id)).await?))
}

#[utoipa::path(put, path = "/api/v1/shops/{id}/shipping", tag = "delivery", security(("bearer" = [])), request_body = ShopShipping,
    responses((status = 200, body = ShopShipping), (status = 403), (status = 422)))]
async fn put_shipping(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ShopShipping>,
) -> AppResult<axum::Json<ShopShipping>> {
    Ok(axum::Json(set_shipping(&state, &user, ShopId(id), input).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ChooseAddress {
    pub address_id: i64,
}

#[utoipa::path(put, path = "/api/v1/orders/{id}/address", tag = "delivery", security(("bearer" = [])), request_body = ChooseAddress,
    responses((status = 200, body = Order), (status = 404), (status = 409, description = "already_shipped, wrong_fulfilment")))]
async fn choose_address(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ChooseAddress>,
) -> AppResult<axum::Json<Order>> {
    Ok(axum::Json(set_order_address(&state, &user, OrderId(id), input.address_id).await?))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/shipment", tag = "delivery", security(("bearer" = [])), request_body = ShipInput,
    responses((status = 200, body = Order), (status = 404), (status = 409, description = "address_required, wrong_fulfilment, illegal_transition"), (status = 422)))]
async fn shipment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ShipInput>,
) -> AppResult<axum::Json<Order>> {
    Ok(axum::Json(ship(&state, &user, OrderId(id), &input).await?))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/received", tag = "delivery", security(("bearer" = [])),
    responses((status = 200, body = Order), (status = 404), (status = 409, description = "illegal_transition, wrong_fulfilment")))]
async fn received(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<Order>> {
    Ok(axum::Json(confirm_received(&state, &user, OrderId(id)).await?))
}
