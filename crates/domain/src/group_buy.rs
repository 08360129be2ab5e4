//! Team buys, pure rules (Pinduoduo / Jingxi): N people within T, else every
//! member is refunded; optional price tiers that fall as more join, the final
//! price set when the team closes and any difference refunded. No virtual
//! members: only paid seats count.

use crate::{DomainError, Timestamp};

crate::status_enum! {
    pub enum TeamOfferStatus { Active = "active", Withdrawn = "withdrawn" }
}

crate::status_enum! {
    /// Opening until the opener pays, forming until full or out of time.
    pub enum TeamStatus {
        Opening = "opening",
        Forming = "forming",
        Complete = "complete",
        Failed = "failed",
        Abandoned = "abandoned",
    }
}

pub const MAX_TEAM_SIZE: i64 = 200;
pub const MIN_TIME_LIMIT_SECONDS: i64 = 60;
pub const MAX_TIME_LIMIT_SECONDS: i64 = 7 * 86_400;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamTerms {
    /// Members needed for the team to succeed.
    pub min_size: i64,
    /// Seats in all; the team closes at once when they are full.
    pub max_size: i64,
    pub time_limit_seconds: i64,
    /// What each member pays on joining: the price with the fewest members.
    pub start_price_minor: i64,
    /// `(members, price)`: from that many members on, the price is this.
    tiers: Vec<(i64, i64)>,
}

impl TeamTerms {
    pub fn parse(
        min_size: i64,
        max_size: i64,
        time_limit_seconds: i64,
        start_price_minor: i64,
        mut tiers: Vec<(i64, i64)>,
    ) -> Result<TeamTerms, DomainError> {
        if !(2..=MAX_TEAM_SIZE).contains(&min_size) {
            return Err(DomainError::invalid("team_size", format!("between 2 and {MAX_TEAM_SIZE}")));
        }
        if !(min_size..=MAX_TEAM_SIZE).contains(&max_size) {
            return Err(DomainError::invalid("max_size", "at least team_size"));
        }
        if !(MIN_TIME_LIMIT_SECONDS..=MAX_TIME_LIMIT_SECONDS).contains(&time_limit_seconds) {
            return Err(DomainError::invalid("time_limit_seconds", "between a minute and a week"));
        }
        if !(0..=crate::money::MAX_MINOR).contains(&start_price_minor) {
            return Err(DomainError::AmountOutOfRange);
        }
        tiers.sort_unstable();
        let mut last = start_price_minor;
        for (members, price) in &tiers {
            if !(2..=max_size).contains(members) {
                return Err(DomainError::invalid("tiers", "each tier starts at 2 to max_size members"));
            }
            if *price < 0 || *price > last {
                return Err(DomainError::invalid("tiers", "prices fall (or stay) as more join"));
            }
            last = *price;
        }
        if tiers.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(DomainError::invalid("tiers", "one price per member count"));
        }
        Ok(TeamTerms { min_size, max_size, time_limit_seconds, start_price_minor, tiers })
    }

    pub fn tiers(&self) -> &[(i64, i64)] {
        &self.tiers
    }

    /// The tiers as stored: `members:price` pairs joined by commas.
    pub fn tiers_text(&self) -> String {
        self.tiers.iter().map(|(m, p)| format!("{m}:{p}")).collect::<Vec<_>>().join(",")
    }

    /// The price per member for a team of `members`.
    pub fn price_for(&self, members: i64) -> i64 {
        self.tiers.iter().rev().find(|(m, _)| members >= *m).map(|(_, p)| *p).unwrap_or(self.start_price_minor)
    }

    pub fn expires_at(&self, opened_at: Timestamp) -> Timestamp {
        opened_at.plus_seconds(self.time_limit_seconds)
    }

    /// Whether the team should close now: every seat taken, or time is up.
    pub fn closes(&self, members: i64, opened_at: Timestamp, now: Timestamp) -> bool {
        members >= self.max_size || now >= self.expires_at(opened_at)
    }

    /// What closing a team of `members` paid members means.
    pub fn outcome(&self, members: i64) -> Outcome {
        if members >= self.min_size {
            let price = self.price_for(members);
            Outcome::Complete { price_minor: price, refund_each_minor: self.start_price_minor - price }
        } else {
            Outcome::Failed { refund_each_minor: self.start_price_minor }
        }
    }
}

/// Reads tiers written by [`TeamTerms::tiers_text`].
pub fn parse_tiers(text: &str) -> Result<Vec<(i64, i64)>, DomainError> {
    let bad = || DomainError::invalid("tiers", "members:price pairs such as 5:2590,10:1990");
    text.split(',')
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            let (m, p) = t.split_once(':').ok_or_else(bad)?;
            Ok((m.trim().parse().map_err(|_| bad())?, p.trim().parse().map_err(|_| bad())?))
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every order is confirmed at `price_minor`; the difference goes back.
    Complete { price_minor: i64, refund_each_minor: i64 },
    /// Too few joined in time: every member gets everything back.
    Failed { refund_each_minor: i64 },
}

