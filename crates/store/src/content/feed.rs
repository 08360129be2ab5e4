//! What the feed reads and writes: every published video's counters (the
//! server keeps them in memory), a viewer's recent engagement (their
//! profile), what each viewer was already shown, violations for creator
//! health, and the operator's policy.

use crate::{Db, Result};
use haul_domain::Timestamp;
use haul_domain::ids::UserId;

record! {
    /// One video as the ranker needs it.
    pub struct FeedRow {
        pub id: i64,
        pub creator_id: i64,
        pub category_id: Option<i64>,
        pub hashtags: String,
        pub created_at: i64,
        pub duration_ms: i64,
        pub hard_sell_milli: i64,
        pub impressions: i64,
        pub views: i64,
        pub completions: i64,
        pub likes: i64,
        pub comments: i64,
        pub shares: i64,
        pub product_clicks: i64,
        pub purchases: i64,
    }
}

record! {
    /// Something a viewer did: `view` (with watch time), `like`, `save`,
    /// `share`, `product_click`, `purchase`, `comment`.
    pub struct ViewerEvent {
        pub video_id: i64,
        pub kind: String,
        pub watch_ms: i64,
        pub created_at: i64,
    }
}

impl Db {
    /// Published videos with ids above `after`, in id order: the server
    /// loads its index in pages of these.
    pub async fn feed_rows(&self, after: i64, limit: i64) -> Result<Vec<FeedRow>> {
        Ok(sqlx::query_as(
            "SELECT id, creator_id, category_id, hashtags, created_at, duration_ms, hard_sell_milli, impressions, views, completions, likes, comments, \
             shares, product_clicks, purchases FROM videos WHERE status = 'published' AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// A viewer's most recent engagement, newest first.
    pub async fn viewer_events(&self, viewer: UserId, limit: i64) -> Result<Vec<ViewerEvent>> {
        Ok(sqlx::query_as(
            "SELECT video_id, kind, watch_ms, created_at FROM (\
               SELECT video_id, kind, watch_ms, created_at FROM video_events WHERE user_id = $1 \
               UNION ALL SELECT video_id, kind, 0 AS watch_ms, created_at FROM video_reactions WHERE user_id = $1 \
               UNION ALL SELECT video_id, 'comment' AS kind, 0 AS watch_ms, created_at FROM video_comments WHERE user_id = $1\
             ) e ORDER BY created_at DESC LIMIT $2",
        )
        .bind(viewer.get())
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// Recent likes of many viewers, for co-engagement: `(viewer, video)`.
    pub async fn recent_likes(&self, since: Timestamp, limit: i64) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT user_id, video_id FROM video_reactions WHERE kind = 'like' AND created_at >= $1 ORDER BY user_id, created_at LIMIT $2",
        )
        .bind(since.millis())
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn seen_videos(&self, viewer: UserId) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT video_id FROM feed_seen WHERE viewer_id = $1").bind(viewer.get()).fetch_all(&self.read).await?;
        Ok(rows.into_iter().map(|(v,)| v).collect())
    }

    /// Records impressions: each `(viewer, video)` once, and each video's
    /// impression counter raised, in one transaction.
    pub async fn record_impressions(&self, shown: &[(i64, i64)], now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        for (viewer, video) in shown {
            let fresh = sqlx::query("INSERT INTO feed_seen (viewer_id, video_id, shown_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(*viewer)
                .bind(*video)
                .bind(now.millis())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if fresh > 0 {
                sqlx::query("UPDATE videos SET impressions = impressions + 1 WHERE id = $1").bind(*video).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_violation(&self, creator: UserId, reason: &str, now: Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO creator_violations (creator_id, reason, created_at) VALUES ($1, $2, $3)")
            .bind(creator.get())
            .bind(reason)
            .bind(now.millis())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Violations per creator since `since`.
    pub async fn violations_since(&self, since: Timestamp) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as("SELECT creator_id, COUNT(*) FROM creator_violations WHERE created_at >= $1 GROUP BY creator_id")
            .bind(since.millis())
            .fetch_all(&self.read)
            .await?)
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(&self.read).await?;
        Ok(row.map(|(v,)| v))
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
