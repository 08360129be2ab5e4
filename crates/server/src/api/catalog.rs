//! Products, SKUs and images.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::services::catalog::{
    ImageOut, MAX_SKUS, ProductDetail, ProductInput, SkuInput, SkuUpdate, add_product, change_sku, parse_sku, product_for_staff,
    read_file_field, store_image, visible_product,
};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use haul_domain::ErrorCode;
use haul_domain::accounts::{optional_text, search_terms, text};
use haul_domain::catalog::ProductStatus;
use haul_domain::ids::{CategoryId, ProductId, ShopId, SkuId};
use haul_domain::page::Page;
use haul_store::catalog::{Product, ProductFilter, ProductSummary, Sku};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    // The upload's own limit lets images through to the handler, which then
    // refuses oversize files with a clear code; every other route keeps
    // axum's small default.
    OpenApiRouter::new()
        .routes(routes!(upload_image))
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .routes(routes!(list_products, create_product))
        .routes(routes!(get_product, update_product))
        .routes(routes!(add_sku))
        .routes(routes!(prices))
        .routes(routes!(update_sku))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ProductQuery {
    pub shop_id: Option<i64>,
    pub category_id: Option<i64>,
    /// Words in the title.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/products", tag = "catalog", params(ProductQuery), responses((status = 200, body = PageOf<ProductSummary>)))]
async fn list_products(State(state): State<AppState>, Query(q): Query<ProductQuery>) -> AppResult<axum::Json<PageOf<ProductSummary>>> {
    let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
    let filter = ProductFilter {
        shop: q.shop_id.map(ShopId),
        category: q.category_id.map(CategoryId),
        search: q.q.map(|s| search_terms(&s, 100)).filter(|s| !s.is_empty()),
        include_drafts: false,
    };
    Ok(axum::Json(Page::clone(&*crate::services::reads::products(&state, &filter, &page).await?).into()))
}

#[utoipa::path(post, path = "/api/v1/products", tag = "catalog", security(("bearer" = [])), request_body = ProductInput,
    responses((status = 201, body = Product), (status = 403), (status = 422, description = "validation_failed")))]
async fn create_product(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<ProductInput>,
) -> AppResult<(StatusCode, axum::Json<Product>)> {
    Ok((StatusCode::CREATED, axum::Json(add_product(&state, &user, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "catalog", responses((status = 200, body = ProductDetail), (status = 404)))]
async fn get_product(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<ProductDetail>> {
    let product = visible_product(&state, ProductId(id), None).await?;
    crate::services::analytics::product_viewed(&state, id, product.shop.id);
    Ok(axum::Json(product))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductUpdate {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category_id: Option<i64>,
    pub active: Option<bool>,
}

#[utoipa::path(patch, path = "/api/v1/products/{id}", tag = "catalog", security(("bearer" = [])), request_body = ProductUpdate,
    responses((status = 200, body = Product), (status = 403), (status = 404)))]
async fn update_product(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ProductUpdate>,
) -> AppResult<axum::Json<Product>> {
    let product = product_for_staff(&state, &user, ProductId(id)).await?;
    let title = text("title", input.title.as_deref().unwrap_or(&product.title), 120)?;
    let description = match input.description {
        Some(d) => optional_text("description", &d, 5000)?,
        None => product.description,
    };
    crate::services::catalog::known_category(&state, input.category_id).await?;
    let category = input.category_id.or(product.category_id).map(CategoryId);
    let active = input.active.unwrap_or(product.status == ProductStatus::Active);
    state.db.update_product(ProductId(id), &title, &description, category, active, state.clock.now()).await?;
    Ok(axum::Json(state.db.product(ProductId(id)).await?))
}

#[utoipa::path(post, path = "/api/v1/products/{id}/skus", tag = "catalog", security(("bearer" = [])), request_body = SkuInput,
    responses((status = 201, body = Sku), (status = 409, description = "sku_code_taken")))]
async fn add_sku(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<SkuInput>,
) -> AppResult<(StatusCode, axum::Json<Sku>)> {
    let product = product_for_staff(&state, &user, ProductId(id)).await?;
    let shop = state.db.shop(ShopId(product.shop_id)).await?;
    if state.db.skus(ProductId(id)).await?.len() >= MAX_SKUS {
        return Err(haul_domain::DomainError::invalid("skus", format!("at most {MAX_SKUS}")).into());
    }
    let sku = parse_sku(&input, &shop.currency)?;
    Ok((StatusCode::CREATED, axum::Json(state.db.add_sku(ProductId(id), &sku, &shop.currency).await?)))
}

#[utoipa::path(patch, path = "/api/v1/skus/{id}", tag = "catalog", security(("bearer" = [])), request_body = SkuUpdate,
    responses((status = 200, body = Sku), (status = 403), (status = 404)))]
