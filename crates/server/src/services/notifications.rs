//! Telling people what happened: a reply or a comment on their video, a new
//! follower, a room they asked to be reminded of going live, their order
//! shipping. Nobody is told about what they did themselves. A notification
//! that cannot be written never fails what it tells of (it is logged).

use crate::AppState;
use haul_domain::content::NotificationKind;
use haul_domain::ids::{RoomId, UserId};
use haul_store::accounts::User;
use haul_store::content::Comment;
use haul_store::notifications::NewNotification;

async fn tell(state: &AppState, to: i64, kind: NotificationKind, actor: Option<&User>, link: &str, excerpt: &str) {
    if actor.is_some_and(|a| a.id == to) {
        return;
    }
    let new = NewNotification { user: UserId(to), kind, actor: actor.map(User::user_id), link, excerpt };
    if let Err(e) = state.db.notify(new, state.clock.now()).await {
        tracing::warn!(error = %e, ?kind, "notification not written");
    }
}

/// A comment tells the person it answers, or the video's author.
pub async fn commented(state: &AppState, by: &User, comment: &Comment, answered: Option<i64>, video_author: i64) {
    let link = match comment.parent_id {
        Some(thread) => format!("/videos/{}/comments?thread={thread}#c{}", comment.video_id, comment.id),
        None => format!("/videos/{}/comments#c{}", comment.video_id, comment.id),
    };
    match answered {
        Some(person) => tell(state, person, NotificationKind::Reply, Some(by), &link, &comment.body).await,
        None => tell(state, video_author, NotificationKind::Comment, Some(by), &link, &comment.body).await,
    }
}

/// Once per follower: following again after unfollowing tells nobody.
pub async fn followed(state: &AppState, follower: &User, creator: UserId) {
    let link = format!("/creators/{}", follower.id);
    let new = NewNotification { user: creator, kind: NotificationKind::Follow, actor: Some(follower.user_id()), link: &link, excerpt: "" };
    if let Err(e) = state.db.notify_once(new, state.clock.now()).await {
        tracing::warn!(error = %e, "follow notification not written");
    }
}

/// Everyone who asked to be reminded of the room is told it is live.
pub async fn room_live(state: &AppState, room: i64) {
    let sent = match state.db.room(RoomId(room)).await {
        Ok(r) => state.db.send_reminders(RoomId(room), &format!("/live/{room}"), &r.title, state.clock.now()).await.map(|who| (r, who)),
        Err(e) => Err(e),
    };
    match sent {
        Ok((r, reminded)) => super::mail_notices::room_live(state, &r, &reminded).await,
        Err(e) => tracing::warn!(error = %e, room, "reminders not sent"),
    }
}

/// The buyer hears that the shop answered their request for a quote.
pub async fn lead_answered(state: &AppState, by: &User, buyer: i64, lead: i64, text: &str) {
    tell(state, buyer, NotificationKind::Lead, Some(by), &format!("/leads/{lead}"), text).await;
}

/// The buyer hears that their order moved; `news` is what to show (a
/// carrier and tracking number).
pub async fn order_moved(state: &AppState, buyer: i64, order: i64, news: &str) {
    tell(state, buyer, NotificationKind::Order, None, &format!("/orders/{order}"), news).await;
}

/// The buyer hears that a voucher was used at the shop, or refunded unused.
pub async fn voucher_moved(state: &AppState, v: &haul_store::vouchers::Voucher) {
    let kind = if v.status == haul_domain::vouchers::VoucherStatus::Redeemed {
        NotificationKind::VoucherUsed
    } else {
        NotificationKind::VoucherRefunded
    };
    let news = format!("{} · {}", v.title, v.shop_name);
    tell(state, v.buyer_id, kind, None, &format!("/orders/{}", v.order_id), &news).await;
}
