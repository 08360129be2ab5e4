//! Verified reviews of order lines, their follow-ups and the shop's reply,
//! and what products and shops show of them: the stars as counted (with
//! the rated notes that count), reviews with pictures first.

use crate::orders::order_in;
use crate::{Db, Result, StoreError};
use haul_domain::Timestamp;
use haul_domain::ids::{OrderId, ProductId, ShopId, UserId};
use haul_domain::orders::OrderStatus;
use haul_domain::page::{Page, PageRequest};
use haul_domain::reviews::{ReviewRefusal, ShopScore, Stars};
use sqlx::AssertSqlSafe;

record! {
    pub struct Review {
        pub id: i64,
        pub order_line_id: i64,
        pub order_id: i64,
        pub product_id: i64,
        pub shop_id: i64,
        pub author_id: i64,
        pub author: String,
        /// The option bought (size, colour), as ordered.
        pub options: String,
        pub rating: i64,
        pub body: String,
        pub image_keys: Vec<String>,
        pub follow_up: Option<String>,
        pub follow_up_at: Option<i64>,
        pub reply: Option<String>,
        pub replied_at: Option<i64>,
        pub created_at: i64,
    }
}

/// Reviews with pictures come before all others: their place is this much
/// higher than their id.
const PLACE: i64 = 1_000_000_000_000;

const REVIEW_SELECT: &str = "SELECT r.id, r.order_line_id, r.order_id, r.product_id, r.shop_id, r.author_id, u.display_name AS author, \
     l.options, r.rating, r.body, r.image_keys, r.follow_up, r.follow_up_at, r.reply, r.replied_at, r.created_at \
     FROM reviews r JOIN users u ON u.id = r.author_id JOIN order_lines l ON l.id = r.order_line_id";

/// Notes that rate a product and count as its reviews: published, by a
/// buyer of it (a paid order), not sponsored, no commission link to it.
/// `$1` is the product.
const COUNTED_NOTES: &str = "FROM notes n WHERE n.rated_product_id = $1 AND n.status = 'published' AND n.rating IS NOT NULL \
     AND n.sponsored_by_shop_id IS NULL \
     AND NOT EXISTS (SELECT 1 FROM note_products t WHERE t.note_id = n.id AND t.product_id = n.rated_product_id AND t.commission = 1) \
     AND EXISTS (SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.buyer_id = n.author_id \
     AND l.product_id = n.rated_product_id AND o.paid_at IS NOT NULL)";

pub struct NewReview<'a> {
    pub author: UserId,
    pub line: i64,
    pub rating: i64,
    pub body: &'a str,
    pub image_keys: &'a [String],
}

record! {
    /// A note that counts as a review, as the product page lists it.
    pub struct RatedNote {
        pub id: i64,
        pub author: String,
        pub title: String,
        pub rating: i64,
        pub created_at: i64,
    }
}

impl From<ReviewRefusal> for StoreError {
    fn from(r: ReviewRefusal) -> Self {
        StoreError::conflict(r.code(), r.message())
    }
}

impl Db {
    pub async fn add_review(&self, new: NewReview<'_>, now: Timestamp) -> Result<Review> {
        let mut tx = self.write.begin().await?;
        let (order, product): (i64, i64) = sqlx::query_as("SELECT order_id, product_id FROM order_lines WHERE id = $1")
            .bind(new.line)
            .fetch_optional(&mut *tx)
            .await?
            // A line that does not exist answers as one of someone else's: ids are not probed.
            .ok_or(ReviewRefusal::NotTheBuyer)?;
        let o = order_in(&mut tx, OrderId(order)).await?;
        if o.buyer_id != new.author.get() {
            return Err(ReviewRefusal::NotTheBuyer.into());
        }
        if o.status != OrderStatus::Completed {
            return Err(ReviewRefusal::NotCompleted.into());
        }
        let refunded = crate::affiliate::commission::lines_refunded_in(&mut tx, OrderId(order)).await?;
        if refunded.iter().any(|(id, paid, back)| *id == new.line && *back > 0 && back >= paid) {
            return Err(ReviewRefusal::Refunded.into());
        }
        let keys = serde_json::to_string(new.image_keys).unwrap_or_else(|_| "[]".into());
        let inserted: std::result::Result<(i64,), sqlx::Error> = sqlx::query_as(
            "INSERT INTO reviews (order_line_id, order_id, product_id, shop_id, author_id, rating, body, image_keys, pictures, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(new.line)
        .bind(order)
        .bind(product)
        .bind(o.shop_id)
        .bind(new.author.get())
        .bind(new.rating)
        .bind(new.body)
        .bind(keys)
        .bind(i64::from(!new.image_keys.is_empty()))
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await;
        let id = match inserted {
            Ok((id,)) => id,
            Err(e) if crate::error::is_unique_violation(&e) => return Err(ReviewRefusal::AlreadyReviewed.into()),
            Err(e) => return Err(e.into()),
        };
        tx.commit().await?;
        self.wrote();
        self.review(id).await
    }

    /// A visible review.
    pub async fn review(&self, id: i64) -> Result<Review> {
        let sql = format!("{REVIEW_SELECT} WHERE r.id = $1 AND r.hidden_at IS NULL");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("review"))
    }

