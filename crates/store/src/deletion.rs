//! Deleting an account. What identifies the person goes at once: their
//! login, name, addresses, sessions, devices, follows, messages and the
//! addresses orders were shipped to. What the other party and the books
//! need stays under a pseudonym (`u<id>`): orders and their lines, payments,
//! the ledger, commissions, reviews' ratings. Their public content goes too,
//! unless they chose to leave it under the pseudonym.

use crate::{Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::ids::UserId;

/// The domain of deleted accounts' logins: nobody can sign up with it.
pub const DELETED_DOMAIN: &str = "@deleted.invalid";

/// What a deleted account is called wherever it still shows.
pub fn pseudonym(user: UserId) -> String {
    format!("u{}", user.get())
}

/// Statements that erase what identifies the person; `$1` is their id.
const ERASE: &[&str] = &[
    "DELETE FROM sessions WHERE user_id = $1",
    "DELETE FROM login_devices WHERE user_id = $1",
    "DELETE FROM addresses WHERE user_id = $1",
    "DELETE FROM cart_items WHERE user_id = $1",
    "DELETE FROM follows WHERE follower_id = $1 OR creator_id = $1",
    "DELETE FROM room_reminders WHERE user_id = $1",
    "DELETE FROM recovery_codes WHERE user_id = $1",
    "DELETE FROM one_time_codes WHERE user_id = $1",
    "DELETE FROM notifications WHERE user_id = $1",
    "DELETE FROM touches WHERE buyer_id = $1",
    "DELETE FROM community_members WHERE user_id = $1",
    "DELETE FROM idempotency_keys WHERE user_id = $1",
    "DELETE FROM video_events WHERE user_id = $1",
    "DELETE FROM feed_shown WHERE viewer_id = $1",
    "DELETE FROM live_sanctions WHERE user_id = $1",
    "UPDATE external_clicks SET user_id = NULL WHERE user_id = $1",
    "UPDATE reports SET note = '' WHERE reporter_id = $1",
    "UPDATE lead_messages SET body = '' WHERE author_id = $1",
    "UPDATE orders SET ship_to = NULL WHERE buyer_id = $1",
    "UPDATE leads SET contact = '', message = '' WHERE buyer_id = $1",
];

/// Statements that take down the person's public content; `$1` is their
/// id, `$2` now. Others' counts of comments and replies drop first, by
/// what is taken down, as when a comment is removed one by one.
const TAKE_DOWN: &[&str] = &[
    "UPDATE videos SET status = 'removed' WHERE creator_id = $1",
    "UPDATE notes SET status = 'removed' WHERE author_id = $1",
    "UPDATE videos SET comments = comments - (SELECT COUNT(*) FROM video_comments c WHERE c.video_id = videos.id AND c.user_id = $1 AND c.removed_at IS NULL) \
     WHERE id IN (SELECT video_id FROM video_comments WHERE user_id = $1 AND removed_at IS NULL)",
    "UPDATE video_comments SET replies = replies - (SELECT COUNT(*) FROM video_comments r WHERE r.parent_id = video_comments.id AND r.user_id = $1 AND r.removed_at IS NULL) \
     WHERE id IN (SELECT parent_id FROM video_comments WHERE user_id = $1 AND removed_at IS NULL AND parent_id IS NOT NULL)",
    "UPDATE notes SET comments = comments - (SELECT COUNT(*) FROM note_comments c WHERE c.note_id = notes.id AND c.user_id = $1 AND c.removed_at IS NULL) \
     WHERE id IN (SELECT note_id FROM note_comments WHERE user_id = $1 AND removed_at IS NULL)",
    "UPDATE video_comments SET removed_at = $2, pinned_at = NULL WHERE user_id = $1 AND removed_at IS NULL",
    "UPDATE note_comments SET removed_at = $2 WHERE user_id = $1 AND removed_at IS NULL",
    "UPDATE reviews SET body = '', image_keys = '[]', pictures = 0, follow_up = NULL WHERE author_id = $1",
];

impl Db {
    /// Deletes `user`'s account in one transaction, refusing while their
    /// orders are under way or they are staff of a shop.
    pub async fn delete_account(&self, user: UserId, keep_content: bool, now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let (open,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM orders WHERE buyer_id = $1 AND status IN ('pending_payment', 'paid', 'fulfilling', 'shipped', 'ready_for_pickup')",
        )
        .bind(user.get())
        .fetch_one(&mut *tx)
        .await?;
        let (led,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM orders o JOIN campaigns c ON c.id = o.campaign_id JOIN communities m ON m.id = c.community_id \
             WHERE m.leader_id = $1 AND o.status IN ('pending_payment', 'paid', 'fulfilling', 'ready_for_pickup')",
        )
        .bind(user.get())
        .fetch_one(&mut *tx)
        .await?;
        if open + led > 0 {
            return Err(StoreError::conflict(
                ErrorCode::AccountHasOpenOrders,
                "orders of this account, or of its community, are still under way",
            ));
        }
        let (staff,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM shop_members WHERE user_id = $1").bind(user.get()).fetch_one(&mut *tx).await?;
        if staff > 0 {
            return Err(StoreError::conflict(ErrorCode::AccountRunsAShop, "this account is staff of a shop"));
        }
        for sql in ERASE {
            sqlx::query(*sql).bind(user.get()).execute(&mut *tx).await?;
        }
        if !keep_content {
            for sql in TAKE_DOWN {
                let q = sqlx::query(*sql).bind(user.get());
                let q = if sql.contains("$2") { q.bind(now.millis()) } else { q };
                q.execute(&mut *tx).await?;
            }
        }
        // The row stays for what points at it; a login nobody can type and
        // a password hash nothing matches.
        sqlx::query(
            "UPDATE users SET email = $2, phone = NULL, display_name = $3, password_hash = '!', lang = NULL, email_verified_at = NULL, \
             phone_verified_at = NULL, totp_secret = NULL, totp_last_step = NULL, totp_enabled_at = NULL, mail_opt_out = '', deleted_at = $4 \
             WHERE id = $1",
        )
        .bind(user.get())
        .bind(format!("{}{DELETED_DOMAIN}", pseudonym(user)))
        .bind(pseudonym(user))
        .bind(now.millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.wrote();
        Ok(())
    }

    /// Forgets the mail and SMS waiting for or sent to `recipient`.
    pub async fn forget_messages_to(&self, recipient: &str) -> Result<()> {
        sqlx::query("DELETE FROM outbox WHERE recipient = $1").bind(recipient).execute(&self.write).await?;
        Ok(())
    }
}
