//! Shops, their staff, categories and partner fulfilment endpoints.

use super::{Category, Partner, SHOP_COLUMNS, Shop, unique_or};
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::ids::{PartnerId, ShopId, UserId};
use haul_domain::moderation::ShopStatus;
use haul_domain::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

/// A shop about to be opened.
pub struct ShopOpening<'a> {
    pub owner: UserId,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub currency: &'a str,
    /// `Pending` until an operator approves it, unless shops open before review.
    pub status: ShopStatus,
}

impl Db {
    pub async fn create_shop(&self, new: &ShopOpening<'_>, now: Timestamp) -> Result<Shop> {
        let mut tx = self.write.begin().await?;
        let sql = format!(
            "INSERT INTO shops (slug, name, description, currency, owner_id, created_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {SHOP_COLUMNS}"
        );
        let shop: Shop = sqlx::query_as(AssertSqlSafe(sql))
            .bind(new.slug)
            .bind(new.name)
            .bind(new.description)
            .bind(new.currency)
            .bind(new.owner.get())
            .bind(now.millis())
            .bind(new.status.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| unique_or(e, ErrorCode::SlugTaken, "a shop with this slug already exists"))?;
        sqlx::query("INSERT INTO shop_members (shop_id, user_id, role) VALUES ($1, $2, 'owner')")
            .bind(shop.id)
            .bind(new.owner.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(shop)
    }

    pub async fn add_shop_member(&self, shop: ShopId, user: UserId) -> Result<()> {
        sqlx::query("INSERT INTO shop_members (shop_id, user_id, role) VALUES ($1, $2, 'staff')")
            .bind(shop.get())
            .bind(user.get())
            .execute(&self.write)
            .await
            .map_err(|e| unique_or(e, ErrorCode::AlreadyMember, "already a member of this shop"))?;
        Ok(())
    }

    /// The user's role in the shop (`owner` or `staff`), if any.
    pub async fn shop_role(&self, shop: ShopId, user: UserId) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT role FROM shop_members WHERE shop_id = $1 AND user_id = $2")
            .bind(shop.get())
            .bind(user.get())
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map(|(r,)| r))
    }

    pub async fn shop(&self, id: ShopId) -> Result<Shop> {
        let sql = format!("SELECT {SHOP_COLUMNS} FROM shops WHERE id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("shop"))
    }

    pub async fn shop_by_slug(&self, slug: &str) -> Result<Shop> {
        let sql = format!("SELECT {SHOP_COLUMNS} FROM shops WHERE slug = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(slug).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("shop"))
    }

    pub async fn shops(&self, page: &PageRequest) -> Result<Page<Shop>> {
        let sql = format!("SELECT {SHOP_COLUMNS} FROM shops WHERE id < $1 ORDER BY id DESC LIMIT $2");
        let rows = sqlx::query_as(AssertSqlSafe(sql)).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |s: &Shop| s.id))
    }

    /// Shops in a status, newest first, whose name or slug contains `terms`
    /// (any, if empty): what an operator reviews.
    pub async fn shops_for_review(&self, status: ShopStatus, terms: &str, limit: i64) -> Result<Vec<Shop>> {
        // Like-wildcards typed by the operator match themselves, not everything.
        let pattern = format!("%{}%", terms.to_lowercase().replace(['%', '_', '\\'], ""));
        let sql = format!(
            "SELECT {SHOP_COLUMNS} FROM shops WHERE status = $1 AND (LOWER(name) LIKE $2 OR slug LIKE $2) ORDER BY id DESC LIMIT $3"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(status.as_str()).bind(pattern).bind(limit).fetch_all(&self.read).await?)
    }

    pub async fn shops_of_member(&self, user: UserId) -> Result<Vec<Shop>> {
        let sql = format!(
            "SELECT {} FROM shops s JOIN shop_members m ON m.shop_id = s.id WHERE m.user_id = $1 ORDER BY s.id",
            SHOP_COLUMNS.split(", ").map(|c| format!("s.{c}")).collect::<Vec<_>>().join(", ")
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(user.get()).fetch_all(&self.read).await?)
    }

    pub async fn create_category(&self, slug: &str, name: &str) -> Result<Category> {
        let category = sqlx::query_as("INSERT INTO categories (slug, name) VALUES ($1, $2) RETURNING id, slug, name")
            .bind(slug)
            .bind(name)
            .fetch_one(&self.write)
            .await
            .map_err(|e| unique_or(e, ErrorCode::SlugTaken, "a category with this slug already exists"))?;
        self.wrote();
        Ok(category)
    }

    pub async fn categories(&self) -> Result<Vec<Category>> {
        Ok(sqlx::query_as("SELECT id, slug, name FROM categories ORDER BY name").fetch_all(&self.read).await?)
    }

    pub async fn create_partner(&self, shop: ShopId, name: &str, endpoint_url: &str, secret: &str, now: Timestamp) -> Result<Partner> {
        Ok(sqlx::query_as(
            "INSERT INTO partners (shop_id, name, endpoint_url, secret, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, shop_id, name, endpoint_url, secret, created_at",
        )
        .bind(shop.get())
        .bind(name)
        .bind(endpoint_url)
        .bind(secret)
        .bind(now.millis())
        .fetch_one(&self.write)
        .await?)
    }

    pub async fn partner(&self, id: PartnerId) -> Result<Partner> {
        sqlx::query_as("SELECT id, shop_id, name, endpoint_url, secret, created_at FROM partners WHERE id = $1")
            .bind(id.get())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("partner"))
    }

    /// How many of `order`'s lines `partner` fulfils, and how many it has
    /// (a paid order forwards the partner's lines to it).
    pub async fn partner_lines(&self, order: i64, partner: i64) -> Result<(i64, i64)> {
        Ok(sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN p.kind = 'partner' AND p.partner_id = $2 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COUNT(*) AS BIGINT) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.order_id = $1",
        )
        .bind(order)
        .bind(partner)
        .fetch_one(&self.read)
        .await?)
    }

    /// Active shops with a location within `band_micro` micro-degrees of
    /// latitude of `at`, the nearest `limit` of them by a rough measure in
    /// degrees (the caller orders them by true distance), with how many
    /// vouchers each sells and the cheapest one's price.
    pub async fn located_shops(&self, at: (i64, i64), band_micro: i64, limit: i64) -> Result<Vec<LocatedShop>> {
        let (lat_micro, lng_micro) = at;
        Ok(sqlx::query_as(
            "SELECT s.id, s.slug, s.name, s.address, s.currency, s.lat_micro, s.lng_micro, \
             CAST((SELECT COUNT(*) FROM products p WHERE p.shop_id = s.id AND p.kind = 'voucher' AND p.status = 'active') AS BIGINT) AS vouchers, \
             (SELECT MIN(k.price_minor) FROM skus k JOIN products p ON p.id = k.product_id \
              WHERE p.shop_id = s.id AND p.kind = 'voucher' AND p.status = 'active') AS voucher_from_minor \
             FROM shops s WHERE s.status = 'active' AND s.lat_micro BETWEEN $1 AND $2 AND s.lng_micro IS NOT NULL \
             ORDER BY ABS(s.lat_micro - $4) + ABS(s.lng_micro - $5), s.id LIMIT $3",
        )
        .bind(lat_micro - band_micro)
        .bind(lat_micro + band_micro)
        .bind(limit)
        .bind(lat_micro)
        .bind(lng_micro)
        .fetch_all(&self.read)
        .await?)
    }
}

record! {
    /// A shop with a location, as the near-me list shows it.
    pub struct LocatedShop {
        pub id: i64,
        pub slug: String,
        pub name: String,
        pub address: String,
        pub currency: String,
        pub lat_micro: i64,
        pub lng_micro: i64,
        /// How many vouchers it sells, and from what price.
        pub vouchers: i64,
        pub voucher_from_minor: Option<i64>,
    }
}
