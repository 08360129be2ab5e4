//! The feed, as pure rules: smoothed engagement rates and quality
//! (`scores`), traffic pools (`pools`), the hard-sell score and the
//! operator's policy (`hard_sell`), creator health (`health`), ranking
//! one viewer's page with its reasons (`rank`), and serving a viewer's
//! scored candidates page by page (`shortlist`).

pub mod hard_sell;
pub mod health;
pub mod ids;
pub mod pools;
pub mod rank;
pub mod scores;
pub mod shortlist;
