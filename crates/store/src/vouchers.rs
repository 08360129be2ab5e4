//! Vouchers for local shops: the terms a voucher product sells under, one
//! voucher with its own code per unit paid for, redemption at the shop
//! (once, whoever tries at the same moment), and expiry, which refunds an
//! unused voucher when its terms say so, exactly once.

use crate::orders::{Order, transition_in};
use crate::record::stored;
use crate::refunds::refund_in;
use crate::{Db, Result, StoreError};
use haul_domain::ids::{OrderId, ProductId, ShopId, UserId};
use haul_domain::orders::{OrderStatus, event_notes};
use haul_domain::page::{Page, PageRequest};
use haul_domain::vouchers::{VoucherCode, VoucherStatus, VoucherTerms, unit_shares};
use haul_domain::{ErrorCode, Timestamp};
use sqlx::{Any, AssertSqlSafe, Transaction};

record! {
    /// What a voucher product sells: what it buys and its terms.
    pub struct VoucherOffer {
        pub product_id: i64,
        pub covers: String,
        pub valid_from: i64,
        pub valid_until: i64,
        pub opens_minute: i64,
        pub closes_minute: i64,
        pub per_person: i64,
        pub refund_unused: i64,
        pub utc_offset_minutes: i64,
    }
}

impl VoucherOffer {
    pub fn terms(&self) -> VoucherTerms {
        let days = (self.valid_from, self.valid_until);
        terms(days, (self.opens_minute, self.closes_minute), self.per_person, self.refund_unused, self.utc_offset_minutes)
    }
}

/// Terms as their columns hold them (`refund_unused` 0 or 1).
fn terms(days: (i64, i64), hours: (i64, i64), per_person: i64, refund_unused: i64, utc_offset_minutes: i64) -> VoucherTerms {
    VoucherTerms {
        valid_from_ms: days.0,
        valid_until_ms: days.1,
        opens_minute: hours.0,
        closes_minute: hours.1,
        per_person,
        refund_unused: refund_unused != 0,
        utc_offset_minutes,
    }
}

record! {
    /// One voucher, with the terms it was sold under.
    pub struct Voucher {
        pub id: i64,
        /// Shown to its buyer and to the shop once redeemed.
        pub code: String,
        pub order_id: i64,
        pub order_line_id: i64,
        pub product_id: i64,
        pub shop_id: i64,
        pub buyer_id: i64,
        pub paid_minor: i64,
        pub currency: String,
        #[schema(value_type = String)]
        pub status: VoucherStatus,
        pub valid_from: i64,
        pub valid_until: i64,
        pub opens_minute: i64,
        pub closes_minute: i64,
        pub refund_unused: i64,
        pub utc_offset_minutes: i64,
        pub issued_at: i64,
        pub redeemed_at: Option<i64>,
        pub redeemed_by: Option<i64>,
        pub settled_at: Option<i64>,
        /// The product's title as ordered, the shop's name and address, and who redeemed it.
        pub title: String,
        pub shop_name: String,
        pub shop_address: String,
        pub redeemed_by_name: Option<String>,
    }
}

impl Voucher {
    /// The terms it was sold under (it is one voucher: one per person).
    pub fn terms(&self) -> VoucherTerms {
        terms((self.valid_from, self.valid_until), (self.opens_minute, self.closes_minute), 1, self.refund_unused, self.utc_offset_minutes)
    }
}

record! {
    /// A shop's vouchers over a span: how many were sold, redeemed (and
    /// for how much), refunded unused and left to expire.
    pub struct VoucherFigures {
        pub issued: i64,
        pub redeemed: i64,
        pub redeemed_minor: i64,
        pub refunded: i64,
        pub expired: i64,
    }
}

const VOUCHER_SELECT: &str = "SELECT v.id, v.code, v.order_id, v.order_line_id, v.product_id, v.shop_id, v.buyer_id, v.paid_minor, v.currency, \
     v.status, v.valid_from, v.valid_until, v.opens_minute, v.closes_minute, v.refund_unused, v.utc_offset_minutes, v.issued_at, \
     v.redeemed_at, v.redeemed_by, v.settled_at, l.title, s.name AS shop_name, s.address AS shop_address, r.display_name AS redeemed_by_name \
     FROM vouchers v JOIN order_lines l ON l.id = v.order_line_id JOIN shops s ON s.id = v.shop_id LEFT JOIN users r ON r.id = v.redeemed_by";

const OFFER_COLUMNS: &str =
    "product_id, covers, valid_from, valid_until, opens_minute, closes_minute, per_person, refund_unused, utc_offset_minutes";

