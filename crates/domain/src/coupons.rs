//! Coupons: a shop's (anyone may claim), a live room's (only while it is
//! live), a follower's (only followers of the shop or creator) and the
//! platform's (the platform pays the discount). The rules here are pure:
//! what a coupon takes off, how the discount is split over an order's
//! lines so refunds and commission stay exact, which coupons stack, and who
//! may claim.

use crate::{ErrorCode, Timestamp};

crate::status_enum! {
    pub enum CouponKind {
        /// Any shopper may claim it.
        Shop = "shop",
        /// Claimable only while its live room is live.
        Live = "live",
        /// Claimable once by followers of the shop's owner or of a creator.
        Follower = "follower",
        /// Paid by the platform, usable in any shop.
        Platform = "platform",
    }
}

impl CouponKind {
    /// Whether the platform, not the shop, pays the discount.
    pub fn platform_funded(self) -> bool {
        self == CouponKind::Platform
    }
}

/// What a coupon takes off the goods (never the shipping).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discount {
    AmountOff(i64),
    /// Basis points: 1,500 is 15% off.
    PercentOff(i64),
}

/// A coupon's terms, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    pub discount: Discount,
    /// The goods must come to at least this, before discounts.
    pub min_spend_minor: i64,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// How many may be claimed in all, and by one person.
    pub total: i64,
    pub per_person: i64,
}

pub const MAX_TOTAL: i64 = 1_000_000;
pub const MAX_PER_PERSON: i64 = 10;
/// The longest a coupon may run.
pub const MAX_DAYS: i64 = 90;

impl Terms {
    pub fn parse(
        amount_off: Option<i64>,
        percent_off_bps: Option<i64>,
        min_spend_minor: i64,
        (starts_at, ends_at): (Timestamp, Timestamp),
        total: i64,
        per_person: i64,
    ) -> Result<Terms, crate::DomainError> {
        use crate::DomainError as E;
        let discount = match (amount_off, percent_off_bps) {
            (Some(a), None) if (1..=10_000_000).contains(&a) => Discount::AmountOff(a),
            (None, Some(p)) if (1..=9_500).contains(&p) => Discount::PercentOff(p),
            _ => return Err(E::invalid("discount", "an amount off (1 to 100,000.00) or a percentage off (0.01% to 95%), not both")),
        };
        if !(0..=100_000_000).contains(&min_spend_minor) {
            return Err(E::invalid("min_spend_minor", "0 to 1,000,000.00"));
        }
        if let Discount::AmountOff(a) = discount
            && min_spend_minor > 0
            && a >= min_spend_minor
        {
            return Err(E::invalid("discount", "less than the minimum spend"));
        }
        let runs = ends_at.millis().checked_sub(starts_at.millis());
        if runs.is_none_or(|ms| ms <= 0 || ms > MAX_DAYS * 86_400_000) {
            return Err(E::invalid("ends_at", format!("after it starts, and at most {MAX_DAYS} days later")));
        }
        if !(1..=MAX_TOTAL).contains(&total) {
            return Err(E::invalid("total", format!("1 to {MAX_TOTAL}")));
        }
        if !(1..=MAX_PER_PERSON).contains(&per_person) || per_person > total {
            return Err(E::invalid("per_person", format!("1 to {MAX_PER_PERSON}, and no more than the total")));
        }
        Ok(Terms { discount, min_spend_minor, starts_at, ends_at, total, per_person })
    }

    /// What it takes off `goods_minor` (the applicable goods, before
    /// discounts): nothing below the minimum spend, and never all of the
    /// goods. At least one minor unit is left to pay (¥0.01, as the apps
    /// do), so every order has a payment, and a refund of it carries the
    /// platform's share of the coupon back to the platform.
    pub fn off(&self, goods_minor: i64) -> i64 {
        if goods_minor <= 0 || goods_minor < self.min_spend_minor {
            return 0;
        }
        let off = match self.discount {
            Discount::AmountOff(a) => a,
            Discount::PercentOff(bps) => (i128::from(goods_minor) * i128::from(bps) / 10_000) as i64,
        };
        off.min(goods_minor - 1)
    }
}

