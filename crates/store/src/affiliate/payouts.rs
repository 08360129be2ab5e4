//! Earnings and payouts: a creator's balances read from the ledger, and
//! payouts that move available commission out through a provider. A
//! requested payout leaves the creator's available balance at once (into
//! `payouts:<provider>`, money on its way); the provider's confirmation moves
//! it out of the books, its final failure brings it back.

use crate::{Db, Result, StoreError};
use haul_domain::affiliate::{PayoutStatus, TouchKind};
use haul_domain::ids::UserId;
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
    }
}

const PAYOUT_COLUMNS: &str =
    "id, creator_id, amount_minor, currency, status, provider, provider_ref, attempts, next_attempt_at, failure, created_at, updated_at";

/// A payout is retried this many times before its money goes back.
pub const MAX_PAYOUT_ATTEMPTS: i64 = 5;

fn payouts_account(provider: &str) -> String {
    format!("payouts:{provider}")
}

impl Db {
    /// A creator's balances per currency.
    pub async fn balances_of(&self, creator: UserId) -> Result<Vec<Balance>> {
        let (pending, available) = (ledger::creator_pending_account(creator), ledger::creator_available_account(creator));
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT account, currency, CAST(-SUM(amount_minor) AS BIGINT) FROM ledger_entries WHERE account IN ($1, $2) GROUP BY account, currency",
        )
        .bind(&pending)
        .bind(&available)
        .fetch_all(&self.read)
        .await?;
        let paid: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT currency, status, CAST(SUM(amount_minor) AS BIGINT) FROM payouts WHERE creator_id = $1 AND status <> 'failed' GROUP BY currency, status",
        )
        .bind(creator.get())
        .fetch_all(&self.read)
        .await?;
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

    /// What each piece of a creator's content earned, best first.
    pub async fn earnings_by_content(&self, creator: UserId) -> Result<Vec<ContentEarnings>> {
        Ok(sqlx::query_as(
            "SELECT touch_kind, touch_id, currency, COUNT(DISTINCT order_id) AS orders, \
             CAST(SUM(base_minor - refunded_minor) AS BIGINT) AS sales_minor, \
             CAST(SUM(amount_minor - reversed_minor - fee_minor + fee_reversed_minor) AS BIGINT) AS net_minor \
             FROM commissions WHERE creator_id = $1 GROUP BY touch_kind, touch_id, currency ORDER BY net_minor DESC, touch_id DESC LIMIT 100",
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

    /// Asks for `amount` of the creator's available commission: refused
    /// under `minimum` or over what is available (a negative balance is
    /// never paid out). It is sent by the payout job.
    pub async fn request_payout(
        &self,
        creator: UserId,
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
        let (available,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(-SUM(amount_minor), 0) AS BIGINT) FROM ledger_entries WHERE account = $1 AND currency = $2",
        )
        .bind(ledger::creator_available_account(creator))
        .bind(amount.currency.as_str())
        .fetch_one(&mut *tx)
        .await?;
        if amount.minor > available {
            return Err(StoreError::conflict(ErrorCode::PayoutTooLarge, format!("{available} (minor units) is available to pay out")));
        }
        let sql = format!(
            "INSERT INTO payouts (creator_id, amount_minor, currency, status, provider, provider_ref, next_attempt_at, created_at, updated_at) \
             VALUES ($1, $2, $3, 'requested', $4, $5, $6, $6, $6) RETURNING {PAYOUT_COLUMNS}"
        );
        let payout: Payout = sqlx::query_as(AssertSqlSafe(sql))
            .bind(creator.get())
            .bind(amount.minor)
            .bind(amount.currency.as_str())
            .bind(provider)
            .bind(reference)
            .bind(now.millis())
            .fetch_one(&mut *tx)
            .await?;
        let entry = ledger::Transaction::new(
            "payout_requested",
            vec![
                ledger::Entry {
                    account: ledger::creator_available_account(creator),
                    amount_minor: amount.minor,
                    currency: amount.currency,
                },
                ledger::Entry { account: payouts_account(provider), amount_minor: -amount.minor, currency: amount.currency },
            ],
        )?;
        crate::ledger::post(&mut tx, &entry, None, now).await?;
        tx.commit().await?;
        Ok(payout)
    }

    pub async fn payouts_of(&self, creator: UserId, page: &PageRequest) -> Result<Page<Payout>> {
        let sql = format!("SELECT {PAYOUT_COLUMNS} FROM payouts WHERE creator_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(creator.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
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

    /// Payouts waiting to be sent (or sent again) now.
    pub async fn payouts_due(&self, now: Timestamp, limit: i64) -> Result<Vec<Payout>> {
        let sql = format!(
            "SELECT {PAYOUT_COLUMNS} FROM payouts WHERE status = 'requested' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(now.millis()).bind(limit).fetch_all(&self.read).await?)
    }

    /// The provider took the payout: it now waits for the provider's answer.
    pub async fn payout_sent(&self, id: i64, now: Timestamp) -> Result<bool> {
        let moved = sqlx::query(
            "UPDATE payouts SET status = 'sent', attempts = attempts + 1, updated_at = $1 WHERE id = $2 AND status = 'requested'",
        )
        .bind(now.millis())
        .bind(id)
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(moved == 1)
    }

    /// The provider's answer, applied once: paid (the money leaves the
    /// books), or failed (tried again at `retry_at`, or after the last
    /// attempt given back to the creator's available balance).
    pub async fn payout_answered(
        &self,
        provider: &str,
        reference: &str,
        paid: bool,
        failure: &str,
        retry_at: Timestamp,
        now: Timestamp,
    ) -> Result<Payout> {
        let mut tx = self.write.begin().await?;
        let sql = format!("SELECT {PAYOUT_COLUMNS} FROM payouts WHERE provider = $1 AND provider_ref = $2");
        let p: Payout = sqlx::query_as(AssertSqlSafe(sql))
            .bind(provider)
            .bind(reference)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("payout"))?;
        if p.status != PayoutStatus::Sent {
            return Ok(p);
        }
        let amount = Money { minor: p.amount_minor, currency: Currency::parse(&p.currency)? };
        let to = if paid {
            PayoutStatus::Paid
        } else if p.attempts >= MAX_PAYOUT_ATTEMPTS {
            PayoutStatus::Failed
        } else {
            PayoutStatus::Requested
        };
        let kind = match to {
            PayoutStatus::Paid => Some(("payout_paid", ledger::provider_account(provider))),
            PayoutStatus::Failed => Some(("payout_failed", ledger::creator_available_account(UserId(p.creator_id)))),
            _ => None,
        };
        if let Some((kind, to_account)) = kind {
            let entry = ledger::Transaction::new(
                kind,
                vec![
                    ledger::Entry { account: payouts_account(provider), amount_minor: amount.minor, currency: amount.currency },
                    ledger::Entry { account: to_account, amount_minor: -amount.minor, currency: amount.currency },
                ],
            )?;
            crate::ledger::post(&mut tx, &entry, None, now).await?;
        }
        let failure = (!paid).then_some(failure);
        let p = set_payout_status(&mut tx, p.id, to, failure, retry_at, now).await?;
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
