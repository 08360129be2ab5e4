//! Where uploaded media lives. The default is a local folder served under
//! `/media`; an object store (S3-compatible) slots in behind the same two
//! calls when Haul runs on several nodes.

use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct MediaStore {
    root: PathBuf,
}

impl MediaStore {
    pub fn local(root: PathBuf) -> Self {
        MediaStore { root }
    }

    pub fn root(&self) -> &PathBuf {
        &self.root
    }

    /// Stores `bytes` under `key` (a relative path that Haul made, never one
    /// a client chose) and returns the URL to show it.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<String> {
        let path = self.root.join(key);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        // Write then rename, so a reader never sees half a file.
        let tmp = path.with_extension("part");
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
        Ok(Self::url(key))
    }

    pub fn url(key: &str) -> String {
        format!("/media/{key}")
    }
}
