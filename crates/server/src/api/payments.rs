//! Paying for an order, the provider's webhook, refunds, and the ledger.

use crate::AppState;
use crate::auth::{ApiUser, require_shop_staff};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, RawBody};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use haul_domain::accounts::{Role, text};
use haul_domain::ids::{OrderId, ShopId};
use haul_domain::orders::OrderStatus;
use haul_domain::{Currency, Money};
use haul_store::accounts::User;
use haul_store::ledger::Balance;
use haul_store::orders::Order;
use haul_store::payments::{Applied, Payment};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start_payment)).routes(routes!(sandbox_webhook)).routes(routes!(refund)).routes(routes!(balances))
}

#[derive(Serialize, ToSchema)]
pub struct PaymentStarted {
    pub payment: Payment,
    /// Send the shopper here to pay.
    pub redirect_url: String,
}

/// Starts paying for the buyer's own unpaid order; shared with the pages.
pub async fn start(state: &AppState, user: &User, id: OrderId) -> ApiResult<PaymentStarted> {
    let detail = state.db.order(id).await?;
    if detail.order.buyer_id != user.id {
        return Err(ApiError::not_found("order"));
    }
    if detail.order.status() != OrderStatus::PendingPayment {
        return Err(ApiError::new(StatusCode::CONFLICT, "order_not_payable", "this order is not awaiting payment"));
    }
    if detail.order.pay_by <= state.clock.now().millis() {
        return Err(ApiError::new(StatusCode::CONFLICT, "order_expired", "the time to pay has run out"));
    }
    let started = state.payments.start(&detail.order);
    let payment = state.db.create_payment(&detail.order, state.payments.name(), &started.provider_ref, state.clock.now()).await?;
    Ok(PaymentStarted { payment, redirect_url: started.redirect_url })
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/payments", tag = "payments", security(("bearer" = [])),
    responses((status = 201, body = PaymentStarted), (status = 409, description = "order_not_payable, order_expired")))]
async fn start_payment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, axum::Json<PaymentStarted>)> {
    Ok((StatusCode::CREATED, axum::Json(start(&state, &user, OrderId(id)).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct WebhookAck {
    /// `paid`, `duplicate`, `refunded_late` or `refunded_duplicate`.
    pub result: String,
}

/// Called by the sandbox provider, signed with the shared secret.
#[utoipa::path(post, path = "/api/v1/payments/webhooks/sandbox", tag = "payments",
    params(("Haul-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\">")),
    responses((status = 200, body = WebhookAck), (status = 401, description = "bad_signature, stale_signature")))]
async fn sandbox_webhook(State(state): State<AppState>, headers: HeaderMap, RawBody(body): RawBody) -> ApiResult<axum::Json<WebhookAck>> {
    let now = state.clock.now();
    let event = state.payments.verify_webhook(&headers, &body, now)?;
    if event.kind != "payment.succeeded" {
        return Ok(axum::Json(WebhookAck { result: "ignored".into() }));
    }
    let amount = Money { minor: event.amount_minor, currency: Currency::parse(&event.currency)? };
    let applied = state.db.apply_payment_succeeded(state.payments.name(), &event.id, &event.provider_ref, amount, now).await?;
    let result = match applied {
        Applied::Paid(order) => {
            crate::metrics::payment_received();
            crate::live::announce_purchase(&state, *order);
            "paid"
        }
        Applied::Duplicate => "duplicate",
        Applied::RefundedLate => "refunded_late",
        Applied::RefundedDuplicate => "refunded_duplicate",
    };
    Ok(axum::Json(WebhookAck { result: result.into() }))
}

#[derive(Deserialize, ToSchema)]
pub struct RefundInput {
    /// Omit for a full refund of what is left.
    pub amount_minor: Option<i64>,
    #[serde(default)]
    pub reason: String,
}

/// Refunds part or all of an order: its shop's staff or an operator.
pub async fn refund_order(state: &AppState, user: &User, id: OrderId, input: RefundInput) -> ApiResult<Order> {
    let detail = state.db.order(id).await?;
    require_shop_staff(state, user, ShopId(detail.order.shop_id)).await.map_err(|_| ApiError::not_found("order"))?;
    let amount_minor = input.amount_minor.unwrap_or(detail.order.total_minor - detail.order.refunded_minor);
    let reason = if input.reason.trim().is_empty() { "refund".to_owned() } else { text("reason", &input.reason, 200)? };
    haul_domain::ledger::check_refund(detail.order.total_minor, detail.order.refunded_minor, amount_minor)?;
    let payment = state
        .db
        .payments_of_order(id)
        .await?
        .into_iter()
        .find(|p| p.status == "succeeded")
        .ok_or_else(|| ApiError::new(StatusCode::CONFLICT, "order_not_paid", "only a paid order can be refunded"))?;
    state.payments.refund(&payment, Money { minor: amount_minor, currency: Currency::parse(&payment.currency)? })?;
    let order = state.db.refund_order(id, amount_minor, &reason, user.user_id(), state.clock.now()).await?;
    if order.status() == OrderStatus::Refunded && matches!(detail.order.status(), OrderStatus::Paid | OrderStatus::Fulfilling) {
        state.deals.released(&order).await?;
    }
    Ok(order)
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/refunds", tag = "payments", security(("bearer" = [])), request_body = RefundInput,
    responses((status = 201, body = Order), (status = 409, description = "refund_too_large, order_not_paid")))]
async fn refund(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<RefundInput>,
) -> ApiResult<(StatusCode, axum::Json<Order>)> {
    Ok((StatusCode::CREATED, axum::Json(refund_order(&state, &user, OrderId(id), input).await?)))
}

#[utoipa::path(get, path = "/api/v1/ledger/balances", tag = "payments", security(("bearer" = [])), responses((status = 200, body = Vec<Balance>), (status = 403)))]
async fn balances(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<axum::Json<Vec<Balance>>> {
    if user.role() != Role::Operator {
        return Err(ApiError::forbidden());
    }
    Ok(axum::Json(state.db.balances().await?))
}
