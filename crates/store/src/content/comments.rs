//! Comments on videos, in threads one level deep: a reply belongs to the
//! thread of a top comment and names whom it answers. Likes on comments;
//! the video author's pin (one per video, top comments only); removal.
//! Counters (the video's comments, a thread's replies, a comment's likes)
//! move in the same transaction as their rows.

use crate::{Db, Result, StoreError};
use haul_domain::Timestamp;
use haul_domain::ids::{UserId, VideoId};
use haul_domain::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

record! {
    pub struct Comment {
        pub id: i64,
        pub video_id: i64,
        pub user_id: i64,
        pub author: String,
        pub body: String,
        /// The top comment of the thread, for a reply.
        pub parent_id: Option<i64>,
        /// Whom a reply answers.
        pub reply_to: Option<String>,
        /// Replies in the thread, for a top comment.
        pub replies: i64,
        pub likes: i64,
        pub pinned_at: Option<i64>,
        pub created_at: i64,
    }
}

pub struct NewComment<'a> {
    pub video: VideoId,
    pub user: UserId,
    pub body: &'a str,
    /// The comment answered, top or reply.
    pub parent: Option<i64>,
}

/// Comments of published videos only: a video taken down takes its comments with it.
const COMMENT_SELECT: &str = "SELECT c.id, c.video_id, c.user_id, u.display_name AS author, c.body, c.parent_id, r.display_name AS reply_to, \
     c.replies, c.likes, c.pinned_at, c.created_at FROM video_comments c JOIN users u ON u.id = c.user_id LEFT JOIN users r ON r.id = c.reply_to_id \
     JOIN videos v ON v.id = c.video_id AND v.status = 'published'";

impl Db {
    /// Adds a comment unless its writer posted `COMMENT_BURST` in the
    /// window already: the count and the insert are one transaction that
    /// first takes the writer's row, so simultaneous posts queue up.
    pub async fn add_comment(&self, new: NewComment<'_>, now: Timestamp) -> Result<Comment> {
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE users SET id = id WHERE id = $1").bind(new.user.get()).execute(&mut *tx).await?;
        let (recent,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM video_comments WHERE user_id = $1 AND created_at >= $2")
            .bind(new.user.get())
            .bind(now.millis() - haul_domain::content::COMMENT_WINDOW_MS)
            .fetch_one(&mut *tx)
            .await?;
        if !haul_domain::content::may_comment_now(recent) {
            return Err(StoreError::conflict(haul_domain::ErrorCode::RateLimited, "too many comments in a minute; wait a little"));
        }
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM videos WHERE id = $1 AND status = 'published'")
            .bind(new.video.get())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound("video"));
        }
        let (thread, reply_to) = match new.parent {
            None => (None, None),
            Some(parent) => {
                // A reply in a thread whose top comment was taken down is hidden too.
                let row: Option<(Option<i64>, i64)> = sqlx::query_as(
                    "SELECT c.parent_id, c.user_id FROM video_comments c LEFT JOIN video_comments t ON t.id = c.parent_id \
                     WHERE c.id = $1 AND c.video_id = $2 AND c.removed_at IS NULL AND t.removed_at IS NULL",
                )
                .bind(parent)
                .bind(new.video.get())
                .fetch_optional(&mut *tx)
                .await?;
                let (parents_thread, answered) = row.ok_or(StoreError::NotFound("comment"))?;
                (Some(haul_domain::content::thread_of(parent, parents_thread)), Some(answered))
            }
        };
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO video_comments (video_id, user_id, body, parent_id, reply_to_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.video.get())
        .bind(new.user.get())
        .bind(new.body)
        .bind(thread)
        .bind(reply_to)
        .bind(now.millis())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE videos SET comments = comments + 1 WHERE id = $1").bind(new.video.get()).execute(&mut *tx).await?;
        if let Some(thread) = thread {
            sqlx::query("UPDATE video_comments SET replies = replies + 1 WHERE id = $1").bind(thread).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        self.comment(id).await
    }

