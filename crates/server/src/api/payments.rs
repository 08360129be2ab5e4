//! Paying for an order, the provider's webhook, refunds, and the ledger.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Path, RawBody};
use crate::services::payments::{PaymentStarted, RefundInput, refund_order, start};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use haul_domain::accounts::Role;
use haul_domain::ids::OrderId;
use haul_store::ledger::Balance;
use haul_store::orders::Order;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start_payment)).routes(routes!(sandbox_webhook)).routes(routes!(refund)).routes(routes!(balances))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/payments", tag = "payments", security(("bearer" = [])),
    responses((status = 201, body = PaymentStarted), (status = 409, description = "order_not_payable, order_expired")))]
async fn start_payment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> AppResult<(StatusCode, axum::Json<PaymentStarted>)> {
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
async fn sandbox_webhook(State(state): State<AppState>, headers: HeaderMap, RawBody(body): RawBody) -> AppResult<axum::Json<WebhookAck>> {
    let now = state.clock.now();
    let event = state.payments.verify_webhook(&headers, &body, now)?;
    if event.kind != "payment.succeeded" {
        return Ok(axum::Json(WebhookAck { result: "ignored".into() }));
    }
    let result = crate::services::payments::received(&state, &event).await?;
    Ok(axum::Json(WebhookAck { result: result.into() }))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/refunds", tag = "payments", security(("bearer" = [])), request_body = RefundInput,
    responses((status = 201, body = Order), (status = 409, description = "refund_too_large, order_not_paid")))]
async fn refund(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<RefundInput>,
) -> AppResult<(StatusCode, axum::Json<Order>)> {
    Ok((StatusCode::CREATED, axum::Json(refund_order(&state, &user, OrderId(id), input).await?)))
}

#[utoipa::path(get, path = "/api/v1/ledger/balances", tag = "payments", security(("bearer" = [])), responses((status = 200, body = Vec<Balance>), (status = 403)))]
async fn balances(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<Vec<Balance>>> {
    if user.role() != Role::Operator {
        return Err(AppError::forbidden());
    }
    Ok(axum::Json(state.db.balances().await?))
}
