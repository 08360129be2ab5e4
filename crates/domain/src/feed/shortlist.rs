//! A viewer's shortlist: their candidates scored once, best first, served
//! page by page. Scoring a few hundred candidates is most of a feed
//! request's work, and a viewer's scores barely move between two pages
//! (freshness changes over hours; their own actions drop the shortlist), so
//! a page only diversifies the best few that are left. New uploads are
//! merged in as they arrive; when the list runs thin it is topped up, and
//! only candidates it does not hold yet are scored.

use super::ids::IdSet;
use super::rank::{Candidate, RankConfig, Scored, page};
use std::cmp::Ordering;

/// How many of the best remaining candidates a page is chosen from, per
/// item on the page: enough for the creator and category spread.
const WINDOW_PER_ITEM: usize = 4;

/// A scored candidate as a shortlist keeps it: what choosing a page needs
/// (a viewer holds hundreds; the reasons are worked out again for the few
/// shown).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pick {
    pub id: i64,
    pub creator: i64,
    pub category: i64,
    pub score: f64,
    pub exploring: bool,
}

impl From<&Scored> for Pick {
    fn from(s: &Scored) -> Pick {
        Pick { id: s.id, creator: s.creator, category: s.category, score: s.reasons.score, exploring: s.exploring() }
    }
}

impl Candidate for Pick {
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
        self.score
    }
    fn exploring(&self) -> bool {
        self.exploring
    }
}

#[derive(Debug, Clone, Default)]
pub struct Shortlist {
    /// Not shown yet, best first.
    ranked: Vec<Pick>,
    /// How many of them are not exploration items.
    proven: usize,
    /// Items served since the list was made or topped up.
    served: usize,
}

fn better(a: &Pick, b: &Pick) -> Ordering {
    b.score.total_cmp(&a.score).then(a.id.cmp(&b.id))
}

impl Shortlist {
    pub fn new(scored: &[Scored]) -> Shortlist {
        let mut list = Shortlist::default();
        list.extend(scored);
        list
    }

    pub fn len(&self) -> usize {
        self.ranked.len()
    }

    /// About how many bytes it holds, for a cache's budget.
    pub fn approx_bytes(&self) -> usize {
        self.ranked.capacity() * std::mem::size_of::<Pick>()
    }

    pub fn is_empty(&self) -> bool {
        self.ranked.is_empty()
    }

    /// How many it holds that are not exploration items.
    pub fn proven(&self) -> usize {
        self.proven
    }

    /// The ids it holds, for finding which candidates it lacks.
    pub fn ids(&self) -> IdSet<i64> {
        self.ranked.iter().map(|p| p.id).collect()
    }

    /// Whether the next page of `size` is chosen as from all the candidates
    /// (it is the same page unless forty in a row share a creator or a
    /// capped category). A list short of proven candidates is still used for
    /// a few pages: looking for more each time would find little.
    pub fn can_serve(&self, size: usize, cfg: &RankConfig) -> bool {
        self.ranked.len() >= window(size, cfg) && (self.proven >= size * WINDOW_PER_ITEM || self.served < window(size, cfg))
    }

    /// Tops the list up with candidates found since it was made (those it
    /// holds already keep their place).
    pub fn extend(&mut self, more: &[Scored]) {
        let mut held = self.ids();
        for s in more {
            if held.insert(s.id) {
                self.proven += !s.exploring() as usize;
                self.ranked.push(Pick::from(s));
            }
        }
        self.ranked.sort_by(better);
        self.served = 0;
    }

    /// A candidate that arrived after the shortlist was made (a new upload).
    pub fn insert(&mut self, s: &Scored) {
        if self.ranked.iter().any(|r| r.id == s.id) {
            return;
        }
        let pick = Pick::from(s);
        self.proven += !pick.exploring as usize;
        let at = self.ranked.partition_point(|r| better(r, &pick) == Ordering::Less);
        self.ranked.insert(at, pick);
    }

    /// The next page: chosen by [`page`] from what it can pick (the best
    /// exploration items for its slots, the best proven candidates, and
    /// other exploration items to fill a page short of proven ones), then
    /// removed from the shortlist.
    pub fn next_page(&mut self, size: usize, cfg: &RankConfig) -> Vec<Pick> {
        let wanted = size * WINDOW_PER_ITEM;
        let (mut slots, mut proven, mut extra) = (Vec::new(), Vec::new(), Vec::new());
        for p in &self.ranked {
            if !p.exploring {
                if proven.len() < wanted {
                    proven.push(*p);
                }
            } else if slots.len() < cfg.explore_slots {
                slots.push(*p);
            } else if extra.len() < wanted {
                extra.push(*p);
            }
            if proven.len() == wanted && slots.len() == cfg.explore_slots {
                break;
            }
        }
        extra.truncate(wanted - proven.len());
        slots.extend(proven);
        slots.extend(extra);
        let chosen = page(slots, size, cfg);
        self.ranked.retain(|p| !chosen.iter().any(|c| c.id == p.id));
        self.proven -= chosen.iter().filter(|c| !c.exploring).count();
        self.served += chosen.len();
        chosen
    }
}

