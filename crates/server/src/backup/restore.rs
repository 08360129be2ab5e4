//! `haul restore`: a backup unpacked beside the data folder, checked, and
//! only then renamed into place; what was there is moved aside, never
//! deleted.

use super::archive::{self, Unpacked};
use super::{BackupError, Manifest, Result, database_file, io, stamp, with_suffix};
use crate::config::Config;
use haul_store::sqlite_file;
use std::path::{Path, PathBuf};

/// A backup put in place.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    pub database: PathBuf,
    /// What was moved aside to make room.
    pub kept: Vec<PathBuf>,
}

/// Restores the backup `file` into this Haul's data folder. Refuses a
/// backup from a newer Haul, one older than the database in place, and,
/// without `force`, any database in place; with `force` that database and
/// the media folder are moved aside as `*.before-restore-<time>`.
pub async fn restore(config: &Config, file: &Path, force: bool) -> Result<Restored> {
    let db = database_file(config)?;
    if !file.is_file() {
        return Err(BackupError::Io { what: format!("reading {}", file.display()), source: std::io::ErrorKind::NotFound.into() });
    }
    std::fs::create_dir_all(&config.data_dir).map_err(io(format!("creating {}", config.data_dir.display())))?;
    let staging = config.data_dir.join(format!(".restore-{}", stamp()));
    std::fs::create_dir(&staging).map_err(io(format!("creating {}", staging.display())))?;
    let restored = unpack_and_place(config, file, &staging, &db, force).await;
    // Only our own unpacked copy: whatever was put in place has left it.
    let _ = std::fs::remove_dir_all(&staging);
    restored
}

async fn unpack_and_place(config: &Config, file: &Path, staging: &Path, db: &Path, force: bool) -> Result<Restored> {
    let (file_owned, staging_owned) = (file.to_owned(), staging.to_owned());
    let unpacked = tokio::task::spawn_blocking(move || archive::unpack(&file_owned, &staging_owned))
        .await
        .map_err(|e| BackupError::Io { what: "unpacking the archive".into(), source: std::io::Error::other(e) })??;
    check(&unpacked).await?;
    let backup = unpacked.manifest.migration;
    let mut kept = Vec::new();
    if db.exists() {
        if let Ok(Some(in_place)) = sqlite_file::newest_migration(db).await
            && in_place > backup
        {
            return Err(BackupError::NewerInPlace { in_place, backup, path: db.to_owned() });
        }
        if !force {
            return Err(BackupError::DatabaseExists(db.to_owned()));
        }
        // A file that is not a database at all cannot be open in a Haul.
        if !sqlite_file::close_if_unused(db).await.unwrap_or(true) {
            return Err(BackupError::InUse(db.to_owned()));
        }
    }
    let aside = format!(".before-restore-{}", stamp());
    for path in [db.to_owned(), with_suffix(db, "-wal"), with_suffix(db, "-shm")] {
        kept.extend(move_aside(&path, &aside)?);
    }
    let media = config.media_dir();
    let has_media = std::fs::read_dir(&media).is_ok_and(|mut d| d.next().is_some());
    if has_media {
        kept.extend(move_aside(&media, &aside)?);
    } else {
        let _ = std::fs::remove_dir(&media);
    }
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
    }
    place(&unpacked.db, db)?;
    match &unpacked.media {
        Some(unpacked_media) => place(unpacked_media, &media)?,
        None => std::fs::create_dir_all(&media).map_err(io(format!("creating {}", media.display())))?,
    }
    Ok(Restored { manifest: unpacked.manifest, database: db.to_owned(), kept })
}

/// The unpacked copy is what its manifest says, and a sound database this
/// Haul can open.
async fn check(unpacked: &Unpacked) -> Result<()> {
    let manifest = &unpacked.manifest;
    if manifest.format != super::FORMAT {
        return Err(BackupError::BadArchive(format!("format {} (this Haul reads {})", manifest.format, super::FORMAT)));
    }
    let known = haul_store::latest_migration();
    if manifest.migration > known {
        return Err(BackupError::FromNewerHaul { backup: manifest.migration, known });
    }
    if unpacked.media_files != manifest.media_files {
        return Err(BackupError::BadArchive(format!(
            "{} media files where the manifest lists {}",
            unpacked.media_files, manifest.media_files
        )));
    }
    let integrity = sqlite_file::integrity(&unpacked.db).await.map_err(|e| BackupError::Corrupt(e.to_string()))?;
    if integrity != "ok" {
        return Err(BackupError::Corrupt(integrity));
    }
    let holds = sqlite_file::newest_migration(&unpacked.db).await?;
    if holds != Some(manifest.migration) {
        return Err(BackupError::BadArchive(format!(
            "its database is at migration {holds:?} where the manifest says {}",
            manifest.migration
        )));
    }
    Ok(())
}

/// Renames `path` to `path<suffix>` if it exists.
fn move_aside(path: &Path, suffix: &str) -> Result<Option<PathBuf>> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let to = with_suffix(path, suffix);
    std::fs::rename(path, &to).map_err(io(format!("moving {} aside to {}", path.display(), to.display())))?;
    Ok(Some(to))
}

/// Renames `from` (unpacked in the data folder) to `to` and syncs the folder.
/// A database kept outside the data folder, on another file system, is
/// copied there first and renamed within its own folder.
fn place(from: &Path, to: &Path) -> Result<()> {
    if std::fs::rename(from, to).is_err() {
        if !from.is_file() {
            return Err(BackupError::Io {
                what: format!("moving {} to {}", from.display(), to.display()),
                source: std::io::Error::other("not on the same file system as the data folder"),
            });
        }
        let near = with_suffix(to, ".restoring");
        std::fs::copy(from, &near).map_err(io(format!("copying {} to {}", from.display(), near.display())))?;
        std::fs::File::open(&near).and_then(|f| f.sync_all()).map_err(io(format!("syncing {}", near.display())))?;
        std::fs::rename(&near, to).map_err(io(format!("moving {} to {}", near.display(), to.display())))?;
    }
    archive::sync_parent(to)
}
