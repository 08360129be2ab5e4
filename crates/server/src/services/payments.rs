//! Paying for an order and refunding it. A provider's verified "payment
//! succeeded" is applied once; what a payment sets off (the live room's
//! ticker, the metrics) happens here.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::{AppError, AppResult};
use crate::payments::ProviderEvent;
use haul_domain::ErrorCode;
use haul_domain::accounts::text;
use haul_domain::ids::{OrderId, ShopId};
use haul_domain::orders::OrderStatus;
use haul_domain::orders::PaymentStatus;
use haul_domain::{Currency, Money};
use haul_store::accounts::User;
use haul_store::orders::Order;
use haul_store::payments::{Applied, Payment};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct PaymentStarted {
    pub payment: Payment,
    /// Send the shopper here to pay.
    pub redirect_url: String,
}

/// Starts paying for the buyer's own unpaid order; shared with the pages.
pub async fn start(state: &AppState, user: &User, id: OrderId) -> AppResult<PaymentStarted> {
    let detail = state.db.order(id).await?;
    if detail.order.buyer_id != user.id {
        return Err(AppError::not_found("order"));
    }
    if detail.order.status != OrderStatus::PendingPayment {
        return Err(AppError::new(ErrorCode::OrderNotPayable, "this order is not awaiting payment"));
    }
    if detail.order.pay_by <= state.clock.now().millis() {
        return Err(AppError::new(ErrorCode::OrderExpired, "the time to pay has run out"));
    }
    crate::services::shops::require_selling(state, haul_domain::ids::ShopId(detail.order.shop_id)).await?;
    let started = state.payments.start(&detail.order);
    let payment = state.db.create_payment(&detail.order, state.payments.name(), &started.provider_ref, state.clock.now()).await?;
    Ok(PaymentStarted { payment, redirect_url: started.redirect_url })
}

/// Applies a verified "payment succeeded" event: `paid`, `duplicate`,
/// `refunded_late` or `refunded_duplicate`.
pub async fn received(state: &AppState, event: &ProviderEvent) -> AppResult<&'static str> {
    let now = state.clock.now();
    let amount = Money { minor: event.amount_minor, currency: Currency::parse(&event.currency)? };
    let applied = state.db.apply_payment_succeeded(state.payments.name(), &event.id, &event.provider_ref, amount, now).await?;
    let result = match applied {
        Applied::Paid(order) => {
            crate::metrics::payment_received();
            crate::services::mail_notices::receipt(state, OrderId(order.id)).await;
            crate::live::announce_purchase(state, *order);
            "paid"
        }
        Applied::Duplicate => "duplicate",
        Applied::RefundedLate => "refunded_late",
        Applied::RefundedDuplicate => "refunded_duplicate",
    };
    Ok(result)
}

#[derive(Deserialize, ToSchema)]
pub struct RefundInput {
    /// Omit for a full refund of what is left.
    pub amount_minor: Option<i64>,
    #[serde(default)]
    pub reason: String,
}

/// Refunds part or all of an order: its shop's staff or an operator.
pub async fn refund_order(state: &AppState, user: &User, id: OrderId, input: RefundInput) -> AppResult<Order> {
    let detail = state.db.order(id).await?;
    require_shop_staff(state, user, ShopId(detail.order.shop_id)).await.map_err(|_| AppError::not_found("order"))?;
    let amount_minor = input.amount_minor.unwrap_or(detail.order.total_minor - detail.order.refunded_minor);
    let reason = if input.reason.trim().is_empty() { "refund".to_owned() } else { text("reason", &input.reason, 200)? };
    haul_domain::ledger::check_refund(detail.order.total_minor, detail.order.refunded_minor, amount_minor)?;
    let payment = state
        .db
        .payments_of_order(id)
        .await?
        .into_iter()
        .find(|p| p.status == PaymentStatus::Succeeded)
        .ok_or_else(|| AppError::new(ErrorCode::OrderNotPaid, "only a paid order can be refunded"))?;
    state.payments.refund(&payment, Money { minor: amount_minor, currency: Currency::parse(&payment.currency)? })?;
    let order = state.db.refund_order(id, amount_minor, &reason, user.user_id(), state.clock.now()).await?;
    crate::services::mail_notices::refunded(state, &order, amount_minor).await;
    if order.status == OrderStatus::Refunded && matches!(detail.order.status, OrderStatus::Paid | OrderStatus::Fulfilling) {
        super::orders::left_running(state, &order).await?;
    }
    Ok(order)
}
