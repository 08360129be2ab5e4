//! Live rooms: schedule, list, the bag and the pinned product, moderation,
//! figures after the stream, the viewers' WebSocket, and the media server's
//! callbacks that let a stream in (with the room's secret key) and mark its end.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::{ApiUser, same_secret};
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, Query};
use crate::live::protocol::Event;
use crate::live::ws::Viewer;
use crate::live::{LiveHub, moderation};
use crate::services::live::{
    FiguresView, NewRoomInput, create_room, end_stream, pin_product, replace_bag, require_runs, runs_room, set_cover,
};
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use haul_domain::ErrorCode;
use haul_domain::accounts::Role;
use haul_domain::ids::RoomId;
use haul_domain::live::RoomStatus;
use haul_store::accounts::User;
use haul_store::live::{BagEntry, Room};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    // Only the cover picture takes a body larger than the default.
    OpenApiRouter::new()
        .routes(routes!(cover))
        .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024))
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(set_products))
        .routes(routes!(pin))
        .routes(routes!(end))
        .routes(routes!(add_moderator))
        .routes(routes!(delete_message))
        .routes(routes!(mute))
        .routes(routes!(ban))
        .routes(routes!(room_figures))
        .routes(routes!(connect))
}

/// The media server's callbacks (form posts from nginx-rtmp), outside the API.
pub fn hooks() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/live/hooks/publish", axum::routing::post(on_publish))
        .route("/live/hooks/publish_done", axum::routing::post(on_publish_done))
}

#[derive(Serialize, ToSchema)]
pub struct RoomView {
    #[serde(flatten)]
    pub room: Room,
    /// Where the player loads the video (live or replay), when there is one.
    pub hls: Option<String>,
    pub bag: Vec<BagEntry>,
    /// Only for those who run the room: the encoder's server and stream key.
    pub publish: Option<Publish>,
}

#[derive(Serialize, ToSchema)]
pub struct Publish {
    pub server: String,
    /// Paste into the encoder as the stream key: `<room id>?key=<secret>`.
    pub stream_key: String,
}

async fn room_view(state: &AppState, room: Room, user: Option<&User>) -> AppResult<RoomView> {
    let publish = match user {
        Some(u) if runs_room(state, u, &room).await? => Some(Publish {
            server: state.config.rtmp_url.clone(),
            stream_key: format!("{}?key={}", room.id, state.db.room_stream_key(RoomId(room.id)).await?),
        }),
        _ => None,
    };
    Ok(RoomView {
        hls: LiveHub::hls_path(room.id, room.status, room.has_replay == 1),
        bag: state.db.bag(RoomId(room.id)).await?,
        publish,
        room,
    })
}

