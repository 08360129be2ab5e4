//! Delivery: a shopper's address book and a shop's shipping fees and
//! pickup point. Orders copy what they need from here when they are placed.

use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::delivery::{Address, ShippingRates};
use haul_domain::ids::{ShopId, UserId};
use sqlx::{Any, AssertSqlSafe, Transaction};

/// The most addresses one shopper keeps.
pub const MAX_ADDRESSES: i64 = 20;

record! {
    pub struct SavedAddress {
        pub id: i64,
        pub recipient: String,
        pub phone: String,
        pub country: String,
        pub province: String,
        pub city: String,
        pub district: String,
        pub street: String,
        pub postcode: String,
        /// 1 for the address used unless another is chosen.
        pub is_default: i64,
        pub created_at: i64,
    }
}

impl SavedAddress {
    pub fn address(&self) -> Address {
        Address {
            recipient: self.recipient.clone(),
            phone: self.phone.clone(),
            country: self.country.clone(),
            province: self.province.clone(),
            city: self.city.clone(),
            district: self.district.clone(),
            street: self.street.clone(),
            postcode: self.postcode.clone(),
        }
    }
}

const ADDRESS_COLUMNS: &str = "id, recipient, phone, country, province, city, district, street, postcode, is_default, created_at";

/// What a shop charges to deliver, and where buyers may collect instead
/// (no pickup point: delivery only).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ShopShipping {
    pub flat_minor: i64,
    pub free_above_minor: Option<i64>,
    /// Provinces with a fee of their own.
    #[serde(default)]
    pub regions: Vec<RegionFee>,
    /// Where buyers collect their orders, if the shop offers it.
    pub pickup_point: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RegionFee {
    /// A province code (`XZ`) or name (`西藏自治区`, `Tibet`).
    pub province: String,
    pub fee_minor: i64,
}

impl ShopShipping {
    pub fn rates(&self) -> ShippingRates {
        ShippingRates {
            flat_minor: self.flat_minor,
            free_above_minor: self.free_above_minor,
            regions: self.regions.iter().map(|r| (r.province.clone(), r.fee_minor)).collect(),
        }
    }
}

