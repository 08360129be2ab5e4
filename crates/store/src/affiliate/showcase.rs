//! A creator's showcase: the products they promote, on their profile.

use crate::{Db, Result, StoreError};
use haul_domain::ids::{ProductId, UserId};
use haul_domain::{ErrorCode, Timestamp};

/// The most products one showcase holds.
pub const MAX_SHOWCASE: i64 = 200;

record! {
    /// A product in a creator's showcase, with the rate it pays them now
    /// (none when no plan pays them any more).
    pub struct ShowcaseItem {
        pub product_id: i64,
        pub title: String,
        pub shop_name: String,
        pub min_price_minor: i64,
        pub currency: String,
        pub image_key: Option<String>,
        pub added_at: i64,
    }
}

impl Db {
    /// Whether a product pays this creator commission: an active open plan
    /// of its shop (the product's own or shop-wide), or one offered to them
    /// that they accepted.
    pub async fn pays_commission(&self, product: ProductId, creator: UserId) -> Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT 1 FROM products p JOIN commission_plans cp ON cp.shop_id = p.shop_id \
             WHERE p.id = $1 AND cp.status = 'active' AND (cp.product_id = p.id OR cp.product_id IS NULL) \
             AND (cp.creator_id IS NULL OR cp.creator_id = $2) LIMIT 1",
        )
        .bind(product.get())
        .bind(creator.get())
        .fetch_optional(&self.read)
        .await?;
        Ok(row.is_some())
    }

    /// Adds a product to a creator's showcase (again: no change).
    pub async fn add_to_showcase(&self, creator: UserId, product: ProductId, now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM showcase_items WHERE creator_id = $1").bind(creator.get()).fetch_one(&mut *tx).await?;
        if count >= MAX_SHOWCASE {
            return Err(StoreError::conflict(ErrorCode::ShowcaseFull, format!("a showcase holds {MAX_SHOWCASE} products")));
        }
        sqlx::query("INSERT INTO showcase_items (creator_id, product_id, added_at) VALUES ($1, $2, $3) ON CONFLICT (creator_id, product_id) DO NOTHING")
            .bind(creator.get())
            .bind(product.get())
            .bind(now.millis())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove_from_showcase(&self, creator: UserId, product: ProductId) -> Result<()> {
        sqlx::query("DELETE FROM showcase_items WHERE creator_id = $1 AND product_id = $2")
            .bind(creator.get())
            .bind(product.get())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// A creator's showcase, newest first: products still on sale from
    /// shops that sell.
    pub async fn showcase(&self, creator: UserId) -> Result<Vec<ShowcaseItem>> {
        Ok(sqlx::query_as(
            "SELECT p.id AS product_id, p.title, s.name AS shop_name, \
             CAST(COALESCE((SELECT MIN(k.price_minor) FROM skus k WHERE k.product_id = p.id), 0) AS BIGINT) AS min_price_minor, \
             s.currency, p.image_key, i.added_at FROM showcase_items i JOIN products p ON p.id = i.product_id JOIN shops s ON s.id = p.shop_id \
             WHERE i.creator_id = $1 AND p.status = 'active' AND s.status = 'active' ORDER BY i.added_at DESC, p.id DESC LIMIT $2",
        )
        .bind(creator.get())
        .bind(MAX_SHOWCASE)
        .fetch_all(&self.read)
        .await?)
    }
}
