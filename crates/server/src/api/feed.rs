//! The feeds and the creator studio. Every feed item carries its reasons
//! (which source, which pool, which scores); the studio shows each video's
//! pool, its rates and what it needs for the next pool.

use crate::AppState;
use crate::api::videos::{VideoView, view};
use crate::auth::ApiUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use haul_domain::accounts::Role;
use haul_domain::feed::hard_sell::Policy;
use haul_domain::feed::pools::{Need, Standing};
use haul_domain::feed::rank::Reasons;
use haul_domain::feed::scores::{Engagement, Rates};
use haul_domain::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const MAX_PAGE: usize = 30;

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
}

#[derive(Serialize, ToSchema)]
pub struct FeedPage<'a> {
    pub items: Vec<FeedItem<'a>>,
    /// Pass back as `cursor` for more; a signed-in viewer is never shown an item twice.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct FeedQuery {
    /// 1 to 30; 10 by default.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

impl FeedQuery {
    fn size(&self) -> ApiResult<usize> {
        match self.limit {
            None => Ok(10),
            Some(n) if (1..=MAX_PAGE as i64).contains(&n) => Ok(n as usize),
            Some(_) => Err(haul_domain::DomainError::invalid("limit", format!("between 1 and {MAX_PAGE}")).into()),
        }
    }
}

fn page(ranked: &[crate::feed::Ranked], next_cursor: Option<String>) -> Response {
    let items = ranked.iter().map(|r| FeedItem { video: &r.json, reasons: r.reasons }).collect();
    axum::Json(FeedPage { items, next_cursor }).into_response()
}

/// For You for a viewer (or a stranger: then the cursor is an offset).
pub async fn for_you_ranked(
    state: &AppState,
    viewer: Option<&haul_store::accounts::User>,
    q: &FeedQuery,
) -> ApiResult<(Vec<crate::feed::Ranked>, Option<String>)> {
    let size = q.size()?;
    let now = state.clock.now();
    let (ranked, next) = match viewer {
        Some(u) => {
            let ranked = state.feed.for_you(&state.db, Some(u.user_id()), size, now).await?;
            let more = ranked.len() == size;
            (ranked, more.then(|| "more".to_owned()))
        }
        None => {
            let offset: usize = match q.cursor.as_deref() {
                None => 0,
                Some(c) => c
                    .strip_prefix("o")
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n <= 1000)
                    .ok_or_else(|| ApiError::bad_request("invalid_cursor", "pass next_cursor back unchanged"))?,
            };
            let ranked: Vec<_> = state.feed.for_you(&state.db, None, offset + size, now).await?.into_iter().skip(offset).collect();
            let more = ranked.len() == size;
            (ranked, more.then(|| format!("o{}", offset + size)))
        }
    };
    Ok((ranked, next))
}

#[utoipa::path(get, path = "/api/v1/feed", tag = "feed", params(FeedQuery), responses((status = 200, body = FeedPage)))]
async fn for_you(State(state): State<AppState>, user: Option<ApiUser>, Query(q): Query<FeedQuery>) -> ApiResult<Response> {
    let (ranked, next_cursor) = for_you_ranked(&state, user.as_ref().map(|u| &u.0), &q).await?;
    Ok(page(&ranked, next_cursor))
}

#[utoipa::path(get, path = "/api/v1/feed/following", tag = "feed", security(("bearer" = [])), params(FeedQuery), responses((status = 200, body = FeedPage)))]
async fn following(State(state): State<AppState>, ApiUser(user): ApiUser, Query(q): Query<FeedQuery>) -> ApiResult<Response> {
    let size = q.size()?;
    let before = PageRequest::parse(Some(size as i64), q.cursor.as_deref())?.before_id();
    let ranked = state.feed.following(&state.db, user.user_id(), before, size, state.clock.now()).await?;
    let next = if ranked.len() == size { ranked.last().map(|r| r.detail.video.id.to_string()) } else { None };
    Ok(page(&ranked, next))
}

