//! Analytics: sales rollups kept off the order's hot path (`rollup`) and
//! the questions the dashboards and the best-seller lists ask of them
//! (`figures`). Definitions: `docs/ANALYTICS.md`.

mod figures;
mod rollup;

pub use figures::*;
