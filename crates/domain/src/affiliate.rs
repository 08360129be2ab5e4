//! Affiliate commission, as pure rules: the rate a plan pays at a moment
//! (a lowered rate only after its notice), which touch a sale is credited
//! to, the commission of a line, a refund spread over lines, and how much
//! commission a refund takes back.

use crate::ids::{ProductId, RoomId, UserId};
use crate::{DomainError, Timestamp};

crate::status_enum! {
    /// What a shopper touched before buying: a creator's video card, note
    /// tag, showcase item or share link; the live room they bought in; or
    /// the community campaign whose leader hands the order over.
    pub enum TouchKind {
        Video = "video",
        Note = "note",
        Showcase = "showcase",
        ShareLink = "share_link",
        LiveRoom = "live_room",
        Community = "community",
    }
}

crate::status_enum! {
    /// A line's commission: pending until its order is complete and the
    /// after-sales hold has passed, then available; reversed by refunds.
    pub enum CommissionStatus { Pending = "pending", Available = "available", Reversed = "reversed" }
}

crate::status_enum! {
    /// A payout: requested (waiting to be sent, or sent again after a
    /// failure), sent (the provider has it), paid, or failed for good (its
    /// money went back to the creator's balance).
    pub enum PayoutStatus { Requested = "requested", Sent = "sent", Paid = "paid", Failed = "failed" }
}

crate::status_enum! {
    /// An open plan is active at once; a targeted one is an invitation until
    /// its creator accepts or declines. A suspended shop's plans pause.
    pub enum PlanStatus { Active = "active", Invited = "invited", Declined = "declined", Paused = "paused" }
}

/// The lowest and highest rate a plan may pay, in basis points (1% and 80%).
pub const MIN_RATE_BPS: i64 = 100;
pub const MAX_RATE_BPS: i64 = 8_000;

/// A commission rate in basis points (1,000 = 10%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RateBps(i64);

impl RateBps {
    pub fn parse(bps: i64) -> Result<RateBps, DomainError> {
        if (MIN_RATE_BPS..=MAX_RATE_BPS).contains(&bps) {
            Ok(RateBps(bps))
        } else {
            Err(DomainError::invalid("rate_bps", format!("between {MIN_RATE_BPS} (1%) and {MAX_RATE_BPS} (80%)")))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// A plan's rate over time: each `(when it was set, rate)`, oldest first.
/// A rate that was replaced stays in force for `notice_ms` after its
/// replacement, so a cut reaches creators only after the notice while a
/// raise applies at once; the highest rate in force wins.
pub fn rate_at(history: &[(Timestamp, RateBps)], at: Timestamp, notice_ms: i64) -> Option<RateBps> {
    let mut best: Option<RateBps> = None;
    for (i, (set_at, rate)) in history.iter().enumerate() {
        if *set_at > at {
            break;
        }
        let in_force = match history.get(i + 1) {
            Some((replaced_at, _)) if *replaced_at <= at => at.millis() < replaced_at.millis().saturating_add(notice_ms),
            _ => true,
        };
        if in_force {
            best = best.max(Some(*rate));
        }
    }
    best
}

/// How attribution and commission behave, from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AffiliateTerms {
    /// How long a touch can still win a sale.
    pub window_ms: i64,
    /// How long a cut rate keeps paying the old one.
    pub notice_ms: i64,
    /// How long after an order completes its commission stays pending
    /// (the after-sales window).
    pub hold_ms: i64,
    /// The platform's share of each commission, in basis points.
    pub platform_fee_bps: i64,
}

impl Default for AffiliateTerms {
    fn default() -> Self {
        const DAY: i64 = 86_400_000;
        AffiliateTerms { window_ms: 7 * DAY, notice_ms: 30 * DAY, hold_ms: 15 * DAY, platform_fee_bps: 1_000 }
    }
}

/// An active plan as the rate rules need it: what it covers, whom it is
/// for, and its rate history.
pub struct PlanRates<'a> {
    /// None: every product of the shop.
    pub product: Option<ProductId>,
    /// None: an open plan, for any creator.
    pub creator: Option<UserId>,
    pub history: &'a [(Timestamp, RateBps)],
}

/// The rate a creator earns on a product at a touch: the highest of the
/// open and targeted plans that cover it, each at its rate in force then.
pub fn best_rate(plans: &[PlanRates<'_>], product: ProductId, creator: UserId, at: Timestamp, notice_ms: i64) -> Option<RateBps> {
    plans
        .iter()
        .filter(|p| p.product.is_none_or(|covered| covered == product) && p.creator.is_none_or(|offered| offered == creator))
        .filter_map(|p| rate_at(p.history, at, notice_ms))
        .max()
}

/// A creator's touch on the way to a purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Touch {
    pub kind: TouchKind,
    /// The video, note, showcase item, link or room touched (its kind says which).
    pub id: i64,
    pub creator: UserId,
    pub at: Timestamp,
}

/// A purchase, as attribution needs it.
pub struct Sale<'a> {
    pub buyer: UserId,
    pub at: Timestamp,
    /// `(room, host)` when bought inside a live room.
    pub live_room: Option<(RoomId, UserId)>,
    /// The selling shop's staff: they earn nothing on their own products.
    pub shop_staff: &'a [UserId],
}

