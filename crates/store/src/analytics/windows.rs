//! The rolling best-seller windows, kept up to date so a list is an index
//! read however many sales lie behind it: each product's units and GMV over
//! each window, from the window's edge (its first bucket) on. A sale rolled
//! up into a bucket at or past the edge is added in the same transaction;
//! each pass of the worker moves the edges to now and takes off the buckets
//! left behind. The edges' rows are locked by both, so a sale is never
//! added after its bucket was taken off, or taken off before it was added.

use crate::db::{backend_of, values};
use crate::{Db, Result};
use haul_domain::Timestamp;
use haul_domain::analytics::{Grain, MINUTES_KEPT_MS, Window};
use sqlx::{Any, AssertSqlSafe, Transaction};
use std::collections::BTreeMap;

/// The edge of a window not counted yet (migration 0027 starts every window so).
pub(crate) const NEVER_COUNTED: i64 = i64::MAX;

/// `(product, currency)` → shop, category, units, GMV: what to add to a window.
pub(crate) type WindowDelta = BTreeMap<(i64, String), [i64; 4]>;

/// Every window's edge, locking the rows until the transaction ends.
async fn lock_edges(tx: &mut Transaction<'_, Any>) -> Result<BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("UPDATE window_edges SET since_ms = since_ms RETURNING window_name, since_ms").fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().collect())
}

/// Adds to a window's totals; a product's category and shop are those of its
/// latest sale (a product moved to another category lists there from then).
async fn add(tx: &mut Transaction<'_, Any>, window: Window, delta: &WindowDelta) -> Result<()> {
    let backend = backend_of(tx);
    let rows: Vec<_> = delta.iter().filter(|(_, d)| d[2] != 0 || d[3] != 0).collect();
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO window_totals (window_name, product_id, currency, shop_id, category_id, units, gmv_minor) VALUES {} \
             ON CONFLICT (window_name, product_id, currency) DO UPDATE SET units = window_totals.units + excluded.units, \
             gmv_minor = window_totals.gmv_minor + excluded.gmv_minor, \
             category_id = CASE WHEN excluded.units > 0 THEN excluded.category_id ELSE window_totals.category_id END, \
             shop_id = CASE WHEN excluded.units > 0 THEN excluded.shop_id ELSE window_totals.shop_id END",
            values(backend, chunk.len(), 7)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for ((product, currency), [shop, category, units, gmv]) in chunk {
            q = q.bind(window.as_str()).bind(*product).bind(currency.as_str()).bind(*shop).bind(*category).bind(*units).bind(*gmv);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Adds sales just rolled up, `(grain, bucket)` → delta, to the windows
/// whose edges they are at or past.
pub(crate) async fn add_to_windows(tx: &mut Transaction<'_, Any>, sales: &BTreeMap<(&'static str, i64), WindowDelta>) -> Result<()> {
    if sales.is_empty() {
        return Ok(());
    }
    let edges = lock_edges(tx).await?;
    for window in Window::ALL.iter().copied() {
        let Some(edge) = edges.get(window.as_str()) else { continue };
        let mut delta = WindowDelta::new();
        let grain = window.grain().as_str();
        for (_, d) in sales.range((grain, *edge)..=(grain, i64::MAX)) {
            for (key, [shop, category, units, gmv]) in d {
                let sum = delta.entry(key.clone()).or_default();
                *sum = [*shop, *category, sum[2] + units, sum[3] + gmv];
            }
        }
        add(tx, window, &delta).await?;
    }
    Ok(())
}

impl Db {
    /// Moves every window's edge to `now`, taking off the buckets it left
    /// behind; a window never counted, or left so long that its buckets may
    /// be gone, is counted again from the rollups.
    pub async fn advance_windows(&self, now: Timestamp) -> Result<()> {
        // Most passes move no edge (the minute has not turned): nothing to write.
        let edges: Vec<(String, i64)> = sqlx::query_as("SELECT window_name, since_ms FROM window_edges").fetch_all(&self.read).await?;
        let unmoved = |w: Window| edges.iter().any(|(name, edge)| name == w.as_str() && *edge >= w.since(now) && *edge != NEVER_COUNTED);
        if Window::ALL.iter().all(|w| unmoved(*w)) {
            return Ok(());
        }
        let mut tx = self.write.begin().await?;
        let edges = lock_edges(&mut tx).await?;
        for window in Window::ALL.iter().copied() {
            let since = window.since(now);
            let grain = window.grain().as_str();
            match edges.get(window.as_str()).copied() {
                // A node whose clock is behind another's leaves the edge where it is.
                Some(edge) if edge >= since && edge != NEVER_COUNTED => continue,
                Some(edge) if edge < since && (window.grain() == Grain::Hour || edge >= now.millis() - MINUTES_KEPT_MS) => {
                    let left: Vec<(i64, String, i64, i64, i64, i64)> = sqlx::query_as(
                        "SELECT product_id, currency, MAX(shop_id), MAX(category_id), CAST(SUM(units - units_back) AS BIGINT), \
                         CAST(SUM(gross_minor - refunded_minor) AS BIGINT) FROM sales_rollups \
                         WHERE grain = $1 AND bucket_ms >= $2 AND bucket_ms < $3 GROUP BY product_id, currency",
                    )
                    .bind(grain)
                    .bind(edge)
                    .bind(since)
                    .fetch_all(&mut *tx)
                    .await?;
                    let delta =
                        left.into_iter().map(|(p, c, shop, category, units, gmv)| ((p, c), [shop, category, -units, -gmv])).collect();
                    add(&mut tx, window, &delta).await?;
                    sqlx::query("DELETE FROM window_totals WHERE window_name = $1 AND units = 0 AND gmv_minor = 0")
                        .bind(window.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
                _ => {
                    sqlx::query("DELETE FROM window_totals WHERE window_name = $1").bind(window.as_str()).execute(&mut *tx).await?;
                    sqlx::query(
                        "INSERT INTO window_totals (window_name, product_id, currency, shop_id, category_id, units, gmv_minor) \
                         SELECT $1, product_id, currency, MAX(shop_id), MAX(category_id), SUM(units - units_back), SUM(gross_minor - refunded_minor) \
                         FROM sales_rollups WHERE grain = $2 AND bucket_ms >= $3 GROUP BY product_id, currency \
                         HAVING SUM(units - units_back) <> 0 OR SUM(gross_minor - refunded_minor) <> 0",
                    )
                    .bind(window.as_str())
                    .bind(grain)
                    .bind(since)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            sqlx::query(
                "INSERT INTO window_edges (window_name, since_ms) VALUES ($1, $2) ON CONFLICT (window_name) DO UPDATE SET since_ms = excluded.since_ms",
            )
            .bind(window.as_str())
            .bind(since)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
