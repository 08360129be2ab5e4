//! `haul backup` and `haul restore`: the embedded SQLite database and the
//! local media folder in one tar file, taken while Haul runs, and put back
//! with checks. PostgreSQL and object storage have tools of their own
//! (`docs/OPERATIONS.md`).
//!
//! The archive holds `haul.db` (a consistent copy of the database),
//! `media/...` (the local media files) and `manifest.json` (what the rest
//! is, written last).

mod archive;
mod restore;

pub use restore::{Restored, restore};

use crate::config::Config;
use haul_store::sqlite_file;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The layout of the archive; a restore refuses any other.
pub const FORMAT: u32 = 1;
const DB_ENTRY: &str = "haul.db";
const MEDIA_ENTRY: &str = "media";
const MANIFEST_ENTRY: &str = "manifest.json";

/// What a backup holds, as `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The Haul that took the backup.
    pub haul_version: String,
    /// The newest migration applied to the database copy.
    pub migration: i64,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub database_bytes: u64,
    pub media_files: u64,
    pub media_bytes: u64,
    /// Media is in an object store, not in this archive.
    pub media_in_object_storage: bool,
}

#[derive(Debug, Error)]
pub enum BackupError {
    #[error(
        "this Haul keeps its record in PostgreSQL: back it up with pg_dump and restore it with pg_restore (docs/OPERATIONS.md, \"Backup\")"
    )]
    Postgres,
    #[error("no database at {0}")]
    NoDatabase(PathBuf),
    #[error("{0} holds no Haul migrations: it is not a Haul database")]
    NotHaul(PathBuf),
    #[error("the database copy failed its integrity check: {0}")]
    Corrupt(String),
    #[error("{what}: {source}")]
    Io { what: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] haul_store::StoreError),
    #[error("not a Haul backup: {0}")]
    BadArchive(String),
    #[error("refusing an archive entry outside the data folder: {0}")]
    UnsafeEntry(String),
    #[error(
        "the database in place is at migration {in_place}, newer than the backup's {backup}: restoring would take it back to an older \
         release. If that is what you want, stop Haul and move {path} aside yourself first"
    )]
    NewerInPlace { in_place: i64, backup: i64, path: PathBuf },
    #[error(
        "the backup is at migration {backup}, newer than this Haul knows ({known}): restore it with the Haul that took it, or a newer one"
    )]
    FromNewerHaul { backup: i64, known: i64 },
    #[error("a database is already at {0}: pass --force to move it aside (it is kept, not deleted) and restore")]
    DatabaseExists(PathBuf),
    #[error("a running Haul has {0} open: stop it before restoring")]
    InUse(PathBuf),
}

pub type Result<T, E = BackupError> = std::result::Result<T, E>;

/// Adds what was being done to an I/O error.
pub(crate) fn io(what: String) -> impl FnOnce(std::io::Error) -> BackupError {
    move |source| BackupError::Io { what, source }
}

/// A backup written.
#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    pub manifest: Manifest,
}

/// Writes a backup of this Haul's database and local media to `file`.
///
/// The archive is written to `<file>.partial` and renamed when complete and
/// on disk, so a backup cut short never looks like one.
pub async fn backup(config: &Config, file: &Path) -> Result<Written> {
    let db = database_file(config)?;
    if !db.is_file() {
        return Err(BackupError::NoDatabase(db));
    }
    let partial = with_suffix(file, ".partial");
    let snapshot = with_suffix(file, ".db-copy.partial");
    // A copy left by a backup that was cut short: VACUUM INTO wants a new file.
    remove_if_present(&snapshot)?;
    let written = take(config, &db, &snapshot, &partial, file).await;
    remove_if_present(&snapshot)?;
    if written.is_err() {
        remove_if_present(&partial)?;
    }
    written
}

async fn take(config: &Config, db: &Path, snapshot: &Path, partial: &Path, file: &Path) -> Result<Written> {
    sqlite_file::copy_consistent(db, snapshot).await?;
    let migration = sqlite_file::newest_migration(snapshot).await?.ok_or_else(|| BackupError::NotHaul(db.to_owned()))?;
    let check = sqlite_file::integrity(snapshot).await?;
    if check != "ok" {
        return Err(BackupError::Corrupt(check));
    }
    // The media folder is listed after the database was copied: every file
    // the copy refers to was written before its row, so it is listed.
    let media = (!media_in_object_storage(config)).then(|| config.media_dir());
    let manifest = Manifest {
        format: FORMAT,
        haul_version: env!("CARGO_PKG_VERSION").to_owned(),
        migration,
        created_at: now_rfc3339(),
        database_bytes: 0,
        media_files: 0,
        media_bytes: 0,
        media_in_object_storage: media.is_none(),
    };
    let (snapshot, partial_owned) = (snapshot.to_owned(), partial.to_owned());
    let manifest = tokio::task::spawn_blocking(move || archive::write(&partial_owned, &snapshot, media.as_deref(), manifest))
        .await
        .map_err(|e| BackupError::Io { what: "writing the archive".into(), source: std::io::Error::other(e) })??;
    std::fs::rename(partial, file).map_err(io(format!("renaming {} to {}", partial.display(), file.display())))?;
    archive::sync_parent(file)?;
    Ok(Written { path: file.to_owned(), manifest })
}

/// The SQLite file this Haul uses; PostgreSQL is refused.
pub(crate) fn database_file(config: &Config) -> Result<PathBuf> {
    sqlite_file::path_of(&config.database_url()).ok_or(BackupError::Postgres)
}

/// Media is kept in an S3-compatible store (`media_url = "s3://..."`).
pub fn media_in_object_storage(config: &Config) -> bool {
    config.media_url.as_deref().is_some_and(|u| u.starts_with("s3://"))
}

pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

pub(crate) fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(format!("removing {}", path.display()))(e)),
        _ => Ok(()),
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// `20261204T170355.123Z`: a name part for what a restore moves aside.
pub(crate) fn stamp() -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second].[subsecond digits:3]Z");
    time::OffsetDateTime::now_utc().format(&format).unwrap_or_else(|_| "now".into())
}
