//! After-sales: a buyer's request about one line of a paid order (a refund,
//! a return, an exchange), the steps each side may take, and the deadlines
//! that decide for the side that stays silent. The order itself keeps its
//! status; a case is the order's after-sales state per line, and every move
//! of it goes through [`CaseStatus::step`].

use crate::orders::OrderStatus;
use crate::{ErrorCode, Timestamp};

crate::status_enum! {
    /// What the buyer asks for.
    pub enum CaseKind {
        /// The money back, keeping nothing to return: not shipped, or never received.
        RefundOnly = "refund_only",
        /// The item goes back, then the money.
        ReturnRefund = "return_refund",
        /// The item goes back and the same line is sent again, at no charge.
        Exchange = "exchange",
    }
}

crate::status_enum! {
    pub enum CaseStatus {
        /// Waiting for the merchant's answer.
        Requested = "requested",
        /// Accepted (or the merchant asked for the item back): the buyer sends it.
        AwaitingReturn = "awaiting_return",
        /// The buyer sent it back: the merchant confirms it arrived.
        Returning = "returning",
        /// The merchant said no; the buyer may take it to the operator.
        Rejected = "rejected",
        /// The operator decides.
        Escalated = "escalated",
        Refunded = "refunded",
        Exchanged = "exchanged",
        /// Withdrawn, not returned in time, or the rejection stood.
        Closed = "closed",
    }
}

/// The steps of a case, by whoever takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The merchant agrees: a refund only is refunded, a return or an
    /// exchange waits for the item.
    Accept,
    /// The merchant refuses, with a reason.
    Reject,
    /// The merchant wants the item back before refunding.
    AskForReturn,
    /// The buyer sent the item (carrier and tracking number).
    ShipReturn,
    /// The merchant (or, for a community order, the leader at the pickup
    /// point) has the item back.
    ConfirmReturn,
    Escalate,
    /// The operator decides for the buyer (`true`) or the merchant.
    Decide(bool),
    Withdraw,
    /// The deadline of the status passed with nobody acting.
    Deadline,
}

/// What a step leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub status: CaseStatus,
    /// The case's money goes back now.
    pub refund: bool,
    /// The replacement is sent now (its stock is taken).
    pub replace: bool,
}

impl CaseStatus {
    /// Whether the case still waits for someone.
    pub fn is_open(self) -> bool {
        use CaseStatus::*;
        matches!(self, Requested | AwaitingReturn | Returning | Rejected | Escalated)
    }

    /// Where `step` leads a case of `kind` from here; refused if it is not a
    /// step of this status.
    pub fn step(self, kind: CaseKind, step: Step) -> Result<Outcome, CaseRefusal> {
        use CaseStatus::*;
        let to = |status| Outcome { status, refund: false, replace: false };
        // The end of a case whose item came back.
        let settled = if kind == CaseKind::Exchange {
            Outcome { status: Exchanged, refund: false, replace: true }
        } else {
            Outcome { status: Refunded, refund: true, replace: false }
        };
        // A merchant's (or operator's) yes.
        let agreed =
            if kind == CaseKind::RefundOnly { Outcome { status: Refunded, refund: true, replace: false } } else { to(AwaitingReturn) };
        Ok(match (self, step) {
            (Requested, Step::Accept | Step::Deadline) => agreed,
            (Requested, Step::Reject) => to(Rejected),
            (Requested, Step::AskForReturn) => to(AwaitingReturn),
            (AwaitingReturn, Step::ShipReturn) => to(Returning),
            (AwaitingReturn | Returning, Step::ConfirmReturn) => settled,
            (AwaitingReturn, Step::Deadline) => to(Closed),
            // A merchant who keeps a returned item without a word refunds it,
            // even when an exchange was asked for: the buyer has neither.
            (Returning, Step::Deadline) => Outcome { status: Refunded, refund: true, replace: false },
            (Rejected, Step::Escalate) => to(Escalated),
            (Rejected, Step::Deadline) => to(Closed),
            (Escalated, Step::Decide(true)) => agreed,
            (Escalated, Step::Decide(false)) => to(Closed),
            (Requested | AwaitingReturn | Rejected | Escalated, Step::Withdraw) => to(Closed),
            _ => return Err(CaseRefusal::IllegalStep),
        })
    }

