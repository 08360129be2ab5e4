//! Posting balanced transactions and reading balances back.

use crate::{Db, Result};
use haul_domain::Timestamp;
use haul_domain::ledger::Transaction as LedgerTx;
use sqlx::{Any, Transaction};

record! {
    pub struct Balance {
        pub account: String,
        pub currency: String,
        pub balance_minor: i64,
    }
}

/// Writes a transaction that the domain already checked balances.
pub(crate) async fn post(tx: &mut Transaction<'_, Any>, ledger_tx: &LedgerTx, order: Option<i64>, now: Timestamp) -> Result<()> {
    let (id,): (i64,) = sqlx::query_as("INSERT INTO ledger_transactions (kind, order_id, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(ledger_tx.kind)
        .bind(order)
        .bind(now.millis())
        .fetch_one(&mut **tx)
        .await?;
    for e in ledger_tx.entries() {
        sqlx::query("INSERT INTO ledger_entries (transaction_id, account, amount_minor, currency) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(&e.account)
            .bind(e.amount_minor)
            .bind(e.currency.as_str())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Db {
    pub async fn balances(&self) -> Result<Vec<Balance>> {
        Ok(sqlx::query_as(
            "SELECT account, currency, CAST(SUM(amount_minor) AS BIGINT) AS balance_minor FROM ledger_entries GROUP BY account, currency ORDER BY account",
        )
        .fetch_all(&self.read)
        .await?)
    }

    /// Transactions whose entries do not sum to zero: always empty.
    pub async fn unbalanced_transactions(&self) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT transaction_id FROM ledger_entries GROUP BY transaction_id, currency HAVING SUM(amount_minor) <> 0")
                .fetch_all(&self.read)
                .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
