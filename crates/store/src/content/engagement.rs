//! What viewers do with videos: likes and saves (toggles), views with
//! watch time, shares and product clicks; and follows (comments are in
//! `comments.rs`). Each updates the
//! video's counters in the same transaction as its row.

use crate::analytics::ActivityKey;
use crate::{Db, Result, StoreError};
use haul_domain::Timestamp;
use haul_domain::analytics::{Metric, Subject};
use haul_domain::ids::{UserId, VideoId};

/// The counter column a reaction or event raises.
fn counter(kind: &str) -> Result<&'static str> {
    Ok(match kind {
        "like" => "likes",
        "save" => "saves",
        "share" => "shares",
        "product_click" => "product_clicks",
        "purchase" => "purchases",
        _ => return Err(haul_domain::DomainError::invalid("kind", "like, save, share, product_click or purchase").into()),
    })
}

impl Db {
    /// Sets or clears a like or save; returns whether it is now on.
    pub async fn react(&self, video: VideoId, user: UserId, kind: &str, on: bool, now: Timestamp) -> Result<bool> {
        let column = counter(kind)?;
        let mut tx = self.write.begin().await?;
        let exists: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM videos WHERE id = $1").bind(video.get()).fetch_optional(&mut *tx).await?;
        if exists.is_none() {
            return Err(StoreError::NotFound("video"));
        }
        let changed = if on {
            sqlx::query("INSERT INTO video_reactions (video_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .bind(video.get())
                .bind(user.get())
                .bind(kind)
                .bind(now.millis())
                .execute(&mut *tx)
                .await?
                .rows_affected()
        } else {
            sqlx::query("DELETE FROM video_reactions WHERE video_id = $1 AND user_id = $2 AND kind = $3")
                .bind(video.get())
                .bind(user.get())
                .bind(kind)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        };
        if changed > 0 {
            let sql = format!("UPDATE videos SET {column} = {column} + $1 WHERE id = $2");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(if on { 1 } else { -1 }).bind(video.get()).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(on)
    }

    /// The viewer's reactions to a video: `like`, `save`.
    pub async fn reactions_of(&self, user: UserId, video: VideoId) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT kind FROM video_reactions WHERE video_id = $1 AND user_id = $2")
            .bind(video.get())
            .bind(user.get())
            .fetch_all(&self.read)
            .await?;
        Ok(rows.into_iter().map(|(k,)| k).collect())
    }

    /// A view (with how long it was watched), a share, a product click.
    /// `completed` says whether the view reached the end.
    /// Records a view, share or product click of `viewer` (`u:<id>` or
    /// `b:<browser id>`) and raises the video's counter, unless the same
    /// viewer's event of that kind counted in the last 24 hours. Whether it
    /// counted.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_event(
        &self,
        video: VideoId,
        viewer: &str,
        user: Option<UserId>,
        kind: &str,
        watch_ms: i64,
        completed: bool,
        now: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let exists: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM videos WHERE id = $1").bind(video.get()).fetch_optional(&mut *tx).await?;
        if exists.is_none() {
            return Err(StoreError::NotFound("video"));
        }
        let counts = sqlx::query(
            "INSERT INTO video_event_marks (video_id, viewer, kind, counted_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (video_id, viewer, kind) DO UPDATE SET counted_at = excluded.counted_at \
             WHERE video_event_marks.counted_at <= $5",
        )
        .bind(video.get())
        .bind(viewer)
        .bind(kind)
        .bind(now.millis())
        .bind(haul_domain::content::counts_again_before(kind, now.millis()))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if counts == 0 {
            return Ok(false);
        }
        sqlx::query("INSERT INTO video_events (video_id, user_id, kind, watch_ms, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(video.get())
            .bind(user.map(|u| u.get()))
            .bind(kind)
            .bind(watch_ms)
            .bind(now.millis())
            .execute(&mut *tx)
            .await?;
        if kind == "view" {
            sqlx::query("UPDATE videos SET views = views + 1, watch_ms = watch_ms + $1, completions = completions + $2 WHERE id = $3")
                .bind(watch_ms)
                .bind(i64::from(completed))
                .bind(video.get())
                .execute(&mut *tx)
                .await?;
        } else {
            let column = counter(kind)?;
            let sql = format!("UPDATE videos SET {column} = {column} + 1 WHERE id = $1");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(video.get()).execute(&mut *tx).await?;
        }
        let metric = match kind {
            "view" => Metric::View,
            "share" => Metric::Share,
            _ => Metric::Click,
        };
        let counts = [(ActivityKey::at(Subject::Video, video.get(), metric, now.millis(), 0), 1)].into();
        crate::analytics::write_activity(&mut tx, &counts).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A view from outside the feed (a shared link, a profile, the home's
    /// tiles) put the video in front of someone too: the impressions are
    /// raised to the views, never left below them.
    pub async fn impression_of_view(&self, video: VideoId) -> Result<()> {
        sqlx::query("UPDATE videos SET impressions = views WHERE id = $1 AND impressions < views")
            .bind(video.get())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Follows or unfollows; returns whether anything changed.
    pub async fn follow(&self, follower: UserId, creator: UserId, on: bool, now: Timestamp) -> Result<bool> {
        if follower == creator {
            return Err(haul_domain::DomainError::invalid("creator", "you cannot follow yourself").into());
        }
        self.user(creator).await?;
        let done = if on {
            sqlx::query("INSERT INTO follows (follower_id, creator_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(follower.get())
                .bind(creator.get())
                .bind(now.millis())
                .execute(&self.write)
                .await?
        } else {
            sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND creator_id = $2")
                .bind(follower.get())
                .bind(creator.get())
                .execute(&self.write)
                .await?
        };
        Ok(done.rows_affected() == 1)
    }

    pub async fn following(&self, follower: UserId) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT creator_id FROM follows WHERE follower_id = $1").bind(follower.get()).fetch_all(&self.read).await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    pub async fn follower_count(&self, creator: UserId) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM follows WHERE creator_id = $1").bind(creator.get()).fetch_one(&self.read).await?;
        Ok(n)
    }
}
