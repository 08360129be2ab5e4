//! Each viewer's profile (what they engaged with, whom they follow) and the
//! set of videos they were shown, kept for a minute after it is read from
//! the record; a viewer's own actions drop it so it is read again. Sharded
//! so that viewers on different shards never wait for each other. The
//! cache holds at most a configured number of bytes (estimated from what
//! each viewer's sets and lists hold): past it, viewers whose minute is up
//! go first, then those read longest ago.

use super::index::Index;
use haul_domain::Timestamp;
use haul_domain::feed::ids::{IdMap as HashMap, IdSet as HashSet};
use haul_domain::feed::rank::{ID_ENTRY_BYTES, Profile};
use haul_domain::ids::UserId;
use haul_store::content::ViewerEvent;
use std::sync::Mutex;

pub const PROFILE_EVENTS: i64 = 300;
const TTL_MS: i64 = 60_000;
const SHARDS: usize = 64;

#[derive(Default, Clone)]
pub struct Viewer {
    pub profile: Profile,
    pub seen: HashSet<i64>,
    /// The categories they engage with most, best first.
    pub top_categories: Vec<i64>,
    /// Seen videos shown again in this round, once everything was seen.
    pub shown_again: HashSet<i64>,
    /// Their candidates, scored, served page by page.
    pub shortlist: Option<super::candidates::Made>,
    loaded_at_ms: i64,
}

impl Viewer {
    /// About how many bytes it holds.
    pub fn approx_bytes(&self) -> usize {
        std::mem::size_of::<Viewer>()
            + self.profile.approx_bytes()
            + (self.seen.capacity() + self.shown_again.capacity()) * ID_ENTRY_BYTES
            + self.top_categories.capacity() * 8
            + self.shortlist.as_ref().map_or(0, super::candidates::Made::approx_bytes)
    }
}

impl Viewer {
    pub fn build(index: &Index, following: Vec<i64>, events: &[ViewerEvent], seen: HashSet<i64>, now: Timestamp) -> Viewer {
        let mut profile = Profile::default();
        profile.following.extend(following);
        let mut categories: HashMap<i64, f64> = HashMap::default();
        for e in events.iter().rev() {
            let Some(entry) = index.entries.get(&e.video_id) else { continue };
            let (weight, positive) = match e.kind.as_str() {
                "like" | "save" => (1.0, true),
                "share" | "purchase" => (1.5, true),
                "comment" => (0.8, true),
                "product_click" => (0.5, false),
                "view" => {
                    let duration = entry.detail.video.duration_ms;
                    (if duration > 0 && e.watch_ms * 10 >= 9 * duration { 0.3 } else { 0.1 }, false)
                }
                _ => (0.0, false),
            };
            if weight > 0.0 {
                profile.record(&entry.item, weight, positive);
                *categories.entry(entry.item.category).or_default() += weight;
            }
        }
        let mut top: Vec<(i64, f64)> = categories.into_iter().collect();
        top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Viewer {
            profile,
            seen,
            top_categories: top.into_iter().take(3).map(|(c, _)| c).collect(),
            shown_again: HashSet::default(),
            shortlist: None,
            loaded_at_ms: now.millis(),
        }
    }
}

pub struct Viewers {
    shards: Vec<Mutex<Shard>>,
    budget_per_shard: usize,
}

#[derive(Default)]
struct Shard {
    viewers: HashMap<i64, (Viewer, usize)>,
    bytes: usize,
}

impl Shard {
    /// Keeps the shard within `budget`: viewers whose minute is up go first,
    /// then those read longest ago; never `keep`, the one just used.
    fn fit(&mut self, budget: usize, keep: i64, now_ms: i64) {
        if self.bytes <= budget {
            return;
        }
        let mut by_age: Vec<(bool, i64, i64)> = self
            .viewers
            .iter()
            .filter(|(id, _)| **id != keep)
            .map(|(id, (v, _))| (now_ms - v.loaded_at_ms < TTL_MS, v.loaded_at_ms, *id))
            .collect();
        by_age.sort_unstable();
        for (_, _, id) in by_age {
            if self.bytes <= budget {
                break;
            }
            if let Some((_, bytes)) = self.viewers.remove(&id) {
                self.bytes -= bytes;
            }
        }
    }
}