impl Db {
    /// The shopper's addresses, the default first.
    pub async fn addresses(&self, user: UserId) -> Result<Vec<SavedAddress>> {
        let sql = format!("SELECT {ADDRESS_COLUMNS} FROM addresses WHERE user_id = $1 ORDER BY is_default DESC, id DESC");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(user.get()).fetch_all(&self.read).await?)
    }

    /// One of the shopper's addresses; another's is not found.
    pub async fn address(&self, user: UserId, id: i64) -> Result<SavedAddress> {
        let sql = format!("SELECT {ADDRESS_COLUMNS} FROM addresses WHERE id = $1 AND user_id = $2");
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(id)
            .bind(user.get())
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("address"))
    }

    /// The address used unless the shopper chooses another.
    pub async fn default_address(&self, user: UserId) -> Result<Option<SavedAddress>> {
        Ok(self.addresses(user).await?.into_iter().next())
    }

    /// Adds a checked address; the first one, or one asked to be, becomes
    /// the default.
    pub async fn add_address(&self, user: UserId, a: &Address, make_default: bool, now: Timestamp) -> Result<SavedAddress> {
        let mut tx = self.write.begin().await?;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM addresses WHERE user_id = $1").bind(user.get()).fetch_one(&mut *tx).await?;
        if count >= MAX_ADDRESSES {
            return Err(StoreError::conflict(ErrorCode::TooManyAddresses, format!("at most {MAX_ADDRESSES} addresses")));
        }
        let make_default = make_default || count == 0;
        if make_default {
            clear_default(&mut tx, user).await?;
        }
        let sql = format!(
            "INSERT INTO addresses (recipient, phone, country, province, city, district, street, postcode, user_id, is_default, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {ADDRESS_COLUMNS}"
        );
        let saved = bind_fields(sqlx::query_as(AssertSqlSafe(sql)), a)
            .bind(user.get())
            .bind(i64::from(make_default))
            .bind(now.millis())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(saved)
    }

    pub async fn update_address(&self, user: UserId, id: i64, a: &Address) -> Result<SavedAddress> {
        let sql = format!(
            "UPDATE addresses SET recipient = $1, phone = $2, country = $3, province = $4, city = $5, district = $6, street = $7, postcode = $8 \
             WHERE id = $9 AND user_id = $10 RETURNING {ADDRESS_COLUMNS}"
        );
        bind_fields(sqlx::query_as(AssertSqlSafe(sql)), a)
            .bind(id)
            .bind(user.get())
            .fetch_optional(&self.write)
            .await?
            .ok_or(StoreError::NotFound("address"))
    }

    pub async fn set_default_address(&self, user: UserId, id: i64) -> Result<()> {
        let mut tx = self.write.begin().await?;
        clear_default(&mut tx, user).await?;
        let set = sqlx::query("UPDATE addresses SET is_default = 1 WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if set == 0 {
            return Err(StoreError::NotFound("address"));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes an address; if it was the default, the newest left takes over.
    pub async fn delete_address(&self, user: UserId, id: i64) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let gone = sqlx::query("DELETE FROM addresses WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if gone == 0 {
            return Err(StoreError::NotFound("address"));
        }
        sqlx::query(
            "UPDATE addresses SET is_default = 1 WHERE id = (SELECT MAX(id) FROM addresses WHERE user_id = $1) \
             AND NOT EXISTS (SELECT 1 FROM addresses WHERE user_id = $1 AND is_default = 1)",
        )
        .bind(user.get())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn shop_shipping(&self, shop: ShopId) -> Result<ShopShipping> {
        let mut tx = self.read.begin().await?;
        let shipping = shipping_in(&mut tx, shop).await?;
        tx.commit().await?;
        Ok(shipping)
    }

    /// Replaces a shop's fees and pickup point (checked by the caller).
    pub async fn set_shop_shipping(&self, shop: ShopId, s: &ShopShipping) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let found = sqlx::query("UPDATE shops SET ship_flat_minor = $1, ship_free_above_minor = $2, pickup_point = $3 WHERE id = $4")
            .bind(s.flat_minor)
            .bind(s.free_above_minor)
            .bind(s.pickup_point.as_deref())
            .bind(shop.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if found == 0 {
            return Err(StoreError::NotFound("shop"));
        }
        sqlx::query("DELETE FROM shop_ship_regions WHERE shop_id = $1").bind(shop.get()).execute(&mut *tx).await?;
        for r in &s.regions {
            sqlx::query("INSERT INTO shop_ship_regions (shop_id, province, fee_minor) VALUES ($1, $2, $3)")
                .bind(shop.get())
                .bind(&r.province)
                .bind(r.fee_minor)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.wrote();
        Ok(())
    }
}

type AddressQuery<'q> = sqlx::query::QueryAs<'q, Any, SavedAddress, <Any as sqlx::Database>::Arguments>;

/// Binds an address's fields as `$1` to `$8`, in the order of `Address`.
fn bind_fields<'q>(q: AddressQuery<'q>, a: &'q Address) -> AddressQuery<'q> {
    q.bind(&a.recipient).bind(&a.phone).bind(&a.country).bind(&a.province).bind(&a.city).bind(&a.district).bind(&a.street).bind(&a.postcode)
}

/// The default addresses of `users` (those who have one), in one read.
pub(crate) async fn default_addresses_in(tx: &mut Transaction<'_, Any>, users: &[i64]) -> Result<std::collections::HashMap<i64, Address>> {
    if users.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let placeholders: Vec<String> = (1..=users.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT user_id, {ADDRESS_COLUMNS} FROM addresses WHERE is_default = 1 AND user_id IN ({})", placeholders.join(", "));
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for user in users {
        q = q.bind(user);
    }
    let mut homes = std::collections::HashMap::new();
    for row in q.fetch_all(&mut **tx).await? {
        let user: i64 = sqlx::Row::try_get(&row, "user_id")?;
        let saved = <SavedAddress as sqlx::FromRow<'_, sqlx::any::AnyRow>>::from_row(&row)?;
        homes.insert(user, saved.address());
    }
    Ok(homes)
}

async fn clear_default(tx: &mut Transaction<'_, Any>, user: UserId) -> Result<()> {
    sqlx::query("UPDATE addresses SET is_default = 0 WHERE user_id = $1 AND is_default = 1").bind(user.get()).execute(&mut **tx).await?;
    Ok(())
}

/// A shop's shipping, read inside the transaction that places an order.
pub(crate) async fn shipping_in(tx: &mut Transaction<'_, Any>, shop: ShopId) -> Result<ShopShipping> {
    let (flat_minor, free_above_minor, pickup_point): (i64, Option<i64>, Option<String>) =
        sqlx::query_as("SELECT ship_flat_minor, ship_free_above_minor, pickup_point FROM shops WHERE id = $1")
            .bind(shop.get())
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound("shop"))?;
    let regions: Vec<(String, i64)> =
        sqlx::query_as("SELECT province, fee_minor FROM shop_ship_regions WHERE shop_id = $1 ORDER BY province")
            .bind(shop.get())
            .fetch_all(&mut **tx)
            .await?;
    let regions = regions.into_iter().map(|(province, fee_minor)| RegionFee { province, fee_minor }).collect();
    Ok(ShopShipping { flat_minor, free_above_minor, regions, pickup_point })
}
