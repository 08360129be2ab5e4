//! The shopper's cart.

use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::catalog::ListingKind;
use haul_domain::ids::{SkuId, UserId};
use haul_domain::inventory::Quantity;

record! {
    pub struct CartItem {
        pub sku_id: i64,
        pub quantity: i64,
        pub product_id: i64,
        pub title: String,
        pub options: String,
        pub price_minor: i64,
        pub currency: String,
        pub stock: i64,
        pub shop_id: i64,
        pub shop_name: String,
    }
}

/// What putting a SKU in a cart did.
#[derive(Debug, Clone, Copy)]
pub struct CartPut {
    pub product_id: i64,
    pub shop_id: i64,
    /// A new line, not a new quantity.
    pub added: bool,
}

impl Db {
    pub async fn cart(&self, user: UserId) -> Result<Vec<CartItem>> {
        Ok(sqlx::query_as(
            "SELECT c.sku_id, c.quantity, k.product_id, p.title, k.options, k.price_minor, k.currency, k.stock, p.shop_id, s.name AS shop_name \
             FROM cart_items c JOIN skus k ON k.id = c.sku_id JOIN products p ON p.id = k.product_id JOIN shops s ON s.id = p.shop_id \
             WHERE c.user_id = $1 ORDER BY p.shop_id, c.added_at",
        )
        .bind(user.get())
        .fetch_all(&self.read)
        .await?)
    }

    /// Sets a cart line's quantity (adding the line if new); the product,
    /// its shop, and whether the line is new.
    pub async fn set_cart_item(&self, user: UserId, sku: SkuId, quantity: Quantity, now: Timestamp) -> Result<CartPut> {
        let product = self.sku(sku).await?;
        let kind: (String, String, i64) = sqlx::query_as("SELECT kind, status, shop_id FROM products WHERE id = $1")
            .bind(product.product_id)
            .fetch_one(&self.read)
            .await?;
        if !ListingKind::parse(&kind.0)?.sold_here() || kind.1 != "active" {
            return Err(StoreError::conflict(ErrorCode::ProductUnavailable, "this product cannot be bought here"));
        }
        // Whether the line is new is decided by the insert, so two requests at once count one new line.
        let added = sqlx::query(
            "INSERT INTO cart_items (user_id, sku_id, quantity, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, sku_id) DO NOTHING",
        )
        .bind(user.get())
        .bind(sku.get())
        .bind(quantity.get())
        .bind(now.millis())
        .execute(&self.write)
        .await?
        .rows_affected()
            == 1;
        if !added {
            sqlx::query("UPDATE cart_items SET quantity = $1 WHERE user_id = $2 AND sku_id = $3")
                .bind(quantity.get())
                .bind(user.get())
                .bind(sku.get())
                .execute(&self.write)
                .await?;
        }
        Ok(CartPut { product_id: product.product_id, shop_id: kind.2, added })
    }

    pub async fn remove_cart_item(&self, user: UserId, sku: SkuId) -> Result<()> {
        sqlx::query("DELETE FROM cart_items WHERE user_id = $1 AND sku_id = $2")
            .bind(user.get())
            .bind(sku.get())
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