#[utoipa::path(post, path = "/api/v1/live/rooms", tag = "live", security(("bearer" = [])), request_body = NewRoomInput,
    responses((status = 201, body = RoomView), (status = 403), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<NewRoomInput>,
) -> AppResult<(StatusCode, axum::Json<RoomView>)> {
    let room = create_room(&state, &user, &input).await?;
    Ok((StatusCode::CREATED, axum::Json(room_view(&state, room, Some(&user)).await?)))
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// live (default), scheduled, or ended (replays)
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/live/rooms", tag = "live", params(ListParams), responses((status = 200, body = PageOf<Room>)))]
async fn list(State(state): State<AppState>, Query(q): Query<ListParams>) -> AppResult<axum::Json<PageOf<Room>>> {
    let status = match q.status.as_deref() {
        None => RoomStatus::Live,
        Some(s) => RoomStatus::parse(s).map_err(|_| haul_domain::DomainError::invalid("status", "live, scheduled or ended"))?,
    };
    let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
    Ok(axum::Json(state.db.rooms(status, &page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/live/rooms/{id}", tag = "live", responses((status = 200, body = RoomView), (status = 404)))]
async fn show(State(state): State<AppState>, user: Option<ApiUser>, Path(id): Path<i64>) -> AppResult<axum::Json<RoomView>> {
    let room = state.db.room(RoomId(id)).await?;
    Ok(axum::Json(room_view(&state, room, user.as_ref().map(|u| &u.0)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ProductsInput {
    pub product_ids: Vec<i64>,
}

#[utoipa::path(put, path = "/api/v1/live/rooms/{id}/products", tag = "live", security(("bearer" = [])), request_body = ProductsInput,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
async fn set_products(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ProductsInput>,
) -> AppResult<StatusCode> {
    replace_bag(&state, &user, id, &input.product_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct PinInput {
    /// A product of the bag; absent or null unpins.
    pub product_id: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/live/rooms/{id}/pin", tag = "live", security(("bearer" = [])), request_body = PinInput,
    responses((status = 204), (status = 409, description = "not_in_bag")))]
async fn pin(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<PinInput>,
) -> AppResult<StatusCode> {
    pin_product(&state, &user, id, input.product_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/live/rooms/{id}/end", tag = "live", security(("bearer" = [])),
    responses((status = 204), (status = 409, description = "room_ended")))]
async fn end(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<StatusCode> {
    require_runs(&state, &user, id).await?;
    if end_stream(&state, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::new(ErrorCode::RoomEnded, "the room has already ended"))
    }
}

#[utoipa::path(post, path = "/api/v1/live/rooms/{id}/cover", tag = "live", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "field `file`: JPEG, PNG, GIF or WebP"),
    responses((status = 204), (status = 403), (status = 413, description = "file_too_large"), (status = 415, description = "unsupported_image")))]
async fn cover(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<StatusCode> {
    let form = form.map_err(|e| AppError::new(ErrorCode::InvalidUpload, e.body_text()))?;
    let bytes = crate::services::catalog::read_file_field(form, state.config.max_upload_bytes).await?;
    set_cover(&state, &user, id, &bytes).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct UserInput {
    pub user_id: i64,
}

#[utoipa::path(post, path = "/api/v1/live/rooms/{id}/moderators", tag = "live", security(("bearer" = [])), request_body = UserInput,
    responses((status = 204), (status = 403)))]
async fn add_moderator(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<UserInput>,
) -> AppResult<StatusCode> {
    moderation::add_moderator(&state, id, &user, input.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/live/rooms/{id}/messages/{message_id}", tag = "live", security(("bearer" = [])),
    responses((status = 204), (status = 403)))]
async fn delete_message(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, message)): Path<(i64, u64)>,
) -> AppResult<StatusCode> {
    moderation::delete(&state, id, &user, message).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct MuteInput {
    pub user_id: i64,
    /// 1 to 1440.
    pub minutes: i64,
}

#[utoipa::path(post, path = "/api/v1/live/rooms/{id}/mutes", tag = "live", security(("bearer" = [])), request_body = MuteInput,
    responses((status = 204), (status = 403), (status = 409, description = "cannot_sanction"), (status = 422)))]
async fn mute(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<MuteInput>,
) -> AppResult<StatusCode> {
    moderation::mute(&state, id, &user, input.user_id, input.minutes).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/live/rooms/{id}/bans", tag = "live", security(("bearer" = [])), request_body = UserInput,
    responses((status = 204), (status = 403), (status = 409, description = "cannot_sanction")))]
async fn ban(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<UserInput>,
) -> AppResult<StatusCode> {
    moderation::ban(&state, id, &user, input.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/live/rooms/{id}/figures", tag = "live", security(("bearer" = [])),
    responses((status = 200, body = FiguresView), (status = 403)))]
async fn room_figures(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<axum::Json<FiguresView>> {
    Ok(axum::Json(crate::services::live::room_figures(&state, &user, id).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct ConnectParams {
    /// The last event id this client saw: resume after it.
    pub after: Option<u64>,
    /// An API token (browsers cannot set headers on a WebSocket); pages use their cookie.
    pub token: Option<String>,
    /// An anonymous browser's id, for counting unique viewers.
    pub viewer: Option<String>,
}

/// Frames are JSON, protocol version 1 (`live/protocol.rs`); a client sends
/// `{"type":"chat","text":...}`, `like`, `share`, and moderators `delete`,
/// `mute`, `ban`.
#[utoipa::path(get, path = "/api/v1/live/rooms/{id}/ws", tag = "live", params(ConnectParams),
    responses((status = 101, description = "WebSocket"), (status = 403, description = "banned"), (status = 404)))]
async fn connect(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(q): Query<ConnectParams>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> AppResult<Response> {
    let user = crate::auth::socket_user(&state, &headers, q.token.as_deref()).await?;
    let room = state.live.room(id).await?;
    if user.as_ref().is_some_and(|u| room.is_banned(u.id)) {
        return Err(AppError::new(ErrorCode::Banned, "a moderator banned you from this room"));
    }
    let key = match (&user, q.viewer.as_deref()) {
        (Some(u), _) => format!("u{}", u.id),
        (None, Some(v)) if (8..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => format!("a{v}"),
        (None, _) => format!("a{}", crate::auth::random_token()),
    };
    let moderator = user.as_ref().is_some_and(|u| room.is_moderator(u.id) || u.role() == Role::Operator);
    let viewer = Viewer { user: user.map(Box::new), key, moderator };
    // Refusals on the connection speak the language of the page that opened it.
    let lang = crate::i18n::current();
    // Small buffers: a viewer sends only short commands, and thousands of
    // viewers share one room. The read buffer is filled (and so resident)
    // up to this size on every read; a longer command still fits, as
    // the frame's own length is reserved for it. Frames of a batch are
    // gathered in the write buffer and leave in one write at the flush; a
    // viewer whose socket takes no more than 256 KiB is dropped.
    Ok(upgrade
        .read_buffer_size(256)
        .write_buffer_size(16 * 1024)
        .max_write_buffer_size(256 * 1024)
        .max_message_size(4096)
        .max_frame_size(4096)
        .on_upgrade(move |socket| crate::i18n::scope(lang, crate::live::ws::run(state, room, socket, viewer, q.after))))
}

#[derive(Deserialize)]
struct HookForm {
    /// The stream name: the room's id.
    name: String,
    #[serde(default)]
    key: String,
}

/// nginx-rtmp asks whether a stream may start: 2xx lets it in, 403 drops it.
async fn on_publish(State(state): State<AppState>, axum::Form(form): axum::Form<HookForm>) -> StatusCode {
    match checked_room(&state, &form).await {
        Some(room) if room.status.accepts_stream() => match state.db.go_live(RoomId(room.id), state.clock.now()).await {
            Ok(true) => {
                state.live.stream_changed(room.id);
                let _ = state.live.publish(room.id, Event::Status { status: "live".into(), replay: false }).await;
                crate::services::notifications::room_live(&state, room.id).await;
                StatusCode::NO_CONTENT
            }
            _ => StatusCode::FORBIDDEN,
        },
        _ => StatusCode::FORBIDDEN,
    }
}

/// The stream stopped: the room ends once the grace period passes without
/// the encoder coming back (a dropped connection is not the end of a show).
async fn on_publish_done(State(state): State<AppState>, axum::Form(form): axum::Form<HookForm>) -> StatusCode {
    if let Some(room) = checked_room(&state, &form).await {
        let stopped = state.live.stream_changed(room.id);
        let state = state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_secs(state.config.live_end_grace_seconds)).await;
            if state.live.stream_unchanged_since(room.id, stopped) {
                let _ = end_stream(&state, room.id).await;
            }
        });
    }
    StatusCode::NO_CONTENT
}

async fn checked_room(state: &AppState, form: &HookForm) -> Option<Room> {
    let id: i64 = form.name.parse().ok()?;
    let key = state.db.room_stream_key(RoomId(id)).await.ok()?;
    if !same_secret(&key, &form.key) {
        tracing::warn!(room = id, "stream refused: wrong key");
        return None;
    }
    state.db.room(RoomId(id)).await.ok()
}