/// Why a coupon cannot be claimed or used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponRefusal {
    NotStarted,
    Ended,
    /// Every one has been claimed.
    AllClaimed,
    /// This person holds as many as one may.
    LimitReached,
    /// A live coupon outside its room's broadcast.
    NotLive,
    /// A follower coupon for someone who does not follow.
    NotAFollower,
    /// Below the minimum spend, or no line it applies to.
    DoesNotApply,
    /// More than one shop coupon, or more than one platform coupon.
    DoesNotStack,
    /// Used, or not this person's.
    NotHeld,
}

impl CouponRefusal {
    pub fn code(self) -> ErrorCode {
        match self {
            CouponRefusal::NotStarted => ErrorCode::CouponNotStarted,
            CouponRefusal::Ended => ErrorCode::CouponEnded,
            CouponRefusal::AllClaimed => ErrorCode::CouponAllClaimed,
            CouponRefusal::LimitReached => ErrorCode::CouponLimitReached,
            CouponRefusal::NotLive => ErrorCode::CouponNotLive,
            CouponRefusal::NotAFollower => ErrorCode::CouponFollowersOnly,
            CouponRefusal::DoesNotApply => ErrorCode::CouponDoesNotApply,
            CouponRefusal::DoesNotStack => ErrorCode::CouponDoesNotStack,
            CouponRefusal::NotHeld => ErrorCode::CouponNotHeld,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            CouponRefusal::NotStarted => "the coupon cannot be claimed yet",
            CouponRefusal::Ended => "the coupon has ended",
            CouponRefusal::AllClaimed => "every coupon has been claimed",
            CouponRefusal::LimitReached => "you hold as many of this coupon as one person may",
            CouponRefusal::NotLive => "this coupon is claimed in its live room while it is live",
            CouponRefusal::NotAFollower => "this coupon is for followers",
            CouponRefusal::DoesNotApply => "the coupon does not apply to this order (its minimum spend or its products)",
            CouponRefusal::DoesNotStack => "one shop coupon and one platform coupon per order",
            CouponRefusal::NotHeld => "you do not hold this coupon, or it was used",
        }
    }
}

/// Whether a claim at `now` is within the coupon's dates.
pub fn claimable_at(terms: &Terms, now: Timestamp) -> Result<(), CouponRefusal> {
    if now.millis() < terms.starts_at.millis() {
        Err(CouponRefusal::NotStarted)
    } else if now.millis() >= terms.ends_at.millis() {
        Err(CouponRefusal::Ended)
    } else {
        Ok(())
    }
}

/// The most coupons one order uses: one of the shop's, one of the platform's.
pub const MAX_PER_ORDER: usize = 2;

/// The coupons an order may use together: at most one paid by the shop
/// (a shop, live or follower coupon) and one paid by the platform.
pub fn stack(kinds: &[CouponKind]) -> Result<(), CouponRefusal> {
    let platform = kinds.iter().filter(|k| k.platform_funded()).count();
    if platform > 1 || kinds.len() - platform > 1 { Err(CouponRefusal::DoesNotStack) } else { Ok(()) }
}