    /// When the status decides by itself, entered at `since`; none for a
    /// status that waits for the operator or has ended.
    pub fn deadline(self, since: Timestamp, d: &Deadlines) -> Option<Timestamp> {
        use CaseStatus::*;
        let seconds = match self {
            Requested => d.reply_seconds,
            AwaitingReturn => d.return_seconds,
            Returning => d.confirm_seconds,
            Rejected => d.escalate_seconds,
            Escalated | Refunded | Exchanged | Closed => return None,
        };
        Some(since.plus_seconds(seconds))
    }
}

/// How long each side has, in seconds; configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// After receipt or completion, how long a buyer may open a case.
    pub claim_seconds: i64,
    /// The merchant's time to answer before the request is accepted.
    pub reply_seconds: i64,
    /// The buyer's time to send an item back before the case closes.
    pub return_seconds: i64,
    /// The merchant's time to confirm a returned item before it is refunded.
    pub confirm_seconds: i64,
    /// The buyer's time to take a rejection to the operator.
    pub escalate_seconds: i64,
}

const DAY: i64 = 86_400;

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            claim_seconds: 7 * DAY,
            reply_seconds: 2 * DAY,
            return_seconds: 5 * DAY,
            confirm_seconds: 8 * DAY,
            escalate_seconds: 7 * DAY,
        }
    }
}

/// Why a case cannot be opened or moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRefusal {
    /// The order is not paid, or was refunded in full.
    NotPaid,
    /// A return or an exchange before the buyer has the item.
    NotReceived,
    /// Past the claim window after completion.
    WindowClosed,
    /// Every unit of the line is refunded or in a case already.
    NothingLeft,
    IllegalStep,
}

impl CaseRefusal {
    pub fn code(self) -> ErrorCode {
        match self {
            CaseRefusal::NotPaid => ErrorCode::OrderNotPaid,
            CaseRefusal::NotReceived => ErrorCode::NotReceivedYet,
            CaseRefusal::WindowClosed => ErrorCode::ClaimWindowClosed,
            CaseRefusal::NothingLeft => ErrorCode::NothingToClaim,
            CaseRefusal::IllegalStep => ErrorCode::IllegalCaseStep,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            CaseRefusal::NotPaid => "only a paid order has after-sales",
            CaseRefusal::NotReceived => "a return or an exchange comes once the item has been received; ask for a refund instead",
            CaseRefusal::WindowClosed => "the time to ask for a refund, return or exchange of this order has passed",
            CaseRefusal::NothingLeft => "every unit of this item is refunded or in a request already",
            CaseRefusal::IllegalStep => "the request cannot take this step now",
        }
    }
}

/// Whether the buyer of an order in `status`, completed at `completed_at`,
/// may open a case of `kind` at `now`: before completion only a refund
/// (not shipped, or not received), after it anything within the window.
pub fn may_open(
    status: OrderStatus,
    completed_at: Option<Timestamp>,
    kind: CaseKind,
    now: Timestamp,
    d: &Deadlines,
) -> Result<(), CaseRefusal> {
    match status {
        OrderStatus::Paid | OrderStatus::Fulfilling | OrderStatus::Shipped | OrderStatus::ReadyForPickup => {
            if kind == CaseKind::RefundOnly { Ok(()) } else { Err(CaseRefusal::NotReceived) }
        }
        OrderStatus::Completed => match completed_at {
            Some(at) if now.millis() <= at.plus_seconds(d.claim_seconds).millis() => Ok(()),
            _ => Err(CaseRefusal::WindowClosed),
        },
        OrderStatus::PendingPayment | OrderStatus::Cancelled | OrderStatus::Refunded => Err(CaseRefusal::NotPaid),
    }
}

/// What a case's refund returns: the units' share of what the line was paid
/// (`line_paid` for `line_quantity` units, counted on the running total of
/// units refunded, so a discount spread over the line comes back in
/// proportion and the last unit takes the remainder), never more than the
/// line has left after its refunds (`refunded_before`, money).
pub fn case_amount(line_paid: i64, line_quantity: i64, units_before: i64, refunded_before: i64, quantity: i64) -> i64 {
    if line_quantity <= 0 || quantity <= 0 {
        return 0;
    }
    let upto = |units: i64| (i128::from(line_paid) * i128::from(units.clamp(0, line_quantity)) / i128::from(line_quantity)) as i64;
    let share = upto(units_before.saturating_add(quantity)) - upto(units_before);
    share.min((line_paid - refunded_before).max(0))
}

