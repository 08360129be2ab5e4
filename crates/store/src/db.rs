//! Connecting to either backend with the settings each needs.

use crate::Result;
use crate::changes::Changes;
use haul_domain::affiliate::AffiliateTerms;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, AssertSqlSafe, Executor};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle: cheap to clone.
///
/// SQLite allows one writer at a time, and a transaction that reads before it
/// writes fails with `SQLITE_BUSY` when another writer got in between. So on
/// SQLite every write transaction goes through a one-connection `write` pool
/// (writes queue in the pool instead of failing) while reads use `read`. On
/// PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Db {
    pub(crate) read: AnyPool,
    pub(crate) write: AnyPool,
    backend: Backend,
    /// How orders are credited to creators and commission is held.
    pub(crate) affiliate: AffiliateTerms,
    pub(crate) changes: Arc<Changes>,
}

impl Db {
    /// `sqlite://path/to/haul.db` (created if missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Db> {
        install_default_drivers();
        let changes = Arc::new(Changes::default());
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // Separate pools as on SQLite, so that returning a write
            // connection counts a write (see `changes`); sixteen in all, as
            // one pool had, so as many nodes fit under the server's limit.
            let read = AnyPoolOptions::new().max_connections(8).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            let write = counting_writes(AnyPoolOptions::new().max_connections(8).acquire_timeout(Duration::from_secs(10)), &changes)
                .connect(url)
                .await?;
            return Ok(Db { read, write, backend: Backend::Postgres, affiliate: AffiliateTerms::default(), changes });
        }
        let url = if url.contains('?') { url.to_owned() } else { format!("{url}?mode=rwc") };
        // The writer commits with synchronous=FULL: an acknowledged order has
        // reached the disk, not only the OS cache.
        // One local connection: nothing to ping before each transaction.
        let write = counting_writes(AnyPoolOptions::new().max_connections(1).test_before_acquire(false), &changes)
            .after_connect(|c, _| sqlite_pragmas(c, "FULL", WRITER_CACHE_KIB))
            .connect(&url)
            .await?;
        let read = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(|c, _| sqlite_pragmas(c, "NORMAL", READER_CACHE_KIB))
            .connect(&url)
            .await?;
        Ok(Db { read, write, backend: Backend::Sqlite, affiliate: AffiliateTerms::default(), changes })
    }

    /// The count of writes that caches of the record check.
    pub fn changes(&self) -> &Arc<Changes> {
        &self.changes
    }

    /// Counts a write at once, for an edit its author reads back next.
    pub(crate) fn wrote(&self) {
        self.changes.wrote();
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The same handle, crediting and holding commission by `terms`.
    pub fn with_affiliate_terms(mut self, terms: AffiliateTerms) -> Db {
        self.affiliate = terms;
        self
    }

    pub fn affiliate_terms(&self) -> AffiliateTerms {
        self.affiliate
    }

    /// This installation's id (made on first call from `candidate`).
    pub async fn install_id(&self, candidate: &str) -> Result<String> {
        self.setting_or("install_id", candidate).await
    }

    /// The setting `key`, set to `candidate` first if it has none; every node
    /// of one installation reads the same value.
    pub async fn setting_or(&self, key: &str, candidate: &str) -> Result<String> {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(candidate)
            .execute(&self.write)
            .await?;
        let (value,): (String,) = sqlx::query_as("SELECT value FROM settings WHERE key = $1").bind(key).fetch_one(&self.write).await?;
        Ok(value)
    }

    /// A trivial round trip, for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }
}

/// A write pool whose connections count a write each time they come back.
/// They live as long as they work: a connection closed for its age would
/// skip the count.
fn counting_writes(options: AnyPoolOptions, changes: &Arc<Changes>) -> AnyPoolOptions {
    let changes = changes.clone();
    options.max_lifetime(None).after_release(move |_, _| {
        changes.wrote();
        Box::pin(async { Ok(true) })
    })
}

/// Page caches: the one writer keeps the indexes it updates in memory (the
/// rollups' batches touch pages all over them); each reader a smaller one.
const WRITER_CACHE_KIB: i64 = 64 * 1024;
const READER_CACHE_KIB: i64 = 8 * 1024;

fn sqlite_pragmas<'c>(conn: &'c mut sqlx::AnyConnection, synchronous: &'static str, cache_kib: i64) -> BoxFuture<'c, sqlx::Result<()>> {
    Box::pin(async move {
        let sql = format!(
            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = {synchronous}; \
             PRAGMA cache_size = -{cache_kib};"
        );
        conn.execute(AssertSqlSafe(sql)).await?;
        Ok(())
    })
}

/// Which database a transaction runs on.
pub(crate) fn backend_of(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Backend {
    if tx.backend_name().starts_with("Postgre") { Backend::Postgres } else { Backend::Sqlite }
}

/// `(?, ?), (?, ?)` for a multi-row statement: positional `?` on SQLite
/// (numbered `$N` makes its binding quadratic), `$N` on PostgreSQL.
pub(crate) fn values(backend: Backend, rows: usize, cols: usize) -> String {
    let one = |r: usize| -> String {
        let marks: Vec<String> = match backend {
            Backend::Sqlite => vec!["?".to_owned(); cols],
            Backend::Postgres => (1..=cols).map(|c| format!("${}", r * cols + c)).collect(),
        };
        format!("({})", marks.join(", "))
    };
    (0..rows).map(one).collect::<Vec<_>>().join(", ")
}

/// `n` parameters for an `IN (...)` list after `first - 1` others:
/// positional on SQLite (see `db::values`), numbered on PostgreSQL.
pub(crate) fn in_list(backend: Backend, first: usize, n: usize) -> String {
    match backend {
        Backend::Sqlite => vec!["?"; n].join(", "),
        Backend::Postgres => crate::db::params(first, n),
    }
}

/// `$first, $first+1, ...`: `n` numbered parameters for an `IN (...)` list
/// after `first - 1` others.
pub(crate) fn params(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}
