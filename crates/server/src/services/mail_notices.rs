//! E-mail that tells people what happened to their orders, rooms and
//! money: a receipt when an order is paid (always sent), and, unless the
//! person turned them off, shipped, ready for pickup, refunded, a room they
//! asked to be reminded of going live, and a payout sent. Accounts without
//! an e-mail address get the in-app notifications only. Like those, a mail
//! that cannot be written never fails what it tells of (it is logged).

use crate::AppState;
use crate::error::AppResult;
use crate::messages::{self, Outgoing};
use haul_domain::ids::{OrderId, UserId};
use haul_domain::one_time::Channel;
use haul_store::affiliate::Payout;
use haul_store::live::Room;
use haul_store::orders::Order;

/// The e-mails a person may turn off, by the name stored in their choices.
pub const OPTIONAL: [&str; 5] = ["shipped", "pickup", "refund", "live", "payout"];

/// Mails `kind` to `user` if they have an e-mail address (and, for an
/// optional kind, did not turn it off).
async fn mail(state: &AppState, user: UserId, kind: &'static str, mut args: Vec<(&'static str, String)>) {
    let sent = async {
        let person = state.db.user(user).await?;
        let Some(email) = person.email.as_deref().filter(|e| !e.ends_with(haul_store::deletion::DELETED_DOMAIN)) else { return Ok(()) };
        let optional = OPTIONAL.contains(&kind);
        if optional && state.db.mail_opt_out(user).await?.split(',').any(|k| k == kind) {
            return Ok(());
        }
        let lang = messages::language_of(state, user).await?;
        args.push(("name", person.display_name.clone()));
        messages::send(state, Outgoing { channel: Channel::Email, to: email, kind, lang, args, optional }).await
    };
    let result: AppResult<()> = sent.await;
    if let Err(e) = result {
        tracing::warn!(error = %e.message, kind, "mail not written");
    }
}

fn money(minor: i64, currency: &str) -> String {
    haul_domain::Currency::parse(currency)
        .map(|c| haul_domain::Money { minor, currency: c }.display())
        .unwrap_or_else(|_| format!("{minor} {currency}"))
}

fn order_args(state: &AppState, o: &Order) -> Vec<(&'static str, String)> {
    vec![
        ("order", o.id.to_string()),
        ("link", format!("{}/orders/{}", state.public_url, o.id)),
        ("total", money(o.total_minor, &o.currency)),
    ]
}

/// The receipt: what was bought, from whom, for how much.
pub async fn receipt(state: &AppState, order: OrderId) {
    let detail = match state.db.order(order).await {
        Ok(d) => d,
        Err(e) => return tracing::warn!(error = %e, "receipt not written"),
    };
    let o = &detail.order;
    let shop = state.db.shop(haul_domain::ids::ShopId(o.shop_id)).await.map(|s| s.name).unwrap_or_default();
    let lines: Vec<String> = detail
        .lines
        .iter()
        .map(|l| format!("{} × {}  {}", l.title, l.quantity, money(l.unit_price_minor * l.quantity - l.discount_minor, &o.currency)))
        .collect();
    let mut args = order_args(state, o);
    args.extend([("shop", shop), ("lines", lines.join("\n"))]);
    mail(state, UserId(o.buyer_id), "receipt", args).await;
}

pub async fn shipped(state: &AppState, o: &Order) {
    let mut args = order_args(state, o);
    args.extend([("carrier", o.carrier.clone().unwrap_or_default()), ("tracking", o.tracking_no.clone().unwrap_or_default())]);
    mail(state, UserId(o.buyer_id), "shipped", args).await;
}

/// Each order is at its pickup point: the resident brings the code.
pub async fn ready_for_pickup(state: &AppState, orders: &[OrderId]) {
    for id in orders {
        match state.db.order(*id).await {
            Ok(d) => {
                let mut args = order_args(state, &d.order);
                args.push(("code", d.order.pickup_code.clone()));
                mail(state, UserId(d.order.buyer_id), "pickup", args).await;
            }
            Err(e) => tracing::warn!(error = %e, "pickup mail not written"),
        }
    }
}

pub async fn refunded(state: &AppState, o: &Order, amount_minor: i64) {
    let mut args = order_args(state, o);
    args.push(("amount", money(amount_minor, &o.currency)));
    mail(state, UserId(o.buyer_id), "refund", args).await;
}

pub async fn room_live(state: &AppState, room: &Room, reminded: &[UserId]) {
    for user in reminded {
        let args = vec![
            ("title", room.title.clone()),
            ("host", room.host_name.clone()),
            ("link", format!("{}/live/{}", state.public_url, room.id)),
        ];
        mail(state, *user, "live", args).await;
    }
}

pub async fn payout_sent(state: &AppState, p: &Payout) {
    mail(state, UserId(p.creator_id), "payout", vec![("amount", money(p.amount_minor, &p.currency))]).await;
}

/// The optional e-mails `user` receives.
pub async fn preferences(state: &AppState, user: UserId) -> AppResult<Vec<&'static str>> {
    let off = state.db.mail_opt_out(user).await?;
    Ok(OPTIONAL.into_iter().filter(|k| !off.split(',').any(|o| o == *k)).collect())
}

/// Keeps the optional e-mails named in `on` and turns the others off.
pub async fn set_preferences(state: &AppState, user: UserId, on: &[String]) -> AppResult<()> {
    if let Some(unknown) = on.iter().find(|k| !OPTIONAL.contains(&k.as_str())) {
        return Err(haul_domain::DomainError::invalid("on", format!("`{unknown}` is none of {}", OPTIONAL.join(", "))).into());
    }
    let off: Vec<&str> = OPTIONAL.into_iter().filter(|k| !on.iter().any(|o| o == k)).collect();
    state.db.set_mail_opt_out(user, &off.join(",")).await?;
    Ok(())
}
