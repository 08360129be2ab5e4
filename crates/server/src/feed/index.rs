//! Every published video in memory, as the ranker sees it and as clients
//! are shown it, with the lists candidates are drawn from: by creator, best
//! per category, new videos looking for their first audience, best overall,
//! and each video's co-engagement neighbours. Rebuilt from the record on a
//! timer (counters move); new uploads are added at once.

use haul_domain::feed::health::{creator_health, reaches_strangers};
use haul_domain::feed::ids::IdMap as HashMap;
use haul_domain::feed::pools::{PoolConfig, Standing};
use haul_domain::feed::rank::{CoEngagement, Item};
use haul_domain::feed::scores::{Engagement, Priors, Weights, freshness, quality};
use haul_store::content::{Video, VideoDetail};
use serde_json::value::RawValue;
use std::sync::Arc;

/// How many of each list candidates are drawn from.
const PER_CATEGORY: usize = 2_000;
const TOP: usize = 5_000;
const EXPLORE: usize = 1_000;
const NEIGHBOURS: usize = 20;
/// Likes per viewer that count toward co-engagement (the newest).
const CO_LIKES: usize = 20;

pub struct Entry {
    pub item: Item,
    pub detail: Arc<VideoDetail>,
    /// The video as the API shows it, serialised once per refresh.
    pub json: Arc<RawValue>,
}

#[derive(Default)]
pub struct Index {
    pub entries: HashMap<i64, Entry>,
    pub by_creator: HashMap<i64, Vec<i64>>,
    pub by_category: HashMap<i64, Vec<i64>>,
    pub explore: Vec<i64>,
    pub top: Vec<i64>,
    /// Every video of the build, best first (quality and freshness): the
    /// source a viewer walks deeper into once the others run out.
    pub ranked: Vec<i64>,
    pub health: HashMap<i64, f64>,
    pub neighbours: HashMap<i64, Vec<(i64, f64)>>,
    /// Which build this is: viewers' shortlists from an older one are stale.
    pub version: u64,
    /// Uploads added since the build, oldest first, for shortlists to merge.
    pub added: Vec<i64>,
}

pub struct Settings {
    pub priors: Priors,
    pub weights: Weights,
    pub pools: PoolConfig,
    pub health_threshold: f64,
}

pub fn engagement(v: &Video) -> Engagement {
    Engagement {
        impressions: v.impressions,
        views: v.views,
        completions: v.completions,
        likes: v.likes,
        comments: v.comments,
        shares: v.shares,
        product_clicks: v.product_clicks,
        purchases: v.purchases,
    }
}

pub fn entry(detail: VideoDetail, s: &Settings, healthy: bool) -> Entry {
    let v = &detail.video;
    let rates = engagement(v).rates(&s.priors);
    let item = Item {
        id: v.id,
        creator: v.creator_id,
        category: v.category_id.unwrap_or(0),
        hashtags: v.hashtags.split_whitespace().map(tag_id).collect(),
        created_at_ms: v.created_at,
        quality: quality(&rates, &s.priors, &s.weights),
        hard_sell: v.hard_sell_milli as f64 / 1000.0,
        standing: s.pools.standing(v.impressions, &rates),
        creator_reaches_strangers: healthy,
    };
    let json = serde_json::value::to_raw_value(&crate::services::videos::view(detail.clone()))
        .map(Arc::from)
        .unwrap_or_else(|_| Arc::from(RawValue::NULL.to_owned()));
    Entry { item, detail: Arc::new(detail), json }
}

/// A stable number for a hashtag (FNV-1a): profiles compare tags as numbers.
pub fn tag_id(tag: &str) -> u32 {
    tag.bytes().fold(0x811C_9DC5u32, |h, b| (h ^ b as u32).wrapping_mul(0x0100_0193))
}

impl Index {
    /// Builds the index from every published video, the violations of the
    /// last 30 days and recent likes `(viewer, video)` grouped by viewer.
    pub fn build(videos: Vec<VideoDetail>, violations: &HashMap<i64, i64>, likes: &[(i64, i64)], s: &Settings, now_ms: i64) -> Index {
        let mut index = Index::default();
        let provisional: Vec<Entry> = videos.into_iter().map(|d| entry(d, s, true)).collect();
        // Creator health needs each creator's recent quality: a first pass.
        let mut qualities: HashMap<i64, Vec<f64>> = HashMap::default();
        for e in &provisional {
            qualities.entry(e.item.creator).or_default().push(e.item.quality);
        }
        for (creator, q) in &qualities {
            let recent = &q[q.len().saturating_sub(20)..];
            index.health.insert(*creator, creator_health(recent, violations.get(creator).copied().unwrap_or(0)));
        }
        for mut e in provisional {
            let health = index.health.get(&e.item.creator).copied().unwrap_or(70.0);
            e.item.creator_reaches_strangers = reaches_strangers(health, s.health_threshold);
            index.by_creator.entry(e.item.creator).or_default().push(e.item.id);
            index.entries.insert(e.item.id, e);
        }
        index.rank_lists(now_ms);
        let mut co = CoEngagement::default();
        for group in likes.chunk_by(|a, b| a.0 == b.0) {
            let liked: Vec<i64> = group.iter().rev().take(CO_LIKES).map(|(_, video)| *video).collect();
            co.add_viewer(&liked);
        }
        index.neighbours = co.neighbours(NEIGHBOURS);
        index
    }

    /// A new upload: into every list at once (a new video is explored).
    pub fn add(&mut self, e: Entry) {
        let (id, category, creator) = (e.item.id, e.item.category, e.item.creator);
        self.entries.insert(id, e);
        self.added.push(id);
        self.by_creator.entry(creator).or_default().insert(0, id);
        self.explore.insert(0, id);
        self.explore.truncate(EXPLORE);
        self.by_category.entry(category).or_default().push(id);
    }

    fn rank_lists(&mut self, now_ms: i64) {
        let value = |e: &Entry| e.item.quality * freshness(now_ms - e.item.created_at_ms, 48.0);
        let mut all: Vec<(f64, i64, i64)> = self.entries.values().map(|e| (value(e), e.item.id, e.item.category)).collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        self.top = all.iter().take(TOP).map(|x| x.1).collect();
        self.ranked = all.iter().map(|x| x.1).collect();
        for (_, id, category) in &all {
            let list = self.by_category.entry(*category).or_default();
            if list.len() < PER_CATEGORY {
                list.push(*id);
            }
        }
        for list in self.by_creator.values_mut() {
            list.sort_unstable_by(|a, b| b.cmp(a));
        }
        // Newest first: the exploration audience goes to what has had the least.
        let mut explore: Vec<&Entry> = self
            .entries
            .values()
            .filter(|e| matches!(e.item.standing, Standing::Growing { level: 0, .. }) && e.item.creator_reaches_strangers)
            .collect();
        explore.sort_by_key(|e| std::cmp::Reverse(e.item.created_at_ms));
        self.explore = explore.iter().take(EXPLORE).map(|e| e.item.id).collect();
    }
}
