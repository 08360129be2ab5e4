//! Live rooms: schedule, list, the bag and the pinned product, moderation,
//! figures after the stream, the viewers' WebSocket, and the media server's
//! callbacks that let a stream in (with the room's secret key) and mark its end.

use crate::AppState;
use crate::api::{PageOf, PageParams};
use crate::auth::{ApiUser, can_manage_shop, same_secret};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::live::protocol::Event;
use crate::live::ws::Viewer;
use crate::live::{LiveHub, media_server, moderation};
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use haul_domain::Timestamp;
use haul_domain::accounts::Role;
use haul_domain::ids::{ProductId, ShopId};
use haul_domain::live::{Counts, Figures, RoomStatus, figures};
use haul_store::accounts::User;
use haul_store::live::{BagEntry, NewRoom, Room};
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

#[derive(Deserialize, ToSchema)]
pub struct NewRoomInput {
    pub title: String,
    /// Unix milliseconds; now when absent.
    pub starts_at: Option<i64>,
    /// Host as this shop (its staff may run the room).
    pub shop_id: Option<i64>,
    /// The bag, in order (at most 100).
    #[serde(default)]
    pub product_ids: Vec<i64>,
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

/// Whether `user` runs the room: its host, staff of its shop, or an operator.
pub async fn runs_room(state: &AppState, user: &User, room: &Room) -> ApiResult<bool> {
    Ok(room.host_id == user.id
        || user.role() == Role::Operator
        || match room.shop_id {
            Some(shop) => can_manage_shop(state, user, ShopId(shop)).await?,
            None => false,
        })
}

async fn require_runs(state: &AppState, user: &User, room: i64) -> ApiResult<Room> {
    let room = state.db.room(room).await?;
    if runs_room(state, user, &room).await? { Ok(room) } else { Err(ApiError::forbidden()) }
}

fn product_ids(ids: &[i64]) -> Vec<ProductId> {
    ids.iter().map(|id| ProductId(*id)).collect()
}

/// Schedules a room; shared with the studio page.
pub async fn create_room(state: &AppState, user: &User, input: &NewRoomInput) -> ApiResult<Room> {
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(haul_domain::DomainError::invalid("title", "1 to 100 characters").into());
    }
    // Anyone may host as themselves (as anyone may post a video); a room
    // that sells as a shop needs the shop's staff.
    if let Some(shop) = input.shop_id {
        crate::auth::require_shop_staff(state, user, ShopId(shop)).await?;
    }
    let now = state.clock.now();
    let starts_at = input.starts_at.map(Timestamp::from_millis).unwrap_or(now);
    if starts_at.millis() < now.millis() - 60_000 || starts_at.millis() > now.millis() + 90 * 24 * 3600 * 1000 {
        return Err(haul_domain::DomainError::invalid("starts_at", "from now to 90 days ahead").into());
    }
    let key = crate::auth::random_token();
    let new = NewRoom {
        host: user.user_id(),
        shop: input.shop_id.map(ShopId),
        title,
        cover_key: None,
        starts_at,
        stream_key: &key,
        products: &product_ids(&input.product_ids),
        now,
    };
    Ok(state.db.create_room(new).await?)
}

async fn room_view(state: &AppState, room: Room, user: Option<&User>) -> ApiResult<RoomView> {
    let publish = match user {
        Some(u) if runs_room(state, u, &room).await? => Some(Publish {
            server: state.config.rtmp_url.clone(),
            stream_key: format!("{}?key={}", room.id, state.db.room_stream_key(room.id).await?),
        }),
        _ => None,
    };
    Ok(RoomView { hls: LiveHub::hls_path(room.id, room.status(), room.has_replay == 1), bag: state.db.bag(room.id).await?, publish, room })
}

