//! The order state machine. Every change of status goes through
//! [`OrderStatus::transition`], so an illegal move is refused in one place
//! whichever handler or job asks for it.

use crate::DomainError;

crate::status_enum! {
    pub enum OrderStatus {
        PendingPayment = "pending_payment",
        Paid = "paid",
        Fulfilling = "fulfilling",
        Shipped = "shipped",
        ReadyForPickup = "ready_for_pickup",
        Completed = "completed",
        Cancelled = "cancelled",
        Refunded = "refunded",
    }
}

crate::status_enum! {
    /// A payment of an order at the provider.
    pub enum PaymentStatus { Pending = "pending", Succeeded = "succeeded", Refunded = "refunded" }
}

impl OrderStatus {
    /// The statuses reachable from this one.
    pub fn next(self) -> &'static [OrderStatus] {
        use OrderStatus::*;
        match self {
            PendingPayment => &[Paid, Cancelled],
            Paid => &[Fulfilling, Refunded],
            Fulfilling => &[Shipped, ReadyForPickup, Refunded],
            Shipped | ReadyForPickup => &[Completed, Refunded],
            Completed => &[Refunded],
            Cancelled | Refunded => &[],
        }
    }

    pub fn transition(self, to: OrderStatus) -> Result<OrderStatus, DomainError> {
        if self.next().contains(&to) { Ok(to) } else { Err(DomainError::IllegalTransition { from: self.as_str(), to: to.as_str() }) }
    }

    /// Whether money has been taken and not fully returned.
    pub fn is_paid(self) -> bool {
        use OrderStatus::*;
        matches!(self, Paid | Fulfilling | Shipped | ReadyForPickup | Completed)
    }

    /// The steps a merchant advances by hand (payment, cancel and refund
    /// happen through their own flows).
    pub fn merchant_steps(self) -> Vec<OrderStatus> {
        use OrderStatus::*;
        self.next().iter().copied().filter(|s| matches!(s, Fulfilling | Shipped | ReadyForPickup | Completed)).collect()
    }
}

/// A six-digit code the shopper shows at pickup, derived from a random number
/// the server draws.
pub fn pickup_code(random: u32) -> String {
    format!("{:06}", random % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn the_happy_paths_are_legal() {
        for path in [
            &[PendingPayment, Paid, Fulfilling, Shipped, Completed][..],
            &[PendingPayment, Paid, Fulfilling, ReadyForPickup, Completed],
            &[PendingPayment, Cancelled],
            &[PendingPayment, Paid, Refunded],
        ] {
            for pair in path.windows(2) {
                assert_eq!(pair[0].transition(pair[1]), Ok(pair[1]));
            }
        }
    }

    #[test]
    fn illegal_moves_are_refused() {
        for (from, to) in
            [(PendingPayment, Shipped), (Cancelled, Paid), (Refunded, Paid), (Paid, Cancelled), (Completed, Fulfilling), (Paid, Paid)]
        {
            assert_eq!(from.transition(to), Err(DomainError::IllegalTransition { from: from.as_str(), to: to.as_str() }));
        }
    }

    #[test]
    fn terminal_states_go_nowhere() {
        assert!(Cancelled.next().is_empty());
        assert!(Refunded.next().is_empty());
    }

    #[test]
    fn status_names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Ok(*s));
        }
        assert!(OrderStatus::parse("lost").is_err());
    }

    #[test]
    fn pickup_codes_have_six_digits() {
        assert_eq!(pickup_code(42), "000042");
        assert_eq!(pickup_code(u32::MAX).len(), 6);
    }
}
