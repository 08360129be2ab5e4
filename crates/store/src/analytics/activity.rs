//! What people did with videos, notes, products and shops, per hour: the
//! counts behind the funnel and the content tables (docs/ANALYTICS.md).
//! Unlike the sales rollups these are the record itself: a rebuild keeps them.

use crate::db::{backend_of, values};
use crate::{Db, Result};
use haul_domain::analytics::{Grain, HARD_SELL_MILLI, Metric, Subject};
use sqlx::{Any, AssertSqlSafe, Transaction};
use std::collections::HashMap;

/// What a count is about, and the hour it fell in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActivityKey {
    pub subject: Subject,
    pub id: i64,
    pub metric: Metric,
    pub bucket_ms: i64,
    /// The shop of a product or of an order; 0 for content.
    pub shop: i64,
}

impl ActivityKey {
    pub fn at(subject: Subject, id: i64, metric: Metric, at_ms: i64, shop: i64) -> ActivityKey {
        ActivityKey { subject, id, metric, bucket_ms: Grain::Hour.floor(at_ms), shop }
    }
}

/// Counts to add, by key.
pub type ActivityCounts = HashMap<ActivityKey, i64>;

record! {
    /// A subject's count of one metric over a span.
    pub struct ActivityCount {
        pub subject_id: i64,
        pub metric: String,
        pub count: i64,
    }
}

/// Adds `counts` inside the caller's transaction, many rows per statement.
pub(crate) async fn write_activity(tx: &mut Transaction<'_, Any>, counts: &ActivityCounts) -> Result<()> {
    let backend = backend_of(tx);
    // One row per primary key (the shop is not part of it): PostgreSQL
    // refuses a statement that would update the same row twice.
    let mut merged: HashMap<(Subject, i64, Metric, i64), (i64, i64)> = HashMap::new();
    for (k, n) in counts {
        merged.entry((k.subject, k.id, k.metric, k.bucket_ms)).or_insert((k.shop, 0)).1 += n;
    }
    let rows: Vec<_> = merged.into_iter().filter(|(_, (_, n))| *n != 0).collect();
    for chunk in rows.chunks(500) {
        let sql = format!(
            "INSERT INTO activity_rollups (subject_kind, subject_id, metric, bucket_ms, shop_id, count) VALUES {} \
             ON CONFLICT (subject_kind, subject_id, metric, bucket_ms) DO UPDATE SET count = activity_rollups.count + excluded.count",
            values(backend, chunk.len(), 6)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for ((subject, id, metric, bucket_ms), (shop, n)) in chunk {
            q = q.bind(subject.as_str()).bind(*id).bind(metric.as_str()).bind(*bucket_ms).bind(*shop).bind(*n);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The products whose cards the videos carry, with their shops: a video
/// shown is an impression of each of them.
pub(crate) async fn video_cards(tx: &mut Transaction<'_, Any>, videos: &[i64]) -> Result<Vec<(i64, i64, i64)>> {
    let mut cards = Vec::new();
    for chunk in videos.chunks(300) {
        let sql = format!(
            "SELECT DISTINCT a.video_id, a.product_id, p.shop_id FROM video_anchors a JOIN products p ON p.id = a.product_id \
             WHERE a.video_id IN ({})",
            crate::db::in_list(backend_of(tx), 1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (i64, i64, i64)>(AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        cards.extend(q.fetch_all(&mut **tx).await?);
    }
    Ok(cards)
}

/// Which of the videos sell hard.
pub(crate) async fn hard_selling(tx: &mut Transaction<'_, Any>, videos: &[i64]) -> Result<Vec<i64>> {
    let mut hard = Vec::new();
    for chunk in videos.chunks(300) {
        let sql = format!(
            "SELECT id FROM videos WHERE hard_sell_milli >= {HARD_SELL_MILLI} AND id IN ({})",
            crate::db::in_list(backend_of(tx), 1, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(*id);
        }
        hard.extend(q.fetch_all(&mut **tx).await?.into_iter().map(|(id,)| id));
    }
    Ok(hard)
}

impl Db {
    /// Adds counts kept in memory since the last pass, in one transaction.
    pub async fn add_activity(&self, counts: &ActivityCounts) -> Result<()> {
        if counts.is_empty() {
            return Ok(());
        }
        let mut tx = self.write.begin().await?;
        write_activity(&mut tx, counts).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A shop's counts per metric in `[from, to)`: its products' and its own
    /// (`shop_id <> 0` lets the planner use the partial index of shops' rows).
    pub async fn shop_activity(&self, shop: i64, from: i64, to: i64) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT metric, CAST(SUM(count) AS BIGINT) FROM activity_rollups WHERE shop_id = $1 AND shop_id <> 0 \
             AND bucket_ms >= $2 AND bucket_ms < $3 GROUP BY metric",
        )
        .bind(shop)
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    /// The counts of some videos, notes or products in `[from, to)`.
    pub async fn activity_of(&self, subject: Subject, ids: &[i64], from: i64, to: i64) -> Result<Vec<ActivityCount>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT subject_id, metric, CAST(SUM(count) AS BIGINT) AS count FROM activity_rollups \
             WHERE subject_kind = $1 AND bucket_ms >= $2 AND bucket_ms < $3 AND subject_id IN ({}) GROUP BY subject_id, metric",
            crate::db::params(4, ids.len())
        );
        let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(subject.as_str()).bind(from).bind(to);
        for id in ids {
            q = q.bind(*id);
        }
        Ok(q.fetch_all(&self.read).await?)
    }
}
