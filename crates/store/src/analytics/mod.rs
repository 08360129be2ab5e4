//! Analytics: sales rollups kept off the order's hot path (`rollup`), what
//! people did with content and products (`activity`), and
//! the questions the dashboards and the best-seller lists ask of them
//! (`figures`). Definitions: `docs/ANALYTICS.md`.

mod activity;
mod figures;
mod platform;
mod rollup;
mod windows;

pub use activity::*;
pub use figures::*;
pub use platform::*;
