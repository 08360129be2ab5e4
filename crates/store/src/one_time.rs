//! One-time codes and links (their hashes only) and what proving an address
//! or resetting a password changes. The rules of their use are
//! `haul_domain::one_time`'s.

use crate::{Db, Result};
use haul_domain::Timestamp;
use haul_domain::ids::UserId;
use haul_domain::one_time::{Channel, Issued, Purpose};

record! {
    pub struct OneTimeCode {
        pub id: i64,
        pub user_id: Option<i64>,
        pub destination: String,
        pub secret_hash: String,
        pub expires_at: i64,
        pub attempts: i64,
        pub used_at: Option<i64>,
    }
}

impl OneTimeCode {
    pub fn issued(&self) -> Issued {
        Issued { expires_at: Timestamp::from_millis(self.expires_at), attempts: self.attempts, used: self.used_at.is_some() }
    }
}

pub struct NewCode<'a> {
    pub user: UserId,
    pub purpose: Purpose,
    pub channel: Channel,
    pub destination: &'a str,
    pub secret_hash: &'a str,
    pub expires_at: Timestamp,
}

const CODE_COLUMNS: &str = "id, user_id, destination, secret_hash, expires_at, attempts, used_at";

impl Db {
    /// When codes went to `destination` since `since`, for its send limits.
    pub async fn codes_sent_to(&self, destination: &str, since: Timestamp) -> Result<Vec<Timestamp>> {
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT created_at FROM one_time_codes WHERE destination = $1 AND created_at > $2")
            .bind(destination)
            .bind(since.millis())
            .fetch_all(&self.read)
            .await?;
        Ok(rows.into_iter().map(|(t,)| Timestamp::from_millis(t)).collect())
    }

    /// Keeps a new code or link; the account's older unused ones for the
    /// same purpose are retired.
    pub async fn issue_code(&self, new: &NewCode<'_>, now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE one_time_codes SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
            .bind(now.millis())
            .bind(new.user.get())
            .bind(new.purpose.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO one_time_codes (user_id, purpose, channel, destination, secret_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new.user.get())
        .bind(new.purpose.as_str())
        .bind(new.channel.as_str())
        .bind(new.destination)
        .bind(new.secret_hash)
        .bind(now.millis())
        .bind(new.expires_at.millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user's newest code for `purpose`: sending a new one retires the
    /// older ones.
    pub async fn latest_code(&self, user: UserId, purpose: Purpose) -> Result<Option<OneTimeCode>> {
        let sql = format!("SELECT {CODE_COLUMNS} FROM one_time_codes WHERE user_id = $1 AND purpose = $2 ORDER BY id DESC LIMIT 1");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user.get()).bind(purpose.as_str()).fetch_optional(&self.read).await?)
    }

    /// The e-mailed link whose secret hashes to `secret_hash` (never an SMS
    /// code: those are found by their account and limited in guesses).
    pub async fn code_by_secret(&self, secret_hash: &str, purpose: Purpose) -> Result<Option<OneTimeCode>> {
        let sql = format!("SELECT {CODE_COLUMNS} FROM one_time_codes WHERE secret_hash = $1 AND purpose = $2 AND channel = 'email'");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(secret_hash).bind(purpose.as_str()).fetch_optional(&self.read).await?)
    }

    /// Counts a wrong guess at a code.
    pub async fn count_code_attempt(&self, id: i64) -> Result<()> {
        sqlx::query("UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = $1").bind(id).execute(&self.write).await?;
        Ok(())
    }

    /// Uses a code once: false if it was used already (by a request racing
    /// this one).
    pub async fn use_code(&self, id: i64, now: Timestamp) -> Result<bool> {
        let done = sqlx::query("UPDATE one_time_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now.millis())
            .bind(id)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    /// Uses a reset code and sets the new password, ending every session of
    /// the account, in one transaction: false (and nothing changed) if the
    /// code was used already.
    pub async fn reset_password(&self, code_id: i64, user: UserId, password_hash: &str, now: Timestamp) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let used = sqlx::query("UPDATE one_time_codes SET used_at = $1 WHERE id = $2 AND user_id = $3 AND used_at IS NULL")
            .bind(now.millis())
            .bind(code_id)
            .bind(user.get())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if used != 1 {
            return Ok(false);
        }
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(user.get()).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.get()).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records that the person holds their e-mail address or phone.
    pub async fn mark_verified(&self, user: UserId, channel: Channel, now: Timestamp) -> Result<()> {
        let sql = match channel {
            Channel::Email => "UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
            Channel::Sms => "UPDATE users SET phone_verified_at = $1 WHERE id = $2 AND phone_verified_at IS NULL",
        };
        sqlx::query(sql).bind(now.millis()).bind(user.get()).execute(&self.write).await?;
        Ok(())
    }

    /// Forgets codes that ended a day ago or more.
    pub async fn delete_old_codes(&self, now: Timestamp) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM one_time_codes WHERE expires_at <= $1")
            .bind(now.plus_seconds(-86_400).millis())
            .execute(&self.write)
            .await?
            .rows_affected())
    }
}
