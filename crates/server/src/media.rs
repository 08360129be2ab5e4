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

/// Uploads are read into memory before their bytes are checked, so only this
/// many are read at once per process (the rest wait their turn before any of
/// their body is read): memory for uploads stays below this many times the
/// largest upload.
pub const UPLOADS_AT_ONCE: usize = 4;

/// Middleware for the upload routes: waits for one of `UPLOADS_AT_ONCE` turns.
pub async fn one_of_few(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    static TURNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(UPLOADS_AT_ONCE);
    // Never closed, so this is always a turn, held until the answer.
    let _turn = TURNS.acquire().await;
    next.run(req).await
}
