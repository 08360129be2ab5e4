//! What creators and shops earn: touches on creators' content (and the
//! cookie that keeps a signed-out visitor's), share links, payouts through
//! the payout provider, and monthly statements.

use crate::AppState;
use crate::auth::require_shop_staff;
use crate::error::{AppError, AppResult};
use crate::payouts::PayoutProvider;
use axum::http::HeaderMap;
use haul_domain::affiliate::{Month, TouchKind};
use haul_domain::analytics::{Metric, Subject};
use haul_domain::ids::{ProductId, ShopId};
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

/// A visit through a share link: a touch for a signed-in visitor, and a
/// click unless the visitor's browser already holds the tap (`taps`, the
/// cookie) or followed the link within a day; `head` requests (link
/// previews) count nothing. The link, whose product it lands on.
pub async fn follow_share_link(
    state: &AppState,
    code: &str,
    visitor: Option<&User>,
    taps: Option<&str>,
    head: bool,
) -> AppResult<ShareLink> {
    if code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::not_found("share link"));
    }
    let link = state.db.share_link_by_code(code).await?;
    if !head {
        let seen =
            taps.unwrap_or("").split(',').filter_map(parse_cookie_touch).any(|(k, s, _, _)| k == TouchKind::ShareLink && s == link.id);
        state.db.follow_share_link(&link, visitor.map(User::user_id), seen, state.clock.now()).await?;
    }
    Ok(link)
}

/// Where a signed-out visitor's taps wait until they sign in or up:
/// `kind:subject:product:at_ms`, comma-separated, the latest few.
pub const TOUCH_COOKIE: &str = "haul_touches";
const MAX_COOKIE_TOUCHES: usize = 5;

/// The cookie's value with one more tap, the oldest dropped past the limit.
pub fn remember_touch(existing: Option<&str>, kind: TouchKind, subject: i64, product: i64, now: Timestamp) -> String {
    let mut kept: Vec<String> = existing
        .unwrap_or("")
        .split(',')
        .filter(|e| parse_cookie_touch(e).is_some_and(|(k, s, p, _)| (k, s, p) != (kind, subject, product)))
        .map(str::to_owned)
        .collect();
    kept.push(format!("{}:{subject}:{product}:{}", kind.as_str(), now.millis()));
    let skip = kept.len().saturating_sub(MAX_COOKIE_TOUCHES);
    kept[skip..].join(",")
}

fn parse_cookie_touch(entry: &str) -> Option<(TouchKind, i64, i64, i64)> {
    let mut parts = entry.split(':');
    let kind = TouchKind::parse(parts.next()?).ok()?;
    let (subject, product, at) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    parts.next().is_none().then_some((kind, subject, product, at))
}

/// Records the taps a visitor made before signing in that are still in
/// the window, as made now: the cookie is the browser's to change, so its
/// times only decide what is too old (a backdated tap cannot reach an
/// older, higher rate). The content must still carry the product.
pub async fn claim_touches(state: &AppState, user: &User, cookie: &str) -> AppResult<()> {
    let now = state.clock.now();
    let oldest = now.millis().saturating_sub(state.db.affiliate_terms().window_ms);
    for (kind, subject, product, at) in cookie.split(',').filter_map(parse_cookie_touch).take(MAX_COOKIE_TOUCHES) {
        if at >= oldest {
            state.db.record_touch(user.user_id(), ProductId(product), kind, subject, now).await?;
        }
    }
    Ok(())
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
            let event_id = format!("refused_{}_{}", p.id, p.attempts + 1);
            let answer = haul_store::affiliate::PayoutAnswer {
                event_id: &event_id,
                paid: false,
                failure: &reason,
                retry_at: retry_at(now, p.attempts + 1),
            };
            state.db.payout_answered(&p.provider, &p.provider_ref, &answer, now).await?;
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
    let answer =
        haul_store::affiliate::PayoutAnswer { event_id: &event.id, paid, failure: &event.reason, retry_at: retry_at(now, p.attempts) };
    let answered = state.db.payout_answered(state.payouts.name(), &p.provider_ref, &answer, now).await?;
    if paid && p.status != answered.status {
        crate::services::mail_notices::payout_sent(state, &answered).await;
    }
    Ok(answered)
}

/// A statement as CSV: one row per movement, the month's opening and
/// closing balances first and last. Amounts in major units.
pub fn statement_csv(s: &Statement) -> String {
    use crate::csv::amount;
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

/// What a piece of content is called where it lives (a link: its product),
/// shortened; none for a showcase or when it is gone.
pub async fn content_title(state: &AppState, kind: TouchKind, id: i64) -> Option<String> {
    let name = state.db.content_title(kind, id).await.ok()??;
    let mut short: String = name.chars().take(40).collect();
    if short.len() < name.len() {
        short.push('…');
    }
    Some(short)
}

/// How many saw a piece of content, all along: a video's views and card
/// taps, a note's views, a room's unique viewers; none for the rest.
pub async fn content_reach(state: &AppState, kind: TouchKind, id: i64) -> AppResult<(Option<i64>, Option<i64>)> {
    Ok(match kind {
        TouchKind::Video => match state.db.video(haul_domain::ids::VideoId(id)).await {
            Ok(v) => (Some(v.video.views), Some(v.video.product_clicks)),
            Err(_) => (None, None),
        },
        TouchKind::Note => {
            let counts = state.db.activity_of(Subject::Note, &[id], 0, i64::MAX).await?;
            (Some(counts.iter().filter(|c| c.metric == Metric::View.as_str()).map(|c| c.count).sum()), None)
        }
        TouchKind::LiveRoom => {
            (state.db.room_counts(haul_domain::ids::RoomId(id), state.clock.now()).await.ok().map(|c| c.unique_viewers), None)
        }
        _ => (None, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_keeps_the_latest_taps_once_each_and_ignores_garbage() {
        let at = |ms| Timestamp::from_millis(ms);
        let mut cookie = String::from("bogus,video:x:1:2,note:1:2:3:4");
        for i in 0..7 {
            cookie = remember_touch(Some(&cookie), TouchKind::Video, i, 9, at(i));
        }
        cookie = remember_touch(Some(&cookie), TouchKind::Video, 3, 9, at(100));
        let kept: Vec<_> = cookie.split(',').filter_map(parse_cookie_touch).map(|(_, s, _, at)| (s, at)).collect();
        assert_eq!(kept, vec![(2, 2), (4, 4), (5, 5), (6, 6), (3, 100)]);
        assert_eq!(parse_cookie_touch("share_link:4:9:1000"), Some((TouchKind::ShareLink, 4, 9, 1000)));
    }
}
