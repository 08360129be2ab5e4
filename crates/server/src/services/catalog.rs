//! Products and SKUs: adding, reading what a viewer may see, staff-only
//! changes, and product pictures.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::{AppError, AppResult};
use axum::extract::Multipart;
use haul_domain::ErrorCode;
use haul_domain::Money;
use haul_domain::accounts::{optional_text, text};
use haul_domain::catalog::{ListingKind, ProductStatus, http_url, sniff_image};
use haul_domain::ids::{CategoryId, PartnerId, ProductId, ShopId, SkuId};
use haul_domain::inventory::Stock;
use haul_domain::vouchers::{TermsForm, VoucherTerms};
use haul_store::accounts::User;
use haul_store::catalog::{NewProduct, NewSku, Product, Shop, Sku};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const MAX_SKUS: usize = 100;

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
    /// `native` (default), `external`, `partner`, `quote` or `voucher`.
    pub kind: Option<String>,
    /// Where an external listing is sold.
    pub external_url: Option<String>,
    /// Who fulfils a partner listing.
    pub partner_id: Option<i64>,
    /// Draft products are hidden from shoppers; true by default.
    pub active: Option<bool>,
    #[serde(default)]
    pub skus: Vec<SkuInput>,
    /// A voucher's terms (kind `voucher`).
    pub voucher: Option<VoucherInput>,
}

/// What a voucher buys and when it may be used, as the shop fills it in.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VoucherInput {
    /// What it buys, e.g. `A haircut and wash`.
    pub covers: String,
    /// Its first and last days, `YYYY-MM-DD`, in the shop's time zone.
    pub valid_from: String,
    pub valid_until: String,
    /// Its hours, `HH:MM` to `HH:MM` (past midnight is fine); the same time twice for all day.
    pub opens: String,
    pub closes: String,
    /// How many one person may buy; 1 by default.
    pub per_person: Option<i64>,
    /// Whether a voucher unused at expiry is refunded; true by default.
    pub refund_unused: Option<bool>,
    /// The shop's time zone in minutes east of UTC; 480 (China) by default.
    pub utc_offset_minutes: Option<i64>,
}

impl VoucherInput {
    /// What it buys and its terms, on sale at `now`.
    pub fn parse(&self, now: haul_domain::Timestamp) -> AppResult<(String, VoucherTerms)> {
        let covers = text("covers", &self.covers, 200)?;
        let terms = TermsForm {
            valid_from: &self.valid_from,
            valid_until: &self.valid_until,
            opens: &self.opens,
            closes: &self.closes,
            per_person: self.per_person.unwrap_or(1),
            refund_unused: self.refund_unused.unwrap_or(true),
            utc_offset_minutes: self.utc_offset_minutes.unwrap_or(480),
        }
        .terms()?
        .on_sale(now)?;
        Ok((covers, terms))
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProductDetail {
    pub product: Product,
    pub skus: Vec<Sku>,
    pub shop: Shop,
}

pub fn parse_sku(input: &SkuInput, currency: &str) -> AppResult<NewSku> {
    let code = text("code", &input.code, 40)?;
    let options = optional_text("options", &input.options, 100)?;
    let price = Money::parse(input.price_minor, currency)?;
    let stock = Stock::parse(input.stock)?;
    Ok(NewSku { code, options, price_minor: price.minor, stock: stock.get() })
}

/// Validates and creates a product; shared with the merchant pages.
pub async fn add_product(state: &AppState, user: &User, input: ProductInput) -> AppResult<Product> {
    let shop = state.db.shop(ShopId(input.shop_id)).await?;
    require_shop_staff(state, user, ShopId(shop.id)).await?;
    let kind = ListingKind::parse(input.kind.as_deref().unwrap_or("native"))?;
    let title = text("title", &input.title, 120)?;
    let description = optional_text("description", &input.description, 5000)?;
    if input.skus.len() > MAX_SKUS {
        return Err(haul_domain::DomainError::invalid("skus", format!("at most {MAX_SKUS}")).into());
    }
    let skus = input.skus.iter().map(|s| parse_sku(s, &shop.currency)).collect::<AppResult<Vec<_>>>()?;
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
            let partner = state.db.partner(PartnerId(id)).await?;
            if partner.shop_id != shop.id {
                return Err(AppError::not_found("partner"));
            }
            Some(id)
        }
        (ListingKind::Partner, None) => {
            return Err(haul_domain::DomainError::invalid("partner_id", "required for a partner listing").into());
        }
        _ => None,
    };
    let voucher = match (kind, &input.voucher) {
        (ListingKind::Voucher, _) if shop.lat_micro.is_none() => {
            return Err(AppError::new(ErrorCode::VoucherNeedsLocation, "set where the shop is first: its location and street address"));
        }
        (ListingKind::Voucher, Some(v)) => Some(v.parse(state.clock.now())?),
        (ListingKind::Voucher, None) => return Err(haul_domain::DomainError::invalid("voucher", "a voucher's terms").into()),
        _ => None,
    };
    known_category(state, input.category_id).await?;
    let new = NewProduct {
        shop: ShopId(shop.id),
        category: input.category_id.map(CategoryId),
        title,
        description,
        kind,
        external_url,
        partner,
        active: input.active.unwrap_or(true),
        voucher,
    };
    Ok(state.db.create_product(&new, &skus, &shop.currency, state.clock.now()).await?)
}