/// The touch a sale is credited to, if any. A purchase inside a live room
/// goes to the room's host whatever came before; otherwise the last touch
/// no more than `window_ms` before the sale wins. Nobody earns on their own
/// purchase or on their own shop's products: then nothing is credited.
pub fn credit(touches: &[Touch], sale: &Sale<'_>, window_ms: i64) -> Option<Touch> {
    let chosen = match sale.live_room {
        Some((room, host)) => Touch { kind: TouchKind::LiveRoom, id: room.get(), creator: host, at: sale.at },
        None => *touches.iter().filter(|t| t.at <= sale.at && sale.at.millis() - t.at.millis() <= window_ms).max_by_key(|t| t.at)?,
    };
    let earns = chosen.creator != sale.buyer && !sale.shop_staff.contains(&chosen.creator);
    earns.then_some(chosen)
}

/// Commission on what the shopper paid for a line's goods, rounded down.
pub fn commission_minor(paid_minor: i64, rate: RateBps) -> i64 {
    (i128::from(paid_minor) * i128::from(rate.get()) / 10_000) as i64
}

/// The platform's fee on a commission, rounded down.
pub fn platform_fee_minor(commission_minor: i64, fee_bps: i64) -> i64 {
    (i128::from(commission_minor) * i128::from(fee_bps.clamp(0, 10_000)) / 10_000) as i64
}

/// How much of each line an order's refunds so far (`refunded_minor` in
/// all) count against: in proportion to what each line was paid, rounded
/// down, never more than the line. Rounded down rather than spread to add
/// up, so that a line's share only grows as refunds grow (largest
/// remainders can shrink one line's share when the total rises): refunds
/// split in parts take back the same commission as one refund of the sum.
pub fn refunded_shares(lines_paid: &[i64], refunded_minor: i64) -> Vec<i64> {
    let total: i64 = lines_paid.iter().sum();
    let refunded = i128::from(refunded_minor.clamp(0, total));
    if total == 0 {
        return vec![0; lines_paid.len()];
    }
    lines_paid.iter().map(|paid| (i128::from(*paid) * refunded / i128::from(total)) as i64).collect()
}

/// How much of a line's commission a refund takes back, given what of the
/// line was refunded before and now. Counted on the running total, so a
/// line refunded in several parts gives back exactly its commission when
/// refunded in full, and what stays is never more than the commission on
/// what stayed paid.
pub fn reversal_minor(commission_minor: i64, line_paid_minor: i64, refunded_before_minor: i64, refund_minor: i64) -> i64 {
    if line_paid_minor <= 0 {
        return 0;
    }
    let taken_back = |refunded: i64| -> i64 {
        let refunded = i128::from(refunded.clamp(0, line_paid_minor));
        let c = i128::from(commission_minor);
        let paid = i128::from(line_paid_minor);
        ((c * refunded + paid - 1) / paid) as i64
    };
    taken_back(refunded_before_minor.saturating_add(refund_minor)) - taken_back(refunded_before_minor)
}

/// A calendar month in UTC (`2026-12`), as statements are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    year: i64,
    month: u32,
}

