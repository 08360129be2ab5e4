//! The feeds and the creator studio. Every feed item carries its reasons
//! (which source, which pool, which scores); the studio shows each video's
//! pool, its rates and what it needs for the next pool.

use crate::AppState;
use crate::auth::ApiUser;
use crate::error::{AppError, AppResult};
use crate::extract::{Json, Query};
use crate::services::feed::{FeedQuery, Studio, for_you_ranked, record_violation, studio_for};
use crate::services::videos::VideoView;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use haul_domain::accounts::Role;
use haul_domain::feed::hard_sell::Policy;
use haul_domain::feed::rank::Reasons;
use haul_domain::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(for_you))
        .routes(routes!(following))
        .routes(routes!(studio))
        .routes(routes!(get_policy, set_policy))
        .routes(routes!(violation))
}

#[derive(Serialize, ToSchema)]
pub struct FeedItem<'a> {
    /// The video (as `GET /api/v1/videos/{id}` shows it; counters as of the
    /// feed's last refresh), serialised once per refresh.
    #[schema(value_type = VideoView)]
    pub video: &'a serde_json::value::RawValue,
    /// Why it is here: source, traffic pool, quality, freshness, affinity, hard sell, policy.
    #[schema(value_type = Object)]
    pub reasons: Reasons,
    /// The first video shown again: the viewer has seen every other one
    /// (from here on, `reasons.source` is `seen`).
    pub caught_up: bool,
}

#[derive(Serialize, ToSchema)]
pub struct FeedPage<'a> {
    pub items: Vec<FeedItem<'a>>,
    /// Pass back as `cursor` for more. A signed-in viewer's feed never ends: once
    /// every video was shown, seen ones come again.
    pub next_cursor: Option<String>,
}

fn page(ranked: &[crate::feed::Ranked], next_cursor: Option<String>) -> Response {
    let items = ranked.iter().map(|r| FeedItem { video: &r.json, reasons: r.reasons, caught_up: r.caught_up }).collect();
    axum::Json(FeedPage { items, next_cursor }).into_response()
}

#[utoipa::path(get, path = "/api/v1/feed", tag = "feed", params(FeedQuery), responses((status = 200, body = FeedPage)))]
async fn for_you(State(state): State<AppState>, user: Option<ApiUser>, Query(q): Query<FeedQuery>) -> AppResult<Response> {
    let (ranked, next_cursor) = for_you_ranked(&state, user.as_ref().map(|u| &u.0), &q).await?;
    Ok(page(&ranked, next_cursor))
}

#[utoipa::path(get, path = "/api/v1/feed/following", tag = "feed", security(("bearer" = [])), params(FeedQuery), responses((status = 200, body = FeedPage)))]
async fn following(State(state): State<AppState>, ApiUser(user): ApiUser, Query(q): Query<FeedQuery>) -> AppResult<Response> {
    let size = q.size()?;
    let before = PageRequest::parse(Some(size as i64), q.cursor.as_deref())?.before_id();
    let ranked = state.feed.following(&state.db, user.user_id(), before, size, state.clock.now()).await?;
    let next = if ranked.len() == size { ranked.last().map(|r| r.detail.video.id.to_string()) } else { None };
    Ok(page(&ranked, next))
}

#[utoipa::path(get, path = "/api/v1/studio", tag = "feed", security(("bearer" = [])), responses((status = 200, body = Studio)))]
async fn studio(State(state): State<AppState>, ApiUser(user): ApiUser) -> AppResult<axum::Json<Studio>> {
    Ok(axum::Json(studio_for(&state, &user).await?))
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct PolicyBody {
    /// `content_first` (hard sell demoted, as on Douyin) or `commerce_first` (as on Kuaishou).
    pub policy: String,
}

#[utoipa::path(get, path = "/api/v1/feed/policy", tag = "feed", responses((status = 200, body = PolicyBody)))]
async fn get_policy(State(state): State<AppState>) -> axum::Json<PolicyBody> {
    let policy = if state.feed.policy() == Policy::CommerceFirst { "commerce_first" } else { "content_first" };
    axum::Json(PolicyBody { policy: policy.into() })
}

#[utoipa::path(put, path = "/api/v1/feed/policy", tag = "feed", security(("bearer" = [])), request_body = PolicyBody, responses((status = 204), (status = 403)))]
async fn set_policy(State(state): State<AppState>, ApiUser(user): ApiUser, Json(input): Json<PolicyBody>) -> AppResult<StatusCode> {
    if user.role() != Role::Operator {
        return Err(AppError::forbidden());
    }
    let policy =
        Policy::parse(&input.policy).ok_or_else(|| haul_domain::DomainError::invalid("policy", "content_first or commerce_first"))?;
    crate::services::feed::set_policy(&state, &user, policy).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ViolationInput {
    /// What the creator did, e.g. "misleading claims".
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/creators/{id}/violations", tag = "feed", security(("bearer" = [])), request_body = ViolationInput,
    responses((status = 204, description = "counts against the creator's health for 30 days"), (status = 403), (status = 404)))]
async fn violation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    crate::extract::Path(id): crate::extract::Path<i64>,
    Json(input): Json<ViolationInput>,
) -> AppResult<StatusCode> {
    record_violation(&state, &user, id, &input.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
