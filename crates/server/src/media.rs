//! Where uploaded media lives. The default is a local folder served under
//! `/media`; an object store (S3-compatible) slots in behind the same two
//! calls when Haul runs on several nodes.

use crate::error::{AppError, AppResult};
use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use haul_domain::ErrorCode;
use std::path::PathBuf;
use std::time::Duration;

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

    /// Removes what `keys` stored (pictures of a request that was then
    /// refused), so refused uploads leave nothing behind; best effort.
    pub async fn remove(&self, keys: &[String]) {
        for key in keys {
            if let Err(e) = tokio::fs::remove_file(self.root.join(key)).await {
                tracing::warn!(error = %e, key, "an unused upload was not removed");
            }
        }
    }

    pub fn url(key: &str) -> String {
        format!("/media/{key}")
    }

    /// Checks and stores the pictures an upload sent as `field`: at most
    /// `max`, each JPEG, PNG, GIF or WebP by its bytes (all are checked
    /// before any is stored); their keys, under `folder/`.
    pub async fn put_pictures(&self, folder: &str, parts: &[(String, Vec<u8>)], field: &'static str, max: usize) -> AppResult<Vec<String>> {
        let images: Vec<&Vec<u8>> = parts.iter().filter(|(n, b)| n == field && !b.is_empty()).map(|(_, b)| b).collect();
        if images.len() > max {
            return Err(haul_domain::DomainError::invalid(field, format!("at most {max}")).into());
        }
        let mut kinds = Vec::with_capacity(images.len());
        for bytes in &images {
            kinds.push(
                haul_domain::catalog::sniff_image(bytes)
                    .ok_or_else(|| AppError::new(ErrorCode::UnsupportedImage, "images are JPEG, PNG, GIF or WebP"))?,
            );
        }
        let mut keys = Vec::with_capacity(images.len());
        for (bytes, kind) in images.iter().zip(kinds) {
            let key = format!("{folder}/{}.{}", &crate::auth::random_token()[..24], kind.trim_start_matches("image/"));
            self.put(&key, bytes).await.map_err(AppError::internal)?;
            keys.push(key);
        }
        Ok(keys)
    }
}

/// The last value sent for a text field of an upload, trimmed; empty if none.
pub fn text_field(parts: &[(String, Vec<u8>)], name: &str) -> String {
    parts.iter().rev().find(|(n, _)| n == name).map(|(_, b)| String::from_utf8_lossy(b).trim().to_owned()).unwrap_or_default()
}

/// Uploads are read into memory before their bytes are checked, so only this
/// many are read at once per process, and only after the uploader is known
/// (the turn is taken when the body is first read, after sign-in is checked).
/// Memory for uploads stays below this many times the largest upload.
pub const UPLOADS_AT_ONCE: usize = 4;
/// How long an upload waits for its turn, and how long its body may stall.
const UPLOAD_WAIT: Duration = Duration::from_secs(30);
/// After its first `UPLOAD_WAIT`, an upload must keep up this average, so a
/// sender trickling bytes cannot hold a turn for long.
const MIN_BYTES_PER_SECOND: u64 = 16 * 1024;

/// Every field of a multipart upload in order, names repeated as sent: files
/// up to `max_file` bytes, text fields up to 64 KiB.
pub async fn read_upload(mut form: Multipart, max_file: usize) -> AppResult<Vec<(String, Vec<u8>)>> {
    static TURNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(UPLOADS_AT_ONCE);
    let _turn = tokio::time::timeout(UPLOAD_WAIT, TURNS.acquire())
        .await
        .map_err(|_| AppError::new(ErrorCode::UploadsBusy, "many uploads are under way; try again in a minute"))?;
    let stalled = || AppError::new(ErrorCode::UploadStalled, "the upload stopped sending; try again");
    let broken = |e: MultipartError| AppError::new(ErrorCode::InvalidUpload, e.body_text());
    let started = tokio::time::Instant::now();
    let mut received: u64 = 0;
    // A stall of `UPLOAD_WAIT`, or falling below the average, ends it.
    let deadline = |received: u64| {
        let average = started + UPLOAD_WAIT + Duration::from_secs(received / MIN_BYTES_PER_SECOND);
        average.min(tokio::time::Instant::now() + UPLOAD_WAIT)
    };
    let mut fields = Vec::new();
    while let Some(mut field) =
        tokio::time::timeout_at(deadline(received), form.next_field()).await.map_err(|_| stalled())?.map_err(broken)?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let max = if field.file_name().is_some() { max_file } else { 64 * 1024 };
        let mut bytes = Vec::new();
        while let Some(chunk) = tokio::time::timeout_at(deadline(received), field.chunk()).await.map_err(|_| stalled())?.map_err(broken)? {
            received += chunk.len() as u64;
            bytes.extend_from_slice(&chunk);
            if bytes.len() > max {
                return Err(AppError::new(ErrorCode::FileTooLarge, format!("{name} is at most {max} bytes")));
            }
        }
        fields.push((name, bytes));
    }
    Ok(fields)
}
