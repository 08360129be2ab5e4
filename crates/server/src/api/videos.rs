//! Short videos: upload (type from the bytes, size bounded, a poster made
//! with ffmpeg when it is installed or uploaded), playback through `/media`
//! (byte ranges, so players can seek), product anchors, engagement, follows,
//! and the creator studio's view of why each video is shown.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::services::videos::{VideoView, Viewer, follow_creator, publish, react_to, read_fields, record_event, view};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use haul_domain::ErrorCode;
use haul_domain::content::VideoStatus;
use haul_domain::ids::{UserId, VideoId};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    // Only the upload takes a large body; every other route keeps axum's
    // small default.
    OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::max(256 * 1024 * 1024))
        .routes(routes!(show))
        .routes(routes!(react))
        .routes(routes!(event))
        .routes(routes!(follow))
        .routes(routes!(creator_videos))
}

#[utoipa::path(post, path = "/api/v1/videos", tag = "videos", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`file` (MP4 or WebM), `caption` (with #hashtags), `anchors` (JSON list of {product_id, sku_id, at_ms}), optional `poster` image and `duration_ms`"),
    responses((status = 201, body = VideoView), (status = 413, description = "file_too_large"), (status = 415, description = "unsupported_video")))]
async fn upload(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    form: Result<Multipart, MultipartRejection>,
) -> AppResult<(StatusCode, axum::Json<VideoView>)> {
    let form = form.map_err(|e| AppError::new(ErrorCode::InvalidUpload, e.body_text()))?;
    let fields = read_fields(form, state.config.max_video_bytes).await?;
    Ok((StatusCode::CREATED, axum::Json(publish(&state, &user, fields).await?)))
}

#[utoipa::path(get, path = "/api/v1/videos/{id}", tag = "videos", responses((status = 200, body = VideoView), (status = 404)))]
async fn show(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<axum::Json<VideoView>> {
    let detail = state.db.video(VideoId(id)).await?;
    if detail.video.status != VideoStatus::Published {
        return Err(AppError::not_found("video"));
    }
    Ok(axum::Json(view(detail)))
}

#[derive(Deserialize, ToSchema)]
pub struct ReactInput {
    /// `like` or `save`.
    pub kind: String,
    /// false to take it back.
    #[serde(default = "yes")]
    pub on: bool,
}

fn yes() -> bool {
    true
}

#[utoipa::path(post, path = "/api/v1/videos/{id}/reactions", tag = "videos", security(("bearer" = [])), request_body = ReactInput, responses((status = 204), (status = 404)))]
async fn react(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ReactInput>,
) -> AppResult<StatusCode> {
    react_to(&state, user.user_id(), id, &input.kind, input.on).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct EventInput {
    /// `view` (send `watch_ms`), `share` or `product_click`.
    pub kind: String,
    #[serde(default)]
    pub watch_ms: i64,
}

#[utoipa::path(post, path = "/api/v1/videos/{id}/events", tag = "videos", request_body = EventInput,
    responses((status = 204), (status = 404), (status = 429, description = "too_many_events")),
    description = "Counts once per viewer per video and kind in 24 hours. A viewer is the signed-in account, else the browser id in Haul's `haul_browser` cookie; an event with neither counts nothing. A signed-in viewer's events shape their feed.")]
async fn event(
    State(state): State<AppState>,
    user: Option<ApiUser>,
    from: crate::auth::ClientAddress,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(input): Json<EventInput>,
) -> AppResult<StatusCode> {
    let viewer = Viewer { user: user.map(|u| u.0.user_id()), browser: crate::auth::browser_id(&state, &headers), from };
    record_event(&state, viewer, id, &input.kind, input.watch_ms).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct FollowInput {
    #[serde(default = "yes")]
    pub on: bool,
}

#[utoipa::path(post, path = "/api/v1/creators/{id}/follow", tag = "videos", security(("bearer" = [])), request_body = FollowInput,
    responses((status = 204), (status = 404), (status = 422)))]
async fn follow(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<FollowInput>,
) -> AppResult<StatusCode> {
    follow_creator(&state, &user, UserId(id), input.on).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/creators/{id}/videos", tag = "videos", params(PageParams), responses((status = 200, body = PageOf<VideoView>)))]
async fn creator_videos(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<PageOf<VideoView>>> {
    let page = state.db.videos_of_creator(UserId(id), &page.parse()?).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for v in page.items {
        items.push(view(state.db.video(VideoId(v.id)).await?));
    }
    Ok(axum::Json(PageOf { items, next_cursor: page.next_cursor }))
}
