//! Engagement rates smoothed with Beta priors, so that a video with 3 views
//! and 3 likes is not "100%": each rate is `(successes + α) / (trials + α + β)`,
//! which starts at the platform's base rate and moves toward the video's own
//! as views accumulate. Quality is the weighted lift of those rates over the
//! base rates: 1.0 is an average video.

use serde::Serialize;

/// What viewers did with one video. `views` are plays that started; the
/// other counts are out of those views.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Engagement {
    pub impressions: i64,
    pub views: i64,
    /// Views watched to at least 90% of the length.
    pub completions: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub product_clicks: i64,
    pub purchases: i64,
}

/// A Beta prior: `alpha` successes in `alpha + beta` imagined trials.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prior {
    pub alpha: f64,
    pub beta: f64,
}

impl Prior {
    pub const fn new(mean: f64, strength: f64) -> Prior {
        Prior { alpha: mean * strength, beta: (1.0 - mean) * strength }
    }
    pub fn mean(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }
    pub fn smooth(&self, successes: i64, trials: i64) -> f64 {
        (successes.max(0) as f64 + self.alpha) / (trials.max(0) as f64 + self.alpha + self.beta)
    }
}

/// One value per rate the feed reads.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rates {
    pub completion: f64,
    pub like: f64,
    pub comment: f64,
    pub share: f64,
    pub product_click: f64,
    pub purchase: f64,
}

impl Rates {
    fn zip(&self, other: &Rates, f: impl Fn(f64, f64) -> f64) -> [f64; 6] {
        [
            f(self.completion, other.completion),
            f(self.like, other.like),
            f(self.comment, other.comment),
            f(self.share, other.share),
            f(self.product_click, other.product_click),
            f(self.purchase, other.purchase),
        ]
    }
}

/// Platform base rates, each worth a few dozen views of evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Priors {
    pub completion: Prior,
    pub like: Prior,
    pub comment: Prior,
    pub share: Prior,
    pub product_click: Prior,
    pub purchase: Prior,
}

impl Default for Priors {
    fn default() -> Self {
        Priors {
            completion: Prior::new(0.30, 20.0),
            like: Prior::new(0.05, 40.0),
            comment: Prior::new(0.01, 100.0),
            share: Prior::new(0.005, 200.0),
            product_click: Prior::new(0.02, 100.0),
            purchase: Prior::new(0.002, 500.0),
        }
    }
}

impl Priors {
    pub fn means(&self) -> Rates {
        Rates {
            completion: self.completion.mean(),
            like: self.like.mean(),
            comment: self.comment.mean(),
            share: self.share.mean(),
            product_click: self.product_click.mean(),
            purchase: self.purchase.mean(),
        }
    }
}

impl Engagement {
    pub fn rates(&self, p: &Priors) -> Rates {
        let n = self.views;
        Rates {
            completion: p.completion.smooth(self.completions, n),
            like: p.like.smooth(self.likes, n),
            comment: p.comment.smooth(self.comments, n),
            share: p.share.smooth(self.shares, n),
            product_click: p.product_click.smooth(self.product_clicks, n),
            purchase: p.purchase.smooth(self.purchases, n),
        }
    }
}

/// How much each rate counts toward quality. Content signals dominate; a
/// purchase counts, but a video cannot buy its way up with clicks alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights(pub Rates);

impl Default for Weights {
    fn default() -> Self {
        Weights(Rates { completion: 0.35, like: 0.25, comment: 0.1, share: 0.15, product_click: 0.08, purchase: 0.07 })
    }
}

/// Weighted lift of the smoothed rates over the base rates; 1.0 = average.
pub fn quality(rates: &Rates, priors: &Priors, weights: &Weights) -> f64 {
    let lifts = rates.zip(&priors.means(), |r, m| r / m);
    let w = weights.0.zip(&weights.0, |a, _| a);
    let total: f64 = w.iter().sum();
    lifts.iter().zip(w).map(|(l, w)| l * w).sum::<f64>() / total
}

/// Newer is better, halving every `half_life_hours`, never below 5%.
pub fn freshness(age_ms: i64, half_life_hours: f64) -> f64 {
    let hours = age_ms.max(0) as f64 / 3_600_000.0;
    0.5f64.powf(hours / half_life_hours.max(0.1)).max(0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_views_three_likes_is_not_a_hundred_percent() {
        let p = Priors::default();
        let e = Engagement { views: 3, likes: 3, ..Engagement::default() };
        let like = e.rates(&p).like;
        assert!(like < 0.15, "{like}");
        // With evidence the rate converges to the video's own.
        let e = Engagement { views: 100_000, likes: 30_000, ..Engagement::default() };
        assert!((e.rates(&p).like - 0.3).abs() < 0.001);
    }

    #[test]
    fn an_unseen_video_is_average() {
        let p = Priors::default();
        let q = quality(&Engagement::default().rates(&p), &p, &Weights::default());
        assert!((q - 1.0).abs() < 1e-9, "{q}");
    }

    #[test]
    fn better_engagement_means_higher_quality_table() {
        let p = Priors::default();
        let w = Weights::default();
        let q = |e: Engagement| quality(&e.rates(&p), &p, &w);
        let base = Engagement {
            views: 1000,
            completions: 300,
            likes: 50,
            comments: 10,
            shares: 5,
            product_clicks: 20,
            purchases: 2,
            ..Engagement::default()
        };
        let average = q(base);
        assert!((average - 1.0).abs() < 0.02, "{average}");
        for (better, what) in [
            (Engagement { completions: 600, ..base }, "completion"),
            (Engagement { likes: 150, ..base }, "likes"),
            (Engagement { shares: 30, ..base }, "shares"),
            (Engagement { purchases: 10, ..base }, "purchases"),
        ] {
            assert!(q(better) > average, "{what}");
        }
        assert!(q(Engagement { completions: 50, likes: 5, ..base }) < average);
    }

    #[test]
    fn freshness_halves_and_has_a_floor() {
        assert_eq!(freshness(0, 48.0), 1.0);
        assert!((freshness(48 * 3_600_000, 48.0) - 0.5).abs() < 1e-9);
        assert_eq!(freshness(i64::MAX, 48.0), 0.05);
        assert_eq!(freshness(-5, 48.0), 1.0, "a clock skew does not boost");
    }
}
