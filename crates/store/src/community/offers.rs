//! What a store lets group leaders sell: each offered SKU with the lowest
//! price a leader may set. A campaign may carry only offered SKUs at or above
//! that price; the store may change or withdraw an offer at any time, and
//! campaigns already published keep the prices they were published with.

use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::ids::{ShopId, SkuId};
use sqlx::{Any, Transaction};

record! {
    pub struct LeaderOffer {
        pub sku_id: i64,
        pub product_id: i64,
        pub shop_id: i64,
        pub title: String,
        pub options: String,
        /// The store's own price.
        pub price_minor: i64,
        pub currency: String,
        /// The lowest price a leader may sell it at.
        pub min_price_minor: i64,
        pub updated_at: i64,
    }
}

const OFFER_SELECT: &str = "SELECT o.sku_id, k.product_id, o.shop_id, p.title, k.options, k.price_minor, k.currency, o.min_price_minor, \
     o.updated_at FROM leader_offers o JOIN skus k ON k.id = o.sku_id JOIN products p ON p.id = k.product_id";

impl Db {
    /// Offers `sku` of `shop` to leaders from `min_price_minor`, or changes
    /// the minimum of an offer.
    pub async fn set_leader_offer(&self, shop: ShopId, sku: SkuId, min_price_minor: i64, now: Timestamp) -> Result<LeaderOffer> {
        if !(0..=haul_domain::money::MAX_MINOR).contains(&min_price_minor) {
            return Err(haul_domain::DomainError::AmountOutOfRange.into());
        }
        let mut tx = self.write.begin().await?;
        let owner: Option<(i64, String)> =
            sqlx::query_as("SELECT p.shop_id, p.kind FROM skus k JOIN products p ON p.id = k.product_id WHERE k.id = $1")
                .bind(sku.get())
                .fetch_optional(&mut *tx)
                .await?;
        match owner {
            Some((s, _)) if s != shop.get() => return Err(StoreError::NotFound("sku")),
            None => return Err(StoreError::NotFound("sku")),
            // Group purchases are delivered to a pickup point: a voucher is used at its shop.
            Some((_, kind)) if kind == haul_domain::catalog::ListingKind::Voucher.as_str() => {
                return Err(StoreError::refused(ErrorCode::VoucherNotHere));
            }
            Some(_) => {}
        }
        sqlx::query(
            "INSERT INTO leader_offers (sku_id, shop_id, min_price_minor, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (sku_id) DO UPDATE SET min_price_minor = excluded.min_price_minor, updated_at = excluded.updated_at",
        )
        .bind(sku.get())
        .bind(shop.get())
        .bind(min_price_minor)
        .bind(now.millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.leader_offers(shop).await?.into_iter().find(|o| o.sku_id == sku.get()).ok_or(StoreError::NotFound("sku"))
    }

    /// Withdraws an offer: no new campaign may carry the SKU.
    pub async fn withdraw_leader_offer(&self, shop: ShopId, sku: SkuId) -> Result<()> {
        let gone = sqlx::query("DELETE FROM leader_offers WHERE sku_id = $1 AND shop_id = $2")
            .bind(sku.get())
            .bind(shop.get())
            .execute(&self.write)
            .await?
            .rows_affected();
        if gone == 0 {
            return Err(StoreError::NotFound("offer"));
        }
        Ok(())
    }

    pub async fn leader_offers(&self, shop: ShopId) -> Result<Vec<LeaderOffer>> {
        let sql = format!("{OFFER_SELECT} WHERE o.shop_id = $1 ORDER BY p.title, o.sku_id");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(shop.get()).fetch_all(&self.read).await?)
    }
}

/// The store's minimum for a leader's price of `sku`, or a refusal when the
/// store does not offer it to leaders.
pub(super) async fn minimum_for_leaders(tx: &mut Transaction<'_, Any>, sku: SkuId) -> Result<i64> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT min_price_minor FROM leader_offers WHERE sku_id = $1").bind(sku.get()).fetch_optional(&mut **tx).await?;
    found
        .map(|(m,)| m)
        .ok_or_else(|| StoreError::conflict(ErrorCode::NotOfferedToLeaders, "the store does not offer this product to group leaders"))
}