impl Viewers {
    /// A cache of at most about `budget_bytes`.
    pub fn new(budget_bytes: usize) -> Self {
        Viewers { shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(), budget_per_shard: budget_bytes / SHARDS }
    }

    fn shard(&self, viewer: UserId) -> std::sync::MutexGuard<'_, Shard> {
        self.shards[viewer.get().unsigned_abs() as usize % SHARDS].lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn has(&self, viewer: UserId, now: Timestamp) -> bool {
        self.shard(viewer).viewers.get(&viewer.get()).is_some_and(|(v, _)| now.millis() - v.loaded_at_ms < TTL_MS)
    }

    pub fn put(&self, viewer: UserId, state: Viewer) {
        let now_ms = state.loaded_at_ms;
        let bytes = state.approx_bytes();
        let mut shard = self.shard(viewer);
        if let Some((_, old)) = shard.viewers.insert(viewer.get(), (state, bytes)) {
            shard.bytes -= old;
        }
        shard.bytes += bytes;
        shard.fit(self.budget_per_shard, viewer.get(), now_ms);
    }

    pub fn forget(&self, viewer: UserId) {
        let mut shard = self.shard(viewer);
        if let Some((_, bytes)) = shard.viewers.remove(&viewer.get()) {
            shard.bytes -= bytes;
        }
    }

    /// Runs `f` on the viewer's state, counting what it grew to (a shortlist made).
    pub fn with<T>(&self, viewer: UserId, f: impl FnOnce(&mut Viewer) -> T) -> Option<T> {
        let mut shard = self.shard(viewer);
        let (state, bytes) = shard.viewers.get_mut(&viewer.get())?;
        let answer = f(state);
        let (before, after, now_ms) = (*bytes, state.approx_bytes(), state.loaded_at_ms);
        *bytes = after;
        shard.bytes = shard.bytes - before + after;
        shard.fit(self.budget_per_shard, viewer.get(), now_ms);
        Some(answer)
    }

    /// About how many bytes the cache holds now.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.shards.iter().map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).bytes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(seen: i64, at_ms: i64) -> Viewer {
        Viewer { seen: (0..seen).collect(), loaded_at_ms: at_ms, ..Viewer::default() }
    }

    #[test]
    fn the_cache_stays_within_its_budget_dropping_the_stale_and_the_oldest_first() {
        let one = viewer(1_000, 0).approx_bytes();
        // Room for about three viewers per shard.
        let viewers = Viewers::new(SHARDS * (3 * one + one / 2));
        let on_one_shard = |k: i64| UserId(k * SHARDS as i64);
        for k in 1..=3 {
            viewers.put(on_one_shard(k), viewer(1_000, 1_000 * k));
        }
        assert!((1..=3).all(|k| viewers.has(on_one_shard(k), Timestamp::from_millis(5_000))));
        // A fourth: the one read longest ago makes room.
        viewers.put(on_one_shard(4), viewer(1_000, 4_000));
        assert!(!viewers.has(on_one_shard(1), Timestamp::from_millis(5_000)));
        assert!((2..=4).all(|k| viewers.has(on_one_shard(k), Timestamp::from_millis(5_000))));
        // Long after, a newcomer pushes out a stale one before a fresher one.
        viewers.put(on_one_shard(2), viewer(1_000, 70_000));
        viewers.put(on_one_shard(5), viewer(1_000, 70_500));
        let at = Timestamp::from_millis(71_000);
        assert!(viewers.has(on_one_shard(2), at) && viewers.has(on_one_shard(5), at));
        assert!(viewers.bytes() <= 3 * one + one / 2, "{} bytes", viewers.bytes());
        // Forgetting gives its bytes back.
        viewers.forget(on_one_shard(2));
        viewers.forget(on_one_shard(5));
        let left = viewers.bytes();
        assert!(left <= one + one / 2, "{left}");
    }
}
