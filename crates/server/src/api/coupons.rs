//! Coupons: a shop's (open, for a live room, for followers) and the
//! platform's; shoppers claim them, never more than there are.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::{Json, Path};
use crate::services::coupons::{self, CouponInput};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::ids::ShopId;
use haul_store::coupons::{Coupon, Held};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_for_shop, of_shop))
        .routes(routes!(create_for_platform, of_platform))
        .routes(routes!(show))
        .routes(routes!(claim))
        .routes(routes!(held))
}

#[utoipa::path(post, path = "/api/v1/shops/{id}/coupons", tag = "coupons", security(("bearer" = [])), request_body = CouponInput,
    responses((status = 201, body = Coupon), (status = 403), (status = 422)))]
async fn create_for_shop(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<CouponInput>,
) -> AppResult<(StatusCode, axum::Json<Coupon>)> {
    Ok((StatusCode::CREATED, axum::Json(coupons::create(&state, &user, Some(ShopId(id)), &input).await?)))
}

/// A shop's coupons that have not ended.
#[utoipa::path(get, path = "/api/v1/shops/{id}/coupons", tag = "coupons", responses((status = 200, body = Vec<Coupon>)))]
async fn of_shop(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<Vec<Coupon>>> {
    state.db.shop(ShopId(id)).await?;
    Ok(axum::Json(state.db.running_coupons(Some(ShopId(id)), state.clock.now()).await?))
}

/// The platform's own coupon (operators): the platform pays its discount.
#[utoipa::path(post, path = "/api/v1/platform/coupons", tag = "coupons", security(("bearer" = [])), request_body = CouponInput,
    responses((status = 201, body = Coupon), (status = 403), (status = 422)))]
async fn create_for_platform(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<CouponInput>,
) -> AppResult<(StatusCode, axum::Json<Coupon>)> {
    Ok((StatusCode::CREATED, axum::Json(coupons::create(&state, &user, None, &input).await?)))
}

/// The platform's coupons that have not ended.
#[utoipa::path(get, path = "/api/v1/platform/coupons", tag = "coupons", responses((status = 200, body = Vec<Coupon>)))]
async fn of_platform(State(state): State<AppState>) -> AppResult<axum::Json<Vec<Coupon>>> {
    Ok(axum::Json(state.db.running_coupons(None, state.clock.now()).await?))
}

#[utoipa::path(get, path = "/api/v1/coupons/{id}", tag = "coupons", responses((status = 200, body = Coupon), (status = 404)))]
async fn show(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<Coupon>> {
    Ok(axum::Json(state.db.coupon(id).await?))
}

/// Claims one: within its dates, while its room is live (a live coupon),
/// as a follower (a follower coupon), up to the per-person limit and while
/// any are left.
#[utoipa::path(post, path = "/api/v1/coupons/{id}/claims", tag = "coupons", security(("bearer" = [])),
    responses((status = 201, body = Held), (status = 404),
        (status = 409, description = "coupon_not_started, coupon_ended, coupon_all_claimed, coupon_limit_reached, coupon_not_live, coupon_followers_only")))]
async fn claim(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<(StatusCode, axum::Json<Held>)> {
    Ok((StatusCode::CREATED, axum::Json(coupons::claim(&state, &user, id).await?)))
}

/// The coupons you hold and have not used.
#[utoipa::path(get, path = "/api/v1/me/coupons", tag = "coupons", security(("bearer" = [])), responses((status = 200, body = Vec<Held>)))]
async fn held(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<Vec<Held>>> {
    Ok(axum::Json(state.db.held_coupons(user.user_id(), state.clock.now()).await?))
}