/// Splits what an order's refunds returned over its lines: refunds made for
/// a line count for it; the rest (an amount the shop refunded for the
/// whole order) is spread over what each line and the shipping have left,
/// rounded down. `lines` is each line's paid amount and its own refunds.
pub fn line_refunds(lines: &[(i64, i64)], shipping: i64, untargeted: i64) -> Vec<i64> {
    let mut left: Vec<i64> = lines.iter().map(|(paid, own)| (paid - own).max(0)).collect();
    left.push(shipping.max(0));
    let spread = crate::affiliate::refunded_shares(&left, untargeted);
    lines.iter().zip(spread).map(|((paid, own), extra)| (own + extra).min(*paid)).collect()
}

/// The longest reason or rejection a person writes.
pub const MAX_REASON_CHARS: usize = 500;
/// Pictures a buyer may attach.
pub const MAX_PICTURES: usize = 6;

/// A reason as typed: required, one paragraph, no control characters.
pub fn reason(field: &'static str, text: &str) -> Result<String, crate::DomainError> {
    let text = text.trim();
    let n = text.chars().count();
    if n == 0 || n > MAX_REASON_CHARS || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(crate::DomainError::invalid(field, format!("1 to {MAX_REASON_CHARS} characters")));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::CaseKind::*;
    use super::CaseStatus::*;
    use super::*;

    const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);

    fn end(kind: CaseKind, steps: &[Step]) -> Result<CaseStatus, CaseRefusal> {
        let mut status = Requested;
        for s in steps {
            status = status.step(kind, *s)?.status;
        }
        Ok(status)
    }

    #[test]
    fn the_paths_of_each_kind() {
        assert_eq!(end(RefundOnly, &[Step::Accept]), Ok(Refunded));
        assert_eq!(end(RefundOnly, &[Step::AskForReturn, Step::ShipReturn, Step::ConfirmReturn]), Ok(Refunded));
        assert_eq!(end(ReturnRefund, &[Step::Accept, Step::ShipReturn, Step::ConfirmReturn]), Ok(Refunded));
        assert_eq!(end(Exchange, &[Step::Accept, Step::ShipReturn, Step::ConfirmReturn]), Ok(Exchanged));
        assert_eq!(end(ReturnRefund, &[Step::Reject, Step::Escalate, Step::Decide(true), Step::ShipReturn]), Ok(Returning));
        assert_eq!(end(RefundOnly, &[Step::Reject, Step::Escalate, Step::Decide(false)]), Ok(Closed));
        // A community order's item is handed back at the pickup point.
        assert_eq!(end(ReturnRefund, &[Step::Accept, Step::ConfirmReturn]), Ok(Refunded));
        assert_eq!(end(Exchange, &[Step::Withdraw]), Ok(Closed));
    }

    #[test]
    fn what_each_step_does_to_money_and_stock() {
        assert_eq!(Requested.step(RefundOnly, Step::Accept), Ok(Outcome { status: Refunded, refund: true, replace: false }));
        assert_eq!(Requested.step(ReturnRefund, Step::Accept), Ok(Outcome { status: AwaitingReturn, refund: false, replace: false }));
        assert_eq!(Returning.step(Exchange, Step::ConfirmReturn), Ok(Outcome { status: Exchanged, refund: false, replace: true }));
        assert_eq!(Escalated.step(RefundOnly, Step::Decide(true)), Ok(Outcome { status: Refunded, refund: true, replace: false }));
    }

    #[test]
    fn silence_decides() {
        assert_eq!(Requested.step(RefundOnly, Step::Deadline).map(|o| (o.status, o.refund)), Ok((Refunded, true)));
        assert_eq!(Requested.step(Exchange, Step::Deadline).map(|o| o.status), Ok(AwaitingReturn));
        assert_eq!(AwaitingReturn.step(ReturnRefund, Step::Deadline).map(|o| (o.status, o.refund)), Ok((Closed, false)));
        assert_eq!(Returning.step(Exchange, Step::Deadline).map(|o| (o.status, o.refund, o.replace)), Ok((Refunded, true, false)));
        assert_eq!(Rejected.step(RefundOnly, Step::Deadline).map(|o| o.status), Ok(Closed));
        assert_eq!(Escalated.step(RefundOnly, Step::Deadline), Err(CaseRefusal::IllegalStep), "the operator has no deadline");
    }

    #[test]
    fn illegal_steps_are_refused() {
        for (from, step) in [
            (Requested, Step::ShipReturn),
            (Requested, Step::ConfirmReturn),
            (Requested, Step::Escalate),
            (AwaitingReturn, Step::Accept),
            (Returning, Step::Withdraw),
            (Rejected, Step::Accept),
            (Escalated, Step::Reject),
            (Refunded, Step::Withdraw),
            (Closed, Step::Escalate),
            (Exchanged, Step::Deadline),
        ] {
            assert_eq!(from.step(ReturnRefund, step), Err(CaseRefusal::IllegalStep), "{from} {step:?}");
        }
        for s in CaseStatus::ALL {
            assert_eq!(s.is_open(), s.deadline(T0, &Deadlines::default()).is_some() || *s == Escalated, "{s}");
        }
    }

    #[test]
    fn every_deadline_to_the_second() {
        let d = Deadlines::default();
        assert_eq!(Requested.deadline(T0, &d), Some(T0.plus_seconds(48 * 3600)));
        assert_eq!(AwaitingReturn.deadline(T0, &d), Some(T0.plus_seconds(5 * 86_400)));
        assert_eq!(Returning.deadline(T0, &d), Some(T0.plus_seconds(8 * 86_400)));
        assert_eq!(Rejected.deadline(T0, &d), Some(T0.plus_seconds(7 * 86_400)));
        for s in [Escalated, Refunded, Exchanged, Closed] {
            assert_eq!(s.deadline(T0, &d), None);
        }
        let window_end = T0.plus_seconds(7 * 86_400);
        assert_eq!(may_open(OrderStatus::Completed, Some(T0), Exchange, window_end, &d), Ok(()));
        assert_eq!(
            may_open(OrderStatus::Completed, Some(T0), Exchange, Timestamp::from_millis(window_end.millis() + 1), &d),
            Err(CaseRefusal::WindowClosed)
        );
    }

    #[test]
    fn what_may_be_asked_when() {
        let d = Deadlines::default();
        for s in [OrderStatus::Paid, OrderStatus::Fulfilling, OrderStatus::Shipped, OrderStatus::ReadyForPickup] {
            assert_eq!(may_open(s, None, RefundOnly, T0, &d), Ok(()), "{s}");
            assert_eq!(may_open(s, None, ReturnRefund, T0, &d), Err(CaseRefusal::NotReceived), "{s}");
        }
        for s in [OrderStatus::PendingPayment, OrderStatus::Cancelled, OrderStatus::Refunded] {
            assert_eq!(may_open(s, None, RefundOnly, T0, &d), Err(CaseRefusal::NotPaid), "{s}");
        }
    }

    #[test]
    fn a_case_refunds_its_units_share() {
        assert_eq!(case_amount(3_000, 3, 0, 0, 1), 1_000);
        assert_eq!(case_amount(1_000, 3, 0, 0, 1), 333);
        assert_eq!(case_amount(1_000, 3, 1, 333, 1), 333);
        assert_eq!(case_amount(1_000, 3, 2, 666, 1), 334, "the last unit takes the remainder");
        assert_eq!(case_amount(1_000, 3, 0, 0, 3), 1_000);
        assert_eq!(case_amount(1_000, 3, 0, 900, 1), 100, "never more than is left");
        assert_eq!(case_amount(1_000, 3, 3, 1_000, 1), 0);
        assert_eq!(case_amount(1_000, 0, 0, 0, 1), 0);
    }

    #[test]
    fn refunds_split_over_lines() {
        // A line's own refund counts for it; an order-wide one is spread over what is left.
        assert_eq!(line_refunds(&[(1_000, 1_000), (2_000, 0)], 0, 1_000), vec![1_000, 1_000]);
        assert_eq!(line_refunds(&[(1_000, 0), (1_000, 0)], 1_000, 1_500), vec![500, 500]);
        assert_eq!(line_refunds(&[(1_000, 500), (1_000, 0)], 0, 0), vec![500, 0]);
        assert_eq!(line_refunds(&[(1_000, 900)], 0, 5_000), vec![1_000], "never more than paid");
    }
}
