//! The live hub: rooms' chat, likes, viewer counts, bag, pinned product,
//! deals and purchase ticker over WebSocket. Each node keeps the rooms its
//! viewers watch (`room.rs`); events reach every node through the bus: in
//! process on one node, or Redis pub/sub when `HAUL_REDIS_URL` is set, where
//! one script numbers a room's event and publishes it, so every node sees
//! the same ids in the same order. The record keeps what must outlive a
//! node: the room, bag, pin, sanctions and counters (written once a second).

pub mod media_server;
pub mod moderation;
pub mod protocol;
mod redis_bus;
pub mod room;
pub mod ws;

use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use haul_domain::ids::{DealId, RoomId, ShopId};
use haul_domain::live::{ChatRules, RateLimit, RoomStatus};
use haul_store::Db;
use haul_store::live::RoomSeen;
use protocol::{DealCard, Event, RoomCoupon};
pub use redis_bus::RedisBus;
use room::{Loaded, RoomHub};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// Tells the room an order from it was paid (the purchase ticker), without
/// holding up the payment's answer.
pub fn announce_purchase(state: &crate::AppState, order: haul_store::orders::Order) {
    if order.room_id.is_none() && order.deal_id.is_none() {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        let room = match (order.room_id, order.deal_id) {
            (Some(room), _) => Some(room),
            (None, Some(deal)) => state.db.open_room_of_deal(DealId(deal)).await.ok().flatten(),
            (None, None) => None,
        };
        let Some(room) = room else { return };
        let (Ok(buyer), Ok(detail)) =
            (state.db.user(haul_domain::ids::UserId(order.buyer_id)).await, state.db.order(order.order_id()).await)
        else {
            return;
        };
        let Some(line) = detail.lines.first() else { return };
        let event = Event::Purchase {
            name: haul_domain::live::ticker_name(&buyer.display_name),
            title: line.title.clone(),
            quantity: detail.lines.iter().map(|l| l.quantity).sum(),
        };
        if let Err(e) = state.live.publish(room, event).await {
            tracing::warn!(error = %e.message, room, "purchase not announced");
        }
    });
}

/// A room with no local viewer for this long is dropped from memory.
const IDLE_MS: i64 = 5 * 60 * 1000;

/// What nodes tell each other besides events: never sent to clients.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "s", rename_all = "snake_case")]
pub enum Signal {
    /// A node's viewers in a room now.
    Presence { node: String, viewers: i64 },
    /// Like taps on a node since its last tick.
    Likes { n: i64 },
}

pub struct LiveHub {
    db: Db,
    clock: Arc<dyn Clock>,
    /// This node's name in presence reports.
    node: String,
    rooms: Mutex<HashMap<i64, Arc<OnceCell<Arc<RoomHub>>>>>,
    /// Per room, a count of stream starts and stops: a stop ends the room
    /// only if nothing started since (see `api::live::on_publish_done`).
    streams: Mutex<HashMap<i64, u64>>,
    bus: Option<RedisBus>,
    pub rules: ChatRules,
    pub limit: RateLimit,
}

impl LiveHub {
    pub fn new(db: Db, clock: Arc<dyn Clock>, bus: Option<RedisBus>, rules: ChatRules, limit: RateLimit) -> Arc<LiveHub> {
        let hub = Arc::new(LiveHub {
            db,
            clock,
            node: crate::auth::random_token()[..12].to_owned(),
            rooms: Mutex::new(HashMap::new()),
            streams: Mutex::new(HashMap::new()),
            bus,
            rules,
            limit,
        });
        if let Some(bus) = &hub.bus {
            bus.listen(Arc::downgrade(&hub));
        }
        hub
    }

    fn rooms(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<OnceCell<Arc<RoomHub>>>>> {
        self.rooms.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The room on this node, loaded from the record on first use (once,
    /// however many viewers arrive together).
    pub async fn room(&self, id: i64) -> AppResult<Arc<RoomHub>> {
        let cell = self.rooms().entry(id).or_default().clone();
        let loaded = cell.get_or_try_init(|| self.load(id)).await;
        if loaded.is_err() {
            self.rooms().remove(&id);
        }
        loaded.cloned()
    }

    /// How many watch `room` now (0 when nobody has opened it on this node).
    pub fn viewers_now(&self, room: i64) -> i64 {
        self.rooms().get(&room).and_then(|cell| cell.get().cloned()).map_or(0, |r| r.viewers())
    }

    /// A stream started or stopped in `room`; returns the new count.
    pub fn stream_changed(&self, room: i64) -> u64 {
        let mut streams = self.streams.lock().unwrap_or_else(|p| p.into_inner());
        let n = streams.entry(room).or_default();
        *n += 1;
        *n
    }

    /// Whether nothing started or stopped in `room` since the change numbered `n`.
    pub fn stream_unchanged_since(&self, room: i64, n: u64) -> bool {
        self.streams.lock().unwrap_or_else(|p| p.into_inner()).get(&room) == Some(&n)
    }

    fn loaded(&self, id: i64) -> Option<Arc<RoomHub>> {
        self.rooms().get(&id).and_then(|c| c.get().cloned())
    }

    async fn load(&self, id: i64) -> AppResult<Arc<RoomHub>> {
        let room = self.db.room(RoomId(id)).await?;
        let bag = serde_json::value::to_raw_value(&self.db.bag(RoomId(id)).await?).map_err(|e| AppError::internal(e.to_string()))?;
        let deals = self.db.deals_in_room(RoomId(id)).await?.iter().map(DealCard::from).collect();
        let coupons = match room.shop_id {
            Some(shop) => self.db.running_coupons(Some(ShopId(shop)), self.clock.now()).await?,
            None => Vec::new(),
        };
        let coupons = coupons.iter().filter(|c| c.room_id == Some(id)).map(RoomCoupon::from).collect();
        let loaded = Loaded {
            status: room.status,
            replay: room.has_replay == 1,
            title: room.title.clone(),
            host_id: room.host_id,
            bag,
            pinned: room.pinned_product_id,
            deals,
            coupons,
            likes: room.likes,
            moderators: self.db.moderators(RoomId(id)).await?,
            sanctions: self.db.sanctions(RoomId(id)).await?,
        };
        // With Redis the ids come from Redis; alone, from a clock so they
        // keep growing across restarts.
        let first_id = if self.bus.is_some() { 0 } else { self.clock.now().millis().max(0) as u64 * 1000 };
        let hub = Arc::new(RoomHub::new(id, loaded, first_id));
        let weak = Arc::downgrade(&hub);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_millis(room::BATCH_MS));
            loop {
                every.tick().await;
                match weak.upgrade() {
                    Some(room) => room.flush(),
                    None => return,
                }
            }
        });
        Ok(hub)
    }

