//! The tar file itself: written from a database copy and the media folder,
//! and read back into a folder with every entry checked first. Blocking
//! I/O: callers run it on tokio's blocking threads.

use super::{BackupError, DB_ENTRY, MANIFEST_ENTRY, MEDIA_ENTRY, Manifest, Result, io};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};

/// Writes the archive to `dest`: the database copy at `db`, the files under
/// `media` (when media is local) and `manifest` with the counts filled in,
/// synced to disk. Returns the manifest written.
pub(super) fn write(dest: &Path, db: &Path, media: Option<&Path>, mut manifest: Manifest) -> Result<Manifest> {
    // Only its owner may read it: it holds password hashes, two-factor
    // secrets and the cookie key.
    let out = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(dest)
        .map_err(io(format!("creating {}", dest.display())))?;
    let mut tar = tar::Builder::new(BufWriter::new(out));
    let adding = |what: &str| io(format!("adding {what} to {}", dest.display()));
    let db_file = File::open(db).map_err(io(format!("opening {}", db.display())))?;
    manifest.database_bytes = append(&mut tar, DB_ENTRY, db_file).map_err(adding(DB_ENTRY))?;
    if let Some(root) = media {
        for rel in list_files(root).map_err(io(format!("listing {}", root.display())))? {
            let name = format!("{MEDIA_ENTRY}/{}", rel.to_string_lossy());
            // A file removed since the listing is skipped: it was deleted
            // while the backup ran, as it could have been just before.
            let file = match File::open(root.join(&rel)) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(adding(&name)(e)),
            };
            manifest.media_bytes += append(&mut tar, &name, file).map_err(adding(&name))?;
            manifest.media_files += 1;
        }
    }
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| adding(MANIFEST_ENTRY)(std::io::Error::other(e)))?;
    append_bytes(&mut tar, MANIFEST_ENTRY, &json).map_err(adding(MANIFEST_ENTRY))?;
    let out = tar.into_inner().map_err(adding("the end"))?;
    let out = out.into_inner().map_err(|e| adding("the end")(e.into_error()))?;
    out.sync_all().map_err(io(format!("syncing {}", dest.display())))?;
    Ok(manifest)
}

/// Appends `file` as `name` with the size it had when opened: a file that
/// grew is cut there and one that shrank is padded, so the archive stays
/// readable either way (Haul writes media by rename, so neither happens).
fn append(tar: &mut tar::Builder<impl Write>, name: &str, file: File) -> std::io::Result<u64> {
    let size = file.metadata()?.len();
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mtime(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()));
    let data = file.take(size).chain(std::io::repeat(0).take(size)).take(size);
    tar.append_data(&mut header, name, data)?;
    Ok(size)
}

fn append_bytes(tar: &mut tar::Builder<impl Write>, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, name, bytes)
}

/// Every regular file under `root`, relative to it, in a stable order;
/// files still being written (`*.part`, renamed when complete) are left out.
fn list_files(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(rel) = folders.pop() {
        let entries = match std::fs::read_dir(root.join(&rel)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = rel.join(entry.file_name());
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() && path.extension().is_none_or(|e| e != "part") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// What an archive held, unpacked into a folder.
pub(super) struct Unpacked {
    pub manifest: Manifest,
    pub db: PathBuf,
    /// `None` when the archive has no media.
    pub media: Option<PathBuf>,
    pub media_files: u64,
}

/// Unpacks the archive at `file` into the new folder `into`, refusing any
/// entry that is not a regular file or folder under `haul.db`, `media/` or
/// `manifest.json` (no `..`, no absolute path, no link), and every file
/// synced to disk.
pub(super) fn unpack(file: &Path, into: &Path) -> Result<Unpacked> {
    let bad = |e: std::io::Error| BackupError::BadArchive(e.to_string());
    let archive = File::open(file).map_err(io(format!("opening {}", file.display())))?;
    let mut tar = tar::Archive::new(std::io::BufReader::new(archive));
    let mut media_files = 0;
    for entry in tar.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let name = entry.path().map_err(bad)?.into_owned();
        let rel = safe_path(&name)?;
        let top = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
        let kind = entry.header().entry_type();
        let dest = into.join(&rel);
        match kind {
            tar::EntryType::Directory if top == MEDIA_ENTRY => {
                std::fs::create_dir_all(&dest).map_err(io(format!("creating {}", dest.display())))?;
            }
            tar::EntryType::Regular if top == MEDIA_ENTRY || rel == Path::new(DB_ENTRY) || rel == Path::new(MANIFEST_ENTRY) => {
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent).map_err(io(format!("creating {}", parent.display())))?;
                }
                if dest.exists() {
                    return Err(BackupError::BadArchive(format!("{} appears twice", name.display())));
                }
                let mut out = File::create(&dest).map_err(io(format!("creating {}", dest.display())))?;
                std::io::copy(&mut entry, &mut out).map_err(bad)?;
                out.sync_all().map_err(io(format!("syncing {}", dest.display())))?;
                media_files += u64::from(top == MEDIA_ENTRY);
            }
            _ => return Err(BackupError::BadArchive(format!("unexpected entry {} ({kind:?})", name.display()))),
        }
    }
    let manifest = std::fs::read(into.join(MANIFEST_ENTRY)).map_err(|_| BackupError::BadArchive("no manifest.json".into()))?;
    let manifest: Manifest = serde_json::from_slice(&manifest).map_err(|e| BackupError::BadArchive(format!("manifest.json: {e}")))?;
    let db = into.join(DB_ENTRY);
    if !db.is_file() {
        return Err(BackupError::BadArchive("no haul.db".into()));
    }
    let media = Some(into.join(MEDIA_ENTRY)).filter(|m| m.is_dir());
    Ok(Unpacked { manifest, db, media, media_files })
}

/// `name` as a relative path of plain parts, or the refusal.
fn safe_path(name: &Path) -> Result<PathBuf> {
    let mut rel = PathBuf::new();
    for part in name.components() {
        match part {
            Component::Normal(p) => rel.push(p),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(BackupError::UnsafeEntry(name.display().to_string()));
            }
        }
    }
    if rel.as_os_str().is_empty() {
        return Err(BackupError::UnsafeEntry(name.display().to_string()));
    }
    Ok(rel)
}

/// Syncs the folder holding `path`, so that a rename into it is on disk.
pub(super) fn sync_parent(path: &Path) -> Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    File::open(parent).and_then(|d| d.sync_all()).map_err(io(format!("syncing {}", parent.display())))
}

#[cfg(test)]
mod tests {
    use super::safe_path;
    use std::path::Path;

    #[test]
    fn entries_leaving_the_folder_are_refused() {
        assert!(safe_path(Path::new("../evil")).is_err());
        assert!(safe_path(Path::new("media/../../evil")).is_err());
        assert!(safe_path(Path::new("/etc/passwd")).is_err());
        assert!(safe_path(Path::new("./")).is_err());
        assert_eq!(safe_path(Path::new("./media/a/b.jpg")).ok().as_deref(), Some(Path::new("media/a/b.jpg")));
    }
}
