//! Ranking one viewer's page: each candidate's score is its quality, its
//! freshness, the viewer's affinity for it (creators, categories, hashtags
//! they engaged with; what viewers like them engaged with) and the hard-sell
//! policy; the page then keeps slots for new videos' exploration audiences
//! and spreads creators and categories out. Every item carries its reasons.

use super::hard_sell::Policy;
use super::ids::{IdMap, IdSet};
use super::pools::Standing;
use serde::Serialize;

/// A video as the ranker sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub creator: i64,
    pub category: i64,
    pub hashtags: Vec<u32>,
    pub created_at_ms: i64,
    /// From the smoothed rates (1.0 = average).
    pub quality: f64,
    pub hard_sell: f64,
    pub standing: Standing,
    /// The creator's health is above the threshold.
    pub creator_reaches_strangers: bool,
}

/// What a viewer engaged with, weighted (a like counts more than a view).
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub following: IdSet<i64>,
    creators: IdMap<i64, f64>,
    categories: IdMap<i64, f64>,
    hashtags: IdMap<u32, f64>,
    /// Sums of the weights above, kept so affinity is O(tags) per item.
    weight_total: f64,
    tag_total: f64,
    /// Recent positive engagements, newest last, for co-engagement.
    pub liked: Vec<i64>,
}

const LIKED_KEPT: usize = 50;

/// About what one entry of a hash set or map of ids takes, with the table's slack.
pub const ID_ENTRY_BYTES: usize = 24;

impl Profile {
    /// About how many bytes it holds, for a cache's budget.
    pub fn approx_bytes(&self) -> usize {
        let entries = self.following.capacity() + self.creators.capacity() + self.categories.capacity() + self.hashtags.capacity();
        entries * ID_ENTRY_BYTES + self.liked.capacity() * 8
    }

    pub fn record(&mut self, item: &Item, weight: f64, positive: bool) {
        self.weight_total += weight;
        self.tag_total += weight * item.hashtags.len() as f64;
        *self.creators.entry(item.creator).or_default() += weight;
        *self.categories.entry(item.category).or_default() += weight;
        for t in &item.hashtags {
            *self.hashtags.entry(*t).or_default() += weight;
        }
        if positive {
            self.liked.push(item.id);
            if self.liked.len() > LIKED_KEPT {
                self.liked.remove(0);
            }
        }
    }

    /// 0 to 1: how close the item is to what this viewer engages with.
    pub fn affinity(&self, item: &Item) -> f64 {
        fn share<K: std::hash::Hash + Eq>(map: &IdMap<K, f64>, key: &K, total: f64) -> f64 {
            if total > 0.0 { map.get(key).copied().unwrap_or(0.0) / total } else { 0.0 }
        }
        let creator = share(&self.creators, &item.creator, self.weight_total);
        let category = share(&self.categories, &item.category, self.weight_total);
        let tags = if item.hashtags.is_empty() {
            0.0
        } else {
            item.hashtags.iter().map(|t| share(&self.hashtags, t, self.tag_total)).sum::<f64>() / item.hashtags.len() as f64
        };
        // Shares of attention: a viewer spread over 4 categories gives each 0.25.
        (0.3 * (creator * 3.0).min(1.0) + 0.5 * (category * 2.0).min(1.0) + 0.2 * (tags * 3.0).min(1.0)).min(1.0)
    }
}

/// Item-to-item co-engagement: viewers who liked A also liked B.
#[derive(Debug, Clone, Default)]
pub struct CoEngagement {
    pairs: IdMap<(i64, i64), u32>,
    counts: IdMap<i64, u32>,
}

impl CoEngagement {
    /// Adds one viewer's liked items (the newest `LIKED_KEPT`).
    pub fn add_viewer(&mut self, liked: &[i64]) {
        let recent = &liked[liked.len().saturating_sub(LIKED_KEPT)..];
        for (i, a) in recent.iter().enumerate() {
            *self.counts.entry(*a).or_default() += 1;
            for b in &recent[i + 1..] {
                if a != b {
                    *self.pairs.entry((*a.min(b), *a.max(b))).or_default() += 1;
                }
            }
        }
    }

