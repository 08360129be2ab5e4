//! Where uploaded media lives: by default a local folder served under
//! `/media`; with `media_url = "s3://bucket/prefix"` an S3-compatible object
//! store (Amazon S3, Garage, MinIO), which every node reads and writes, so
//! two nodes serve the same uploads, posters, pictures, covers and replays.

use crate::config::Config;
use crate::error::{AppError, AppResult};
use axum::body::Body;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use haul_domain::ErrorCode;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct MediaStore {
    root: PathBuf,
    remote: Option<Remote>,
}

#[derive(Clone, Debug)]
struct Remote {
    store: Arc<AmazonS3>,
    /// Every key is stored under this prefix of the bucket (none: the bucket's root).
    prefix: String,
}

impl Remote {
    fn key(&self, key: &str) -> Key {
        if self.prefix.is_empty() { Key::from(key) } else { Key::from(format!("{}/{key}", self.prefix)) }
    }
}

impl MediaStore {
    pub fn local(root: PathBuf) -> Self {
        MediaStore { root, remote: None }
    }

    /// The store the configuration names: the object store of `media_url`,
    /// else the local folder.
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let Some(url) = config.media_url.as_deref().filter(|u| !u.is_empty()) else {
            return Ok(Self::local(config.media_dir()));
        };
        let rest = url.strip_prefix("s3://").ok_or("HAUL_MEDIA_URL names an object store as s3://bucket/prefix")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let mut builder = AmazonS3Builder::new().with_bucket_name(bucket).with_region(&config.s3_region);
        if let Some(endpoint) = &config.s3_endpoint {
            builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
        }
        if let (Some(id), Some(secret)) = (&config.s3_access_key_id, &config.s3_secret_access_key) {
            builder = builder.with_access_key_id(id).with_secret_access_key(secret);
        }
        let store = builder.build().map_err(|e| format!("the object store of HAUL_MEDIA_URL: {e}"))?;
        Ok(MediaStore {
            root: config.media_dir(),
            remote: Some(Remote { store: Arc::new(store), prefix: prefix.trim_matches('/').to_owned() }),
        })
    }

    pub fn root(&self) -> &PathBuf {
        &self.root
    }

    pub fn is_remote(&self) -> bool {
        self.remote.is_some()
    }

    /// Where `key` is on this machine's disk, when media is kept there.
    pub fn local_file(&self, key: &str) -> Option<PathBuf> {
        self.remote.is_none().then(|| self.root.join(key))
    }

    /// Stores `bytes` under `key` (a relative path that Haul made, never one
    /// a client chose) and returns the URL to show it.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<String> {
        if let Some(remote) = &self.remote {
            remote.store.put(&remote.key(key), PutPayload::from(bytes.to_vec())).await.map_err(std::io::Error::other)?;
            return Ok(Self::url(key));
        }
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
            let removed = match &self.remote {
                Some(remote) => remote.store.delete(&remote.key(key)).await.map_err(std::io::Error::other),
                None => tokio::fs::remove_file(self.root.join(key)).await,
            };
            if let Err(e) = removed {
                tracing::warn!(error = %e, key, "an unused upload was not removed");
            }
        }
    }

    pub fn url(key: &str) -> String {
        format!("/media/{key}")
    }

    /// A room's replay, written by this node's media server into `hls_dir`,
    /// copied to the object store (under `hls/`), where every node finds it.
    pub async fn keep_replay(&self, hls_dir: &Path, room: i64) -> std::io::Result<()> {
        if self.remote.is_none() {
            return Ok(());
        }
        let prefix = format!("{room}-replay");
        let mut entries = tokio::fs::read_dir(hls_dir).await?;
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix) {
                self.put(&format!("hls/{name}"), &tokio::fs::read(entry.path()).await?).await?;
            }
        }
        Ok(())
    }

    /// Answers a GET of `key` from the object store, a byte range of it when
    /// the request asks for one (players seek in videos that way).
    pub async fn serve(&self, key: &str, request: &HeaderMap) -> Response {
        let Some(remote) = &self.remote else { return StatusCode::NOT_FOUND.into_response() };
        if key.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
            return StatusCode::NOT_FOUND.into_response();
        }
        let range = request.get(header::RANGE).and_then(|v| v.to_str().ok()).and_then(byte_range);
        let asked_range = range.is_some();
        let options = GetOptions { range, ..GetOptions::default() };
        let got = match remote.store.get_opts(&remote.key(key), options).await {
            Ok(got) => got,
            Err(object_store::Error::NotFound { .. }) => return StatusCode::NOT_FOUND.into_response(),
            Err(e) if asked_range && matches!(e, object_store::Error::Generic { .. }) => {
                return StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            }
            Err(e) => {
                tracing::warn!(error = %e, key, "media not read from the object store");
                return StatusCode::BAD_GATEWAY.into_response();
            }
        };
        let (size, span) = (got.meta.size, got.range.clone());
        let mut response = Response::new(Body::from_stream(got.into_stream()));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(key)));
        headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(span.end - span.start));
        if asked_range {
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            let content_range = format!("bytes {}-{}/{size}", span.start, span.end.saturating_sub(1));
            if let Ok(v) = HeaderValue::from_str(&content_range) {
                response.headers_mut().insert(header::CONTENT_RANGE, v);
            }
        }
        response
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

/// One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else
/// (several ranges) is answered whole.
fn byte_range(header: &str) -> Option<GetRange> {
    let spec = header.strip_prefix("bytes=")?.trim();
    let (from, to) = spec.split_once('-')?;
    match (from.parse::<u64>().ok(), to.parse::<u64>().ok()) {
        (Some(a), Some(b)) if b >= a => Some(GetRange::Bounded(a..b.saturating_add(1))),
        (Some(a), None) if to.is_empty() => Some(GetRange::Offset(a)),
        (None, Some(n)) if from.is_empty() && n > 0 => Some(GetRange::Suffix(n)),
        _ => None,
    }
}

/// The media type of a key Haul made, by its extension.
fn content_type(key: &str) -> &'static str {
    match key.rsplit('.').next().unwrap_or("") {
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "m3u8" => "application/vnd.apple.mpegurl",
        "ts" => "video/mp2t",
        _ => "application/octet-stream",
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
