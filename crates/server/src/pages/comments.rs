//! A video's comments as a page: threads with their first replies (or one
//! thread with all of them), a box to comment or reply, likes, the author's
//! pin, removal and reports. Forms work without JavaScript.

use super::layout::{CheckedForm, CsrfToken, Layout, PageResult, SignedIn, render, see_other};
use crate::AppState;
use crate::auth::WebUser;
use crate::extract::{Path, Query};
use crate::services::comments::{self, Thread};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use haul_domain::accounts::Role;
use haul_domain::content::VideoStatus;
use haul_domain::ids::VideoId;
use haul_domain::page::PageRequest;
use haul_store::content::{Comment, VideoDetail};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "comments.html")]
struct CommentsPage {
    layout: Layout,
    video: VideoDetail,
    poster: Option<String>,
    threads: Vec<Thread>,
    /// One thread opened with all its replies.
    open: Option<i64>,
    /// The comment being answered, from "reply".
    replying: Option<Comment>,
    liked: Vec<i64>,
    /// The viewer wrote the video: they pin and remove.
    owner: bool,
    operator: bool,
    next: Option<String>,
}

impl CommentsPage {
    fn may_remove(&self, c: &Comment) -> bool {
        self.layout
            .user
            .as_ref()
            .is_some_and(|u| haul_domain::content::may_remove_comment(u.id, self.operator, c.user_id, self.video.video.creator_id))
    }
}

#[derive(Deserialize)]
pub struct CommentsQuery {
    cursor: Option<String>,
    thread: Option<i64>,
    reply: Option<i64>,
}

pub async fn page(
    State(state): State<AppState>,
    WebUser(user): WebUser,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<i64>,
    Query(q): Query<CommentsQuery>,
) -> PageResult {
    let video = state.db.video(VideoId(id)).await?;
    if video.video.status != VideoStatus::Published {
        return Err(crate::error::AppError::not_found("video").into());
    }
    let (threads, next) = match q.thread {
        Some(t) => {
            let comment = state.db.comment(t).await?;
            if comment.video_id != id || comment.parent_id.is_some() {
                return Err(crate::error::AppError::not_found("comment").into());
            }
            let first_replies = state.db.replies(t, 0, 100).await?;
            (vec![Thread { comment, first_replies }], None)
        }
        None => {
            let page = comments::threads(&state, id, &PageRequest::parse(Some(20), q.cursor.as_deref())?).await?;
            (page.items, page.next_cursor)
        }
    };
    let replying = match q.reply {
        Some(r) => state.db.comment(r).await.ok().filter(|c| c.video_id == id),
        None => None,
    };
    let ids: Vec<i64> = threads.iter().flat_map(|t| std::iter::once(t.comment.id).chain(t.first_replies.iter().map(|r| r.id))).collect();
    let liked = match &user {
        Some(u) => state.db.liked_comments(u.user_id(), &ids).await?,
        None => Vec::new(),
    };
    let owner = user.as_ref().is_some_and(|u| u.id == video.video.creator_id);
    let operator = user.as_ref().is_some_and(|u| u.role() == Role::Operator);
    Ok(render(&CommentsPage {
        poster: video.video.poster_key.as_deref().map(crate::media::MediaStore::url),
        layout: Layout::new(user, &csrf),
        video,
        threads,
        open: q.thread,
        replying,
        liked,
        owner,
        operator,
        next,
    }))
}

#[derive(Deserialize)]
pub struct PostForm {
    body: String,
    parent_id: Option<i64>,
}

pub async fn post(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<PostForm>,
) -> PageResult {
    let c = comments::post(&state, &user, id, &f.body, f.parent_id).await?;
    Ok(see_other(&back(id, c.parent_id, c.id)))
}

/// The page of a comment, at the comment.
fn back(video: i64, thread: Option<i64>, comment: i64) -> String {
    match thread {
        Some(t) => format!("/videos/{video}/comments?thread={t}#c{comment}"),
        None => format!("/videos/{video}/comments#c{comment}"),
    }
}

#[derive(Deserialize)]
pub struct ToggleForm {
    on: bool,
}

pub async fn like(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<ToggleForm>,
) -> PageResult {
    let c = state.db.comment(id).await?;
    comments::like(&state, &user, id, f.on).await?;
    Ok(see_other(&back(c.video_id, c.parent_id, id)))
}

pub async fn pin(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(f): CheckedForm<ToggleForm>,
) -> PageResult {
    let c = state.db.comment(id).await?;
    comments::pin(&state, &user, id, f.on).await?;
    Ok(see_other(&format!("/videos/{}/comments", c.video_id)))
}

pub async fn remove(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CheckedForm(_): CheckedForm<super::layout::NoFields>,
) -> PageResult {
    let c = state.db.comment(id).await?;
    comments::remove(&state, &user, id).await?;
    Ok(see_other(&match c.parent_id {
        Some(t) => format!("/videos/{}/comments?thread={t}", c.video_id),
        None => format!("/videos/{}/comments", c.video_id),
    }))
}
