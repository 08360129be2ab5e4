//! Monthly statements of a creator's or a shop's money: the balances at
//! the start and the end of the month and every ledger entry between,
//! read from the same ledger the balances come from.

use super::Party;
use crate::{Db, Result};
use haul_domain::Timestamp;
use haul_domain::affiliate::Month;
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;

/// The most entries one statement lists.
pub const MAX_STATEMENT_LINES: i64 = 10_000;

record! {
    /// One movement of the party's money, positive when it is theirs.
    pub struct StatementLine {
        pub at: i64,
        /// `payment`, `commission_accrued`, `commission_released`, `payout_requested`...
        pub kind: String,
        pub order_id: Option<i64>,
        /// `pending` or `available`.
        pub balance: String,
        pub amount_minor: i64,
        pub currency: String,
    }
}

record! {
    pub struct StatementTotals {
        pub currency: String,
        pub pending_minor: i64,
        pub available_minor: i64,
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Statement {
    pub month: String,
    pub opening: Vec<StatementTotals>,
    pub lines: Vec<StatementLine>,
    pub closing: Vec<StatementTotals>,
}

impl Db {
    pub async fn statement(&self, party: Party, month: Month) -> Result<Statement> {
        let (start, end) = month.range();
        let (pending, available) = (party.pending_account(), party.available_account());
        let sql = format!(
            "SELECT t.created_at AS at, t.kind, t.order_id, CASE WHEN e.account = $1 THEN 'pending' ELSE 'available' END AS balance, \
             -e.amount_minor AS amount_minor, e.currency FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
             WHERE e.account IN ($1, $2) AND t.created_at >= $3 AND t.created_at < $4 ORDER BY t.created_at, t.id LIMIT {MAX_STATEMENT_LINES}"
        );
        let lines: Vec<StatementLine> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(&pending)
            .bind(&available)
            .bind(start.millis())
            .bind(end.millis())
            .fetch_all(&self.read)
            .await?;
        let opening = self.totals(&pending, &available, start).await?;
        let mut closing: BTreeMap<String, StatementTotals> = opening.iter().map(|t| (t.currency.clone(), t.clone())).collect();
        for l in &lines {
            let t = closing.entry(l.currency.clone()).or_insert(StatementTotals {
                currency: l.currency.clone(),
                pending_minor: 0,
                available_minor: 0,
            });
            if l.balance == "pending" { t.pending_minor += l.amount_minor } else { t.available_minor += l.amount_minor }
        }
        Ok(Statement { month: month.to_string(), opening, lines, closing: closing.into_values().collect() })
    }

    /// The two balances as they stood just before `at`.
    async fn totals(&self, pending: &str, available: &str, at: Timestamp) -> Result<Vec<StatementTotals>> {
        Ok(sqlx::query_as(
            "SELECT e.currency, CAST(-SUM(CASE WHEN e.account = $1 THEN e.amount_minor ELSE 0 END) AS BIGINT) AS pending_minor, \
             CAST(-SUM(CASE WHEN e.account = $2 THEN e.amount_minor ELSE 0 END) AS BIGINT) AS available_minor \
             FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id \
             WHERE e.account IN ($1, $2) AND t.created_at < $3 GROUP BY e.currency ORDER BY e.currency",
        )
        .bind(pending)
        .bind(available)
        .bind(at.millis())
        .fetch_all(&self.read)
        .await?)
    }
}
