//! Comments on videos, moderated by the live chat's rules (length, masked
//! words) and rationed per person (in the store, see `add_comment`); replies in threads one level deep;
//! likes; the video author's pin; removal by whoever may (see
//! `domain::content::may_remove_comment`).

use crate::AppState;
use crate::error::{AppError, AppResult};
use haul_domain::accounts::Role;
use haul_domain::content::may_remove_comment;
use haul_domain::ids::VideoId;
use haul_domain::live::ChatRefusal;
use haul_domain::page::{Page, PageRequest};
use haul_store::accounts::User;
use haul_store::content::{Comment, NewComment};
use serde::Serialize;
use utoipa::ToSchema;

/// Replies shown under each thread of a page; the rest are a tap away.
pub const FIRST_REPLIES: i64 = 3;

#[derive(Serialize, ToSchema)]
pub struct Thread {
    #[serde(flatten)]
    pub comment: Comment,
    /// The first replies, oldest first (`comment.replies` counts them all).
    pub first_replies: Vec<Comment>,
}

fn refused(r: ChatRefusal) -> AppError {
    AppError::new(r.code(), r.message())
}

pub async fn post(state: &AppState, user: &User, video: i64, body: &str, parent: Option<i64>) -> AppResult<Comment> {
    let body = state.live.rules.check(body).map_err(refused)?;
    let now = state.clock.now();
    let comment = state.db.add_comment(NewComment { video: VideoId(video), user: user.user_id(), body: &body, parent }, now).await?;
    state.feed.forget_viewer(user.user_id());
    let answered = match parent {
        Some(p) => Some(state.db.comment(p).await?.user_id),
        None => None,
    };
    let author = state.db.video(VideoId(video)).await?.video.creator_id;
    crate::services::notifications::commented(state, user, &comment, answered, author).await;
    Ok(comment)
}

/// A video's threads, the pinned one first, each with its first replies.
pub async fn threads(state: &AppState, video: i64, page: &PageRequest) -> AppResult<Page<Thread>> {
    let found = state.db.comment_threads(VideoId(video), page).await?;
    let mut items = Vec::with_capacity(found.items.len());
    for comment in found.items {
        let first_replies = if comment.replies > 0 { state.db.replies(comment.id, 0, FIRST_REPLIES).await? } else { Vec::new() };
        items.push(Thread { comment, first_replies });
    }
    Ok(Page { items, next_cursor: found.next_cursor })
}

pub async fn like(state: &AppState, user: &User, id: i64, on: bool) -> AppResult<i64> {
    Ok(state.db.like_comment(id, user.user_id(), on, state.clock.now()).await?)
}

/// The video's author pins a top comment (one at a time) or unpins it.
pub async fn pin(state: &AppState, user: &User, id: i64, on: bool) -> AppResult<()> {
    let comment = state.db.comment(id).await?;
    let video = state.db.video(VideoId(comment.video_id)).await?.video;
    if video.creator_id != user.id {
        return Err(AppError::forbidden());
    }
    Ok(state.db.pin_comment(id, on, state.clock.now()).await?)
}

pub async fn remove(state: &AppState, user: &User, id: i64) -> AppResult<()> {
    let comment = state.db.comment(id).await?;
    let video = state.db.video(VideoId(comment.video_id)).await?.video;
    if !may_remove_comment(user.id, user.role() == Role::Operator, comment.user_id, video.creator_id) {
        return Err(AppError::forbidden());
    }
    Ok(state.db.remove_comment(id, state.clock.now()).await?)
}
