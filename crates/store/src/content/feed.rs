//! What the feed reads and writes: every published video's counters (the
//! server keeps them in memory), a viewer's recent engagement (their
//! profile), what each viewer was already shown, violations for creator
//! health, and the operator's policy.

use crate::analytics::{ActivityCounts, ActivityKey};
use crate::{Db, Result};
use haul_domain::Timestamp;
use haul_domain::analytics::{Metric, Subject};
use haul_domain::ids::UserId;

/// Something a viewer did: `view` (with watch time), `like`, `save`,
/// `share`, `product_click`, `purchase`, `comment`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewerEvent {
    pub video_id: i64,
    pub kind: String,
    pub watch_ms: i64,
}

/// What the feed reads of a viewer it has not cached.
#[derive(Debug, Default)]
pub struct ViewerProfile {
    /// The creators they follow.
    pub following: Vec<i64>,
    /// Their most recent engagement, newest first.
    pub events: Vec<ViewerEvent>,
    /// Every video the feed has shown them.
    pub seen: Vec<i64>,
}

record! {
    struct AnchorRow {
        pub video_id: i64,
        pub id: i64,
        pub product_id: i64,
        pub sku_id: Option<i64>,
        pub at_ms: Option<i64>,
        pub title: String,
        pub price_minor: i64,
        pub currency: String,
        pub image_key: Option<String>,
        pub kind: String,
    }
}

impl Db {
    /// Published videos with ids above `after`, in id order: the server
    /// loads its index in pages of these.
    pub async fn feed_videos(&self, after: i64, limit: i64) -> Result<Vec<crate::content::Video>> {
        let sql = format!(
            "{} WHERE v.status = 'published' AND v.id > $1 AND NOT EXISTS (SELECT 1 FROM users su WHERE su.id = v.creator_id AND su.suspended_at IS NOT NULL) \
             ORDER BY v.id LIMIT $2",
            crate::content::videos::VIDEO_SELECT
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(&self.read).await?)
    }

