//! One room on one node: its cached state, the ring of recent events for
//! resuming, and the broadcast channel its local viewers read. Applying an
//! event and subscribing happen under the same lock, so a new viewer's
//! snapshot and its first broadcast frame never leave a gap between them.
//!
//! Frames go out in batches: whatever the room produced in the last
//! [`BATCH_MS`] is one broadcast item, so each viewer wakes and writes to
//! its socket once per batch, not once per message. That bounds the work
//! per viewer when the chat is busy, for at most 50 ms more latency.

use super::protocol::{DealCard, Event, RoomCoupon, Update, You, event_frame, update_frame};
use axum::extract::ws::Utf8Bytes;
use haul_domain::live::{Bucket, ChatRefusal, RateLimit, RoomStatus};
use haul_store::live::{RoomDelta, Sanction};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use tokio::sync::broadcast;

/// Events kept for clients that reconnect.
pub const RING: usize = 512;
/// Batches a viewer may fall behind (about 13 s of them) before it skips.
pub const LAG: usize = 256;
/// How often a room sends what it has.
pub const BATCH_MS: u64 = 100;
/// Chat messages a new viewer sees.
const HISTORY: usize = 30;

/// Frames produced together, sent to every viewer as one item.
pub type Batch = std::sync::Arc<[Frame]>;

/// A frame to send: `id` is 0 for updates.
#[derive(Clone, Debug)]
pub struct Frame {
    pub id: u64,
    pub text: Utf8Bytes,
}

pub struct RoomHub {
    pub id: i64,
    tx: broadcast::Sender<Batch>,
    state: Mutex<State>,
    /// Viewers connected to this node.
    pub local_viewers: AtomicI64,
    /// Like taps on this node since the last tick.
    pub likes_pending: AtomicI64,
}

/// What the room knows when it is loaded from the record.
pub struct Loaded {
    pub status: RoomStatus,
    pub replay: bool,
    pub title: String,
    pub host_id: i64,
    pub bag: Box<RawValue>,
    pub pinned: Option<i64>,
    pub deals: Vec<DealCard>,
    /// The room's coupons, their counts kept by the room's events.
    pub coupons: Vec<RoomCoupon>,
    pub likes: i64,
    pub moderators: Vec<i64>,
    pub sanctions: Vec<Sanction>,
}

struct State {
    room: Loaded,
    ring: VecDeque<Frame>,
    /// Frames for the next batch.
    pending: Vec<Frame>,
    last_id: u64,
    deleted: HashSet<u64>,
    chat_buckets: HashMap<i64, Bucket>,
    /// Counted here since the last flush; only the node that saw it counts it.
    delta: RoomDelta,
    new_viewers: Vec<String>,
    seen_viewers: HashSet<String>,
    /// Viewers who liked, chatted or shared, for the interaction rate.
    new_interacting: Vec<String>,
    interacting: HashSet<String>,
    /// Each node's viewers as it last reported: `(count, at_ms)`.
    presence: HashMap<String, (i64, i64)>,
    sent_viewers: i64,
    sent_likes: i64,
    stock: HashMap<i64, i64>,
    idle_since: Option<i64>,
}

