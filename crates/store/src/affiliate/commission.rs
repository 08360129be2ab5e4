//! Commission on credited lines, in the ledger: made when the order is
//! paid, taken back by refunds in proportion, released after the hold once
//! the order is complete. Each step is one balanced transaction written in
//! the same database transaction as the change that causes it.

use crate::record::stored;
use crate::{Db, Result};
use haul_domain::affiliate::{self, AffiliateTerms, CommissionStatus, RateBps, TouchKind};
use haul_domain::ids::{OrderId, ShopId, UserId};
use haul_domain::ledger::{self, Held};
use haul_domain::page::{Page, PageRequest};
use haul_domain::{Currency, Money, Timestamp};
use sqlx::{Any, AssertSqlSafe, Transaction};

record! {
    /// A line's commission as its creator sees it.
    pub struct Commission {
        pub id: i64,
        pub order_id: i64,
        pub order_line_id: i64,
        pub shop_id: i64,
        pub creator_id: i64,
        /// What sold the line: the kind of touch and the video, note, room,
        /// link, showcase (its creator) or campaign it was.
        #[schema(value_type = String)]
        pub touch_kind: TouchKind,
        pub touch_id: i64,
        /// The product's title as ordered.
        pub title: String,
        pub currency: String,
        /// What the shopper paid for the line's goods.
        pub base_minor: i64,
        pub rate_bps: i64,
        /// The commission on `base_minor`, of which `fee_minor` is the platform's.
        pub amount_minor: i64,
        pub fee_minor: i64,
        /// How much of the base was refunded, and of the commission and fee taken back.
        pub refunded_minor: i64,
        pub reversed_minor: i64,
        pub fee_reversed_minor: i64,
        #[schema(value_type = String)]
        pub status: CommissionStatus,
        /// When its order completed (the hold runs from here).
        pub completed_at: Option<i64>,
        pub available_at: Option<i64>,
        pub created_at: i64,
    }
}

impl Commission {
    /// What the creator keeps of it now: the commission less the platform's
    /// fee, both less what refunds took back.
    pub fn net_minor(&self) -> i64 {
        (self.amount_minor - self.reversed_minor) - (self.fee_minor - self.fee_reversed_minor)
    }
}

record! {
    /// A credited line of a paid order, as commission is made from it.
    struct CreditedLine {
        pub id: i64,
        pub shop_id: i64,
        pub creator_id: Option<i64>,
        #[schema(value_type = Option<String>)]
        pub touch_kind: Option<TouchKind>,
        pub touch_id: Option<i64>,
        pub commission_bps: Option<i64>,
        pub unit_price_minor: i64,
        pub quantity: i64,
        pub discount_minor: i64,
        pub currency: String,
    }
}

const COMMISSION_SELECT: &str = "SELECT c.id, c.order_id, c.order_line_id, c.shop_id, c.creator_id, c.touch_kind, c.touch_id, l.title, c.currency, \
     c.base_minor, c.rate_bps, c.amount_minor, c.fee_minor, c.refunded_minor, c.reversed_minor, c.fee_reversed_minor, c.status, \
     c.completed_at, c.available_at, c.created_at FROM commissions c JOIN order_lines l ON l.id = c.order_line_id";

impl Db {
    /// A creator's commission lines, newest first.
    pub async fn commissions_of(&self, creator: UserId, page: &PageRequest) -> Result<Page<Commission>> {
        let sql = format!("{COMMISSION_SELECT} WHERE c.creator_id = $1 AND c.id < $2 ORDER BY c.id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(creator.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |c: &Commission| c.id))
    }

    /// Releases up to `limit` commissions whose hold has ended, each in its
    /// own transaction (a restart in the middle releases the rest, none
    /// twice); how many were released.
    pub async fn release_due_commission(&self, now: Timestamp, limit: i64) -> Result<usize> {
        let due_by = affiliate::held_until(now, self.affiliate.hold_ms).millis();
        let sql = format!(
            "SELECT id FROM commissions WHERE status = 'pending' AND completed_at IS NOT NULL AND completed_at <= $1 AND {} \
             ORDER BY completed_at, id LIMIT $2",
            crate::holds::no_open_case("commissions.order_id")
        );
        let due: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(sql)).bind(due_by).bind(limit).fetch_all(&self.read).await?;
        let mut released = 0;
        for (id,) in due {
            let mut tx = self.write.begin().await?;
            let sql = format!(
                "UPDATE commissions SET status = 'available', available_at = $1 WHERE id = $2 AND status = 'pending' AND {} \
                 RETURNING order_id, creator_id, currency, amount_minor, reversed_minor, fee_minor, fee_reversed_minor",
                crate::holds::no_open_case("commissions.order_id")
            );
            let row: Option<(i64, i64, String, i64, i64, i64, i64)> =
                sqlx::query_as(AssertSqlSafe(sql)).bind(now.millis()).bind(id).fetch_optional(&mut *tx).await?;
            let Some((order, creator, currency, amount, reversed, fee, fee_reversed)) = row else {
                continue;
            };
            let net = Money { minor: (amount - reversed) - (fee - fee_reversed), currency: Currency::parse(&currency)? };
            if net.minor > 0 {
                crate::ledger::post(&mut tx, &ledger::commission_released(UserId(creator), net)?, Some(order), now).await?;
            }
            tx.commit().await?;
            released += 1;
        }
        Ok(released)
    }
}

