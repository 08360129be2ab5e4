//! The feed against a most-popular baseline, in a simulated world: viewers
//! with hidden tastes watch and engage; the personalised feed learns from
//! what they do, round after round; then both rankers order each viewer's
//! held-out videos and are scored on what the viewer would really have liked
//! (hit rate and NDCG at 10). Deterministic: a fixed seed.

#![allow(clippy::unwrap_used)]

use haul_domain::feed::pools::{PoolConfig, Standing};
use haul_domain::feed::rank::{CoEngagement, Item, Profile, RankConfig, page, score};
use haul_domain::feed::scores::{Engagement, Priors, Weights, quality};
use std::collections::HashSet;

const TOPICS: usize = 8;
const CREATORS: i64 = 80;
const VIDEOS: usize = 800;
const VIEWERS: usize = 400;
const ROUNDS: usize = 3;
const PAGE: usize = 20;
const HELD_OUT: usize = 100;
const NOW: i64 = 100 * 3_600_000;

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Video {
    item: Item,
    topic: usize,
    appeal: f64,
    counts: Engagement,
}

struct Viewer {
    taste: [f64; TOPICS],
    profile: Profile,
    seen: HashSet<i64>,
}

impl Viewer {
    fn like_probability(&self, v: &Video) -> f64 {
        (0.3 * self.taste[v.topic] * v.appeal).clamp(0.0, 0.95)
    }
}

fn world(rng: &mut Rng) -> (Vec<Video>, Vec<Viewer>) {
    let videos = (0..VIDEOS)
        .map(|i| {
            let creator = i as i64 % CREATORS;
            let topic = if rng.unit() < 0.9 { creator as usize % TOPICS } else { rng.below(TOPICS) };
            let item = Item {
                id: i as i64,
                creator,
                category: topic as i64,
                hashtags: vec![(topic * 10 + rng.below(3)) as u32],
                created_at_ms: NOW - rng.below(72) as i64 * 3_600_000,
                quality: 1.0,
                hard_sell: 0.0,
                standing: Standing::Growing { level: 0, remaining: 300 },
                creator_reaches_strangers: true,
            };
            Video { item, topic, appeal: 0.6 + 0.8 * rng.unit(), counts: Engagement::default() }
        })
        .collect();
    let viewers = (0..VIEWERS)
        .map(|_| {
            let mut taste = [0.05; TOPICS];
            let first = rng.below(TOPICS);
            let second = (first + 1 + rng.below(TOPICS - 1)) % TOPICS;
            taste[first] = 1.0;
            taste[second] = 0.6;
            Viewer { taste, profile: Profile::default(), seen: HashSet::new() }
        })
        .collect();
    (videos, viewers)
}

/// The viewer watches the video: maybe completes it, maybe likes it; the
/// video's counts and the viewer's profile learn from it.
fn watch(rng: &mut Rng, viewer: &mut Viewer, video: &mut Video) {
    viewer.seen.insert(video.item.id);
    video.counts.impressions += 1;
    video.counts.views += 1;
    let p = viewer.like_probability(video);
    let completed = rng.unit() < (0.2 + p).min(0.95);
    let liked = rng.unit() < p;
    video.counts.completions += i64::from(completed);
    video.counts.likes += i64::from(liked);
    let weight = if liked {
        1.0
    } else if completed {
        0.2
    } else {
        0.0
    };
    if weight > 0.0 {
        viewer.profile.record(&video.item, weight, liked);
    }
}

fn refresh(videos: &mut [Video], viewers: &[Viewer]) -> CoEngagement {
    let (priors, weights, pools) = (Priors::default(), Weights::default(), PoolConfig::default());
    for v in videos.iter_mut() {
        let rates = v.counts.rates(&priors);
        v.item.quality = quality(&rates, &priors, &weights);
        v.item.standing = pools.standing(v.counts.impressions, &rates);
    }
    let mut co = CoEngagement::default();
    for viewer in viewers {
        co.add_viewer(&viewer.profile.liked);
    }
    co
}

