//! The commission books as a whole: a model of how the store pays orders,
//! takes coupons' discounts off their lines (the platform paying the shop
//! its coupon's part), refunds them (in part, in
//! full, or a line's units through an after-sales case), releases their
//! commission and pays creators out, built only
//! from `haul_domain`'s rules and run over random sequences of those steps.
//! After every step (and after refunding everything at the end) every
//! transaction balances, each creator holds (pending, available and paid
//! out) exactly the commission net of fee on what stayed paid, no line keeps
//! more than the commission on its unrefunded part, payouts never take an
//! available balance below zero, and each shop is owed what stayed paid
//! less commission plus what the platform's coupons still pay it.

#![allow(clippy::unwrap_used)]

use haul_domain::affiliate::{CommissionStatus, RateBps, commission_minor, platform_fee_minor, reversal_minor};
use haul_domain::aftersales::{case_amount, line_refunds};
use haul_domain::coupons::split;
use haul_domain::ids::{ShopId, UserId};
use haul_domain::ledger::{self, Held, Transaction};
use haul_domain::{Currency, DomainError, Money};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::collections::BTreeMap;

const PROVIDER: &str = "sandbox";
const CREATORS: usize = 3;
const SHOPS: usize = 2;

fn cny(minor: i64) -> Money {
    Money { minor, currency: Currency::CNY }
}

fn creator(c: usize) -> UserId {
    UserId(100 + c as i64)
}

/// A line as generated: unit price, quantity, and the creator and rate it is credited to.
type LineSpec = (i64, i64, Option<(usize, i64)>);

#[derive(Debug, Clone)]
enum Op {
    Pay(usize),
    /// `None`: the rest of the order.
    Refund(usize, Option<i64>),
    /// An after-sales case refunds units of a line: `(order, line, units)`.
    CaseRefund(usize, usize, i64),
    Release(usize),
    /// `None`: the whole available balance; `true`: the provider fails it.
    Payout(usize, Option<i64>, bool),
}

/// A credited line's commission, as the store keeps it.
struct Commission {
    line: usize,
    creator: usize,
    rate: RateBps,
    gross: i64,
    fee: i64,
    back: i64,
    fee_back: i64,
    /// The line's part of the order's refunded total, as last allocated.
    refunded: i64,
    status: CommissionStatus,
}

struct Order {
    shop: ShopId,
    lines: Vec<LineSpec>,
    lines_paid: Vec<i64>,
    shipping: i64,
    /// The platform's part of the discount, paid to the shop, and what
    /// refunds took back of it.
    subsidy: i64,
    subsidy_back: i64,
    paid: bool,
    refunded: i64,
    /// Per line: what cases refunded for it, and how many of its units.
    own: Vec<i64>,
    units: Vec<i64>,
    commissions: Vec<Commission>,
}

impl Order {
    fn total(&self) -> i64 {
        self.lines_paid.iter().sum::<i64>() + self.shipping
    }

    /// What each line has had back, as the store splits the refunds.
    fn line_refunded(&self) -> Vec<i64> {
        let lines: Vec<(i64, i64)> = self.lines_paid.iter().zip(&self.own).map(|(p, o)| (*p, *o)).collect();
        line_refunds(&lines, self.shipping, self.refunded - self.own.iter().sum::<i64>())
    }
}

#[derive(Default)]
struct Ledger(BTreeMap<String, i64>);

impl Ledger {
    fn post(&mut self, tx: Result<Transaction, DomainError>) -> Result<(), TestCaseError> {
        let tx = tx.map_err(|e| TestCaseError::fail(format!("refused to build a transaction: {e:?}")))?;
        let mut sums: BTreeMap<Currency, i64> = BTreeMap::new();
        for e in tx.entries() {
            *sums.entry(e.currency).or_default() += e.amount_minor;
            *self.0.entry(e.account.clone()).or_default() += e.amount_minor;
        }
        prop_assert!(sums.values().all(|s| *s == 0), "{} does not balance: {:?}", tx.kind, tx.entries());
        Ok(())
    }

    /// What the books owe on `account` (the negated balance: credits are negative).
    fn owed(&self, account: &str) -> i64 {
        -self.0.get(account).copied().unwrap_or(0)
    }
}

struct Books {
    ledger: Ledger,
    fee_bps: i64,
    orders: Vec<Order>,
    paid_out: [i64; CREATORS],
}