/// Flash deals and team buys sell goods: a voucher sells at its own price.
pub fn sold_as_goods(product: &Product) -> AppResult<()> {
    if product.kind() == ListingKind::Voucher {
        return Err(AppError::refused(ErrorCode::VoucherNotHere));
    }
    Ok(())
}

/// A product as a shopper may see it: drafts only for the shop's staff.
pub async fn visible_product(state: &AppState, id: ProductId, viewer: Option<&User>) -> AppResult<ProductDetail> {
    let product = Product::clone(&*super::reads::product(state, id).await?);
    if product.status != ProductStatus::Active {
        let staff = match viewer {
            Some(u) => crate::auth::can_manage_shop(state, u, ShopId(product.shop_id)).await?,
            None => false,
        };
        if !staff {
            return Err(AppError::not_found("product"));
        }
    }
    let skus = super::reads::skus(state, id).await?.to_vec();
    let shop = Shop::clone(&*super::reads::shop(state, ShopId(product.shop_id)).await?);
    Ok(ProductDetail { product, skus, shop })
}

/// Loads a product and checks that `user` may change it.
pub async fn product_for_staff(state: &AppState, user: &User, id: ProductId) -> AppResult<Product> {
    let product = state.db.product(id).await?;
    require_shop_staff(state, user, ShopId(product.shop_id)).await?;
    Ok(product)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SkuUpdate {
    pub options: Option<String>,
    pub price_minor: Option<i64>,
    pub stock: Option<i64>,
}

/// Applies a merchant's SKU change; shared with the merchant pages.
pub async fn change_sku(state: &AppState, user: &User, id: SkuId, input: SkuUpdate) -> AppResult<Sku> {
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

#[derive(Serialize, ToSchema)]
pub struct ImageOut {
    pub url: String,
    pub content_type: String,
}

/// Stores an uploaded image (type from its bytes, size bounded); shared
/// with the merchant pages.
pub async fn store_image(state: &AppState, product: ProductId, bytes: &[u8]) -> AppResult<ImageOut> {
    let content_type = image_type(state, bytes)?;
    let ext = content_type.trim_start_matches("image/");
    let key = format!("products/{product}/{}.{ext}", &crate::auth::random_token()[..16]);
    let url = state.media.put(&key, bytes).await.map_err(AppError::internal)?;
    state.db.set_product_image(product, &key, content_type, bytes.len() as i64, state.clock.now()).await?;
    Ok(ImageOut { url, content_type: content_type.to_owned() })
}

/// An uploaded image's type, from its bytes, once its size is allowed.
pub fn image_type(state: &AppState, bytes: &[u8]) -> AppResult<&'static str> {
    if bytes.len() > state.config.max_upload_bytes {
        return Err(AppError::new(ErrorCode::FileTooLarge, format!("images are at most {} bytes", state.config.max_upload_bytes)));
    }
    sniff_image(bytes).ok_or_else(|| AppError::new(ErrorCode::UnsupportedImage, "send a JPEG, PNG, GIF or WebP image"))
}

/// The `file` field of a multipart upload.
pub async fn read_file_field(form: Multipart, max: usize) -> AppResult<Vec<u8>> {
    crate::media::read_upload(form, max)
        .await?
        .into_iter()
        .rev()
        .find_map(|(name, bytes)| (name == "file").then_some(bytes))
        .ok_or_else(|| AppError::new(ErrorCode::InvalidUpload, "send the image in a multipart field named `file`"))
}

/// A category a product may be filed under: none, or one that exists.
pub async fn known_category(state: &AppState, category: Option<i64>) -> AppResult<()> {
    match category {
        Some(c) if !super::reads::categories(state).await?.iter().any(|cat| cat.id == c) => Err(AppError::not_found("category")),
        _ => Ok(()),
    }
}

/// What each product costs now, from `(product, the SKU a card sells or
/// none for the product's cheapest, list price)`: the best deal running
/// with units left (on that SKU, when the card names one), and the lowest
/// team price. A few queries for the whole list, so a page of cards reads
/// them once.
pub async fn prices_now(
    state: &AppState,
    products: &[(i64, Option<i64>, i64)],
) -> AppResult<std::collections::HashMap<i64, haul_domain::catalog::PriceNow>> {
    let ids: Vec<i64> = products.iter().map(|(p, _, _)| *p).collect();
    let now = state.clock.now().millis();
    let running = super::reads::deals_not_ended(state, &ids).await?;
    let mut deals: Vec<(i64, i64, i64, i64)> = Vec::with_capacity(running.len());
    for d in running.iter().filter(|d| d.starts_at <= now && now < d.ends_at) {
        if state.deals.remaining(d).await? > 0 {
            deals.push((d.product_id, d.sku_id, d.price_minor, d.ends_at));
        }
    }
    let teams: std::collections::HashMap<i64, i64> = super::reads::team_prices(state, &ids).await?.iter().copied().collect();
    Ok(products
        .iter()
        .map(|(p, sku, list)| {
            let on_card =
                deals.iter().filter(|(dp, ds, _, _)| dp == p && sku.is_none_or(|s| s == *ds)).map(|(_, _, price, ends)| (*price, *ends));
            (*p, haul_domain::catalog::price_now(*list, on_card, teams.get(p).copied()))
        })
        .collect())
}
