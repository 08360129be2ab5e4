//! The operator's figures: the platform's sales over the chosen days, its
//! top shops, creators and leaders, and the two feed policies compared by
//! how much of what the feed showed, and of what videos sold, sells hard
//! (docs/ANALYTICS.md). Operators only.

use crate::AppState;
use crate::error::AppResult;
use crate::services::analytics::{DEFAULT_OFFSET_MINUTES, DashboardQuery, Day, Totals, sum_days};
use crate::services::moderation::require_operator;
use haul_domain::analytics::{self, DaySpan};
use haul_store::accounts::User;
use haul_store::analytics::{Seller, Sellers};
use serde::Serialize;
use utoipa::ToSchema;

/// One feed policy's figures over the span.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyView {
    /// `content_first` or `commerce_first`.
    pub policy: &'static str,
    pub impressions: i64,
    pub hard_sell_impressions: i64,
    /// Hard-selling videos' share of the feed's showings (basis points).
    pub hard_sell_impressions_bps: Option<i64>,
    /// What videos sold (net of refunds, the platform's main currency) while it was in force.
    pub video_gmv_minor: i64,
    pub hard_sell_gmv_minor: i64,
    /// Hard-selling videos' share of that (basis points).
    pub hard_sell_gmv_bps: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Platform {
    pub from: String,
    pub to: String,
    pub tz_offset_minutes: i64,
    pub totals: Vec<Totals>,
    pub days: Vec<Day>,
    pub shops: Vec<Seller>,
    pub creators: Vec<Seller>,
    pub leaders: Vec<Seller>,
    /// In the currency the platform sold most in.
    pub currency: Option<String>,
    pub policies: Vec<PolicyView>,
}

pub async fn platform(state: &AppState, user: &User, q: &DashboardQuery) -> AppResult<Platform> {
    require_operator(user)?;
    let offset = analytics::offset_minutes(q.tz_offset_minutes, DEFAULT_OFFSET_MINUTES)?;
    let span = DaySpan::parse(q.from.as_deref(), q.to.as_deref(), offset, state.clock.now())?;
    let hours = state.db.platform_sales_by_hour(span.from, span.to).await?;
    let (totals, days) = sum_days(&hours, span, offset);
    let currency = totals.iter().max_by_key(|t| t.gmv_minor).map(|t| t.currency.clone());
    let mut policies = Vec::new();
    if let Some(currency) = &currency {
        for p in state.db.policy_figures(span.from, span.to, currency).await? {
            policies.push(PolicyView {
                policy: if p.policy == 1 { "commerce_first" } else { "content_first" },
                impressions: p.impressions,
                hard_sell_impressions: p.hard_sell_impressions,
                hard_sell_impressions_bps: analytics::rate_bps(p.hard_sell_impressions, p.impressions),
                video_gmv_minor: p.video_gmv_minor,
                hard_sell_gmv_minor: p.hard_sell_gmv_minor,
                hard_sell_gmv_bps: analytics::rate_bps(p.hard_sell_gmv_minor, p.video_gmv_minor),
            });
        }
    }
    let date = |ms| haul_domain::community::local_date(haul_domain::Timestamp::from_millis(ms), offset);
    Ok(Platform {
        from: date(span.from),
        to: date(span.to - 86_400_000),
        tz_offset_minutes: offset,
        totals,
        days,
        shops: state.db.top_sellers(Sellers::Shops, span.from, span.to, 10).await?,
        creators: state.db.top_sellers(Sellers::Creators, span.from, span.to, 10).await?,
        leaders: state.db.top_sellers(Sellers::Leaders, span.from, span.to, 10).await?,
        currency,
        policies,
    })
}
