//! A person's sessions (their devices): which browsers and apps are signed
//! in, from where and when last used, and ending any of them.

use crate::AppState;
use crate::auth::token_hash;
use crate::error::{AppError, AppResult};
use haul_domain::ErrorCode;
use haul_domain::devices::describe;
use haul_store::accounts::{HANDLE_CHARS, User};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceView {
    /// Names the session for ending it.
    pub handle: String,
    /// `web` (a browser's cookie) or `api` (an app's token).
    pub kind: String,
    /// The browser or app, and the system, as read from its User-Agent.
    pub browser: String,
    pub system: String,
    /// The address it signed in from.
    pub address: String,
    pub created_at: i64,
    /// Within about five minutes.
    pub last_seen_at: i64,
    /// The session making this request.
    pub current: bool,
}

/// The caller's live sessions, the most recently used first; `token` is the
/// session making the request.
pub async fn devices(state: &AppState, user: &User, token: &str) -> AppResult<Vec<DeviceView>> {
    let mine = token_hash(token);
    let sessions = state.db.sessions_of(user.user_id(), state.clock.now()).await?;
    Ok(sessions
        .into_iter()
        .map(|s| {
            let (browser, system) = describe(&s.user_agent);
            DeviceView {
                current: mine.starts_with(&s.handle),
                handle: s.handle,
                kind: s.kind,
                browser,
                system,
                address: s.address,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
            }
        })
        .collect())
}

/// Signs one of the caller's other sessions out (`token` is the one making
/// the request, which signs out by signing out). Another person's handle is
/// as unknown as a made-up one.
pub async fn end_device(state: &AppState, user: &User, handle: &str, token: &str) -> AppResult<()> {
    let known = handle.len() == HANDLE_CHARS && handle.bytes().all(|b| b.is_ascii_hexdigit());
    if known && token_hash(token).starts_with(handle) {
        return Err(AppError::refused(ErrorCode::SessionIsCurrent));
    }
    if !known || !state.db.end_session(user.user_id(), handle).await? {
        return Err(AppError::not_found("session"));
    }
    // Cached sessions on this node end now; on other nodes within seconds.
    state.sessions.forget_user(user.id);
    Ok(())
}

/// Signs out every session of the caller but `token`'s; how many ended.
pub async fn end_other_devices(state: &AppState, user: &User, token: &str) -> AppResult<u64> {
    let ended = state.db.end_other_sessions(user.user_id(), &token_hash(token)).await?;
    if ended > 0 {
        state.sessions.forget_user(user.id);
    }
    Ok(ended)
}
