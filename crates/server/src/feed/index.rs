//! Every published video in memory, as the ranker sees it, with the lists
//! candidates are drawn from: by creator, best per category, new videos
//! looking for their first audience, best overall. Rebuilt from the record
//! on a timer (counters move), and new uploads are added at once.

use haul_domain::feed::health::{creator_health, reaches_strangers};
use haul_domain::feed::pools::{PoolConfig, Standing};
use haul_domain::feed::rank::{CoEngagement, Item};
use haul_domain::feed::scores::{Engagement, Priors, Rates, Weights, freshness, quality};
use haul_store::content::FeedRow;
use std::collections::HashMap;

/// How many of each list candidates are drawn from.
const PER_CATEGORY: usize = 200;
const TOP: usize = 300;
const EXPLORE: usize = 300;

pub struct Entry {
    pub item: Item,
    pub counts: Engagement,
    pub rates: Rates,
    pub duration_ms: i64,
}

#[derive(Default)]
pub struct Index {
    pub entries: HashMap<i64, Entry>,
    pub by_creator: HashMap<i64, Vec<i64>>,
    pub by_category: HashMap<i64, Vec<i64>>,
    pub explore: Vec<i64>,
    pub top: Vec<i64>,
    pub health: HashMap<i64, f64>,
    pub co: CoEngagement,
}

pub struct Settings {
    pub priors: Priors,
    pub weights: Weights,
    pub pools: PoolConfig,
    pub health_threshold: f64,
}

pub fn entry(row: &FeedRow, s: &Settings, healthy: bool) -> Entry {
    let counts = Engagement {
        impressions: row.impressions,
        views: row.views,
        completions: row.completions,
        likes: row.likes,
        comments: row.comments,
        shares: row.shares,
        product_clicks: row.product_clicks,
        purchases: row.purchases,
    };
    let rates = counts.rates(&s.priors);
    let item = Item {
        id: row.id,
        creator: row.creator_id,
        category: row.category_id.unwrap_or(0),
        hashtags: row.hashtags.split_whitespace().map(tag_id).collect(),
        created_at_ms: row.created_at,
        quality: quality(&rates, &s.priors, &s.weights),
        hard_sell: row.hard_sell_milli as f64 / 1000.0,
        standing: s.pools.standing(counts.impressions, &rates),
        creator_reaches_strangers: healthy,
    };
    Entry { item, counts, rates, duration_ms: row.duration_ms }
}

/// A stable number for a hashtag (FNV-1a): profiles compare tags as numbers.
pub fn tag_id(tag: &str) -> u32 {
    tag.bytes().fold(0x811C_9DC5u32, |h, b| (h ^ b as u32).wrapping_mul(0x0100_0193))
}

impl Index {
    /// Builds the index from every published video, the violations of the
    /// last 30 days and recent likes (for co-engagement).
    pub fn build(rows: Vec<FeedRow>, violations: &HashMap<i64, i64>, likes: &[(i64, i64)], s: &Settings, now_ms: i64) -> Index {
        let mut index = Index::default();
        // Creator health needs each creator's quality: a first pass.
        let mut qualities: HashMap<i64, Vec<f64>> = HashMap::new();
        let provisional: Vec<Entry> = rows.iter().map(|r| entry(r, s, true)).collect();
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
            index.insert_entry(e);
        }
        index.rank_lists(now_ms);
        let mut current: Option<i64> = None;
        let mut liked: Vec<i64> = Vec::new();
        for (viewer, video) in likes {
            if current != Some(*viewer) {
                index.co.add_viewer(&liked);
                liked.clear();
                current = Some(*viewer);
            }
            liked.push(*video);
        }
        index.co.add_viewer(&liked);
        index
    }

    fn insert_entry(&mut self, e: Entry) {
        self.by_creator.entry(e.item.creator).or_default().push(e.item.id);
        self.entries.insert(e.item.id, e);
    }

    /// A new upload: into every list at once (a new video is explored).
    pub fn add(&mut self, e: Entry) {
        let id = e.item.id;
        let category = e.item.category;
        self.insert_entry(e);
        self.explore.insert(0, id);
        self.explore.truncate(EXPLORE);
        self.by_category.entry(category).or_default().push(id);
    }

    fn rank_lists(&mut self, now_ms: i64) {
        let value = |e: &Entry| e.item.quality * freshness(now_ms - e.item.created_at_ms, 48.0);
        let mut all: Vec<(f64, i64, i64)> = self.entries.values().map(|e| (value(e), e.item.id, e.item.category)).collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
        self.top = all.iter().take(TOP).map(|x| x.1).collect();
        self.by_category.clear();
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