impl Books {
    fn new(orders: Vec<OrderSpec>, fee_bps: i64) -> Books {
        let orders = orders
            .into_iter()
            .map(|(shop, lines, shipping, (discount, platform_pct))| {
                // The coupons' discount split over the lines: each pays its list price less its part.
                let list: Vec<i64> = lines.iter().map(|(price, quantity, _)| price * quantity).collect();
                // Coupons always leave something to pay (`Terms::off`).
                let parts = split(discount.min(list.iter().sum::<i64>() - 1), &list);
                Order {
                    shop: ShopId(1 + shop as i64),
                    subsidy: parts.iter().sum::<i64>() * platform_pct / 100,
                    lines_paid: list.iter().zip(parts).map(|(l, d)| l - d).collect(),
                    subsidy_back: 0,
                    own: vec![0; lines.len()],
                    units: vec![0; lines.len()],
                    lines,
                    shipping,
                    paid: false,
                    refunded: 0,
                    commissions: Vec::new(),
                }
            })
            .collect();
        Books { ledger: Ledger::default(), fee_bps, orders, paid_out: [0; CREATORS] }
    }

    fn step(&mut self, op: &Op) -> Result<bool, TestCaseError> {
        let n = self.orders.len();
        match *op {
            Op::Pay(o) => self.pay(o % n),
            Op::Refund(o, amount) => self.refund(o % n, amount),
            Op::CaseRefund(o, line, units) => self.case_refund(o % n, line, units),
            Op::Release(o) => self.release(o % n),
            Op::Payout(c, amount, fails) => self.payout(c, amount, fails),
        }
    }

    fn pay(&mut self, o: usize) -> Result<bool, TestCaseError> {
        let order = &mut self.orders[o];
        if order.paid {
            return Ok(false);
        }
        order.paid = true;
        self.ledger.post(ledger::payment(PROVIDER, order.shop, cny(order.total())))?;
        if order.subsidy > 0 {
            self.ledger.post(ledger::coupon_subsidy(order.shop, cny(order.subsidy)))?;
        }
        for (line, (_, _, credited)) in order.lines.iter().enumerate() {
            let Some((c, bps)) = *credited else { continue };
            let rate = RateBps::parse(bps).unwrap();
            let gross = commission_minor(order.lines_paid[line], rate);
            if gross <= 0 {
                continue;
            }
            let fee = platform_fee_minor(gross, self.fee_bps);
            self.ledger.post(ledger::commission_accrued(order.shop, creator(c), cny(gross), fee))?;
            let status = CommissionStatus::Pending;
            order.commissions.push(Commission { line, creator: c, rate, gross, fee, back: 0, fee_back: 0, refunded: 0, status });
        }
        Ok(true)
    }

    fn refund(&mut self, o: usize, amount: Option<i64>) -> Result<bool, TestCaseError> {
        let order = &mut self.orders[o];
        let amount = amount.unwrap_or(order.total() - order.refunded);
        if !order.paid || ledger::check_refund(order.total(), order.refunded, amount).is_err() {
            return Ok(false);
        }
        self.refunded(o, amount)
    }

    /// A case refunds `units` of a line: their share of what the line was
    /// paid, never more than it has left.
    fn case_refund(&mut self, o: usize, line: usize, units: i64) -> Result<bool, TestCaseError> {
        let order = &mut self.orders[o];
        let line = line % order.lines.len();
        let quantity = order.lines[line].1;
        let units = units.min(quantity - order.units[line]);
        if !order.paid || units <= 0 {
            return Ok(false);
        }
        let before = order.line_refunded()[line];
        let amount = case_amount(order.lines_paid[line], quantity, order.units[line], before, units).min(order.total() - order.refunded);
        order.units[line] += units;
        if amount <= 0 {
            return Ok(false);
        }
        prop_assert!(ledger::check_refund(order.total(), order.refunded, amount).is_ok());
        order.own[line] += amount;
        self.refunded(o, amount)
    }

    /// `amount` goes back to the shopper, and the platform's share of it.
    fn refunded(&mut self, o: usize, amount: i64) -> Result<bool, TestCaseError> {
        let order = &mut self.orders[o];
        let back = ledger::subsidy_back(order.subsidy, order.total() - order.shipping, order.refunded, amount);
        order.refunded += amount;
        self.ledger.post(ledger::refund(PROVIDER, order.shop, false, cny(amount)))?;
        if back > 0 {
            order.subsidy_back += back;
            self.ledger.post(ledger::coupon_subsidy_reversed(order.shop, false, cny(back)))?;
        }
        self.reverse(o)
    }