#[derive(Serialize, ToSchema)]
pub struct StudioVideo {
    pub video: VideoView,
    #[schema(value_type = Object)]
    pub engagement: Engagement,
    /// Smoothed rates (Bayesian priors): what the feed reads.
    #[schema(value_type = Object)]
    pub rates: Rates,
    /// 1.0 is an average video.
    pub quality: f64,
    /// The traffic pool: growing (with impressions left), stalled, or top.
    #[schema(value_type = Object)]
    pub pool: Standing,
    /// What the next pool needs that the video does not have yet.
    #[schema(value_type = Vec<Object>)]
    pub needs: Vec<Need>,
    pub hard_sell: f64,
    pub hard_sell_signals: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Studio {
    /// 0 to 100; below the threshold the creator's videos reach followers only.
    pub health: f64,
    pub health_threshold: f64,
    pub followers: i64,
    #[schema(value_type = String)]
    pub policy: Policy,
    pub videos: Vec<StudioVideo>,
}

pub async fn studio_for(state: &AppState, user: &haul_store::accounts::User) -> ApiResult<Studio> {
    let page = state.db.videos_of_creator(user.user_id(), &PageRequest::parse(Some(100), None)?).await?;
    let mut videos = Vec::with_capacity(page.items.len());
    for v in page.items {
        let detail = view(state.db.video(v.id).await?);
        // From the record, not the feed's periodic snapshot: the studio is live.
        let s = &state.feed.settings;
        let engagement = Engagement {
            impressions: v.impressions,
            views: v.views,
            completions: v.completions,
            likes: v.likes,
            comments: v.comments,
            shares: v.shares,
            product_clicks: v.product_clicks,
            purchases: v.purchases,
        };
        let rates = engagement.rates(&s.priors);
        let pool = s.pools.standing(engagement.impressions, &rates);
        videos.push(StudioVideo {
            needs: s.pools.needs(pool.level(), &rates),
            quality: haul_domain::feed::scores::quality(&rates, &s.priors, &s.weights),
            hard_sell: v.hard_sell_milli as f64 / 1000.0,
            hard_sell_signals: v.hard_sell_signals.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            video: detail,
            engagement,
            rates,
            pool,
        });
    }
    Ok(Studio {
        health: state.feed.creator_health(user.id),
        health_threshold: state.config.creator_health_threshold,
        followers: state.db.follower_count(user.user_id()).await?,
        policy: state.feed.policy(),
        videos,
    })
}

#[utoipa::path(get, path = "/api/v1/studio", tag = "feed", security(("bearer" = [])), responses((status = 200, body = Studio)))]
async fn studio(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult<axum::Json<Studio>> {
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
async fn set_policy(State(state): State<AppState>, ApiUser(user): ApiUser, Json(input): Json<PolicyBody>) -> ApiResult<StatusCode> {
    if user.role() != Role::Operator {
        return Err(ApiError::forbidden());
    }
    let policy =
        Policy::parse(&input.policy).ok_or_else(|| haul_domain::DomainError::invalid("policy", "content_first or commerce_first"))?;
    state.feed.set_policy(&state.db, policy).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ViolationInput {
    /// What the creator did, e.g. "misleading claims".
    pub reason: String,
}

/// Records a moderation strike; shared with the operator page.
pub async fn record_violation(state: &AppState, operator: &haul_store::accounts::User, creator: i64, reason: &str) -> ApiResult<()> {
    if operator.role() != Role::Operator {
        return Err(ApiError::forbidden());
    }
    let reason = haul_domain::accounts::text("reason", reason, 200)?;
    state.db.user(haul_domain::ids::UserId(creator)).await?;
    state.db.add_violation(haul_domain::ids::UserId(creator), &reason, state.clock.now()).await?;
    // Health is recomputed from the record: the strike counts at once.
    state.feed.refresh(&state.db, state.clock.now()).await?;
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/creators/{id}/violations", tag = "feed", security(("bearer" = [])), request_body = ViolationInput,
    responses((status = 204, description = "counts against the creator's health for 30 days"), (status = 403), (status = 404)))]
async fn violation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    crate::extract::Path(id): crate::extract::Path<i64>,
    Json(input): Json<ViolationInput>,
) -> ApiResult<StatusCode> {
    record_violation(&state, &user, id, &input.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
