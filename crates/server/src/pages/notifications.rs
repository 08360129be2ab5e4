//! A person's notifications, newest first; looking at them marks them read.

use super::layout::{CsrfToken, Layout, PageResult, SignedIn, render};
use crate::AppState;
use crate::extract::Query;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::content::NotificationKind;
use haul_domain::page::PageRequest;
use serde::Deserialize;

pub struct Line {
    pub text: String,
    pub excerpt: String,
    pub link: String,
    pub unread: bool,
    pub at: i64,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    lines: Vec<Line>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct NotificationsQuery {
    cursor: Option<String>,
}

/// A notification in words of the page's language.
fn sentence(kind: NotificationKind, actor: &str) -> String {
    let lang = crate::i18n::current();
    let key = match kind {
        NotificationKind::Reply => "notification-reply",
        NotificationKind::Comment => "notification-comment",
        NotificationKind::Follow => "notification-follow",
        NotificationKind::Live => "notification-live",
        NotificationKind::Order => "notification-order",
        NotificationKind::Lead => "notification-lead",
        NotificationKind::VoucherUsed => "notification-voucher-used",
        NotificationKind::VoucherRefunded => "notification-voucher-refunded",
    };
    lang.t_with(key, "name", actor)
}

pub async fn list(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NotificationsQuery>,
) -> PageResult {
    let page = state.db.notifications(user.user_id(), &PageRequest::parse(Some(30), q.cursor.as_deref())?).await?;
    if let Some(newest) = page.items.first().filter(|n| n.read_at.is_none()) {
        state.db.mark_notifications_read(user.user_id(), newest.id, state.clock.now()).await?;
    }
    let lines = page
        .items
        .into_iter()
        .map(|n| Line {
            text: sentence(n.kind, n.actor.as_deref().unwrap_or_default()),
            excerpt: n.excerpt,
            link: n.link,
            unread: n.read_at.is_none(),
            at: n.created_at,
        })
        .collect();
    let mut layout = Layout::new(Some(user), &csrf);
    layout.unread = 0;
    Ok(render(&NotificationsPage { layout, lines, next: page.next_cursor }))
}
