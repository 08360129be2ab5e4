//! Notifications (replies, comments on one's videos, followers, reminded
//! rooms going live, orders shipping) and live rooms' reminders.

use crate::AppState;
use crate::api::PageParams;
use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::extract::{Json, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use haul_store::notifications::Notification;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(read)).routes(routes!(remind))
}

#[derive(Serialize, ToSchema)]
struct NotificationPage {
    items: Vec<Notification>,
    next_cursor: Option<String>,
    /// How many are unread in all.
    unread: i64,
}

/// The signed-in person's notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = NotificationPage)))]
async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(page): Query<PageParams>,
) -> AppResult<axum::Json<NotificationPage>> {
    let page = state.db.notifications(user.user_id(), &page.parse()?).await?;
    let unread = state.db.unread_notifications(user.user_id()).await?;
    Ok(axum::Json(NotificationPage { items: page.items, next_cursor: page.next_cursor, unread }))
}

#[derive(Deserialize, ToSchema)]
struct ReadInput {
    /// The newest notification seen: it and everything before it are read.
    up_to: i64,
}

#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", security(("bearer" = [])), request_body = ReadInput,
    responses((status = 204)))]
async fn read(State(state): State<AppState>, ApiUser(user): ApiUser, Json(input): Json<ReadInput>) -> AppResult<StatusCode> {
    state.db.mark_notifications_read(user.user_id(), input.up_to, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
struct RemindInput {
    on: bool,
}

/// "Remind me" on a room that has not started: a notification when it goes live.
#[utoipa::path(put, path = "/api/v1/live/rooms/{id}/reminder", tag = "notifications", security(("bearer" = [])), request_body = RemindInput,
    responses((status = 204), (status = 409, description = "room_started")))]
async fn remind(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(input): Json<RemindInput>,
) -> AppResult<StatusCode> {
    crate::services::live::remind(&state, &user, id, input.on).await?;
    Ok(StatusCode::NO_CONTENT)
}
