//! Products, their SKUs and images, and clicks on external listings.

use super::{NewProduct, NewSku, PRODUCT_COLUMNS, Product, ProductFilter, ProductSummary, SKU_COLUMNS, SUMMARY_SELECT, Sku, unique_or};
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::catalog::ProductStatus;
use haul_domain::ids::{CategoryId, ProductId, SkuId, UserId};
use haul_domain::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

impl Db {
    pub async fn create_product(&self, new: &NewProduct, skus: &[NewSku], currency: &str, now: Timestamp) -> Result<Product> {
        let mut tx = self.write.begin().await?;
        let sql = format!(
            "INSERT INTO products (shop_id, category_id, title, description, kind, external_url, partner_id, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING {PRODUCT_COLUMNS}"
        );
        let product: Product = sqlx::query_as(AssertSqlSafe(sql))
            .bind(new.shop.get())
            .bind(new.category.map(|c| c.get()))
            .bind(&new.title)
            .bind(&new.description)
            .bind(new.kind.as_str())
            .bind(new.external_url.as_deref())
            .bind(new.partner)
            .bind(if new.active { ProductStatus::Active } else { ProductStatus::Draft }.as_str())
            .bind(now.millis())
            .fetch_one(&mut *tx)
            .await?;
        for sku in skus {
            insert_sku(&mut tx, ProductId(product.id), sku, currency).await?;
        }
        if let Some((covers, terms)) = &new.voucher {
            crate::vouchers::set_offer_in(&mut tx, ProductId(product.id), covers, terms).await?;
        }
        tx.commit().await?;
        self.wrote();
        Ok(product)
    }

    pub async fn update_product(
        &self,
        id: ProductId,
        title: &str,
        description: &str,
        category: Option<CategoryId>,
        active: bool,
        now: Timestamp,
    ) -> Result<()> {
        let r =
            sqlx::query("UPDATE products SET title = $1, description = $2, category_id = $3, status = $4, updated_at = $5 WHERE id = $6 AND status <> 'removed'")
                .bind(title)
                .bind(description)
                .bind(category.map(|c| c.get()))
                .bind(if active { ProductStatus::Active } else { ProductStatus::Draft }.as_str())
                .bind(now.millis())
                .bind(id.get())
                .execute(&self.write)
                .await?;
        self.wrote();
        if r.rows_affected() == 0 {
            self.product(id).await?;
            return Err(StoreError::conflict(ErrorCode::TakenDown, "the platform took this product down"));
        }
        Ok(())
    }

    pub async fn set_product_image(
        &self,
        id: ProductId,
        storage_key: &str,
        content_type: &str,
        byte_size: i64,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "INSERT INTO product_images (product_id, storage_key, content_type, byte_size, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.get())
        .bind(storage_key)
        .bind(content_type)
        .bind(byte_size)
        .bind(now.millis())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE products SET image_key = $1, updated_at = $2 WHERE id = $3")
            .bind(storage_key)
            .bind(now.millis())
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.wrote();
        Ok(())
    }

    pub async fn product(&self, id: ProductId) -> Result<Product> {
        let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("product"))
    }

    /// The active products among `ids` (at most a page's worth), as cards.
    pub async fn product_summaries(&self, ids: &[i64]) -> Result<Vec<ProductSummary>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().take(100).map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!("{} WHERE p.id IN ({list}) AND p.status = 'active' ORDER BY p.id", super::SUMMARY_SELECT);
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&self.read).await?)
    }

    pub async fn products(&self, filter: &ProductFilter, page: &PageRequest) -> Result<Page<ProductSummary>> {
        enum Arg {
            Int(i64),
            Text(String),
        }
        let mut sql = format!("{SUMMARY_SELECT} WHERE p.id < $1");
        let mut args = Vec::new();
        // Placeholders $3, $4... follow $1 (cursor) and $2 (limit) in order.
        let mut push = |condition: &str, arg: Arg| {
            args.push(arg);
            sql.push_str(&format!(" AND {condition} ${}", args.len() + 2));
        };
        if let Some(shop) = filter.shop {
            push("p.shop_id =", Arg::Int(shop.get()));
        }
        if let Some(c) = filter.category {
            push("p.category_id =", Arg::Int(c.get()));
        }
        if let Some(s) = &filter.search {
            let escaped = s.to_lowercase().replace(['%', '_', '\\'], "");
            push("LOWER(p.title) LIKE", Arg::Text(format!("%{escaped}%")));
        }
        if !filter.include_drafts {
            sql.push_str(" AND p.status = 'active' AND s.status = 'active'");
        }
        sql.push_str(" ORDER BY p.id DESC LIMIT $2");
        let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(page.before_id()).bind(page.fetch());
        for arg in args {
            q = match arg {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
            };
        }
        let rows = q.fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |p: &ProductSummary| p.id))
    }

    pub async fn skus(&self, product: ProductId) -> Result<Vec<Sku>> {
        let sql = format!("SELECT {SKU_COLUMNS} FROM skus WHERE product_id = $1 ORDER BY id");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(product.get()).fetch_all(&self.read).await?)
    }

    pub async fn sku(&self, id: SkuId) -> Result<Sku> {
        let sql = format!("SELECT {SKU_COLUMNS} FROM skus WHERE id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("sku"))
    }

    pub async fn add_sku(&self, product: ProductId, sku: &NewSku, currency: &str) -> Result<Sku> {
        let mut tx = self.write.begin().await?;
        let created = insert_sku(&mut tx, product, sku, currency).await?;
        tx.commit().await?;
        self.wrote();
        Ok(created)
    }

    pub async fn update_sku(&self, id: SkuId, options: &str, price_minor: i64, stock: i64) -> Result<Sku> {
        let sql = format!("UPDATE skus SET options = $1, price_minor = $2, stock = $3 WHERE id = $4 RETURNING {SKU_COLUMNS}");
        let sku = sqlx::query_as(AssertSqlSafe(sql))
            .bind(options)
            .bind(price_minor)
            .bind(stock)
            .bind(id.get())
            .fetch_optional(&self.write)
            .await?
            .ok_or(StoreError::NotFound("sku"))?;
        self.wrote();
        Ok(sku)
    }

    /// The naive way to sell one unit: a transaction per request that
    /// decrements the stock row. Kept only as the benchmarks' baseline.
    pub async fn naive_take_one(&self, sku: SkuId) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let taken = sqlx::query("UPDATE skus SET stock = stock - 1 WHERE id = $1 AND stock > 0")
            .bind(sku.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(taken == 1)
    }

    pub async fn record_external_click(&self, product: ProductId, user: Option<UserId>, now: Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO external_clicks (product_id, user_id, created_at) VALUES ($1, $2, $3)")
            .bind(product.get())
            .bind(user.map(|u| u.get()))
            .bind(now.millis())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    pub async fn external_clicks(&self, product: ProductId) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM external_clicks WHERE product_id = $1").bind(product.get()).fetch_one(&self.read).await?;
        Ok(n)
    }
}

async fn insert_sku(tx: &mut sqlx::Transaction<'_, sqlx::Any>, product: ProductId, sku: &NewSku, currency: &str) -> Result<Sku> {
    let sql = format!(
        "INSERT INTO skus (product_id, code, options, price_minor, currency, stock) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {SKU_COLUMNS}"
    );
    sqlx::query_as(AssertSqlSafe(sql))
        .bind(product.get())
        .bind(&sku.code)
        .bind(&sku.options)
        .bind(sku.price_minor)
        .bind(currency)
        .bind(sku.stock)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| unique_or(e, ErrorCode::SkuCodeTaken, "this product already has a SKU with that code"))
}
