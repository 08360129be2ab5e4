//! Notifications: written in the transaction of what they tell (or right
//! after it), read newest first, marked read when the person looks. Room
//! reminders are consumed as the room goes live, so each is sent once.

use crate::{Db, Result};
use haul_domain::Timestamp;
use haul_domain::content::NotificationKind;
use haul_domain::ids::{RoomId, UserId};
use haul_domain::page::{Page, PageRequest};
use sqlx::AssertSqlSafe;

record! {
    pub struct Notification {
        pub id: i64,
        #[schema(value_type = String)]
        pub kind: NotificationKind,
        /// Who did it, when someone did.
        pub actor: Option<String>,
        /// The page it concerns.
        pub link: String,
        /// A few words of it: a comment's start, a room's title, an order's news.
        pub excerpt: String,
        pub read_at: Option<i64>,
        pub created_at: i64,
    }
}

pub struct NewNotification<'a> {
    pub user: UserId,
    pub kind: NotificationKind,
    pub actor: Option<UserId>,
    pub link: &'a str,
    pub excerpt: &'a str,
}

/// An excerpt is short.
const EXCERPT_CHARS: usize = 80;

impl Db {
    pub async fn notify(&self, n: NewNotification<'_>, now: Timestamp) -> Result<()> {
        let excerpt: String = n.excerpt.chars().take(EXCERPT_CHARS).collect();
        sqlx::query("INSERT INTO notifications (user_id, kind, actor_id, link, excerpt, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(n.user.get())
            .bind(n.kind.as_str())
            .bind(n.actor.map(|a| a.get()))
            .bind(n.link)
            .bind(excerpt)
            .bind(now.millis())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// As `notify`, unless this person was already told of this actor's
    /// deed of this kind (following again after unfollowing tells nobody).
    pub async fn notify_once(&self, n: NewNotification<'_>, now: Timestamp) -> Result<()> {
        let told: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM notifications WHERE user_id = $1 AND kind = $2 AND actor_id = $3 LIMIT 1")
                .bind(n.user.get())
                .bind(n.kind.as_str())
                .bind(n.actor.map(|a| a.get()))
                .fetch_optional(&self.read)
                .await?;
        if told.is_some() {
            return Ok(());
        }
        self.notify(n, now).await
    }

    pub async fn notifications(&self, user: UserId, page: &PageRequest) -> Result<Page<Notification>> {
        let sql = "SELECT n.id, n.kind, a.display_name AS actor, n.link, n.excerpt, n.read_at, n.created_at FROM notifications n \
                   LEFT JOIN users a ON a.id = n.actor_id WHERE n.user_id = $1 AND n.id < $2 ORDER BY n.id DESC LIMIT $3";
        let rows =
            sqlx::query_as(AssertSqlSafe(sql)).bind(user.get()).bind(page.before_id()).bind(page.fetch()).fetch_all(&self.read).await?;
        Ok(Page::from_batch(rows, page, |n: &Notification| n.id))
    }

    pub async fn unread_notifications(&self, user: UserId) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user.get())
            .fetch_one(&self.read)
            .await?;
        Ok(n)
    }

    /// Marks read everything up to `up_to` (the newest one the person saw).
    pub async fn mark_notifications_read(&self, user: UserId, up_to: i64, now: Timestamp) -> Result<()> {
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id <= $3 AND read_at IS NULL")
            .bind(now.millis())
            .bind(user.get())
            .bind(up_to)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Sets or clears a reminder for a room that has not started.
    pub async fn remind(&self, room: RoomId, user: UserId, on: bool, now: Timestamp) -> Result<()> {
        if on {
            sqlx::query("INSERT INTO room_reminders (room_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(room.get())
                .bind(user.get())
                .bind(now.millis())
                .execute(&self.write)
                .await?;
        } else {
            sqlx::query("DELETE FROM room_reminders WHERE room_id = $1 AND user_id = $2")
                .bind(room.get())
                .bind(user.get())
                .execute(&self.write)
                .await?;
        }
        Ok(())
    }

    pub async fn reminded(&self, room: RoomId, user: UserId) -> Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM room_reminders WHERE room_id = $1 AND user_id = $2")
            .bind(room.get())
            .bind(user.get())
            .fetch_optional(&self.read)
            .await?;
        Ok(row.is_some())
    }

    /// The room went live: everyone who asked is told, once (the reminders
    /// are consumed in the same transaction).
    pub async fn send_reminders(&self, room: RoomId, link: &str, title: &str, now: Timestamp) -> Result<Vec<UserId>> {
        let mut tx = self.write.begin().await?;
        let reminded: Vec<(i64,)> =
            sqlx::query_as("SELECT user_id FROM room_reminders WHERE room_id = $1").bind(room.get()).fetch_all(&mut *tx).await?;
        let host: Option<(i64,)> =
            sqlx::query_as("SELECT host_id FROM live_rooms WHERE id = $1").bind(room.get()).fetch_optional(&mut *tx).await?;
        let excerpt: String = title.chars().take(EXCERPT_CHARS).collect();
        sqlx::query(
            "INSERT INTO notifications (user_id, kind, actor_id, link, excerpt, created_at) \
             SELECT user_id, 'live', $2, $3, $4, $5 FROM room_reminders WHERE room_id = $1",
        )
        .bind(room.get())
        .bind(host.map(|(h,)| h))
        .bind(link)
        .bind(excerpt)
        .bind(now.millis())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM room_reminders WHERE room_id = $1").bind(room.get()).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(reminded.into_iter().map(|(u,)| UserId(u)).collect())
    }
}