#[utoipa::path(post, path = "/api/v1/live/rooms", tag = "live", security(("bearer" = [])), request_body = NewRoomInput,
    responses((status = 201, body = RoomView), (status = 403), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<NewRoomInput>,
) -> ApiResult<(StatusCode, axum::Json<RoomView>)> {
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
async fn list(State(state): State<AppState>, Query(q): Query<ListParams>) -> ApiResult<axum::Json<PageOf<Room>>> {
    let status = match q.status.as_deref() {
        None => RoomStatus::Live,
        Some(s) => RoomStatus::parse(s).ok_or_else(|| haul_domain::DomainError::invalid("status", "live, scheduled or ended"))?,
    };
    let page = PageParams { limit: q.limit, cursor: q.cursor }.parse()?;
    Ok(axum::Json(state.db.rooms(status, &page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/live/rooms/{id}", tag = "live", responses((status = 200, body = RoomView), (status = 404)))]
async fn show(State(state): State<AppState>, user: Option<ApiUser>, Path(id): Path<i64>) -> ApiResult<axum::Json<RoomView>> {
    let room = state.db.room(id).await?;
    Ok(axum::Json(room_view(&state, room, user.as_ref().map(|u| &u.0)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ProductsInput {
    pub product_ids: Vec<i64>,
}

/// Replaces the bag and tells the room; shared with the host's page.
pub async fn replace_bag(state: &AppState, user: &User, room: i64, products: &[i64]) -> ApiResult<()> {
    require_runs(state, user, room).await?;
    state.db.set_bag(room, &product_ids(products)).await?;
    let bag = serde_json::to_value(state.db.bag(room).await?).map_err(ApiError::internal)?;
    state.live.publish(room, Event::Bag { products: bag }).await?;
    let pinned = state.db.room(room).await?.pinned_product_id;
    state.live.publish(room, Event::Pinned { product_id: pinned }).await
}

#[utoipa::path(put, path = "/api/v1/live/rooms/{id}/products", tag = "live", security(("bearer" = [])), request_body = ProductsInput,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
async fn set_products(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<ProductsInput>,
) -> ApiResult<StatusCode> {
    replace_bag(&state, &user, id, &input.product_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct PinInput {
    /// A product of the bag; absent or null unpins.
    pub product_id: Option<i64>,
}

/// Pins a bag product (or unpins); shared with the host's page.
pub async fn pin_product(state: &AppState, user: &User, room: i64, product: Option<i64>) -> ApiResult<()> {
    require_runs(state, user, room).await?;
    state.db.pin(room, product.map(ProductId)).await?;
    state.live.publish(room, Event::Pinned { product_id: product }).await
}

#[utoipa::path(put, path = "/api/v1/live/rooms/{id}/pin", tag = "live", security(("bearer" = [])), request_body = PinInput,
    responses((status = 204), (status = 409, description = "not_in_bag")))]
async fn pin(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<PinInput>,
) -> ApiResult<StatusCode> {
    pin_product(&state, &user, id, input.product_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends the room once: viewers are told at once, and the replay follows
/// when the media server has written the stream's last segment.
pub async fn end_stream(state: &AppState, room: i64) -> ApiResult<bool> {
    if !state.db.end_room(room, state.clock.now()).await? {
        return Ok(false);
    }
    state.live.publish(room, Event::Status { status: "ended".into(), replay: false }).await?;
    let state = state.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        match media_server::make_replay(&state.config.hls_dir(), room) {
            Ok(true) => {
                let done = state.db.set_replay(room).await;
                if done.is_ok() {
                    let _ = state.live.publish(room, Event::Status { status: "ended".into(), replay: true }).await;
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, room, "replay not written"),
        }
    });
    Ok(true)
}

#[utoipa::path(post, path = "/api/v1/live/rooms/{id}/end", tag = "live", security(("bearer" = [])),
    responses((status = 204), (status = 409, description = "room_ended")))]
async fn end(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> ApiResult<StatusCode> {
    require_runs(&state, &user, id).await?;
    if end_stream(&state, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(StatusCode::CONFLICT, "room_ended", "the room has already ended"))
    }
}

/// Stores a room's cover picture; shared with the host's page.
pub async fn set_cover(state: &AppState, user: &User, room: i64, bytes: &[u8]) -> ApiResult<String> {
    require_runs(state, user, room).await?;
    let content_type = crate::services::catalog::image_type(state, bytes)?;
    let key = format!("rooms/{room}/{}.{}", &crate::auth::random_token()[..16], content_type.trim_start_matches("image/"));
    let url = state.media.put(&key, bytes).await.map_err(ApiError::internal)?;
    state.db.set_room_cover(room, &key).await?;
    Ok(url)
}

#[utoipa::path(post, path = "/api/v1/live/rooms/{id}/cover", tag = "live", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "field `file`: JPEG, PNG, GIF or WebP"),
    responses((status = 204), (status = 403), (status = 413, description = "file_too_large"), (status = 415, description = "unsupported_image")))]
async fn cover(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    form: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<StatusCode> {
    let form = form.map_err(|e| ApiError::bad_request("invalid_upload", e.body_text()))?;
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
) -> ApiResult<StatusCode> {
    moderation::add_moderator(&state, id, &user, input.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/live/rooms/{id}/messages/{message_id}", tag = "live", security(("bearer" = [])),
    responses((status = 204), (status = 403)))]
async fn delete_message(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, message)): Path<(i64, u64)>,
) -> ApiResult<StatusCode> {
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
) -> ApiResult<StatusCode> {
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
) -> ApiResult<StatusCode> {
    moderation::ban(&state, id, &user, input.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct FiguresView {
    pub peak_viewers: i64,
    pub average_viewers: f64,
    pub unique_viewers: i64,
    pub comments: i64,
    pub likes: i64,
    pub shares: i64,
    /// (comments + likes + shares) / unique viewers.
    pub interaction_rate: f64,
    pub orders: i64,
    pub gmv_minor: i64,
    /// Buyers / unique viewers.
    pub conversion: f64,
    pub live_seconds: i64,
}

pub fn figures_view(c: &Counts) -> FiguresView {
    let Figures { average_viewers, interaction_rate, conversion } = figures(c);
    FiguresView {
        peak_viewers: c.peak_viewers,
        average_viewers,
        unique_viewers: c.unique_viewers,
        comments: c.comments,
        likes: c.likes,
        shares: c.shares,
        interaction_rate,
        orders: c.orders,
        gmv_minor: c.gmv_minor,
        conversion,
        live_seconds: c.live_ms / 1000,
    }
}

#[utoipa::path(get, path = "/api/v1/live/rooms/{id}/figures", tag = "live", security(("bearer" = [])),
    responses((status = 200, body = FiguresView), (status = 403)))]
async fn room_figures(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> ApiResult<axum::Json<FiguresView>> {
    require_runs(&state, &user, id).await?;
    Ok(axum::Json(figures_view(&state.db.room_counts(id, state.clock.now()).await?)))
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
) -> ApiResult<Response> {
    let user = crate::auth::socket_user(&state, &headers, q.token.as_deref()).await?;
    let room = state.live.room(id).await?;
    if user.as_ref().is_some_and(|u| room.is_banned(u.id)) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "banned", "a moderator banned you from this room"));
    }
    let key = match (&user, q.viewer.as_deref()) {
        (Some(u), _) => format!("u{}", u.id),
        (None, Some(v)) if (8..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => format!("a{v}"),
        (None, _) => format!("a{}", crate::auth::random_token()),
    };
    let moderator = user.as_ref().is_some_and(|u| room.is_moderator(u.id) || u.role() == Role::Operator);
    let viewer = Viewer { user: user.map(Box::new), key, moderator };
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
        .on_upgrade(move |socket| crate::live::ws::run(state, room, socket, viewer, q.after)))
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
        Some(room) if room.status().accepts_stream() => match state.db.go_live(room.id, state.clock.now()).await {
            Ok(true) => {
                state.live.stream_changed(room.id);
                let _ = state.live.publish(room.id, Event::Status { status: "live".into(), replay: false }).await;
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
    let key = state.db.room_stream_key(id).await.ok()?;
    if !same_secret(&key, &form.key) {
        tracing::warn!(room = id, "stream refused: wrong key");
        return None;
    }
    state.db.room(id).await.ok()
}
