//! An account's authenticator-app secret, the last step a code was accepted
//! for, and its recovery codes (their hashes only).

use crate::{Db, Result};
use haul_domain::Timestamp;
use haul_domain::ids::UserId;

record! {
    pub struct Totp {
        /// The shared secret, in hex.
        pub totp_secret: Option<String>,
        pub totp_last_step: Option<i64>,
        pub totp_enabled_at: Option<i64>,
    }
}

impl Db {
    pub async fn totp(&self, user: UserId) -> Result<Totp> {
        Ok(sqlx::query_as("SELECT totp_secret, totp_last_step, totp_enabled_at FROM users WHERE id = $1")
            .bind(user.get())
            .fetch_one(&self.read)
            .await?)
    }

    /// Keeps a new secret while the person adds it to their app; false if
    /// two-factor sign-in is on already.
    pub async fn start_totp(&self, user: UserId, secret_hex: &str) -> Result<bool> {
        let done = sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2 AND totp_enabled_at IS NULL")
            .bind(secret_hex)
            .bind(user.get())
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    /// Turns two-factor sign-in on with the step of the code that proved the
    /// app has the secret, and gives the account these recovery codes.
    pub async fn enable_totp(&self, user: UserId, step: i64, recovery_hashes: &[String], now: Timestamp) -> Result<bool> {
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "UPDATE users SET totp_enabled_at = $1, totp_last_step = $2 WHERE id = $3 AND totp_enabled_at IS NULL AND totp_secret IS NOT NULL",
        )
        .bind(now.millis())
        .bind(step)
        .bind(user.get())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done != 1 {
            return Ok(false);
        }
        replace_recovery_codes(&mut tx, user, recovery_hashes).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records that a code of `step` was accepted: false if that step or a
    /// later one was already (a replayed code, or a request racing this).
    pub async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool> {
        let done = sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)")
            .bind(step)
            .bind(user.get())
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    /// Uses up a recovery code: false if the account has no such unused one.
    pub async fn use_recovery_code(&self, user: UserId, code_hash: &str, now: Timestamp) -> Result<bool> {
        let done = sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
            .bind(now.millis())
            .bind(user.get())
            .bind(code_hash)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    pub async fn recovery_codes_left(&self, user: UserId) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user.get())
            .fetch_one(&self.read)
            .await?;
        Ok(n)
    }

    /// New recovery codes in place of the old ones.
    pub async fn renew_recovery_codes(&self, user: UserId, hashes: &[String]) -> Result<()> {
        let mut tx = self.write.begin().await?;
        replace_recovery_codes(&mut tx, user, hashes).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns two-factor sign-in off: the secret and recovery codes are gone.
    pub async fn disable_totp(&self, user: UserId) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE users SET totp_secret = NULL, totp_last_step = NULL, totp_enabled_at = NULL WHERE id = $1")
            .bind(user.get())
            .execute(&mut *tx)
            .await?;
        replace_recovery_codes(&mut tx, user, &[]).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn replace_recovery_codes(tx: &mut sqlx::Transaction<'_, sqlx::Any>, user: UserId, hashes: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user.get()).execute(&mut **tx).await?;
    for hash in hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user.get())
            .bind(hash)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