/// Splits `discount` over lines in proportion to what each is worth
/// (`lines[i]`, zero for a line the coupon does not cover), rounding down
/// and giving the remainder one unit at a time to the largest remainders:
/// the parts sum exactly to the discount and no line goes below zero.
pub fn split(discount: i64, lines: &[i64]) -> Vec<i64> {
    let total: i64 = lines.iter().map(|l| (*l).max(0)).sum();
    if total <= 0 || discount <= 0 {
        return vec![0; lines.len()];
    }
    let discount = i128::from(discount.min(total));
    let mut parts: Vec<(i64, i128, usize)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let exact = i128::from((*l).max(0)) * discount;
            ((exact / i128::from(total)) as i64, exact % i128::from(total), i)
        })
        .collect();
    let mut left = discount as i64 - parts.iter().map(|p| p.0).sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|a, b| parts[*b].1.cmp(&parts[*a].1).then(a.cmp(b)));
    for i in order {
        if left == 0 {
            break;
        }
        if parts[i].0 < lines[i] {
            parts[i].0 += 1;
            left -= 1;
        }
    }
    parts.into_iter().map(|p| p.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);

    fn terms(discount: Discount, min: i64) -> Terms {
        Terms { discount, min_spend_minor: min, starts_at: T0, ends_at: T0.plus_seconds(3600), total: 50, per_person: 1 }
    }

    #[test]
    fn what_a_coupon_takes_off() {
        let ten_off_over_fifty = terms(Discount::AmountOff(1_000), 5_000);
        assert_eq!(ten_off_over_fifty.off(4_999), 0, "below the minimum spend");
        assert_eq!(ten_off_over_fifty.off(5_000), 1_000);
        assert_eq!(terms(Discount::AmountOff(1_000), 0).off(600), 599, "never all of the goods");
        assert_eq!(terms(Discount::AmountOff(1_000), 0).off(1), 0, "nothing off the last cent");
        assert_eq!(terms(Discount::PercentOff(1_500), 0).off(3_333), 499, "15%, rounded down");
    }

    #[test]
    fn terms_are_checked() {
        let window = (T0, T0.plus_seconds(3600));
        assert!(Terms::parse(Some(500), None, 2_000, window, 50, 1).is_ok());
        assert!(Terms::parse(Some(500), Some(100), 0, window, 50, 1).is_err(), "one kind of discount");
        assert!(Terms::parse(None, None, 0, window, 50, 1).is_err());
        assert!(Terms::parse(None, Some(9_600), 0, window, 50, 1).is_err(), "at most 95% off");
        assert!(Terms::parse(Some(2_000), None, 2_000, window, 50, 1).is_err(), "less than the minimum spend");
        assert!(Terms::parse(Some(500), None, 0, (T0, T0), 50, 1).is_err());
        assert!(Terms::parse(Some(500), None, 0, (T0, T0.plus_seconds(91 * 86_400)), 50, 1).is_err());
        let far = (Timestamp::from_millis(-5_000_000_000_000_000_000), Timestamp::from_millis(5_000_000_000_000_000_000));
        assert!(Terms::parse(Some(500), None, 0, far, 50, 1).is_err(), "no overflow past the 90 days");
        assert!(Terms::parse(Some(500), None, 0, window, 0, 1).is_err());
        assert!(Terms::parse(Some(500), None, 0, window, 5, 6).is_err(), "no more per person than in all");
    }

    #[test]
    fn claims_keep_to_the_dates() {
        let t = terms(Discount::AmountOff(100), 0);
        assert_eq!(claimable_at(&t, Timestamp::from_millis(T0.millis() - 1)), Err(CouponRefusal::NotStarted));
        assert_eq!(claimable_at(&t, T0), Ok(()));
        assert_eq!(claimable_at(&t, T0.plus_seconds(3600)), Err(CouponRefusal::Ended), "to the millisecond");
    }

    #[test]
    fn one_shop_coupon_and_one_platform_coupon() {
        use CouponKind::*;
        assert_eq!(stack(&[Shop, Platform]), Ok(()));
        assert_eq!(stack(&[Live]), Ok(()));
        assert_eq!(stack(&[Shop, Live]), Err(CouponRefusal::DoesNotStack));
        assert_eq!(stack(&[Follower, Platform, Platform]), Err(CouponRefusal::DoesNotStack));
    }

    #[test]
    fn a_split_sums_exactly() {
        assert_eq!(split(1_000, &[3_000, 1_000]), vec![750, 250]);
        assert_eq!(split(100, &[1, 1, 1]), vec![1, 1, 1], "never more than a line is worth");
        assert_eq!(split(2, &[1, 1, 1]), vec![1, 1, 0]);
        assert_eq!(split(500, &[0, 2_000]), vec![0, 500], "lines it does not cover get nothing");
        assert_eq!(split(10, &[]), Vec::<i64>::new());
    }

    proptest! {
        #[test]
        fn any_split_sums_to_the_discount_and_stays_within_each_line(
            lines in prop::collection::vec(0i64..1_000_000, 1..8),
            discount in 0i64..5_000_000,
        ) {
            let parts = split(discount, &lines);
            let total: i64 = lines.iter().sum();
            prop_assert_eq!(parts.iter().sum::<i64>(), discount.min(total));
            for (p, l) in parts.iter().zip(&lines) {
                prop_assert!(0 <= *p && p <= l);
            }
        }
    }
}