    /// For each item, its `k` closest items by co-engagement, so that a
    /// request only walks the neighbours of what the viewer liked.
    pub fn neighbours(&self, k: usize) -> IdMap<i64, Vec<(i64, f64)>> {
        let mut out: IdMap<i64, Vec<(i64, f64)>> = IdMap::default();
        for (&(a, b), &together) in &self.pairs {
            let na = self.counts.get(&a).copied().unwrap_or(1) as f64;
            let nb = self.counts.get(&b).copied().unwrap_or(1) as f64;
            let s = together as f64 / (na * nb).sqrt();
            out.entry(a).or_default().push((b, s));
            out.entry(b).or_default().push((a, s));
        }
        for list in out.values_mut() {
            list.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            list.truncate(k);
        }
        out
    }

    /// 0 to 1: cosine-style overlap between `item` and what the viewer liked.
    pub fn score(&self, liked: &[i64], item: i64) -> f64 {
        let Some(&n) = self.counts.get(&item) else { return 0.0 };
        let total: f64 = liked
            .iter()
            .filter(|l| **l != item)
            .map(|l| {
                let together = self.pairs.get(&(*l.min(&item), *l.max(&item))).copied().unwrap_or(0) as f64;
                let m = self.counts.get(l).copied().unwrap_or(1) as f64;
                together / (m * n as f64).sqrt()
            })
            .sum();
        if liked.is_empty() { 0.0 } else { (total / (liked.len() as f64).sqrt()).min(1.0) }
    }
}