    /// Each line's commission taken back to match what of it stayed paid.
    fn reverse(&mut self, o: usize) -> Result<bool, TestCaseError> {
        let order = &mut self.orders[o];
        let parts = order.line_refunded();
        for c in &mut order.commissions {
            let (line_paid, refunded) = (order.lines_paid[c.line], parts[c.line].max(0));
            c.refunded = refunded;
            let gross = (reversal_minor(c.gross, line_paid, 0, refunded) - c.back).max(0);
            let fee = (reversal_minor(c.fee, line_paid, 0, refunded) - c.fee_back).max(0);
            if gross == 0 && fee == 0 {
                continue;
            }
            let from = if c.status == CommissionStatus::Available { Held::Available } else { Held::Pending };
            if c.back + gross == c.gross && c.status == CommissionStatus::Pending {
                c.status = CommissionStatus::Reversed;
            }
            (c.back, c.fee_back) = (c.back + gross, c.fee_back + fee);
            self.ledger.post(ledger::commission_reversed(order.shop, false, creator(c.creator), from, cny(gross), fee))?;
        }
        Ok(true)
    }

    fn release(&mut self, o: usize) -> Result<bool, TestCaseError> {
        let mut released = false;
        for c in self.orders[o].commissions.iter_mut().filter(|c| c.status == CommissionStatus::Pending) {
            c.status = CommissionStatus::Available;
            let net = (c.gross - c.back) - (c.fee - c.fee_back);
            if net > 0 {
                self.ledger.post(ledger::commission_released(creator(c.creator), cny(net)))?;
            }
            released = true;
        }
        Ok(released)
    }

    fn payout(&mut self, c: usize, amount: Option<i64>, fails: bool) -> Result<bool, TestCaseError> {
        let account = ledger::creator_available_account(creator(c));
        let available = self.ledger.owed(&account);
        let amount = amount.unwrap_or(available);
        if amount <= 0 || amount > available {
            return Ok(false);
        }
        self.ledger.post(ledger::payout_requested(PROVIDER, account.clone(), cny(amount)))?;
        if fails {
            self.ledger.post(ledger::payout_failed(PROVIDER, account.clone(), cny(amount)))?;
        } else {
            self.ledger.post(ledger::payout_paid(PROVIDER, cny(amount)))?;
            self.paid_out[c] += amount;
        }
        prop_assert!(self.ledger.owed(&account) >= 0, "a payout of {} from {} took it below zero", amount, available);
        Ok(true)
    }

    fn check(&self) -> Result<(), TestCaseError> {
        prop_assert_eq!(self.ledger.0.values().sum::<i64>(), 0, "the books do not balance");
        // Nobody is refunded more than they paid, in all or for a line.
        for o in &self.orders {
            prop_assert!(o.refunded <= o.total());
            for (line, r) in o.line_refunded().into_iter().enumerate() {
                prop_assert!(0 <= r && r <= o.lines_paid[line], "line {} paid {} refunded {}", line, o.lines_paid[line], r);
            }
        }
        let net = |c: &Commission| (c.gross - c.back) - (c.fee - c.fee_back);
        let lines = || self.orders.iter().flat_map(|o| o.commissions.iter().map(move |c| (o, c)));
        for (o, c) in lines() {
            let (paid, kept) = (o.lines_paid[c.line], c.gross - c.back);
            prop_assert!(0 <= c.back && c.back <= c.gross && 0 <= c.fee_back && c.fee_back <= c.fee && net(c) >= 0);
            prop_assert!(kept <= commission_minor(paid - c.refunded, c.rate), "{} of {} refunded, keeps {}", c.refunded, paid, kept);
            prop_assert!(kept <= (i128::from(c.gross) * i128::from(paid - c.refunded) / i128::from(paid)) as i64);
        }
        for who in 0..CREATORS {
            let theirs = || lines().filter(|(_, c)| c.creator == who);
            let pending: i64 = theirs().filter(|(_, c)| c.status != CommissionStatus::Available).map(|(_, c)| net(c)).sum();
            let earned: i64 = theirs().map(|(_, c)| net(c)).sum();
            let held = self.ledger.owed(&ledger::creator_pending_account(creator(who)));
            let available = self.ledger.owed(&ledger::creator_available_account(creator(who)));
            prop_assert_eq!(held, pending, "creator {}'s pending balance", who);
            prop_assert_eq!(self.paid_out[who] + held + available, earned, "creator {}: paid out + pending + available", who);
        }
        for shop in (1..=SHOPS as i64).map(ShopId) {
            let stayed: i64 =
                self.orders.iter().filter(|o| o.paid && o.shop == shop).map(|o| o.total() - o.refunded + o.subsidy - o.subsidy_back).sum();
            let commission: i64 = lines().filter(|(o, _)| o.shop == shop).map(|(_, c)| c.gross - c.back).sum();
            prop_assert_eq!(self.ledger.owed(&ledger::shop_payable_account(shop)), stayed - commission, "shop {} is owed", shop);
        }
        let fees: i64 = lines().map(|(_, c)| c.fee - c.fee_back).sum();
        prop_assert_eq!(self.ledger.owed(ledger::PLATFORM_FEES), fees);
        let subsidies: i64 = self.orders.iter().filter(|o| o.paid).map(|o| o.subsidy - o.subsidy_back).sum();
        prop_assert_eq!(-self.ledger.owed(ledger::PLATFORM_COUPONS), subsidies, "what the platform's coupons cost it");
        Ok(())
    }
}

