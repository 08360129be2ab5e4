//! A fixed-window counter per key (a login, an address), on the injected
//! clock. In memory: with several nodes each node counts on its own, which
//! still bounds guessing to nodes × limit per window.

use crate::clock::Clock;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub struct RateLimiter {
    limit: u32,
    window_ms: i64,
    clock: Arc<dyn Clock>,
    hits: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window_seconds: i64, clock: Arc<dyn Clock>) -> Self {
        RateLimiter { limit, window_ms: window_seconds * 1000, clock, hits: Mutex::new(HashMap::new()) }
    }

    /// Whether `key` is still under its limit in the current window.
    pub fn allowed(&self, key: &str) -> bool {
        let now = self.clock.now().millis();
        let hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        hits.get(key).is_none_or(|(start, n)| now - start >= self.window_ms || *n < self.limit)
    }

    /// Counts one failure against `key`.
    pub fn record_failure(&self, key: &str) {
        let now = self.clock.now().millis();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > 100_000 {
            // Bounded memory: forget windows that have ended.
            hits.retain(|_, (start, _)| now - *start < self.window_ms);
        }
        let entry = hits.entry(key.to_owned()).or_insert((now, 0));
        if now - entry.0 >= self.window_ms {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }

    pub fn reset(&self, key: &str) {
        self.hits.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use haul_domain::Timestamp;

    #[test]
    fn failures_over_the_limit_block_until_the_window_ends() {
        let clock = Arc::new(ManualClock::new(Timestamp::from_millis(0)));
        let limiter = RateLimiter::new(3, 60, clock.clone());
        for _ in 0..3 {
            assert!(limiter.allowed("a"));
            limiter.record_failure("a");
        }
        assert!(!limiter.allowed("a"));
        assert!(limiter.allowed("b"));
        clock.advance_seconds(61);
        assert!(limiter.allowed("a"));
    }
}
