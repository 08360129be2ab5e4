//! Counts of what people did that has no write of its own (a product page
//! or a note opened, a cart line added, an order placed): kept in memory and
//! added to the activity rollups at each analytics pass, so reading a page
//! writes nothing. A crash loses at most one pass's counts (docs/ANALYTICS.md).

use haul_domain::Timestamp;
use haul_domain::analytics::{Metric, Subject};
use haul_store::Db;
use haul_store::analytics::{ActivityCounts, ActivityKey};
use std::sync::Mutex;

#[derive(Default)]
pub struct Tally {
    counts: Mutex<ActivityCounts>,
}

impl Tally {
    /// Counts one `metric` of a subject that exists (so a stranger cannot grow the map with made-up ids).
    pub fn count(&self, subject: Subject, id: i64, metric: Metric, shop: i64, now: Timestamp) {
        let key = ActivityKey::at(subject, id, metric, now.millis(), shop);
        *self.counts.lock().unwrap_or_else(|e| e.into_inner()).entry(key).or_default() += 1;
    }

    /// Adds what was counted to the record; kept for the next pass if that fails.
    pub async fn flush(&self, db: &Db) -> haul_store::Result<()> {
        let counts = std::mem::take(&mut *self.counts.lock().unwrap_or_else(|e| e.into_inner()));
        if let Err(e) = db.add_activity(&counts).await {
            let mut kept = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            for (key, n) in counts {
                *kept.entry(key).or_default() += n;
            }
            return Err(e);
        }
        Ok(())
    }
}