    /// The product cards of published videos with ids in `(after, upto]`, by video.
    pub async fn feed_anchors(&self, after: i64, upto: i64) -> Result<Vec<(i64, crate::content::Anchor)>> {
        let rows: Vec<AnchorRow> = sqlx::query_as(
            "SELECT a.video_id, a.id, a.product_id, a.sku_id, a.at_ms, p.title, \
             COALESCE(k.price_minor, (SELECT MIN(k2.price_minor) FROM skus k2 WHERE k2.product_id = p.id), 0) AS price_minor, \
             COALESCE(k.currency, (SELECT MIN(k2.currency) FROM skus k2 WHERE k2.product_id = p.id), 'CNY') AS currency, p.image_key, p.kind \
             FROM video_anchors a JOIN products p ON p.id = a.product_id JOIN shops s ON s.id = p.shop_id LEFT JOIN skus k ON k.id = a.sku_id \
             WHERE a.video_id > $1 AND a.video_id <= $2 AND p.status = 'active' AND s.status = 'active' ORDER BY a.video_id, a.id",
        )
        .bind(after)
        .bind(upto)
        .fetch_all(&self.read)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let anchor = crate::content::Anchor {
                    id: r.id,
                    product_id: r.product_id,
                    sku_id: r.sku_id,
                    at_ms: r.at_ms,
                    title: r.title,
                    price_minor: r.price_minor,
                    currency: r.currency,
                    image_key: r.image_key,
                    kind: r.kind,
                };
                (r.video_id, anchor)
            })
            .collect())
    }

    /// What a viewer's first feed page needs, in one round trip: whom they
    /// follow, their most recent engagement (newest first) and every video
    /// shown to them. The database joins each into one text (events as
    /// `video kind watch_ms`, comma-separated): each row would otherwise
    /// cross a thread on its own in the SQLite driver, and a viewer's first
    /// page reads hundreds.
    pub async fn viewer_profile(&self, viewer: UserId, events: i64) -> Result<ViewerProfile> {
        let (following, joined, shown): (Option<String>, Option<String>, Option<String>) = sqlx::query_as(
            "SELECT \
               (SELECT string_agg(CAST(creator_id AS TEXT), ' ') FROM follows WHERE follower_id = $1), \
               (SELECT string_agg(CAST(video_id AS TEXT) || ' ' || kind || ' ' || CAST(watch_ms AS TEXT), ',' ORDER BY created_at DESC) FROM (\
                  SELECT video_id, kind, watch_ms, created_at FROM video_events WHERE user_id = $1 \
                  UNION ALL SELECT video_id, kind, 0 AS watch_ms, created_at FROM video_reactions WHERE user_id = $1 \
                  UNION ALL SELECT video_id, 'comment' AS kind, 0 AS watch_ms, created_at FROM video_comments WHERE user_id = $1 \
                  ORDER BY created_at DESC LIMIT $2\
                ) e), \
               (SELECT string_agg(video_ids, ' ') FROM feed_shown WHERE viewer_id = $1)",
        )
        .bind(viewer.get())
        .bind(events)
        .fetch_one(&self.read)
        .await?;
        let ids =
            |text: Option<String>| -> Vec<i64> { text.as_deref().unwrap_or("").split(' ').filter_map(|id| id.parse().ok()).collect() };
        Ok(ViewerProfile {
            following: ids(following),
            events: joined.as_deref().unwrap_or("").split(',').filter_map(parse_event).collect(),
            seen: ids(shown),
        })
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

    /// Records pages shown, `(viewer, videos)`, and raises each video's
    /// impression counter by how often it was shown, in one transaction
    /// with multi-row statements (the feed flushes them in batches). Every
    /// showing counts: the feed does not show a viewer what they were shown
    /// before, and when two nodes both do, it was seen twice.
    pub async fn record_impressions(&self, pages: &[(i64, Vec<i64>)], policy: i64, now: Timestamp) -> Result<()> {
        const CHUNK: usize = 300;
        let mut tx = self.write.begin().await?;
        for chunk in pages.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO feed_shown (viewer_id, shown_at, video_ids) VALUES {}",
                crate::db::values(self.backend(), chunk.len(), 3)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (viewer, videos) in chunk {
                let ids: Vec<String> = videos.iter().map(i64::to_string).collect();
                q = q.bind(*viewer).bind(now.millis()).bind(ids.join(" "));
            }
            q.execute(&mut *tx).await?;
        }
        let mut shown: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
        for video in pages.iter().flat_map(|(_, videos)| videos) {
            *shown.entry(*video).or_default() += 1;
        }
        let shown: Vec<(i64, i64)> = shown.into_iter().collect();
        for chunk in shown.chunks(CHUNK) {
            let sql = format!(
                "WITH shown (id, n) AS (VALUES {}) UPDATE videos SET impressions = impressions + shown.n FROM shown WHERE videos.id = shown.id",
                crate::db::values(self.backend(), chunk.len(), 2)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (video, n) in chunk {
                q = q.bind(*video).bind(*n);
            }
            q.execute(&mut *tx).await?;
        }
        // Per hour for the dashboards: each video, each product whose card
        // it carries, and the feed under its policy (hard selling apart).
        let mut counts = ActivityCounts::new();
        let at = |subject, id, shop| ActivityKey::at(subject, id, Metric::Impression, now.millis(), shop);
        for (video, n) in &shown {
            counts.insert(at(Subject::Video, *video, 0), *n);
        }
        let videos: Vec<i64> = shown.iter().map(|(v, _)| *v).collect();
        for (video, product, shop) in crate::analytics::video_cards(&mut tx, &videos).await? {
            let n = counts.get(&at(Subject::Video, video, 0)).copied().unwrap_or(0);
            *counts.entry(at(Subject::Product, product, shop)).or_default() += n;
        }
        let hard = crate::analytics::hard_selling(&mut tx, &videos).await?;
        let total: i64 = shown.iter().map(|(_, n)| n).sum();
        let hard_shown: i64 = shown.iter().filter(|(v, _)| hard.contains(v)).map(|(_, n)| n).sum();
        counts.insert(at(Subject::Feed, policy, 0), total);
        counts.insert(ActivityKey::at(Subject::Feed, policy, Metric::HardSellImpression, now.millis(), 0), hard_shown);
        crate::analytics::write_activity(&mut tx, &counts).await?;
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

fn parse_event(text: &str) -> Option<ViewerEvent> {
    let mut parts = text.split(' ');
    let video_id = parts.next()?.parse().ok()?;
    let kind = parts.next()?.to_owned();
    let watch_ms = parts.next()?.parse().ok()?;
    Some(ViewerEvent { video_id, kind, watch_ms })
}
