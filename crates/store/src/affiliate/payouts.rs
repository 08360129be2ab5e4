//! Earnings and payouts: a creator's balances read from the ledger, and
//! payouts that move available commission out through a provider. A
//! requested payout leaves the creator's available balance at once (into
//! `payouts:<provider>`, money on its way); the provider's confirmation moves
//! it out of the books, its final failure brings it back.

use crate::{Db, Result, StoreError};
use haul_domain::affiliate::{PayoutStatus, TouchKind};
use haul_domain::ids::{ShopId, UserId};
use haul_domain::ledger;
use haul_domain::page::{Page, PageRequest};
use haul_domain::{Currency, ErrorCode, Money, Timestamp};
use sqlx::{Any, AssertSqlSafe, Transaction};

record! {
    /// A creator's money in one currency, in minor units.
    pub struct Balance {
        pub currency: String,
        /// Earned on orders still in their hold.
        pub pending_minor: i64,
        /// Released and not yet paid out; below zero when a refund came
        /// after release (later commission repays it first).
        pub available_minor: i64,
        /// Paid out, and on its way.
        pub paid_minor: i64,
        pub in_flight_minor: i64,
    }
}

record! {
    /// What one video, note, room, link, showcase or campaign earned.
    pub struct ContentEarnings {
        #[schema(value_type = String)]
        pub touch_kind: TouchKind,
        pub touch_id: i64,
        pub currency: String,
        pub orders: i64,
        /// What its buyers paid for the goods, less refunds.
        pub sales_minor: i64,
        /// The creator's commission on them, after the fee and refunds.
        pub net_minor: i64,
    }
}

record! {
    /// A creator as a shop's affiliate console ranks them.
    pub struct ShopCreator {
        pub creator_id: i64,
        pub display_name: String,
        pub currency: String,
        pub orders: i64,
        /// What buyers paid for the goods they sold, less refunds.
        pub sales_minor: i64,
        /// Commission (before the platform's fee) still in its hold, and released.
        pub pending_minor: i64,
        pub released_minor: i64,
    }
}

record! {
    pub struct Payout {
        pub id: i64,
        pub creator_id: i64,
        pub amount_minor: i64,
        pub currency: String,
        #[schema(value_type = String)]
        pub status: PayoutStatus,
        pub provider: String,
        pub provider_ref: String,
        pub attempts: i64,
        pub next_attempt_at: i64,
        pub failure: Option<String>,
        pub created_at: i64,
        pub updated_at: i64,
        /// The shop paid out, if it is a shop's payout (then `creator_id`
        /// is who asked for it).
        pub shop_id: Option<i64>,
    }
}

const PAYOUT_COLUMNS: &str = "id, creator_id, amount_minor, currency, status, provider, provider_ref, attempts, next_attempt_at, failure, created_at, updated_at, shop_id";

/// A payout provider's answer about one payout.
pub struct PayoutAnswer<'a> {
    /// The provider's id for the event: an event is applied once.
    pub event_id: &'a str,
    pub paid: bool,
    pub failure: &'a str,
    /// When a failed payout is tried again.
    pub retry_at: Timestamp,
}

/// A payout is retried this many times before its money goes back.
pub const MAX_PAYOUT_ATTEMPTS: i64 = 5;

/// Whose money a payout moves: a creator's (or leader's) commission, or a
/// shop's settled sales (asked for by `requester`, its owner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Creator(UserId),
    Shop { shop: ShopId, requester: UserId },
}

impl Party {
    pub(crate) fn available_account(self) -> String {
        match self {
            Party::Creator(creator) => ledger::creator_available_account(creator),
            Party::Shop { shop, .. } => ledger::shop_available_account(shop),
        }
    }

    /// Where its money waits before it may be paid out.
    pub(crate) fn pending_account(self) -> String {
        match self {
            Party::Creator(creator) => ledger::creator_pending_account(creator),
            Party::Shop { shop, .. } => ledger::shop_payable_account(shop),
        }
    }

    /// Its payouts, as a condition on `payouts` with its id as `$1`.
    fn payouts_filter(self) -> (&'static str, i64) {
        match self {
            Party::Creator(creator) => ("creator_id = $1 AND shop_id IS NULL", creator.get()),
            Party::Shop { shop, .. } => ("shop_id = $1", shop.get()),
        }
    }

    fn of(p: &Payout) -> Party {
        match p.shop_id {
            Some(shop) => Party::Shop { shop: ShopId(shop), requester: UserId(p.creator_id) },
            None => Party::Creator(UserId(p.creator_id)),
        }
    }
}