/// Makes the commission of a paid order's credited lines (or of one of
/// them: a voucher's, when it is used), pending, and books it: out of what
/// the shop is owed, to the creator and the platform. Once per line.
pub(crate) async fn accrue_in(
    tx: &mut Transaction<'_, Any>,
    order: OrderId,
    only_line: Option<i64>,
    terms: &AffiliateTerms,
    now: Timestamp,
) -> Result<()> {
    let lines: Vec<CreditedLine> = sqlx::query_as(
        "SELECT l.id, o.shop_id, l.creator_id, l.touch_kind, l.touch_id, l.commission_bps, l.unit_price_minor, l.quantity, l.discount_minor, o.currency \
         FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.order_id = $1 AND l.commission_bps IS NOT NULL AND ($2 IS NULL OR l.id = $2) \
         ORDER BY l.id",
    )
    .bind(order.get())
    .bind(only_line)
    .fetch_all(&mut **tx)
    .await?;
    for l in lines {
        let (Some(creator), Some(kind), Some(touch), Some(bps)) = (l.creator_id, l.touch_kind, l.touch_id, l.commission_bps) else {
            continue;
        };
        let currency = Currency::parse(&l.currency)?;
        // Commission is on what the shopper paid: the price less the line's coupon discount.
        let list = Money { minor: l.unit_price_minor, currency }.times(haul_domain::inventory::Quantity::parse(l.quantity)?)?;
        let base = Money { minor: list.minor - l.discount_minor.clamp(0, list.minor), currency };
        let amount = affiliate::commission_minor(base.minor, stored(RateBps::parse(bps))?);
        if amount <= 0 {
            continue;
        }
        let fee = affiliate::platform_fee_minor(amount, terms.platform_fee_bps);
        let made = sqlx::query(
            "INSERT INTO commissions (order_line_id, order_id, shop_id, creator_id, touch_kind, touch_id, currency, base_minor, rate_bps, \
             amount_minor, fee_minor, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12) \
             ON CONFLICT (order_line_id) DO NOTHING",
        )
        .bind(l.id)
        .bind(order.get())
        .bind(l.shop_id)
        .bind(creator)
        .bind(kind.as_str())
        .bind(touch)
        .bind(currency.as_str())
        .bind(base.minor)
        .bind(bps)
        .bind(amount)
        .bind(fee)
        .bind(now.millis())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if made == 1 {
            let entry = ledger::commission_accrued(ShopId(l.shop_id), UserId(creator), Money { minor: amount, currency }, fee)?;
            crate::ledger::post(tx, &entry, Some(order.get()), now).await?;
        }
    }
    Ok(())
}

/// After a refund: each line's commission (and the platform's fee on it)
/// is taken back to match what of the line stayed paid (its own refunds and
/// its share of the order's, `refunds::lines_refunded_in`), from wherever
/// it is now.
pub(crate) async fn reverse_in(tx: &mut Transaction<'_, Any>, order: OrderId, now: Timestamp) -> Result<()> {
    let sql = format!("{COMMISSION_SELECT} WHERE c.order_id = $1 ORDER BY c.order_line_id");
    let held: Vec<Commission> = sqlx::query_as(AssertSqlSafe(sql)).bind(order.get()).fetch_all(&mut **tx).await?;
    if held.is_empty() {
        return Ok(());
    }
    let lines = lines_refunded_in(tx, order).await?;
    let (shop, settled_at): (i64, Option<i64>) =
        sqlx::query_as("SELECT shop_id, settled_at FROM orders WHERE id = $1").bind(order.get()).fetch_one(&mut **tx).await?;
    for c in held {
        let Some(&(_, _, line_refunded)) = lines.iter().find(|(l, ..)| *l == c.order_line_id) else {
            continue;
        };
        let gross = (affiliate::reversal_minor(c.amount_minor, c.base_minor, 0, line_refunded) - c.reversed_minor).max(0);
        let fee_back = (affiliate::reversal_minor(c.fee_minor, c.base_minor, 0, line_refunded) - c.fee_reversed_minor).max(0);
        if gross == 0 && fee_back == 0 {
            continue;
        }
        let from = if c.status == CommissionStatus::Available { Held::Available } else { Held::Pending };
        let whole = c.reversed_minor + gross == c.amount_minor;
        let to = if whole && c.status == CommissionStatus::Pending { CommissionStatus::Reversed } else { c.status };
        sqlx::query(
            "UPDATE commissions SET refunded_minor = $1, reversed_minor = reversed_minor + $2, fee_reversed_minor = fee_reversed_minor + $3, \
             status = $4 WHERE id = $5",
        )
        .bind(line_refunded)
        .bind(gross)
        .bind(fee_back)
        .bind(to.as_str())
        .bind(c.id)
        .execute(&mut **tx)
        .await?;
        let gross = Money { minor: gross, currency: Currency::parse(&c.currency)? };
        let entry = ledger::commission_reversed(ShopId(shop), settled_at.is_some(), UserId(c.creator_id), from, gross, fee_back)?;
        crate::ledger::post(tx, &entry, Some(order.get()), now).await?;
    }
    Ok(())
}

