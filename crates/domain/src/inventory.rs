//! Stock per SKU. A reservation takes units only when enough are left, so
//! stock never goes negative; the store applies the same rule atomically in
//! SQL (`UPDATE ... WHERE stock >= qty`).

use crate::DomainError;
use serde::{Deserialize, Serialize};

/// How many units one order line may ask for.
pub const MAX_LINE_QUANTITY: i64 = 999;
/// How much stock one SKU may hold.
pub const MAX_STOCK: i64 = 10_000_000;

/// A positive count of units on one order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Quantity(i64);

impl Quantity {
    pub fn parse(n: i64) -> Result<Self, DomainError> {
        if !(1..=MAX_LINE_QUANTITY).contains(&n) {
            return Err(DomainError::invalid("quantity", format!("between 1 and {MAX_LINE_QUANTITY}")));
        }
        Ok(Quantity(n))
    }
    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for Quantity {
    type Error = DomainError;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        Quantity::parse(n)
    }
}

impl From<Quantity> for i64 {
    fn from(q: Quantity) -> i64 {
        q.0
    }
}

/// Units on hand for one SKU: never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Stock(i64);

impl Stock {
    pub fn parse(n: i64) -> Result<Self, DomainError> {
        if !(0..=MAX_STOCK).contains(&n) {
            return Err(DomainError::invalid("stock", format!("between 0 and {MAX_STOCK}")));
        }
        Ok(Stock(n))
    }
    pub fn get(self) -> i64 {
        self.0
    }

    /// Take `q` units, or refuse without change when fewer are left.
    pub fn reserve(self, q: Quantity) -> Result<Stock, DomainError> {
        if self.0 < q.0 {
            return Err(DomainError::OutOfStock { available: self.0, requested: q.0 });
        }
        Ok(Stock(self.0 - q.0))
    }

    /// Give back `q` units that an earlier reservation took.
    pub fn release(self, q: Quantity) -> Stock {
        Stock(self.0.saturating_add(q.0))
    }
}

impl TryFrom<i64> for Stock {
    type Error = DomainError;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        Stock::parse(n)
    }
}

impl From<Stock> for i64 {
    fn from(s: Stock) -> i64 {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quantity_must_be_positive_and_bounded() {
        for bad in [0, -1, MAX_LINE_QUANTITY + 1, i64::MAX, i64::MIN] {
            assert!(Quantity::parse(bad).is_err(), "{bad}");
        }
        assert!(Quantity::parse(1).is_ok());
    }

    #[test]
    fn reserving_more_than_is_left_is_refused() {
        let s = Stock::parse(2).unwrap();
        assert_eq!(s.reserve(Quantity::parse(3).unwrap()), Err(DomainError::OutOfStock { available: 2, requested: 3 }));
    }

    proptest! {
        /// Any sequence of reserves and releases (of units actually held)
        /// leaves stock non-negative and equal to initial - held.
        #[test]
        fn stock_never_goes_negative(initial in 0i64..200, ops in prop::collection::vec((any::<bool>(), 1i64..20), 0..200)) {
            let mut stock = Stock::parse(initial).unwrap();
            let mut held: Vec<Quantity> = Vec::new();
            for (reserve, n) in ops {
                let q = Quantity::parse(n).unwrap();
                if reserve {
                    if let Ok(next) = stock.reserve(q) { stock = next; held.push(q); }
                } else if let Some(q) = held.pop() {
                    stock = stock.release(q);
                }
                prop_assert!(stock.get() >= 0);
                let held_total: i64 = held.iter().map(|q| q.get()).sum();
                prop_assert_eq!(stock.get() + held_total, initial);
            }
        }
    }
}
