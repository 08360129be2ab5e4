//! Live rooms: who runs a room, creating one, its bag, the pinned product,
//! its cover, ending the stream (the replay follows), and the host's figures.

use crate::AppState;
use crate::auth::can_manage_shop;
use crate::error::{AppError, AppResult};
use crate::live::media_server;
use crate::live::protocol::Event;
use haul_domain::ErrorCode;
use haul_domain::Timestamp;
use haul_domain::accounts::Role;
use haul_domain::ids::{ProductId, RoomId, ShopId};
use haul_domain::live::{Counts, Figures, RoomStatus, figures};
use haul_store::accounts::User;
use haul_store::analytics::{RoomSalesMinute, RoomViewersMinute};
use haul_store::live::{NewRoom, Room};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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

/// Whether `user` runs the room: its host, staff of its shop, or an operator.
pub async fn runs_room(state: &AppState, user: &User, room: &Room) -> AppResult<bool> {
    Ok(room.host_id == user.id
        || user.role() == Role::Operator
        || match room.shop_id {
            Some(shop) => can_manage_shop(state, user, ShopId(shop)).await?,
            None => false,
        })
}

pub(crate) async fn require_runs(state: &AppState, user: &User, room: i64) -> AppResult<Room> {
    let room = state.db.room(RoomId(room)).await?;
    if runs_room(state, user, &room).await? { Ok(room) } else { Err(AppError::forbidden()) }
}

pub(crate) fn product_ids(ids: &[i64]) -> Vec<ProductId> {
    ids.iter().map(|id| ProductId(*id)).collect()
}

/// Schedules a room; shared with the studio page.
pub async fn create_room(state: &AppState, user: &User, input: &NewRoomInput) -> AppResult<Room> {
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

/// Replaces the bag and tells the room; shared with the host's page.
pub async fn replace_bag(state: &AppState, user: &User, room: i64, products: &[i64]) -> AppResult<()> {
    require_runs(state, user, room).await?;
    state.db.set_bag(RoomId(room), &product_ids(products)).await?;
    let bag = serde_json::to_value(state.db.bag(RoomId(room)).await?).map_err(AppError::internal)?;
    state.live.publish(room, Event::Bag { products: bag }).await?;
    let pinned = state.db.room(RoomId(room)).await?.pinned_product_id;
    state.live.publish(room, Event::Pinned { product_id: pinned }).await
}

/// Pins a bag product (or unpins); shared with the host's page.
pub async fn pin_product(state: &AppState, user: &User, room: i64, product: Option<i64>) -> AppResult<()> {
    require_runs(state, user, room).await?;
    state.db.pin(RoomId(room), product.map(ProductId)).await?;
    state.live.publish(room, Event::Pinned { product_id: product }).await
}

/// Ends the room once: viewers are told at once, and the replay follows
/// when the media server has written the stream's last segment.
pub async fn end_stream(state: &AppState, room: i64) -> AppResult<bool> {
    if !state.db.end_room(RoomId(room), state.clock.now()).await? {
        return Ok(false);
    }
    state.live.publish(room, Event::Status { status: "ended".into(), replay: false }).await?;
    let state = state.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        match media_server::make_replay(&state.config.hls_dir(), room) {
            Ok(true) => {
                if let Err(e) = state.media.keep_replay(&state.config.hls_dir(), room).await {
                    tracing::warn!(error = %e, room, "replay not copied to the object store");
                }
                let done = state.db.set_replay(RoomId(room)).await;
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

/// Stores a room's cover picture; shared with the host's page.
pub async fn set_cover(state: &AppState, user: &User, room: i64, bytes: &[u8]) -> AppResult<String> {
    require_runs(state, user, room).await?;
    let content_type = crate::services::catalog::image_type(state, bytes)?;
    let key = format!("rooms/{room}/{}.{}", &crate::auth::random_token()[..16], content_type.trim_start_matches("image/"));
    let url = state.media.put(&key, bytes).await.map_err(AppError::internal)?;
    state.db.set_room_cover(RoomId(room), &key).await?;
    Ok(url)
}

#[derive(Serialize, ToSchema)]
pub struct FiguresView {
    pub peak_viewers: i64,
    pub average_viewers: f64,
    pub unique_viewers: i64,
    pub comments: i64,
    pub likes: i64,
    pub shares: i64,
    /// Viewers who liked, chatted, shared or bought ÷ unique viewers.
    pub interaction_rate: f64,
    pub orders: i64,
    pub gmv_minor: i64,
    /// GMV per thousand viewers.
    pub gpm_minor: Option<i64>,
    /// The most viewers at once in each minute the room had any.
    pub viewers_by_minute: Vec<RoomViewersMinute>,
    /// Paid orders per minute of payment (counted by the analytics worker).
    pub sales_by_minute: Vec<RoomSalesMinute>,
    /// Buyers / unique viewers.
    pub conversion: f64,
    pub live_seconds: i64,
}

/// A room's figures and its minute-by-minute report: those who run it only.
pub async fn room_figures(state: &AppState, user: &User, room: i64) -> AppResult<FiguresView> {
    require_runs(state, user, room).await?;
    let counts = state.db.room_counts(RoomId(room), state.clock.now()).await?;
    let (viewers, sales) = state.db.room_minutes(room).await?;
    Ok(figures_view(&counts, viewers, sales))
}

fn figures_view(c: &Counts, viewers_by_minute: Vec<RoomViewersMinute>, sales_by_minute: Vec<RoomSalesMinute>) -> FiguresView {
    let Figures { average_viewers, interaction_rate, conversion, gpm_minor } = figures(c);
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
        gpm_minor,
        viewers_by_minute,
        sales_by_minute,
        conversion,
        live_seconds: c.live_ms / 1000,
    }
}

/// "Remind me": the person is told when the room goes live. Only a room
/// that has not started takes reminders.
pub async fn remind(state: &AppState, user: &User, room: i64, on: bool) -> AppResult<()> {
    let r = state.db.room(RoomId(room)).await?;
    if on && r.status != RoomStatus::Scheduled {
        return Err(AppError::new(ErrorCode::RoomStarted, "the room has started already"));
    }
    Ok(state.db.remind(RoomId(room), user.user_id(), on, state.clock.now()).await?)
}