    /// A comment that is not removed.
    pub async fn comment(&self, id: i64) -> Result<Comment> {
        let sql = format!("{COMMENT_SELECT} WHERE c.id = $1 AND c.removed_at IS NULL");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("comment"))
    }

    /// A video's threads, newest first; the first page opens with the pinned one.
    pub async fn comment_threads(&self, video: VideoId, page: &PageRequest) -> Result<Page<Comment>> {
        let sql = format!(
            "{COMMENT_SELECT} WHERE c.video_id = $1 AND c.parent_id IS NULL AND c.pinned_at IS NULL AND c.removed_at IS NULL \
             AND c.id < $2 ORDER BY c.id DESC LIMIT $3"
        );
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(video.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        let mut threads = Page::from_batch(rows, page, |c: &Comment| c.id);
        if page.before.is_none() {
            let sql = format!("{COMMENT_SELECT} WHERE c.video_id = $1 AND c.pinned_at IS NOT NULL AND c.removed_at IS NULL");
            let pinned: Option<Comment> = sqlx::query_as(AssertSqlSafe(sql)).bind(video.get()).fetch_optional(&self.read).await?;
            threads.items.splice(0..0, pinned);
        }
        Ok(threads)
    }

    /// A thread's replies, oldest first, after the reply `after` (0 for the first).
    pub async fn replies(&self, thread: i64, after: i64, limit: i64) -> Result<Vec<Comment>> {
        let sql = format!("{COMMENT_SELECT} WHERE c.parent_id = $1 AND c.removed_at IS NULL AND c.id > $2 ORDER BY c.id LIMIT $3");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(thread).bind(after).bind(limit).fetch_all(&self.read).await?)
    }

    /// Likes or unlikes a comment; returns its like count.
    pub async fn like_comment(&self, id: i64, user: UserId, on: bool, now: Timestamp) -> Result<i64> {
        let mut tx = self.write.begin().await?;
        let live: Option<(i64,)> = sqlx::query_as(
            "SELECT c.id FROM video_comments c JOIN videos v ON v.id = c.video_id AND v.status = 'published' WHERE c.id = $1 AND c.removed_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        live.ok_or(StoreError::NotFound("comment"))?;
        let changed = if on {
            sqlx::query("INSERT INTO video_comment_likes (comment_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(user.get())
                .bind(now.millis())
                .execute(&mut *tx)
                .await?
                .rows_affected()
        } else {
            sqlx::query("DELETE FROM video_comment_likes WHERE comment_id = $1 AND user_id = $2")
                .bind(id)
                .bind(user.get())
                .execute(&mut *tx)
                .await?
                .rows_affected()
        };
        if changed == 1 {
            let step = if on { 1 } else { -1 };
            sqlx::query("UPDATE video_comments SET likes = likes + $1 WHERE id = $2").bind(step).bind(id).execute(&mut *tx).await?;
        }
        let (likes,): (i64,) = sqlx::query_as("SELECT likes FROM video_comments WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(likes)
    }

    /// Which of `ids` the user liked.
    pub async fn liked_comments(&self, user: UserId, ids: &[i64]) -> Result<Vec<i64>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!("SELECT comment_id FROM video_comment_likes WHERE user_id = $1 AND comment_id IN ({list})");
        let rows: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(sql)).bind(user.get()).fetch_all(&self.read).await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Pins a top comment of its video (unpinning any other), or unpins it.
    pub async fn pin_comment(&self, id: i64, on: bool, now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let row: Option<(i64, Option<i64>)> =
            sqlx::query_as("SELECT video_id, parent_id FROM video_comments WHERE id = $1 AND removed_at IS NULL")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let (video, parent) = row.ok_or(StoreError::NotFound("comment"))?;
        if parent.is_some() {
            return Err(StoreError::conflict(haul_domain::ErrorCode::NotPinnable, "only a top comment can be pinned"));
        }
        sqlx::query("UPDATE video_comments SET pinned_at = NULL WHERE video_id = $1 AND pinned_at IS NOT NULL")
            .bind(video)
            .execute(&mut *tx)
            .await?;
        if on {
            sqlx::query("UPDATE video_comments SET pinned_at = $1 WHERE id = $2").bind(now.millis()).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Takes a comment down (a removed top comment hides its thread).
    pub async fn remove_comment(&self, id: i64, now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let row: Option<(i64, Option<i64>)> = sqlx::query_as(
            "UPDATE video_comments SET removed_at = $1, pinned_at = NULL WHERE id = $2 AND removed_at IS NULL RETURNING video_id, parent_id",
        )
        .bind(now.millis())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let (video, parent) = row.ok_or(StoreError::NotFound("comment"))?;
        sqlx::query("UPDATE videos SET comments = comments - 1 WHERE id = $1 AND comments > 0").bind(video).execute(&mut *tx).await?;
        if let Some(thread) = parent {
            sqlx::query("UPDATE video_comments SET replies = replies - 1 WHERE id = $1 AND replies > 0")
                .bind(thread)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
