//! Checkout: stock is taken with a conditional `UPDATE` in the same
//! transaction that writes the order, so two buyers can never both get the
//! last unit; an `Idempotency-Key` row in that transaction makes a retried
//! checkout return the first answer.

use super::OrderDetail;
use super::idempotency::{claim_key, link_key};
use super::write::{Origin, PlannedDelivery, PlannedLine, PlannedOrder, reserve_order_ids, write_orders};
use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::affiliate::AffiliateTerms;
use haul_domain::catalog::ListingKind;
use haul_domain::catalog::ProductStatus;
use haul_domain::delivery::Address;
use haul_domain::ids::{ShopId, SkuId, UserId};
use haul_domain::inventory::Quantity;
use haul_domain::moderation::ShopStatus;
use haul_domain::orders::event_notes;
use haul_domain::{Currency, DomainError, Timestamp};
use sqlx::{Any, Transaction};

record! {
    pub(crate) struct SkuForSale {
        pub sku_id: i64,
        pub product_id: i64,
        pub title: String,
        pub options: String,
        pub price_minor: i64,
        pub currency: String,
        pub shop_id: i64,
        pub kind: String,
        #[schema(value_type = String)]
        pub status: ProductStatus,
        #[schema(value_type = String)]
        pub shop_status: ShopStatus,
    }
}

/// A checkout request, as the store needs it.
pub struct Checkout<'a> {
    pub buyer: UserId,
    pub lines: &'a [(SkuId, Quantity)],
    /// `(key, hash of the request)`: a retry with the same key and request
    /// gets the first answer; the same key with another request is refused.
    pub idempotency: Option<(&'a str, &'a str)>,
    pub receive: Receive,
    pub pay_by: Timestamp,
    pub now: Timestamp,
    pub clear_cart: bool,
    /// The video whose buy card sold it, if any.
    pub video: Option<i64>,
    /// `(room, host)`: the live room whose buy button sold it, if any.
    pub room: Option<(i64, i64)>,
    /// The buyer's claimed coupons to use (`coupon_claims` ids).
    pub coupons: &'a [i64],
}

/// How the buyer receives a checkout: delivered (to this address, or to one
/// chosen before it ships) for the shop's fee, or collected at the shop's
/// pickup point with this code.
pub enum Receive {
    Deliver(Option<Address>),
    Collect(String),
    /// Vouchers: used at the shop.
    UseAtShop,
}

/// What placing an order answered: a new order, or, for a retried
/// `Idempotency-Key`, the order the first request created, as it was then.
pub enum Placed {
    New(Box<OrderDetail>),
    Replay(Box<OrderDetail>),
}

impl Placed {
    pub fn order(&self) -> &OrderDetail {
        match self {
            Placed::New(order) | Placed::Replay(order) => order,
        }
    }

    pub fn is_new(&self) -> bool {
        matches!(self, Placed::New(_))
    }
}