/// An order as generated: shop, lines, shipping, and the coupons'
/// discount with the platform's percentage of it.
type OrderSpec = (usize, Vec<LineSpec>, i64, (i64, i64));

fn order() -> impl Strategy<Value = OrderSpec> {
    let credited = prop::option::weighted(0.8, (0..CREATORS, 100i64..=8_000));
    let discount = prop_oneof![Just((0i64, 0i64)), (1i64..50_000, 0i64..=100)];
    (0..SHOPS, prop::collection::vec((1i64..100_000, 1i64..5, credited), 1..=3), 0i64..2_000, discount)
}

fn op() -> impl Strategy<Value = Op> {
    let amount = || prop_oneof![Just(None), (1i64..2_000).prop_map(Some), (1i64..400_000).prop_map(Some)];
    prop_oneof![
        2 => (0usize..4).prop_map(Op::Pay),
        3 => (0usize..4, amount()).prop_map(|(o, a)| Op::Refund(o, a)),
        3 => (0usize..4, 0usize..3, 1i64..4).prop_map(|(o, l, u)| Op::CaseRefund(o, l, u)),
        2 => (0usize..4).prop_map(Op::Release),
        3 => (0..CREATORS, amount(), any::<bool>()).prop_map(|(c, a, fails)| Op::Payout(c, a, fails)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_024))]

    #[test]
    fn commission_books_balance_and_creators_get_exactly_the_commission_on_what_stayed_paid(
        orders in prop::collection::vec(order(), 1..=4),
        fee_bps in 0i64..3_000,
        ops in prop::collection::vec(op(), 1..60),
    ) {
        let mut books = Books::new(orders, fee_bps);
        for op in &ops {
            books.step(op)?;
            books.check()?;
        }
        // Everything paid is refunded in full: nobody keeps any commission.
        for o in 0..books.orders.len() {
            books.refund(o, None)?;
            books.check()?;
        }
        prop_assert!(books.orders.iter().flat_map(|o| &o.commissions).all(|c| c.back == c.gross && c.fee_back == c.fee));
        prop_assert!(
            books.orders.iter().filter(|o| o.paid).all(|o| o.subsidy_back == o.subsidy),
            "the platform has all its subsidies back"
        );
    }
}

#[test]
fn a_refund_after_release_can_leave_a_creator_owing_and_nothing_is_paid_out_until_they_are_owed_again() {
    let line = vec![(10_000, 1, Some((0, 2_000)))];
    let mut books = Books::new(vec![(0, line.clone(), 0, (0, 0)), (0, line, 0, (0, 0))], 1_000);
    let available = |b: &Books| b.ledger.owed(&ledger::creator_available_account(creator(0)));
    assert!(books.pay(0).unwrap() && books.release(0).unwrap());
    assert_eq!(available(&books), 1_800, "¥20 commission less the 10% fee");
    assert!(books.payout(0, None, false).unwrap());
    assert!(books.refund(0, Some(5_000)).unwrap());
    assert_eq!(available(&books), -900, "half the commission and fee came back after it was paid out");
    assert!(!books.payout(0, Some(1), false).unwrap(), "nothing is paid out of a negative balance");
    assert!(books.pay(1).unwrap() && books.release(1).unwrap());
    assert_eq!(available(&books), 900);
    assert!(!books.payout(0, Some(901), false).unwrap());
    assert!(books.payout(0, None, false).unwrap());
    books.check().unwrap();
}
