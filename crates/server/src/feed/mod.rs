//! The feed engine: the index of every published video in memory
//! (`index.rs`), refreshed from the record on a timer, each viewer's profile
//! and seen set cached (`viewers.rs`), and the two feeds — For You (ranked,
//! with exploration audiences for new videos, nothing shown twice until
//! everything was shown, then seen videos again) and Following (newest first). A request reads no
//! database when its viewer is cached; impressions are written in batches.

mod candidates;
pub mod index;
mod viewers;

use haul_domain::Timestamp;
use haul_domain::feed::hard_sell::Policy;
use haul_domain::feed::ids::{IdMap as HashMap, IdSet as HashSet};
use haul_domain::feed::pools::PoolConfig;
use haul_domain::feed::rank::{RankConfig, Reasons, page, score};
use haul_domain::feed::scores::{Priors, Weights};
use haul_domain::ids::UserId;
use haul_store::Db;
use haul_store::content::VideoDetail;
use index::{Index, Settings};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use viewers::{Viewer, Viewers};

pub const POLICY_KEY: &str = "feed_policy";
const LOAD_PAGE: i64 = 5_000;
const DAY_MS: i64 = 86_400_000;

pub struct FeedEngine {
    index: RwLock<Index>,
    policy: RwLock<Policy>,
    viewers: Viewers,
    /// Pages `(viewer, videos)` shown and not yet written.
    impressions: Mutex<Vec<(i64, Vec<i64>)>>,
    /// Index builds so far; each build is numbered, and shortlists made
    /// from an older one start again.
    builds: AtomicU64,
    pub settings: Settings,
}

/// One item of a feed page and why it is there.
pub struct Ranked {
    pub detail: Arc<VideoDetail>,
    pub json: Arc<serde_json::value::RawValue>,
    pub reasons: Reasons,
    /// The first of the videos shown again: the viewer has seen all the others.
    pub caught_up: bool,
}

impl FeedEngine {
    pub fn new(health_threshold: f64, pools: PoolConfig, cache_bytes: usize) -> FeedEngine {
        FeedEngine {
            index: RwLock::new(Index::default()),
            policy: RwLock::new(Policy::default()),
            viewers: Viewers::new(cache_bytes),
            impressions: Mutex::new(Vec::new()),
            builds: AtomicU64::new(0),
            settings: Settings { priors: Priors::default(), weights: Weights::default(), pools, health_threshold },
        }
    }

    pub fn policy(&self) -> Policy {
        self.policy.read().map(|p| *p).unwrap_or_default()
    }

    pub async fn set_policy(&self, db: &Db, policy: Policy) -> haul_store::Result<()> {
        db.set_setting(POLICY_KEY, if policy == Policy::CommerceFirst { "commerce_first" } else { "content_first" }).await?;
        if let Ok(mut p) = self.policy.write() {
            *p = policy;
        }
        Ok(())
    }

    /// Rebuilds the index from the record: counters, pools and health move.
    pub async fn refresh(&self, db: &Db, now: Timestamp) -> haul_store::Result<usize> {
        let mut videos: Vec<VideoDetail> = Vec::new();
        loop {
            let after = videos.last().map_or(0, |d| d.video.id);
            let batch = db.feed_videos(after, LOAD_PAGE).await?;
            let Some(last) = batch.last().map(|v| v.id) else { break };
            let mut anchors = db.feed_anchors(after, last).await?.into_iter().peekable();
            let done = (batch.len() as i64) < LOAD_PAGE;
            for video in batch {
                let mut mine = Vec::new();
                while let Some((_, a)) = anchors.next_if(|(v, _)| *v == video.id) {
                    mine.push(a);
                }
                videos.push(VideoDetail { video, anchors: mine });
            }
            if done {
                break;
            }
        }
        let since = Timestamp::from_millis(now.millis() - 30 * DAY_MS);
        let violations: HashMap<i64, i64> = db.violations_since(since).await?.into_iter().collect();
        let likes = db.recent_likes(since, 500_000).await?;
        if let Some(p) = db.setting(POLICY_KEY).await?.as_deref().and_then(Policy::parse)
            && let Ok(mut policy) = self.policy.write()
        {
            *policy = p;
        }
        let n = videos.len();
        let mut built = Index::build(videos, &violations, &likes, &self.settings, now.millis());
        built.version = self.builds.fetch_add(1, Ordering::Relaxed) + 1;
        if let Ok(mut index) = self.index.write() {
            *index = built;
        }
        Ok(n)
    }

    /// A new upload reaches its exploration audience without waiting.
    pub fn add(&self, detail: VideoDetail) {
        if let Ok(mut index) = self.index.write() {
            let healthy = index.health.get(&detail.video.creator_id).is_none_or(|h| *h >= self.settings.health_threshold);
            index.add(index::entry(detail, &self.settings, healthy));
        }
    }

    pub fn creator_health(&self, creator: i64) -> f64 {
        self.index.read().ok().and_then(|i| i.health.get(&creator).copied()).unwrap_or(70.0)
    }

    /// The viewer did something (liked, watched, followed): their profile is
    /// read again from the record on their next request.
    pub fn forget_viewer(&self, viewer: UserId) {
        self.viewers.forget(viewer);
    }