impl Month {
    pub fn parse(text: &str) -> Result<Month, DomainError> {
        let bad = || DomainError::invalid("month", "a month such as 2026-12");
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let (year, month): (i64, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !(2000..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    /// The month an instant falls in.
    pub fn of(at: Timestamp) -> Month {
        let date = crate::community::local_date(at, 0);
        Month::parse(&date[..7]).unwrap_or(Month { year: 1970, month: 1 })
    }

    /// Its first millisecond, and the first of the next month.
    pub fn range(self) -> (Timestamp, Timestamp) {
        let next = if self.month == 12 { (self.year + 1, 1) } else { (self.year, self.month + 1) };
        let at = |(y, m): (i64, u32)| Timestamp::from_millis(crate::community::days_from_civil(y, m, 1) * 86_400_000);
        (at((self.year, self.month)), at(next))
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Orders completed at or before this instant are past their hold at
/// `now`: their commission is released and the shop's money settled.
pub fn held_until(now: Timestamp, hold_ms: i64) -> Timestamp {
    Timestamp::from_millis(now.millis().saturating_sub(hold_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DAY: i64 = 86_400_000;

    fn t(ms: i64) -> Timestamp {
        Timestamp::from_millis(ms)
    }

    fn r(bps: i64) -> RateBps {
        RateBps::parse(bps).unwrap()
    }

    #[test]
    fn rates_are_between_one_and_eighty_percent() {
        assert!(RateBps::parse(99).is_err());
        assert!(RateBps::parse(8_001).is_err());
        assert_eq!(RateBps::parse(100).map(RateBps::get), Ok(100));
        assert_eq!(RateBps::parse(8_000).map(RateBps::get), Ok(8_000));
    }

    #[test]
    fn a_cut_waits_for_its_notice_and_a_raise_does_not() {
        let notice = 30 * DAY;
        // 20% from day 0, cut to 10% on day 10, raised to 15% on day 20.
        let history = [(t(0), r(2_000)), (t(10 * DAY), r(1_000)), (t(20 * DAY), r(1_500))];
        let cases = [
            (-1, None),
            (0, Some(2_000)),
            (10 * DAY, Some(2_000)),
            (20 * DAY, Some(2_000)),
            // The notice of the cut ends on day 40, to the millisecond.
            (40 * DAY - 1, Some(2_000)),
            (40 * DAY, Some(1_500)),
        ];
        for (at, want) in cases {
            assert_eq!(rate_at(&history, t(at), notice).map(RateBps::get), want, "at {at}");
        }
        let raised = [(t(0), r(1_000)), (t(DAY), r(3_000))];
        assert_eq!(rate_at(&raised, t(DAY), notice).map(RateBps::get), Some(3_000));
    }

    #[test]
    fn the_last_touch_in_the_window_wins_to_the_millisecond() {
        let window = 7 * DAY;
        let sale_at = 100 * DAY;
        let touches = [
            Touch { kind: TouchKind::Video, id: 1, creator: UserId(10), at: t(sale_at - window - 1) },
            Touch { kind: TouchKind::Note, id: 2, creator: UserId(11), at: t(sale_at - window) },
            Touch { kind: TouchKind::ShareLink, id: 3, creator: UserId(12), at: t(sale_at + 1) },
        ];
        let sale = Sale { buyer: UserId(99), at: t(sale_at), live_room: None, shop_staff: &[] };
        assert_eq!(credit(&touches, &sale, window).map(|c| (c.kind, c.creator)), Some((TouchKind::Note, UserId(11))));
        assert_eq!(credit(&touches[..1], &sale, window), None, "one millisecond too old");
        let later = Touch { kind: TouchKind::Showcase, id: 4, creator: UserId(13), at: t(sale_at) };
        assert_eq!(credit(&[touches[1], later], &sale, window).map(|c| c.creator), Some(UserId(13)));
    }

    #[test]
    fn a_live_room_purchase_goes_to_its_host_and_nobody_earns_on_themselves() {
        let touches = [Touch { kind: TouchKind::Video, id: 1, creator: UserId(10), at: t(0) }];
        let in_room = Sale { buyer: UserId(99), at: t(1_000), live_room: Some((RoomId(7), UserId(20))), shop_staff: &[] };
        assert_eq!(credit(&touches, &in_room, DAY).map(|c| (c.kind, c.id, c.creator)), Some((TouchKind::LiveRoom, 7, UserId(20))));
        let own_link = Sale { buyer: UserId(10), at: t(1_000), live_room: None, shop_staff: &[] };
        assert_eq!(credit(&touches, &own_link, DAY), None);
        let staff = Sale { buyer: UserId(99), at: t(1_000), live_room: None, shop_staff: &[UserId(10)] };
        assert_eq!(credit(&touches, &staff, DAY), None);
        let host_buys = Sale { buyer: UserId(20), at: t(1_000), live_room: Some((RoomId(7), UserId(20))), shop_staff: &[] };
        assert_eq!(credit(&touches, &host_buys, DAY), None);
    }

    #[test]
    fn the_best_covering_plan_wins_at_the_touch() {
        let notice = 30 * DAY;
        let (tea, cup) = (ProductId(1), ProductId(2));
        let (anna, ben) = (UserId(10), UserId(11));
        let shop_wide = [(t(0), r(800))];
        let tea_open = [(t(0), r(2_000)), (t(DAY), r(500))];
        let anna_tea = [(t(0), r(2_500))];
        let plans = [
            PlanRates { product: None, creator: None, history: &shop_wide },
            PlanRates { product: Some(tea), creator: None, history: &tea_open },
            PlanRates { product: Some(tea), creator: Some(anna), history: &anna_tea },
        ];
        let rate = |product, creator, at| best_rate(&plans, product, creator, t(at), notice).map(RateBps::get);
        assert_eq!(rate(tea, anna, DAY), Some(2_500), "her invitation beats the open plan");
        assert_eq!(rate(tea, ben, DAY), Some(2_000), "the cut waits for its notice");
        assert_eq!(rate(tea, ben, 31 * DAY), Some(800), "after it, the shop-wide plan pays more");
        assert_eq!(rate(cup, anna, DAY), Some(800), "her invitation covers tea only");
        assert_eq!(rate(cup, anna, -1), None, "nothing was offered yet");
    }

    #[test]
    fn a_month_runs_from_its_first_millisecond_to_the_next_months() {
        let dec = Month::parse("2026-12").unwrap();
        let (start, end) = dec.range();
        assert_eq!((start.millis(), end.millis()), (1_796_083_200_000, 1_798_761_600_000));
        assert_eq!(Month::of(start), dec);
        assert_eq!(Month::of(Timestamp::from_millis(end.millis() - 1)), dec);
        assert_eq!(Month::of(end).to_string(), "2027-01");
        for bad in ["2026-13", "2026-1", "26-12", "2026/12", "", "1999-01"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn commission_and_fee_round_down() {
        assert_eq!(commission_minor(1_990, r(2_000)), 398);
        assert_eq!(commission_minor(999, r(150)), 14);
        assert_eq!(platform_fee_minor(398, 1_000), 39);
        assert_eq!(platform_fee_minor(398, -5), 0);
        // Completed on day 1: still held a millisecond before day 16, released on it.
        assert!(t(DAY) > held_until(t(16 * DAY - 1), 15 * DAY));
        assert!(t(DAY) <= held_until(t(16 * DAY), 15 * DAY));
    }

    #[test]
    fn refunds_count_against_lines_in_proportion_and_a_full_refund_against_all() {
        assert_eq!(refunded_shares(&[1_000, 3_000], 2_000), vec![500, 1_500]);
        assert_eq!(refunded_shares(&[1, 1, 1], 2), vec![0, 0, 0], "rounded down");
        assert_eq!(refunded_shares(&[1, 1, 1], 3), vec![1, 1, 1]);
        assert_eq!(refunded_shares(&[500, 500], 9_999), vec![500, 500], "never more than was paid");
        assert_eq!(refunded_shares(&[], 10), Vec::<i64>::new());
        // Where largest remainders would take a unit from the first line as
        // the total grows from 141 to 143, its share never shrinks.
        assert_eq!(refunded_shares(&[64, 471, 192], 141)[0], 12);
        assert_eq!(refunded_shares(&[64, 471, 192], 143)[0], 12);
    }

    #[test]
    fn half_a_refund_halves_the_commission_and_a_full_one_takes_it_all() {
        // ¥19.90 at 20%: ¥3.98 commission.
        assert_eq!(reversal_minor(398, 1_990, 0, 995), 199);
        assert_eq!(reversal_minor(398, 1_990, 995, 995), 199);
        assert_eq!(reversal_minor(398, 1_990, 0, 1_990), 398);
        assert_eq!(reversal_minor(398, 1_990, 1_990, 1), 0, "nothing left to take back");
        assert_eq!(reversal_minor(3, 10, 0, 1), 1, "rounded against the creator: never paid more");
    }

    proptest! {
        #[test]
        fn shares_stay_within_each_line_and_only_grow_with_the_refunds(
            lines in proptest::collection::vec(0i64..100_000, 0..8),
            refund in 0i64..1_000_000,
            more in 0i64..100_000,
        ) {
            let parts = refunded_shares(&lines, refund);
            let total: i64 = lines.iter().sum();
            prop_assert!(parts.iter().sum::<i64>() <= refund.min(total));
            for ((part, later), paid) in parts.iter().zip(refunded_shares(&lines, refund + more)).zip(&lines) {
                prop_assert!(*part >= 0 && part <= paid && later >= *part);
            }
            prop_assert_eq!(refunded_shares(&lines, total), lines);
        }

        #[test]
        fn reversals_never_leave_more_than_the_commission_on_what_stayed_paid(
            paid in 1i64..1_000_000,
            bps in MIN_RATE_BPS..=MAX_RATE_BPS,
            refunds in proptest::collection::vec(0i64..200_000, 0..6),
        ) {
            let commission = commission_minor(paid, r(bps));
            let (mut refunded, mut reversed) = (0i64, 0i64);
            for refund in refunds {
                let refund = refund.min(paid - refunded);
                let back = reversal_minor(commission, paid, refunded, refund);
                prop_assert!(back >= 0);
                refunded += refund;
                reversed += back;
                prop_assert!(reversed <= commission);
                // What the creator keeps is at most the commission on what stayed paid.
                prop_assert!(commission - reversed <= commission_minor(paid - refunded, r(bps)));
                prop_assert!(commission - reversed <= (i128::from(commission) * i128::from(paid - refunded) / i128::from(paid)) as i64);
            }
            prop_assert_eq!(reversal_minor(commission, paid, refunded, paid - refunded) + reversed, commission);
        }
    }
}
