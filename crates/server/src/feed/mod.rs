//! The feed engine: the index of every published video in memory
//! (`index.rs`), refreshed from the record on a timer, and the two feeds —
//! For You (ranked, with exploration audiences for new videos, never
//! repeating what the viewer was shown) and Following (newest first).

pub mod index;

use crate::error::ApiResult;
use haul_domain::Timestamp;
use haul_domain::feed::hard_sell::Policy;
use haul_domain::feed::pools::PoolConfig;
use haul_domain::feed::rank::{Profile, RankConfig, Reasons, Scored, page, score};
use haul_domain::feed::scores::{Priors, Weights};
use haul_domain::ids::UserId;
use haul_store::Db;
use haul_store::content::FeedRow;
use index::{Index, Settings};
use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

pub const POLICY_KEY: &str = "feed_policy";
const LOAD_PAGE: i64 = 5_000;
const PROFILE_EVENTS: i64 = 300;
const DAY_MS: i64 = 86_400_000;

pub struct FeedEngine {
    index: RwLock<Index>,
    policy: RwLock<Policy>,
    pub settings: Settings,
}

/// One item of a feed page and why it is there.
pub struct Ranked {
    pub id: i64,
    pub reasons: Reasons,
}

impl FeedEngine {
    pub fn new(health_threshold: f64) -> FeedEngine {
        FeedEngine {
            index: RwLock::new(Index::default()),
            policy: RwLock::new(Policy::default()),
            settings: Settings { priors: Priors::default(), weights: Weights::default(), pools: PoolConfig::default(), health_threshold },
        }
    }

    pub fn policy(&self) -> Policy {
        self.policy.read().map(|p| *p).unwrap_or_default()
    }

    pub async fn set_policy(&self, db: &Db, policy: Policy) -> ApiResult<()> {
        db.set_setting(POLICY_KEY, if policy == Policy::CommerceFirst { "commerce_first" } else { "content_first" }).await?;
        if let Ok(mut p) = self.policy.write() {
            *p = policy;
        }
        Ok(())
    }

    /// Rebuilds the index from the record: counters, pools and health move.
    pub async fn refresh(&self, db: &Db, now: Timestamp) -> haul_store::Result<usize> {
        let mut rows: Vec<FeedRow> = Vec::new();
        loop {
            let batch = db.feed_rows(rows.last().map_or(0, |r| r.id), LOAD_PAGE).await?;
            let done = (batch.len() as i64) < LOAD_PAGE;
            rows.extend(batch);
            if done {
                break;
            }
        }
        let since = Timestamp::from_millis(now.millis() - 30 * DAY_MS);
        let violations: HashMap<i64, i64> = db.violations_since(since).await?.into_iter().collect();
        let likes = db.recent_likes(since, 200_000).await?;
        if let Some(p) = db.setting(POLICY_KEY).await?.as_deref().and_then(Policy::parse)
            && let Ok(mut policy) = self.policy.write()
        {
            *policy = p;
        }
        let n = rows.len();
        let built = Index::build(rows, &violations, &likes, &self.settings, now.millis());
        if let Ok(mut index) = self.index.write() {
            *index = built;
        }
        Ok(n)
    }

    /// A new upload reaches its exploration audience without waiting.
    pub fn add(&self, row: &FeedRow) {
        if let Ok(mut index) = self.index.write() {
            let healthy = index.health.get(&row.creator_id).is_none_or(|h| *h >= self.settings.health_threshold);
            index.add(index::entry(row, &self.settings, healthy));
        }
    }

    pub fn creator_health(&self, creator: i64) -> f64 {
        self.index.read().ok().and_then(|i| i.health.get(&creator).copied()).unwrap_or(70.0)
    }

