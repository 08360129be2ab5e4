//! The feed as a viewer and a creator see it: For You pages, the studio's
//! figures and reasons, and an operator's violation on a creator.

use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::services::videos::{VideoView, view};
use haul_domain::ErrorCode;
use haul_domain::accounts::Role;
use haul_domain::feed::hard_sell::Policy;
use haul_domain::feed::pools::{Need, Standing};
use haul_domain::feed::scores::{Engagement, Rates};
use haul_domain::ids::VideoId;
use haul_domain::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const MAX_PAGE: usize = 30;

#[derive(Deserialize, IntoParams)]
pub struct FeedQuery {
    /// 1 to 30; 10 by default.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

impl FeedQuery {
    pub fn size(&self) -> AppResult<usize> {
        match self.limit {
            None => Ok(10),
            Some(n) if (1..=MAX_PAGE as i64).contains(&n) => Ok(n as usize),
            Some(_) => Err(haul_domain::DomainError::invalid("limit", format!("between 1 and {MAX_PAGE}")).into()),
        }
    }
}

/// For You for a viewer (or a stranger: then the cursor is an offset).
pub async fn for_you_ranked(
    state: &AppState,
    viewer: Option<&haul_store::accounts::User>,
    q: &FeedQuery,
) -> AppResult<(Vec<crate::feed::Ranked>, Option<String>)> {
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
                    .ok_or_else(|| AppError::new(ErrorCode::InvalidCursor, "pass next_cursor back unchanged"))?,
            };
            let ranked: Vec<_> = state.feed.for_you(&state.db, None, offset + size, now).await?.into_iter().skip(offset).collect();
            let more = ranked.len() == size;
            (ranked, more.then(|| format!("o{}", offset + size)))
        }
    };
    Ok((ranked, next))
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

pub async fn studio_for(state: &AppState, user: &haul_store::accounts::User) -> AppResult<Studio> {
    let page = state.db.videos_of_creator(user.user_id(), &PageRequest::parse(Some(100), None)?).await?;
    let mut videos = Vec::with_capacity(page.items.len());
    for v in page.items {
        let detail = view(state.db.video(VideoId(v.id)).await?);
        // From the record, not the feed's periodic snapshot: the studio is live.
        let s = &state.feed.settings;
        let engagement = crate::feed::index::engagement(&v);
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

/// Records a moderation strike; shared with the operator page.
pub async fn record_violation(state: &AppState, operator: &haul_store::accounts::User, creator: i64, reason: &str) -> AppResult<()> {
    if operator.role() != Role::Operator {
        return Err(AppError::forbidden());
    }
    let reason = haul_domain::accounts::text("reason", reason, 200)?;
    state.db.user(haul_domain::ids::UserId(creator)).await?;
    state.db.add_violation(haul_domain::ids::UserId(creator), &reason, state.clock.now()).await?;
    let subject = (haul_domain::moderation::Subject::User, creator);
    crate::services::moderation::audit(
        state,
        operator,
        haul_domain::moderation::OperatorAction::Strike,
        subject,
        &reason,
        &serde_json::json!({"days": 30}),
    )
    .await?;
    // Health is recomputed from the record: the strike counts at once.
    state.feed.refresh(&state.db, state.clock.now()).await?;
    Ok(())
}

/// The operator sets the feed's hard-sell policy, on the record.
pub async fn set_policy(
    state: &AppState,
    operator: &haul_store::accounts::User,
    policy: haul_domain::feed::hard_sell::Policy,
) -> AppResult<()> {
    crate::services::moderation::require_operator(operator)?;
    state.feed.set_policy(&state.db, policy).await?;
    let name = if policy == haul_domain::feed::hard_sell::Policy::CommerceFirst { "commerce_first" } else { "content_first" };
    let subject = (haul_domain::moderation::Subject::Platform, 0);
    crate::services::moderation::audit(
        state,
        operator,
        haul_domain::moderation::OperatorAction::FeedPolicy,
        subject,
        "",
        &serde_json::json!({"policy": name}),
    )
    .await
}
