//! The sandbox provider's hosted pay page. It stands for a real provider's
//! site: on "Pay" it sends Haul a signed webhook over HTTP, exactly as a
//! provider would, and then sends the shopper back to the order.

use super::layout::{PageResult, money, render, see_other};
use crate::AppState;
use crate::auth::random_token;
use crate::error::ApiError;
use crate::extract::Path;
use askama::Template;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "sandbox_pay.html")]
struct PayPage {
    order_id: i64,
    amount: String,
    pending: bool,
    message: Option<String>,
}

/// Provider references are ours (`sbx_` and hex); anything else is unknown.
fn known_shape(reference: &str) -> Result<&str, ApiError> {
    if reference.len() <= 64 && reference.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(reference)
    } else {
        Err(ApiError::not_found("payment"))
    }
}

pub async fn page(State(state): State<AppState>, Path(reference): Path<String>) -> PageResult {
    let p = state.db.payment_by_ref(known_shape(&reference)?).await?;
    Ok(render(&PayPage { order_id: p.order_id, amount: money(p.amount_minor, &p.currency), pending: p.status == "pending", message: None }))
}

#[derive(Deserialize)]
pub struct Choice {
    action: String,
}

pub async fn submit(State(state): State<AppState>, Path(reference): Path<String>, Form(choice): Form<Choice>) -> PageResult {
    let p = state.db.payment_by_ref(known_shape(&reference)?).await?;
    let amount = money(p.amount_minor, &p.currency);
    if choice.action != "pay" || p.status != "pending" {
        let message = if p.status == "pending" { "Payment declined. Nothing was charged." } else { "This payment is already complete." };
        return Ok(render(&PayPage { order_id: p.order_id, amount, pending: false, message: Some(message.into()) }));
    }
    let (body, signature) = state.sandbox.signed_success(&p, format!("evt_{}", &random_token()[..24]), state.clock.now());
    let sent = state
        .http
        .post(state.sandbox.webhook_url())
        .header("content-type", "application/json")
        .header(crate::payments::SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) if r.status().is_success() => Ok(see_other(&format!("/orders/{}", p.order_id))),
        Ok(r) => {
            tracing::warn!(status = %r.status(), "Haul refused the sandbox webhook");
            let page = PayPage {
                order_id: p.order_id,
                amount,
                pending: false,
                message: Some(format!("The shop refused the payment ({}).", r.status())),
            };
            Ok((StatusCode::BAD_GATEWAY, render(&page)).into_response())
        }
        Err(e) => Err(ApiError::internal(format!("sandbox could not reach {}: {e}", state.sandbox.webhook_url())).into()),
    }
}