    /// Sends an event to the room on every node.
    pub async fn publish(&self, room: i64, event: Event) -> AppResult<()> {
        let body = serde_json::to_string(&event).map_err(|e| AppError::internal(e.to_string()))?;
        match &self.bus {
            Some(bus) => bus.publish_event(room, &body).await,
            None => {
                if let Some(hub) = self.loaded(room) {
                    hub.apply_next(&event, &body);
                }
                Ok(())
            }
        }
    }

    /// An event from the bus, numbered by Redis.
    fn receive_event(&self, room: i64, id: u64, body: &str) {
        let Some(hub) = self.loaded(room) else { return };
        match serde_json::from_str::<Event>(body) {
            Ok(event) => hub.apply(id, &event, body),
            Err(e) => tracing::warn!(error = %e, room, "unreadable live event"),
        }
    }

    fn receive_signal(&self, room: i64, signal: Signal) {
        let Some(hub) = self.loaded(room) else { return };
        match signal {
            Signal::Presence { node, viewers } => hub.presence(&node, viewers, self.clock.now().millis()),
            Signal::Likes { n } => hub.add_likes(n),
        }
    }

    async fn signal(&self, room: &RoomHub, signal: Signal) {
        match &self.bus {
            Some(bus) => bus.publish_signal(room.id, &signal).await,
            None => self.receive_signal(room.id, signal),
        }
    }

    /// Once a second: likes and presence go out, viewer counts and stock
    /// reach viewers, counters go to the record, idle rooms are dropped.
    pub async fn tick(&self, deals: &crate::deals::DealEngine, elapsed_ms: i64) {
        let now = self.clock.now();
        let rooms: Vec<Arc<RoomHub>> = self.rooms().values().filter_map(|c| c.get().cloned()).collect();
        let mut deltas = Vec::new();
        let mut viewers = Vec::new();
        let mut interacting = Vec::new();
        for room in rooms {
            let likes = room.likes_pending.swap(0, std::sync::atomic::Ordering::Relaxed);
            if likes > 0 {
                room.count(|d| d.likes += likes);
                self.signal(&room, Signal::Likes { n: likes }).await;
            }
            let local = room.local_viewers.load(std::sync::atomic::Ordering::Relaxed);
            self.signal(&room, Signal::Presence { node: self.node.clone(), viewers: local }).await;
            if local > 0 {
                for deal in room.deals().iter().filter(|d| d.ends_at > now.millis()) {
                    if let Ok(d) = self.db.deal(DealId(deal.id)).await
                        && let Ok(left) = deals.remaining(&d).await
                    {
                        room.stock(deal.id, left);
                    }
                }
            }
            let tick = room.tick(elapsed_ms, now.millis(), IDLE_MS);
            deltas.push((room.id, tick.delta));
            viewers.extend(tick.new_viewers.into_iter().map(|v| (room.id, v)));
            interacting.extend(tick.interacting.into_iter().map(|v| (room.id, v)));
            if tick.idle {
                self.rooms().remove(&room.id);
            }
        }
        let seen = RoomSeen { viewers: &viewers, interacting: &interacting };
        if (deltas.iter().any(|(_, d)| !d.is_empty()) || !viewers.is_empty() || !interacting.is_empty())
            && let Err(e) = self.db.add_room_counts(&deltas, seen, now).await
        {
            tracing::warn!(error = %e, "live counters not written");
        }
    }

    /// Where a room's video plays from: the live playlist, or the replay.
    pub fn hls_path(room: i64, status: RoomStatus, replay: bool) -> Option<String> {
        match status {
            RoomStatus::Live => Some(format!("/live/hls/{room}.m3u8")),
            RoomStatus::Ended if replay => Some(format!("/live/hls/{room}-replay.m3u8")),
            _ => None,
        }
    }
}
