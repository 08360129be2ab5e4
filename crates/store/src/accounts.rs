//! Users, their sessions and API tokens. Only hashes of tokens are stored, so
//! a leaked database does not leak working sessions.

use crate::error::is_unique_violation;
use crate::{Backend, Db, Result, StoreError};
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::accounts::{Login, Role};
use haul_domain::ids::UserId;
use sqlx::AssertSqlSafe;

record! {
    pub struct User {
        pub id: i64,
        pub email: Option<String>,
        pub phone: Option<String>,
        pub password_hash: String,
        pub display_name: String,
        pub role: String,
        pub created_at: i64,
        /// When the platform suspended the account, if it is suspended.
        pub suspended_at: Option<i64>,
        /// When the person proved they hold the address or number.
        pub email_verified_at: Option<i64>,
        pub phone_verified_at: Option<i64>,
        /// When two-factor sign-in was turned on, if it is on.
        pub totp_enabled_at: Option<i64>,
    }
}

impl User {
    pub fn user_id(&self) -> UserId {
        UserId(self.id)
    }
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Shopper)
    }
    pub fn login(&self) -> &str {
        self.email.as_deref().or(self.phone.as_deref()).unwrap_or("")
    }
}

record! {
    /// A signed-in session: a browser cookie (`web`) or an API token (`api`).
    pub struct Session {
        pub user_id: i64,
        pub kind: String,
        pub csrf_token: String,
        pub expires_at: i64,
        pub last_seen_at: i64,
    }
}

record! {
    /// A session as its owner sees it on their devices page.
    pub struct DeviceSession {
        /// Names the session without revealing its token: the first 16
        /// characters of the token's hash.
        pub handle: String,
        pub kind: String,
        pub user_agent: String,
        pub address: String,
        pub created_at: i64,
        pub last_seen_at: i64,
    }
}

/// Where a session was started from.
pub struct Device<'a> {
    pub user_agent: &'a str,
    pub address: &'a str,
}

/// The characters of a token hash that name its session.
pub const HANDLE_CHARS: usize = 16;

const USER_COLUMNS: &str =
    "id, email, phone, password_hash, display_name, role, created_at, suspended_at, email_verified_at, phone_verified_at, totp_enabled_at";

pub struct NewUser<'a> {
    pub login: &'a Login,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
}

