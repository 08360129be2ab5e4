//! Migrations are embedded in the binary, one folder per backend with the same
//! file names, and are never edited once released: a change is a new file.

use crate::{Backend, Db, Result};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $name, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $name, ".sql")),
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation"),
    migration!(2, "0002_flash_deals"),
    migration!(3, "0003_group_buy"),
    migration!(4, "0004_content"),
    migration!(5, "0005_notes"),
    migration!(6, "0006_live"),
    migration!(7, "0007_feed_shown"),
    migration!(8, "0008_security"),
    migration!(9, "0009_idempotency_orders"),
    migration!(10, "0010_user_language"),
    migration!(11, "0011_delivery"),
    migration!(12, "0012_moderation"),
    migration!(13, "0013_commission_plans"),
    migration!(14, "0014_showcase"),
    migration!(15, "0015_attribution"),
    migration!(16, "0016_shop_settlement"),
    migration!(17, "0017_note_cards"),
    migration!(18, "0018_comment_threads"),
    migration!(19, "0019_notifications"),
    migration!(20, "0020_aftersales"),
    migration!(21, "0021_reviews"),
    migration!(22, "0022_coupons"),
    migration!(23, "0023_coupon_use"),
    migration!(24, "0024_platform_coupons"),
    migration!(25, "0025_analytics"),
    migration!(26, "0026_activity"),
    migration!(27, "0027_window_edges"),
    migration!(28, "0028_leads"),
    migration!(29, "0029_vouchers"),
    migration!(30, "0030_fewer_order_indexes"),
    migration!(31, "0031_session_devices"),
    migration!(32, "0032_recovery_and_mail"),
    migration!(33, "0033_account_deletion"),
];

impl Db {
    /// Apply any migrations not yet applied.
    pub async fn migrate(&self) -> Result<usize> {
        run(self, latest_migration()).await
    }

    /// Apply the migrations up to and including `last` only: a database as
    /// an older release left it, for the upgrade test.
    pub async fn migrate_up_to(&self, last: i64) -> Result<usize> {
        run(self, last).await
    }
}

/// The newest migration this binary knows: a database or backup beyond it
/// was written by a newer Haul.
pub fn latest_migration() -> i64 {
    MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0)
}

async fn run(db: &Db, last: i64) -> Result<usize> {
    let mut tx = db.write.begin().await?;
    if db.backend() == Backend::Postgres {
        // Several nodes may start at once; one migrates, the others wait.
        sqlx::query("SELECT pg_advisory_xact_lock(7201)").execute(&mut *tx).await?;
    }
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS haul_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    let applied: Vec<(i64,)> = sqlx::query_as("SELECT version FROM haul_migrations").fetch_all(&mut *tx).await?;
    let mut count = 0;
    for m in MIGRATIONS.iter().filter(|m| m.version <= last) {
        if applied.iter().any(|(v,)| *v == m.version) {
            continue;
        }
        let sql = match db.backend() {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO haul_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        count += 1;
    }
    tx.commit().await?;
    Ok(count)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
