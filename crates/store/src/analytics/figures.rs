//! What the dashboards and the best-seller lists read: sums over the
//! rollups' buckets, never over the raw orders.

use crate::{Db, Result};
use haul_domain::affiliate::TouchKind;
use haul_domain::analytics::Window;
use sqlx::AssertSqlSafe;

record! {
    /// A product's sales over a span: units (paid, not returned) and GMV net of refunds.
    pub struct ProductSales {
        pub product_id: i64,
        pub title: String,
        pub shop_id: i64,
        pub shop_name: String,
        pub image_key: Option<String>,
        pub currency: String,
        pub units: i64,
        pub gmv_minor: i64,
    }
}

/// Which of a window's best sellers to list.
#[derive(Debug, Clone, Copy)]
pub enum WindowFilter {
    All,
    Category(i64),
    Shop(i64),
}

record! {
    /// A shop's orders over a span (or a bucket), per currency.
    pub struct ShopSales {
        pub bucket_ms: i64,
        pub currency: String,
        pub orders: i64,
        /// Paid, shipping included, by payment time.
        pub gross_minor: i64,
        /// What was refunded of those orders.
        pub refunded_minor: i64,
        /// Refunds made in the span, and their amount.
        pub refunds: i64,
        pub refunds_minor: i64,
    }
}

record! {
    /// A shop's goods sold through one channel over a span.
    pub struct ChannelSales {
        pub channel: String,
        pub currency: String,
        pub units: i64,
        pub gross_minor: i64,
        pub refunded_minor: i64,
    }
}

