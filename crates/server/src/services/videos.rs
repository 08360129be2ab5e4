//! Short videos: publishing an upload (checked by its bytes, with a
//! poster), reactions, events counted once per viewer a day, follows.

use crate::AppState;
use crate::auth::random_token;
use crate::error::{AppError, AppResult};
use axum::extract::Multipart;
use haul_domain::DomainError;
use haul_domain::ErrorCode;
use haul_domain::catalog::{ProductStatus, sniff_image};
use haul_domain::content::{MAX_ANCHORS, MAX_DURATION_MS, caption, hashtags, mp4_duration_ms, sniff_video};
use haul_domain::feed::hard_sell::hard_sell;
use haul_domain::ids::{ProductId, SkuId, UserId, VideoId};
use haul_store::accounts::User;
use haul_store::content::{NewVideo, VideoDetail};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

#[derive(Deserialize, Serialize, ToSchema)]
pub struct AnchorInput {
    pub product_id: i64,
    pub sku_id: Option<i64>,
    /// When in the video the buy card appears (milliseconds); all along if absent.
    pub at_ms: Option<i64>,
}

/// A video as clients get it: the record, where to play it, and its cards.
#[derive(Serialize, ToSchema)]
pub struct VideoView {
    #[serde(flatten)]
    pub detail: VideoDetail,
    pub url: String,
    pub poster_url: Option<String>,
}

pub fn view(detail: VideoDetail) -> VideoView {
    let url = crate::media::MediaStore::url(&detail.video.media_key);
    let poster_url = detail.video.poster_key.as_deref().map(crate::media::MediaStore::url);
    VideoView { detail, url, poster_url }
}

/// Reads every field of a multipart form; files up to `max_file` bytes,
/// text fields up to 64 KiB. A later field of the same name wins.
pub async fn read_fields(form: Multipart, max_file: usize) -> AppResult<HashMap<String, Vec<u8>>> {
    Ok(crate::media::read_upload(form, max_file).await?.into_iter().collect())
}

/// A frame of the video as its poster, if ffmpeg is installed and can read it.
async fn poster_from(path: &std::path::Path) -> Option<Vec<u8>> {
    let out = path.with_extension("poster.jpg");
    let run = tokio::process::Command::new("ffmpeg")
        .args(["-y", "-loglevel", "error", "-ss", "0.5", "-i"])
        .arg(path)
        .args(["-frames:v", "1", "-vf", "scale=480:-2"])
        .arg(&out)
        .kill_on_drop(true)
        .status();
    let ok = tokio::time::timeout(std::time::Duration::from_secs(20), run).await.ok()?.ok()?.success();
    let bytes = if ok { tokio::fs::read(&out).await.ok() } else { None };
    let _ = tokio::fs::remove_file(&out).await;
    bytes
}

/// A poster from a video kept elsewhere: from a copy in the temporary folder.
async fn poster_from_bytes(bytes: &[u8], ext: &str) -> Option<Vec<u8>> {
    let path = std::env::temp_dir().join(format!("haul-poster-{}.{ext}", &random_token()[..16]));
    tokio::fs::write(&path, bytes).await.ok()?;
    let poster = poster_from(&path).await;
    let _ = tokio::fs::remove_file(&path).await;
    poster
}