/// (hit rate@10, NDCG@10) of an ordering of held-out videos.
fn metrics(ranked: &[i64], relevant: &HashSet<i64>) -> (f64, f64) {
    let top = &ranked[..10.min(ranked.len())];
    let hit = if top.iter().any(|id| relevant.contains(id)) { 1.0 } else { 0.0 };
    let dcg: f64 = top.iter().enumerate().filter(|(_, id)| relevant.contains(id)).map(|(i, _)| 1.0 / (i as f64 + 2.0).log2()).sum();
    let ideal: f64 = (0..relevant.len().min(10)).map(|i| 1.0 / (i as f64 + 2.0).log2()).sum();
    (hit, if ideal > 0.0 { dcg / ideal } else { 0.0 })
}

#[test]
fn the_personalised_feed_beats_most_popular_on_held_out_interactions() {
    let mut rng = Rng(20_261_123);
    let (mut videos, mut viewers) = world(&mut rng);
    let cfg = RankConfig::default();
    // Cold start: every viewer is shown 20 random videos.
    for viewer in viewers.iter_mut() {
        for _ in 0..20 {
            let i = rng.below(VIDEOS);
            watch(&mut rng, viewer, &mut videos[i]);
        }
    }
    // Over time: each round every viewer gets a personalised page and engages.
    for _ in 0..ROUNDS {
        let co = refresh(&mut videos, &viewers);
        for viewer in viewers.iter_mut() {
            let candidates: Vec<_> = videos
                .iter()
                .filter(|v| !viewer.seen.contains(&v.item.id))
                .filter_map(|v| score(&v.item, &viewer.profile, co.score(&viewer.profile.liked, v.item.id), NOW, &cfg))
                .collect();
            for s in page(candidates, PAGE, &cfg) {
                watch(&mut rng, viewer, &mut videos[s.id as usize]);
            }
        }
    }
    let co = refresh(&mut videos, &viewers);
    // Held out: for each viewer, unseen videos and what they would have liked.
    let (mut personal, mut popular, mut counted) = ((0.0, 0.0), (0.0, 0.0), 0.0);
    for viewer in &viewers {
        let mut held: Vec<usize> = Vec::new();
        while held.len() < HELD_OUT {
            let i = rng.below(VIDEOS);
            if !viewer.seen.contains(&(i as i64)) && !held.contains(&i) {
                held.push(i);
            }
        }
        let relevant: HashSet<i64> =
            held.iter().filter(|i| rng.unit() < viewer.like_probability(&videos[**i])).map(|i| *i as i64).collect();
        if relevant.is_empty() {
            continue;
        }
        let mut by_feed: Vec<(f64, i64)> = held
            .iter()
            .map(|i| {
                let v = &videos[*i];
                let s = score(&v.item, &viewer.profile, co.score(&viewer.profile.liked, v.item.id), NOW, &cfg);
                (s.map_or(0.0, |s| s.reasons.score), v.item.id)
            })
            .collect();
        by_feed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut by_likes: Vec<(i64, i64)> = held.iter().map(|i| (videos[*i].counts.likes, *i as i64)).collect();
        by_likes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let (h, n) = metrics(&by_feed.iter().map(|x| x.1).collect::<Vec<_>>(), &relevant);
        personal = (personal.0 + h, personal.1 + n);
        let (h, n) = metrics(&by_likes.iter().map(|x| x.1).collect::<Vec<_>>(), &relevant);
        popular = (popular.0 + h, popular.1 + n);
        counted += 1.0;
    }
    let (p_hit, p_ndcg) = (personal.0 / counted, personal.1 / counted);
    let (b_hit, b_ndcg) = (popular.0 / counted, popular.1 / counted);
    println!(
        "feed simulation over {counted} viewers: personalised HR@10 {p_hit:.3} NDCG@10 {p_ndcg:.3}; most popular HR@10 {b_hit:.3} NDCG@10 {b_ndcg:.3}"
    );
    // The margin the feed must beat the baseline by: twice its NDCG@10, and
    // 20 points more viewers with a hit in their top 10.
    assert!(p_ndcg >= 2.0 * b_ndcg, "NDCG@10 {p_ndcg:.3} vs baseline {b_ndcg:.3}");
    assert!(p_hit >= b_hit + 0.2, "HR@10 {p_hit:.3} vs baseline {b_hit:.3}");
}
