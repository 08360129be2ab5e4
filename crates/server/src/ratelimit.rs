//! Guessing limits (sign-in passwords, pickup codes) per key: an account, an
//! address, a campaign. An attempt is reserved *before* the slow check it
//! guards, so a burst of simultaneous guesses cannot all slip under the
//! limit; a success gives its reservation back. After `free` attempts a key
//! waits, 30 s and then twice as long each time, never more than 15 minutes;
//! a key that rests for 15 minutes starts afresh. On the injected clock. In
//! memory: with several nodes each node counts on its own, which still bounds
//! guessing to nodes × limit.

use crate::clock::Clock;
use haul_domain::live::{Bucket, RateLimit};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const FIRST_WAIT_MS: i64 = 30_000;
pub const LONGEST_WAIT_MS: i64 = 15 * 60_000;
/// Bounded memory: beyond this many keys, rested ones are forgotten.
const MAX_KEYS: usize = 100_000;

pub struct Backoff {
    clock: Arc<dyn Clock>,
    keys: Mutex<HashMap<String, Entry>>,
}

#[derive(Default, Clone, Copy)]
struct Entry {
    free: u32,
    attempts: u32,
    last_ms: i64,
    blocked_until_ms: i64,
}

impl Entry {
    /// Quiet for 15 minutes after its last attempt and its last wait.
    fn rested(&self, now: i64) -> bool {
        now - self.last_ms.max(self.blocked_until_ms) >= LONGEST_WAIT_MS
    }
}

impl Backoff {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Backoff { clock, keys: Mutex::new(HashMap::new()) }
    }

    /// Takes an attempt for every key, each with its number of free
    /// attempts, or for none when any of them must wait (then it says how
    /// many seconds).
    pub fn reserve(&self, keys: &[(&str, u32)]) -> Result<(), i64> {
        let now = self.clock.now().millis();
        let mut map = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > MAX_KEYS {
            map.retain(|_, e| !e.rested(now));
        }
        let wait = keys.iter().filter_map(|(k, _)| map.get(*k)).filter(|e| !e.rested(now)).map(|e| e.blocked_until_ms - now).max();
        if let Some(ms) = wait.filter(|ms| *ms > 0) {
            return Err((ms + 999) / 1000);
        }
        for (key, free) in keys {
            let e = map.entry((*key).to_owned()).or_default();
            if e.rested(now) {
                *e = Entry::default();
            }
            e.free = (*free).max(1);
            e.attempts += 1;
            e.last_ms = now;
            if e.attempts >= e.free {
                let doublings = (e.attempts - e.free).min(16);
                e.blocked_until_ms = now + (FIRST_WAIT_MS << doublings).min(LONGEST_WAIT_MS);
            }
        }
        Ok(())
    }

    /// The attempt reserved for `key` succeeded: it does not count.
    pub fn give_back(&self, key: &str) {
        let mut map = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = map.get_mut(key) {
            e.attempts = e.attempts.saturating_sub(1);
            if e.attempts < e.free {
                e.blocked_until_ms = 0;
            }
        }
    }

    /// Forgets `key`'s failures (a correct password clears its account).
    pub fn clear(&self, key: &str) {
        self.keys.lock().unwrap_or_else(|p| p.into_inner()).remove(key);
    }
}

/// Steady rates per key (events per address): a token bucket each, on the
/// injected clock.
pub struct Buckets {
    rate: RateLimit,
    clock: Arc<dyn Clock>,
    keys: Mutex<HashMap<String, Bucket>>,
}

impl Buckets {
    pub fn per_minute(count: i64, clock: Arc<dyn Clock>) -> Self {
        Self::per(count, 60_000, clock)
    }

    pub fn per_hour(count: i64, clock: Arc<dyn Clock>) -> Self {
        Self::per(count, 3_600_000, clock)
    }

    fn per(count: i64, window_ms: i64, clock: Arc<dyn Clock>) -> Self {
        let count = count.max(1);
        Buckets { rate: RateLimit { burst: count, every_ms: window_ms / count }, clock, keys: Mutex::new(HashMap::new()) }
    }

    /// Takes one for `key`; false when its rate is spent.
    pub fn take(&self, key: &str) -> bool {
        let now = self.clock.now().millis();
        let mut map = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > MAX_KEYS {
            // Bounded memory: starting every key afresh is the lesser harm.
            map.clear();
        }
        let bucket = map.entry(key.to_owned()).or_insert_with(|| self.rate.new_bucket(now));
        self.rate.take(bucket, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use haul_domain::Timestamp;

    fn limiter() -> (Arc<ManualClock>, Backoff) {
        let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_000_000)));
        (clock.clone(), Backoff::new(clock))
    }

    #[test]
    fn attempts_are_counted_when_reserved_not_when_they_fail() {
        let (_, b) = limiter();
        // Thirty at once: the first five are let through, the rest wait.
        let let_through = (0..30).filter(|_| b.reserve(&[("a", 5)]).is_ok()).count();
        assert_eq!(let_through, 5);
        assert_eq!(b.reserve(&[("a", 5)]), Err(30));
        assert!(b.reserve(&[("b", 5)]).is_ok());
    }

    #[test]
    fn waits_double_up_to_fifteen_minutes() {
        let (clock, b) = limiter();
        let mut waits = vec![];
        for _ in 0..8 {
            b.reserve(&[("a", 1)]).unwrap();
            let wait = b.reserve(&[("a", 1)]).unwrap_err();
            waits.push(wait);
            clock.advance_seconds(wait);
        }
        assert_eq!(waits, [30, 60, 120, 240, 480, 900, 900, 900]);
    }

    #[test]
    fn a_key_that_rests_starts_afresh_and_successes_do_not_count() {
        let (clock, b) = limiter();
        b.reserve(&[("a", 2)]).unwrap();
        b.give_back("a");
        b.reserve(&[("a", 2)]).unwrap();
        b.reserve(&[("a", 2)]).unwrap();
        assert!(b.reserve(&[("a", 2)]).is_err());
        clock.advance_seconds(15 * 60 + 30);
        assert!(b.reserve(&[("a", 2)]).is_ok());
    }

    #[test]
    fn buckets_refill_at_their_rate() {
        let (clock, _) = limiter();
        let b = Buckets::per_minute(3, clock.clone());
        assert_eq!((0..5).filter(|_| b.take("a")).count(), 3);
        assert!(b.take("b"));
        clock.advance_seconds(20);
        assert!(b.take("a"));
        assert!(!b.take("a"));
    }

    #[test]
    fn one_waiting_key_refuses_the_whole_attempt() {
        let (_, b) = limiter();
        b.reserve(&[("account", 1)]).unwrap();
        assert!(b.reserve(&[("account", 1), ("address", 1)]).is_err());
        // Nothing was taken from the address.
        assert!(b.reserve(&[("address", 1)]).is_ok());
    }
}