async fn update_sku(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<SkuUpdate>,
) -> AppResult<axum::Json<Sku>> {
    Ok(axum::Json(change_sku(&state, &user, SkuId(id), input).await?))
}

#[utoipa::path(post, path = "/api/v1/products/{id}/images", tag = "catalog", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "field `file`: JPEG, PNG, GIF or WebP"),
    responses((status = 201, body = ImageOut), (status = 413, description = "file_too_large"), (status = 415, description = "unsupported_image")))]
async fn upload_image(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, axum::Json<ImageOut>)> {
    product_for_staff(&state, &user, ProductId(id)).await?;
    let form = form.map_err(|e| AppError::new(ErrorCode::InvalidUpload, e.body_text()))?;
    let bytes = read_file_field(form, state.config.max_upload_bytes).await?;
    Ok((StatusCode::CREATED, axum::Json(store_image(&state, ProductId(id), &bytes).await?)))
}

#[derive(Deserialize, IntoParams)]
struct PricesQuery {
    /// Comma-separated product ids, at most 100.
    product_ids: String,
}

/// What a product costs now, as every card shows it.
#[derive(serde::Serialize, ToSchema)]
struct PriceNowView {
    product_id: i64,
    currency: String,
    /// What one shopper pays now, alone and at once (a running deal's price).
    price_minor: i64,
    /// The list price, when a running deal undercuts it.
    was_minor: Option<i64>,
    /// When that deal price ends (Unix ms).
    deal_ends_at: Option<i64>,
    /// The price in a team, when lower.
    team_minor: Option<i64>,
}

/// The price now of several products: for cards drawn by a script (a live
/// room's bag), so they show what the server-drawn cards show.
#[utoipa::path(get, path = "/api/v1/prices", tag = "catalog", params(PricesQuery), responses((status = 200, body = Vec<PriceNowView>)))]
async fn prices(State(state): State<AppState>, Query(q): Query<PricesQuery>) -> AppResult<axum::Json<Vec<PriceNowView>>> {
    let ids: Vec<i64> = q
        .product_ids
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse::<i64>())
        .collect::<Result<_, _>>()
        .map_err(|_| haul_domain::DomainError::invalid("product_ids", "comma-separated product ids"))?;
    if ids.len() > 100 {
        return Err(haul_domain::DomainError::invalid("product_ids", "at most 100").into());
    }
    let found = state.db.product_summaries(&ids).await?;
    let listed: Vec<(i64, Option<i64>, i64)> = found.iter().filter_map(|p| Some((p.id, None, p.min_price_minor?))).collect();
    let now = crate::services::catalog::prices_now(&state, &listed).await?;
    Ok(axum::Json(
        found
            .into_iter()
            .filter_map(|p| {
                let n = now.get(&p.id)?;
                Some(PriceNowView {
                    product_id: p.id,
                    currency: p.currency,
                    price_minor: n.price,
                    was_minor: n.was,
                    deal_ends_at: n.deal_ends_at,
                    team_minor: n.team,
                })
            })
            .collect(),
    ))
}
