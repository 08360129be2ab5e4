//! Flash deals: a limited quantity of one SKU at a deal price inside a time
//! window, with a cap per shopper. [`Gate`] is the in-memory decision "is
//! there a unit left for this shopper?": pure, so it is property-tested here
//! and the server only wraps it in a lock (or replaces it with a Redis script
//! that follows the same rules).

use crate::{DomainError, Timestamp};
use std::collections::HashMap;

crate::status_enum! {
    /// A deal sells while active; it is closed when its time is up, or cancelled.
    pub enum DealStatus { Active = "active", Closed = "closed", Cancelled = "cancelled" }
}

pub const MAX_DEAL_QUANTITY: i64 = 1_000_000;
pub const MAX_PER_SHOPPER: i64 = 99;
/// The longest a deal may run.
pub const MAX_DEAL_SECONDS: i64 = 31 * 86_400;

/// Why a shopper cannot have a unit now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotStarted,
    Ended,
    SoldOut,
    CapReached,
}

impl Refusal {
    pub fn code(self) -> crate::ErrorCode {
        match self {
            Refusal::NotStarted => crate::ErrorCode::DealNotStarted,
            Refusal::Ended => crate::ErrorCode::DealEnded,
            Refusal::SoldOut => crate::ErrorCode::DealSoldOut,
            Refusal::CapReached => crate::ErrorCode::DealCapReached,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Refusal::NotStarted => "the deal has not started yet",
            Refusal::Ended => "the deal has ended",
            Refusal::SoldOut => "every unit of this deal is taken",
            Refusal::CapReached => "you already hold as many units of this deal as one shopper may",
        }
    }
}

/// The terms a merchant sets, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub quantity: i64,
    pub per_shopper_cap: i64,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

impl Terms {
    pub fn parse(
        quantity: i64,
        per_shopper_cap: i64,
        starts_at: Timestamp,
        ends_at: Timestamp,
        now: Timestamp,
    ) -> Result<Terms, DomainError> {
        if !(1..=MAX_DEAL_QUANTITY).contains(&quantity) {
            return Err(DomainError::invalid("quantity", format!("between 1 and {MAX_DEAL_QUANTITY}")));
        }
        if !(1..=MAX_PER_SHOPPER).contains(&per_shopper_cap) {
            return Err(DomainError::invalid("per_shopper_cap", format!("between 1 and {MAX_PER_SHOPPER}")));
        }
        if ends_at <= starts_at {
            return Err(DomainError::invalid("ends_at", "after starts_at"));
        }
        if ends_at <= now {
            return Err(DomainError::invalid("ends_at", "in the future"));
        }
        if ends_at.millis() - starts_at.millis() > MAX_DEAL_SECONDS * 1000 {
            return Err(DomainError::invalid("ends_at", "a deal runs for 31 days at most"));
        }
        Ok(Terms { quantity, per_shopper_cap, starts_at, ends_at })
    }

    /// Whether the window is open at `now`: from `starts_at` inclusive to
    /// `ends_at` exclusive.
    pub fn window(&self, now: Timestamp) -> Result<(), Refusal> {
        if now < self.starts_at {
            Err(Refusal::NotStarted)
        } else if now >= self.ends_at {
            Err(Refusal::Ended)
        } else {
            Ok(())
        }
    }
}

/// Units left and units held per shopper, for one deal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gate {
    remaining: i64,
    cap: i64,
    held: HashMap<i64, i64>,
}

impl Gate {
    /// A gate rebuilt from the record: units still free, and what each
    /// shopper holds (for the cap).
    pub fn new(remaining: i64, cap: i64, held: impl IntoIterator<Item = (i64, i64)>) -> Self {
        let held: HashMap<i64, i64> = held.into_iter().filter(|(_, n)| *n > 0).collect();
        Gate { remaining: remaining.max(0), cap, held }
    }

    pub fn remaining(&self) -> i64 {
        self.remaining
    }

    /// Units `shopper` holds. A shopper who holds none has no earlier
    /// winning purchase to replay.
    pub fn held_by(&self, shopper: i64) -> i64 {
        self.held.get(&shopper).copied().unwrap_or(0)
    }

    /// Takes `n` units for `shopper`, or refuses without change.
    pub fn take(&mut self, shopper: i64, n: i64) -> Result<(), Refusal> {
        let mine = self.held.get(&shopper).copied().unwrap_or(0);
        if mine + n > self.cap {
            return Err(Refusal::CapReached);
        }
        if self.remaining < n {
            return Err(Refusal::SoldOut);
        }
        self.remaining -= n;
        self.held.insert(shopper, mine + n);
        Ok(())
    }

    /// Gives back `n` units `shopper` held (an unpaid reservation expired, a
    /// write failed). Never gives back more than was held.
    pub fn release(&mut self, shopper: i64, n: i64) {
        let mine = self.held.get(&shopper).copied().unwrap_or(0);
        let back = n.min(mine).max(0);
        self.remaining += back;
        if mine - back == 0 {
            self.held.remove(&shopper);
        } else {
            self.held.insert(shopper, mine - back);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_millis(s * 1000)
    }

    #[test]
    fn the_window_opens_at_start_and_closes_at_end() {
        let t = Terms::parse(10, 1, at(100), at(200), at(0)).unwrap();
        assert_eq!(t.window(Timestamp::from_millis(99_999)), Err(Refusal::NotStarted));
        assert_eq!(t.window(at(100)), Ok(()));
        assert_eq!(t.window(Timestamp::from_millis(199_999)), Ok(()));
        assert_eq!(t.window(at(200)), Err(Refusal::Ended));
    }

    #[test]
    fn terms_are_validated() {
        assert!(Terms::parse(0, 1, at(1), at(2), at(0)).is_err());
        assert!(Terms::parse(1, 0, at(1), at(2), at(0)).is_err());
        assert!(Terms::parse(1, 1, at(2), at(2), at(0)).is_err());
        assert!(Terms::parse(1, 1, at(0), at(5), at(6)).is_err());
        assert!(Terms::parse(1, 1, at(0), at(MAX_DEAL_SECONDS + 1), at(0)).is_err());
    }

    #[test]
    fn the_cap_is_checked_before_stock() {
        let mut g = Gate::new(1, 1, []);
        assert_eq!(g.take(7, 1), Ok(()));
        assert_eq!(g.take(7, 1), Err(Refusal::CapReached));
        assert_eq!(g.take(8, 1), Err(Refusal::SoldOut));
        g.release(7, 1);
        assert_eq!(g.take(8, 1), Ok(()));
    }

    #[test]
    fn a_rebuilt_gate_counts_what_is_held() {
        let g = Gate::new(7, 2, [(1, 2), (2, 1)]);
        assert_eq!(g.remaining(), 7);
        assert_eq!(g.held_by(1), 2);
    }

    proptest! {
        /// Whatever shoppers take and release, held units never exceed the
        /// quantity, nobody exceeds the cap, and remaining + held = quantity.
        #[test]
        fn a_gate_never_oversells(quantity in 1i64..50, cap in 1i64..5, ops in prop::collection::vec((0i64..8, 1i64..4, any::<bool>()), 0..300)) {
            let mut g = Gate::new(quantity, cap, []);
            for (shopper, n, take) in ops {
                if take { let _ = g.take(shopper, n); } else { g.release(shopper, n); }
                let held: i64 = g.held.values().sum();
                prop_assert!(g.remaining >= 0);
                prop_assert_eq!(g.remaining + held, quantity);
                prop_assert!(g.held.values().all(|h| *h <= cap && *h > 0));
            }
        }
    }
}