impl Db {
    pub async fn create_user(&self, new: NewUser<'_>, now: Timestamp) -> Result<User> {
        let (email, phone) = match new.login {
            Login::Email(e) => (Some(e.as_str()), None),
            Login::Phone(p) => (None, Some(p.as_str())),
        };
        let sql = format!(
            "INSERT INTO users (email, phone, password_hash, display_name, role, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {USER_COLUMNS}"
        );
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(email)
            .bind(phone)
            .bind(new.password_hash)
            .bind(new.display_name)
            .bind(new.role.as_str())
            .bind(now.millis())
            .fetch_one(&self.write)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::conflict(ErrorCode::LoginTaken, "an account with this email or phone already exists")
                } else {
                    e.into()
                }
            })
    }

    pub async fn user_by_login(&self, login: &Login) -> Result<Option<User>> {
        let column = match login {
            Login::Email(_) => "email",
            Login::Phone(_) => "phone",
        };
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {column} = $1 AND deleted_at IS NULL");
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(login.as_str()).fetch_optional(&self.read).await?)
    }

    /// People whose name, e-mail or phone contains `terms`, newest first.
    pub async fn find_users(&self, terms: &str, limit: i64) -> Result<Vec<User>> {
        let terms = terms.to_lowercase().replace(['%', '_', '\\'], "");
        if terms.trim().is_empty() {
            return Ok(Vec::new());
        }
        let pattern = format!("%{terms}%");
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE LOWER(display_name) LIKE $1 OR LOWER(COALESCE(email, '')) LIKE $1 OR COALESCE(phone, '') LIKE $1 \
             ORDER BY id DESC LIMIT $2"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(pattern).bind(limit).fetch_all(&self.read).await?)
    }

    pub async fn user(&self, id: UserId) -> Result<User> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        sqlx::query_as(AssertSqlSafe(sql)).bind(id.get()).fetch_optional(&self.read).await?.ok_or(StoreError::NotFound("user"))
    }

    /// The language the person chose (a BCP 47 tag such as `zh-CN`), if any.
    pub async fn user_language(&self, id: UserId) -> Result<Option<String>> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT lang FROM users WHERE id = $1").bind(id.get()).fetch_optional(&self.read).await?;
        Ok(row.and_then(|(lang,)| lang))
    }

    /// The optional e-mails the person turned off, comma-separated.
    pub async fn mail_opt_out(&self, id: UserId) -> Result<String> {
        let (kinds,): (String,) =
            sqlx::query_as("SELECT mail_opt_out FROM users WHERE id = $1").bind(id.get()).fetch_one(&self.read).await?;
        Ok(kinds)
    }

    pub async fn set_mail_opt_out(&self, id: UserId, kinds: &str) -> Result<()> {
        sqlx::query("UPDATE users SET mail_opt_out = $1 WHERE id = $2").bind(kinds).bind(id.get()).execute(&self.write).await?;
        Ok(())
    }

    pub async fn set_user_language(&self, id: UserId, tag: &str) -> Result<()> {
        sqlx::query("UPDATE users SET lang = $1 WHERE id = $2").bind(tag).bind(id.get()).execute(&self.write).await?;
        Ok(())
    }

    pub async fn set_role(&self, id: UserId, role: Role) -> Result<()> {
        let r = sqlx::query("UPDATE users SET role = $1 WHERE id = $2").bind(role.as_str()).bind(id.get()).execute(&self.write).await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user: UserId,
        kind: &str,
        csrf: &str,
        device: &Device<'_>,
        (now, expires_at): (Timestamp, Timestamp),
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at, user_agent, address, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5)",
        )
        .bind(token_hash)
        .bind(user.get())
        .bind(kind)
        .bind(csrf)
        .bind(now.millis())
        .bind(expires_at.millis())
        .bind(device.user_agent)
        .bind(device.address)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The live session behind a token hash, if any.
    pub async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        Ok(sqlx::query_as(
            "SELECT user_id, kind, csrf_token, expires_at, last_seen_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.millis())
        .fetch_optional(&self.read)
        .await?)
    }

    /// Records that a session was used at `now`, unless that was recorded
    /// less than `every_ms` before (several nodes may ask at once).
    /// On PostgreSQL written through the read pool: no cache reads this
    /// column, so this write need not make the read cache stale. SQLite has
    /// one writer: a second would fail the writer's transactions whose
    /// snapshot it made stale (SQLITE_BUSY_SNAPSHOT), so there it counts.
    pub async fn session_seen(&self, token_hash: &str, now: Timestamp, every_ms: i64) -> Result<()> {
        let pool = match self.backend() {
            Backend::Sqlite => &self.write,
            Backend::Postgres => &self.read,
        };
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at <= $3")
            .bind(now.millis())
            .bind(token_hash)
            .bind(now.millis() - every_ms)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// A user's live sessions, the most recently used first (at most 100).
    pub async fn sessions_of(&self, user: UserId, now: Timestamp) -> Result<Vec<DeviceSession>> {
        let sql = format!(
            "SELECT substr(token_hash, 1, {HANDLE_CHARS}) AS handle, kind, user_agent, address, created_at, last_seen_at FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, created_at DESC LIMIT 100"
        );
        Ok(sqlx::query_as(AssertSqlSafe(sql)).bind(user.get()).bind(now.millis()).fetch_all(&self.read).await?)
    }

    /// Ends one of the user's sessions by its handle; false if the user has
    /// no such session.
    pub async fn end_session(&self, user: UserId, handle: &str) -> Result<bool> {
        let sql = format!("DELETE FROM sessions WHERE user_id = $1 AND substr(token_hash, 1, {HANDLE_CHARS}) = $2");
        let ended = sqlx::query(AssertSqlSafe(sql)).bind(user.get()).bind(handle).execute(&self.write).await?.rows_affected();
        Ok(ended > 0)
    }

    /// Ends every session of the user but the one behind `keep`; how many.
    pub async fn end_other_sessions(&self, user: UserId, keep: &str) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user.get())
            .bind(keep)
            .execute(&self.write)
            .await?
            .rows_affected())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.write).await?;
        Ok(())
    }

    pub async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now.millis()).execute(&self.write).await?.rows_affected())
    }

    /// Remembers a browser the user signed in from; keeps the 20 most recently used.
    pub async fn remember_device(&self, user: UserId, device_hash: &str, now: Timestamp) -> Result<()> {
        let mut tx = self.write.begin().await?;
        // A sign-in refreshes the browser's time, so the owner's everyday
        // browser is never the one pushed out by newer ones.
        sqlx::query(
            "INSERT INTO login_devices (user_id, device_hash, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, device_hash) DO UPDATE SET created_at = excluded.created_at",
        )
        .bind(user.get())
        .bind(device_hash)
        .bind(now.millis())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM login_devices WHERE user_id = $1 AND device_hash NOT IN \
             (SELECT device_hash FROM login_devices WHERE user_id = $1 ORDER BY created_at DESC, device_hash LIMIT 20)",
        )
        .bind(user.get())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn knows_device(&self, user: UserId, device_hash: &str) -> Result<bool> {
        let found: Option<(i64,)> = sqlx::query_as("SELECT user_id FROM login_devices WHERE user_id = $1 AND device_hash = $2")
            .bind(user.get())
            .bind(device_hash)
            .fetch_optional(&self.read)
            .await?;
        Ok(found.is_some())
    }
}
