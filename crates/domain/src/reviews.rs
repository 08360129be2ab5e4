//! Verified reviews: only the buyer of a completed order line reviews it,
//! once, with one follow-up later; the shop replies once; the counts shown
//! are the reviews there are (no default stars, nothing added). A note
//! that rates a product is one more review of it only when its author
//! bought the product and was not paid to say so.

use crate::{DomainError, ErrorCode};

/// The longest review, follow-up or reply.
pub const MAX_TEXT_CHARS: usize = 1_000;
/// Pictures a review may carry.
pub const MAX_PICTURES: usize = 9;

/// A rating of 1 to 5 stars.
pub fn stars(n: i64) -> Result<i64, DomainError> {
    if (1..=5).contains(&n) { Ok(n) } else { Err(DomainError::invalid("rating", "1 to 5 stars")) }
}

/// A review's, follow-up's or reply's text: up to 1,000 characters, line
/// breaks allowed; `required` when it says nothing without it.
pub fn text(field: &'static str, raw: &str, required: bool) -> Result<String, DomainError> {
    let t = raw.trim();
    let n = t.chars().count();
    if (required && n == 0) || n > MAX_TEXT_CHARS || t.chars().any(|c| c.is_control() && c != '\n') {
        let least = if required { 1 } else { 0 };
        return Err(DomainError::invalid(field, format!("{least} to {MAX_TEXT_CHARS} characters")));
    }
    Ok(t.to_owned())
}

/// Why a review (or its follow-up, or the shop's reply) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewRefusal {
    /// Only the buyer of the line reviews it.
    NotTheBuyer,
    /// The order has not completed (received or collected).
    NotCompleted,
    /// The line has its review.
    AlreadyReviewed,
    /// The line was refunded in full: nothing bought is left to review.
    Refunded,
    /// The follow-up, or the shop's reply, was given already.
    AlreadyAdded,
}

impl ReviewRefusal {
    pub fn code(self) -> ErrorCode {
        match self {
            ReviewRefusal::NotTheBuyer => ErrorCode::NotABuyer,
            ReviewRefusal::NotCompleted => ErrorCode::NotCompletedYet,
            ReviewRefusal::AlreadyReviewed => ErrorCode::AlreadyReviewed,
            ReviewRefusal::Refunded => ErrorCode::ItemRefunded,
            ReviewRefusal::AlreadyAdded => ErrorCode::AlreadyAdded,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            ReviewRefusal::NotTheBuyer => "only the buyer of this item can review it",
            ReviewRefusal::NotCompleted => "an item is reviewed once it has been received",
            ReviewRefusal::AlreadyReviewed => "this item has its review; add a follow-up instead",
            ReviewRefusal::Refunded => "this item was refunded in full; there is no purchase left to review",
            ReviewRefusal::AlreadyAdded => "it can be added once, and never changed",
        }
    }
}

/// How many reviews gave each number of stars, and what follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stars {
    /// `counts[0]` is one star.
    pub counts: [i64; 5],
}

impl Stars {
    pub fn add(&mut self, stars: i64, n: i64) {
        if (1..=5).contains(&stars) {
            self.counts[(stars - 1) as usize] += n;
        }
    }

    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }

    /// The mean, to one decimal; none without reviews (never a default).
    pub fn average(&self) -> Option<f64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let sum: i64 = self.counts.iter().enumerate().map(|(i, n)| (i as i64 + 1) * n).sum();
        Some((sum as f64 / total as f64 * 10.0).round() / 10.0)
    }

    /// Each number of stars' share of the reviews, in whole percent, five
    /// stars first.
    pub fn shares(&self) -> [(i64, i64); 5] {
        let total = self.total().max(1);
        let mut out = [(0, 0); 5];
        for (i, slot) in out.iter_mut().enumerate() {
            let stars = 5 - i as i64;
            *slot = (stars, self.counts[(stars - 1) as usize] * 100 / total);
        }
        out
    }
}

/// Whether a note's rating of a product counts among its reviews: its
/// author bought the product, and neither a shop paid for the note nor does
/// it carry the author's commission link to that product.
pub fn note_counts(author_bought: bool, sponsored: bool, earns_commission: bool) -> bool {
    author_bought && !sponsored && !earns_commission
}

/// A shop's record as shoppers see it: its stars, and how its after-sales
/// went.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShopScore {
    pub average: Option<f64>,
    pub reviews: i64,
    /// Of the after-sales requests the shop answered or let run out, the
    /// share (whole percent) it answered before the deadline; none before
    /// any request.
    pub answered_on_time: Option<i64>,
    /// Of its completed orders, the share (one decimal percent) refunded
    /// through after-sales.
    pub refund_rate: Option<f64>,
}

/// `answered` requests the shop took a step on in time, `lapsed` the ones
/// its silence decided; `refunded` cases ended refunded, over `completed`
/// orders.
pub fn shop_score(stars: &Stars, answered: i64, lapsed: i64, refunded: i64, completed: i64) -> ShopScore {
    let decided = answered + lapsed;
    ShopScore {
        average: stars.average(),
        reviews: stars.total(),
        answered_on_time: (decided > 0).then(|| answered * 100 / decided),
        refund_rate: (completed > 0).then(|| (refunded as f64 * 1000.0 / completed as f64).round() / 10.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_text_are_checked() {
        assert!(stars(0).is_err() && stars(6).is_err());
        assert_eq!(stars(5), Ok(5));
        assert_eq!(text("body", "  好吃  ", true), Ok("好吃".to_owned()));
        assert!(text("body", " ", true).is_err());
        assert_eq!(text("body", "", false), Ok(String::new()));
        assert!(text("body", &"字".repeat(1_001), false).is_err());
        assert!(text("body", "a\u{7}b", false).is_err());
    }

    #[test]
    fn counts_are_what_there_is() {
        let mut s = Stars::default();
        assert_eq!((s.total(), s.average()), (0, None), "no reviews, no stars");
        s.add(5, 3);
        s.add(4, 1);
        s.add(1, 1);
        s.add(9, 100);
        assert_eq!((s.total(), s.average()), (5, Some(4.0)));
        assert_eq!(s.shares(), [(5, 60), (4, 20), (3, 0), (2, 0), (1, 20)]);
    }

    #[test]
    fn a_paid_note_is_not_a_review() {
        assert!(note_counts(true, false, false));
        assert!(!note_counts(false, false, false));
        assert!(!note_counts(true, true, false));
        assert!(!note_counts(true, false, true));
    }

    #[test]
    fn a_shop_is_scored_on_its_record() {
        let mut s = Stars::default();
        s.add(5, 1);
        s.add(4, 1);
        let score = shop_score(&s, 9, 1, 2, 40);
        assert_eq!(score, ShopScore { average: Some(4.5), reviews: 2, answered_on_time: Some(90), refund_rate: Some(5.0) });
        let none = shop_score(&Stars::default(), 0, 0, 0, 0);
        assert_eq!((none.average, none.answered_on_time, none.refund_rate), (None, None, None));
    }
}
