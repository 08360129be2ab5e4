//! Each viewer's profile (what they engaged with, whom they follow) and the
//! set of videos they were shown, kept for a minute after it is read from
//! the record; a viewer's own actions drop it so it is read again. Sharded
//! so that viewers on different shards never wait for each other.

use super::index::Index;
use haul_domain::Timestamp;
use haul_domain::feed::ids::{IdMap as HashMap, IdSet as HashSet};
use haul_domain::feed::rank::Profile;
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

pub struct Viewers(Vec<Mutex<HashMap<i64, Viewer>>>);

impl Default for Viewers {
    fn default() -> Self {
        Viewers((0..SHARDS).map(|_| Mutex::new(HashMap::default())).collect())
    }
}

impl Viewers {
    fn shard(&self, viewer: UserId) -> std::sync::MutexGuard<'_, HashMap<i64, Viewer>> {
        self.0[viewer.get().unsigned_abs() as usize % SHARDS].lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn has(&self, viewer: UserId, now: Timestamp) -> bool {
        self.shard(viewer).get(&viewer.get()).is_some_and(|v| now.millis() - v.loaded_at_ms < TTL_MS)
    }

    pub fn put(&self, viewer: UserId, state: Viewer) {
        self.shard(viewer).insert(viewer.get(), state);
    }

    pub fn forget(&self, viewer: UserId) {
        self.shard(viewer).remove(&viewer.get());
    }

    pub fn with<T>(&self, viewer: UserId, f: impl FnOnce(&mut Viewer) -> T) -> Option<T> {
        self.shard(viewer).get_mut(&viewer.get()).map(f)
    }
}
