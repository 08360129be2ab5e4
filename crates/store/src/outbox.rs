//! Mail and SMS waiting to be sent, and what became of them. A message is
//! written here with the change that caused it and delivered by a worker,
//! so a slow or absent mail server never holds up a request.

use crate::{Db, Result};
use haul_domain::Timestamp;
use sqlx::AssertSqlSafe;

record! {
    pub struct Message {
        pub id: i64,
        /// `email` or `sms`.
        pub channel: String,
        pub recipient: String,
        /// What it is about: `reset_password`, `receipt`...
        pub kind: String,
        pub subject: String,
        pub body: String,
        pub created_at: i64,
        pub next_attempt_at: i64,
        pub attempts: i64,
        pub sent_at: Option<i64>,
        pub failed_at: Option<i64>,
        pub last_error: Option<String>,
    }
}

pub struct NewMessage<'a> {
    pub channel: &'a str,
    pub recipient: &'a str,
    pub kind: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

const MESSAGE_COLUMNS: &str =
    "id, channel, recipient, kind, subject, body, created_at, next_attempt_at, attempts, sent_at, failed_at, last_error";

impl Db {
    pub async fn enqueue_message(&self, m: &NewMessage<'_>, now: Timestamp) -> Result<()> {
        sqlx::query(
            "INSERT INTO outbox (channel, recipient, kind, subject, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(m.channel)
        .bind(m.recipient)
        .bind(m.kind)
        .bind(m.subject)
        .bind(m.body)
        .bind(now.millis())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Up to `limit` messages due at `now`, each held for `lease_ms` so that
    /// another node's worker does not send it too.
    pub async fn claim_due_messages(&self, now: Timestamp, lease_ms: i64, limit: i64) -> Result<Vec<Message>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at LIMIT $2"
        );
        let due: Vec<Message> = sqlx::query_as(AssertSqlSafe(sql)).bind(now.millis()).bind(limit).fetch_all(&self.read).await?;
        let mut claimed = Vec::with_capacity(due.len());
        for m in due {
            let won = sqlx::query("UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at = $3 AND sent_at IS NULL")
                .bind(now.millis() + lease_ms)
                .bind(m.id)
                .bind(m.next_attempt_at)
                .execute(&self.write)
                .await?
                .rows_affected();
            if won == 1 {
                claimed.push(m);
            }
        }
        Ok(claimed)
    }

    /// Records one attempt: sent, to be retried at `retry_at`, or given up.
    pub async fn record_message_attempt(&self, id: i64, error: Option<&str>, retry_at: Option<Timestamp>, now: Timestamp) -> Result<()> {
        let (sent_at, failed_at) = match (error, retry_at) {
            (None, _) => (Some(now.millis()), None),
            (Some(_), Some(_)) => (None, None),
            (Some(_), None) => (None, Some(now.millis())),
        };
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, sent_at = $1, failed_at = $2, last_error = $3, next_attempt_at = $4 WHERE id = $5",
        )
        .bind(sent_at)
        .bind(failed_at)
        .bind(error)
        .bind(retry_at.unwrap_or(now).millis())
        .bind(id)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The newest messages, to `recipient` if given: the sandbox's outbox
    /// page and the tests read what was sent here.
    pub async fn recent_messages(&self, recipient: Option<&str>, limit: i64) -> Result<Vec<Message>> {
        Ok(match recipient {
            Some(r) => {
                let sql = format!("SELECT {MESSAGE_COLUMNS} FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT $2");
                sqlx::query_as(AssertSqlSafe(sql)).bind(r).bind(limit).fetch_all(&self.read).await?
            }
            None => {
                let sql = format!("SELECT {MESSAGE_COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1");
                sqlx::query_as(AssertSqlSafe(sql)).bind(limit).fetch_all(&self.read).await?
            }
        })
    }

    /// Forgets messages sent or given up on before `before`: the outbox
    /// holds codes and links, which should not outlive their use.
    pub async fn delete_old_messages(&self, before: Timestamp) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM outbox WHERE COALESCE(sent_at, failed_at) < $1")
            .bind(before.millis())
            .execute(&self.write)
            .await?
            .rows_affected())
    }
}
