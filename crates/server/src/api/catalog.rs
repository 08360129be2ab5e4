//! Products, SKUs and images.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::{ApiUser, require_shop_staff};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use haul_domain::Money;
use haul_domain::accounts::{optional_text, search_terms, text};
use haul_domain::catalog::{ListingKind, http_url, sniff_image};
use haul_domain::ids::{CategoryId, ProductId, ShopId, SkuId};
use haul_domain::inventory::Stock;
use haul_store::accounts::User;
use haul_store::catalog::{NewProduct, NewSku, Product, ProductFilter, ProductSummary, Shop, Sku};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MAX_SKUS: usize = 100;

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
async fn list_products(State(state): State<AppState>, Query(q): Query<ProductQuery>) -> ApiResult<axum::Json<PageOf<ProductSummary>>> {
    let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
    let filter = ProductFilter {
        shop: q.shop_id.map(ShopId),
        category: q.category_id.map(CategoryId),
        search: q.q.map(|s| search_terms(&s, 100)).filter(|s| !s.is_empty()),
        include_drafts: false,
    };
    Ok(axum::Json(state.db.products(&filter, &page).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SkuInput {
    /// Unique within the product, e.g. `RED-L`.
    pub code: String,
    /// Option values people read, e.g. `Colour: red / Size: L`.
    #[serde(default)]
    pub options: String,
    pub price_minor: i64,
    pub stock: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductInput {
    pub shop_id: i64,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub category_id: Option<i64>,
    /// `native` (default), `external` or `partner`.
    pub kind: Option<String>,
    /// Where an external listing is sold.
    pub external_url: Option<String>,
    /// Who fulfils a partner listing.
    pub partner_id: Option<i64>,
    /// Draft products are hidden from shoppers; true by default.
    pub active: Option<bool>,
    #[serde(default)]
    pub skus: Vec<SkuInput>,
}

#[derive(Serialize, ToSchema)]
pub struct ProductDetail {
    pub product: Product,
    pub skus: Vec<Sku>,
    pub shop: Shop,
}

pub fn parse_sku(input: &SkuInput, currency: &str) -> ApiResult<NewSku> {
    let code = text("code", &input.code, 40)?;
    let options = optional_text("options", &input.options, 100)?;
    let price = Money::parse(input.price_minor, currency)?;
    let stock = Stock::parse(input.stock)?;
    Ok(NewSku { code, options, price_minor: price.minor, stock: stock.get() })
}

/// Validates and creates a product; shared with the merchant pages.
pub async fn add_product(state: &AppState, user: &User, input: ProductInput) -> ApiResult<Product> {
    let shop = state.db.shop(ShopId(input.shop_id)).await?;
    require_shop_staff(state, user, ShopId(shop.id)).await?;
    let kind = ListingKind::parse(input.kind.as_deref().unwrap_or("native"))?;
    let title = text("title", &input.title, 120)?;
    let description = optional_text("description", &input.description, 5000)?;
    if input.skus.len() > MAX_SKUS {
        return Err(haul_domain::DomainError::invalid("skus", format!("at most {MAX_SKUS}")).into());
    }
    let skus = input.skus.iter().map(|s| parse_sku(s, &shop.currency)).collect::<ApiResult<Vec<_>>>()?;
    if kind.sold_here() && skus.is_empty() {
        return Err(haul_domain::DomainError::invalid("skus", "a product sold here needs at least one SKU").into());
    }
    let external_url = match (kind, input.external_url.as_deref()) {
        (ListingKind::External, Some(url)) => Some(http_url("external_url", url)?),
        (ListingKind::External, None) => {
            return Err(haul_domain::DomainError::invalid("external_url", "required for an external listing").into());
        }
        _ => None,
    };
    let partner = match (kind, input.partner_id) {
        (ListingKind::Partner, Some(id)) => {
            let partner = state.db.partner(id).await?;
            if partner.shop_id != shop.id {
                return Err(ApiError::not_found("partner"));
            }
            Some(id)
        }
        (ListingKind::Partner, None) => {
            return Err(haul_domain::DomainError::invalid("partner_id", "required for a partner listing").into());
        }
        _ => None,
    };
    if let Some(c) = input.category_id
        && !state.db.categories().await?.iter().any(|cat| cat.id == c)
    {
        return Err(ApiError::not_found("category"));
    }
    let new = NewProduct {
        shop: ShopId(shop.id),
        category: input.category_id.map(CategoryId),
        title,
        description,
        kind,
        external_url,
        partner,
        active: input.active.unwrap_or(true),
    };
    Ok(state.db.create_product(&new, &skus, &shop.currency, state.clock.now()).await?)
}

#[utoipa::path(post, path = "/api/v1/products", tag = "catalog", security(("bearer" = [])), request_body = ProductInput,
    responses((status = 201, body = Product), (status = 403), (status = 422, description = "validation_failed")))]
async fn create_product(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<ProductInput>,
) -> ApiResult<(StatusCode, axum::Json<Product>)> {
    Ok((StatusCode::CREATED, axum::Json(add_product(&state, &user, input).await?)))
}

/// A product as a shopper may see it: drafts only for the shop's staff.
pub async fn visible_product(state: &AppState, id: ProductId, viewer: Option<&User>) -> ApiResult<ProductDetail> {
    let product = state.db.product(id).await?;
    if product.status != "active" {
        let staff = match viewer {
            Some(u) => crate::auth::can_manage_shop(state, u, ShopId(product.shop_id)).await?,
            None => false,
        };
        if !staff {
            return Err(ApiError::not_found("product"));
        }
    }
    let skus = state.db.skus(id).await?;
    let shop = state.db.shop(ShopId(product.shop_id)).await?;
    Ok(ProductDetail { product, skus, shop })
}

#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "catalog", responses((status = 200, body = ProductDetail), (status = 404)))]
async fn get_product(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult<axum::Json<ProductDetail>> {
    Ok(axum::Json(visible_product(&state, ProductId(id), None).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductUpdate {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category_id: Option<i64>,
    pub active: Option<bool>,
}

/// Loads a product and checks that `user` may change it.
pub async fn product_for_staff(state: &AppState, user: &User, id: ProductId) -> ApiResult<Product> {
    let product = state.db.product(id).await?;
    require_shop_staff(state, user, ShopId(product.shop_id)).await?;
    Ok(product)
}

#[utoipa::path(patch, path = "/api/v1/products/{id}", tag = "catalog", security(("bearer" = [])), request_body = ProductUpdate,
    responses((status = 200, body = Product), (status = 403), (status = 404)))]
async fn update_product(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ProductUpdate>,
) -> ApiResult<axum::Json<Product>> {
    let product = product_for_staff(&state, &user, ProductId(id)).await?;
    let title = text("title", input.title.as_deref().unwrap_or(&product.title), 120)?;
    let description = match input.description {
        Some(d) => optional_text("description", &d, 5000)?,
        None => product.description,
    };
    let category = input.category_id.or(product.category_id).map(CategoryId);
    let active = input.active.unwrap_or(product.status == "active");
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
) -> ApiResult<(StatusCode, axum::Json<Sku>)> {
    let product = product_for_staff(&state, &user, ProductId(id)).await?;
    let shop = state.db.shop(ShopId(product.shop_id)).await?;
    if state.db.skus(ProductId(id)).await?.len() >= MAX_SKUS {
        return Err(haul_domain::DomainError::invalid("skus", format!("at most {MAX_SKUS}")).into());
    }
    let sku = parse_sku(&input, &shop.currency)?;
    Ok((StatusCode::CREATED, axum::Json(state.db.add_sku(ProductId(id), &sku, &shop.currency).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SkuUpdate {
    pub options: Option<String>,
    pub price_minor: Option<i64>,
    pub stock: Option<i64>,
}

/// Applies a merchant's SKU change; shared with the merchant pages.
pub async fn change_sku(state: &AppState, user: &User, id: SkuId, input: SkuUpdate) -> ApiResult<Sku> {
    let sku = state.db.sku(id).await?;
    product_for_staff(state, user, ProductId(sku.product_id)).await?;
    let options = match input.options {
        Some(o) => optional_text("options", &o, 100)?,
        None => sku.options,
    };
    let price = Money::parse(input.price_minor.unwrap_or(sku.price_minor), &sku.currency)?;
    let stock = Stock::parse(input.stock.unwrap_or(sku.stock))?;
    Ok(state.db.update_sku(id, &options, price.minor, stock.get()).await?)
}

#[utoipa::path(patch, path = "/api/v1/skus/{id}", tag = "catalog", security(("bearer" = [])), request_body = SkuUpdate,
    responses((status = 200, body = Sku), (status = 403), (status = 404)))]
async fn update_sku(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<SkuUpdate>,
) -> ApiResult<axum::Json<Sku>> {
    Ok(axum::Json(change_sku(&state, &user, SkuId(id), input).await?))
}

#[derive(Serialize, ToSchema)]
pub struct ImageOut {
    pub url: String,
    pub content_type: String,
}

/// Stores an uploaded image (type from its bytes, size bounded); shared
/// with the merchant pages.
pub async fn store_image(state: &AppState, product: ProductId, bytes: &[u8]) -> ApiResult<ImageOut> {
    let content_type = image_type(state, bytes)?;
    let ext = content_type.trim_start_matches("image/");
    let key = format!("products/{product}/{}.{ext}", &crate::auth::random_token()[..16]);
    let url = state.media.put(&key, bytes).await.map_err(ApiError::internal)?;
    state.db.set_product_image(product, &key, content_type, bytes.len() as i64, state.clock.now()).await?;
    Ok(ImageOut { url, content_type: content_type.to_owned() })
}

/// An uploaded image's type, from its bytes, once its size is allowed.
pub fn image_type(state: &AppState, bytes: &[u8]) -> ApiResult<&'static str> {
    if bytes.len() > state.config.max_upload_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            format!("images are at most {} bytes", state.config.max_upload_bytes),
        ));
    }
    sniff_image(bytes)
        .ok_or_else(|| ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_image", "send a JPEG, PNG, GIF or WebP image"))
}

/// The `file` field of a multipart upload.
pub async fn read_file_field(form: Multipart, max: usize) -> ApiResult<Vec<u8>> {
    crate::media::read_upload(form, max)
        .await?
        .into_iter()
        .rev()
        .find_map(|(name, bytes)| (name == "file").then_some(bytes))
        .ok_or_else(|| ApiError::bad_request("invalid_upload", "send the image in a multipart field named `file`"))
}

#[utoipa::path(post, path = "/api/v1/products/{id}/images", tag = "catalog", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "field `file`: JPEG, PNG, GIF or WebP"),
    responses((status = 201, body = ImageOut), (status = 413, description = "file_too_large"), (status = 415, description = "unsupported_image")))]
async fn upload_image(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, axum::Json<ImageOut>)> {
    product_for_staff(&state, &user, ProductId(id)).await?;
    let form = form.map_err(|e| ApiError::bad_request("invalid_upload", e.body_text()))?;
    let bytes = read_file_field(form, state.config.max_upload_bytes).await?;
    Ok((StatusCode::CREATED, axum::Json(store_image(&state, ProductId(id), &bytes).await?)))
}