impl RoomHub {
    /// `first_id` is where a node counts ids from when it numbers events
    /// itself (no Redis): a millisecond clock times 1000, so ids keep
    /// growing across restarts.
    pub fn new(id: i64, room: Loaded, first_id: u64) -> RoomHub {
        let (tx, _) = broadcast::channel(LAG);
        let likes = room.likes;
        RoomHub {
            id,
            tx,
            state: Mutex::new(State {
                room,
                ring: VecDeque::with_capacity(64),
                pending: Vec::new(),
                last_id: first_id,
                deleted: HashSet::new(),
                chat_buckets: HashMap::new(),
                delta: RoomDelta::default(),
                new_viewers: Vec::new(),
                seen_viewers: HashSet::new(),
                new_interacting: Vec::new(),
                interacting: HashSet::new(),
                presence: HashMap::new(),
                sent_viewers: 0,
                sent_likes: likes,
                stock: HashMap::new(),
                idle_since: None,
            }),
            local_viewers: AtomicI64::new(0),
            likes_pending: AtomicI64::new(0),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Numbers an event itself (one node, no Redis) and applies it.
    pub fn apply_next(&self, event: &Event, body: &str) -> u64 {
        let mut s = self.state();
        let id = s.last_id + 1;
        self.apply_locked(&mut s, id, event, body);
        id
    }

    /// Applies an event numbered `id` (its JSON is `body`) and sends it to
    /// local viewers. Ids at or below the last one are repeats and ignored.
    pub fn apply(&self, id: u64, event: &Event, body: &str) {
        let mut s = self.state();
        if id > s.last_id {
            self.apply_locked(&mut s, id, event, body);
        }
    }

    fn apply_locked(&self, s: &mut State, id: u64, event: &Event, body: &str) {
        match event {
            Event::Deleted { message_id } => {
                s.deleted.insert(*message_id);
            }
            Event::Sanctioned { user_id, kind, until } => {
                s.room.sanctions.retain(|x| !(x.user_id == *user_id && x.kind == *kind));
                s.room.sanctions.push(Sanction { user_id: *user_id, kind: kind.clone(), until_ms: *until });
            }
            Event::ModeratorAdded { user_id } => s.room.moderators.push(*user_id),
            Event::Bag { products } => {
                if let Ok(bag) = serde_json::value::to_raw_value(products) {
                    s.room.bag = bag;
                }
            }
            Event::Pinned { product_id } => s.room.pinned = *product_id,
            Event::Deal { deal } => {
                s.room.deals.retain(|d| d.id != deal.id);
                s.room.deals.push(deal.clone());
            }
            Event::Coupon { coupon } => {
                s.room.coupons.retain(|c| c.id != coupon.id);
                s.room.coupons.push(coupon.clone());
            }
            Event::CouponLeft { coupon_id, left } => {
                if let Some(c) = s.room.coupons.iter_mut().find(|c| c.id == *coupon_id) {
                    c.left = c.left.min(*left);
                }
            }
            Event::Status { status, replay } => {
                s.room.status = RoomStatus::parse(status).unwrap_or(s.room.status);
                s.room.replay = *replay;
            }
            Event::Chat { .. } | Event::Purchase { .. } => {}
        }
        let frame = Frame { id, text: event_frame(id, body).into() };
        s.last_id = id;
        if s.ring.len() == RING {
            s.ring.pop_front();
        }
        s.ring.push_back(frame.clone());
        s.pending.push(frame);
    }

    /// Sends an update to every local viewer (with the next batch).
    pub fn send_update(&self, update: &Update<'_>) {
        self.state().pending.push(Frame { id: 0, text: update_frame(update).into() });
    }

    /// Sends the frames produced since the last batch, if any.
    pub fn flush(&self) {
        let mut s = self.state();
        if !s.pending.is_empty() {
            let batch: Batch = std::mem::take(&mut s.pending).into();
            let _ = self.tx.send(batch);
        }
    }

    /// Subscribes a viewer and returns its first frames: the snapshot, then
    /// either the events after `after` (when the ring still has them all)
    /// or the recent chat.
    pub fn join(
        &self,
        after: Option<u64>,
        you: You,
        hls: impl Fn(RoomStatus, bool) -> Option<String>,
    ) -> (broadcast::Receiver<Batch>, Vec<Frame>) {
        let s = self.state();
        let rx = self.tx.subscribe();
        let oldest = s.ring.front().map(|f| f.id);
        let resumed = match (after, oldest) {
            (Some(a), Some(o)) => a.saturating_add(1) >= o && a <= s.last_id,
            (Some(a), None) => a == s.last_id,
            (None, _) => false,
        };
        let snapshot = Update::Snapshot {
            room_id: self.id,
            status: s.room.status.as_str(),
            replay: s.room.replay,
            title: &s.room.title,
            host_id: s.room.host_id,
            hls: hls(s.room.status, s.room.replay),
            bag: &s.room.bag,
            pinned_product_id: s.room.pinned,
            deals: &s.room.deals,
            coupons: &s.room.coupons,
            viewers: s.sent_viewers,
            likes: s.sent_likes,
            last_id: s.last_id,
            resumed,
            you,
        };
        let mut frames = vec![Frame { id: 0, text: update_frame(&snapshot).into() }];
        if resumed {
            let after = after.unwrap_or(0);
            frames.extend(s.ring.iter().filter(|f| f.id > after).cloned());
        } else {
            let chats: Vec<&Frame> = s
                .ring
                .iter()
                .rev()
                .filter(|f| !s.deleted.contains(&f.id) && f.text.as_str().contains("\"type\":\"chat\""))
                .take(HISTORY)
                .collect();
            frames.extend(chats.into_iter().rev().cloned());
        }
        self.local_viewers.fetch_add(1, Ordering::Relaxed);
        (rx, frames)
    }

    /// Counts a viewer for the unique-viewer figure (once per room per node).
    pub fn seen(&self, viewer: String) {
        let mut s = self.state();
        if s.seen_viewers.insert(viewer.clone()) {
            s.new_viewers.push(viewer);
        }
    }

    /// Counts a viewer who liked, chatted or shared (once per room per node).
    pub fn interacted(&self, viewer: &str) {
        let mut s = self.state();
        if !s.interacting.contains(viewer) {
            s.interacting.insert(viewer.to_owned());
            s.new_interacting.push(viewer.to_owned());
        }
    }

    pub fn leave(&self) {
        self.local_viewers.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn is_moderator(&self, user: i64) -> bool {
        let s = self.state();
        s.room.host_id == user || s.room.moderators.contains(&user)
    }

    pub fn is_banned(&self, user: i64) -> bool {
        self.state().room.sanctions.iter().any(|x| x.user_id == user && x.kind == "ban")
    }

    pub fn status(&self) -> RoomStatus {
        self.state().room.status
    }

    pub fn deals(&self) -> Vec<DealCard> {
        self.state().room.deals.clone()
    }

    /// Whether `user` may chat now: not banned, not muted, and within the
    /// rate limit (which this call spends).
    pub fn may_chat(&self, user: i64, limit: RateLimit, now_ms: i64) -> Result<(), ChatRefusal> {
        let mut s = self.state();
        for x in s.room.sanctions.iter().filter(|x| x.user_id == user) {
            match (x.kind.as_str(), x.until_ms) {
                ("ban", _) => return Err(ChatRefusal::Banned),
                ("mute", Some(until)) if until > now_ms => return Err(ChatRefusal::Muted),
                _ => {}
            }
        }
        let bucket = s.chat_buckets.entry(user).or_insert_with(|| limit.new_bucket(now_ms));
        if limit.take(bucket, now_ms) { Ok(()) } else { Err(ChatRefusal::RateLimited) }
    }

    pub fn count(&self, f: impl FnOnce(&mut RoomDelta)) {
        f(&mut self.state().delta);
    }

    /// Viewers on every node, as last sent to them.
    pub fn viewers(&self) -> i64 {
        self.state().sent_viewers
    }

    /// A node's viewer count, as reported at `now_ms`.
    pub fn presence(&self, node: &str, count: i64, now_ms: i64) {
        self.state().presence.insert(node.to_owned(), (count, now_ms));
    }

    /// Likes seen on any node.
    pub fn add_likes(&self, n: i64) {
        self.state().room.likes += n;
    }

    /// Once a second: the viewer count (all nodes' fresh reports) and the
    /// like total go out when they changed; returns what to write to the
    /// record, and whether the room has had no local viewer for `idle_ms`.
    pub fn tick(&self, elapsed_ms: i64, now_ms: i64, idle_ms: i64) -> Tick {
        let local = self.local_viewers.load(Ordering::Relaxed);
        let mut s = self.state();
        s.presence.retain(|_, (_, at)| now_ms - *at <= 5_000);
        let viewers: i64 = s.presence.values().map(|(c, _)| c).sum();
        let mut updates = Vec::new();
        if viewers != s.sent_viewers {
            s.sent_viewers = viewers;
            updates.push(update_frame(&Update::Viewers { count: viewers }));
        }
        if s.room.likes != s.sent_likes {
            s.sent_likes = s.room.likes;
            updates.push(update_frame(&Update::Likes { total: s.room.likes }));
        }
        if s.room.status == RoomStatus::Live {
            s.delta.viewer_ms += local * elapsed_ms;
            s.delta.viewers_now = viewers;
        }
        let delta = std::mem::take(&mut s.delta);
        let new_viewers = std::mem::take(&mut s.new_viewers);
        let interacting = std::mem::take(&mut s.new_interacting);
        s.idle_since = if local > 0 { None } else { Some(s.idle_since.unwrap_or(now_ms)) };
        let idle = s.idle_since.is_some_and(|since| now_ms - since >= idle_ms);
        s.pending.extend(updates.into_iter().map(|text| Frame { id: 0, text: text.into() }));
        Tick { delta, new_viewers, interacting, idle }
    }

    /// Sends the remaining stock of a deal when it changed.
    pub fn stock(&self, deal: i64, remaining: i64) {
        let changed = self.state().stock.insert(deal, remaining) != Some(remaining);
        if changed {
            self.send_update(&Update::Stock { deal_id: deal, remaining });
        }
    }
}

pub struct Tick {
    pub delta: RoomDelta,
    pub new_viewers: Vec<String>,
    pub interacting: Vec<String>,
    pub idle: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded() -> Loaded {
        Loaded {
            status: RoomStatus::Live,
            replay: false,
            title: "t".into(),
            host_id: 1,
            bag: RawValue::from_string("[]".into()).unwrap(),
            pinned: None,
            deals: vec![],
            coupons: vec![],
            likes: 10,
            moderators: vec![2],
            sanctions: vec![],
        }
    }

    fn chat(room: &RoomHub, id: u64, text: &str) {
        let e = Event::Chat { user_id: 5, name: "A".into(), text: text.into(), at: 0 };
        room.apply(id, &e, &serde_json::to_string(&e).unwrap());
    }

    const YOU: You = You { user_id: None, moderator: false };

    /// Sends the pending batch and returns every frame `rx` has.
    fn received(room: &RoomHub, rx: &mut broadcast::Receiver<Batch>) -> Vec<Frame> {
        room.flush();
        std::iter::from_fn(|| rx.try_recv().ok()).flat_map(|b| b.to_vec()).collect()
    }

    #[test]
    fn a_reconnecting_client_gets_what_it_missed_or_a_fresh_start() {
        let room = RoomHub::new(9, loaded(), 100);
        for id in 101..=110 {
            chat(&room, id, &format!("m{id}"));
        }
        let (_, frames) = room.join(Some(105), YOU, |_, _| None);
        assert!(frames[0].text.contains("\"resumed\":true"));
        assert_eq!(frames[1..].iter().map(|f| f.id).collect::<Vec<_>>(), vec![106, 107, 108, 109, 110]);

        let (_, frames) = room.join(Some(110), YOU, |_, _| None);
        assert_eq!(frames.len(), 1, "nothing missed");

        // Too old (fell out of the ring) or from another life of the room:
        // a fresh snapshot and recent chat instead.
        for id in 111..=(111 + RING as u64) {
            chat(&room, id, "x");
        }
        let (_, frames) = room.join(Some(105), YOU, |_, _| None);
        assert!(frames[0].text.contains("\"resumed\":false"));
        assert_eq!(frames.len(), 1 + HISTORY);
        let (_, frames) = room.join(Some(99_999), YOU, |_, _| None);
        assert!(frames[0].text.contains("\"resumed\":false"));
    }

    #[test]
    fn repeats_are_ignored_and_deleted_chat_is_not_history() {
        let room = RoomHub::new(9, loaded(), 0);
        let mut rx = room.tx.subscribe();
        chat(&room, 1, "hello");
        chat(&room, 1, "hello again");
        chat(&room, 2, "bad");
        let del = Event::Deleted { message_id: 2 };
        room.apply(3, &del, &serde_json::to_string(&del).unwrap());
        let ids: Vec<u64> = received(&room, &mut rx).iter().map(|f| f.id).collect();
        assert_eq!(ids, vec![1, 2, 3], "one batch");
        assert!(received(&room, &mut rx).is_empty(), "an empty batch is not sent");
        let (_, frames) = room.join(None, YOU, |_, _| None);
        assert_eq!(frames.len(), 2, "snapshot and the one chat left");
        assert!(frames[1].text.contains("hello"));
    }

    #[test]
    fn chat_rights_follow_sanctions_and_the_rate_limit_with_a_fake_clock() {
        let room = RoomHub::new(9, loaded(), 0);
        let limit = RateLimit { burst: 2, every_ms: 1000 };
        assert_eq!(room.may_chat(5, limit, 0), Ok(()));
        assert_eq!(room.may_chat(5, limit, 0), Ok(()));
        assert_eq!(room.may_chat(5, limit, 10), Err(ChatRefusal::RateLimited));
        assert_eq!(room.may_chat(6, limit, 10), Ok(()), "limits are per user");
        assert_eq!(room.may_chat(5, limit, 1010), Ok(()));

        let mute = Event::Sanctioned { user_id: 5, kind: "mute".into(), until: Some(60_000) };
        room.apply(1, &mute, &serde_json::to_string(&mute).unwrap());
        assert_eq!(room.may_chat(5, limit, 30_000), Err(ChatRefusal::Muted));
        assert_eq!(room.may_chat(5, limit, 60_001), Ok(()), "the mute ran out");
        let ban = Event::Sanctioned { user_id: 5, kind: "ban".into(), until: None };
        room.apply(2, &ban, &serde_json::to_string(&ban).unwrap());
        assert_eq!(room.may_chat(5, limit, 999_999), Err(ChatRefusal::Banned));
        assert!(room.is_banned(5));
        assert!(room.is_moderator(1) && room.is_moderator(2) && !room.is_moderator(5));
    }

    #[test]
    fn a_slow_viewer_skips_and_never_blocks_the_room() {
        let room = RoomHub::new(9, loaded(), 0);
        let (mut slow, _) = room.join(None, YOU, |_, _| None);
        for id in 1..=(LAG as u64 * 3) {
            chat(&room, id, "x");
            room.flush();
        }
        match slow.try_recv() {
            Err(broadcast::error::TryRecvError::Lagged(n)) => assert_eq!(n, LAG as u64 * 2),
            other => panic!("expected a lag, got {other:?}"),
        }
        assert_eq!(slow.try_recv().map(|b| b[0].id).ok(), Some(LAG as u64 * 2 + 1));
    }

    #[test]
    fn ticks_sum_every_node_and_count_viewer_time() {
        let room = RoomHub::new(9, loaded(), 0);
        let (mut rx, _) = room.join(None, YOU, |_, _| None);
        room.presence("a", 1, 0);
        room.presence("b", 4, 0);
        room.add_likes(3);
        let t = room.tick(1000, 1000, 60_000);
        assert_eq!(t.delta.viewer_ms, 1000, "one local viewer for a second");
        assert_eq!(t.delta.viewers_now, 5);
        let texts: Vec<String> = received(&room, &mut rx).iter().map(|f| f.text.to_string()).collect();
        assert_eq!(texts, vec![r#"{"v":1,"type":"viewers","count":5}"#, r#"{"v":1,"type":"likes","total":13}"#]);
        // Node b stopped reporting: after 5 s it no longer counts.
        room.presence("a", 1, 6000);
        room.tick(1000, 6500, 60_000);
        assert_eq!(received(&room, &mut rx)[0].text.as_str(), r#"{"v":1,"type":"viewers","count":1}"#);
        room.leave();
        assert!(!room.tick(1000, 7000, 60_000).idle);
        assert!(room.tick(1000, 67_000, 60_000).idle);
    }
}