/// Co-engagement scores of every neighbour of what the viewer liked: the
/// same values as [`CoEngagement::score`], from precomputed neighbours.
pub fn co_scores(liked: &[i64], neighbours: &IdMap<i64, Vec<(i64, f64)>>) -> IdMap<i64, f64> {
    let mut scores: IdMap<i64, f64> = IdMap::default();
    for l in liked {
        for (other, s) in neighbours.get(l).into_iter().flatten() {
            if other != l {
                *scores.entry(*other).or_default() += s;
            }
        }
    }
    let norm = (liked.len().max(1) as f64).sqrt();
    for s in scores.values_mut() {
        *s = (*s / norm).min(1.0);
    }
    scores
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankConfig {
    pub policy: Policy,
    pub half_life_hours: f64,
    /// How much affinity can multiply a score: up to `1 + affinity_weight`.
    pub affinity_weight: f64,
    pub co_engagement_weight: f64,
    pub follow_boost: f64,
    /// Slots per page for new videos' exploration audiences.
    pub explore_slots: usize,
    /// At most this share of a page from one category.
    pub category_cap: f64,
}

impl Default for RankConfig {
    fn default() -> Self {
        RankConfig {
            policy: Policy::ContentFirst,
            half_life_hours: 48.0,
            affinity_weight: 3.0,
            co_engagement_weight: 2.0,
            follow_boost: 0.5,
            explore_slots: 2,
            category_cap: 0.4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// From a creator the viewer follows.
    Following,
    /// Close to what the viewer engages with.
    Affinity,
    /// A new video finding its first audience.
    Exploration,
    /// A video promoted through the traffic pools.
    Pool,
    /// Shown before: the viewer has seen everything else.
    Seen,
}

/// Why an item is on the page, shown to viewers and creators alike.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Reasons {
    pub source: Source,
    pub pool: Standing,
    pub quality: f64,
    pub freshness: f64,
    pub affinity: f64,
    pub co_engagement: f64,
    pub hard_sell: f64,
    pub policy_factor: f64,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub id: i64,
    pub creator: i64,
    pub category: i64,
    pub reasons: Reasons,
}

/// Scores an item for a viewer; `None` if this viewer may not be shown it
/// (a stalled video or an unhealthy creator reach followers only).
pub fn score(item: &Item, profile: &Profile, co_engagement: f64, now_ms: i64, cfg: &RankConfig) -> Option<Scored> {
    let followed = profile.following.contains(&item.creator);
    if !followed && (!item.creator_reaches_strangers || !item.standing.reaches_strangers()) {
        return None;
    }
    let affinity = profile.affinity(item);
    let freshness = super::scores::freshness(now_ms - item.created_at_ms, cfg.half_life_hours);
    let policy_factor = cfg.policy.factor(item.hard_sell);
    let source = if followed {
        Source::Following
    } else if affinity >= 0.3 || co_engagement >= 0.2 {
        Source::Affinity
    } else if matches!(item.standing, Standing::Growing { level: 0, .. }) {
        Source::Exploration
    } else {
        Source::Pool
    };
    let boost = (1.0 + cfg.affinity_weight * affinity + cfg.co_engagement_weight * co_engagement)
        * if followed { 1.0 + cfg.follow_boost } else { 1.0 };
    let score = item.quality.max(0.0) * freshness * boost * policy_factor;
    let reasons = Reasons {
        source,
        pool: item.standing,
        quality: item.quality,
        freshness,
        affinity,
        co_engagement,
        hard_sell: item.hard_sell,
        policy_factor,
        score,
    };
    Some(Scored { id: item.id, creator: item.creator, category: item.category, reasons })
}

/// Builds a page of `size` from scored candidates: best first, with up to
/// `explore_slots` exploration items placed among them (more only when
/// nothing else is left), no creator twice in a row, and no category over
/// its cap while others can fill the page.
pub fn page<C: Candidate>(mut scored: Vec<C>, size: usize, cfg: &RankConfig) -> Vec<C> {
    scored.sort_by(|a, b| b.score().total_cmp(&a.score()).then(a.id().cmp(&b.id())));
    let (mut explore, mut rest): (Vec<_>, Vec<_>) = scored.into_iter().partition(|s| s.exploring());
    // Unproven videos beyond the slots fill a page only when nothing else
    // can: their freshness would otherwise outscore everything proven, and
    // their small first audience comes through the slots.
    let extra = explore.split_off(cfg.explore_slots.min(explore.len()));
    rest.extend(extra);
    let cap = ((size as f64 * cfg.category_cap).ceil() as usize).max(1);
    let mut out: Vec<C> = Vec::with_capacity(size);
    let mut per_category: IdMap<i64, usize> = IdMap::default();
    // Exploration items go at every fourth place, so a page never opens with an unknown.
    let mut explore = explore.into_iter().peekable();
    while out.len() < size {
        let slot_for_explore = out.len() % 4 == 3 && explore.peek().is_some();
        let pick = if slot_for_explore {
            explore.next()
        } else {
            let last = out.last().map(|s| s.creator());
            let fits = |s: &C| Some(s.creator()) != last && per_category.get(&s.category()).copied().unwrap_or(0) < cap;
            match rest.iter().position(fits).or_else(|| rest.iter().position(|s| Some(s.creator()) != last)).or(if rest.is_empty() {
                None
            } else {
                Some(0)
            }) {
                Some(i) => Some(rest.remove(i)),
                None => explore.next(),
            }
        };
        let Some(s) = pick else { break };
        *per_category.entry(s.category()).or_default() += 1;
        out.push(s);
    }
    out
}

/// What [`page`] needs to know of a candidate.
pub trait Candidate {
    fn id(&self) -> i64;
    fn creator(&self) -> i64;
    fn category(&self) -> i64;
    fn score(&self) -> f64;
    /// A new video finding its first audience (see [`Source::Exploration`]).
    fn exploring(&self) -> bool;
}

impl Candidate for Scored {
    fn id(&self) -> i64 {
        self.id
    }
    fn creator(&self) -> i64 {
        self.creator
    }
    fn category(&self) -> i64 {
        self.category
    }
    fn score(&self) -> f64 {
        self.reasons.score
    }
    fn exploring(&self) -> bool {
        self.reasons.source == Source::Exploration
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, creator: i64, category: i64, quality: f64) -> Item {
        Item {
            id,
            creator,
            category,
            hashtags: vec![],
            created_at_ms: 0,
            quality,
            hard_sell: 0.0,
            standing: Standing::Growing { level: 1, remaining: 100 },
            creator_reaches_strangers: true,
        }
    }

    #[test]
    fn followers_still_see_stalled_videos_and_unhealthy_creators_strangers_do_not() {
        let cfg = RankConfig::default();
        let mut stalled = item(1, 7, 1, 1.0);
        stalled.standing = Standing::Stalled { level: 0 };
        let mut unhealthy = item(2, 8, 1, 1.0);
        unhealthy.creator_reaches_strangers = false;
        let stranger = Profile::default();
        assert!(score(&stalled, &stranger, 0.0, 0, &cfg).is_none());
        assert!(score(&unhealthy, &stranger, 0.0, 0, &cfg).is_none());
        let mut fan = Profile::default();
        fan.following.extend([7, 8]);
        assert_eq!(score(&stalled, &fan, 0.0, 0, &cfg).unwrap().reasons.source, Source::Following);
        assert!(score(&unhealthy, &fan, 0.0, 0, &cfg).is_some());
    }

    #[test]
    fn content_first_demotes_hard_sell_and_commerce_first_does_not() {
        let mut advert = item(1, 1, 1, 1.0);
        advert.hard_sell = 1.0;
        let story = item(2, 2, 1, 1.0);
        let p = Profile::default();
        let content = RankConfig::default();
        let commerce = RankConfig { policy: Policy::CommerceFirst, ..content };
        let s = |i: &Item, c: &RankConfig| score(i, &p, 0.0, 0, c).unwrap().reasons.score;
        assert!(s(&advert, &content) < s(&story, &content));
        assert_eq!(s(&advert, &commerce), s(&story, &commerce));
    }

    #[test]
    fn affinity_lifts_what_the_viewer_engages_with() {
        let cfg = RankConfig::default();
        let mut p = Profile::default();
        let cooking = item(1, 1, 10, 1.0);
        for _ in 0..5 {
            p.record(&cooking, 1.0, true);
        }
        let more_cooking = item(2, 2, 10, 1.0);
        let cars = item(3, 3, 20, 1.2);
        let a = score(&more_cooking, &p, 0.0, 0, &cfg).unwrap();
        let b = score(&cars, &p, 0.0, 0, &cfg).unwrap();
        assert!(a.reasons.score > b.reasons.score, "{a:?} {b:?}");
        assert_eq!(a.reasons.source, Source::Affinity);
    }

    #[test]
    fn pages_spread_creators_and_categories_and_keep_exploration_slots() {
        let cfg = RankConfig::default();
        let p = Profile::default();
        let mut items: Vec<Item> = (0..10).map(|i| item(i, 1, 1, 2.0 - i as f64 * 0.01)).collect(); // one creator, one category, strong
        items.extend((10..20).map(|i| item(i, i, 2 + i % 3, 1.0)));
        let mut fresh = item(99, 99, 9, 0.5);
        fresh.standing = Standing::Growing { level: 0, remaining: 300 };
        items.push(fresh);
        let scored: Vec<_> = items.iter().filter_map(|i| score(i, &p, 0.0, 0, &cfg)).collect();
        let page = page(scored, 10, &cfg);
        assert_eq!(page.len(), 10);
        assert!(page.windows(2).all(|w| w[0].creator != w[1].creator), "no creator twice in a row");
        assert!(page.iter().filter(|s| s.category == 1).count() <= 4, "category cap");
        assert_eq!(page[3].id, 99, "the new video gets its exploration slot");
    }

    #[test]
    fn co_engagement_finds_what_similar_viewers_liked() {
        let mut co = CoEngagement::default();
        for _ in 0..5 {
            co.add_viewer(&[1, 2, 3]);
        }
        co.add_viewer(&[4, 5]);
        assert!(co.score(&[1], 2) > 0.5);
        assert_eq!(co.score(&[1], 5), 0.0);
        assert_eq!(co.score(&[], 2), 0.0);
        // Precomputed neighbours give the same scores.
        let fast = co_scores(&[1, 4], &co.neighbours(10));
        for item in [2, 3, 5] {
            assert!((fast.get(&item).copied().unwrap_or(0.0) - co.score(&[1, 4], item)).abs() < 1e-9, "{item}");
        }
    }
}
