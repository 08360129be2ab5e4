//! Traffic pools, as Douyin runs them: a new video is shown to a small
//! exploration audience of non-followers; when that pool's impressions are
//! used up its rates are compared with the pool's thresholds, and it is
//! promoted to a larger pool or stops growing. Sizes and thresholds are
//! configuration; every decision can be explained with the gap to beat.

use super::scores::Rates;
use serde::Serialize;

/// Rates a video must reach to leave a pool for the next one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    pub completion: f64,
    pub like: f64,
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PoolConfig {
    /// Impressions each pool gives, smallest first.
    pub sizes: Vec<i64>,
    /// What leaving pool `i` for pool `i + 1` needs (one fewer than sizes).
    pub thresholds: Vec<Thresholds>,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            sizes: vec![300, 3_000, 30_000, 300_000],
            thresholds: vec![
                Thresholds { completion: 0.30, like: 0.05, share: 0.004 },
                Thresholds { completion: 0.35, like: 0.06, share: 0.006 },
                Thresholds { completion: 0.40, like: 0.08, share: 0.010 },
            ],
        }
    }
}

/// Where a video stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Standing {
    /// In pool `level`, with impressions left to give.
    Growing { level: usize, remaining: i64 },
    /// Used up pool `level` without beating its thresholds: no new
    /// audiences; followers still see it.
    Stalled { level: usize },
    /// In the largest pool.
    Top { level: usize },
}

impl Standing {
    pub fn level(&self) -> usize {
        match *self {
            Standing::Growing { level, .. } | Standing::Stalled { level } | Standing::Top { level } => level,
        }
    }
    pub fn reaches_strangers(&self) -> bool {
        !matches!(self, Standing::Stalled { .. })
    }
}

/// One rate's gap to the next pool.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Need {
    pub metric: &'static str,
    pub have: f64,
    pub need: f64,
}

/// The default pools, written as configuration is: each pool's impressions,
/// then `:completion/like/share` to leave it for the next (the largest has none).
pub const DEFAULT_POOLS: &str = "300:0.30/0.05/0.004, 3000:0.35/0.06/0.006, 30000:0.40/0.08/0.010, 300000";

impl PoolConfig {
    pub fn parse(text: &str) -> Result<PoolConfig, crate::DomainError> {
        let bad =
            || crate::DomainError::invalid("feed_pools", "pools like `300:0.30/0.05/0.004, 3000` (impressions:completion/like/share)");
        let (mut sizes, mut thresholds) = (Vec::new(), Vec::new());
        let pools: Vec<&str> = text.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
        for (i, pool) in pools.iter().enumerate() {
            let (size, rest) = match pool.split_once(':') {
                Some((s, r)) => (s, Some(r)),
                None => (*pool, None),
            };
            let size: i64 = size.trim().parse().map_err(|_| bad())?;
            if size <= 0 {
                return Err(bad());
            }
            sizes.push(size);
            match (rest, i + 1 == pools.len()) {
                (Some(r), false) => {
                    let v: Vec<f64> = r.split('/').map(|x| x.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| bad())?;
                    let [completion, like, share] = v[..] else { return Err(bad()) };
                    if ![completion, like, share].iter().all(|x| (0.0..=1.0).contains(x)) {
                        return Err(bad());
                    }
                    thresholds.push(Thresholds { completion, like, share });
                }
                (None, true) => {}
                _ => return Err(bad()),
            }
        }
        if sizes.is_empty() {
            return Err(bad());
        }
        Ok(PoolConfig { sizes, thresholds })
    }

    /// Where a video with `impressions` so far and these smoothed rates stands:
    /// it climbs while each used-up pool's thresholds are beaten.
    pub fn standing(&self, impressions: i64, rates: &Rates) -> Standing {
        let mut used = 0;
        for (level, size) in self.sizes.iter().enumerate() {
            used += size;
            if impressions < used {
                return Standing::Growing { level, remaining: used - impressions };
            }
            match self.thresholds.get(level) {
                None => return Standing::Top { level },
                Some(t) if !beats(rates, t) => return Standing::Stalled { level },
                Some(_) => {}
            }
        }
        Standing::Top { level: self.sizes.len().saturating_sub(1) }
    }

    /// What the video needs to leave `level`: every rate below its threshold.
    pub fn needs(&self, level: usize, rates: &Rates) -> Vec<Need> {
        let Some(t) = self.thresholds.get(level) else { return Vec::new() };
        [("completion", rates.completion, t.completion), ("like", rates.like, t.like), ("share", rates.share, t.share)]
            .into_iter()
            .filter(|(_, have, need)| have < need)
            .map(|(metric, have, need)| Need { metric, have, need })
            .collect()
    }
}

fn beats(r: &Rates, t: &Thresholds) -> bool {
    r.completion >= t.completion && r.like >= t.like && r.share >= t.share
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates(completion: f64, like: f64, share: f64) -> Rates {
        Rates { completion, like, comment: 0.01, share, product_click: 0.02, purchase: 0.002 }
    }

    #[test]
    fn pools_promote_or_stall_table() {
        let cfg = PoolConfig::default();
        let good = rates(0.5, 0.1, 0.02);
        let poor = rates(0.2, 0.02, 0.001);
        let middling = rates(0.32, 0.055, 0.005); // beats pool 0, not pool 1
        for (impressions, r, expected) in [
            (0, good, Standing::Growing { level: 0, remaining: 300 }),
            (299, poor, Standing::Growing { level: 0, remaining: 1 }),
            (300, poor, Standing::Stalled { level: 0 }),
            (300, good, Standing::Growing { level: 1, remaining: 3_000 }),
            (3_300, middling, Standing::Stalled { level: 1 }),
            (3_300, good, Standing::Growing { level: 2, remaining: 30_000 }),
            (333_300, good, Standing::Top { level: 3 }),
            (i64::MAX, good, Standing::Top { level: 3 }),
        ] {
            assert_eq!(cfg.standing(impressions, &r), expected, "{impressions} {r:?}");
        }
    }

    #[test]
    fn pools_are_configured_as_text() {
        assert_eq!(PoolConfig::parse(DEFAULT_POOLS).unwrap(), PoolConfig::default());
        assert_eq!(PoolConfig::parse("50").unwrap().sizes, vec![50]);
        for bad in ["", "0", "300:0.3/0.05, 3000", "300:0.3/0.05/0.004", "300:2/0/0, 10", "x:0.3/0.05/0.004, 10"] {
            assert!(PoolConfig::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_studio_is_told_what_the_next_pool_needs() {
        let cfg = PoolConfig::default();
        let needs = cfg.needs(1, &rates(0.32, 0.07, 0.005));
        let metrics: Vec<_> = needs.iter().map(|n| n.metric).collect();
        assert_eq!(metrics, ["completion", "share"]);
        assert_eq!(needs[0].need, 0.35);
        assert!(cfg.needs(3, &rates(0.0, 0.0, 0.0)).is_empty(), "nothing above the top pool");
    }
}
