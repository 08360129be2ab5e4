//! The sandbox's outbox: the newest mail and SMS Haul wrote, as their
//! recipients would read them. No SMS gateway is reachable from a laptop and
//! the embedded setup has no mail server, so this is where the demo's
//! codes and links are read. Never served in production, where it would
//! show anyone's codes.

use super::layout::{CsrfToken, Layout, render};
use crate::AppState;
use crate::auth::WebUser;
use crate::error::AppError;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use haul_store::outbox::Message;

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    layout: Layout,
    messages: Vec<Message>,
}

pub async fn page(State(state): State<AppState>, WebUser(user): WebUser, axum::Extension(csrf): axum::Extension<CsrfToken>) -> Response {
    if state.config.is_production() {
        return super::layout::PageError(AppError::not_found("page")).into_response();
    }
    match state.db.recent_messages(None, 50).await {
        Ok(messages) => render(&OutboxPage { layout: Layout::new(user, &csrf), messages }),
        Err(e) => super::layout::PageError(e.into()).into_response(),
    }
}