    /// Whether `video` was shown to `viewer` on a feed page not written yet.
    pub fn pending_impression(&self, viewer: UserId, video: i64) -> bool {
        let pending = self.impressions.lock().unwrap_or_else(|e| e.into_inner());
        pending.iter().any(|(v, videos)| *v == viewer.get() && videos.contains(&video))
    }

    /// Writes the impressions shown since the last flush.
    pub async fn flush(&self, db: &Db, now: Timestamp) -> haul_store::Result<usize> {
        let batch = std::mem::take(&mut *self.impressions.lock().unwrap_or_else(|e| e.into_inner()));
        if !batch.is_empty() {
            db.record_impressions(&batch, haul_domain::analytics::policy_id(self.policy()), now).await?;
        }
        Ok(batch.len())
    }

    async fn viewer(&self, db: &Db, viewer: UserId, now: Timestamp) -> haul_store::Result<()> {
        if self.viewers.has(viewer, now) {
            return Ok(());
        }
        let profile = db.viewer_profile(viewer, viewers::PROFILE_EVENTS).await?;
        let mut seen: HashSet<i64> = profile.seen.into_iter().collect();
        // Shown but not flushed yet: still seen.
        let pending = self.impressions.lock().unwrap_or_else(|e| e.into_inner());
        seen.extend(pending.iter().filter(|(v, _)| *v == viewer.get()).flat_map(|(_, videos)| videos.iter().copied()));
        drop(pending);
        let built = match self.index.read() {
            Ok(index) => Viewer::build(&index, profile.following, &profile.events, seen, now),
            Err(_) => return Ok(()),
        };
        self.viewers.put(viewer, built);
        Ok(())
    }

    /// The For You page: ranked, unseen first (see `candidates::next_page`); impressions
    /// are recorded so the next page moves on.
    pub async fn for_you(&self, db: &Db, viewer: Option<UserId>, size: usize, now: Timestamp) -> haul_store::Result<Vec<Ranked>> {
        self.page(db, viewer, size, now, true).await
    }

    /// The page For You would show next, without showing it: nothing is
    /// recorded, and the feed itself opens on the same videos (the home
    /// page's tiles).
    pub async fn preview(&self, db: &Db, viewer: Option<UserId>, size: usize, now: Timestamp) -> haul_store::Result<Vec<Ranked>> {
        self.page(db, viewer, size, now, false).await
    }

    async fn page(&self, db: &Db, viewer: Option<UserId>, size: usize, now: Timestamp, shown: bool) -> haul_store::Result<Vec<Ranked>> {
        if let Some(v) = viewer {
            self.viewer(db, v, now).await?;
        }
        let cfg = RankConfig { policy: self.policy(), ..RankConfig::default() };
        let Ok(index) = self.index.read() else { return Ok(Vec::new()) };
        let candidates::Page { chosen, caught_up_at } = match viewer {
            Some(v) => self.viewers.with(v, |state| {
                if shown {
                    candidates::next_page(&index, state, v.get(), size, now.millis(), &cfg)
                } else {
                    candidates::next_page(&index, &mut state.clone(), v.get(), size, now.millis(), &cfg)
                }
            }),
            None => Some(candidates::Page {
                chosen: page(candidates::scored(&index, &Viewer::default(), now.millis(), &cfg), size, &cfg),
                caught_up_at: None,
            }),
        }
        .unwrap_or(candidates::Page { chosen: Vec::new(), caught_up_at: None });
        if let Some(v) = viewer
            && shown
            && !chosen.is_empty()
        {
            self.impressions.lock().unwrap_or_else(|e| e.into_inner()).push((v.get(), chosen.iter().map(|s| s.id).collect()));
        }
        Ok(chosen
            .into_iter()
            .enumerate()
            .filter_map(|(i, s)| {
                index.entries.get(&s.id).map(|e| Ranked {
                    detail: e.detail.clone(),
                    json: e.json.clone(),
                    reasons: s.reasons,
                    caught_up: caught_up_at == Some(i),
                })
            })
            .collect())
    }

    /// The Following feed: followed creators' videos, newest first, before `before_id`.
    pub async fn following(&self, db: &Db, viewer: UserId, before_id: i64, size: usize, now: Timestamp) -> haul_store::Result<Vec<Ranked>> {
        self.viewer(db, viewer, now).await?;
        let cfg = RankConfig { policy: self.policy(), ..RankConfig::default() };
        let Ok(index) = self.index.read() else { return Ok(Vec::new()) };
        let found = self.viewers.with(viewer, |state| {
            let mut ids: Vec<i64> = state
                .profile
                .following
                .iter()
                .flat_map(|c| index.by_creator.get(c).into_iter().flatten().copied())
                .filter(|id| *id < before_id)
                .collect();
            ids.sort_unstable_by(|a, b| b.cmp(a));
            ids.into_iter()
                .filter_map(|id| index.entries.get(&id))
                .filter_map(|e| {
                    score(&e.item, &state.profile, 0.0, now.millis(), &cfg).map(|s| Ranked {
                        detail: e.detail.clone(),
                        json: e.json.clone(),
                        reasons: s.reasons,
                        caught_up: false,
                    })
                })
                .take(size)
                .collect()
        });
        Ok(found.unwrap_or_default())
    }
}
