//! What a room's host and moderators may do, shared by the WebSocket and
//! the HTTP API: delete a chat message, mute, ban; the host (or an
//! operator) appoints moderators. Sanctions are written to the record first
//! and then announced, so every node enforces them.

use super::protocol::Event;
use crate::AppState;
use crate::error::{AppError, AppResult};
use haul_domain::ErrorCode;
use haul_domain::accounts::Role;
use haul_domain::ids::{RoomId, UserId};
use haul_domain::live::check_mute_minutes;
use haul_store::accounts::User;

async fn require_moderator(state: &AppState, room: i64, user: &User) -> AppResult<haul_store::live::Room> {
    let r = state.db.room(RoomId(room)).await?;
    if r.host_id == user.id || user.role() == Role::Operator || state.db.moderators(RoomId(room)).await?.contains(&user.id) {
        Ok(r)
    } else {
        Err(AppError::forbidden())
    }
}

pub async fn delete(state: &AppState, room: i64, by: &User, message_id: u64) -> AppResult<()> {
    require_moderator(state, room, by).await?;
    state.live.publish(room, Event::Deleted { message_id }).await
}

pub async fn mute(state: &AppState, room: i64, by: &User, target: i64, minutes: i64) -> AppResult<()> {
    let minutes = check_mute_minutes(minutes)?;
    let until = state.clock.now().plus_seconds(minutes * 60);
    sanction(state, room, by, target, "mute", Some(until)).await
}

pub async fn ban(state: &AppState, room: i64, by: &User, target: i64) -> AppResult<()> {
    sanction(state, room, by, target, "ban", None).await
}

async fn sanction(state: &AppState, room: i64, by: &User, target: i64, kind: &str, until: Option<haul_domain::Timestamp>) -> AppResult<()> {
    let r = require_moderator(state, room, by).await?;
    if target == r.host_id || target == by.id {
        return Err(AppError::new(ErrorCode::CannotSanction, "the host and yourself cannot be muted or banned"));
    }
    state.db.user(UserId(target)).await?;
    state.db.sanction(RoomId(room), UserId(target), kind, until, by.user_id(), state.clock.now()).await?;
    let event = Event::Sanctioned { user_id: target, kind: kind.to_owned(), until: until.map(|t| t.millis()) };
    state.live.publish(room, event).await
}

pub async fn add_moderator(state: &AppState, room: i64, by: &User, target: i64) -> AppResult<()> {
    let r = state.db.room(RoomId(room)).await?;
    if r.host_id != by.id && by.role() != Role::Operator {
        return Err(AppError::forbidden());
    }
    state.db.user(UserId(target)).await?;
    state.db.add_moderator(RoomId(room), UserId(target)).await?;
    state.live.publish(room, Event::ModeratorAdded { user_id: target }).await
}