/// Takes a seat if one is free; seats never exceed `max_size`.
pub fn take_seat(taken: i64, max_size: i64) -> Result<i64, DomainError> {
    if taken >= max_size {
        return Err(DomainError::invalid("team", "the team is full"));
    }
    Ok(taken + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn jingxi() -> TeamTerms {
        // 3 to open at ¥29.90; ¥25.90 from 5; ¥19.90 from 10.
        TeamTerms::parse(3, 10, 24 * 3600, 2990, vec![(10, 1990), (5, 2590)]).unwrap()
    }

    #[test]
    fn tiers_fall_as_more_join() {
        let t = jingxi();
        assert_eq!([t.price_for(3), t.price_for(4), t.price_for(5), t.price_for(9), t.price_for(10)], [2990, 2990, 2590, 2590, 1990]);
    }

    #[test]
    fn closing_sets_the_final_price_or_refunds_everyone() {
        let t = jingxi();
        assert_eq!(t.outcome(2), Outcome::Failed { refund_each_minor: 2990 });
        assert_eq!(t.outcome(3), Outcome::Complete { price_minor: 2990, refund_each_minor: 0 });
        assert_eq!(t.outcome(6), Outcome::Complete { price_minor: 2590, refund_each_minor: 400 });
        assert_eq!(t.outcome(10), Outcome::Complete { price_minor: 1990, refund_each_minor: 1000 });
    }

    #[test]
    fn a_team_closes_when_full_or_at_its_deadline_to_the_second() {
        let t = jingxi();
        let opened = Timestamp::from_millis(1_000_000);
        let deadline = t.expires_at(opened);
        assert!(!t.closes(9, opened, Timestamp::from_millis(deadline.millis() - 1)));
        assert!(t.closes(9, opened, deadline));
        assert!(t.closes(10, opened, opened));
    }

    #[test]
    fn tiers_survive_a_round_trip_through_text() {
        let t = jingxi();
        assert_eq!(t.tiers_text(), "5:2590,10:1990");
        assert_eq!(parse_tiers(&t.tiers_text()).unwrap(), t.tiers());
        assert_eq!(parse_tiers("").unwrap(), vec![]);
        assert!(parse_tiers("5-2590").is_err());
        assert!(parse_tiers("5:x").is_err());
    }

    #[test]
    fn bad_terms_are_refused() {
        assert!(TeamTerms::parse(1, 2, 3600, 100, vec![]).is_err());
        assert!(TeamTerms::parse(3, 2, 3600, 100, vec![]).is_err());
        assert!(TeamTerms::parse(2, 2, 10, 100, vec![]).is_err());
        assert!(TeamTerms::parse(2, 5, 3600, -1, vec![]).is_err());
        assert!(TeamTerms::parse(2, 5, 3600, 100, vec![(3, 120)]).is_err(), "a tier may not cost more");
        assert!(TeamTerms::parse(2, 5, 3600, 100, vec![(6, 50)]).is_err(), "a tier beyond the seats");
        assert!(TeamTerms::parse(2, 5, 3600, 100, vec![(3, 80), (4, 90)]).is_err(), "prices must not rise");
        assert!(TeamTerms::parse(2, 5, 3600, 100, vec![(3, 80), (3, 70)]).is_err());
    }

    proptest! {
        /// Whatever the terms and however many join, a member never gets back
        /// more than they paid, and the final price never exceeds the start.
        #[test]
        fn refunds_never_exceed_what_was_paid(min in 2i64..10, extra in 0i64..10, start in 0i64..100_000, cuts in prop::collection::vec((2i64..20, 0i64..5_000), 0..4), members in 0i64..25) {
            let max = min + extra;
            let mut price = start;
            let tiers: Vec<(i64, i64)> = cuts.into_iter().filter(|(m, _)| *m <= max).map(|(m, cut)| { price = (price - cut).max(0); (m, price) }).collect();
            if let Ok(t) = TeamTerms::parse(min, max, 3600, start, tiers) {
                match t.outcome(members.min(max)) {
                    Outcome::Complete { price_minor, refund_each_minor } => {
                        prop_assert!(price_minor <= start && refund_each_minor >= 0 && price_minor + refund_each_minor == start);
                    }
                    Outcome::Failed { refund_each_minor } => prop_assert_eq!(refund_each_minor, start),
                }
            }
        }

        /// Seats are never handed out beyond the team's size.
        #[test]
        fn seats_never_exceed_the_team(max in 2i64..50, attempts in 0usize..200) {
            let mut taken = 0;
            for _ in 0..attempts {
                if let Ok(next) = take_seat(taken, max) { taken = next; }
                prop_assert!(taken <= max);
            }
        }
    }
}
