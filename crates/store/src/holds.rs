//! An order's money (its creators' commission, the shop's settlement)
//! stays held while an after-sales case of it is open. Kept apart so that
//! the money modules and the after-sales module both read it without
//! importing each other.

use haul_domain::aftersales::CaseStatus;

/// The open statuses of a case, as a SQL list.
pub(crate) fn open_case_statuses() -> String {
    CaseStatus::ALL.iter().filter(|s| s.is_open()).map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")
}

/// A condition that holds when the order `order_id` (a qualified column of
/// the outer query) has no open case.
pub(crate) fn no_open_case(order_id: &str) -> String {
    format!("NOT EXISTS (SELECT 1 FROM aftersales_cases oc WHERE oc.order_id = {order_id} AND oc.status IN ({}))", open_case_statuses())
}
