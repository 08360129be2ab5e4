//! The catalog's records: shops, categories, partners, products and SKUs.
//! The queries are in `shops.rs` and `products.rs`.

use crate::StoreError;
use crate::error::is_unique_violation;
use haul_domain::ErrorCode;
use haul_domain::catalog::ListingKind;
use haul_domain::catalog::ProductStatus;
use haul_domain::ids::{CategoryId, ShopId};
use haul_domain::moderation::ShopStatus;

mod products;
mod shops;

pub use shops::{LocatedShop, ShopOpening};

record! {
    pub struct Shop {
        pub id: i64,
        pub slug: String,
        pub name: String,
        pub description: String,
        pub currency: String,
        pub owner_id: i64,
        pub created_at: i64,
        /// Where the store is, in micro-degrees, if it delivers to pickup points.
        pub lat_micro: Option<i64>,
        pub lng_micro: Option<i64>,
        pub delivery_radius_m: i64,
        /// Sells only while `active`.
        #[schema(value_type = String)]
        pub status: ShopStatus,
        /// Its street address, where vouchers are used.
        pub address: String,
    }
}

record! {
    pub struct Category {
        pub id: i64,
        pub slug: String,
        pub name: String,
    }
}

record! {
    pub struct Product {
        pub id: i64,
        pub shop_id: i64,
        pub category_id: Option<i64>,
        pub title: String,
        pub description: String,
        pub kind: String,
        pub external_url: Option<String>,
        pub partner_id: Option<i64>,
        #[schema(value_type = String)]
        pub status: ProductStatus,
        pub image_key: Option<String>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

impl Product {
    pub fn kind(&self) -> ListingKind {
        ListingKind::parse(&self.kind).unwrap_or(ListingKind::Native)
    }
}

record! {
    /// A product as it appears in lists: with its shop and lowest price.
    pub struct ProductSummary {
        pub id: i64,
        pub shop_id: i64,
        pub shop_name: String,
        pub shop_slug: String,
        pub title: String,
        pub kind: String,
        #[schema(value_type = String)]
        pub status: ProductStatus,
        pub image_key: Option<String>,
        pub min_price_minor: Option<i64>,
        pub currency: String,
        pub stock: i64,
    }
}

record! {
    pub struct Sku {
        pub id: i64,
        pub product_id: i64,
        pub code: String,
        pub options: String,
        pub price_minor: i64,
        pub currency: String,
        pub stock: i64,
    }
}

record! {
    pub struct Partner {
        pub id: i64,
        pub shop_id: i64,
        pub name: String,
        pub endpoint_url: String,
        pub secret: String,
        pub created_at: i64,
    }
}

pub(crate) const SHOP_COLUMNS: &str =
    "id, slug, name, description, currency, owner_id, created_at, lat_micro, lng_micro, delivery_radius_m, status, address";
pub(crate) const PRODUCT_COLUMNS: &str =
    "id, shop_id, category_id, title, description, kind, external_url, partner_id, status, image_key, created_at, updated_at";
pub(crate) const SKU_COLUMNS: &str = "id, product_id, code, options, price_minor, currency, stock";
pub(crate) const SUMMARY_SELECT: &str = "SELECT p.id, p.shop_id, s.name AS shop_name, s.slug AS shop_slug, p.title, p.kind, p.status, p.image_key, \
     (SELECT MIN(k.price_minor) FROM skus k WHERE k.product_id = p.id) AS min_price_minor, s.currency, \
     CAST(COALESCE((SELECT SUM(k.stock) FROM skus k WHERE k.product_id = p.id), 0) AS BIGINT) AS stock \
     FROM products p JOIN shops s ON s.id = p.shop_id";

#[derive(Debug, Default, Clone)]
pub struct ProductFilter {
    pub shop: Option<ShopId>,
    pub category: Option<CategoryId>,
    pub search: Option<String>,
    /// Merchants see their drafts; shoppers see active products only.
    pub include_drafts: bool,
}

pub struct NewProduct {
    pub shop: ShopId,
    pub category: Option<CategoryId>,
    pub title: String,
    pub description: String,
    pub kind: ListingKind,
    pub external_url: Option<String>,
    pub partner: Option<i64>,
    pub active: bool,
    /// A voucher's: what it buys and its terms.
    pub voucher: Option<(String, haul_domain::vouchers::VoucherTerms)>,
}

pub struct NewSku {
    pub code: String,
    pub options: String,
    pub price_minor: i64,
    pub stock: i64,
}

pub(crate) fn unique_or(e: sqlx::Error, code: ErrorCode, message: &str) -> StoreError {
    if is_unique_violation(&e) { StoreError::conflict(code, message) } else { e.into() }
}
