//! Notes: honest reviews and guides with images and product tags. Who may
//! rate what is decided here, inside the note's transaction: only a buyer of
//! the product, never its shop's staff, and never in a paid (sponsored) note.

use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::ids::{NoteId, ShopId, UserId};
use haul_domain::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

record! {
    pub struct Note {
        pub id: i64,
        pub author_id: i64,
        pub author: String,
        pub title: String,
        pub body: String,
        pub rating: Option<i64>,
        pub rated_product_id: Option<i64>,
        pub sponsored_by_shop_id: Option<i64>,
        pub sponsor: Option<String>,
        pub likes: i64,
        pub comments: i64,
        pub created_at: i64,
    }
}

record! {
    pub struct NoteTag {
        pub product_id: i64,
        pub title: String,
        /// 1 when the tag earns the author a commission.
        pub commission: i64,
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct NoteDetail {
    #[serde(flatten)]
    pub note: Note,
    pub image_keys: Vec<String>,
    pub tags: Vec<NoteTag>,
    /// Labels the author cannot turn off: `sponsored`, `commission link`.
    pub labels: Vec<&'static str>,
}

record! {
    /// A note as a grid shows it: its first picture and its labels.
    pub struct NoteCard {
        pub id: i64,
        pub author_id: i64,
        pub author: String,
        pub title: String,
        pub cover_key: Option<String>,
        pub rating: Option<i64>,
        pub rated_product_id: Option<i64>,
        /// 1 when a shop paid for it.
        pub sponsored: i64,
        /// 1 when one of its tags earns the author a commission.
        pub commission: i64,
        pub likes: i64,
        pub created_at: i64,
    }
}

/// Which notes a grid shows: all, an author's, or those about a product.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoteFilter {
    pub author: Option<UserId>,
    pub product: Option<i64>,
}

pub struct NewNote<'a> {
    pub author: UserId,
    pub title: &'a str,
    pub body: &'a str,
    pub image_keys: &'a [String],
    /// `(product, earns a commission)`
    pub tags: &'a [(i64, bool)],
    /// `(product, 1..=5)`
    pub rating: Option<(i64, i64)>,
    /// The shop the author says paid: the author's side of a sponsorship.
    pub sponsored_by: Option<ShopId>,
}

const NOTE_SELECT: &str = "SELECT n.id, n.author_id, u.display_name AS author, n.title, n.body, n.rating, n.rated_product_id, n.sponsored_by_shop_id, \
     s.name AS sponsor, n.likes, n.comments, n.created_at FROM notes n JOIN users u ON u.id = n.author_id LEFT JOIN shops s ON s.id = n.sponsored_by_shop_id";

