//! Comments on videos: threads one level deep, likes, the author's pin,
//! removal. Text follows the live chat's rules (masked words, length).

use crate::AppState;
use crate::api::PageParams;
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::{Json, Path, Query};
use crate::services::comments::{self, Thread};
use axum::extract::State;
use axum::http::StatusCode;
use haul_store::content::Comment;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(threads, post))
        .routes(routes!(replies))
        .routes(routes!(like))
        .routes(routes!(pin))
        .routes(routes!(remove))
}

#[derive(Serialize, ToSchema)]
struct ThreadPage {
    items: Vec<Thread>,
    next_cursor: Option<String>,
}

/// The video's threads, newest first; the first page opens with the pinned one.
#[utoipa::path(get, path = "/api/v1/videos/{id}/comments", tag = "comments", params(PageParams), responses((status = 200, body = ThreadPage)))]
async fn threads(State(state): State<AppState>, Path(id): Path<i64>, Query(page): Query<PageParams>) -> AppResult<axum::Json<ThreadPage>> {
    let page = comments::threads(&state, id, &page.parse()?).await?;
    Ok(axum::Json(ThreadPage { items: page.items, next_cursor: page.next_cursor }))
}

#[derive(Deserialize, ToSchema)]
struct CommentInput {
    body: String,
    /// The comment answered; a reply to a reply joins the same thread.
    parent_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/videos/{id}/comments", tag = "comments", security(("bearer" = [])), request_body = CommentInput,
    responses((status = 201, body = Comment), (status = 404), (status = 422, description = "chat_empty, chat_too_long"), (status = 429, description = "rate_limited")))]
async fn post(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<CommentInput>,
) -> AppResult<(StatusCode, axum::Json<Comment>)> {
    let comment = comments::post(&state, &user, id, &input.body, input.parent_id).await?;
    Ok((StatusCode::CREATED, axum::Json(comment)))
}

#[derive(Deserialize, IntoParams)]
struct RepliesQuery {
    /// The last reply already shown (0 for the first).
    #[serde(default)]
    after: i64,
    /// 1 to 100; 20 by default.
    limit: Option<i64>,
}

/// A thread's replies, oldest first.
#[utoipa::path(get, path = "/api/v1/comments/{id}/replies", tag = "comments", params(RepliesQuery), responses((status = 200, body = Vec<Comment>)))]
async fn replies(State(state): State<AppState>, Path(id): Path<i64>, Query(q): Query<RepliesQuery>) -> AppResult<axum::Json<Vec<Comment>>> {
    let limit = haul_domain::page::PageRequest::parse(q.limit, None)?.limit;
    state.db.comment(id).await?;
    Ok(axum::Json(state.db.replies(id, q.after, limit).await?))
}

#[derive(Deserialize, ToSchema)]
struct Toggle {
    #[serde(default = "yes")]
    on: bool,
}

fn yes() -> bool {
    true
}

#[derive(Serialize, ToSchema)]
struct Likes {
    likes: i64,
}

#[utoipa::path(post, path = "/api/v1/comments/{id}/likes", tag = "comments", security(("bearer" = [])), request_body = Toggle,
    responses((status = 200, body = Likes), (status = 404)))]
async fn like(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(t): Json<Toggle>,
) -> AppResult<axum::Json<Likes>> {
    Ok(axum::Json(Likes { likes: comments::like(&state, &user, id, t.on).await? }))
}

/// The video's author pins a top comment (replacing any other) or unpins it.
#[utoipa::path(put, path = "/api/v1/comments/{id}/pin", tag = "comments", security(("bearer" = [])), request_body = Toggle,
    responses((status = 204), (status = 409, description = "not_pinnable")))]
async fn pin(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>, Json(t): Json<Toggle>) -> AppResult<StatusCode> {
    comments::pin(&state, &user, id, t.on).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Its author, the video's author or an operator takes a comment down.
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "comments", security(("bearer" = [])), responses((status = 204), (status = 403)))]
async fn remove(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> AppResult<StatusCode> {
    comments::remove(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
