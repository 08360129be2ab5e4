//! Videos and their product anchors.

use crate::{Db, Result, StoreError};
use haul_domain::Timestamp;
use haul_domain::content::VideoStatus;
use haul_domain::ids::{ProductId, SkuId, UserId, VideoId};
use haul_domain::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

record! {
    pub struct Video {
        pub id: i64,
        pub creator_id: i64,
        pub creator_name: String,
        pub caption: String,
        /// Space-separated, lowercased.
        pub hashtags: String,
        pub category_id: Option<i64>,
        pub media_key: String,
        pub content_type: String,
        pub size_bytes: i64,
        pub duration_ms: i64,
        pub poster_key: Option<String>,
        /// 0 to 1000.
        pub hard_sell_milli: i64,
        pub hard_sell_signals: String,
        #[schema(value_type = String)]
        pub status: VideoStatus,
        pub impressions: i64,
        pub views: i64,
        pub completions: i64,
        pub watch_ms: i64,
        pub likes: i64,
        pub comments: i64,
        pub shares: i64,
        pub saves: i64,
        pub product_clicks: i64,
        pub purchases: i64,
        pub created_at: i64,
    }
}

record! {
    /// A product shown as a buy card over the video.
    pub struct Anchor {
        pub id: i64,
        pub product_id: i64,
        pub sku_id: Option<i64>,
        pub at_ms: Option<i64>,
        pub title: String,
        pub price_minor: i64,
        pub currency: String,
        pub image_key: Option<String>,
        /// How the product is sold: `quote` asks for a quote instead of buying.
        pub kind: String,
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct VideoDetail {
    #[serde(flatten)]
    pub video: Video,
    pub anchors: Vec<Anchor>,
}

pub struct NewVideo<'a> {
    pub creator: UserId,
    pub caption: &'a str,
    pub hashtags: &'a [String],
    pub category: Option<i64>,
    pub media_key: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub duration_ms: i64,
    pub poster_key: Option<&'a str>,
    pub hard_sell_milli: i64,
    pub hard_sell_signals: &'a str,
    /// `(product, sku, at_ms)`; checked to exist and be on sale.
    pub anchors: &'a [(ProductId, Option<SkuId>, Option<i64>)],
}

pub(crate) const VIDEO_SELECT: &str = "SELECT v.id, v.creator_id, u.display_name AS creator_name, v.caption, v.hashtags, v.category_id, v.media_key, \
     v.content_type, v.size_bytes, v.duration_ms, v.poster_key, v.hard_sell_milli, v.hard_sell_signals, v.status, v.impressions, v.views, \
     v.completions, v.watch_ms, v.likes, v.comments, v.shares, v.saves, v.product_clicks, v.purchases, v.created_at \
     FROM videos v JOIN users u ON u.id = v.creator_id";

impl Db {
    pub async fn create_video(&self, new: &NewVideo<'_>, now: Timestamp) -> Result<VideoDetail> {
        let mut tx = self.write.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO videos (creator_id, caption, hashtags, category_id, media_key, content_type, size_bytes, duration_ms, poster_key, \
             hard_sell_milli, hard_sell_signals, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'published', $12) RETURNING id",
        )
        .bind(new.creator.get())
        .bind(new.caption)
        .bind(new.hashtags.join(" "))
        .bind(new.category)
        .bind(new.media_key)
        .bind(new.content_type)
        .bind(new.size_bytes)
        .bind(new.duration_ms)
        .bind(new.poster_key)
        .bind(new.hard_sell_milli)
        .bind(new.hard_sell_signals)
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await?;
        for (product, sku, at_ms) in new.anchors {
            let row: Option<(i64, String)> =
                sqlx::query_as("SELECT id, status FROM products WHERE id = $1").bind(product.get()).fetch_optional(&mut *tx).await?;
            match row {
                Some((_, status)) if status == "active" => {}
                _ => return Err(StoreError::NotFound("product")),
            }
            if let Some(sku) = sku {
                let owner: Option<(i64,)> =
                    sqlx::query_as("SELECT product_id FROM skus WHERE id = $1").bind(sku.get()).fetch_optional(&mut *tx).await?;
                if owner.map(|(p,)| p) != Some(product.get()) {
                    return Err(StoreError::NotFound("sku"));
                }
            }
            sqlx::query("INSERT INTO video_anchors (video_id, product_id, sku_id, at_ms) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(product.get())
                .bind(sku.map(|s| s.get()))
                .bind(*at_ms)
                .execute(&mut *tx)
                .await?;
        }
        crate::affiliate::commission::pay_flat_fees_in(&mut tx, id, new.creator, now).await?;
        tx.commit().await?;
        self.video(VideoId(id)).await
    }

    pub async fn video(&self, id: VideoId) -> Result<VideoDetail> {
        let sql = format!("{VIDEO_SELECT} WHERE v.id = $1");
        let video: Video =
            sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("video"))?;
        let anchors = self.anchors(id).await?;
        Ok(VideoDetail { video, anchors })
    }

    pub async fn anchors(&self, video: VideoId) -> Result<Vec<Anchor>> {
        Ok(sqlx::query_as(
            "SELECT a.id, a.product_id, a.sku_id, a.at_ms, p.title, \
             COALESCE(k.price_minor, (SELECT MIN(k2.price_minor) FROM skus k2 WHERE k2.product_id = p.id), 0) AS price_minor, \
             COALESCE(k.currency, (SELECT MIN(k2.currency) FROM skus k2 WHERE k2.product_id = p.id), 'CNY') AS currency, p.image_key, p.kind \
             FROM video_anchors a JOIN products p ON p.id = a.product_id LEFT JOIN skus k ON k.id = a.sku_id WHERE a.video_id = $1 ORDER BY a.id",
        )
        .bind(video.get())
        .fetch_all(&self.read)
        .await?)
    }

    pub async fn videos_of_creator(&self, creator: UserId, page: &PageRequest) -> Result<Page<Video>> {
        let sql = format!("{VIDEO_SELECT} WHERE v.creator_id = $1 AND v.status = 'published' AND v.id < $2 ORDER BY v.id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(creator.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |v: &Video| v.id))
    }

    /// The creator (or a moderator) takes a video down.
    pub async fn remove_video(&self, id: VideoId) -> Result<()> {
        sqlx::query("UPDATE videos SET status = 'removed' WHERE id = $1").bind(id.get()).execute(&self.write).await?;
        Ok(())
    }
}