impl Db {
    pub async fn create_note(&self, new: &NewNote<'_>, now: Timestamp) -> Result<NoteDetail> {
        let mut tx = self.write.begin().await?;
        for (product, _) in new.tags.iter().chain(new.rating.as_ref().map(|(p, _)| (*p, false)).as_ref()) {
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM products WHERE id = $1 AND status = 'active'")
                .bind(*product)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(StoreError::NotFound("product"));
            }
        }
        if let Some((product, _)) = new.rating {
            if new.sponsored_by.is_some() {
                return Err(StoreError::conflict(
                    ErrorCode::SponsoredReview,
                    "a paid note cannot rate a product: a review that was bought is not a review",
                ));
            }
            let (staff,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM shop_members m JOIN products p ON p.shop_id = m.shop_id WHERE p.id = $1 AND m.user_id = $2",
            )
            .bind(product)
            .bind(new.author.get())
            .fetch_one(&mut *tx)
            .await?;
            if staff > 0 {
                return Err(StoreError::conflict(ErrorCode::OwnProductReview, "a shop's staff cannot review the shop's own products"));
            }
            let (bought,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.buyer_id = $1 AND l.product_id = $2 \
                 AND o.status IN ('paid', 'fulfilling', 'shipped', 'ready_for_pickup', 'completed')",
            )
            .bind(new.author.get())
            .bind(product)
            .fetch_one(&mut *tx)
            .await?;
            if bought == 0 {
                return Err(StoreError::conflict(ErrorCode::NotABuyer, "only someone who bought the product can rate it"));
            }
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO notes (author_id, title, body, rating, rated_product_id, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'published', $6) RETURNING id",
        )
        .bind(new.author.get())
        .bind(new.title)
        .bind(new.body)
        .bind(new.rating.map(|r| r.1))
        .bind(new.rating.map(|r| r.0))
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await?;
        for (position, key) in new.image_keys.iter().enumerate() {
            sqlx::query("INSERT INTO note_images (note_id, position, media_key) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(position as i64)
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        for (product, commission) in new.tags {
            sqlx::query("INSERT INTO note_products (note_id, product_id, commission) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(*product)
                .bind(i64::from(*commission))
                .execute(&mut *tx)
                .await?;
        }
        if let Some(shop) = new.sponsored_by {
            // The author's side of the agreement; the label waits for the shop.
            sqlx::query("INSERT INTO note_sponsorships (note_id, shop_id, author_agreed, created_at) VALUES ($1, $2, 1, $3)")
                .bind(id)
                .bind(shop.get())
                .bind(now.millis())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.wrote();
        self.note(NoteId(id)).await
    }

    pub async fn note(&self, id: NoteId) -> Result<NoteDetail> {
        let sql = format!("{NOTE_SELECT} WHERE n.id = $1 AND n.status = 'published'");
        let note: Note =
            sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("note"))?;
        let images: Vec<(String,)> = sqlx::query_as("SELECT media_key FROM note_images WHERE note_id = $1 ORDER BY position")
            .bind(id.get())
            .fetch_all(&self.read)
            .await?;
        let tags: Vec<NoteTag> = sqlx::query_as(
            "SELECT t.product_id, p.title, t.commission FROM note_products t JOIN products p ON p.id = t.product_id WHERE t.note_id = $1 ORDER BY p.title",
        )
        .bind(id.get())
        .fetch_all(&self.read)
        .await?;
        let mut labels = Vec::new();
        if note.sponsored_by_shop_id.is_some() {
            labels.push("sponsored");
        }
        if tags.iter().any(|t| t.commission == 1) {
            labels.push("commission link");
        }
        Ok(NoteDetail { note, image_keys: images.into_iter().map(|(k,)| k).collect(), tags, labels })
    }

    /// Published notes, newest first.
    pub async fn note_cards(&self, filter: NoteFilter, page: &PageRequest) -> Result<Page<NoteCard>> {
        let mut sql = String::from(
            "SELECT n.id, n.author_id, u.display_name AS author, n.title, \
             (SELECT i.media_key FROM note_images i WHERE i.note_id = n.id ORDER BY i.position LIMIT 1) AS cover_key, \
             n.rating, n.rated_product_id, CASE WHEN n.sponsored_by_shop_id IS NULL THEN 0 ELSE 1 END AS sponsored, \
             CASE WHEN EXISTS (SELECT 1 FROM note_products c WHERE c.note_id = n.id AND c.commission = 1) THEN 1 ELSE 0 END AS commission, \
             n.likes, n.created_at FROM notes n JOIN users u ON u.id = n.author_id \
             WHERE n.status = 'published' AND n.id < $1",
        );
        let mut binds = vec![page.before_id()];
        if let Some(author) = filter.author {
            binds.push(author.get());
            sql.push_str(&format!(" AND n.author_id = ${}", binds.len()));
        }
        if let Some(product) = filter.product {
            binds.push(product);
            sql.push_str(&format!(" AND n.id IN (SELECT t.note_id FROM note_products t WHERE t.product_id = ${})", binds.len()));
        }
        binds.push(page.fetch());
        sql.push_str(&format!(" ORDER BY n.id DESC LIMIT ${}", binds.len()));
        let mut q = sqlx::query_as(AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |n: &NoteCard| n.id))
    }

    pub async fn notes_of_author(&self, author: UserId, page: &PageRequest) -> Result<Page<Note>> {
        let sql = format!("{NOTE_SELECT} WHERE n.author_id = $1 AND n.status = 'published' AND n.id < $2 ORDER BY n.id DESC LIMIT $3");
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(author.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |n: &Note| n.id))
    }

    pub async fn like_note(&self, id: NoteId, user: UserId, on: bool, now: Timestamp) -> Result<()> {
        self.note(id).await?;
        let mut tx = self.write.begin().await?;
        let changed = if on {
            sqlx::query("INSERT INTO note_likes (note_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id.get())
                .bind(user.get())
                .bind(now.millis())
                .execute(&mut *tx)
                .await?
        } else {
            sqlx::query("DELETE FROM note_likes WHERE note_id = $1 AND user_id = $2")
                .bind(id.get())
                .bind(user.get())
                .execute(&mut *tx)
                .await?
        }
        .rows_affected();
        if changed > 0 {
            sqlx::query("UPDATE notes SET likes = likes + $1 WHERE id = $2")
                .bind(if on { 1 } else { -1 })
                .bind(id.get())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn comment_note(&self, id: NoteId, user: UserId, body: &str, now: Timestamp) -> Result<()> {
        self.note(id).await?;
        let mut tx = self.write.begin().await?;
        sqlx::query("INSERT INTO note_comments (note_id, user_id, body, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id.get())
            .bind(user.get())
            .bind(body)
            .bind(now.millis())
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE notes SET comments = comments + 1 WHERE id = $1").bind(id.get()).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `(id, author, body, created_at)`, newest first.
    pub async fn note_comments(&self, id: NoteId, limit: i64) -> Result<Vec<(i64, String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT c.id, u.display_name, c.body, c.created_at FROM note_comments c JOIN users u ON u.id = c.user_id WHERE c.note_id = $1 AND c.removed_at IS NULL ORDER BY c.id DESC LIMIT $2",
        )
        .bind(id.get())
        .bind(limit)
        .fetch_all(&self.read)
        .await?)
    }
}
