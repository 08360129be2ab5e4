//! What creators earn: touches on their content, share links, balances,
//! and payouts through the payout provider.

use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::payouts::PayoutProvider;
use axum::http::HeaderMap;
use haul_domain::affiliate::TouchKind;
use haul_domain::ids::ProductId;
use haul_domain::{Currency, Money, Timestamp};
use haul_store::accounts::User;
use haul_store::affiliate::{Payout, ShareLink};

/// A shopper's tap on a creator's video card, note tag, showcase item
/// (`subject` is the creator) or share link on the way to `product`;
/// whether it counted (the content must carry the product).
pub async fn record_touch(state: &AppState, user: &User, product: i64, kind: TouchKind, subject: i64) -> AppResult<bool> {
    Ok(state.db.record_touch(user.user_id(), ProductId(product), kind, subject, state.clock.now()).await?)
}

/// The creator's share link to a product on sale.
pub async fn share_link(state: &AppState, user: &User, product: i64) -> AppResult<ShareLink> {
    let p = state.db.product(ProductId(product)).await?;
    if p.status != haul_domain::catalog::ProductStatus::Active {
        return Err(AppError::not_found("product"));
    }
    let code = crate::auth::random_token()[..10].to_owned();
    Ok(state.db.share_link(user.user_id(), ProductId(product), &code, state.clock.now()).await?)
}

/// Where a share link lands, and the address people open.
pub fn link_url(state: &AppState, link: &ShareLink) -> String {
    format!("{}/r/{}", state.public_url, link.code)
}

/// A visit through a share link: counted, and a touch for a signed-in
/// visitor; the product it lands on.
pub async fn follow_share_link(state: &AppState, code: &str, visitor: Option<&User>) -> AppResult<i64> {
    if code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::not_found("share link"));
    }
    Ok(state.db.follow_share_link(code, visitor.map(User::user_id), state.clock.now()).await?.product_id)
}

/// Asks for a payout of `amount_minor` of the creator's available balance.
pub async fn request_payout(state: &AppState, user: &User, amount_minor: i64, currency: &str) -> AppResult<Payout> {
    let amount = Money { minor: amount_minor, currency: Currency::parse(currency)? };
    let reference = format!("po_{}", &crate::auth::random_token()[..24]);
    let provider = state.payouts.name();
    Ok(state.db.request_payout(user.user_id(), amount, state.config.payout_minimum_minor, provider, &reference, state.clock.now()).await?)
}

/// When a failed payout is tried again: later after each attempt.
fn retry_at(now: Timestamp, attempts: i64) -> Timestamp {
    now.plus_seconds(60 * (1i64 << attempts.clamp(0, 10)))
}

/// Sends the payouts that are due; how many were handed to the provider.
pub async fn send_due_payouts(state: &AppState, limit: i64) -> AppResult<usize> {
    let now = state.clock.now();
    let mut sent = 0;
    for p in state.db.payouts_due(now, limit).await? {
        if !state.db.payout_sent(p.id, now).await? {
            continue;
        }
        if let Err(reason) = state.payouts.send(&p, &state.http, now) {
            state.db.payout_answered(&p.provider, &p.provider_ref, false, &reason, retry_at(now, p.attempts + 1), now).await?;
            continue;
        }
        sent += 1;
    }
    Ok(sent)
}

/// The provider's signed answer about a payout.
pub async fn payout_callback(state: &AppState, headers: &HeaderMap, body: &[u8]) -> AppResult<Payout> {
    let now = state.clock.now();
    let event = state.payouts.verify_callback(headers, body, now)?;
    let paid = match event.outcome.as_str() {
        "paid" => true,
        "failed" => false,
        other => return Err(haul_domain::DomainError::invalid("outcome", format!("paid or failed, not {other:?}")).into()),
    };
    let p = state.db.payout_by_ref(state.payouts.name(), &event.provider_ref).await?;
    Ok(state.db.payout_answered(state.payouts.name(), &p.provider_ref, paid, &event.reason, retry_at(now, p.attempts), now).await?)
}