    /// A viewer's profile from what they did recently, and what they were shown.
    async fn viewer(&self, db: &Db, viewer: UserId) -> ApiResult<(Profile, HashSet<i64>)> {
        let mut profile = Profile::default();
        profile.following.extend(db.following(viewer).await?);
        let events = db.viewer_events(viewer, PROFILE_EVENTS).await?;
        let seen: HashSet<i64> = db.seen_videos(viewer).await?.into_iter().collect();
        if let Ok(index) = self.index.read() {
            for e in events.iter().rev() {
                let Some(entry) = index.entries.get(&e.video_id) else { continue };
                let (weight, positive) = match e.kind.as_str() {
                    "like" | "save" => (1.0, true),
                    "share" | "purchase" => (1.5, true),
                    "comment" => (0.8, true),
                    "product_click" => (0.5, false),
                    "view" => {
                        let done = entry.duration_ms > 0 && e.watch_ms * 10 >= 9 * entry.duration_ms;
                        (if done { 0.3 } else { 0.1 }, false)
                    }
                    _ => (0.0, false),
                };
                if weight > 0.0 {
                    profile.record(&entry.item, weight, positive);
                }
            }
        }
        Ok((profile, seen))
    }

    /// The For You page: ranked, never what was shown before; impressions
    /// are recorded so the next page moves on.
    pub async fn for_you(&self, db: &Db, viewer: Option<UserId>, size: usize, now: Timestamp) -> ApiResult<Vec<Ranked>> {
        let (profile, seen) = match viewer {
            Some(v) => self.viewer(db, v).await?,
            None => (Profile::default(), HashSet::new()),
        };
        let cfg = RankConfig { policy: self.policy(), ..RankConfig::default() };
        let chosen: Vec<Scored> = {
            let Ok(index) = self.index.read() else { return Ok(Vec::new()) };
            let mut candidates: Vec<i64> = Vec::new();
            for creator in &profile.following {
                candidates.extend(index.by_creator.get(creator).into_iter().flatten().take(20));
            }
            let mut categories: Vec<(i64, usize)> = Vec::new();
            for id in profile.liked.iter().rev() {
                if let Some(e) = index.entries.get(id) {
                    match categories.iter_mut().find(|c| c.0 == e.item.category) {
                        Some(c) => c.1 += 1,
                        None => categories.push((e.item.category, 1)),
                    }
                }
            }
            categories.sort_by_key(|c| std::cmp::Reverse(c.1));
            for (category, _) in categories.iter().take(3) {
                candidates.extend(index.by_category.get(category).into_iter().flatten().take(100));
            }
            candidates.extend(index.explore.iter().take(100));
            candidates.extend(index.top.iter().take(200));
            let mut unique = HashSet::with_capacity(candidates.len());
            let scored: Vec<Scored> = candidates
                .into_iter()
                .filter(|id| unique.insert(*id) && !seen.contains(id))
                .filter_map(|id| index.entries.get(&id))
                .filter(|e| Some(UserId(e.item.creator)) != viewer)
                .filter_map(|e| score(&e.item, &profile, index.co.score(&profile.liked, e.item.id), now.millis(), &cfg))
                .collect();
            page(scored, size, &cfg)
        };
        if let Some(v) = viewer {
            let shown: Vec<(i64, i64)> = chosen.iter().map(|s| (v.get(), s.id)).collect();
            db.record_impressions(&shown, now).await?;
        }
        Ok(chosen.into_iter().map(|s| Ranked { id: s.id, reasons: s.reasons }).collect())
    }

    /// The Following feed: followed creators' videos, newest first, before `before_id`.
    pub async fn following(&self, db: &Db, viewer: UserId, before_id: i64, size: usize, now: Timestamp) -> ApiResult<Vec<Ranked>> {
        let (profile, _) = self.viewer(db, viewer).await?;
        let cfg = RankConfig { policy: self.policy(), ..RankConfig::default() };
        let Ok(index) = self.index.read() else { return Ok(Vec::new()) };
        let mut ids: Vec<i64> = profile
            .following
            .iter()
            .flat_map(|c| index.by_creator.get(c).into_iter().flatten().copied())
            .filter(|id| *id < before_id)
            .collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        Ok(ids
            .into_iter()
            .filter_map(|id| index.entries.get(&id))
            .filter_map(|e| score(&e.item, &profile, 0.0, now.millis(), &cfg))
            .take(size)
            .map(|s| Ranked { id: s.id, reasons: s.reasons })
            .collect())
    }
}
