//! One viewer's WebSocket: first the snapshot and what it missed, then the
//! room's batches as they come, and the viewer's commands. A viewer that
//! falls behind skips batches (it is told how many); one that stops reading
//! is dropped after a write timeout. Neither slows the room.

use super::protocol::{Command, Event, Update, You, update_frame};
use super::room::{Frame, RoomHub};
use super::{LiveHub, moderation};
use crate::AppState;
use axum::extract::ws::{Message, WebSocket};
use futures_util::SinkExt;
use haul_domain::live::{ChatRefusal, RateLimit};
use haul_store::accounts::User;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// A write that takes longer than this drops the viewer.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Any command (chat has its own, stricter limit): 20 at once, then 20 a second.
const COMMANDS: RateLimit = RateLimit { burst: 20, every_ms: 50 };

pub struct Viewer {
    /// Boxed, like the futures below: every byte in a viewer's task is
    /// paid thousands of times over in a busy room.
    pub user: Option<Box<User>>,
    /// The key for the unique-viewer figure: the user, or the browser's id.
    pub key: String,
    pub moderator: bool,
}

pub async fn run(state: AppState, room: Arc<RoomHub>, mut socket: WebSocket, viewer: Viewer, after: Option<u64>) {
    let you = You { user_id: viewer.user.as_ref().map(|u| u.id), moderator: viewer.moderator };
    let (mut rx, first) = room.join(after, you, |status, replay| LiveHub::hls_path(room.id, status, replay));
    room.seen(viewer.key.clone());
    let mut last_sent = 0u64;
    let mut commands = COMMANDS.new_bucket(state.clock.now().millis());
    if Box::pin(send_all(&mut socket, first, &mut last_sent)).await.is_ok() {
        loop {
            tokio::select! {
                batch = rx.recv() => {
                    let mut frames = match batch {
                        Ok(b) => b.to_vec(),
                        Err(RecvError::Lagged(n)) => vec![Frame { id: 0, text: update_frame(&Update::Skipped { count: n }).into() }],
                        Err(RecvError::Closed) => break,
                    };
                    // Whatever else is already queued goes out in the same write.
                    while frames.len() < 256 {
                        match rx.try_recv() {
                            Ok(b) => frames.extend(b.iter().cloned()),
                            Err(_) => break,
                        }
                    }
                    if Box::pin(send_all(&mut socket, frames, &mut last_sent)).await.is_err() {
                        break;
                    }
                }
                msg = socket.recv() => {
                    let refused = match msg {
                        Some(Ok(Message::Text(text))) if COMMANDS.take(&mut commands, state.clock.now().millis()) => {
                            // Boxed: commands are rare, and their future (which
                            // may wait on the database) would otherwise make
                            // every viewer's task as large as its largest state.
                            Box::pin(command(&state, &room, &viewer, text.as_str())).await.err()
                        }
                        Some(Ok(Message::Text(_))) => Some(refusal(ChatRefusal::RateLimited)),
                        Some(Ok(Message::Binary(_))) => Some(error_frame("text_only", "send JSON text frames")),
                        Some(Ok(_)) => None,
                        Some(Err(_)) | None => break,
                    };
                    if let Some(f) = refused
                        && Box::pin(send_all(&mut socket, vec![f], &mut last_sent)).await.is_err()
                    {
                        break;
                    }
                }
            }
        }
    }
    room.leave();
}

/// Sends frames in one flush; events already sent (ids at or below
/// `last_sent`) are skipped. Callers box this future, so its timer and
/// buffers exist only while a write is under way.
async fn send_all(socket: &mut WebSocket, frames: Vec<Frame>, last_sent: &mut u64) -> Result<(), ()> {
    let write = async {
        for f in frames {
            if f.id != 0 {
                if f.id <= *last_sent {
                    continue;
                }
                *last_sent = f.id;
            }
            socket.feed(Message::Text(f.text)).await?;
        }
        socket.flush().await
    };
    match tokio::time::timeout(WRITE_TIMEOUT, write).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}

fn error_frame(code: &str, message: &str) -> Frame {
    Frame { id: 0, text: update_frame(&Update::Error { code, message }).into() }
}

fn refusal(r: ChatRefusal) -> Frame {
    api_refusal(crate::error::AppError::new(r.code(), r.message()))
}

/// Carries out a viewer's command; a refusal is answered to this viewer only.
async fn command(state: &AppState, room: &RoomHub, viewer: &Viewer, text: &str) -> Result<(), Frame> {
    let command: Command = serde_json::from_str(text).map_err(|_| error_frame("bad_command", "unknown or malformed command"))?;
    let Some(user) = &viewer.user else {
        return Err(refusal(ChatRefusal::SignInRequired));
    };
    let now = state.clock.now();
    match command {
        Command::Chat { text } => {
            // A refused text does not spend the rate limit.
            let text = state.live.rules.check(&text).map_err(refusal)?;
            room.may_chat(user.id, state.live.limit, now.millis()).map_err(refusal)?;
            room.count(|d| d.comments += 1);
            let event = Event::Chat { user_id: user.id, name: user.display_name.clone(), text, at: now.millis() };
            state.live.publish(room.id, event).await.map_err(api_refusal)?;
            room.interacted(&viewer.key);
            Ok(())
        }
        Command::Like { count } => {
            room.likes_pending.fetch_add(count.clamp(1, 10), std::sync::atomic::Ordering::Relaxed);
            room.interacted(&viewer.key);
            Ok(())
        }
        Command::Share => {
            room.count(|d| d.shares += 1);
            room.interacted(&viewer.key);
            Ok(())
        }
        Command::Delete { message_id } => moderation::delete(state, room.id, user, message_id).await.map_err(api_refusal),
        Command::Mute { user_id, minutes } => moderation::mute(state, room.id, user, user_id, minutes).await.map_err(api_refusal),
        Command::Ban { user_id } => moderation::ban(state, room.id, user, user_id).await.map_err(api_refusal),
    }
}

fn api_refusal(e: crate::error::AppError) -> Frame {
    error_frame(e.code.as_str(), &e.localized_message())
}
