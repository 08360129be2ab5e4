//! Verified reviews: written by the buyer of a received order line, once,
//! with one follow-up; the shop replies once; products show the counted
//! stars and the reviews with pictures first; shops a score.

use crate::AppState;
use crate::api::PageParams;
use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::services::reviews::{self, ProductReviews, ReviewView, ShopScoreView};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use haul_domain::ErrorCode;
use haul_domain::ids::{ProductId, ShopId};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    // Only a review (with its pictures) takes a large body.
    OpenApiRouter::new()
        .routes(routes!(create))
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .routes(routes!(of_product))
        .routes(routes!(follow_up))
        .routes(routes!(reply))
        .routes(routes!(shop_score))
}

#[utoipa::path(post, path = "/api/v1/reviews", tag = "reviews", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`line_id` (an order line you bought, received), `rating` 1-5, `body`, up to 9 `images`"),
    responses((status = 201, body = ReviewView), (status = 404), (status = 409, description = "not_a_buyer, not_completed_yet, already_reviewed"),
        (status = 415, description = "unsupported_image")))]
async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    form: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, axum::Json<ReviewView>)> {
    let form = form.map_err(|e| AppError::new(ErrorCode::InvalidUpload, e.body_text()))?;
    let parts = crate::media::read_upload(form, state.config.max_upload_bytes).await?;
    Ok((StatusCode::CREATED, axum::Json(reviews::add(&state, &user, parts).await?)))
}

/// The product's counted stars, its reviews (pictures first) and the rated
/// notes that count.
#[utoipa::path(get, path = "/api/v1/products/{id}/reviews", tag = "reviews", params(PageParams), responses((status = 200, body = ProductReviews)))]
async fn of_product(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<ProductReviews>> {
    state.db.product(ProductId(id)).await?;
    Ok(axum::Json(reviews::of_product(&state, ProductId(id), &page.parse()?).await?))
}

#[derive(Deserialize, ToSchema)]
struct TextInput {
    text: String,
}

/// The author's follow-up (追评), once.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/follow-up", tag = "reviews", security(("bearer" = [])), request_body = TextInput,
    responses((status = 200, body = ReviewView), (status = 404), (status = 409, description = "already_added")))]
async fn follow_up(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<TextInput>,
) -> AppResult<axum::Json<ReviewView>> {
    Ok(axum::Json(reviews::follow_up(&state, &user, id, &input.text).await?))
}

/// The shop's reply, once, never edited.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/reply", tag = "reviews", security(("bearer" = [])), request_body = TextInput,
    responses((status = 200, body = ReviewView), (status = 404), (status = 409, description = "already_added")))]
async fn reply(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<TextInput>,
) -> AppResult<axum::Json<ReviewView>> {
    Ok(axum::Json(reviews::reply(&state, &user, id, &input.text).await?))
}

/// A shop's stars and after-sales record.
#[utoipa::path(get, path = "/api/v1/shops/{id}/score", tag = "reviews", responses((status = 200, body = ShopScoreView)))]
async fn shop_score(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<ShopScoreView>> {
    state.db.shop(ShopId(id)).await?;
    Ok(axum::Json(reviews::shop_score(&state, ShopId(id)).await?))
}
