//! Shops, their staff, and categories.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::services::shops::{NewShop, open_shop};
use axum::extract::State;
use axum::http::StatusCode;
use haul_domain::accounts::{Role, text};
use haul_domain::catalog::slug;
use haul_domain::ids::{ShopId, UserId};
use haul_store::catalog::{Category, Shop};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_shops, create_shop))
        .routes(routes!(get_shop))
        .routes(routes!(add_member))
        .routes(routes!(list_categories, create_category))
}

#[utoipa::path(get, path = "/api/v1/shops", tag = "catalog", params(PageParams), responses((status = 200, body = PageOf<Shop>)))]
async fn list_shops(State(state): State<AppState>, Query(page): Query<PageParams>) -> AppResult<axum::Json<PageOf<Shop>>> {
    Ok(axum::Json(state.db.shops(&page.parse()?).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/shops", tag = "catalog", security(("bearer" = [])), request_body = NewShop,
    responses((status = 201, body = Shop), (status = 409, description = "slug_taken")))]
async fn create_shop(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<NewShop>,
) -> AppResult<(StatusCode, axum::Json<Shop>)> {
    let shop = open_shop(&state, user.user_id(), input).await?;
    Ok((StatusCode::CREATED, axum::Json(shop)))
}

#[utoipa::path(get, path = "/api/v1/shops/{id}", tag = "catalog", responses((status = 200, body = Shop), (status = 404)))]
async fn get_shop(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<Shop>> {
    Ok(axum::Json(state.db.shop(ShopId(id)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewMember {
    pub user_id: i64,
}

#[utoipa::path(post, path = "/api/v1/shops/{id}/members", tag = "catalog", security(("bearer" = [])), request_body = NewMember,
    responses((status = 204), (status = 403), (status = 409, description = "already_member")))]
async fn add_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<NewMember>,
) -> AppResult<StatusCode> {
    let shop = state.db.shop(ShopId(id)).await?;
    // Only the owner (or an operator) adds staff.
    if shop.owner_id != user.id && user.role() != Role::Operator {
        return Err(AppError::forbidden());
    }
    state.db.user(UserId(input.user_id)).await?;
    state.db.add_shop_member(ShopId(id), UserId(input.user_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/categories", tag = "catalog", responses((status = 200, body = Vec<Category>)))]
async fn list_categories(State(state): State<AppState>) -> AppResult<axum::Json<Vec<Category>>> {
    Ok(axum::Json(crate::services::reads::categories(&state).await?.to_vec()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewCategory {
    pub slug: String,
    pub name: String,
}

#[utoipa::path(post, path = "/api/v1/categories", tag = "catalog", security(("bearer" = [])), request_body = NewCategory,
    responses((status = 201, body = Category), (status = 403)))]
async fn create_category(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<NewCategory>,
) -> AppResult<(StatusCode, axum::Json<Category>)> {
    if user.role() != Role::Operator {
        return Err(AppError::forbidden());
    }
    let category = state.db.create_category(&slug(&input.slug)?, &text("name", &input.name, 40)?).await?;
    Ok((StatusCode::CREATED, axum::Json(category)))
}
