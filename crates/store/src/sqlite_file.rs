//! A SQLite database as a file, for `haul backup` and `haul restore`: a
//! consistent copy taken while Haul writes to it, the newest migration a
//! file holds, its integrity, and whether another process has it open. Each
//! call opens one connection of its own, apart from any `Db`'s pools.

use crate::Result;
use sqlx::any::install_default_drivers;
use sqlx::{AnyConnection, AssertSqlSafe, Connection, Executor};
use std::path::{Path, PathBuf};

/// The file a `sqlite://` URL names (its query string dropped), or `None`
/// for any other database (PostgreSQL).
pub fn path_of(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Opens the existing file `path` (never creating it) for reading and
/// writing, waiting `busy_ms` for a lock before giving up.
async fn open(path: &Path, busy_ms: u32) -> Result<AnyConnection> {
    install_default_drivers();
    let mut conn = AnyConnection::connect(&format!("sqlite://{}?mode=rw", path.display())).await?;
    conn.execute(AssertSqlSafe(format!("PRAGMA busy_timeout = {busy_ms}"))).await?;
    Ok(conn)
}

/// Writes a consistent copy of the database at `source` to `dest` (which
/// must not exist) while other connections go on writing.
///
/// `VACUUM INTO` reads the whole database in one read transaction, so the
/// copy is the database as of one moment, including what is still in the
/// WAL; in WAL mode it never blocks the writer. SQLite's online backup API
/// would do as well, but sqlx's `Any` driver does not reach it. SQLite does
/// not fsync the copy: the caller syncs whatever it makes of it.
pub async fn copy_consistent(source: &Path, dest: &Path) -> Result<()> {
    let mut conn = open(source, 10_000).await?;
    sqlx::query("VACUUM INTO $1").bind(dest.to_string_lossy().into_owned()).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// The newest migration applied to the database at `path`; `None` when it
/// has no migrations table (an empty or foreign file).
pub async fn newest_migration(path: &Path) -> Result<Option<i64>> {
    let mut conn = open(path, 10_000).await?;
    let (tables,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'haul_migrations'").fetch_one(&mut conn).await?;
    let newest = if tables == 0 {
        None
    } else {
        let (max,): (Option<i64>,) = sqlx::query_as("SELECT MAX(version) FROM haul_migrations").fetch_one(&mut conn).await?;
        max
    };
    conn.close().await?;
    Ok(newest)
}

/// `PRAGMA integrity_check` on the database at `path`: `"ok"`, or SQLite's
/// list of what is wrong.
pub async fn integrity(path: &Path) -> Result<String> {
    let mut conn = open(path, 10_000).await?;
    let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check").fetch_all(&mut conn).await?;
    conn.close().await?;
    Ok(rows.into_iter().map(|(line,)| line).collect::<Vec<_>>().join("\n"))
}

/// Makes the database at `path` one self-contained file, if no other
/// process has it open: its WAL is checkpointed into it and removed, so the
/// file can be moved aside on its own. Answers `false`, changing nothing,
/// while another connection (a running Haul) has the database open.
///
/// Leaving WAL mode needs every other connection closed, whether or not it
/// is in a transaction; `BEGIN EXCLUSIVE` would not tell an idle server
/// apart from a stopped one, since in WAL mode readers never block it.
pub async fn close_if_unused(path: &Path) -> Result<bool> {
    let mut conn = open(path, 0).await?;
    let mode: std::result::Result<(String,), sqlx::Error> = sqlx::query_as("PRAGMA journal_mode = DELETE").fetch_one(&mut conn).await;
    conn.close().await?;
    match mode {
        Ok((mode,)) => Ok(mode.eq_ignore_ascii_case("delete")),
        Err(sqlx::Error::Database(e)) if e.message().contains("locked") || e.message().contains("busy") => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::path_of;
    use std::path::PathBuf;

    #[test]
    fn a_sqlite_url_names_its_file_and_postgres_names_none() {
        assert_eq!(path_of("sqlite:///srv/haul/haul.db?mode=rwc"), Some(PathBuf::from("/srv/haul/haul.db")));
        assert_eq!(path_of("sqlite://haul-data/haul.db"), Some(PathBuf::from("haul-data/haul.db")));
        assert_eq!(path_of("postgres://haul@db/haul"), None);
        assert_eq!(path_of("sqlite::memory:"), None);
    }
}