impl Db {
    pub async fn voucher_offer(&self, product: ProductId) -> Result<Option<VoucherOffer>> {
        let sql = format!("SELECT {OFFER_COLUMNS} FROM voucher_terms WHERE product_id = $1");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(product.get()).fetch_optional(&self.read).await?)
    }

    /// Changes what a voucher product sells from now on; vouchers sold keep
    /// the terms they were sold under.
    pub async fn set_voucher_offer(&self, product: ProductId, covers: &str, terms: &VoucherTerms) -> Result<()> {
        let mut tx = self.write.begin().await?;
        set_offer_in(&mut tx, product, covers, terms).await?;
        tx.commit().await?;
        self.wrote();
        Ok(())
    }

    /// The buyer's vouchers, newest first.
    pub async fn vouchers_of_buyer(&self, buyer: UserId, page: &PageRequest) -> Result<Page<Voucher>> {
        let sql = format!("{VOUCHER_SELECT} WHERE v.buyer_id = $1 AND v.id < $2 ORDER BY v.id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(buyer.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |v: &Voucher| v.id))
    }

    pub async fn vouchers_of_order(&self, order: OrderId) -> Result<Vec<Voucher>> {
        let sql = format!("{VOUCHER_SELECT} WHERE v.order_id = $1 ORDER BY v.id");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(order.get()).fetch_all(&self.read).await?)
    }

    /// The shop's redeemed vouchers, latest first.
    pub async fn redemptions(&self, shop: ShopId, page: &PageRequest) -> Result<Page<Voucher>> {
        let sql = format!(
            "{VOUCHER_SELECT} WHERE v.shop_id = $1 AND v.status = 'redeemed' AND v.id < $2 ORDER BY v.redeemed_at DESC, v.id DESC LIMIT $3"
        );
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(shop.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |v: &Voucher| v.id))
    }

    /// The shop's vouchers issued, redeemed, refunded and expired in `[from, to)`, each by its own moment.
    pub async fn voucher_figures(&self, shop: ShopId, from: Timestamp, to: Timestamp) -> Result<VoucherFigures> {
        Ok(sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(CASE WHEN issued_at >= $2 AND issued_at < $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS issued, \
             CAST(COALESCE(SUM(CASE WHEN status = 'redeemed' AND redeemed_at >= $2 AND redeemed_at < $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS redeemed, \
             CAST(COALESCE(SUM(CASE WHEN status = 'redeemed' AND redeemed_at >= $2 AND redeemed_at < $3 THEN paid_minor ELSE 0 END), 0) AS BIGINT) AS redeemed_minor, \
             CAST(COALESCE(SUM(CASE WHEN status = 'refunded' AND settled_at >= $2 AND settled_at < $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS refunded, \
             CAST(COALESCE(SUM(CASE WHEN status = 'expired' AND settled_at >= $2 AND settled_at < $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS expired \
             FROM vouchers WHERE shop_id = $1",
        )
        .bind(shop.get())
        .bind(from.millis())
        .bind(to.millis())
        .fetch_one(&self.read)
        .await?)
    }

    /// Redeems the shop's voucher with this code, once: the code of another
    /// shop is not found; a used, early, late or off-hours one is refused.
    /// Its line's commission is made now (a voucher earns when used), and
    /// the order completes once none of its vouchers is left to use.
    pub async fn redeem_voucher(&self, shop: ShopId, code: &VoucherCode, staff: UserId, now: Timestamp) -> Result<Voucher> {
        let mut tx = self.write.begin().await?;
        let sql = format!("{VOUCHER_SELECT} WHERE v.code = $1 AND v.shop_id = $2");
        let voucher: Voucher = sqlx::query_as(AssertSqlSafe(sql))
            .bind(code.as_str())
            .bind(shop.get())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("voucher"))?;
        if let Err(refusal) = voucher.terms().redeemable(voucher.status, now) {
            return Err(StoreError::refused(refusal.code()));
        }
        let taken =
            sqlx::query("UPDATE vouchers SET status = 'redeemed', redeemed_at = $1, redeemed_by = $2 WHERE id = $3 AND status = 'issued'")
                .bind(now.millis())
                .bind(staff.get())
                .bind(voucher.id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if taken == 0 {
            return Err(StoreError::refused(ErrorCode::VoucherUsed));
        }
        let order = OrderId(voucher.order_id);
        crate::affiliate::commission::accrue_in(&mut tx, order, Some(voucher.order_line_id), &self.affiliate, now).await?;
        // Vouchers of the line refunded before this one was used take their share back.
        crate::affiliate::commission::reverse_in(&mut tx, order, now).await?;
        complete_if_settled(&mut tx, order, Some(staff), now).await?;
        let voucher = voucher_in(&mut tx, voucher.id).await?;
        tx.commit().await?;
        Ok(voucher)
    }

    /// Settles up to `limit` vouchers unused past their last day, each in
    /// its own transaction that also makes its refund (when its terms give
    /// one): a restart in the middle settles the rest, none twice. The
    /// vouchers settled, as they are now.
    pub async fn settle_expired_vouchers(&self, now: Timestamp, limit: i64) -> Result<Vec<Voucher>> {
        let due: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM vouchers WHERE status = 'issued' AND valid_until <= $1 ORDER BY valid_until, id LIMIT $2")
                .bind(now.millis())
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        let mut settled = Vec::with_capacity(due.len());
        for (id,) in due {
            // One voucher that cannot be settled (its order changed meanwhile) waits for the next pass, alone.
            match self.settle_expired(id, now).await {
                Ok(Some(v)) => settled.push(v),
                Ok(None) => {}
                Err(e) => tracing::warn!(voucher = id, error = %e, "expired voucher not settled"),
            }
        }
        Ok(settled)
    }

    async fn settle_expired(&self, id: i64, now: Timestamp) -> Result<Option<Voucher>> {
        let mut tx = self.write.begin().await?;
        if !settle_in(&mut tx, id, Settle::Expired, now).await? {
            return Ok(None);
        }
        let voucher = voucher_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(Some(voucher))
    }

    /// The buyer refunds a voucher not yet used, where its terms refund unused ones.
    pub async fn refund_voucher(&self, id: i64, buyer: UserId, now: Timestamp) -> Result<Voucher> {
        let mut tx = self.write.begin().await?;
        let voucher = voucher_in(&mut tx, id).await?;
        if voucher.buyer_id != buyer.get() {
            return Err(StoreError::NotFound("voucher"));
        }
        if voucher.refund_unused == 0 {
            return Err(StoreError::refused(ErrorCode::VoucherNotRefundable));
        }
        if !settle_in(&mut tx, id, Settle::ByBuyer, now).await? {
            return Err(StoreError::refused(ErrorCode::VoucherUsed));
        }
        let voucher = voucher_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(voucher)
    }
}

/// Why an issued voucher is settled without being used.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Settle {
    /// Past its last day: refunded if its terms say so, else expired.
    Expired,
    ByBuyer,
}

/// Settles an issued voucher (refunding its share of its line, when it is
/// refunded) and completes its order if none is left to use; false if it
/// was not issued (or not yet due) any more.
async fn settle_in(tx: &mut Transaction<'_, Any>, id: i64, why: Settle, now: Timestamp) -> Result<bool> {
    let row: Option<(i64, i64, i64, String)> = sqlx::query_as(
        "UPDATE vouchers SET status = CASE WHEN refund_unused = 1 OR $3 = 1 THEN 'refunded' ELSE 'expired' END, settled_at = $1 \
         WHERE id = $2 AND status = 'issued' AND ($3 = 1 OR valid_until <= $1) RETURNING order_id, order_line_id, paid_minor, status",
    )
    .bind(now.millis())
    .bind(id)
    .bind(i64::from(why == Settle::ByBuyer))
    .fetch_optional(&mut **tx)
    .await?;
    let Some((order, line, paid, status)) = row else {
        return Ok(false);
    };
    // Never more than the order has left: the shop may have refunded part of it already.
    let (total, refunded): (i64, i64) =
        sqlx::query_as("SELECT total_minor, refunded_minor FROM orders WHERE id = $1").bind(order).fetch_one(&mut **tx).await?;
    let amount = paid.min(total - refunded);
    if status == VoucherStatus::Refunded.as_str() && amount > 0 {
        let note = if why == Settle::ByBuyer { event_notes::VOUCHER_REFUNDED_BY_BUYER } else { event_notes::VOUCHER_REFUNDED_UNUSED };
        refund_in(tx, OrderId(order), amount, note, None, Some(line), now).await?;
    }
    complete_if_settled(tx, OrderId(order), None, now).await?;
    Ok(true)
}

async fn voucher_in(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Voucher> {
    let sql = format!("{VOUCHER_SELECT} WHERE v.id = $1");
    sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound("voucher"))
}

pub(crate) async fn set_offer_in(tx: &mut Transaction<'_, Any>, product: ProductId, covers: &str, t: &VoucherTerms) -> Result<()> {
    sqlx::query(
        "INSERT INTO voucher_terms (product_id, covers, valid_from, valid_until, opens_minute, closes_minute, per_person, refund_unused, utc_offset_minutes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (product_id) DO UPDATE SET covers = excluded.covers, valid_from = excluded.valid_from, \
         valid_until = excluded.valid_until, opens_minute = excluded.opens_minute, closes_minute = excluded.closes_minute, \
         per_person = excluded.per_person, refund_unused = excluded.refund_unused, utc_offset_minutes = excluded.utc_offset_minutes",
    )
    .bind(product.get())
    .bind(covers)
    .bind(t.valid_from_ms)
    .bind(t.valid_until_ms)
    .bind(t.opens_minute)
    .bind(t.closes_minute)
    .bind(t.per_person)
    .bind(i64::from(t.refund_unused))
    .bind(t.utc_offset_minutes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

record! {
    /// A paid voucher line with the terms it was bought under.
    struct BoughtLine {
        pub id: i64,
        pub product_id: i64,
        pub quantity: i64,
        pub paid_minor: i64,
        pub valid_from: i64,
        pub valid_until: i64,
        pub opens_minute: i64,
        pub closes_minute: i64,
        pub refund_unused: i64,
        pub utc_offset_minutes: i64,
    }
}

/// Issues the paid order's vouchers: one per unit of each line, each with
/// a fresh random code and the terms the line was bought under.
pub(crate) async fn issue_in(tx: &mut Transaction<'_, Any>, order: &Order, now: Timestamp) -> Result<()> {
    let lines: Vec<BoughtLine> = sqlx::query_as(
        "SELECT l.id, l.product_id, l.quantity, l.unit_price_minor * l.quantity - l.discount_minor AS paid_minor, t.valid_from, t.valid_until, \
         t.opens_minute, t.closes_minute, t.refund_unused, t.utc_offset_minutes \
         FROM order_lines l JOIN order_voucher_terms t ON t.order_line_id = l.id WHERE l.order_id = $1 ORDER BY l.id",
    )
    .bind(order.id)
    .fetch_all(&mut **tx)
    .await?;
    for l in lines {
        for share in unit_shares(l.paid_minor, l.quantity) {
            // 59 random bits: a clash is all but impossible; a few new draws if it happens.
            let mut issued = 0;
            for _ in 0..4 {
                let mut random = [0u8; 8];
                getrandom::fill(&mut random)
                    .map_err(|e| StoreError::Db(sqlx::Error::Protocol(format!("no randomness for a voucher code: {e}"))))?;
                issued = sqlx::query(
                    "INSERT INTO vouchers (code, order_id, order_line_id, product_id, shop_id, buyer_id, paid_minor, currency, status, valid_from, \
                     valid_until, opens_minute, closes_minute, refund_unused, utc_offset_minutes, issued_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'issued', $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (code) DO NOTHING",
                )
                .bind(VoucherCode::from_random(random).as_str())
                .bind(order.id)
                .bind(l.id)
                .bind(l.product_id)
                .bind(order.shop_id)
                .bind(order.buyer_id)
                .bind(share)
                .bind(&order.currency)
                .bind(l.valid_from)
                .bind(l.valid_until)
                .bind(l.opens_minute)
                .bind(l.closes_minute)
                .bind(l.refund_unused)
                .bind(l.utc_offset_minutes)
                .bind(now.millis())
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if issued == 1 {
                    break;
                }
            }
            if issued != 1 {
                return Err(StoreError::Db(sqlx::Error::Protocol("four voucher codes drawn in a row were taken".into())));
            }
        }
    }
    Ok(())
}

/// A paid voucher order none of whose vouchers is left to use completes:
/// the hold of the shop's money and the creator's commission starts.
async fn complete_if_settled(tx: &mut Transaction<'_, Any>, order: OrderId, actor: Option<UserId>, now: Timestamp) -> Result<()> {
    let (status, left): (String, i64) = sqlx::query_as(
        "SELECT o.status, (SELECT COUNT(*) FROM vouchers v WHERE v.order_id = o.id AND v.status = 'issued') FROM orders o WHERE o.id = $1",
    )
    .bind(order.get())
    .fetch_one(&mut **tx)
    .await?;
    if left == 0 && stored(OrderStatus::parse(&status))? == OrderStatus::Paid {
        transition_in(tx, order, OrderStatus::Completed, actor, event_notes::VOUCHERS_SETTLED, now).await?;
    }
    Ok(())
}
