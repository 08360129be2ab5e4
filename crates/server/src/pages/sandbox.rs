//! The sandbox provider's hosted pay page. It stands for a real provider's
//! site: on "Pay" it sends Haul a signed webhook over HTTP, exactly as a
//! provider would, and then sends the shopper back to the order. Only the
//! buyer, signed in, sees it, and "Pay" is a form with a CSRF token: the
//! sandbox takes no money, so nobody else may mark an order paid through it.

use super::layout::{CheckedForm, CsrfToken, PageResult, SignedIn, money, render, see_other};
use crate::AppState;
use crate::auth::random_token;
use crate::error::AppError;
use crate::extract::Path;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use haul_domain::ids::OrderId;
use haul_domain::orders::OrderStatus;
use haul_domain::orders::PaymentStatus;
use haul_store::accounts::User;
use haul_store::payments::Payment;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "sandbox_pay.html")]
struct PayPage {
    /// The sandbox's page stands alone (no top bar) but speaks the shopper's language.
    lang: crate::i18n::Lang,
    csrf: String,
    order_id: i64,
    amount: String,
    pending: bool,
    message: Option<String>,
}

/// Provider references are ours (`sbx_` and hex); anything else is unknown.
fn known_shape(reference: &str) -> Result<&str, AppError> {
    if reference.len() <= 64 && reference.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(reference)
    } else {
        Err(AppError::not_found("payment"))
    }
}

/// The payment, if `user` is its order's buyer (anyone else: not found),
/// and whether the order still waits for payment.
async fn buyers_payment(state: &AppState, user: &User, reference: &str) -> Result<(Payment, bool), AppError> {
    let p = state.db.payment_by_ref(known_shape(reference)?).await?;
    let order = state.db.order(OrderId(p.order_id)).await?.order;
    if order.buyer_id != user.id {
        return Err(AppError::not_found("payment"));
    }
    Ok((p, order.status == OrderStatus::PendingPayment))
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(reference): Path<String>,
) -> PageResult {
    let (p, payable) = buyers_payment(&state, &user, &reference).await?;
    let pending = p.status == PaymentStatus::Pending && payable;
    Ok(render(&PayPage {
        lang: crate::i18n::current(),
        csrf: csrf.0,
        order_id: p.order_id,
        amount: money(p.amount_minor, &p.currency),
        pending,
        message: None,
    }))
}

#[derive(Deserialize)]
pub struct Choice {
    action: String,
}

pub async fn submit(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Path(reference): Path<String>,
    CheckedForm(choice): CheckedForm<Choice>,
) -> PageResult {
    let (p, payable) = buyers_payment(&state, &user, &reference).await?;
    let amount = money(p.amount_minor, &p.currency);
    let lang = crate::i18n::current();
    let refusal = if p.status != PaymentStatus::Pending {
        Some(lang.t("pay-already-complete"))
    } else if !payable {
        // Refused before any money moves: the order was paid another way,
        // or cancelled.
        Some(lang.t("pay-not-waiting"))
    } else if choice.action != "pay" {
        Some(lang.t("pay-declined"))
    } else {
        None
    };
    if let Some(message) = refusal {
        return Ok(render(&PayPage { lang, csrf: csrf.0, order_id: p.order_id, amount, pending: false, message: Some(message) }));
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
                lang,
                csrf: csrf.0,
                order_id: p.order_id,
                amount,
                pending: false,
                message: Some(lang.t_with("pay-shop-refused", "status", r.status())),
            };
            Ok((StatusCode::BAD_GATEWAY, render(&page)).into_response())
        }
        Err(e) => Err(AppError::internal(format!("sandbox could not reach {}: {e}", state.sandbox.webhook_url())).into()),
    }
}