/// How many candidates a page of `size` is chosen from.
fn window(size: usize, cfg: &RankConfig) -> usize {
    size * WINDOW_PER_ITEM + cfg.explore_slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::pools::Standing;
    use crate::feed::rank::{Reasons, Source};

    fn scored(id: i64, creator: i64, category: i64, score: f64, source: Source) -> Scored {
        let reasons = Reasons {
            source,
            pool: Standing::Growing { level: 1, remaining: 10 },
            quality: 1.0,
            freshness: 1.0,
            affinity: 0.0,
            co_engagement: 0.0,
            hard_sell: 0.0,
            policy_factor: 1.0,
            score,
        };
        Scored { id, creator, category, reasons }
    }

    fn picks(page: Vec<Scored>) -> Vec<Pick> {
        page.iter().map(Pick::from).collect()
    }

    fn candidates(n: i64) -> Vec<Scored> {
        (1..=n).map(|i| scored(i, i % 7, i % 5, 100.0 - i as f64, Source::Pool)).collect()
    }

    #[test]
    fn pages_from_a_shortlist_are_what_ranking_all_candidates_gives() {
        let cfg = RankConfig::default();
        let mut all = candidates(200);
        // Exploration items beyond the page's slots compete with the rest by score.
        all.extend((0..5).map(|i| scored(1000 + i, 50 + i, 9, 99.5 - i as f64 * 10.0, Source::Exploration)));
        let mut list = Shortlist::new(&all);
        for _ in 0..4 {
            let expected = picks(page(all.clone(), 10, &cfg));
            let got = list.next_page(10, &cfg);
            assert_eq!(got, expected);
            all.retain(|s| !got.iter().any(|g| g.id == s.id));
            assert_eq!(list.len(), all.len());
        }
    }

    #[test]
    fn nothing_is_served_twice_and_a_thin_list_asks_to_be_topped_up() {
        let cfg = RankConfig::default();
        let mut list = Shortlist::new(&candidates(100));
        let mut shown = std::collections::HashSet::new();
        while list.can_serve(10, &cfg) {
            for s in list.next_page(10, &cfg) {
                assert!(shown.insert(s.id), "{} twice", s.id);
            }
        }
        assert_eq!(shown.len(), 60);
        assert_eq!(list.len(), 40);
    }

    #[test]
    fn a_new_upload_takes_its_place_by_score_once() {
        let cfg = RankConfig::default();
        let mut list = Shortlist::new(&candidates(50));
        let fresh = scored(500, 99, 4, 1000.0, Source::Pool);
        list.insert(&fresh);
        list.insert(&fresh);
        assert_eq!(list.len(), 51);
        assert_eq!(list.next_page(10, &cfg)[0].id, 500);
    }

    #[test]
    fn unproven_videos_fill_a_page_only_after_the_proven_ones() {
        let cfg = RankConfig::default();
        let mut all: Vec<Scored> = (1..=5).map(|i| scored(i, i, i, 10.0 - i as f64, Source::Pool)).collect();
        all.extend((100..150).map(|i| scored(i, i, i, 50.0 - (i - 100) as f64 * 0.1, Source::Exploration)));
        let got = Shortlist::new(&all).next_page(10, &cfg);
        assert_eq!(got, picks(page(all, 10, &cfg)));
        let proven: Vec<i64> = got.iter().filter(|s| s.id < 100).map(|s| s.id).collect();
        assert_eq!(proven, vec![1, 2, 3, 4, 5]);
        assert_eq!(got[3].id, 100, "the best new video has the first slot");
    }

    #[test]
    fn topping_up_adds_only_what_the_list_lacks() {
        let cfg = RankConfig::default();
        let mut list = Shortlist::new(&candidates(45));
        let first = list.next_page(10, &cfg);
        assert!(!list.can_serve(10, &cfg));
        // The candidates found again hold what is left and fifteen new ones.
        let mut again = candidates(60);
        again.retain(|s| !first.iter().any(|f| f.id == s.id));
        list.extend(&again);
        assert_eq!(list.len(), 50);
        assert!(list.can_serve(10, &cfg));
        let held = list.ids();
        assert!((46..=60).all(|id| held.contains(&id)));
        assert!(first.iter().all(|f| !held.contains(&f.id)));
    }
}
