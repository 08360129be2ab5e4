//! What the operator reads: the platform's sales over time, its top shops,
//! creators and leaders, and how hard selling fares under each feed policy
//! (docs/ANALYTICS.md). Sums over the rollups, never over the raw orders.

use super::ShopSales;
use crate::{Db, Result};
use haul_domain::analytics::HARD_SELL_MILLI;
use sqlx::AssertSqlSafe;

record! {
    /// A shop, a creator or a leader, and what they sold over a span in one currency.
    pub struct Seller {
        pub id: i64,
        pub name: String,
        pub currency: String,
        pub orders: i64,
        pub gross_minor: i64,
        pub refunded_minor: i64,
    }
}

record! {
    /// Under one feed policy, over a span: the feed's showings and those of
    /// hard-selling videos; what videos sold, and what hard-selling ones did.
    pub struct PolicyFigures {
        pub policy: i64,
        pub impressions: i64,
        pub hard_sell_impressions: i64,
        pub video_gmv_minor: i64,
        pub hard_sell_gmv_minor: i64,
    }
}

/// Whose sales to rank.
#[derive(Debug, Clone, Copy)]
pub enum Sellers {
    Shops,
    /// Creators, by what their videos, notes, rooms, showcases and links sold.
    Creators,
    /// Leaders, by what their community campaigns sold.
    Leaders,
}

impl Db {
    /// Every shop's sales per hour in `[from, to)`, summed per hour and currency.
    pub async fn platform_sales_by_hour(&self, from: i64, to: i64) -> Result<Vec<ShopSales>> {
        Ok(sqlx::query_as(
            "SELECT bucket_ms, currency, CAST(SUM(orders) AS BIGINT) AS orders, CAST(SUM(gross_minor) AS BIGINT) AS gross_minor, \
             CAST(SUM(refunded_minor) AS BIGINT) AS refunded_minor, CAST(SUM(refunds) AS BIGINT) AS refunds, \
             CAST(SUM(refunds_minor) AS BIGINT) AS refunds_minor FROM shop_rollups \
             WHERE grain = 'hour' AND bucket_ms >= $1 AND bucket_ms < $2 GROUP BY bucket_ms, currency ORDER BY bucket_ms, currency",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?)
    }

    /// The shops, creators or leaders who sold most (net of refunds) in `[from, to)`.
    pub async fn top_sellers(&self, who: Sellers, from: i64, to: i64, limit: i64) -> Result<Vec<Seller>> {
        // A creator's sales are what their content sold; a leader's, what their campaigns sold.
        let people = |content: &str| {
            format!(
                "SELECT t.creator_id AS id, u.display_name AS name, t.currency, t.orders, t.gross_minor, t.refunded_minor FROM \
                 (SELECT creator_id, currency, CAST(SUM(orders) AS BIGINT) AS orders, CAST(SUM(gross_minor) AS BIGINT) AS gross_minor, \
                  CAST(SUM(refunded_minor) AS BIGINT) AS refunded_minor FROM content_sales \
                  WHERE {content} AND creator_id <> 0 AND bucket_ms >= $1 AND bucket_ms < $2 GROUP BY creator_id, currency) t \
                 JOIN users u ON u.id = t.creator_id ORDER BY t.gross_minor - t.refunded_minor DESC, t.creator_id LIMIT $3"
            )
        };
        let sql = match who {
            Sellers::Shops => "SELECT t.shop_id AS id, s.name, t.currency, t.orders, t.gross_minor, t.refunded_minor FROM \
                 (SELECT shop_id, currency, CAST(SUM(orders) AS BIGINT) AS orders, CAST(SUM(gross_minor) AS BIGINT) AS gross_minor, \
                  CAST(SUM(refunded_minor) AS BIGINT) AS refunded_minor FROM shop_rollups \
                  WHERE grain = 'hour' AND bucket_ms >= $1 AND bucket_ms < $2 GROUP BY shop_id, currency) t \
                 JOIN shops s ON s.id = t.shop_id ORDER BY t.gross_minor - t.refunded_minor DESC, t.shop_id LIMIT $3"
                .to_owned(),
            Sellers::Creators => people("subject_kind <> 'community'"),
            Sellers::Leaders => people("subject_kind = 'community'"),
        };
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(from).bind(to).bind(limit).fetch_all(&self.read).await?)
    }

    /// The feed's showings and videos' sales (in `currency`) in `[from, to)`
    /// per feed policy (0 content-first, 1 commerce-first), each hour counted
    /// under the policy the feed showed videos with then (an hour in which
    /// the policy changed counts under both).
    pub async fn policy_figures(&self, from: i64, to: i64, currency: &str) -> Result<Vec<PolicyFigures>> {
        let shown: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT subject_id, metric, CAST(SUM(count) AS BIGINT) FROM activity_rollups \
             WHERE subject_kind = 'feed' AND bucket_ms >= $1 AND bucket_ms < $2 GROUP BY subject_id, metric",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.read)
        .await?;
        let sold: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT f.subject_id, CASE WHEN v.hard_sell_milli >= $3 THEN 1 ELSE 0 END AS hard, CAST(SUM(c.gross_minor - c.refunded_minor) AS BIGINT) \
             FROM content_sales c JOIN videos v ON v.id = c.subject_id \
             JOIN activity_rollups f ON f.subject_kind = 'feed' AND f.metric = 'impression' AND f.bucket_ms = c.bucket_ms \
             WHERE c.subject_kind = 'video' AND c.currency = $4 AND c.bucket_ms >= $1 AND c.bucket_ms < $2 GROUP BY f.subject_id, hard",
        )
        .bind(from)
        .bind(to)
        .bind(HARD_SELL_MILLI)
        .bind(currency)
        .fetch_all(&self.read)
        .await?;
        let mut figures: Vec<PolicyFigures> = Vec::new();
        for policy in [0, 1] {
            let count = |metric: &str| shown.iter().filter(|(p, m, _)| *p == policy && m == metric).map(|r| r.2).sum();
            let gmv = |hard: Option<i64>| sold.iter().filter(|(p, h, _)| *p == policy && hard.is_none_or(|x| x == *h)).map(|r| r.2).sum();
            figures.push(PolicyFigures {
                policy,
                impressions: count("impression"),
                hard_sell_impressions: count("hard_sell_impression"),
                video_gmv_minor: gmv(None),
                hard_sell_gmv_minor: gmv(Some(1)),
            });
        }
        Ok(figures)
    }
}