/// The order completed: its commission's hold starts now.
pub(crate) async fn order_completed_in(tx: &mut Transaction<'_, Any>, order: OrderId, now: Timestamp) -> Result<()> {
    sqlx::query("UPDATE commissions SET completed_at = $1 WHERE order_id = $2 AND completed_at IS NULL")
        .bind(now.millis())
        .bind(order.get())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The most videos one plan pays a flat fee for.
pub const MAX_FLAT_FEES_PER_PLAN: i64 = 10;

/// Pays the flat fees a newly posted video earns its creator: one per
/// accepted targeted plan with a fee that covers a product on its cards,
/// once per plan and video, when the shop's available balance covers it.
pub(crate) async fn pay_flat_fees_in(tx: &mut Transaction<'_, Any>, video: i64, creator: UserId, now: Timestamp) -> Result<()> {
    let plans: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT p.id, p.shop_id, p.flat_fee_minor, s.currency FROM commission_plans p JOIN shops s ON s.id = p.shop_id \
         WHERE p.creator_id = $1 AND p.status = 'active' AND p.flat_fee_minor > 0 AND EXISTS (SELECT 1 FROM video_anchors a \
         JOIN products pr ON pr.id = a.product_id WHERE a.video_id = $2 AND pr.shop_id = p.shop_id AND (p.product_id IS NULL OR p.product_id = pr.id))",
    )
    .bind(creator.get())
    .bind(video)
    .fetch_all(&mut **tx)
    .await?;
    for (plan, shop, amount, currency) in plans {
        // Paid out of what the shop may be paid, never below it, and for a
        // bounded number of videos per plan.
        let (available, fees): (i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE((SELECT -SUM(amount_minor) FROM ledger_entries WHERE account = $1 AND currency = $2), 0) AS BIGINT), \
             (SELECT COUNT(*) FROM flat_fees WHERE plan_id = $3)",
        )
        .bind(ledger::shop_available_account(ShopId(shop)))
        .bind(&currency)
        .bind(plan)
        .fetch_one(&mut **tx)
        .await?;
        if available < amount || fees >= MAX_FLAT_FEES_PER_PLAN {
            continue;
        }
        let paid = sqlx::query(
            "INSERT INTO flat_fees (plan_id, video_id, shop_id, creator_id, amount_minor, currency, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (plan_id, video_id) DO NOTHING",
        )
        .bind(plan)
        .bind(video)
        .bind(shop)
        .bind(creator.get())
        .bind(amount)
        .bind(&currency)
        .bind(now.millis())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if paid == 1 {
            let entry = ledger::flat_fee(ShopId(shop), creator, Money { minor: amount, currency: Currency::parse(&currency)? })?;
            crate::ledger::post(tx, &entry, None, now).await?;
        }
    }
    Ok(())
}

/// Each line of an order as `(id, paid, refunded)`: what the line was paid
/// and what of it came back, its own refunds and its share of those made
/// for the whole order (`domain::aftersales::line_refunds`). The order's
/// `refunded_minor` counts refunds of the order only (a duplicate payment
/// sent back is not one).
pub(crate) async fn lines_refunded_in(tx: &mut Transaction<'_, Any>, order: OrderId) -> Result<Vec<(i64, i64, i64)>> {
    let lines: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT l.id, l.unit_price_minor * l.quantity - l.discount_minor, CAST(COALESCE((SELECT SUM(r.amount_minor) FROM refunds r WHERE r.order_line_id = l.id), 0) AS BIGINT) \
         FROM order_lines l WHERE l.order_id = $1 ORDER BY l.id",
    )
    .bind(order.get())
    .fetch_all(&mut **tx)
    .await?;
    let (shipping, untargeted): (i64, i64) = sqlx::query_as(
        "SELECT shipping_minor, refunded_minor - CAST(COALESCE((SELECT SUM(r.amount_minor) FROM refunds r WHERE r.order_id = o.id \
         AND r.order_line_id IS NOT NULL), 0) AS BIGINT) FROM orders o WHERE o.id = $1",
    )
    .bind(order.get())
    .fetch_one(&mut **tx)
    .await?;
    let paid: Vec<(i64, i64)> = lines.iter().map(|(_, paid, own)| (*paid, *own)).collect();
    let refunded = haul_domain::aftersales::line_refunds(&paid, shipping, untargeted);
    Ok(lines.iter().zip(refunded).map(|((id, paid, _), r)| (*id, *paid, r)).collect())
}
