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
            // Straight to completed: a voucher, once used at the shop.
            Paid => &[Fulfilling, Completed, Refunded],
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
}

/// Why an order moved, as its history records it (stable English words, the
/// same on both databases and in the API); pages show each in the reader's
/// language. Notes typed by people (a refund's reason) are kept as typed.
pub mod event_notes {
    pub const PLACED: &str = "order placed";
    pub const PAID: &str = "payment received";
    pub const CANCELLED_BY_BUYER: &str = "cancelled by the buyer";
    pub const NOT_PAID_IN_TIME: &str = "not paid in time";
    pub const BY_THE_SHOP: &str = "by the shop";
    pub const FORWARDED_TO_PARTNER: &str = "forwarded to partner";
    pub const TEAM_COMPLETE: &str = "team complete";
    pub const TEAM_CLOSED_UNPAID: &str = "the team closed before payment";
    pub const CAMPAIGN_CLOSED: &str = "campaign closed; the store prepares the delivery";
    pub const NOT_PAID_BY_CUTOFF: &str = "not paid by the cut-off";
    pub const ARRIVED_AT_PICKUP: &str = "arrived at the pickup point";
    pub const COLLECTED: &str = "collected at the pickup point";
    pub const FLASH_DEAL: &str = "flash deal";
    pub const RECEIVED: &str = "received by the buyer";
    pub const SHIPPED: &str = "shipped by the shop";
    pub const RECEIVED_AUTOMATICALLY: &str = "completed automatically after delivery";
    pub const VOUCHERS_SETTLED: &str = "every voucher used or expired";
    pub const VOUCHER_REFUNDED_UNUSED: &str = "voucher expired unused";
    pub const VOUCHER_REFUNDED_BY_BUYER: &str = "voucher refunded before use";
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
            &[PendingPayment, Paid, Completed],
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