impl Db {
    /// Places one order for lines from one shop.
    pub async fn place_order(&self, c: Checkout<'_>) -> Result<Placed> {
        if c.lines.is_empty() {
            return Err(DomainError::invalid("items", "at least one item").into());
        }
        let mut tx = self.write.begin().await?;
        if let Some((key, hash)) = c.idempotency
            && !claim_key(&mut tx, c.buyer, key, hash, c.now.millis()).await?
        {
            drop(tx);
            return self.replay(c.buyer, key, hash).await;
        }
        let mut shop: Option<i64> = None;
        let mut currency: Option<Currency> = None;
        let mut sold = Vec::with_capacity(c.lines.len());
        for (sku_id, quantity) in c.lines {
            let sku = sku_for_sale(&mut tx, *sku_id).await?;
            if *shop.get_or_insert(sku.shop_id) != sku.shop_id {
                return Err(StoreError::conflict(
                    ErrorCode::MixedShops,
                    "one order holds items from one shop; check out each shop separately",
                ));
            }
            let price = Currency::parse(&sku.currency)?;
            if *currency.get_or_insert(price) != price {
                return Err(DomainError::CurrencyMismatch(price.to_string(), sku.currency.clone()).into());
            }
            if sku.kind == ListingKind::Voucher.as_str() {
                voucher_allowance(&mut tx, c.buyer, sku.product_id, quantity.get(), c.now).await?;
            }
            take_stock(&mut tx, *sku_id, *quantity).await?;
            let unit_price_minor = sku.price_minor;
            sold.push((sku, *quantity, unit_price_minor));
            if c.clear_cart {
                sqlx::query("DELETE FROM cart_items WHERE user_id = $1 AND sku_id = $2")
                    .bind(c.buyer.get())
                    .bind(sku_id.get())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let worth: Vec<(i64, i64)> = sold.iter().map(|(sku, q, price)| (sku.product_id, price.saturating_mul(q.get()))).collect();
        let shop = ShopId(shop.unwrap_or_default());
        let currency = currency.unwrap_or(Currency::CNY);
        let coupons = crate::coupons::apply_in(&mut tx, c.buyer, (shop, currency.as_str()), &worth, c.coupons, c.now).await?;
        // A free-delivery threshold counts the goods after their discounts.
        let subtotal = worth.iter().map(|(_, w)| *w).fold(0i64, i64::saturating_add) - coupons.lines.iter().sum::<i64>();
        let vouchers = sold.iter().filter(|(sku, ..)| sku.kind == ListingKind::Voucher.as_str()).count();
        let delivery = match vouchers {
            0 => planned_delivery(&mut tx, shop, c.receive, subtotal).await?,
            n if n == sold.len() => PlannedDelivery::UseAtShop,
            _ => return Err(StoreError::refused(ErrorCode::VoucherMixed)),
        };
        let new = NewOrder {
            buyer: c.buyer,
            lines: sold,
            coupons,
            delivery,
            pay_by: c.pay_by,
            now: c.now,
            origin: Origin { video: c.video, room: c.room, ..Origin::default() },
        };
        let detail = insert_order(&mut tx, new, &self.affiliate).await?;
        if vouchers > 0 {
            keep_voucher_terms(&mut tx, detail.order.id).await?;
        }
        crate::coupons::use_in(&mut tx, c.coupons, detail.order.id).await?;
        if let Some((key, _)) = c.idempotency {
            link_key(&mut tx, c.buyer, key, detail.order.id).await?;
        }
        tx.commit().await?;
        self.wrote();
        Ok(Placed::New(Box::new(detail)))
    }

    pub(crate) async fn replay(&self, buyer: UserId, key: &str, hash: &str) -> Result<Placed> {
        match self.idempotent_answer(buyer, key, hash).await? {
            Some(order) => Ok(Placed::Replay(Box::new(order))),
            None => Err(StoreError::NotFound("idempotency key")),
        }
    }
}

/// How a checkout reaches its buyer, with the shop's fee for it: a pickup
/// only where the shop has a pickup point.
async fn planned_delivery(tx: &mut Transaction<'_, Any>, shop: ShopId, receive: Receive, subtotal: i64) -> Result<PlannedDelivery> {
    let shipping = crate::delivery::shipping_in(tx, shop).await?;
    Ok(match receive {
        Receive::Deliver(to) => {
            let fee_minor = shipping.rates().fee_to(subtotal, to.as_ref());
            PlannedDelivery::Ship { to, fee_minor }
        }
        Receive::Collect(_) if shipping.pickup_point.is_none() => {
            return Err(StoreError::conflict(ErrorCode::PickupNotOffered, "this shop does not offer collection; choose delivery"));
        }
        Receive::Collect(code) => PlannedDelivery::Collect { code },
        Receive::UseAtShop => {
            return Err(DomainError::invalid("fulfilment", "delivery or pickup: only vouchers are used at the shop").into());
        }
    })
}

/// An order about to be written: lines at the prices they sell for, all
/// from one shop, their stock already taken.
pub(crate) struct NewOrder {
    pub buyer: UserId,
    pub lines: Vec<(SkuForSale, Quantity, i64)>,
    /// Each line's share of the coupons' discount (empty: none), and the
    /// platform's part of it.
    pub coupons: crate::coupons::Applied,
    pub delivery: PlannedDelivery,
    pub pay_by: Timestamp,
    pub now: Timestamp,
    pub origin: Origin,
}

/// Writes an order awaiting payment with its lines and first event.
pub(crate) async fn insert_order(tx: &mut Transaction<'_, Any>, new: NewOrder, terms: &AffiliateTerms) -> Result<OrderDetail> {
    let Some((first, _, _)) = new.lines.first() else {
        return Err(DomainError::invalid("items", "at least one item").into());
    };
    let (shop, currency) = (first.shop_id, first.currency.clone());
    let lines = new
        .lines
        .iter()
        .enumerate()
        .map(|(i, (sku, quantity, unit_price_minor))| PlannedLine {
            discount_minor: new.coupons.lines.get(i).copied().unwrap_or(0),
            sku_id: sku.sku_id,
            product_id: sku.product_id,
            title: sku.title.clone(),
            options: sku.options.clone(),
            unit_price_minor: *unit_price_minor,
            quantity: quantity.get(),
        })
        .collect();
    let id = reserve_order_ids(tx, 1).await?[0];
    let planned = PlannedOrder {
        id,
        buyer: new.buyer.get(),
        shop,
        currency,
        lines,
        platform_discount_minor: new.coupons.platform_minor,
        delivery: new.delivery,
        pay_by: new.pay_by,
        now: new.now,
        origin: new.origin,
        note: event_notes::PLACED.into(),
    };
    let mut written = write_orders(tx, std::slice::from_ref(&planned), terms).await?;
    written.pop().ok_or_else(|| DomainError::invalid("items", "at least one item").into())
}

/// A SKU with what an order line copies, if it may be sold here now.
pub(crate) async fn sku_for_sale(tx: &mut Transaction<'_, Any>, sku: SkuId) -> Result<SkuForSale> {
    let sku: SkuForSale = sqlx::query_as(
        "SELECT k.id AS sku_id, k.product_id, p.title, k.options, k.price_minor, k.currency, p.shop_id, p.kind, p.status, s.status AS shop_status \
         FROM skus k JOIN products p ON p.id = k.product_id JOIN shops s ON s.id = p.shop_id WHERE k.id = $1",
    )
    .bind(sku.get())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound("sku"))?;
    if sku.shop_status != ShopStatus::Active {
        return Err(StoreError::conflict(ErrorCode::ShopNotSelling, "the shop is awaiting approval or suspended, and sells nothing"));
    }
    if sku.status != ProductStatus::Active {
        return Err(StoreError::conflict(ErrorCode::ProductUnavailable, format!("{} is not on sale", sku.title)));
    }
    if !ListingKind::parse(&sku.kind)?.sold_here() {
        return Err(StoreError::conflict(ErrorCode::ExternalListing, format!("{} is sold on another platform", sku.title)));
    }
    Ok(sku)
}

pub(crate) async fn take_stock(tx: &mut Transaction<'_, Any>, sku: SkuId, quantity: Quantity) -> Result<()> {
    let taken = sqlx::query("UPDATE skus SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
        .bind(quantity.get())
        .bind(sku.get())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if taken == 0 {
        let (available,): (i64,) = sqlx::query_as("SELECT stock FROM skus WHERE id = $1").bind(sku.get()).fetch_one(&mut **tx).await?;
        return Err(DomainError::OutOfStock { available, requested: quantity.get() }.into());
    }
    Ok(())
}

/// Refuses a voucher no longer sold, or one that would give the buyer more
/// than one person may have: vouchers they hold (used, or not refunded)
/// and those of their unpaid orders count. The terms' row is locked first,
/// so two checkouts of one voucher at once count one after the other.
async fn voucher_allowance(tx: &mut Transaction<'_, Any>, buyer: UserId, product: i64, quantity: i64, now: Timestamp) -> Result<()> {
    let (per_person, valid_until): (i64, i64) =
        sqlx::query_as("UPDATE voucher_terms SET per_person = per_person WHERE product_id = $1 RETURNING per_person, valid_until")
            .bind(product)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound("voucher terms"))?;
    if valid_until <= now.millis() {
        return Err(StoreError::conflict(ErrorCode::VoucherExpired, "this voucher's last day has passed: it is no longer sold"));
    }
    let (held,): (i64,) = sqlx::query_as(
        "SELECT CAST((SELECT COUNT(*) FROM vouchers WHERE buyer_id = $1 AND product_id = $2 AND status <> 'refunded') + \
         COALESCE((SELECT SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id \
         WHERE l.product_id = $2 AND o.buyer_id = $1 AND o.status = 'pending_payment'), 0) AS BIGINT)",
    )
    .bind(buyer.get())
    .bind(product)
    .fetch_one(&mut **tx)
    .await?;
    if held + quantity > per_person {
        return Err(StoreError::conflict(
            ErrorCode::VoucherLimit,
            format!("At most {per_person} of this voucher per person, and you have {held} already."),
        ));
    }
    Ok(())
}

/// Copies each voucher line's terms as they are now: what the buyer saw is
/// what paying issues.
async fn keep_voucher_terms(tx: &mut Transaction<'_, Any>, order: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO order_voucher_terms (order_line_id, valid_from, valid_until, opens_minute, closes_minute, refund_unused, utc_offset_minutes) \
         SELECT l.id, t.valid_from, t.valid_until, t.opens_minute, t.closes_minute, t.refund_unused, t.utc_offset_minutes \
         FROM order_lines l JOIN voucher_terms t ON t.product_id = l.product_id WHERE l.order_id = $1",
    )
    .bind(order)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
