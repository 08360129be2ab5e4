//! What creators earn: touches on their content, share links, balances,
//! and payouts through the payout provider.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::{AppError, AppResult};
use crate::payouts::PayoutProvider;
use axum::http::HeaderMap;
use haul_domain::affiliate::Month;
use haul_domain::affiliate::TouchKind;
use haul_domain::ids::ProductId;
use haul_domain::ids::ShopId;
use haul_domain::{Currency, Money, Timestamp};
use haul_store::accounts::User;
use haul_store::affiliate::{Party, Payout, ShareLink, Statement, StatementTotals};

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

/// Asks for a payout of `amount_minor` of the party's available balance.
pub async fn request_payout(state: &AppState, party: Party, amount_minor: i64, currency: &str) -> AppResult<Payout> {
    let amount = Money { minor: amount_minor, currency: Currency::parse(currency)? };
    let reference = format!("po_{}", &crate::auth::random_token()[..24]);
    let provider = state.payouts.name();
    Ok(state.db.request_payout(party, amount, state.config.payout_minimum_minor, provider, &reference, state.clock.now()).await?)
}

/// A shop's money is its owner's to pay out (an operator may see it too);
/// other staff and strangers are refused.
pub async fn shop_party(state: &AppState, user: &User, shop: ShopId, pay_out: bool) -> AppResult<Party> {
    require_shop_staff(state, user, shop).await?;
    let owner = state.db.shop_role(shop, user.user_id()).await?.as_deref() == Some("owner");
    if pay_out && !owner {
        return Err(AppError::forbidden());
    }
    Ok(Party::Shop { shop, requester: user.user_id() })
}

/// When a failed payout is tried again: later after each attempt.
fn retry_at(now: Timestamp, attempts: i64) -> Timestamp {
    now.plus_seconds(60 * (1i64 << attempts.clamp(0, 10)))
}

/// A payout the provider has not answered for this long is handed over again.
const UNANSWERED_MS: i64 = 3_600_000;

/// Sends the payouts that are due; how many were handed to the provider.
pub async fn send_due_payouts(state: &AppState, limit: i64) -> AppResult<usize> {
    let now = state.clock.now();
    let mut sent = 0;
    for p in state.db.payouts_due(now, UNANSWERED_MS, limit).await? {
        if !state.db.take_payout(&p, now).await? {
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

/// A statement as CSV: one row per movement, the month's opening and
/// closing balances first and last. Amounts in major units.
pub fn statement_csv(s: &Statement) -> String {
    let amount = |minor: i64, currency: &str| match Currency::parse(currency) {
        Ok(currency) => Money { minor, currency }.decimal(),
        Err(_) => minor.to_string(),
    };
    let mut out = String::from("date_utc,kind,order,balance,amount,currency\n");
    let totals = |out: &mut String, what: &str, totals: &[StatementTotals]| {
        for t in totals {
            for (balance, minor) in [("pending", t.pending_minor), ("available", t.available_minor)] {
                out.push_str(&format!("{},{what},,{balance},{},{}\n", s.month, amount(minor, &t.currency), t.currency));
            }
        }
    };
    totals(&mut out, "opening", &s.opening);
    for l in &s.lines {
        let date = haul_domain::community::local_date_time(Timestamp::from_millis(l.at), 0);
        let order = l.order_id.map(|o| o.to_string()).unwrap_or_default();
        out.push_str(&format!("{date},{},{order},{},{},{}\n", l.kind, l.balance, amount(l.amount_minor, &l.currency), l.currency));
    }
    totals(&mut out, "closing", &s.closing);
    out
}

/// The party's statement for `month` (`2026-12`).
pub async fn statement(state: &AppState, party: Party, month: &str) -> AppResult<Statement> {
    Ok(state.db.statement(party, Month::parse(month)?).await?)
}