/// Validates and stores an upload; shared with the studio page.
pub async fn publish(state: &AppState, user: &User, fields: HashMap<String, Vec<u8>>) -> AppResult<VideoView> {
    let text = |name: &str| fields.get(name).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    let bytes = fields
        .get("file")
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::new(ErrorCode::InvalidUpload, "send the video in a field named `file`"))?;
    let (content_type, ext) = sniff_video(bytes).ok_or_else(|| AppError::new(ErrorCode::UnsupportedVideo, "send an MP4 or WebM video"))?;
    let caption = caption(&text("caption"))?;
    let tags = hashtags(&caption);
    let anchors: Vec<AnchorInput> = match text("anchors").trim() {
        "" => Vec::new(),
        json => serde_json::from_str(json)
            .map_err(|e| DomainError::invalid("anchors", format!("a JSON list of {{product_id, sku_id, at_ms}}: {e}")))?,
    };
    if anchors.len() > MAX_ANCHORS {
        return Err(DomainError::invalid("anchors", format!("at most {MAX_ANCHORS}")).into());
    }
    let given: Option<i64> = match text("duration_ms").trim() {
        "" => None,
        t => Some(t.parse().map_err(|_| DomainError::invalid("duration_ms", "milliseconds"))?),
    };
    let duration_ms = if ext == "mp4" { mp4_duration_ms(bytes).or(given) } else { given }.unwrap_or(0);
    if !(0..=MAX_DURATION_MS).contains(&duration_ms) || anchors.iter().any(|a| a.at_ms.is_some_and(|t| !(0..=MAX_DURATION_MS).contains(&t)))
    {
        return Err(DomainError::invalid("duration_ms", "short videos run up to ten minutes").into());
    }
    // Whatever a client can get wrong is checked before any file is stored.
    let uploaded_poster = match fields.get("poster").filter(|b| !b.is_empty()) {
        Some(p) => Some((
            p.clone(),
            sniff_image(p)
                .ok_or_else(|| AppError::new(ErrorCode::UnsupportedImage, "the poster is a JPEG, PNG, GIF or WebP"))?
                .trim_start_matches("image/")
                .to_owned(),
        )),
        None => None,
    };
    let mut category = None;
    for (i, a) in anchors.iter().enumerate() {
        let product = state.db.product(ProductId(a.product_id)).await?;
        if product.status != ProductStatus::Active {
            return Err(AppError::not_found("product"));
        }
        if i == 0 {
            category = product.category_id;
        }
    }
    let name = &random_token()[..24];
    let media_key = format!("videos/{name}.{ext}");
    state.media.put(&media_key, bytes).await.map_err(AppError::internal)?;
    let poster = match uploaded_poster {
        Some(p) => Some(p),
        None => match state.media.local_file(&media_key) {
            Some(path) => poster_from(&path).await,
            None => poster_from_bytes(bytes, ext).await,
        }
        .map(|p| (p, "jpg".to_owned())),
    };
    let poster_key = match poster {
        Some((p, ext)) => {
            let key = format!("posters/{name}.{ext}");
            state.media.put(&key, &p).await.map_err(AppError::internal)?;
            Some(key)
        }
        None => None,
    };
    let score = hard_sell(&caption, anchors.len(), duration_ms.max(1_000));
    let anchor_rows: Vec<_> = anchors.iter().map(|a| (ProductId(a.product_id), a.sku_id.map(SkuId), a.at_ms)).collect();
    let new = NewVideo {
        creator: user.user_id(),
        caption: &caption,
        hashtags: &tags,
        category,
        media_key: &media_key,
        content_type,
        size_bytes: bytes.len() as i64,
        duration_ms,
        poster_key: poster_key.as_deref(),
        hard_sell_milli: (score.score * 1000.0).round() as i64,
        hard_sell_signals: &score.signals.join(","),
        anchors: &anchor_rows,
    };
    let detail = state.db.create_video(&new, state.clock.now()).await?;
    state.feed.add(detail.clone());
    Ok(view(detail))
}

/// A like or save, set or taken back; shared with the feed page. The
/// viewer's cached feed profile is dropped so it learns from it.
pub async fn react_to(state: &AppState, viewer: UserId, video: i64, kind: &str, on: bool) -> AppResult<()> {
    if kind != "like" && kind != "save" {
        return Err(DomainError::invalid("kind", "like or save").into());
    }
    state.db.react(VideoId(video), viewer, kind, on, state.clock.now()).await?;
    state.feed.forget_viewer(viewer);
    Ok(())
}

/// A view (with its watch time), a share or a product click; shared with
/// the feed page. Anonymous viewers count too.
/// Who sent a video event: an account, else a browser Haul gave an id, from
/// an address.
pub struct Viewer<'a> {
    pub user: Option<UserId>,
    pub browser: Option<&'a str>,
    pub from: crate::auth::ClientAddress,
}

/// Records a view, share or product click: limited per address, and counted
/// once per viewer per video per 24 hours; an event from nobody Haul can
/// recognise counts nothing. Shared with the watch page.
/// Records a view, share or product click; returns whether it counted.
pub async fn record_event(state: &AppState, viewer: Viewer<'_>, video: i64, kind: &str, watch_ms: i64) -> AppResult<bool> {
    if !matches!(kind, "view" | "share" | "product_click") {
        return Err(DomainError::invalid("kind", "view, share or product_click").into());
    }
    if !state.event_limiter.take(&viewer.from.0) {
        return Err(AppError::new(ErrorCode::TooManyEvents, "too many video events from this address"));
    }
    let key = match (viewer.user, viewer.browser) {
        (Some(user), _) => format!("u:{}", user.get()),
        (None, Some(browser)) => format!("b:{browser}"),
        (None, None) => {
            state.db.video(VideoId(video)).await?;
            return Ok(false);
        }
    };
    let duration_ms = state.db.video(VideoId(video)).await?.video.duration_ms;
    let watch_ms = watch_ms.clamp(0, MAX_DURATION_MS);
    let completed = kind == "view" && duration_ms > 0 && watch_ms * 10 >= duration_ms * 9;
    let counted = state.db.record_event(VideoId(video), &key, viewer.user, kind, watch_ms, completed, state.clock.now()).await?;
    // Its feed impression, when it had one, may not be written yet.
    if counted && kind == "view" && !viewer.user.is_some_and(|u| state.feed.pending_impression(u, video)) {
        state.db.impression_of_view(VideoId(video)).await?;
    }
    if let (true, Some(user)) = (counted, viewer.user) {
        state.feed.forget_viewer(user);
    }
    Ok(counted)
}

/// Follows or unfollows; shared with the creator page.
pub async fn follow_creator(state: &AppState, follower: &User, creator: UserId, on: bool) -> AppResult<()> {
    let changed = state.db.follow(follower.user_id(), creator, on, state.clock.now()).await?;
    state.feed.forget_viewer(follower.user_id());
    if changed && on {
        crate::services::notifications::followed(state, follower, creator).await;
    }
    Ok(())
}
