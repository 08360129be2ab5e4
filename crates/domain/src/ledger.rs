//! Double-entry bookkeeping. Every movement of money is a [`Transaction`] of
//! entries that sum to zero per currency; the constructor refuses anything
//! else, so an unbalanced transaction cannot exist.
//!
//! Sign convention: a positive amount debits an account, a negative one
//! credits it. Accounts are plain names:
//! - `provider:<name>` money held for us at a payment provider (an asset);
//! - `shop:<id>:payable` what the platform owes a shop for orders not yet
//!   settled (a liability), `shop:<id>:available` for settled ones, which
//!   the shop may be paid out;
//! - `creator:<user id>:pending` commission earned but still in its hold,
//!   `creator:<user id>:available` commission that may be paid out (a
//!   reversal after release can take it below zero);
//! - `platform:fees` the platform's fee on commission;
//! - `platform:coupons` what the platform's coupons have cost it (paid to
//!   the shops whose orders used them).

use crate::{Currency, DomainError, Money};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub account: String,
    pub amount_minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub kind: &'static str,
    entries: Vec<Entry>,
}

impl Transaction {
    pub fn new(kind: &'static str, entries: Vec<Entry>) -> Result<Self, DomainError> {
        let mut sums: BTreeMap<Currency, i64> = BTreeMap::new();
        for e in &entries {
            let sum = sums.entry(e.currency).or_default();
            *sum = sum.checked_add(e.amount_minor).ok_or(DomainError::AmountOutOfRange)?;
        }
        if entries.len() < 2 || sums.values().any(|s| *s != 0) {
            return Err(DomainError::Unbalanced);
        }
        Ok(Transaction { kind, entries })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

pub fn provider_account(provider: &str) -> String {
    format!("provider:{provider}")
}

pub fn shop_payable_account(shop_id: crate::ids::ShopId) -> String {
    format!("shop:{shop_id}:payable")
}

fn pair(kind: &'static str, debit: String, credit: String, amount: Money) -> Result<Transaction, DomainError> {
    Transaction::new(
        kind,
        vec![
            Entry { account: debit, amount_minor: amount.minor, currency: amount.currency },
            Entry { account: credit, amount_minor: -amount.minor, currency: amount.currency },
        ],
    )
}

/// A shopper paid `amount` through `provider` for an order of `shop`.
pub fn payment(provider: &str, shop: crate::ids::ShopId, amount: Money) -> Result<Transaction, DomainError> {
    pair("payment", provider_account(provider), shop_payable_account(shop), amount)
}

/// Where an order's money sits for its shop: the payable account until the
/// order is settled, the available balance after (so a refund of a settled
/// order comes out of what the shop may be paid, even below zero).
fn shop_account_of_order(shop: crate::ids::ShopId, settled: bool) -> String {
    if settled { shop_available_account(shop) } else { shop_payable_account(shop) }
}

/// `amount` goes back to the shopper: the reverse of a payment, from the
/// shop's payable account or, once the order is settled, its available one.
pub fn refund(provider: &str, shop: crate::ids::ShopId, settled: bool, amount: Money) -> Result<Transaction, DomainError> {
    pair("refund", shop_account_of_order(shop, settled), provider_account(provider), amount)
}

/// What a shop may be paid out: its settled orders' money.
pub fn shop_available_account(shop: crate::ids::ShopId) -> String {
    format!("shop:{shop}:available")
}

/// An order is settled: what the shop kept of it moves to its available balance.
pub fn shop_settled(shop: crate::ids::ShopId, net: Money) -> Result<Transaction, DomainError> {
    pair("shop_settled", shop_payable_account(shop), shop_available_account(shop), net)
}

/// Money on its way out through a payout provider.
pub fn payouts_account(provider: &str) -> String {
    format!("payouts:{provider}")
}

/// A payout leaves `from` (an available balance) for the provider's
/// account of money on its way.
pub fn payout_requested(provider: &str, from: String, amount: Money) -> Result<Transaction, DomainError> {
    pair("payout_requested", from, payouts_account(provider), amount)
}

/// The provider paid it: the money leaves the books.
pub fn payout_paid(provider: &str, amount: Money) -> Result<Transaction, DomainError> {
    pair("payout_paid", payouts_account(provider), provider_account(provider), amount)
}

/// The payout failed for good: the money goes back to `to`.
pub fn payout_failed(provider: &str, to: String, amount: Money) -> Result<Transaction, DomainError> {
    pair("payout_failed", payouts_account(provider), to, amount)
}

/// A creator's commission, pending until its hold ends.
pub fn creator_pending_account(creator: crate::ids::UserId) -> String {
    format!("creator:{creator}:pending")
}

/// A creator's commission that may be paid out.
pub fn creator_available_account(creator: crate::ids::UserId) -> String {
    format!("creator:{creator}:available")
}

pub const PLATFORM_FEES: &str = "platform:fees";

pub const PLATFORM_COUPONS: &str = "platform:coupons";

/// A paid order used a platform coupon: the platform pays the shop the
/// discount it gave, as if the shopper had paid it.
pub fn coupon_subsidy(shop: crate::ids::ShopId, amount: Money) -> Result<Transaction, DomainError> {
    pair("coupon_subsidy", PLATFORM_COUPONS.to_owned(), shop_payable_account(shop), amount)
}

/// A refund takes back the platform's share of what it refunds, from where
/// the order's money sits for the shop.
pub fn coupon_subsidy_reversed(shop: crate::ids::ShopId, settled: bool, amount: Money) -> Result<Transaction, DomainError> {
    pair("coupon_subsidy_reversed", shop_account_of_order(shop, settled), PLATFORM_COUPONS.to_owned(), amount)
}

/// How much of an order's platform `subsidy` a refund of `refunding` takes
/// back, when `refunded` went back before: the subsidy (a discount on the
/// goods) follows the share of the goods' payment `goods_paid` refunded,
/// refunds counting against the goods before the shipping, and counted from
/// the start so the parts round to exactly the whole once the goods are
/// refunded.
pub fn subsidy_back(subsidy: i64, goods_paid: i64, refunded: i64, refunding: i64) -> i64 {
    if subsidy <= 0 {
        return 0;
    }
    if goods_paid <= 0 {
        // The coupon paid for all of the goods: the first refund takes it back.
        return if refunded <= 0 && refunding > 0 { subsidy } else { 0 };
    }
    let share = |r: i64| (i128::from(subsidy) * i128::from(r.clamp(0, goods_paid)) / i128::from(goods_paid)) as i64;
    share(refunded + refunding) - share(refunded)
}

/// Where a commission stands in the books: still held, or released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    Pending,
    Available,
}

impl Held {
    fn account(self, creator: crate::ids::UserId) -> String {
        match self {
            Held::Pending => creator_pending_account(creator),
            Held::Available => creator_available_account(creator),
        }
    }
}

/// A line's commission `gross` comes out of what the shop is owed: the
/// creator's part (less the platform's `fee`) pending, the fee to the platform.
pub fn commission_accrued(
    shop: crate::ids::ShopId,
    creator: crate::ids::UserId,
    gross: Money,
    fee_minor: i64,
) -> Result<Transaction, DomainError> {
    commission_moved("commission_accrued", shop_payable_account(shop), creator, Held::Pending, gross, fee_minor, 1)
}

/// A refund takes `gross` of a commission (and `fee_minor` of its fee)
/// back to the shop (where the order's money sits for it), from wherever
/// the commission is now.
pub fn commission_reversed(
    shop: crate::ids::ShopId,
    settled: bool,
    creator: crate::ids::UserId,
    from: Held,
    gross: Money,
    fee_minor: i64,
) -> Result<Transaction, DomainError> {
    commission_moved("commission_reversed", shop_account_of_order(shop, settled), creator, from, gross, fee_minor, -1)
}

fn commission_moved(
    kind: &'static str,
    shop_account: String,
    creator: crate::ids::UserId,
    held: Held,
    gross: Money,
    fee_minor: i64,
    sign: i64,
) -> Result<Transaction, DomainError> {
    let entry = |account: String, minor: i64| Entry { account, amount_minor: sign * minor, currency: gross.currency };
    Transaction::new(
        kind,
        vec![
            entry(shop_account, gross.minor),
            entry(held.account(creator), -(gross.minor - fee_minor)),
            entry(PLATFORM_FEES.to_owned(), -fee_minor),
        ],
    )
}

/// A targeted creator's flat fee for a video, out of the shop's available
/// balance (the store pays it only when that covers it); no order can
/// refund it, so it is the creator's at once.
pub fn flat_fee(shop: crate::ids::ShopId, creator: crate::ids::UserId, amount: Money) -> Result<Transaction, DomainError> {
    pair("flat_fee", shop_available_account(shop), creator_available_account(creator), amount)
}

/// The hold is over: `net` moves from pending to available.
pub fn commission_released(creator: crate::ids::UserId, net: Money) -> Result<Transaction, DomainError> {
    pair("commission_released", creator_pending_account(creator), creator_available_account(creator), net)
}

/// How much of `paid` may still be refunded after `refunded_so_far`; a
/// request for more is refused.
pub fn check_refund(paid_minor: i64, refunded_so_far_minor: i64, requested_minor: i64) -> Result<(), DomainError> {
    if requested_minor <= 0 {
        return Err(DomainError::invalid("amount_minor", "a refund must be more than zero"));
    }
    let refundable = paid_minor - refunded_so_far_minor;
    if requested_minor > refundable {
        return Err(DomainError::RefundTooLarge { requested: requested_minor, refundable });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ShopId;
    use proptest::prelude::*;

    fn cny(minor: i64) -> Money {
        Money::parse(minor, "CNY").unwrap()
    }

    #[test]
    fn an_unbalanced_transaction_cannot_be_built() {
        let e = |a: &str, m| Entry { account: a.into(), amount_minor: m, currency: Currency::CNY };
        assert_eq!(Transaction::new("x", vec![e("a", 10), e("b", -9)]), Err(DomainError::Unbalanced));
        assert_eq!(Transaction::new("x", vec![e("a", 0)]), Err(DomainError::Unbalanced));
        assert!(Transaction::new("x", vec![e("a", 10), e("b", -9), e("c", -1)]).is_ok());
    }

    #[test]
    fn refunds_cannot_exceed_what_was_paid() {
        assert!(check_refund(1000, 0, 1000).is_ok());
        assert!(check_refund(1000, 400, 600).is_ok());
        assert_eq!(check_refund(1000, 400, 601), Err(DomainError::RefundTooLarge { requested: 601, refundable: 600 }));
        assert!(check_refund(1000, 0, 0).is_err());
        assert!(check_refund(1000, 0, -5).is_err());
    }

    #[test]
    fn a_subsidy_follows_the_share_refunded() {
        assert_eq!(subsidy_back(500, 3_000, 0, 1_000), 166);
        assert_eq!(subsidy_back(500, 3_000, 1_000, 1_000), 167);
        assert_eq!(subsidy_back(500, 3_000, 2_000, 1_000), 167, "the whole at a full refund");
        assert_eq!(subsidy_back(0, 3_000, 0, 3_000), 0);
        assert_eq!(subsidy_back(8_000, 8_800, 0, 8_800), 8_000, "the goods refunded, shipping kept: all of it");
        assert_eq!(subsidy_back(8_000, 8_800, 8_800, 1_000), 0, "the shipping refunded after takes nothing more");
        assert_eq!(subsidy_back(500, 0, 0, 800), 500, "free goods: the first refund takes it back");
    }

    proptest! {
        #[test]
        fn refunds_take_back_at_most_the_subsidy_and_all_of_it_at_the_end(
            subsidy in 0i64..100_000,
            parts in prop::collection::vec(1i64..10_000, 1..10),
            shipping in 0i64..2_000,
        ) {
            let paid: i64 = parts.iter().sum::<i64>() - shipping.min(parts.iter().sum());
            let mut refunded = 0;
            let mut back = 0;
            for p in &parts {
                let b = subsidy_back(subsidy, paid, refunded, *p);
                prop_assert!(b >= 0);
                back += b;
                refunded += p;
            }
            prop_assert_eq!(back, subsidy);
        }

        /// Any sequence of payments and permitted refunds keeps the books
        /// balanced, and no shop is ever owed less than zero.
        #[test]
        fn the_books_always_balance(ops in prop::collection::vec((0i64..3, 1i64..100_000, any::<bool>()), 1..100)) {
            let mut balances: BTreeMap<String, i64> = BTreeMap::new();
            let mut paid = [0i64; 3];
            let mut refunded = [0i64; 3];
            for (shop, amount, is_payment) in ops {
                let idx = shop as usize;
                let tx = if is_payment {
                    paid[idx] += amount;
                    payment("sandbox", ShopId(shop), cny(amount)).unwrap()
                } else if check_refund(paid[idx], refunded[idx], amount).is_ok() {
                    refunded[idx] += amount;
                    refund("sandbox", ShopId(shop), false, cny(amount)).unwrap()
                } else {
                    continue;
                };
                for e in tx.entries() {
                    *balances.entry(e.account.clone()).or_default() += e.amount_minor;
                }
                prop_assert_eq!(balances.values().sum::<i64>(), 0);
                for s in 0..3 {
                    let owed = -balances.get(&shop_payable_account(ShopId(s))).copied().unwrap_or(0);
                    prop_assert!(owed >= 0);
                    prop_assert_eq!(owed, paid[s as usize] - refunded[s as usize]);
                }
            }
        }
    }
}