impl Db {
    /// A party's balances per currency: a creator's commission in its hold,
    /// or a shop's money of orders not yet settled, then what may be paid
    /// out, what was and what is on its way.
    pub async fn balances_of(&self, party: Party) -> Result<Vec<Balance>> {
        let (pending, available) = (party.pending_account(), party.available_account());
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT account, currency, CAST(-SUM(amount_minor) AS BIGINT) FROM ledger_entries WHERE account IN ($1, $2) GROUP BY account, currency",
        )
        .bind(&pending)
        .bind(&available)
        .fetch_all(&self.read)
        .await?;
        let (filter, id) = party.payouts_filter();
        let sql = format!(
            "SELECT currency, status, CAST(SUM(amount_minor) AS BIGINT) FROM payouts WHERE {filter} AND status <> 'failed' GROUP BY currency, status"
        );
        let paid: Vec<(String, String, i64)> = sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_all(&self.read).await?;
        let mut out: std::collections::BTreeMap<String, Balance> = std::collections::BTreeMap::new();
        for (account, currency, minor) in rows {
            let b = balance_in(&mut out, currency);
            if account == pending { b.pending_minor = minor } else { b.available_minor = minor }
        }
        for (currency, status, minor) in paid {
            let b = balance_in(&mut out, currency);
            if status == PayoutStatus::Paid.as_str() { b.paid_minor += minor } else { b.in_flight_minor += minor }
        }
        Ok(out.into_values().collect())
    }

    /// Settles up to `limit` orders complete for longer than the hold, each
    /// in its own transaction and once: what the shop kept of the order
    /// (paid, less refunds and commission) moves to its available balance.
    pub async fn settle_due_orders(&self, now: Timestamp, limit: i64) -> Result<usize> {
        let due_by = haul_domain::affiliate::held_until(now, self.affiliate.hold_ms).millis();
        let sql = format!(
            "SELECT id, shop_id FROM orders WHERE settled_at IS NULL AND completed_at IS NOT NULL AND completed_at <= $1 AND {} \
             ORDER BY completed_at, id LIMIT $2",
            crate::holds::no_open_case("orders.id")
        );
        let due: Vec<(i64, i64)> = sqlx::query_as(AssertSqlSafe(sql)).bind(due_by).bind(limit).fetch_all(&self.read).await?;
        let mut settled = 0;
        for (order, shop) in due {
            let mut tx = self.write.begin().await?;
            let sql = format!(
                "UPDATE orders SET settled_at = $1 WHERE id = $2 AND settled_at IS NULL AND {}",
                crate::holds::no_open_case("orders.id")
            );
            let claimed = sqlx::query(AssertSqlSafe(sql)).bind(now.millis()).bind(order).execute(&mut *tx).await?.rows_affected();
            if claimed == 0 {
                continue;
            }
            // The order's own entries on the shop's payable account say what it kept.
            let kept: Vec<(String, i64)> = sqlx::query_as(
                "SELECT e.currency, CAST(-SUM(e.amount_minor) AS BIGINT) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
                 WHERE t.order_id = $1 AND e.account = $2 GROUP BY e.currency",
            )
            .bind(order)
            .bind(ledger::shop_payable_account(ShopId(shop)))
            .fetch_all(&mut *tx)
            .await?;
            for (currency, minor) in kept.into_iter().filter(|(_, m)| *m > 0) {
                let net = Money { minor, currency: Currency::parse(&currency)? };
                crate::ledger::post(&mut tx, &ledger::shop_settled(ShopId(shop), net)?, Some(order), now).await?;
            }
            tx.commit().await?;
            settled += 1;
        }
        Ok(settled)
    }

    /// What each piece of a creator's content earned (commission, and a
    /// video's flat fees), best first.
    pub async fn earnings_by_content(&self, creator: UserId) -> Result<Vec<ContentEarnings>> {
        Ok(sqlx::query_as(
            "SELECT touch_kind, touch_id, currency, CAST(SUM(orders) AS BIGINT) AS orders, CAST(SUM(sales_minor) AS BIGINT) AS sales_minor, \
             CAST(SUM(net_minor) AS BIGINT) AS net_minor FROM (\
               SELECT touch_kind, touch_id, currency, COUNT(DISTINCT order_id) AS orders, SUM(base_minor - refunded_minor) AS sales_minor, \
               SUM(amount_minor - reversed_minor - fee_minor + fee_reversed_minor) AS net_minor \
               FROM commissions WHERE creator_id = $1 GROUP BY touch_kind, touch_id, currency \
               UNION ALL SELECT 'video' AS touch_kind, video_id AS touch_id, currency, 0 AS orders, 0 AS sales_minor, SUM(amount_minor) AS net_minor \
               FROM flat_fees WHERE creator_id = $1 GROUP BY video_id, currency\
             ) c GROUP BY touch_kind, touch_id, currency ORDER BY net_minor DESC, touch_id DESC LIMIT 100",
        )
        .bind(creator.get())
        .fetch_all(&self.read)
        .await?)
    }

    /// The creators who sold a shop's products, best sellers first.
    pub async fn creators_of_shop(&self, shop: haul_domain::ids::ShopId) -> Result<Vec<ShopCreator>> {
        Ok(sqlx::query_as(
            "SELECT c.creator_id, u.display_name, c.currency, COUNT(DISTINCT c.order_id) AS orders, \
             CAST(SUM(c.base_minor - c.refunded_minor) AS BIGINT) AS sales_minor, \
             CAST(SUM(CASE WHEN c.status = 'available' THEN 0 ELSE c.amount_minor - c.reversed_minor END) AS BIGINT) AS pending_minor, \
             CAST(SUM(CASE WHEN c.status = 'available' THEN c.amount_minor - c.reversed_minor ELSE 0 END) AS BIGINT) AS released_minor \
             FROM commissions c JOIN users u ON u.id = c.creator_id WHERE c.shop_id = $1 \
             GROUP BY c.creator_id, u.display_name, c.currency ORDER BY sales_minor DESC, c.creator_id LIMIT 100",
        )
        .bind(shop.get())
        .fetch_all(&self.read)
        .await?)
    }

    /// Asks for `amount` of the party's available balance: refused under
    /// `minimum` or over what is available (a negative balance is never
    /// paid out). It leaves the balance at once and is sent by the payout job.
    pub async fn request_payout(
        &self,
        party: Party,
        amount: Money,
        minimum_minor: i64,
        provider: &str,
        reference: &str,
        now: Timestamp,
    ) -> Result<Payout> {
        if amount.minor < minimum_minor.max(1) {
            return Err(StoreError::conflict(ErrorCode::PayoutTooSmall, format!("a payout is at least {minimum_minor} (minor units)")));
        }
        let mut tx = self.write.begin().await?;
        let from = party.available_account();
        let (available,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(-SUM(amount_minor), 0) AS BIGINT) FROM ledger_entries WHERE account = $1 AND currency = $2",
        )
        .bind(&from)
        .bind(amount.currency.as_str())
        .fetch_one(&mut *tx)
        .await?;
        if amount.minor > available {
            return Err(StoreError::conflict(ErrorCode::PayoutTooLarge, format!("{available} (minor units) is available to pay out")));
        }
        let (requester, shop) = match party {
            Party::Creator(creator) => (creator, None),
            Party::Shop { shop, requester } => (requester, Some(shop.get())),
        };
        let sql = format!(
            "INSERT INTO payouts (creator_id, shop_id, amount_minor, currency, status, provider, provider_ref, next_attempt_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'requested', $5, $6, $7, $7, $7) RETURNING {PAYOUT_COLUMNS}"
        );
        let payout: Payout = sqlx::query_as(AssertSqlSafe(sql))
            .bind(requester.get())
            .bind(shop)
            .bind(amount.minor)
            .bind(amount.currency.as_str())
            .bind(provider)
            .bind(reference)
            .bind(now.millis())
            .fetch_one(&mut *tx)
            .await?;
        crate::ledger::post(&mut tx, &ledger::payout_requested(provider, from, amount)?, None, now).await?;
        tx.commit().await?;
        Ok(payout)
    }

    /// A party's payouts, newest first.
    pub async fn payouts_of(&self, party: Party, page: &PageRequest) -> Result<Page<Payout>> {
        let (filter, id) = party.payouts_filter();
        let sql = format!("SELECT {PAYOUT_COLUMNS} FROM payouts WHERE {filter} AND id < $2 ORDER BY id DESC LIMIT $3");
        let rows = sqlx::query_as(AssertSqlSafe(sql)).bind(id).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |p: &Payout| p.id))
    }

    pub async fn payout_by_ref(&self, provider: &str, reference: &str) -> Result<Payout> {
        let sql = format!("SELECT {PAYOUT_COLUMNS} FROM payouts WHERE provider = $1 AND provider_ref = $2");
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(provider)
            .bind(reference)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("payout"))
    }

    /// Payouts to send now: requested ones whose (re)try is due, and sent
    /// ones the provider has not answered for `unanswered_ms` (the process
    /// may have stopped between taking one and handing it over; providers
    /// take the same reference again without paying twice).
    pub async fn payouts_due(&self, now: Timestamp, unanswered_ms: i64, limit: i64) -> Result<Vec<Payout>> {
        let sql = format!(
            "SELECT {PAYOUT_COLUMNS} FROM payouts WHERE (status = 'requested' AND next_attempt_at <= $1) OR (status = 'sent' AND updated_at <= $2) \
             ORDER BY next_attempt_at, id LIMIT $3"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql))
            .bind(now.millis())
            .bind(now.millis().saturating_sub(unanswered_ms))
            .bind(limit)
            .fetch_all(&self.read)
            .await?)
    }

    /// Takes a payout to hand it to the provider: a requested one becomes
    /// sent (one more attempt), a sent one is marked as sent again now.
    /// False when another node took it first.
    pub async fn take_payout(&self, p: &Payout, now: Timestamp) -> Result<bool> {
        let taken = sqlx::query(
            "UPDATE payouts SET status = 'sent', attempts = attempts + CASE WHEN status = 'requested' THEN 1 ELSE 0 END, updated_at = $1 \
             WHERE id = $2 AND status = $3 AND updated_at = $4",
        )
        .bind(now.millis())
        .bind(p.id)
        .bind(p.status.as_str())
        .bind(p.updated_at)
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(taken == 1)
    }

    /// The provider's answer, applied once per event and only to a payout
    /// the provider has: paid (the money leaves the books), or failed
    /// (tried again at `retry_at`, or after the last attempt given back to
    /// the party's available balance).
    pub async fn payout_answered(&self, provider: &str, reference: &str, answer: &PayoutAnswer<'_>, now: Timestamp) -> Result<Payout> {
        let mut tx = self.write.begin().await?;
        let sql = format!("SELECT {PAYOUT_COLUMNS} FROM payouts WHERE provider = $1 AND provider_ref = $2");
        let fresh =
            sqlx::query("INSERT INTO webhook_receipts (provider, event_id, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(format!("{provider}_payouts"))
                .bind(answer.event_id)
                .bind(now.millis())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        let p: Payout = sqlx::query_as(AssertSqlSafe(sql))
            .bind(provider)
            .bind(reference)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("payout"))?;
        if fresh == 0 || p.status != PayoutStatus::Sent {
            return Ok(p);
        }
        let amount = Money { minor: p.amount_minor, currency: Currency::parse(&p.currency)? };
        let paid = answer.paid;
        let to = if paid {
            PayoutStatus::Paid
        } else if p.attempts >= MAX_PAYOUT_ATTEMPTS {
            PayoutStatus::Failed
        } else {
            PayoutStatus::Requested
        };
        let entry = match to {
            PayoutStatus::Paid => Some(ledger::payout_paid(provider, amount)?),
            PayoutStatus::Failed => Some(ledger::payout_failed(provider, Party::of(&p).available_account(), amount)?),
            _ => None,
        };
        if let Some(entry) = entry {
            crate::ledger::post(&mut tx, &entry, None, now).await?;
        }
        let failure = (!paid).then_some(answer.failure);
        let p = set_payout_status(&mut tx, p.id, to, failure, answer.retry_at, now).await?;
        tx.commit().await?;
        Ok(p)
    }
}

fn balance_in(out: &mut std::collections::BTreeMap<String, Balance>, currency: String) -> &mut Balance {
    out.entry(currency.clone()).or_insert(Balance { currency, pending_minor: 0, available_minor: 0, paid_minor: 0, in_flight_minor: 0 })
}

async fn set_payout_status(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    to: PayoutStatus,
    failure: Option<&str>,
    retry_at: Timestamp,
    now: Timestamp,
) -> Result<Payout> {
    let sql = format!(
        "UPDATE payouts SET status = $1, failure = COALESCE($2, failure), next_attempt_at = $3, updated_at = $4 WHERE id = $5 RETURNING {PAYOUT_COLUMNS}"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(to.as_str())
        .bind(failure)
        .bind(retry_at.millis())
        .bind(now.millis())
        .bind(id)
        .fetch_one(&mut **tx)
        .await?)
}
