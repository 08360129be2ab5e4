//! Choosing a viewer's candidates from the index and scoring them, and
//! serving their pages from the shortlist that scoring makes.

use super::index::Index;
use super::viewers::Viewer;
use haul_domain::feed::ids::{IdMap as HashMap, IdSet as HashSet};
use haul_domain::feed::rank::{Candidate, RankConfig, Scored, Source, co_scores, page, score};
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
/// How many unseen videos a step deeper into the whole index adds, at most
/// how many it looks at (so a request's work stays bounded however much
/// the viewer has seen), and how many seen ones are scored to be shown
/// again.
const DEEPER: usize = 60;
const DEEPER_LOOKS: usize = 3_000;
const AGAIN: usize = 1_000;

/// A viewer's shortlist and what it was made from.
#[derive(Clone)]
pub struct Made {
    list: Shortlist,
    index_version: u64,
    /// How many of the index's later uploads were merged in.
    merged: usize,
    /// Co-engagement with what the viewer liked, per video.
    co: HashMap<i64, f64>,
    /// How far into the index's ranked list the viewer has gone.
    deeper_at: usize,
    /// The last step deeper found nothing proven: further steps are taken
    /// only when the list cannot fill a page.
    dry: bool,
}

impl Made {
    /// About how many bytes it holds, for the viewers' cache budget.
    pub fn approx_bytes(&self) -> usize {
        self.list.approx_bytes() + self.co.capacity() * haul_domain::feed::rank::ID_ENTRY_BYTES
    }
}

/// A page, and where on it the viewer has seen everything (the items from
/// there on are shown again).
pub struct Page {
    pub chosen: Vec<Scored>,
    pub caught_up_at: Option<usize>,
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
/// was rebuilt, topped up when too little is left, with new uploads merged
/// in. When the sources run out of proven videos, every unseen video in the
/// index is looked at (older ones rank lower); when nothing unseen is left,
/// seen videos come again, best first, each once per round.
pub fn next_page(index: &Index, state: &mut Viewer, me: i64, size: usize, now_ms: i64, cfg: &RankConfig) -> Page {
    let mut made = match state.shortlist.take() {
        Some(made) if made.index_version == index.version => made,
        _ => {
            let co = co_scores(&state.profile.liked, &index.neighbours);
            Made { list: Shortlist::default(), index_version: index.version, merged: index.added.len(), co, deeper_at: 0, dry: false }
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
    let short = made.list.len() < size || (made.list.proven() < size && !made.dry);
    if short && made.deeper_at < index.ranked.len() {
        let more = deeper(index, state, me, (&made.list, &made.co), &mut made.deeper_at, now_ms, cfg);
        made.dry = more.iter().all(|s| s.exploring());
        made.list.extend(&more);
    }
    // The reasons of the few shown, worked out again: the list keeps only what choosing needs.
    let mut chosen: Vec<Scored> = made.list.next_page(size, cfg).into_iter().filter_map(|p| score_one(p.id)).collect();
    state.seen.extend(chosen.iter().map(|s| s.id));
    let mut caught_up_at = None;
    if chosen.len() < size {
        let again = again(index, state, me, &chosen, &made.co, size - chosen.len(), now_ms, cfg);
        if again.crossing && !again.chosen.is_empty() {
            caught_up_at = Some(chosen.len());
        }
        chosen.extend(again.chosen);
    }
    state.shortlist = Some(made);
    Page { chosen, caught_up_at }
}

/// The next unseen videos the shortlist lacks, walking down the index's
/// ranked list from where the viewer stopped: older and weaker ones come
/// later, and each request looks at a bounded stretch of it.
fn deeper(
    index: &Index,
    state: &Viewer,
    me: i64,
    (list, co): (&Shortlist, &HashMap<i64, f64>),
    at: &mut usize,
    now_ms: i64,
    cfg: &RankConfig,
) -> Vec<Scored> {
    let held = list.ids();
    let stretch = &index.ranked[(*at).min(index.ranked.len())..];
    let mut looked = 0;
    let mut ids = Vec::with_capacity(DEEPER);
    for id in stretch.iter().take(DEEPER_LOOKS) {
        looked += 1;
        if !state.seen.contains(id) && !held.contains(id) {
            ids.push(*id);
            if ids.len() == DEEPER {
                break;
            }
        }
    }
    *at += looked;
    score_all(index, state, Some(me), co, ids, now_ms, cfg)
}

struct Again {
    chosen: Vec<Scored>,
    /// The first seen videos shown again: the viewer crosses over.
    crossing: bool,
}

/// Seen videos shown again, none twice in a round (a round ends when all
/// were shown again), none already on the page.
#[allow(clippy::too_many_arguments)]
fn again(
    index: &Index,
    state: &mut Viewer,
    me: i64,
    on_page: &[Scored],
    co: &HashMap<i64, f64>,
    n: usize,
    now_ms: i64,
    cfg: &RankConfig,
) -> Again {
    let crossing = state.shown_again.is_empty();
    let mut chosen: Vec<Scored> = Vec::with_capacity(n);
    for _ in 0..2 {
        let fresh = |id: &&i64| !state.shown_again.contains(*id) && !on_page.iter().chain(&chosen).any(|s| s.id == **id);
        let ids = state.seen.iter().filter(fresh).take(AGAIN).copied().collect();
        let more = page(score_all(index, state, Some(me), co, ids, now_ms, cfg), n - chosen.len(), cfg);
        state.shown_again.extend(more.iter().map(|s| s.id));
        chosen.extend(more);
        if chosen.len() == n {
            break;
        }
        // The round is over: the rest of the page starts the next one.
        state.shown_again.clear();
    }
    for s in &mut chosen {
        s.reasons.source = Source::Seen;
    }
    Again { chosen, crossing }
}