    /// The author's follow-up, once.
    pub async fn follow_up_review(&self, id: i64, author: UserId, text: &str, now: Timestamp) -> Result<Review> {
        let review = self.review(id).await?;
        if review.author_id != author.get() {
            return Err(StoreError::NotFound("review"));
        }
        self.add_once(id, ("follow_up", "follow_up_at"), text, now).await
    }

    /// The shop's reply, once (the caller checked it is the shop's staff).
    pub async fn reply_review(&self, id: i64, text: &str, now: Timestamp) -> Result<Review> {
        self.add_once(id, ("reply", "replied_at"), text, now).await
    }

    async fn add_once(&self, id: i64, (column, at): (&'static str, &'static str), text: &str, now: Timestamp) -> Result<Review> {
        let sql = format!("UPDATE reviews SET {column} = $1, {at} = $2 WHERE id = $3 AND {column} IS NULL AND hidden_at IS NULL");
        let done = sqlx::query(AssertSqlSafe(sql)).bind(text).bind(now.millis()).bind(id).execute(&self.write).await?.rows_affected();
        if done == 0 {
            return Err(ReviewRefusal::AlreadyAdded.into());
        }
        self.review(id).await
    }

    /// A product's visible reviews, those with pictures first, then newest.
    /// The cursor is the last one's place in that order (`PLACE`).
    pub async fn reviews_of_product(&self, product: ProductId, page: &PageRequest) -> Result<Page<Review>> {
        let sql = format!(
            "{REVIEW_SELECT} WHERE r.product_id = $1 AND r.hidden_at IS NULL AND r.pictures * {PLACE} + r.id < $2 \
             ORDER BY r.pictures DESC, r.id DESC LIMIT $3"
        );
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(product.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |r: &Review| i64::from(!r.image_keys.is_empty()) * PLACE + r.id))
    }

    /// The lines of an order that have their review, `(line, review)`.
    pub async fn reviews_of_order(&self, order: OrderId) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as("SELECT order_line_id, id FROM reviews WHERE order_id = $1").bind(order.get()).fetch_all(&self.read).await?)
    }

    /// A product's stars: its visible reviews and the rated notes that count.
    pub async fn product_stars(&self, product: ProductId) -> Result<Stars> {
        let sql = format!(
            "SELECT rating, COUNT(*) FROM reviews WHERE product_id = $1 AND hidden_at IS NULL GROUP BY rating \
             UNION ALL SELECT n.rating, COUNT(*) {COUNTED_NOTES} GROUP BY n.rating"
        );
        let rows: Vec<(i64, i64)> = sqlx::query_as(AssertSqlSafe(sql)).bind(product.get()).fetch_all(&self.read).await?;
        let mut stars = Stars::default();
        for (rating, n) in rows {
            stars.add(rating, n);
        }
        Ok(stars)
    }

    /// The notes that count as a product's reviews, newest first.
    pub async fn rated_notes(&self, product: ProductId, limit: i64) -> Result<Vec<RatedNote>> {
        let sql = format!(
            "SELECT n.id, u.display_name AS author, n.title, n.rating, n.created_at {} ORDER BY n.id DESC LIMIT $2",
            COUNTED_NOTES.replacen("FROM notes n", "FROM notes n JOIN users u ON u.id = n.author_id", 1)
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(product.get()).bind(limit).fetch_all(&self.read).await?)
    }

    /// A shop's stars and after-sales record.
    pub async fn shop_score(&self, shop: ShopId) -> Result<ShopScore> {
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT rating, COUNT(*) FROM reviews WHERE shop_id = $1 AND hidden_at IS NULL GROUP BY rating")
                .bind(shop.get())
                .fetch_all(&self.read)
                .await?;
        let mut stars = Stars::default();
        for (rating, n) in rows {
            stars.add(rating, n);
        }
        // A request the shop answered left `requested` by a person's step;
        // one its silence decided, by the deadline's (no actor).
        let (answered, lapsed, refunded, completed): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT \
             (SELECT COUNT(*) FROM aftersales_events e JOIN aftersales_cases a ON a.id = e.case_id WHERE a.shop_id = $1 \
              AND e.from_status = 'requested' AND e.actor_id IS NOT NULL AND e.actor_id <> a.buyer_id), \
             (SELECT COUNT(*) FROM aftersales_events e JOIN aftersales_cases a ON a.id = e.case_id WHERE a.shop_id = $1 \
              AND e.from_status = 'requested' AND e.actor_id IS NULL), \
             (SELECT COUNT(*) FROM aftersales_cases WHERE shop_id = $1 AND status = 'refunded'), \
             (SELECT COUNT(*) FROM orders WHERE shop_id = $1 AND completed_at IS NOT NULL)",
        )
        .bind(shop.get())
        .fetch_one(&self.read)
        .await?;
        Ok(haul_domain::reviews::shop_score(&stars, answered, lapsed, refunded, completed))
    }
}
