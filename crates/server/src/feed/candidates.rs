//! Choosing a viewer's candidates from the index and scoring them, and
//! serving their pages from the shortlist that scoring makes.

use super::index::Index;
use super::viewers::Viewer;
use haul_domain::feed::ids::{IdMap as HashMap, IdSet as HashSet};
use haul_domain::feed::rank::{RankConfig, Scored, co_scores, score};
use haul_domain::feed::shortlist::Shortlist;

/// How deep each source is drawn, per creator followed, per top category,
/// from co-engagement, from new videos and from the best overall. A
/// shortlist lasts a viewer tens of pages; each source walks past what
/// they were already shown.
const PER_FOLLOWED: usize = 20;
const PER_CATEGORY: usize = 60;
const CO_ENGAGEMENT: usize = 80;
const EXPLORE: usize = 60;
const TOP: usize = 120;

/// A viewer's shortlist and what it was made from.
pub struct Made {
    list: Shortlist,
    index_version: u64,
    /// How many of the index's later uploads were merged in.
    merged: usize,
    /// Co-engagement with what the viewer liked, per video.
    co: HashMap<i64, f64>,
}

/// A stranger's candidates, scored.
pub fn scored(index: &Index, state: &Viewer, now_ms: i64, cfg: &RankConfig) -> Vec<Scored> {
    let co = co_scores(&state.profile.liked, &index.neighbours);
    let ids = candidates(index, state, &co);
    score_all(index, state, None, &co, ids, now_ms, cfg)
}

/// The viewer's candidates from each source, each once, unseen.
fn candidates(index: &Index, state: &Viewer, co: &HashMap<i64, f64>) -> Vec<i64> {
    let mut candidates: Vec<i64> = Vec::with_capacity(800);
    let mut unseen = |list: Option<&Vec<i64>>, n: usize| {
        candidates.extend(list.into_iter().flatten().filter(|id| !state.seen.contains(*id)).take(n).copied());
    };
    for creator in &state.profile.following {
        unseen(index.by_creator.get(creator), PER_FOLLOWED);
    }
    for category in state.top_categories.iter() {
        unseen(index.by_category.get(category), PER_CATEGORY);
    }
    unseen(Some(&index.explore), EXPLORE);
    unseen(Some(&index.top), TOP);
    // The strongest co-engagement neighbours only: a viewer with many
    // likes has hundreds, and each candidate costs a scoring.
    let mut co_best: Vec<(i64, f64)> = co.iter().filter(|(id, _)| !state.seen.contains(*id)).map(|(id, s)| (*id, *s)).collect();
    if co_best.len() > CO_ENGAGEMENT {
        co_best.select_nth_unstable_by(CO_ENGAGEMENT, |a, b| b.1.total_cmp(&a.1));
        co_best.truncate(CO_ENGAGEMENT);
    }
    candidates.extend(co_best.iter().map(|(id, _)| *id));
    let mut unique = HashSet::with_capacity_and_hasher(candidates.len(), Default::default());
    candidates.retain(|id| unique.insert(*id));
    candidates
}

/// Scores candidates for the viewer; `me` is never shown their own videos.
fn score_all(
    index: &Index,
    state: &Viewer,
    me: Option<i64>,
    co: &HashMap<i64, f64>,
    ids: Vec<i64>,
    now_ms: i64,
    cfg: &RankConfig,
) -> Vec<Scored> {
    ids.into_iter()
        .filter_map(|id| index.entries.get(&id))
        .filter(|e| Some(e.item.creator) != me)
        .filter_map(|e| score(&e.item, &state.profile, co.get(&e.item.id).copied().unwrap_or(0.0), now_ms, cfg))
        .collect()
}

/// The viewer's next page from their shortlist: made again when the index
/// was rebuilt, topped up when too little is left, with new uploads merged in.
pub fn next_page(index: &Index, state: &mut Viewer, me: i64, size: usize, now_ms: i64, cfg: &RankConfig) -> Vec<Scored> {
    let mut made = match state.shortlist.take() {
        Some(made) if made.index_version == index.version => made,
        _ => {
            let co = co_scores(&state.profile.liked, &index.neighbours);
            Made { list: Shortlist::default(), index_version: index.version, merged: index.added.len(), co }
        }
    };
    if made.list.is_empty() || !made.list.can_serve(size, cfg) {
        let held = made.list.ids();
        let ids = candidates(index, state, &made.co).into_iter().filter(|id| !held.contains(id)).collect();
        made.list.extend(&score_all(index, state, Some(me), &made.co, ids, now_ms, cfg));
    }
    let score_one = |id: i64| {
        let e = index.entries.get(&id)?;
        score(&e.item, &state.profile, made.co.get(&id).copied().unwrap_or(0.0), now_ms, cfg)
    };
    for id in &index.added[made.merged.min(index.added.len())..] {
        if index.entries.get(id).is_some_and(|e| e.item.creator != me)
            && !state.seen.contains(id)
            && let Some(s) = score_one(*id)
        {
            made.list.insert(&s);
        }
    }
    made.merged = index.added.len();
    // The reasons of the few shown, worked out again: the list keeps only what choosing needs.
    let chosen: Vec<Scored> = made.list.next_page(size, cfg).into_iter().filter_map(|p| score_one(p.id)).collect();
    state.seen.extend(chosen.iter().map(|s| s.id));
    state.shortlist = Some(made);
    chosen
}