impl Db {
    /// A shop's best-selling products (on sale now) over the hour buckets
    /// in `[from, to)`, by GMV; only what sold a unit that stayed sold.
    pub async fn shop_best_sellers(&self, shop: i64, from: i64, to: i64, limit: i64) -> Result<Vec<ProductSales>> {
        Ok(sqlx::query_as(
            "SELECT t.product_id, p.title, p.shop_id, s.name AS shop_name, p.image_key, t.currency, t.units, t.gmv_minor FROM \
             (SELECT product_id, currency, CAST(SUM(units - units_back) AS BIGINT) AS units, CAST(SUM(gross_minor - refunded_minor) AS BIGINT) AS gmv_minor \
              FROM sales_rollups WHERE shop_id = $1 AND grain = 'hour' AND bucket_ms >= $2 AND bucket_ms < $3 GROUP BY product_id, currency) t \
             JOIN products p ON p.id = t.product_id JOIN shops s ON s.id = p.shop_id \
             WHERE t.units > 0 AND p.status = 'active' AND s.status = 'active' ORDER BY t.gmv_minor DESC, t.units DESC, t.product_id LIMIT $4",
        )
        .bind(shop)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }

    /// The best sellers over a rolling window, as of the analytics worker's
    /// last pass: an index read of the window's totals (`windows`).
    pub async fn window_best_sellers(&self, window: Window, filter: WindowFilter, by_gmv: bool, limit: i64) -> Result<Vec<ProductSales>> {
        let order = if by_gmv { "t.gmv_minor DESC, t.units DESC" } else { "t.units DESC, t.gmv_minor DESC" };
        // A category's or a shop's few products through their own index (SQLite
        // would rather walk the window's in order and skip the others').
        let sqlite = self.backend() == crate::db::Backend::Sqlite;
        let (only, id, index) = match filter {
            WindowFilter::All => ("", None, ""),
            WindowFilter::Category(id) => ("AND t.category_id = $3", Some(id), "INDEXED BY window_totals_category"),
            WindowFilter::Shop(id) => ("AND t.shop_id = $3", Some(id), "INDEXED BY window_totals_shop"),
        };
        let index = if sqlite { index } else { "" };
        let sql = format!(
            "SELECT t.product_id, p.title, p.shop_id, s.name AS shop_name, p.image_key, t.currency, t.units, t.gmv_minor \
             FROM window_totals t {index} JOIN products p ON p.id = t.product_id JOIN shops s ON s.id = p.shop_id \
             WHERE t.window_name = $1 {only} AND t.units > 0 AND p.status = 'active' AND s.status = 'active' \
             ORDER BY {order}, t.product_id LIMIT $2"
        );
        let mut q = sqlx::query_as(AssertSqlSafe(sql)).bind(window.as_str()).bind(limit);
        if let Some(id) = id {
            q = q.bind(id);
        }
        Ok(q.fetch_all(&self.read).await?)
    }

    /// A shop's sales per hour bucket in `[from, to)`, oldest first.
    pub async fn shop_sales_by_hour(&self, shop: i64, from: i64, to: i64) -> Result<Vec<ShopSales>> {
        Ok(sqlx::query_as(
            "SELECT bucket_ms, currency, orders, gross_minor, refunded_minor, refunds, refunds_minor FROM shop_rollups \
             WHERE shop_id = $1 AND grain = 'hour' AND bucket_ms >= $2 AND bucket_ms < $3 ORDER BY bucket_ms, currency",
        )
        .bind(shop)
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    /// How many people bought from the shop in `[from, to)` (hour buckets), exactly.
    pub async fn shop_buyer_count(&self, shop: i64, from: i64, to: i64) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(DISTINCT buyer_id) FROM shop_buyers WHERE shop_id = $1 AND bucket_ms >= $2 AND bucket_ms < $3")
                .bind(shop)
                .bind(from)
                .bind(to)
                .fetch_one(&self.read)
                .await?;
        Ok(n)
    }

    /// A shop's goods by channel in `[from, to)`, the biggest first.
    pub async fn shop_sales_by_channel(&self, shop: i64, from: i64, to: i64) -> Result<Vec<ChannelSales>> {
        Ok(sqlx::query_as(
            "SELECT channel, currency, CAST(SUM(units - units_back) AS BIGINT) AS units, CAST(SUM(gross_minor) AS BIGINT) AS gross_minor, \
             CAST(SUM(refunded_minor) AS BIGINT) AS refunded_minor FROM sales_rollups \
             WHERE shop_id = $1 AND grain = 'hour' AND bucket_ms >= $2 AND bucket_ms < $3 GROUP BY channel, currency ORDER BY gross_minor DESC, channel",
        )
        .bind(shop)
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }
}

record! {
    /// What a piece of content sold over a span, in one currency.
    pub struct ContentSales {
        /// `video`, `note`, `showcase`, `share_link` or `live_room`.
        pub subject_kind: String,
        pub subject_id: i64,
        pub creator_id: i64,
        pub currency: String,
        pub orders: i64,
        /// Paid, not refunded.
        pub units: i64,
        pub gross_minor: i64,
        pub refunded_minor: i64,
    }
}

record! {
    /// The orders paid from a live room in one minute, in one currency.
    pub struct RoomSalesMinute {
        pub minute_ms: i64,
        pub currency: String,
        pub orders: i64,
        pub gross_minor: i64,
    }
}

record! {
    /// The most viewers a live room had at once in one minute.
    pub struct RoomViewersMinute {
        pub minute_ms: i64,
        pub viewers: i64,
    }
}

/// Whose content to rank.
#[derive(Debug, Clone, Copy)]
pub enum ContentOf {
    Shop(i64),
    Creator(i64),
}

impl Db {
    /// The content that sold most (GMV net of refunds) in `[from, to)`, for a shop or a creator.
    pub async fn top_content(&self, of: ContentOf, from: i64, to: i64, limit: i64) -> Result<Vec<ContentSales>> {
        let (column, id) = match of {
            ContentOf::Shop(id) => ("shop_id", id),
            ContentOf::Creator(id) => ("creator_id", id),
        };
        let sql = format!(
            "SELECT subject_kind, subject_id, MAX(creator_id) AS creator_id, currency, CAST(SUM(orders) AS BIGINT) AS orders, \
             CAST(SUM(units) AS BIGINT) AS units, CAST(SUM(gross_minor) AS BIGINT) AS gross_minor, CAST(SUM(refunded_minor) AS BIGINT) AS refunded_minor \
             FROM content_sales WHERE {column} = $1 AND bucket_ms >= $2 AND bucket_ms < $3 GROUP BY subject_kind, subject_id, currency \
             ORDER BY SUM(gross_minor - refunded_minor) DESC, subject_kind, subject_id LIMIT $4"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(id).bind(from).bind(to).bind(limit).fetch_all(&self.read).await?)
    }

    /// What a piece of content is called where it lives: a video's caption,
    /// a note's, a room's or a campaign's title, a link's product; none for
    /// a showcase, or when it is gone.
    pub async fn content_title(&self, kind: TouchKind, id: i64) -> Result<Option<String>> {
        let sql = match kind {
            TouchKind::Video => "SELECT caption FROM videos WHERE id = $1",
            TouchKind::Note => "SELECT title FROM notes WHERE id = $1",
            TouchKind::LiveRoom => "SELECT title FROM live_rooms WHERE id = $1",
            TouchKind::Community => "SELECT title FROM campaigns WHERE id = $1",
            TouchKind::ShareLink => "SELECT p.title FROM share_links l JOIN products p ON p.id = l.product_id WHERE l.id = $1",
            TouchKind::Showcase => return Ok(None),
        };
        let row: Option<(String,)> = sqlx::query_as(sql).bind(id).fetch_optional(&self.read).await?;
        Ok(row.map(|(title,)| title))
    }

    /// A live room's viewers and paid orders, minute by minute, oldest first.
    pub async fn room_minutes(&self, room: i64) -> Result<(Vec<RoomViewersMinute>, Vec<RoomSalesMinute>)> {
        let viewers = sqlx::query_as("SELECT minute_ms, viewers FROM room_minutes WHERE room_id = $1 ORDER BY minute_ms")
            .bind(room)
            .fetch_all(&self.read)
            .await?;
        let sales = sqlx::query_as(
            "SELECT minute_ms, currency, orders, gross_minor FROM room_sales WHERE room_id = $1 ORDER BY minute_ms, currency",
        )
        .bind(room)
        .fetch_all(&self.read)
        .await?;
        Ok((viewers, sales))
    }
}
